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


def features(norms: Sequence[str], *, spaced: bool = False) -> SentenceFeatures:
    """The features of a sentence of normalized tokens (``spaced``: as ``content_terms``)."""
    terms = frozenset(content_terms(norms, spaced=spaced))
    numbers = frozenset(filter(str.isdigit, terms))
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
    in_b = frozenset().union(*b) if b else frozenset()
    vocab: dict[str, int] = {}
    rows_a: list[int] = []
    cols_a: list[int] = []
    for k, terms in enumerate(a):
        for t in terms & in_b:  # most terms are not shared: intersect in C first
            rows_a.append(k)
            cols_a.append(vocab.setdefault(t, len(vocab)))
    shared = vocab.keys()
    rows_b: list[int] = []
    cols_b: list[int] = []
    for k, terms in enumerate(b):
        for t in shared & terms:
            rows_b.append(k)
            cols_b.append(vocab[t])
    width = max(1, len(vocab))
    ma = np.zeros((len(a), width), dtype=np.float32)
    mb = np.zeros((len(b), width), dtype=np.float32)
    ma[rows_a, cols_a] = 1.0
    mb[rows_b, cols_b] = 1.0
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


def _features_at(
    a: Sequence[SentenceFeatures],
    b: Sequence[SentenceFeatures],
    rows: np.ndarray,
    cols: np.ndarray,
    dice: np.ndarray,
) -> np.ndarray:
    """The features of the sentence pairs ``(a[rows[k]], b[cols[k]])``, shape ``(5, k)``,
    float32, ``dice`` being their Dice overlap. Only these cells are compared: the string
    measures dominate alignment, and most cells of a pair's matrix share no content word."""
    left = [a[i] for i in rows.tolist()]
    right = [b[j] for j in cols.tolist()]
    sa = [f.string[:MAX_COMPARED_CHARS] for f in left]
    sb = [f.string[:MAX_COMPARED_CHARS] for f in right]
    chars = process.cpdist(sa, sb, scorer=fuzz.ratio, dtype=np.float32) / 100.0
    sets = process.cpdist(sa, sb, scorer=fuzz.token_set_ratio, dtype=np.float32) / 100.0
    # 1 when the two sentences do not mention the same numbers
    numbers = np.fromiter(
        (fa.numbers != fb.numbers for fa, fb in zip(left, right, strict=True)),
        dtype=np.float32,
        count=len(left),
    )
    len_a = np.fromiter((f.length for f in left), dtype=np.float32, count=len(left))
    len_b = np.fromiter((f.length for f in right), dtype=np.float32, count=len(right))
    length = np.minimum(len_a, len_b) / np.maximum(np.maximum(len_a, len_b), 1.0)
    return np.stack([dice, chars, sets, numbers, length]).astype(np.float32)


_WEIGHTS = np.array([W_DICE, W_CHARS, W_SET, W_NUMBERS, W_LENGTH], dtype=np.float32)


def _logistic(features: np.ndarray) -> np.ndarray:
    # A sum in a fixed order, one cell at a time (not a BLAS product, whose rounding can
    # depend on the array's shape and on the machine's kernels): the same pair of
    # sentences scores the same bits wherever it is computed.
    z = _WEIGHTS[0] * features[0]
    for weight, feature in zip(_WEIGHTS[1:], features[1:], strict=True):
        z += weight * feature
    z += np.float32(INTERCEPT)
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
    result = np.zeros((len(a), len(b)), dtype=np.float32)
    if not a or not b:
        return result
    dice = _dice(a, b)
    rows, cols = np.nonzero(dice >= min_overlap) if min_overlap > 0.0 else np.indices(dice.shape)
    rows, cols = rows.ravel(), cols.ravel()
    if rows.size:
        result[rows, cols] = _logistic(_features_at(a, b, rows, cols, dice[rows, cols]))
    return result


def sentence_similarity(a: str, b: str) -> float:
    """Similarity of two sentences of raw text, in [0, 1]."""
    return float(similarity_matrix([features_of_text(a)], [features_of_text(b)])[0, 0])
