"""Small helpers shared by the stages that group and match integers: NumPy runs, and a
disjoint-set forest for grouping documents by pairs."""

from __future__ import annotations

import numpy as np


def ranks(sizes: np.ndarray) -> np.ndarray:
    """``0..size-1`` for each size, concatenated (int64): the position of each member of a
    run inside its run, when runs of these sizes are laid end to end."""
    total = int(sizes.sum())
    out: np.ndarray = np.arange(total, dtype=np.int64) - np.repeat(np.cumsum(sizes) - sizes, sizes)
    return out


def mix64(hashed: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Fold ``values`` into the running 64-bit hashes ``hashed`` (uint64, in place, and
    returned): xor, then one multiply-xorshift round, so the order of the folded columns
    matters."""
    hashed ^= values.astype(np.uint64, copy=False)
    hashed *= np.uint64(0xBF58476D1CE4E5B9)
    hashed ^= hashed >> np.uint64(31)
    return hashed


class Groups:
    """Disjoint sets of integers (documents), joined pair by pair; each group is named by
    its lowest member, so the grouping does not depend on the order of the joins."""

    def __init__(self) -> None:
        self.parent: dict[int, int] = {}

    def root(self, x: int) -> int:
        """The lowest member of ``x``'s group (``x`` itself if it was never joined)."""
        parent = self.parent
        while (up := parent.get(x, x)) != x:
            parent[x] = parent.get(up, up)  # halve the path
            x = up
        return x

    def join(self, a: int, b: int) -> None:
        ra, rb = self.root(a), self.root(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)
