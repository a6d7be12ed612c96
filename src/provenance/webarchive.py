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
  ``<file>:<record number>`` (records counted from 1 in file order, whatever their type).
* **date**: the capture date (``WARC-Date``; ARC's date field): when the crawl saw the page,
  a date the page cannot claim for itself. **url**: the target URL. **text, title**: as for
  an ``.html`` file (the same extraction), the charset of the HTTP ``Content-Type`` first.
* **limits**: a record whose content is longer than an HTML file may be
  (``4 * max_document_chars`` bytes, after HTTP content-encoding) is skipped with a message
  naming the file, the record and the URL. A ``.gz`` archive is decompressed as a bounded
  stream (:mod:`provenance.compressed`).
* **damage**: a truncated or corrupt archive (a gzip member cut short, a record that does not
  parse) stops that archive with one message naming it and the last record read; the pages
  read before it are kept (the archive is listed as skipped, so the exit code says so).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import replace
from typing import Any, BinaryIO

from warcio.archiveiterator import ArchiveIterator

from provenance.compressed import CompressedError
from provenance.config import Settings
from provenance.errors import InputError
from provenance.models import Document, Skipped

__all__ = ["ARCHIVE_FORMATS", "number_captures", "read_archive"]

ARCHIVE_FORMATS = ("warc", "arc")
HTML_TYPES = ("text/html", "application/xhtml+xml")
_BYTES_PER_CHAR = 4

Item = tuple[tuple[str, str, int], Document] | Skipped
MakeDocument = Callable[[bytes, str | None, str, str, str | None, str | None], Document]
"""``(payload, HTTP charset, doc id, where, capture date, url) -> Document`` (the HTML
extraction of ``ingest``); raises ``InputError`` when the page yields no document."""

_CHARSET = re.compile(r"""charset\s*=\s*["']?([A-Za-z0-9._:-]+)""", re.IGNORECASE)
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")


def read_archive(
    stream: BinaryIO,
    display: str,
    file_id: str,
    settings: Settings,
    make_document: MakeDocument,
) -> Iterator[Item]:
    """The documents (and skipped records) of one archive, in record order."""
    limit = settings.max_document_chars * _BYTES_PER_CHAR + 4
    records = pages = 0
    try:
        archive = ArchiveIterator(stream, arc2warc=True)
        # warcio writes a warning to stderr for a record not followed by a blank line: the
        # library never prints, and what follows such a record fails below if it is damaged.
        archive.INC_RECORD = ""
        for number, record in enumerate(archive, start=1):
            records = number
            where = f"{display}:{number}"
            charset = _page_charset(record)
            if charset is None:
                continue
            pages += 1
            url = _header(record.rec_headers, "WARC-Target-URI")
            shown = f"{_printable(url)}: " if url else ""
            doc_id = _url_id(url) if url else f"{file_id}#{number}"
            if record.length is not None and record.length > limit:
                yield Skipped(where, shown + _too_large(f"{record.length:,} bytes", settings))
                continue
            try:
                payload = record.content_stream().read(limit + 1)
            except CompressedError:
                raise
            # warcio decodes HTTP content-encoding (gzip, deflate, brotli) with several readers
            except Exception as exc:
                yield Skipped(
                    where,
                    f"{shown}cannot decode its HTTP content ({type(exc).__name__}); "
                    "the record is damaged",
                )
                continue
            if len(payload) > limit:
                yield Skipped(where, shown + _too_large(f"more than {limit:,} bytes", settings))
                continue
            date = _header(record.rec_headers, "WARC-Date")
            try:
                document = make_document(payload, charset or None, doc_id, where, date, url)
            except InputError as exc:
                yield Skipped(where, shown + exc.reason)
                continue
            yield (doc_id, display, number), document
    except CompressedError as exc:
        yield Skipped(display, _stopped(exc.reason, records))
        return
    # warcio parses hostile bytes with many helpers (record loader, header parsers,
    # decompressors); whatever they raise means "this archive cannot be read on from here"
    except Exception as exc:
        yield Skipped(display, _stopped(_damage(exc), records))
        return
    if not pages:
        what = f"{records:,} records" if records != 1 else "1 record"
        yield Skipped(
            display,
            f"no HTML pages in this web archive ({what}, none an HTML response); "
            "nothing to trace in it",
        )


def number_captures(
    found: list[tuple[tuple[str, str, int], Document]],
) -> list[tuple[tuple[str, str, int], Document]]:
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
    out: list[tuple[tuple[str, str, int], Document]] = []
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


def _stopped(reason: str, records: int) -> str:
    kept = f"after record {records:,} (the pages before it are traced)" if records else "at once"
    return f"{reason}; stopped reading it {kept}. Fetch it again or check it with `warcio check`"
