"""The terminal view: what was read, who derived from whom, and the passages that show it.

Every string that comes from a document (ids, paths, titles, excerpts) is untrusted. It is
passed through ``sanitize`` (no escape sequences, no control characters) and printed as a
``rich.text.Text`` or through ``rich.markup.escape``, so it can neither restyle the terminal
nor be read as rich markup or emoji codes.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence

from rich import box
from rich.console import Console, Group, RenderableType
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from provenance.models import (
    DIRECTION_REASON_TEXT,
    RELATION_KINDS,
    Document,
    Passage,
    Relation,
    TraceResult,
)

__all__ = ["render", "safe_markup", "sanitize"]

WIDE = 110
"""At this many columns and more, the documents table gets a column of its own for what
ingest stripped, and passage captions include character offsets."""

EXCERPT_CHARS = 300
"""Passage excerpts longer than this are cut (at a word boundary when one is near) with "…"."""

# Escape sequences a terminal would act on: CSI (colours, cursor moves), OSC (window titles,
# hyperlinks, clipboard) terminated by BEL or ST or by nothing at all, DCS/SOS/PM/APC strings,
# and the short two-character escapes.
_ESCAPES = re.compile(
    r"""
      \x1b\[ [0-?]* [ -/]* [@-~]?            # CSI ... final byte
    | \x1b\] [^\x07\x1b]* (?:\x07|\x1b\\)?   # OSC ... BEL or ST
    | \x1b[PX^_] [^\x1b]* (?:\x1b\\)?        # DCS, SOS, PM, APC ... ST
    | \x1b [ -/]* [0-~]                      # nF, Fp, Fe, Fs escapes
    | \x9b [0-?]* [ -/]* [@-~]?              # 8-bit CSI
    """,
    re.VERBOSE,
)
# Left-over control characters (tab and newline are kept), DEL, C1 controls, and the Unicode
# bidirectional embeddings/overrides/isolates that can reorder what a line appears to say.
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_WHITESPACE = re.compile(r"\s+")


def sanitize(text: str, *, oneline: bool = False) -> str:
    """``text`` with terminal escape sequences and control characters removed.

    Newlines and tabs survive (``\\r\\n`` and lone ``\\r`` become ``\\n``); with ``oneline``
    every run of whitespace becomes one space, for table cells and headings. The result is
    plain text, still to be printed as ``Text`` or escaped with ``safe_markup``.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\u2028", "\n").replace("\u2029", "\n")
    text = _CONTROLS.sub("", _ESCAPES.sub("", text))
    if oneline:
        text = _WHITESPACE.sub(" ", text).strip()
    return text


def safe_markup(text: str, *, oneline: bool = False) -> str:
    """``sanitize`` then ``rich.markup.escape``: untrusted text to embed in a markup string."""
    return escape(sanitize(text, oneline=oneline))


# --- small formatting helpers ---------------------------------------------------------------


def _plural(n: int, word: str, plural: str | None = None) -> str:
    return f"{n} {word if n == 1 else (plural or word + 's')}"


def _size(chars: int) -> str:
    if chars < 1000:
        return f"{chars} chars"
    if chars < 1_000_000:
        return f"{chars / 1000:.1f}k chars"
    return f"{chars / 1_000_000:.1f}M chars"


def _percent(fraction: float) -> str:
    return f"{fraction * 100:.0f}%"


def _fit(label: str, width: int) -> str:
    """``label`` shortened in the middle to ``width`` characters (ids keep both ends)."""
    if len(label) <= width:
        return label
    if width < 3:
        return label[:width]
    head = (width - 1) // 2
    tail = width - 1 - head
    return f"{label[:head]}…{label[len(label) - tail :]}"


def _excerpt(doc: Document | None, start: int, end: int) -> Text:
    raw = doc.text[start:end] if doc is not None else ""
    text = sanitize(raw, oneline=True)
    if not text:
        return Text("(text not available)", style="dim italic")
    if len(text) > EXCERPT_CHARS:
        cut = text.rfind(" ", 0, EXCERPT_CHARS)
        text = text[: cut if cut > EXCERPT_CHARS * 0.8 else EXCERPT_CHARS].rstrip() + "…"
    return Text(text)


class _Glyphs:
    """Arrows and dashes, with ASCII stand-ins for consoles that cannot print them."""

    def __init__(self, console: Console) -> None:
        unicode = console.encoding.lower().startswith("utf")
        self.arrow = "→" if unicode else "->"
        self.both = "⇄" if unicode else "<->"
        self.dash = "—" if unicode else "--"
        self.dot = "·" if unicode else "|"
        self.range = "\u2013" if unicode else "-"  # en dash


_KIND_STYLE = {
    "duplicate": "bold red",
    "near-duplicate": "red",
    "rewrite": "magenta",
    "partial": "yellow",
    "quotes": "dim",
}


# --- sections -------------------------------------------------------------------------------


def _summary(result: TraceResult, g: _Glyphs) -> Text:
    counts = Counter(r.kind for r in result.relations)
    parts = [_plural(len(result.documents), "document")]
    relations = _plural(len(result.relations), "relation")
    if result.relations:
        by_kind = ", ".join(f"{counts[k]} {k}" for k in RELATION_KINDS if counts[k])
        relations += f" ({by_kind})"
    parts.append(relations)
    if result.skipped:
        parts.append(f"{_plural(len(result.skipped), 'input')} skipped")
    return Text(f" {g.dot} ".join(parts), style="bold")


def _stripped_summary(doc: Document) -> list[str]:
    totals: dict[str, int] = {}
    for s in doc.stripped:
        totals[s.kind] = totals.get(s.kind, 0) + s.chars
    return [f"{sanitize(kind, oneline=True)} {_size(n)}" for kind, n in totals.items()]


def _documents_table(docs: Iterable[Document], width: int, g: _Glyphs) -> Table:
    """One row per document. Below ``WIDE`` columns, what was stripped goes under the title
    instead of in its own column, so the title keeps room to be read."""
    wide = width >= WIDE
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False)
    table.add_column("id", no_wrap=True)
    table.add_column("title", ratio=1, min_width=12)
    table.add_column("date", no_wrap=True)
    table.add_column("chars", justify="right", no_wrap=True)
    if wide:
        table.add_column("stripped", no_wrap=True)
    id_width = max(16, width // 3)
    for doc in docs:
        title = Text(sanitize(doc.title, oneline=True) if doc.title else "")
        if not title:
            title = Text(g.dash, style="dim")
        stripped = _stripped_summary(doc)
        title.no_wrap = True
        title.overflow = "ellipsis"
        cell: RenderableType = title
        if stripped and not wide:
            # The title keeps one line; what was stripped wraps, so it is never cut off.
            cell = Group(title, Text("stripped: " + ", ".join(stripped), style="dim"))
        # A date is shown to the day; the JSON report keeps it as precise as the input.
        date = sanitize(doc.date, oneline=True).partition("T")[0] if doc.date else ""
        row = [
            Text(_fit(sanitize(doc.id, oneline=True), id_width)),
            cell,
            Text(date) if date else Text(g.dash, style="dim"),
            Text(f"{len(doc.text):,}"),
        ]
        if wide:
            row.append(Text("\n".join(stripped), style="dim"))
        table.add_row(*row)
    return table


def _strongest(passages: Iterable[Passage], n: int) -> list[Passage]:
    """The ``n`` strongest passages, in the derived document's order. Strength: evidence
    before quotations, then aligned length weighted by the square of similarity, so a long
    but loose paraphrase does not crowd out a close one (ties: document order)."""

    def strength(p: Passage) -> tuple[bool, float, int, int]:
        weight = p.similarity**2 * (len(p.a) + len(p.b)) / 2
        return (p.kind == "quote", -weight, p.b.start, p.a.start)

    chosen = sorted(passages, key=strength)[:n]
    return sorted(chosen, key=lambda p: (p.b.start, p.a.start))


def _passages_counted(passages: Sequence[Passage]) -> str:
    """``4 passages (2 edited, 1 verbatim, 1 paraphrase)``, or ``1 verbatim passage``."""
    counts = Counter(p.kind for p in passages)
    if len(counts) == 1:
        (kind,) = counts
        return _plural(len(passages), f"{kind} passage")
    kinds = ", ".join(f"{n} {kind}" for kind, n in counts.most_common())
    return f"{_plural(len(passages), 'passage')} ({kinds})"


def _relation(
    index: int,
    rel: Relation,
    *,
    docs: dict[str, Document],
    console: Console,
    g: _Glyphs,
    passages: int,
) -> None:
    directed = rel.direction == "source->derived"
    if directed:
        join = f" {g.arrow} "
        note = f"(source{g.arrow}derived, confidence {rel.confidence:.2f})"
    elif rel.direction == "common-source":
        join = f" {g.both} "
        note = "(siblings of a common source)"
    else:
        join = f" {g.dash} "
        note = "(direction undetermined)"
    prefix = f"{index}. "
    fixed = len(prefix) + len(join) + 2 + len(rel.kind) + 2 + len(note)
    room = max(12, (console.width - fixed) // 2)
    left = _fit(sanitize(rel.source, oneline=True), room)
    right = _fit(sanitize(rel.derived, oneline=True), room)
    console.print()
    console.print(
        Text.assemble(
            prefix,
            (left, "bold"),
            join,
            (right, "bold"),
            "  ",
            (rel.kind, _KIND_STYLE.get(rel.kind, "")),
            "  ",
            (note, "dim"),
        )
    )
    if directed:
        coverage = (
            f"coverage: {_percent(rel.coverage_source)} of the source, "
            f"{_percent(rel.coverage_derived)} of the derived text"
        )
    else:
        coverage = (
            f"coverage: {_percent(rel.coverage_source)} of {left}, "
            f"{_percent(rel.coverage_derived)} of {right}"
        )
    shown = _strongest(rel.passages, passages)
    counted = _passages_counted(rel.passages)
    details = [coverage, f"score {rel.score:.2f}"]
    if rel.kind != "quotes":
        details.append(f"why: {DIRECTION_REASON_TEXT.get(rel.direction_reason, '')}")
    if rel.passages and not shown:
        details.append(counted)
    console.print(Text(f" {g.dot} ".join(details), style="dim"), overflow="fold")
    if not shown:
        return

    table = Table(box=box.ROUNDED, expand=True, show_lines=True)
    head_left = sanitize(rel.source, oneline=True) + (" (source)" if directed else "")
    head_right = sanitize(rel.derived, oneline=True) + (" (derived)" if directed else "")
    table.add_column(Text(head_left), ratio=1, overflow="fold")
    table.add_column(Text(head_right), ratio=1, overflow="fold")
    offsets = console.width >= WIDE
    source_doc, derived_doc = docs.get(rel.source), docs.get(rel.derived)
    for p in shown:
        caption_left = f"{p.kind} {g.dot} similarity {p.similarity:.2f}"
        caption_right = ""
        if offsets:
            caption_left += f" {g.dot} chars {p.a.start}{g.range}{p.a.end}"
            caption_right = f"chars {p.b.start}{g.range}{p.b.end}"
        table.add_row(
            Text.assemble((caption_left + "\n", "dim"), _excerpt(source_doc, p.a.start, p.a.end)),
            Text.assemble((caption_right + "\n", "dim"), _excerpt(derived_doc, p.b.start, p.b.end)),
        )
    if len(shown) < len(rel.passages):
        counted += f"; the strongest {len(shown)} shown"
    table.caption = counted
    table.caption_justify = "left"
    table.caption_style = "dim"
    console.print(table)


def _quotes(quotes: list[Relation], console: Console, g: _Glyphs, show: bool) -> None:
    pairs = _plural(len(quotes), "pair")
    verb = "shares" if len(quotes) == 1 else "share"
    if not show:
        console.print()
        console.print(
            Text(
                f"{pairs} {verb} only quotations (not evidence of copying); --all shows them",
                style="dim",
            )
        )
        return
    console.print()
    console.print(Text("Shared quotations only (not evidence of copying)", style="bold"))
    for rel in quotes:
        chars = sum(len(p.b) for p in rel.passages)
        console.print(
            Text.assemble(
                "  ",
                sanitize(rel.source, oneline=True),
                f" {g.dash} ",
                sanitize(rel.derived, oneline=True),
                (
                    f"  {_plural(len(rel.passages), 'quotation')}, {_size(chars)}",
                    "dim",
                ),
            ),
            overflow="fold",
        )


def render(
    result: TraceResult,
    console: Console,
    *,
    passages: int = 3,
    show_quotes: bool = False,
) -> None:
    """Print ``result`` to ``console``: summary, documents, each relation strongest first
    with its strongest ``passages`` side by side, quotation-only pairs, clusters.

    ``quotes`` relations (pairs that share only quotations) are counted in the summary but
    listed only with ``show_quotes``.
    """
    g = _Glyphs(console)
    docs = {d.id: d for d in result.documents}
    console.print(_summary(result, g))
    if result.documents:
        console.print()
        console.print(_documents_table(result.documents, console.width, g))

    evidence = [r for r in result.relations if r.kind != "quotes"]
    quotes = [r for r in result.relations if r.kind == "quotes"]
    if not evidence and result.documents:
        console.print(Text("No copied or paraphrased passages found.", style="bold"))
    for index, rel in enumerate(evidence, start=1):
        _relation(index, rel, docs=docs, console=console, g=g, passages=passages)
    if quotes:
        _quotes(quotes, console, g, show_quotes)

    if result.clusters:
        console.print()
        console.print(Text("Clusters (documents linked by reuse)", style="bold"))
        grid = Table.grid(padding=(0, 1))
        grid.add_column(justify="right", no_wrap=True)
        grid.add_column(overflow="fold")
        for index, cluster in enumerate(result.clusters, start=1):
            members = ", ".join(sanitize(m, oneline=True) for m in cluster)
            grid.add_row(f" {index}.", Text(members))
        console.print(grid)
