"""The ``provenance`` command: parse options, build ``Settings``, call the library, render, exit.

Exit codes of ``provenance trace``:

- **0** every input was read (whether or not any reuse was found);
- **2** usage error: a bad option or setting, a path that does not exist, an ``--output``,
  ``--html`` or ``--graph`` file that cannot be written (checked before the run; every output
  is written to a temporary file and renamed, so a failure such as a full disk leaves the old
  file as it was), stdout that cannot be written, a ``--graph`` suffix naming no known
  format, or nothing to trace (no readable documents);
- **3** the run finished but some inputs were skipped; each is named on stderr with its
  reason, followed by a count;
- **123** internal error, i.e. a bug in provenance: a one-line message; set
  ``PROVENANCE_DEBUG=1`` to see the traceback;
- **141** the reader of the output went away (``| head``), as a shell reports SIGPIPE;
- **130** / **143** interrupted by SIGINT (Ctrl-C) / SIGTERM: the workers are stopped, one
  line says so, and no output file is left half-written (see ``_interruptible``).

``provenance check`` adds **1**: findings that fail the policy (see ``CHECK_EXIT_CODES_HELP``).

Errors provenance raises on purpose (``ProvenanceError``) never show a traceback.
"""

from __future__ import annotations

import enum
import functools
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
    from provenance.check import CheckResult
    from provenance.config import Settings
    from provenance.models import Skipped, TraceResult


class ExitCode(enum.IntEnum):
    OK = 0
    USAGE = 2
    SKIPPED = 3
    INTERNAL = 123
    BROKEN_PIPE = 141  # 128 + SIGPIPE, as a shell reports a reader that went away


FINDINGS_EXIT = 1
"""``provenance check`` only: findings that fail the policy (``trace`` never exits 1)."""

DEBUG_ENV = "PROVENANCE_DEBUG"

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


def _visible(name: str) -> str:
    """A name or title from the corpus for people to read: invisible, bidi and control
    characters shown as escapes (``report.visible``), so two names never look alike."""
    from provenance.report.visible import visible

    return visible(name)


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
    "respect_ignore": "--no-ignore",
    "check_fail_on": "--fail-on",
    "check_min_coverage": "--min-coverage",
    "check_min_score": "--min-score",
    "check_baseline": "--baseline",
    "check_index": "--index",
}
"""Settings that have a named option of their own, and that option."""


class OutputError(click.ClickException):
    """The report could not be written (exit code 2, like the other problems with options)."""

    exit_code = ExitCode.USAGE


def _check_output(output: Path | None, param_hint: str = "'-o' / '--output'") -> None:
    """Fail before the run, not after it, when an output file cannot be written: a folder
    that does not exist or is not writable (the file is written beside itself first, then
    renamed), a target that is a folder, or a read-only file."""
    if output is None or str(output) == "-":
        return
    shown = _oneline(str(output))
    target = Path(os.path.realpath(output))  # a link is followed: the file it names is written
    if target.is_dir():
        raise click.BadParameter(
            f"{shown!r} is a folder; name a file in it instead", param_hint=param_hint
        )
    parent = target.parent
    if not parent.is_dir():
        raise click.BadParameter(
            f"folder {_oneline(str(output.parent))!r} does not exist; create it first or "
            "write elsewhere",
            param_hint=param_hint,
        )
    if target.exists() and not target.is_file():  # /dev/null, a FIFO: written in place
        if not os.access(target, os.W_OK):
            raise click.BadParameter(
                f"cannot write {shown!r} (permission denied)", param_hint=param_hint
            )
        return
    if target.exists() and not os.access(target, os.W_OK):
        raise click.BadParameter(
            f"{shown!r} is read-only; make it writable or write elsewhere",
            param_hint=param_hint,
        )
    if not os.access(parent, os.W_OK | os.X_OK):
        raise click.BadParameter(
            f"cannot create files in {_oneline(str(parent))!r} (permission denied)",
            param_hint=param_hint,
        )


_CORPUS_OPTIONS: list[Callable[[Callable[..., Any]], Callable[..., Any]]] = [
    click.option(
        "--include",
        "include",
        metavar="GLOB",
        multiple=True,
        help="Read only files matching GLOB (relative to a traced folder). Repeatable; "
        "replaces the configured list.",
    ),
    click.option(
        "--exclude",
        "exclude",
        metavar="GLOB",
        multiple=True,
        help="Leave out files matching GLOB. Repeatable; replaces the configured list.",
    ),
    click.option(
        "--config",
        "config_file",
        type=click.Path(exists=True, dir_okay=False, path_type=Path),
        help="TOML file of settings: top-level keys (provenance.toml) or a [tool.provenance] "
        "table (pyproject.toml); a file with neither is an error. Default: searching upward "
        "from the first path, the nearest folder's provenance.toml, .provenance.toml or "
        "pyproject.toml with [tool.provenance], in that order.",
    ),
    click.option(
        "--set",
        "assignments",
        metavar="KEY=VALUE",
        multiple=True,
        callback=_parse_set,
        help="Set any setting, e.g. --set min_evidence_chars=200. Repeatable; lists are "
        "comma-separated.",
    ),
    click.option(
        "--workers", type=int, metavar="N", help="Worker processes (default 0: one per core)."
    ),
    click.option(
        "--jsonl-id-field", metavar="NAME", help="JSONL, CSV, Parquet: the field holding the id."
    ),
    click.option(
        "--jsonl-text-field",
        metavar="NAME",
        help="JSONL, CSV, Parquet: the field holding the text.",
    ),
    click.option(
        "--follow-links",
        is_flag=True,
        help="Read what symbolic links lead to outside the given paths (each real file "
        "once). Default: such links are skipped with a message.",
    ),
    click.option(
        "--no-ignore",
        is_flag=True,
        help="Also read what .gitignore, .ignore and .git/info/exclude ignore. Default: "
        "inside a git checkout ignored files and folders are left out (paths named here "
        "are always read).",
    ),
    click.option(
        "--no-strip",
        is_flag=True,
        help="Keep bylines, front matter, page furniture and comments in the text.",
    ),
    click.option("-q", "--quiet", is_flag=True, help="No progress display."),
]


def corpus_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """The options every command that reads documents shares: --include/--exclude,
    --config, --set, --workers, the JSONL field names, --no-strip and -q."""
    for option in reversed(_CORPUS_OPTIONS):
        command = option(command)
    return command


def _corpus_shortcuts(
    workers: int | None,
    jsonl_id_field: str | None,
    jsonl_text_field: str | None,
    no_strip: bool,
    follow_links: bool,
    no_ignore: bool = False,
) -> dict[str, Any]:
    return {
        "respect_ignore": False if no_ignore else None,
        "workers": workers,
        "jsonl_id_field": jsonl_id_field,
        "jsonl_text_field": jsonl_text_field,
        "strip_boilerplate": False if no_strip else None,
        "follow_links": True if follow_links else None,
    }


def _check_extra_outputs(
    html: Path | None,
    graph: Path | None,
    output: Path | None,
    baseline: Path | None = None,
) -> None:
    """Every output file, before the work starts: ``-o`` (or stdout), ``--html``, ``--graph``
    and ``--write-baseline`` writable and distinct, and a graph suffix we know."""
    from provenance.report import graphexport

    _check_output(output)
    for path, hint in ((html, "'--html'"), (graph, "'--graph'"), (baseline, "'--write-baseline'")):
        if path is not None and str(path) == "-":
            raise click.BadParameter(
                "needs a file name (stdout carries the main output)", param_hint=hint
            )
        _check_output(path, hint)
    if graph is not None:
        try:
            graphexport.format_for(graph)
        except graphexport.GraphFormatError as exc:
            raise click.BadParameter(str(exc), param_hint="'--graph'") from None
    given = [
        (option, Path(os.path.realpath(p)))
        for option, p in (
            ("-o/--output", output),
            ("--html", html),
            ("--graph", graph),
            ("--write-baseline", baseline),
        )
        if p is not None and str(p) != "-"
    ]
    if len({path for _, path in given}) < len(given):
        options = ", ".join(option for option, _ in given)
        raise click.UsageError(f"{options} must name different files")


def _before_writing(path: Path) -> str:
    """What a failed write leaves at ``path``, said before writing it."""
    if path.is_file():
        return " (the old file is left as it was)"
    return "" if path.exists() else " (nothing was written)"  # a device or FIFO: written in place


def _cannot_write(path: Path, exc: OSError, *, left: str) -> OutputError:
    """The one-line error for an output that could not be written, and what became of it."""
    return OutputError(f"cannot write {_oneline(str(path))}: {exc.strerror or exc}{left}")


def _write_text(path: Path, data: str) -> None:
    """Write an output file atomically (``report.atomic``): on failure the old file stays."""
    from provenance.store import atomic

    left = _before_writing(path)
    try:
        atomic.write_text(path, data)
    except OSError as exc:
        raise _cannot_write(path, exc, left=left) from None
    _WRITTEN.append(str(path))


@contextmanager
def _stdout() -> Iterator[None]:
    """Writing the main output to stdout: a full disk or an I/O error behind it is one line
    and exit 2 (a reader that went away is still 141)."""
    _WRITTEN.append("stdout")
    try:
        yield
        sys.stdout.flush()
    except BrokenPipeError:
        _broken_pipe()
    except OSError as exc:
        # what is still buffered would fail again when Python flushes stdout at exit
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
        raise OutputError(f"cannot write to stdout: {exc.strerror or exc}") from None


def _write_extras(
    result: TraceResult, *, html: Path | None, graph: Path | None, title: str | None
) -> None:
    """The HTML report and the graph export, after the run."""
    from provenance.report import graphexport
    from provenance.report import html as html_report

    for path in (html, graph):
        if path is None:
            continue
        left = _before_writing(path)
        try:
            if path is html:
                html_report.write(result, path, title=title)
            else:
                graphexport.write(result, path)
        except OSError as exc:
            raise _cannot_write(path, exc, left=left) from None
        _WRITTEN.append(str(path))


@contextmanager
def _usage_errors() -> Iterator[None]:
    """Errors provenance raises on purpose become click usage errors (exit 2), never a
    traceback: a bad setting, an input path that cannot be read, any other ProvenanceError."""
    from provenance.errors import ConfigError, InputError, ProvenanceError

    try:
        yield
    except ConfigError as exc:
        raise click.UsageError(f"bad setting: {exc}") from None
    except InputError as exc:
        raise click.UsageError(f"{_oneline(exc.path)}: {_oneline(exc.reason)}") from None
    except ProvenanceError as exc:
        raise click.UsageError(_oneline(str(exc))) from None


# --- signals --------------------------------------------------------------------------------

_WRITTEN: list[str] = []
"""The outputs this run has begun (stdout) or finished (files): what an interrupt leaves."""


def _interruptible(
    kept: Callable[[dict[str, Any]], str],
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """A command that SIGINT or SIGTERM stops cleanly: the library unwinds (its workers
    terminated, no half-written file left), then one line on stderr, ending with what
    ``kept(options)`` says is left, and exit 130 (SIGINT) or 143 (SIGTERM)."""
    from provenance.engine.pool import interruptible
    from provenance.errors import Interrupted

    def decorate(command: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(command)
        def run(**options: Any) -> Any:
            _WRITTEN.clear()
            with interruptible():
                try:
                    return command(**options)
                except Interrupted as exc:
                    _say(f"provenance: interrupted ({exc.name}); {kept(options)}")
                    raise SystemExit(128 + exc.signum) from None

        return run

    return decorate


def _outputs_left(_options: dict[str, Any]) -> str:
    return "output incomplete" if _WRITTEN else "no output written"


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


def _render_text(
    result: TraceResult, *, passages: int, show_quotes: bool, show_documents: bool, file: Any
) -> None:
    from rich.console import Console

    from provenance.report import terminal

    kwargs: dict[str, Any] = {"highlight": False, "emoji": False, "markup": False}
    if file is not None:  # a file: plain text at a readable width, never colour
        kwargs.update(file=file, width=100, no_color=True, color_system=None)
    console = Console(**kwargs)
    console.on_broken_pipe = _broken_pipe  # type: ignore[method-assign]  # rich exits 1 itself
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
            with _stdout():
                click.echo(data, nl=False)
            return
    else:
        if output is None:
            with _stdout():
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
    _write_text(output, data)


def _report_notes(result: TraceResult) -> None:
    for note in result.notes:
        _say(f"note: {_visible(note)}")


def _report_skipped(skipped: Sequence[Skipped]) -> None:
    """Each skipped input on its own stderr line with the reason, then the count."""
    for item in skipped:
        _say(f"skipped {_visible(item.path)}: {_oneline(item.reason)}")
    if skipped:
        count = len(skipped)
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


@main.command(
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
@_interruptible(_outputs_left)
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
    try:
        _check_extra_outputs(html, graph, output)
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
                **_corpus_shortcuts(
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
        _write_extras(result, html=html, graph=graph, title=title)
    except (click.ClickException, click.exceptions.Exit, click.Abort, KeyboardInterrupt):
        raise
    except BrokenPipeError:
        _broken_pipe()
    except Exception as exc:
        if _debug():
            raise
        _internal_error(exc)
    _report_notes(result)
    _report_skipped(result.skipped)
    sys.exit(ExitCode.SKIPPED if result.skipped else ExitCode.OK)


def _prepare(
    paths: Sequence[str],
    *,
    output: Path | None,
    config_file: Path | None,
    include: Sequence[str],
    exclude: Sequence[str],
    assignments: Sequence[tuple[str, str]],
    shortcuts: dict[str, Any],
    quiet: bool,
) -> tuple[Settings, bytes | None]:
    """What every command that reads documents does first: check ``--output``, build the
    settings, and read stdin when a path is ``-``."""
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
    return settings, stdin


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
    settings, stdin = _prepare(
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
    with _usage_errors(), _progress(show_progress) as progress:
        result = pipeline.trace(paths, settings, stdin=stdin, progress=progress)

    if not result.documents:
        _report_skipped(result.skipped)
        extensions = ", ".join(settings.extensions)
        raise click.UsageError(
            "nothing to trace: no readable documents in "
            f"{', '.join(_oneline(p) for p in paths)} (folders are searched for {extensions}; "
            "check the paths and --include/--exclude)"
        )
    return result


# --- check: the CI gate ---------------------------------------------------------------------

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


@main.command(
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
@_interruptible(_outputs_left)
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
    shortcuts = _corpus_shortcuts(
        workers, jsonl_id_field, jsonl_text_field, no_strip, follow_links, no_ignore
    )
    shortcuts.update(
        check_fail_on=fail_on,
        check_min_coverage=min_coverage,
        check_min_score=min_score,
        check_baseline=str(baseline) if baseline is not None else None,
        check_index=str(index_file) if index_file is not None else None,
    )
    try:
        _check_extra_outputs(html_file, None, output, write_baseline)
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
                _say(written)
        _emit_check(result, settings, fmt=fmt, output=output, verdict=written)
        if html_file is not None:
            _write_html(result, html_file)
    except (click.ClickException, click.exceptions.Exit, click.Abort, KeyboardInterrupt):
        raise
    except BrokenPipeError:
        _broken_pipe()
    except Exception as exc:
        if _debug():
            raise
        _internal_error(exc)
    _report_notes(result.trace)
    _report_skipped(result.trace.skipped)
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
    from provenance import ingest
    from provenance.store.index import Index

    settings, stdin = _prepare(
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
    index = None
    try:
        with _usage_errors():
            changed: set[Path] | None = None
            if changed_since is not None:
                start = "." if paths[0] == "-" else paths[0]
                changed = set(check_lib.changed_files(changed_since, start))
            baseline: frozenset[tuple[str, str]] = frozenset()
            if settings.check_baseline:
                baseline = check_lib.load_baseline(settings.check_baseline)
            if settings.check_index:
                index = Index.open(settings.check_index, settings)
            with _progress(show_progress) as progress:
                documents, skipped = ingest.read_inputs(
                    paths, settings, stdin=stdin, progress=progress
                )
                if not documents:
                    _report_skipped(skipped)
                    raise click.UsageError(
                        "nothing to check: no readable documents in "
                        f"{', '.join(_oneline(p) for p in paths)}"
                    )
                if changed is None:
                    checked = [d.id for d in documents]
                else:
                    checked = [
                        d.id
                        for d in documents
                        if d.path != "-" and Path(d.path).resolve() in changed
                    ]
                result = check_lib.check(
                    documents,
                    checked,
                    settings,
                    index=index,
                    baseline=baseline,
                    skipped=skipped,
                    progress=progress,
                )
    finally:
        if index is not None:
            index.close()
    if changed is not None and not result.checked and not quiet:
        _say(f"nothing to check: no document under the given paths changed since {changed_since}")
    return result, settings


def _write_baseline(result: CheckResult, path: Path) -> str:
    """Write the baseline file; return the line that says what was written."""
    from provenance.check import baseline_json
    from provenance.report.visible import visible

    _write_text(path, baseline_json(result.findings))
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
            console.on_broken_pipe = _broken_pipe  # type: ignore[method-assign]
            with _stdout():
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
                _say(f"cannot write the step summary {_oneline(summary)}: {exc.strerror or exc}")
    if output is None:
        with _stdout():
            click.echo(data, nl=False)
    else:
        _write_text(output, data)


def _write_html(result: CheckResult, path: Path) -> None:
    """The HTML report of the whole comparison (the checked documents and what they met)."""
    _write_extras(result.trace, html=path, graph=None, title="provenance check")


# --- index: the archive of known sources ----------------------------------------------------

_INDEX_OPTION = click.option(
    "--index",
    "index_file",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The index file (SQLite).",
)


@main.group(
    short_help="Keep an archive of known sources for check --index.",
    epilog="""\b
Examples:
  provenance index add wire/ --index sources.db
  provenance index list --index sources.db
  provenance index remove 'wire/2023-*' --index sources.db
  provenance index stats --index sources.db
""",
)
def index() -> None:
    """Keep an archive of known sources (wire copy, press releases, competitors) for
    'provenance check --index FILE'."""


@index.command(
    "add",
    short_help="Add documents to the index (created if missing).",
    epilog="""\b
Examples:
  provenance index add wire/ press-releases/ --index sources.db
  provenance index add feed.jsonl --jsonl-text-field body --index sources.db

\b
Exit codes:
  0    every input was read and stored
  2    usage error: bad option or setting, not an index, built with
       other fingerprint settings, cannot write
  3    finished, but some inputs were skipped (named on stderr)
  130  interrupted (Ctrl-C, SIGINT): documents stored before stay
  143  terminated (SIGTERM): the same
""",
)
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, allow_dash=True))
@_INDEX_OPTION
@corpus_options
@_interruptible(
    lambda options: f"what was stored before stays in {_oneline(str(options['index_file']))}"
)
def index_add(
    *,
    paths: tuple[str, ...],
    index_file: Path,
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
    """Add the documents in PATHS to the index (created if missing). Documents already
    there with the same content are not recomputed; changed ones are replaced. Each document
    is committed on its own: an interrupted run keeps what it stored."""
    from provenance import ingest
    from provenance.errors import ProvenanceError
    from provenance.store.index import Index

    settings = _build_settings(
        first_path=paths[0],
        config_file=config_file,
        include=include,
        exclude=exclude,
        assignments=assignments,
        shortcuts=_corpus_shortcuts(
            workers, jsonl_id_field, jsonl_text_field, no_strip, follow_links, no_ignore
        ),
    )
    stdin = sys.stdin.buffer.read() if "-" in paths else None
    try:
        with _progress(not quiet and sys.stderr.isatty()) as progress:
            documents, skipped = ingest.read_inputs(paths, settings, stdin=stdin, progress=progress)
            with Index.open(index_file, settings, create=True) as archive:
                report = archive.add(documents, progress=progress)
    except ProvenanceError as exc:
        raise click.UsageError(_oneline(str(exc))) from None
    except Exception as exc:
        if _debug():
            raise
        _internal_error(exc)
    _report_skipped(skipped)
    if not quiet:
        _say(
            f"{_oneline(str(index_file))}: {len(report.added)} added, "
            f"{len(report.updated)} updated, {len(report.unchanged)} unchanged"
            + (f", {len(skipped)} skipped" if skipped else "")
        )
    sys.exit(ExitCode.SKIPPED if skipped else ExitCode.OK)


def _open_index(index_file: Path, *, write: bool = False) -> Any:
    """The index, opened read-only unless ``write`` (its fingerprint settings unchecked)."""
    from provenance.config import Settings
    from provenance.store.index import Index

    with _usage_errors():
        return Index.open(index_file, Settings(), write=write, verify=False)


@index.command(
    "list",
    short_help="List the archived documents: id, date, size, title.",
    epilog="""\b
Examples:
  provenance index list --index sources.db
  provenance index list --index sources.db --format json
""",
)
@_INDEX_OPTION
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
def index_list(*, index_file: Path, fmt: str) -> None:
    """List the archived documents: id, date, size, title."""
    import json

    with _open_index(index_file) as archive, _usage_errors():
        entries = archive.entries()
    if fmt == "json":
        rows = [
            {"id": e.id, "path": e.path, "title": e.title, "date": e.date, "chars": e.chars}
            for e in entries
        ]
        with _stdout():
            click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    with _stdout():
        for e in entries:
            title = _visible(e.title or "")
            click.echo(f"{_visible(e.id)}\t{e.date or '-'}\t{e.chars}\t{title}")


@index.command(
    "remove",
    short_help="Remove documents by id or glob pattern.",
    epilog="""\b
Examples:
  provenance index remove wire/2023-01-05.txt --index sources.db
  provenance index remove 'wire/2023-*' --index sources.db
""",
)
@click.argument("ids", nargs=-1, required=True)
@_INDEX_OPTION
def index_remove(*, ids: tuple[str, ...], index_file: Path) -> None:
    """Remove documents by id (glob patterns such as 'wire/2023-*' allowed)."""
    with _open_index(index_file, write=True) as archive, _usage_errors():
        removed = archive.remove(ids)
    with _stdout():
        for doc_id in removed:
            click.echo(f"removed {_oneline(doc_id)}")
    if not removed:
        _say("no document matched; see 'provenance index list'")


@index.command(
    "stats",
    short_help="Documents, characters, band keys, file size.",
    epilog="""\b
Examples:
  provenance index stats --index sources.db
  provenance index stats --index sources.db --format json
""",
)
@_INDEX_OPTION
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
def index_stats(*, index_file: Path, fmt: str) -> None:
    """Documents, characters, band keys and file size of the index."""
    import json

    with _open_index(index_file) as archive, _usage_errors():
        stats = archive.stats()
        stats["integrity"] = archive.require_integrity()
    if fmt == "json":
        with _stdout():
            click.echo(json.dumps(stats, indent=2))
        return
    with _stdout():
        for key, value in stats.items():
            click.echo(f"{key}: {value}")


REPORT_EXIT_CODES_HELP = """\b
Exit codes:
  0    the report was written
  2    usage error: TRACE is not a provenance JSON trace (or breaks
       its contract), an output cannot be written (a file is left as
       it was if writing it fails), or a --graph suffix is unknown
  123  internal error (a bug; rerun with PROVENANCE_DEBUG=1 for the
       traceback)
"""


@main.command(
    short_help="Turn a saved JSON trace into the HTML report.",
    epilog="""\b
Examples:
  provenance trace corpus/ --format json --include-text -o trace.json
  provenance report trace.json -o report.html
  provenance report trace.json -o - --title "Week 12" > report.html
"""
    + "\n"
    + REPORT_EXIT_CODES_HELP,
)
@click.argument("trace_file", metavar="TRACE", type=click.Path(dir_okay=False, allow_dash=True))
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The HTML file to write ('-' for stdout).",
)
@click.option(
    "--graph",
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="FILE",
    help="Also write the derivation graph to FILE (.graphml, .gexf, .dot/.gv or .json).",
)
@click.option("--title", metavar="TEXT", help="The report's title.")
def report(*, trace_file: str, output: Path, graph: Path | None, title: str | None) -> None:
    """Render a saved JSON trace (from `provenance trace --format json`, or the JSON of
    `provenance check --format json`, whose trace is rendered) as the HTML report.

    The passages can only be shown if the trace holds the documents' text: save it with
    `--include-text`. Without it the report still shows the graph, the relations and where
    each passage lies (character offsets), and says so.
    """
    from provenance import strictjson
    from provenance.errors import ProvenanceError
    from provenance.report import html as html_report
    from provenance.report import jsonout

    try:
        _check_extra_outputs(None, graph, output)
        try:
            raw = sys.stdin.buffer.read() if trace_file == "-" else Path(trace_file).read_bytes()
        except OSError as exc:
            raise click.BadParameter(
                f"cannot read {_oneline(trace_file)}: {exc.strerror or exc}", param_hint="TRACE"
            ) from None
        try:
            data = strictjson.loads(raw)
            if (
                isinstance(data, dict)
                and "findings" in data
                and "checked" in data
                and isinstance(data.get("trace"), dict)
            ):
                data = data["trace"]  # `provenance check --format json`: render its trace
            result = jsonout.from_dict(data)
            page = html_report.render(result, title=title)
        except (ValueError, ProvenanceError) as exc:
            raise click.BadParameter(
                f"{_oneline(trace_file)} is not a provenance JSON trace ({_oneline(str(exc))}); "
                "make one with `provenance trace DIR --format json --include-text -o TRACE`",
                param_hint="TRACE",
            ) from None
        missing = html_report.missing_text(result)
        if missing:
            _say(
                f"note: {_oneline(trace_file)} holds no text for {len(missing)} document"
                f"{'' if len(missing) == 1 else 's'} (saved without --include-text): their "
                "passages are shown by character offsets only"
            )
        if str(output) == "-":
            with _stdout():
                click.echo(page, nl=False)
        else:
            _write_text(output, page)
        _write_extras(result, html=None, graph=graph, title=title)
    except (click.ClickException, click.exceptions.Exit, click.Abort, KeyboardInterrupt):
        raise
    except BrokenPipeError:
        _broken_pipe()
    except Exception as exc:
        if _debug():
            raise
        _internal_error(exc)


# --- settings: what can be set, and to what ------------------------------------------------


@main.command(
    "settings",
    short_help="List every setting and the value runs here use.",
    epilog="""\b
Examples:
  provenance settings                      # defaults and [tool.provenance]
  provenance settings --config prov.toml
  provenance settings | grep coverage
""",
)
@click.option(
    "--config",
    "config_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="TOML file with a [tool.provenance] table. Default: the nearest pyproject.toml.",
)
def settings_command(*, config_file: Path | None) -> None:
    """List every setting by name, as TOML, with the value a run started here would use
    (the defaults, then [tool.provenance]). Change one with --set NAME=VALUE or in the
    config file; each is documented in src/provenance/config.py."""
    import dataclasses
    import json

    from provenance import config
    from provenance.errors import ConfigError

    try:
        current = config.load(config_file, start=Path.cwd())
    except ConfigError as exc:
        raise click.UsageError(f"bad configuration: {exc}") from None
    for item in dataclasses.fields(current):
        value = getattr(current, item.name)
        if value is None:
            click.echo(f"# {item.name} = (not set)")
        else:
            shown = list(value) if isinstance(value, tuple) else value
            click.echo(f"{item.name} = {json.dumps(shown, ensure_ascii=False)}")
