"""``models``: the frozen records every stage passes on, and what their properties compute."""

from __future__ import annotations

import dataclasses

import pytest

from provenance.models import (
    CheckResult,
    Document,
    Finding,
    Passage,
    Relation,
    Span,
    TraceResult,
)


def test_a_span_is_a_half_open_range_that_cannot_run_backwards() -> None:
    assert len(Span(3, 10)) == 7
    assert len(Span(4, 4)) == 0
    for start, end in ((5, 4), (-1, 3)):
        with pytest.raises(ValueError, match="bad span"):
            Span(start, end)


def test_records_are_frozen() -> None:
    doc = Document("a.txt", "a.txt", "text")
    with pytest.raises(dataclasses.FrozenInstanceError):
        doc.text = "other"  # type: ignore[misc]


def test_the_file_a_document_came_from_is_not_part_of_its_identity() -> None:
    assert Document("r", "feed.jsonl:2", "t", source_file="feed.jsonl") == Document(
        "r", "feed.jsonl:2", "t"
    )


def _relation() -> Relation:
    passages = (
        Passage(Span(50, 90), Span(0, 40), "verbatim", 1.0),
        Passage(Span(0, 30), Span(60, 90), "edited", 0.9),
    )
    return Relation(
        "wire.txt", "post.md", "partial", "source->derived", 0.9, 0.7, 0.25, 0.6, passages
    )


def _finding(checked: str, status: str = "failing") -> Finding:
    other = "wire.txt" if checked == "post.md" else "post.md"
    return Finding(checked, other, _relation(), status, "reason", checked, 1, 2)  # type: ignore[arg-type]


def test_a_finding_reads_the_relation_from_the_checked_side() -> None:
    derived, source = _finding("post.md"), _finding("wire.txt")
    assert derived.checked_is_derived and not source.checked_is_derived
    assert (derived.coverage, derived.other_coverage) == (0.6, 0.25)
    assert (source.coverage, source.other_coverage) == (0.25, 0.6)
    assert derived.kind == "partial"
    # spans in the checked document's order, the checked span first
    assert derived.spans() == [(Span(0, 40), Span(50, 90)), (Span(60, 90), Span(0, 30))]
    assert source.spans() == [(Span(0, 30), Span(60, 90)), (Span(50, 90), Span(0, 40))]


def test_a_check_fails_only_on_failing_findings() -> None:
    docs = (Document("post.md", "post.md", "x"), Document("wire.txt", "wire.txt", "y"))
    trace = TraceResult(documents=docs, relations=(_relation(),), clusters=())
    allowed = CheckResult(trace, ("post.md",), (_finding("post.md", "allowed"),))
    failing = CheckResult(trace, ("post.md",), (_finding("post.md"),))
    assert not allowed.failed and allowed.failing == ()
    assert failing.failed and len(failing.failing) == 1
    assert failing.document("wire.txt") is docs[1]
    assert failing.document("missing") is None
