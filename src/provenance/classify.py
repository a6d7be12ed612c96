"""Pair -> relation kind, coverage and strength of evidence.

The kind depends on which side is derived (a rewrite is a derived document that comes
wholly from its source), so ``evidence`` measures a pair once and ``kind_for`` names it
once the direction is known.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from provenance.config import Settings
from provenance.models import Alignment, Passage, RelationKind, Span
from provenance.text import Analysis


@dataclass(frozen=True, slots=True)
class Evidence:
    """What an alignment says about a pair, measured on both sides (``a`` and ``b``)."""

    coverage_a: float  # share of tokens inside any aligned passage
    coverage_b: float
    copy_chars: int  # characters of verbatim/edited material outside quotations (min side)
    reuse_passages: int  # verbatim, edited and paraphrase passages outside quotations
    reuse_coverage: float  # the larger side's share covered by those passages
    quote_chars: int  # characters of shared quotation (min side)
    shared_tokens: int  # tokens inside aligned passages (min side): how much is shared
    similarity: float  # token-weighted mean similarity of all passages
    score: float  # strength of the reuse evidence in [0, 1]
    related: bool  # enough non-quotation evidence to call it reuse


def _quote_free_chars(analysis: Analysis, span: Span) -> int:
    """Characters of ``span`` in tokens that are not inside quotation marks."""
    return analysis.chars(analysis.mask([span]) & ~analysis.quoted)


def evidence(alignment: Alignment, a: Analysis, b: Analysis, settings: Settings) -> Evidence:
    passages = alignment.passages
    copy_a = copy_b = quote_a = quote_b = 0
    reuse_count = 0
    reuse_spans_a: list[Span] = []
    reuse_spans_b: list[Span] = []
    weighted = total = 0.0
    strength_a = strength_b = 0.0
    for p in passages:
        free_a, free_b = _quote_free_chars(a, p.a), _quote_free_chars(b, p.b)
        if p.kind == "quote":
            quote_a += len(p.a)
            quote_b += len(p.b)
            weight = settings.quote_evidence_weight
        else:
            if p.kind != "paraphrase":
                copy_a += free_a
                copy_b += free_b
            strong = p.kind != "paraphrase" or p.similarity >= settings.paraphrase_similarity
            if strong and min(free_a, free_b) >= settings.min_passage_chars:
                # Paraphrases matched only at the lower context threshold add coverage,
                # not evidence: same-story reports read that alike too.
                reuse_count += 1
                reuse_spans_a.append(p.a)
                reuse_spans_b.append(p.b)
            weight = 1.0
        size = len(p.a) + len(p.b)
        weighted += p.similarity * size
        total += size
        strength_a += weight * p.similarity * len(p.a)
        strength_b += weight * p.similarity * len(p.b)
    reuse_cov = max(
        float(a.mask(reuse_spans_a).mean()) if a.norms else 0.0,
        float(b.mask(reuse_spans_b).mean()) if b.norms else 0.0,
    )
    copy_chars = min(copy_a, copy_b)
    chars_a = max(1, a.chars())
    chars_b = max(1, b.chars())
    # Copied text is evidence on its own; paraphrase needs several passages that together
    # cover a real share of a document (same-story reports share a stray fact or two), or
    # two when the aligned passages cover most of a document.
    # The gate is relative to the documents' lengths as well: a three-sentence brief that
    # rewrites a wire story has fewer copied characters and passages than any fixed count,
    # and one strong passage that is most of a document is reuse.
    shorter = min(chars_a, chars_b)
    # Quotations the derived text took over with the wire's own words around them are
    # inherited material too: once one reused passage stands outside quotation marks, the
    # shared quotations count with the copied characters.
    inherited = copy_chars + (min(quote_a, quote_b) if reuse_count else 0)
    related = (
        inherited
        >= min(
            settings.min_evidence_chars,
            max(settings.min_passage_chars, settings.min_evidence_share * shorter),
        )
        or (reuse_count >= settings.min_reuse_passages and reuse_cov >= settings.min_reuse_coverage)
        or (
            reuse_count >= 2
            and max(alignment.coverage_a, alignment.coverage_b) >= settings.strong_reuse_coverage
        )
        or (reuse_count >= 1 and reuse_cov >= settings.lone_reuse_coverage)
        or phrase_evidence(alignment, a, b, settings)
    )
    # Similarity-weighted share of the more reused side; token characters only.
    score = min(1.0, max(strength_a / chars_a, strength_b / chars_b))
    shared = min(
        round(alignment.coverage_a * len(a.norms)), round(alignment.coverage_b * len(b.norms))
    )
    return Evidence(
        coverage_a=alignment.coverage_a,
        coverage_b=alignment.coverage_b,
        copy_chars=copy_chars,
        reuse_passages=reuse_count,
        reuse_coverage=reuse_cov,
        quote_chars=min(quote_a, quote_b),
        shared_tokens=shared,
        similarity=weighted / total if total else 0.0,
        score=round(score, 4),
        related=related,
    )


def phrase_evidence(alignment: Alignment, a: Analysis, b: Analysis, settings: Settings) -> bool:
    """Whether one document is made of the other's phrases to a degree chance does not give:
    ``min_phrase_share`` of its unquoted words in shared runs, and ``min_phrase_words`` of
    them. Same-story reports share names and stock phrases; a paper that rewrote the wire
    keeps its phrases between its own words."""
    if settings.min_phrase_share <= 0:
        return False
    for share, size in ((alignment.phrases_a, len(a.norms)), (alignment.phrases_b, len(b.norms))):
        if share >= settings.min_phrase_share and share * size >= settings.min_phrase_words:
            return True
    return False


def is_quotes_only(ev: Evidence, settings: Settings) -> bool:
    return not ev.related and ev.quote_chars >= settings.min_quote_chars


def kind_for(
    coverage_source: float, coverage_derived: float, ev: Evidence, s: Settings
) -> RelationKind:
    """The relation kind once we know which side is derived."""
    if not ev.related:
        return "quotes"
    low = min(coverage_source, coverage_derived)
    if low >= s.duplicate_coverage and ev.similarity >= s.duplicate_similarity:
        return "duplicate"
    if low >= s.near_duplicate_coverage and ev.similarity >= s.near_duplicate_similarity:
        return "near-duplicate"
    if coverage_derived >= s.rewrite_coverage:
        return "rewrite"
    return "partial"


def orient(passages: Sequence[Passage], swap: bool) -> tuple[Passage, ...]:
    """Passages with ``a`` in the source: swapped when the pair's second document is it."""
    if not swap:
        return tuple(passages)
    flipped = (Passage(p.b, p.a, p.kind, p.similarity) for p in passages)
    return tuple(sorted(flipped, key=lambda p: (p.a.start, p.b.start)))
