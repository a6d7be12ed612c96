"""Sentence similarity that decides whether two sentences are paraphrases.

Three lexical signals, all in [0, 1]: overlap of content terms (stemmed non-stopwords, Dice),
character-level edit similarity of the normalized token strings (rapidfuzz Indel), and
word-order-free token-set similarity (rapidfuzz ``token_set_ratio``). The weights and the
paraphrase threshold in ``Settings`` were chosen on the MRPC training split only
(``benchmarks/dev_corpora.py``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from rapidfuzz import fuzz, process

from provenance.text import content_terms, fold_token, tokenize

W_TERMS = 0.55
W_CHARS = 0.25
W_SET = 0.20


@dataclass(frozen=True, slots=True)
class SentenceFeatures:
    """A sentence reduced to what similarity needs."""

    string: str  # normalized tokens joined by spaces
    terms: frozenset[str]


def features(norms: Sequence[str]) -> SentenceFeatures:
    return SentenceFeatures(" ".join(norms), frozenset(content_terms(norms)))


def features_of_text(sentence: str) -> SentenceFeatures:
    return features([fold_token(t.norm) for t in tokenize(sentence)])


def _dice_matrix(a: Sequence[frozenset[str]], b: Sequence[frozenset[str]]) -> np.ndarray:
    vocab: dict[str, int] = {}
    for terms in (*a, *b):
        for t in terms:
            vocab.setdefault(t, len(vocab))
    ma = np.zeros((len(a), max(1, len(vocab))), dtype=np.float32)
    mb = np.zeros((len(b), max(1, len(vocab))), dtype=np.float32)
    for k, terms in enumerate(a):
        ma[k, [vocab[t] for t in terms]] = 1.0
    for k, terms in enumerate(b):
        mb[k, [vocab[t] for t in terms]] = 1.0
    inter = ma @ mb.T
    sizes = ma.sum(axis=1)[:, None] + mb.sum(axis=1)[None, :]
    with np.errstate(invalid="ignore", divide="ignore"):
        dice = np.where(sizes > 0, 2.0 * inter / sizes, 0.0)
    return dice.astype(np.float32)


def similarity_matrix(
    a: Sequence[SentenceFeatures], b: Sequence[SentenceFeatures]
) -> np.ndarray:
    """Pairwise similarity in [0, 1], shape ``(len(a), len(b))``, float32."""
    if not a or not b:
        return np.zeros((len(a), len(b)), dtype=np.float32)
    sa = [f.string for f in a]
    sb = [f.string for f in b]
    chars = process.cdist(sa, sb, scorer=fuzz.ratio, dtype=np.float32) / 100.0
    sets = process.cdist(sa, sb, scorer=fuzz.token_set_ratio, dtype=np.float32) / 100.0
    dice = _dice_matrix([f.terms for f in a], [f.terms for f in b])
    result: np.ndarray = (W_TERMS * dice + W_CHARS * chars + W_SET * sets).astype(np.float32)
    return result


def sentence_similarity(a: str, b: str) -> float:
    """Similarity of two sentences of raw text, in [0, 1]."""
    return float(similarity_matrix([features_of_text(a)], [features_of_text(b)])[0, 0])
