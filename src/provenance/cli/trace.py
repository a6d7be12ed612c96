"""``provenance trace``: find reuse across files and folders, and report it."""

from __future__ import annotations

import io
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from provenance.cli.exits import (
    ExitCode,
    broken_pipe,
    exit_codes,
    interruptible,
    outputs_left,
    usage_errors,
)
from provenance.cli.messages import oneline, report_notes, report_skipped
from provenance.cli.options import check_extra_outputs, corpus_options, corpus_shortcuts, prepare
from provenance.cli.output import progress_bars, stdout, write_extras, write_text

if TYPE_CHECKING:
    from provenance.models import TraceResult


EXIT_CODES_HELP = """\b
Exit codes:
  0    every input was read
  2    usage error: bad option or setting, missing path, an output
       (-o, --html, --graph) that cannot be written (checked before
       the run; a file left as it was if writing it fails), unknown
       --graph suffix, nothing to trace
  3    finished, but some inputs were skipped (named on stderr)
  123  internal error (a bug; rerun with PROVENANCE_DEBUG=1 for the
       traceback)
  141  the output's reader went away (e.g. `| head`)
  130  interrupted (Ctrl-C, SIGINT): workers stopped, no output file
       left half-written
  143  terminated (SIGTERM): the same
"""


TRACE_EXAMPLES = """\b
Examples:
  provenance trace seeds/                  # the report, findings first
  provenance trace corpus/ --documents     # one row per document
  provenance trace corpus/ --html report.html --graph graph.graphml
  provenance trace corpus/ --format json -o trace.json
  provenance trace corpus/ --set rewrite_coverage=0.7 --exclude 'drafts/*'
  cat article.txt | provenance trace - corpus/
"""


# --- rendering ------------------------------------------------------------------------------


def _render_text(
    result: TraceResult, *, passages: int, show_quotes: bool, show_documents: bool, file: Any
) -> None:
    from rich.console import Console

    from provenance.report import terminal

    kwargs: dict[str, Any] = {"highlight": False, "emoji": False, "markup": False}
    if file is not None:  # a file: plain text at a readable width, never colour
        kwargs.update(file=file, width=100, no_color=True, color_system=None)
    console = Console(**kwargs)
    console.on_broken_pipe = broken_pipe  # type: ignore[method-assign]  # rich exits 1 itself
    terminal.render(
        result, console, passages=passages, show_quotes=show_quotes, documents=show_documents
    )


def _emit(
    result: TraceResult,
    *,
    fmt: str,
    output: Path | None,
    include_text: bool,
    passages: int,
    show_quotes: bool,
    show_documents: bool = False,
) -> None:
    if fmt == "json":
        from provenance.report import jsonout

        data = jsonout.dumps(result, include_text=include_text)
        if output is None:
            with stdout():
                click.echo(data, nl=False)
            return
    else:
        if output is None:
            with stdout():
                _render_text(
                    result,
                    passages=passages,
                    show_quotes=show_quotes,
                    show_documents=show_documents,
                    file=None,
                )
            return
        buffer = io.StringIO()
        _render_text(
            result,
            passages=passages,
            show_quotes=show_quotes,
            show_documents=show_documents,
            file=buffer,
        )
        # rich pads lines to the width; a file is better without the trailing blanks
        data = "".join(line.rstrip() + "\n" for line in buffer.getvalue().splitlines())
    write_text(output, data)


@click.command(
    short_help="Find reuse across files and folders, strongest first.",
    epilog=TRACE_EXAMPLES + "\n" + EXIT_CODES_HELP,
)
@click.argument(
    "paths",
    nargs=-1,
    required=True,
    type=click.Path(exists=True, allow_dash=True),
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="text: a readable report; json: the versioned JSON contract.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="Write the report to FILE instead of stdout (only once the run has finished).",
)
@click.option("--include-text", is_flag=True, help="JSON: add each document's extracted text.")
@corpus_options
@click.option(
    "--cache-dir",
    metavar="DIR",
    help="Fingerprint cache folder (default: the user's cache folder, e.g. ~/.cache/provenance).",
)
@click.option("--no-cache", is_flag=True, help="Neither read nor fill the fingerprint cache.")
@click.option(
    "--engine",
    type=click.Choice(["local", "dask"]),
    help="local (default): processes on this machine; dask: a Dask cluster (same output; "
    "needs provenance-trace[dask]).",
)
@click.option(
    "--scheduler",
    metavar="ADDRESS",
    help="Dask scheduler address, e.g. tcp://10.0.0.5:8786 (default: a local cluster).",
)
@click.option(
    "--stage-dir",
    metavar="DIR",
    help="Write fingerprints, band keys and candidate pairs there as sharded files; a later "
    "run on the same corpus resumes from them.",
)
@click.option(
    "--passages",
    type=click.IntRange(min=0),
    default=3,
    show_default=True,
    metavar="N",
    help="Text: passages shown per relation.",
)
@click.option(
    "--all",
    "show_quotes",
    is_flag=True,
    help="Text: also list pairs that share only quotations.",
)
@click.option(
    "--documents",
    "show_documents",
    is_flag=True,
    help="Text: list every document (title, date, size, what was stripped) instead of counts.",
)
@click.option(
    "--html",
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="FILE",
    help="Also write the HTML report (one self-contained file) to FILE.",
)
@click.option(
    "--graph",
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="FILE",
    help="Also write the derivation graph to FILE; its suffix picks the format: "
    ".graphml, .gexf (Gephi), .dot/.gv (Graphviz) or .json (node-link).",
)
@click.option("--title", metavar="TEXT", help="HTML: the report's title.")
@interruptible(outputs_left)
@exit_codes
def trace(
    *,
    paths: tuple[str, ...],
    fmt: str,
    output: Path | None,
    include_text: bool,
    include: tuple[str, ...],
    exclude: tuple[str, ...],
    config_file: Path | None,
    assignments: list[tuple[str, str]],
    workers: int | None,
    cache_dir: str | None,
    no_cache: bool,
    stage_dir: str | None,
    engine: str | None,
    scheduler: str | None,
    jsonl_id_field: str | None,
    jsonl_text_field: str | None,
    no_strip: bool,
    follow_links: bool,
    no_ignore: bool,
    passages: int,
    show_quotes: bool,
    show_documents: bool,
    html: Path | None,
    graph: Path | None,
    title: str | None,
    quiet: bool,
) -> None:
    """Trace reuse across PATHS: files, folders (read recursively), or - for stdin.

    Prints each pair of related documents, strongest first: what kind of reuse it is
    (duplicate, near-duplicate, rewrite, partial), which one came first, how much of each
    it covers, and the passages that show it.

    Settings come from the defaults, then provenance.toml or [tool.provenance] (see
    --config), then --include/--exclude and --set, then the named options such as --workers.
    """
    check_extra_outputs(html, graph, output)
    result = _run(
        paths,
        output=output,
        include_text=include_text,
        fmt=fmt,
        config_file=config_file,
        include=include,
        exclude=exclude,
        assignments=assignments,
        shortcuts={
            **corpus_shortcuts(
                workers, jsonl_id_field, jsonl_text_field, no_strip, follow_links, no_ignore
            ),
            "cache_dir": cache_dir,
            "cache": False if no_cache else None,
            "stage_dir": stage_dir,
            "engine": engine,
            "scheduler": scheduler,
        },
        quiet=quiet,
    )
    _emit(
        result,
        fmt=fmt,
        output=output,
        include_text=include_text,
        passages=passages,
        show_quotes=show_quotes,
        show_documents=show_documents,
    )
    write_extras(result, html=html, graph=graph, title=title)
    report_notes(result)
    report_skipped(result.skipped)
    sys.exit(ExitCode.SKIPPED if result.skipped else ExitCode.OK)


def _run(
    paths: Sequence[str],
    *,
    output: Path | None,
    include_text: bool,
    fmt: str,
    config_file: Path | None,
    include: Sequence[str],
    exclude: Sequence[str],
    assignments: Sequence[tuple[str, str]],
    shortcuts: dict[str, Any],
    quiet: bool,
) -> TraceResult:
    """Everything up to a finished ``TraceResult``; usage problems become click errors."""
    from provenance import pipeline

    if include_text and fmt != "json":
        raise click.UsageError("--include-text only applies to --format json")
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
        result = pipeline.trace(paths, settings, stdin=stdin, progress=progress)

    if not result.documents:
        report_skipped(result.skipped)
        extensions = ", ".join(settings.extensions)
        raise click.UsageError(
            "nothing to trace: no readable documents in "
            f"{', '.join(oneline(p) for p in paths)} (folders are searched for {extensions}; "
            "check the paths and --include/--exclude)"
        )
    return result
