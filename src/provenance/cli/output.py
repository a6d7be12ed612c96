"""Writing what a command produces: output files (atomically), stdout, the HTML report and
graph export after a run, and the progress bars on stderr."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from provenance.cli.exits import WRITTEN, OutputError, broken_pipe
from provenance.cli.messages import oneline

if TYPE_CHECKING:
    from provenance.models import TraceResult


def before_writing(path: Path) -> str:
    """What a failed write leaves at ``path``, said before writing it."""
    if path.is_file():
        return " (the old file is left as it was)"
    return "" if path.exists() else " (nothing was written)"  # a device or FIFO: written in place


def cannot_write(path: Path, exc: OSError, *, left: str) -> OutputError:
    """The one-line error for an output that could not be written, and what became of it."""
    return OutputError(f"cannot write {oneline(str(path))}: {exc.strerror or exc}{left}")


def write_text(path: Path, data: str) -> None:
    """Write an output file atomically (``store.atomic``): on failure the old file stays."""
    from provenance.store import atomic

    left = before_writing(path)
    try:
        atomic.write_text(path, data)
    except OSError as exc:
        raise cannot_write(path, exc, left=left) from None
    WRITTEN.append(str(path))


@contextmanager
def stdout() -> Iterator[None]:
    """Writing the main output to stdout: a full disk or an I/O error behind it is one line
    and exit 2 (a reader that went away is still 141)."""
    WRITTEN.append("stdout")
    try:
        yield
        sys.stdout.flush()
    except BrokenPipeError:
        broken_pipe()
    except OSError as exc:
        # what is still buffered would fail again when Python flushes stdout at exit
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
        raise OutputError(f"cannot write to stdout: {exc.strerror or exc}") from None


def write_extras(
    result: TraceResult, *, html: Path | None, graph: Path | None, title: str | None
) -> None:
    """The HTML report and the graph export, after the run."""
    from provenance.report import graphexport
    from provenance.report import html as html_report

    for path in (html, graph):
        if path is None:
            continue
        left = before_writing(path)
        try:
            if path is html:
                html_report.write(result, path, title=title)
            else:
                graphexport.write(result, path)
        except OSError as exc:
            raise cannot_write(path, exc, left=left) from None
        WRITTEN.append(str(path))


# --- progress -------------------------------------------------------------------------------


@contextmanager
def progress_bars(enabled: bool) -> Iterator[Callable[[str, int, int], None] | None]:
    """A ``progress(stage, done, total)`` callback drawing rich bars on stderr, or ``None``."""
    if not enabled:
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    bars = Progress(
        TextColumn("{task.description:<12}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=True,
    )
    tasks: dict[str, Any] = {}

    def update(stage: str, done: int, total: int) -> None:
        if stage not in tasks:
            tasks[stage] = bars.add_task(oneline(stage), total=max(total, 0) or None)
        bars.update(tasks[stage], completed=done, total=max(total, 0) or None)

    with bars:
        yield update
