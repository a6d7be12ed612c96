"""The terminal view: who derived from whom and the passages that show it, then what was read.

Findings come first, so a large corpus does not bury them: each relation, strongest first;
then the derivation families; then what was read, as counts (``documents=True`` lists every
document instead); and a one-line summary at the end, where a terminal leaves the eye.

A document has one name everywhere in this view, `label`: its id, whole (never cut), then
its title in quotes where the line has room for it.

Every string that comes from a document (ids, paths, titles, excerpts) is untrusted. Names
and titles go through ``visible`` (control, zero-width and bidi characters shown as
``\\u200b``-style escapes, so two different names never look alike); passage text goes
through ``sanitize`` (no escape sequences, no control characters). Both are printed as a
``rich.text.Text``, so they can neither restyle the terminal nor be read as rich markup or
emoji codes.
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
from provenance.report.visible import visible

__all__ = ["label", "render", "safe_markup", "sanitize", "summary_line"]

WIDE = 110
"""At this many columns and more, the documents table gets a column of its own for what
ingest stripped, and passage captions include character offsets."""

TITLE_MIN_CHARS = 12
"""A title is shown beside an id only when at least this much of it fits."""

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
_ASCII_WHITESPACE = re.compile(r"[ \t\n\r\f\v]+")


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


def _title(doc: Document | None) -> str:
    """The document's title on one line, shown visibly (empty when it has none)."""
    if doc is None or not doc.title:
        return ""
    return visible(_ASCII_WHITESPACE.sub(" ", doc.title).strip())


def label(doc_id: str, docs: dict[str, Document], room: int | None = None) -> str:
    """How this view names a document, everywhere: its id, whole and ``visible``; then its
    title in quotes, cut with "…" to fit, when ``room`` columns leave space for at least
    ``TITLE_MIN_CHARS`` of it. An id is never cut (a heading too long for the line wraps)."""
    name = visible(doc_id)
    title = _title(docs.get(doc_id))
    if room is None or not title:
        return name
    space = room - len(name) - 3  # a space and the quotes
    if space < min(TITLE_MIN_CHARS, len(title)):
        return name
    if len(title) > space:
        cut = title.rfind(" ", 0, space - 1)
        title = title[: cut if cut > space * 0.6 else space - 1].rstrip() + "…"  # at a word
    return f"{name} “{title}”"


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


_KIND_WORDS = {
    "duplicate": ("duplicate", "duplicates"),
    "near-duplicate": ("near-duplicate", "near-duplicates"),
    "rewrite": ("rewrite", "rewrites"),
    "partial": ("partial", "partial"),
    "quotes": ("quotes only", "quotes only"),
}

_FORMAT_NAMES = {"txt": "plain text", "markdown": "Markdown", "html": "HTML", "jsonl": "JSON Lines"}


def summary_line(result: TraceResult) -> str:
    """The run in one line: ``5 documents, 4 related pairs: 1 rewrite, 1 partial, 2 quotes
    only; 2 families; 1 input skipped`` (families: see the "Derivation families" section)."""
    counts = Counter(r.kind for r in result.relations)
    line = _plural(len(result.documents), "document")
    if result.relations:
        kinds = ", ".join(
            f"{counts[k]} {_KIND_WORDS[k][counts[k] != 1]}" for k in RELATION_KINDS if counts[k]
        )
        line += f", {_plural(len(result.relations), 'related pair')}: {kinds}"
    else:
        line += ", no related pairs"
    if result.clusters:
        line += f"; {_plural(len(result.clusters), 'family', 'families')}"
    if result.skipped:
        line += f"; {_plural(len(result.skipped), 'input')} skipped"
    return line


def _large_families(result: TraceResult, docs: dict[str, Document]) -> Text:
    """One line for each large family, which was aligned as a star around its source."""
    text = Text(
        "Large families (each member aligned with the source; pairs of members not listed "
        "above are inferred related through it)",
        style="bold",
    )
    for f in result.families:
        text.append(
            f"\n  {label(f.source, docs)}: source of {_plural(f.size - 1, 'member')}; "
            f"{f.aligned_pairs:,} pairs aligned, {f.unaligned_pairs:,} not, "
            f"{f.inferred_pairs:,} inferred"
        )
    return text


def _stripped_summary(doc: Document) -> list[str]:
    totals: dict[str, int] = {}
    for s in doc.stripped:
        totals[s.kind] = totals.get(s.kind, 0) + s.chars
    return [f"{visible(kind)} {_size(n)}" for kind, n in totals.items()]


def _documents_summary(result: TraceResult) -> Text:
    """What was read, in counts: formats, titles and dates found, what ingest stripped (by
    kind: how many documents, how much text) and what was skipped."""
    docs = result.documents
    formats = Counter(d.format for d in docs)
    read = ", ".join(
        f"{n} {visible(_FORMAT_NAMES.get(fmt, fmt))}" for fmt, n in sorted(formats.items())
    )
    titled = sum(1 for d in docs if d.title)
    dated = sum(1 for d in docs if d.date)
    lines = [
        f"Read {_plural(len(docs), 'document')}: {read}; {titled} with a title, {dated} dated "
        "(--documents lists them)"
    ]
    kinds: dict[str, list[int]] = {}
    for doc in docs:
        totals: dict[str, int] = {}
        for item in doc.stripped:
            totals[item.kind] = totals.get(item.kind, 0) + item.chars
        for kind, chars in totals.items():
            entry = kinds.setdefault(kind, [0, 0])
            entry[0] += 1
            entry[1] += chars
    ranked = sorted(kinds.items(), key=lambda kv: (-kv[1][1], kv[0]))
    parts = [
        f"{visible(kind.replace('-', ' '))} from {n if k else _plural(n, 'document')} "
        f"({_size(chars)})"
        for k, (kind, (n, chars)) in enumerate(ranked)
    ]
    lines.append("Stripped: " + (", ".join(parts) if parts else "nothing"))
    if result.skipped:
        lines.append(f"Skipped: {_plural(len(result.skipped), 'input')} (each named on stderr)")
    return Text("\n".join(lines), style="dim")


def _documents_table(docs: Iterable[Document], width: int, g: _Glyphs) -> Table:
    """One row per document. Below ``WIDE`` columns, what was stripped goes under the title
    instead of in its own column, so the title keeps room to be read."""
    wide = width >= WIDE
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False)
    table.add_column("id", overflow="fold", max_width=max(16, width // 3))
    table.add_column("title", ratio=1, min_width=12)
    table.add_column("date", no_wrap=True)
    table.add_column("chars", justify="right", no_wrap=True)
    if wide:
        table.add_column("stripped", no_wrap=True)
    for doc in docs:
        title = Text(_title(doc))
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
            Text(visible(doc.id)),  # whole: an id that does not fit wraps, it is never cut
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


def direction_text(rel: Relation, arrow: str = "→") -> str:
    """What the relation's direction is and what settled it, with the confidence only where
    it means something: how sure the engine is that the source came first."""
    why = DIRECTION_REASON_TEXT.get(rel.direction_reason, "")
    if rel.direction == "source->derived":
        said = f"source{arrow}derived, direction confidence {rel.confidence:.2f}"
        return f"{said}: {why}" if rel.direction_reason != "insufficient" else said
    if rel.direction == "common-source":
        return "siblings of a common source: neither derives from the other"
    return f"direction undetermined: {why or 'no evidence either way'}"


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
    elif rel.direction == "common-source":
        join = f" {g.both} "
    else:
        join = f" {g.dash} "
    prefix = f"{index}. "
    if index > 1:
        console.print()
    room = (console.width - len(prefix) - len(join) - 2 - len(rel.kind)) // 2
    left = label(rel.source, docs, room)
    right = label(rel.derived, docs, room)
    console.print(
        Text.assemble(
            prefix,
            (left, "bold"),
            join,
            (right, "bold"),
            "  ",
            (rel.kind, _KIND_STYLE.get(rel.kind, "")),
        ),
        overflow="fold",
    )
    if directed:
        coverage = (
            f"coverage: {_percent(rel.coverage_source)} of the source, "
            f"{_percent(rel.coverage_derived)} of the derived text"
        )
    else:
        coverage = (
            f"coverage: {_percent(rel.coverage_source)} of {label(rel.source, docs)}, "
            f"{_percent(rel.coverage_derived)} of {label(rel.derived, docs)}"
        )
    shown = _strongest(rel.passages, passages)
    counted = _passages_counted(rel.passages)
    details = [coverage, f"score {rel.score:.2f}"]
    if rel.passages and not shown:
        details.append(counted)
    console.print(Text(direction_text(rel, g.arrow), style="dim"), overflow="fold")
    console.print(Text(f" {g.dot} ".join(details), style="dim"), overflow="fold")
    if not shown:
        return

    table = Table(box=box.ROUNDED, expand=True, show_lines=True)
    column = max(1, (console.width - 7) // 2)  # two columns, borders and padding
    roles = (" (source)", " (derived)") if directed else ("", "")
    head_left = label(rel.source, docs, column - len(roles[0])) + roles[0]
    head_right = label(rel.derived, docs, column - len(roles[1])) + roles[1]
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


def _quotes(
    quotes: list[Relation], docs: dict[str, Document], console: Console, g: _Glyphs, show: bool
) -> None:
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
                label(rel.source, docs),
                f" {g.dash} ",
                label(rel.derived, docs),
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
    documents: bool = False,
) -> None:
    """Print ``result`` to ``console``, findings first: each relation strongest first with
    its strongest ``passages`` side by side, quotation-only pairs, derivation families; then
    what was read (in counts, or with ``documents`` one row per document); then
    `summary_line`.

    ``quotes`` relations (pairs that share only quotations) are counted in the summary but
    listed only with ``show_quotes``.
    """
    g = _Glyphs(console)
    docs = {d.id: d for d in result.documents}
    evidence = [r for r in result.relations if r.kind != "quotes"]
    quotes = [r for r in result.relations if r.kind == "quotes"]
    if not evidence and result.documents:
        console.print(Text("No copied or paraphrased passages found.", style="bold"))
    for index, rel in enumerate(evidence, start=1):
        _relation(index, rel, docs=docs, console=console, g=g, passages=passages)
    if quotes:
        _quotes(quotes, docs, console, g, show_quotes)

    if result.clusters:
        console.print()
        console.print(Text("Derivation families (documents linked by reuse)", style="bold"))
        grid = Table.grid(padding=(0, 1))
        grid.add_column(justify="right", no_wrap=True)
        grid.add_column(overflow="fold")
        for index, cluster in enumerate(result.clusters, start=1):
            members = ", ".join(label(m, docs) for m in cluster)
            grid.add_row(f" {index}.", Text(members))
        console.print(grid)
    if result.families:
        console.print()
        console.print(_large_families(result, docs))

    if result.documents:
        console.print()
        if documents:
            console.print(_documents_table(result.documents, console.width, g))
        else:
            console.print(_documents_summary(result), overflow="fold")
        console.print()
    console.print(Text(summary_line(result), style="bold"), overflow="fold")
