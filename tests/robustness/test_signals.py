"""SIGTERM and SIGINT stop a run cleanly (issue 15).

Each test starts the real command in a child process of its own session, waits (polling,
with a generous bound) until the moment of interest (worker processes exist; for
``index add``, the index is being filled), signals it, and checks: exit 143 (SIGTERM) or
130 (SIGINT), exactly one line on stderr and no traceback, no worker process left alive,
and no output or temporary file left behind.

SIGINT goes to the whole process group, as a terminal sends Ctrl-C: the workers get it too.
"""

from __future__ import annotations

import os
import random
import signal
import string
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

if not Path("/proc/self/stat").is_file():
    pytest.skip("needs /proc to find the worker processes", allow_module_level=True)

pytestmark = pytest.mark.slow

WAIT = 300.0
"""Bound on every wait (a loaded machine is slow; the tests do not measure time)."""

DOCUMENTS = 1500
"""Enough unrelated documents that reading and fingerprinting them on two workers lasts
seconds after the workers start."""


def _corpus(root: Path) -> Path:
    rng = random.Random(15)
    folder = root / "corpus"
    folder.mkdir()
    for k in range(DOCUMENTS):
        paragraphs = (
            " ".join(
                "".join(rng.choices(string.ascii_lowercase, k=rng.randint(3, 9))) for _ in range(60)
            )
            + "."
            for _ in range(6)
        )
        (folder / f"doc{k:04d}.txt").write_text("\n\n".join(paragraphs), encoding="utf-8")
    return folder


def _state(pid: int) -> tuple[str, int] | None:
    """A process's state letter and parent, or None once it is gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat.rsplit(")", 1)[1].split()
    return fields[0], int(fields[1])


def _alive(pid: int) -> bool:
    state = _state(pid)
    return state is not None and state[0] not in "ZX"


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            state = _state(int(entry.name))
            if state is not None and state[1] == pid and state[0] not in "ZX":
                found.append(int(entry.name))
    return found


def _poll(condition: Callable[[], object], what: str, proc: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + WAIT
    while not condition():
        if proc.poll() is not None:
            pytest.fail(f"the run ended (exit {proc.returncode}) before {what}")
        if time.monotonic() > deadline:
            pytest.fail(f"no {what} within {WAIT:.0f} s")
        time.sleep(0.02)


def _start(args: list[str], cwd: Path) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PROVENANCE_")}
    return subprocess.Popen(
        [sys.executable, "-m", "provenance", *args],
        cwd=cwd,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        start_new_session=True,  # its own process group, as a terminal's foreground job
    )


def _signal(proc: subprocess.Popen[bytes], signum: int) -> None:
    if signum == signal.SIGINT:
        os.killpg(proc.pid, signum)  # Ctrl-C: the whole group, workers included
    else:
        os.kill(proc.pid, signum)  # a supervisor stopping the main process


def _finish(proc: subprocess.Popen[bytes], workers: list[int]) -> tuple[str, str, list[int]]:
    """stdout, stderr and the workers still alive (killed afterwards, so none is left)."""
    try:
        proc.wait(timeout=WAIT)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        pytest.fail("the run did not stop after the signal")
    left = [pid for pid in workers if _alive(pid)]
    for pid in left:
        os.kill(pid, signal.SIGKILL)
    # read only now: an orphaned worker holding the pipes would block a reader
    assert proc.stdout is not None and proc.stderr is not None
    out = proc.stdout.read().decode("utf-8", "replace")
    err = proc.stderr.read().decode("utf-8", "replace")
    return out, err, left


SIGNALS = [
    pytest.param(signal.SIGTERM, 143, id="SIGTERM"),
    pytest.param(signal.SIGINT, 130, id="SIGINT"),
]

COMMANDS = {
    "trace": ["trace", "corpus", "--workers", "2", "--no-cache", "-q", "--format", "json"],
    "check": ["check", "corpus", "--workers", "2", "-q", "--format", "json"],
}


@pytest.mark.parametrize(("signum", "code"), SIGNALS)
@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_a_signal_stops_the_workers_and_says_so(
    command: str, signum: int, code: int, tmp_path: Path
) -> None:
    _corpus(tmp_path)
    proc = _start([*COMMANDS[command], "-o", "out.json"], tmp_path)
    _poll(lambda: len(_children(proc.pid)) >= 2, "worker processes", proc)
    workers = _children(proc.pid)
    _signal(proc, signum)
    out, err, left = _finish(proc, workers)
    print(f"exit {proc.returncode}\n--- stderr ---\n{err[-5000:]}\n--- stdout ---\n{out[:2000]}")

    assert proc.returncode == code
    assert "Traceback" not in err
    lines = [line for line in err.splitlines() if line.strip()]
    name = signal.Signals(signum).name
    assert lines == [f"provenance: interrupted ({name}); no output written"]
    assert not left, f"worker processes {left} outlived the run"
    assert not out
    leftovers = sorted(p.name for p in tmp_path.iterdir() if p.name != "corpus")
    assert not leftovers, f"files left behind: {leftovers}"


@pytest.mark.parametrize(("signum", "code"), SIGNALS)
def test_a_signal_stops_index_add_keeping_what_was_stored(
    signum: int, code: int, tmp_path: Path
) -> None:
    _corpus(tmp_path)
    index = tmp_path / "sources.db"
    proc = _start(["index", "add", "corpus", "--index", "sources.db", "-q"], tmp_path)
    # the index is created once every input is read, then filled one document at a time
    _poll(index.exists, "index file", proc)
    time.sleep(0.5)  # not needed for correctness: lets some documents be stored first
    _signal(proc, signum)
    out, err, left = _finish(proc, _children(proc.pid))
    print(f"exit {proc.returncode}\n--- stderr ---\n{err[-5000:]}\n--- stdout ---\n{out[:2000]}")

    assert proc.returncode == code
    assert "Traceback" not in err
    lines = [line for line in err.splitlines() if line.strip()]
    name = signal.Signals(signum).name
    assert lines == [
        f"provenance: interrupted ({name}); what was stored before stays in sources.db"
    ]
    assert not left
    stats = subprocess.run(
        [sys.executable, "-m", "provenance", "index", "stats", "--index", "sources.db"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert stats.returncode == 0, stats.stderr
    assert "integrity: ok" in stats.stdout, stats.stdout
