"""Types of the compiled kernels (``_kernels.c``); each documents the Python it stands in for."""

from collections.abc import Callable, Sequence

import numpy as np

INTERFACE: int

def has_unspaced(text: str, /) -> bool: ...
def paragraph_bounds(
    text: str,
    min_lines: int,
    min_lines_unbroken: int,
    max_ended_share: float,
    shortest: int,
    longest: int,
    /,
) -> list[int]: ...
def sentence_bounds(
    text: str,
    paragraphs: Sequence[int],
    abbreviations: frozenset[str],
    numbered: frozenset[str],
    /,
) -> list[int]: ...
def spaced_terms(
    text: str,
    bounds: Sequence[int],
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
