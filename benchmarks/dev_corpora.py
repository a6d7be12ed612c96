"""Accuracy of the engine on the labelled development corpora.

    python benchmarks/dev_corpora.py [--corpora PATH] [--json OUT] [--only cs|mrpc]
                                     [--set NAME=VALUE ...]

* **Clough & Stevenson (2011)**, short answers written from a Wikipedia source (cut, light
  and heavy revision) or without it (non): ``provenance.trace`` over the whole folder with
  default settings (or ``--set`` overrides), scored on whether each answer is called derived
  from its source, the direction, the answer-to-answer relations and how the score ranks the
  categories.
* **MRPC** (Dolan & Brockett 2005): ``sentence_similarity`` on every sentence pair, the
  accuracy-maximising threshold chosen on train only, accuracy and F1 reported on test.

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
import shutil
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT / "src") not in sys.path:  # run from a checkout without `pip install -e .`
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
        alignment = align.align_pair(0, 1, [xp, yp], settings)
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


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--corpora", help="folder holding the corpora (default: see README)")
    parser.add_argument("--json", metavar="OUT", help="also write every figure as JSON here")
    parser.add_argument("--only", choices=("cs", "mrpc"), help="run one corpus only")
    parser.add_argument(
        "--set",
        metavar="NAME=VALUE",
        action="append",
        default=[],
        help="override one setting for the C&S trace, e.g. --set paraphrase_similarity=0.42",
    )
    args = parser.parse_args(argv)
    overrides = dict(item.partition("=")[::2] for item in args.set)
    if any(not name or not value for name, value in overrides.items()):
        parser.error("--set expects NAME=VALUE")

    root = corpora_root(args.corpora)
    want_cs = args.only in (None, "cs")
    want_mrpc = args.only in (None, "mrpc")
    have_cs, have_mrpc = cs_available(root), mrpc_available(root)
    if not (want_cs and have_cs) and not (want_mrpc and have_mrpc):
        print(f"dev corpora not found under {root}: nothing to measure (set PROVENANCE_CORPORA)")
        return 0

    figures: dict[str, Any] = {
        "date": time.strftime("%Y-%m-%d"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores,"
        f" Python {platform.python_version()}",
        "corpora": str(root),
    }
    lines: list[str] = []
    if want_cs and have_cs:
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
        start = time.perf_counter()
        result = trace_cs(root, settings)
        labels = load_cs_labels(root)
        cs = score_cs(result, labels)
        cs["seconds"] = time.perf_counter() - start
        cs["pairs"] = score_cs_pairs(result, labels, settings)
        lines.append(
            f"settings: paraphrase_similarity={settings.paraphrase_similarity}"
            f" paraphrase_context_similarity={settings.paraphrase_context_similarity}"
            + "".join(f" {k}={v}" for k, v in overrides.items() if "paraphrase" not in k)
        )
        figures["clough_stevenson"] = cs
        lines += [*render_cs(cs), f"  trace time {cs['seconds']:.1f} s", ""]
    elif want_cs:
        lines += [f"Clough & Stevenson: not found under {root}, skipped", ""]
    if want_mrpc and have_mrpc:
        figures["mrpc"] = score_mrpc(root)
        lines += render_mrpc(figures["mrpc"])
    elif want_mrpc:
        lines.append(f"MRPC: not found under {root}, skipped")
    print("\n".join(lines))
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2, sort_keys=True) + "\n", "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
