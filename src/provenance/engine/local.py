"""The local engine: the stages on this machine, in chunks on a pool of worker processes.

Fingerprints come from the cache when it has them (``store.cache``) and are computed on the
workers otherwise; with ``stage_dir`` they go through sharded stage files
(``store.stages``), so a run resumes from what an earlier one wrote. The pool is started
once, on first use, forked where possible so the documents are not copied.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import numpy as np

from provenance import candidates as candidate_stage
from provenance import fingerprint as fingerprint_stage
from provenance import ingest
from provenance.config import Settings
from provenance.engine import pool
from provenance.engine.common import (
    ANALYSIS_CACHE,
    LazyAnalyses,
    Measured,
    Progress,
    by_component,
    chunks,
    measure_pairs,
    worker_count,
)
from provenance.models import Document, Skipped
from provenance.store import stages
from provenance.store.cache import FingerprintCache, content_key

_T = TypeVar("_T")
_R = TypeVar("_R")

# Chunks sent to the process pool (the Dask engine's are larger: see ``engine.dask``).
FINGERPRINT_CHUNK = 64
"""Documents per fingerprinting task on the pool."""
ALIGN_CHUNK = 64
"""Candidate pairs per alignment task on the pool."""

# Worker-process state, set once per worker by ``_init_worker`` (inherited under fork).
_STATE: tuple[Sequence[Document], Settings, LazyAnalyses] | None = None


def _init_worker(documents: Sequence[Document], settings: Settings) -> None:
    global _STATE  # noqa: PLW0603 -- per-process cache of read-only inputs
    _STATE = (documents, settings, LazyAnalyses(documents, ANALYSIS_CACHE))


def _fingerprint_chunk(indexes: list[int]) -> fingerprint_stage.FingerprintTable:
    assert _STATE is not None
    documents, settings, _ = _STATE
    return fingerprint_stage.fingerprint_table([documents[k].text for k in indexes], settings)


def _measure_chunk(pairs: list[tuple[int, int]]) -> list[Measured]:
    assert _STATE is not None
    _, settings, analyses = _STATE
    return measure_pairs(pairs, analyses, settings)


class Runner:
    """Runs chunks of work in order, in this process or on a pool of worker processes
    started once (forked where possible, so documents are not copied)."""

    def __init__(self, documents: Sequence[Document], settings: Settings) -> None:
        self.documents = documents
        self._settings = settings
        self._pool: ProcessPoolExecutor | None = None

    def map(self, fn: Callable[[list[_T]], _R], work: list[list[_T]]) -> Iterator[_R]:
        if worker_count(self._settings) == 1 or len(work) < 2:
            if _STATE is None or _STATE[0] is not self.documents:
                _init_worker(self.documents, self._settings)
            return map(fn, work)
        if self._pool is None:
            self._pool = pool.start(
                worker_count(self._settings),
                initializer=_init_worker,
                initargs=(self.documents, self._settings),
            )
        return pool.map_on(self._pool, fn, work)

    def close(self, *, now: bool = False) -> None:
        """Stop the workers: after their work, or ``now`` (the run failed or was interrupted:
        queued work is cancelled and the workers terminated)."""
        global _STATE  # noqa: PLW0603 -- drop the in-process cache with the run
        _STATE = None
        if self._pool is not None:
            pool.stop(self._pool, now=now)
            self._pool = None


def fingerprints(
    documents: Sequence[Document],
    settings: Settings,
    runner: Runner,
    report: Progress,
    *,
    keys: Sequence[bytes] = (),
    indexes: Sequence[int] | None = None,
) -> fingerprint_stage.FingerprintTable:
    """The fingerprints of ``documents`` (or of those at ``indexes``), from the cache when
    it has them, else computed on the workers (and stored). ``keys``: content keys, if known."""
    wanted = range(len(documents)) if indexes is None else indexes
    total = len(wanted)
    # Where each document's fingerprint is: (0, k) for the k-th cache hit, (1, k) for the
    # k-th document computed (on the workers, in order, into one growing table).
    found: list[fingerprint_stage.Fingerprint] = []
    place: list[tuple[int, int] | None] = [None] * total
    cache = FingerprintCache(settings) if settings.cache else None
    try:
        if cache is not None:
            keys = [keys[i] if keys else content_key(documents[i].text) for i in wanted]
            stored = cache.get_many(keys)
            for k, key in enumerate(keys):
                if key in stored:
                    place[k] = (0, len(found))
                    found.append(stored[key])
            del stored
        else:
            keys = []
        # With a cache, a text that occurs more than once is fingerprinted once.
        first: dict[bytes, int] = {}
        copies: list[tuple[int, int]] = []
        todo = []
        for k, spot in enumerate(place):
            if spot is not None:
                continue
            if keys and keys[k] in first:
                copies.append((k, first[keys[k]]))
            else:
                todo.append(k)
                if keys:
                    first[keys[k]] = k
        hits = fingerprint_stage.FingerprintTable.of(found, settings.num_perm)
        del found
        computed = fingerprint_stage.TableBuilder(settings.num_perm)
        done = total - len(todo)
        report("fingerprint", done, total)
        parts = chunks(todo, FINGERPRINT_CHUNK)
        jobs = [[wanted[k] for k in part] for part in parts]
        for part, table in zip(parts, runner.map(_fingerprint_chunk, jobs), strict=True):
            computed.add(table)
            if cache is not None:
                cache.put_many([(keys[k], table[d]) for d, k in enumerate(part)])
            done += len(part)
            report("fingerprint", done, total)
        for n, k in enumerate(todo):
            place[k] = (1, n)
        for k, original in copies:
            place[k] = place[original]
    finally:
        if cache is not None:
            cache.close()
    table = computed.table()
    if len(todo) == total:  # every document computed, in order: the table is the answer
        return table
    return fingerprint_stage.FingerprintTable.gather(
        [hits, table], (spot for spot in place if spot is not None), settings.num_perm
    )


@dataclass
class Fingerprinted:
    """What the local ``fingerprint`` stage leaves for ``candidates``: the fingerprints in
    memory, or (with a stage folder) the folder, and its candidates when already there."""

    table: fingerprint_stage.FingerprintTable | None = None
    stage: stages.StageDir | None = None
    found: list[tuple[int, int, int]] | None = None


class LocalEngine:
    """``common.Engine`` on this machine (see the module's docstring)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._runner: Runner | None = None

    def __enter__(self) -> LocalEngine:
        return self

    def __exit__(self, kind: object, exc: object, tb: object) -> None:
        self._close(now=exc is not None)

    def read(
        self, paths: Sequence[str | os.PathLike[str]], *, stdin: bytes | None, progress: Progress
    ) -> tuple[list[Document], list[Skipped]]:
        return ingest.read_inputs(
            paths,
            self.settings,
            stdin=stdin,
            progress=progress,
            workers=worker_count(self.settings),
        )

    def fingerprint(self, documents: Sequence[Document], progress: Progress) -> Fingerprinted:
        runner = self._runner_for(documents)
        if not self.settings.stage_dir:
            return Fingerprinted(table=fingerprints(documents, self.settings, runner, progress))
        keys = [content_key(d.text) for d in documents]
        stage = stages.StageDir(Path(self.settings.stage_dir), self.settings, keys)
        if stage.candidates_path.exists():
            return Fingerprinted(stage=stage, found=stages.read_candidates(stage.candidates_path))
        for shard, docs in enumerate(stage.shards()):
            if stage.bands_path(shard).exists() and stage.fingerprint_path(shard).exists():
                continue
            table = fingerprints(
                documents, self.settings, runner, progress, keys=keys, indexes=docs
            )
            stages.fingerprint_shard(
                stage, shard, keys[docs.start : docs.stop], table, self.settings
            )
        return Fingerprinted(stage=stage)

    def candidates(
        self, documents: Sequence[Document], fingerprinted: Fingerprinted, notes: list[str]
    ) -> candidate_stage.Found:
        hubs = candidate_stage.hub_ranks([d.date for d in documents])
        if fingerprinted.table is not None:
            table, fingerprinted.table = fingerprinted.table, None  # freed with the stage
            units = table.counts()
            pairs = candidate_stage.candidate_pairs(table, self.settings, notes=notes, hubs=hubs)
            return candidate_stage.Found(pairs, units)
        assert fingerprinted.stage is not None
        units = stages.read_unit_counts(fingerprinted.stage)
        if fingerprinted.found is not None:  # read from the stage folder
            return candidate_stage.Found(fingerprinted.found, units)
        found = _staged_candidates(fingerprinted.stage, self.settings, hubs)
        return candidate_stage.Found(found, units)

    def measure(
        self, documents: Sequence[Document], pairs: Sequence[tuple[int, int]], progress: Progress
    ) -> list[Measured]:
        runner = self._runner_for(documents)
        measured: list[Measured] = []
        for done in runner.map(_measure_chunk, chunks(by_component(pairs), ALIGN_CHUNK)):
            measured.extend(done)
            progress("align", len(measured), len(pairs))
        measured.sort(key=lambda m: (m[0].a, m[0].b))  # the order of ``pairs`` again
        self._close(now=False)
        return measured

    def _runner_for(self, documents: Sequence[Document]) -> Runner:
        if self._runner is not None and self._runner.documents is not documents:
            self._close(now=False)
        if self._runner is None:
            self._runner = Runner(documents, self.settings)
        return self._runner

    def _close(self, *, now: bool) -> None:
        if self._runner is not None:
            self._runner.close(now=now)
            self._runner = None


def _staged_candidates(
    stage: stages.StageDir, settings: Settings, hubs: np.ndarray
) -> list[tuple[int, int, int]]:
    """Candidates from the band keys and fingerprints of a stage folder (written there)."""
    _, rows = candidate_stage.band_parameters(settings)
    bands = candidate_stage.concat_band_keys(
        [stages.read_bands(stage.bands_path(k)) for k in range(len(stage.shards()))], rows
    )
    members: list[np.ndarray] = []
    collisions = candidate_stage.unit_collisions(bands, settings, hubs=hubs, members=members)
    del bands
    shards = fingerprint_stage.TableBuilder(settings.num_perm)
    for k in range(len(stage.shards())):
        shards.add(stages.read_fingerprints(stage.fingerprint_path(k))[1])
    table = shards.table()
    collisions = candidate_stage.similar_units(collisions, table, table, settings)
    counts, sizes = table.counts(), candidate_stage.unit_sizes(table)
    del table
    found = candidate_stage.score_pairs(
        collisions,
        settings,
        unit_counts=counts,
        unit_sizes=sizes,
        crowded_members=candidate_stage.crowded_members(members),
    )
    stages.write_candidates(stage.candidates_path, found)
    return found
