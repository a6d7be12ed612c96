"""``store.atomic``: a file is replaced whole or not at all; a transaction commits whole."""

from __future__ import annotations

import errno
import os
import sqlite3
import stat
from pathlib import Path
from typing import BinaryIO

import pytest

from provenance.store import atomic


def _full_disk_after(monkeypatch: pytest.MonkeyPatch, limit: int) -> None:
    """``os.write`` to a temporary file of ``atomic`` fails with ENOSPC past ``limit`` bytes."""
    real_write = os.write
    written: dict[int, int] = {}

    def write(fd: int, data: bytes | memoryview) -> int:
        if Path(f"/proc/self/fd/{fd}").readlink().name.endswith(".tmp"):
            done = written.get(fd, 0)
            if done + len(data) > limit:
                room = limit - done
                if room <= 0:
                    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
                data = data[:room]
            written[fd] = done + len(data)
        return real_write(fd, data)

    monkeypatch.setattr(atomic.os, "write", write)


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def test_writes_a_new_file(tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    atomic.write_text(target, "{}\nnaïve\n")
    assert target.read_bytes() == "{}\nnaïve\n".encode()
    assert _leftovers(tmp_path) == []


def test_new_file_gets_the_umask_mode(tmp_path: Path) -> None:
    old = os.umask(0o027)
    try:
        atomic.write_text(tmp_path / "a.txt", "x")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "a.txt").stat().st_mode) == 0o640


def test_replacing_keeps_the_old_mode(tmp_path: Path) -> None:
    target = tmp_path / "out.html"
    target.write_text("old", encoding="utf-8")
    target.chmod(0o604)
    atomic.write_text(target, "new")
    assert target.read_text(encoding="utf-8") == "new"
    assert stat.S_IMODE(target.stat().st_mode) == 0o604


@pytest.mark.parametrize("limit", [0, 10, 70_000])
def test_full_disk_leaves_the_old_file_and_no_temporary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, limit: int
) -> None:
    target = tmp_path / "trace.json"
    old = b'{"version": 1, "old": true}\n'
    target.write_bytes(old)
    _full_disk_after(monkeypatch, limit)
    with pytest.raises(OSError) as caught:
        atomic.write_text(target, "x" * 100_000)
    assert caught.value.errno == errno.ENOSPC
    assert caught.value.filename == str(target)  # the target is named, not the temporary
    assert target.read_bytes() == old
    assert _leftovers(tmp_path) == []


def test_full_disk_on_a_new_file_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _full_disk_after(monkeypatch, 5)
    with pytest.raises(OSError):
        atomic.write_text(tmp_path / "new.json", "0123456789")
    assert list(tmp_path.iterdir()) == []


def test_fsync_error_leaves_the_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "baseline.json"
    target.write_text("old", encoding="utf-8")

    def fsync(fd: int) -> None:
        raise OSError(errno.EIO, os.strerror(errno.EIO))

    monkeypatch.setattr(atomic.os, "fsync", fsync)
    with pytest.raises(OSError) as caught:
        atomic.write_text(target, "new")
    assert caught.value.errno == errno.EIO
    assert target.read_text(encoding="utf-8") == "old"
    assert _leftovers(tmp_path) == []


def test_interrupt_removes_the_temporary(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "out.txt"
    target.write_text("old", encoding="utf-8")

    def write(fd: int, data: bytes) -> int:
        raise KeyboardInterrupt

    monkeypatch.setattr(atomic.os, "write", write)
    with pytest.raises(KeyboardInterrupt):
        atomic.write_text(target, "new")
    assert target.read_text(encoding="utf-8") == "old"
    assert _leftovers(tmp_path) == []


def test_a_link_is_followed_and_kept(tmp_path: Path) -> None:
    real = tmp_path / "real.json"
    real.write_text("old", encoding="utf-8")
    link = tmp_path / "link.json"
    link.symlink_to(real)
    atomic.write_text(link, "new")
    assert link.is_symlink()
    assert real.read_text(encoding="utf-8") == "new"


def test_a_device_is_written_in_place() -> None:
    if not Path("/dev/null").exists():
        pytest.skip("no /dev/null")
    atomic.write_text("/dev/null", "discarded")  # renaming over it would replace the device
    assert Path("/dev/null").is_char_device()


def test_a_full_device_says_so() -> None:
    if not Path("/dev/full").exists():
        pytest.skip("no /dev/full")
    with pytest.raises(OSError) as caught:
        atomic.write_text("/dev/full", "x")
    assert caught.value.errno == errno.ENOSPC


def test_a_missing_folder_is_an_oserror_naming_the_target(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError) as caught:
        atomic.write_text(tmp_path / "nope" / "out.json", "x")
    assert caught.value.filename == str(tmp_path / "nope" / "out.json")


def test_large_data_is_written_whole(tmp_path: Path) -> None:
    data = os.urandom(3 * (1 << 20) + 17)
    atomic.write_bytes(tmp_path / "big.bin", data)
    assert (tmp_path / "big.bin").read_bytes() == data


def test_write_with_streams_to_a_file_and_replaces_the_target(tmp_path: Path) -> None:
    target = tmp_path / "part.bin"
    target.write_bytes(b"old")
    atomic.write_with(target, lambda fh: [fh.write(b"x" * 1000) for _ in range(3)])
    assert target.read_bytes() == b"x" * 3000
    assert _leftovers(tmp_path) == []


def test_write_with_that_raises_leaves_the_old_file(tmp_path: Path) -> None:
    target = tmp_path / "part.bin"
    target.write_bytes(b"old")

    def half(fh: BinaryIO) -> None:
        fh.write(b"half of it")
        raise OSError(errno.EIO, os.strerror(errno.EIO))

    with pytest.raises(OSError) as caught:
        atomic.write_with(target, half)
    assert caught.value.filename == str(target)
    assert target.read_bytes() == b"old"
    assert _leftovers(tmp_path) == []


def _counter(tmp_path: Path) -> sqlite3.Connection:
    db = sqlite3.connect(tmp_path / "t.sqlite3", isolation_level=None)
    db.execute("CREATE TABLE t (n INTEGER)")
    return db


def test_transaction_commits_when_the_block_ends(tmp_path: Path) -> None:
    db = _counter(tmp_path)
    with atomic.transaction(db) as same:
        assert same is db and db.in_transaction
        db.execute("INSERT INTO t VALUES (1)")
    assert not db.in_transaction
    other = sqlite3.connect(tmp_path / "t.sqlite3")
    assert other.execute("SELECT n FROM t").fetchall() == [(1,)]


@pytest.mark.parametrize("error", [sqlite3.IntegrityError, KeyboardInterrupt])
def test_transaction_rolls_back_when_the_block_raises(
    tmp_path: Path, error: type[BaseException]
) -> None:
    db = _counter(tmp_path)
    with pytest.raises(error), atomic.transaction(db):
        db.execute("INSERT INTO t VALUES (1)")
        raise error
    assert not db.in_transaction
    assert db.execute("SELECT count(*) FROM t").fetchone() == (0,)
