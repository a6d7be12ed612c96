"""trace(paths, settings) -> TraceResult: composes the stages and times each one.

ingest -> fingerprint (lean text pass) -> candidates -> align (documents in pairs analysed
in full, lazily) -> classify -> graph
"""

from __future__ import annotations

import os
import re
import time
from collections import OrderedDict
from collections.abc import Callable, Collection, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import TypeVar, overload

from threadpoolctl import ThreadpoolController

from provenance import align as align_stage
from provenance import candidates as candidate_stage
from provenance import classify as classify_stage
from provenance import fingerprint as fingerprint_stage
from provenance import graph as graph_stage
from provenance import ingest, workers
from provenance import text as text_stage
from provenance.classify import Evidence
from provenance.config import Settings
from provenance.models import Alignment, Document, Skipped, TraceResult
from provenance.store import stages
from provenance.store.cache import FingerprintCache, content_key
from provenance.text import Analysis

_T = TypeVar("_T")
_R = TypeVar("_R")

Progress = Callable[[str, int, int], None]
"""``progress(stage, done, total)``, called as each stage advances."""


def _quiet(stage: str, done: int, total: int) -> None:
    """The default progress callback: says nothing."""


@contextmanager
def _timed(timings: dict[str, float], stage: str) -> Iterator[None]:
    start = time.perf_counter()
    try:
        yield
    finally:
        timings[stage] = timings.get(stage, 0.0) + time.perf_counter() - start


_FINGERPRINT_CHUNK = 64
_ALIGN_CHUNK = 64
_ANALYSIS_CACHE = 4096
"""Analysed documents each process keeps for alignment (pairs come sorted, so a document's
pairs are close together); older ones are dropped so memory does not grow with the corpus."""


def worker_count(settings: Settings) -> int:
    """``settings.workers``, with 0 meaning every core of this machine."""
    return settings.workers or os.cpu_count() or 1


class LazyAnalyses(Sequence[Analysis]):
    """``analyse`` of each document, computed when first asked for and kept in a bounded
    cache: only documents in candidate pairs are ever analysed in full."""

    def __init__(self, documents: Sequence[Document], limit: int | None = None) -> None:
        self._documents = documents
        self._limit = limit
        self._cache: OrderedDict[int, tuple[Analysis, align_stage.Prepared | None]] = OrderedDict()

    def __len__(self) -> int:
        return len(self._documents)

    @overload
    def __getitem__(self, index: int) -> Analysis: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[Analysis]: ...
    def __getitem__(self, index: int | slice) -> Analysis | Sequence[Analysis]:
        if isinstance(index, slice):
            return [self[k] for k in range(len(self))[index]]
        return self._entry(index)[0]

    def prepared(self, index: int) -> align_stage.Prepared:
        analysis, prepared = self._entry(index)
        if prepared is None:
            prepared = align_stage.prepare(analysis)
            self._cache[index] = (analysis, prepared)
        return prepared

    def _entry(self, index: int) -> tuple[Analysis, align_stage.Prepared | None]:
        index = range(len(self._documents))[index]
        entry = self._cache.get(index)
        if entry is None:
            entry = (text_stage.analyse(self._documents[index].text), None)
            self._cache[index] = entry
            if self._limit is not None and len(self._cache) > self._limit:
                self._cache.popitem(last=False)
        else:
            self._cache.move_to_end(index)
        return entry


@cache
def _blas() -> ThreadpoolController:
    """The BLAS libraries loaded in this process (looked up once)."""
    return ThreadpoolController()


def measure_pairs(
    pairs: Sequence[tuple[int, int]], analyses: LazyAnalyses, settings: Settings
) -> list[tuple[Alignment, Evidence]]:
    """Align and measure each pair of document indexes.

    BLAS runs on one thread meanwhile (restored after). Its only use here is the small
    term-overlap product of the sentence similarity, which OpenBLAS would split over every
    core: with one worker process per core, the extra threads took CPU from the other
    workers and gave no speed to their own (on 2 cores, the align stage of a 100k-document
    corpus took 51.0 s with them, 36.5 s without)."""
    out = []
    with _blas().limit(limits=1, user_api="blas"):
        for a, b in pairs:
            alignment = align_stage.alignment(
                a, b, analyses.prepared(a), analyses.prepared(b), settings
            )
            out.append(
                (alignment, classify_stage.evidence(alignment, analyses[a], analyses[b], settings))
            )
    return out


# Worker-process state, set once per worker by ``_init_worker`` (inherited under fork).
_STATE: tuple[Sequence[Document], Settings, LazyAnalyses] | None = None


def _init_worker(documents: Sequence[Document], settings: Settings) -> None:
    global _STATE  # noqa: PLW0603 -- per-process cache of read-only inputs
    _STATE = (documents, settings, LazyAnalyses(documents, _ANALYSIS_CACHE))


def _fingerprint_chunk(indexes: list[int]) -> fingerprint_stage.FingerprintTable:
    assert _STATE is not None
    documents, settings, _ = _STATE
    return fingerprint_stage.fingerprint_table([documents[k].text for k in indexes], settings)


def _measure_chunk(pairs: list[tuple[int, int]]) -> list[tuple[Alignment, Evidence]]:
    assert _STATE is not None
    _, settings, analyses = _STATE
    return measure_pairs(pairs, analyses, settings)


class _Runner:
    """Runs chunks of work in order, in this process or on a pool of worker processes
    started once (forked where possible, so documents are not copied)."""

    def __init__(self, documents: Sequence[Document], settings: Settings) -> None:
        self._documents = documents
        self._settings = settings
        self._pool: ProcessPoolExecutor | None = None

    def map(self, fn: Callable[[list[_T]], _R], chunks: list[list[_T]]) -> Iterator[_R]:
        if worker_count(self._settings) == 1 or len(chunks) < 2:
            if _STATE is None or _STATE[0] is not self._documents:
                _init_worker(self._documents, self._settings)
            return map(fn, chunks)
        if self._pool is None:
            self._pool = workers.start(
                worker_count(self._settings),
                initializer=_init_worker,
                initargs=(self._documents, self._settings),
            )
        return workers.map_on(self._pool, fn, chunks)

    def close(self, *, now: bool = False) -> None:
        """Stop the workers: after their work, or ``now`` (the run failed or was interrupted:
        queued work is cancelled and the workers terminated)."""
        global _STATE  # noqa: PLW0603 -- drop the in-process cache with the run
        _STATE = None
        if self._pool is not None:
            workers.stop(self._pool, now=now)


def _fingerprints(
    documents: Sequence[Document],
    settings: Settings,
    runner: _Runner,
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
        chunks = _chunks(todo, _FINGERPRINT_CHUNK)
        jobs = [[wanted[k] for k in chunk] for chunk in chunks]
        for chunk, part in zip(chunks, runner.map(_fingerprint_chunk, jobs), strict=True):
            computed.add(part)
            if cache is not None:
                cache.put_many([(keys[k], part[d]) for d, k in enumerate(chunk)])
            done += len(chunk)
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


def _staged(
    documents: Sequence[Document],
    settings: Settings,
    runner: _Runner,
    report: Progress,
    timings: dict[str, float],
) -> list[tuple[int, int, int]]:
    """Fingerprints, band keys and candidates through the stage folder: shards and
    candidates already there are read, the rest computed and written."""
    with _timed(timings, "fingerprint"):
        keys = [content_key(d.text) for d in documents]
        stage = stages.StageDir(Path(settings.stage_dir), settings, keys)
        if stage.candidates_path.exists():
            return stages.read_candidates(stage.candidates_path)
        for shard, docs in enumerate(stage.shards()):
            if stage.bands_path(shard).exists() and stage.fingerprint_path(shard).exists():
                continue
            fingerprints = _fingerprints(
                documents, settings, runner, report, keys=keys, indexes=docs
            )
            stages.fingerprint_shard(
                stage, shard, keys[docs.start : docs.stop], fingerprints, settings
            )
    with _timed(timings, "candidates"):
        _, rows = candidate_stage.band_parameters(settings)
        bands = candidate_stage.concat_band_keys(
            [stages.read_bands(stage.bands_path(k)) for k in range(len(stage.shards()))], rows
        )
        collisions = candidate_stage.unit_collisions(
            bands, settings, hubs=candidate_stage.hub_ranks([d.date for d in documents])
        )
        del bands
        shards = fingerprint_stage.TableBuilder(settings.num_perm)
        for k in range(len(stage.shards())):
            shards.add(stages.read_fingerprints(stage.fingerprint_path(k))[1])
        fingerprints = shards.table()
        collisions = candidate_stage.similar_units(collisions, fingerprints, fingerprints, settings)
        del fingerprints
        found = candidate_stage.score_pairs(collisions, settings)
        stages.write_candidates(stage.candidates_path, found)
    return found


def _chunks(items: Sequence[_T], size: int) -> list[list[_T]]:
    return [list(items[k : k + size]) for k in range(0, len(items), size)]


def trace(
    paths: Sequence[str | os.PathLike[str]],
    settings: Settings | None = None,
    *,
    stdin: bytes | None = None,
    progress: Progress | None = None,
) -> TraceResult:
    """Read ``paths`` (files, folders, or ``"-"`` for ``stdin``), find reused passages
    between the documents, and return the classified, directed relations.

    Raises ``InputError`` when a path does not exist and ``ConfigError`` for bad settings;
    inputs that cannot be read are skipped and listed in ``TraceResult.skipped``.
    """
    settings = settings or Settings()
    report = progress or _quiet
    timings: dict[str, float] = {}
    if settings.engine == "dask":
        from provenance import dask_engine  # noqa: PLC0415 -- optional extra, imported when asked for

        return dask_engine.trace(paths, settings, stdin=stdin, timings=timings, progress=progress)
    with _timed(timings, "ingest"):
        documents, skipped = ingest.read_inputs(
            paths, settings, stdin=stdin, progress=report, workers=worker_count(settings)
        )
    return trace_documents(documents, settings, skipped=skipped, progress=progress, timings=timings)


_WORD = re.compile(r"\w")


def _extent(text: str) -> int:
    """Characters from the first word character to the last: the longest passage the
    document could hold (no analysis needed)."""
    first = _WORD.search(text)
    if first is None:
        return 0
    last = _WORD.search(text[::-1])
    assert last is not None
    return len(text) - last.start() - first.start()


def select_pairs(
    found: Sequence[tuple[int, int, int]],
    documents: Sequence[Document],
    settings: Settings,
    *,
    focus: Collection[int] | None = None,
) -> list[tuple[int, int]]:
    """The pairs to align: LSH candidates plus identical documents (which crowded buckets
    would hide), without documents too short to hold a passage, and (with ``focus``) only
    pairs touching a focus document. Shared by every engine, so their output is the same."""
    pairs = sorted(
        {(a, b) for a, b, _ in found}
        | set(candidate_stage.exact_duplicate_pairs([d.text for d in documents]))
    )
    # A document shorter than min_passage_chars can hold no passage: aligning it with
    # thousands of partners (10,000 one-line files) could only ever find nothing.
    short = {k for k, d in enumerate(documents) if _extent(d.text) < settings.min_passage_chars}
    pairs = [(a, b) for a, b in pairs if a not in short and b not in short]
    if focus is not None:
        wanted = set(focus)
        pairs = [(a, b) for a, b in pairs if a in wanted or b in wanted]
    return pairs


def by_component(pairs: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """``pairs`` grouped by the connected component of documents they belong to (sorted
    inside each group; groups in the order of their first pair).

    Aligning a pair analyses both documents, and a worker keeps a bounded cache of
    analyses: in ``(a, b)`` order a document's pairs are spread over the whole run and over
    every worker, while the pairs of one component share their documents. (100k generated
    documents: 21,754 analyses for the 18,760 documents in pairs, 19,112 when grouped.)"""
    parent: dict[int, int] = {}

    def root(x: int) -> int:
        while (up := parent.get(x, x)) != x:
            parent[x] = parent.get(up, up)  # halve the path
            x = up
        return x

    for a, b in pairs:
        ra, rb = root(a), root(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    first: dict[int, int] = {}
    for n, (a, _) in enumerate(pairs):
        first.setdefault(root(a), n)
    return sorted(pairs, key=lambda p: (first[root(p[0])], p))


def sentence_pair_notes(
    pairs: Sequence[tuple[int, int]], documents: Sequence[Document], settings: Settings
) -> list[str]:
    """A note when some pairs are too long for the paraphrase search (``max_sentence_pairs``).

    Sentences are counted (not analysed in full) only in documents of pairs whose texts are
    long enough to exceed the limit at all."""
    limit = settings.max_sentence_pairs
    counts: dict[int, int] = {}

    def count(k: int) -> int:
        if k not in counts:
            counts[k] = len(text_stage.sentences(documents[k].text))
        return counts[k]

    unsearched = 0
    for a, b in pairs:
        if len(documents[a].text) * len(documents[b].text) <= limit:  # >= 1 char a sentence
            continue
        if not align_stage.paraphrase_searchable(count(a), count(b), settings):
            unsearched += 1
    if not unsearched:
        return []
    return [
        f"{unsearched:,} candidate pair{'s' if unsearched > 1 else ''} of very long documents "
        f"had more than max_sentence_pairs ({limit:,}) sentence pairs: only verbatim and "
        "edited passages were searched there, not paraphrases (raise max_sentence_pairs if "
        "memory allows)"
    ]


def trace_documents(
    documents: Sequence[Document],
    settings: Settings | None = None,
    *,
    skipped: Sequence[Skipped] = (),
    focus: Collection[int] | None = None,
    progress: Progress | None = None,
    timings: dict[str, float] | None = None,
) -> TraceResult:
    """Every stage after ingest, on documents already read.

    ``focus``: when given, only candidate pairs with at least one document among these
    indexes are aligned (``provenance check`` compares the checked documents with the rest,
    not the rest with each other). ``timings`` collects the seconds of each stage.
    """
    settings = settings or Settings()
    report = progress or _quiet
    timings = {} if timings is None else timings

    notes: list[str] = []
    runner = _Runner(documents, settings)
    try:
        if settings.stage_dir:
            found = _staged(documents, settings, runner, report, timings)
        else:
            with _timed(timings, "fingerprint"):
                fingerprints = _fingerprints(documents, settings, runner, report)
            with _timed(timings, "candidates"):
                hubs = candidate_stage.hub_ranks([d.date for d in documents])
                found = candidate_stage.candidate_pairs(
                    fingerprints, settings, notes=notes, hubs=hubs
                )
                del fingerprints

        with _timed(timings, "candidates"):
            pairs = select_pairs(found, documents, settings, focus=focus)

        with _timed(timings, "align"):
            notes.extend(sentence_pair_notes(pairs, documents, settings))
            measured: list[tuple[Alignment, Evidence]] = []
            grouped = by_component(pairs)
            for done in runner.map(_measure_chunk, _chunks(grouped, _ALIGN_CHUNK)):
                measured.extend(done)
                report("align", len(measured), len(pairs))
            measured.sort(key=lambda m: (m[0].a, m[0].b))  # the order of ``pairs`` again
    except BaseException:
        runner.close(now=True)
        raise
    runner.close()

    return finish(documents, measured, settings, skipped=skipped, notes=notes, timings=timings)


def finish(
    documents: Sequence[Document],
    measured: Sequence[tuple[Alignment, Evidence]],
    settings: Settings,
    *,
    skipped: Sequence[Skipped],
    notes: Sequence[str],
    timings: dict[str, float],
) -> TraceResult:
    """The graph stage and the result, from the measured pairs (every engine ends here)."""
    with _timed(timings, "graph"):
        relations, clusters = graph_stage.build(
            documents, LazyAnalyses(documents), measured, settings
        )
    return TraceResult(
        documents=tuple(documents),
        relations=tuple(relations),
        clusters=tuple(clusters),
        skipped=tuple(skipped),
        notes=tuple(notes),
        timings=timings,
        derived_from=graph_stage.derived_from(relations),
    )
