"""Inputs users have beyond article files: web archives (WARC/ARC, gzip-compressed too),
gzip-compressed JSON Lines, and CSV/TSV/Parquet tables (issue 16).

The web-archive and determinism tests run the real command in a child process; the others
read through ``ingest.read_inputs``.
"""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import io
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from provenance import ingest
from provenance.config import Settings

ARTICLE = (
    "The city council voted on Tuesday to close the Hawthorne Street bridge to lorries after "
    "engineers found cracks in two of its steel supports during a routine inspection.\n\n"
    "Repairs are expected to take at least four months and to cost about 2.3 million pounds, "
    "according to a report presented to councillors at the meeting.\n\n"
    "Local businesses warned that the closure would add long detours to delivery routes on "
    "both sides of the river, and asked the council to publish a timetable for the work.\n\n"
    "The mayor said the safety of residents came first and that the bridge would reopen to "
    "all traffic as soon as the engineers were satisfied that the supports could carry the load."
)
COPY = ARTICLE.replace("on Tuesday", "this week").replace("about 2.3", "roughly 2.3")
SRC = str(Path(__file__).resolve().parents[1] / "src")


def page(title: str, text: str) -> bytes:
    paragraphs = "".join(f"<p>{p}</p>" for p in text.split("\n\n"))
    return (
        f"<!doctype html><html><head><title>{title}</title></head><body><article>"
        f"<h1>{title}</h1>{paragraphs}</article></body></html>"
    ).encode()


def write_warc(path: Path, *, gz: bool, pages: list[tuple[str, bytes, str]] | None = None) -> None:
    """Two HTML responses copying each other, a PNG response and a request record."""
    if pages is None:
        pages = [
            (
                "https://a.example/news/bridge",
                page("Bridge closed", ARTICLE),
                "2024-03-01T10:00:00Z",
            ),
            ("https://b.example/story", page("Council shuts bridge", COPY), "2024-03-02T09:30:00Z"),
        ]
    with path.open("wb") as out:
        writer = WARCWriter(out, gzip=gz)
        for url, payload, date in pages:
            response(writer, url, payload, "text/html; charset=utf-8", date)
        response(
            writer,
            "https://a.example/logo.png",
            b"\x89PNG\r\n\x1a\n",
            "image/png",
            "2024-03-01T10:00:01Z",
        )
        request = writer.create_warc_record(
            "https://a.example/news/bridge",
            "request",
            payload=io.BytesIO(b"GET /news/bridge HTTP/1.1\r\nHost: a.example\r\n\r\n"),
            warc_headers_dict={"WARC-Date": "2024-03-01T10:00:00Z"},
        )
        writer.write_record(request)


def response(
    writer: WARCWriter, url: str, payload: bytes, content_type: str, date: str, **headers: str
) -> None:
    http = StatusAndHeaders(
        "200 OK", [("Content-Type", content_type), *headers.items()], protocol="HTTP/1.1"
    )
    record = writer.create_warc_record(
        url,
        "response",
        payload=io.BytesIO(payload),
        http_headers=http,
        warc_headers_dict={"WARC-Date": date},
    )
    writer.write_record(record)


def cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PROVENANCE_")}
    env["PYTHONPATH"] = SRC
    done = subprocess.run(
        [sys.executable, "-m", "provenance", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    print(f"exit {done.returncode}\n--- stdout ---\n{done.stdout}\n--- stderr ---\n{done.stderr}")
    assert "Traceback" not in done.stderr
    return done


def read(*paths: Path, **settings: Any) -> tuple[list[Any], list[Any]]:
    return ingest.read_inputs(list(paths), Settings(**settings))


def reasons(skipped: list[Any]) -> dict[str, str]:
    return {s.path: s.reason for s in skipped}


# --- web archives -----------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["crawl.warc", "crawl.warc.gz"])
def test_warc_traced_end_to_end(tmp_path: Path, name: str) -> None:
    write_warc(tmp_path / name, gz=name.endswith(".gz"))
    done = cli("trace", name, "--format", "json", "-q", cwd=tmp_path)
    assert done.returncode == 0
    trace = json.loads(done.stdout)
    documents = {d["id"]: d for d in trace["documents"]}
    assert sorted(documents) == ["https://a.example/news/bridge", "https://b.example/story"]
    assert documents["https://a.example/news/bridge"]["date"] == "2024-03-01T10:00:00+00:00"
    assert documents["https://b.example/story"]["date"] == "2024-03-02T09:30:00+00:00"
    assert documents["https://b.example/story"]["title"] == "Council shuts bridge"
    assert documents["https://a.example/news/bridge"]["path"] == f"{name}:1"
    assert trace["skipped"] == []  # the PNG response and the request pass without a word
    [relation] = trace["relations"]
    assert relation["source"] == "https://a.example/news/bridge"
    assert relation["derived"] == "https://b.example/story"


def test_warc_found_in_a_folder_and_recaptures_numbered(tmp_path: Path) -> None:
    """A URL captured in two archives is two documents: the first keeps the URL."""
    write_warc(tmp_path / "one.warc", gz=False)
    write_warc(tmp_path / "two.warc.gz", gz=True)
    docs, skipped = read(tmp_path)
    assert skipped == []
    assert [(d.id, d.path) for d in docs] == [
        ("https://a.example/news/bridge", f"{tmp_path}/one.warc:1"),
        ("https://a.example/news/bridge#2", f"{tmp_path}/two.warc.gz:1"),
        ("https://b.example/story", f"{tmp_path}/one.warc:2"),
        ("https://b.example/story#2", f"{tmp_path}/two.warc.gz:2"),
    ]
    assert {d.format for d in docs} == {"warc"}
    assert docs[0].url == "https://a.example/news/bridge"


def test_http_gzip_content_and_charset(tmp_path: Path) -> None:
    text = ARTICLE.replace("council", "conseil municipal é")
    payload = gzip.compress(page("Pont", text).decode().encode("cp1252"))
    with (tmp_path / "c.warc").open("wb") as out:
        writer = WARCWriter(out, gzip=False)
        response(
            writer,
            "https://c.example/",
            payload,
            "text/html; charset=windows-1252",
            "2024-01-01T00:00:00Z",
            **{"Content-Encoding": "gzip"},
        )
    docs, skipped = read(tmp_path / "c.warc")
    assert skipped == []
    assert "conseil municipal é" in docs[0].text


def test_arc_file(tmp_path: Path) -> None:
    http = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n" + page("Arc", ARTICLE)
    head = b"1 0 Provenance\nURL IP-address Archive-date Content-type Archive-length\n"
    arc = b"filedesc://x.arc 0.0.0.0 20240301100000 text/plain %d\n%s\n" % (len(head), head)
    arc += b"http://a.example/arc 1.2.3.4 20230405060708 text/html %d\n%s\n" % (len(http), http)
    (tmp_path / "old.arc.gz").write_bytes(gzip.compress(arc))
    [doc], skipped = read(tmp_path / "old.arc.gz")
    assert skipped == []
    assert (doc.id, doc.date, doc.format) == (
        "http://a.example/arc",
        "2023-04-05T06:07:08+00:00",
        "arc",
    )


def test_warc_page_over_the_limit_named(tmp_path: Path) -> None:
    big = page("Big", ARTICLE * 40)
    write_warc(
        tmp_path / "big.warc",
        gz=False,
        pages=[("https://big.example/", big, "2024-01-01T00:00:00Z")],
    )
    docs, skipped = read(tmp_path / "big.warc", max_document_chars=1000)
    assert docs == []
    [(where, reason)] = reasons(skipped).items()
    assert where.endswith("big.warc:1")
    assert "https://big.example/" in reason and "max_document_chars" in reason


def test_truncated_warc_gz_keeps_the_pages_before(tmp_path: Path) -> None:
    """Pages of varied text (so gzip cannot shrink them to nothing), the file cut at 3/4."""
    import random

    rng = random.Random(7)
    words = ARTICLE.split()
    pages = []
    for n in range(6):
        body = "\n\n".join(" ".join(rng.choice(words) for _ in range(60)) for _ in range(150))
        pages.append((f"https://x.example/{n}", page(f"Page {n}", body), "2024-01-01T00:00:00Z"))
    write_warc(tmp_path / "full.warc.gz", gz=True, pages=pages)
    data = (tmp_path / "full.warc.gz").read_bytes()
    (tmp_path / "cut.warc.gz").write_bytes(data[: len(data) * 3 // 4])
    docs, skipped = read(tmp_path / "cut.warc.gz")
    assert 1 <= len(docs) < 6
    reason = reasons(skipped)[f"{tmp_path}/cut.warc.gz"]
    assert "truncated gzip" in reason and f"after record {len(docs)}" in reason


def test_not_a_web_archive(tmp_path: Path) -> None:
    (tmp_path / "junk.warc").write_bytes(b"hello, this is not a web archive\n" * 20)
    docs, skipped = read(tmp_path / "junk.warc")
    assert docs == []
    assert "not a web archive" in reasons(skipped)[f"{tmp_path}/junk.warc"]


def test_warc_without_pages_says_so(tmp_path: Path) -> None:
    write_warc(tmp_path / "img.warc", gz=False, pages=[])
    docs, skipped = read(tmp_path / "img.warc")
    assert docs == []
    assert "no HTML pages" in reasons(skipped)[f"{tmp_path}/img.warc"]


# --- gzip-compressed JSON Lines ---------------------------------------------------------------


def test_jsonl_gz(tmp_path: Path) -> None:
    lines = [{"id": "a", "text": ARTICLE, "date": "2024-01-01"}, {"id": "b", "text": COPY}]
    data = "".join(json.dumps(r) + "\n" for r in lines).encode()
    (tmp_path / "feed.jsonl.gz").write_bytes(gzip.compress(data))
    docs, skipped = read(tmp_path)  # found by walking the folder
    assert skipped == []
    assert [(d.id, d.path, d.date) for d in docs] == [
        ("feed.jsonl.gz#a", f"{tmp_path}/feed.jsonl.gz:1", "2024-01-01"),
        ("feed.jsonl.gz#b", f"{tmp_path}/feed.jsonl.gz:2", None),
    ]


def test_gzip_bomb_is_bounded(tmp_path: Path) -> None:
    """30 MB of newlines in 30 KB: stopped at max(4 x max_document_chars, 100 x size)."""
    (tmp_path / "bomb.jsonl.gz").write_bytes(gzip.compress(b"\n" * 30_000_000))
    docs, skipped = read(tmp_path / "bomb.jsonl.gz", max_document_chars=1_000_000)
    assert docs == []
    reason = reasons(skipped)[f"{tmp_path}/bomb.jsonl.gz"]
    assert "decompresses to more than 4,000,004 bytes" in reason
    assert "max_decompression_ratio" in reason


def test_one_long_line_in_jsonl_gz_is_skipped_in_bounded_memory(tmp_path: Path) -> None:
    import random

    rng = random.Random(5)
    words = ARTICLE.split()  # varied, so the file is not cut off as a bomb first
    line = json.dumps({"text": " ".join(rng.choice(words) for _ in range(100_000))}) + "\n"
    good = json.dumps({"id": "g", "text": ARTICLE}) + "\n"
    (tmp_path / "long.jsonl.gz").write_bytes(gzip.compress((line + good).encode()))
    docs, skipped = read(tmp_path / "long.jsonl.gz", max_document_chars=100_000)
    assert [d.id for d in docs] == ["long.jsonl.gz#g"]
    assert "too large" in reasons(skipped)[f"{tmp_path}/long.jsonl.gz:1"]


def test_truncated_jsonl_gz(tmp_path: Path) -> None:
    import random

    rng = random.Random(3)
    words = ARTICLE.split()
    records = [
        {"id": str(n), "text": " ".join(rng.choice(words) for _ in range(400))} for n in range(200)
    ]
    data = gzip.compress("".join(json.dumps(r) + "\n" for r in records).encode())
    (tmp_path / "cut.jsonl.gz").write_bytes(data[: len(data) // 2])
    docs, skipped = read(tmp_path / "cut.jsonl.gz")
    assert 0 < len(docs) < 200
    reason = reasons(skipped)[f"{tmp_path}/cut.jsonl.gz"]
    assert "truncated gzip" in reason and "stopped reading it after" in reason


# --- tables -----------------------------------------------------------------------------------


def write_csv(
    path: Path, rows: list[list[str]], *, delimiter: str = ",", bom: bool = False
) -> None:
    with path.open("w", encoding="utf-8-sig" if bom else "utf-8", newline="") as out:
        csv.writer(out, delimiter=delimiter).writerows(rows)


def test_csv_with_id_column_and_bom(tmp_path: Path) -> None:
    write_csv(
        tmp_path / "t.csv",
        [
            ["id", "text", "date", "title"],
            ["x1", ARTICLE, "2024-01-01", "Bridge"],
            ["x2", COPY, "", ""],
        ],
        bom=True,
    )
    docs, skipped = read(tmp_path / "t.csv")
    assert skipped == []
    assert [(d.id, d.path, d.date, d.title, d.format) for d in docs] == [
        ("t.csv#x1", f"{tmp_path}/t.csv:1", "2024-01-01", "Bridge", "csv"),
        ("t.csv#x2", f"{tmp_path}/t.csv:2", None, None, "csv"),
    ]
    assert docs[0].text.startswith("The city council")


def test_tsv_without_id_column_and_other_field_names(tmp_path: Path) -> None:
    write_csv(tmp_path / "t.tsv", [["body"], [ARTICLE], [COPY]], delimiter="\t")
    docs, skipped = read(tmp_path / "t.tsv", jsonl_text_field="body")
    assert skipped == []
    assert [d.id for d in docs] == ["t.tsv#1", "t.tsv#2"]


def test_tables_are_not_walked_by_default(tmp_path: Path) -> None:
    write_csv(tmp_path / "prices.csv", [["item", "price"], ["tea", "2"]])
    assert read(tmp_path) == ([], [])


def test_csv_malformed_row_and_missing_column(tmp_path: Path) -> None:
    write_csv(
        tmp_path / "bad.csv", [["id", "text"], ["1", ARTICLE], ["2", "a", "extra"], ["3", COPY]]
    )
    write_csv(tmp_path / "none.csv", [["id", "body"], ["1", ARTICLE]])
    docs, skipped = read(tmp_path / "bad.csv", tmp_path / "none.csv")
    assert [d.id for d in docs] == ["bad.csv#1", "bad.csv#3"]
    why = reasons(skipped)
    assert "malformed row: 3 cells where the header has 2" in why[f"{tmp_path}/bad.csv:2"]
    assert "no 'text' column (columns: 'id', 'body')" in why[f"{tmp_path}/none.csv"]


def test_csv_not_utf8_and_overlong_cell(tmp_path: Path) -> None:
    (tmp_path / "latin.csv").write_bytes(
        ("text\n" + ARTICLE.replace("council", "café") + "\n").encode("cp1252")
    )
    write_csv(tmp_path / "long.csv", [["text"], [ARTICLE], ["word " * 5000], [COPY]])
    docs, skipped = read(tmp_path / "latin.csv", tmp_path / "long.csv", max_document_chars=10_000)
    assert [d.id for d in docs] == ["long.csv#1"]
    why = reasons(skipped)
    assert "not UTF-8" in why[f"{tmp_path}/latin.csv"]
    assert "stopped reading it after row 1" in why[f"{tmp_path}/long.csv"]


def test_parquet_with_and_without_id_column(tmp_path: Path) -> None:
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    pq.write_table(
        pa.table({"id": [10, 11], "text": [ARTICLE, COPY], "date": [dt.date(2024, 1, 1), None]}),
        tmp_path / "with.parquet",
    )
    pq.write_table(
        pa.table({"text": [ARTICLE, None]}), tmp_path / "without.parquet", row_group_size=1
    )
    docs, skipped = read(tmp_path / "with.parquet", tmp_path / "without.parquet")
    assert [(d.id, d.date, d.format) for d in docs] == [
        ("with.parquet#10", "2024-01-01", "parquet"),
        ("with.parquet#11", None, "parquet"),
        ("without.parquet#1", None, "parquet"),
    ]
    assert "no 'text' text in the column" in reasons(skipped)[f"{tmp_path}/without.parquet:2"]


def test_parquet_missing_text_column_and_damaged_file(tmp_path: Path) -> None:
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    pq.write_table(pa.table({"body": [ARTICLE]}), tmp_path / "body.parquet")
    (tmp_path / "junk.parquet").write_bytes(b"PAR1 not really a parquet file")
    docs, skipped = read(tmp_path / "body.parquet", tmp_path / "junk.parquet")
    assert docs == []
    why = reasons(skipped)
    assert why[f"{tmp_path}/body.parquet"].startswith("no 'text' column (columns: 'body')")
    assert "not a readable Parquet file" in why[f"{tmp_path}/junk.parquet"]


# --- through the command line -----------------------------------------------------------------


def test_malformed_inputs_exit_3_with_named_messages(tmp_path: Path) -> None:
    write_warc(tmp_path / "good.warc", gz=False)
    (tmp_path / "broken.warc.gz").write_bytes(b"\x1f\x8b\x08\x00" + os.urandom(200))
    write_csv(tmp_path / "rows.csv", [["text"], [ARTICLE, "x"]])
    done = cli("trace", ".", "rows.csv", "--format", "json", "-q", cwd=tmp_path)
    assert done.returncode == 3
    assert "skipped broken.warc.gz: corrupt gzip data" in done.stderr
    assert "skipped rows.csv:1: malformed row" in done.stderr
    assert len(json.loads(done.stdout)["relations"]) == 1


def test_same_json_with_one_and_two_workers(tmp_path: Path) -> None:
    write_warc(tmp_path / "a.warc", gz=False)
    write_warc(tmp_path / "b.warc.gz", gz=True)
    data = "".join(json.dumps({"id": n, "text": t}) + "\n" for n, t in enumerate([ARTICLE, COPY]))
    (tmp_path / "c.jsonl.gz").write_bytes(gzip.compress(data.encode()))
    write_csv(tmp_path / "d.csv", [["text"], [COPY]])
    outputs = {
        w: cli("trace", ".", "d.csv", "--format", "json", "-q", "--workers", w, cwd=tmp_path).stdout
        for w in ("1", "2")
    }
    assert outputs["1"] == outputs["2"]
    assert len(json.loads(outputs["1"])["documents"]) == 7
