"""From what a format extracted to a ``Document``: the steps every format shares.

Each format (``ingest.formats``) gives an ``Extracted`` value: text and the metadata it
found. :func:`finish` then reflows agency wire copy (``ingest.wire``), strips boilerplate
(``ingest.strip``, when ``settings.strip_boilerplate``), settles the date (metadata first, then
a removed dateline, then the first ``DATE_SEARCH_CHARS`` characters of text), takes a plain
text's headline as its title, and refuses a text that is empty or too long. Stripping never
empties a document: if it would, the unstripped text is kept.

What reading a source gives is a list of :data:`Item`: a :data:`Found` document, or a
``Skipped`` input.
"""

from __future__ import annotations

import os

from provenance.config import Settings
from provenance.errors import InputError
from provenance.ingest.dates import DATE_SEARCH_CHARS, find_date
from provenance.ingest.decode import check_length
from provenance.ingest.discovery import Source
from provenance.ingest.formats import Extracted
from provenance.ingest.formats.text import plain_headline
from provenance.ingest.strip import strip_boilerplate, trim
from provenance.ingest.wire import agency_credit
from provenance.ingest.wire import reflow as reflow_wire
from provenance.models import Document, Skipped

__all__ = ["Found", "Item", "finish", "source_file"]

Found = tuple[tuple[str, str, int], Document]
"""A document read, with the key that orders documents of one id: ``(id, display path of its
file, record number)`` (the record number is 0 for a whole file)."""
Item = Found | Skipped
"""What reading a source gives, one per document or skipped input (a JSON Lines file, table
or web archive gives one per record)."""


def source_file(source: Source) -> str | None:
    """What ``Document.source_file`` holds for the documents of ``source``: the path of its
    file, or None for stdin (and for bytes fetched elsewhere)."""
    return None if source.file is None else os.fspath(source.file)


def finish(
    extracted: Extracted,
    doc_id: str,
    display: str,
    fmt: str,
    settings: Settings,
    *,
    source_file: str | None,
) -> Document:
    """Reflow wire copy, strip boilerplate, settle the date, refuse empty or oversized text.

    ``display`` becomes ``Document.path`` and ``source_file`` (the file read, None for
    stdin) ``Document.source_file``."""
    text = trim(extracted.text)
    stripped = list(extracted.stripped)
    date, author, title = extracted.date, extracted.author, extracted.title
    wire = reflow_wire(text)
    if wire is not None:
        if settings.strip_boilerplate:
            text = wire.text
            stripped.extend(wire.stripped)
        else:
            text = trim(wire.removed_text + "\n" + wire.text)
        date = date or wire.date
        title = title or wire.title
    agency = agency_credit(text)
    if settings.strip_boilerplate:
        result = strip_boilerplate(text)
        if result.text.strip():
            text = result.text
            stripped.extend(result.stripped)
        date = date or result.date
        author = author or result.author
    date = date or find_date(text[:DATE_SEARCH_CHARS])
    if fmt == "txt":
        title = title or plain_headline(text)
    if not text.strip():
        raise InputError(display, "empty after extraction: no article text found; check the file")
    check_length(text, settings)
    return Document(
        id=doc_id,
        path=display,
        text=text,
        title=title,
        date=date,
        author=author,
        url=extracted.url,
        format=fmt,
        stripped=tuple(stripped),
        declared_sources=extracted.declared_sources,
        agency=agency,
        wire_copy=wire is not None,
        source_file=source_file,
    )
