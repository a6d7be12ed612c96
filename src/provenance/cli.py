"""The ``provenance`` command: parse options, build ``Settings``, call the library, render, exit.

Exit codes of ``provenance trace``:

- **0** every input was read (whether or not any reuse was found);
- **2** usage error: a bad option or setting, a path that does not exist, an ``--output``
  folder that does not exist, or nothing to trace (no readable documents);
- **3** the run finished but some inputs were skipped; each is named on stderr with its
  reason, followed by a count;
- **123** internal error, i.e. a bug in provenance: a one-line message; set
  ``PROVENANCE_DEBUG=1`` to see the traceback;
- **141** the reader of the output went away (``| head``), as a shell reports SIGPIPE.

Errors provenance raises on purpose (``ProvenanceError``) never show a traceback.
"""

from __future__ import annotations

import enum
import io
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import click

from provenance import __version__

if TYPE_CHECKING:
    from provenance.config import Settings
    from provenance.models import TraceResult


class ExitCode(enum.IntEnum):
    OK = 0
    USAGE = 2
    SKIPPED = 3
    INTERNAL = 123
    BROKEN_PIPE = 141  # 128 + SIGPIPE, as a shell reports a reader that went away


DEBUG_ENV = "PROVENANCE_DEBUG"

EXIT_CODES_HELP = """\b
Exit codes:
  0    every input was read
  2    usage error: bad option or setting, missing path or --output
       folder, nothing to trace
  3    finished, but some inputs were skipped (named on stderr)
  123  internal error (a bug; rerun with PROVENANCE_DEBUG=1 for the
       traceback)
  141  the output's reader went away (e.g. `| head`)
"""


def _broken_pipe() -> NoReturn:
    """The reader went away (e.g. `| head`): stop quietly, keep Python from complaining again
    when it flushes stdout at exit, and say so with the exit code a shell gives SIGPIPE."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    sys.exit(ExitCode.BROKEN_PIPE)


def _debug() -> bool:
    return os.environ.get(DEBUG_ENV, "").strip().lower() not in {"", "0", "false", "no", "off"}


def _say(message: str) -> None:
    click.echo(message, err=True)


def _oneline(text: str) -> str:
    """Untrusted text (paths, reasons) made safe for one line of stderr."""
    from provenance.report.terminal import sanitize

    return sanitize(text, oneline=True)


# --- options --------------------------------------------------------------------------------


def _parse_set(
    ctx: click.Context, param: click.Parameter, values: Sequence[str]
) -> list[tuple[str, str]]:
    pairs = []
    for item in values:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise click.BadParameter(
                f"expected KEY=VALUE, got {item!r} (for example --set min_evidence_chars=200)",
                ctx=ctx,
                param=param,
            )
        pairs.append((key.strip(), value))
    return pairs


def _build_settings(
    *,
    first_path: str,
    config_file: Path | None,
    include: Sequence[str],
    exclude: Sequence[str],
    assignments: Sequence[tuple[str, str]],
    shortcuts: dict[str, Any],
) -> Settings:
    """Defaults < ``[tool.provenance]`` < ``--include``/``--exclude`` and ``--set`` < named
    shortcuts such as ``--workers``. Raises ``click`` usage errors with the fix."""
    from provenance import config
    from provenance.errors import ConfigError

    start = Path.cwd() if first_path == "-" else Path(first_path)
    try:
        settings = config.load(config_file, start=start)
    except ConfigError as exc:
        raise click.UsageError(f"bad configuration: {exc}") from None

    changes: dict[str, Any] = {}
    if include:
        changes["include"] = tuple(include)
    if exclude:
        changes["exclude"] = tuple(exclude)
    try:
        settings = config.from_mapping(changes, base=settings)
        settings = config.from_mapping(dict(assignments), base=settings)
    except ConfigError as exc:
        raise click.BadParameter(str(exc), param_hint="'--set'") from None
    for key, value in shortcuts.items():
        if value is None:
            continue
        try:
            settings = config.from_mapping({key: value}, base=settings)
        except ConfigError as exc:
            raise click.BadParameter(str(exc), param_hint=f"'{_SHORTCUTS[key]}'") from None
    return settings


_SHORTCUTS = {
    "workers": "--workers",
    "cache_dir": "--cache-dir",
    "cache": "--no-cache",
    "stage_dir": "--stage-dir",
    "engine": "--engine",
    "scheduler": "--scheduler",
    "jsonl_id_field": "--jsonl-id-field",
    "jsonl_text_field": "--jsonl-text-field",
    "strip_boilerplate": "--no-strip",
}
"""Settings that have a named option of their own, and that option."""


class OutputError(click.ClickException):
    """The report could not be written (exit code 2, like the other problems with options)."""

    exit_code = ExitCode.USAGE


def _check_output(output: Path | None) -> None:
    """Fail before the run, not after it, when ``--output`` cannot be created."""
    if output is None:
        return
    parent = output.parent
    if not parent.is_dir():
        raise click.BadParameter(
            f"folder {str(parent)!r} does not exist; create it first or write elsewhere",
            param_hint="'-o' / '--output'",
        )
    if not output.exists() and not os.access(parent, os.W_OK):
        raise click.BadParameter(
            f"cannot create files in {str(parent)!r} (permission denied)",
            param_hint="'-o' / '--output'",
        )


# --- progress -------------------------------------------------------------------------------


@contextmanager
def _progress(enabled: bool) -> Iterator[Callable[[str, int, int], None] | None]:
    """A ``progress(stage, done, total)`` callback drawing rich bars on stderr, or ``None``."""
    if not enabled:
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    bars = Progress(
        TextColumn("{task.description:<12}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=True,
    )
    tasks: dict[str, Any] = {}

    def update(stage: str, done: int, total: int) -> None:
        if stage not in tasks:
            tasks[stage] = bars.add_task(_oneline(stage), total=max(total, 0) or None)
        bars.update(tasks[stage], completed=done, total=max(total, 0) or None)

    with bars:
        yield update


# --- output ---------------------------------------------------------------------------------


def _render_text(result: TraceResult, *, passages: int, show_quotes: bool, file: Any) -> None:
    from rich.console import Console

    from provenance.report import terminal

    kwargs: dict[str, Any] = {"highlight": False, "emoji": False, "markup": False}
    if file is not None:  # a file: plain text at a readable width, never colour
        kwargs.update(file=file, width=100, no_color=True, color_system=None)
    console = Console(**kwargs)
    console.on_broken_pipe = _broken_pipe  # type: ignore[method-assign]  # rich exits 1 itself
    terminal.render(result, console, passages=passages, show_quotes=show_quotes)


def _emit(
    result: TraceResult,
    *,
    fmt: str,
    output: Path | None,
    include_text: bool,
    passages: int,
    show_quotes: bool,
) -> None:
    if fmt == "json":
        from provenance.report import jsonout

        data = jsonout.dumps(result, include_text=include_text)
        if output is None:
            click.echo(data, nl=False)
            return
    else:
        if output is None:
            _render_text(result, passages=passages, show_quotes=show_quotes, file=None)
            return
        buffer = io.StringIO()
        _render_text(result, passages=passages, show_quotes=show_quotes, file=buffer)
        # rich pads lines to the width; a file is better without the trailing blanks
        data = "".join(line.rstrip() + "\n" for line in buffer.getvalue().splitlines())
    try:
        output.write_text(data, encoding="utf-8", newline="\n")
    except OSError as exc:
        raise OutputError(f"cannot write {output}: {exc.strerror or exc}") from None


def _report_skipped(result: TraceResult) -> None:
    for item in result.skipped:
        _say(f"skipped {_oneline(item.path)}: {_oneline(item.reason)}")
    if result.skipped:
        count = len(result.skipped)
        _say(f"{count} input{'' if count == 1 else 's'} skipped")


def _internal_error(exc: BaseException) -> NoReturn:
    detail = _oneline(str(exc))
    kind = type(exc).__name__
    _say(
        f"provenance: internal error ({kind}{': ' + detail if detail else ''}); "
        f"please report it; rerun with {DEBUG_ENV}=1 for the traceback"
    )
    sys.exit(ExitCode.INTERNAL)


# --- commands -------------------------------------------------------------------------------


@click.group(
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
    epilog="Run 'provenance trace --help' for the options and exit codes.",
)
@click.version_option(__version__, "-V", "--version", prog_name="provenance")
def main() -> None:
    """Find copied and paraphrased passages across articles, and who derived from whom."""


@main.command(epilog=EXIT_CODES_HELP)
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
@click.option(
    "--include",
    "include",
    metavar="GLOB",
    multiple=True,
    help="Read only files matching GLOB (relative to a traced folder). Repeatable; "
    "replaces the configured list.",
)
@click.option(
    "--exclude",
    "exclude",
    metavar="GLOB",
    multiple=True,
    help="Leave out files matching GLOB. Repeatable; replaces the configured list.",
)
@click.option(
    "--config",
    "config_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="TOML file with a [tool.provenance] table. Default: the nearest pyproject.toml "
    "that has one, searched upward from the first path.",
)
@click.option(
    "--set",
    "assignments",
    metavar="KEY=VALUE",
    multiple=True,
    callback=_parse_set,
    help="Set any setting, e.g. --set min_evidence_chars=200. Repeatable; lists are "
    "comma-separated.",
)
@click.option(
    "--workers", type=int, metavar="N", help="Worker processes (default 0: one per core)."
)
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
@click.option("--jsonl-id-field", metavar="NAME", help="JSONL: the field holding the id.")
@click.option("--jsonl-text-field", metavar="NAME", help="JSONL: the field holding the text.")
@click.option(
    "--no-strip",
    is_flag=True,
    help="Keep bylines, front matter, page furniture and comments in the text.",
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
@click.option("-q", "--quiet", is_flag=True, help="No progress display.")
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
    passages: int,
    show_quotes: bool,
    quiet: bool,
) -> None:
    """Trace reuse across PATHS: files, folders (read recursively), or - for stdin.

    Prints each pair of related documents, strongest first: what kind of reuse it is
    (duplicate, near-duplicate, rewrite, partial), which one came first, how much of each
    it covers, and the passages that show it.

    Settings come from the defaults, then [tool.provenance] (see --config), then
    --include/--exclude and --set, then the named options such as --workers.
    """
    try:
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
                "workers": workers,
                "cache_dir": cache_dir,
                "cache": False if no_cache else None,
                "stage_dir": stage_dir,
                "engine": engine,
                "scheduler": scheduler,
                "jsonl_id_field": jsonl_id_field,
                "jsonl_text_field": jsonl_text_field,
                "strip_boilerplate": False if no_strip else None,
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
        )
    except (click.ClickException, click.exceptions.Exit, click.Abort, KeyboardInterrupt):
        raise
    except BrokenPipeError:
        _broken_pipe()
    except Exception as exc:
        if _debug():
            raise
        _internal_error(exc)
    _report_skipped(result)
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
    from provenance.errors import ConfigError, InputError, ProvenanceError

    if include_text and fmt != "json":
        raise click.UsageError("--include-text only applies to --format json")
    _check_output(output)
    settings = _build_settings(
        first_path=paths[0],
        config_file=config_file,
        include=include,
        exclude=exclude,
        assignments=assignments,
        shortcuts=shortcuts,
    )
    stdin = None
    if "-" in paths:
        if not quiet and sys.stdin.isatty():
            _say("reading a document from stdin; end it with Ctrl-D")
        stdin = sys.stdin.buffer.read()

    show_progress = not quiet and sys.stderr.isatty()
    try:
        with _progress(show_progress) as progress:
            result = pipeline.trace(paths, settings, stdin=stdin, progress=progress)
    except ConfigError as exc:
        raise click.UsageError(f"bad setting: {exc}") from None
    except InputError as exc:
        raise click.UsageError(f"{_oneline(exc.path)}: {_oneline(exc.reason)}") from None
    except ProvenanceError as exc:  # raised on purpose, so never a traceback
        raise click.UsageError(_oneline(str(exc))) from None

    if not result.documents:
        _report_skipped(result)
        extensions = ", ".join(settings.extensions)
        raise click.UsageError(
            "nothing to trace: no readable documents in "
            f"{', '.join(_oneline(p) for p in paths)} (folders are searched for {extensions}; "
            "check the paths and --include/--exclude)"
        )
    return result
