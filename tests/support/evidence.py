"""``Evidence`` for a pair with the given coverages and similarity, the rest fixed, for
tests of what the graph and the classifier make of evidence."""

from __future__ import annotations

from provenance.classify import Evidence


def evidence_of(cov_a: float, cov_b: float, similarity: float, related: bool = True) -> Evidence:
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
