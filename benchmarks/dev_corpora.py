"""Accuracy of the engine on the labelled development corpora.

    python benchmarks/dev_corpora.py [--corpora PATH] [--json OUT]
                                     [--only cs|mrpc|meter|counter] [--set NAME=VALUE ...]

* **Clough & Stevenson (2011)**, short answers written from a Wikipedia source (cut, light
  and heavy revision) or without it (non): ``provenance.trace`` over the whole folder with
  default settings (or ``--set`` overrides), scored on whether each answer is called derived
  from its source, the direction, the answer-to-answer relations and how the score ranks the
  categories.
* **MRPC** (Dolan & Brockett 2005): ``sentence_similarity`` on every sentence pair, the
  accuracy-maximising threshold chosen on train only, accuracy and F1 reported on test.
* **METER** (Gaizauskas et al. 2001), PA wire copy and the papers' stories: each day folder
  traced on its own; each article's wholly / partially / non label read from its strongest
  relation with any PA file of the day, with attribution, direction, siblings and a loss
  table by pipeline stage, beside a word 5-gram containment baseline (thresholds chosen
  2-fold) and the all-derived answer.
* **COUNTER** (Sharjeel et al. 2017), Urdu agency and newspaper stories: all 400 texts
  traced together, each pair's label read from the relation between its two texts; the same
  figures, with a word 3-gram baseline and the links between texts of different pairs.

``--set`` overrides apply to every trace (C&S, METER, COUNTER).

The corpora are not part of the project: their path comes from ``--corpora``, else the
``PROVENANCE_CORPORA`` environment variable, else ``../shared/corpora`` from the repository
root. When they are absent the script says so and exits 0. See ``benchmarks/README.md`` for
what each figure means and the figures last measured.
"""

from __future__ import annotations

import argparse
import csv
import itertools
import json
import os
import platform
import re
import shutil
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
# Run from a checkout without `pip install -e .`, unless PYTHONPATH names another copy of the
# engine (``PYTHONPATH=/elsewhere/src python benchmarks/dev_corpora.py`` scores that one).
if str(ROOT / "src") not in sys.path and not any(
    (Path(entry) / "provenance").is_dir()
    for entry in os.environ.get("PYTHONPATH", "").split(os.pathsep)
    if entry
):
    sys.path.insert(0, str(ROOT / "src"))

CS_DIR = "clough_stevenson_2011"
CS_TEXTS = "corpus-20090418"
CS_LABELS = "derived/file_list.csv"
MRPC_DIR = "mrpc"
MRPC_TRAIN = "msr_paraphrase_train.txt"
MRPC_TEST = "msr_paraphrase_test.txt"
MRPC_HEADER = ["Quality", "#1 ID", "#2 ID", "#1 String", "#2 String"]
CATEGORIES = ("cut", "light", "heavy", "non")  # most to least reuse
DERIVED = frozenset({"cut", "light", "heavy"})


def corpora_root(explicit: str | os.PathLike[str] | None = None) -> Path:
    """Where the corpora are: the argument, ``PROVENANCE_CORPORA``, or ``../shared/corpora``."""
    if explicit:
        return Path(explicit)
    env = os.environ.get("PROVENANCE_CORPORA")
    if env:
        return Path(env)
    return (ROOT / ".." / "shared" / "corpora").resolve()


def cs_available(root: Path) -> bool:
    base = root / CS_DIR
    return (base / CS_TEXTS).is_dir() and (base / CS_LABELS).is_file()


def mrpc_available(root: Path) -> bool:
    base = root / MRPC_DIR
    return (base / MRPC_TRAIN).is_file() and (base / MRPC_TEST).is_file()


def _ratio(num: float, den: float) -> float:
    return num / den if den else 0.0


def _prf(tp: int, fp: int, fn: int) -> dict[str, float]:
    precision = _ratio(tp, tp + fp)
    recall = _ratio(tp, tp + fn)
    f1 = _ratio(2 * precision * recall, precision + recall)
    return {"precision": precision, "recall": recall, "f1": f1, "tp": tp, "fp": fp, "fn": fn}


# --- Clough & Stevenson ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Answer:
    file: str  # e.g. g0pA_taska.txt
    task: str  # a..e
    category: str  # cut | light | heavy | non

    @property
    def orig(self) -> str:
        return f"orig_task{self.task}.txt"


def load_cs_labels(root: Path) -> list[Answer]:
    """The 95 labelled answers of ``derived/file_list.csv``."""
    path = root / CS_DIR / CS_LABELS
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    answers = [Answer(r["File"].strip(), r["Task"].strip(), r["Category"].strip()) for r in rows]
    bad = [a for a in answers if a.category not in CATEGORIES]
    if bad:
        raise ValueError(f"{path}: unknown categories {sorted({a.category for a in bad})}")
    return answers


def trace_cs(root: Path, settings: Any = None) -> Any:
    """``provenance.trace`` (default settings unless given) over a temporary copy of the C&S
    texts (the corpus folder is treated as read-only)."""
    import provenance

    with tempfile.TemporaryDirectory(prefix="provenance-cs-") as tmp:
        folder = Path(tmp) / CS_TEXTS
        shutil.copytree(root / CS_DIR / CS_TEXTS, folder)
        return provenance.trace([folder], settings)


def score_cs(result: Any, answers: Sequence[Answer]) -> dict[str, Any]:
    """Every Clough & Stevenson figure from one ``TraceResult`` (see the README)."""
    name_of = {doc.id: Path(doc.path).name for doc in result.documents}
    labels = {a.file: a for a in answers}
    origs = {a.orig for a in answers}
    skipped = [s.path for s in result.skipped]

    # Relations keyed by the unordered pair of file names (at most one per pair).
    rel_of: dict[frozenset[str], Any] = {}
    for rel in result.relations:
        rel_of[frozenset((name_of[rel.source], name_of[rel.derived]))] = rel

    def orig_relation(a: Answer, orig: str | None = None) -> Any:
        return rel_of.get(frozenset((orig or a.orig, a.file)))

    def called_derived(a: Answer) -> bool:
        rel = orig_relation(a)
        return bool(
            rel is not None
            and rel.kind != "quotes"
            and rel.direction == "source->derived"
            and name_of[rel.source] == a.orig
        )

    def related(a: Answer, orig: str | None = None) -> bool:
        rel = orig_relation(a, orig)
        return rel is not None and rel.kind != "quotes"

    figures: dict[str, Any] = {"documents": len(result.documents), "skipped": skipped}
    for name, test in (("strict", called_derived), ("loose", related)):
        tp = sum(1 for a in answers if a.category in DERIVED and test(a))
        fp = sum(1 for a in answers if a.category == "non" and test(a))
        fn = sum(1 for a in answers if a.category in DERIVED and not test(a))
        figures[name] = _prf(tp, fp, fn)

    # Attribution: derived answers related to some source text, linked to the right one?
    derived = [a for a in answers if a.category in DERIVED]
    found = [a for a in derived if any(related(a, o) for o in origs)]
    right = [a for a in found if related(a)]
    wrong = [a for a in found if any(related(a, o) for o in origs - {a.orig})]
    figures["attribution"] = {
        "derived": len(derived),
        "found": len(found),
        "right_orig": len(right),
        "wrong_orig": len(wrong),
        "share": _ratio(len(right), len(found)),
    }

    # Direction of every detected (non-quotes) orig-answer relation.
    def direction_counts(group: Sequence[Answer]) -> dict[str, Any]:
        counts: Counter[str] = Counter()
        for a in group:
            rel = orig_relation(a)
            if rel is None or rel.kind == "quotes":
                continue
            if rel.direction == "source->derived":
                counts["correct" if name_of[rel.source] == a.orig else "reversed"] += 1
            else:
                counts[rel.direction] += 1
        detected = sum(counts.values())
        return {"detected": detected, **counts, "accuracy": _ratio(counts["correct"], detected)}

    figures["direction"] = {
        "derived": direction_counts(derived),
        "all": direction_counts(answers),
    }

    # Answer-to-answer relations: siblings at most, never derived from each other.
    a2a: Counter[str] = Counter()
    a2a_claims: list[str] = []
    for rel in result.relations:
        s, d = name_of[rel.source], name_of[rel.derived]
        if s not in labels or d not in labels or rel.kind == "quotes":
            continue
        same = "same-task" if labels[s].task == labels[d].task else "cross-task"
        a2a[f"{rel.direction} {same}"] += 1
        if rel.direction == "source->derived":
            a2a_claims.append(f"{s}->{d} ({labels[s].category}->{labels[d].category})")
    figures["answer_pairs"] = {
        "source->derived": sum(v for k, v in a2a.items() if k.startswith("source->derived")),
        "common-source": sum(v for k, v in a2a.items() if k.startswith("common-source")),
        "undetermined": sum(v for k, v in a2a.items() if k.startswith("undetermined")),
        "by_kind": dict(sorted(a2a.items())),
        "claims": sorted(a2a_claims),
    }

    # Per category: how many related to their source, the mean score, the kinds.
    per: dict[str, Any] = {}
    for cat in CATEGORIES:
        group = [a for a in answers if a.category == cat]
        scores = []
        kinds: Counter[str] = Counter()
        for a in group:
            rel = orig_relation(a)
            scores.append(rel.score if rel is not None else 0.0)
            kinds[rel.kind if rel is not None else "none"] += 1
        per[cat] = {
            "n": len(group),
            "related": sum(1 for a in group if related(a)),
            "called_derived": sum(1 for a in group if called_derived(a)),
            "mean_score": float(np.mean(scores)) if scores else 0.0,
            "kinds": dict(sorted(kinds.items())),
        }
    means = [per[c]["mean_score"] for c in reversed(CATEGORIES)]  # non, heavy, light, cut
    figures["categories"] = per
    figures["ranked"] = all(x < y for x, y in itertools.pairwise(means))

    # The mistakes, for reading.
    figures["missed"] = sorted(
        f"{a.file} ({a.category}): {_describe(orig_relation(a), name_of)}"
        for a in derived
        if not called_derived(a)
    )
    figures["false_alarms"] = sorted(
        f"{a.file} (non): {_describe(orig_relation(a), name_of)}"
        for a in answers
        if a.category == "non" and related(a)
    )
    return figures


def score_cs_pairs(result: Any, answers: Sequence[Answer], settings: Any = None) -> dict[str, Any]:
    """Each answer aligned with its own source only (align + classify, no candidates, no
    graph): whether the pair's evidence is ``related`` and its score. This isolates what
    the passage alignment and the sentence similarity see from what the graph decides."""
    from provenance import align, classify, text
    from provenance.config import Settings

    settings = settings or Settings()
    by_name = {Path(doc.path).name: doc for doc in result.documents}
    cache: dict[str, tuple[Any, Any]] = {}

    def prepared(name: str) -> tuple[Any, Any]:
        if name not in cache:
            analysis = text.analyse(by_name[name].text)
            cache[name] = (analysis, align.prepare(analysis))
        return cache[name]

    related: dict[str, bool] = {}
    score: dict[str, float] = {}
    for a in answers:
        (xa, xp), (ya, yp) = prepared(a.orig), prepared(a.file)
        alignment = align.alignment(0, 1, xp, yp, settings)
        ev = classify.evidence(alignment, xa, ya, settings)
        related[a.file], score[a.file] = ev.related, ev.score
    tp = sum(1 for a in answers if a.category in DERIVED and related[a.file])
    fp = sum(1 for a in answers if a.category == "non" and related[a.file])
    fn = sum(1 for a in answers if a.category in DERIVED and not related[a.file])
    means = {
        cat: float(np.mean([score[a.file] for a in answers if a.category == cat]))
        for cat in CATEGORIES
    }
    ordered = [means[c] for c in reversed(CATEGORIES)]
    return {
        **_prf(tp, fp, fn),
        "mean_score": means,
        "ranked": all(x < y for x, y in itertools.pairwise(ordered)),
        "missed": sorted(
            f"{a.file} ({a.category}) score={score[a.file]:.2f}"
            for a in answers
            if a.category in DERIVED and not related[a.file]
        ),
        "false_alarms": sorted(
            f"{a.file} (non) score={score[a.file]:.2f}"
            for a in answers
            if a.category == "non" and related[a.file]
        ),
    }


def _describe(rel: Any, name_of: dict[str, str]) -> str:
    if rel is None:
        return "no relation with its source"
    return (
        f"{rel.kind} {rel.direction} {name_of[rel.source]}->{name_of[rel.derived]}"
        f" score={rel.score:.2f} cov={rel.coverage_source:.2f}/{rel.coverage_derived:.2f}"
    )


# --- MRPC ------------------------------------------------------------------------------------


def load_mrpc(path: Path) -> list[tuple[int, str, str]]:
    """``(label, sentence1, sentence2)`` rows of an MRPC TSV: UTF-8 with a BOM, CRLF line
    ends, tab-separated, exactly five fields (the strings contain ``"``, so no CSV quoting)."""
    text = path.read_bytes().decode("utf-8-sig")
    lines = text.split("\r\n")
    if lines[0].split("\t") != MRPC_HEADER:
        raise ValueError(f"{path}: unexpected header {lines[0]!r}")
    rows: list[tuple[int, str, str]] = []
    for number, line in enumerate(lines[1:], start=2):
        if not line:
            continue
        fields = line.split("\t")
        if len(fields) != len(MRPC_HEADER) or fields[0] not in {"0", "1"}:
            raise ValueError(f"{path}:{number}: expected 5 tab-separated fields, got {line!r}")
        rows.append((int(fields[0]), fields[3], fields[4]))
    return rows


def mrpc_scores(rows: Sequence[tuple[int, str, str]]) -> np.ndarray:
    """``sentence_similarity`` of every pair (through ``similarity_matrix``, one pair a call)."""
    from provenance.similarity import features_of_text, similarity_matrix

    out = np.empty(len(rows), dtype=np.float64)
    for k, (_, s1, s2) in enumerate(rows):
        out[k] = similarity_matrix([features_of_text(s1)], [features_of_text(s2)])[0, 0]
    return out


def best_threshold(scores: np.ndarray, labels: np.ndarray) -> tuple[float, float]:
    """The threshold (predict paraphrase when ``score >= t``) with the best accuracy, and that
    accuracy. Ties go to the lowest threshold; the threshold is the midpoint between the
    lowest score called paraphrase and the highest below it, so it is not tied to one pair."""
    order = np.argsort(-scores, kind="stable")
    s, y = scores[order], labels[order]
    # Calling the top k pairs paraphrases: accuracy = (tp_k + negatives not in top k) / n.
    tp = np.concatenate([[0], np.cumsum(y)])
    fp = np.concatenate([[0], np.cumsum(1 - y)])
    correct = tp + (len(y) - y.sum()) - fp
    # Only cut between distinct scores.
    valid = np.concatenate([[True], s[:-1] != s[1:], [True]])
    correct = np.where(valid, correct, -1)
    k = int(np.argmax(correct[::-1]))
    k = len(correct) - 1 - k  # the largest k (lowest threshold) among the best
    if k == 0:
        threshold = float(s[0]) + 1e-6
    elif k == len(s):
        threshold = float(s[-1])
    else:
        threshold = float((s[k - 1] + s[k]) / 2)
    return threshold, float(correct[k] / len(y))


def score_mrpc(root: Path) -> dict[str, Any]:
    base = root / MRPC_DIR
    train = load_mrpc(base / MRPC_TRAIN)
    test = load_mrpc(base / MRPC_TEST)
    start = time.perf_counter()
    s_train, s_test = mrpc_scores(train), mrpc_scores(test)
    seconds = time.perf_counter() - start
    y_train = np.array([r[0] for r in train])
    y_test = np.array([r[0] for r in test])
    threshold, train_acc = best_threshold(s_train, y_train)
    predicted = s_test >= threshold
    tp = int((predicted & (y_test == 1)).sum())
    fp = int((predicted & (y_test == 0)).sum())
    fn = int((~predicted & (y_test == 1)).sum())
    return {
        "train_pairs": len(train),
        "train_paraphrases": int(y_train.sum()),
        "test_pairs": len(test),
        "test_paraphrases": int(y_test.sum()),
        "threshold": threshold,
        "train_accuracy": train_acc,
        "test_accuracy": float((predicted == (y_test == 1)).mean()),
        "test": _prf(tp, fp, fn),
        "baseline_test_accuracy": float(y_test.mean()),
        "score_quantiles_train": {
            str(q): float(np.quantile(s_train, q)) for q in (0.05, 0.25, 0.5, 0.75, 0.95)
        },
        "seconds": seconds,
    }


# --- METER and COUNTER: three-class reuse labels ---------------------------------------------

METER_DIR = "meter_dev"
METER_LABELS = "labels.csv"
METER_LABEL = {"wholly_derived": "wholly", "partially_derived": "partially", "non_derived": "non"}
METER_GRAM = 5  # the baseline's word n-gram
COUNTER_DIR = "counter_dev"
COUNTER_PAIRS = "pairs.csv"
COUNTER_LABEL = {"WD": "wholly", "PD": "partially", "ND": "non"}
COUNTER_GRAM = 3
CEILING_GRAMS = (1, 2, 3, 5)  # the word n-grams of the lexical ceiling

THREE = ("non", "partially", "wholly")  # least to most reuse: the index is the degree
KIND_SEVERITY = {"quotes": 0, "partial": 1, "rewrite": 2, "near-duplicate": 3, "duplicate": 4}
KIND_LABEL = {
    "duplicate": "wholly",
    "near-duplicate": "wholly",
    "rewrite": "wholly",
    "partial": "partially",
    "quotes": "non",
}
LOSS_STAGES = (
    "not a candidate",
    "candidate, no relation",
    "too weak",
    "wrong kind",
    "wrong direction",
)
HALVES = ("A", "B")

_K = TypeVar("_K", str, tuple[str, str])


def two_halves(keys: Iterable[_K]) -> dict[_K, str]:
    """THE split, used for every fold and half: the sorted distinct keys (METER day folders
    ``(domain, day)``, COUNTER pair ids), even positions in half A, odd ones in half B."""
    return {key: HALVES[n % 2] for n, key in enumerate(sorted(set(keys)))}


def label_of(rel: Any | None) -> str:
    """The three-class label a relation implies (no relation: ``non``)."""
    return "non" if rel is None else KIND_LABEL[rel.kind]


def strongest(relations: Iterable[Any]) -> Any | None:
    """The most severe relation (duplicate > near-duplicate > rewrite > partial > quotes),
    then the highest score; the first of equals."""
    return max(relations, key=lambda r: (KIND_SEVERITY[r.kind], r.score), default=None)


def _as_id(entry: Any) -> str:
    """A source as a ``derived_from`` entry may name it: an id, an object with ``id`` or
    ``source``, or a tuple whose first item is the id."""
    if isinstance(entry, str):
        return entry
    for attr in ("id", "source"):
        value = getattr(entry, attr, None)
        if isinstance(value, str):
            return value
    return str(entry[0])


def named_sources(result: Any, doc_id: str, *, undirected: bool = True) -> list[str]:
    """The sources the trace names for a document, strongest first: ``result.derived_from``
    (a mapping id -> ids) or the document's ``derived_from`` field when the engine has one;
    else the sources of the directed non-quotes relations into it, by score; else (unless
    ``undirected`` is False) the other document of its strongest non-quotes relation."""
    mapping = getattr(result, "derived_from", None)
    if isinstance(mapping, Mapping):
        return [_as_id(e) for e in mapping.get(doc_id, ())]
    for doc in result.documents:
        if doc.id == doc_id and getattr(doc, "derived_from", None) is not None:
            return [_as_id(e) for e in doc.derived_from]
    mine = [r for r in result.relations if r.kind != "quotes" and doc_id in (r.source, r.derived)]
    directed = [r for r in mine if r.direction == "source->derived" and r.derived == doc_id]
    if directed:
        return [r.source for r in sorted(directed, key=lambda r: -r.score)]
    best = strongest(mine)
    if best is None or not undirected:
        return []
    return [best.derived if best.source == doc_id else best.source]


def confusion_matrix(gold: Sequence[str], predicted: Sequence[str]) -> np.ndarray:
    """3x3 counts, rows gold and columns predicted, in ``THREE`` order."""
    index = {label: k for k, label in enumerate(THREE)}
    cm = np.zeros((3, 3), dtype=np.int64)
    for g, p in zip(gold, predicted, strict=True):
        cm[index[g], index[p]] += 1
    return cm


def macro_f1(cm: np.ndarray) -> tuple[float, list[float]]:
    """The macro-averaged F1 of a confusion matrix and each class's F1 (a class neither
    present nor predicted scores 0)."""
    den = cm.sum(axis=0) + cm.sum(axis=1)
    f1 = np.where(den > 0, 2 * np.diag(cm) / np.maximum(den, 1), 0.0)
    return float(f1.mean()), [float(x) for x in f1]


def label_figures(gold: Sequence[str], predicted: Sequence[str]) -> dict[str, Any]:
    """Derived-vs-non P/R/F1 (derived = wholly or partially), 3-class macro-F1, accuracy and
    the confusion matrix (``confusion[gold][predicted]``)."""
    cm = confusion_matrix(gold, predicted)
    macro, per = macro_f1(cm)
    pairs = list(zip(gold, predicted, strict=True))
    tp = sum(1 for g, p in pairs if g != "non" and p != "non")
    fp = sum(1 for g, p in pairs if g == "non" and p != "non")
    fn = sum(1 for g, p in pairs if g != "non" and p == "non")
    return {
        "n": len(pairs),
        "derived": _prf(tp, fp, fn),
        "macro_f1": macro,
        "f1_per_class": dict(zip(THREE, per, strict=True)),
        "accuracy": _ratio(int(np.trace(cm)), len(pairs)),
        "confusion": {
            g: {p: int(cm[i, j]) for j, p in enumerate(THREE)} for i, g in enumerate(THREE)
        },
    }


def attribution_figures(rows: Iterable[tuple[str, str, bool]]) -> dict[str, Any]:
    """From ``(gold, predicted, names the right source)`` rows: of the items labelled and
    predicted derived, how many name the right source."""
    scored = [right for gold, pred, right in rows if gold != "non" and pred != "non"]
    right = sum(scored)
    return {"scored": len(scored), "right": right, "share": _ratio(right, len(scored))}


_WORDS = re.compile(r"\w+")


def word_ngrams(text: str, n: int) -> set[tuple[str, ...]]:
    """The distinct word n-grams of ``text`` (lowercased ``\\w+`` tokens)."""
    tokens = _WORDS.findall(text.lower())
    return {tuple(tokens[k : k + n]) for k in range(len(tokens) - n + 1)}


def containment(derived: set[tuple[str, ...]], source: set[tuple[str, ...]]) -> float:
    """The share of ``derived``'s n-grams also in ``source`` (0 when it has none)."""
    return _ratio(len(derived & source), len(derived))


def best_containment(
    derived: set[tuple[str, ...]], sources: Mapping[str, set[tuple[str, ...]]]
) -> tuple[float, str | None]:
    """The highest containment of ``derived`` in any of ``sources``, and that source (the
    first name in sorted order among equals; None without sources)."""
    best, name = 0.0, None
    for candidate in sorted(sources):
        value = containment(derived, sources[candidate])
        if name is None or value > best:
            best, name = value, candidate
    return best, name


def apply_thresholds(scores: Sequence[float], t_partial: float, t_wholly: float) -> list[str]:
    """``wholly`` when ``score >= t_wholly``, ``partially`` when ``>= t_partial``, else non."""
    return [THREE[int(s >= t_partial) + int(s >= t_wholly)] for s in scores]


def choose_thresholds(scores: Sequence[float], gold: Sequence[str]) -> tuple[float, float, float]:
    """``(t_partial, t_wholly, macro-F1)``, ``t_partial < t_wholly``, maximising the macro-F1
    of ``apply_thresholds`` on these items. Cuts lie below every score, midway between
    distinct scores, or above every score; ties go to the lowest pair."""
    s = np.asarray(scores, dtype=np.float64)
    if not len(s):
        return 0.0, 1.0, 0.0
    g = np.array([THREE.index(x) for x in gold], dtype=np.int64)
    u = np.unique(s)
    cuts = np.concatenate([u[:1], (u[:-1] + u[1:]) / 2, u[-1:] + 1e-6])
    level = np.searchsorted(cuts, s, side="right")  # s >= cuts[k] exactly when k < level
    best = (-1.0, 0, 1)
    for p in range(len(cuts) - 1):
        above_p = (level > p).astype(np.int64)
        for w in range(p + 1, len(cuts)):
            cm = np.bincount(g * 3 + above_p + (level > w), minlength=9).reshape(3, 3)
            value = macro_f1(cm)[0]
            if value > best[0]:
                best = (value, p, w)
    return float(cuts[best[1]]), float(cuts[best[2]]), best[0]


def best_derived_cut(scores: Sequence[float], gold: Sequence[str]) -> tuple[float, float]:
    """``(cut, derived F1)``: the cut maximising the F1 of "derived when ``score >= cut``"
    on these items (cuts as in ``choose_thresholds``; ties go to the lowest cut, so calling
    everything derived wins a tie)."""
    s = np.asarray(scores, dtype=np.float64)
    derived = np.array([g != "non" for g in gold], dtype=bool)
    if not len(s):
        return 0.0, 0.0
    u = np.unique(s)
    cuts = np.concatenate([u[:1], (u[:-1] + u[1:]) / 2, u[-1:] + 1e-6])
    best = (-1.0, 0.0)
    for cut in cuts:
        called = s >= cut
        tp = int((called & derived).sum())
        wrong = int((called ^ derived).sum())
        f1 = _ratio(2 * tp, 2 * tp + wrong)
        if f1 > best[0]:
            best = (f1, float(cut))
    return best[1], best[0]


def lexical_ceiling(
    items: Sequence[Item], scores_by_n: Mapping[int, Mapping[str, tuple[float, str | None]]]
) -> dict[int, dict[str, float]]:
    """For each word n-gram size: the best derived F1 and 3-class macro-F1 that any
    thresholds on n-gram containment reach when fitted on these very labels (no held-out
    half: an optimistic bound on what word overlap alone can tell)."""
    gold = [it.gold for it in items]
    out: dict[int, dict[str, float]] = {}
    for n, scores in sorted(scores_by_n.items()):
        values = [scores[it.key][0] for it in items]
        cut, f1 = best_derived_cut(values, gold)
        t_partial, t_wholly, macro = choose_thresholds(values, gold)
        out[n] = {
            "derived_f1": f1,
            "derived_cut": cut,
            "macro_f1": macro,
            "t_partial": t_partial,
            "t_wholly": t_wholly,
        }
    return out


def two_fold(
    scores: Sequence[float], gold: Sequence[str], halves: Sequence[str]
) -> tuple[list[str], dict[str, Any]]:
    """Each item's label from thresholds chosen (``choose_thresholds``) on the other half;
    ``folds[half]`` says which thresholds labelled that half."""
    predicted = [""] * len(scores)
    folds: dict[str, Any] = {}
    for test in HALVES:
        train = [k for k, h in enumerate(halves) if h != test]
        held = [k for k, h in enumerate(halves) if h == test]
        t_partial, t_wholly, fit = choose_thresholds(
            [scores[k] for k in train], [gold[k] for k in train]
        )
        labels = apply_thresholds([scores[k] for k in held], t_partial, t_wholly)
        for k, label in zip(held, labels, strict=True):
            predicted[k] = label
        folds[test] = {
            "t_partial": t_partial,
            "t_wholly": t_wholly,
            "macro_f1_other_half": fit,
            "macro_f1": label_figures([gold[k] for k in held], labels)["macro_f1"],
        }
    return predicted, folds


@dataclass(frozen=True, slots=True)
class Item:
    """One labelled text on the derived side: a METER article or a COUNTER newspaper story."""

    key: str  # as the labels name it (METER: newspaper_file; COUNTER: pair_id)
    doc: str  # its name in the traced folder
    gold: str  # wholly | partially | non
    sources: tuple[str, ...]  # the names its predicted label is read against
    own: tuple[str, ...]  # the right sources among them
    half: str  # A | B (``two_halves``)


@dataclass(slots=True)
class Traced:
    """One trace by document name (path under the traced folder), with the pipeline's
    candidate pairs and documents, for the loss table."""

    result: Any
    name_of: dict[str, str]  # document id -> name
    relations: dict[frozenset[str], list[Any]]  # by the pair of names
    candidates: set[frozenset[str]]
    documents: Sequence[Any]  # as ingest read them
    seconds: float = 0.0


def index_result(
    result: Any,
    name_of: Mapping[str, str] | None = None,
    candidates: Iterable[frozenset[str]] = (),
    documents: Sequence[Any] = (),
    seconds: float = 0.0,
) -> Traced:
    """A ``Traced`` of a ``TraceResult`` (names default to the ids)."""
    names = dict(name_of) if name_of is not None else {d.id: d.id for d in result.documents}
    by_pair: dict[frozenset[str], list[Any]] = defaultdict(list)
    for rel in result.relations:
        by_pair[frozenset((names[rel.source], names[rel.derived]))].append(rel)
    return Traced(result, names, dict(by_pair), set(candidates), documents, seconds)


def _name_in(folder: Path, doc: Any) -> str:
    try:
        return Path(doc.path).relative_to(folder).as_posix()
    except ValueError:
        return str(doc.id)


def pipeline_candidates(folder: Path, settings: Any) -> tuple[list[Any], list[tuple[int, int]]]:
    """The documents of ``folder`` and the pairs the pipeline would align, through its own
    functions (``trace_documents`` up to ``plan_pairs``; local engine, no stage folder)."""
    from provenance import candidates, ingest
    from provenance.engine import common, local

    documents, _ = ingest.read_inputs([folder], settings)
    runner = local.Runner(documents, settings)
    try:
        table = local.fingerprints(documents, settings, runner, common.quiet)
    finally:
        runner.close()
    found = candidates.Found(candidates.candidate_pairs(table, settings), table.counts())
    return documents, common.plan_pairs(found, documents, settings).pairs


def trace_folder(folder: Path, settings: Any) -> Traced:
    """``provenance.trace`` of ``folder``, with the pipeline's candidate pairs beside it."""
    import provenance
    from provenance.config import Settings

    settings = settings or Settings()
    start = time.perf_counter()
    result = provenance.trace([folder], settings)
    seconds = time.perf_counter() - start
    documents, pairs = pipeline_candidates(folder, settings)
    name_of = {d.id: _name_in(folder, d) for d in (*result.documents, *documents)}
    found = [frozenset((name_of[documents[a].id], name_of[documents[b].id])) for a, b in pairs]
    return index_result(result, name_of, found, documents, seconds)


def measure_named(
    traced: Traced, pairs: Iterable[frozenset[str]], settings: Any
) -> dict[frozenset[str], dict[str, Any]]:
    """Align + evidence (``engine.common.measure_pairs``, as the trace measures a candidate pair)
    for pairs of document names: passages found, ``related`` and the evidence score."""
    from provenance.config import Settings
    from provenance.engine.common import LazyAnalyses, measure_pairs

    index = {traced.name_of[d.id]: k for k, d in enumerate(traced.documents)}
    wanted = sorted(
        (min(ks), max(ks))
        for ks in ([index[n] for n in p] for p in set(pairs) if all(n in index for n in p))
    )
    out: dict[frozenset[str], dict[str, Any]] = {}
    analyses = LazyAnalyses(traced.documents)
    for alignment, ev in measure_pairs(wanted, analyses, settings or Settings()):
        a, b = (traced.name_of[traced.documents[k].id] for k in (alignment.a, alignment.b))
        out[frozenset((a, b))] = {
            "passages": len(alignment.passages),
            "related": bool(ev.related),
            "score": float(ev.score),
        }
    return out


def _direction(rel: Any, doc: str, name_of: Mapping[str, str]) -> str:
    """``correct`` (the other document -> ``doc``), ``reversed``, or the undirected kind."""
    if rel.direction != "source->derived":
        return str(rel.direction)
    return "correct" if name_of[rel.derived] == doc else "reversed"


def _describe_named(rel: Any | None, name_of: Mapping[str, str]) -> str:
    if rel is None:
        return "no relation"
    return (
        f"{rel.kind} {rel.direction} {name_of[rel.source]}->{name_of[rel.derived]}"
        f" score={rel.score:.2f} cov={rel.coverage_source:.2f}/{rel.coverage_derived:.2f}"
    )


@dataclass(frozen=True, slots=True)
class Outcome:
    """What the trace says about one item."""

    item: Item
    predicted: str
    named: str | None  # the first source the trace names for the item's text
    named_directed: str | None  # the same, from the engine's list or directed relations only
    oriented: bool  # the strongest relation runs from one of its own sources to it
    directions: tuple[str, ...]  # of its non-quotes relations with its own sources
    reasons: tuple[str, ...]  # their ``direction_reason``s, where the engine gives them
    described: str  # the strongest relation, for reading


def judge(traced: Traced, item: Item) -> Outcome:
    """The item's predicted label (from its strongest relation with any of its sources), the
    source the trace names for it, and the directions of its relations with its own sources."""

    def pair(source: str) -> frozenset[str]:
        return frozenset((item.doc, source))

    best = strongest(r for s in item.sources for r in traced.relations.get(pair(s), ()))
    doc_id = next((i for i, n in traced.name_of.items() if n == item.doc), None)
    named, named_directed = (
        next((traced.name_of.get(i, i) for i in ids), None)
        for ids in (
            named_sources(traced.result, doc_id, undirected=undirected) if doc_id else []
            for undirected in (True, False)
        )
    )
    own = [r for s in item.own for r in traced.relations.get(pair(s), ()) if r.kind != "quotes"]
    directions = tuple(_direction(r, item.doc, traced.name_of) for r in own)
    reasons = tuple(
        f"{d}: {getattr(r, 'direction_reason', None)}"
        for d, r in zip(directions, own, strict=True)
        if getattr(r, "direction_reason", None) is not None
    )
    oriented = bool(
        best is not None
        and best.kind != "quotes"
        and best.direction == "source->derived"
        and traced.name_of[best.derived] == item.doc
        and traced.name_of[best.source] in item.own
    )
    return Outcome(
        item,
        label_of(best),
        named,
        named_directed,
        oriented,
        directions,
        reasons,
        _describe_named(best, traced.name_of),
    )


def loss_stage(
    gold: str,
    predicted: str,
    oriented: bool,
    candidate: bool,
    measured: Sequence[Mapping[str, Any]],
) -> str | None:
    """Where a derived item was lost (None when its label and direction are right):
    ``measured`` is the align + evidence of its candidate pairs with its own sources."""
    if gold == "non" or (predicted == gold and oriented):
        return None
    if predicted == gold:
        return "wrong direction"
    if not candidate:
        return "not a candidate"
    if not any(m["passages"] for m in measured):
        return "candidate, no relation"
    if not any(m["related"] for m in measured):
        return "too weak"
    return "wrong kind"


def _right(o: Outcome) -> bool:
    return o.predicted == o.item.gold and o.oriented


def loss_table(
    units: Sequence[tuple[Traced, Sequence[Outcome]]], settings: Any
) -> tuple[dict[str, Any], dict[str, str]]:
    """The loss table over the derived-labelled items (counts by stage and gold label) and
    each lost item's stage. Only lost items' own pairs are aligned again."""
    table: dict[str, Counter[str]] = {s: Counter() for s in ("right", *LOSS_STAGES)}
    stage_of: dict[str, str] = {}
    unaligned_related = 0  # lost as "not a candidate" although alignment relates them
    dropped = 0  # "wrong kind" with related evidence but no relation at all in the result
    for traced, outcomes in units:
        lost = [o for o in outcomes if o.item.gold != "non" and not _right(o)]
        pairs = {frozenset((o.item.doc, s)) for o in lost for s in o.item.own}
        measured = measure_named(traced, pairs, settings)
        for o in outcomes:
            if o.item.gold == "non":
                continue
            own = [frozenset((o.item.doc, s)) for s in o.item.own]
            candidate = [p for p in own if p in traced.candidates]
            stage = loss_stage(
                o.item.gold,
                o.predicted,
                o.oriented,
                bool(candidate),
                [measured[p] for p in candidate if p in measured],
            )
            table[stage or "right"][o.item.gold] += 1
            if stage is None:
                continue
            stage_of[o.item.key] = stage
            if stage == "not a candidate" and any(measured.get(p, {}).get("related") for p in own):
                unaligned_related += 1
            if stage == "wrong kind" and o.predicted == "non":
                dropped += 1
    rows = {
        stage: {
            "wholly": counts["wholly"],
            "partially": counts["partially"],
            "all": counts["wholly"] + counts["partially"],
        }
        for stage, counts in table.items()
    }
    return {
        "rows": rows,
        "derived": sum(r["all"] for r in rows.values()),
        "not_candidate_but_alignment_relates": unaligned_related,
        "wrong_kind_called_non": dropped,
    }, stage_of


def tool_figures(outcomes: Sequence[Outcome]) -> dict[str, Any]:
    """Label figures, attribution and direction of the trace over ``outcomes``."""
    figures = label_figures([o.item.gold for o in outcomes], [o.predicted for o in outcomes])
    figures["attribution"] = attribution_figures(
        (o.item.gold, o.predicted, o.named in o.item.own) for o in outcomes
    )
    # Comparable across engines with and without ``derived_from``: an undirected relation
    # names no source.
    figures["attribution_directed"] = attribution_figures(
        (o.item.gold, o.predicted, o.named_directed in o.item.own) for o in outcomes
    )
    counts = Counter(d for o in outcomes if o.item.gold != "non" for d in o.directions)
    detected = sum(counts.values())
    figures["direction"] = {
        "detected": detected,
        **{k: counts[k] for k in ("correct", "reversed", "undetermined", "common-source")},
        "share": _ratio(counts["correct"], detected),
        "reasons": dict(
            sorted(Counter(r for o in outcomes if o.item.gold != "non" for r in o.reasons).items())
        ),
    }
    return figures


def baseline_figures(
    items: Sequence[Item], scores: Mapping[str, tuple[float, str | None]], n: int
) -> tuple[dict[str, Any], list[str]]:
    """Word n-gram containment (``scores[item.key]``: the value and the source it is
    highest in), thresholds chosen 2-fold on ``two_halves``; and its predictions."""
    gold = [it.gold for it in items]
    predicted, folds = two_fold(
        [scores[it.key][0] for it in items], gold, [it.half for it in items]
    )
    figures = label_figures(gold, predicted)
    figures["gram"] = n
    figures["thresholds"] = folds
    many = any(len(it.sources) > 1 for it in items)
    figures["attribution"] = (
        attribution_figures(
            (it.gold, p, scores[it.key][1] in it.own)
            for it, p in zip(items, predicted, strict=True)
        )
        if many
        else None  # one candidate source per item: attribution says nothing
    )
    figures["halves"] = {
        h: label_figures(
            [it.gold for it in items if it.half == h],
            [p for it, p in zip(items, predicted, strict=True) if it.half == h],
        )
        for h in HALVES
    }
    return figures, predicted


def _mistake_lines(
    outcomes: Sequence[Outcome], stage_of: Mapping[str, str], baseline: Mapping[str, str]
) -> list[str]:
    return sorted(
        f"{o.item.gold}->{o.predicted} {o.item.key}"
        f" [{stage_of.get(o.item.key, 'false alarm' if o.item.gold == 'non' else '')}]"
        f" baseline {baseline[o.item.key]}; named {o.named}: {o.described}"
        for o in outcomes
        if o.predicted != o.item.gold or o.item.key in stage_of
    )


def score_three_class(
    units: Sequence[tuple[Traced, Sequence[Item]]],
    baseline: Mapping[str, tuple[float, str | None]],
    n: int,
    settings: Any,
    ceiling: Mapping[int, Mapping[str, tuple[float, str | None]]] | None = None,
) -> dict[str, Any]:
    """Every METER / COUNTER figure: the tool, the containment baseline and the all-derived
    answer side by side, the loss table, the halves and the mistakes."""
    judged = [(t, [judge(t, it) for it in items]) for t, items in units]
    outcomes = [o for _, outs in judged for o in outs]
    items = [o.item for o in outcomes]
    gold = [it.gold for it in items]
    figures: dict[str, Any] = {"tool": tool_figures(outcomes)}
    figures["baseline"], base_pred = baseline_figures(items, baseline, n)
    figures["all_derived"] = label_figures(gold, ["partially"] * len(gold))
    figures["lexical_ceiling"] = lexical_ceiling(items, {n: baseline, **(ceiling or {})})
    figures["halves"] = {
        h: {
            "traces": sum(1 for _, outs in judged if any(o.item.half == h for o in outs)),
            **tool_figures([o for o in outcomes if o.item.half == h]),
        }
        for h in HALVES
    }
    figures["loss"], stage_of = loss_table(judged, settings)
    # Every relation of a trace joins a candidate pair, if the reproduction is the pipeline's.
    figures["loss"]["relations_outside_candidates"] = sum(
        1 for t, _ in units for pair in t.relations if pair not in t.candidates
    )
    base_of = {it.key: p for it, p in zip(items, base_pred, strict=True)}
    lines = _mistake_lines(outcomes, stage_of, base_of)
    cells = Counter(line.split(" ", 1)[0] for line in lines)
    figures["mistakes"] = {"by_cell": dict(sorted(cells.items())), "lines": lines}
    figures["labels"] = dict(sorted(Counter(gold).items()))
    return figures


# --- METER -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Article:
    file: str  # newspapers/<domain>/<day>/<catchline>/<file>.txt
    domain: str
    day: str
    catchline: str
    newspaper: str
    label: str  # wholly | partially | non

    @property
    def name(self) -> str:
        """Its name in the traced day folder."""
        return f"newspapers/{self.catchline}/{Path(self.file).name}"


def _labelled_rows(path: Path, labels: Mapping[str, str]) -> list[dict[str, str]]:
    """The rows of a labels CSV, refusing a label that is not among ``labels``."""
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    bad = sorted({r["label"] for r in rows} - set(labels))
    if bad:
        raise ValueError(f"{path}: unknown labels {bad}")
    return rows


def meter_available(root: Path) -> bool:
    base = root / METER_DIR
    return (base / METER_LABELS).is_file() and (base / "PA").is_dir()


def load_meter_labels(root: Path) -> list[Article]:
    """The labelled newspaper articles of ``labels.csv``."""
    rows = _labelled_rows(root / METER_DIR / METER_LABELS, METER_LABEL)
    return [
        Article(
            r["newspaper_file"].strip(),
            r["domain"].strip(),
            r["day"].strip(),
            r["catchline"].strip(),
            r["newspaper"].strip(),
            METER_LABEL[r["label"].strip()],
        )
        for r in rows
    ]


def meter_pa_files(root: Path, domain: str, day: str) -> dict[str, Path]:
    """The day's PA files: name in the traced folder (``PA/<catchline>/<file>``) -> path."""
    base = root / METER_DIR / "PA" / domain / day
    return {f"PA/{p.relative_to(base).as_posix()}": p for p in sorted(base.glob("*/*.txt"))}


def trace_meter(root: Path, settings: Any = None) -> list[tuple[Traced, list[Item]]]:
    """Each day folder traced on its own: its PA and newspaper files, bytes unchanged, in one
    temporary folder as ``PA/<catchline>/`` and ``newspapers/<catchline>/``."""
    articles = load_meter_labels(root)
    days = sorted({(a.domain, a.day) for a in articles})
    half = two_halves(days)
    units = []
    for domain, day in days:
        pa = meter_pa_files(root, domain, day)
        with tempfile.TemporaryDirectory(prefix="provenance-meter-") as tmp:
            folder = Path(tmp) / f"{domain}-{day}"
            for part in ("PA", "newspapers"):
                shutil.copytree(root / METER_DIR / part / domain / day, folder / part)
            traced = trace_folder(folder, settings)
        items = [
            Item(
                a.file,
                a.name,
                a.label,
                tuple(pa),
                tuple(n for n in pa if n.split("/")[1] == a.catchline),
                half[domain, day],
            )
            for a in articles
            if (a.domain, a.day) == (domain, day)
        ]
        units.append((traced, items))
    return units


def meter_baseline(root: Path, n: int = METER_GRAM) -> dict[str, tuple[float, str | None]]:
    """Per article: the highest word n-gram containment of the article in any PA file of its
    day, and that file (raw bytes read as Latin-1)."""
    out: dict[str, tuple[float, str | None]] = {}
    articles = load_meter_labels(root)
    for domain, day in sorted({(a.domain, a.day) for a in articles}):
        pa = {
            name: word_ngrams(path.read_bytes().decode("latin-1"), n)
            for name, path in meter_pa_files(root, domain, day).items()
        }
        for a in articles:
            if (a.domain, a.day) == (domain, day):
                text = (root / METER_DIR / a.file).read_bytes().decode("latin-1")
                out[a.file] = best_containment(word_ngrams(text, n), pa)
    return out


def meter_links(units: Sequence[tuple[Traced, Sequence[Item]]]) -> dict[str, Any]:
    """Newspaper-newspaper relations: siblings of one catchline (should be common-source,
    never source->derived) and non-quotes links across catchlines (false links)."""
    same = 0
    sibling: Counter[str] = Counter()
    cross: Counter[str] = Counter()
    for traced, _ in units:
        papers = sorted(n for n in traced.name_of.values() if n.startswith("newspapers/"))
        same += sum(1 for x, y in itertools.combinations(papers, 2) if _story(x) == _story(y))
        for pair, rels in traced.relations.items():
            x, y = sorted(pair)
            for rel in rels:
                if rel.kind == "quotes":
                    continue
                if _story(x) != _story(y):
                    cross[f"{x.split('/')[0]}-{y.split('/')[0]} {rel.kind}"] += 1
                elif x.startswith("newspapers/") and y.startswith("newspapers/"):
                    sibling[rel.direction] += 1
    related = sum(sibling.values())
    return {
        "same_catchline_pairs": same,
        "related": related,
        **{d: sibling[d] for d in ("source->derived", "common-source", "undetermined")},
        "directed_share_of_related": _ratio(sibling["source->derived"], related),
        "directed_share_of_all": _ratio(sibling["source->derived"], same),
        "cross_catchline": dict(sorted(cross.items())),
        "cross_catchline_total": sum(cross.values()),
    }


def _story(name: str) -> str:
    return name.split("/")[1]


def score_meter(root: Path, settings: Any = None) -> dict[str, Any]:
    start = time.perf_counter()
    units = trace_meter(root, settings)
    traced_at = time.perf_counter()
    baseline = meter_baseline(root)
    ceiling = {n: meter_baseline(root, n) for n in CEILING_GRAMS if n != METER_GRAM}
    figures = score_three_class(units, baseline, METER_GRAM, settings, ceiling)
    figures["links"] = meter_links(units)
    figures["units"] = len(units)
    figures["documents"] = sum(len(t.result.documents) for t, _ in units)
    figures["skipped"] = [s.path for t, _ in units for s in t.result.skipped]
    figures["seconds"] = {
        "trace": sum(t.seconds for t, _ in units),
        "trace_and_candidates": traced_at - start,
        "total": time.perf_counter() - start,
    }
    return figures


# --- COUNTER -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CounterPair:
    pair_id: str
    source_file: str  # COUNTER/NNNN.xml (agency)
    derived_file: str  # COUNTER/NNNNp.xml (newspaper)
    label: str  # wholly | partially | non


def counter_available(root: Path) -> bool:
    base = root / COUNTER_DIR
    return (base / COUNTER_PAIRS).is_file() and (base / "COUNTER").is_dir()


def load_counter_pairs(root: Path) -> list[CounterPair]:
    rows = _labelled_rows(root / COUNTER_DIR / COUNTER_PAIRS, COUNTER_LABEL)
    return [
        CounterPair(
            r["pair_id"].strip(),
            r["source_file"].strip(),
            r["derived_file"].strip(),
            COUNTER_LABEL[r["label"].strip()],
        )
        for r in rows
    ]


def counter_text(path: Path) -> str:
    """A COUNTER XML file as a scraper would leave it: ``headline\\n\\nbody\\n``."""
    doc = ET.parse(path).getroot()
    headline, body = (_all_text(doc.find(tag)) for tag in ("headline", "body"))
    return f"{headline}\n\n{body}\n"


def _all_text(element: ET.Element | None) -> str:
    return "" if element is None else "".join(element.itertext()).strip()


def _txt(file: str) -> str:
    return f"{Path(file).stem}.txt"


def trace_counter(root: Path, settings: Any = None) -> tuple[Traced, list[Item]]:
    """All texts of the pairs in one temporary folder as ``NNNN.txt`` / ``NNNNp.txt``
    (headline and body, undated), traced once."""
    pairs = load_counter_pairs(root)
    half = two_halves(p.pair_id for p in pairs)
    with tempfile.TemporaryDirectory(prefix="provenance-counter-") as tmp:
        folder = Path(tmp) / "COUNTER"
        folder.mkdir()
        for p in pairs:
            for file in (p.source_file, p.derived_file):
                text = counter_text(root / COUNTER_DIR / file)
                (folder / _txt(file)).write_text(text, encoding="utf-8")
        traced = trace_folder(folder, settings)
    items = [
        Item(
            p.pair_id,
            _txt(p.derived_file),
            p.label,
            (_txt(p.source_file),),
            (_txt(p.source_file),),
            half[p.pair_id],
        )
        for p in pairs
    ]
    return traced, items


def counter_baseline(root: Path, n: int = COUNTER_GRAM) -> dict[str, tuple[float, str | None]]:
    """Per pair: word n-gram containment of the newspaper text in its agency text."""
    out: dict[str, tuple[float, str | None]] = {}
    for p in load_counter_pairs(root):
        derived = word_ngrams(counter_text(root / COUNTER_DIR / p.derived_file), n)
        source = word_ngrams(counter_text(root / COUNTER_DIR / p.source_file), n)
        out[p.pair_id] = (containment(derived, source), _txt(p.source_file))
    return out


def counter_links(traced: Traced) -> dict[str, Any]:
    """Relations between texts of different pairs (false links), by kind."""
    found: Counter[str] = Counter()
    for pair, rels in traced.relations.items():
        x, y = (name.removesuffix(".txt").removesuffix("p") for name in pair)
        if x != y:
            found.update(rel.kind for rel in rels)
    non_quotes = sum(v for k, v in found.items() if k != "quotes")
    return {
        "by_kind": dict(sorted(found.items())),
        "non_quotes": non_quotes,
        "quotes": found["quotes"],
    }


def score_counter(root: Path, settings: Any = None) -> dict[str, Any]:
    start = time.perf_counter()
    traced, items = trace_counter(root, settings)
    traced_at = time.perf_counter()
    ceiling = {n: counter_baseline(root, n) for n in CEILING_GRAMS if n != COUNTER_GRAM}
    figures = score_three_class(
        [(traced, items)], counter_baseline(root), COUNTER_GRAM, settings, ceiling
    )
    figures["false_links"] = counter_links(traced)
    figures["documents"] = len(traced.result.documents)
    figures["skipped"] = [s.path for s in traced.result.skipped]
    figures["seconds"] = {
        "trace": traced.seconds,
        "trace_and_candidates": traced_at - start,
        "total": time.perf_counter() - start,
    }
    return figures


# --- output ----------------------------------------------------------------------------------


def _pct(x: float) -> str:
    return f"{100 * x:5.1f}%"


def render_cs(f: dict[str, Any]) -> list[str]:
    out = [f"Clough & Stevenson 2011 ({f['documents']} documents, {len(f['skipped'])} skipped)"]
    out.append("  derived vs non          precision  recall      F1    tp  fp  fn")
    for name, label in (("strict", "strict (orig->answer)"), ("loose", "loose (any direction)")):
        m = f[name]
        out.append(
            f"  {label:23}  {_pct(m['precision'])}  {_pct(m['recall'])}  {_pct(m['f1'])}"
            f"  {m['tp']:3} {m['fp']:3} {m['fn']:3}"
        )
    at = f["attribution"]
    out.append(
        f"  attribution: {at['found']}/{at['derived']} derived answers related to a source;"
        f" {at['right_orig']} to the right one ({_pct(at['share'])}), {at['wrong_orig']} to a"
        " wrong one"
    )
    for group in ("derived", "all"):
        d = f["direction"][group]
        rest = ", ".join(f"{k} {v}" for k, v in d.items() if k not in {"detected", "accuracy"})
        out.append(
            f"  direction ({group} answers): {_pct(d['accuracy'])} correct of"
            f" {d['detected']} detected ({rest})"
        )
    ap = f["answer_pairs"]
    out.append(
        f"  answer-answer relations: source->derived {ap['source->derived']},"
        f" common-source {ap['common-source']}, undetermined {ap['undetermined']}"
    )
    if ap["by_kind"]:
        out.append("    " + ", ".join(f"{k}: {v}" for k, v in ap["by_kind"].items()))
    out.append("  category   n  related  called-derived  mean score  kinds")
    for cat, c in f["categories"].items():
        kinds = ", ".join(f"{k} {v}" for k, v in c["kinds"].items())
        out.append(
            f"  {cat:6} {c['n']:5} {c['related']:8} {c['called_derived']:15}"
            f" {c['mean_score']:11.3f}  {kinds}"
        )
    out.append(f"  mean score ranks non < heavy < light < cut: {'yes' if f['ranked'] else 'NO'}")
    if "pairs" in f:
        p = f["pairs"]
        means = ", ".join(f"{c} {v:.3f}" for c, v in p["mean_score"].items())
        out.append(
            f"  pair level (each answer aligned with its own source, no graph):"
            f" P {_pct(p['precision'])} R {_pct(p['recall'])} F1 {_pct(p['f1'])}"
            f" (tp {p['tp']} fp {p['fp']} fn {p['fn']})"
        )
        out.append(f"    mean score {means}; ranked: {'yes' if p['ranked'] else 'NO'}")
        out.extend(f"    missed {line}" for line in p["missed"])
        out.extend(f"    non related {line}" for line in p["false_alarms"])
    mistakes = (("missed derived answers", "missed"), ("non answers related", "false_alarms"))
    for title, key in mistakes:
        if f[key]:
            out.append(f"  {title}:")
            out.extend(f"    {line}" for line in f[key])
    if f["answer_pairs"]["claims"]:
        out.append("  answer->answer source->derived claims:")
        out.extend(f"    {line}" for line in f["answer_pairs"]["claims"])
    return out


def render_mrpc(m: dict[str, Any]) -> list[str]:
    t = m["test"]
    return [
        f"MRPC (train {m['train_pairs']} pairs, {m['train_paraphrases']} paraphrases;"
        f" test {m['test_pairs']}, {m['test_paraphrases']})",
        f"  threshold chosen on train   {m['threshold']:.4f}",
        f"  train accuracy              {_pct(m['train_accuracy'])}",
        f"  test accuracy               {_pct(m['test_accuracy'])}"
        f"   (always 'paraphrase': {_pct(m['baseline_test_accuracy'])})",
        f"  test precision/recall/F1    {_pct(t['precision'])} {_pct(t['recall'])} {_pct(t['f1'])}",
        "  train score quantiles       "
        + "  ".join(f"q{float(q):.2f}={v:.3f}" for q, v in m["score_quantiles_train"].items()),
        f"  scoring time                {m['seconds']:.1f} s for all pairs",
    ]


def _share(part: dict[str, Any] | None, right: str, total: str) -> str:
    if part is None:
        return "      -     "
    return f"{_pct(part['share'])} {part[right]:>3}/{part[total]:<3}"


def _confusion_lines(title: str, confusion: dict[str, dict[str, int]]) -> list[str]:
    rows = "  ".join(f"{g} [{' '.join(f'{confusion[g][p]:3}' for p in THREE)}]" for g in THREE)
    return [f"    {title:11} {rows}"]


def render_three_class(title: str, f: dict[str, Any], source: str) -> list[str]:
    """The side-by-side block, loss table, halves and mistakes of METER or COUNTER."""
    tool, base, alld = f["tool"], f["baseline"], f["all_derived"]
    gram = f"{base['gram']}-gram cont."
    out = [
        title,
        f"  {'':28}{'tool':>14}{gram:>16}{'all-derived':>14}",
    ]
    for key, label in (
        ("precision", "derived precision"),
        ("recall", "derived recall"),
        ("f1", "derived F1"),
    ):
        out.append(
            f"  {label:28}{_pct(tool['derived'][key]):>14}{_pct(base['derived'][key]):>16}"
            f"{_pct(alld['derived'][key]):>14}"
        )
    out.append(
        f"  {'3-class macro-F1':28}{_pct(tool['macro_f1']):>14}{_pct(base['macro_f1']):>16}"
        f"{_pct(alld['macro_f1']):>14}"
    )
    out.append(
        f"  {'accuracy (3 classes)':28}{_pct(tool['accuracy']):>14}{_pct(base['accuracy']):>16}"
        f"{_pct(alld['accuracy']):>14}"
    )
    out.append(
        f"  {'attribution (right source)':28}{_share(tool['attribution'], 'right', 'scored'):>14}"
        f"{_share(base['attribution'], 'right', 'scored'):>16}{'-':>14}"
    )
    out.append(
        f"  {'  directed names only':28}"
        f"{_share(tool['attribution_directed'], 'right', 'scored'):>14}{'-':>16}{'-':>14}"
    )
    d = tool["direction"]
    out.append(
        f"  {'direction ' + source:28}{_share(d, 'correct', 'detected'):>14}{'-':>16}{'-':>14}"
    )
    out.append(
        f"    direction of the {d['detected']} non-quotes relations of derived items with"
        f" their own sources: correct {d['correct']}, reversed {d['reversed']}, undetermined"
        f" {d['undetermined']}, common-source {d['common-source']}"
    )
    if d["reasons"]:
        out.append("    reasons: " + ", ".join(f"{k} {v}" for k, v in d["reasons"].items()))
    out.append("  confusion (rows gold, columns predicted: non partially wholly)")
    out += _confusion_lines("tool", tool["confusion"])
    out += _confusion_lines("baseline", base["confusion"])
    folds = "; ".join(
        f"half {h} labelled with t_partial={v['t_partial']:.3f} t_wholly={v['t_wholly']:.3f}"
        f" (macro-F1 {v['macro_f1_other_half']:.3f} where chosen, {v['macro_f1']:.3f} here)"
        for h, v in base["thresholds"].items()
    )
    out.append(f"  baseline thresholds, 2-fold: {folds}")
    ceiling = ", ".join(
        f"{n}-gram F1 {_pct(v['derived_f1']).strip()} macro-F1 {_pct(v['macro_f1']).strip()}"
        for n, v in sorted(f["lexical_ceiling"].items())
    )
    out.append(
        f"  lexical ceiling (n-gram containment, thresholds fitted on these very labels): {ceiling}"
    )
    loss = f["loss"]
    out.append(f"  loss table ({loss['derived']} derived-labelled)   wholly  partially   all")
    for stage, row in loss["rows"].items():
        label = "right (label and direction)" if stage == "right" else stage
        out.append(f"    {label:32}{row['wholly']:6}{row['partially']:11}{row['all']:6}")
    out.append(
        f"    (not a candidate, yet alignment relates it: "
        f"{loss['not_candidate_but_alignment_relates']}; wrong kind called non:"
        f" {loss['wrong_kind_called_non']}; relations outside the reproduced candidate pairs:"
        f" {loss['relations_outside_candidates']}, should be 0)"
    )
    out.append(
        "  halves (the fixed split)        derived F1  macro-F1  attribution  direction"
        "   baseline F1 / macro-F1"
    )
    for h in HALVES:
        t, b = f["halves"][h], base["halves"][h]
        out.append(
            f"    {h} ({t['traces']:2} traces, {t['n']:3} items)    {_pct(t['derived']['f1']):>10}"
            f"{_pct(t['macro_f1']):>10}{_pct(t['attribution']['share']):>13}"
            f"{_pct(t['direction']['share']):>11}"
            f"   {_pct(b['derived']['f1'])} / {_pct(b['macro_f1'])}"
        )
    m = f["mistakes"]
    out.append(
        "  mistakes by cell (gold->predicted): "
        + ", ".join(f"{k} {v}" for k, v in m["by_cell"].items())
    )
    out += [f"    {line}" for line in _examples(m["lines"], 15)]
    if len(m["lines"]) > 15:
        out.append(f"    ... {len(m['lines']) - 15} more in --json")
    s = f["seconds"]
    out.append(
        f"  time: trace {s['trace']:.1f} s, with the candidate reproduction"
        f" {s['trace_and_candidates']:.1f} s, all scoring {s['total']:.1f} s"
    )
    return out


def _examples(lines: Sequence[str], most: int) -> list[str]:
    """Up to ``most`` lines, taken in turn from each confusion cell (first word)."""
    cells: dict[str, list[str]] = defaultdict(list)
    for line in lines:
        cells[line.split(" ", 1)[0]].append(line)
    out: list[str] = []
    for row in itertools.zip_longest(*cells.values()):
        out.extend(line for line in row if line is not None)
    return sorted(out[:most])


def render_meter(f: dict[str, Any]) -> list[str]:
    labels = ", ".join(f"{k} {v}" for k, v in f["labels"].items())
    out = render_three_class(
        f"METER ({f['units']} day folders traced one at a time, {f['documents']} documents,"
        f" {len(f['skipped'])} skipped; {f['tool']['n']} labelled articles: {labels})",
        f,
        "(PA -> paper)",
    )
    if f["skipped"]:
        out.insert(1, "  skipped: " + ", ".join(_in_day(path) for path in f["skipped"]))
    k = f["links"]
    out.insert(
        -1,
        f"  siblings: {k['related']} of {k['same_catchline_pairs']} same-catchline newspaper"
        f" pairs related (non-quotes): source->derived {k['source->derived']}"
        f" ({_pct(k['directed_share_of_related'])} of related,"
        f" {_pct(k['directed_share_of_all'])} of all pairs), common-source {k['common-source']},"
        f" undetermined {k['undetermined']}",
    )
    cross = ", ".join(f"{kk} {v}" for kk, v in k["cross_catchline"].items()) or "none"
    out.insert(-1, f"  non-quotes links across catchlines: {k['cross_catchline_total']} ({cross})")
    return out


def _in_day(path: str) -> str:
    """A path in a temporary day folder, from the day folder on (``courts-08.12.99/PA/...``)."""
    parts = Path(path).parts
    return "/".join(parts[-4:]) if len(parts) >= 4 else path


def render_counter(f: dict[str, Any]) -> list[str]:
    labels = ", ".join(f"{k} {v}" for k, v in f["labels"].items())
    out = render_three_class(
        f"COUNTER ({f['documents']} texts traced together, {len(f['skipped'])} skipped;"
        f" {f['tool']['n']} pairs: {labels})",
        f,
        "(agency -> paper)",
    )
    fl = f["false_links"]
    kinds = ", ".join(f"{k} {v}" for k, v in fl["by_kind"].items()) or "none"
    out.insert(
        -1,
        f"  relations between texts of different pairs: {fl['non_quotes']} non-quotes,"
        f" {fl['quotes']} quotes ({kinds})",
    )
    return out


CORPORA = ("cs", "mrpc", "meter", "counter")
TRACED = ("cs", "meter", "counter")  # the corpora scored through ``provenance.trace``


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--corpora", help="folder holding the corpora (default: see README)")
    parser.add_argument("--json", metavar="OUT", help="also write every figure as JSON here")
    parser.add_argument("--only", choices=CORPORA, help="run one corpus only")
    parser.add_argument(
        "--set",
        metavar="NAME=VALUE",
        action="append",
        default=[],
        help="override one setting for every trace (C&S, METER, COUNTER),"
        " e.g. --set paraphrase_similarity=0.42",
    )
    args = parser.parse_args(argv)
    overrides = dict(item.partition("=")[::2] for item in args.set)
    if any(not name or not value for name, value in overrides.items()):
        parser.error("--set expects NAME=VALUE")

    root = corpora_root(args.corpora)
    available = {
        "cs": cs_available(root),
        "mrpc": mrpc_available(root),
        "meter": meter_available(root),
        "counter": counter_available(root),
    }
    wanted = [c for c in CORPORA if args.only in (None, c)]
    if not any(available[c] for c in wanted):
        print(f"dev corpora not found under {root}: nothing to measure (set PROVENANCE_CORPORA)")
        return 0

    import provenance

    engine = str(Path(provenance.__file__).parent)
    figures: dict[str, Any] = {
        "date": time.strftime("%Y-%m-%d"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores,"
        f" Python {platform.python_version()}",
        "corpora": str(root),
        "engine": engine,
    }
    lines: list[str] = [f"engine: {engine}"]
    settings: Any = None
    if any(available[c] for c in wanted if c in TRACED):
        from provenance.config import Settings, from_mapping
        from provenance.errors import ConfigError

        try:
            settings = from_mapping(overrides) if overrides else Settings()
        except ConfigError as exc:
            parser.error(str(exc))
        figures["settings"] = {
            "paraphrase_similarity": settings.paraphrase_similarity,
            "paraphrase_context_similarity": settings.paraphrase_context_similarity,
            **overrides,
        }
        lines.append(
            f"settings: paraphrase_similarity={settings.paraphrase_similarity}"
            f" paraphrase_context_similarity={settings.paraphrase_context_similarity}"
            + "".join(f" {k}={v}" for k, v in overrides.items() if "paraphrase" not in k)
        )
    names = {"cs": "Clough & Stevenson", "mrpc": "MRPC", "meter": "METER", "counter": "COUNTER"}
    for corpus in wanted:
        if not available[corpus]:
            lines += [f"{names[corpus]}: not found under {root}, skipped", ""]
        elif corpus == "cs":
            start = time.perf_counter()
            result = trace_cs(root, settings)
            labels = load_cs_labels(root)
            cs = score_cs(result, labels)
            cs["seconds"] = time.perf_counter() - start
            cs["pairs"] = score_cs_pairs(result, labels, settings)
            figures["clough_stevenson"] = cs
            lines += [*render_cs(cs), f"  trace time {cs['seconds']:.1f} s", ""]
        elif corpus == "mrpc":
            figures["mrpc"] = score_mrpc(root)
            lines += [*render_mrpc(figures["mrpc"]), ""]
        elif corpus == "meter":
            figures["meter"] = score_meter(root, settings)
            lines += [*render_meter(figures["meter"]), ""]
        else:
            figures["counter"] = score_counter(root, settings)
            lines += [*render_counter(figures["counter"]), ""]
    print("\n".join(lines).rstrip())
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2, sort_keys=True) + "\n", "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
