"""Pools of worker processes that stop with the run, and signals turned into an exception.

``interruptible()`` (installed by the command line, never by library code on its own) makes
SIGINT and SIGTERM raise ``errors.Interrupted`` in the main thread, so every ``finally`` runs
and the run unwinds like any error: temporary files are removed and pools are stopped.

A worker ignores SIGINT (a Ctrl-C reaches the whole process group: the parent decides what
happens, and a worker printing its own ``KeyboardInterrupt`` traceback is noise) and dies of
SIGTERM. When the run ends by an exception, ``stop(pool, now=True)`` cancels what is queued
and terminates the workers instead of waiting for their chunks, so no worker outlives the run
holding its pipes. While a pool submits its work (and so forks its workers) an interrupt is
held back, so no worker is ever forked without the pool knowing it.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from typing import Any, TypeVar

from provenance.errors import Interrupted

__all__ = ["interruptible", "map_on", "start", "stop"]

_T = TypeVar("_T")
_R = TypeVar("_R")

_JOIN_SECONDS = 10.0
"""How long a terminated worker, then the pool's own thread, get to end."""

_SIGNALS = (signal.SIGINT, signal.SIGTERM)


class _State:
    owner: int | None = None
    """The process whose handlers raise (a forked child inherits them, not the role)."""
    held = 0
    pending: int | None = None
    stopping = False


def _handler(signum: int, _frame: object) -> None:
    if os.getpid() != _State.owner:  # a forked worker, before it set its own handlers
        if signum == signal.SIGTERM:
            signal.signal(signum, signal.SIG_DFL)
            os.kill(os.getpid(), signum)
        return
    if _State.stopping:  # already unwinding: let the clean-up finish
        return
    if _State.held:
        _State.pending = signum
        return
    _State.stopping = True
    raise Interrupted(signum)


@contextmanager
def interruptible() -> Iterator[None]:
    """Within it, SIGINT and SIGTERM raise ``Interrupted`` in the main thread (once: a second
    signal while the run unwinds is ignored). The previous handlers come back afterwards."""
    if _State.owner is not None or not hasattr(signal, "pthread_kill"):  # nested, or no POSIX
        yield
        return
    try:
        previous = {number: signal.signal(number, _handler) for number in _SIGNALS}
    except ValueError:  # not the main thread: nothing to install
        yield
        return
    _State.owner, _State.held, _State.pending, _State.stopping = os.getpid(), 0, None, False
    try:
        yield
    finally:
        for number, old in previous.items():
            signal.signal(number, old)
        _State.owner = None


@contextmanager
def _held() -> Iterator[None]:
    """An interrupt arriving inside is raised when it ends."""
    _State.held += 1
    try:
        yield
    finally:
        _State.held -= 1
        if not _State.held and _State.pending is not None and not _State.stopping:
            signum, _State.pending = _State.pending, None
            _State.stopping = True
            raise Interrupted(signum)


def _init(initializer: Callable[..., object] | None, initargs: tuple[Any, ...]) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if initializer is not None:
        initializer(*initargs)


def start(
    workers: int,
    *,
    initializer: Callable[..., object] | None = None,
    initargs: tuple[Any, ...] = (),
) -> ProcessPoolExecutor:
    """A pool of ``workers`` processes, forked where possible (so inputs are not copied)."""
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    return ProcessPoolExecutor(
        max_workers=workers,
        mp_context=multiprocessing.get_context(method),
        initializer=_init,
        initargs=(initializer, initargs),
    )


def _chunk(fn: Callable[[_T], _R], items: list[_T]) -> list[_R]:
    return [fn(item) for item in items]


def map_on(
    pool: ProcessPoolExecutor,
    fn: Callable[[_T], _R],
    items: Iterable[_T],
    *,
    chunksize: int = 1,
) -> Iterator[_R]:
    """``pool.map``: the results in order; every item submitted (the workers started) with
    interrupts held back. Unlike ``Executor.map`` it cancels nothing itself when its reader
    stops: ``stop(pool, now=True)`` does, in the pool's own thread (cancelling from here
    races with the pool's thread failing the same work when its workers are terminated)."""
    batch = list(items)
    with _held():
        futures = [
            pool.submit(_chunk, fn, batch[k : k + chunksize])
            for k in range(0, len(batch), chunksize)
        ]
    del batch
    return _results(futures)


def _results(futures: list[Future[list[_R]]]) -> Iterator[_R]:
    futures.reverse()
    while futures:  # popped, so a result is not kept once it is handed over
        yield from futures.pop().result()


def stop(pool: ProcessPoolExecutor, *, now: bool) -> None:
    """Shut ``pool`` down: after its work (``now=False``), or at once: queued work cancelled,
    the workers terminated (killed if they do not exit) and waited for, and the pool's own
    thread with them."""
    if not now:
        pool.shutdown()
        return
    # no public handles before Python 3.14 (terminate_workers), so the pool's own attributes
    thread: threading.Thread | None = getattr(pool, "_executor_manager_thread", None)
    results = getattr(pool, "_result_queue", None)
    processes = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    if results is not None:
        # A worker terminated while it sent a result leaves half a message in the pipe; with
        # this process's copy of the writing end closed, the pool's thread reading it gets
        # end-of-file once the workers are gone, instead of waiting forever for the rest.
        writer = getattr(results, "_writer", None)
        if writer is not None:
            writer.close()
    for process in processes:
        if process.is_alive():
            process.terminate()
    for process in processes:
        process.join(_JOIN_SECONDS)
        if process.is_alive():
            process.kill()
            process.join()
    if thread is not None:
        thread.join(_JOIN_SECONDS)
