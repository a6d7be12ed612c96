"""Discover and read documents: files, folders and stdin -> ``Document`` values.

The one public entry point is :func:`read_inputs`. Everything that goes wrong with a single
input becomes a ``Skipped(path, reason)``; only a path that does not exist at all raises
``InputError`` (a usage mistake the CLI reports).

Reading one input goes through four steps, each a small function below:

1. **bytes -> str** (:func:`decode_bytes`): refuse known binary formats by their magic
   number, honour a BOM, then strict UTF-8, then UTF-16/32 without a BOM when the NUL-byte
   pattern says so, then a legacy 8-bit encoding chosen with charset-normalizer (preferring
   Windows-1252 among equally clean candidates, never Latin-1 when bytes 0x80-0x9F occur).
   Line endings become ``\\n``, stray control characters go, and the text is NFC-normalised.
2. **format -> text + metadata**: plain text; Markdown (front matter via python-frontmatter,
   then a light Markdown-to-text pass); HTML (trafilatura, falling back to the text of
   ``<body>``); JSON Lines (one document per record, also gzip-compressed as ``.jsonl.gz``);
   web archives (:mod:`provenance.webarchive`: each HTML page of a WARC/ARC file); tables
   (:mod:`provenance.tables`: each row of a CSV, TSV or Parquet file).
3. **stripping** (when ``settings.strip_boilerplate``): front matter, a leading ``date ...``
   metadata prefix, bylines and credit lines, page furniture, comment sections. Every removal
   is recorded as a ``Stripped`` value on the document. The pattern lists are the tables
   ``DATELINE_LABELS``, ``LEADING_BYLINE_PATTERNS``, ``TRAILING_BYLINE_PATTERNS``,
   ``FURNITURE_PATTERNS``, ``COMMENT_HEADING_PATTERNS`` and the ``COMMENT_*`` word lists.
4. **metadata**: title, date (ISO 8601 at the precision given), author and URL from front
   matter, HTML metadata, JSONL fields, or (date only) the first ~300 characters of text.

Decisions worth knowing:

* Front matter is a block fenced by ``---`` (YAML) or ``+++`` (TOML) at the very start of a
  Markdown *or* text file. If it parses as a mapping its fields become metadata. If it does not
  parse but its lines look like ``key: value`` / ``key = value`` lines, it is still removed
  (recorded as ``front-matter``) and no metadata is read: it is not article text either way.
  Anything else that merely starts with ``---`` (a horizontal rule) is left alone as text.
* Symbolic links are read only when their real path lies inside the real path of a folder
  given (or of the folder holding a file given): a link out of the traced folders (to
  ``/etc/passwd``, ``../.git/config`` or ``/``) is skipped with a message, unless
  ``settings.follow_links``. Either way each real folder is walked once and each real file
  read once.
* Inside a git checkout, files and folders that ``.gitignore``, ``.ignore`` or
  ``.git/info/exclude`` ignore are left out of folder walks (``.ignore`` counts outside a
  checkout too), as ripgrep does, unless ``settings.respect_ignore`` is off (``--no-ignore``);
  see ``provenance.ignore``. Hidden files and folders (``.git`` among them) are never walked.
* ``include``/``exclude`` globs apply to files found by walking a folder; a file named
  explicitly on the command line is always read (as black does for explicit files).
* Globs use gitignore-like rules: ``*`` and ``?`` stay inside one path segment, ``**``
  spans folders, a pattern without ``/`` matches at any depth, and a pattern that matches a
  folder matches everything inside it. Matching is case-sensitive.
* A JSONL record's ``Document.path`` is ``file:LINE`` so it can be found; its id is
  ``<file id>#<record id>`` and is never used as a file-system path. In the record id,
  ``%``, ``/`` and ``\\`` are percent-encoded (``../a`` -> ``..%2Fa``) so it never reads as one.
* Stripping never empties a document: if it would, the unstripped text is kept.
"""

from __future__ import annotations

import bisect
import codecs
import contextlib
import datetime as dt
import email.utils
import functools
import html
import io
import json
import os
import re
import stat
import sys
import unicodedata
from collections.abc import Callable, Generator, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, BinaryIO

import charset_normalizer
import frontmatter
import lxml.etree
import lxml.html
import toml
import trafilatura
import yaml

from provenance import tables, webarchive
from provenance.compressed import GZIP_MAGIC, CompressedError, open_gzip
from provenance.config import Settings
from provenance.engine import pool as pool_of
from provenance.errors import InputError
from provenance.ignore import Rules
from provenance.models import Document, Skipped, Stripped
from provenance.wire import agency_credit
from provenance.wire import reflow as reflow_wire

__all__ = [
    "StripResult",
    "decode_bytes",
    "find_date",
    "is_comment_like",
    "markdown_to_text",
    "parse_date",
    "plain_headline",
    "read_inputs",
    "strip_boilerplate",
]

STDIN_ID = "stdin"
STDIN_PATH = "<stdin>"
DATE_SEARCH_CHARS = 300
# A UTF-8 character takes at most 4 bytes, so a file larger than this cannot hold a document
# within max_document_chars (HTML markup included: generous on purpose).
_BYTES_PER_CHAR_LIMIT = 4

# --------------------------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------------------------


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
    sources, skipped = _discover(paths, settings, have_stdin=stdin is not None)
    found: list[tuple[tuple[str, str, int], Document]] = []
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


def assemble(
    found: list[tuple[tuple[str, str, int], Document]], skipped: list[Skipped]
) -> tuple[list[Document], list[Skipped]]:
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
    skipped.sort(key=lambda s: _natural_key(s.path))
    return documents, skipped


def _read_all(
    sources: list[_Source], settings: Settings, stdin: bytes | None, workers: int
) -> Generator[list[_Item], None, None]:
    """``_read_source`` of each source, in order, on ``workers`` processes when above 1."""
    if workers <= 1 or len(sources) < 2 * _READ_CHUNK:
        for source in sources:
            yield _read_source(source, settings, stdin)
        return
    pool = pool_of.start(workers)
    try:
        read = functools.partial(_read_source, settings=settings, stdin=stdin)
        yield from pool_of.map_on(pool, read, sources, chunksize=_READ_CHUNK)
    except BaseException:  # an error, an interrupt, or the reader closing the generator early
        pool_of.stop(pool, now=True)
        raise
    pool_of.stop(pool, now=False)


_READ_CHUNK = 32


# --------------------------------------------------------------------------------------------
# Discovery
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Source:
    """One input to read: a file on disk, or stdin when ``file`` is None."""

    file: Path | None
    display: str
    id: str


def _absolute(path: str | Path) -> Path:
    """An absolute path with ``.`` and ``..`` folded, without resolving symbolic links."""
    return Path(os.path.normpath(Path(path).absolute()))


def _discover(
    paths: Sequence[str | os.PathLike[str]], settings: Settings, *, have_stdin: bool
) -> tuple[list[_Source], list[Skipped]]:
    args: list[tuple[str, bool]] = []  # (path as given, is a folder)
    want_stdin = False
    for raw in paths:
        given = os.fspath(raw)
        if given == "-":
            if not have_stdin:
                raise InputError("-", "'-' reads standard input, but no input bytes were given")
            want_stdin = True
            continue
        if not os.path.lexists(given):
            raise InputError(given, "no such file or folder")
        args.append((given, Path(given).is_dir()))

    bases = [_absolute(given) if is_dir else _absolute(given).parent for given, is_dir in args]
    fence = None if settings.follow_links else _Fence(bases)
    common: str | None
    try:
        common = os.path.commonpath(bases) if bases else None
    except ValueError:  # different drives on Windows: fall back to absolute ids
        common = None

    def make_id(absolute: Path) -> str:
        if common is None:
            return absolute.as_posix()
        return Path(os.path.relpath(absolute, common)).as_posix()

    include = [_glob_regex(p) for p in settings.include]
    exclude = [_glob_regex(p) for p in settings.exclude]
    extensions = tuple(e.lower() for e in settings.extensions)

    sources: list[_Source] = []
    skipped: list[Skipped] = []
    seen: set[Path] = set()
    seen_real: set[str] = set()

    def add(absolute: Path, display: str, ident: str | None = None) -> None:
        if absolute in seen:
            return
        seen.add(absolute)
        if settings.follow_links:
            real = os.path.realpath(absolute)
            if real in seen_real:
                return  # another link to a file already read
            seen_real.add(real)
        sources.append(_Source(absolute, display, make_id(absolute) if ident is None else ident))

    for given, is_dir in args:
        absolute = _absolute(given)
        if not is_dir:
            if fence is not None and absolute.exists() and not fence.holds(absolute):
                skipped.append(Skipped(Path(given).as_posix(), OUTSIDE_LINK))
                continue
            add(absolute, Path(given).as_posix())
            continue
        # Paths under a folder are the folder's plus a relative POSIX path of plain names
        # (no "." or ".."): joined as strings, not through pathlib for each of a million
        # files. ``make_id`` of such a path is the folder's id followed by the same names.
        shown = _joiner(str(PurePosixPath(Path(given).as_posix())))
        folder_id = _joiner(make_id(absolute))
        rules = Rules.for_root(absolute) if settings.respect_ignore else None
        for rel, problem in _walk(absolute, extensions, include, exclude, fence, rules):
            if problem is not None:
                skipped.append(Skipped(shown(rel), problem))
                continue
            add(absolute.joinpath(*rel.split("/")), shown(rel), folder_id(rel))
    if want_stdin:
        sources.append(_Source(None, STDIN_PATH, STDIN_ID))
    return sources, skipped


def _joiner(base: str) -> Callable[[str], str]:
    """Joins a relative POSIX path of plain names to ``base`` as ``PurePosixPath`` would
    (``.`` as the base gives the relative path itself; ``/`` takes no second slash)."""
    if base == ".":
        return lambda rel: rel
    prefix = base if base.endswith("/") else base + "/"
    return lambda rel: prefix + rel


OUTSIDE_LINK = (
    "symbolic link to a file or folder outside the traced paths: not read "
    "(pass --follow-links to read it)"
)


class _Fence:
    """The real paths of the folders traced: a symbolic link may lead anywhere inside
    them, and nowhere else."""

    def __init__(self, bases: Sequence[Path]) -> None:
        self.roots = sorted({os.path.realpath(b) for b in bases})

    def holds(self, path: Path | str) -> bool:
        real = os.path.realpath(path)
        for root in self.roots:
            if real == root or real.startswith(root.rstrip(os.sep) + os.sep):
                return True
        return False


def _walk(
    root: Path,
    extensions: tuple[str, ...],
    include: list[re.Pattern[str]],
    exclude: list[re.Pattern[str]],
    fence: _Fence | None = None,
    rules: Rules | None = None,
) -> Iterator[tuple[str, str | None]]:
    """Yield ``(relative POSIX path, problem or None)`` for files to read under ``root``.

    Symbolic links are followed when ``fence`` is None or holds their real path (others are
    yielded with the problem ``OUTSIDE_LINK``), and each real folder is entered once, so link
    loops end. Entries are visited in sorted order so discovery is deterministic. With
    ``rules`` (see ``provenance.ignore``), ignored files and folders are left out silently.
    """
    visited: set[tuple[int, int]] = set()
    try:
        info = root.stat()
        visited.add((info.st_dev, info.st_ino))
    except OSError:
        pass
    stack: list[tuple[str, Rules | None]] = [("", rules)]
    while stack:
        rel_dir, here = stack.pop()
        folder = root.joinpath(*rel_dir.split("/")) if rel_dir else root
        try:
            with os.scandir(folder) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError as exc:
            if rel_dir:
                yield rel_dir, f"cannot list this folder ({_os_reason(exc)}); check its permissions"
            continue
        subfolders: list[tuple[str, Rules | None]] = []
        for entry in entries:
            if entry.name.startswith("."):
                continue  # hidden files and folders, ``.git`` among them, are never read
            rel = f"{rel_dir}/{entry.name}" if rel_dir else entry.name
            try:
                is_dir = entry.is_dir(follow_symlinks=True)
                is_file = not is_dir and entry.is_file(follow_symlinks=True)
            except OSError:
                is_dir = is_file = False
            link = entry.is_symlink()
            if is_dir:
                if _glob_matches(rel, exclude):
                    continue
                if here is not None and here.ignored(entry.name, is_dir=True):
                    continue
                if link and fence is not None and not fence.holds(folder / entry.name):
                    yield rel, OUTSIDE_LINK
                    continue
                try:
                    info = entry.stat(follow_symlinks=True)
                except OSError:
                    continue
                key = (info.st_dev, info.st_ino)
                if key in visited:
                    continue  # a symlink back to a folder already walked: a loop or a repeat
                visited.add(key)
                inner = here.child(entry.name, folder / entry.name) if here is not None else None
                subfolders.append((rel, inner))
                continue
            if not entry.name.lower().endswith(extensions):
                continue
            if include and not _glob_matches(rel, include):
                continue
            if _glob_matches(rel, exclude):
                continue
            if here is not None and here.ignored(entry.name, is_dir=False):
                continue
            target = folder / entry.name
            if link and fence is not None and target.exists() and not fence.holds(target):
                yield rel, OUTSIDE_LINK
                continue
            if is_file:
                yield rel, None
            elif link:
                yield rel, _link_problem(entry.path)
            # FIFOs, sockets and devices named like documents are ignored: reading could hang.
        stack.extend(reversed(subfolders))


def _link_problem(path: str) -> str:
    """Why a symbolic link that leads to no regular file or folder cannot be read."""
    try:
        Path(path).stat()
    except OSError:
        return "broken symbolic link; fix or remove the link"
    return "symbolic link to something that is not a regular file (a FIFO, device or socket)"


def _glob_regex(pattern: str) -> re.Pattern[str]:
    """Compile a gitignore-like glob (see the module docstring) to a regular expression."""
    pat = pattern.strip()
    anchored = "/" in pat.rstrip("/")
    pat = pat.strip("/")
    if not anchored:
        pat = "**/" + pat
    out: list[str] = []
    i = 0
    while i < len(pat):
        c = pat[i]
        if pat.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif pat.startswith("**", i):
            out.append(".*")
            i += 2
        elif c == "*":
            out.append("[^/]*")
            i += 1
        elif c == "?":
            out.append("[^/]")
            i += 1
        elif c == "[":
            end = pat.find("]", i + 2 if pat[i + 1 : i + 2] in ("!", "^", "]") else i + 1)
            if end == -1:
                out.append(re.escape(c))
                i += 1
                continue
            body = pat[i + 1 : end]
            if body[:1] in ("!", "^"):
                body = "^" + body[1:]
            out.append("[" + body.replace("\\", "\\\\") + "]")
            i = end + 1
        else:
            out.append(re.escape(c))
            i += 1
    return re.compile("".join(out))


def _glob_matches(rel: str, patterns: list[re.Pattern[str]]) -> bool:
    """True when ``rel`` or one of its parent folders matches one of ``patterns``."""
    if not patterns:
        return False
    parts = rel.split("/")
    candidates = ["/".join(parts[: n + 1]) for n in range(len(parts))]
    return any(rx.fullmatch(c) for rx in patterns for c in candidates)


def _natural_key(path: str) -> tuple[str, int]:
    """Sort ``file:LINE`` paths by file, then by line number."""
    head, sep, tail = path.rpartition(":")
    if sep and tail.isdigit():
        return head, int(tail)
    return path, -1


# --------------------------------------------------------------------------------------------
# Reading one source
# --------------------------------------------------------------------------------------------

_FORMAT_BY_EXTENSION = {
    ".txt": "txt",
    ".text": "txt",
    ".md": "markdown",
    ".markdown": "markdown",
    ".html": "html",
    ".htm": "html",
    ".jsonl": "jsonl",
}

_Item = tuple[tuple[str, str, int], Document] | Skipped

# Formats read as streams of records by their own modules, by the ending of the file name
# (checked before _FORMAT_BY_EXTENSION, whose keys are single suffixes).
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


def _format_of(name: str) -> str:
    lower = name.lower()
    for ending, fmt in _STREAMED_FORMATS.items():
        if lower.endswith(ending):
            return fmt
    return _FORMAT_BY_EXTENSION.get(PurePosixPath(lower).suffix, "txt")


def _os_reason(exc: OSError) -> str:
    return (exc.strerror or type(exc).__name__).lower()


# Sources read elsewhere (by another engine's workers), in pieces: ``discover`` on the client,
# ``read_source`` or ``read_fetched`` on a worker, ``assemble`` back on the client.

Source = _Source
Item = _Item


def discover(
    paths: Sequence[str | os.PathLike[str]], settings: Settings
) -> tuple[list[_Source], list[Skipped]]:
    """The files ``read_inputs`` would read under ``paths``, and what it would skip."""
    return _discover(paths, settings, have_stdin=False)


def read_source(source: _Source, settings: Settings) -> list[_Item]:
    """Read one discovered file (a JSONL file gives one item per record)."""
    return _read_source(source, settings, None)


def read_fetched(data: bytes, name: str, doc_id: str, settings: Settings) -> list[_Item]:
    """Documents from the bytes of a file fetched elsewhere (object storage): ``name`` is
    shown to the user and decides the format by its extension."""
    source = _Source(None, name, doc_id)
    fmt = _format_of(PurePosixPath(name).name)
    if fmt == "jsonl":
        return list(_read_jsonl(io.BytesIO(data), source, settings))
    if fmt in _STREAMED:
        return _read_streamed(io.BytesIO(data), len(data), source, fmt, settings)
    if len(data) > settings.max_document_chars * _BYTES_PER_CHAR_LIMIT + 4:
        return [Skipped(name, _too_large(f"{len(data):,} bytes", settings))]
    return [_read_document(data, fmt, source, settings)]


def _read_source(source: _Source, settings: Settings, stdin: bytes | None) -> list[_Item]:
    if source.file is None:
        data = stdin or b""
        if len(data) > settings.max_document_chars * _BYTES_PER_CHAR_LIMIT + 4:
            return [Skipped(source.display, _too_large(f"{len(data):,} bytes", settings))]
        fmt = _sniff_format(data)
        if fmt == "jsonl":
            return list(_read_jsonl(io.BytesIO(data), source, settings))
        return [_read_document(data, fmt, source, settings)]

    fmt = _format_of(source.file.name)
    try:
        info = source.file.stat()
        if not stat.S_ISREG(info.st_mode):
            return [Skipped(source.display, "not a regular file (a FIFO, device or socket)")]
        if fmt == "jsonl":
            with source.file.open("rb") as stream:
                return list(_read_jsonl(stream, source, settings))
        if fmt in _STREAMED:
            with source.file.open("rb") as stream:
                return _read_streamed(stream, info.st_size, source, fmt, settings)
        limit = settings.max_document_chars * _BYTES_PER_CHAR_LIMIT + 4
        if info.st_size > limit:
            return [Skipped(source.display, _too_large(f"{info.st_size:,} bytes", settings))]
        with source.file.open("rb") as stream:
            data = _read_up_to(stream, info.st_size, limit + 1)
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
        return [Skipped(source.display, f"cannot read it ({_os_reason(exc)})")]
    if len(data) > limit:  # grew after stat
        return [Skipped(source.display, _too_large(f"more than {limit:,} bytes", settings))]
    return [_read_document(data, fmt, source, settings)]


def _read_up_to(stream: BinaryIO, expected: int, most: int) -> bytes:
    """The first ``most`` bytes of ``stream`` (all of it when shorter), for a file whose size
    was ``expected`` a moment ago.

    ``read(most)`` would do, but CPython allocates a buffer of ``most`` bytes before it reads:
    tens of MB for every 2 KB article (15 % of ingest's CPU on news-sized files). So
    read what the size says plus one byte, and go on up to ``most`` only if the file grew.
    """
    data = stream.read(min(expected, most - 1) + 1)
    if len(data) > expected and len(data) < most:  # grew since it was measured
        data += stream.read(most - len(data))
    return data


def _too_large(size: str, settings: Settings) -> str:
    return (
        f"too large ({size}; max_document_chars is {settings.max_document_chars:,}); "
        "split it or raise max_document_chars"
    )


@dataclass(slots=True)
class _Extracted:
    """A format's output before stripping: text, metadata, and what was already removed."""

    text: str
    title: str | None = None
    date: str | None = None
    author: str | None = None
    url: str | None = None
    stripped: list[Stripped] = field(default_factory=list)
    declared_sources: tuple[str, ...] = ()


def _read_document(data: bytes, fmt: str, source: _Source, settings: Settings) -> _Item:
    try:
        if fmt == "html":
            markup = decode_bytes(data, html_declared=_declared_charset(data))
            _check_length(markup, settings, markup_factor=_BYTES_PER_CHAR_LIMIT)
            extracted = _from_html(markup)
        else:
            text = decode_bytes(data)
            _check_length(text, settings)
            extracted = _from_text(text, markdown=fmt == "markdown", settings=settings)
        document = _finish(extracted, source.id, source.display, fmt, settings)
    except InputError as exc:
        return Skipped(source.display, exc.reason)
    return (source.id, source.display, 0), document


def _check_length(text: str, settings: Settings, *, markup_factor: int = 1) -> None:
    if len(text) > settings.max_document_chars * markup_factor:
        raise InputError("", _too_large(f"{len(text):,} characters", settings))


def _finish(
    extracted: _Extracted, doc_id: str, display: str, fmt: str, settings: Settings
) -> Document:
    """Reflow wire copy, strip boilerplate, settle the date, refuse empty or oversized text."""
    text = _trim(extracted.text)
    stripped = list(extracted.stripped)
    date, author, title = extracted.date, extracted.author, extracted.title
    wire = reflow_wire(text)
    if wire is not None:
        if settings.strip_boilerplate:
            text = wire.text
            stripped.extend(wire.stripped)
        else:
            text = _trim(wire.removed_text + "\n" + wire.text)
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
    _check_length(text, settings)
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
    )


HEADLINE_MAX_CHARS = 150
"""A plain text's first line longer than this is a paragraph, not a headline."""

# What ends a sentence or leads into more of it (Latin, Arabic, Urdu, CJK punctuation); a
# headline ends in none of these, though it may end in "?" or "!".
_NOT_HEADLINE_END = frozenset(".,;:…،؛۔。，；：．")
_CLOSING = "\"'”’»)]"


def plain_headline(text: str) -> str | None:
    """The first line of a plain text when it reads as a headline, else None.

    A headline: at most ``HEADLINE_MAX_CHARS`` characters, two words or more (one is enough
    in scripts written without spaces), no sentence-final or continuing punctuation at its end
    (``.`` ``:`` ``,`` ``。`` ``۔`` ..., also before a closing quote), not just a date; then
    either a blank line and more text, or at once a body line that is a paragraph of its own
    (longer than a headline can be, or twice the first line's length and ending a sentence).
    A first line that the next line continues (it starts in lower case) is the start of a
    hard-wrapped paragraph. Read only: the text is not changed.
    """
    lines = text.split("\n", 3)
    first = lines[0].strip()
    if not first or len(first) > HEADLINE_MAX_CHARS or len(lines) < 2:
        return None
    if first.rstrip(_CLOSING)[-1:] in _NOT_HEADLINE_END:
        return None
    words = first.split()
    spaceless = any(ord(ch) >= 0x2E80 for ch in first)  # CJK: words are not spaced
    if (len(words) < 2 and not spaceless) or not any(ch.isalpha() for ch in first):
        return None
    if len(words) <= 6 and find_date(first) is not None:
        return None  # "5 November 2024", "Published March 14, 2024"
    following = lines[1].strip()
    if not following:
        rest = "\n".join(lines[2:]).strip()
        return first if rest else None
    if following[0].islower():
        return None
    paragraph = len(following) > HEADLINE_MAX_CHARS or (
        len(following) >= 2 * len(first) and following.rstrip(_CLOSING)[-1:] in ".!?。۔"
    )
    return first if paragraph else None


def _sniff_format(data: bytes) -> str:
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
        text = decode_bytes(data)
    except InputError:
        return "txt"  # reading it as text reports the problem
    stripped = text.lstrip()
    if stripped.startswith("<") and _HTML_SNIFF.search(stripped[:4096]):
        return "html"
    if _split_front_matter(text) is not None:
        return "markdown"
    return "txt"


_HTML_SNIFF = re.compile(
    r"<(?:!doctype\s+html|html|head|body|meta|title|article|main|div|p|h[1-6]|section|span)\b",
    re.IGNORECASE,
)


# --------------------------------------------------------------------------------------------
# Decoding
# --------------------------------------------------------------------------------------------

# (magic bytes, what the file is, what to do)
BINARY_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "a PDF file; extract its text first (e.g. pdftotext) and trace the .txt"),
    (b"\x89PNG\r\n\x1a\n", "a PNG image, not text; leave it out"),
    (b"GIF87a", "a GIF image, not text; leave it out"),
    (b"GIF89a", "a GIF image, not text; leave it out"),
    (b"\xff\xd8\xff", "a JPEG image, not text; leave it out"),
    (b"\x1f\x8b", "gzip-compressed; decompress it first"),
    (b"BZh", "bzip2-compressed; decompress it first"),
    (b"\xfd7zXZ\x00", "xz-compressed; decompress it first"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive; extract it first"),
    (b"PK\x03\x04", "a ZIP archive (or .docx/.epub/.odt); extract or convert it to text first"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Office document; save it as text first"),
    (b"{\\rtf", "an RTF document; save it as plain text first"),
    (b"\x7fELF", "an executable, not text; leave it out"),
    (b"SQLite format 3\x00", "an SQLite database, not text; leave it out"),
)

_NOT_DECODABLE = (
    "not UTF-8/UTF-16 and no legacy encoding fits; convert it to UTF-8 (e.g. iconv -t UTF-8)"
)
_LATIN1_NAMES = {"latin_1", "iso8859_1", "iso-8859-1", "latin1", "ascii", "us-ascii"}
# Among candidates this close to the cleanest one, a Windows-1252 reading is preferred: it is by
# far the most common legacy encoding of English-language news text.
_CHAOS_TOLERANCE = 0.01
_COHERENCE_MARGIN = 0.2
# Language coherence means little with only a few accented letters ("naïve £5" scores as
# Central European): below this many, the Western reading is kept.
_MIN_LETTERS_FOR_LANGUAGE = 12
# Line breaks, each normalized to one \n (CR LF is one break).
_LINE_BREAKS = re.compile(r"(?=[\r\x85\u2028\u2029])(?:\r\n?|[\x85\u2028\u2029])")
# C0/C1 control characters other than tab and line breaks; a few are tolerated and removed.
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f]")
_LINE_CONTROL = re.compile(r"(?:^|(?<=\n))[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f]")
_MAX_CONTROL_SHARE = 0.01


def decode_bytes(data: bytes, *, html_declared: str | None = None) -> str:
    """Turn a file's bytes into normalised text, or raise ``InputError`` saying why not.

    Order: binary signatures; BOM; UTF-32/UTF-16 without BOM (NUL pattern); other NUL bytes
    mean binary; strict UTF-8; an HTML-declared charset; charset-normalizer's best legacy
    8-bit reading. Then line endings -> ``\\n``, control characters dropped, NFC.
    """
    for magic, what in BINARY_SIGNATURES:
        if data.startswith(magic):
            raise InputError("", f"binary file: {what}")
    text = _decode_raw(data, html_declared)
    if text.startswith("\ufeff"):
        text = text[1:]
    text = _LINE_BREAKS.sub("\n", text)
    text = text.replace("\x0b", "\n").replace("\x0c", "\n")
    controls = len(_CONTROL.findall(text))
    # A control character opening a line is a paragraph mark of a wire or typesetting system
    # (Press Association copy starts every paragraph with \x19): layout, not binary content.
    loose = controls - len(_LINE_CONTROL.findall(text)) if controls else 0
    if loose and loose > max(3, _MAX_CONTROL_SHARE * len(text)):
        raise InputError("", "binary content (many control characters); is this a text file?")
    if controls:
        text = _CONTROL.sub("", text)
    return unicodedata.normalize("NFC", text)


def _decode_raw(data: bytes, html_declared: str | None) -> str:
    boms = (
        (codecs.BOM_UTF32_LE, "utf-32-le"),
        (codecs.BOM_UTF32_BE, "utf-32-be"),
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
    )
    for bom, encoding in boms:
        if data.startswith(bom):
            try:
                return data[len(bom) :].decode(encoding)
            except UnicodeDecodeError as exc:
                raise InputError(
                    "",
                    f"starts with a {encoding.upper()} byte-order mark but is not valid "
                    f"{encoding.upper()} (at byte {exc.start + len(bom)}); re-save it as UTF-8",
                ) from exc
    if b"\x00" in data:
        wide = _nul_pattern_encoding(data)
        if wide is not None:
            try:
                return data.decode(wide)
            except UnicodeDecodeError:
                pass
        raise InputError("", "binary content (NUL bytes that are not UTF-16 text); leave it out")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    if html_declared is not None:
        try:
            return data.decode(html_declared)
        except (UnicodeDecodeError, LookupError):
            pass
    return _decode_legacy(data)


def _nul_pattern_encoding(data: bytes) -> str | None:
    """UTF-32/UTF-16 (LE or BE) when NUL bytes sit where ASCII text in that encoding puts them."""
    sample = data[:8192]
    n = len(sample)
    if len(data) % 4 == 0 and n >= 8:
        quads = n // 4
        zero_at = [sum(1 for k in range(quads) if sample[4 * k + j] == 0) / quads for j in range(4)]
        if zero_at[1] > 0.9 and zero_at[2] > 0.9 and zero_at[3] > 0.9 and zero_at[0] < 0.5:
            return "utf-32-le"
        if zero_at[0] > 0.9 and zero_at[1] > 0.9 and zero_at[2] > 0.9 and zero_at[3] < 0.5:
            return "utf-32-be"
    if len(data) % 2 == 0 and n >= 2:
        pairs = n // 2
        even = sum(1 for k in range(pairs) if sample[2 * k] == 0) / pairs
        odd = sum(1 for k in range(pairs) if sample[2 * k + 1] == 0) / pairs
        if odd >= 0.3 and even <= 0.05:
            return "utf-16-le"
        if even >= 0.3 and odd <= 0.05:
            return "utf-16-be"
    return None


def _decode_legacy(data: bytes) -> str:
    """The most plausible legacy 8-bit reading, from charset-normalizer's candidates.

    ASCII plus Windows typography is read as cp1252 directly. Otherwise, among candidates
    about as clean as the cleanest, Windows-1252 wins unless the text has enough accented
    letters for a language judgement and another reading is clearly more coherent (a real
    Cyrillic, Greek or Central European text). Latin-1 is never used for
    bytes 0x80-0x9F: those are C1 controls there, curly quotes in cp1252.
    """
    if _only_windows_typography(data):
        return data.decode("cp1252")
    matches = list(charset_normalizer.from_bytes(data))
    if not matches:
        raise InputError("", _NOT_DECODABLE)
    cleanest = min(m.chaos for m in matches)
    close = [m for m in matches if m.chaos <= cleanest + _CHAOS_TOLERANCE]
    western = [m for m in close if "cp1252" in m.could_be_from_charset]
    chosen = close[0]
    encoding: str = chosen.encoding
    if western:
        letters = sum(1 for c in str(western[0]) if ord(c) > 127 and c.isalpha())
        best_other = max((m.coherence for m in close if m not in western), default=0.0)
        if (
            letters < _MIN_LETTERS_FOR_LANGUAGE
            or best_other < western[0].coherence + _COHERENCE_MARGIN
        ):
            chosen, encoding = western[0], "cp1252"
    if encoding.lower() in _LATIN1_NAMES and re.search(rb"[\x80-\x9f]", data):
        encoding = "cp1252"
    try:
        return data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        text = str(chosen)
        if not text:
            raise InputError("", _NOT_DECODABLE) from None
        return text


def _only_windows_typography(data: bytes) -> bool:
    """ASCII text whose other bytes are all cp1252 punctuation (curly quotes, dashes, ...).

    That is by far the commonest legacy file (Word's smart quotes), and too little evidence
    for a statistical detector: it may read those bytes as letters of some DOS code page.
    """
    high = set(re.findall(rb"[\x80-\xff]", data))
    if not high:
        return False
    try:
        chars = b"".join(high).decode("cp1252")
    except UnicodeDecodeError:
        return False
    return all(unicodedata.category(c)[0] in "PSZ" for c in chars)


def _declared_charset(data: bytes) -> str | None:
    """The charset an HTML page declares in its first 4 KB, as a Python codec name."""
    match = re.search(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", data[:4096], re.I)
    if not match:
        return None
    name = match.group(1).decode("ascii", "replace").lower()
    try:
        codec = codecs.lookup(name).name
    except LookupError:
        return None
    # As browsers do (WHATWG): a Latin-1 or ASCII declaration means Windows-1252.
    return "cp1252" if codec in _LATIN1_NAMES else codec


# --------------------------------------------------------------------------------------------
# Formats: text, Markdown, front matter
# --------------------------------------------------------------------------------------------

FRONT_MATTER_FENCES: tuple[tuple[str, tuple[str, ...], str], ...] = (
    # (opening fence, closing fences, handler name in python-frontmatter)
    ("---", ("---", "..."), "YAMLHandler"),
    ("+++", ("+++",), "TOMLHandler"),
)
_FRONT_MATTER_MAX_LINES = 300
_KEY_VALUE_LINE = re.compile(r"\s*(?:[\w.\"'-]+\s*[:=]|-\s|#|\[|\s+\S)")

META_TITLE_KEYS = ("title", "headline")
META_DATE_KEYS = ("date", "published", "pubdate", "publishdate", "published_at", "date_published")
META_AUTHOR_KEYS = ("author", "authors", "byline", "creator")
META_URL_KEYS = ("url", "canonical_url", "canonical", "permalink", "link", "source")


def _from_text(text: str, *, markdown: bool, settings: Settings) -> _Extracted:
    """Plain text or Markdown, with optional front matter."""
    front = _split_front_matter(text)
    meta: dict[str, Any] = {}
    block = ""
    body = text
    if front is not None:
        block, meta, body = front
    if markdown:
        body = markdown_to_text(body)
    if settings.strip_boilerplate or front is None:
        extracted = _Extracted(body)
        if front is not None:
            extracted.stripped.append(Stripped.of("front-matter", block))
    else:
        extracted = _Extracted(block + "\n" + body)
    extracted.title = _meta_text(meta, META_TITLE_KEYS)
    extracted.date = _first_date(meta.get(key) for key in META_DATE_KEYS if key in meta)
    extracted.author = _meta_author(meta)
    extracted.url = _meta_url(meta)
    extracted.declared_sources = _meta_sources(meta, settings.check_attribution_keys)
    return extracted


def _split_front_matter(text: str) -> tuple[str, dict[str, Any], str] | None:
    """``(block, metadata, body)`` when ``text`` opens with front matter, else None."""
    first, _, _ = text.partition("\n")
    for opening, closings, handler_name in FRONT_MATTER_FENCES:
        if first.rstrip() != opening:
            continue
        lines = text.split("\n", _FRONT_MATTER_MAX_LINES + 1)
        for end in range(1, min(len(lines), _FRONT_MATTER_MAX_LINES + 1)):
            if lines[end].rstrip() in closings:
                break
        else:
            return None
        content = "\n".join(lines[1:end])
        block = "\n".join(lines[: end + 1])
        body = text[len(block) + 1 :] if len(text) > len(block) else ""
        meta = _load_front_matter(content, handler_name)
        if meta is not None:
            return block, meta, body
        if _looks_like_key_values(content):
            return block, {}, body  # malformed front matter: removed, no metadata read
        return None
    return None


def _load_front_matter(content: str, handler_name: str) -> dict[str, Any] | None:
    handler = getattr(frontmatter, handler_name, None)
    if handler is None:  # python-frontmatter leaves TOMLHandler None without the toml package
        return None
    try:
        loaded = handler().load(content)
    except (yaml.YAMLError, toml.TomlDecodeError, ValueError, TypeError, RecursionError):
        return None
    if loaded is None and not content.strip():
        return {}
    if not isinstance(loaded, dict):
        return None
    return {str(k).lower(): v for k, v in loaded.items()}


def _looks_like_key_values(content: str) -> bool:
    lines = [line for line in content.split("\n") if line.strip()]
    if not lines or not re.match(r"\s*[\w.\"'-]+\s*[:=]", lines[0]):
        return False
    return sum(1 for line in lines if _KEY_VALUE_LINE.match(line)) >= 0.6 * len(lines)


def _scalar_text(value: object) -> str | None:
    if isinstance(value, str):
        text = " ".join(value.split())
        return text or None
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return None


def _meta_text(meta: dict[str, Any], keys: Sequence[str]) -> str | None:
    for key in keys:
        text = _scalar_text(meta.get(key))
        if text:
            return text
    return None


def _meta_author(meta: dict[str, Any]) -> str | None:
    for key in META_AUTHOR_KEYS:
        value = meta.get(key)
        if isinstance(value, dict):
            value = value.get("name")
        if isinstance(value, list):
            names = [n for n in (_scalar_text(v) for v in value[:20]) if n]
            if names:
                return ", ".join(names)
            continue
        text = _scalar_text(value)
        if text:
            return text
    return None


def _meta_url(meta: dict[str, Any]) -> str | None:
    for key in META_URL_KEYS:
        text = _scalar_text(meta.get(key))
        if text and (key != "source" or "://" in text or text.startswith("www.")):
            return text
    return None


def _meta_sources(meta: dict[str, Any], keys: Sequence[str]) -> tuple[str, ...]:
    """Every string value (or list of them) under ``keys``: the sources a post declares."""
    found: list[str] = []
    for key in keys:
        value = meta.get(key.lower())
        values = value[:20] if isinstance(value, list) else [value]
        for item in values:
            text = _scalar_text(item)
            if text and text not in found:
                found.append(text[:2000])
    return tuple(found)


# Light Markdown -> text: each rule is (pattern, replacement), applied in order, and
# ``markdown_to_text`` runs them with the two emphasis scanners in their place.
#
# Every rule runs in time linear in the text, whatever it holds (a pull request can add a
# line of 200 KB of ``[x``): a rule whose attempt runs up to a terminator (``]``, ``)``, the
# end of the line) and can fail there has a second alternative that, when the first fails,
# consumes what the attempt read and keeps it as it is (the group the replacement puts
# back). That changes no output: every attempt starting inside that stretch reaches the same
# terminator and fails the same way, so the regex engine would only read it again, once per
# start. Emphasis (``*em*``, ``_em_``) is a scanner (``_emphasis``): its closing delimiter
# search is a lookup in the positions of every possible closer instead of a rescan.
MARKDOWN_RULES: tuple[tuple[re.Pattern[str], str | Callable[[re.Match[str]], str]], ...] = (
    (re.compile(r"(?s:<!--.*?-->)|((?s:<!--.*))"), r"\1"),  # HTML comments (unclosed: kept)
    (re.compile(r"^[ \t]*(?:```|~~~).*$", re.MULTILINE), ""),  # code fences (content kept)
    (re.compile(r"^[ \t]{0,3}\[[^\]\n]+\]:[ \t]*\S+.*$", re.MULTILINE), ""),  # link references
    # images ![alt](src), ![alt][ref]
    (re.compile(r"[ \t]?!\[[^\]\n]*\]\([^)\n]*\)|([ \t]?!\[[^\]\n]*(?:\]\([^)\n]*)?)"), r"\1"),
    (re.compile(r"[ \t]?!\[[^\]\n]*\]\[[^\]\n]*\]|([ \t]?!\[[^\]\n]*(?:\]\[[^\]\n]*)?)"), r"\1"),
    # [text](url), [text][ref]
    (re.compile(r"\[([^\]\n]+)\]\([^)\n]*\)|(\[(?:[^\]\n]+(?:\]\([^)\n]*)?)?)"), r"\1\2"),
    (re.compile(r"\[([^\]\n]+)\]\[[^\]\n]*\]|(\[(?:[^\]\n]+(?:\]\[[^\]\n]*)?)?)"), r"\1\2"),
    # <http://autolink>
    (re.compile(r"<((?:https?|ftp)://[^>\s]+)>|(<(?:https?|ftp)://[^>\s]*)"), r"\1\2"),
    (re.compile(r"</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>"), ""),  # inline HTML tags
    (re.compile(r"^[ \t]{0,3}#{1,6}[ \t]+(.*)$", re.MULTILINE), lambda m: _heading(m[1])),
    (re.compile(r"^[ \t]{0,3}(?:[-*_][ \t]*){3,}$", re.MULTILINE), ""),  # rules / setext lines
    (re.compile(r"^[ \t]{0,3}=+[ \t]*$", re.MULTILINE), ""),  # setext heading underline
    (re.compile(r"^[ \t]{0,3}(?:>[ \t]?)+", re.MULTILINE), ""),  # block quote markers
    (re.compile(r"^([ \t]*)[-*+][ \t]+", re.MULTILINE), r"\1"),  # bullet markers
)
# ... then *em* and _em_ (``_emphasis``), then these:
MARKDOWN_LATE_RULES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"(?<!`)`([^`\n]+)`(?!`)"), r"\1"),  # `code`
    (re.compile(r"\\([\\`*_{}\[\]()#+\-.!>~|])"), r"\1"),  # backslash escapes
)


def _heading(content: str) -> str:
    """An ATX heading's text: ``content`` less trailing blanks and a closing ``#`` run that
    follows a blank (``## Title ##`` -> ``Title``)."""
    text = content.rstrip(" \t")
    body = text.rstrip("#")
    if len(body) < len(text) and body[-1:] in (" ", "\t"):
        return body.rstrip(" \t")
    return text


@dataclass(frozen=True, slots=True)
class _Delimiter:
    """One emphasis character: where a run of it may open, and may close, emphasis."""

    mark: str
    opener: re.Pattern[str]
    closers: tuple[re.Pattern[str], ...]  # by run length 1, 2, 3


_STAR = _Delimiter(
    "*",
    re.compile(r"(?<![\w*\\])\*"),
    tuple(re.compile(rf"(?<=\S)(?=\*{{{d}}}(?![\w*]))") for d in (1, 2, 3)),
)
_UNDERSCORE = _Delimiter(
    "_",
    re.compile(r"(?<![\w\\])_"),
    tuple(re.compile(rf"(?<=\S)(?=_{{{d}}}(?!\w))") for d in (1, 2, 3)),
)


def _emphasis(text: str, delimiter: _Delimiter) -> str:
    """``text`` with each ``*em*``, ``**strong**`` (or ``_em_``...) replaced by its content,
    as ``re.sub(r"(?<![\\w*\\\\])(\\*{1,3})(?=\\S)(.+?)(?<=\\S)\\1(?![\\w*])", r"\\2", text)``
    would, in linear time: that regex, on a line of ``*a `` repeated, reads the rest of the
    line again from every ``*`` (quadratic). Here the closers of each length are found once,
    and an opener looks its closer up among them.

    An opener (a run of 1-3 marks not after a word character, the mark or a backslash,
    followed by a non-blank) takes the longest run length that has a closer later on its
    line, and the nearest such closer: the regex's greedy ``{1,3}`` and lazy ``.+?``.
    """
    mark = delimiter.mark
    if mark not in text:
        return text
    closers = [[m.start() for m in pattern.finditer(text)] for pattern in delimiter.closers]
    size = len(text)
    pieces: list[str] = []
    done = 0  # text[:done] is settled (copied or replaced)
    line_end = -1
    for match in delimiter.opener.finditer(text):
        start = match.start()
        if start < done:
            continue  # inside the previous emphasis
        if start > line_end:
            line_end = text.find("\n", start)
            if line_end < 0:
                line_end = size
        longest = 1
        while longest < 3 and start + longest < size and text[start + longest] == mark:
            longest += 1
        for length in range(longest, 0, -1):
            inner = start + length
            if inner >= size or text[inner].isspace():
                continue  # (?=\S)
            at = closers[length - 1]
            k = bisect.bisect_left(at, inner + 1)
            if k < len(at) and at[k] < line_end:
                close = at[k]
                pieces.append(text[done:start])
                pieces.append(text[inner:close])
                done = close + length
                break
    if not pieces:
        return text
    pieces.append(text[done:])
    return "".join(pieces)


def markdown_to_text(markdown: str) -> str:
    """Markdown to plain text, lightly: syntax goes, paragraphs and line breaks stay."""
    text = markdown
    for pattern, replacement in MARKDOWN_RULES:
        text = pattern.sub(replacement, text)
    text = _emphasis(_emphasis(text, _STAR), _UNDERSCORE)
    for pattern, late in MARKDOWN_LATE_RULES:
        text = pattern.sub(late, text)
    return html.unescape(text)


# --------------------------------------------------------------------------------------------
# Formats: HTML
# --------------------------------------------------------------------------------------------

HTML_DATE_META = (
    "article:published_time",
    "og:published_time",
    "datepublished",
    "date",
    "pubdate",
    "publishdate",
    "publish-date",
    "dc.date",
    "dc.date.issued",
    "dcterms.created",
    "dcterms.issued",
    "parsely-pub-date",
    "sailthru.date",
)
_HTML_BLOCK_TAGS = (
    "p div br li ul ol h1 h2 h3 h4 h5 h6 article section header footer blockquote pre tr table "
    "dd dt dl figure figcaption main aside nav hr"
).split()
_XML_DECLARATION = re.compile(r"\A\s*<\?xml[^>]*\?>")


def _from_html(markup: str) -> _Extracted:
    markup = _XML_DECLARATION.sub("", markup)
    text = ""
    title = date = author = url = None
    # libxml2 (under lxml and trafilatura) stops reading at 256 nested elements or a 10 MB text
    # node and drops the rest in silence: past such a limit, trafilatura reads a tree parsed
    # without the limits, and the fallback below a tree without them.
    root, limit = _parse_html(markup)
    page: str | lxml.html.HtmlElement = markup
    if limit is not None:
        root, limit = _parse_html(markup, huge=True)
        tree, _ = _parse_html(markup, huge=True)  # trafilatura changes the tree it reads
        if limit is None and tree is not None:
            page = tree
    try:
        result = trafilatura.bare_extraction(
            page,
            with_metadata=True,
            include_comments=False,
            include_tables=True,
            include_images=False,
            deduplicate=False,
            date_extraction_params={"extensive_search": False, "original_date": True},
        )
    # trafilatura parses hostile markup with many helpers; any failure means "no extraction"
    except Exception:
        result = None
    if result is not None:
        text = getattr(result, "text", None) or ""
        title = _scalar_text(getattr(result, "title", None))
        author = _scalar_text(getattr(result, "author", None))
        url = _scalar_text(getattr(result, "url", None))
        date = parse_date(getattr(result, "date", None))
    if root is not None:
        date = _html_meta_date(root) or date or _html_time_date(root)
        if limit is not None:  # still past a limit (over 2,048 levels): read the tags as text
            text = _flat_html_text(markup)
        elif not text.strip():
            text = _html_body_text(root)
    return _Extracted(text, title=title, date=date, author=author, url=url)


def _parse_html(
    markup: str, *, huge: bool = False
) -> tuple[lxml.html.HtmlElement | None, str | None]:
    """The parsed page, and libxml2's message if it stopped at one of its limits (then the
    tree lacks what came after)."""
    parser = lxml.html.HTMLParser(huge_tree=huge)
    try:
        root = lxml.html.document_fromstring(markup, parser=parser)
    except (lxml.etree.ParserError, ValueError):
        return None, None
    for entry in parser.error_log:
        if entry.type == lxml.etree.ErrorTypes.ERR_RESOURCE_LIMIT:
            return root, " ".join(entry.message.split())
    return root, None


_HTML_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)[^<>]*>?|<[!?][^<>]*>?")
_HTML_HIDDEN = ("script", "style", "noscript", "template", "head")


def _flat_html_text(markup: str) -> str:
    """The text of a page no parser reads whole, tag by tag in one pass: hidden elements
    (script, style...) go with their content, block tags become line breaks, other tags go."""
    pieces: list[str] = []
    lower = markup.lower()
    at = 0
    for match in _HTML_TAG.finditer(markup):
        if match.start() < at:
            continue
        pieces.append(markup[at : match.start()])
        at = match.end()
        name = (match[2] or "").lower()
        if name in _HTML_BLOCK_TAGS:
            pieces.append("\n")
        elif name in _HTML_HIDDEN and not match[1]:
            close = lower.find(f"</{name}", at)
            at = len(markup) if close < 0 else close
    pieces.append(markup[at:])
    raw = html.unescape("".join(pieces))
    lines = (" ".join(line.split()) for line in raw.split("\n"))
    return "\n".join(line for line in lines if line)


def _html_meta_date(root: lxml.html.HtmlElement) -> str | None:
    """A publication date at full precision from <meta> or JSON-LD, if the page declares one."""
    for meta in root.iter("meta"):
        name = (meta.get("property") or meta.get("name") or meta.get("itemprop") or "").lower()
        if name in HTML_DATE_META:
            date = parse_date(meta.get("content"))
            if date:
                return date
    for script in root.iter("script"):
        if (script.get("type") or "").lower() != "application/ld+json" or not script.text:
            continue
        try:
            data = json.loads(script.text)
        except (ValueError, RecursionError):
            continue
        date = parse_date(_find_key(data, "datePublished"))
        if date:
            return date
    return None


def _html_time_date(root: lxml.html.HtmlElement) -> str | None:
    """The first ``<time datetime=...>``: a last resort, it may date a comment or a sidebar."""
    for time in root.iter("time"):
        date = parse_date(time.get("datetime"))
        if date:
            return date
    return None


def _find_key(data: object, key: str, depth: int = 0) -> object:
    if depth > 6:
        return None
    if isinstance(data, dict):
        if key in data:
            return data[key]
        items: Iterable[object] = data.values()
    elif isinstance(data, list):
        items = data
    else:
        return None
    for item in items:
        found = _find_key(item, key, depth + 1)
        if found is not None:
            return found
    return None


def _html_body_text(root: lxml.html.HtmlElement) -> str:
    """Fallback: the visible text of <body>, one line per block element."""
    for bad in root.xpath("//script|//style|//noscript|//template|//head"):
        bad.drop_tree()
    for element in root.iter(*_HTML_BLOCK_TAGS):
        element.tail = "\n" + (element.tail or "")
    body = root.find("body")
    raw = (body if body is not None else root).text_content()
    lines = (" ".join(line.split()) for line in raw.split("\n"))
    return "\n".join(line for line in lines if line)


# --------------------------------------------------------------------------------------------
# Formats: JSON Lines
# --------------------------------------------------------------------------------------------


def _read_jsonl(stream: BinaryIO, source: _Source, settings: Settings) -> Iterator[_Item]:
    head = stream.read(16)
    stream.seek(0)
    for magic, what in BINARY_SIGNATURES:
        if head.startswith(magic):
            yield Skipped(source.display, f"binary file: {what}")
            return
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or b"\x00" in head:
        yield Skipped(source.display, "JSON Lines must be UTF-8, not UTF-16/32; re-encode it")
        return
    records = 0
    most = settings.max_document_chars * _BYTES_PER_CHAR_LIMIT
    for number, raw in enumerate(_bounded_lines(stream, most), start=1):
        where = f"{source.display}:{number}"
        if raw is None:
            records += 1
            yield Skipped(where, _too_large(f"more than {most:,} bytes", settings))
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
            yield Skipped(where, _too_large(f"{len(line):,} characters", settings))
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
        yield _record_item(record, number, where, source, "jsonl", settings)
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


def _record_item(
    record: Mapping[str, object],
    number: int,
    where: str,
    source: _Source,
    fmt: str,
    settings: Settings,
) -> _Item:
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
    text = unicodedata.normalize("NFC", _CONTROL.sub("", _LINE_BREAKS.sub("\n", text)))
    try:
        _check_length(text, settings)
        extracted = _Extracted(
            text,
            title=_scalar_text(record.get(settings.jsonl_title_field)),
            date=parse_date(record.get(settings.jsonl_date_field)),
            author=_meta_author({"author": record.get("author")}),
            url=_scalar_text(record.get(settings.jsonl_url_field)),
        )
        document = _finish(extracted, doc_id, where, fmt, settings)
    except InputError as exc:
        return Skipped(where, exc.reason)
    return (doc_id, source.display, number), document


# --------------------------------------------------------------------------------------------
# Formats read by their own modules: .jsonl.gz, web archives, tables
# --------------------------------------------------------------------------------------------

_STREAMED = frozenset(_STREAMED_FORMATS.values())


def _read_streamed(
    stream: BinaryIO, size: int, source: _Source, fmt: str, settings: Settings
) -> list[_Item]:
    """The items of a file read record by record (``fmt`` from ``_STREAMED_FORMATS``).

    Gzip data (by its magic number, whatever the name says) is decompressed as a capped
    stream; a truncated, damaged or over-large stream stops the file with one message
    naming it, after the records read before the damage."""
    items: list[_Item] = []
    head = stream.read(16)
    stream.seek(0)
    if fmt in ("csv", "tsv", "parquet"):
        reason = _binary_reason(head) if fmt != "parquet" else None
        if reason is not None:
            return [Skipped(source.display, reason)]
        make = functools.partial(_table_record, source=source, fmt=fmt, settings=settings)
        if fmt == "parquet":
            rows = tables.read_parquet(stream, source.display, settings, make)
        else:
            delimiter = "\t" if fmt == "tsv" else ","
            rows = tables.read_csv(stream, source.display, delimiter, settings, make)
        return list(rows)
    if head.startswith(GZIP_MAGIC):
        stream = open_gzip(stream, size, source.display, settings)
    try:
        if fmt == "jsonl.gz":
            records: Iterator[_Item] = _read_jsonl(stream, source, settings)
        else:
            make_page = functools.partial(_archive_document, fmt=fmt, settings=settings)
            records = webarchive.read_archive(
                stream, source.display, source.id, settings, make_page
            )
        items.extend(records)
    except CompressedError as exc:
        read = sum(1 for item in items if not isinstance(item, Skipped))
        kept = f"after {read:,} records (those are traced)" if read else "before any record"
        items.append(
            Skipped(source.display, f"{exc.what}; stopped reading it {kept}: {exc.advice}")
        )
    return items


def _binary_reason(head: bytes) -> str | None:
    for magic, what in BINARY_SIGNATURES:
        if head.startswith(magic):
            return f"binary file: {what}"
    return None


def _table_record(
    record: Mapping[str, object],
    number: int,
    where: str,
    *,
    source: _Source,
    fmt: str,
    settings: Settings,
) -> _Item:
    return _record_item(record, number, where, source, fmt, settings)


def _archive_document(
    payload: bytes,
    charset: str | None,
    doc_id: str,
    where: str,
    date: str | None,
    url: str | None,
    *,
    fmt: str,
    settings: Settings,
) -> Document:
    """One HTML page of a web archive, extracted as an ``.html`` file is."""
    markup = decode_bytes(payload, html_declared=charset or _declared_charset(payload))
    _check_length(markup, settings, markup_factor=_BYTES_PER_CHAR_LIMIT)
    extracted = _from_html(markup)
    extracted.date = parse_date(date) or extracted.date
    extracted.url = url or extracted.url
    return _finish(extracted, doc_id, where, fmt, settings)


def _record_id(value: object, line_number: int) -> str:
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


# --------------------------------------------------------------------------------------------
# Dates
# --------------------------------------------------------------------------------------------

_MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
    "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip
_MONTH = (
    r"(?P<mon>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
_ISO_DATE = re.compile(
    r"(?<![\d-])(?P<y>\d{4})[-/](?P<m>\d{2})[-/](?P<d>\d{2})"
    r"(?:[T ](?P<H>\d{2}):(?P<M>\d{2})(?::(?P<S>\d{2})(?:\.\d+)?)?"
    r"[ \t]*(?P<tz>Z|[+-]\d{2}:?\d{2})?)?(?![\d])"
)
_MONTH_DAY_YEAR = re.compile(
    rf"\b{_MONTH}\.?\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y>\d{{4}})\b", re.IGNORECASE
)
_DAY_MONTH_YEAR = re.compile(
    rf"\b(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH}\.?,?\s+(?P<y>\d{{4}})\b",
    re.IGNORECASE,
)
_DATE_PATTERNS = (_ISO_DATE, _MONTH_DAY_YEAR, _DAY_MONTH_YEAR)


def parse_date(value: object) -> str | None:
    """An ISO 8601 string at the precision ``value`` gives, or None. Never raises."""
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if not isinstance(value, str):
        return None
    text = value.strip()
    if not text or len(text) > 100:
        return None
    for pattern in _DATE_PATTERNS:
        match = pattern.fullmatch(text)
        if match:
            return _format_date(match)
    try:
        parsed = email.utils.parsedate_to_datetime(text)  # RFC 2822, e.g. from RSS
    except (TypeError, ValueError, IndexError, OverflowError):
        pass
    else:
        return parsed.isoformat()
    return find_date(text) if len(text) <= 40 else None


def find_date(text: str) -> str | None:
    """The first date with a year in ``text`` (ISO, "Nov. 10, 2025", "11 November 2025")."""
    best: tuple[int, str] | None = None
    for pattern in _DATE_PATTERNS:
        for match in pattern.finditer(text):
            formatted = _format_date(match)
            if formatted is not None:
                if best is None or match.start() < best[0]:
                    best = (match.start(), formatted)
                break
    return best[1] if best else None


def _format_date(match: re.Match[str]) -> str | None:
    groups = match.groupdict()
    try:
        year, day = int(groups["y"]), int(groups["d"])
        month = int(groups["m"]) if groups.get("m") else _MONTHS[groups["mon"][:3].lower()]
        date = dt.date(year, month, day)
        if groups.get("H") is None:
            return date.isoformat()
        hour, minute = int(groups["H"]), int(groups["M"])
        second = int(groups["S"]) if groups.get("S") else None
        moment = dt.time(hour, minute, second or 0)
    except (ValueError, KeyError):
        return None
    text = f"{date.isoformat()}T{moment.strftime('%H:%M' if second is None else '%H:%M:%S')}"
    tz = groups.get("tz")
    if tz:
        if tz == "Z":
            return text + "+00:00"
        digits = tz[1:].replace(":", "")
        if int(digits[:2]) > 23 or int(digits[2:]) > 59:
            return text
        text += f"{tz[0]}{digits[:2]}:{digits[2:]}"
    return text


def _first_date(values: Iterable[object]) -> str | None:
    for value in values:
        date = parse_date(value)
        if date:
            return date
    return None


# --------------------------------------------------------------------------------------------
# Stripping
# --------------------------------------------------------------------------------------------

# A leading metadata prefix: a label and an ISO date before the text (" date 2025-11-11 "
# in seed 000), or a label and any date alone on the first line ("Published: Nov 11, 2025").
DATELINE_LABELS = (
    "date", "dated", "published", "published on", "posted", "posted on",
    "updated", "last updated", "first published",
)  # fmt: skip
_DATE_VALUE = (
    r"(?:\d{4}[-/]\d{2}[-/]\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?"
    rf"|{_MONTH.replace('?P<mon>', '?:')}\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}"
    rf"|\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH.replace('?P<mon>', '?:')}\.?,?\s+\d{{4}})"
)
_DATELINE = re.compile(
    r"\A[ \t]*(?:" + "|".join(re.escape(label) for label in DATELINE_LABELS) + r")"
    rf"[ \t]*:?[ \t]*(?P<date>{_DATE_VALUE})(?:[ \t]*(?:[|,;]|[-\u2013\u2014](?=\s)))?[ \t]*\n?",
    re.IGNORECASE,
)

# Whole lines near the top that credit the writer. "By ..." lines are checked by
# _is_by_line (capitalised names and organisations only), so "By the time..." is kept.
LEADING_BYLINE_PATTERNS = (
    r"(?:authored|written|reported|compiled|posted|edited|words|story|text)\s+by\s+\S.{0,120}",
    r"(?:staff|special)\s+(?:writer|reporter|correspondent)s?",
)
# Whole lines at the end: copyright, syndication and contributor credits.
TRAILING_BYLINE_PATTERNS = (
    r"(?:copyright|\(c\)|©)\s*(?:\d{4}|©).{0,150}",
    r"all rights reserved\.?",
    r"this (?:material|article|story) may not be published, broadcast, rewritten,?"
    r" or redistributed.{0,80}",
    r"\(?(?:additional\s+)?(?:reporting|writing|editing)\s+by\s.{1,200}",
    r".{1,120}\bcontributed (?:reporting )?to this (?:report|story|article)\.?",
    r"this (?:article|story|report|piece) (?:was )?(?:originally|first) "
    r"(?:appeared|published|ran)\b.{0,160}",
    r"republished (?:with permission )?(?:from|by)\s.{1,150}",
)
_BYLINE_CONNECTORS = {
    "and", "&", "of", "the", "for", "via", "at", "in", "de", "del", "da", "van", "von", "der",
    "al", "bin", "le", "la", "|", ",", "-", "–", "—", "/",
}  # fmt: skip
_MAX_BYLINE_LINES = 3
_MAX_BYLINE_CHARS = 160

# Page furniture: whole short lines, matched case-insensitively after trimming spaces and
# decoration such as ". … : | »". Each entry is (pattern, longest line it may match).
FURNITURE_MAX_CHARS = 100
_LONG, _BANNER = 160, 400
_SOCIAL = (
    r"(?:facebook|twitter|x|whatsapp|linkedin|e-?mail|reddit|pinterest|telegram|threads"
    r"|bluesky|messenger|flipboard)"
)
FURNITURE_PATTERNS: tuple[tuple[str, int], ...] = (
    # loading placeholders and share buttons
    (r"loading(?: recommendations| comments| more| content| video)?", FURNITURE_MAX_CHARS),
    (r"share(?: this| the)?(?: article| story| post| page| video)?", FURNITURE_MAX_CHARS),
    (rf"(?:share|post|send)(?: this)?(?: article| story)? (?:on|to|via) {_SOCIAL}", _LONG),
    (rf"{_SOCIAL}|tweet(?: this)?|pin it", FURNITURE_MAX_CHARS),
    (r"print(?: this)?(?: article| page| story)?", FURNITURE_MAX_CHARS),
    (rf"follow us(?: on {_SOCIAL})?|follow (?:@\w+|us) on .{{1,40}}", FURNITURE_MAX_CHARS),
    (r"copy link|link copied|copied|email this(?: article| story)?", FURNITURE_MAX_CHARS),
    # advertising
    (r"advertisements?|advert|ad|sponsored(?: content)?|paid content", FURNITURE_MAX_CHARS),
    (r"(?:story|article) continues below(?: advertisement)?", FURNITURE_MAX_CHARS),
    (r"continue reading(?: below)?|scroll (?:down )?to continue(?: with content)?", _LONG),
    # navigation
    (r"skip to (?:main )?(?:content|navigation|article)", FURNITURE_MAX_CHARS),
    (r"jump to (?:content|navigation)|scroll to top|back to top", FURNITURE_MAX_CHARS),
    (r"read more|more on this story", FURNITURE_MAX_CHARS),
    (r"related(?: articles| stories| content| coverage| topics)?", FURNITURE_MAX_CHARS),
    (r"(?:read more|related|also read|see also|more|watch|listen)\s*:.{0,120}", _LONG),
    (r"click here(?: to .{1,80})?", FURNITURE_MAX_CHARS),
    (r"you (?:may|might) also like|recommended(?: for you)?|editor'?s picks", FURNITURE_MAX_CHARS),
    (r"most (?:read|popular|viewed)|trending(?: now)?|top stories", FURNITURE_MAX_CHARS),
    (r"more from .{1,40}", FURNITURE_MAX_CHARS),
    (r"listen to (?:this|the) (?:article|story)(?: \d+ min(?:ute)?s?)?", FURNITURE_MAX_CHARS),
    (r"\d+ min(?:ute)? read", FURNITURE_MAX_CHARS),
    (r"(?:download|open in|get) (?:the |our )?app", FURNITURE_MAX_CHARS),
    (r"tags?\s*:.{1,100}|topics?\s*:.{1,100}", _LONG),
    # newsletters and subscriptions
    (r"(?:sign up|subscribe|register) (?:for|to) (?:our|the) .{0,60}newsletters?.{0,60}", _LONG),
    (r"subscribe(?: now| today| here)?|subscribe to (?:our|the) \w+(?: \w+)?", FURNITURE_MAX_CHARS),
    # photo credits
    (
        r"(?:photo|image|picture|video)(?: credit)?s?\s*[:|].{1,80}|getty images",
        FURNITURE_MAX_CHARS,
    ),
    # cookie banners (they run longer than other furniture)
    (r"(?:we|this (?:web)?site) uses? cookies.{0,300}", _BANNER),
    (r"by (?:continuing to (?:use|browse)|using) (?:this|our) (?:web)?site.{0,300}", _BANNER),
    (r"(?:accept|allow|reject|decline)(?: all)? cookies", FURNITURE_MAX_CHARS),
    (r"cookie (?:settings|policy|preferences)|manage (?:cookies|preferences|consent)", _LONG),
    (r"accept all|accept and (?:close|continue)", FURNITURE_MAX_CHARS),
)
# One alternation per length limit (longest first): a line is furniture when it is no longer
# than a limit and the whole of it matches one of that limit's patterns.
_FURNITURE = tuple(
    (
        re.compile("|".join(f"(?:{p})" for p, lim in FURNITURE_PATTERNS if lim >= limit), re.I),
        limit,
    )
    for limit in sorted({limit for _, limit in FURNITURE_PATTERNS}, reverse=True)
)
_FURNITURE_TRIM = " \t.…:|•·-–—>»›"

# A line after which everything is a comment section.
COMMENT_HEADING_PATTERNS = (
    r"(?:\d+\s+)?comments?(?:\s*\(\d+\))?",
    r"(?:\d+|no|one|two|three|four|five|six|seven|eight|nine|ten)\s+"
    r"(?:thoughts?|responses?|replies|comments?)\s+(?:on|to)\s+.{1,200}",
    r"(?:\d+\s+)?(?:responses|replies)",
    r"(?:leave|post|add|write) a (?:reply|comment|response)(?: cancel reply)?",
    r"join the (?:discussion|conversation)",
    r"(?:show|view|load|see|read) (?:all )?(?:\d+ )?comments?",
    r"comments are closed",
    r"reader comments|what readers are saying",
)
_COMMENT_HEADINGS = tuple(re.compile(p, re.IGNORECASE) for p in COMMENT_HEADING_PATTERNS)
# A heading only cuts when at least this much article text stands before it.
_MIN_CHARS_BEFORE_COMMENT_HEADING = 200

# Unmarked comment tails (seed 000): a paragraph is comment-like when it contains a stock
# phrase, or addresses "you" outside quotation marks while talking about the site or post
# together with praise, thanks or a first-person remark. Topic words (blog, RSS, bookmark)
# are only site words: an article about blogs is not a comment.
COMMENT_STOCK_PHRASES = (
    r"great (?:post|article|blog|site|read|info(?:rmation)?|job|stuff|points|write-?up)",
    r"(?:nice|good|excellent|awesome|fantastic|wonderful|informative|useful|helpful|"
    r"interesting|superb|valuable) (?:post|article|blog|website|web site|site|read|info|"
    r"information|stuff|tips?|write-?up)",
    r"keep (?:up the|it up)|keep (?:us )?(?:informed|posting|writing)",
    r"thanks? (?:you )?(?:so much )?for (?:sharing|posting|the (?:post|info|article))",
    r"thank you|thankyou|\bthanks\b(?! to\b)|\bthx\b|(?:best|kind|warm) regards|cheers!",
    r"\b(?:i(?:'ve| have)?|we(?:'ve| have)?) (?:just )?bookmark(?:ed)?\b",
    r"\bbookmarked (?:it|this|your)",
    r"\byour (?:blog|website|web site|site|weblog|web page|posts?|articles?|writing)\b",
    r"\bthis (?:blog|website|web site|site|weblog)\b",
    r"lucky me|made my day|you(?:'ve| have) done|(?:i'?m|i am) (?:impressed|glad|a big fan)",
    r"new reader|i will (?:advocate|recommend|be checking)|check(?:ing)? back",
)
COMMENT_SITE_WORDS = (
    r"site|website|web site|blog|blogs|blogging|blogosphere|weblog|webmaster|wordpress|rss|"
    r"bookmark\w*|post|posts|article|articles|writing|write-?up|content|info|"
    r"information|topic|subject|stuff|read|reader|page|theme|design|layout|publish|issue"
)
COMMENT_WARM_WORDS = (
    r"thanks?|appreciate\w*|great|nice|good|excellent|awesome|amazing|wonderful|fantastic|"
    r"superb|impress\w*|informative|helpful|useful|valuable|enjoy\w*|love\w*|like|brilliant|"
    r"perfect|incredible|magnificent|remarkable|glad|wow|interesting|intelligent|hope"
)
# Reporting language marks article prose; a paragraph with it is never comment-like by vocabulary.
ARTICLE_REPORTING_WORDS = (
    r"said|says|told|according to|announced|stated|reported|spokesperson|wrote|writes|added|"
    r"found|showed|survey|study|research"
)


def skip_ahead(first: str, pattern: str) -> re.Pattern[str]:
    """``pattern`` compiled behind a lookahead on ``first``, the characters (a regex class
    body) that every match of it starts with.

    ``re`` scans for the start of a match quickly only when the pattern begins with a
    literal or a character class; an alternation, or a word boundary before one, is
    instead tried in full at every position of the text. The lookahead changes nothing a
    pattern matches as long as ``first`` is right (tests check each one against the
    parsed pattern)."""
    return re.compile(f"(?=[{first}])(?:{pattern})")


# Every paragraph of every document is tested, so these run on the lower-cased paragraph,
# case-sensitively (re's IGNORECASE is several times slower), each alternation starts at a
# word boundary, and each pattern skips ahead to the letters its words start with.
_COMMENT_STOCK = skip_ahead("abcefghiklmnstuvwy", r"\b(?:" + "|".join(COMMENT_STOCK_PHRASES) + ")")
_YOU = skip_ahead("y", r"\b(?:you|your|yours|you're|you've|you'd|you'll)\b")
_THANK_YOU = skip_ahead("t", r"\bthank[- ]you\b")  # thanks, not an address
_I = re.compile(r"(?:^|[.!?]\s+)(?:i|i'm|i've|i'd|i'll|we|we're)\b")


def _first_letters(words: str) -> str:
    """The first letters of the alternatives of a ``|``-separated list of words."""
    return "".join(sorted({word[0] for word in words.split("|")}))


_SITE = skip_ahead(_first_letters(COMMENT_SITE_WORDS), rf"\b(?:{COMMENT_SITE_WORDS})\b")
_WARM = skip_ahead(_first_letters(COMMENT_WARM_WORDS), rf"\b(?:{COMMENT_WARM_WORDS})\b")
_REPORTING = skip_ahead(
    _first_letters(ARTICLE_REPORTING_WORDS), rf"\b(?:{ARTICLE_REPORTING_WORDS})\b"
)
_QUOTED = re.compile(r"“[^”]*”|\"[^\"\n]*\"|‘[^’\n]{12,}’|«[^»]*»")
_MIN_COMMENT_RUN = 3
_COMMENT_GAIN, _OTHER_COST = 1, 2


@dataclass(frozen=True, slots=True)
class StripResult:
    text: str
    stripped: tuple[Stripped, ...]
    date: str | None
    author: str | None = None


def strip_boilerplate(text: str) -> StripResult:
    """Remove datelines, bylines, page furniture and comment sections from ``text``.

    Returns the remaining text (leading/trailing blank lines trimmed, the article's own line
    breaks kept), a ``Stripped`` record for each removal in document order, the date read
    from a removed metadata prefix, and the writer named in a removed leading byline.
    """
    records: list[tuple[int, Stripped]] = []
    date: str | None = None
    match = _DATELINE.match(text)
    if match and not match.group(0).endswith("\n") and not re.match(r"\d{4}", match.group("date")):
        match = None  # "Dated 11 November 2025, the letter said": prose, not a metadata prefix
    if match:
        date = parse_date(match.group("date"))
        records.append((0, Stripped.of("dateline", match.group(0))))
        offset = match.end()
    else:
        offset = 0
    lines = text[offset:].split("\n")
    kinds: list[str | None] = [None] * len(lines)
    for i, line in enumerate(lines):
        if _is_furniture(line):
            kinds[i] = "furniture"
    _mark_comments(lines, kinds)
    _mark_trailing_bylines(lines, kinds)
    leading = _mark_leading_bylines(lines, kinds)

    # one record per run of adjacent lines of the same kind
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line) + 1)
    i = 0
    while i < len(lines):
        kind = kinds[i]
        if kind is None:
            i += 1
            continue
        j = i
        while j + 1 < len(lines) and kinds[j + 1] == kind:
            j += 1
        span = "\n".join(lines[i : j + 1])
        if span.strip():
            records.append((offset + starts[i], Stripped.of(kind, span.strip())))
        i = j + 1

    kept: list[str] = []
    after_removal = False
    for line, kind in zip(lines, kinds, strict=True):
        if kind is not None:
            after_removal = True
            continue
        if after_removal and not line.strip() and (not kept or not kept[-1].strip()):
            continue  # do not leave a double gap where a line was taken out
        if line.strip():
            after_removal = False
        kept.append(line)
    records.sort(key=lambda pair: pair[0])
    names = (_byline_author(lines[i]) for i in leading)
    author = next((name for name in names if name), None)
    return StripResult(_trim("\n".join(kept)), tuple(r for _, r in records), date, author)


def _trim(text: str) -> str:
    """Trailing spaces off every line; blank lines off both ends."""
    lines = [line.rstrip() for line in text.split("\n")]
    while lines and not lines[0]:
        lines.pop(0)
    while lines and not lines[-1]:
        lines.pop()
    return "\n".join(lines)


def _is_furniture(line: str) -> bool:
    core = line.strip().strip(_FURNITURE_TRIM).strip()
    if not core:
        return False
    for rx, limit in reversed(_FURNITURE):  # shortest limit: every pattern
        if len(core) <= limit:
            return rx.fullmatch(core) is not None
    return False


def _is_comment_heading(line: str) -> bool:
    core = line.strip().strip(_FURNITURE_TRIM).strip()
    return bool(core) and len(core) <= 220 and any(rx.fullmatch(core) for rx in _COMMENT_HEADINGS)


def _mark_comments(lines: list[str], kinds: list[str | None]) -> None:
    """Mark a trailing comment section: after a heading, or an unmarked run of comments."""
    before = 0
    for i, line in enumerate(lines):
        if (
            kinds[i] is None
            and _is_comment_heading(line)
            and before >= (_MIN_CHARS_BEFORE_COMMENT_HEADING)
        ):
            for j in range(i, len(lines)):
                kinds[j] = "comments"
            return
        if kinds[i] is None:
            before += len(line.strip())

    units = _paragraph_units(lines, kinds)
    if len(units) < _MIN_COMMENT_RUN + 1:
        return
    best_score, best_start, run_comments, comments = 0, -1, 0, 0
    score = 0
    for u in range(len(units) - 1, 0, -1):  # never unit 0: the document must keep something
        if score + u < max(best_score, 1):
            break  # units 1..u, all comment-like, could not lift the score to a better start
        first, last = units[u]
        like = is_comment_like(" ".join(lines[first : last + 1]))
        score += _COMMENT_GAIN if like else -_OTHER_COST
        comments += like
        if score > 0 and score >= best_score and comments >= _MIN_COMMENT_RUN:
            best_score, best_start, run_comments = score, u, comments
    if best_start < 0 or run_comments < _MIN_COMMENT_RUN:
        return
    if all(
        is_comment_like(" ".join(lines[first : last + 1])) for first, last in units[:best_start]
    ):
        return  # nothing but comments: this is not an article with a comment tail
    for j in range(units[best_start][0], len(lines)):
        if kinds[j] in (None, "furniture") or not lines[j].strip():
            kinds[j] = "comments"


def _paragraph_units(lines: list[str], kinds: list[str | None]) -> list[tuple[int, int]]:
    """Paragraphs as ``(first line, last line)``: blank-line blocks when hard-wrapped,
    single lines when the text puts one paragraph per line."""
    blocks: list[list[int]] = []
    current: list[int] = []
    for i, line in enumerate(lines):
        if kinds[i] is not None:
            continue
        if line.strip():
            current.append(i)
        elif current:
            blocks.append(current)
            current = []
    if current:
        blocks.append(current)
    units: list[tuple[int, int]] = []
    for block in blocks:
        inner = block[:-1]
        open_ends = sum(1 for i in inner if not re.search(r"[.!?:;\"”’)…]\s*$", lines[i]))
        if inner and open_ends > len(inner) / 2:  # hard-wrapped prose: the block is a paragraph
            units.append((block[0], block[-1]))
        else:
            units.extend((i, i) for i in block)
    return units


def is_comment_like(paragraph: str) -> bool:
    """True for a paragraph that reads like a reader (or spam) comment on a blog post."""
    unquoted = _QUOTED.sub(" ", paragraph.replace("’", "'")).lower()
    addressed = bool(_YOU.search(_THANK_YOU.sub(" ", unquoted)))
    if _REPORTING.search(unquoted) and not addressed:
        return False  # third-person reporting: article prose
    if _COMMENT_STOCK.search(unquoted):
        return True
    warm = _WARM.search(unquoted) or _I.search(unquoted)
    return bool(addressed and warm and _SITE.search(unquoted))


def _mark_trailing_bylines(lines: list[str], kinds: list[str | None]) -> None:
    patterns = [re.compile(p, re.IGNORECASE) for p in TRAILING_BYLINE_PATTERNS]
    for i in range(len(lines) - 1, -1, -1):
        if kinds[i] is not None or not lines[i].strip():
            continue
        core = lines[i].strip()
        if len(core) <= 2 * _MAX_BYLINE_CHARS and any(rx.fullmatch(core) for rx in patterns):
            kinds[i] = "byline"
            continue
        return


def _mark_leading_bylines(lines: list[str], kinds: list[str | None]) -> list[int]:
    """Mark byline lines among the first few lines (a headline may stand above them)."""
    patterns = [re.compile(p, re.IGNORECASE) for p in LEADING_BYLINE_PATTERNS]
    marked: list[int] = []
    seen = 0
    for i, line in enumerate(lines):
        if kinds[i] is not None or not line.strip():
            continue
        core = line.strip()
        seen += 1
        if seen > _MAX_BYLINE_LINES:
            break
        if len(core) <= _MAX_BYLINE_CHARS and (
            any(rx.fullmatch(core) for rx in patterns) or _is_by_line(core)
        ):
            kinds[i] = "byline"
            marked.append(i)
    return marked


def _is_by_line(line: str) -> bool:
    """``By Jane Doe, Associated Press`` / ``By JANE DOE | Reuters``: names, not a sentence."""
    match = re.match(r"by\s+(.+?)[\s,.:;]*$", line, re.IGNORECASE)
    if not match or not line[:1].isupper():
        return False
    tokens = re.findall(r"[^\s,|/]+|[,|/]", match.group(1))
    if not tokens or len(tokens) > 16:
        return False
    names = 0
    for token in tokens:
        if token.lower() in _BYLINE_CONNECTORS:
            continue
        if token[:1].isupper() or re.fullmatch(r"[A-Z]\.", token):
            names += 1
            continue
        return False
    return names >= 1 and tokens[0].lower() not in _BYLINE_CONNECTORS


def _byline_author(line: str) -> str | None:
    """The writer's name in a leading byline: ``By Jane Doe, AP`` -> ``Jane Doe``."""
    match = re.match(r"\s*(?:\w+\s+)?by\s+(.+)", line, re.IGNORECASE)
    if not match:
        return None
    name = re.split(r"\s*(?:[,|/;(]|\s[-\u2013\u2014]\s|\s(?:via|for|of)\s)", match.group(1))[0]
    name = name.strip(" .:")
    return name if 0 < len(name) <= 80 and not name.lower().startswith("the ") else None
