"""``provenance index``: keep an archive of known sources for ``provenance check --index``."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from provenance.cli.exits import ExitCode, exit_codes, interruptible, usage_errors
from provenance.cli.messages import oneline, report_skipped, say, visible
from provenance.cli.options import build_settings, corpus_options, corpus_shortcuts
from provenance.cli.output import progress_bars, stdout

_INDEX_OPTION = click.option(
    "--index",
    "index_file",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The index file (SQLite).",
)


@click.group(
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
@interruptible(
    lambda options: f"what was stored before stays in {oneline(str(options['index_file']))}"
)
@exit_codes
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

    settings = build_settings(
        first_path=paths[0],
        config_file=config_file,
        include=include,
        exclude=exclude,
        assignments=assignments,
        shortcuts=corpus_shortcuts(
            workers, jsonl_id_field, jsonl_text_field, no_strip, follow_links, no_ignore
        ),
    )
    stdin = sys.stdin.buffer.read() if "-" in paths else None
    try:
        with progress_bars(not quiet and sys.stderr.isatty()) as progress:
            documents, skipped = ingest.read_inputs(paths, settings, stdin=stdin, progress=progress)
            with Index.open(index_file, settings, create=True) as archive:
                report = archive.add(documents, progress=progress)
    except ProvenanceError as exc:
        raise click.UsageError(oneline(str(exc))) from None
    report_skipped(skipped)
    if not quiet:
        say(
            f"{oneline(str(index_file))}: {len(report.added)} added, "
            f"{len(report.updated)} updated, {len(report.unchanged)} unchanged"
            + (f", {len(skipped)} skipped" if skipped else "")
        )
    sys.exit(ExitCode.SKIPPED if skipped else ExitCode.OK)


def _open_index(index_file: Path, *, write: bool = False) -> Any:
    """The index, opened read-only unless ``write`` (its fingerprint settings unchecked)."""
    from provenance.config import Settings
    from provenance.store.index import Index

    with usage_errors():
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
@exit_codes
def index_list(*, index_file: Path, fmt: str) -> None:
    """List the archived documents: id, date, size, title."""
    import json

    with _open_index(index_file) as archive, usage_errors():
        entries = archive.entries()
    if fmt == "json":
        rows = [
            {"id": e.id, "path": e.path, "title": e.title, "date": e.date, "chars": e.chars}
            for e in entries
        ]
        with stdout():
            click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    with stdout():
        for e in entries:
            title = visible(e.title or "")
            click.echo(f"{visible(e.id)}\t{e.date or '-'}\t{e.chars}\t{title}")


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
@exit_codes
def index_remove(*, ids: tuple[str, ...], index_file: Path) -> None:
    """Remove documents by id (glob patterns such as 'wire/2023-*' allowed)."""
    with _open_index(index_file, write=True) as archive, usage_errors():
        removed = archive.remove(ids)
    with stdout():
        for doc_id in removed:
            click.echo(f"removed {oneline(doc_id)}")
    if not removed:
        say("no document matched; see 'provenance index list'")


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
@exit_codes
def index_stats(*, index_file: Path, fmt: str) -> None:
    """Documents, characters, band keys and file size of the index."""
    import json

    with _open_index(index_file) as archive, usage_errors():
        stats = archive.stats()
        stats["integrity"] = archive.require_integrity()
    if fmt == "json":
        with stdout():
            click.echo(json.dumps(stats, indent=2))
        return
    with stdout():
        for key, value in stats.items():
            click.echo(f"{key}: {value}")
