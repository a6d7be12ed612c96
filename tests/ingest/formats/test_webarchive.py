"""Web archives (``provenance.ingest.formats.webarchive``): WARC and ARC, gzip-compressed too.

The end-to-end tests run the real command in a child process.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
from warcio.warcwriter import WARCWriter

from support.format_samples import BRIDGE, cli, page, read_with, reasons, response, write_warc


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
    docs, skipped = read_with(tmp_path)
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
    text = BRIDGE.replace("council", "conseil municipal é")
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
    docs, skipped = read_with(tmp_path / "c.warc")
    assert skipped == []
    assert "conseil municipal é" in docs[0].text


def test_arc_file(tmp_path: Path) -> None:
    http = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n" + page("Arc", BRIDGE)
    head = b"1 0 Provenance\nURL IP-address Archive-date Content-type Archive-length\n"
    arc = b"filedesc://x.arc 0.0.0.0 20240301100000 text/plain %d\n%s\n" % (len(head), head)
    arc += b"http://a.example/arc 1.2.3.4 20230405060708 text/html %d\n%s\n" % (len(http), http)
    (tmp_path / "old.arc.gz").write_bytes(gzip.compress(arc))
    [doc], skipped = read_with(tmp_path / "old.arc.gz")
    assert skipped == []
    assert (doc.id, doc.date, doc.format) == (
        "http://a.example/arc",
        "2023-04-05T06:07:08+00:00",
        "arc",
    )


def test_warc_page_over_the_limit_named(tmp_path: Path) -> None:
    big = page("Big", BRIDGE * 40)
    write_warc(
        tmp_path / "big.warc",
        gz=False,
        pages=[("https://big.example/", big, "2024-01-01T00:00:00Z")],
    )
    docs, skipped = read_with(tmp_path / "big.warc", max_document_chars=1000)
    assert docs == []
    [(where, reason)] = reasons(skipped).items()
    assert where.endswith("big.warc:1")
    assert "https://big.example/" in reason and "max_document_chars" in reason


def test_truncated_warc_gz_keeps_the_pages_before(tmp_path: Path) -> None:
    """Pages of varied text (so gzip cannot shrink them to nothing), the file cut at 3/4."""
    import random

    rng = random.Random(7)
    words = BRIDGE.split()
    pages = []
    for n in range(6):
        body = "\n\n".join(" ".join(rng.choice(words) for _ in range(60)) for _ in range(150))
        pages.append((f"https://x.example/{n}", page(f"Page {n}", body), "2024-01-01T00:00:00Z"))
    write_warc(tmp_path / "full.warc.gz", gz=True, pages=pages)
    data = (tmp_path / "full.warc.gz").read_bytes()
    (tmp_path / "cut.warc.gz").write_bytes(data[: len(data) * 3 // 4])
    docs, skipped = read_with(tmp_path / "cut.warc.gz")
    assert 1 <= len(docs) < 6
    reason = reasons(skipped)[f"{tmp_path}/cut.warc.gz"]
    assert "truncated gzip" in reason and f"after record {len(docs)}" in reason


def test_not_a_web_archive(tmp_path: Path) -> None:
    (tmp_path / "junk.warc").write_bytes(b"hello, this is not a web archive\n" * 20)
    docs, skipped = read_with(tmp_path / "junk.warc")
    assert docs == []
    assert "not a web archive" in reasons(skipped)[f"{tmp_path}/junk.warc"]


def test_warc_without_pages_says_so(tmp_path: Path) -> None:
    write_warc(tmp_path / "img.warc", gz=False, pages=[])
    docs, skipped = read_with(tmp_path / "img.warc")
    assert docs == []
    assert "no HTML pages" in reasons(skipped)[f"{tmp_path}/img.warc"]
