"""LSH banding -> candidate document pairs, without ever comparing all pairs.

Each unit signature is cut into ``b`` bands of ``r`` rows (chosen by datasketch for the
configured threshold, weighted toward recall because alignment verifies every candidate).
Units that agree on a whole band share a bucket; documents whose units share buckets are
candidates, ranked by how many of their units collided.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

import xxhash
from datasketch import MinHashLSH

from provenance.config import Settings
from provenance.fingerprint import Fingerprint


def band_parameters(settings: Settings) -> tuple[int, int]:
    """(bands, rows) that datasketch finds optimal for the threshold and weights."""
    fn = settings.lsh_false_negative_weight
    lsh = MinHashLSH(
        threshold=settings.lsh_threshold, num_perm=settings.num_perm, weights=(1.0 - fn, fn)
    )
    return int(lsh.b), int(lsh.r)


def candidate_pairs(
    fingerprints: Sequence[Fingerprint], settings: Settings, *, notes: list[str] | None = None
) -> list[tuple[int, int, int]]:
    """``(a, b, collisions)`` with ``a < b`` document indexes, sorted by ``(a, b)``.

    When a limit leaves candidates out (``max_bucket_size``, ``max_candidates_per_document``)
    a sentence saying so, naming the setting, is appended to ``notes``.
    """
    bands, rows = band_parameters(settings)
    buckets: dict[tuple[int, bytes], list[tuple[int, int]]] = defaultdict(list)
    for doc, fp in enumerate(fingerprints):
        for unit, signature in enumerate(fp.signatures):
            for band in range(bands):
                key = signature[band * rows : (band + 1) * rows].tobytes()
                buckets[(band, key)].append((doc, unit))
    unit_pairs: dict[tuple[int, int], set[tuple[int, int]]] = defaultdict(set)
    crowded = 0
    for members in buckets.values():
        if len(members) > settings.max_bucket_size:
            crowded += 1
            continue
        if len(members) < 2:
            continue
        for i, (doc_a, unit_a) in enumerate(members):
            for doc_b, unit_b in members[i + 1 :]:
                if doc_a == doc_b:
                    continue
                if doc_a < doc_b:
                    unit_pairs[(doc_a, doc_b)].add((unit_a, unit_b))
                else:
                    unit_pairs[(doc_b, doc_a)].add((unit_b, unit_a))
    scored = sorted((a, b, len(units)) for (a, b), units in unit_pairs.items())
    capped, over = _cap_per_document(scored, settings.max_candidates_per_document)
    if notes is not None and crowded:
        notes.append(
            f"passage fingerprint buckets shared by more than max_bucket_size "
            f"({settings.max_bucket_size:,}) passages were ignored as boilerplate ({crowded:,} "
            "buckets; identical documents are still compared); raise max_bucket_size to "
            "compare through them"
        )
    if notes is not None and over:
        cap = settings.max_candidates_per_document
        notes.append(
            f"{over:,} document{'s' if over > 1 else ''} had more than "
            f"max_candidates_per_document ({cap:,}) candidate partners; only the {cap:,} "
            "strongest of each were compared (raise max_candidates_per_document to compare more)"
        )
    return capped


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

    LSH ignores buckets crowded by more than ``max_bucket_size`` passages (boilerplate), so a
    corpus holding the same article hundreds of times would otherwise relate none of the
    copies. Each copy is paired with the first document of its group: a star, not all pairs.
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


def band_keys(fingerprint: Fingerprint, bands: int, rows: int) -> set[tuple[int, bytes]]:
    """Every ``(band, rows)`` bucket key of one document's unit signatures, for the
    ``band_parameters``: two documents are candidates when they share one (the keys
    ``candidate_pairs`` buckets on)."""
    return {
        (band, signature[band * rows : (band + 1) * rows].tobytes())
        for signature in fingerprint.signatures
        for band in range(bands)
    }
