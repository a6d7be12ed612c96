"""Site furniture: header and footer blocks a corpus repeats around unrelated articles.

A site's template (a navigation line, "© 2019 The Gazette. All rights reserved.", an "About
us" paragraph, a newsletter box) is the same on every article of that site. Ingest cannot
see it in one document; across a corpus it is the text that hundreds of otherwise unrelated
documents share, and left in, every pair of a site's articles is "partial reuse" of its
footer. This stage runs once over the whole corpus, after ingest and before fingerprints.

A block is a paragraph (text between blank lines). Only the first and the last
``EDGE_BLOCKS`` blocks of a document are looked at: templates sit at the edges. Each block
is keyed by its text, lower-cased, without spaces and with every digit as ``0`` (the year
in a copyright line changes). A key is furniture when, in the same zone (top or bottom):

- it occurs in at least ``furniture_min_documents`` documents, and
- the article text beside it differs: going inward from the block, past blocks already
  known to be furniture, the first other block is a different one in at least
  ``NEIGHBOUR_VARIETY`` of its documents. A story copied into many outlets repeats its
  first paragraph *and* its second; a template repeats itself around new text.

A document loses its edge runs of furniture blocks only when they hold at least
``MIN_TEMPLATE_BLOCKS`` blocks (a template, not one repeated paragraph: a wire story's lede
kept word for word by twenty papers that rewrote the rest is a relation, not furniture) and
something of the article is left. What is removed is recorded as ``site-furniture`` in the
document's ``stripped`` list, and the run's notes say how much.
"""

from __future__ import annotations

import dataclasses
import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import xxhash

from provenance.config import Settings
from provenance.models import Document, Stripped

EDGE_BLOCKS = 4
"""Blocks at each end of a document that may be template (navigation, bylines boxes,
copyright, about, newsletter): more than four in a row at one end is an article."""
NEIGHBOUR_VARIETY = 0.8
"""Share of a key's documents whose inward neighbour must be a block of its own."""
MIN_TEMPLATE_BLOCKS = 2
"""Furniture blocks a document's edges must hold before any is removed."""

_GAP = re.compile(r"\n[ \t]*\n\s*")
_WORD = re.compile(r"\w")
_DIGITS = bytes.maketrans(b"123456789", b"000000000")

Zone = int  # 0: the top of a document, 1: its bottom


@dataclass(frozen=True, slots=True)
class _Edges:
    """The edge blocks of one document: spans and keys (``None``: no word in it), top
    blocks in order from the start, bottom blocks in order from the end."""

    top: list[tuple[int, int, int | None]]
    bottom: list[tuple[int, int, int | None]]
    blocks: int


def _block_spans(text: str) -> list[tuple[int, int]]:
    spans = []
    start = 0
    for gap in _GAP.finditer(text):
        if gap.start() > start:
            spans.append((start, gap.start()))
        start = gap.end()
    if start < len(text):
        end = len(text.rstrip())
        if end > start:
            spans.append((start, end))
    return spans


def _key(block: str) -> int | None:
    """The block lower-cased, without its ASCII spaces and with every ASCII digit as ``0``
    (the year in a copyright line changes), hashed; ``None`` for a block without a word."""
    if _WORD.search(block) is None:
        return None
    folded = block.lower().encode("utf-8", "surrogatepass").translate(_DIGITS, b" \t\r\n")
    return xxhash.xxh3_64_intdigest(folded)


def _edges(text: str) -> _Edges:
    spans = _block_spans(text)
    # one block beyond each zone: the inward neighbour of the innermost zone block; in a
    # short document the zones overlap, and each block is keyed once
    reach = EDGE_BLOCKS + 1
    n = len(spans)
    top_at = range(min(reach, n))
    bottom_at = range(n - 1, max(n - reach, 0) - 1, -1)
    keys = {k: _key(text[spans[k][0] : spans[k][1]]) for k in {*top_at, *bottom_at}}
    top = [(*spans[k], keys[k]) for k in top_at]
    bottom = [(*spans[k], keys[k]) for k in bottom_at]
    return _Edges(top, bottom, len(spans))


def _zone_blocks(edges: _Edges, zone: Zone) -> list[tuple[int, int, int | None]]:
    return edges.top if zone == 0 else edges.bottom


def _furniture_keys(edges: Sequence[_Edges], min_documents: int) -> set[tuple[Zone, int]]:
    """The ``(zone, key)`` pairs that are furniture (see the module docstring)."""
    counts: Counter[tuple[Zone, int]] = Counter()
    for doc in edges:
        for zone in (0, 1):
            blocks = _zone_blocks(doc, zone)[:EDGE_BLOCKS]
            counts.update({(zone, key) for _, _, key in blocks if key is not None})
    common = {zk for zk, n in counts.items() if n >= min_documents}
    if not common:
        return set()
    furniture: set[tuple[Zone, int]] = set()
    # Settled from the edge inward-out: a key whose neighbour is furniture is judged by the
    # block after that one, so rounds repeat while they find more (at most EDGE_BLOCKS).
    for _ in range(EDGE_BLOCKS):
        neighbours: dict[tuple[Zone, int], set[int | None]] = defaultdict(set)
        seen: Counter[tuple[Zone, int]] = Counter()
        for doc in edges:
            for zone in (0, 1):
                blocks = _zone_blocks(doc, zone)
                for i, (_, _, key) in enumerate(blocks[:EDGE_BLOCKS]):
                    if key is None or (zone, key) not in common or (zone, key) in furniture:
                        continue
                    inner = _inward(blocks, i + 1, zone, furniture)
                    seen[(zone, key)] += 1
                    # a missing neighbour (the document ends) is never "a block of its own"
                    neighbours[(zone, key)].add(inner if inner is not None else -1)
        found = {
            zk for zk, n in seen.items() if len(neighbours[zk] - {-1}) >= NEIGHBOUR_VARIETY * n
        }
        if not found:
            break
        furniture |= found
    return furniture


def _inward(
    blocks: list[tuple[int, int, int | None]],
    start: int,
    zone: Zone,
    furniture: set[tuple[Zone, int]],
) -> int | None:
    """The key of the first block from ``start`` inward that is not known furniture and has
    words (``None`` when the zone's list ends first)."""
    for _, _, key in blocks[start:]:
        if key is None or (zone, key) in furniture:
            continue
        return key
    return None


def _run(
    blocks: list[tuple[int, int, int | None]], zone: Zone, furniture: set[tuple[Zone, int]]
) -> int:
    """How many blocks from the edge are furniture (blocks without words in between count
    with them); 0 when none."""
    run = 0
    for i, (_, _, key) in enumerate(blocks[:EDGE_BLOCKS]):
        if key is None:
            continue
        if (zone, key) not in furniture:
            break
        run = i + 1
    return run


def strip_furniture(
    documents: Sequence[Document], settings: Settings, notes: list[str] | None = None
) -> list[Document]:
    """``documents`` with site furniture removed from their edges (the others unchanged, the
    same objects); a sentence in ``notes`` when any was removed.
    ``settings.furniture_min_documents`` 0 turns this off."""
    min_documents = settings.furniture_min_documents
    if not min_documents or len(documents) < min_documents:
        return list(documents)
    edges = [_edges(d.text) for d in documents]
    furniture = _furniture_keys(edges, min_documents)
    if not furniture:
        return list(documents)
    out = []
    stripped_docs = 0
    stripped_chars = 0
    for doc, edge in zip(documents, edges, strict=True):
        top = _run(edge.top, 0, furniture)
        bottom = _run(edge.bottom, 1, furniture)
        template = [b for b in edge.top[:top] + edge.bottom[:bottom][::-1] if b[2] is not None]
        # a template, and an article left between its runs (else the document is the
        # template, or a copy of something many documents hold)
        if len(template) < MIN_TEMPLATE_BLOCKS or top + bottom >= edge.blocks:
            out.append(doc)
            continue
        kept_from = edge.top[top][0] if top else 0
        kept_to = edge.bottom[bottom][1] if bottom else len(doc.text)
        records = [Stripped.of("site-furniture", doc.text[s:e]) for s, e, _ in template]
        text = doc.text[kept_from:kept_to]
        stripped_docs += 1
        stripped_chars += sum(r.chars for r in records)
        out.append(dataclasses.replace(doc, text=text, stripped=doc.stripped + tuple(records)))
    if notes is not None and stripped_docs:
        notes.append(
            f"site furniture (header and footer blocks repeated around unrelated articles in "
            f"{min_documents:,} or more documents) removed from {stripped_docs:,} "
            f"document{'s' if stripped_docs > 1 else ''}, {stripped_chars:,} characters; "
            "each document's stripped list shows what (furniture_min_documents=0 keeps it)"
        )
    return out
