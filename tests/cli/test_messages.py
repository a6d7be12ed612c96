"""Messages on stderr (``provenance.cli.messages``): each skipped input named with its reason,
then a count, whatever the format or ``-q``."""

from __future__ import annotations

import json
from pathlib import Path

from provenance.models import Skipped
from support.cli_runner import FakeEngine, expect, fake_result, run


def test_skipped_inputs_exit_3_and_are_named(engine: FakeEngine, corpus: Path) -> None:
    engine.result = fake_result(
        skipped=[
            Skipped(path="corpus/photo.txt", reason="binary file (not text); remove it"),
            Skipped(path="corpus/\x1b[31mevil.txt", reason="not UTF-8\x07"),
        ]
    )
    result = run(["trace", str(corpus)])
    expect(result, 3)
    assert result.stderr.splitlines() == [
        "skipped corpus/photo.txt: binary file (not text); remove it",
        "skipped corpus/\\x1b[31mevil.txt: not UTF-8",  # a name: escapes shown, not acted on
        "2 inputs skipped",
    ]
    assert "2 documents" in result.stdout  # the report is still printed


def test_skips_are_reported_with_quiet_and_json(engine: FakeEngine, corpus: Path) -> None:
    engine.result = fake_result(skipped=[Skipped(path="x.html", reason="empty")])
    result = run(["trace", str(corpus), "-q", "--format", "json"])
    expect(result, 3)
    assert result.stderr == "skipped x.html: empty\n1 input skipped\n"
    assert json.loads(result.stdout)["skipped"] == [{"path": "x.html", "reason": "empty"}]
