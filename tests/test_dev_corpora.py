"""Accuracy floors on the labelled development corpora (see ``benchmarks/README.md``).

The corpus tests are marked ``corpora`` and skip when the corpora are absent (their path comes
from ``PROVENANCE_CORPORA``, default ``../shared/corpora``). Each floor sits a little under the
figure last measured, so a change that loses accuracy fails here; when a change gains
accuracy, raise the floor with the new figures in the README. The scoring code is
``benchmarks/dev_corpora.py``, shared with the benchmark script.
"""

from __future__ import annotations

import sys
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks import dev_corpora as dc  # noqa: E402  (the repository root is not on sys.path)

# Last measured (see the README; paraphrase_similarity 0.42, paraphrase_context_similarity
# 0.28): the floors are these less a small margin (one C&S answer moves F1 by about 0.015).
CS_STRICT_F1 = 0.72  # measured 0.747 (0.774 before the wire-copy work: two orig-answer pairs
# became siblings when a third answer explains their overlap)
CS_LOOSE_F1 = 0.93  # measured 0.954
CS_LOOSE_PRECISION = 0.95  # measured 1.000: no `non` answer related to its source
CS_PAIR_F1 = 0.93  # measured 0.954
CS_DIRECTION = 0.63  # measured 0.654 (0.692 before) of detected orig-answer pairs orig -> answer
CS_MAX_ANSWER_CLAIMS = 24  # measured 21 (32 before) answer -> answer source->derived claims (aim 0)
MRPC_TEST_ACCURACY = 0.730  # measured 0.740
MRPC_TEST_F1 = 0.81  # measured 0.821
MRPC_TRAIN_ACCURACY = 0.726  # measured 0.736
# METER and COUNTER, default settings (2026-12-03; "before" = the engine at the last commit,
# "now" = after them). The floors sit a little under the figures measured now.
METER_DERIVED_F1 = 0.67  # measured: before 0.192, now 0.703
METER_MACRO_F1 = 0.48  # before 0.199, now 0.506 (best published trained system 0.664)
METER_ATTRIBUTION = 0.95  # before 0.756 (31/41), now 0.982 (216/220)
METER_ATTRIBUTION_DIRECTED = 0.95  # before 0.293 (12/41), now 0.982: named by derived_from
METER_DIRECTION = 0.89  # before 0.260 (13/50), now 0.917 (363/396) PA -> paper
METER_MAX_SIBLING_CLAIMS = 32  # before 98, now 27 paper -> paper source->derived (aim 0)
COUNTER_DERIVED_F1 = 0.53  # before 0.447, now 0.560
COUNTER_MACRO_F1 = 0.43  # before 0.406, now 0.455
COUNTER_ATTRIBUTION = 0.34  # before 0.952 (lenient fallback, see README), now 0.379
COUNTER_ATTRIBUTION_DIRECTED = 0.34  # before 0.238 (10/42), now 0.379 (22/58)
COUNTER_DIRECTION = 0.34  # before 0.238 (10/42), now 0.379 (22/58) agency -> paper
COUNTER_MAX_FALSE_LINKS = 25  # before 17, now 21 non-quotes relations across pairs


def _root() -> Path:
    return dc.corpora_root()


@pytest.fixture(scope="module")
def cs() -> dict[str, Any]:
    root = _root()
    if not dc.cs_available(root):
        pytest.skip(f"Clough & Stevenson corpus not found under {root} (set PROVENANCE_CORPORA)")
    labels = dc.load_cs_labels(root)
    result = dc.trace_cs(root)
    figures = dc.score_cs(result, labels)
    figures["pairs"] = dc.score_cs_pairs(result, labels)
    return figures


@pytest.fixture(scope="module")
def mrpc() -> dict[str, Any]:
    root = _root()
    if not dc.mrpc_available(root):
        pytest.skip(f"MRPC not found under {root} (set PROVENANCE_CORPORA)")
    return dc.score_mrpc(root)


@pytest.fixture(scope="module")
def meter() -> dict[str, Any]:
    root = _root()
    if not dc.meter_available(root):
        pytest.skip(f"METER (meter_dev) not found under {root} (set PROVENANCE_CORPORA)")
    return dc.score_meter(root)


@pytest.fixture(scope="module")
def counter() -> dict[str, Any]:
    root = _root()
    if not dc.counter_available(root):
        pytest.skip(f"COUNTER (counter_dev) not found under {root} (set PROVENANCE_CORPORA)")
    return dc.score_counter(root)


# --- the scoring helpers, on made-up data (no corpora needed) ----------------------------------


def test_best_threshold_picks_the_accuracy_maximising_cut() -> None:
    scores = np.array([0.9, 0.8, 0.7, 0.6, 0.5, 0.4])
    labels = np.array([1, 1, 0, 1, 0, 0])
    threshold, accuracy = dc.best_threshold(scores, labels)
    assert accuracy == pytest.approx(5 / 6)
    assert 0.5 < threshold <= 0.6 or 0.7 < threshold <= 0.8
    assert ((scores >= threshold) == labels).mean() == pytest.approx(accuracy)


def test_best_threshold_never_splits_tied_scores() -> None:
    scores = np.array([0.5, 0.5, 0.5, 0.1])
    labels = np.array([1, 1, 0, 0])
    threshold, accuracy = dc.best_threshold(scores, labels)
    assert ((scores >= threshold) == labels).mean() == pytest.approx(accuracy)
    assert accuracy == pytest.approx(0.75)


def test_load_mrpc_reads_bom_crlf_and_quotes(tmp_path: Path) -> None:
    header = "\t".join(dc.MRPC_HEADER)
    rows = ['1\t1\t2\tHe said "yes".\t"Yes," he said.', "0\t3\t4\tA 5% rise.\tA 6% rise."]
    path = tmp_path / "mrpc.txt"
    path.write_bytes(("\ufeff" + "\r\n".join([header, *rows]) + "\r\n").encode("utf-8"))
    assert dc.load_mrpc(path) == [
        (1, 'He said "yes".', '"Yes," he said.'),
        (0, "A 5% rise.", "A 6% rise."),
    ]
    path.write_bytes(("\ufeff" + header + "\r\n1\t1\t2\tonly four fields\r\n").encode("utf-8"))
    with pytest.raises(ValueError, match="5 tab-separated fields"):
        dc.load_mrpc(path)


# --- METER / COUNTER scoring helpers, on hand-built results -------------------------------------


def _doc(ident: str, text: str = "") -> Any:
    from provenance.models import Document

    return Document(id=ident, path=ident, text=text)


def _rel(
    source: str, derived: str, kind: str, direction: str = "source->derived", score: float = 0.5
) -> Any:
    from provenance.models import Relation

    return Relation(
        source=source,
        derived=derived,
        kind=kind,  # type: ignore[arg-type]
        direction=direction,  # type: ignore[arg-type]
        confidence=0.9,
        score=score,
        coverage_source=0.5,
        coverage_derived=0.5,
        passages=(),
    )


def _result(docs: list[str], relations: list[Any]) -> Any:
    """A result as an engine without a ``derived_from`` list gives it (a ``TraceResult`` may
    now carry one: the fallback is what these fakes test)."""
    return SimpleNamespace(
        documents=tuple(_doc(d) for d in docs),
        relations=tuple(relations),
        clusters=(),
        skipped=(),
    )


PA_A1, PA_A2, PA_B1 = "PA/a/a1.txt", "PA/a/a2.txt", "PA/b/b1.txt"
SUN, MIRROR = "newspapers/a/a9_sun.txt", "newspapers/a/a8_mirror.txt"
DAY = [PA_A1, PA_A2, PA_B1, MIRROR, SUN]


def _item(doc: str = SUN, gold: str = "wholly", half: str = "A") -> Any:
    return dc.Item(doc, doc, gold, (PA_A1, PA_A2, PA_B1), (PA_A1, PA_A2), half)


def test_label_mapping() -> None:
    assert [dc.label_of(_rel("x", "y", k)) for k in dc.KIND_SEVERITY] == [
        "non",
        "partially",
        "wholly",
        "wholly",
        "wholly",
    ]
    assert dc.label_of(None) == "non"


def test_strongest_ranks_kind_before_score() -> None:
    weak_rewrite = _rel("x", "y", "rewrite", score=0.2)
    strong_partial = _rel("x", "z", "partial", score=0.99)
    assert dc.strongest([strong_partial, weak_rewrite]) is weak_rewrite
    better = _rel("x", "w", "partial", score=0.995)
    assert dc.strongest([strong_partial, better]) is better
    assert dc.strongest([_rel("x", "q", "quotes", score=1.0), strong_partial]) is strong_partial
    assert dc.strongest([]) is None


def test_judge_takes_the_strongest_relation_with_any_source_in_either_direction() -> None:
    result = _result(
        DAY,
        [
            _rel(PA_A1, SUN, "partial", score=0.9),
            _rel(SUN, PA_B1, "rewrite", score=0.4),  # reversed, other catchline, but severer
            _rel(PA_A2, SUN, "quotes", score=1.0),
            _rel(SUN, MIRROR, "duplicate", score=1.0),  # a sibling: not a source
        ],
    )
    out = dc.judge(dc.index_result(result), _item())
    assert out.predicted == "wholly"
    assert not out.oriented  # the strongest relation runs from the paper to another story's PA
    assert out.named == PA_A1  # the directed relation into the paper
    assert out.directions == ("correct",)  # its non-quotes relations with its own PA files


def test_judge_oriented_and_reversed() -> None:
    result = _result(DAY, [_rel(PA_A2, SUN, "rewrite"), _rel(MIRROR, PA_A1, "partial")])
    traced = dc.index_result(result)
    sun = dc.judge(traced, _item())
    assert (sun.predicted, sun.oriented, sun.named, sun.directions) == (
        "wholly",
        True,
        PA_A2,
        ("correct",),
    )
    mirror = dc.judge(traced, _item(MIRROR, "partially"))
    assert (mirror.predicted, mirror.oriented, mirror.directions) == (
        "partially",
        False,
        ("reversed",),
    )
    assert mirror.named == PA_A1  # nothing directed into it: the other side of its strongest
    assert mirror.named_directed is None and sun.named_directed == PA_A2
    elsewhere = dc.judge(dc.index_result(_result(DAY, [_rel(PA_B1, SUN, "rewrite")])), _item())
    assert (elsewhere.predicted, elsewhere.oriented) == ("wholly", False)  # not its own PA
    none = dc.judge(dc.index_result(_result(DAY, [])), _item())
    assert (none.predicted, none.named, none.directions) == ("non", None, ())


def test_named_sources_prefers_the_engines_list() -> None:
    relations = [_rel(PA_A1, SUN, "partial", score=0.3), _rel(PA_A2, SUN, "rewrite", score=0.8)]
    plain = _result(DAY, relations)
    assert dc.named_sources(plain, SUN) == [PA_A2, PA_A1]  # directed into it, by score
    listed = SimpleNamespace(
        documents=plain.documents, relations=plain.relations, derived_from={SUN: [PA_B1]}
    )
    assert dc.named_sources(listed, SUN) == [PA_B1]
    assert dc.named_sources(listed, MIRROR) == []
    docs = [SimpleNamespace(id=d, derived_from=(PA_A1,) if d == SUN else ()) for d in DAY]
    fielded = SimpleNamespace(documents=docs, relations=plain.relations)
    assert dc.named_sources(fielded, SUN) == [PA_A1]
    from dataclasses import fields

    from provenance.models import TraceResult

    if "derived_from" in {f.name for f in fields(TraceResult)}:  # the engine names sources
        real = TraceResult(
            documents=plain.documents,
            relations=plain.relations,
            clusters=(),
            derived_from={SUN: (PA_A1, PA_B1)},  # type: ignore[call-arg]
        )
        assert dc.named_sources(real, SUN) == [PA_A1, PA_B1]
        assert dc.named_sources(real, MIRROR) == []
    undirected = _result(DAY, [_rel(PA_A1, SUN, "partial", "common-source", 0.9)])
    assert dc.named_sources(undirected, SUN) == [PA_A1]
    assert dc.named_sources(undirected, SUN, undirected=False) == []
    assert dc.named_sources(plain, SUN, undirected=False) == [PA_A2, PA_A1]
    assert dc.named_sources(_result(DAY, [_rel(PA_A1, SUN, "quotes")]), SUN) == []


def test_label_figures_macro_f1_and_confusion() -> None:
    gold = ["non", "non", "partially", "wholly", "wholly"]
    pred = ["non", "partially", "partially", "wholly", "non"]
    f = dc.label_figures(gold, pred)
    # per-class F1 = 2 * diagonal / (row + column): non 2/4, partially 2/3, wholly 2/3
    assert f["f1_per_class"] == pytest.approx({"non": 0.5, "partially": 2 / 3, "wholly": 2 / 3})
    assert f["macro_f1"] == pytest.approx((0.5 + 2 / 3 + 2 / 3) / 3)
    assert (f["derived"]["tp"], f["derived"]["fp"], f["derived"]["fn"]) == (2, 1, 1)
    assert f["confusion"]["wholly"] == {"non": 1, "partially": 0, "wholly": 1}
    assert f["accuracy"] == pytest.approx(3 / 5)
    # the all-derived answer on METER's counts: only `partially` scores
    gold = ["non"] * 90 + ["partially"] * 223 + ["wholly"] * 157
    alld = dc.label_figures(gold, ["partially"] * len(gold))
    assert alld["macro_f1"] == pytest.approx(2 * 223 / (223 + 470) / 3)
    assert alld["derived"]["f1"] == pytest.approx(2 * 380 / (380 + 470))


def test_choose_thresholds_separates_the_classes() -> None:
    scores = [0.0, 0.05, 0.1, 0.3, 0.4, 0.8, 0.9]
    gold = ["non"] * 3 + ["partially"] * 2 + ["wholly"] * 2
    t_partial, t_wholly, best = dc.choose_thresholds(scores, gold)
    assert best == pytest.approx(1.0)
    assert 0.1 < t_partial <= 0.3 and 0.4 < t_wholly <= 0.8
    assert dc.apply_thresholds(scores, t_partial, t_wholly) == gold
    # overlapping classes: the chosen pair is at least as good as every other pair of cuts
    scores = [0.1, 0.2, 0.25, 0.3, 0.5, 0.45, 0.7, 0.6]
    gold = ["non", "partially", "non", "partially", "wholly", "partially", "wholly", "non"]
    t_partial, t_wholly, best = dc.choose_thresholds(scores, gold)
    assert t_partial < t_wholly
    got = dc.macro_f1(dc.confusion_matrix(gold, dc.apply_thresholds(scores, t_partial, t_wholly)))
    assert got[0] == pytest.approx(best)
    for lo in np.linspace(0, 1, 41):
        for hi in np.linspace(0, 1, 41):
            if hi > lo:
                cm = dc.confusion_matrix(gold, dc.apply_thresholds(scores, lo, hi))
                assert dc.macro_f1(cm)[0] <= best + 1e-12


def test_best_derived_cut_and_the_lexical_ceiling() -> None:
    # separable: the cut lies between the last non and the first derived score
    scores = [0.0, 0.1, 0.3, 0.6]
    gold = ["non", "non", "partially", "wholly"]
    cut, f1 = dc.best_derived_cut(scores, gold)
    assert 0.1 < cut <= 0.3 and f1 == pytest.approx(1.0)
    # a non above every derived text: no cut beats calling all derived (F1 6/7), and the tie
    # with the cut that drops the two lowest goes to the lower cut
    scores = [0.0, 0.2, 0.3, 0.9]
    gold = ["partially", "wholly", "partially", "non"]
    cut, f1 = dc.best_derived_cut(scores, gold)
    assert cut == 0.0 and f1 == pytest.approx(6 / 7)
    for c in np.linspace(0, 1, 101):
        called = [s >= c for s in scores]
        tp = sum(1 for k, g in zip(called, gold, strict=True) if k and g != "non")
        wrong = sum(1 for k, g in zip(called, gold, strict=True) if k != (g != "non"))
        assert (2 * tp / (2 * tp + wrong) if tp or wrong else 0.0) <= f1 + 1e-12
    items = [_item(f"d{k}", g) for k, g in enumerate(gold)]
    by_n = {2: {f"d{k}": (s, None) for k, s in enumerate(scores)}}
    by_n[1] = {f"d{k}": (1.0 - s, None) for k, s in enumerate(scores)}
    ceiling = dc.lexical_ceiling(items, by_n)
    assert list(ceiling) == [1, 2]
    assert ceiling[2]["derived_f1"] == pytest.approx(6 / 7)
    assert ceiling[2]["macro_f1"] == pytest.approx(dc.choose_thresholds(scores, gold)[2])
    assert ceiling[1]["derived_f1"] == pytest.approx(1.0)  # reversed scores separate them


def test_two_fold_labels_each_half_with_the_other_halfs_thresholds() -> None:
    # Each half is perfect with its own cuts: A's (0.1, 0.55) also label B right, but B's
    # (0.275, 0.725) miss A's partially at 0.2, which A's own cuts would catch.
    scores = [0.0, 0.2, 0.9, 0.05, 0.5, 0.95]
    gold = ["non", "partially", "wholly"] * 2
    halves = ["A"] * 3 + ["B"] * 3
    predicted, folds = dc.two_fold(scores, gold, halves)
    t_b = dc.choose_thresholds(scores[3:], gold[3:])
    assert (folds["A"]["t_partial"], folds["A"]["t_wholly"]) == pytest.approx(t_b[:2])
    assert predicted[:3] == dc.apply_thresholds(scores[:3], *t_b[:2])
    assert predicted[1] == "non"
    assert folds["B"]["t_partial"] == pytest.approx(0.1)
    assert folds["B"]["t_wholly"] == pytest.approx(0.55)
    assert predicted[3:] == gold[3:]


def test_two_halves_split_sorted_keys_by_position() -> None:
    days = [("showbiz", "07.01.00"), ("courts", "02.11.99"), ("courts", "01.03.00")]
    assert dc.two_halves(days) == {
        ("courts", "01.03.00"): "A",
        ("courts", "02.11.99"): "B",
        ("showbiz", "07.01.00"): "A",
    }
    ids = [f"{k:04}" for k in (30, 3, 13, 6, 10, 3, 40, 21)]  # unsorted, one repeated
    halves = dc.two_halves(ids)
    assert [halves[k] for k in sorted(halves)] == ["A", "B"] * 3 + ["A"]
    assert halves["0003"] == "A" and halves["0006"] == "B" and halves["0040"] == "A"


def test_word_ngram_containment() -> None:
    grams = dc.word_ngrams("The cat sat. The CAT sat!", 2)
    assert grams == {("the", "cat"), ("cat", "sat"), ("sat", "the")}
    assert dc.word_ngrams("too short", 3) == set()
    derived = dc.word_ngrams("a b c d e f", 3)  # abc bcd cde def
    source = dc.word_ngrams("x a b c d y z w", 3)  # xab abc bcd cdy dyz yzw
    assert dc.containment(derived, source) == pytest.approx(2 / 4)  # of the derived side
    assert dc.containment(source, derived) == pytest.approx(2 / 6)
    assert dc.containment(set(), source) == 0.0
    best = dc.best_containment(derived, {"s2": source, "s1": source, "s0": set()})
    assert best == (pytest.approx(0.5), "s1")  # ties: the first name in sorted order
    assert dc.best_containment(derived, {}) == (0.0, None)


def test_loss_stage_order() -> None:
    related = {"passages": 3, "related": True}
    weak = {"passages": 1, "related": False}
    empty = {"passages": 0, "related": False}
    assert dc.loss_stage("wholly", "wholly", True, True, [related]) is None
    assert dc.loss_stage("non", "wholly", False, True, [related]) is None  # not derived
    assert dc.loss_stage("wholly", "wholly", False, True, [related]) == "wrong direction"
    assert dc.loss_stage("wholly", "non", False, False, []) == "not a candidate"
    assert dc.loss_stage("partially", "non", False, True, [empty]) == "candidate, no relation"
    assert dc.loss_stage("partially", "non", False, True, [empty, weak]) == "too weak"
    assert dc.loss_stage("wholly", "partially", True, True, [weak, related]) == "wrong kind"


def test_loss_table_on_a_hand_built_day() -> None:
    story = "The court heard that the defendant had taken the money from the till. " * 6
    texts = {PA_A1: story, PA_A2: "Unrelated wire copy about the weather today. " * 6}
    texts |= {PA_B1: "Another story entirely, about a ship in port. " * 6}
    texts |= {SUN: story, MIRROR: "The mirror wrote its own piece about the weather. " * 6}
    docs = [_doc(d, texts[d]) for d in DAY]
    result = _result(DAY, [_rel(PA_A2, MIRROR, "partial")])
    candidates = [frozenset((PA_A1, SUN)), frozenset((PA_A2, MIRROR))]
    traced = dc.index_result(result, candidates=candidates, documents=docs)
    outcomes = [
        dc.judge(traced, _item(SUN, "wholly")),  # candidate, aligned, related: yet no relation
        dc.judge(traced, _item(MIRROR, "partially")),  # right label, right direction
        dc.judge(traced, _item(PA_B1, "partially")),  # (as if an article) never a candidate
    ]
    table, stage_of = dc.loss_table([(traced, outcomes)], None)
    assert stage_of == {SUN: "wrong kind", PA_B1: "not a candidate"}
    assert table["rows"]["right"] == {"wholly": 0, "partially": 1, "all": 1}
    assert table["rows"]["wrong kind"]["wholly"] == 1
    assert table["wrong_kind_called_non"] == 1
    assert table["derived"] == 3


def test_score_three_class_puts_tool_and_baselines_side_by_side() -> None:
    result = _result(DAY, [_rel(PA_A1, SUN, "rewrite"), _rel(PA_B1, MIRROR, "partial")])
    traced = dc.index_result(result, candidates=[frozenset((PA_A1, SUN))])
    items = [_item(SUN, "wholly", "A"), _item(MIRROR, "non", "B")]
    baseline = {SUN: (0.9, PA_A1), MIRROR: (0.1, PA_B1)}
    f = dc.score_three_class([(traced, items)], baseline, 5, None)
    assert f["tool"]["confusion"]["wholly"]["wholly"] == 1
    assert f["tool"]["confusion"]["non"]["partially"] == 1
    assert f["tool"]["attribution"] == {"scored": 1, "right": 1, "share": 1.0}
    assert f["tool"]["direction"]["correct"] == 1
    assert f["all_derived"]["derived"]["precision"] == pytest.approx(0.5)
    assert f["halves"]["A"]["n"] == f["halves"]["B"]["n"] == 1
    assert f["loss"]["rows"]["right"]["all"] == 1
    assert f["loss"]["relations_outside_candidates"] == 1  # PA_B1-MIRROR was no candidate
    assert f["mistakes"]["by_cell"] == {"non->partially": 1}
    # B's cuts (0.1, 0.1 + 1e-6: B has one non at 0.1) call SUN wholly, from its own PA file
    assert f["baseline"]["attribution"] == {"scored": 1, "right": 1, "share": 1.0}
    assert f["lexical_ceiling"][5]["derived_f1"] == pytest.approx(1.0)  # 0.9 vs 0.1 separate


def test_counter_text_and_false_links(tmp_path: Path) -> None:
    path = tmp_path / "0001p.xml"
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<COUNTER_document classification="WD">'
        "<headline> سرخی </headline>\n<body>پہلا جملہ۔\nدوسرا جملہ۔</body></COUNTER_document>",
        encoding="utf-8",
    )
    assert dc.counter_text(path) == "سرخی\n\nپہلا جملہ۔\nدوسرا جملہ۔\n"
    names = ["0001.txt", "0001p.txt", "0002.txt", "0002p.txt"]
    result = _result(
        names,
        [
            _rel("0001.txt", "0001p.txt", "rewrite"),
            _rel("0001.txt", "0002p.txt", "partial"),
            _rel("0002.txt", "0001p.txt", "quotes"),
        ],
    )
    links = dc.counter_links(dc.index_result(result))
    assert links == {"by_kind": {"partial": 1, "quotes": 1}, "non_quotes": 1, "quotes": 1}


# --- Clough & Stevenson ------------------------------------------------------------------------


@pytest.mark.corpora
def test_cs_reads_every_document(cs: dict[str, Any]) -> None:
    assert cs["documents"] == 100
    assert cs["skipped"] == []


@pytest.mark.corpora
def test_cs_derived_answers_are_found(cs: dict[str, Any]) -> None:
    assert cs["strict"]["f1"] >= CS_STRICT_F1, cs["strict"]
    assert cs["loose"]["f1"] >= CS_LOOSE_F1, cs["loose"]
    assert cs["loose"]["precision"] >= CS_LOOSE_PRECISION, cs["false_alarms"]


@pytest.mark.corpora
def test_cs_pair_level_evidence(cs: dict[str, Any]) -> None:
    pairs = cs["pairs"]
    assert pairs["f1"] >= CS_PAIR_F1, pairs
    means = pairs["mean_score"]
    # cut answers drawn from parts of the article missing from the source text score 0
    # and pull the cut mean under light: only the order below is asserted.
    assert means["non"] < means["heavy"] < means["light"], means
    assert means["heavy"] < means["cut"], means


@pytest.mark.corpora
def test_cs_attribution_and_direction(cs: dict[str, Any]) -> None:
    assert cs["attribution"]["wrong_orig"] == 0, cs["attribution"]
    assert cs["attribution"]["share"] == 1.0, cs["attribution"]
    assert cs["direction"]["derived"]["accuracy"] >= CS_DIRECTION, cs["direction"]


@pytest.mark.corpora
def test_cs_answers_are_not_derived_from_each_other(cs: dict[str, Any]) -> None:
    pairs = cs["answer_pairs"]
    assert pairs["source->derived"] <= CS_MAX_ANSWER_CLAIMS, pairs["by_kind"]
    assert not any(k.endswith("cross-task") for k in pairs["by_kind"]), pairs["by_kind"]


# --- MRPC ----------------------------------------------------------------------------------------


@pytest.mark.corpora
def test_mrpc_parsed_exactly(mrpc: dict[str, Any]) -> None:
    assert (mrpc["train_pairs"], mrpc["train_paraphrases"]) == (4076, 2753)
    assert (mrpc["test_pairs"], mrpc["test_paraphrases"]) == (1725, 1147)
    assert mrpc["baseline_test_accuracy"] == pytest.approx(0.665, abs=0.001)


@pytest.mark.corpora
def test_mrpc_accuracy(mrpc: dict[str, Any]) -> None:
    assert mrpc["train_accuracy"] >= MRPC_TRAIN_ACCURACY, mrpc
    assert mrpc["test_accuracy"] >= MRPC_TEST_ACCURACY, mrpc
    assert mrpc["test"]["f1"] >= MRPC_TEST_F1, mrpc


# --- METER ---------------------------------------------------------------------------------------


@pytest.mark.corpora
def test_meter_reads_every_day(meter: dict[str, Any]) -> None:
    assert meter["units"] == 18
    assert meter["labels"] == {"non": 90, "partially": 223, "wholly": 157}
    assert meter["loss"]["derived"] == 380
    # the candidate pairs reproduced by the benchmark are the pipeline's
    assert meter["loss"]["relations_outside_candidates"] == 0
    # the baseline does not depend on the engine: these pin the scoring code
    assert meter["baseline"]["macro_f1"] == pytest.approx(0.5335, abs=0.001)
    assert meter["all_derived"]["derived"]["f1"] == pytest.approx(0.894, abs=0.001)


@pytest.mark.corpora
def test_meter_accuracy(meter: dict[str, Any]) -> None:
    tool = meter["tool"]
    assert tool["derived"]["f1"] >= METER_DERIVED_F1, tool["derived"]
    assert tool["macro_f1"] >= METER_MACRO_F1, tool["confusion"]
    assert tool["attribution"]["share"] >= METER_ATTRIBUTION, tool["attribution"]
    directed = tool["attribution_directed"]
    assert directed["share"] >= METER_ATTRIBUTION_DIRECTED, directed
    assert tool["direction"]["share"] >= METER_DIRECTION, tool["direction"]
    assert meter["links"]["source->derived"] <= METER_MAX_SIBLING_CLAIMS, meter["links"]


# --- COUNTER -------------------------------------------------------------------------------------


@pytest.mark.corpora
def test_counter_reads_every_text(counter: dict[str, Any]) -> None:
    assert counter["documents"] == 400
    assert counter["skipped"] == []
    assert counter["labels"] == {"non": 59, "partially": 96, "wholly": 45}
    assert counter["loss"]["relations_outside_candidates"] == 0
    assert counter["baseline"]["macro_f1"] == pytest.approx(0.6893, abs=0.001)
    assert counter["all_derived"]["derived"]["f1"] == pytest.approx(0.827, abs=0.001)


@pytest.mark.corpora
def test_counter_accuracy(counter: dict[str, Any]) -> None:
    tool = counter["tool"]
    assert tool["derived"]["f1"] >= COUNTER_DERIVED_F1, tool["derived"]
    assert tool["macro_f1"] >= COUNTER_MACRO_F1, tool["confusion"]
    assert tool["attribution"]["share"] >= COUNTER_ATTRIBUTION, tool["attribution"]
    directed = tool["attribution_directed"]
    assert directed["share"] >= COUNTER_ATTRIBUTION_DIRECTED, directed
    assert tool["direction"]["share"] >= COUNTER_DIRECTION, tool["direction"]
    assert counter["false_links"]["non_quotes"] <= COUNTER_MAX_FALSE_LINKS, counter["false_links"]
