"""Bytes to text: reading within limits, refusing binary files, detecting the encoding,
and decompressing gzip as a bounded stream.

**Limits.** A UTF-8 character takes at most ``BYTES_PER_CHAR_LIMIT`` bytes, so a file larger
than :func:`max_file_bytes` cannot hold a document within ``max_document_chars`` (HTML markup
included: generous on purpose); it is skipped unread (:func:`too_large` says why).

**Decoding** (:func:`decode_bytes`): refuse known binary formats by their magic number, honour
a BOM, then strict UTF-8, then UTF-16/32 without a BOM when the NUL-byte pattern says so, then
a legacy 8-bit encoding chosen with charset-normalizer (preferring Windows-1252 among equally
clean candidates, never Latin-1 when bytes 0x80-0x9F occur). Line endings become ``\\n``,
stray control characters go, and the text is NFC-normalised.

**Gzip** (``.jsonl.gz``, ``.warc.gz``, ``.arc.gz``; :func:`open_gzip`). A few kilobytes of
gzip can decompress to gigabytes (a "decompression bomb"), so what a compressed file may
decompress to is capped: at most ``max_decompression_ratio`` times its compressed size, and
never less than the size an uncompressed file may have. Real text compresses 3-10 times; a
bomb over 1,000 times. Past the cap the stream raises :class:`DecompressionLimitError`, and
the reader stops that file with a message (the records read before it are kept). Multi-member
gzip (one member per record, as WARC writers make) is one stream here.
"""

from __future__ import annotations

import codecs
import gzip
import io
import re
import unicodedata
import zlib
from typing import BinaryIO

import charset_normalizer

from provenance.config import Settings
from provenance.errors import InputError

__all__ = [
    "BINARY_SIGNATURES",
    "BYTES_PER_CHAR_LIMIT",
    "GZIP_MAGIC",
    "CompressedError",
    "DecompressionLimitError",
    "binary_reason",
    "check_length",
    "declared_charset",
    "decode_bytes",
    "max_file_bytes",
    "normalize_text",
    "open_gzip",
    "read_up_to",
    "too_large",
]

BYTES_PER_CHAR_LIMIT = 4
"""The most bytes a UTF-8 character takes: what a file may have per character of text."""


def max_file_bytes(settings: Settings) -> int:
    """The most bytes a file may have: more cannot be a document within
    ``max_document_chars`` (HTML markup included)."""
    return settings.max_document_chars * BYTES_PER_CHAR_LIMIT + 4


# --- reading within limits ------------------------------------------------------------------


def read_up_to(stream: BinaryIO, expected: int, most: int) -> bytes:
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


def too_large(size: str, settings: Settings) -> str:
    """Why an input of ``size`` is skipped, and what to do."""
    return (
        f"too large ({size}; max_document_chars is {settings.max_document_chars:,}); "
        "split it or raise max_document_chars"
    )


def check_length(text: str, settings: Settings, *, markup_factor: int = 1) -> None:
    """Raise ``InputError`` when ``text`` is longer than a document (or, ``markup_factor``
    times that, a page's markup) may be."""
    if len(text) > settings.max_document_chars * markup_factor:
        raise InputError("", too_large(f"{len(text):,} characters", settings))


# --- decoding -------------------------------------------------------------------------------

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


def declared_charset(data: bytes) -> str | None:
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


def binary_reason(head: bytes) -> str | None:
    """Why bytes starting with ``head`` are not text (a known binary format), or None."""
    for magic, what in BINARY_SIGNATURES:
        if head.startswith(magic):
            return f"binary file: {what}"
    return None


def normalize_text(text: str) -> str:
    """Text that arrived as a string (a JSON field, a table cell) made as ``decode_bytes``
    makes a file's: line breaks -> ``\\n``, control characters dropped, NFC."""
    return unicodedata.normalize("NFC", _CONTROL.sub("", _LINE_BREAKS.sub("\n", text)))


# --- gzip -----------------------------------------------------------------------------------

GZIP_MAGIC = b"\x1f\x8b"


class CompressedError(InputError):
    """A compressed input is truncated or damaged (``reason`` says which, ``advice`` what
    to do: the reader puts what it kept between them)."""

    def __init__(self, path: str, reason: str, advice: str) -> None:
        super().__init__(path, f"{reason}; {advice}")
        self.what = reason
        self.advice = advice


class DecompressionLimitError(CompressedError):
    """A compressed input decompressed past its cap."""


def decompressed_cap(compressed_size: int, settings: Settings) -> int:
    """How many bytes a compressed file of ``compressed_size`` bytes may decompress to."""
    return max(max_file_bytes(settings), compressed_size * settings.max_decompression_ratio)


def _corrupt_reason(exc: BaseException) -> str:
    """What a gzip reading error means to the user."""
    if isinstance(exc, EOFError):
        return "truncated gzip data (the file ends inside a compressed block)"
    detail = str(exc).strip() or type(exc).__name__
    return f"corrupt gzip data ({detail})"


class _Capped(io.RawIOBase):
    """The decompressed bytes of a gzip stream, raising past ``cap`` of them."""

    def __init__(self, inner: gzip.GzipFile, cap: int, display: str, settings: Settings) -> None:
        self._inner = inner
        self._cap = cap
        self._display = display
        self._settings = settings
        self._total = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        try:
            # read1: one step of decompression, so what came before damage is delivered
            data = self._inner.read1(len(buffer))
        # EOFError: truncated; zlib.error: damaged; BadGzipFile (an OSError): not gzip at all.
        # Raised as an InputError so that no reader above takes them for a clean end.
        except (EOFError, zlib.error, OSError) as exc:
            raise CompressedError(
                self._display, _corrupt_reason(exc), "fetch or compress it again"
            ) from exc
        count = len(data)
        buffer[:count] = data
        self._total += count
        if self._total > self._cap:
            raise DecompressionLimitError(
                self._display,
                f"decompresses to more than {self._cap:,} bytes (over "
                f"{self._settings.max_decompression_ratio} times its size: a decompression "
                "bomb, or a very repetitive file)",
                "raise max_decompression_ratio if the file is genuine",
            )
        return count

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        """Only a rewind to the start (to look at the first bytes again) is supported."""
        if offset != 0 or whence != io.SEEK_SET:
            raise io.UnsupportedOperation("a compressed stream can only be rewound")
        self._inner.seek(0)
        self._total = 0
        return 0

    def tell(self) -> int:
        return self._total

    def close(self) -> None:
        self._inner.close()
        super().close()


def open_gzip(raw: BinaryIO, compressed_size: int, display: str, settings: Settings) -> BinaryIO:
    """A buffered, capped stream of what ``raw`` (gzip bytes) decompresses to.

    Reading raises :class:`DecompressionLimitError` past the cap, and :class:`CompressedError`
    on damaged or truncated data.
    """
    inner = gzip.GzipFile(fileobj=raw, mode="rb")
    capped = _Capped(inner, decompressed_cap(compressed_size, settings), display, settings)
    return io.BufferedReader(capped, buffer_size=1 << 16)
