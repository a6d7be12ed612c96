"""``provenance.ingest``'s public entry point: ``read_inputs`` reads the same on workers."""

from __future__ import annotations

from pathlib import Path

import pytest

from provenance import ingest
from provenance.config import Settings

CASES = Path(__file__).resolve().parents[1] / "cases"


def test_ingest_on_workers_reads_the_same(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ingest, "_READ_CHUNK", 2)
    assert ingest.read_inputs([CASES], Settings(), workers=2) == ingest.read_inputs(
        [CASES], Settings()
    )
