"""Wire copy as a format (``provenance.ingest.wire``) and what ingest makes of it."""

from __future__ import annotations

from pathlib import Path

from provenance import ingest
from provenance.config import Settings
from provenance.graph import wire_evidence
from provenance.ingest import wire
from provenance.models import Document

PA = """  ------------------------------------------------------------------------

                16:52 01/03/00: Page 1 (HHH) COURTS Francis
  ------------------------------------------------------------------------
(Attention News Editors: embargoed until 00.01 tomorrow.)<
MAN CLEARED OVER HARBOUR FIRE<
By Jane Roe, PA News<
A man accused of starting a fire that destroyed three fishing boats was cleared
by a jury at Truro Crown Court today.<
``I am just glad it is over,'' he said, after being awarded #2,000 costs.<
end<
"""


def test_reflow_turns_paragraph_marks_into_lines_and_records_removals() -> None:
    out = wire.reflow(PA)
    assert out is not None
    assert out.text.split("\n") == [
        "MAN CLEARED OVER HARBOUR FIRE",
        "By Jane Roe, PA News",
        "A man accused of starting a fire that destroyed three fishing boats was cleared"
        " by a jury at Truro Crown Court today.",
        "\u201cI am just glad it is over,\u201d he said, after being awarded \u00a32,000 costs.",
    ]
    assert out.date == "2000-03-01T16:52"
    assert out.title == "MAN CLEARED OVER HARBOUR FIRE"
    assert [s.kind for s in out.stripped] == ["wire-header", "editors-note", "wire-marker"]
    assert out.stripped[0].excerpt == "16:52 01/03/00: Page 1 (HHH) COURTS Francis"


def test_slug_dates_are_day_first_unless_only_month_first_is_valid() -> None:
    first = wire.reflow("  12:00 03/04/99: Page 1 X\nText<\nMore<\nEnd of it.<\n")
    second = wire.reflow("  09:05 04/25/01: Page 1 X\nText<\nMore<\nEnd of it.<\n")
    assert first is not None and first.date == "1999-04-03T12:00"
    assert second is not None and second.date == "2001-04-25T09:05"


def test_ordinary_text_is_not_wire_copy() -> None:
    assert wire.reflow("A plain story.\n\nIt has two paragraphs, and a <b> tag.\n") is None
    banner = "----------\nTitle\n----------\nFirst line.\nSecond line.\n"
    assert wire.reflow(banner) is None  # rule lines alone are no wire header


def test_agency_credits_in_bylines_and_datelines_not_prose() -> None:
    assert wire.agency_credit("Headline\nBy Jane Roe, PA News\nText.") == "PA"
    assert wire.agency_credit("LONDON (Reuters) - Shares rose on Monday.") == "Reuters"
    assert wire.agency_credit("سرخی\n\nکراچی ۔ 3 مئی (اے پی پی) متن یہاں ہے۔") == "APP"
    assert wire.agency_credit("Officials told Reuters the plan was dropped.") is None
    assert wire.agency_credit("لاہور (سپورٹس ڈیسک) کرکٹ ٹیم جیت گئی۔") is None


def test_ingest_reads_wire_copy_with_its_date_agency_and_title(tmp_path: Path) -> None:
    path = tmp_path / "francis1.txt"
    path.write_bytes(PA.replace("\n", "\n\x19").encode("latin-1"))  # PA's paragraph marks
    docs, skipped = ingest.read_inputs([path], Settings())
    assert skipped == []
    doc = docs[0]
    assert doc.wire_copy and doc.agency == "PA"
    assert doc.date == "2000-03-01T16:52"
    assert doc.title == "MAN CLEARED OVER HARBOUR FIRE"
    assert "By Jane Roe" not in doc.text and "<" not in doc.text
    assert {s.kind for s in doc.stripped} >= {"wire-header", "byline", "wire-marker"}


def test_without_stripping_the_header_stays_but_paragraphs_are_reflowed(tmp_path: Path) -> None:
    path = tmp_path / "francis1.txt"
    path.write_text(PA, "latin-1")
    doc = ingest.read_inputs([path], Settings(strip_boilerplate=False))[0][0]
    assert "COURTS Francis" in doc.text and "<\n" not in doc.text
    assert doc.date == "2000-03-01T16:52"


def test_wire_evidence_points_from_agency_copy() -> None:
    agency = Document("a", "a", "x", wire_copy=True, agency="PA")
    credited = Document("c", "c", "x", agency="APP")
    paper = Document("b", "b", "x")
    assert wire_evidence(agency, paper) > wire_evidence(credited, paper) > 0
    assert wire_evidence(paper, agency) < 0
    assert wire_evidence(paper, Document("d", "d", "x")) == 0.0
    assert wire_evidence(credited, Document("e", "e", "x", agency="Reuters")) == 0.0
