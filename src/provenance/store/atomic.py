"""Writes that happen whole or not at all: files replaced atomically, SQLite transactions.

Every file provenance writes (``-o``, ``--html``, ``--graph``, ``--write-baseline``,
``report -o``, the stage files) goes through ``write_bytes`` (or ``write_text``, or
``write_with`` for data streamed to a file object): the data goes to a temporary file beside
the target, is flushed to disk (``fsync``), and only then renamed over the target
(``os.replace``), so a reader sees the old file or the new one, never half of one. On any
failure (a full disk, an I/O error) the temporary file is removed and the old file is left
as it was.

A target that exists and is not a regular file (``/dev/null``, ``/dev/stdout``, a FIFO)
cannot be renamed over: it is written directly. A symbolic link is followed, so the file it
points to is replaced and the link stays.

``transaction(db)`` is the one write transaction of the SQLite stores (the fingerprint
cache, the index): taken at once, committed whole, rolled back when the block raises.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import sqlite3
import stat
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO

__all__ = ["transaction", "write_bytes", "write_text", "write_with"]

_BLOCK = 1 << 20


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view[:_BLOCK])
        view = view[written:]


def _named(exc: OSError, path: Path) -> OSError:
    """``exc`` with the target as its file name (not the temporary file's)."""
    return type(exc)(exc.errno, exc.strerror or str(exc), str(path))


def write_bytes(path: str | os.PathLike[str], data: bytes) -> None:
    """Replace ``path`` with ``data`` atomically. Raises ``OSError`` (its ``filename`` the
    target) when it cannot; the target is then unchanged and no temporary file is left."""
    _replace(path, lambda fd: _write_all(fd, data))


def write_with(path: str | os.PathLike[str], write: Callable[[BinaryIO], object]) -> None:
    """``write_bytes`` of what ``write`` writes to the binary file it is given (streamed:
    for data not built in memory first, such as a NumPy archive)."""

    def fill(fd: int) -> None:
        with os.fdopen(fd, "wb", closefd=False) as fh:
            write(fh)

    _replace(path, fill)


def _replace(path: str | os.PathLike[str], fill: Callable[[int], None]) -> None:
    """Replace ``path`` with what ``fill`` writes to the file descriptor it is given."""
    target = Path(os.path.realpath(path))
    try:
        info: os.stat_result | None = target.stat()
    except FileNotFoundError:
        info = None
    except OSError as exc:
        raise _named(exc, Path(path)) from None
    if info is not None and not stat.S_ISREG(info.st_mode):
        _write_direct(target, fill, Path(path))
        return
    folder = target.parent
    while True:  # a fresh name; O_EXCL makes sure nobody else's file is reused
        temp = folder / f".{target.name}.{secrets.token_hex(4)}.tmp"
        try:
            # 0o666 less the umask, as a plain open() would create it
            fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o666)
            break
        except FileExistsError:
            continue
        except OSError as exc:
            raise _named(exc, Path(path)) from None
    try:
        try:
            if info is not None:  # keep the old file's permissions
                os.fchmod(fd, stat.S_IMODE(info.st_mode))
            fill(fd)
            os.fsync(fd)
        finally:
            os.close(fd)
        temp.replace(target)  # os.replace: atomic on POSIX, over an existing file too
    except BaseException as exc:
        with contextlib.suppress(OSError):
            temp.unlink()
        if isinstance(exc, OSError):
            raise _named(exc, Path(path)) from None
        raise
    _sync_folder(folder)


def _write_direct(target: Path, fill: Callable[[int], None], shown: Path) -> None:
    try:
        fd = os.open(target, os.O_WRONLY | os.O_TRUNC | os.O_CLOEXEC)
        try:
            fill(fd)
        finally:
            os.close(fd)
    except OSError as exc:
        raise _named(exc, shown) from None


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable (best effort: not every file system allows it)."""
    try:
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    except OSError:
        return
    try:
        with contextlib.suppress(OSError):
            os.fsync(fd)
    finally:
        os.close(fd)


def write_text(path: str | os.PathLike[str], text: str) -> None:
    """``write_bytes(path, text as UTF-8)``; newlines are written as they are (``\\n``)."""
    write_bytes(path, text.encode("utf-8"))


@contextlib.contextmanager
def transaction(db: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """One write transaction on ``db`` (opened with ``isolation_level=None``), taken at once
    (``BEGIN IMMEDIATE``: writers queue on the busy timeout instead of failing when a read
    lock cannot be upgraded), committed when the block ends, rolled back when it raises."""
    db.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        if db.in_transaction:
            db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")
