"""JSON Lines (``provenance.ingest.formats.jsonl``), also gzip-compressed."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from provenance.config import Settings
from support.format_samples import BRIDGE, BRIDGE_COPY, read_with, reasons
from support.ingest_files import ARTICLE, jsonl, only, read, reason_for, write


def test_jsonl_records_and_bad_lines(tmp_path: Path) -> None:
    write(
        tmp_path / "feed.jsonl",
        jsonl(
            {"id": "a1", "text": "First article text.", "title": "One", "date": "2025-11-11"},
            '{"id": "broken", "text": ',
            {"text": "No id: the line number is used.", "url": "https://e.com/2"},
            "",
            [1, 2, 3],
            {"id": "c", "body": "wrong field"},
            {"id": 7, "text": "Integer id."},
        ),
    )
    docs, skipped = read(tmp_path / "feed.jsonl")
    assert [d.id for d in docs] == ["feed.jsonl#3", "feed.jsonl#7", "feed.jsonl#a1"]
    by_id = {d.id: d for d in docs}
    first = by_id["feed.jsonl#a1"]
    assert (first.text, first.title, first.date, first.format) == (
        "First article text.",
        "One",
        "2025-11-11",
        "jsonl",
    )
    assert first.path.endswith("feed.jsonl:1")
    assert by_id["feed.jsonl#3"].url == "https://e.com/2"
    assert [s.path.rsplit("/", 1)[-1] for s in skipped] == [
        "feed.jsonl:2",
        "feed.jsonl:5",
        "feed.jsonl:6",
    ]
    assert "malformed JSON" in skipped[0].reason
    assert "not a JSON object" in skipped[1].reason
    assert "'text'" in skipped[2].reason and "jsonl_text_field" in skipped[2].reason


def test_jsonl_custom_fields(tmp_path: Path) -> None:
    write(tmp_path / "f.jsonl", jsonl({"key": "k1", "body": "Body text.", "headline": "H"}))
    settings = Settings(jsonl_id_field="key", jsonl_text_field="body", jsonl_title_field="headline")
    doc = only(*read(tmp_path / "f.jsonl", settings=settings))
    assert (doc.id, doc.text, doc.title) == ("f.jsonl#k1", "Body text.", "H")


def test_jsonl_id_is_never_a_path(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    write(tmp_path / "secret.txt", "must not be read")
    write(tmp_path / "data" / "f.jsonl", jsonl({"id": "../secret.txt", "text": "Record text."}))
    doc = only(*read(tmp_path / "data"))
    assert doc.id == "f.jsonl#..%2Fsecret.txt"
    assert doc.text == "Record text."
    assert not (tmp_path / "data" / "f.jsonl#..").exists()


def test_gzipped_jsonl_is_skipped(tmp_path: Path) -> None:
    write(tmp_path / "z.jsonl", b"\x1f\x8b\x08\x00rest")
    docs, skipped = read(tmp_path / "z.jsonl")
    assert docs == []
    assert "gzip" in reason_for(skipped, "z.jsonl")


@pytest.mark.parametrize("content", [b"", b"\n", b"  \r\n\t\n"])
def test_empty_jsonl_is_skipped_with_a_reason(tmp_path: Path, content: bytes) -> None:
    """An empty JSON Lines file is named and skipped, not dropped without a word."""
    write(tmp_path / "none.jsonl", content)
    write(tmp_path / "one.txt", ARTICLE)
    docs, skipped = read(tmp_path)
    assert [d.id for d in docs] == ["one.txt"]
    assert "no JSON records" in reason_for(skipped, "none.jsonl")


def test_jsonl_gz(tmp_path: Path) -> None:
    lines = [{"id": "a", "text": BRIDGE, "date": "2024-01-01"}, {"id": "b", "text": BRIDGE_COPY}]
    data = "".join(json.dumps(r) + "\n" for r in lines).encode()
    (tmp_path / "feed.jsonl.gz").write_bytes(gzip.compress(data))
    docs, skipped = read_with(tmp_path)  # found by walking the folder
    assert skipped == []
    assert [(d.id, d.path, d.date) for d in docs] == [
        ("feed.jsonl.gz#a", f"{tmp_path}/feed.jsonl.gz:1", "2024-01-01"),
        ("feed.jsonl.gz#b", f"{tmp_path}/feed.jsonl.gz:2", None),
    ]


def test_one_long_line_in_jsonl_gz_is_skipped_in_bounded_memory(tmp_path: Path) -> None:
    import random

    rng = random.Random(5)
    words = BRIDGE.split()  # varied, so the file is not cut off as a bomb first
    line = json.dumps({"text": " ".join(rng.choice(words) for _ in range(100_000))}) + "\n"
    good = json.dumps({"id": "g", "text": BRIDGE}) + "\n"
    (tmp_path / "long.jsonl.gz").write_bytes(gzip.compress((line + good).encode()))
    docs, skipped = read_with(tmp_path / "long.jsonl.gz", max_document_chars=100_000)
    assert [d.id for d in docs] == ["long.jsonl.gz#g"]
    assert "too large" in reasons(skipped)[f"{tmp_path}/long.jsonl.gz:1"]
