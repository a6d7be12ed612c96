"""Writing outputs (``provenance.cli.output``): files only once the run has finished, plain
text in files, a failed write reported plainly with the old file left as it was."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from provenance.models import Skipped
from support.cli_runner import FakeEngine, expect, fake_result, run


def test_output_file_json(engine: FakeEngine, corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    target = out / "trace.json"
    result = run(["trace", str(corpus), "--format", "json", "-o", str(target)])
    expect(result, 0)
    assert result.stdout == ""
    assert [p.name for p in out.iterdir()] == ["trace.json"]  # nothing else created
    assert json.loads(target.read_text(encoding="utf-8"))["version"] == 1


def test_output_file_text_is_plain(engine: FakeEngine, corpus: Path, tmp_path: Path) -> None:
    target = tmp_path / "trace.txt"
    result = run(["trace", str(corpus), "-o", str(target)])
    expect(result, 0)
    assert result.stdout == ""
    text = target.read_text(encoding="utf-8")
    assert text.startswith("1. a.txt “Budget approved” → b.txt “Council backs budget”  rewrite")
    assert text.endswith("2 documents, 1 related pair: 1 rewrite; 1 family\n")
    assert "\x1b" not in text


def test_no_output_file_when_the_run_fails(
    engine: FakeEngine, corpus: Path, tmp_path: Path
) -> None:
    engine.result = fake_result(documents=0)
    target = tmp_path / "trace.json"
    expect(run(["trace", str(corpus), "--format", "json", "-o", str(target)]), 2)
    assert not target.exists()


def test_output_written_when_inputs_were_skipped(
    engine: FakeEngine, corpus: Path, tmp_path: Path
) -> None:
    engine.result = fake_result(skipped=[Skipped(path="x.txt", reason="empty")])
    target = tmp_path / "trace.json"
    result = run(["trace", str(corpus), "--format", "json", "-o", str(target)])
    expect(result, 3)
    assert json.loads(target.read_text(encoding="utf-8"))["skipped"][0]["path"] == "x.txt"


def test_write_failure_is_reported_plainly(
    engine: FakeEngine, corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from provenance.store import atomic

    def refuse(fd: int, data: bytes) -> int:
        raise OSError(28, "No space left on device")

    target = tmp_path / "trace.txt"
    target.write_text("the old report\n", encoding="utf-8")
    monkeypatch.setattr(atomic.os, "write", refuse)
    result = run(["trace", str(corpus), "-o", str(target)])
    expect(result, 2)
    assert "cannot write" in result.stderr
    assert "No space left on device (the old file is left as it was)" in result.stderr
    assert target.read_text(encoding="utf-8") == "the old report\n"
    assert not list(tmp_path.glob("*.tmp")) and not list(tmp_path.glob(".*.tmp"))  # none left
