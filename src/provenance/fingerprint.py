"""Shingles -> MinHash signatures (datasketch), one per passage-sized unit of a document.

Document-level MinHash misses the reuse our users care about (a rewrite shares almost no
word 5-grams with its source), so a document is cut into units of a sentence or two and each
unit gets its own signature over its *content terms* (stemmed non-stopwords). Paraphrased
sentences keep most of their content words, so their units still collide in LSH.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import xxhash
from datasketch import MinHash

from provenance.config import Settings
from provenance.text import Analysis, content_terms


@dataclass(frozen=True, slots=True)
class Fingerprint:
    """The signatures of one document: row ``k`` is the MinHash of unit ``k``."""

    signatures: np.ndarray  # shape (units, num_perm), uint64
    units: tuple[tuple[int, int], ...]  # sentence index range of each unit


def _hash32(data: bytes) -> int:
    return int(xxhash.xxh32_intdigest(data))


def units(analysis: Analysis, min_terms: int) -> list[tuple[tuple[int, int], list[str]]]:
    """Sentence ranges with their content terms; short sentences merge with the next one."""
    norms = [t.norm for t in analysis.tokens]
    out: list[tuple[tuple[int, int], list[str]]] = []
    first = 0
    terms: list[str] = []
    for k, (lo, hi) in enumerate(analysis.sentence_tokens):
        terms.extend(content_terms(norms[lo:hi]))
        if len(set(terms)) >= min_terms:
            out.append(((first, k + 1), terms))
            first, terms = k + 1, []
    if terms:
        if out and len(set(terms)) < min_terms:
            (prev_first, _), prev_terms = out.pop()
            out.append(((prev_first, len(analysis.sentence_tokens)), prev_terms + terms))
        else:
            out.append(((first, len(analysis.sentence_tokens)), terms))
    return out


def fingerprint(analysis: Analysis, settings: Settings) -> Fingerprint:
    found = units(analysis, settings.passage_min_terms)
    if not found:
        return Fingerprint(np.zeros((0, settings.num_perm), dtype=np.uint64), ())
    minhashes: Sequence[MinHash] = MinHash.bulk(
        [sorted({t.encode("utf-8") for t in terms}) for _, terms in found],
        num_perm=settings.num_perm,
        seed=settings.seed,
        hashfunc=_hash32,
    )
    signatures = np.vstack([m.hashvalues for m in minhashes]).astype(np.uint64)
    return Fingerprint(signatures, tuple(rng for rng, _ in found))
