"""``provenance trace`` (``provenance.cli.trace``).

Most tests replace the engine with a fake (``provenance.pipeline.trace``, see ``cli.runner``)
so they check the command line alone; the others run the real engine on ``seeds/``."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from provenance.models import Skipped
from support.cli_runner import SEEDS, TEXT_A, FakeEngine, expect, fake_result, run


def test_trace_needs_a_path() -> None:
    result = run(["trace"])
    expect(result, 2)
    assert "Missing argument 'PATHS...'" in result.stderr


def test_nonexistent_path(engine: FakeEngine, tmp_path: Path) -> None:
    result = run(["trace", str(tmp_path / "missing")])
    expect(result, 2)
    assert "does not exist" in result.stderr
    assert not engine.calls


def test_include_text_needs_json(engine: FakeEngine, corpus: Path) -> None:
    result = run(["trace", str(corpus), "--include-text"])
    expect(result, 2)
    assert "--include-text only applies to --format json" in result.stderr


def test_clean_run_exits_0_and_says_nothing_on_stderr(engine: FakeEngine, corpus: Path) -> None:
    result = run(["trace", str(corpus)])
    expect(result, 0)
    assert result.stderr == ""
    assert result.stdout.startswith("1. a.txt “Budget approved” → b.txt")
    assert result.stdout.endswith("\n2 documents, 1 related pair: 1 rewrite; 1 family\n")
    assert engine.calls[0]["paths"] == [str(corpus)]
    assert engine.calls[0]["stdin"] is None
    assert engine.calls[0]["progress"] is None  # stderr is not a terminal here


def test_nothing_to_trace(engine: FakeEngine, corpus: Path) -> None:
    engine.result = fake_result(documents=0, skipped=[Skipped(path="a.txt", reason="empty")])
    result = run(["trace", str(corpus)])
    expect(result, 2)
    assert "skipped a.txt: empty" in result.stderr
    assert "nothing to trace: no readable documents" in result.stderr
    assert ".txt" in result.stderr
    assert result.stdout == ""


def test_stdin_is_read_once_and_passed_as_bytes(engine: FakeEngine) -> None:
    text = "Ünïcode article read from a pipe.\n"
    result = run(["trace", "-"], input=text.encode("utf-8"))
    expect(result, 0)
    assert engine.calls[0]["paths"] == ["-"]
    assert engine.calls[0]["stdin"] == text.encode("utf-8")


def test_json_to_stdout(engine: FakeEngine, corpus: Path) -> None:
    result = run(["trace", str(corpus), "--format", "json"])
    expect(result, 0)
    data = json.loads(result.stdout)
    assert list(data) == ["version", "documents", "relations", "clusters", "families", "skipped"]
    assert "text" not in data["documents"][0]
    assert result.stdout.endswith("}\n")


def test_json_with_text(engine: FakeEngine, corpus: Path) -> None:
    result = run(["trace", str(corpus), "--format", "json", "--include-text"])
    expect(result, 0)
    assert json.loads(result.stdout)["documents"][0]["text"] == TEXT_A


def test_passages_and_all(engine: FakeEngine, corpus: Path) -> None:
    with_table = run(["trace", str(corpus), "--passages", "1"])
    without = run(["trace", str(corpus), "--passages", "0", "--all"])
    expect(with_table, 0)
    expect(without, 0)
    assert "similarity 0.90" in with_table.stdout
    assert "similarity" not in without.stdout
    expect(run(["trace", str(corpus), "--passages", "-1"]), 2)


def test_documents_flag_lists_every_document(engine: FakeEngine, corpus: Path) -> None:
    summary = run(["trace", str(corpus)])
    expect(summary, 0)
    assert "Read 2 documents: 2 plain text; 2 with a title, 0 dated" in summary.stdout
    assert not any(line.startswith("a.txt ") for line in summary.stdout.splitlines())
    listed = run(["trace", str(corpus), "--documents"])
    expect(listed, 0)
    assert "Read 2 documents" not in listed.stdout
    row = next(line for line in listed.stdout.splitlines() if line.startswith("a.txt "))
    assert "Budget approved" in row


def test_seeds_text() -> None:
    result = run(["trace", str(SEEDS)])
    expect(result, 0)
    assert result.stdout.startswith("1. 000_7921b6987635c44f.txt → 002_7a0d0bc65cea2214.txt")
    assert result.stdout.splitlines()[-1].startswith("5 documents, 4 related pairs: ")


def test_seeds_json_keys_in_order() -> None:
    result = run(["trace", str(SEEDS), "--format", "json", "-q"])
    expect(result, 0)
    data = json.loads(result.stdout)
    assert list(data) == ["version", "documents", "relations", "clusters", "families", "skipped"]
    assert len(data["documents"]) == 5
    assert list(data["documents"][0]) == [
        "id",
        "path",
        "title",
        "date",
        "chars",
        "stripped",
        "agency",
        "wire_copy",
        "derived_from",
    ]
    for relation in data["relations"]:
        assert list(relation) == [
            "source",
            "derived",
            "kind",
            "direction",
            "confidence",
            "score",
            "direction_reason",
            "coverage",
            "passages",
        ]
    assert data["skipped"] == []


def test_stage_dir_of_another_corpus_is_a_usage_error(tmp_path: Path) -> None:
    stage = str(tmp_path / "stages")
    expect(run(["trace", str(SEEDS), "-q", "--no-cache", "--stage-dir", stage]), 0)
    first, second = sorted(p for p in SEEDS.iterdir() if p.suffix == ".txt")[:2]
    result = run(["trace", str(first), str(second), "-q", "--stage-dir", stage])
    expect(result, 2)
    assert "another corpus" in result.stderr


def test_seeds_json_to_file(tmp_path: Path) -> None:
    target = tmp_path / "trace.json"
    result = run(["trace", str(SEEDS), "--format", "json", "-o", str(target)])
    expect(result, 0)
    assert result.stdout == ""
    assert [p.name for p in tmp_path.iterdir()] == ["trace.json"]
    assert len(json.loads(target.read_text(encoding="utf-8"))["documents"]) == 5


def test_folder_without_documents(tmp_path: Path) -> None:
    (tmp_path / "photo.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    (tmp_path / "table.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    result = run(["trace", str(tmp_path)])
    expect(result, 2)
    assert "nothing to trace" in result.stderr or "no readable" in result.stderr


def test_binary_file_among_good_ones_is_skipped(tmp_path: Path) -> None:
    folder = tmp_path / "corpus"
    shutil.copytree(SEEDS, folder)
    binary = folder / "999_image.txt"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8)
    result = run(["trace", str(folder), "--format", "json"])
    expect(result, 3)
    assert "999_image.txt" in result.stderr
    assert result.stderr.splitlines()[-1] == "1 input skipped"
    data = json.loads(result.stdout)
    assert len(data["documents"]) == 5
    assert [Path(s["path"]).name for s in data["skipped"]] == ["999_image.txt"]


def test_stdin_with_text() -> None:
    article = (SEEDS / "002_7a0d0bc65cea2214.txt").read_bytes()
    result = run(
        ["trace", "-", str(SEEDS / "000_7921b6987635c44f.txt"), "--format", "json"], input=article
    )
    expect(result, 0)
    data = json.loads(result.stdout)
    assert len(data["documents"]) == 2
    assert max(d["chars"] for d in data["documents"]) > 0
