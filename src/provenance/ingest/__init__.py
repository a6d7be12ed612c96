"""Ingest: files, folders and stdin -> ``Document`` values, the first stage of a trace.

The flow, one module per step::

    discovery      which files: walk folders, include/exclude, symbolic links, ignore files
      -> read      each file by its format, within the size limits; ``decode``: bytes ->
                   text (binary refused, encoding detected, gzip bounded)
      -> formats   text and metadata: text, markdown (+ front matter), html, jsonl,
                   tables (CSV/TSV/Parquet), webarchive (WARC/ARC)
      -> document  wire copy reflowed (``wire``), boilerplate stripped (``strip``), the
                   date settled (``dates``), empty or oversized text refused

The entry point is :func:`read_inputs`. Everything that goes wrong with a single input becomes
a ``Skipped(path, reason)``; only a path that does not exist at all raises ``InputError`` (a
usage mistake the CLI reports). Each document's ``path`` is what the user sees (``file``,
``file.jsonl:LINE``, ``<stdin>``); its ``source_file`` is the file it was read from.

An engine that reads on its own workers (``engine/dask.py``) uses the same steps in pieces:
:func:`discover` on the client, :func:`read_source` or :func:`read_fetched` on a worker
(each gives :data:`Item` values), and :func:`assemble` back on the client.
"""

from __future__ import annotations

import contextlib
import functools
import os
from collections.abc import Callable, Generator, Sequence

from provenance.config import Settings
from provenance.engine import pool as pool_of
from provenance.ingest.dates import find_date, parse_date
from provenance.ingest.decode import decode_bytes
from provenance.ingest.discovery import Source, discover, natural_key
from provenance.ingest.document import Found, Item
from provenance.ingest.formats import webarchive
from provenance.ingest.formats.markdown import markdown_to_text
from provenance.ingest.formats.text import plain_headline
from provenance.ingest.read import read_fetched, read_source
from provenance.ingest.strip import StripResult, is_comment_like, strip_boilerplate
from provenance.models import Document, Skipped

__all__ = [
    "Found",
    "Item",
    "Source",
    "StripResult",
    "assemble",
    "decode_bytes",
    "discover",
    "find_date",
    "is_comment_like",
    "markdown_to_text",
    "parse_date",
    "plain_headline",
    "read_fetched",
    "read_inputs",
    "read_source",
    "strip_boilerplate",
]

_READ_CHUNK = 32
"""Sources handed to a worker process at a time."""


def read_inputs(
    paths: Sequence[str | os.PathLike[str]],
    settings: Settings,
    *,
    stdin: bytes | None = None,
    progress: Callable[[str, int, int], None] | None = None,
    workers: int = 1,
) -> tuple[list[Document], list[Skipped]]:
    """Read every document under ``paths``.

    ``progress("ingest", done, total)`` is called after each input file. With ``workers``
    above 1, files are read and extracted on that many processes (same result, same order).

    ``paths`` holds folders (walked recursively for files ending in ``settings.extensions``,
    hidden entries skipped, ``include``/``exclude`` applied), files (read whatever their
    extension), or ``"-"`` for the bytes in ``stdin`` (format sniffed).

    Returns the documents sorted by id and the skipped inputs sorted by path. Raises
    ``InputError`` only when a given path does not exist at all.
    """
    sources, skipped = discover(paths, settings, have_stdin=stdin is not None)
    found: list[Found] = []
    # closed at once if the run stops here (an interrupt, an error): its workers with it
    with contextlib.closing(_read_all(sources, settings, stdin, workers)) as reading:
        for done, items in enumerate(reading, start=1):
            for item in items:
                if isinstance(item, Skipped):
                    skipped.append(item)
                else:
                    found.append(item)
            if progress is not None:
                progress("ingest", done, len(sources))

    return assemble(found, skipped)


def assemble(found: list[Found], skipped: list[Skipped]) -> tuple[list[Document], list[Skipped]]:
    """Documents sorted by id (a repeated id is skipped) and skipped inputs sorted by path,
    from what the sources gave, in any order."""
    documents: list[Document] = []
    found = webarchive.number_captures(found)
    found.sort(key=lambda pair: (pair[1].id, pair[0]))
    previous: Document | None = None
    for _, document in found:
        if previous is not None and document.id == previous.id:
            skipped.append(
                Skipped(
                    document.path,
                    f"duplicate id {document.id!r} (already used by {previous.path}); "
                    "give the record or file a unique id",
                )
            )
            continue
        documents.append(document)
        previous = document
    skipped.sort(key=lambda s: natural_key(s.path))
    return documents, skipped


def _read_all(
    sources: list[Source], settings: Settings, stdin: bytes | None, workers: int
) -> Generator[list[Item], None, None]:
    """``read_source`` of each source, in order, on ``workers`` processes when above 1."""
    if workers <= 1 or len(sources) < 2 * _READ_CHUNK:
        for source in sources:
            yield read_source(source, settings, stdin)
        return
    pool = pool_of.start(workers)
    try:
        read = functools.partial(read_source, settings=settings, stdin=stdin)
        yield from pool_of.map_on(pool, read, sources, chunksize=_READ_CHUNK)
    except BaseException:  # an error, an interrupt, or the reader closing the generator early
        pool_of.stop(pool, now=True)
        raise
    pool_of.stop(pool, now=False)
