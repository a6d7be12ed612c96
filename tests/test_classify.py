"""``classify``: the evidence a pair's alignment gives, and the kind of reuse it names."""

from __future__ import annotations

from pathlib import Path

import pytest

from provenance.align import alignment, prepare
from provenance.classify import evidence, is_quotes_only, kind_for
from provenance.config import Settings
from provenance.ingest import read_inputs
from provenance.text import analyse
from support.evidence import evidence_of as _ev

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


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


def _seed_evidence(first: str, second: str) -> tuple[float, float, bool, bool]:
    s = Settings()
    docs, _ = read_inputs([SEEDS / first, SEEDS / second], s)  # comments and furniture stripped
    a, b = (analyse(d.text) for d in docs)
    ev = evidence(alignment(0, 1, prepare(a), prepare(b), s), a, b, s)
    return ev.coverage_a, ev.coverage_b, ev.related, is_quotes_only(ev, s)


def test_a_paraphrased_rewrite_is_related_and_more_than_quotations() -> None:
    cov_a, cov_b, related, quotes_only = _seed_evidence(
        "000_7921b6987635c44f.txt", "002_7a0d0bc65cea2214.txt"
    )
    assert related and not quotes_only
    assert min(cov_a, cov_b) > 0.2


def test_independent_reporting_is_not_related() -> None:
    _, _, related, _ = _seed_evidence("000_7921b6987635c44f.txt", "004_ad4aa77e436859a1.txt")
    assert not related


def test_two_reports_that_share_only_quotations_are_quotes_only() -> None:
    _, _, related, quotes_only = _seed_evidence(
        "000_7921b6987635c44f.txt", "003_7f75fb188196c575.txt"
    )
    assert not related
    assert quotes_only
