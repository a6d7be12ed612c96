"""trace(paths, settings) -> TraceResult: picks an engine, runs the stages on it, times each.

ingest -> furniture (site templates, corpus-wide) -> fingerprint (lean text pass) ->
candidates -> align (documents in pairs analysed in full, lazily) -> classify -> graph

The engines (``engine.local``, ``engine.dask``) do the work of each stage; what they share
(pair selection, measuring a pair, the graph stage) is ``engine.common``.
"""

from __future__ import annotations

import os
from collections.abc import Collection, Sequence
from typing import Any

from provenance import furniture as furniture_stage
from provenance.config import Settings
from provenance.engine.common import (
    Engine,
    Progress,
    finish,
    plan_pairs,
    quiet,
    sentence_pair_notes,
    timed,
)
from provenance.engine.local import LocalEngine
from provenance.models import Document, Skipped, TraceResult

__all__ = ["Progress", "run", "trace", "trace_documents"]


def _engine(settings: Settings) -> Engine[Any]:
    if settings.engine == "dask":
        from provenance.engine.dask import DaskEngine  # noqa: PLC0415 -- optional extra, imported when asked for

        return DaskEngine(settings)
    return LocalEngine(settings)


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
    with _engine(settings) as engine:
        return run(engine, paths, settings, stdin=stdin, progress=progress)


def run(
    engine: Engine[Any],
    paths: Sequence[str | os.PathLike[str]],
    settings: Settings,
    *,
    stdin: bytes | None = None,
    progress: Progress | None = None,
) -> TraceResult:
    """``trace`` on ``engine`` (entered by the caller)."""
    report = progress or quiet
    timings: dict[str, float] = {}
    with timed(timings, "ingest"):
        documents, skipped = engine.read(paths, stdin=stdin, progress=report)
    return _stages(engine, documents, settings, skipped, None, report, timings)


def trace_documents(
    documents: Sequence[Document],
    settings: Settings | None = None,
    *,
    skipped: Sequence[Skipped] = (),
    focus: Collection[int] | None = None,
    progress: Progress | None = None,
    timings: dict[str, float] | None = None,
) -> TraceResult:
    """Every stage after ingest, on documents already read (on the local engine).

    ``focus``: when given, only candidate pairs with at least one document among these
    indexes are aligned (``provenance check`` compares the checked documents with the rest,
    not the rest with each other). ``timings`` collects the seconds of each stage.
    """
    settings = settings or Settings()
    timings = {} if timings is None else timings
    with LocalEngine(settings) as engine:
        return _stages(engine, documents, settings, skipped, focus, progress or quiet, timings)


def _stages(
    engine: Engine[Any],
    documents: Sequence[Document],
    settings: Settings,
    skipped: Sequence[Skipped],
    focus: Collection[int] | None,
    report: Progress,
    timings: dict[str, float],
) -> TraceResult:
    notes: list[str] = []
    with timed(timings, "furniture"):
        documents = furniture_stage.strip_furniture(documents, settings, notes)
    with timed(timings, "fingerprint"):
        fingerprinted = engine.fingerprint(documents, report)
    with timed(timings, "candidates"):
        found = engine.candidates(documents, fingerprinted, notes)
        del fingerprinted
        planned = plan_pairs(found, documents, settings, focus=focus)
    with timed(timings, "align"):
        notes.extend(sentence_pair_notes(planned.pairs, documents, settings))
        measured = engine.measure(documents, planned.pairs, report)
    return finish(
        documents,
        measured,
        settings,
        skipped=skipped,
        notes=notes,
        timings=timings,
        families=planned.families,
    )
