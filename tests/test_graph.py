"""Unit tests for direction, siblings and transitive reduction (relation kinds: test_classify)."""

from __future__ import annotations

import dataclasses

import pytest

from provenance.classify import Evidence
from provenance.config import Settings
from provenance.graph import build, containment_evidence, date_evidence, derived_from
from provenance.models import Alignment, Document, Passage, Relation, Span
from provenance.text import analyse
from support.evidence import evidence_of as _ev


@pytest.mark.parametrize(
    ("first", "second", "sign"),
    [
        ("2025-11-10", "2025-11-11", 1),
        ("2025-11-12", "2025-11-11", -1),
        ("2025-11-11", "2025-11-11T09:00:00", 0),
        ("2025-11-11T01:00:00", "2025-11-11T09:00:00", 1),
        ("2025-11-11T10:00:00+00:00", "2025-11-11T09:00:00", -1),
        (None, "2025-11-11", 0),
        ("not a date", "2025-11-11", 0),
    ],
)
def test_date_evidence_sign(first: str | None, second: str | None, sign: int) -> None:
    value = date_evidence(first, second)
    assert (value > 0) - (value < 0) == sign


def test_containment_points_at_the_more_covered_document() -> None:
    assert containment_evidence(0.4, 0.9) > 0.5
    assert containment_evidence(0.9, 0.4) < -0.5
    assert containment_evidence(0.5, 0.5) == 0.0


# --- direction reasons, siblings of a known source, derived_from -----------------------------


Measured = tuple[Alignment, Evidence]


def _pair(a: int, b: int, cov_a: float, cov_b: float) -> tuple[Alignment, Evidence]:
    passage = Passage(Span(0, 50), Span(0, 50), "edited", 0.9)
    return Alignment(a, b, (passage,), cov_a, cov_b), _ev(cov_a, cov_b, 0.9)


def _build(docs: list[Document], measured: list[tuple[Alignment, Evidence]]) -> list[Relation]:
    analyses = [analyse(d.text) for d in docs]
    relations, _ = build(docs, analyses, measured, Settings())
    return relations


def _between(relations: list[Relation], x: str, y: str) -> Relation:
    return next(r for r in relations if {r.source, r.derived} == {x, y})


def _wire_and_papers(*papers: str) -> list[Document]:
    """A wire story (document 0) and papers of the same text after it."""
    text = "The council met on Monday. " * 8
    wire = Document("wire", "wire", text, wire_copy=True)
    return [wire, *(Document(name, name, text) for name in papers)]


def test_wire_copy_is_the_source_and_says_why() -> None:
    text = "The council met on Monday. " * 8
    docs = [Document("paper", "paper", text), Document("wire", "wire", text, wire_copy=True)]
    # the paper is the less contained: containment alone would call it the source
    relations = _build(docs, [_pair(0, 1, 0.3, 0.9)])
    rel = relations[0]
    assert (rel.source, rel.derived, rel.direction) == ("wire", "paper", "source->derived")
    assert rel.direction_reason == "wire-markers"


def test_two_papers_of_one_wire_story_are_siblings_whatever_containment_says() -> None:
    docs = _wire_and_papers("long", "short")
    # the short paper is far more contained in the long one than the reverse
    measured = [_pair(0, 1, 0.8, 0.7), _pair(0, 2, 0.5, 0.9), _pair(1, 2, 0.3, 0.9)]
    relations = _build(docs, measured)
    papers = _between(relations, "long", "short")
    assert papers.direction == "common-source" and papers.direction_reason == "common-source"
    for paper in ("long", "short"):
        rel = _between(relations, "wire", paper)
        assert (rel.source, rel.direction, rel.direction_reason) == (
            "wire",
            "source->derived",
            "wire-markers",
        )


def test_without_a_known_source_containment_still_directs() -> None:
    text = "The council met on Monday. " * 8
    docs = [Document("long", "long", text), Document("short", "short", text)]
    rel = _build(docs, [_pair(0, 1, 0.3, 0.9)])[0]
    assert (rel.source, rel.direction, rel.direction_reason) == (
        "long",
        "source->derived",
        "containment",
    )


def test_derived_from_ranks_the_source_that_explains_more_first() -> None:
    def rel(source: str, cov_derived: float, score: float) -> Relation:
        passage = Passage(Span(0, 10), Span(0, 10), "verbatim", 1.0)
        return Relation(
            source, "d", "partial", "source->derived", 0.9, score, 1.0, cov_derived, (passage,)
        )

    # the short source is used whole (score 1.0) but explains less of d than the long one
    found = derived_from([rel("short", 0.2, 1.0), rel("long", 0.7, 0.6), rel("x", 0.0, 0.1)])
    assert found == {"d": ("long", "short", "x")}
    undirected = Relation("a", "b", "partial", "common-source", 0.5, 0.5, 0.5, 0.5, ())
    assert derived_from([undirected]) == {}


def test_a_paper_that_shares_only_wire_material_with_another_is_its_sibling() -> None:
    docs = _wire_and_papers("long", "brief")
    # the brief shares with the long paper only what the long paper took from the wire,
    # and its own use of the wire was too slight to be related to it
    measured = [_pair(0, 1, 0.8, 0.4), _pair(1, 2, 0.3, 0.9)]
    relations = _build(docs, measured)
    papers = _between(relations, "long", "brief")
    assert (papers.direction, papers.direction_reason) == ("common-source", "common-source")
    outside = Passage(Span(100, 200), Span(0, 100), "edited", 0.9)
    own = (Alignment(1, 2, (outside,), 0.3, 0.9), _ev(0.3, 0.9, 0.9))
    copied = _between(_build(docs, [measured[0], own]), "long", "brief")
    # what they share is the long paper's own text: the brief may have copied it
    assert (copied.source, copied.direction) == ("long", "source->derived")


def test_a_stock_phrase_from_an_earlier_document_leaves_a_dated_copy_ordered() -> None:
    # S (1 January) and its near-copy C (5 January) both hold a sentence that an unrelated,
    # earlier document X also has. X gives C far less than S does, and that little reads
    # exactly alike in both; it is no sign that C and S are siblings of X.
    text = "The council met on Monday. " * 30
    docs = [
        Document("x", "x", text, date="2024-12-01"),
        Document("s", "s", text, date="2025-01-01"),
        Document("c", "c", text, date="2025-01-05"),
    ]

    def pair(a: int, b: int, end: int, cov: float, similarity: float, tokens: int) -> Measured:
        passage = Passage(Span(0, end), Span(0, end), "verbatim", similarity)
        evidence = dataclasses.replace(_ev(cov, cov, similarity), shared_tokens=tokens)
        return Alignment(a, b, (passage,), cov, cov), evidence

    measured = [
        pair(0, 1, 60, 0.07, 1.0, 12),
        pair(0, 2, 60, 0.07, 1.0, 12),
        pair(1, 2, 800, 0.99, 0.98, 400),
    ]
    rel = _between(_build(docs, measured), "s", "c")
    assert (rel.source, rel.derived, rel.direction, rel.direction_reason) == (
        "s",
        "c",
        "source->derived",
        "dates",
    )
