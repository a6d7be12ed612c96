"""Direction, siblings, transitive reduction and clusters (networkx).

Direction weighs two kinds of evidence, each a signed number in [-1, 1] (positive: the
pair's first document is the source):

* **dates**: the earlier document is the source; a day or more apart is strong evidence,
  hours apart (both timestamps known) moderate, the same day with no times none;
* **containment**: a derived document comes from its source, so the document whose text is
  more fully covered by the aligned passages is the derived one.

Dates dominate; containment fills in what dates leave open. Below
``min_direction_confidence`` the direction is ``undetermined``.

Two documents are **siblings** (``common-source``) when a third document is the source of
both and explains what they share (the third is in the corpus), or when their reuse is
partial and symmetric, neither containing the other, with no date to order them (the
common source is not in the corpus: two outlets rewriting the same wire story).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

import networkx as nx
import numpy as np

from provenance.classify import Evidence, is_quotes_only, kind_for, orient, token_mask
from provenance.config import Settings
from provenance.models import Alignment, Direction, Document, Relation, Span
from provenance.text import Analysis


@dataclass(slots=True)
class Pair:
    """A pair under decision. ``a < b`` are document indexes."""

    alignment: Alignment
    evidence: Evidence
    direction: Direction = "undetermined"
    forward: bool = True  # with source->derived: True when a is the source
    confidence: float = 0.0

    @property
    def a(self) -> int:
        return self.alignment.a

    @property
    def b(self) -> int:
        return self.alignment.b

    @property
    def directed(self) -> bool:
        return self.direction == "source->derived"

    def source_derived(self) -> tuple[int, int]:
        return (self.a, self.b) if self.forward else (self.b, self.a)

    def spans_in(self, doc: int) -> list[Span]:
        """This pair's passage spans inside document ``doc``."""
        if doc == self.a:
            return [p.a for p in self.alignment.passages]
        return [p.b for p in self.alignment.passages]


# --- evidence for direction ------------------------------------------------------------------


def _parse(value: str | None) -> datetime | date | None:
    if not value:
        return None
    try:
        if "T" in value or " " in value.strip():
            parsed = datetime.fromisoformat(value.strip())
            return parsed.replace(tzinfo=None) if parsed.tzinfo is None else parsed
        return date.fromisoformat(value.strip()[:10])
    except ValueError:
        return None


def date_evidence(first: str | None, second: str | None) -> float:
    """Signed evidence that ``first`` is the source: positive when it is older."""
    da, db = _parse(first), _parse(second)
    if da is None or db is None:
        return 0.0
    if isinstance(da, datetime) and isinstance(db, datetime):
        if (da.tzinfo is None) != (db.tzinfo is None):
            da, db = da.replace(tzinfo=None), db.replace(tzinfo=None)
        hours = (db - da).total_seconds() / 3600.0
        if abs(hours) >= 24:
            return 0.9 if hours > 0 else -0.9
        if abs(hours) >= 1:
            return 0.6 if hours > 0 else -0.6
        return 0.0
    day_a = da.date() if isinstance(da, datetime) else da
    day_b = db.date() if isinstance(db, datetime) else db
    days = (day_b - day_a).days
    if days == 0:
        return 0.0
    return 0.9 if days > 0 else -0.9


def containment_evidence(coverage_a: float, coverage_b: float) -> float:
    """Signed evidence that ``a`` is the source: positive when ``b`` is the more contained."""
    return float(np.clip((coverage_b - coverage_a) / 0.3, -1.0, 1.0)) * 0.8


def _decide_direction(pair: Pair, docs: Sequence[Document], settings: Settings) -> None:
    ev = pair.evidence
    e_date = date_evidence(docs[pair.a].date, docs[pair.b].date)
    e_cont = containment_evidence(ev.coverage_a, ev.coverage_b)
    total = e_date + e_cont * (1.0 - abs(e_date))
    if abs(total) >= settings.min_direction_confidence:
        pair.direction = "source->derived"
        pair.forward = total > 0
        pair.confidence = abs(total)
        return
    pair.direction = "undetermined"
    pair.confidence = 1.0 - abs(total)
    low, high = sorted((ev.coverage_a, ev.coverage_b))
    if abs(e_date) == 0.0 and high < settings.rewrite_coverage and high > 0:
        # Partial, symmetric reuse and nothing to order the two: siblings of an absent source.
        pair.direction = "common-source"
        pair.confidence = 0.6 * low / high


# --- siblings with the source present --------------------------------------------------------


def _explained(inner: Sequence[Span], outer: Sequence[Span], analysis: Analysis) -> float:
    """Share of the tokens under ``inner`` that also lie under ``outer``."""
    mine = token_mask(analysis, inner)
    if not mine.any():
        return 0.0
    theirs = token_mask(analysis, outer)
    return float((mine & theirs).sum() / mine.sum())


def _mark_siblings(
    pairs: dict[tuple[int, int], Pair], analyses: Sequence[Analysis], settings: Settings
) -> None:
    def get(u: int, v: int) -> Pair | None:
        return pairs.get((min(u, v), max(u, v)))

    sources_of: dict[int, set[int]] = {}
    for pair in pairs.values():
        if pair.directed:
            src, dst = pair.source_derived()
            sources_of.setdefault(dst, set()).add(src)
    for key in sorted(pairs):
        pair = pairs[key]
        x, y = key
        for z in sorted(sources_of.get(x, set()) & sources_of.get(y, set())):
            zx, zy = get(z, x), get(z, y)
            if zx is None or zy is None:
                continue
            if pair.evidence.score >= min(zx.evidence.score, zy.evidence.score):
                continue  # x and y share more with each other than with z: a chain
            ex = _explained(pair.spans_in(x), zx.spans_in(x), analyses[x])
            ey = _explained(pair.spans_in(y), zy.spans_in(y), analyses[y])
            if min(ex, ey) >= settings.sibling_explained:
                pair.direction = "common-source"
                pair.forward = True
                pair.confidence = min(ex, ey)
                break


# --- acyclic graph, transitive reduction ----------------------------------------------------


def _break_cycles(pairs: dict[tuple[int, int], Pair]) -> None:
    while True:
        graph = nx.DiGraph()
        for key in sorted(pairs):
            pair = pairs[key]
            if pair.directed:
                graph.add_edge(*pair.source_derived(), key=key)
        try:
            cycle = nx.find_cycle(graph)
        except nx.NetworkXNoCycle:
            return
        edges = [graph.edges[u, v]["key"] for u, v, *_ in cycle]
        weakest = min(edges, key=lambda k: (pairs[k].confidence, k))
        pairs[weakest].direction = "undetermined"


def _drop_redundant(
    pairs: dict[tuple[int, int], Pair], analyses: Sequence[Analysis], settings: Settings
) -> None:
    """Drop A→C when some A→B→C explains what C took from A (all but a few characters)."""
    directed = {p.source_derived(): key for key, p in pairs.items() if p.directed}
    drop: set[tuple[int, int]] = set()
    for (src, dst), key in sorted(directed.items()):
        via = sorted(
            mid for (s, mid) in directed if s == src and mid != dst and (mid, dst) in directed
        )
        pair = pairs[key]
        for mid in via:
            through = pairs[directed[(mid, dst)]]
            analysis = analyses[dst]
            mine = token_mask(analysis, pair.spans_in(dst))
            theirs = token_mask(analysis, through.spans_in(dst))
            residual = sum(
                t.end - t.start
                for t, m, c in zip(analysis.tokens, mine, theirs, strict=True)
                if m and not c
            )
            if residual < settings.redundant_edge_residual_chars:
                drop.add(key)
                break
    for key in drop:
        del pairs[key]


# --- the whole stage -------------------------------------------------------------------------


def build(
    documents: Sequence[Document],
    analyses: Sequence[Analysis],
    measured: Sequence[tuple[Alignment, Evidence]],
    settings: Settings,
) -> tuple[list[Relation], list[tuple[str, ...]]]:
    """Relations (strongest first) and clusters of related documents."""
    pairs: dict[tuple[int, int], Pair] = {}
    quotes: list[Pair] = []
    for alignment, ev in measured:
        pair = Pair(alignment, ev)
        if ev.related:
            _decide_direction(pair, documents, settings)
            pairs[(pair.a, pair.b)] = pair
        elif is_quotes_only(ev, settings):
            quotes.append(pair)
    _mark_siblings(pairs, analyses, settings)
    _break_cycles(pairs)
    _drop_redundant(pairs, analyses, settings)

    relations = [_relation(p, documents, settings) for p in (*pairs.values(), *quotes)]
    relations.sort(key=lambda r: (-r.score, r.source, r.derived))

    graph = nx.Graph()
    for r in relations:
        if r.kind != "quotes":
            graph.add_edge(r.source, r.derived)
    clusters = sorted(tuple(sorted(c)) for c in nx.connected_components(graph))
    return relations, clusters


def _relation(pair: Pair, documents: Sequence[Document], settings: Settings) -> Relation:
    ev = pair.evidence
    if pair.directed:
        src, dst = pair.source_derived()
    else:
        # Undirected: source/derived in id order.
        src, dst = sorted((pair.a, pair.b), key=lambda k: documents[k].id)
    swap = src != pair.a
    cov_src = ev.coverage_b if swap else ev.coverage_a
    cov_dst = ev.coverage_a if swap else ev.coverage_b
    if pair.directed:
        kind = kind_for(cov_src, cov_dst, ev, settings)
    else:
        # Without a direction, a rewrite would need a derived side: judge by the less
        # contained document, so an undirected pair is never called a rewrite lightly.
        kind = kind_for(max(cov_src, cov_dst), min(cov_src, cov_dst), ev, settings)
    direction: Direction = pair.direction if ev.related else "undetermined"
    confidence = pair.confidence if ev.related else 0.0
    return Relation(
        source=documents[src].id,
        derived=documents[dst].id,
        kind=kind,
        direction=direction,
        confidence=round(confidence, 4),
        score=ev.score,
        coverage_source=round(cov_src, 4),
        coverage_derived=round(cov_dst, 4),
        passages=orient(pair.alignment.passages, swap),
    )
