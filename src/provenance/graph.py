"""Direction, siblings, transitive reduction and clusters (networkx).

Direction weighs two kinds of evidence, each a signed number in [-1, 1] (positive: the
pair's first document is the source):

* **dates**: the earlier document is the source; a day or more apart is strong evidence,
  hours apart (both timestamps known) moderate, the same day with no times none;
* **containment**: a derived document comes from its source, so the document whose text is
  more fully covered by the aligned passages is the derived one.

* **common source**: when a document explains what two others share (their overlap lies
  inside what each shares with it, and they are no closer to each other than to it), it is
  evidence that it is the source of both. A wire story rewritten by ten outlets collects
  such votes from every pair of outlets; the outlets collect none.

Dates dominate; the common-source votes come next; containment fills in what both leave
open. Below ``min_direction_confidence`` the direction is ``undetermined``.

Two documents are **siblings** (``common-source``) when a third document is the source of
both and explains what they share (the third is in the corpus), or when their reuse is
partial and symmetric, neither containing the other, with no date to order them (the
common source is not in the corpus: two outlets rewriting the same wire story).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import partial

import networkx as nx
import numpy as np

from provenance.classify import Evidence, is_quotes_only, kind_for, orient
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
    reason: str = "insufficient"  # one of models.DIRECTION_REASONS

    @property
    def a(self) -> int:
        return self.alignment.a

    @property
    def b(self) -> int:
        return self.alignment.b

    @property
    def directed(self) -> bool:
        return self.direction == "source->derived"

    def siblings(self, confidence: float) -> None:
        """Make the pair two siblings of a common source."""
        self.direction = "common-source"
        self.forward = True
        self.confidence = confidence
        self.reason = "common-source"

    def source_derived(self) -> tuple[int, int]:
        return (self.a, self.b) if self.forward else (self.b, self.a)

    def spans_in(self, doc: int) -> list[Span]:
        """This pair's passage spans inside document ``doc``."""
        if doc == self.a:
            return [p.a for p in self.alignment.passages]
        return [p.b for p in self.alignment.passages]


def _pair_of(pairs: dict[tuple[int, int], Pair], u: int, v: int) -> Pair:
    """The pair of documents ``u`` and ``v``, in either order."""
    return pairs[(min(u, v), max(u, v))]


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


# Dates a day or more apart order two reports strongly (a paper's story runs the day after
# the wire copy); an hour or more apart within a day, less so (clocks and time zones of
# sites differ); closer than an hour, not at all.
DATE_DAYS_WEIGHT = 0.9
DATE_HOURS_WEIGHT = 0.6
DATE_DAY_HOURS = 24
DATE_MIN_HOURS = 1


def date_evidence(first: str | None, second: str | None) -> float:
    """Signed evidence that ``first`` is the source: positive when it is older."""
    da, db = _parse(first), _parse(second)
    if da is None or db is None:
        return 0.0
    if isinstance(da, datetime) and isinstance(db, datetime):
        if (da.tzinfo is None) != (db.tzinfo is None):
            da, db = da.replace(tzinfo=None), db.replace(tzinfo=None)
        hours = (db - da).total_seconds() / 3600.0
        if abs(hours) >= DATE_DAY_HOURS:
            return DATE_DAYS_WEIGHT if hours > 0 else -DATE_DAYS_WEIGHT
        if abs(hours) >= DATE_MIN_HOURS:
            return DATE_HOURS_WEIGHT if hours > 0 else -DATE_HOURS_WEIGHT
        return 0.0
    day_a = da.date() if isinstance(da, datetime) else da
    day_b = db.date() if isinstance(db, datetime) else db
    days = (day_b - day_a).days
    if days == 0:
        return 0.0
    return DATE_DAYS_WEIGHT if days > 0 else -DATE_DAYS_WEIGHT


# Containment alone is weak evidence: a cut-down copy is contained in its source, but so is
# an earlier short report in the longer follow-up that re-uses its background.
CONTAINMENT_WEIGHT = 0.6
# The difference in coverage at which containment's evidence is full: one side covered 30
# points more than the other.
CONTAINMENT_FULL_GAP = 0.3


def containment_evidence(coverage_a: float, coverage_b: float) -> float:
    """Signed evidence that ``a`` is the source: positive when ``b`` is the more contained."""
    return (
        float(np.clip((coverage_b - coverage_a) / CONTAINMENT_FULL_GAP, -1.0, 1.0))
        * CONTAINMENT_WEIGHT
    )


def hub_evidence(votes_for: int, votes_against: int) -> float:
    """Signed evidence from common-source votes: each net vote closes a share of the gap."""
    net = votes_for - votes_against
    if net == 0:
        return 0.0
    value = 1.0 - HUB_VOTE_KEEP ** abs(net)
    return value if net > 0 else -value


HUB_VOTE_KEEP = 0.7  # one vote gives 0.3, three give 0.66, ten give 0.97


# Wire copy as sent to newsrooms (header, time stamp, paragraph marks) is the agency's own
# text: strong evidence that it is the source of a paper's article. A credit to an agency in
# a byline or dateline is weaker (papers credit the agency whose copy they print, too).
WIRE_FORMAT_WEIGHT = 0.85
AGENCY_CREDIT_WEIGHT = 0.6

# Confidence in "siblings" when a third document in the corpus explains everything two
# documents share; and the most it can be when nothing orders two partial, symmetric reusers
# (scaled by how even their coverages are), so that a present common source outranks it.
EXPLAINED_SIBLINGS_CONFIDENCE = 0.6
ABSENT_SOURCE_CONFIDENCE = 0.6


def _wire_level(doc: Document) -> int:
    return 2 if doc.wire_copy else 1 if doc.agency else 0


def wire_evidence(first: Document, second: Document) -> float:
    """Signed evidence that ``first`` is the source: positive when it is the agency copy."""
    la, lb = _wire_level(first), _wire_level(second)
    if la == lb:
        return 0.0
    weight = WIRE_FORMAT_WEIGHT if max(la, lb) == 2 else AGENCY_CREDIT_WEIGHT
    return weight if la > lb else -weight


def _decide_direction(
    pair: Pair,
    docs: Sequence[Document],
    votes: Counter[tuple[int, int]],
    explained: set[tuple[int, int]],
    settings: Settings,
) -> None:
    """Dates first, then the agency's wire markers, then common-source votes, then
    containment; ``pair.reason`` names the evidence that weighed most for the answer."""
    ev = pair.evidence
    e_date = date_evidence(docs[pair.a].date, docs[pair.b].date)
    e_wire = wire_evidence(docs[pair.a], docs[pair.b])
    near_duplicates = min(ev.coverage_a, ev.coverage_b) >= settings.near_duplicate_coverage
    if near_duplicates:
        # Near-duplicates contain each other: neither containment nor which of the two
        # explains the rest of the corpus says which came first. Only dates can.
        e_hub = e_cont = 0.0
    else:
        e_hub = hub_evidence(votes[(pair.a, pair.b)], votes[(pair.b, pair.a)])
        e_cont = containment_evidence(ev.coverage_a, ev.coverage_b)
    if (pair.a, pair.b) in explained and e_date == 0.0 and e_wire == 0.0:
        # A third document explains all they share: siblings of it, whatever containment
        # says (the shorter of two papers printing one wire story is no copy of the longer).
        pair.siblings(EXPLAINED_SIBLINGS_CONFIDENCE)
        return
    # Each kind of evidence closes a share of the gap the stronger kinds left open.
    parts: list[tuple[str, float]] = []
    left = 1.0
    for name, value in (
        ("dates", e_date),
        ("wire-markers", e_wire),
        ("source-of-others", e_hub),
        ("containment", e_cont),
    ):
        parts.append((name, value * left))
        left *= 1.0 - abs(value)
    total = sum(v for _, v in parts)
    if abs(total) >= settings.min_direction_confidence:
        pair.direction = "source->derived"
        pair.forward = total > 0
        pair.confidence = abs(total)
        agreeing = [(abs(v), -k, name) for k, (name, v) in enumerate(parts) if v * total > 0]
        pair.reason = max(agreeing)[2]
        return
    pair.direction = "undetermined"
    pair.confidence = 1.0 - abs(total)
    pair.reason = "near-duplicates" if near_duplicates else "insufficient"
    low, high = sorted((ev.coverage_a, ev.coverage_b))
    if e_date == 0.0 and e_wire == 0.0 and e_hub == 0.0 and 0 < high < settings.rewrite_coverage:
        # Partial, symmetric reuse and nothing to order the two: siblings of an absent source.
        pair.siblings(ABSENT_SOURCE_CONFIDENCE * low / high)


# --- common sources present in the corpus ----------------------------------------------------


def _explained(inner: Sequence[Span], outer: Sequence[Span], analysis: Analysis) -> float:
    """Share of the tokens under ``inner`` that also lie under ``outer``."""
    mine = analysis.mask(inner)
    if not mine.any():
        return 0.0
    theirs = analysis.mask(outer)
    return float((mine & theirs).sum() / mine.sum())


TIE = 0.9  # amounts of shared words within 10% of each other count as tied
MINOR_SOURCE_SHARE = 0.2
"""A source that shares with a document less than this share of what its primary source
shares is a minor one (a sentence of a wire story, a stock phrase)."""


def _side_key(pair: Pair) -> tuple[int, float]:
    """Orders the sides of a triangle from weakest: the pair that shares the fewest words
    (siblings share only the intersection of what each took from their source; in a chain
    the ends share only what passed through the middle), then the least alike."""
    ev = pair.evidence
    return (ev.shared_tokens, round(ev.similarity, 4))


def _common_sources(
    pairs: dict[tuple[int, int], Pair], analyses: Sequence[Analysis], settings: Settings
) -> tuple[Counter[tuple[int, int]], set[tuple[int, int]]]:
    """Look at every triangle of related documents. Its weakest side ``x-y`` (the pair that
    reads least alike) is explained by the third document ``z`` when what ``x`` and ``y``
    share lies inside what each shares with ``z``: then ``x`` and ``y`` are related through
    ``z``, and it is a vote that ``z`` is the source of both. Votes are keyed
    ``(source, derived)``; the explained pairs ``(x, y)`` are returned beside them."""
    votes: Counter[tuple[int, int]] = Counter()
    by: dict[tuple[int, int], set[int]] = {}
    neighbours: dict[int, set[int]] = {}
    for a, b in pairs:
        neighbours.setdefault(a, set()).add(b)
        neighbours.setdefault(b, set()).add(a)

    get = partial(_pair_of, pairs)

    for x, y in sorted(pairs):
        for z in sorted(neighbours[x] & neighbours[y]):
            if z < y:
                continue  # each triangle once, from its two smallest indexes
            sides = sorted(
                (
                    (_side_key(get(u, v)), (u, v), w)
                    for u, v, w in ((x, y, z), (x, z, y), (y, z, x))
                ),
            )
            if sides[0][0][0] >= TIE * sides[1][0][0]:
                continue  # no clearly weakest side (near-duplicates): the triangle says nothing
            _, (u, v), w = sides[0]
            eu = _explained(get(u, v).spans_in(u), get(w, u).spans_in(u), analyses[u])
            ev = _explained(get(u, v).spans_in(v), get(w, v).spans_in(v), analyses[v])
            if min(eu, ev) >= settings.sibling_explained:
                votes[(w, u)] += 1
                votes[(w, v)] += 1
                by.setdefault((min(u, v), max(u, v)), set()).add(w)
    # A pair is explained by a third document only when that one is more of a common source
    # than either of the two (in a triangle of two close copies and their source, the
    # weakest side can be a copy and its source; the source still collects the most votes).
    hub: Counter[int] = Counter()
    for (src, _), n in votes.items():
        hub[src] += n
    explained = {
        pair for pair, ws in by.items() if any(hub[w] > max(hub[pair[0]], hub[pair[1]]) for w in ws)
    }
    return votes, explained


# Direction evidence that does not rest on the pair's own containment.
_INDEPENDENT_REASONS = frozenset({"dates", "wire-markers", "source-of-others"})


def _siblings_of_known_sources(
    pairs: dict[tuple[int, int], Pair], analyses: Sequence[Analysis], settings: Settings
) -> None:
    """Two documents that share a source, ordered between themselves by containment only,
    are siblings: the shorter of two papers printing one wire story is no copy of the
    longer. The common source's own directions must rest on other evidence (dates, wire
    markers, common-source votes), or containment would be judging containment; and when
    they rest on dates or wire markers, votes between the two do not order them either."""
    parents: dict[int, set[int]] = {}  # sources by dates or wire markers
    voted: dict[int, set[int]] = {}  # ... or by common-source votes

    get = partial(_pair_of, pairs)

    def wire_material(pair: Pair) -> bool:
        # What one of the two shares with the other lies inside what it took from a source
        # ordered by dates or wire markers: the other may have taken it there too (a paper
        # whose own use of the wire was too slight to count), so the two are siblings.
        for doc in (pair.a, pair.b):
            for src in sorted(parents.get(doc, set())):
                inside = _explained(pair.spans_in(doc), get(src, doc).spans_in(doc), analyses[doc])
                if inside >= settings.sibling_explained:
                    return True
        return False

    for pair in pairs.values():
        if pair.directed and pair.reason in _INDEPENDENT_REASONS:
            src, dst = pair.source_derived()
            voted.setdefault(dst, set()).add(src)
            if pair.reason != "source-of-others":
                parents.setdefault(dst, set()).add(src)
    for key in sorted(pairs):
        pair = pairs[key]
        if not pair.directed or pair.reason not in {"containment", "source-of-others"}:
            continue
        # Votes order two documents only when no source ordered by firmer evidence explains
        # both: among one wire story's papers, the fullest collects votes from the others.
        firm = parents.get(pair.a, set()) & parents.get(pair.b, set())
        loose = voted.get(pair.a, set()) & voted.get(pair.b, set())
        if firm or (pair.reason == "containment" and loose) or wire_material(pair):
            pair.siblings(round(1.0 - pair.confidence, 4))


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
        pairs[weakest].reason = "insufficient"


def _depths(pairs: dict[tuple[int, int], Pair]) -> dict[int, int]:
    """Length of the longest directed path reaching each document (roots are 0)."""
    graph = nx.DiGraph()
    for key in sorted(pairs):
        if pairs[key].directed:
            graph.add_edge(*pairs[key].source_derived())
    depth: dict[int, int] = {}
    for node in nx.topological_sort(graph):
        depth[node] = max((depth[p] + 1 for p in graph.predecessors(node)), default=0)
    return depth


def _near_duplicates(pair: Pair | None, settings: Settings) -> bool:
    """Whether a pair's documents contain each other (both near-duplicate coverage)."""
    if pair is None:
        return False
    ev = pair.evidence
    return min(ev.coverage_a, ev.coverage_b) >= settings.near_duplicate_coverage


def _settle_sources(
    pairs: dict[tuple[int, int], Pair], analyses: Sequence[Analysis], settings: Settings
) -> None:
    """Keep, for each document, only the sources it really took from.

    The *primary* source of ``d`` is the directed source it shares the most words with
    (sources within ``TIE`` of the most count as tied; ties go to the source nearer a root,
    then to the fuller version, the longer text, then to the one that is the source of more
    documents). Another source ``s`` of ``d`` whose contribution the primary explains (all
    but ``redundant_edge_residual_chars`` of it) gave ``d`` nothing the primary did not:

    * if ``s`` is an ancestor of the primary and ``d`` reads closer to the primary than to
      ``s`` (it carries the primary's changes), ``s -> d`` is redundant (A→B→C needs no
      A→C) and is dropped; if ``d`` reads no closer, the primary and ``d`` are siblings;
    * if ``s`` descends from the primary, is a near-duplicate of it, or gave ``d`` clearly
      less than the primary, ``s`` and ``d`` are siblings: ``common-source``;
    * otherwise the two are interchangeable sources (tied, neither derived from the other)
      and both stay.

    A source that gave ``d`` something the primary lacks stays a source.
    """
    depth = _depths(pairs)
    graph = nx.DiGraph()
    sources: dict[int, list[int]] = {}
    for key in sorted(pairs):
        pair = pairs[key]
        if pair.directed:
            src, dst = pair.source_derived()
            graph.add_edge(src, dst)
            sources.setdefault(dst, []).append(src)

    get = partial(_pair_of, pairs)

    drop: list[tuple[int, int]] = []
    siblings: list[tuple[tuple[int, int], float]] = []
    for dst in sorted(sources):
        if len(sources[dst]) < 2:
            continue
        most = max(get(s, dst).evidence.shared_tokens for s in sources[dst])
        ranked = sorted(
            sources[dst],
            key=lambda s: (
                get(s, dst).evidence.shared_tokens < TIE * most,
                depth.get(s, 0),
                -len(analyses[s].norms),
                -graph.out_degree(s),
                -get(s, dst).evidence.shared_tokens,
                -get(s, dst).confidence,
                s,
            ),
        )
        primary = ranked[0]
        via = get(primary, dst)
        analysis = analyses[dst]
        theirs = analysis.mask(via.spans_in(dst))
        for src in ranked[1:]:
            pair = get(src, dst)
            mine = analysis.mask(pair.spans_in(dst))
            residual = analysis.chars(mine & ~theirs)
            if residual >= settings.redundant_edge_residual_chars:
                continue  # dst took from src something the primary lacks
            key = (min(src, dst), max(src, dst))
            if nx.has_path(graph, src, primary):
                if via.evidence.similarity > pair.evidence.similarity:
                    drop.append(key)  # a chain: dst carries the primary's changes
                elif (
                    _near_duplicates(via, settings)
                    and pair.evidence.shared_tokens < MINOR_SOURCE_SHARE * most
                ):
                    # dst is a near-copy of the primary and took from src only a little
                    # the primary also holds (a stock phrase): how alike that little reads
                    # says nothing of which dst copied, so dst and the primary stay ordered
                    continue
                else:
                    # dst reads no closer to the primary than to its ancestor src: no sign
                    # it came through the primary; both took from src, as siblings.
                    primary_key = (min(primary, dst), max(primary, dst))
                    siblings.append((primary_key, min(via.confidence, pair.confidence)))
            elif (
                nx.has_path(graph, primary, src)
                or pair.evidence.shared_tokens < TIE * most
                or _near_duplicates(pairs.get((min(src, primary), max(src, primary))), settings)
            ):
                siblings.append((key, min(via.confidence, pair.confidence)))
            # else: src and the primary are interchangeable (tied, neither derived from the
            # other, e.g. near-duplicates of each other): either may be dst's source.
    for key, confidence in siblings:
        pairs[key].siblings(confidence)
    for key in drop:
        pairs.pop(key, None)


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
            pairs[(pair.a, pair.b)] = pair
        elif is_quotes_only(ev, settings):
            quotes.append(pair)
    votes, explained = _common_sources(pairs, analyses, settings)
    for key in sorted(pairs):
        _decide_direction(pairs[key], documents, votes, explained, settings)
    _siblings_of_known_sources(pairs, analyses, settings)
    _break_cycles(pairs)
    _settle_sources(pairs, analyses, settings)

    relations = [_relation(p, documents, settings) for p in (*pairs.values(), *quotes)]
    relations.sort(key=lambda r: (-r.score, r.source, r.derived))

    graph = nx.Graph()
    for r in relations:
        if r.kind != "quotes":
            graph.add_edge(r.source, r.derived)
    clusters = sorted(tuple(sorted(c)) for c in nx.connected_components(graph))
    return relations, clusters


def derived_from(relations: Sequence[Relation]) -> dict[str, tuple[str, ...]]:
    """Each derived document's sources, strongest first: the directed, non-quotation
    relations it is the derived side of, ranked by how much of it each source explains
    (derived-side coverage weighted by the passages' similarity; it does not saturate for
    a short source used whole, as the pair's score does), then by score, then by id."""
    ranked: dict[str, list[tuple[float, float, str]]] = {}
    for r in relations:
        if r.direction != "source->derived" or r.kind == "quotes":
            continue
        size = sum(len(p.b) for p in r.passages)
        similar = sum(p.similarity * len(p.b) for p in r.passages) / size if size else 0.0
        strength = round(r.coverage_derived * similar, 4)
        ranked.setdefault(r.derived, []).append((-strength, -r.score, r.source))
    return {doc: tuple(src for *_, src in sorted(found)) for doc, found in sorted(ranked.items())}


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
        direction_reason=pair.reason if ev.related else "insufficient",
    )
