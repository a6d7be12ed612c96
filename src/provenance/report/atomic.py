"""Write an output file all at once, or not at all.

Every file provenance writes (``-o``, ``--html``, ``--graph``, ``--write-baseline``,
``report -o``) goes through ``write_text``: the data goes to a temporary file beside the target,
is flushed to disk (``fsync``), and only then renamed over the target (``os.replace``), so a
reader sees the old file or the new one, never half of one. On any failure (a full disk, an
I/O error) the temporary file is removed and the old file is left as it was.

A target that exists and is not a regular file (``/dev/null``, ``/dev/stdout``, a FIFO) cannot
be renamed over: it is written directly. A symbolic link is followed, so the file it points to
is replaced and the link stays.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import stat
from pathlib import Path

__all__ = ["write_bytes", "write_text"]

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
    target = Path(os.path.realpath(path))
    try:
        info: os.stat_result | None = target.stat()
    except FileNotFoundError:
        info = None
    except OSError as exc:
        raise _named(exc, Path(path)) from None
    if info is not None and not stat.S_ISREG(info.st_mode):
        _write_direct(target, data, Path(path))
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
            _write_all(fd, data)
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


def _write_direct(target: Path, data: bytes, shown: Path) -> None:
    try:
        fd = os.open(target, os.O_WRONLY | os.O_TRUNC | os.O_CLOEXEC)
        try:
            _write_all(fd, data)
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
