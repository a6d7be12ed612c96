"""trace(paths, settings) -> TraceResult: composes the stages and times each one.

ingest -> analyse (text) -> fingerprint -> candidates -> align -> classify -> graph
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager

from provenance import align as align_stage
from provenance import candidates as candidate_stage
from provenance import classify as classify_stage
from provenance import fingerprint as fingerprint_stage
from provenance import graph as graph_stage
from provenance import ingest
from provenance import text as text_stage
from provenance.config import Settings
from provenance.models import TraceResult

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
        documents, skipped = ingest.read_inputs(paths, settings, stdin=stdin)
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

    with _timed(timings, "candidates"):
        pairs = candidate_stage.candidate_pairs(fingerprints, settings)

    with _timed(timings, "align"):
        prepared = [align_stage.prepare(a) for a in analyses]
        measured = []
        for k, (a, b, _collisions) in enumerate(pairs):
            alignment = align_stage.align_pair(a, b, prepared, settings)
            ev = classify_stage.evidence(alignment, analyses[a], analyses[b], settings)
            measured.append((alignment, ev))
            report("align", k + 1, len(pairs))

    with _timed(timings, "graph"):
        relations, clusters = graph_stage.build(documents, analyses, measured, settings)

    return TraceResult(
        documents=tuple(documents),
        relations=tuple(relations),
        clusters=tuple(clusters),
        skipped=tuple(skipped),
        timings=timings,
    )
