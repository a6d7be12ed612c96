"""LSH banding -> candidate document pairs, without ever comparing all pairs.

Each unit signature is cut into ``b`` bands of ``r`` rows (chosen by datasketch for the
configured threshold, weighted toward recall because alignment verifies every candidate).
Units that agree on a whole band share a bucket; documents whose units share buckets are
candidates, ranked by how many of their units collided.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

import numpy as np
import xxhash

from provenance.arrays import mix64, ranks
from provenance.config import Settings
from provenance.fingerprint import Fingerprint, FingerprintTable


def band_parameters(settings: Settings) -> tuple[int, int]:
    """(bands, rows) that datasketch finds optimal for the threshold and weights."""
    return _band_parameters(
        settings.lsh_threshold, settings.num_perm, settings.lsh_false_negative_weight
    )


@lru_cache(maxsize=16)
def _band_parameters(threshold: float, num_perm: int, fn: float) -> tuple[int, int]:
    # Deferred: datasketch (and scipy, which it integrates with) takes over a second to
    # import; here, only a run that bands pays for it, never ``provenance --help``
    from datasketch import MinHashLSH  # noqa: PLC0415

    lsh = MinHashLSH(threshold=threshold, num_perm=num_perm, weights=(1.0 - fn, fn))
    return int(lsh.b), int(lsh.r)


@dataclass(frozen=True, slots=True)
class BandKeys:
    """Every unit's band keys, one row per (unit, band), as plain arrays.

    ``keys`` holds the band's ``rows`` signature values (exact, not a hash of them), so two
    units share a bucket exactly when they agree on a whole band.
    """

    doc: np.ndarray  # int32 (stage files from earlier versions hold int64: either works)
    unit: np.ndarray  # int32
    band: np.ndarray  # int32
    keys: np.ndarray  # uint32, shape (n, rows)


def split_bands(signatures: np.ndarray, bands: int, rows: int) -> np.ndarray:
    """Every band key of each signature (one per row of ``signatures``), as a view of shape
    ``(signatures, bands, rows)``: ``[k, b]`` is the key of band ``b`` of signature ``k``, its
    ``rows`` values from column ``b * rows`` on. Every band key is cut here: those the
    candidate stage buckets on, the stage files' and the index's."""
    split: np.ndarray = signatures[:, : bands * rows].reshape(len(signatures), bands, rows)
    return split


def band_keys(
    fingerprints: Sequence[Fingerprint], settings: Settings, *, first_doc: int = 0
) -> BandKeys:
    """The band keys of ``fingerprints`` (documents numbered from ``first_doc``), one row per
    (unit, band), the bands of a unit together."""
    bands, rows = band_parameters(settings)
    sigs, doc, unit = _units(fingerprints, first_doc)
    total = len(doc)
    if total == 0:
        empty = np.zeros(0, dtype=np.int64)
        return BandKeys(empty, empty, empty, np.zeros((0, rows), dtype=np.uint32))
    keys = split_bands(sigs.astype(np.uint32, copy=False), bands, rows)
    return BandKeys(
        doc=np.repeat(doc, bands),
        unit=np.repeat(unit, bands),
        band=np.tile(np.arange(bands, dtype=np.int32), total),
        keys=keys.reshape(total * bands, rows),
    )


def _units(
    fingerprints: Sequence[Fingerprint], first_doc: int = 0
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every unit's signature (stacked), document and index in its document. The indexes
    are int32: at 100,000 documents there are some 20 million (unit, band) rows."""
    counts = unit_counts(fingerprints)
    total = int(counts.sum())
    if total == 0:
        empty = np.zeros(0, dtype=np.int32)
        return np.zeros((0, 0), dtype=np.uint32), empty, empty
    if isinstance(fingerprints, FingerprintTable):
        sigs = fingerprints.signatures
    else:
        sigs = np.concatenate([fp.signatures for fp in fingerprints if len(fp.units)])
    doc = np.repeat(np.arange(first_doc, first_doc + len(fingerprints), dtype=np.int32), counts)
    unit = np.arange(total, dtype=np.int64) - np.repeat(np.cumsum(counts) - counts, counts)
    return sigs, doc, unit.astype(np.int32)


def concat_band_keys(parts: Sequence[BandKeys], rows: int) -> BandKeys:
    if not parts:
        empty = np.zeros(0, dtype=np.int64)
        return BandKeys(empty, empty, empty, np.zeros((0, rows), dtype=np.uint32))
    return BandKeys(
        doc=np.concatenate([p.doc for p in parts]),
        unit=np.concatenate([p.unit for p in parts]),
        band=np.concatenate([p.band for p in parts]),
        keys=np.concatenate([p.keys for p in parts]),
    )


class Found(NamedTuple):
    """What the candidate stage hands on: the candidate pairs ``(a, b, colliding unit
    pairs)`` of ``candidate_pairs``, and each document's number of units (passages), by
    which the family stage weighs the collisions."""

    pairs: list[tuple[int, int, int]]
    units: np.ndarray


def hub_ranks(dates: Sequence[str | None]) -> np.ndarray:
    """Each document's rank as the hub of a crowded bucket's star (lower comes first): the
    earliest dated document, undated ones after every dated one, ties in document order.

    A family of copies crowds its buckets; compared with its first member in document
    order, every copy would be related to whichever copy sorts first (``copy-01.txt``
    before ``source.txt``) and the source to that copy alone. The earliest dated member is
    the likeliest source, so the star is centred there. ISO 8601 dates sort as text."""
    order = sorted(range(len(dates)), key=lambda k: (dates[k] is None, dates[k] or "", k))
    ranks_out = np.empty(len(dates), dtype=np.int64)
    ranks_out[order] = np.arange(len(dates), dtype=np.int64)
    return ranks_out


def unit_collisions(
    keys: BandKeys,
    settings: Settings,
    *,
    notes: list[str] | None = None,
    hubs: np.ndarray | None = None,
    members: list[np.ndarray] | None = None,
) -> np.ndarray:
    """Colliding unit pairs as rows ``(doc_a, doc_b, unit_a, unit_b)``, ``doc_a < doc_b``,
    unique and sorted, from buckets of 2 to ``max_bucket_size`` members, and larger buckets
    as a star around the member ``hubs`` ranks first (`hub_ranks`; document order without
    it; a note in ``notes`` when there were such buckets). ``members`` collects the crowded
    buckets' other members (``_star_rows``)."""
    rows, crowded = _collide(keys, settings, hubs=hubs, members=members)
    if notes is not None and crowded:
        notes.append(_crowded_note(crowded, settings))
    return _unique_rows([rows])


def _collide(
    keys: BandKeys,
    settings: Settings,
    signatures: np.ndarray | None = None,
    *,
    hubs: np.ndarray | None = None,
    members: list[np.ndarray] | None = None,
) -> tuple[np.ndarray, int]:
    """``unit_collisions`` rows (int32, not yet unique) and the number of crowded buckets.

    With ``signatures`` (one row per row of ``keys``), only unit pairs whose whole
    signatures agree on ``min_unit_similarity`` of their values are returned: the first
    test of ``similar_units``, which depends on the unit pair alone, applied before the
    pairs of every band pile up (at a million documents chance collisions run to hundreds
    of millions of unit pairs, nearly all of which fail it)."""
    n = len(keys.doc)
    if n < 2:
        return np.zeros((0, 4), dtype=np.int32), 0
    order, new = _buckets(keys)
    starts = np.flatnonzero(new)
    del new
    sizes = np.diff(np.append(starts, n))
    over = sizes > settings.max_bucket_size
    crowded = int(over.sum())
    star = _star_rows(keys, order, starts[over], sizes[over], settings, signatures, hubs, members)
    keep = (sizes >= 2) & ~over
    starts, sizes = starts[keep], sizes[keep]
    if len(starts) == 0:
        return star, crowded
    # Every pair (i < j) inside each kept bucket, without a Python loop over buckets; only
    # the members' documents and units are gathered (most rows are in no bucket).
    at = order[np.repeat(starts, sizes) + ranks(sizes)]  # the members, bucket by bucket
    del order
    doc = keys.doc[at].astype(np.int32, copy=False)
    unit = keys.unit[at].astype(np.int32, copy=False)
    left_count = np.repeat(sizes, sizes) - ranks(sizes) - 1  # partners after each member
    left = np.repeat(np.arange(len(at), dtype=np.int64), left_count)
    right = left + 1 + ranks(left_count)
    if signatures is not None and settings.min_unit_similarity > 0:
        alike = _alike(signatures, at[left], at[right], settings)
        left, right = left[alike], right[alike]
    da, db, ua, ub = doc[left], doc[right], unit[left], unit[right]
    del left, right
    cross = da != db
    da, db, ua, ub = da[cross], db[cross], ua[cross], ub[cross]
    swap = da > db
    da, db = np.where(swap, db, da), np.where(swap, da, db)
    ua, ub = np.where(swap, ub, ua), np.where(swap, ua, ub)
    return np.concatenate([np.stack([da, db, ua, ub], axis=1), star]), crowded


def _star_rows(
    keys: BandKeys,
    order: np.ndarray,
    starts: np.ndarray,
    sizes: np.ndarray,
    settings: Settings,
    signatures: np.ndarray | None,
    hubs: np.ndarray | None = None,
    members: list[np.ndarray] | None = None,
) -> np.ndarray:
    """The unit pairs of crowded buckets as a star: every member with the bucket's first
    member (lowest ``hubs`` rank of its document, or lowest document without ``hubs``, then
    unit), not every pair (which grows with the square of the bucket) and not nothing
    (which would hide a family of copies).

    What the star does not compare, two members that are not the hub, is appended to
    ``members`` as rows ``(document, bucket)`` (bucket: band and position, unique in a
    run): ``_without_stock_pairs`` must not judge such a pair by the few passages it was
    compared on.

    Boilerplate shared by unrelated documents makes star pairs too; alignment and
    classification decide whether a pair is related (a shared footer line is not)."""
    if len(starts) == 0:
        return np.zeros((0, 4), dtype=np.int32)
    at = order[np.repeat(starts, sizes) + ranks(sizes)]  # the members, bucket by bucket
    doc = keys.doc[at].astype(np.int64)
    unit = keys.unit[at].astype(np.int64)
    rank = (doc if hubs is None else hubs[doc]) * (1 << 32) + unit
    first = np.minimum.reduceat(rank, np.cumsum(sizes) - sizes)
    hub = np.repeat(first, sizes)
    member = rank != hub
    # one hub row a bucket: a (document, unit) is in a bucket once (the band is in its key)
    hub_rows = np.repeat(at[~member], sizes)[member]
    at = at[member]
    if members is not None:
        bucket = np.repeat(starts.astype(np.int64), sizes)[member]
        band = keys.band[at].astype(np.int64)
        members.append(np.stack([keys.doc[at].astype(np.int64), band * (1 << 40) + bucket], 1))
    if signatures is not None and settings.min_unit_similarity > 0:
        alike = _alike(signatures, hub_rows, at, settings)
        hub_rows, at = hub_rows[alike], at[alike]
    da, ua = keys.doc[hub_rows].astype(np.int32), keys.unit[hub_rows].astype(np.int32)
    db, ub = keys.doc[at].astype(np.int32), keys.unit[at].astype(np.int32)
    cross = da != db
    da, db, ua, ub = da[cross], db[cross], ua[cross], ub[cross]
    swap = da > db  # a hub ranked by date may come after its member in document order
    da, db = np.where(swap, db, da), np.where(swap, da, db)
    ua, ub = np.where(swap, ub, ua), np.where(swap, ua, ub)
    return np.stack([da, db, ua, ub], axis=1)


def _alike(
    signatures: np.ndarray, left: np.ndarray, right: np.ndarray, settings: Settings
) -> np.ndarray:
    """Whether the signatures at rows ``left[k]`` and ``right[k]`` agree on at least
    ``min_unit_similarity`` of their values (compared a block at a time)."""
    need = _at_least(settings.min_unit_similarity, settings.num_perm)
    out = np.empty(len(left), dtype=bool)
    for k in range(0, len(left), _AGREE_BLOCK):
        a = signatures[left[k : k + _AGREE_BLOCK]]
        b = signatures[right[k : k + _AGREE_BLOCK]]
        out[k : k + _AGREE_BLOCK] = (a == b).sum(axis=1, dtype=np.int32) >= need
    return out


def _unique_rows(parts: Sequence[np.ndarray]) -> np.ndarray:
    """The rows of ``parts`` sorted and without repeats, as int64."""
    rows = np.concatenate(parts) if len(parts) != 1 else parts[0]
    if len(rows) == 0:
        return np.zeros((0, 4), dtype=np.int64)
    order = np.lexsort((rows[:, 3], rows[:, 2], rows[:, 1], rows[:, 0]))
    rows = rows[order]
    del order
    fresh = np.ones(len(rows), dtype=bool)
    fresh[1:] = (rows[1:] != rows[:-1]).any(axis=1)
    out: np.ndarray = rows[fresh].astype(np.int64)
    return out


def bucket_hash(keys: BandKeys) -> np.ndarray:
    """A 64-bit hash of each row's band and key values (uint64)."""
    hashed: np.ndarray = keys.band.astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15)
    for c in range(keys.keys.shape[1]):
        mix64(hashed, keys.keys[:, c])
    return hashed


def _buckets(keys: BandKeys) -> tuple[np.ndarray, np.ndarray]:
    """An order of the rows that puts each bucket (equal band and key values) in one run,
    and where each run starts. (The order inside a run does not matter: every pair in it is
    taken, and the pairs are sorted afterwards.)

    Sorting on one 64-bit hash of (band, values) is one sort instead of a lexsort over every
    column; should two different keys ever share a hash, the exact lexsort is used instead,
    so the buckets are always exact."""
    n = len(keys.doc)
    hashed = bucket_hash(keys)
    order = np.argsort(hashed)
    hashed = hashed[order]
    new = np.empty(n, dtype=bool)
    new[0] = True
    np.not_equal(hashed[1:], hashed[:-1], out=new[1:])
    del hashed
    # Neighbours with one hash must have one key; only they are compared (gathering every
    # row's key in sorted order would double the peak memory of the stage).
    at = np.flatnonzero(~new[1:])
    a, b = order[at], order[at + 1]
    if ((keys.band[a] != keys.band[b]) | (keys.keys[a] != keys.keys[b]).any(axis=1)).any():
        # two keys share a hash: sort exactly
        columns = [keys.keys[:, c] for c in range(keys.keys.shape[1] - 1, -1, -1)]
        order = np.lexsort((*columns, keys.band))
        band, vals = keys.band[order], keys.keys[order]
        new[1:] = (band[1:] != band[:-1]) | (vals[1:] != vals[:-1]).any(axis=1)
    return order, new


def score_pairs(
    collisions: np.ndarray,
    settings: Settings,
    *,
    unit_counts: np.ndarray | None = None,
    unit_sizes: np.ndarray | None = None,
    crowded_members: np.ndarray | None = None,
    notes: list[str] | None = None,
) -> list[tuple[int, int, int]]:
    """``(a, b, colliding unit pairs)`` sorted by ``(a, b)``, capped per document (a note in
    ``notes`` when the cap left pairs out). With ``unit_counts`` (units of each document),
    ``unit_sizes`` (content terms of every unit, documents in order) and
    ``crowded_members`` (``crowded_members``), pairs that share only stock passages are left
    out first (``_without_stock_pairs``)."""
    if len(collisions) == 0:
        return []
    if unit_counts is not None and unit_sizes is not None and crowded_members is not None:
        collisions = _without_stock_pairs(
            collisions, unit_counts, unit_sizes, crowded_members, settings
        )
    if len(collisions) == 0:
        return []
    pairs, counts = np.unique(collisions[:, :2], axis=0, return_counts=True)
    scored = [(int(a), int(b), int(c)) for (a, b), c in zip(pairs, counts, strict=True)]
    capped, over = _cap_per_document(scored, settings.max_candidates_per_document)
    if notes is not None and over:
        notes.append(_capped_note(over, settings))
    return capped


STOCK_MAX_UNITS = 3
"""A document pair sharing more passages than this is more than stock phrases."""
STOCK_MAX_TERMS = 15
"""A stock passage is a sentence, not a paragraph: at most this many distinct content words
(stock phrases run to 8-20 words; an excerpt many documents share runs longer, and is
evidence of reuse even when it is all they share: a press release's paragraph)."""
STOCK_THICK_SHARE = 0.25
"""A passage is stock only when fewer than this share of the documents it links share more
with it than a few scattered passages: the sentence of a source that ten answers or papers
took is linked to documents that took runs of it too."""


def _without_stock_pairs(
    collisions: np.ndarray,
    unit_counts: np.ndarray,
    unit_sizes: np.ndarray,
    members: np.ndarray,
    settings: Settings,
) -> np.ndarray:
    """``collisions`` without the rows of document pairs that share only stock passages.

    A pair is *thin* when it shares at most ``STOCK_MAX_UNITS`` unit pairs, less than half
    of the units of each document (``unit_counts``), and no two of its units are next to
    each other in either document (copies, excerpts and rewrites share runs of neighbouring
    passages, or many, or most of a short document), and the two are not members together of
    more crowded buckets than ``STOCK_MAX_UNITS`` passages fill (``members``: the star
    compared neither with the other there, so a family's copies share few compared
    passages). A unit is *stock* when it is short (at most
    ``STOCK_MAX_TERMS`` content words, ``unit_sizes``), collides with at least
    ``stock_min_documents - 1`` other documents, and fewer than ``STOCK_THICK_SHARE`` of
    those pairs are thick: "declined to comment on the report", or a famous quotation, in many
    unrelated stories. A thin pair is dropped when, in each of its rows, every unit that
    collides that widely is stock (in a crowded bucket, compared as a star, only the hub's
    unit collides widely). Rows are sorted by ``(doc_a, doc_b)``; ``stock_min_documents`` 0
    keeps every pair."""
    need = settings.stock_min_documents - 1
    if need < 1 or len(collisions) < need:
        return collisions
    starts, lengths = _pair_runs(collisions)
    pair_of = np.repeat(np.arange(len(starts)), lengths)
    thick = lengths > STOCK_MAX_UNITS
    for side in (0, 1):
        units = collisions[:, 2 + side]
        thick[_neighbours(pair_of, units)] = True
        shared = _distinct(pair_of, units, len(starts))
        thick |= 2 * shared >= unit_counts[collisions[starts, side]]
    thin = np.flatnonzero(~thick)
    if len(thin):
        bands, _ = band_parameters(settings)
        together = _shared_buckets(collisions[starts[thin], :2], members)
        thick[thin[together > STOCK_MAX_UNITS * bands]] = True
    if thick.all():
        return collisions
    # each (unit, partner document) once, with whether that pair is thick
    a = collisions[:, 0] * (1 << 32) + collisions[:, 2]
    b = collisions[:, 1] * (1 << 32) + collisions[:, 3]
    unit = np.concatenate([a, b])
    partner = np.concatenate([collisions[:, 1], collisions[:, 0]])
    row_thick = np.tile(thick[pair_of], 2)
    order = np.lexsort((partner, unit))
    unit, partner, row_thick = unit[order], partner[order], row_thick[order]
    fresh = np.ones(len(unit), dtype=bool)
    fresh[1:] = (unit[1:] != unit[:-1]) | (partner[1:] != partner[:-1])
    units, which = np.unique(unit[fresh], return_inverse=True)
    partners = np.bincount(which)
    thick_partners = np.bincount(which, weights=row_thick[fresh])
    wide = partners >= need
    starts_of = np.cumsum(unit_counts) - unit_counts
    doc, index = units >> 32, units & ((1 << 32) - 1)
    short = unit_sizes[starts_of[doc] + index] <= STOCK_MAX_TERMS
    stock = wide & short & (thick_partners < STOCK_THICK_SHARE * partners)
    wide_a, wide_b = _lookup(units, wide, a), _lookup(units, wide, b)
    stock_a, stock_b = _lookup(units, stock, a), _lookup(units, stock, b)
    row_stock = (wide_a | wide_b) & (~wide_a | stock_a) & (~wide_b | stock_b)
    only_stock = np.logical_and.reduceat(row_stock, starts)
    drop = ~thick & only_stock
    if not drop.any():
        return collisions
    kept: np.ndarray = collisions[~drop[pair_of]]
    return kept


def _shared_buckets(pairs: np.ndarray, members: np.ndarray) -> np.ndarray:
    """For each document pair (rows ``(a, b)``), how many crowded buckets both are members
    of (``members``: unique ``(document, bucket)`` rows, sorted)."""
    out = np.zeros(len(pairs), dtype=np.int64)
    if len(members) == 0 or len(pairs) == 0:
        return out
    docs = members[:, 0]
    starts = np.searchsorted(docs, pairs, side="left")
    ends = np.searchsorted(docs, pairs, side="right")
    has = np.flatnonzero((ends[:, 0] > starts[:, 0]) & (ends[:, 1] > starts[:, 1]))
    for k in has.tolist():
        a = members[starts[k, 0] : ends[k, 0], 1]
        b = members[starts[k, 1] : ends[k, 1], 1]
        out[k] = len(np.intersect1d(a, b, assume_unique=True))
    return out


def _pair_runs(collisions: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Where each document pair's rows start, and how many there are: rows come sorted by
    ``(doc_a, doc_b)``, so a pair's rows are one run."""
    docs = collisions[:, :2]
    starts = np.flatnonzero(np.concatenate(([True], (docs[1:] != docs[:-1]).any(axis=1))))
    lengths = np.diff(np.append(starts, len(docs)))
    return starts, lengths


def _lookup(keys: np.ndarray, values: np.ndarray, wanted: np.ndarray) -> np.ndarray:
    """``values[k]`` for the ``keys[k]`` equal to each of ``wanted`` (all present; ``keys``
    sorted)."""
    found: np.ndarray = values[np.searchsorted(keys, wanted)]
    return found


def _distinct(pair: np.ndarray, units: np.ndarray, pairs: int) -> np.ndarray:
    """How many different ``units`` each pair (values of ``pair``, 0 to ``pairs - 1``) has."""
    order = np.lexsort((units, pair))
    pair, units = pair[order], units[order]
    fresh = np.ones(len(pair), dtype=bool)
    fresh[1:] = (pair[1:] != pair[:-1]) | (units[1:] != units[:-1])
    counts: np.ndarray = np.bincount(pair[fresh], minlength=pairs)
    return counts


def _neighbours(pair: np.ndarray, units: np.ndarray) -> np.ndarray:
    """The pairs (values of ``pair``) in which two of the ``units`` given for the pair (unit
    indexes in one document) are next to each other."""
    order = np.lexsort((units, pair))
    pair, units = pair[order], units[order]
    next_to = (pair[1:] == pair[:-1]) & (units[1:] - units[:-1] == 1)
    out: np.ndarray = np.unique(pair[1:][next_to])
    return out


def similar_units(
    collisions: np.ndarray,
    left: Sequence[Fingerprint],
    right: Sequence[Fingerprint],
    settings: Settings,
    *,
    left_first: int = 0,
    right_first: int = 0,
) -> np.ndarray:
    """The rows of ``collisions`` whose two units really are alike: their whole signatures
    agree on at least ``min_unit_similarity`` of their values (the MinHash estimate of the
    Jaccard similarity of their content terms).

    Sharing one band is weak evidence: with 16 bands of 4 rows, two unrelated passages that
    share a tenth of their terms still collide about once in six hundred unit pairs, and
    unit pairs grow with the square of the corpus. Checking all ``num_perm`` values of the
    colliding pairs (a handful per document) removes nearly all of those chance collisions.
    The remaining chance collisions are short passages sharing a few common words ("chief",
    "executive", "year"), one passage pair per document pair; real reuse rarely rests on
    one passage pair at that similarity. So a document pair with a single similar passage
    pair keeps it only when it agrees on ``min_lone_unit_similarity`` of the values and the
    two passages share about ``min_lone_unit_terms`` content terms (the agreement times
    the size of their union, from the sizes the fingerprints record) or agree on
    ``min_short_lone_unit_similarity`` of the values (short, nearly identical passages).

    ``collisions`` are rows as ``unit_collisions`` gives them, sorted by ``(doc_a, doc_b)``;
    document ``doc_a`` of a row is ``left[doc_a - left_first]``, ``doc_b`` is
    ``right[doc_b - right_first]`` (the two may be the same list). Every row of a document
    pair must be in the same call (the lone-pair rule counts them).
    """
    if len(collisions) == 0 or settings.min_unit_similarity <= 0:
        return collisions
    agree = np.concatenate(
        [
            _agreement(collisions[k : k + _AGREE_BLOCK], left, right, left_first, right_first)
            for k in range(0, len(collisions), _AGREE_BLOCK)
        ]
    )
    num_perm = settings.num_perm
    # Integer comparisons (no float rounding): agree / num_perm >= the setting.
    keep = agree >= _at_least(settings.min_unit_similarity, num_perm)
    collisions, agree = collisions[keep], agree[keep]
    if len(collisions) == 0:
        return collisions
    _, lengths = _pair_runs(collisions)
    lone = np.repeat(lengths == 1, lengths)
    strong = agree >= _at_least(settings.min_lone_unit_similarity, num_perm)
    if settings.min_lone_unit_terms > 0 and lone.any():
        # shared terms ~ J * |A u B| = J * (|A| + |B|) / (1 + J), with J = agree / num_perm:
        # agree * (|A| + |B|) >= terms * (num_perm + agree)
        at = np.flatnonzero(lone & strong)
        sizes = _unit_sizes(collisions[at, 0] - left_first, collisions[at, 2], left) + _unit_sizes(
            collisions[at, 1] - right_first, collisions[at, 3], right
        )
        a = agree[at].astype(np.int64)
        strong[at] = (a * sizes >= settings.min_lone_unit_terms * (num_perm + a)) | (
            a >= _at_least(settings.min_short_lone_unit_similarity, num_perm)
        )
    kept: np.ndarray = collisions[~lone | strong]
    return kept


def _unit_sizes(
    docs: np.ndarray, units: np.ndarray, fingerprints: Sequence[Fingerprint]
) -> np.ndarray:
    """The distinct content terms of units ``units[k]`` of documents ``docs[k]``."""
    if isinstance(fingerprints, FingerprintTable):
        sizes: np.ndarray = fingerprints.sizes[fingerprints.rows(docs, units)]
        return sizes
    return np.fromiter(
        (fingerprints[d].sizes[u] for d, u in zip(docs.tolist(), units.tolist(), strict=True)),
        dtype=np.int64,
        count=len(docs),
    )


_AGREE_BLOCK = 1 << 15
"""Collisions compared at a time: two identical long documents collide in millions of unit
pairs, and their signatures must not all be gathered at once."""


def _agreement(
    rows: np.ndarray,
    left: Sequence[Fingerprint],
    right: Sequence[Fingerprint],
    left_first: int,
    right_first: int,
) -> np.ndarray:
    """How many signature values the two units of each row share."""
    a = _unit_rows(rows[:, 0] - left_first, rows[:, 2], left)
    b = _unit_rows(rows[:, 1] - right_first, rows[:, 3], right)
    agree: np.ndarray = (a == b).sum(axis=1, dtype=np.int32)
    return agree


def _at_least(fraction: float, num_perm: int) -> int:
    """The fewest agreeing values out of ``num_perm`` that make at least ``fraction``."""
    return int(np.ceil(fraction * num_perm - 1e-9))


def _unit_rows(
    docs: np.ndarray, units: np.ndarray, fingerprints: Sequence[Fingerprint]
) -> np.ndarray:
    """The signatures of units ``units[k]`` of documents ``docs[k]``, one row each (only the
    documents named are stacked, so memory follows the collisions, not the corpus)."""
    if isinstance(fingerprints, FingerprintTable):
        table_rows: np.ndarray = fingerprints.signatures[fingerprints.rows(docs, units)]
        return table_rows
    needed, which = np.unique(docs, return_inverse=True)
    parts = [fingerprints[doc].signatures for doc in needed.tolist()]
    counts = np.fromiter((len(p) for p in parts), dtype=np.int64, count=len(parts))
    starts = np.cumsum(counts) - counts
    stacked = np.concatenate(parts)
    rows: np.ndarray = stacked[starts[which] + units]
    return rows


def candidate_pairs(
    fingerprints: Sequence[Fingerprint],
    settings: Settings,
    *,
    notes: list[str] | None = None,
    hubs: np.ndarray | None = None,
) -> list[tuple[int, int, int]]:
    """``(a, b, collisions)`` with ``a < b`` document indexes, sorted by ``(a, b)``; crowded
    buckets as stars around the member ``hubs`` ranks first (`hub_ranks`).

    When a limit leaves candidates out (``max_bucket_size``, ``max_candidates_per_document``)
    a sentence saying so, naming the setting, is appended to ``notes``.
    """
    # One band at a time: buckets never span bands, and the band's keys are a view of the
    # signatures, so the stage holds the signatures and the collisions, not 16 copies.
    bands, rows = band_parameters(settings)
    sigs, doc, unit = _units(fingerprints)
    total = len(doc)
    parts = []
    members: list[np.ndarray] = []
    crowded = 0
    if total:
        split = split_bands(sigs, bands, rows)
        for band in range(bands):
            keys = BandKeys(
                doc,
                unit,
                np.full(total, band, dtype=np.int32),
                split[:, band],
            )
            part, crowded_here = _collide(keys, settings, sigs, hubs=hubs, members=members)
            parts.append(part)
            crowded += crowded_here
        del sigs, split, doc, unit
    if notes is not None and crowded:
        notes.append(_crowded_note(crowded, settings))
    collisions = _unique_rows(parts) if parts else np.zeros((0, 4), dtype=np.int64)
    collisions = similar_units(collisions, fingerprints, fingerprints, settings)
    return score_pairs(
        collisions,
        settings,
        unit_counts=unit_counts(fingerprints),
        unit_sizes=unit_sizes(fingerprints),
        crowded_members=crowded_members(members),
        notes=notes,
    )


def crowded_members(parts: Sequence[np.ndarray]) -> np.ndarray:
    """``(document, bucket)`` rows of crowded buckets' members besides their hubs (from
    ``unit_collisions(..., members=...)``), unique and sorted."""
    if not parts:
        return np.zeros((0, 2), dtype=np.int64)
    rows = np.concatenate(parts)
    out: np.ndarray = np.unique(rows, axis=0)
    return out


def unit_sizes(fingerprints: Sequence[Fingerprint]) -> np.ndarray:
    """The content terms of every unit, documents in order (int64)."""
    if isinstance(fingerprints, FingerprintTable):
        sizes: np.ndarray = fingerprints.sizes.astype(np.int64, copy=False)
        return sizes
    parts = [np.asarray(fp.sizes, dtype=np.int64) for fp in fingerprints]
    return np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)


def unit_counts(fingerprints: Sequence[Fingerprint]) -> np.ndarray:
    """The number of units of each document."""
    if isinstance(fingerprints, FingerprintTable):
        return fingerprints.counts()
    return np.fromiter((len(fp.units) for fp in fingerprints), dtype=np.int64)


def _crowded_note(crowded: int, settings: Settings) -> str:
    return (
        f"{crowded:,} passage fingerprint bucket{'s' if crowded > 1 else ''} held more than "
        f"max_bucket_size ({settings.max_bucket_size:,}) passages: each passage there was "
        "compared with the bucket's first one only, not with every other (a family of "
        "copies is related as a star); raise max_bucket_size to compare all pairs"
    )


def _capped_note(over: int, settings: Settings) -> str:
    cap = settings.max_candidates_per_document
    return (
        f"{over:,} document{'s' if over > 1 else ''} had more than "
        f"max_candidates_per_document ({cap:,}) candidate partners; only the {cap:,} "
        "strongest of each were compared (raise max_candidates_per_document to compare more)"
    )


def _cap_per_document(
    pairs: list[tuple[int, int, int]], cap: int
) -> tuple[list[tuple[int, int, int]], int]:
    """Keep a pair when it is among the ``cap`` strongest of either of its documents.

    Also returns how many documents had more than ``cap`` candidates.
    """
    per_doc: dict[int, list[tuple[int, int, int]]] = defaultdict(list)
    for pair in pairs:
        per_doc[pair[0]].append(pair)
        per_doc[pair[1]].append(pair)
    keep: set[tuple[int, int, int]] = set()
    over = 0
    for doc_pairs in per_doc.values():
        doc_pairs.sort(key=lambda p: (-p[2], p[0], p[1]))
        over += len(doc_pairs) > cap
        keep.update(doc_pairs[:cap])
    return sorted(keep), over


def exact_duplicate_pairs(texts: Sequence[str]) -> list[tuple[int, int]]:
    """``(first, other)`` for every document whose text is identical to an earlier one's.

    Identical texts are paired whatever their passages' buckets hold (a bucket crowded by
    more than ``max_bucket_size`` passages is only compared as a star). Each copy is paired
    with the first document of its group: a star, not all pairs.
    """
    first: dict[tuple[int, str], int] = {}
    pairs: list[tuple[int, int]] = []
    for index, text in enumerate(texts):
        key = (len(text), xxhash.xxh3_128_hexdigest(text.encode("utf-8", "surrogatepass")))
        if key in first:
            pairs.append((first[key], index))
        else:
            first[key] = index
    return pairs
