"""Finishing a document (``provenance.ingest.document``): empty texts, stripping on or off,
the date, and ``Document.source_file``.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from provenance import trace
from provenance.config import Settings
from provenance.report import jsonout
from support.format_samples import write_csv, write_warc
from support.ingest_files import ARTICLE, jsonl, only, read, reason_for, write


@pytest.mark.parametrize("content", ["", "   \n\t\n  ", "\ufeff\n"])
def test_empty_files_are_skipped(tmp_path: Path, content: str) -> None:
    write(tmp_path / "empty.txt", content)
    docs, skipped = read(tmp_path / "empty.txt")
    assert docs == []
    assert "empty after extraction" in reason_for(skipped, "empty.txt")


def test_stripping_never_empties_a_document(tmp_path: Path) -> None:
    write(tmp_path / "furniture.txt", "Advertisement\nShare this article\n")
    doc = only(*read(tmp_path / "furniture.txt"))
    assert doc.text == "Advertisement\nShare this article"
    assert doc.stripped == ()


def test_date_read_from_wire_dateline(tmp_path: Path) -> None:
    write(tmp_path / "w.txt", "LONDON, Nov. 11, 2025 (Reuters) - Shares rose.")
    assert only(*read(tmp_path / "w.txt")).date == "2025-11-11"


def test_no_stripping_when_disabled(tmp_path: Path) -> None:
    text = " date 2025-11-11 Body.\nAdvertisement\nMore body."
    write(tmp_path / "n.txt", text)
    doc = only(*read(tmp_path / "n.txt", settings=Settings(strip_boilerplate=False)))
    assert doc.text == text
    assert doc.stripped == ()
    assert doc.date == "2025-11-11"


# --- the file a document came from --------------------------------------------------------


def test_source_file_is_the_file_read_for_every_format(tmp_path: Path) -> None:
    """``path`` is what the user sees (``file:LINE`` for a record); ``source_file`` is the file
    itself, for every format: records of JSON Lines and tables, and pages of web archives,
    get the file that holds them."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    write(tmp_path / "a.txt", ARTICLE)
    write(tmp_path / "b.md", "---\ntitle: B\n---\n" + ARTICLE)
    write(tmp_path / "c.html", f"<html><body><article><p>{ARTICLE}</p></article></body></html>")
    write(tmp_path / "d.jsonl", jsonl({"id": "1", "text": ARTICLE}, {"id": "2", "text": "Two."}))
    write(tmp_path / "e.jsonl.gz", gzip.compress(jsonl({"id": "1", "text": ARTICLE}).encode()))
    write_csv(tmp_path / "f.csv", [["id", "text"], ["1", ARTICLE], ["2", "Two."]])
    pq.write_table(pa.table({"id": ["1"], "text": [ARTICLE]}), tmp_path / "g.parquet")
    write_warc(tmp_path / "h.warc.gz", gz=True)
    tables = [tmp_path / "f.csv", tmp_path / "g.parquet"]  # not walked by default
    docs, skipped = read(tmp_path, *tables)
    assert not skipped, skipped
    files = {d.id: d.source_file for d in docs}
    assert files == {
        "a.txt": str(tmp_path / "a.txt"),
        "b.md": str(tmp_path / "b.md"),
        "c.html": str(tmp_path / "c.html"),
        "d.jsonl#1": str(tmp_path / "d.jsonl"),
        "d.jsonl#2": str(tmp_path / "d.jsonl"),
        "e.jsonl.gz#1": str(tmp_path / "e.jsonl.gz"),
        "f.csv#1": str(tmp_path / "f.csv"),
        "f.csv#2": str(tmp_path / "f.csv"),
        "g.parquet#1": str(tmp_path / "g.parquet"),
        "https://a.example/news/bridge": str(tmp_path / "h.warc.gz"),
        "https://b.example/story": str(tmp_path / "h.warc.gz"),
    }
    paths = {d.id: d.path for d in docs}
    assert paths["d.jsonl#2"] == f"{tmp_path}/d.jsonl:2"  # the display path is unchanged


def test_source_file_is_none_for_stdin_and_not_in_the_json(tmp_path: Path) -> None:
    [doc] = read("-", stdin=ARTICLE.encode())[0]
    assert (doc.path, doc.source_file) == ("<stdin>", None)
    write(tmp_path / "d.jsonl", jsonl({"id": "1", "text": ARTICLE}))
    result = trace([tmp_path / "d.jsonl"], Settings())
    assert result.documents[0].source_file == str(tmp_path / "d.jsonl")
    [shown] = json.loads(jsonout.dumps(result, include_text=True))["documents"]
    assert "source_file" not in shown
