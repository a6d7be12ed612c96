"""``engine.pool``: worker pools whose results come in order, that stop at once when asked,
and signals turned into ``Interrupted`` while ``interruptible`` is on."""

from __future__ import annotations

import os
import signal
import time

import pytest

from provenance.engine import pool
from provenance.errors import Interrupted


def _square(n: int) -> int:
    return n * n


def _sleep(seconds: float) -> float:
    time.sleep(seconds)
    return seconds


def test_map_on_gives_the_results_in_order_whatever_the_chunks() -> None:
    workers = pool.start(2)
    try:
        for size in (1, 3, 50):
            assert list(pool.map_on(workers, _square, range(20), chunksize=size)) == [
                n * n for n in range(20)
            ]
    finally:
        pool.stop(workers, now=False)


def test_stop_now_terminates_busy_workers_without_waiting_for_them() -> None:
    workers = pool.start(2)
    results = pool.map_on(workers, _sleep, [60.0] * 4)
    time.sleep(0.5)  # the workers have started and are sleeping
    processes = list(workers._processes.values())  # the pool has no public handle on them
    assert processes
    start = time.monotonic()
    pool.stop(workers, now=True)
    assert time.monotonic() - start < 30  # not the 60 s of the chunks
    assert not any(p.is_alive() for p in processes)
    del results


@pytest.mark.skipif(not hasattr(signal, "pthread_kill"), reason="POSIX signals only")
@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_interruptible_turns_a_signal_into_interrupted_and_restores_handlers(
    signum: int,
) -> None:
    before = signal.getsignal(signum)
    with pytest.raises(Interrupted) as caught, pool.interruptible():
        os.kill(os.getpid(), signum)
        time.sleep(5)  # the handler raises before this ends
    assert caught.value.signum == signum
    assert signal.getsignal(signum) == before
