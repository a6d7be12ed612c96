"""Golden end-to-end cases: every ``tests/cases/<name>/`` folder that holds an ``expected.json``.

Each case is a small corpus of article files plus an ``expected.json`` saying which relations a
careful human reader would draw between them, and which they would not (the format is in
``tests/cases/README.md``). For every case:

- ``test_case_is_well_formed`` checks the ``expected.json`` itself (runs without the engine);
- ``test_case`` traces the folder and checks every expectation, failing with a readable list of
  problems followed by the expected and the actual relations;
- ``test_case_independent_of_input_order`` traces the same files given one by one, shuffled and
  reversed, and requires a result identical to the folder run;
- ``test_case_spans_in_bounds`` checks that every passage span lies inside its document, is not
  empty, and that each relation is internally consistent.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import random
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest

import provenance
from provenance.config import Settings
from provenance.models import DIRECTIONS, RELATION_KINDS, Document, Relation, Span, TraceResult

CASES_ROOT = Path(__file__).parent / "cases"
CASE_NAMES = sorted(p.parent.name for p in CASES_ROOT.glob("*/expected.json"))

TOP_KEYS = {
    "description",
    "relations",
    "absent",
    "allow_quotes",
    "only_listed",
    "settings",
    "dates",
}
ENTRY_KEYS = {
    "source",
    "derived",
    "pair",
    "kind",
    "direction",
    "optional",
    "min_coverage_source",
    "min_coverage_derived",
    "min_span_coverage_derived",
    "min_passages",
    "note",
}
COVERAGE_KEYS = ("min_coverage_source", "min_coverage_derived", "min_span_coverage_derived")

PairKey = tuple[str, str]


# --- loading ----------------------------------------------------------------------------------


def case_dir(name: str) -> Path:
    return CASES_ROOT / name


@functools.cache
def load_expected(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((case_dir(name) / "expected.json").read_text("utf-8"))
    return data


def case_settings(name: str) -> Settings:
    return Settings().replace(**load_expected(name).get("settings", {}))


def article_files(name: str) -> list[str]:
    """The article files of a case, as paths relative to its folder (the document ids)."""
    root = case_dir(name)
    extensions = Settings().extensions
    return sorted(
        p.relative_to(root).as_posix()
        for p in root.rglob("*")
        if p.is_file() and p.name.lower().endswith(extensions)
    )


def pair_key(a: str, b: str) -> PairKey:
    first, second = sorted((a, b))
    return first, second


def entry_ids(entry: dict[str, Any]) -> PairKey:
    """The two documents an expected relation names, in the entry's own order."""
    if "pair" in entry:
        first, second = entry["pair"]
        return first, second
    return entry["source"], entry["derived"]


@functools.cache
def folder_result(name: str) -> TraceResult:
    return provenance.trace([str(case_dir(name))], case_settings(name))


# --- describing relations for failure messages -------------------------------------------------


def describe_entry(entry: dict[str, Any]) -> str:
    if "pair" in entry:
        a, b = entry["pair"]
        head = f"{a} ~ {b}"
    else:
        head = f"{entry['source']} -> {entry['derived']}"
    parts = [
        head,
        f"kind={'|'.join(entry['kind'])}",
        f"direction={'|'.join(entry['direction'])}",
    ]
    parts += [f"{key}={entry[key]}" for key in (*COVERAGE_KEYS, "min_passages") if key in entry]
    if entry.get("optional"):
        parts.append("(optional: may be absent)")
    return "  ".join(parts)


def describe_relation(r: Relation) -> str:
    arrow = "->" if r.direction == "source->derived" else "~"
    return (
        f"{r.source} {arrow} {r.derived}  {r.kind}  {r.direction}  "
        f"confidence={r.confidence:.2f} score={r.score:.2f} "
        f"coverage_source={r.coverage_source:.2f} coverage_derived={r.coverage_derived:.2f} "
        f"passages={len(r.passages)}"
    )


def describe_document(d: Document) -> str:
    return f"{d.id}  date={d.date or '-'}  title={d.title!r}  {len(d.text):,} chars"


def failure_report(name: str, problems: list[str], result: TraceResult) -> str:
    expected = load_expected(name)
    lines = [f"case {name!r}: {len(problems)} problem(s)"]
    lines += [f"  - {p}" for p in problems]
    lines.append("expected relations:")
    lines += [f"  {describe_entry(e)}" for e in expected.get("relations", [])] or ["  (none)"]
    lines += [f"  absent: {a} ~ {b}" for a, b in expected.get("absent", [])]
    flags = [f"{k}={expected.get(k, False)}" for k in ("only_listed", "allow_quotes")]
    lines.append(f"  {'  '.join(flags)}")
    lines.append("actual relations:")
    lines += [f"  {describe_relation(r)}" for r in result.relations] or ["  (none)"]
    lines.append("documents:")
    lines += [f"  {describe_document(d)}" for d in result.documents]
    lines += [f"  skipped: {s.path}: {s.reason}" for s in result.skipped]
    return "\n".join(lines)


# --- checking --------------------------------------------------------------------------------


def covered_fraction(text: str, spans: Iterable[Span]) -> float:
    """Share of the non-whitespace characters of ``text`` that lie inside ``spans``."""
    covered = bytearray(len(text))
    for span in spans:
        covered[span.start : span.end] = b"\x01" * len(span)
    total = sum(1 for ch in text if not ch.isspace())
    if not total:
        return 0.0
    hit = sum(1 for ch, flag in zip(text, covered, strict=True) if flag and not ch.isspace())
    return hit / total


def side_of(r: Relation, doc_id: str) -> str:
    """Which side of ``r`` (``"source"`` or ``"derived"``) holds ``doc_id``."""
    return "source" if r.source == doc_id else "derived"


def check_entry(entry: dict[str, Any], r: Relation, texts: dict[str, str]) -> list[str]:
    """Problems with relation ``r``, which joins the two documents ``entry`` names."""
    problems = []
    label = describe_entry(entry)
    if r.kind not in entry["kind"]:
        problems.append(f"{label}: kind is {r.kind!r}")
    if r.direction not in entry["direction"]:
        problems.append(f"{label}: direction is {r.direction!r}")
    first, second = entry_ids(entry)
    if "pair" not in entry and r.direction == "source->derived" and r.source != first:
        problems.append(f"{label}: reversed, the engine says {r.source} -> {r.derived}")
    # Coverage belongs to a document, whatever orientation the engine chose.
    coverage = {
        r.source: r.coverage_source,
        r.derived: r.coverage_derived,
    }
    if "min_coverage_source" in entry and coverage[first] < entry["min_coverage_source"]:
        problems.append(f"{label}: coverage of {first} is {coverage[first]:.3f}")
    if "min_coverage_derived" in entry and coverage[second] < entry["min_coverage_derived"]:
        problems.append(f"{label}: coverage of {second} is {coverage[second]:.3f}")
    if "min_span_coverage_derived" in entry:
        spans = [p.b if side_of(r, second) == "derived" else p.a for p in r.passages]
        got = covered_fraction(texts[second], spans)
        if got < entry["min_span_coverage_derived"]:
            problems.append(
                f"{label}: passages cover {got:.3f} of the non-space characters of {second}"
            )
    if "min_passages" in entry and len(r.passages) < entry["min_passages"]:
        problems.append(f"{label}: only {len(r.passages)} passage(s)")
    return problems


def check_case(name: str, result: TraceResult) -> list[str]:
    expected = load_expected(name)
    allow_quotes = bool(expected.get("allow_quotes", False))
    problems: list[str] = []

    ids = [d.id for d in result.documents]
    problems += [f"input skipped: {s.path}: {s.reason}" for s in result.skipped]
    if sorted(ids) != article_files(name):
        problems.append(f"documents read are {sorted(ids)}, expected {article_files(name)}")
    docs = {d.id: d for d in result.documents}
    texts = {d.id: d.text for d in result.documents}
    for doc_id, prefix in expected.get("dates", {}).items():
        got = docs[doc_id].date if doc_id in docs else None
        if not (got or "").startswith(prefix):
            problems.append(f"date of {doc_id} is {got!r}, expected {prefix!r}")

    by_pair: dict[PairKey, list[Relation]] = defaultdict(list)
    for r in result.relations:
        by_pair[pair_key(r.source, r.derived)].append(r)
    for (a, b), found in sorted(by_pair.items()):
        if len(found) > 1:
            problems.append(f"{len(found)} relations between {a} and {b}; expected at most one")

    listed: set[PairKey] = set()
    for entry in expected.get("relations", []):
        key = pair_key(*entry_ids(entry))
        listed.add(key)
        found = by_pair.get(key, [])
        if not found:
            if not entry.get("optional"):
                problems.append(f"missing: {describe_entry(entry)}")
            continue
        problems += check_entry(entry, found[0], texts)

    def tolerated(r: Relation) -> bool:
        return allow_quotes and r.kind == "quotes"

    for a, b in expected.get("absent", []):
        problems += [
            f"should be unrelated: {describe_relation(r)}"
            for r in by_pair.get(pair_key(a, b), [])
            if not tolerated(r)
        ]
    if expected.get("only_listed", False):
        absent = {pair_key(a, b) for a, b in expected.get("absent", [])}
        problems += [
            f"unexpected: {describe_relation(r)}"
            for key, found in sorted(by_pair.items())
            if key not in listed and key not in absent
            for r in found
            if not tolerated(r)
        ]
    return problems


def result_fingerprint(result: TraceResult) -> list[str]:
    """Everything a run decides, one line per item; ``Document.path`` depends on how the
    input was named and is left out."""
    lines = [repr(dataclasses.astuple(r)) for r in result.relations]
    lines += [f"cluster {c!r}" for c in result.clusters]
    lines += [
        f"document {(d.id, d.title, d.date, d.author, d.url, d.text)!r}" for d in result.documents
    ]
    lines += [f"skipped {s!r}" for s in result.skipped]
    return lines


# --- tests -----------------------------------------------------------------------------------


cases = pytest.mark.parametrize("name", CASE_NAMES)


def test_cases_exist() -> None:
    assert len(CASE_NAMES) >= 13, f"golden cases found: {CASE_NAMES}"


@cases
def test_case_is_well_formed(name: str) -> None:
    expected = load_expected(name)
    files = set(article_files(name))
    assert len(files) >= 2, f"{name}: a case needs at least two articles, found {sorted(files)}"
    assert set(expected) <= TOP_KEYS, f"{name}: unknown keys {set(expected) - TOP_KEYS}"
    assert expected.get("description", "").strip(), f"{name}: say what the case shows"
    case_settings(name)  # raises ConfigError on a bad setting

    seen: set[PairKey] = set()
    for entry in expected.get("relations", []):
        label = f"{name}: {entry}"
        assert set(entry) <= ENTRY_KEYS, f"{label}: unknown keys {set(entry) - ENTRY_KEYS}"
        assert ("pair" in entry) != ("source" in entry), f"{label}: give pair or source/derived"
        assert ("source" in entry) == ("derived" in entry), f"{label}: source needs derived"
        first, second = entry_ids(entry)
        assert first != second, label
        assert {first, second} <= files, f"{label}: no such file(s) in {sorted(files)}"
        assert entry["kind"], label
        assert set(entry["kind"]) <= set(RELATION_KINDS), label
        assert entry["direction"], label
        assert set(entry["direction"]) <= set(DIRECTIONS), label
        if "pair" in entry:
            assert "min_coverage_derived" not in entry, f"{label}: a pair has no derived side"
            assert "min_coverage_source" not in entry, f"{label}: a pair has no source side"
            assert "min_span_coverage_derived" not in entry, f"{label}: pair has no derived"
        for key in COVERAGE_KEYS:
            assert 0.0 <= entry.get(key, 0.0) <= 1.0, f"{label}: {key} is a fraction"
        key = pair_key(first, second)
        assert key not in seen, f"{label}: pair listed twice"
        seen.add(key)

    for pair in expected.get("absent", []):
        assert len(pair) == 2, f"{name}: absent entries are pairs, got {pair}"
        assert set(pair) <= files, f"{name}: absent {pair}: no such file(s)"
        key = pair_key(*pair)
        assert key not in seen, f"{name}: {pair} is both listed and absent"
    for doc_id in expected.get("dates", {}):
        assert doc_id in files, f"{name}: dates: no such file {doc_id}"


@cases
def test_case(name: str) -> None:
    result = folder_result(name)
    problems = check_case(name, result)
    if problems:
        pytest.fail(failure_report(name, problems, result), pytrace=False)


@cases
def test_case_independent_of_input_order(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Files named one by one, in two other orders, give the folder run's result exactly.

    Ids are paths relative to the inputs' common folder, so both absolute file paths and bare
    names given from inside the case folder name the documents as the folder run does.
    """
    reference = result_fingerprint(folder_result(name))
    files = article_files(name)
    shuffled = list(files)
    random.Random(name).shuffle(shuffled)
    settings = case_settings(name)

    absolute = [str(case_dir(name) / f) for f in shuffled]
    result = provenance.trace(absolute, settings)
    assert result_fingerprint(result) == reference, f"files given as {shuffled} (absolute)"

    monkeypatch.chdir(case_dir(name))
    reversed_names = files[::-1]
    result = provenance.trace(reversed_names, settings)
    assert result_fingerprint(result) == reference, f"files given as {reversed_names}"


@cases
def test_case_spans_in_bounds(name: str) -> None:
    result = folder_result(name)
    texts = {d.id: d.text for d in result.documents}
    problems = []
    for r in result.relations:
        label = f"{r.source} / {r.derived}"
        if r.source not in texts or r.derived not in texts or r.source == r.derived:
            problems.append(f"{label}: not two distinct documents of the result")
            continue
        if r.direction != "source->derived" and r.source > r.derived:
            problems.append(f"{label}: {r.direction} relation not in id order")
        for field in ("confidence", "score", "coverage_source", "coverage_derived"):
            if not 0.0 <= getattr(r, field) <= 1.0:
                problems.append(f"{label}: {field}={getattr(r, field)!r} outside [0, 1]")
        if not r.passages:
            problems.append(f"{label}: a relation without passages")
        for i, p in enumerate(r.passages):
            for doc_id, span in ((r.source, p.a), (r.derived, p.b)):
                text = texts[doc_id]
                where = f"{label}: passage {i} span [{span.start}, {span.end}) in {doc_id}"
                if span.end > len(text):
                    problems.append(f"{where} runs past the end ({len(text)} chars)")
                elif not text[span.start : span.end].strip():
                    problems.append(f"{where} is empty or blank")
            if not 0.0 <= p.similarity <= 1.0:
                problems.append(f"{label}: passage {i} similarity {p.similarity!r}")
    assert not problems, "\n".join(problems)
