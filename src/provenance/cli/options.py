"""The options commands share, and what they become: ``Settings`` (defaults <
``[tool.provenance]`` < ``--set`` < named options) and output files checked before a run."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from provenance.cli.messages import oneline, say

if TYPE_CHECKING:
    from provenance.config import Settings


def parse_set(
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


def build_settings(
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
            raise click.BadParameter(str(exc), param_hint=f"'{SHORTCUTS[key]}'") from None
    return settings


SHORTCUTS = {
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


def check_output(output: Path | None, param_hint: str = "'-o' / '--output'") -> None:
    """Fail before the run, not after it, when an output file cannot be written: a folder
    that does not exist or is not writable (the file is written beside itself first, then
    renamed), a target that is a folder, or a read-only file."""
    if output is None or str(output) == "-":
        return
    shown = oneline(str(output))
    target = Path(os.path.realpath(output))  # a link is followed: the file it names is written
    if target.is_dir():
        raise click.BadParameter(
            f"{shown!r} is a folder; name a file in it instead", param_hint=param_hint
        )
    parent = target.parent
    if not parent.is_dir():
        raise click.BadParameter(
            f"folder {oneline(str(output.parent))!r} does not exist; create it first or "
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
            f"cannot create files in {oneline(str(parent))!r} (permission denied)",
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
        callback=parse_set,
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


def corpus_shortcuts(
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


def check_extra_outputs(
    html: Path | None,
    graph: Path | None,
    output: Path | None,
    baseline: Path | None = None,
) -> None:
    """Every output file, before the work starts: ``-o`` (or stdout), ``--html``, ``--graph``
    and ``--write-baseline`` writable and distinct, and a graph suffix we know."""
    from provenance.report import graphexport

    check_output(output)
    for path, hint in ((html, "'--html'"), (graph, "'--graph'"), (baseline, "'--write-baseline'")):
        if path is not None and str(path) == "-":
            raise click.BadParameter(
                "needs a file name (stdout carries the main output)", param_hint=hint
            )
        check_output(path, hint)
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


def prepare(
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
    check_output(output)
    settings = build_settings(
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
            say("reading a document from stdin; end it with Ctrl-D")
        stdin = sys.stdin.buffer.read()
    return settings, stdin
