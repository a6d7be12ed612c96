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
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import PurePosixPath
from typing import Any

import numpy as np

from provenance import candidates as candidate_stage
from provenance import fingerprint as fingerprint_stage
from provenance import ingest
from provenance.classify import Evidence
from provenance.config import Settings
from provenance.errors import ConfigError, InputError
from provenance.models import Alignment, Document, Skipped, TraceResult

try:
    import fsspec
    from distributed import Client, LocalCluster, wait
except ImportError as exc:  # pragma: no cover - depends on the installed extras
    raise ConfigError("--engine dask needs Dask: pip install 'provenance-trace[dask]'") from exc

Progress = Callable[[str, int, int], None]


def _quiet(stage: str, done: int, total: int) -> None:
    """Says nothing."""


_READ_CHUNK = 64
_SHARD = 1024
_ALIGN_CHUNK = 128


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
    workers = settings.workers or os.cpu_count() or 1
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
) -> np.ndarray:
    _, rows = candidate_stage.band_parameters(settings)
    keys = candidate_stage.concat_band_keys([shard[split] for shard in shards], rows)
    return candidate_stage.unit_collisions(keys, settings, hubs=hubs)


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
    shard_a, shard_b = collisions[:, 0] // _SHARD, collisions[:, 1] // _SHARD
    groups = np.unique(np.stack([shard_a, shard_b], axis=1), axis=0)
    futures = [
        client.submit(
            _similar,
            collisions[(shard_a == a) & (shard_b == b)],
            fps[a],
            fps[b],
            (a * _SHARD, b * _SHARD),
            settings,
            pure=False,
        )
        for a, b in groups.tolist()
    ]
    kept = client.gather(futures)
    return np.unique(np.concatenate(kept), axis=0)


def _measure(
    pairs: list[tuple[int, int]], documents: list[Document], settings: Settings
) -> list[tuple[Alignment, Evidence]]:
    from provenance.pipeline import LazyAnalyses, measure_pairs  # noqa: PLC0415 -- runs on a worker; pipeline imports this module lazily

    return measure_pairs(pairs, LazyAnalyses(documents, 1024), settings)


def _select(keys: candidate_stage.BandKeys, mask: np.ndarray) -> candidate_stage.BandKeys:
    return candidate_stage.BandKeys(
        keys.doc[mask], keys.unit[mask], keys.band[mask], keys.keys[mask]
    )


# --- the client ------------------------------------------------------------------------------


def _chunks(items: Sequence[Any], size: int) -> list[list[Any]]:
    return [list(items[k : k + size]) for k in range(0, len(items), size)]


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
    report: Progress = _quiet,
) -> tuple[list[Document], list[Skipped]]:
    local = [p for p in paths if "://" not in os.fspath(p)]
    remote = [os.fspath(p) for p in paths if "://" in os.fspath(p)]
    sources, skipped = ingest.discover(local, settings) if local else ([], [])
    futures = client.map(
        _read_local, _chunks(sources, _READ_CHUNK), settings=settings, pure=False
    ) + client.map(
        _read_remote,
        _chunks(_remote_files(remote, settings), _READ_CHUNK),
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


def trace(
    paths: Sequence[str | os.PathLike[str]],
    settings: Settings,
    *,
    stdin: bytes | None = None,
    timings: dict[str, float] | None = None,
    client: Client | None = None,
    progress: Progress | None = None,
) -> TraceResult:
    """``pipeline.trace`` on Dask (on ``client``, else on ``settings.scheduler`` or a local
    cluster). Standard input cannot be read by remote workers."""
    from provenance.pipeline import _timed  # noqa: PLC0415 -- pipeline imports this module lazily

    if stdin is not None or any(os.fspath(p) == "-" for p in paths):
        raise ConfigError("--engine dask reads files, not standard input; use the local engine")
    timings = {} if timings is None else timings
    if client is None:
        with connect(settings) as own:
            return trace(paths, settings, timings=timings, client=own, progress=progress)
    report = progress or _quiet
    with _timed(timings, "ingest"):
        documents, skipped = read_inputs(client, paths, settings, report)
    return trace_documents(
        client, documents, settings, skipped=skipped, timings=timings, progress=report
    )


def trace_documents(
    client: Client,
    documents: Sequence[Document],
    settings: Settings,
    *,
    skipped: Sequence[Skipped] = (),
    timings: dict[str, float] | None = None,
    progress: Progress | None = None,
) -> TraceResult:
    from provenance.pipeline import (  # noqa: PLC0415 -- see above
        _timed,
        finish,
        select_pairs,
        sentence_pair_notes,
    )

    notes: list[str] = []
    report = progress or _quiet
    timings = {} if timings is None else timings
    documents = list(documents)
    bands, _ = candidate_stage.band_parameters(settings)
    parts = max(1, min(bands, len(client.scheduler_info()["workers"]) * 2))
    with _timed(timings, "fingerprint"):
        shards = _chunks(range(len(documents)), _SHARD)
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
            report("fingerprint", min(done * _SHARD, len(documents)), len(documents))
    with _timed(timings, "candidates"):
        hubs = candidate_stage.hub_ranks([d.date for d in documents])
        collisions = client.gather(
            [
                client.submit(_collide, p, settings, hubs, *band_futures, pure=False)
                for p in range(parts)
            ]
        )
        del band_futures
        merged = (
            np.unique(np.concatenate(collisions), axis=0)
            if collisions
            else np.zeros((0, 4), np.int64)
        )
        merged = _verify(client, merged, fps, settings)
        del fps
        found = candidate_stage.score_pairs(merged, settings, notes=notes)
        pairs = select_pairs(found, documents, settings)
    with _timed(timings, "align"):
        notes.extend(sentence_pair_notes(pairs, documents, settings))
        [scattered] = client.scatter([documents], broadcast=True, hash=False)
        futures = client.map(
            _measure,
            _chunks(pairs, _ALIGN_CHUNK),
            documents=scattered,
            settings=settings,
            pure=False,
        )
        measured: list[tuple[Alignment, Evidence]] = []
        for future in futures:
            measured.extend(future.result())
            report("align", len(measured), len(pairs))
    return finish(documents, measured, settings, skipped=skipped, notes=notes, timings=timings)
