"""The JSON contract, version 1: ``TraceResult`` to JSON and back.

Shape (keys in this order; lists in the engine's order, which is already deterministic)::

    {"version": 1,
     "documents": [{"id", "path", "title", "date", "chars",
                    "stripped": [{"kind", "chars", "excerpt"}],
                    "agency", "wire_copy",           # agency credited; came as wire copy
                    "derived_from": [id, ...],       # its sources, strongest first
                    "declared_sources"?,             # only when the document declares any
                    "text"?}],                       # only with include_text
     "relations": [{"source", "derived", "kind", "direction", "confidence", "score",
                    "direction_reason",              # dates | wire-markers | ... (see models)
                    "coverage": {"source", "derived"},
                    "passages": [{"source": [start, end], "derived": [start, end],
                                  "kind", "similarity"}]}],
     "clusters": [[id, ...]],
     "families": [{"source", "members": [id, ...], "size",   # large families (below)
                   "aligned_pairs", "unaligned_pairs", "inferred_pairs"}],
     "skipped": [{"path", "reason"}]}

``families`` (always present, ``[]`` when none) lists each family of ``family_min_size`` or
more documents that was aligned as a star around its ``source`` (the near-copy dated
earlier than every other one) rather than pair by pair. ``members`` (sorted ids, the source
among them) are the documents that listed relations other than ``quotes`` connect to the
source; ``aligned_pairs`` counts the pairs aligned with a member (a pair of members of two
families counts for the one whose source comes first in the documents), ``unaligned_pairs``
the candidate pairs of members that were not aligned. Every pair of members that
``relations`` does not list is *inferred* related through the source, not measured: there
are ``inferred_pairs`` of them. Each relation listed is measured, exactly as for any other
pair. (Files written before the key existed read as ``[]``.)

``chars`` is the length of the document's extracted text, which every span points into.
Floats are rounded to 4 decimals, so the same run gives byte-identical output. Timings are
not part of the contract (they differ between runs).
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Mapping, Sequence
from typing import Any, TypeVar

from provenance import strictjson
from provenance.models import (
    DIRECTION_REASONS,
    DIRECTIONS,
    PASSAGE_KINDS,
    RELATION_KINDS,
    Document,
    Family,
    Passage,
    Relation,
    Skipped,
    Span,
    Stripped,
    TraceResult,
)

VERSION = 1
_DECIMALS = 4

__all__ = ["VERSION", "dumps", "from_dict", "loads", "to_dict"]


def _num(value: float) -> float:
    return round(float(value), _DECIMALS) + 0.0  # ``+ 0.0`` turns -0.0 into 0.0


def _document(doc: Document, include_text: bool, sources: Sequence[str]) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": doc.id,
        "path": doc.path,
        "title": doc.title,
        "date": doc.date,
        "chars": len(doc.text),
        "stripped": [
            {"kind": s.kind, "chars": s.chars, "excerpt": s.excerpt} for s in doc.stripped
        ],
        "agency": doc.agency,
        "wire_copy": doc.wire_copy,
        "derived_from": list(sources),
    }
    if doc.declared_sources:  # additive: absent when empty, so older output is unchanged
        out["declared_sources"] = list(doc.declared_sources)
    if include_text:
        out["text"] = doc.text
    return out


def _passage(p: Passage) -> dict[str, Any]:
    return {
        "source": [p.a.start, p.a.end],
        "derived": [p.b.start, p.b.end],
        "kind": p.kind,
        "similarity": _num(p.similarity),
    }


def _relation(r: Relation) -> dict[str, Any]:
    return {
        "source": r.source,
        "derived": r.derived,
        "kind": r.kind,
        "direction": r.direction,
        "confidence": _num(r.confidence),
        "score": _num(r.score),
        "direction_reason": r.direction_reason,
        "coverage": {"source": _num(r.coverage_source), "derived": _num(r.coverage_derived)},
        "passages": [_passage(p) for p in r.passages],
    }


def _family(f: Family) -> dict[str, Any]:
    return {
        "source": f.source,
        "members": list(f.members),
        "size": f.size,
        "aligned_pairs": f.aligned_pairs,
        "unaligned_pairs": f.unaligned_pairs,
        "inferred_pairs": f.inferred_pairs,
    }


def to_dict(result: TraceResult, *, include_text: bool = False) -> dict[str, Any]:
    """The result as plain JSON values, in contract order. ``include_text`` adds each
    document's extracted ``"text"`` (which makes the file self-contained, and large)."""
    return {
        "version": VERSION,
        "documents": [
            _document(d, include_text, result.derived_from.get(d.id, ())) for d in result.documents
        ],
        "relations": [_relation(r) for r in result.relations],
        "clusters": [list(c) for c in result.clusters],
        "families": [_family(f) for f in result.families],
        "skipped": [{"path": s.path, "reason": s.reason} for s in result.skipped],
    }


def dumps(result: TraceResult, *, include_text: bool = False) -> str:
    """``to_dict`` as UTF-8-ready JSON text: indented by 2, non-ASCII kept, ending in a newline."""
    data = to_dict(result, include_text=include_text)
    # allow_nan=False: a NaN score is an engine bug, and would not be valid JSON anyway.
    text = json.dumps(data, ensure_ascii=False, indent=2, allow_nan=False) + "\n"
    # json escapes C0 controls itself; DEL, C1 controls (0x9b is CSI to some terminals), line
    # and paragraph separators and bidi overrides are escaped too, so JSON printed to a
    # terminal cannot drive it or reorder a line. Same JSON value, plain bytes.
    return _UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


_UNSAFE = re.compile("[\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


# --- reading it back -----------------------------------------------------------------------

_T = TypeVar("_T")


def _get(obj: Mapping[str, Any], key: str, kind: type[_T], where: str) -> _T:
    if key not in obj:
        raise ValueError(f"{where}: missing key {key!r}")
    value = obj[key]
    ok = isinstance(value, kind)
    if kind is float:  # JSON numbers: ints are fine where floats are expected
        ok = isinstance(value, int | float) and not isinstance(value, bool)
    elif kind is int:
        ok = isinstance(value, int) and not isinstance(value, bool)
    if not ok:
        raise ValueError(f"{where}: {key!r} should be {kind.__name__}, got {value!r}")
    return value  # type: ignore[no-any-return]  # checked by isinstance above


def _share(obj: Mapping[str, Any], key: str, where: str) -> float:
    """A number between 0 and 1 (a coverage, score, confidence or similarity)."""
    value = _get(obj, key, float, where)
    if not 0.0 <= value <= 1.0:  # also false for NaN
        raise ValueError(f"{where}: {key!r} should be between 0 and 1, got {value!r}")
    return float(value)


def _count(obj: Mapping[str, Any], key: str, where: str) -> int:
    value = _get(obj, key, int, where)
    if value < 0:
        raise ValueError(f"{where}: {key!r} should not be negative, got {value!r}")
    return value


def _opt_str(obj: Mapping[str, Any], key: str, where: str) -> str | None:
    value = obj.get(key)
    if value is not None and not isinstance(value, str):
        raise ValueError(f"{where}: {key!r} should be a string or null, got {value!r}")
    return value


def _list(obj: Mapping[str, Any], key: str, where: str) -> list[Any]:
    return _get(obj, key, list, where)


def _one_of(value: str, allowed: Sequence[str], where: str) -> str:
    if value not in allowed:
        raise ValueError(f"{where}: {value!r} is not one of {', '.join(allowed)}")
    return value


def _span(value: Any, where: str) -> Span:
    if (
        not isinstance(value, list)
        or len(value) != 2
        or not all(isinstance(v, int) and not isinstance(v, bool) for v in value)
    ):
        raise ValueError(f"{where}: a span should be [start, end], got {value!r}")
    return Span(value[0], value[1])


def _read_document(obj: Any, where: str) -> Document:
    if not isinstance(obj, dict):
        raise ValueError(f"{where}: expected an object")
    stripped = []
    for j, s in enumerate(_list(obj, "stripped", where)):
        w = f"{where}.stripped[{j}]"
        if not isinstance(s, dict):
            raise ValueError(f"{w}: expected an object")
        stripped.append(
            Stripped(
                kind=_get(s, "kind", str, w),
                chars=_count(s, "chars", w),
                excerpt=_get(s, "excerpt", str, w),
            )
        )
    text = _get(obj, "text", str, where) if "text" in obj else ""
    declared = obj.get("declared_sources", [])
    if not isinstance(declared, list) or not all(isinstance(v, str) for v in declared):
        raise ValueError(f"{where}: 'declared_sources' should be a list of strings")
    wire = obj.get("wire_copy", False)
    if not isinstance(wire, bool):
        raise ValueError(f"{where}: 'wire_copy' should be true or false")
    return Document(
        id=_get(obj, "id", str, where),
        path=_get(obj, "path", str, where),
        text=text,
        title=_opt_str(obj, "title", where),
        date=_opt_str(obj, "date", where),
        stripped=tuple(stripped),
        declared_sources=tuple(declared),
        agency=_opt_str(obj, "agency", where) if "agency" in obj else None,
        wire_copy=wire,
    )


def _derived_from(obj: Any, where: str) -> tuple[str, ...]:
    sources = obj.get("derived_from", []) if isinstance(obj, dict) else []
    if not isinstance(sources, list) or not all(isinstance(v, str) for v in sources):
        raise ValueError(f"{where}: 'derived_from' should be a list of document ids")
    return tuple(sources)


def _read_passage(obj: Any, where: str) -> Passage:
    if not isinstance(obj, dict):
        raise ValueError(f"{where}: expected an object")
    kind = _one_of(_get(obj, "kind", str, where), PASSAGE_KINDS, where)
    return Passage(
        a=_span(obj.get("source"), f"{where}.source"),
        b=_span(obj.get("derived"), f"{where}.derived"),
        kind=kind,  # type: ignore[arg-type]  # checked against PASSAGE_KINDS
        similarity=_share(obj, "similarity", where),
    )


def _read_family(obj: Any, where: str) -> Family:
    if not isinstance(obj, dict):
        raise ValueError(f"{where}: expected an object")
    members = _list(obj, "members", where)
    if not all(isinstance(m, str) for m in members):
        raise ValueError(f"{where}: 'members' should be a list of document ids")
    family = Family(
        source=_get(obj, "source", str, where),
        members=tuple(members),
        aligned_pairs=_count(obj, "aligned_pairs", where),
        unaligned_pairs=_count(obj, "unaligned_pairs", where),
        inferred_pairs=_count(obj, "inferred_pairs", where),
    )
    if _count(obj, "size", where) != family.size:
        raise ValueError(f"{where}: 'size' should be the number of members, {family.size}")
    if family.source not in family.members:
        raise ValueError(f"{where}: the source {family.source!r} should be among the members")
    return family


def _read_relation(obj: Any, where: str) -> Relation:
    if not isinstance(obj, dict):
        raise ValueError(f"{where}: expected an object")
    coverage = _get(obj, "coverage", dict, where)
    passages = tuple(
        _read_passage(p, f"{where}.passages[{k}]")
        for k, p in enumerate(_list(obj, "passages", where))
    )
    kind = _one_of(_get(obj, "kind", str, where), RELATION_KINDS, where)
    direction = _one_of(_get(obj, "direction", str, where), DIRECTIONS, where)
    return Relation(
        source=_get(obj, "source", str, where),
        derived=_get(obj, "derived", str, where),
        kind=kind,  # type: ignore[arg-type]  # checked against RELATION_KINDS
        direction=direction,  # type: ignore[arg-type]  # checked against DIRECTIONS
        confidence=_share(obj, "confidence", where),
        score=_share(obj, "score", where),
        coverage_source=_share(coverage, "source", f"{where}.coverage"),
        coverage_derived=_share(coverage, "derived", f"{where}.coverage"),
        passages=passages,
        direction_reason=_one_of(
            obj.get("direction_reason", "insufficient"), DIRECTION_REASONS, where
        ),
    )


def from_dict(data: Mapping[str, Any]) -> TraceResult:
    """Rebuild a ``TraceResult`` from ``to_dict`` output. Documents saved without their text
    come back with ``text=""`` (spans then point past it: render them from the original files).

    Raises ``ValueError`` naming the offending key when ``data`` does not follow the contract.
    """
    if not isinstance(data, Mapping):
        raise ValueError("not a provenance trace: expected a JSON object")
    version = data.get("version")
    if type(version) is not int or version != VERSION:  # ``true == 1`` is not a version
        raise ValueError(
            f"not a provenance trace of version {VERSION} (version is {version!r}); "
            "re-create it with this version of provenance"
        )
    documents = tuple(
        _read_document(d, f"documents[{i}]")
        for i, d in enumerate(_list(data, "documents", "trace"))
    )
    relations = tuple(
        _read_relation(r, f"relations[{i}]")
        for i, r in enumerate(_list(data, "relations", "trace"))
    )
    clusters = []
    for i, c in enumerate(_list(data, "clusters", "trace")):
        if not isinstance(c, list) or not all(isinstance(m, str) for m in c):
            raise ValueError(f"clusters[{i}]: expected a list of document ids")
        clusters.append(tuple(c))
    skipped = []
    for i, s in enumerate(_list(data, "skipped", "trace")):
        w = f"skipped[{i}]"
        if not isinstance(s, dict):
            raise ValueError(f"{w}: expected an object")
        skipped.append(Skipped(path=_get(s, "path", str, w), reason=_get(s, "reason", str, w)))
    families = tuple(
        _read_family(f, f"families[{i}]")
        for i, f in enumerate(_list(data, "families", "trace") if "families" in data else [])
    )
    raw_documents = _list(data, "documents", "trace")
    sources = {
        doc.id: found
        for k, (doc, raw) in enumerate(zip(documents, raw_documents, strict=True))
        if (found := _derived_from(raw, f"documents[{k}]"))
    }
    _check_ids(documents, relations, clusters, sources, families)
    _check_spans(documents, raw_documents, relations)
    return TraceResult(
        documents=documents,
        relations=relations,
        clusters=tuple(clusters),
        skipped=tuple(skipped),
        derived_from=sources,
        families=families,
    )


def _check_spans(
    documents: Sequence[Document], raw: Sequence[Any], relations: Sequence[Relation]
) -> None:
    """Every passage lies inside its document: its text when the trace holds it, else the
    ``chars`` the document had."""
    length = {}
    for doc, obj in zip(documents, raw, strict=True):
        chars = obj.get("chars")
        if doc.text or not isinstance(chars, int) or isinstance(chars, bool):
            chars = len(doc.text) if doc.text else sys.maxsize // 2
        length[doc.id] = min(chars, sys.maxsize // 2)  # a span's length must fit len()
    for i, r in enumerate(relations):
        for k, p in enumerate(r.passages):
            for side, span, ident in (("source", p.a, r.source), ("derived", p.b, r.derived)):
                if span.end > length[ident]:
                    raise ValueError(
                        f"relations[{i}].passages[{k}].{side}: the span [{span.start}, "
                        f"{span.end}] ends past the {length[ident]:,} characters of {ident!r}"
                    )


def _check_ids(
    documents: Sequence[Document],
    relations: Sequence[Relation],
    clusters: Sequence[Sequence[str]],
    sources: Mapping[str, Sequence[str]],
    families: Sequence[Family] = (),
) -> None:
    """Every id a relation, cluster, family or ``derived_from`` names is a document's, once."""
    ids: set[str] = set()
    for i, doc in enumerate(documents):
        if doc.id in ids:
            raise ValueError(f"documents[{i}]: the id {doc.id!r} is used twice")
        ids.add(doc.id)
    named = [
        *((f"relations[{i}]", r.source) for i, r in enumerate(relations)),
        *((f"relations[{i}]", r.derived) for i, r in enumerate(relations)),
        *((f"clusters[{i}]", m) for i, c in enumerate(clusters) for m in c),
        *((f"families[{i}]", m) for i, f in enumerate(families) for m in f.members),
        *((f"documents[{d!r}].derived_from", m) for d, found in sources.items() for m in found),
    ]
    for where, ident in named:
        if ident not in ids:
            raise ValueError(f"{where}: {ident!r} is not among the documents of the trace")


def loads(text: str | bytes) -> TraceResult:
    """``from_dict`` of the JSON ``text``, read strictly (``strictjson``: no NaN or Infinity,
    no 5,000-digit integer, no nesting past the parser's limit). Raises ``ValueError``
    (``json.JSONDecodeError`` is one) saying what is wrong."""
    return from_dict(strictjson.loads(text))
