"""Tables: CSV (``.csv``), tab-separated (``.tsv``) and Parquet (``.parquet``) files, one
document per row, read as streams.

The columns are named by the same settings as JSON Lines fields: ``jsonl_text_field``
(``--jsonl-text-field``, default ``text``), ``jsonl_id_field`` (``--jsonl-id-field``,
``id``), ``jsonl_title_field``, ``jsonl_date_field``, ``jsonl_url_field``, and ``author``.
A row's id is its id cell, or its row number when the table has no id column or the cell is
empty: ``<file id>#<row>``; ``Document.path`` is ``<file>:<row>`` (``source_file`` the table
file). Rows are counted from 1, the header row not included (blank CSV lines are not rows).

Decisions:

* **CSV dialect**: ``.csv`` is comma-separated and ``.tsv`` tab-separated, with the ``"``
  quoting of RFC 4180 (quoted cells may hold line breaks). No sniffing: a column of prose is
  full of commas and semicolons, and ``csv.Sniffer`` guesses wrong on it.
* **CSV encoding**: UTF-8, as for JSON Lines (these are dataset formats, read as streams, not
  whole files to guess an encoding from); a UTF-8 BOM is dropped, a UTF-16/32 BOM honoured.
  Bytes that are not UTF-8 stop the file with a message naming the row.
* **CSV bounds**: a physical line longer than ``4 * max_document_chars`` characters, or a cell
  longer than ``max_document_chars``, stops the file with a message (the rows before it are
  kept): past such a cell the parser's idea of where rows begin cannot be trusted. A row with
  more or fewer cells than the header is skipped with a message (an unbalanced quote, as a
  rule).
* **Parquet** is read with pyarrow in batches of rows (only the columns named above), so
  memory stays bounded by a row group. pyarrow is an optional extra
  (``pip install 'provenance-trace[parquet]'``); without it a Parquet file is skipped with a
  message saying so.
* A table without the text column is skipped with one message listing its columns.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterator, Sequence
from typing import Any, BinaryIO

from provenance.config import Settings
from provenance.ingest.decode import BYTES_PER_CHAR_LIMIT
from provenance.ingest.discovery import Source
from provenance.ingest.document import Item
from provenance.ingest.formats.jsonl import record_item
from provenance.models import Skipped

__all__ = ["read_csv", "read_parquet"]

PARQUET_BATCH_ROWS = 64
"""Rows converted to Python values at a time (a batch of 64 rows of 5 MB texts is 320 MB)."""
NEEDS_PYARROW = (
    "reading Parquet needs pyarrow, which is not installed: "
    "pip install 'provenance-trace[parquet]' (or pip install pyarrow)"
)


class _OverlongLineError(Exception):
    """A physical CSV line past the bound."""


def _columns(settings: Settings) -> tuple[str, ...]:
    names = (
        settings.jsonl_id_field,
        settings.jsonl_text_field,
        settings.jsonl_title_field,
        settings.jsonl_date_field,
        settings.jsonl_url_field,
        "author",
    )
    return tuple(dict.fromkeys(names))


def _no_text_column(header: Sequence[str], settings: Settings) -> str:
    shown = ", ".join(repr(c) for c in header[:20]) or "none"
    more = f" and {len(header) - 20} more" if len(header) > 20 else ""
    return (
        f"no {settings.jsonl_text_field!r} column (columns: {shown}{more}); set "
        "jsonl_text_field (--jsonl-text-field) to the column that holds the article"
    )


def _encoding(head: bytes) -> str:
    if head.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        return "utf-32"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    return "utf-8-sig"


def read_csv(stream: BinaryIO, source: Source, fmt: str, settings: Settings) -> Iterator[Item]:
    """The documents (and skipped rows) of one CSV (``fmt`` ``csv``) or TSV (``tsv``) file,
    in row order."""
    display = source.display
    delimiter = "\t" if fmt == "tsv" else ","
    head = stream.read(4)
    stream.seek(0)
    text = io.TextIOWrapper(stream, encoding=_encoding(head), errors="strict", newline="")
    line_limit = settings.max_document_chars * BYTES_PER_CHAR_LIMIT
    lines_read = 0

    def lines() -> Iterator[str]:
        nonlocal lines_read
        while True:
            line = text.readline(line_limit + 1)
            if not line:
                return
            lines_read += 1
            if len(line) > line_limit:
                raise _OverlongLineError
            yield line

    previous_limit = csv.field_size_limit()
    csv.field_size_limit(max(settings.max_document_chars, 1))
    reader = csv.reader(lines(), delimiter=delimiter, quotechar='"', doublequote=True)
    header: list[str] | None = None
    row_number = 0
    try:
        while True:
            try:
                row = next(reader, None)
            except UnicodeDecodeError:
                yield Skipped(
                    display,
                    _stopped(
                        f"not UTF-8 (on line {lines_read + 1:,})",
                        row_number,
                        "re-encode it to UTF-8 (e.g. iconv -f WINDOWS-1252 -t UTF-8)",
                    ),
                )
                return
            except _OverlongLineError:
                yield Skipped(
                    display,
                    _stopped(
                        f"line {lines_read:,} is longer than {line_limit:,} characters",
                        row_number,
                        "split it or raise max_document_chars",
                    ),
                )
                return
            except csv.Error as exc:
                yield Skipped(
                    display,
                    _stopped(
                        f"malformed CSV on line {lines_read:,} ({exc})",
                        row_number,
                        "fix the quoting there, or raise max_document_chars for a longer cell",
                    ),
                )
                return
            if row is None:
                break
            if not row:  # a blank line
                continue
            if header is None:
                header = [cell.strip() for cell in row]
                if settings.jsonl_text_field not in header:
                    yield Skipped(display, _no_text_column(header, settings))
                    return
                continue
            row_number += 1
            where = f"{display}:{row_number}"
            if len(row) != len(header):
                yield Skipped(
                    where,
                    f"malformed row: {len(row):,} cells where the header has {len(header):,} "
                    f"(line {reader.line_num:,}); fix the row (a quote left open, or an "
                    "unquoted delimiter?)",
                )
                continue
            values = dict(zip(header, row, strict=True))
            if settings.jsonl_id_field in values and not values[settings.jsonl_id_field].strip():
                del values[settings.jsonl_id_field]  # an empty id cell: the row number
            yield record_item(values, row_number, where, source, fmt, settings)
    finally:
        csv.field_size_limit(previous_limit)
        text.detach()
    if header is None:
        yield Skipped(display, "empty: no header row and no rows in it; check the file")
    elif not row_number:
        yield Skipped(display, "no rows under the header; check the file")


def read_parquet(data: Any, source: Source, settings: Settings) -> Iterator[Item]:
    """The documents (and skipped rows) of one Parquet file (``data``: a path or a binary
    stream)."""
    display = source.display
    try:
        # optional extra: a large wheel, imported only when a Parquet file is read
        import pyarrow as pa  # noqa: PLC0415
        import pyarrow.parquet as pq  # noqa: PLC0415
    except ImportError:
        yield Skipped(display, NEEDS_PYARROW)
        return
    try:
        table = pq.ParquetFile(data)
        header = list(table.schema_arrow.names)
    except (pa.ArrowException, OSError, ValueError) as exc:
        yield Skipped(display, f"not a readable Parquet file ({_detail(exc)}); check the file")
        return
    if settings.jsonl_text_field not in header:
        yield Skipped(display, _no_text_column(header, settings))
        return
    wanted = [c for c in _columns(settings) if c in header]
    row_number = 0
    try:
        for batch in table.iter_batches(batch_size=PARQUET_BATCH_ROWS, columns=wanted):
            for values in batch.to_pylist():
                row_number += 1
                where = f"{display}:{row_number}"
                record = {k: v for k, v in values.items() if v is not None}
                yield record_item(record, row_number, where, source, "parquet", settings)
    except (pa.ArrowException, OSError, ValueError) as exc:
        yield Skipped(
            display,
            _stopped(f"damaged Parquet data ({_detail(exc)})", row_number, "check the file"),
        )
        return
    if not row_number:
        yield Skipped(display, "no rows in it; check the file")


def _detail(exc: BaseException) -> str:
    return " ".join(str(exc).split())[:200] or type(exc).__name__


def _stopped(reason: str, rows: int, advice: str) -> str:
    kept = f"after row {rows:,} (the rows before it are traced)" if rows else "before any row"
    return f"{reason}; stopped reading it {kept}: {advice}"
