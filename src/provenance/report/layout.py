"""Layered drawing of one cluster of the derivation graph, for the HTML report.

Sources sit above what derives from them (the layer of a document is the longest chain of
``source -> derived`` relations leading to it); documents joined only by undirected relations
(siblings of a common source, direction undetermined) sit in the layer of the document they
are joined to, side by side. An edge that spans several layers goes through one narrow
placeholder per layer in between, so it never crosses a document. Within each layer the order
comes from barycentre sweeps (down and up, the ordering with the fewest crossings kept), and
the horizontal places from isotonic regression towards the neighbours' centres, with a minimum
gap. Everything is deterministic: the same input gives the same numbers.

Widths come from ``text_width``, an estimate of DejaVu Sans (the report's font) that errs on the
wide side, so a label sized by it fits its box.
"""

from __future__ import annotations

import itertools
import unicodedata
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import networkx as nx

__all__ = ["Layout", "essential", "layered", "place", "shorten", "text_width"]

# advance widths of DejaVu Sans in em, by character class; bold is about 10 % wider
_NARROW = frozenset("ijl.,:;'|!`")
_SLIM = frozenset('frtI()[]{}-/\\ "')
_WIDE = frozenset("mwMW@%")
_CAPS_WIDE = frozenset("ABCDGHKNOQRUVXY&")


def _char_em(ch: str) -> float:
    if ch in _NARROW:
        return 0.32
    if ch in _SLIM:
        return 0.42
    if ch in _WIDE:
        return 1.0
    if ch in _CAPS_WIDE:
        return 0.78
    if ch.isascii():
        return 0.66
    if unicodedata.east_asian_width(ch) in ("W", "F"):
        return 1.05
    if unicodedata.combining(ch):
        return 0.0
    return 0.8


def text_width(text: str, size: float, *, bold: bool = False) -> float:
    """An upper estimate of ``text``'s width in px at font size ``size``."""
    return sum(_char_em(ch) for ch in text) * size * (1.1 if bold else 1.0)


def shorten(text: str, limit: int) -> str:
    """``text`` on one line, cut to ``limit`` characters with an ellipsis."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


@dataclass(slots=True)
class Layout:
    """Layers from top to bottom, each in drawing order. A node is an index into the members
    (``0 .. len(members) - 1``) or, from ``len(members)`` on, a placeholder of a long edge."""

    members: int
    layers: list[list[int]]
    layer_of: dict[int, int]
    chains: dict[int, list[int]]
    """For each edge (its index in the input) the nodes it passes through, ends included."""
    crossings: int


def _acyclic(graph: nx.DiGraph) -> nx.DiGraph:
    """``graph`` less the edges that close a cycle (the greatest one of each cycle found)."""
    graph = graph.copy()
    while True:
        try:
            cycle = nx.find_cycle(graph)
        except nx.NetworkXNoCycle:
            return graph
        u, v = max((a, b) for a, b, *_ in cycle)
        graph.remove_edge(u, v)


def _crossings(upper: Sequence[int], lower: Sequence[int], links: set[tuple[int, int]]) -> int:
    pos_u = {n: i for i, n in enumerate(upper)}
    pos_l = {n: i for i, n in enumerate(lower)}
    pairs = sorted((pos_u[a], pos_l[b]) for a, b in links if a in pos_u and b in pos_l)
    return sum(
        1 for (a1, b1), (a2, b2) in itertools.combinations(pairs, 2) if (a1 - a2) * (b1 - b2) < 0
    )


def essential(
    n: int, edges: Sequence[tuple[int, int, bool]], weights: Sequence[float]
) -> list[int]:
    """The edges worth drawing (their indices, in input order): the directed edges that no
    longer chain of directed edges implies (transitive reduction), then the undirected ones,
    strongest first (``weights``), that join members not yet joined by what is kept. Siblings
    of a source that is drawn, and pairs that a drawn path already connects, are left out:
    in a family where every copy matches every other, that is nearly all of the edges."""
    directed = nx.DiGraph()
    directed.add_nodes_from(range(n))
    directed.add_edges_from(sorted((a, b) for a, b, d in edges if d and a != b))
    reduced = nx.transitive_reduction(_acyclic(directed))
    keep: list[int] = []
    parent = list(range(n))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for i, (a, b, d) in enumerate(edges):
        if d and reduced.has_edge(a, b):
            keep.append(i)
            parent[find(a)] = find(b)
    for i in sorted(
        (i for i, (_, _, d) in enumerate(edges) if not d), key=lambda i: (-weights[i], i)
    ):
        a, b, _ = edges[i]
        if find(a) != find(b):
            keep.append(i)
            parent[find(a)] = find(b)
    return sorted(keep)


def layered(
    n: int, edges: Sequence[tuple[int, int, bool]], *, max_row: int = 5, sweeps: int = 12
) -> Layout:
    """Layer and order ``n`` members joined by ``edges`` ``(a, b, directed)``: a directed edge
    puts ``a`` (the source) above ``b``. A layer of more than ``max_row`` members is split
    into rows of at most that many, leaves pushed down first (as in Coffman-Graham layering),
    so a source with many copies is drawn as a block of rows, not one very wide row."""
    directed = nx.DiGraph()
    directed.add_nodes_from(range(n))
    directed.add_edges_from(sorted((a, b) for a, b, d in edges if d and a != b))
    dag = _acyclic(directed)
    layer: dict[int, int] = {}
    for node in nx.lexicographical_topological_sort(dag):
        preds = list(dag.predecessors(node))
        if preds:
            layer[node] = 1 + max(layer[p] for p in preds)
        elif dag.out_degree(node):
            layer[node] = 0
    # members with no directed relation: the layer of a neighbour (siblings side by side)
    undirected: dict[int, list[int]] = defaultdict(list)
    for a, b, d in edges:
        if not d and a != b:
            undirected[a].append(b)
            undirected[b].append(a)
    pending = [m for m in range(n) if m not in layer]
    while pending:
        placed = [m for m in pending if any(x in layer for x in undirected[m])]
        if not placed:
            layer[pending[0]] = 0
            placed = [pending[0]]
        else:
            for m in placed:
                layer[m] = min(layer[x] for x in undirected[m] if x in layer)
        pending = [m for m in pending if m not in layer]
    # split wide layers: the rows past the first go below it, every later layer moves down
    by_layer: dict[int, list[int]] = defaultdict(list)
    for m in sorted(layer):
        by_layer[layer[m]].append(m)
    shift = 0
    for k in sorted(by_layer):
        row = sorted(by_layer[k], key=lambda m: (dag.out_degree(m) == 0, m))
        for i, m in enumerate(row):
            layer[m] = k + shift + i // max_row
        shift += (len(row) - 1) // max_row
    # placeholders for edges spanning more than one layer
    next_id = n
    chains: dict[int, list[int]] = {}
    for index, (a, b, _) in enumerate(edges):
        top, bottom = (a, b) if layer[a] <= layer[b] else (b, a)
        chain = [top]
        for k in range(layer[top] + 1, layer[bottom]):
            layer[next_id] = k
            chain.append(next_id)
            next_id += 1
        chain.append(bottom)
        chains[index] = chain if top == a else chain[::-1]
    depth = 1 + max(layer.values(), default=0)
    layers: list[list[int]] = [[] for _ in range(depth)]
    for node in sorted(layer):
        layers[layer[node]].append(node)
    # start with the placeholders spread among the members, so that where the sweeps tie
    # (copies of one source) long edges pass between the members, not beside them all
    for k, row in enumerate(layers):
        real = [m for m in row if m < n]
        extra = [m for m in row if m >= n]
        spots = {m: (i + 0.5) / len(real) for i, m in enumerate(real)}
        spots.update({m: (j + 1) / (len(extra) + 1) for j, m in enumerate(extra)})
        layers[k] = sorted(row, key=lambda m: (spots[m], m))
    links: set[tuple[int, int]] = set()
    for chain in chains.values():
        for u, v in itertools.pairwise(chain):
            if layer[u] != layer[v]:
                links.add((u, v) if layer[u] < layer[v] else (v, u))
    up: dict[int, list[int]] = defaultdict(list)
    down: dict[int, list[int]] = defaultdict(list)
    for u, v in sorted(links):
        down[u].append(v)
        up[v].append(u)

    def total(order: list[list[int]]) -> int:
        return sum(_crossings(a, b, links) for a, b in itertools.pairwise(order))

    def sweep(order: list[list[int]], downward: bool) -> list[list[int]]:
        order = [list(row) for row in order]
        rng = range(1, depth) if downward else range(depth - 2, -1, -1)
        for k in rng:
            ref = order[k - 1] if downward else order[k + 1]
            pos = {node: i for i, node in enumerate(ref)}
            near = up if downward else down
            keys = {}
            for i, node in enumerate(order[k]):
                others = [pos[x] for x in near[node] if x in pos]
                keys[node] = (sum(others) / len(others) if others else float(i), i)
            order[k].sort(key=keys.__getitem__)
        return order

    best, best_count = layers, total(layers)
    order = layers
    for i in range(sweeps):
        if best_count == 0:
            break
        order = sweep(order, downward=i % 2 == 0)
        count = total(order)
        if count < best_count:
            best, best_count = order, count
    return Layout(members=n, layers=best, layer_of=layer, chains=chains, crossings=best_count)


def _isotonic(targets: Sequence[float], gaps: Sequence[float]) -> list[float]:
    """Positions closest (least squares) to ``targets`` with ``x[i+1] - x[i] >= gaps[i]``."""
    offsets = [0.0]
    for g in gaps:
        offsets.append(offsets[-1] + g)
    values = [t - o for t, o in zip(targets, offsets, strict=True)]
    blocks: list[list[float]] = []  # [mean, count]
    for v in values:
        blocks.append([v, 1.0])
        while len(blocks) > 1 and blocks[-2][0] > blocks[-1][0]:
            m2, c2 = blocks.pop()
            m1, c1 = blocks.pop()
            blocks.append([(m1 * c1 + m2 * c2) / (c1 + c2), c1 + c2])
    fitted = [m for m, c in blocks for _ in range(int(c))]
    return [f + o for f, o in zip(fitted, offsets, strict=True)]


def place(
    layout: Layout,
    widths: Mapping[int, float],
    gap: float,
    *,
    small_gap: float = 8.0,
    passes: int = 4,
) -> dict[int, float]:
    """The centre x of every node: each layer keeps its order with ``gap`` between members
    (``small_gap`` beside a placeholder), and moves towards the centres of its neighbours in
    the layer above, then below, in turn."""

    def space(a: int, b: int) -> float:
        between = gap if a < layout.members and b < layout.members else small_gap
        return (widths[a] + widths[b]) / 2 + between

    up: dict[int, list[int]] = defaultdict(list)
    down: dict[int, list[int]] = defaultdict(list)
    for chain in layout.chains.values():
        for u, v in itertools.pairwise(chain):
            lu, lv = layout.layer_of[u], layout.layer_of[v]
            if lu < lv:
                down[u].append(v)
                up[v].append(u)
            elif lv < lu:
                down[v].append(u)
                up[u].append(v)
    x: dict[int, float] = {}
    for row in layout.layers:
        pos = 0.0
        for i, node in enumerate(row):
            x[node] = pos if i == 0 else pos + space(row[i - 1], node)
            pos = x[node]
    for i in range(passes):
        downward = i % 2 == 0
        rows = layout.layers[1:] if downward else layout.layers[-2::-1]
        for row in rows:
            near = up if downward else down
            targets = []
            for node in row:
                others = [x[o] for o in near[node]]
                targets.append(sum(others) / len(others) if others else x[node])
            gaps = [space(a, b) for a, b in itertools.pairwise(row)]
            for node, value in zip(row, _isotonic(targets, gaps), strict=True):
                x[node] = value
    left = min((x[node] - widths[node] / 2 for node in x), default=0.0)
    return {node: round(value - left, 1) for node, value in x.items()}
