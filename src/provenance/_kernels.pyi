"""Types of the compiled kernels (``_kernels.c``); each documents the Python it stands in for."""

from collections.abc import Callable, Sequence
from typing import Protocol

import numpy as np

class _Span(Protocol):
    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...

def spaced_terms(
    text: str,
    spans: Sequence[_Span],
    memo: dict[str, str],
    new_term: Callable[[str], str],
    marks: bytes,
    /,
) -> list[list[str]] | None: ...
def units(
    per_sentence: Sequence[Sequence[str]], min_terms: int, /
) -> list[tuple[tuple[int, int], list[str]]]: ...
def minhash(
    units: Sequence[Sequence[str]],
    memo: dict[str, int],
    term_hash: Callable[[str], int],
    a: np.ndarray,
    b: np.ndarray,
    out: np.ndarray,
    /,
) -> None: ...
