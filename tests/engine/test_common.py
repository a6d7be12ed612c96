"""``engine.common``: what every engine shares (lazy analyses, pair grouping, measuring a
pair, the worker count)."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from provenance import ingest
from provenance import text as tx
from provenance.config import Settings
from provenance.engine import common
from provenance.models import Document

CASES = Path(__file__).parent.parent / "cases"


def test_lazy_analyses_are_bounded_and_equal_to_analyse() -> None:
    docs, _ = ingest.read_inputs([CASES / "chain"], Settings())
    lazy = common.LazyAnalyses(docs, limit=1)
    for k, doc in enumerate(docs):
        assert lazy[k] == tx.analyse(doc.text)
        assert lazy.prepared(k).analysis == lazy[k]
    assert len(lazy._cache) == 1


def test_workers_zero_means_every_core() -> None:
    import os

    assert Settings().workers == 0
    assert common.worker_count(Settings()) == (os.cpu_count() or 1)
    assert common.worker_count(Settings(workers=3)) == 3


@settings(max_examples=80, deadline=None, derandomize=True)
@given(
    st.sets(
        st.tuples(st.integers(0, 30), st.integers(0, 30))
        .filter(lambda p: p[0] < p[1])
        .map(lambda p: (p[0], p[1])),
        max_size=40,
    )
)
def test_pairs_grouped_by_component_are_the_same_pairs_one_component_at_a_time(
    found: set[tuple[int, int]],
) -> None:
    pairs = sorted(found)
    grouped = common.by_component(pairs)
    assert sorted(grouped) == pairs
    # a reference: the component of each document by repeated merging
    component = {d: d for p in pairs for d in p}
    changed = True
    while changed:
        changed = False
        for a, b in pairs:
            low = min(component[a], component[b])
            if component[a] != low or component[b] != low:
                component[a] = component[b] = low
                changed = True
    seen: list[int] = []
    for a, _ in grouped:  # each component's pairs form one run, sorted inside it
        if not seen or seen[-1] != component[a]:
            assert component[a] not in seen
            seen.append(component[a])
    for x, y in itertools.pairwise(grouped):
        if component[x[0]] == component[y[0]]:
            assert x < y


def test_alignment_runs_blas_on_one_thread_and_restores_it(monkeypatch: pytest.MonkeyPatch) -> None:
    """OpenBLAS would spread the sentence-overlap product over every core, taking CPU from
    the other worker processes; alignment limits it to one thread, and only while it runs."""
    threadpoolctl = pytest.importorskip("threadpoolctl")

    def blas_threads() -> list[int]:
        return [
            p["num_threads"] for p in threadpoolctl.threadpool_info() if p["user_api"] == "blas"
        ]

    before = blas_threads()
    if not before:
        pytest.skip("NumPy here loads no BLAS library that threadpoolctl controls")
    seen: list[list[int]] = []
    real_align = common.align_stage.alignment

    def spying_align(*args, **kwargs):  # type: ignore[no-untyped-def]
        seen.append(blas_threads())
        return real_align(*args, **kwargs)

    monkeypatch.setattr(common.align_stage, "alignment", spying_align)
    texts = ["The council approved the new budget on Monday. It will fund three schools."] * 2
    docs = [Document(id=f"d{k}", path=f"d{k}.txt", text=t) for k, t in enumerate(texts)]
    out = common.measure_pairs([(0, 1)], common.LazyAnalyses(docs), Settings(workers=1))
    assert len(out) == 1
    assert seen == [[1] * len(before)]
    assert blas_threads() == before
