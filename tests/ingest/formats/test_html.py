"""HTML (``provenance.ingest.formats.html``): text, metadata, dates, declared charsets."""

from __future__ import annotations

from pathlib import Path

from support.ingest_files import ARTICLE, only, read, reason_for, write

HTML_PAGE = """<!doctype html><html><head><meta charset="utf-8">
<title>Syria joins coalition | Example News</title>
<meta property="og:title" content="Syria joins coalition">
<meta name="author" content="Jane Doe">
<meta property="article:published_time" content="2025-11-11T01:07:21+00:00">
<link rel="canonical" href="https://example.com/news/syria">
</head><body>
<nav><a href="/">Home</a> <a href="/world">World</a> <a href="/sport">Sport</a></nav>
<article><h1>Syria joins coalition</h1>
<p>By Jane Doe, Associated Press</p>
<p>WASHINGTON DC: Syria is joining the global coalition against the militant Islamic State
group, a United States official said on Monday hours after the meeting.</p>
<p>Advertisement</p>
<p>Sharaa, whose rebel forces ousted longtime ruler Bashar al-Assad in December last year,
was the first Syrian leader to visit the White House since independence in 1946.</p>
<p>Share this article</p></article>
<section class="comments" id="comments"><h3>3 comments</h3><p>Great post, thanks!</p></section>
<footer>Copyright 2025 Example News. Privacy policy.</footer>
<script>document.write("script text")</script></body></html>"""


def test_html(tmp_path: Path) -> None:
    write(tmp_path / "page.html", HTML_PAGE)
    doc = only(*read(tmp_path / "page.html"))
    assert doc.format == "html"
    assert doc.title == "Syria joins coalition"
    assert doc.date == "2025-11-11T01:07:21+00:00"
    assert doc.author == "Jane Doe"
    assert doc.url == "https://example.com/news/syria"
    assert "Syria is joining the global coalition" in doc.text
    assert "first Syrian leader to visit the White House" in doc.text
    for gone in ("Great post", "script text", "Privacy policy", "Advertisement", "Share this"):
        assert gone not in doc.text
    assert "By Jane Doe" not in doc.text
    kinds = [s.kind for s in doc.stripped]
    assert kinds == ["byline", "furniture", "furniture"]


def test_html_json_ld_date(tmp_path: Path) -> None:
    page = (
        '<html><head><script type="application/ld+json">'
        '{"@graph": [{"@type": "NewsArticle", "datePublished": "2025-11-11T08:00:00-05:00"}]}'
        "</script></head><body><article><p>" + ARTICLE + "</p></article></body></html>"
    )
    write(tmp_path / "ld.html", page)
    assert only(*read(tmp_path / "ld.html")).date == "2025-11-11T08:00:00-05:00"


def test_html_falls_back_to_body_text(tmp_path: Path) -> None:
    write(tmp_path / "short.htm", "<html><body><div>Tiny page text.</div></body></html>")
    doc = only(*read(tmp_path / "short.htm"))
    assert doc.text == "Tiny page text."
    assert doc.format == "html"


def test_html_without_text_is_skipped(tmp_path: Path) -> None:
    write(tmp_path / "blank.html", "<html><head><title>t</title></head><body> </body></html>")
    docs, skipped = read(tmp_path / "blank.html")
    assert docs == []
    assert "empty after extraction" in reason_for(skipped, "blank.html")


def test_html_declared_legacy_charset(tmp_path: Path) -> None:
    page = (
        '<html><head><meta charset="windows-1252"></head><body>'
        "<p>He said \u201cyes\u201d \u2014 twice.</p></body></html>"
    )
    write(tmp_path / "legacy.html", page.encode("cp1252"))
    doc = only(*read(tmp_path / "legacy.html"))
    assert doc.text == "He said \u201cyes\u201d \u2014 twice."
