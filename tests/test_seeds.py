"""The sample corpus tells the story a careful reader finds in it (the engine issue's
acceptance criteria), through the public API and through the README's command."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from provenance import TraceResult, trace
from provenance.cli import main

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
SHARED_SEEDS = ROOT.parent / "shared" / "seeds"
S0, S1, S2, S3, S4 = sorted(p.name for p in SEEDS.iterdir())


@pytest.fixture(scope="module")
def result() -> TraceResult:
    return trace([SEEDS])


def _between(result: TraceResult, a: str, b: str) -> list:  # type: ignore[type-arg]
    return [r for r in result.relations if {r.source, r.derived} == {a, b}]


@pytest.mark.skipif(not SHARED_SEEDS.is_dir(), reason="../shared/seeds not beside the project")
def test_seeds_are_the_shared_files_byte_for_byte() -> None:
    ours = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in SEEDS.iterdir()}
    theirs = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in SHARED_SEEDS.iterdir()}
    assert ours == theirs


def test_002_is_a_rewrite_of_000(result: TraceResult) -> None:
    (rel,) = _between(result, S0, S2)
    assert (rel.source, rel.derived) == (S0, S2)
    assert rel.kind == "rewrite"
    assert rel.direction == "source->derived"
    assert rel.coverage_derived >= 0.70
    assert rel.coverage_source >= 0.40


def test_001_and_003_are_partial_and_neither_copies_the_other(result: TraceResult) -> None:
    (rel,) = _between(result, S1, S3)
    assert rel.kind == "partial"
    assert rel.direction in {"common-source", "undetermined"}


def test_004_is_derived_from_nothing(result: TraceResult) -> None:
    for rel in result.relations:
        if S4 in (rel.source, rel.derived):
            assert rel.kind == "quotes", rel


def test_the_spam_tail_is_stripped_and_builds_nothing(result: TraceResult) -> None:
    doc = next(d for d in result.documents if d.id == S0)
    assert [s.kind for s in doc.stripped] == ["dateline", "comments"]
    assert doc.date == "2025-11-11"
    assert "Valuable info" not in doc.text
    assert doc.text.rstrip().endswith("a key Kremlin ally.")
    for rel in result.relations:
        for p in rel.passages:
            span = p.a if rel.source == S0 else p.b
            if S0 in (rel.source, rel.derived):
                assert span.end <= len(doc.text)


def test_front_matter_gives_001_its_date(result: TraceResult) -> None:
    doc = next(d for d in result.documents if d.id == S1)
    assert doc.date == "2025-11-11T01:07:21"
    assert doc.title is not None and doc.title.startswith("Breaking: Syria")


def test_the_readme_command_exits_0_and_tells_the_story() -> None:
    runner = CliRunner()
    out = runner.invoke(main, ["trace", str(SEEDS), "--format", "json"])
    assert out.exit_code == 0, out.output
    data = json.loads(out.stdout)
    kinds = {(r["source"], r["derived"]): (r["kind"], r["direction"]) for r in data["relations"]}
    assert kinds[(S0, S2)] == ("rewrite", "source->derived")
    text = runner.invoke(main, ["trace", str(SEEDS)])
    assert text.exit_code == 0
    assert "rewrite" in text.stdout and "siblings of a common source" in text.stdout


def test_a_reader_that_goes_away_gives_exit_141_and_no_traceback() -> None:
    import subprocess
    import sys

    proc = subprocess.Popen(
        [sys.executable, "-m", "provenance", "trace", str(SEEDS)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()  # like `| head` exiting before the report is written
    stderr = proc.stderr.read().decode()
    assert proc.wait(timeout=120) == 141, stderr
    assert "Traceback" not in stderr
