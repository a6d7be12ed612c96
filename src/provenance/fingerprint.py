"""Shingles -> MinHash signatures, one per passage-sized unit of a document.

Document-level MinHash misses the reuse our users care about (a rewrite shares almost no
word 5-grams with its source), so a document is cut into units of a sentence or two and each
unit gets its own signature over its *content terms* (stemmed non-stopwords). Paraphrased
sentences keep most of their content words, so their units still collide in LSH.

Signatures are computed with numpy, all units of a document at once: each term is hashed
once (xxh32), then every permutation is a multiply-add-shift hash of that value
(``(a * h + b) mod 2**64 >> 32`` with odd ``a``; the same ``a, b`` for every document, drawn
from ``settings.seed``), and a unit's signature is the column-wise minimum over its terms.
The scheme is ours, not a library's, so signatures do not change when a dependency does.
With the compiled kernels (``provenance.kernels``) the same minimum is taken in C, and units
are formed there too; ``_signatures_py`` and ``_units_of`` are the reference.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import chain
from typing import overload

import numpy as np
import xxhash

from provenance import kernels
from provenance.config import Settings
from provenance.text import Analysis, content_terms, sentence_terms

SCHEME = "xxh32-mas32-v4"
"""Names the signature scheme (term hash, permutations, units): change it whenever a change
of code changes the signatures of a text, so that no stored fingerprint or band key made the
old way (cache, stage folder, index) is ever matched against new ones."""

SIGNATURE_SETTINGS = ("num_perm", "seed", "passage_min_terms", "passage_max_terms")
"""The settings a document's signatures depend on."""
BAND_SETTINGS = ("lsh_threshold", "lsh_false_negative_weight")
"""The settings its band keys depend on besides (they choose ``candidates.band_parameters``)."""


def recipe(settings: Settings, *, bands: bool = True) -> dict[str, str | int | float]:
    """What identifies a fingerprint besides the text: the scheme and the settings it depends
    on, with ``bands`` those of its band keys too. The one definition the fingerprint cache
    (``bands=False``: it stores signatures), the stage folders and the index all key on."""
    names = SIGNATURE_SETTINGS + (BAND_SETTINGS if bands else ())
    return {"scheme": SCHEME, **{name: getattr(settings, name) for name in names}}


_EMPTY = np.uint32(0xFFFFFFFF)


@dataclass(frozen=True, slots=True)
class Fingerprint:
    """The signatures of one document: row ``k`` is the MinHash of unit ``k``."""

    signatures: np.ndarray  # shape (units, num_perm), uint32
    units: tuple[tuple[int, int], ...]  # sentence index range of each unit
    sizes: tuple[int, ...]  # distinct content terms of each unit


class FingerprintTable(Sequence[Fingerprint]):
    """The fingerprints of many documents as four arrays, one row per unit, documents in
    order: what the trace keeps in memory. A ``Fingerprint`` object per document costs about
    a kilobyte of Python objects besides its signatures (a million documents: gigabytes),
    and a list of them has to be stacked again for banding; the table is already stacked,
    and crosses from worker processes as four arrays instead of one pickle per document.

    Indexing gives a ``Fingerprint`` whose signatures are a view into the table."""

    __slots__ = ("signatures", "sizes", "starts", "units")

    def __init__(
        self, signatures: np.ndarray, units: np.ndarray, sizes: np.ndarray, starts: np.ndarray
    ) -> None:
        self.signatures = signatures  # (units, num_perm) uint32
        self.units = units  # (units, 2) int64: each unit's sentence index range
        self.sizes = sizes  # (units,) int64: distinct content terms of each unit
        self.starts = starts  # (documents + 1,) int64: document k is rows starts[k]:starts[k+1]

    def __len__(self) -> int:
        return len(self.starts) - 1

    @overload
    def __getitem__(self, index: int) -> Fingerprint: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[Fingerprint]: ...
    def __getitem__(self, index: int | slice) -> Fingerprint | Sequence[Fingerprint]:
        if isinstance(index, slice):
            return [self[k] for k in range(len(self))[index]]
        k = range(len(self))[index]
        lo, hi = int(self.starts[k]), int(self.starts[k + 1])
        return Fingerprint(
            self.signatures[lo:hi],
            tuple(map(tuple, self.units[lo:hi].tolist())),
            tuple(self.sizes[lo:hi].tolist()),
        )

    def counts(self) -> np.ndarray:
        """Units per document."""
        counts: np.ndarray = np.diff(self.starts)
        return counts

    def rows(self, docs: np.ndarray, units: np.ndarray) -> np.ndarray:
        """The row of unit ``units[k]`` of document ``docs[k]``."""
        rows: np.ndarray = self.starts[docs] + units
        return rows

    @classmethod
    def of(cls, fingerprints: Sequence[Fingerprint], num_perm: int) -> FingerprintTable:
        """The table of ``fingerprints`` (a table is returned as it is)."""
        if isinstance(fingerprints, FingerprintTable):
            return fingerprints
        counts = np.fromiter((len(f.units) for f in fingerprints), np.int64, len(fingerprints))
        starts = np.concatenate(([0], np.cumsum(counts))).astype(np.int64)
        total = int(starts[-1])
        signatures = np.empty((total, num_perm), dtype=np.uint32)
        units = np.zeros((total, 2), dtype=np.int64)
        sizes = np.zeros(total, dtype=np.int64)
        for k, f in enumerate(fingerprints):
            lo, hi = int(starts[k]), int(starts[k + 1])
            if hi > lo:
                signatures[lo:hi] = f.signatures
                units[lo:hi] = f.units
                sizes[lo:hi] = f.sizes
        return cls(signatures, units, sizes, starts)

    @classmethod
    def gather(
        cls, parts: list[FingerprintTable | None], order: Iterable[tuple[int, int]], num_perm: int
    ) -> FingerprintTable:
        """A table whose documents are, in turn, document ``d`` of ``parts[p]`` for each
        ``(p, d)`` of ``order``. A part is released (its entry set to None) once the copy
        has passed its last document, so the rows are held about once, not twice."""
        order = list(order)
        last = {p: n for n, (p, _) in enumerate(order)}
        counts = np.zeros(len(order), dtype=np.int64)
        for n, (p, d) in enumerate(order):
            part = parts[p]
            assert part is not None
            counts[n] = part.starts[d + 1] - part.starts[d]
        starts = np.concatenate(([0], np.cumsum(counts))).astype(np.int64)
        total = int(starts[-1])
        signatures = np.empty((total, num_perm), dtype=np.uint32)
        units = np.zeros((total, 2), dtype=np.int64)
        sizes = np.zeros(total, dtype=np.int64)
        n = 0
        while n < len(order):  # runs of consecutive documents of one part: one copy each
            p, d = order[n]
            end = n + 1
            while end < len(order) and order[end] == (p, d + end - n):
                end += 1
            part = parts[p]
            assert part is not None
            lo, hi = int(part.starts[d]), int(part.starts[d + end - n])
            at = int(starts[n])
            signatures[at : at + hi - lo] = part.signatures[lo:hi]
            units[at : at + hi - lo] = part.units[lo:hi]
            sizes[at : at + hi - lo] = part.sizes[lo:hi]
            if last[p] < end:
                parts[p] = None
            n = end
        return cls(signatures, units, sizes, starts)


class TableBuilder:
    """A ``FingerprintTable`` built from parts appended in document order, in arrays that
    grow in place (``ndarray.resize``: large blocks are remapped, not copied), so the parts
    and the table are never held side by side."""

    MIN_ROWS = 1024  # the first allocation; each growth adds half

    def __init__(self, num_perm: int) -> None:
        self._signatures = np.empty((0, num_perm), dtype=np.uint32)
        self._units = np.empty((0, 2), dtype=np.int64)
        self._sizes = np.empty(0, dtype=np.int64)
        self._rows = 0
        self._counts: list[np.ndarray] = []

    def add(self, part: FingerprintTable) -> None:
        rows = len(part.sizes)
        need = self._rows + rows
        if need > len(self._sizes):
            grown = max(need, len(self._sizes) * 3 // 2, self.MIN_ROWS)
            for array in (self._signatures, self._units, self._sizes):
                # no view of these arrays is ever handed out before ``table``
                array.resize((grown, *array.shape[1:]), refcheck=False)
        at = self._rows
        self._signatures[at:need] = part.signatures
        self._units[at:need] = part.units
        self._sizes[at:need] = part.sizes
        self._rows = need
        self._counts.append(part.counts())

    def table(self) -> FingerprintTable:
        """The table of every part added (the builder is spent)."""
        for array in (self._signatures, self._units, self._sizes):
            array.resize((self._rows, *array.shape[1:]), refcheck=False)
        counts = np.concatenate([np.zeros(0, dtype=np.int64), *self._counts])
        starts = np.concatenate(([0], np.cumsum(counts))).astype(np.int64)
        return FingerprintTable(self._signatures, self._units, self._sizes, starts)


def units_of(
    per_sentence: Sequence[Sequence[str]], min_terms: int, max_terms: int = 0
) -> list[tuple[tuple[int, int], list[str]]]:
    """Sentence ranges with their distinct content terms (given per sentence, in order of
    first appearance); short sentences merge with the next one. A unit of more than
    ``max_terms`` terms (a run-on "sentence" where no sentence end could be found: a
    paragraph of wire copy, a list) is cut into windows of ``max_terms`` terms, each
    overlapping the next by half, all with the unit's sentence range; 0 means no cap."""
    if kernels.compiled is None:
        found = _units_of(per_sentence, min_terms)
    else:
        found = kernels.compiled.units(per_sentence, min_terms)
    if max_terms <= 0 or all(len(terms) <= max_terms for _, terms in found):
        return found
    step = max(1, max_terms // 2)
    out: list[tuple[tuple[int, int], list[str]]] = []
    for rng, terms in found:
        if len(terms) <= max_terms:
            out.append((rng, terms))
            continue
        last = len(terms) - max_terms
        starts = [*range(0, last, step), last]
        out.extend((rng, terms[k : k + max_terms]) for k in starts)
    return out


def _units_of(
    per_sentence: Sequence[Sequence[str]], min_terms: int
) -> list[tuple[tuple[int, int], list[str]]]:
    """``units_of`` without the cap: the reference for the compiled ``units``."""
    out: list[tuple[tuple[int, int], list[str]]] = []
    first = 0
    terms: dict[str, None] = {}
    for k, sentence in enumerate(per_sentence):
        terms.update(dict.fromkeys(sentence))
        if len(terms) >= min_terms:
            out.append(((first, k + 1), list(terms)))
            first, terms = k + 1, {}
    if terms:
        if out and len(terms) < min_terms:
            (prev_first, _), prev_terms = out.pop()
            merged = dict.fromkeys(prev_terms)
            merged.update(terms)
            out.append(((prev_first, len(per_sentence)), list(merged)))
        else:
            out.append(((first, len(per_sentence)), list(terms)))
    return out


def units(
    analysis: Analysis, min_terms: int, max_terms: int = 0
) -> list[tuple[tuple[int, int], list[str]]]:
    """``units_of`` for a document already analysed."""
    norms = analysis.norms
    per_sentence = [content_terms(norms[lo:hi]) for lo, hi in analysis.sentence_tokens]
    return units_of(per_sentence, min_terms, max_terms)


def term_hash(term: str) -> int:
    """The 32-bit hash of one content term (the hot path memoizes it: ``_term_hashes``)."""
    return int(xxhash.xxh32_intdigest(term.encode("utf-8")))


_HASHES: dict[str, int] = {}  # term -> term_hash(term), the hot path's memo
_HASHES_LIMIT = 1 << 20


def _term_hashes(terms: list[str]) -> np.ndarray:
    """``term_hash`` of each term, as uint64, looked up in C (a generator calling the cached
    function per term cost a tenth of fingerprinting)."""
    try:
        return np.fromiter(map(_HASHES.__getitem__, terms), dtype=np.uint64, count=len(terms))
    except KeyError:
        if len(_HASHES) > _HASHES_LIMIT:
            _HASHES.clear()
        for term in terms:
            if term not in _HASHES:
                _HASHES[term] = term_hash(term)
        return np.fromiter(map(_HASHES.__getitem__, terms), dtype=np.uint64, count=len(terms))


@lru_cache(maxsize=16)
def permutations(num_perm: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """The ``(a, b)`` multiply-add-shift parameters, the same for every document."""
    gen = np.random.default_rng(seed)
    a = gen.integers(0, 2**64, size=num_perm, dtype=np.uint64, endpoint=False) | np.uint64(1)
    b = gen.integers(0, 2**64, size=num_perm, dtype=np.uint64, endpoint=False)
    a.setflags(write=False)
    b.setflags(write=False)
    return a, b


_BLOCK = 1 << 11
"""Terms hashed per numpy pass: bounds the ``(terms, num_perm)`` intermediate (1 MiB at
``num_perm`` 64), so it stays in the CPU cache (blocks of 2**16 terms ran 1.7x slower) and a
unit of a million terms costs time, not gigabytes."""


def signatures(term_lists: Sequence[Sequence[str]], settings: Settings) -> np.ndarray:
    """One MinHash row per list of terms, shape ``(len(term_lists), num_perm)``, uint32.

    A MinHash is over the *set* of terms, so repeats are dropped before hashing; units are
    hashed in blocks of about ``_BLOCK`` terms, and a larger unit in slices of that size.
    """
    return _signatures([list(dict.fromkeys(terms)) for terms in term_lists], settings)


def _signatures(unique: Sequence[Sequence[str]], settings: Settings) -> np.ndarray:
    """``signatures`` of term lists without repeats (by the compiled ``minhash`` when it is
    there: ``_signatures_py`` is its reference)."""
    if kernels.compiled is None:
        return _signatures_py(unique, settings)
    if len(_HASHES) > _HASHES_LIMIT:
        _HASHES.clear()
    out = np.empty((len(unique), settings.num_perm), dtype=np.uint32)
    a, b = permutations(settings.num_perm, settings.seed)
    kernels.compiled.minhash(unique, _HASHES, term_hash, a, b, out)
    return out


def _signatures_py(unique: Sequence[Sequence[str]], settings: Settings) -> np.ndarray:
    """``_signatures`` in NumPy."""
    out = np.full((len(unique), settings.num_perm), _EMPTY, dtype=np.uint32)
    first = 0
    while first < len(unique):
        last, size = first, 0
        while last < len(unique) and (size == 0 or size + len(unique[last]) <= _BLOCK):
            size += len(unique[last])
            last += 1
        if last == first + 1 and size > _BLOCK:  # one large unit: fold its slices
            terms = unique[first]
            for lo in range(0, len(terms), _BLOCK):
                row = _block_minhash([terms[lo : lo + _BLOCK]], settings)[0]
                np.minimum(out[first], row, out=out[first])
        else:
            out[first:last] = _block_minhash(unique[first:last], settings)
        first = last
    return out


def _block_minhash(term_lists: Sequence[Sequence[str]], settings: Settings) -> np.ndarray:
    out = np.full((len(term_lists), settings.num_perm), _EMPTY, dtype=np.uint32)
    lengths = np.fromiter((len(t) for t in term_lists), dtype=np.int64, count=len(term_lists))
    if not lengths.any():
        return out
    hashes = _term_hashes(list(chain.from_iterable(term_lists)))
    a, b = permutations(settings.num_perm, settings.seed)
    # (a*h + b) mod 2**64, in place; ">> 32" is monotonic, so it is taken after the minimum,
    # on one row per unit instead of one per term.
    permuted = np.multiply(hashes[:, None], a[None, :])
    permuted += b[None, :]
    filled = lengths > 0
    offsets = np.concatenate(([0], np.cumsum(lengths)[:-1]))[filled]
    out[filled] = np.minimum.reduceat(permuted, offsets, axis=0) >> np.uint64(32)
    return out


def _from_units(found: list[tuple[tuple[int, int], list[str]]], settings: Settings) -> Fingerprint:
    return fingerprint_texts_units([found], settings)[0]


def fingerprint(analysis: Analysis, settings: Settings) -> Fingerprint:
    """The fingerprint of a document already analysed."""
    return _from_units(
        units(analysis, settings.passage_min_terms, settings.passage_max_terms), settings
    )


def fingerprint_text(text: str, settings: Settings) -> Fingerprint:
    """The fingerprint of ``text``, by the lean path: tokens and sentences only.

    Equal to ``fingerprint(analyse(text), settings)``.
    """
    found = units_of(sentence_terms(text), settings.passage_min_terms, settings.passage_max_terms)
    return _from_units(found, settings)


def fingerprint_texts(texts: Sequence[str], settings: Settings) -> list[Fingerprint]:
    """``fingerprint_text`` of each text, hashing all their units in one numpy pass."""
    return list(fingerprint_table(texts, settings))


def fingerprint_table(texts: Sequence[str], settings: Settings) -> FingerprintTable:
    """``fingerprint_texts`` as a table."""
    low, high = settings.passage_min_terms, settings.passage_max_terms
    found = [units_of(sentence_terms(t), low, high) for t in texts]
    return _table_of_units(found, settings)


def fingerprint_texts_units(
    found: Sequence[list[tuple[tuple[int, int], list[str]]]], settings: Settings
) -> list[Fingerprint]:
    """The fingerprints of documents given as ``units_of`` lists, in one numpy pass."""
    return list(_table_of_units(found, settings))


def _table_of_units(
    found: Sequence[list[tuple[tuple[int, int], list[str]]]], settings: Settings
) -> FingerprintTable:
    unique = [terms for doc in found for _, terms in doc]  # units_of gives distinct terms
    counts = np.fromiter(map(len, found), dtype=np.int64, count=len(found))
    units = np.array([rng for doc in found for rng, _ in doc], dtype=np.int64).reshape(-1, 2)
    return FingerprintTable(
        _signatures(unique, settings),
        units,
        np.fromiter(map(len, unique), dtype=np.int64, count=len(unique)),
        np.concatenate(([0], np.cumsum(counts))).astype(np.int64),
    )


def unit_table(fingerprint: Fingerprint) -> np.ndarray:
    """The units of a fingerprint as rows ``(first sentence, end sentence, terms)``, int64
    little-endian: how the cache and the stage files store them."""
    return np.array(
        [(a, b, size) for (a, b), size in zip(fingerprint.units, fingerprint.sizes, strict=True)],
        dtype="<i8",
    ).reshape(-1, 3)


def from_unit_table(signatures: np.ndarray, table: np.ndarray) -> Fingerprint:
    """The fingerprint stored as ``signatures`` and a ``unit_table``."""
    return Fingerprint(
        signatures.astype(np.uint32),
        tuple((int(a), int(b)) for a, b, _ in table.tolist()),
        tuple(int(size) for size in table[:, 2].tolist()),
    )
