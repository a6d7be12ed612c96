"""Fixtures of the command-line tests: the fake engine in place of ``pipeline.trace``, and a
two-document corpus."""

from __future__ import annotations

from pathlib import Path

import pytest

from provenance import pipeline
from support.cli_runner import TEXT_A, TEXT_B, FakeEngine, fake_result


@pytest.fixture
def engine(monkeypatch: pytest.MonkeyPatch) -> FakeEngine:
    fake = FakeEngine(fake_result())
    monkeypatch.setattr(pipeline, "trace", fake)
    return fake


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "a.txt").write_text(TEXT_A, encoding="utf-8")
    (folder / "b.txt").write_text(TEXT_B, encoding="utf-8")
    return folder
