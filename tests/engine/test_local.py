"""``engine.local``: the same JSON whatever the number of worker processes, and workers
that stop with the stages."""

from __future__ import annotations

import multiprocessing
from pathlib import Path

import pytest

from provenance import pipeline
from provenance.config import Settings
from provenance.engine import common, local
from provenance.report import jsonout

CASES = Path(__file__).parent.parent / "cases"


def test_same_json_whatever_the_number_of_workers(monkeypatch: pytest.MonkeyPatch) -> None:
    # Small chunks, so the two-worker run really spreads work over processes.
    monkeypatch.setattr(local, "FINGERPRINT_CHUNK", 3)
    monkeypatch.setattr(local, "ALIGN_CHUNK", 2)
    one = jsonout.dumps(pipeline.trace([CASES], Settings(workers=1)))
    two = jsonout.dumps(pipeline.trace([CASES], Settings(workers=2)))
    assert one == two
    assert '"relations": []' not in one


def _pool_size_at_graph(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The worker processes alive each time the graph stage starts."""
    seen: list[int] = []
    build = common.graph_stage.build

    def spying_build(*args, **kwargs):  # type: ignore[no-untyped-def]
        seen.append(len(multiprocessing.active_children()))
        return build(*args, **kwargs)

    monkeypatch.setattr(common.graph_stage, "build", spying_build)
    return seen


def test_workers_are_stopped_before_the_graph_stage(monkeypatch: pytest.MonkeyPatch) -> None:
    # their memory (documents, analyses) is free for the graph; and none outlives the run
    monkeypatch.setattr(local, "ALIGN_CHUNK", 2)
    seen = _pool_size_at_graph(monkeypatch)
    result = pipeline.trace([CASES / "chain"], Settings(workers=2, cache=False))
    assert result.relations
    assert seen == [0]


def test_a_failing_stage_leaves_no_worker_behind(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(local, "FINGERPRINT_CHUNK", 1)  # the pool is started to fingerprint
    started: list[int] = []
    real_start = local.pool.start

    def start(*args, **kwargs):  # type: ignore[no-untyped-def]
        started.append(1)
        return real_start(*args, **kwargs)

    monkeypatch.setattr(local.pool, "start", start)

    def failing(*args: object, **kwargs: object) -> None:
        raise RuntimeError("the align stage failed")

    monkeypatch.setattr(local, "by_component", failing)
    with pytest.raises(RuntimeError, match="align stage failed"):
        pipeline.trace([CASES / "chain"], Settings(workers=2, cache=False))
    assert started == [1]
    assert multiprocessing.active_children() == []
