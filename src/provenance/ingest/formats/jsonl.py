"""JSON Lines (``.jsonl``, and gzip-compressed ``.jsonl.gz``): one document per record.

Each line is a JSON object; its fields are named by the settings ``jsonl_text_field``
(``text``), ``jsonl_id_field`` (``id``), ``jsonl_title_field``, ``jsonl_date_field``,
``jsonl_url_field``, and ``author``. A bad line (not UTF-8, malformed JSON, not an object, no
text field, too long) is skipped with a message naming ``file:LINE``; the other lines are read.
Lines are read with bounded memory: a line longer than a file may be is passed over.

A record's ``Document.path`` is ``file:LINE`` so it can be found; its ``source_file`` is the
file; its id is ``<file id>#<record id>`` and is never used as a file-system path. In the
record id, ``%``, ``/`` and ``\\`` are percent-encoded (``../a`` -> ``..%2Fa``) so it never
reads as one. Table rows (``formats.tables``) are made into documents by :func:`record_item`
too.
"""

from __future__ import annotations

import codecs
import json
import sys
from collections.abc import Iterator, Mapping
from typing import BinaryIO

from provenance.config import Settings
from provenance.errors import InputError
from provenance.ingest.dates import parse_date
from provenance.ingest.decode import (
    BYTES_PER_CHAR_LIMIT,
    binary_reason,
    check_length,
    normalize_text,
    too_large,
)
from provenance.ingest.discovery import Source
from provenance.ingest.document import Item, finish, source_file
from provenance.ingest.formats import Extracted, meta_author, scalar_text
from provenance.models import Skipped

__all__ = ["read_jsonl", "record_item"]


def read_jsonl(stream: BinaryIO, source: Source, settings: Settings) -> Iterator[Item]:
    """The documents (and skipped lines) of one JSON Lines stream, in line order."""
    head = stream.read(16)
    stream.seek(0)
    binary = binary_reason(head)
    if binary is not None:
        yield Skipped(source.display, binary)
        return
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or b"\x00" in head:
        yield Skipped(source.display, "JSON Lines must be UTF-8, not UTF-16/32; re-encode it")
        return
    records = 0
    most = settings.max_document_chars * BYTES_PER_CHAR_LIMIT
    for number, raw in enumerate(_bounded_lines(stream, most), start=1):
        where = f"{source.display}:{number}"
        if raw is None:
            records += 1
            yield Skipped(where, too_large(f"more than {most:,} bytes", settings))
            continue
        if not raw.strip():
            continue
        records += 1
        try:
            line = raw.decode("utf-8-sig" if number == 1 else "utf-8")
        except UnicodeDecodeError:
            yield Skipped(where, "not UTF-8; JSON Lines files must be UTF-8, re-encode the file")
            continue
        if len(line) > most:
            yield Skipped(where, too_large(f"{len(line):,} characters", settings))
            continue
        try:
            record = json.loads(line.rstrip("\r\n"))
        except json.JSONDecodeError as exc:
            # json's messages end in "at" when they point at a place ("Expecting value at")
            place = " " if exc.msg.endswith(" at") else ", "
            yield Skipped(
                where, f"malformed JSON ({exc.msg}{place}column {exc.colno}); fix the line"
            )
            continue
        except RecursionError:
            yield Skipped(where, "malformed JSON (nested too deeply); fix the line")
            continue
        except ValueError:  # json's only other refusal: int() past sys.get_int_max_str_digits()
            yield Skipped(
                where,
                f"a number of more than {sys.get_int_max_str_digits():,} digits "
                "(Python's limit on integers); quote it as a string or fix the line",
            )
            continue
        if not isinstance(record, dict):
            yield Skipped(where, "not a JSON object; each line must be one {...} record")
            continue
        yield record_item(record, number, where, source, "jsonl", settings)
    if not records:  # said, not dropped in silence: the run would claim nothing was there
        yield Skipped(source.display, "empty: no JSON records in it; check the file")


def _bounded_lines(stream: BinaryIO, most: int) -> Iterator[bytes | None]:
    """The lines of ``stream``, each read with at most ``most + 1`` bytes in memory: a longer
    line is passed over to its end and given as None."""
    while True:
        line = stream.readline(most + 1)
        if not line:
            return
        if len(line) <= most or line.endswith(b"\n"):
            yield line
            continue
        while line and not line.endswith(b"\n"):
            line = stream.readline(1 << 20)
        yield None


def record_item(
    record: Mapping[str, object],
    number: int,
    where: str,
    source: Source,
    fmt: str,
    settings: Settings,
) -> Item:
    """The document of one record (a JSON Lines line or a table row), or why not."""
    text = record.get(settings.jsonl_text_field)
    if not isinstance(text, str):
        thing = "text field" if fmt == "jsonl" else "text in the column"
        return Skipped(
            where,
            f"no {settings.jsonl_text_field!r} {thing}; set jsonl_text_field to the "
            f"{'field' if fmt == 'jsonl' else 'column'} that holds the article",
        )
    record_id = _record_id(record.get(settings.jsonl_id_field), number)
    doc_id = f"{source.id}#{record_id}"
    text = normalize_text(text)
    try:
        check_length(text, settings)
        extracted = Extracted(
            text,
            title=scalar_text(record.get(settings.jsonl_title_field)),
            date=parse_date(record.get(settings.jsonl_date_field)),
            author=meta_author({"author": record.get("author")}),
            url=scalar_text(record.get(settings.jsonl_url_field)),
        )
        document = finish(extracted, doc_id, where, fmt, settings, source_file=source_file(source))
    except InputError as exc:
        return Skipped(where, exc.reason)
    return (doc_id, source.display, number), document


def _record_id(value: object, line_number: int) -> str:
    """A record's id: its id field (a string or an integer), else its line number."""
    if isinstance(value, str) and value.strip():
        text = value.strip()
    elif isinstance(value, int) and not isinstance(value, bool):
        text = str(value)
    else:
        return str(line_number)
    # An id is only ever a label: make it one printable line, and never a path (``../x`` or
    # ``/etc/passwd`` would read as one, and escape a folder if a consumer joined it to one):
    # path separators and the percent sign are percent-encoded.
    text = "".join(c if c.isprintable() else " " for c in text)
    return text.replace("%", "%25").replace("/", "%2F").replace("\\", "%5C")
