"""Web archives: WARC and ARC files (``.warc``, ``.warc.gz``, ``.arc``, ``.arc.gz``) via warcio.

Each HTML page in an archive becomes one document:

* **which records**: ``response`` records (HTTP status 2xx, ``Content-Type`` ``text/html`` or
  ``application/xhtml+xml``) and ``resource`` records of those types. Requests, revisits
  (a revisit says "same payload as an earlier capture" and holds none), metadata, warcinfo,
  conversions, non-HTML payloads and non-2xx responses (redirects, error pages) are passed
  over without a message each; an archive that holds no HTML page at all is skipped with
  one message that counts what it held.
* **id**: the record's target URL (``WARC-Target-URI``) as it is written, made one printable
  line (other characters and ``\\`` percent-encoded). A URL captured more than once (in one
  archive or several) is one document per capture: the first keeps the URL, the next
  ``URL#2``, ``URL#3``... in the order of the archives' paths and then of the records in each
  (:func:`number_captures`; the same whatever the number of workers). A record without a
  target URL has the id ``<file id>#<record number>``. ``Document.path`` is
  ``<file>:<record number>`` (records counted from 1 in file order, whatever their type);
  ``Document.source_file`` is the archive.
* **date**: the capture date (``WARC-Date``; ARC's date field): when the crawl saw the page,
  a date the page cannot claim for itself. **url**: the target URL. **text, title**: as for
  an ``.html`` file (the same extraction), the charset of the HTTP ``Content-Type`` first.
* **limits**: a record whose content is longer than an HTML file may be
  (``4 * max_document_chars`` bytes, after HTTP content-encoding) is skipped with a message
  naming the file, the record and the URL. A ``.gz`` archive is decompressed as a bounded
  stream (``ingest.decode``).
* **damage**: a truncated or corrupt archive (a gzip member cut short, a record that does not
  parse) stops that archive with one message naming it and the last record read; the pages
  read before it are kept (the archive is listed as skipped, so the exit code says so).
"""

from __future__ import annotations

import logging
import re
import zlib
from collections.abc import Iterator
from dataclasses import replace
from typing import Any, BinaryIO

from warcio.archiveiterator import ArchiveIterator
from warcio.bufferedreaders import ChunkedDataReader

from provenance.config import Settings
from provenance.errors import InputError
from provenance.ingest.dates import parse_date
from provenance.ingest.decode import (
    BYTES_PER_CHAR_LIMIT,
    CompressedError,
    check_length,
    declared_charset,
    decode_bytes,
    max_file_bytes,
)
from provenance.ingest.discovery import Source
from provenance.ingest.document import Found, Item, finish, source_file
from provenance.ingest.formats import html
from provenance.models import Document, Skipped

__all__ = ["ARCHIVE_FORMATS", "number_captures", "read_archive"]

ARCHIVE_FORMATS = ("warc", "arc")
HTML_TYPES = ("text/html", "application/xhtml+xml")
"""The content types of the records read as pages."""

# warcio logs a warning for each odd target URL; with no logging configured Python would print
# it on stderr (the library never prints). An application's own handlers still receive them.
logging.getLogger("warcio").addHandler(logging.NullHandler())

_CHARSET = re.compile(r"""charset\s*=\s*["']?([A-Za-z0-9._:-]+)""", re.IGNORECASE)
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")


def read_archive(stream: BinaryIO, source: Source, fmt: str, settings: Settings) -> Iterator[Item]:
    """The documents (and skipped records) of one archive (``fmt`` ``warc`` or ``arc``), in
    record order."""
    display = source.display
    limit = max_file_bytes(settings)
    records = pages = 0
    head = stream.read(16)
    stream.seek(0)
    if not head.lstrip().startswith((b"WARC/", b"filedesc://")):
        yield Skipped(
            display,
            "not a web archive: a WARC file starts with a WARC/ line, an ARC file with "
            "filedesc://; check the file (or rename it if it is something else)",
        )
        return
    try:
        archive = ArchiveIterator(stream, arc2warc=True)
        # warcio writes a warning to stderr for a record not followed by a blank line: the
        # library never prints, and what follows such a record fails below if it is damaged.
        archive.INC_RECORD = ""
        for number, record in enumerate(archive, start=1):
            records = number - 1  # until this one is read whole
            charset = _page_charset(record)
            if charset is not None:
                pages += 1
                page = (record, charset, number)
                yield _page(page, source, fmt, limit, settings)
            records = number
    except CompressedError as exc:
        yield Skipped(display, _stopped(exc.what, records, exc.advice))
        return
    # warcio parses hostile bytes with many helpers (record loader, header parsers,
    # decompressors); whatever they raise means "this archive cannot be read on from here"
    except Exception as exc:
        advice = "fetch it again, or check it with `warcio check`"
        yield Skipped(display, _stopped(_damage(exc), records, advice))
        return
    if not pages:
        what = f"{records:,} records" if records != 1 else "1 record"
        yield Skipped(
            display,
            f"no HTML pages in this web archive ({what}, none an HTML response); "
            "nothing to trace in it",
        )


def number_captures(found: list[Found]) -> list[Found]:
    """Give the second and later captures of a URL the ids ``URL#2``, ``URL#3``...: in the
    order of archive paths, then records (never an id already in use)."""
    counts: dict[str, int] = {}
    for _, document in found:
        if document.format in ARCHIVE_FORMATS:
            counts[document.id] = counts.get(document.id, 0) + 1
    if all(n == 1 for n in counts.values()):
        return found
    taken = {document.id for _, document in found}
    ordered = sorted(found, key=lambda pair: (pair[1].id, pair[0]))
    seen: dict[str, int] = {}
    out: list[Found] = []
    for key, document in ordered:
        if document.format in ARCHIVE_FORMATS and counts.get(document.id, 0) > 1:
            capture = seen.get(document.id, 0) + 1
            seen[document.id] = capture
            if capture > 1:
                new_id = f"{document.id}#{capture}"
                while new_id in taken:
                    capture += 1
                    new_id = f"{document.id}#{capture}"
                taken.add(new_id)
                out.append(((new_id, key[1], key[2]), replace(document, id=new_id)))
                continue
        out.append((key, document))
    return out


def _page(
    page: tuple[Any, str, int], source: Source, fmt: str, limit: int, settings: Settings
) -> Item:
    """The document of one HTML page record (or why it is skipped)."""
    record, charset, number = page
    display, file_id = source.display, source.id
    where = f"{display}:{number}"
    url = _header(record.rec_headers, "WARC-Target-URI")
    shown = f"{_printable(url)}: " if url else ""
    doc_id = _url_id(url) if url else f"{file_id}#{number}"
    if record.length is not None and record.length > limit:
        return Skipped(where, shown + _too_large(f"{record.length:,} bytes", settings))
    try:
        payload = _payload(record, limit)
    except _EncodingError as exc:
        return Skipped(where, f"{shown}{exc}")
    if len(payload) > limit:
        return Skipped(where, shown + _too_large(f"more than {limit:,} bytes", settings))
    date = _header(record.rec_headers, "WARC-Date")
    try:
        document = _document(
            payload, charset or None, doc_id, where, date, url, source, fmt, settings
        )
    except InputError as exc:
        return Skipped(where, shown + exc.reason)
    return (doc_id, display, number), document


def _document(
    payload: bytes,
    charset: str | None,
    doc_id: str,
    where: str,
    date: str | None,
    url: str | None,
    source: Source,
    fmt: str,
    settings: Settings,
) -> Document:
    """One HTML page of a web archive, extracted as an ``.html`` file is."""
    markup = decode_bytes(payload, html_declared=charset or declared_charset(payload))
    check_length(markup, settings, markup_factor=BYTES_PER_CHAR_LIMIT)
    extracted = html.extract(markup)
    extracted.date = parse_date(date) or extracted.date
    extracted.url = url or extracted.url
    return finish(extracted, doc_id, where, fmt, settings, source_file=source_file(source))


class _EncodingError(Exception):
    """A page's HTTP content cannot be decoded (the message says why)."""


def _payload(record: Any, limit: int) -> bytes:
    """The page's bytes after HTTP chunking and content-encoding, at most ``limit + 1`` of
    them (decoded here, bounded, rather than by warcio, which writes its errors on stderr)."""
    http = record.http_headers
    raw = record.raw_stream
    if http is not None and (http.get_header("Transfer-Encoding") or "").lower() == "chunked":
        raw = ChunkedDataReader(raw, decomp_type=None)
    encoding = (http.get_header("Content-Encoding") or "").strip().lower() if http else ""
    if encoding in ("", "identity"):
        return bytes(raw.read(limit + 1))
    wbits = {"gzip": 31, "x-gzip": 31, "deflate": 15}.get(encoding)
    if wbits is None:
        raise _EncodingError(
            f"HTTP content compressed as {encoding[:40]!r}, which is not read (gzip and "
            "deflate are); leave the record out"
        )
    inflate = zlib.decompressobj(wbits)
    out = bytearray()
    try:
        while len(out) <= limit and not inflate.eof:
            chunk = inflate.unconsumed_tail or raw.read(1 << 16)
            if not chunk:
                break
            out += inflate.decompress(chunk, limit + 1 - len(out))
    except zlib.error as exc:
        raise _EncodingError(
            f"its {encoding} HTTP content is damaged ({exc}); the record cannot be read"
        ) from exc
    return bytes(out)


def _page_charset(record: Any) -> str | None:
    """For an HTML page worth reading, the charset its HTTP header declares ("" for none);
    None for every other record."""
    if record.rec_type == "response":
        http = record.http_headers
        if http is None:
            return None
        status = str(http.get_statuscode() or "")
        if not (len(status) == 3 and status.startswith("2")):
            return None
        content_type = http.get_header("Content-Type") or ""
    elif record.rec_type == "resource":
        content_type = _header(record.rec_headers, "Content-Type") or ""
    else:
        return None
    mime = content_type.split(";", 1)[0].strip().lower()
    if mime not in HTML_TYPES:
        return None
    match = _CHARSET.search(content_type)
    return match[1] if match else ""


def _header(headers: Any, name: str) -> str | None:
    value = headers.get_header(name) if headers is not None else None
    return value.strip() if isinstance(value, str) and value.strip() else None


def _printable(text: str) -> str:
    """One printable line: other characters (and ``\\``) percent-encoded as UTF-8 bytes."""
    out = []
    for c in text:
        if c.isprintable() and c != "\\":
            out.append(c)
        else:
            out.append("".join(f"%{b:02X}" for b in c.encode("utf-8", "surrogatepass")))
    return "".join(out)


def _url_id(url: str) -> str:
    """The document id of a capture of ``url`` (a label, never a file-system path)."""
    shown = _printable(url)
    # a target "URL" without a scheme ("../x") would read as a path: give it one
    return shown if _SCHEME.match(shown) else "url:" + shown


def _too_large(size: str, settings: Settings) -> str:
    return (
        f"page too large ({size}; max_document_chars is {settings.max_document_chars:,}); "
        "raise max_document_chars to read it"
    )


def _damage(exc: BaseException) -> str:
    detail = " ".join(str(exc).split())[:200] or type(exc).__name__
    return f"damaged web archive ({detail})"


def _stopped(reason: str, records: int, advice: str) -> str:
    kept = f"after record {records:,} (the pages before it are traced)" if records else "at once"
    return f"{reason}; stopped reading it {kept}: {advice}"
