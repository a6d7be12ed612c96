"""Shared by the store tests."""

from __future__ import annotations

import pytest

from provenance import fingerprint as fp
from provenance.config import Settings


@pytest.fixture
def computed(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts the documents fingerprinted from scratch."""
    counts: list[int] = []
    original = fp.fingerprint_table

    def counting(texts: list[str], s: Settings) -> fp.FingerprintTable:
        counts.append(len(texts))
        return original(texts, s)

    monkeypatch.setattr(fp, "fingerprint_table", counting)
    return counts
