"""LSH banding -> candidate document pairs, without ever comparing all pairs.

Each unit signature is cut into ``b`` bands of ``r`` rows (chosen by datasketch for the
configured threshold, weighted toward recall because alignment verifies every candidate).
Units that agree on a whole band share a bucket; documents whose units share buckets are
candidates, ranked by how many of their units collided.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

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
    fingerprints: Sequence[Fingerprint], settings: Settings
) -> list[tuple[int, int, int]]:
    """``(a, b, collisions)`` with ``a < b`` document indexes, sorted by ``(a, b)``."""
    bands, rows = band_parameters(settings)
    buckets: dict[tuple[int, bytes], list[tuple[int, int]]] = defaultdict(list)
    for doc, fp in enumerate(fingerprints):
        for unit, signature in enumerate(fp.signatures):
            for band in range(bands):
                key = signature[band * rows : (band + 1) * rows].tobytes()
                buckets[(band, key)].append((doc, unit))
    unit_pairs: dict[tuple[int, int], set[tuple[int, int]]] = defaultdict(set)
    for members in buckets.values():
        if len(members) < 2 or len(members) > settings.max_bucket_size:
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
    return _cap_per_document(scored, settings.max_candidates_per_document)


def _cap_per_document(pairs: list[tuple[int, int, int]], cap: int) -> list[tuple[int, int, int]]:
    """Keep a pair when it is among the ``cap`` strongest of either of its documents."""
    per_doc: dict[int, list[tuple[int, int, int]]] = defaultdict(list)
    for pair in pairs:
        per_doc[pair[0]].append(pair)
        per_doc[pair[1]].append(pair)
    keep: set[tuple[int, int, int]] = set()
    for doc_pairs in per_doc.values():
        doc_pairs.sort(key=lambda p: (-p[2], p[0], p[1]))
        keep.update(doc_pairs[:cap])
    return sorted(keep)


def band_keys(fingerprint: Fingerprint, bands: int, rows: int) -> set[tuple[int, bytes]]:
    """Every ``(band, rows)`` bucket key of one document's unit signatures, for the
    ``band_parameters``: two documents are candidates when they share one (the keys
    ``candidate_pairs`` buckets on)."""
    return {
        (band, signature[band * rows : (band + 1) * rows].tobytes())
        for signature in fingerprint.signatures
        for band in range(bands)
    }
