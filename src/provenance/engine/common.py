"""What every engine shares: the engine interface, progress and timing, chunking, the worker
count, the pairs to align (with large families as stars: ``families``), measuring a pair,
and the graph stage that finishes every run.

Written once here, so the local and the Dask engine choose the same pairs, measure them the
same way and build the same graph: their JSON is byte-identical.
"""

from __future__ import annotations

import os
import re
import time
from collections import OrderedDict
from collections.abc import Callable, Collection, Iterator, Sequence
from contextlib import contextmanager
from functools import cache
from typing import Protocol, TypeVar, overload

from threadpoolctl import ThreadpoolController

from provenance import align as align_stage
from provenance import candidates as candidate_stage
from provenance import classify as classify_stage
from provenance import families as family_stage
from provenance import graph as graph_stage
from provenance import text as text_stage
from provenance.arrays import Groups
from provenance.classify import Evidence
from provenance.config import Settings
from provenance.models import Alignment, Document, Skipped, TraceResult
from provenance.text import Analysis

_T = TypeVar("_T")
_F = TypeVar("_F")

Progress = Callable[[str, int, int], None]
"""``progress(stage, done, total)``, called as each stage advances."""

Measured = tuple[Alignment, Evidence]
"""One aligned candidate pair and the evidence classification weighs."""


def quiet(stage: str, done: int, total: int) -> None:
    """The default progress callback: says nothing."""


@contextmanager
def timed(timings: dict[str, float], stage: str) -> Iterator[None]:
    """Add the seconds spent inside to ``timings[stage]``."""
    start = time.perf_counter()
    try:
        yield
    finally:
        timings[stage] = timings.get(stage, 0.0) + time.perf_counter() - start


def chunks(items: Sequence[_T], size: int) -> list[list[_T]]:
    """``items`` cut into lists of ``size`` (the last one shorter)."""
    return [list(items[k : k + size]) for k in range(0, len(items), size)]


def worker_count(settings: Settings) -> int:
    """``settings.workers``, with 0 meaning every core of this machine."""
    return settings.workers or os.cpu_count() or 1


class Engine(Protocol[_F]):
    """Runs the stages of a trace (``pipeline`` composes and times them). An engine is a
    context manager: leaving it by an exception stops its workers at once.

    ``_F`` is what ``fingerprint`` hands to ``candidates``: fingerprints in memory, shards
    in a stage folder, or futures on a cluster."""

    def __enter__(self) -> Engine[_F]: ...

    def __exit__(self, kind: object, exc: object, tb: object) -> None: ...

    def read(
        self, paths: Sequence[str | os.PathLike[str]], *, stdin: bytes | None, progress: Progress
    ) -> tuple[list[Document], list[Skipped]]:
        """The documents of ``paths``, in the order of ``ingest.assemble``, and what was
        skipped."""
        ...

    def fingerprint(self, documents: Sequence[Document], progress: Progress) -> _F:
        """The fingerprints and band keys of ``documents``."""
        ...

    def candidates(
        self, documents: Sequence[Document], fingerprinted: _F, notes: list[str]
    ) -> candidate_stage.Found:
        """``candidates.candidate_pairs`` of the fingerprints (notes appended to ``notes``),
        and each document's number of units."""
        ...

    def measure(
        self, documents: Sequence[Document], pairs: Sequence[tuple[int, int]], progress: Progress
    ) -> list[Measured]:
        """``measure_pairs`` of ``pairs``, in their order. The last stage on the engine: its
        workers are stopped after it, so their memory is free for the graph."""
        ...


ANALYSIS_CACHE = 4096
"""Analysed documents each worker keeps for alignment (pairs come grouped, so a document's
pairs are close together); older ones are dropped so memory does not grow with the corpus."""


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
) -> list[Measured]:
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
    pairs touching a focus document."""
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


def plan_pairs(
    found: candidate_stage.Found,
    documents: Sequence[Document],
    settings: Settings,
    *,
    focus: Collection[int] | None = None,
) -> family_stage.Plan:
    """The pairs to align (``select_pairs``), with each large family aligned as a star
    around its source (``families.plan``), and those families.

    With ``focus`` (``provenance check``), every pair touching a focus document is aligned:
    the checked documents' findings are measured, never inferred."""
    pairs = select_pairs(found.pairs, documents, settings, focus=focus)
    if focus is not None or not settings.family_min_size:
        return family_stage.Plan(pairs, ())
    collisions = {(a, b): c for a, b, c in found.pairs}
    units = [int(u) for u in found.units]
    # identical documents paired by ``select_pairs`` alone: every unit collides
    scored = [(a, b, collisions.get((a, b), units[a])) for a, b in pairs]
    return family_stage.plan(scored, units, [d.date for d in documents], settings)


def by_component(pairs: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """``pairs`` grouped by the connected component of documents they belong to (sorted
    inside each group; groups in the order of their first pair).

    Aligning a pair analyses both documents, and a worker keeps a bounded cache of
    analyses: in ``(a, b)`` order a document's pairs are spread over the whole run and over
    every worker, while the pairs of one component share their documents. (100k generated
    documents: 21,754 analyses for the 18,760 documents in pairs, 19,112 when grouped.)"""
    groups = Groups()
    for a, b in pairs:
        groups.join(a, b)
    first: dict[int, int] = {}
    for n, (a, _) in enumerate(pairs):
        first.setdefault(groups.root(a), n)
    return sorted(pairs, key=lambda p: (first[groups.root(p[0])], p))


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


def finish(
    documents: Sequence[Document],
    measured: Sequence[Measured],
    settings: Settings,
    *,
    skipped: Sequence[Skipped],
    notes: Sequence[str],
    timings: dict[str, float],
    families: Sequence[family_stage.Planned] = (),
) -> TraceResult:
    """The graph stage and the result, from the measured pairs (every engine ends here);
    ``families``: the large families of ``plan_pairs``."""
    with timed(timings, "graph"):
        relations, clusters = graph_stage.build(
            documents, LazyAnalyses(documents), measured, settings
        )
        listed = family_stage.listed(families, relations, documents)
    return TraceResult(
        documents=tuple(documents),
        relations=tuple(relations),
        clusters=tuple(clusters),
        skipped=tuple(skipped),
        notes=tuple(notes),
        timings=timings,
        derived_from=graph_stage.derived_from(relations),
        families=listed,
    )
