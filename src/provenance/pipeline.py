"""trace(paths, settings) -> TraceResult: composes the stages and times each one.

ingest -> analyse (text) -> fingerprint -> candidates -> align -> classify -> graph
"""

from __future__ import annotations

import multiprocessing
import os
import time
from collections.abc import Callable, Collection, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager

from provenance import align as align_stage
from provenance import candidates as candidate_stage
from provenance import classify as classify_stage
from provenance import fingerprint as fingerprint_stage
from provenance import graph as graph_stage
from provenance import ingest
from provenance import text as text_stage
from provenance.classify import Evidence
from provenance.config import Settings
from provenance.models import Alignment, Document, Skipped, TraceResult
from provenance.text import Analysis

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


# Worker-process state, set once per worker by ``_init_worker`` (inherited under fork).
_STATE: tuple[list[align_stage.Prepared], list[Analysis], Settings] | None = None
_CHUNK = 64


def _init_worker(
    prepared: list[align_stage.Prepared], analyses: list[Analysis], settings: Settings
) -> None:
    global _STATE  # noqa: PLW0603 -- per-process cache of read-only inputs
    _STATE = (prepared, analyses, settings)


def _measure_chunk(pairs: list[tuple[int, int]]) -> list[tuple[Alignment, Evidence]]:
    assert _STATE is not None
    prepared, analyses, settings = _STATE
    out = []
    for a, b in pairs:
        alignment = align_stage.align_pair(a, b, prepared, settings)
        out.append(
            (alignment, classify_stage.evidence(alignment, analyses[a], analyses[b], settings))
        )
    return out


def _measure_all(
    pairs: list[tuple[int, int]],
    prepared: list[align_stage.Prepared],
    analyses: list[Analysis],
    settings: Settings,
    report: Progress,
) -> list[tuple[Alignment, Evidence]]:
    """Align and measure every candidate pair, in order, on ``settings.workers`` processes.

    Results come back in the order of ``pairs`` whatever the number of workers, so the
    output is byte-identical for any worker count.
    """
    chunks = [pairs[k : k + _CHUNK] for k in range(0, len(pairs), _CHUNK)]
    measured: list[tuple[Alignment, Evidence]] = []
    if settings.workers == 1 or len(chunks) < 2:
        _init_worker(prepared, analyses, settings)
        try:
            for chunk in chunks:
                measured.extend(_measure_chunk(chunk))
                report("align", len(measured), len(pairs))
        finally:
            _init_worker([], [], settings)
        return measured
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    with ProcessPoolExecutor(
        max_workers=settings.workers,
        mp_context=multiprocessing.get_context(method),
        initializer=_init_worker,
        initargs=(prepared, analyses, settings),
    ) as pool:
        for result in pool.map(_measure_chunk, chunks):
            measured.extend(result)
            report("align", len(measured), len(pairs))
    return measured


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
    with _timed(timings, "ingest"):
        documents, skipped = ingest.read_inputs(paths, settings, stdin=stdin, progress=report)
    return trace_documents(documents, settings, skipped=skipped, progress=progress, timings=timings)


def _extent(analysis: Analysis) -> int:
    """Characters from the first token's start to the last token's end: the longest passage
    the document could hold."""
    tokens = analysis.tokens
    return tokens[-1].end - tokens[0].start if tokens else 0


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
    total = len(documents)

    with _timed(timings, "analyse"):
        analyses = []
        for k, doc in enumerate(documents):
            analyses.append(text_stage.analyse(doc.text))
            report("analyse", k + 1, total)

    with _timed(timings, "fingerprint"):
        fingerprints = []
        for k, analysis in enumerate(analyses):
            fingerprints.append(fingerprint_stage.fingerprint(analysis, settings))
            report("fingerprint", k + 1, total)

    notes: list[str] = []
    with _timed(timings, "candidates"):
        found = candidate_stage.candidate_pairs(fingerprints, settings, notes=notes)
        pairs = sorted(
            {(a, b) for a, b, _ in found}
            | set(candidate_stage.exact_duplicate_pairs([d.text for d in documents]))
        )
        # A document shorter than min_passage_chars can hold no passage: aligning it with
        # thousands of partners (10,000 one-line files) could only ever find nothing.
        short = {k for k, a in enumerate(analyses) if _extent(a) < settings.min_passage_chars}
        pairs = [(a, b) for a, b in pairs if a not in short and b not in short]
        if focus is not None:
            wanted = set(focus)
            pairs = [(a, b) for a, b in pairs if a in wanted or b in wanted]

    unsearched = sum(
        1
        for a, b in pairs
        if not align_stage.paraphrase_searchable(
            len(analyses[a].sentence_tokens), len(analyses[b].sentence_tokens), settings
        )
    )
    if unsearched:
        notes.append(
            f"{unsearched:,} candidate pair{'s' if unsearched > 1 else ''} of very long documents "
            f"had more than max_sentence_pairs ({settings.max_sentence_pairs:,}) sentence pairs: "
            "only verbatim and edited passages were searched there, not paraphrases (raise "
            "max_sentence_pairs if memory allows)"
        )

    with _timed(timings, "align"):
        prepared = [align_stage.prepare(a) for a in analyses]
        measured = _measure_all(pairs, prepared, analyses, settings, report)

    with _timed(timings, "graph"):
        relations, clusters = graph_stage.build(documents, analyses, measured, settings)

    return TraceResult(
        documents=tuple(documents),
        relations=tuple(relations),
        clusters=tuple(clusters),
        skipped=tuple(skipped),
        notes=tuple(notes),
        timings=timings,
    )
