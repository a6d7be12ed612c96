"""The same trace on a Dask cluster (``--engine dask``; needs ``provenance-trace[dask]``).

Reading, fingerprinting, banding, candidate grouping and alignment run as Dask tasks; the
client assembles documents, candidate pairs and measurements in a fixed order, and builds the
graph exactly as the local engine does, so the JSON is byte-identical to the local engine's.

- Reading: local paths are discovered on the client (the workers must see the same paths,
  e.g. a shared file system); URLs such as ``s3://bucket/news/*.html`` are expanded with
  fsspec on the client and fetched by the workers.
- Fingerprints: one task per shard of documents, then one task per shard for its band keys.
- Candidates: band keys are split by band, so every bucket lies wholly inside one split; one
  task per split finds the colliding unit pairs; the client merges and scores them.
- Alignment: one task per chunk of candidate pairs, against the documents scattered once.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any

import numpy as np

from provenance import candidates as candidate_stage
from provenance import fingerprint as fingerprint_stage
from provenance import ingest
from provenance.config import Settings
from provenance.engine.common import (
    ANALYSIS_CACHE,
    LazyAnalyses,
    Measured,
    Progress,
    chunks,
    measure_pairs,
    quiet,
    worker_count,
)
from provenance.errors import ConfigError, InputError
from provenance.models import Document, Skipped

try:
    import fsspec
    from distributed import Client, LocalCluster, wait
except ImportError as exc:  # pragma: no cover - depends on the installed extras
    raise ConfigError("--engine dask needs Dask: pip install 'provenance-trace[dask]'") from exc

# A Dask task costs more than a chunk sent to the local engine's process pool (a scheduler
# round trip, its result serialised and kept on a worker until gathered), so its chunks are
# larger than the local engine's (``local.FINGERPRINT_CHUNK``, ``ALIGN_CHUNK``: 64; ingest's
# 32 files), while still giving every worker several tasks.
READ_CHUNK = 64
"""Files per reading task."""
SHARD = 1024
"""Documents per fingerprinting task (and per shard of band keys and fingerprints that the
candidate tasks combine)."""
ALIGN_CHUNK = 128
"""Candidate pairs per alignment task."""


@contextmanager
def connect(settings: Settings) -> Iterator[Client]:
    """A client of ``settings.scheduler``, or of a local cluster of ``workers`` processes."""
    if settings.scheduler:
        try:
            client = Client(settings.scheduler, timeout="30s")
        except (OSError, TimeoutError) as exc:
            raise ConfigError(
                f"cannot reach the Dask scheduler {settings.scheduler}: {exc}"
            ) from exc
        with client:
            yield client
        return
    workers = worker_count(settings)
    with (
        LocalCluster(
            n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=":0"
        ) as cluster,
        Client(cluster) as client,
    ):
        yield client


# --- tasks (run on the workers) --------------------------------------------------------------


def _read_local(sources: list[ingest.Source], settings: Settings) -> list[ingest.Item]:
    return [item for source in sources for item in ingest.read_source(source, settings)]


def _read_remote(files: list[tuple[str, str]], settings: Settings) -> list[ingest.Item]:
    out: list[ingest.Item] = []
    for url, doc_id in files:
        try:
            with fsspec.open(url, "rb") as fh:
                data = fh.read()
        except OSError as exc:
            out.append(Skipped(url, f"cannot read it ({exc})"))
            continue
        out.extend(ingest.read_fetched(data, url, doc_id, settings))
    return out


def _fingerprint(texts: list[str], settings: Settings) -> list[fingerprint_stage.Fingerprint]:
    return fingerprint_stage.fingerprint_texts(texts, settings)


def _bands(
    fingerprints: list[fingerprint_stage.Fingerprint],
    first_doc: int,
    settings: Settings,
    parts: int,
) -> list[candidate_stage.BandKeys]:
    keys = candidate_stage.band_keys(fingerprints, settings, first_doc=first_doc)
    return [_select(keys, keys.band % parts == p) for p in range(parts)]


def _collide(
    split: int, settings: Settings, hubs: np.ndarray, *shards: list[candidate_stage.BandKeys]
) -> tuple[np.ndarray, np.ndarray]:
    """The collisions of one band split, and its crowded buckets' members."""
    _, rows = candidate_stage.band_parameters(settings)
    keys = candidate_stage.concat_band_keys([shard[split] for shard in shards], rows)
    members: list[np.ndarray] = []
    collisions = candidate_stage.unit_collisions(keys, settings, hubs=hubs, members=members)
    return collisions, candidate_stage.crowded_members(members)


def _units_of(fingerprints: list[fingerprint_stage.Fingerprint]) -> tuple[np.ndarray, np.ndarray]:
    """The units of each document of a shard, and the content terms of each unit."""
    return candidate_stage.unit_counts(fingerprints), candidate_stage.unit_sizes(fingerprints)


def _similar(
    rows: np.ndarray,
    left: list[fingerprint_stage.Fingerprint],
    right: list[fingerprint_stage.Fingerprint],
    firsts: tuple[int, int],
    settings: Settings,
) -> np.ndarray:
    return candidate_stage.similar_units(
        rows, left, right, settings, left_first=firsts[0], right_first=firsts[1]
    )


def _verify(client: Any, collisions: np.ndarray, fps: list[Any], settings: Settings) -> np.ndarray:
    """``candidates.similar_units`` on the workers: one task per pair of fingerprint shards
    that collided, each given those two shards' fingerprints (which stay on the workers)."""
    if len(collisions) == 0 or settings.min_unit_similarity <= 0:
        return collisions
    shard_a, shard_b = collisions[:, 0] // SHARD, collisions[:, 1] // SHARD
    groups = np.unique(np.stack([shard_a, shard_b], axis=1), axis=0)
    futures = [
        client.submit(
            _similar,
            collisions[(shard_a == a) & (shard_b == b)],
            fps[a],
            fps[b],
            (a * SHARD, b * SHARD),
            settings,
            pure=False,
        )
        for a, b in groups.tolist()
    ]
    kept = client.gather(futures)
    return np.unique(np.concatenate(kept), axis=0)


def _measure(
    pairs: list[tuple[int, int]], documents: list[Document], settings: Settings
) -> list[Measured]:
    return measure_pairs(pairs, LazyAnalyses(documents, ANALYSIS_CACHE), settings)


def _select(keys: candidate_stage.BandKeys, mask: np.ndarray) -> candidate_stage.BandKeys:
    return candidate_stage.BandKeys(
        keys.doc[mask], keys.unit[mask], keys.band[mask], keys.keys[mask]
    )


# --- the client ------------------------------------------------------------------------------


def _remote_files(urls: Sequence[str], settings: Settings) -> list[tuple[str, str]]:
    """``(url, id)`` of every file the URLs and globs name; ids relative to their common base."""
    extensions = tuple(e.lower() for e in settings.extensions)
    found: list[tuple[str, str]] = []
    for url in urls:
        fs, _, paths = fsspec.get_fs_token_paths(url)
        protocol = url.split("://", 1)[0]
        names: list[str] = []
        for path in paths:
            if fs.isdir(path):
                names.extend(p for p in fs.find(path) if p.lower().endswith(extensions))
            else:
                names.append(path)
        if not names:
            raise InputError(url, "no such file, folder or match")
        base = os.path.commonpath([str(PurePosixPath(n).parent) for n in names])
        for name in sorted(set(names)):
            doc_id = str(PurePosixPath(name).relative_to(base)) if base else name
            found.append((f"{protocol}://{name}", doc_id))
    return found


def read_inputs(
    client: Client,
    paths: Sequence[str | os.PathLike[str]],
    settings: Settings,
    report: Progress = quiet,
) -> tuple[list[Document], list[Skipped]]:
    local = [p for p in paths if "://" not in os.fspath(p)]
    remote = [os.fspath(p) for p in paths if "://" in os.fspath(p)]
    sources, skipped = ingest.discover(local, settings) if local else ([], [])
    futures = client.map(
        _read_local, chunks(sources, READ_CHUNK), settings=settings, pure=False
    ) + client.map(
        _read_remote,
        chunks(_remote_files(remote, settings), READ_CHUNK),
        settings=settings,
        pure=False,
    )
    found: list[ingest.Found] = []
    for done, future in enumerate(futures, start=1):
        for item in future.result():
            if isinstance(item, Skipped):
                skipped.append(item)
            else:
                found.append(item)
        report("ingest", done, len(futures))
    return ingest.assemble(found, skipped)


@dataclass
class Fingerprinted:
    """What the Dask ``fingerprint`` stage leaves for ``candidates``: futures of each
    shard's fingerprints and of its band keys split ``parts`` ways by band (both stay on
    the workers). ``candidates`` empties the lists as it is done with them."""

    fingerprints: list[Any] = field(default_factory=list)
    bands: list[Any] = field(default_factory=list)
    parts: int = 1


class DaskEngine:
    """``common.Engine`` on a Dask cluster: ``client``, else one connected on first use to
    ``settings.scheduler`` or a local cluster (closed with the engine). Standard input
    cannot be read by remote workers."""

    def __init__(self, settings: Settings, client: Client | None = None) -> None:
        self.settings = settings
        self._client = client
        self._own = ExitStack()

    def __enter__(self) -> DaskEngine:
        return self

    def __exit__(self, kind: object, exc: object, tb: object) -> None:
        self._own.close()

    def client(self) -> Client:
        if self._client is None:
            self._client = self._own.enter_context(connect(self.settings))
        return self._client

    def read(
        self, paths: Sequence[str | os.PathLike[str]], *, stdin: bytes | None, progress: Progress
    ) -> tuple[list[Document], list[Skipped]]:
        if stdin is not None or any(os.fspath(p) == "-" for p in paths):
            raise ConfigError("--engine dask reads files, not standard input; use the local engine")
        return read_inputs(self.client(), paths, self.settings, progress)

    def fingerprint(self, documents: Sequence[Document], progress: Progress) -> Fingerprinted:
        client, settings = self.client(), self.settings
        bands, _ = candidate_stage.band_parameters(settings)
        parts = max(1, min(bands, len(client.scheduler_info()["workers"]) * 2))
        shards = chunks(range(len(documents)), SHARD)
        fps = [
            client.submit(_fingerprint, [documents[k].text for k in shard], settings, pure=False)
            for shard in shards
        ]
        band_futures = [
            client.submit(_bands, fp, shard[0], settings, parts, pure=False)
            for fp, shard in zip(fps, shards, strict=True)
        ]
        for done, banded in enumerate(band_futures, start=1):
            wait(banded)  # band keys stay on the workers
            progress("fingerprint", min(done * SHARD, len(documents)), len(documents))
        return Fingerprinted(fps, band_futures, parts)

    def candidates(
        self, documents: Sequence[Document], fingerprinted: Fingerprinted, notes: list[str]
    ) -> candidate_stage.Found:
        client, settings = self.client(), self.settings
        hubs = candidate_stage.hub_ranks([d.date for d in documents])
        collided = client.gather(
            [
                client.submit(_collide, p, settings, hubs, *fingerprinted.bands, pure=False)
                for p in range(fingerprinted.parts)
            ]
        )
        fingerprinted.bands.clear()
        collisions = [c for c, _ in collided]
        members = candidate_stage.crowded_members([m for _, m in collided])
        merged = (
            np.unique(np.concatenate(collisions), axis=0)
            if collisions
            else np.zeros((0, 4), np.int64)
        )
        merged = _verify(client, merged, fingerprinted.fingerprints, settings)
        counted = client.gather(
            [client.submit(_units_of, fp, pure=False) for fp in fingerprinted.fingerprints]
        )
        empty = np.zeros(0, np.int64)
        counts = np.concatenate([c for c, _ in counted] or [empty])
        sizes = np.concatenate([z for _, z in counted] or [empty])
        fingerprinted.fingerprints.clear()
        pairs = candidate_stage.score_pairs(
            merged,
            settings,
            unit_counts=counts,
            unit_sizes=sizes,
            crowded_members=members,
            notes=notes,
        )
        return candidate_stage.Found(pairs, counts)

    def measure(
        self, documents: Sequence[Document], pairs: Sequence[tuple[int, int]], progress: Progress
    ) -> list[Measured]:
        client = self.client()
        [scattered] = client.scatter([list(documents)], broadcast=True, hash=False)
        futures = client.map(
            _measure,
            chunks(pairs, ALIGN_CHUNK),
            documents=scattered,
            settings=self.settings,
            pure=False,
        )
        measured: list[Measured] = []
        for future in futures:
            measured.extend(future.result())
            progress("align", len(measured), len(pairs))
        return measured
