"""Sentence similarity that decides whether two sentences are paraphrases.

Five lexical signals per sentence pair, each computed for a whole block of pairs at once:

* ``dice``: overlap of content terms (stemmed non-stopwords, numbers kept), Dice;
* ``chars``: character-level edit similarity of the normalized token strings (rapidfuzz
  Indel, ``fuzz.ratio``), which sees word order and small spelling changes;
* ``set``: word-order-free token-set similarity (rapidfuzz ``token_set_ratio``), high when one
  sentence's words are contained in the other's;
* ``numbers``: 1 when the two sentences do not mention the same numbers (a different figure
  often marks two reports of one event that are *not* paraphrases), else 0;
* ``length``: the shorter sentence's token count over the longer's.

A logistic regression combines them, so the similarity reads as the probability that the pair
is a paraphrase in the sense of MRPC (news sentences from different outlets, all with high
overlap). The coefficients were fitted on the MRPC **training** split only; the test split
was used only to report accuracy (``benchmarks/dev_corpora.py``, ``benchmarks/README.md``).
On MRPC the best threshold is about 0.51; inside documents, where most sentence pairs are
unrelated and alignment also asks for a best match, the paraphrase thresholds in
``Settings`` are lower (chosen on the development corpora, see the benchmarks README).

A penalty on the content words one sentence adds to the other would score better on MRPC,
whose negatives are often one report plus an extra clause, but a rewrite adds and drops
clauses too: such a feature lost the heavy rewrites that alignment must find, so it is not
used.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from rapidfuzz import fuzz, process

from provenance.text import content_terms, fold_token, tokenize

# Logistic-regression coefficients fitted on MRPC train (4,076 pairs, L2 penalty 1e-3 on the
# weights); the intercept, then one weight per feature of ``_stack``, in its order.
INTERCEPT = -5.175
W_DICE = 2.579
W_CHARS = 2.315
W_SET = 1.329
W_NUMBERS = -0.556
W_LENGTH = 1.923


MAX_COMPARED_CHARS = 2_000
"""Edit-distance features look at this many characters of a sentence at most. Real sentences
are far shorter; a "sentence" of a million characters (unpunctuated CJK, a text without full
stops) made one comparison take minutes (edit distance is quadratic in length)."""


@dataclass(frozen=True, slots=True)
class SentenceFeatures:
    """A sentence reduced to what similarity needs."""

    string: str  # normalized tokens joined by spaces
    terms: frozenset[str]  # content terms (stemmed non-stopwords, numbers)
    numbers: frozenset[str] = frozenset()  # the numbers among ``terms``
    length: int = 0  # tokens


def features(norms: Sequence[str]) -> SentenceFeatures:
    terms = frozenset(content_terms(norms))
    numbers = frozenset(t for t in terms if t.isdigit())
    return SentenceFeatures(" ".join(norms), terms, numbers, len(norms))


def features_of_text(sentence: str) -> SentenceFeatures:
    return features([fold_token(t.norm) for t in tokenize(sentence)])


def _incidence(
    a: Sequence[frozenset[str]], b: Sequence[frozenset[str]]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Set sizes of ``a`` (column), of ``b`` (row) and the pairwise intersection sizes.

    Only terms found on both sides can intersect, so only they get a column: the incidence
    matrices stay small when a long document meets a short one (over the whole vocabulary,
    20,000 sentences of one document took gigabytes)."""
    in_b = set().union(*b) if b else set()
    vocab: dict[str, int] = {}
    for terms in a:
        for t in terms:
            if t in in_b:
                vocab.setdefault(t, len(vocab))
    width = max(1, len(vocab))
    ma = np.zeros((len(a), width), dtype=np.float32)
    mb = np.zeros((len(b), width), dtype=np.float32)
    for k, terms in enumerate(a):
        ma[k, [vocab[t] for t in terms if t in vocab]] = 1.0
    for k, terms in enumerate(b):
        mb[k, [vocab[t] for t in terms if t in vocab]] = 1.0
    inter: np.ndarray = ma @ mb.T
    size_a = np.array([len(terms) for terms in a], dtype=np.float32)[:, None]
    size_b = np.array([len(terms) for terms in b], dtype=np.float32)[None, :]
    return size_a, size_b, inter


def _dice(a: Sequence[SentenceFeatures], b: Sequence[SentenceFeatures]) -> np.ndarray:
    size_a, size_b, inter = _incidence([f.terms for f in a], [f.terms for f in b])
    total = size_a + size_b
    with np.errstate(invalid="ignore", divide="ignore"):
        dice: np.ndarray = np.where(total > 0, 2.0 * inter / total, 0.0).astype(np.float32)
    return dice


def _stack(
    a: Sequence[SentenceFeatures], b: Sequence[SentenceFeatures], dice: np.ndarray
) -> np.ndarray:
    """The features of every pair, shape ``(5, len(a), len(b))``, float32."""
    sa = [f.string[:MAX_COMPARED_CHARS] for f in a]
    sb = [f.string[:MAX_COMPARED_CHARS] for f in b]
    chars = process.cdist(sa, sb, scorer=fuzz.ratio, dtype=np.float32) / 100.0
    sets = process.cdist(sa, sb, scorer=fuzz.token_set_ratio, dtype=np.float32) / 100.0
    num_a, num_b, num_inter = _incidence([f.numbers for f in a], [f.numbers for f in b])
    numbers = (num_a + num_b - 2.0 * num_inter > 0).astype(np.float32)
    len_a = np.array([f.length for f in a], dtype=np.float32)[:, None]
    len_b = np.array([f.length for f in b], dtype=np.float32)[None, :]
    length = np.minimum(len_a, len_b) / np.maximum(np.maximum(len_a, len_b), 1.0)
    return np.stack([dice, chars, sets, numbers, length]).astype(np.float32)


_WEIGHTS = np.array([W_DICE, W_CHARS, W_SET, W_NUMBERS, W_LENGTH], dtype=np.float32)


def _logistic(
    a: Sequence[SentenceFeatures], b: Sequence[SentenceFeatures], dice: np.ndarray
) -> np.ndarray:
    z = np.tensordot(_WEIGHTS, _stack(a, b, dice), axes=1) + np.float32(INTERCEPT)
    result: np.ndarray = (1.0 / (1.0 + np.exp(-z))).astype(np.float32)
    return result


def similarity_matrix(
    a: Sequence[SentenceFeatures], b: Sequence[SentenceFeatures], *, min_overlap: float = 0.0
) -> np.ndarray:
    """Pairwise similarity in [0, 1], shape ``(len(a), len(b))``, float32.

    With ``min_overlap``, pairs whose content terms overlap less than that (Dice) are not
    compared and get 0: a paraphrase shares content words, and most sentence pairs of two
    unrelated documents share none, so alignment skips the costly string measures for them.
    """
    if not a or not b:
        return np.zeros((len(a), len(b)), dtype=np.float32)
    dice = _dice(a, b)
    if min_overlap <= 0.0:
        return _logistic(a, b, dice)
    keep = dice >= min_overlap
    rows = np.flatnonzero(keep.any(axis=1))
    cols = np.flatnonzero(keep.any(axis=0))
    result = np.zeros((len(a), len(b)), dtype=np.float32)
    if rows.size and cols.size:
        sub = _logistic(
            [a[int(i)] for i in rows], [b[int(j)] for j in cols], dice[np.ix_(rows, cols)]
        )
        result[np.ix_(rows, cols)] = sub
        result[~keep] = 0.0
    return result


def sentence_similarity(a: str, b: str) -> float:
    """Similarity of two sentences of raw text, in [0, 1]."""
    return float(similarity_matrix([features_of_text(a)], [features_of_text(b)])[0, 0])
