"""``engine.local``: the same JSON whatever the number of worker processes."""

from __future__ import annotations

from pathlib import Path

import pytest

from provenance import pipeline
from provenance.config import Settings
from provenance.engine import local
from provenance.report import jsonout

CASES = Path(__file__).parent.parent / "cases"


def test_same_json_whatever_the_number_of_workers(monkeypatch: pytest.MonkeyPatch) -> None:
    # Small chunks, so the two-worker run really spreads work over processes.
    monkeypatch.setattr(local, "FINGERPRINT_CHUNK", 3)
    monkeypatch.setattr(local, "ALIGN_CHUNK", 2)
    one = jsonout.dumps(pipeline.trace([CASES], Settings(workers=1)))
    two = jsonout.dumps(pipeline.trace([CASES], Settings(workers=2)))
    assert one == two
    assert '"relations": []' not in one
