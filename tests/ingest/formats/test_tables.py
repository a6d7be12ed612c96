"""Tables (``provenance.ingest.formats.tables``): CSV, TSV and Parquet, one document per row."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from support.format_samples import BRIDGE, BRIDGE_COPY, read_with, reasons, write_csv


def test_csv_with_id_column_and_bom(tmp_path: Path) -> None:
    write_csv(
        tmp_path / "t.csv",
        [
            ["id", "text", "date", "title"],
            ["x1", BRIDGE, "2024-01-01", "Bridge"],
            ["x2", BRIDGE_COPY, "", ""],
        ],
        bom=True,
    )
    docs, skipped = read_with(tmp_path / "t.csv")
    assert skipped == []
    assert [(d.id, d.path, d.date, d.title, d.format) for d in docs] == [
        ("t.csv#x1", f"{tmp_path}/t.csv:1", "2024-01-01", "Bridge", "csv"),
        ("t.csv#x2", f"{tmp_path}/t.csv:2", None, None, "csv"),
    ]
    assert docs[0].text.startswith("The city council")


def test_tsv_without_id_column_and_other_field_names(tmp_path: Path) -> None:
    write_csv(tmp_path / "t.tsv", [["body"], [BRIDGE], [BRIDGE_COPY]], delimiter="\t")
    docs, skipped = read_with(tmp_path / "t.tsv", jsonl_text_field="body")
    assert skipped == []
    assert [d.id for d in docs] == ["t.tsv#1", "t.tsv#2"]


def test_tables_are_not_walked_by_default(tmp_path: Path) -> None:
    write_csv(tmp_path / "prices.csv", [["item", "price"], ["tea", "2"]])
    assert read_with(tmp_path) == ([], [])


def test_csv_malformed_row_and_missing_column(tmp_path: Path) -> None:
    write_csv(
        tmp_path / "bad.csv",
        [["id", "text"], ["1", BRIDGE], ["2", "a", "extra"], ["3", BRIDGE_COPY]],
    )
    write_csv(tmp_path / "none.csv", [["id", "body"], ["1", BRIDGE]])
    docs, skipped = read_with(tmp_path / "bad.csv", tmp_path / "none.csv")
    assert [d.id for d in docs] == ["bad.csv#1", "bad.csv#3"]
    why = reasons(skipped)
    assert "malformed row: 3 cells where the header has 2" in why[f"{tmp_path}/bad.csv:2"]
    assert "no 'text' column (columns: 'id', 'body')" in why[f"{tmp_path}/none.csv"]


def test_csv_not_utf8_and_overlong_cell(tmp_path: Path) -> None:
    (tmp_path / "latin.csv").write_bytes(
        ("text\n" + BRIDGE.replace("council", "café") + "\n").encode("cp1252")
    )
    write_csv(tmp_path / "long.csv", [["text"], [BRIDGE], ["word " * 5000], [BRIDGE_COPY]])
    docs, skipped = read_with(
        tmp_path / "latin.csv", tmp_path / "long.csv", max_document_chars=10_000
    )
    assert [d.id for d in docs] == ["long.csv#1"]
    why = reasons(skipped)
    assert "not UTF-8" in why[f"{tmp_path}/latin.csv"]
    assert "stopped reading it after row 1" in why[f"{tmp_path}/long.csv"]


def test_parquet_with_and_without_id_column(tmp_path: Path) -> None:
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    pq.write_table(
        pa.table(
            {"id": [10, 11], "text": [BRIDGE, BRIDGE_COPY], "date": [dt.date(2024, 1, 1), None]}
        ),
        tmp_path / "with.parquet",
    )
    pq.write_table(
        pa.table({"text": [BRIDGE, None]}), tmp_path / "without.parquet", row_group_size=1
    )
    docs, skipped = read_with(tmp_path / "with.parquet", tmp_path / "without.parquet")
    assert [(d.id, d.date, d.format) for d in docs] == [
        ("with.parquet#10", "2024-01-01", "parquet"),
        ("with.parquet#11", None, "parquet"),
        ("without.parquet#1", None, "parquet"),
    ]
    assert "no 'text' text in the column" in reasons(skipped)[f"{tmp_path}/without.parquet:2"]


def test_parquet_missing_text_column_and_damaged_file(tmp_path: Path) -> None:
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    pq.write_table(pa.table({"body": [BRIDGE]}), tmp_path / "body.parquet")
    (tmp_path / "junk.parquet").write_bytes(b"PAR1 not really a parquet file")
    docs, skipped = read_with(tmp_path / "body.parquet", tmp_path / "junk.parquet")
    assert docs == []
    why = reasons(skipped)
    assert why[f"{tmp_path}/body.parquet"].startswith("no 'text' column (columns: 'body')")
    assert "not a readable Parquet file" in why[f"{tmp_path}/junk.parquet"]
