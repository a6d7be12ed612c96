"""Stage outputs as sharded files that any engine can write, read and resume from.

A stage folder holds, for one corpus and one fingerprint recipe::

    manifest.json                 package version, fingerprint recipe, candidate settings,
                                  document count, digest of the documents' texts
    fingerprints/part-00000.npz   doc (first index), key (content hashes), units (int64 rows:
                                  first sentence, end sentence, distinct terms), signatures
    bands/part-00000.npz          doc, unit, band, keys: the LSH band keys of the same shard
    candidates.npz                a, b, collisions: the candidate document pairs

Shards hold ``SHARD`` documents each, so a run can be split by shard across machines and
resumed: a shard already on disk (for the same manifest) is read instead of computed. The
files are NumPy ``.npz`` archives (no dependency beyond NumPy, readable by any Python worker
of Spark, Ray or Dask); every array is plain, little-endian and documented here. Each file is
written whole or not at all (``store.atomic``), so a reader never sees half a file.

The manifest keys on the package version as well as the recipe, as the fingerprint cache
does (``store.cache.cache_name``): stage files are recomputed at no cost but time.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import xxhash

from provenance.candidates import BandKeys, band_keys
from provenance.config import Settings
from provenance.errors import ProvenanceError
from provenance.fingerprint import Fingerprint, FingerprintTable, recipe
from provenance.store import atomic
from provenance.store.cache import package_version

SHARD = 4096
"""Documents per shard."""


class StageError(ProvenanceError):
    """A stage folder cannot be used (it belongs to another corpus, or is damaged)."""


def documents_digest(keys: Sequence[bytes]) -> str:
    """One hash of every document's content key, in order."""
    h = xxhash.xxh3_128()
    for key in keys:
        h.update(key)
    return h.hexdigest()


class StageDir:
    """One stage folder for one corpus (given by its documents' content keys)."""

    def __init__(self, path: Path, settings: Settings, keys: Sequence[bytes]) -> None:
        self.path = path
        self.documents = len(keys)
        self.manifest = {
            "format": "provenance-stages-1",
            "version": package_version(),
            "recipe": recipe(settings),
            "candidates": [
                settings.min_unit_similarity,
                settings.min_lone_unit_similarity,
                settings.min_lone_unit_terms,
                settings.min_short_lone_unit_similarity,
                settings.max_bucket_size,
                settings.max_candidates_per_document,
            ],
            "documents": len(keys),
            "digest": documents_digest(keys),
            "shard": SHARD,
        }
        manifest = path / "manifest.json"
        try:
            path.mkdir(parents=True, exist_ok=True)
            if manifest.exists():
                found = json.loads(manifest.read_text(encoding="utf-8"))
                if found != self.manifest:
                    raise StageError(
                        f"{path} holds the stages of another corpus or other settings; "
                        "give an empty or new --stage-dir"
                    )
            else:
                atomic.write_bytes(manifest, json.dumps(self.manifest, indent=2).encode("utf-8"))
        except (OSError, ValueError) as exc:
            raise StageError(f"cannot use stage folder {path}: {exc}") from exc

    def shards(self) -> list[range]:
        n = self.documents
        return [range(k, min(n, k + SHARD)) for k in range(0, n, SHARD)]

    def fingerprint_path(self, shard: int) -> Path:
        return self.path / "fingerprints" / f"part-{shard:05d}.npz"

    def bands_path(self, shard: int) -> Path:
        return self.path / "bands" / f"part-{shard:05d}.npz"

    @property
    def candidates_path(self) -> Path:
        return self.path / "candidates.npz"


def write_fingerprints(
    path: Path, first_doc: int, keys: Sequence[bytes], fingerprints: Sequence[Fingerprint]
) -> None:
    num_perm = fingerprints[0].signatures.shape[1] if len(fingerprints) else 0
    table = FingerprintTable.of(fingerprints, num_perm)
    _save(
        path,
        first_doc=np.array([first_doc], dtype="<i8"),
        key=np.frombuffer(b"".join(keys), dtype="V16") if keys else np.zeros(0, "V16"),
        count=table.counts().astype("<i8"),
        units=np.column_stack([table.units, table.sizes]).astype("<i8").reshape(-1, 3),
        signatures=table.signatures.astype("<u4"),
    )


def read_fingerprints(path: Path) -> tuple[int, FingerprintTable]:
    with np.load(path) as data:
        first = int(data["first_doc"][0])
        counts, units, sigs = data["count"], data["units"], data["signatures"]
    starts = np.concatenate(([0], np.cumsum(counts))).astype(np.int64)
    units = units.astype(np.int64).reshape(-1, 3)
    return first, FingerprintTable(
        sigs.astype(np.uint32), units[:, :2].copy(), units[:, 2].copy(), starts
    )


def read_unit_counts(stage: StageDir) -> np.ndarray:
    """The units of each document of the stage folder's fingerprint shards (int64)."""
    parts = []
    for k in range(len(stage.shards())):
        with np.load(stage.fingerprint_path(k)) as data:
            parts.append(data["count"].astype(np.int64))
    return np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)


def write_bands(path: Path, keys: BandKeys) -> None:
    _save(path, doc=keys.doc, unit=keys.unit, band=keys.band, keys=keys.keys)


def read_bands(path: Path) -> BandKeys:
    with np.load(path) as data:
        return BandKeys(
            doc=data["doc"].astype(np.int64),
            unit=data["unit"].astype(np.int64),
            band=data["band"].astype(np.int64),
            keys=data["keys"].astype(np.uint32),
        )


def write_candidates(path: Path, pairs: Sequence[tuple[int, int, int]]) -> None:
    arr = np.array(pairs, dtype="<i8").reshape(-1, 3)
    _save(path, a=arr[:, 0], b=arr[:, 1], collisions=arr[:, 2])


def read_candidates(path: Path) -> list[tuple[int, int, int]]:
    with np.load(path) as data:
        return list(
            zip(data["a"].tolist(), data["b"].tolist(), data["collisions"].tolist(), strict=True)
        )


def fingerprint_shard(
    stage: StageDir,
    shard: int,
    keys: Sequence[bytes],
    fingerprints: Sequence[Fingerprint],
    settings: Settings,
) -> None:
    """Write one shard's fingerprints and band keys."""
    first = stage.shards()[shard].start
    write_fingerprints(stage.fingerprint_path(shard), first, keys, fingerprints)
    write_bands(stage.bands_path(shard), band_keys(fingerprints, settings, first_doc=first))


def _save(path: Path, **arrays: np.ndarray) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic.write_with(path, lambda fh: np.savez(fh, **arrays))  # type: ignore[arg-type]  # numpy's stub wants positional arrays typed loosely
