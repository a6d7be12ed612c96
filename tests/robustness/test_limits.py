"""Resource limits say when they are hit, and identical documents are never lost to them."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner
from nasty import ARTICLE, COPY

from provenance import cli, trace
from provenance.config import Settings

SEEDS = Path(__file__).resolve().parents[2] / "seeds"


def _corpus(tmp_path: Path, texts: dict[str, str]) -> Path:
    for name, text in texts.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    return tmp_path


def _three(tmp_path: Path) -> Path:
    return _corpus(
        tmp_path,
        {"a.txt": ARTICLE, "b.txt": COPY, "c.txt": ARTICLE + "\nA later update followed.\n"},
    )


def test_an_ordinary_corpus_hits_no_limit() -> None:
    assert trace([SEEDS]).notes == ()


def test_candidate_cap_is_reported(tmp_path: Path) -> None:
    folder = _three(tmp_path)
    full = trace([folder])
    assert full.notes == () and len(full.relations) == 3
    capped = trace([folder], Settings(max_candidates_per_document=1))
    assert len(capped.relations) < 3
    assert any("max_candidates_per_document (1)" in note for note in capped.notes)


def test_identical_documents_are_compared_past_crowded_buckets(tmp_path: Path) -> None:
    folder = _corpus(tmp_path, {f"{k}.txt": ARTICLE for k in range(5)})
    result = trace([folder], Settings(max_bucket_size=2))
    assert any("max_bucket_size (2)" in note for note in result.notes)
    assert [(r.source, r.derived) for r in result.relations] == [
        ("0.txt", f"{k}.txt") for k in range(1, 5)
    ]
    assert {r.kind for r in result.relations} == {"duplicate"}
    assert result.clusters == (tuple(f"{k}.txt" for k in range(5)),)


def test_sentence_pair_limit_skips_paraphrase_search_and_says_so(tmp_path: Path) -> None:
    folder = _corpus(tmp_path, {"a.txt": ARTICLE, "b.txt": COPY})
    full = trace([folder])
    limited = trace([folder], Settings(max_sentence_pairs=4))
    assert full.notes == ()
    assert any("max_sentence_pairs (4)" in note for note in limited.notes)
    kinds = {p.kind for r in limited.relations for p in r.passages}
    assert "paraphrase" not in kinds
    assert limited.relations, "verbatim and edited passages are still found"


def test_documents_too_short_for_a_passage_change_nothing(tmp_path: Path) -> None:
    folder = _corpus(tmp_path, {"a.txt": ARTICLE, "b.txt": COPY})
    before = trace([folder])
    for k in range(30):
        (folder / f"note{k}.txt").write_text(f"Bridge closed {k}.", encoding="utf-8")
    after = trace([folder])
    assert after.relations == before.relations
    assert len(after.documents) == 32


def test_notes_go_to_stderr_and_keep_exit_code_zero(tmp_path: Path) -> None:
    folder = _three(tmp_path)
    result = CliRunner().invoke(
        cli.main,
        ["trace", str(folder), "-q", "--format", "json", "--set", "max_candidates_per_document=1"],
    )
    print(result.stderr)
    assert result.exit_code == 0
    notes = [line for line in result.stderr.splitlines() if line.startswith("note: ")]
    assert len(notes) == 1 and "max_candidates_per_document" in notes[0]
    assert "max_candidates" not in result.stdout  # the JSON contract is unchanged
