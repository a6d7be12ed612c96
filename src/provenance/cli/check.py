"""``provenance check``: the CI gate, over the library's ``provenance.check.check``."""

from __future__ import annotations

import io
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from provenance.cli.exits import (
    FINDINGS_EXIT,
    ExitCode,
    broken_pipe,
    exit_codes,
    interruptible,
    outputs_left,
    usage_errors,
)
from provenance.cli.messages import oneline, report_notes, report_skipped, say
from provenance.cli.options import check_extra_outputs, corpus_options, corpus_shortcuts, prepare
from provenance.cli.output import progress_bars, stdout, write_extras, write_text

if TYPE_CHECKING:
    from provenance.config import Settings
    from provenance.models import CheckResult


CHECK_EXIT_CODES_HELP = """\b
Exit codes:
  0    no finding fails the policy, and every input was read
  1    some findings fail the policy (even if inputs were also
       skipped: they are named on stderr)
  2    usage error: bad option, setting, index, baseline, git
       repository or revision, or an output that cannot be written
  3    no finding fails, but some inputs were skipped (named on
       stderr): they were not checked
  123  internal error (a bug; rerun with PROVENANCE_DEBUG=1)
  130  interrupted (Ctrl-C, SIGINT): workers stopped, no output file
       left half-written
  143  terminated (SIGTERM): the same
"""

CHECK_FORMATS = ("text", "json", "sarif", "github", "junit")

CHECK_EXAMPLES = """\b
Examples:
  provenance check                          # the current folder
  provenance check content/ --index sources.db
  provenance check --changed-since origin/main --format github
  provenance check posts/ --write-baseline baseline.json
  provenance check posts/ --baseline baseline.json --fail-on duplicate
"""


@click.command(
    short_help="CI gate: fail on text reused from published sources.",
    epilog=CHECK_EXAMPLES + "\n" + CHECK_EXIT_CODES_HELP,
)
@click.argument("paths", nargs=-1, type=click.Path(exists=True, allow_dash=True))
@click.option(
    "--changed-since",
    metavar="REF",
    help="Check only the documents that a git diff against REF adds or modifies (plus "
    "untracked ones), comparing them with everything else in PATHS.",
)
@click.option(
    "--index",
    "index_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also compare with the known sources in this index (see 'provenance index add').",
)
@click.option(
    "--fail-on",
    metavar="KINDS",
    help="Comma-separated kinds that fail the check [default: duplicate,near-duplicate,rewrite].",
)
@click.option(
    "--min-coverage",
    type=float,
    metavar="X",
    help="Fail only on findings covering at least this share (0-1) of the checked document.",
)
@click.option("--min-score", type=float, metavar="X", help="Fail only on findings scoring X+.")
@click.option(
    "--baseline",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Baseline file of accepted findings: only new findings fail.",
)
@click.option(
    "--write-baseline",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="Record the current findings as accepted in FILE (the run then exits 0).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(CHECK_FORMATS),
    help="Report format [default: github when GITHUB_ACTIONS=true, else text].",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="Write the report to FILE instead of stdout.",
)
@click.option(
    "--html",
    "html_file",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="Also write the HTML report of the comparison to FILE.",
)
@corpus_options
@interruptible(outputs_left)
@exit_codes
def check(
    *,
    paths: tuple[str, ...],
    changed_since: str | None,
    index_file: Path | None,
    fail_on: str | None,
    min_coverage: float | None,
    min_score: float | None,
    baseline: Path | None,
    write_baseline: Path | None,
    fmt: str | None,
    output: Path | None,
    html_file: Path | None,
    include: tuple[str, ...],
    exclude: tuple[str, ...],
    config_file: Path | None,
    assignments: list[tuple[str, str]],
    workers: int | None,
    jsonl_id_field: str | None,
    jsonl_text_field: str | None,
    no_strip: bool,
    follow_links: bool,
    no_ignore: bool,
    quiet: bool,
) -> None:
    """Check PATHS (files or folders; default: the current folder) for text that reuses
    already-published documents: the rest of PATHS and the known sources of --index.

    A finding is a relation in which a checked document is the derived side (or a
    duplicate). Findings of the kinds in --fail-on fail the check, unless the document
    declares the source in its front matter (source, canonical_url, via, ...: reported as
    attributed) or the finding is in the --baseline.

    Settings (also [check] in provenance.toml, [tool.provenance.check] in pyproject.toml):
    fail_on, min_coverage, min_score, baseline, index, attribution_keys, annotations.
    """
    if fmt is None:
        fmt = "github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text"
    shortcuts = corpus_shortcuts(
        workers, jsonl_id_field, jsonl_text_field, no_strip, follow_links, no_ignore
    )
    shortcuts.update(
        check_fail_on=fail_on,
        check_min_coverage=min_coverage,
        check_min_score=min_score,
        check_baseline=str(baseline) if baseline is not None else None,
        check_index=str(index_file) if index_file is not None else None,
    )
    check_extra_outputs(html_file, None, output, write_baseline)
    result, settings = _run_check(
        paths or (".",),
        changed_since=changed_since,
        output=output,
        config_file=config_file,
        include=include,
        exclude=exclude,
        assignments=assignments,
        shortcuts=shortcuts,
        quiet=quiet,
    )
    written = None
    if write_baseline is not None:
        written = _write_baseline(result, write_baseline)
        if fmt != "text" or output is not None:  # else the report's last line says it
            say(written)
    _emit_check(result, settings, fmt=fmt, output=output, verdict=written)
    if html_file is not None:
        _write_html(result, html_file)
    report_notes(result.trace)
    report_skipped(result.trace.skipped)
    if write_baseline is not None:
        sys.exit(ExitCode.SKIPPED if result.skipped else ExitCode.OK)
    if result.failed:
        sys.exit(FINDINGS_EXIT)
    sys.exit(ExitCode.SKIPPED if result.skipped else ExitCode.OK)


def _run_check(
    paths: Sequence[str],
    *,
    changed_since: str | None,
    output: Path | None,
    config_file: Path | None,
    include: Sequence[str],
    exclude: Sequence[str],
    assignments: Sequence[tuple[str, str]],
    shortcuts: dict[str, Any],
    quiet: bool,
) -> tuple[CheckResult, Settings]:
    from provenance import check as check_lib

    settings, stdin = prepare(
        paths,
        output=output,
        config_file=config_file,
        include=include,
        exclude=exclude,
        assignments=assignments,
        shortcuts=shortcuts,
        quiet=quiet,
    )
    show_progress = not quiet and sys.stderr.isatty()
    with usage_errors(), progress_bars(show_progress) as progress:
        result = check_lib.check(
            paths, settings, changed_since=changed_since, stdin=stdin, progress=progress
        )
    if not result.trace.documents:
        report_skipped(result.skipped)
        raise click.UsageError(
            f"nothing to check: no readable documents in {', '.join(oneline(p) for p in paths)}"
        )
    if changed_since is not None and not result.checked and not quiet:
        say(f"nothing to check: no document under the given paths changed since {changed_since}")
    return result, settings


def _write_baseline(result: CheckResult, path: Path) -> str:
    """Write the baseline file; return the line that says what was written."""
    from provenance.check.baseline import baseline_json
    from provenance.report.visible import visible

    write_text(path, baseline_json(result.findings))
    count = len(result.findings)
    return (
        f"baseline written to {visible(str(path))}: "
        f"{count} finding{'' if count == 1 else 's'} accepted"
    )


def _emit_check(
    result: CheckResult,
    settings: Settings,
    *,
    fmt: str,
    output: Path | None,
    verdict: str | None = None,
) -> None:
    """Write the check report; ``verdict`` replaces the text report's passed/FAILED line
    (``--write-baseline`` accepts every finding, so the check has not failed)."""
    from provenance.report import ci

    if fmt == "text":
        from rich.console import Console

        if output is None:
            console = Console(highlight=False, emoji=False, markup=False)
            console.on_broken_pipe = broken_pipe  # type: ignore[method-assign]
            with stdout():
                ci.render(result, console, verdict=verdict)
            return
        buffer = io.StringIO()
        console = Console(file=buffer, width=100, no_color=True, color_system=None, highlight=False)
        ci.render(result, console, verdict=verdict)
        data = "".join(line.rstrip() + "\n" for line in buffer.getvalue().splitlines())
    elif fmt == "json":
        data = ci.json_report(result)
    elif fmt == "sarif":
        data = ci.sarif(result)
    elif fmt == "junit":
        data = ci.junit(result)
    else:
        data = "\n".join(ci.github_annotations(result, settings.check_annotations)) + "\n"
        summary = os.environ.get("GITHUB_STEP_SUMMARY")
        if summary:
            try:
                with Path(summary).open("a", encoding="utf-8") as stream:
                    stream.write(ci.github_summary(result))
            except OSError as exc:
                say(f"cannot write the step summary {oneline(summary)}: {exc.strerror or exc}")
    if output is None:
        with stdout():
            click.echo(data, nl=False)
    else:
        write_text(output, data)


def _write_html(result: CheckResult, path: Path) -> None:
    """The HTML report of the whole comparison (the checked documents and what they met)."""
    write_extras(result.trace, html=path, graph=None, title="provenance check")
