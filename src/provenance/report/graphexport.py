"""The derivation graph as a file for other tools, the format chosen by the file's suffix:

- ``.graphml``: GraphML (yEd, Cytoscape, networkx)
- ``.gexf``: GEXF 1.2 (Gephi)
- ``.dot`` / ``.gv``: Graphviz DOT
- ``.json``: node-link JSON (d3, ``networkx.node_link_graph(data, edges="links")``)

Nodes are documents, with their metadata (``path``, ``title``, ``date``, ``author``, ``url``,
``format``, ``chars``, ``cluster``: the index of its cluster in the result, -1 for none). Edges
are relations, drawn source -> derived (for ``undetermined`` and ``common-source`` pairs, in id
order, as in the JSON), with ``kind``, ``direction``, ``directed`` (true only for
``source->derived``), ``confidence``, ``score``, ``coverage_source``, ``coverage_derived`` and
``passages`` (their count). Missing metadata is left out rather than written as empty.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

import networkx as nx

from provenance.errors import ProvenanceError
from provenance.models import TraceResult
from provenance.store import atomic

__all__ = ["FORMATS", "GraphFormatError", "dumps", "to_networkx", "write"]

FORMATS = {".graphml": "graphml", ".gexf": "gexf", ".dot": "dot", ".gv": "dot", ".json": "json"}
"""File suffix -> format."""

# characters XML 1.0 cannot carry at all (even escaped); documents are untrusted
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


_XML_DECL = '<?xml version="1.0" encoding="utf-8"?>\n'
_GEXF_DATE = re.compile(r'<meta lastmodifieddate="[^"]*">')


class GraphFormatError(ProvenanceError):
    """The graph file's suffix names no format we write."""


def format_for(path: str | os.PathLike[str]) -> str:
    """The export format for ``path`` from its suffix; ``GraphFormatError`` names the choices."""
    suffix = Path(path).suffix.lower()
    if suffix not in FORMATS:
        choices = ", ".join(FORMATS)
        raise GraphFormatError(
            f"cannot tell the graph format from {os.fspath(path)!r}: end it in one of {choices}"
        )
    return FORMATS[suffix]


def _clean(value: Any) -> Any:
    return _NOT_XML.sub("\ufffd", value) if isinstance(value, str) else value


def to_networkx(result: TraceResult) -> nx.DiGraph:
    """Documents as nodes and relations as edges, with the attributes described above."""
    cluster_of = {doc: i for i, members in enumerate(result.clusters) for doc in members}
    graph = nx.DiGraph()
    for d in result.documents:
        attrs: dict[str, Any] = {
            "label": d.title or d.id,
            "path": d.path,
            "title": d.title,
            "date": d.date,
            "author": d.author,
            "url": d.url,
            "format": d.format,
            "chars": len(d.text),
            "cluster": cluster_of.get(d.id, -1),
        }
        graph.add_node(d.id, **{k: v for k, v in attrs.items() if v is not None})
    for r in result.relations:
        graph.add_edge(
            r.source,
            r.derived,
            kind=r.kind,
            direction=r.direction,
            directed=r.direction == "source->derived",
            confidence=round(r.confidence, 4),
            score=round(r.score, 4),
            coverage_source=round(r.coverage_source, 4),
            coverage_derived=round(r.coverage_derived, 4),
            passages=len(r.passages),
        )
    return graph


def _xml_safe(graph: nx.DiGraph) -> nx.DiGraph:
    safe = nx.DiGraph()
    for node, attrs in graph.nodes(data=True):
        safe.add_node(_clean(node), **{k: _clean(v) for k, v in attrs.items()})
    for a, b, attrs in graph.edges(data=True):
        safe.add_edge(_clean(a), _clean(b), **attrs)
    return safe


def _dot_id(value: Any) -> str:
    """A DOT double-quoted string: backslashes and quotes escaped, line breaks as ``\\n``."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    text = str(value).replace("\\", "\\\\").replace('"', '\\"')
    text = text.replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n")
    return '"' + _NOT_XML.sub("\ufffd", text) + '"'


def _dot(graph: nx.DiGraph) -> str:
    def attrs(values: dict[str, Any]) -> str:
        return ", ".join(f"{k}={_dot_id(v)}" for k, v in values.items())

    lines = ["digraph provenance {", "  node [shape=box];"]
    for node, values in graph.nodes(data=True):
        lines.append(f"  {_dot_id(node)} [{attrs(values)}];")
    for a, b, values in graph.edges(data=True):
        style = {} if values["directed"] else {"dir": "none", "style": "dashed"}
        lines.append(f"  {_dot_id(a)} -> {_dot_id(b)} [{attrs({**values, **style})}];")
    lines.append("}")
    return "\n".join(lines) + "\n"


def dumps(result: TraceResult, fmt: str) -> str:
    """The graph as text in ``fmt`` (``graphml``, ``gexf``, ``dot`` or ``json``)."""
    graph = to_networkx(result)
    if fmt == "dot":
        return _dot(graph)
    if fmt == "json":
        # networkx's node-link layout, written here: its keyword names vary across versions
        data = {
            "directed": True,
            "multigraph": False,
            "graph": {},
            "nodes": [{"id": node, **values} for node, values in graph.nodes(data=True)],
            "links": [
                {"source": a, "target": b, **values} for a, b, values in graph.edges(data=True)
            ],
        }
        return json.dumps(data, ensure_ascii=False, indent=2, allow_nan=False) + "\n"
    if fmt == "graphml":
        return _XML_DECL + "\n".join(nx.generate_graphml(_xml_safe(graph))) + "\n"
    if fmt == "gexf":
        text = _XML_DECL + "\n".join(nx.generate_gexf(_xml_safe(graph))) + "\n"
        # the writer stamps today's date; the same result should give the same file
        return _GEXF_DATE.sub("<meta>", text, count=1)
    raise GraphFormatError(f"unknown graph format {fmt!r}: use one of graphml, gexf, dot, json")


def write(result: TraceResult, path: str | os.PathLike[str]) -> str:
    """Write the graph to ``path`` in the format its suffix names; return that format.
    Raises ``GraphFormatError`` for an unknown suffix and ``OSError`` when it cannot write
    (atomically, see ``atomic``: an existing file is then left as it was)."""
    fmt = format_for(path)
    atomic.write_text(path, dumps(result, fmt))
    return fmt
