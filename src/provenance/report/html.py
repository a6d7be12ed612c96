"""The HTML report: one self-contained file (no network, no server) showing the derivation
graph, a sortable table of relations and every aligned passage, side by side.

``render(result) -> str`` and ``write(result, path)`` are the whole API; neither depends on the
command line. Every document is untrusted: all of its text goes through Jinja2's autoescape
(nothing document-derived is marked safe), the page carries a Content-Security-Policy that
allows only the one inline stylesheet and the one inline script by their SHA-256 hashes
(``default-src 'none'``: nothing can be loaded), there are no inline event handlers, and URLs
from documents are shown as text, never as links.

Layout of the graph is computed here (``layout``: layered, sources above what they derived, one
box per cluster; a cluster of more than ``GRAPH_DRAW_MAX`` documents is a ranked list instead),
so the file needs nothing external and the same result gives the same bytes.
"""

from __future__ import annotations

import base64
import hashlib
import itertools
import json
import os
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

import jinja2
import markupsafe
from rapidfuzz.distance import Levenshtein

from provenance._version import __version__
from provenance.errors import ProvenanceError
from provenance.models import (
    DIRECTION_REASON_TEXT,
    PASSAGE_KINDS,
    RELATION_KINDS,
    Document,
    Passage,
    Relation,
    TraceResult,
)
from provenance.report import layout as layout_
from provenance.report.visible import visible
from provenance.store import atomic

__all__ = ["ReportError", "missing_text", "render", "write"]

PAIR_COLOURS = 8
"""Match blocks cycle through this many colour pairs (``c0`` ... ``c7`` in the stylesheet)."""

OPEN_DETAILS_MAX = 12
"""Relations open on load when the report has at most this many; bigger reports start collapsed
so the browser lays out only what the reader opens."""

GRAPH_ISOLATED_MAX = 60
"""Documents related to nothing are drawn as a row of nodes up to this many, else counted."""

GRAPH_EDGE_LABELS_MAX = 80
"""Edges carry a visible kind/confidence label up to this many (always a tooltip)."""

INLINE_TEXT_MAX_CHARS = 4_000_000
"""Up to this many characters of full text over all relations (each shows both of its
documents), the match-block view is written into the HTML and works without script. Above it,
each document's text is embedded once (as JSON) and the page's script draws a relation's match
blocks when it is opened; the word view, which holds every passage, is always in the HTML."""

INLINE_PASSAGE_MAX_CHARS = 3_000_000
"""When the full texts are left to the script, the word views of the strongest relations still
go into the HTML (so they read without script) up to this many characters of passage text."""

DIFF_TOKENS_MAX = 20_000
"""Passages longer than this (in words, either side) skip the word-level diff."""

GRAPH_DRAW_MAX = 25
"""A cluster of more documents than this is shown as a ranked list (its source on top), not
drawn: past it a drawing has more lines than a reader can follow."""

BIG_REPORT_RELATIONS = 200
"""Above this many relations the page lets the browser skip laying out the relation sections
that are off screen (``content-visibility: auto``, the ``big`` class on ``<body>``). Smaller
pages lay out everything, so a full-page capture or a print shows every section."""

# graph geometry, in SVG user units
_NODE_H = 44
_NODE_MIN_W = 120.0
_PLACEHOLDER_W = 14.0
_ROW_GAP = 26.0
_TITLE_H = 18.0
_LABEL_H = 14.0
_CHANNEL_H = 46.0
_ARC_H = 26.0
_PAD = 16
_CLUSTER_GAP = 22
_GRAPH_WIDTH = 1160
_LABEL_CHARS = 30

_TOKEN = re.compile(r"\w+|[^\w\s]")
_NO_TEXT = "text not included in the saved trace"


class ReportError(ProvenanceError):
    """The result cannot be drawn (a relation names a document the result does not hold)."""


# --- view models ----------------------------------------------------------------------------


@dataclass(slots=True)
class Piece:
    """A run of text, plainly or inside a match block / diff mark."""

    text: str
    cls: str = ""
    id: str = ""
    href: str = ""
    title: str = ""
    n: int = 0


@dataclass(slots=True)
class StripMark:
    y: float
    h: float
    cls: str
    href: str
    title: str


@dataclass(slots=True)
class PassageView:
    n: int
    kind: str
    similarity: float
    colour: str
    source: tuple[int, int]
    derived: tuple[int, int]
    left: list[Piece]
    right: list[Piece]
    diffed: bool


@dataclass(slots=True)
class DocView:
    n: int
    anchor: str
    doc: Document
    label: str
    text_missing: bool
    relations: list[tuple[str, str, str, str]] = field(default_factory=list)
    """(relation anchor, relation kind, role of this document, the other document's label)"""


@dataclass(slots=True)
class RelationView:
    n: int
    anchor: str
    rel: Relation
    source: DocView
    derived: DocView
    roles: tuple[str, str]
    arrow: str
    direction_text: str
    open: bool
    passages: list[PassageView]
    left_text: list[Piece]
    right_text: list[Piece]
    left_strip: list[StripMark]
    right_strip: list[StripMark]
    lazy: str = ""
    """The passages as JSON for the script that draws what is not in the HTML (large reports)."""
    lazy_blocks: bool = False
    lazy_words: bool = False


@dataclass(slots=True)
class GraphNode:
    doc: DocView
    x: float
    y: float
    w: float
    line1: str
    line2: str


@dataclass(slots=True)
class GraphEdge:
    rel: RelationView
    d: str
    """SVG path: curves from layer to layer (through a placeholder in each layer it spans), or
    an arc above the row joining two documents of the same layer."""
    lx: float
    ly: float
    label: str


@dataclass(slots=True)
class GraphBox:
    x: float
    y: float
    w: float
    h: float
    label: str
    href: str = ""
    """For a cluster listed instead of drawn: the anchor of its list."""


@dataclass(slots=True)
class FamilyRow:
    doc: DocView
    role: str
    """How this document relates to the one named in ``via`` (or to the source)."""
    rel: RelationView | None
    via: DocView | None
    """The member through which it relates, when that is not the source itself."""
    share: float
    """How much of this document the relation covers."""


@dataclass(slots=True)
class Family:
    number: int
    anchor: str
    rows: list[FamilyRow]
    size: int


@dataclass(slots=True)
class Graph:
    width: float
    height: float
    nodes: list[GraphNode]
    edges: list[GraphEdge]
    boxes: list[GraphBox]
    isolated_hidden: int
    edge_labels: bool
    families: list[Family]


# --- helpers --------------------------------------------------------------------------------


def _label(doc: Document) -> str:
    """The one name a document goes by on the page: its title, else its id, with every
    control, invisible and bidi character shown as an escape (see ``visible``)."""
    return visible(" ".join(doc.title.split()) if doc.title and doc.title.strip() else doc.id)


_BREAK_AFTER = re.compile(r"([/_\-.])(?=.)")


def _breakable(value: object) -> markupsafe.Markup:
    """Jinja2 filter ``ids``: a name shown visibly (``visible``), escaped, with a line-break
    opportunity (``<wbr>``) after each ``/ _ - .``, so a narrow column breaks an id between
    its parts rather than letter by letter."""
    text = str(markupsafe.escape(visible(str(value))))
    return markupsafe.Markup(_BREAK_AFTER.sub(r"\1<wbr>", text))  # noqa: S704  # escaped above


def _percent(value: float) -> str:
    return f"{round(value * 100)} %"


def _span_ends(relations: Iterable[Relation]) -> dict[str, int]:
    ends: dict[str, int] = {}
    for r in relations:
        for p in r.passages:
            ends[r.source] = max(ends.get(r.source, 0), p.a.end)
            ends[r.derived] = max(ends.get(r.derived, 0), p.b.end)
    return ends


def missing_text(result: TraceResult) -> list[Document]:
    """Documents whose text the spans point past: a trace saved without ``--include-text``."""
    ends = _span_ends(result.relations)
    return [d for d in result.documents if len(d.text) < ends.get(d.id, 0)]


def _segments(text: str, spans: Sequence[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
    """Cut ``text`` at every span boundary: ``(start, end, passage index or -1)``, the lowest
    index winning where passages overlap."""
    n = len(text)
    cuts = {0, n}
    for start, end, _ in spans:
        cuts.add(min(max(start, 0), n))
        cuts.add(min(max(end, 0), n))
    points = sorted(cuts)
    out: list[tuple[int, int, int]] = []
    for a, b in itertools.pairwise(points):
        owner = -1
        for start, end, index in spans:
            if start <= a and b <= end and (owner < 0 or index < owner):
                owner = index
        if out and out[-1][2] == owner and owner < 0:
            out[-1] = (out[-1][0], b, owner)
        else:
            out.append((a, b, owner))
    return out


def _full_text(
    text: str, spans: Sequence[tuple[int, int]], passages: Sequence[Passage], prefix: str, side: str
) -> list[Piece]:
    """One document's whole text with this relation's passages as match blocks: each links to
    its twin on the other side (``side`` is ``s`` or ``d``; the twin is the other one)."""
    twin = "d" if side == "s" else "s"
    indexed = [(start, end, i) for i, (start, end) in enumerate(spans)]
    pieces: list[Piece] = []
    seen: set[int] = set()
    for start, end, i in _segments(text, indexed):
        if i < 0:
            pieces.append(Piece(text[start:end]))
            continue
        p = passages[i]
        pieces.append(
            Piece(
                text[start:end],
                cls=f"m c{i % PAIR_COLOURS}" + (" q" if p.kind == "quote" else ""),
                id="" if i in seen else f"{prefix}-{side}{i + 1}",
                href=f"#{prefix}-{twin}{i + 1}",
                title=f"passage {i + 1}: {p.kind}, similarity {p.similarity:.2f}",
                n=i + 1,
            )
        )
        seen.add(i)
    return pieces


def _strip(
    length: int,
    spans: Sequence[tuple[int, int]],
    passages: Sequence[Passage],
    prefix: str,
    side: str,
) -> list[StripMark]:
    marks = []
    scale = 1000 / max(length, 1)
    for i, (start, end) in enumerate(spans):
        y = round(min(start, length) * scale, 1)
        h = max(round((min(end, length) - min(start, length)) * scale, 1), 4.0)
        p = passages[i]
        marks.append(
            StripMark(
                y=min(y, 996.0),
                h=h,
                cls=f"c{i % PAIR_COLOURS}" + (" q" if p.kind == "quote" else ""),
                href=f"#{prefix}-{side}{i + 1}",
                title=f"passage {i + 1} ({p.kind}) at characters {start}–{end}",
            )
        )
    return marks


def _tokens(text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in _TOKEN.finditer(text)]


def _diff(left: str, right: str) -> tuple[list[Piece], list[Piece], bool]:
    """Word-level insert/delete/substitute marks for one passage (Levenshtein over words)."""
    lt, rt = _tokens(left), _tokens(right)
    if len(lt) > DIFF_TOKENS_MAX or len(rt) > DIFF_TOKENS_MAX:
        return [Piece(left)], [Piece(right)], False
    ops = Levenshtein.opcodes([left[a:b] for a, b in lt], [right[a:b] for a, b in rt])
    lcls = {"equal": "", "delete": "del", "replace": "sub", "insert": ""}
    rcls = {"equal": "", "delete": "", "replace": "sub", "insert": "ins"}

    def pieces(
        text: str, toks: list[tuple[int, int]], spans: list[tuple[int, int, str]]
    ) -> list[Piece]:
        out: list[Piece] = []
        pos = 0
        for i, j, cls in spans:
            if i == j:
                continue
            start, end = toks[i][0], toks[j - 1][1]
            if start > pos:
                out.append(Piece(text[pos:start]))
            out.append(Piece(text[start:end], cls=cls))
            pos = end
        if pos < len(text):
            out.append(Piece(text[pos:]))
        return out

    lspans = [(op.src_start, op.src_end, lcls[op.tag]) for op in ops]
    rspans = [(op.dest_start, op.dest_end, rcls[op.tag]) for op in ops]
    return pieces(left, lt, lspans), pieces(right, rt, rspans), True


# --- building the views ---------------------------------------------------------------------


def _relation_view(
    n: int,
    rel: Relation,
    source: DocView,
    derived: DocView,
    open_: bool,
    *,
    inline: bool,
    words: bool,
) -> RelationView:
    """``inline``: the full texts go into the HTML; ``words``: so does the word view.
    What does not is drawn by the page's script from the embedded texts."""
    prefix = f"r{n}"
    a_spans = [(p.a.start, p.a.end) for p in rel.passages]
    b_spans = [(p.b.start, p.b.end) for p in rel.passages]
    have_text = not (source.text_missing or derived.text_missing)
    passages = []
    for i, p in enumerate(rel.passages):
        if have_text and not words:
            break
        if source.text_missing or derived.text_missing:
            left, right, diffed = [Piece(_NO_TEXT, cls="missing")], [], False
            right = [Piece(_NO_TEXT, cls="missing")]
        else:
            left, right, diffed = _diff(
                source.doc.text[p.a.start : p.a.end], derived.doc.text[p.b.start : p.b.end]
            )
        passages.append(
            PassageView(
                n=i + 1,
                kind=p.kind,
                similarity=p.similarity,
                colour=f"c{i % PAIR_COLOURS}",
                source=(p.a.start, p.a.end),
                derived=(p.b.start, p.b.end),
                left=left,
                right=right,
                diffed=diffed,
            )
        )
    # read the word view in the derived document's order
    passages.sort(key=lambda v: (v.derived, v.source, v.n))
    if rel.direction == "source->derived":
        roles, arrow = ("source", "derived"), "→"
        direction_text = f"source → derived, confidence {rel.confidence:.2f}"
    elif rel.direction == "common-source":
        roles, arrow = ("first sibling", "second sibling"), "⇄"
        direction_text = f"siblings of a common source, confidence {rel.confidence:.2f}"
    else:
        roles, arrow = ("first", "second"), "—"
        direction_text = "direction undetermined (first and second in id order)"
    if rel.kind != "quotes":
        direction_text += f"; {DIRECTION_REASON_TEXT.get(rel.direction_reason, '')}"
    view = RelationView(
        n=n,
        anchor=f"rel-{n}",
        rel=rel,
        source=source,
        derived=derived,
        roles=roles,
        arrow=arrow,
        direction_text=direction_text,
        open=open_,
        passages=passages,
        left_text=[],
        right_text=[],
        left_strip=[],
        right_strip=[],
    )
    if have_text and not (inline and words):
        # compact, quote-free: "start,end,start,end,kind letter,similarity;..."
        view.lazy = ";".join(
            f"{p.a.start},{p.a.end},{p.b.start},{p.b.end},{p.kind[0]},{p.similarity:.2f}"
            for p in rel.passages
        )
        view.lazy_blocks, view.lazy_words = not inline, not words
        if not inline:
            return view
    if not source.text_missing:
        view.left_text = _full_text(source.doc.text, a_spans, rel.passages, prefix, "s")
        view.left_strip = _strip(len(source.doc.text) or 1, a_spans, rel.passages, prefix, "s")
    if not derived.text_missing:
        view.right_text = _full_text(derived.doc.text, b_spans, rel.passages, prefix, "d")
        view.right_strip = _strip(len(derived.doc.text) or 1, b_spans, rel.passages, prefix, "d")
    return view


def _head_of(layout: layout_.Layout, a: int, b: int, x: dict[int, float]) -> tuple[int, int]:
    """(tail, head) of an edge: the head, where its label sits, is the lower end (the derived
    document of a directed edge), or the right one of two in the same layer."""
    la, lb = layout.layer_of[a], layout.layer_of[b]
    if la != lb:
        return (a, b) if la < lb else (b, a)
    return (a, b) if x[a] <= x[b] else (b, a)


def _family(
    number: int, members: list[str], rels: list[RelationView], by_id: dict[str, DocView]
) -> Family:
    """A cluster too big to draw, as a ranked list: its source on top, then every member by
    how it relates to the source (directly first, strongest kind and largest share first, then
    the copies of copies through the copy they came from). ``rels`` are the essential
    relations (``layout.essential``): a copy of a copy is listed under that copy."""
    kind_rank = {k: i for i, k in enumerate(RELATION_KINDS)}
    incoming: dict[str, int] = defaultdict(int)
    children: dict[str, set[str]] = defaultdict(set)
    neighbours: dict[str, list[RelationView]] = defaultdict(list)
    for r in rels:
        neighbours[r.rel.source].append(r)
        neighbours[r.rel.derived].append(r)
        if r.rel.direction == "source->derived":
            incoming[r.rel.derived] += 1
            children[r.rel.source].add(r.rel.derived)

    def reach(node: str) -> int:
        seen, todo = {node}, [node]
        while todo:
            for c in children[todo.pop()]:
                if c not in seen:
                    seen.add(c)
                    todo.append(c)
        return len(seen)

    def date_key(node: str) -> tuple[int, str]:
        date = by_id[node].doc.date
        return (0, date) if date else (1, "")

    directed = any(children.values())
    if directed:
        root = min(
            (m for m in members if not incoming[m]),
            key=lambda m: (-reach(m), date_key(m), m),
            default=members[0],
        )
    else:
        root = min(members, key=lambda m: (-len(neighbours[m]), date_key(m), m))

    def other(r: RelationView, node: str) -> str:
        return r.rel.derived if r.rel.source == node else r.rel.source

    def share(r: RelationView, node: str) -> float:
        return r.rel.coverage_derived if r.rel.derived == node else r.rel.coverage_source

    def strength(r: RelationView, node: str) -> tuple[int, float, int]:
        return (kind_rank.get(r.rel.kind, 99), -share(r, node), r.n)

    # breadth first from the root: each member with the relation that reached it
    via: dict[str, tuple[int, RelationView | None]] = {root: (0, None)}
    frontier = [root]
    while frontier:
        found: dict[str, RelationView] = {}
        for node in frontier:
            for r in neighbours[node]:
                o = other(r, node)
                if o in via:
                    continue
                if o not in found or strength(r, o) < strength(found[o], o):
                    found[o] = r
        depth = via[frontier[0]][0] + 1
        for o, r in found.items():
            via[o] = (depth, r)
        frontier = sorted(found)
    rows = [FamilyRow(by_id[root], "source" if directed else "most related", None, None, 0.0)]
    rest = sorted(
        (m for m in members if m != root and m in via),
        key=lambda m: (via[m][0], *strength(via[m][1], m), m),  # type: ignore[arg-type]
    )
    for m in rest:
        depth, link = via[m]
        assert link is not None
        o = other(link, m)
        if link.rel.direction == "source->derived":
            role = "derived from" if link.rel.derived == m else "source of"
        elif link.rel.direction == "common-source":
            role = "sibling of"
        else:
            role = "related to"
        rows.append(
            FamilyRow(
                by_id[m], role, link, by_id[o] if depth > 1 or o != root else None, share(link, m)
            )
        )
    return Family(number=number, anchor=f"family-{number}", rows=rows, size=len(members))


def _graph(docs: Sequence[DocView], rels: Sequence[RelationView]) -> Graph:
    by_id = {d.doc.id: d for d in docs}
    drawn = [r for r in rels if r.rel.kind != "quotes"]
    # components of the drawn relations (the clusters), biggest first
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.get(x, x) != x:
            x = parent[x]
        return x

    for r in drawn:
        a, b = find(r.rel.source), find(r.rel.derived)
        if a != b:
            parent[max(a, b)] = min(a, b)
    groups: dict[str, list[str]] = defaultdict(list)
    for r in drawn:
        for node in (r.rel.source, r.rel.derived):
            if node not in groups[find(node)]:
                groups[find(node)].append(node)
    components = sorted(groups.values(), key=lambda g: (-len(g), min(g)))
    edges_of: dict[str, list[RelationView]] = defaultdict(list)
    for r in drawn:
        edges_of[find(r.rel.source)].append(r)
    for members in components:
        members.sort()
    edge_labels = (
        sum(
            len(_essential(m, edges_of[find(m[0])])) for m in components if len(m) <= GRAPH_DRAW_MAX
        )
        <= GRAPH_EDGE_LABELS_MAX
    )

    nodes: list[GraphNode] = []
    edges: list[GraphEdge] = []
    boxes: list[GraphBox] = []
    families: list[Family] = []
    drawings: list[tuple[float, float, Callable[[float, float], None]]] = []
    for number, members in enumerate(components, start=1):
        crels = edges_of[find(members[0])]
        if len(members) > GRAPH_DRAW_MAX:
            family = _family(number, members, [crels[i] for i in _essential(members, crels)], by_id)
            families.append(family)
            title = f"cluster {number} · {len(members)} documents: listed below the graph"
            w = max(2 * _PAD + layout_.text_width(title, 11) + 20, 320.0)
            drawings.append((w, 40.0, _family_box(boxes, title, w, family.anchor)))
        else:
            drawings.append(
                _cluster_drawing(number, members, crels, by_id, nodes, edges, boxes, edge_labels)
            )
    # clusters on shelves, left to right, a new shelf when one is full
    x = y = float(_CLUSTER_GAP)
    shelf = 0.0
    for w, h, draw in drawings:
        if x > _CLUSTER_GAP and x + w > _GRAPH_WIDTH - _CLUSTER_GAP:
            x, y, shelf = float(_CLUSTER_GAP), y + shelf + _CLUSTER_GAP, 0.0
        draw(x, y)
        x += w + _CLUSTER_GAP
        shelf = max(shelf, h)
    if drawings:
        y += shelf + _CLUSTER_GAP
    placed = {n.doc.doc.id for n in nodes} | {r.doc.doc.id for f in families for r in f.rows}
    isolated = [d for d in docs if d.doc.id not in placed]
    hidden = 0
    if len(isolated) > GRAPH_ISOLATED_MAX:
        hidden, isolated = len(isolated), []
    if isolated:
        title = "related to no other document"
        inner = _GRAPH_WIDTH - 2 * _CLUSTER_GAP - 2 * _PAD
        cx, cy, right = 0.0, 0.0, 0.0
        for d in isolated:
            lone = _node(d)
            if cx and cx + lone.w > inner:
                cx, cy = 0.0, cy + _NODE_H + _ROW_GAP
            lone.x, lone.y = _CLUSTER_GAP + _PAD + cx, y + _PAD + _TITLE_H + cy
            nodes.append(lone)
            cx += lone.w + _ROW_GAP
            right = max(right, cx - _ROW_GAP)
        h = 2 * _PAD + _TITLE_H + cy + _NODE_H
        w = max(2 * _PAD + right, layout_.text_width(title, 11) + 20)
        boxes.append(GraphBox(_CLUSTER_GAP, y, round(w, 1), round(h, 1), title))
        y += h + _CLUSTER_GAP
    width = max([_GRAPH_WIDTH / 2] + [b.x + b.w + _CLUSTER_GAP for b in boxes])
    for n in nodes:
        n.x, n.y = round(n.x, 1), round(n.y, 1)
    return Graph(
        width=round(width, 1),
        height=round(max(y, 60.0), 1),
        nodes=nodes,
        edges=edges,
        boxes=boxes,
        isolated_hidden=hidden,
        edge_labels=edge_labels,
        families=families,
    )


def _node(d: DocView) -> GraphNode:
    line1 = layout_.shorten(d.label, _LABEL_CHARS)
    line2 = layout_.shorten(
        (d.doc.date or "undated")[:10] + ("" if d.label == d.doc.id else " · " + visible(d.doc.id)),
        _LABEL_CHARS + 6,
    )
    w = max(layout_.text_width(line1, 12.5, bold=True), layout_.text_width(line2, 11)) + 16
    return GraphNode(doc=d, x=0.0, y=0.0, w=round(max(w, _NODE_MIN_W), 1), line1=line1, line2=line2)


def _family_box(
    boxes: list[GraphBox], title: str, w: float, href: str
) -> Callable[[float, float], None]:
    def draw(x: float, y: float) -> None:
        boxes.append(GraphBox(x, y, round(w, 1), 40.0, title, href=href))

    return draw


def _edge_label(r: RelationView) -> str:
    if r.rel.direction == "undetermined":
        return f"{r.rel.kind} · direction?"
    return f"{r.rel.kind} · {r.rel.confidence:.2f}"


def _essential(members: list[str], crels: list[RelationView]) -> list[int]:
    index = {m: i for i, m in enumerate(members)}
    every = [
        (index[r.rel.source], index[r.rel.derived], r.rel.direction == "source->derived")
        for r in crels
    ]
    return layout_.essential(len(members), every, [r.rel.score for r in crels])


def _cluster_drawing(
    number: int,
    members: list[str],
    crels: list[RelationView],
    by_id: dict[str, DocView],
    nodes: list[GraphNode],
    edges: list[GraphEdge],
    boxes: list[GraphBox],
    edge_labels: bool,
) -> tuple[float, float, Callable[[float, float], None]]:
    """One cluster drawn in layers (see ``layout``): its size, and what draws it at (x, y)."""
    index = {m: i for i, m in enumerate(members)}
    every = [
        (index[r.rel.source], index[r.rel.derived], r.rel.direction == "source->derived")
        for r in crels
    ]
    kept = _essential(members, crels)
    left_out = len(crels) - len(kept)
    pairs = [every[i] for i in kept]
    crels = [crels[i] for i in kept]
    lay = layout_.layered(len(members), pairs)
    own = [_node(by_id[m]) for m in members]
    labels = [_edge_label(r) for r in crels]
    widths: dict[int, float] = {}
    for node_id in lay.layer_of:
        widths[node_id] = own[node_id].w if node_id < len(members) else _PLACEHOLDER_W
    # first pass of places, to know each edge's head; the head's box must hold its labels
    x0 = layout_.place(lay, widths, _ROW_GAP)
    heads: dict[int, list[int]] = defaultdict(list)  # head member -> edge indices
    ends: list[tuple[int, int]] = []
    for e, (a, b, _) in enumerate(pairs):
        tail, head = _head_of(lay, a, b, x0)
        ends.append((tail, head))
        heads[head].append(e)
    if edge_labels:
        for head, es in heads.items():
            need = max(layout_.text_width(labels[e], 11.5, bold=True) for e in es) + 12
            if need > widths[head]:
                widths[head] = own[head].w = round(need, 1)
    x = layout_.place(lay, widths, _ROW_GAP)
    # vertical: each layer's channel above it holds its label stacks and the edges' bends
    stack = {head: (len(es) if edge_labels else 0) for head, es in heads.items()}
    arcs = {lay.layer_of[a] for a, b, _ in pairs if lay.layer_of[a] == lay.layer_of[b]}
    tops: list[float] = []
    y = _PAD + _TITLE_H
    for k, row in enumerate(lay.layers):
        labels_h = max((stack.get(n, 0) for n in row), default=0) * _LABEL_H
        channel = labels_h + (_ARC_H if k in arcs else 0) + (_CHANNEL_H if k else 0)
        y += channel
        tops.append(y)
        y += _NODE_H
    content_w = max((x[n] + widths[n] / 2 for n in lay.layer_of), default=0.0)
    title = f"cluster {number} · {len(members)} documents"
    if left_out:
        plural = "" if left_out == 1 else "s"
        title += f" · {left_out} relation{plural} that the drawn ones imply are in the table"
    w = round(max(2 * _PAD + content_w, layout_.text_width(title, 11) + 20), 1)
    h = round(y + _PAD, 1)

    def draw(bx: float, by: float) -> None:
        boxes.append(GraphBox(bx, by, w, h, title))
        left = bx + _PAD

        def top(n: int) -> float:
            return by + tops[lay.layer_of[n]]

        for i, node in enumerate(own):
            node.x, node.y = left + x[i] - widths[i] / 2, top(i)
            nodes.append(node)
        # ports: where edges leave a box (bottom) and enter one (top), spread by the other end
        out_ports: dict[int, list[tuple[float, int]]] = defaultdict(list)
        in_ports: dict[int, list[tuple[float, int]]] = defaultdict(list)
        for e, (tail, head) in enumerate(ends):
            chain = lay.chains[e] if lay.chains[e][0] == tail else lay.chains[e][::-1]
            out_ports[tail].append((x[chain[1]], e))
            in_ports[head].append((x[chain[-2]], e))

        def port(ports: dict[int, list[tuple[float, int]]], n: int, e: int) -> float:
            order = sorted(ports[n])
            k = [i for _, i in order].index(e)
            return left + x[n] - widths[n] / 2 + widths[n] * (k + 1) / (len(order) + 1)

        for e, (tail, head) in enumerate(ends):
            r = crels[e]
            chain = lay.chains[e] if lay.chains[e][0] == tail else lay.chains[e][::-1]
            x1, x2 = port(out_ports, tail, e), port(in_ports, head, e)
            if lay.layer_of[tail] == lay.layer_of[head]:
                ty = top(tail)
                lift = ty - _ARC_H - stack.get(head, 0) * _LABEL_H + 6
                path = (
                    f"M{x1:.1f},{ty:.1f} C{x1:.1f},{lift:.1f} {x2:.1f},{lift:.1f} {x2:.1f},{ty:.1f}"
                )
            else:
                points = [(x1, top(tail) + _NODE_H)]
                for v in chain[1:-1]:
                    points += [(left + x[v], top(v)), (left + x[v], top(v) + _NODE_H)]
                points.append((x2, top(head) - stack.get(head, 0) * _LABEL_H - 2))
                parts = [f"M{points[0][0]:.1f},{points[0][1]:.1f}"]
                for i in range(0, len(points) - 1, 2):
                    (ax, ay), (cx, cy) = points[i], points[i + 1]
                    mid = (ay + cy) / 2
                    parts.append(f"C{ax:.1f},{mid:.1f} {cx:.1f},{mid:.1f} {cx:.1f},{cy:.1f}")
                    if i + 2 < len(points):
                        parts.append(f"L{points[i + 2][0]:.1f},{points[i + 2][1]:.1f}")
                path = " ".join(parts)
            # the label: stacked above the head, nearest first in the order of the ports
            order = [i for _, i in sorted(in_ports[head])]
            k = order.index(e)
            lx = left + x[head]
            ly = top(head) - 5 - k * _LABEL_H
            edges.append(GraphEdge(r, path, round(lx, 1), round(ly, 1), labels[e]))

    return w, h, draw


# --- rendering ------------------------------------------------------------------------------


_BIDI_CONTROLS = dict.fromkeys([*range(0x202A, 0x202F), *range(0x2066, 0x206A)], "\ufffd")
"""Bidi embeddings, overrides and isolates: a document could reverse how the text after them
reads (spoofing what was copied). Each shows as U+FFFD, one character for one, so offsets
into the text stay right."""


def _shown(value: object) -> object:
    """Jinja2 ``finalize``: every printed string without bidi controls (then autoescaped)."""
    return value.translate(_BIDI_CONTROLS) if isinstance(value, str) else value


@cache
def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        finalize=_shown,
        loader=jinja2.PackageLoader("provenance.report", "templates"),
        autoescape=True,  # every template, whatever its name: all document text is untrusted
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["percent"] = _percent
    env.filters["v"] = lambda value: visible(str(value))
    env.filters["ids"] = _breakable
    return env


@cache
def _asset(name: str) -> str:
    text = resources.files("provenance.report").joinpath("templates", name).read_text("utf-8")
    closing = "</style" if name.endswith(".css") else "</script"
    if closing in text.lower():  # would end the inline block early
        raise RuntimeError(f"{name} must not contain {closing}")
    return text


def _texts_json(docs: Sequence[DocView]) -> markupsafe.Markup:
    """Every document's text as JSON for a ``<script type="application/json">`` block: ``<``,
    ``>`` and ``&`` (and U+2028/9) escaped, so no text can close the block or open a comment."""
    data = json.dumps(
        {str(d.n): d.doc.text.translate(_BIDI_CONTROLS) for d in docs}, ensure_ascii=False
    )
    for char, escape in (
        ("<", "\\u003c"),
        (">", "\\u003e"),
        ("&", "\\u0026"),
        ("\u2028", "\\u2028"),
        ("\u2029", "\\u2029"),
    ):
        data = data.replace(char, escape)
    return markupsafe.Markup(data)  # noqa: S704  # escaped just above; a data block, never run


def _hash(text: str) -> str:
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


def render(result: TraceResult, *, title: str | None = None) -> str:
    """The whole report as one HTML document (a string). Deterministic: the same result
    gives the same text."""
    css, js = _asset("report.css"), _asset("report.js")
    csp = "; ".join(
        [
            "default-src 'none'",
            f"style-src {_hash(css)}",
            f"script-src {_hash(js)}",
            "img-src data:",
            "base-uri 'none'",
            "form-action 'none'",
        ]
    )
    ends = _span_ends(result.relations)
    docs = [
        DocView(
            n=i + 1,
            anchor=f"doc-{i + 1}",
            doc=d,
            label=_label(d),
            text_missing=len(d.text) < ends.get(d.id, 0),
        )
        for i, d in enumerate(result.documents)
    ]
    by_id = {d.doc.id: d for d in docs}
    open_all = len(result.relations) <= OPEN_DETAILS_MAX
    shown = sum(
        len(by_id[r.source].doc.text) + len(by_id[r.derived].doc.text)
        for r in result.relations
        if r.source in by_id and r.derived in by_id
    )
    inline = shown <= INLINE_TEXT_MAX_CHARS
    budget = INLINE_PASSAGE_MAX_CHARS
    rels: list[RelationView] = []
    for n, rel in enumerate(result.relations, start=1):
        source, derived = by_id.get(rel.source), by_id.get(rel.derived)
        if source is None or derived is None:
            missing = rel.source if source is None else rel.derived
            raise ReportError(f"relation {n} names {missing!r}, which is not among the documents")
        open_ = open_all and rel.kind != "quotes"
        budget -= sum(len(p.a) + len(p.b) for p in rel.passages)
        words = inline or budget >= 0
        view = _relation_view(n, rel, source, derived, open_, inline=inline, words=words)
        rels.append(view)
        source.relations.append((view.anchor, rel.kind, view.roles[0], derived.label))
        derived.relations.append((view.anchor, rel.kind, view.roles[1], source.label))
    kinds = {k: sum(1 for r in result.relations if r.kind == k) for k in RELATION_KINDS}
    stripped: dict[str, list[int]] = {}
    for d in result.documents:
        for s in d.stripped:
            entry = stripped.setdefault(s.kind, [0, 0])
            entry[0] += 1
            entry[1] += s.chars
    return (
        _environment()
        .get_template("report.html.j2")
        .render(
            title=visible(title or "provenance report"),
            big=len(rels) > BIG_REPORT_RELATIONS,
            version=__version__,
            csp=csp,
            css=markupsafe.Markup(css),  # noqa: S704  # package data, never document text
            js=markupsafe.Markup(js),  # noqa: S704  # package data, never document text
            docs=docs,
            rels=rels,
            kinds=kinds,
            passage_kinds=PASSAGE_KINDS,
            stripped=sorted(stripped.items()),
            clusters=result.clusters,
            skipped=result.skipped,
            graph=_graph(docs, rels),
            text_missing=[d for d in docs if d.text_missing],
            colours=range(PAIR_COLOURS),
            texts=_texts_json([d for d in docs if d.relations])
            if any(r.lazy for r in rels)
            else None,
            node_h=_NODE_H,
        )
    )


def write(result: TraceResult, path: str | os.PathLike[str], *, title: str | None = None) -> None:
    """Write ``render(result)`` to ``path`` as UTF-8, atomically (see ``atomic``). Raises
    ``OSError`` when it cannot; an existing file is then left as it was."""
    atomic.write_text(path, render(result, title=title))
