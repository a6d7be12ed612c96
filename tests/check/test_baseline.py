"""The baseline file (``provenance.check.baseline``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from provenance.check import baseline
from provenance.check.errors import CheckError

CASES = Path(__file__).resolve().parents[1] / "cases"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
        ('{"version": ' + "1" * 5000 + ', "findings": []}', "5,000 digits"),
        ('{"version": true, "findings": []}', "not a provenance baseline of version 1"),
        ('{"version": 1, "findings": [], "x": NaN}', "NaN is not a JSON number"),
    ],
)
def test_load_baseline_refuses_what_no_baseline_holds(
    tmp_path: Path, text: str, message: str
) -> None:
    path = tmp_path / "baseline.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CheckError, match=message) as caught:
        baseline.load_baseline(path)
    assert str(path) in str(caught.value)
