"""``report.atomic``: an output file is replaced whole or not at all."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

import pytest

from provenance import strictjson
from provenance.report import atomic


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


# --- strictjson -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"a": NaN}', "NaN is not a JSON number"),
        ("[Infinity]", "Infinity is not a JSON number"),
        ("[-Infinity]", "-Infinity is not a JSON number"),
        ("[1e400]", "too large"),
        ("[" + "9" * 5000 + "]", "5,000 digits"),
        ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
        ('{"a": 1', "Expecting"),
    ],
)
def test_strictjson_refuses(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        strictjson.loads(text)


def test_strictjson_reads_what_json_reads() -> None:
    text = '{"a": [1, -2, 0.5, 1e308, "x", null, true], "b": ' + "7" * 4300 + "}"
    assert strictjson.loads(text) == {
        "a": [1, -2, 0.5, 1e308, "x", None, True],
        "b": int("7" * 4300),
    }
