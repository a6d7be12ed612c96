"""The family stage: a large family of near-copies is aligned as a star around its source
(O(n) pairs, not O(n^2)); weak pairs never join two stories; small families are untouched;
and the result lists each family with the pairs it infers."""

from __future__ import annotations

import itertools
import json
from collections.abc import Sequence
from pathlib import Path

import pytest

from provenance import families, pipeline
from provenance.config import Settings
from provenance.errors import ConfigError
from provenance.models import Document, Relation, RelationKind
from provenance.report import jsonout
from support.family import write_family

UNITS = 10  # units of every generated document
S = Settings(family_min_size=20)


def clique(docs: Sequence[int], collisions: int = UNITS) -> list[tuple[int, int, int]]:
    """Every pair of ``docs``, each with ``collisions`` colliding units."""
    return [(a, b, collisions) for a, b in itertools.combinations(sorted(docs), 2)]


def planned(
    scored: list[tuple[int, int, int]],
    n: int,
    dates: Sequence[str | None] | None = None,
    settings: Settings = S,
) -> families.Plan:
    """``families.plan`` of ``scored``; without ``dates``, document 0 is dated first and
    every other one a month later."""
    if dates is None:
        dates = ["2024-01-01"] + ["2024-02-01"] * (n - 1)
    return families.plan(sorted(scored), [UNITS] * n, list(dates), settings)


def test_a_family_of_n_members_costs_linear_pairs() -> None:
    for n in (40, 80, 160):
        plan = planned(clique(range(n)), n)
        [family] = plan.families
        assert family.members == tuple(range(n))
        # each member with the source and its KEEP_PARTNERS strongest partners, at most
        assert len(plan.pairs) <= n * (families.KEEP_PARTNERS + 1)
        assert {(0, k) for k in range(1, n)} <= set(plan.pairs)
        assert family.aligned == len(plan.pairs)
        assert family.aligned + family.unaligned == n * (n - 1) // 2


def test_the_source_is_the_earliest_dated_core_member() -> None:
    n = 30
    dates: list[str | None] = [f"2024-05-{1 + k % 28:02d}" for k in range(n)]
    dates[17] = "2024-04-30"
    dates[3] = None  # undated documents come after every dated one
    [family] = planned(clique(range(n)), n, dates).families
    assert family.source == 17


def test_a_family_whose_dates_single_out_no_source_is_aligned_pair_by_pair() -> None:
    n = 30
    everything = sorted((a, b) for a, b, _ in clique(range(n)))
    undated = planned(clique(range(n)), n, [None] * n)
    assert undated == families.Plan(everything, ())
    tied = ["2024-05-01", "2024-05-01"] + ["2024-05-02"] * (n - 2)
    assert planned(clique(range(n)), n, tied) == families.Plan(everything, ())


def test_a_document_joined_by_weak_pairs_only_is_never_the_source() -> None:
    n = 30
    scored = clique(range(1, n)) + [(0, k, 3) for k in range(1, n)]  # boilerplate-like
    dates = ["2020-01-01", "2024-04-01"] + ["2024-05-01"] * (n - 2)
    [family] = planned(scored, n, dates).families
    assert family.source == 1
    assert 0 in family.members  # it joined the core it shares most with


def test_two_families_joined_only_by_weak_pairs_stay_separate() -> None:
    first, second = range(0, 25), range(25, 50)
    weak = [(a, b, 3) for a in first for b in second if (a + b) % 4 == 0]  # a shared line
    dates = ["2024-01-01"] + ["2024-02-01"] * 24 + ["2024-03-01"] + ["2024-04-01"] * 24
    plan = planned(clique(first) + clique(second) + weak, 50, dates)
    assert [f.members for f in plan.families] == [tuple(first), tuple(second)]
    assert [f.source for f in plan.families] == [0, 25]


def test_strong_pairs_need_most_of_the_larger_document() -> None:
    assert families.strong(10, 10, 12)
    assert not families.strong(10, 10, 40)  # a quarter of the longer text: partial reuse
    assert not families.strong(3, 4, 4)  # three lines are never enough


def test_below_the_threshold_nothing_changes() -> None:
    scored = clique(range(19)) + clique(range(30, 35))
    everything = sorted((a, b) for a, b, _ in scored)
    assert planned(scored, 40) == families.Plan(everything, ())
    big = clique(range(40))
    assert len(planned(big, 40).families) == 1
    off = Settings(family_min_size=0)
    assert planned(big, 40, settings=off) == families.Plan(sorted((a, b) for a, b, _ in big), ())


def test_a_core_member_keeps_the_source_and_its_strongest_partners() -> None:
    n = 30
    # document 12 is a near-copy of member 5 more than of anything else
    scored = [(a, b, c + 5 if (a, b) == (5, 12) else c) for a, b, c in clique(range(n))]
    plan = planned(scored, n)
    mine = {p for p in plan.pairs if 12 in p}
    assert (0, 12) in mine and (5, 12) in mine
    assert len(mine) <= 1 + families.KEEP_PARTNERS + n // 2  # and those that chose it


def test_a_document_outside_the_core_keeps_every_pair() -> None:
    n = 30
    # document 40 quotes the story or reuses a part of it: one to three units with every
    # member; which member it took them from only alignment can tell
    scored = clique(range(n)) + [(k, 40, 3 if k in (7, 8) else 1) for k in range(n)]
    plan = planned(scored, 41)
    [family] = plan.families
    assert {(k, 40) for k in range(n)} <= set(plan.pairs)
    assert 40 in family.members
    assert len(plan.pairs) <= n * (families.KEEP_PARTNERS + 1) + n


def test_two_families_keep_the_pairs_between_them() -> None:
    first, second = range(0, 25), range(25, 50)
    dates = ["2024-01-01"] + ["2024-02-01"] * 24 + ["2024-03-01"] + ["2024-04-01"] * 24
    across = [(3, 30, 2), (4, 31, 1)]
    plan = planned(clique(first) + clique(second) + across, 50, dates)
    assert len(plan.families) == 2
    assert {(3, 30), (4, 31)} <= set(plan.pairs)


def test_a_missing_candidate_pair_with_the_source_is_added() -> None:
    n = 30
    scored = [p for p in clique(range(n)) if p[:2] != (0, 29)]
    assert (0, 29) in planned(scored, n).pairs


def test_a_small_family_inside_a_corpus_with_a_large_one_is_untouched() -> None:
    small = clique(range(100, 105))
    plan = planned(clique(range(30)) + small, 105)
    assert {(a, b) for a, b, _ in small} <= set(plan.pairs)
    assert len(plan.families) == 1


def _doc(k: int) -> Document:
    return Document(id=f"d{k}", path=f"d{k}.txt", text="")


def _rel(a: int, b: int, kind: RelationKind = "duplicate") -> Relation:
    return Relation(
        source=f"d{a}",
        derived=f"d{b}",
        kind=kind,
        direction="source->derived",
        confidence=1.0,
        score=1.0,
        coverage_source=1.0,
        coverage_derived=1.0,
        passages=(),
    )


def test_listed_families_hold_the_members_relations_connect_to_the_source() -> None:
    docs = [_doc(k) for k in range(6)]
    plan = [families.Planned(source=0, members=(0, 1, 2, 3, 4), aligned=7, unaligned=3)]
    relations = [_rel(0, 1), _rel(0, 2), _rel(2, 3), _rel(0, 5)]  # 4 unrelated; 5 not a member
    [family] = families.listed(plan, relations, docs)
    assert family.source == "d0"
    assert family.members == ("d0", "d1", "d2", "d3")
    assert (family.aligned_pairs, family.unaligned_pairs) == (7, 3)
    assert family.inferred_pairs == 6 - 3
    assert families.listed(plan, [_rel(2, 3)], docs) == ()  # nothing reaches the source
    # a shared quotation is no evidence of reuse: it joins no member, but is listed
    [family] = families.listed(plan, [*relations, _rel(0, 4, "quotes"), _rel(1, 3, "quotes")], docs)
    assert family.members == ("d0", "d1", "d2", "d3")
    assert family.inferred_pairs == 6 - 4


def test_family_min_size_of_one_is_refused() -> None:
    with pytest.raises(ConfigError, match="family_min_size"):
        Settings(family_min_size=1)


def test_a_traced_family_is_listed_and_its_relations_are_exact(tmp_path: Path) -> None:
    write_family(tmp_path / "news")
    settings = Settings(cache=False, workers=1)
    result = pipeline.trace([tmp_path / "news"], settings)
    full = pipeline.trace([tmp_path / "news"], settings.replace(family_min_size=0))
    [family] = result.families
    copies = {f"copy-{k:03d}.md" for k in range(1, 60)}
    assert family.source == "source.md"
    assert set(family.members) == copies | {"source.md"}
    assert family.aligned_pairs < 3 * 60
    assert family.aligned_pairs + family.unaligned_pairs > 400
    # every copy is related to the source; no pair of it is inferred that was listed
    with_source = {r.derived for r in result.relations if r.source == "source.md"}
    assert with_source == copies
    listed = {frozenset((r.source, r.derived)) for r in result.relations}
    assert family.inferred_pairs == 60 * 59 // 2 - len(listed)
    assert len(result.relations) < len(full.relations) / 3
    # a relation listed in both runs has the same passages: alignment is per pair
    passages = {frozenset((r.source, r.derived)): r.passages for r in full.relations}
    shared = [r for r in result.relations if frozenset((r.source, r.derived)) in passages]
    assert len(shared) > 50
    for r in shared:
        assert sorted(p.similarity for p in r.passages) == sorted(
            p.similarity for p in passages[frozenset((r.source, r.derived))]
        )
    assert full.families == ()
    # the JSON key, and reading it back
    data = json.loads(jsonout.dumps(result))
    [entry] = data["families"]
    assert entry["size"] == 60 and entry["source"] == "source.md"
    assert entry["inferred_pairs"] == family.inferred_pairs
    assert jsonout.loads(jsonout.dumps(result)).families == result.families
    assert json.loads(jsonout.dumps(full))["families"] == []
