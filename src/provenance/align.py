"""Passage alignment for one candidate pair (rapidfuzz inside).

Three passes, none of which assumes the two documents keep the same order:

1. **Verbatim runs.** Exact n-grams of normalized tokens seed maximal common runs on every
   diagonal, wherever they sit in either document (moved paragraphs are found).
2. **Edited passages.** Runs close together on both sides, on nearly the same diagonal, are
   chained into one passage; its similarity is the token-level edit similarity (Indel).
3. **Paraphrases.** Sentences not already aligned are compared with a lexical sentence
   similarity; pairs that are each other's best match above the paraphrase threshold are
   aligned, and neighbouring aligned sentences are merged into one passage.

A passage is a ``quote`` when the shared material sits inside quotation marks in both
documents. All spans are character offsets into each document's extracted text.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import xxhash
from rapidfuzz.distance import Indel

from provenance.arrays import mix64, ranks
from provenance.config import Settings
from provenance.models import Alignment, Passage, PassageKind, Span
from provenance.similarity import SentenceFeatures, features, similarity_matrix
from provenance.text import Analysis, has_unspaced, is_content_word

MAX_SEED_OCCURRENCES = 32  # an n-gram repeated more often than this is boilerplate
QUOTE_SHARE = 0.8  # share of a passage's tokens inside quotation marks, on both sides
PHRASE_CONTENT_WORDS = 3  # content words a shared phrase must hold to count
FREE_SHARE = 0.5  # a sentence less than half covered by verbatim blocks is left to pass 3
REPEAT_SHARE = 0.5  # a block half inside longer kept blocks, on either side, repeats them


@dataclass(frozen=True, slots=True)
class Prepared:
    """One document made ready for alignment; computed once per document."""

    analysis: Analysis
    ids: tuple[int, ...]  # one integer per token
    sentences: tuple[SentenceFeatures, ...]
    content: np.ndarray  # one bool per token: it carries a content term (not a stopword)


@lru_cache(maxsize=262144)
def token_id(norm: str) -> int:
    """The integer that stands for a token in the verbatim and edit comparisons."""
    return int(xxhash.xxh64_intdigest(norm.encode("utf-8")))


def prepare(analysis: Analysis) -> Prepared:
    norms = analysis.norms
    ids = tuple(map(token_id, norms))
    spaced = not has_unspaced("".join(norms))  # checked once, not once a sentence
    sents = tuple(features(norms[lo:hi], spaced=spaced) for lo, hi in analysis.sentence_tokens)
    content = np.fromiter(map(is_content_word, norms), dtype=bool, count=len(norms))
    return Prepared(analysis, ids, sents, content)


@dataclass(slots=True)
class _Block:
    """An aligned stretch in token coordinates: ``[i0, i1)`` in x, ``[j0, j1)`` in y."""

    i0: int
    i1: int
    j0: int
    j1: int
    matched: int  # tokens matched exactly
    kind: PassageKind
    similarity: float


# --- pass 1: verbatim runs -------------------------------------------------------------------


def verbatim_runs(x: Sequence[int], y: Sequence[int], n: int) -> list[tuple[int, int, int]]:
    """Maximal common runs ``(i, j, length)`` of at least ``n`` tokens, in any order.

    Seeds are the ``n``-grams found in both (an ``n``-gram found more than
    ``MAX_SEED_OCCURRENCES`` times in ``x`` is boilerplate and seeds nothing); each seed not
    already inside a run on its diagonal is extended as far as the two agree, in the order
    of ``j`` and then ``i``. Seeds are found with NumPy on a 64-bit hash of each ``n``-gram:
    when two different ``n``-grams of ``x`` share a hash (checked), the exact dictionary
    search is used instead, so the runs are always those of ``exact_verbatim_runs``."""
    if len(x) < n or len(y) < n:
        return []
    xa, ya = _id_array(x), _id_array(y)
    hx, hy = _gram_hashes(xa, n), _gram_hashes(ya, n)
    order = np.argsort(hx, kind="stable")  # equal hashes keep their positions in order
    sorted_x = hx[order]
    # Within x, positions with one hash must hold one n-gram; then a y n-gram whose hash is
    # found is checked against one of them, and the hash count is the exact count.
    ties = np.flatnonzero(sorted_x[1:] == sorted_x[:-1])
    if ties.size and not _same_grams(xa, order[ties], xa, order[ties + 1], n).all():
        return exact_verbatim_runs(x, y, n)
    lo = np.searchsorted(sorted_x, hy, "left")
    count = np.searchsorted(sorted_x, hy, "right") - lo
    js = np.flatnonzero((count > 0) & (count <= MAX_SEED_OCCURRENCES))
    js = js[_same_grams(xa, order[lo[js]], ya, js, n)]
    if js.size == 0:
        return []
    count = count[js]
    i_all = order[np.repeat(lo[js], count) + ranks(count)]
    j_all = np.repeat(js, count)
    return _extend(x, y, n, zip(i_all.tolist(), j_all.tolist(), strict=True))


def exact_verbatim_runs(x: Sequence[int], y: Sequence[int], n: int) -> list[tuple[int, int, int]]:
    """``verbatim_runs`` by a dictionary of ``n``-gram tuples (the reference, and the way
    taken when two ``n``-grams share a hash)."""
    if len(x) < n or len(y) < n:
        return []
    index: dict[tuple[int, ...], list[int]] = {}
    for i in range(len(x) - n + 1):
        index.setdefault(tuple(x[i : i + n]), []).append(i)
    seeds: list[tuple[int, int]] = []
    for j in range(len(y) - n + 1):
        hits = index.get(tuple(y[j : j + n]))
        if hits and len(hits) <= MAX_SEED_OCCURRENCES:
            seeds.extend((i, j) for i in hits)
    return _extend(x, y, n, seeds)


def _extend(
    x: Sequence[int], y: Sequence[int], n: int, seeds: Iterable[tuple[int, int]]
) -> list[tuple[int, int, int]]:
    """Each seed ``(i, j)`` (in order of ``j``, then ``i``) not already inside a run on its
    diagonal, extended as far as ``x`` and ``y`` agree."""
    runs: list[tuple[int, int, int]] = []
    reach: dict[int, int] = {}  # diagonal i - j -> first j not yet covered by a run
    nx, ny = len(x), len(y)
    for i, j in seeds:
        d = i - j
        if reach.get(d, -1) > j:
            continue
        length = n
        while i + length < nx and j + length < ny and x[i + length] == y[j + length]:
            length += 1
        reach[d] = j + length
        runs.append((i, j, length))
    return runs


def _same_grams(
    a: np.ndarray, at_a: np.ndarray, b: np.ndarray, at_b: np.ndarray, n: int
) -> np.ndarray:
    """Whether the ``n``-gram of ``a`` at each ``at_a`` equals that of ``b`` at ``at_b``."""
    same = np.ones(len(at_a), dtype=bool)
    for k in range(n):
        same &= a[at_a + k] == b[at_b + k]
    return same


def _id_array(ids: Sequence[int]) -> np.ndarray:
    return np.fromiter(ids, dtype=np.uint64, count=len(ids))


def _gram_hashes(ids: np.ndarray, n: int) -> np.ndarray:
    """A 64-bit hash of each ``n``-gram of ``ids`` (uint64, one per start position)."""
    m = len(ids) - n + 1
    hashed = np.zeros(m, dtype=np.uint64)
    for k in range(n):
        mix64(hashed, ids[k : k + m])
    return hashed


# --- pass 2: chaining runs into edited passages ----------------------------------------------


def chain_runs(
    runs: list[tuple[int, int, int]], gap: int, min_run: int
) -> list[list[tuple[int, int, int]]]:
    """Group runs that follow each other closely on both sides into chains."""
    chains: list[list[tuple[int, int, int]]] = []
    for run in sorted(runs, key=lambda r: (r[1], r[0])):
        i, j, length = run
        best: list[tuple[int, int, int]] | None = None
        best_cost = gap * 3
        for chain in chains:
            li, lj, ll = chain[-1]
            gi, gj = i - (li + ll), j - (lj + ll)
            if -2 <= gi <= gap and -2 <= gj <= gap:
                cost = max(gi, 0) + max(gj, 0) + abs(gi - gj)
                if cost < best_cost:
                    best, best_cost = chain, cost
        if best is not None:
            best.append(run)
        elif length >= min_run:
            chains.append([run])
    return chains


def _similarity(x: Sequence[int], y: Sequence[int]) -> float:
    return float(Indel.normalized_similarity(x, y))


def _blocks_from_chains(
    x: Prepared, y: Prepared, chains: list[list[tuple[int, int, int]]], settings: Settings
) -> list[_Block]:
    blocks: list[_Block] = []
    for chain in chains:
        matched = sum(r[2] for r in chain)
        if matched < settings.min_verbatim_tokens:
            continue
        i0, j0 = chain[0][0], chain[0][1]
        i1 = max(r[0] + r[2] for r in chain)
        j1 = max(r[1] + r[2] for r in chain)
        sim = _similarity(x.ids[i0:i1], y.ids[j0:j1])
        if len(chain) == 1 or sim == 1.0:
            kind: PassageKind = "verbatim"
        elif sim >= settings.edited_similarity:
            kind = "edited"
        else:
            # Too loose to be one edited passage: keep its long runs as verbatim.
            blocks.extend(
                _Block(i, i + n, j, j + n, n, "verbatim", 1.0)
                for i, j, n in chain
                if n >= settings.min_verbatim_tokens
            )
            continue
        blocks.append(_Block(i0, i1, j0, j1, matched, kind, sim))
    return blocks


# --- pass 3: paraphrased sentences -----------------------------------------------------------


def _covered(mask: np.ndarray, lo: int, hi: int) -> float:
    return float(mask[lo:hi].mean()) if hi > lo else 1.0


def _mostly_free(mask: np.ndarray, ranges: Sequence[tuple[int, int]]) -> list[bool]:
    """For each token range: whether less than half of it is in ``mask`` (an empty range
    counts as covered), all ranges at once."""
    if not ranges:
        return []
    counts = np.concatenate(([0], np.cumsum(mask, dtype=np.int64)))
    lo, hi = np.array(ranges, dtype=np.int64).T
    size = hi - lo
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(size > 0, (counts[hi] - counts[lo]) / size, 1.0)
    free: list[bool] = (share < FREE_SHARE).tolist()
    return free


def _sentence_range(spans: Sequence[tuple[int, int]], lo: int, hi: int) -> tuple[int, int]:
    """Indexes of the sentences that overlap the token range ``[lo, hi)``."""
    first = next((k for k, (a, b) in enumerate(spans) if b > lo), len(spans))
    last = first
    while last < len(spans) and spans[last][0] < hi:
        last += 1
    return first, last


def _sweep(
    sim: np.ndarray,
    free_x: Sequence[bool],
    free_y: Sequence[bool],
    cells: set[tuple[int, int]],
    pairs: dict[tuple[int, int], float],
    low: float,
    reach: int,
    *,
    along_y: bool,
) -> bool:
    """One pass of the context growth over the sentences of one document (``y`` when
    ``along_y``, else ``x``): each sentence not yet aligned is paired with the most similar
    free sentence of the other document near an aligned pair, if at least ``low``.
    ``cells`` and ``pairs`` grow in place; returns whether anything was added."""
    matrix = sim if along_y else sim.T
    free_this, free_other = (free_y, free_x) if along_y else (free_x, free_y)
    oriented = {(a, b) if along_y else (b, a) for a, b in cells}  # (other, this)
    used = {t for _, t in oriented}
    changed = False
    for t, free in enumerate(free_this):
        if t in used or not free:
            continue
        near = [o + (t - pt) for o, pt in oriented if abs(pt - t) <= reach]
        around = {o for c in near for o in range(c - reach, c + reach + 1)}
        scored = [
            (float(matrix[o, t]), -o) for o in around if 0 <= o < len(free_other) and free_other[o]
        ]
        if not scored:
            continue
        score, neg = max(scored)
        if score >= low:
            cell = (-neg, t) if along_y else (t, -neg)
            pairs[cell] = score
            cells.add(cell)
            oriented.add((-neg, t))
            used.add(t)
            changed = True
    return changed


def paraphrase_searchable(sentences_x: int, sentences_y: int, settings: Settings) -> bool:
    """False when the sentence similarity matrix of a pair would exceed
    ``settings.max_sentence_pairs`` cells: then only verbatim and edited passages are found."""
    return sentences_x * sentences_y <= settings.max_sentence_pairs


def _paraphrase_blocks(
    x: Prepared,
    y: Prepared,
    anchors: list[_Block],
    mask_x: np.ndarray,
    mask_y: np.ndarray,
    settings: Settings,
) -> list[_Block]:
    """Sentence pairs that paraphrase each other, merged into passages.

    First, pairs above the paraphrase threshold that are the best match of either sentence.
    Then, growing outward from those and from the verbatim/edited blocks (the anchors),
    pairs above the lower context threshold that sit next to an aligned pair on both sides:
    a rewrite keeps its neighbourhoods together, independent reports of the same story do not.
    """
    sx, sy = x.analysis.sentence_tokens, y.analysis.sentence_tokens
    if not sx or not sy or not paraphrase_searchable(len(sx), len(sy), settings):
        return []
    sim = similarity_matrix(x.sentences, y.sentences, min_overlap=settings.paraphrase_min_overlap)
    free_x = _mostly_free(mask_x, sx)
    free_y = _mostly_free(mask_y, sy)
    masked = np.where(np.outer(free_x, free_y), sim, 0.0)
    best_for_x = masked.argmax(axis=1)
    best_for_y = masked.argmax(axis=0)
    pairs: dict[tuple[int, int], float] = {}
    for a, b in zip(*np.nonzero(masked >= settings.paraphrase_similarity), strict=True):
        if best_for_x[a] == b or best_for_y[b] == a:
            pairs[(int(a), int(b))] = float(masked[a, b])

    # Context pass: anchored growth at the lower threshold.
    anchor_cells: set[tuple[int, int]] = set(pairs)
    for blk in anchors:
        xa, xb = _sentence_range(sx, blk.i0, blk.i1)
        ya, yb = _sentence_range(sy, blk.j0, blk.j1)
        anchor_cells.update((a, b) for a in range(xa, xb) for b in range(ya, yb))
    low = settings.paraphrase_context_similarity
    reach = settings.paraphrase_context_sentences
    while _sweep(sim, free_x, free_y, anchor_cells, pairs, low, reach, along_y=True) | _sweep(
        sim, free_x, free_y, anchor_cells, pairs, low, reach, along_y=False
    ):
        pass

    # Merge neighbouring sentence pairs (also one sentence split in two) into passages.
    groups: list[list[tuple[int, int, float]]] = []
    for (a, b), s in sorted(pairs.items()):
        for group in groups:
            if any(abs(a - g[0]) <= 1 and abs(b - g[1]) <= 1 for g in group):
                group.append((a, b, s))
                break
        else:
            groups.append([(a, b, s)])
    blocks: list[_Block] = []
    for group in groups:
        xs = sorted({g[0] for g in group})
        ys = sorted({g[1] for g in group})
        i0, i1 = sx[xs[0]][0], sx[xs[-1]][1]
        j0, j1 = sy[ys[0]][0], sy[ys[-1]][1]
        if i1 <= i0 or j1 <= j0:
            continue
        weights = [(sx[g[0]][1] - sx[g[0]][0]) + (sy[g[1]][1] - sy[g[1]][0]) for g in group]
        mean = sum(w * g[2] for w, g in zip(weights, group, strict=True)) / max(1, sum(weights))
        chars = _similarity(x.ids[i0:i1], y.ids[j0:j1])
        kind: PassageKind = "paraphrase"
        similarity = mean
        if chars == 1.0:
            kind, similarity = "verbatim", chars
        elif chars >= settings.edited_similarity:
            kind, similarity = "edited", chars
        blocks.append(_Block(i0, i1, j0, j1, len(group), kind, similarity))
    return blocks


# --- putting it together ---------------------------------------------------------------------


def _overlap(a0: int, a1: int, b0: int, b1: int) -> int:
    return max(0, min(a1, b1) - max(a0, b0))


def _select(blocks: list[_Block]) -> list[_Block]:
    """Drop blocks that mostly repeat a longer one on either side."""
    kept: list[_Block] = []
    order = sorted(blocks, key=lambda b: (-(b.i1 - b.i0 + b.j1 - b.j0), b.i0, b.j0))
    for blk in order:
        lx, ly = blk.i1 - blk.i0, blk.j1 - blk.j0
        ox = sum(_overlap(blk.i0, blk.i1, k.i0, k.i1) for k in kept)
        oy = sum(_overlap(blk.j0, blk.j1, k.j0, k.j1) for k in kept)
        if ox >= REPEAT_SHARE * lx or oy >= REPEAT_SHARE * ly:
            continue
        kept.append(blk)
    return sorted(kept, key=lambda b: (b.i0, b.j0))


def _mask(length: int, spans: list[tuple[int, int]]) -> np.ndarray:
    mask = np.zeros(length, dtype=bool)
    for lo, hi in spans:
        mask[lo:hi] = True
    return mask


def _char_span(analysis: Analysis, lo: int, hi: int) -> Span:
    return Span(int(analysis.starts[lo]), int(analysis.ends[hi - 1]))


def align(x: Prepared, y: Prepared, settings: Settings) -> tuple[list[Passage], float, float]:
    """Aligned passages between ``x`` and ``y`` and the share of each document they cover.

    Passages have ``a`` in ``x`` and ``b`` in ``y``, sorted by their position in ``x``.
    Coverage is the share of a document's tokens inside any aligned passage.
    """
    passages, coverage_x, coverage_y, _ = _align(x, y, settings)
    return passages, coverage_x, coverage_y


def _phrase_shares(
    x: Prepared, y: Prepared, runs: Sequence[tuple[int, int, int]], n: int
) -> tuple[float, float]:
    """Share of each document's unquoted tokens inside shared runs of at least ``n`` tokens
    that hold ``PHRASE_CONTENT_WORDS`` content words (a run of function words and one name
    is what any two reports of a story share)."""
    mask_x = np.zeros(len(x.ids), dtype=bool)
    mask_y = np.zeros(len(y.ids), dtype=bool)
    for i, j, length in runs:
        if length >= n and int(x.content[i : i + length].sum()) >= PHRASE_CONTENT_WORDS:
            mask_x[i : i + length] = True
            mask_y[j : j + length] = True
    return (
        float((mask_x & ~x.analysis.quoted).mean()),
        float((mask_y & ~y.analysis.quoted).mean()),
    )


def alignment(a: int, b: int, x: Prepared, y: Prepared, settings: Settings) -> Alignment:
    """The ``Alignment`` of documents ``a`` and ``b`` (prepared as ``x`` and ``y``)."""
    passages, cov_a, cov_b, (phrases_a, phrases_b) = _align(x, y, settings)
    return Alignment(a, b, tuple(passages), cov_a, cov_b, phrases_a, phrases_b)


def _align(
    x: Prepared, y: Prepared, settings: Settings
) -> tuple[list[Passage], float, float, tuple[float, float]]:
    nx, ny = len(x.ids), len(y.ids)
    if nx == 0 or ny == 0:
        return [], 0.0, 0.0, (0.0, 0.0)
    runs = verbatim_runs(x.ids, y.ids, settings.seed_ngram)
    phrases = _phrase_shares(x, y, runs, max(settings.phrase_tokens, settings.seed_ngram))
    chains = chain_runs(runs, settings.edit_gap_tokens, max(settings.seed_ngram + 1, 5))
    blocks = _blocks_from_chains(x, y, chains, settings)
    mask_x = _mask(nx, [(b.i0, b.i1) for b in blocks])
    mask_y = _mask(ny, [(b.j0, b.j1) for b in blocks])
    blocks += _paraphrase_blocks(x, y, blocks, mask_x, mask_y, settings)
    blocks = _select(blocks)

    quote_x = x.analysis.quoted
    quote_y = y.analysis.quoted
    passages: list[Passage] = []
    spans_x: list[tuple[int, int]] = []
    spans_y: list[tuple[int, int]] = []
    for blk in blocks:
        a = _char_span(x.analysis, blk.i0, blk.i1)
        b = _char_span(y.analysis, blk.j0, blk.j1)
        if min(len(a), len(b)) < settings.min_passage_chars:
            continue
        kind = blk.kind
        if (
            _covered(quote_x, blk.i0, blk.i1) >= QUOTE_SHARE
            and _covered(quote_y, blk.j0, blk.j1) >= QUOTE_SHARE
        ):
            kind = "quote"
        passages.append(Passage(a, b, kind, round(min(1.0, blk.similarity), 4)))
        spans_x.append((blk.i0, blk.i1))
        spans_y.append((blk.j0, blk.j1))
    coverage_x = float(_mask(nx, spans_x).mean())
    coverage_y = float(_mask(ny, spans_y).mean())
    return passages, coverage_x, coverage_y, phrases
