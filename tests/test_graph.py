"""Unit tests for direction, siblings, transitive reduction and relation kinds."""

from __future__ import annotations

import pytest

from provenance.classify import Evidence, kind_for
from provenance.config import Settings
from provenance.graph import containment_evidence, date_evidence


def _ev(cov_a: float, cov_b: float, similarity: float, related: bool = True) -> Evidence:
    return Evidence(
        coverage_a=cov_a,
        coverage_b=cov_b,
        copy_chars=500,
        reuse_passages=5,
        reuse_coverage=max(cov_a, cov_b),
        quote_chars=0,
        shared_tokens=100,
        similarity=similarity,
        score=0.5,
        related=related,
    )


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


@pytest.mark.parametrize(
    ("cov_s", "cov_d", "sim", "kind"),
    [
        (1.0, 1.0, 1.0, "duplicate"),
        (1.0, 1.0, 0.99, "near-duplicate"),  # a few words changed in every other sentence
        (0.9, 0.92, 0.97, "near-duplicate"),
        (0.9, 0.92, 0.9, "rewrite"),  # all of it, but reworded throughout
        (0.4, 0.8, 0.6, "rewrite"),
        (0.2, 0.3, 0.9, "partial"),
    ],
)
def test_kind_for(cov_s: float, cov_d: float, sim: float, kind: str) -> None:
    assert kind_for(cov_s, cov_d, _ev(cov_s, cov_d, sim), Settings()) == kind


def test_kind_without_evidence_is_quotes() -> None:
    assert kind_for(0.1, 0.1, _ev(0.1, 0.1, 1.0, related=False), Settings()) == "quotes"
