"""The HTML report: one self-contained file (no network, no server) showing the derivation
graph, a sortable table of relations and every aligned passage, side by side.

``render(result) -> str`` and ``write(result, path)`` are the whole API; neither depends on the
command line. Every document is untrusted: all of its text goes through Jinja2's autoescape
(nothing document-derived is marked safe), the page carries a Content-Security-Policy that
allows only the one inline stylesheet and the one inline script by their SHA-256 hashes
(``default-src 'none'``: nothing can be loaded), there are no inline event handlers, and URLs
from documents are shown as text, never as links.

Layout of the graph is computed here (layered: sources left of what they derived, one box per
cluster), so the file needs nothing external and the same result gives the same bytes.
"""

from __future__ import annotations

import base64
import hashlib
import itertools
import json
import os
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

import jinja2
import markupsafe
from rapidfuzz.distance import Levenshtein

from provenance import __version__
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
from provenance.report import atomic

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

# graph geometry, in SVG user units
_NODE_W, _NODE_H = 220, 44
_GAP_X, _GAP_Y = 130, 30
_PAD = 18
_CLUSTER_GAP = 22
_GRAPH_WIDTH = 1160
_LABEL_CHARS = 26

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
    line1: str
    line2: str


@dataclass(slots=True)
class GraphEdge:
    rel: RelationView
    d: str
    """SVG path: a straight segment, or an arc beside the column for two documents in the
    same column that are not next to each other (a straight line would cross the ones between)."""
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


@dataclass(slots=True)
class Graph:
    width: float
    height: float
    nodes: list[GraphNode]
    edges: list[GraphEdge]
    boxes: list[GraphBox]
    isolated_hidden: int
    edge_labels: bool


# --- helpers --------------------------------------------------------------------------------


def _short(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _label(doc: Document) -> str:
    return " ".join(doc.title.split()) if doc.title and doc.title.strip() else doc.id


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


def _layer_component(members: list[str], edges: list[Relation]) -> dict[str, tuple[int, int]]:
    """(layer, row) for each member: a source sits one layer left of what it derived; nodes
    with no directed edge sit in layer 0; rows follow the parents' rows (one barycentre pass)."""
    preds: dict[str, list[str]] = defaultdict(list)
    for r in edges:
        if r.direction == "source->derived":
            preds[r.derived].append(r.source)
    layer: dict[str, int] = {}

    def depth(node: str, guard: frozenset[str] = frozenset()) -> int:
        if node in layer:
            return layer[node]
        parents = [p for p in preds.get(node, []) if p not in guard]
        value = 0 if not parents else 1 + max(depth(p, guard | {node}) for p in parents)
        layer[node] = value
        return value

    if not preds:  # no direction inside: side by side, three to a row
        return {m: (i % 3, i // 3) for i, m in enumerate(members)}
    for m in members:
        depth(m)
    by_layer: dict[int, list[str]] = defaultdict(list)
    for m in members:
        by_layer[layer[m]].append(m)
    row: dict[str, float] = {}
    out: dict[str, tuple[int, int]] = {}
    for k in sorted(by_layer):
        nodes = by_layer[k]

        def key(node: str) -> tuple[float, str]:
            parents = [row[p] for p in preds.get(node, []) if p in row]
            return (sum(parents) / len(parents) if parents else float("inf"), node)

        nodes.sort(key=key)
        for i, node in enumerate(nodes):
            row[node] = i
            out[node] = (k, i)
    return out


def _clip(cx: float, cy: float, tx: float, ty: float) -> tuple[float, float]:
    """Where the segment from the centre of a node box towards (tx, ty) leaves the box."""
    dx, dy = tx - cx, ty - cy
    if dx == 0 and dy == 0:
        return cx, cy
    hw, hh = _NODE_W / 2 + 3, _NODE_H / 2 + 3
    scale = min(hw / abs(dx) if dx else float("inf"), hh / abs(dy) if dy else float("inf"))
    return cx + dx * scale, cy + dy * scale


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
    edges_of: dict[str, list[Relation]] = defaultdict(list)
    for r in drawn:
        edges_of[find(r.rel.source)].append(r.rel)

    positions: dict[str, tuple[float, float]] = {}
    boxes: list[GraphBox] = []
    x = y = float(_CLUSTER_GAP)
    shelf = 0.0
    for number, members in enumerate(components, start=1):
        members.sort()
        cells = _layer_component(members, edges_of[find(members[0])])
        layers = 1 + max(c[0] for c in cells.values())
        rows = 1 + max(c[1] for c in cells.values())
        w = 2 * _PAD + layers * _NODE_W + (layers - 1) * _GAP_X
        h = 2 * _PAD + 14 + rows * _NODE_H + (rows - 1) * _GAP_Y
        if x > _CLUSTER_GAP and x + w > _GRAPH_WIDTH - _CLUSTER_GAP:
            x, y, shelf = float(_CLUSTER_GAP), y + shelf + _CLUSTER_GAP, 0.0
        boxes.append(GraphBox(x, y, w, h, f"cluster {number} · {len(members)} documents"))
        for node, (layer, row_) in cells.items():
            positions[node] = (
                x + _PAD + layer * (_NODE_W + _GAP_X),
                y + _PAD + 14 + row_ * (_NODE_H + _GAP_Y),
            )
        x += w + _CLUSTER_GAP
        shelf = max(shelf, h)
    if components:
        y += shelf + _CLUSTER_GAP
    isolated = [d for d in docs if d.doc.id not in positions]
    hidden = 0
    if len(isolated) > GRAPH_ISOLATED_MAX:
        hidden, isolated = len(isolated), []
    if isolated:
        per_row = max(1, int((_GRAPH_WIDTH - 2 * _CLUSTER_GAP - 2 * _PAD) // (_NODE_W + 24)))
        rows = (len(isolated) + per_row - 1) // per_row
        h = 2 * _PAD + 14 + rows * _NODE_H + (rows - 1) * _GAP_Y
        w = 2 * _PAD + min(per_row, len(isolated)) * (_NODE_W + 24) - 24
        boxes.append(GraphBox(_CLUSTER_GAP, y, w, h, "related to no other document"))
        for i, d in enumerate(isolated):
            positions[d.doc.id] = (
                _CLUSTER_GAP + _PAD + (i % per_row) * (_NODE_W + 24),
                y + _PAD + 14 + (i // per_row) * (_NODE_H + _GAP_Y),
            )
        y += h + _CLUSTER_GAP
    width = max([_GRAPH_WIDTH / 2] + [b.x + b.w + _CLUSTER_GAP for b in boxes])
    nodes = [
        GraphNode(
            doc=d,
            x=positions[d.doc.id][0],
            y=positions[d.doc.id][1],
            line1=_short(d.label, _LABEL_CHARS),
            line2=(d.doc.date or "undated")[:10]
            + ("" if d.label == d.doc.id else " · " + d.doc.id),
        )
        for d in docs
        if d.doc.id in positions
    ]
    for gn in nodes:
        gn.line2 = _short(gn.line2, _LABEL_CHARS + 6)
    edges = []
    for r in drawn:
        sx, sy = positions[r.rel.source]
        dx, dy = positions[r.rel.derived]
        scx, scy = sx + _NODE_W / 2, sy + _NODE_H / 2
        dcx, dcy = dx + _NODE_W / 2, dy + _NODE_H / 2
        kind = r.rel.kind
        label = (
            f"{kind} · {r.rel.confidence:.2f}"
            if r.rel.direction != "undetermined"
            else f"{kind} · direction?"
        )
        if sx == dx and abs(sy - dy) > _NODE_H + _GAP_Y + 1:
            # same column, not adjacent: bow out to the right of the column
            x1 = x2 = sx + _NODE_W + 3
            bulge = x1 + min(_GAP_X - 20, 30 + abs(sy - dy) / 6)
            cy = (scy + dcy) / 2
            path = f"M{x1:.1f},{scy:.1f} Q{bulge:.1f},{cy:.1f} {x2:.1f},{dcy:.1f}"
            lx, ly = (x1 + bulge) / 2 + 4, cy
        else:
            x1, y1 = _clip(scx, scy, dcx, dcy)
            x2, y2 = _clip(dcx, dcy, scx, scy)
            path = f"M{x1:.1f},{y1:.1f} L{x2:.1f},{y2:.1f}"
            lx, ly = (x1 + x2) / 2, (y1 + y2) / 2 - 7
        edges.append(GraphEdge(r, path, round(lx, 1), round(ly, 1), label))
    del by_id
    return Graph(
        width=round(width, 1),
        height=round(max(y, 60.0), 1),
        nodes=nodes,
        edges=edges,
        boxes=boxes,
        isolated_hidden=hidden,
        edge_labels=len(edges) <= GRAPH_EDGE_LABELS_MAX,
    )


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
            title=title or "provenance report",
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
            node_w=_NODE_W,
            node_h=_NODE_H,
        )
    )


def write(result: TraceResult, path: str | os.PathLike[str], *, title: str | None = None) -> None:
    """Write ``render(result)`` to ``path`` as UTF-8, atomically (see ``atomic``). Raises
    ``OSError`` when it cannot; an existing file is then left as it was."""
    atomic.write_text(path, render(result, title=title))
