"""Gzip-compressed inputs (``.jsonl.gz``, ``.warc.gz``, ``.arc.gz``) read as bounded streams.

A few kilobytes of gzip can decompress to gigabytes (a "decompression bomb"), so what a
compressed file may decompress to is capped: at most ``max_decompression_ratio`` times its
compressed size, and never less than the size an uncompressed file may have
(``4 * max_document_chars`` bytes). Real text compresses 3-10 times; a bomb over 1,000 times.
Past the cap the stream raises :class:`DecompressionLimitError`, and the reader stops that file
with a message (the records read before it are kept).

Multi-member gzip (one member per record, as WARC writers make) is one stream here.
"""

from __future__ import annotations

import gzip
import io
import zlib
from typing import BinaryIO

from provenance.config import Settings
from provenance.errors import InputError

__all__ = ["GZIP_MAGIC", "CompressedError", "DecompressionLimitError", "open_gzip"]

GZIP_MAGIC = b"\x1f\x8b"
# A UTF-8 character takes at most 4 bytes: the bytes an uncompressed file may have.
_BYTES_PER_CHAR = 4


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
    return max(
        settings.max_document_chars * _BYTES_PER_CHAR + 4,
        compressed_size * settings.max_decompression_ratio,
    )


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
