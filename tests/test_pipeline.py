"""``pipeline``: picks an engine, runs the stages in order on it, and times each stage."""

from __future__ import annotations

from pathlib import Path

import pytest

from provenance import pipeline
from provenance.config import Settings
from provenance.errors import InputError
from provenance.ingest import read_inputs

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def test_trace_times_every_stage_in_order() -> None:
    result = pipeline.trace([SEEDS], Settings(workers=1))
    assert list(result.timings)[:5] == ["ingest", "furniture", "fingerprint", "candidates", "align"]
    assert all(seconds >= 0.0 for seconds in result.timings.values())
    assert len(result.documents) == 5


def test_a_missing_path_is_an_input_error() -> None:
    with pytest.raises(InputError):
        pipeline.trace([SEEDS / "missing"], Settings(workers=1))


def test_trace_documents_with_a_focus_aligns_only_pairs_that_touch_it() -> None:
    settings = Settings(workers=1)
    documents, _ = read_inputs([SEEDS], settings)
    everything = pipeline.trace_documents(documents, settings)
    pairs = {frozenset((r.source, r.derived)) for r in everything.relations}
    focus = next(k for k, d in enumerate(documents) if d.id.startswith("002"))
    focused = pipeline.trace_documents(documents, settings, focus={focus})
    touching = {p for p in pairs if documents[focus].id in p}
    assert touching  # the seeds' rewrite 000 -> 002
    assert {frozenset((r.source, r.derived)) for r in focused.relations} == touching
    assert len(touching) < len(pairs)


def test_the_engine_named_in_the_settings_runs_the_stages() -> None:
    pytest.importorskip("distributed")
    local = pipeline.trace([SEEDS], Settings(workers=1))
    dask = pipeline.trace([SEEDS], Settings(workers=1, engine="dask"))
    assert dask.relations == local.relations
