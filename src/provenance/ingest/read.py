"""Reading one source: its format by its name (or, for stdin, by its bytes), its bytes
within the limits, and the format's reader.

A whole file (txt, markdown, html) is read into memory only when it is no larger than
``decode.max_file_bytes``; formats read as streams of records (JSON Lines, gzip-compressed
JSON Lines, web archives, tables) are handed the open file. Everything that goes wrong with
one input becomes a ``Skipped(path, reason)``.
"""

from __future__ import annotations

import io
import json
import re
import stat
from collections.abc import Iterator
from pathlib import PurePosixPath
from typing import BinaryIO

from provenance.config import Settings
from provenance.errors import InputError
from provenance.ingest.decode import (
    BYTES_PER_CHAR_LIMIT,
    GZIP_MAGIC,
    CompressedError,
    binary_reason,
    check_length,
    declared_charset,
    decode_bytes,
    max_file_bytes,
    open_gzip,
    read_up_to,
    too_large,
)
from provenance.ingest.discovery import Source, os_reason
from provenance.ingest.document import Item, finish, source_file
from provenance.ingest.formats import html, jsonl, markdown, tables, text, webarchive
from provenance.models import Skipped

__all__ = ["FORMAT_BY_EXTENSION", "format_of", "read_fetched", "read_source", "sniff_format"]

FORMAT_BY_EXTENSION = {
    ".txt": "txt",
    ".text": "txt",
    ".md": "markdown",
    ".markdown": "markdown",
    ".html": "html",
    ".htm": "html",
    ".jsonl": "jsonl",
}

# Formats read as streams of records by their own modules, by the ending of the file name
# (checked before FORMAT_BY_EXTENSION, whose keys are single suffixes).
_STREAMED_FORMATS = {
    ".jsonl.gz": "jsonl.gz",
    ".warc": "warc",
    ".warc.gz": "warc",
    ".arc": "arc",
    ".arc.gz": "arc",
    ".csv": "csv",
    ".tsv": "tsv",
    ".parquet": "parquet",
}


def format_of(name: str) -> str:
    """The format of a file by its name (``txt`` for a name no format claims)."""
    lower = name.lower()
    for ending, fmt in _STREAMED_FORMATS.items():
        if lower.endswith(ending):
            return fmt
    return FORMAT_BY_EXTENSION.get(PurePosixPath(lower).suffix, "txt")


def read_fetched(data: bytes, name: str, doc_id: str, settings: Settings) -> list[Item]:
    """Documents from the bytes of a file fetched elsewhere (object storage): ``name`` is
    shown to the user and decides the format by its extension."""
    source = Source(None, name, doc_id)
    fmt = format_of(PurePosixPath(name).name)
    if fmt == "jsonl":
        return list(jsonl.read_jsonl(io.BytesIO(data), source, settings))
    if fmt in _STREAMED:
        return _read_streamed(io.BytesIO(data), len(data), source, fmt, settings)
    if len(data) > max_file_bytes(settings):
        return [Skipped(name, too_large(f"{len(data):,} bytes", settings))]
    return [_read_document(data, fmt, source, settings)]


def read_source(source: Source, settings: Settings, stdin: bytes | None = None) -> list[Item]:
    """Read one discovered source (a JSON Lines file, table or web archive gives one item per
    record); for stdin (``source.file`` None) the bytes are ``stdin``."""
    if source.file is None:
        data = stdin or b""
        if len(data) > max_file_bytes(settings):
            return [Skipped(source.display, too_large(f"{len(data):,} bytes", settings))]
        fmt = sniff_format(data)
        if fmt == "jsonl":
            return list(jsonl.read_jsonl(io.BytesIO(data), source, settings))
        return [_read_document(data, fmt, source, settings)]

    fmt = format_of(source.file.name)
    try:
        info = source.file.stat()
        if not stat.S_ISREG(info.st_mode):
            return [Skipped(source.display, "not a regular file (a FIFO, device or socket)")]
        if fmt == "jsonl":
            with source.file.open("rb") as stream:
                return list(jsonl.read_jsonl(stream, source, settings))
        if fmt in _STREAMED:
            with source.file.open("rb") as stream:
                return _read_streamed(stream, info.st_size, source, fmt, settings)
        limit = max_file_bytes(settings)
        if info.st_size > limit:
            return [Skipped(source.display, too_large(f"{info.st_size:,} bytes", settings))]
        with source.file.open("rb") as stream:
            data = read_up_to(stream, info.st_size, limit + 1)
    except FileNotFoundError:
        return [
            Skipped(
                source.display,
                "vanished before it could be read (moved or deleted during the run); run again",
            )
        ]
    except PermissionError:
        return [Skipped(source.display, "permission denied; make the file readable")]
    except OSError as exc:
        return [Skipped(source.display, f"cannot read it ({os_reason(exc)})")]
    if len(data) > limit:  # grew after stat
        return [Skipped(source.display, too_large(f"more than {limit:,} bytes", settings))]
    return [_read_document(data, fmt, source, settings)]


def _read_document(data: bytes, fmt: str, source: Source, settings: Settings) -> Item:
    """The document of one whole file (txt, markdown or html) of ``data``, or why not."""
    try:
        if fmt == "html":
            markup = decode_bytes(data, html_declared=declared_charset(data))
            check_length(markup, settings, markup_factor=BYTES_PER_CHAR_LIMIT)
            extracted = html.extract(markup)
        else:
            decoded = decode_bytes(data)
            check_length(decoded, settings)
            read_format = markdown if fmt == "markdown" else text
            extracted = read_format.extract(decoded, settings)
        document = finish(
            extracted, source.id, source.display, fmt, settings, source_file=source_file(source)
        )
    except InputError as exc:
        return Skipped(source.display, exc.reason)
    return (source.id, source.display, 0), document


def sniff_format(data: bytes) -> str:
    """Guess the format of stdin: jsonl, html, markdown (front matter) or txt."""
    for line in io.BytesIO(data):
        if line.strip():
            try:
                first = json.loads(line.decode("utf-8-sig"))
            except (UnicodeDecodeError, ValueError, RecursionError):
                break
            if isinstance(first, dict):
                return "jsonl"
            break
    try:
        decoded = decode_bytes(data)
    except InputError:
        return "txt"  # reading it as text reports the problem
    stripped = decoded.lstrip()
    if stripped.startswith("<") and _HTML_SNIFF.search(stripped[:4096]):
        return "html"
    if markdown.split_front_matter(decoded) is not None:
        return "markdown"
    return "txt"


_HTML_SNIFF = re.compile(
    r"<(?:!doctype\s+html|html|head|body|meta|title|article|main|div|p|h[1-6]|section|span)\b",
    re.IGNORECASE,
)


_STREAMED = frozenset(_STREAMED_FORMATS.values())


def _read_streamed(
    stream: BinaryIO, size: int, source: Source, fmt: str, settings: Settings
) -> list[Item]:
    """The items of a file read record by record (``fmt`` from ``_STREAMED_FORMATS``).

    Gzip data (by its magic number, whatever the name says) is decompressed as a capped
    stream; a truncated, damaged or over-large stream stops the file with one message
    naming it, after the records read before the damage."""
    items: list[Item] = []
    head = stream.read(16)
    stream.seek(0)
    if fmt in ("csv", "tsv", "parquet"):
        reason = binary_reason(head) if fmt != "parquet" else None
        if reason is not None:
            return [Skipped(source.display, reason)]
        if fmt == "parquet":
            return list(tables.read_parquet(stream, source, settings))
        return list(tables.read_csv(stream, source, fmt, settings))
    if head.startswith(GZIP_MAGIC):
        stream = open_gzip(stream, size, source.display, settings)
    try:
        if fmt == "jsonl.gz":
            records: Iterator[Item] = jsonl.read_jsonl(stream, source, settings)
        else:
            records = webarchive.read_archive(stream, source, fmt, settings)
        items.extend(records)
    except CompressedError as exc:
        read = sum(1 for item in items if not isinstance(item, Skipped))
        kept = f"after {read:,} records (those are traced)" if read else "before any record"
        items.append(
            Skipped(source.display, f"{exc.what}; stopped reading it {kept}: {exc.advice}")
        )
    return items
