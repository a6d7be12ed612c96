"""The lines of a passage in its file (``provenance.check.locate``)."""

from __future__ import annotations

from pathlib import Path

from provenance.check import locate
from provenance.config import Settings
from provenance.models import Document, Span

CASES = Path(__file__).resolve().parents[1] / "cases"


def test_lines_are_found_through_html_markup(tmp_path: Path) -> None:
    from provenance import ingest

    paragraphs = (CASES / "heavy_paraphrase" / "source.txt").read_text(encoding="utf-8")
    lines = paragraphs.strip().split("\n")
    body = "\n".join(
        f"<p>{line.replace(' per cent', ' <em>per</em> cent').replace(',', '&#44;', 1)}</p>"
        for line in lines[1:]
    )
    page = tmp_path / "page.html"
    page.write_text(
        f"<html><head><title>{lines[0]}</title></head>\n<body>\n<article>\n{body}\n"
        "</article>\n</body></html>\n",
        encoding="utf-8",
    )
    (doc,), _ = ingest.read_inputs([page], Settings())
    target = lines[3]  # the fourth paragraph of the article
    start = doc.text.index(target[:60])
    end = start + len(target)
    line, end_line = locate.locate_lines(doc, Span(start, end))
    file_lines = page.read_text(encoding="utf-8").split("\n")
    assert file_lines[line - 1].startswith("<p>" + target[:8])
    assert end_line == line


def test_locating_lines_cannot_be_made_to_backtrack(tmp_path: Path) -> None:
    # each "<->" reads as one tag or as three punctuation marks: a backtracking search would
    # try 2**5000 ways before giving up (this test would hang) instead of failing at once
    hostile = "alpha " + "<->" * 5000 + " omega\n"
    post = tmp_path / "post.txt"
    post.write_text(hostile * 20, encoding="utf-8")
    doc = Document(id="post.txt", path=str(post), text="alpha beta gamma\n")
    assert locate.locate_lines(doc, Span(0, 16)) == (1, 1)  # not found: extracted lines
