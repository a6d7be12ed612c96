"""trace(paths, settings) -> TraceResult: composes the stages and times each one."""
# placeholder: the engine is being written; the signature below is the contract.
from __future__ import annotations

import os
from collections.abc import Callable, Sequence

from provenance.config import Settings
from provenance.models import TraceResult

Progress = Callable[[str, int, int], None]


def trace(
    paths: Sequence[str | os.PathLike[str]],
    settings: Settings | None = None,
    *,
    stdin: bytes | None = None,
    progress: Progress | None = None,
) -> TraceResult:
    raise NotImplementedError
