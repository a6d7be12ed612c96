"""The terminal view, rendered from hand-built results at 80 and 120 columns, without a TTY."""

from __future__ import annotations

import dataclasses
import io
import re

import pytest
from rich.console import Console

from provenance.models import (
    Document,
    Family,
    Passage,
    PassageKind,
    Relation,
    Skipped,
    Span,
    Stripped,
    TraceResult,
)
from provenance.report.terminal import render, safe_markup, sanitize

HOSTILE = "\x1b[31mred\x1b]0;title\x07 [bold]x[/bold]"

WIRE = (
    "WASHINGTON: Syria is joining the global coalition against the Islamic State group, "
    "a United States official said on Monday, hours after President Donald Trump welcomed "
    "his Syrian counterpart Ahmed al-Sharaa for historic White House talks.\n\n"
    "Sharaa, whose rebel forces ousted longtime ruler Bashar al-Assad in December last year, "
    "was the first Syrian leader to visit the White House since the country's independence "
    'in 1946. "This is a new era for Syria and for the region," Sharaa told reporters.\n\n'
    "The visit came days after Washington removed him from its terrorism list."
)
REWRITE = (
    "Syria is joining the global coalition against the Islamic State group, a US official "
    "said on Monday, hours after Donald Trump welcomed Syrian President Ahmed al-Sharaa to "
    "the White House for talks described as historic.\n\n"
    "Sharaa, whose forces ousted Bashar al-Assad last December, was the first Syrian leader "
    "to visit the White House since independence in 1946.\n\n"
    "Readers' comments are closed."
)
DIGEST = (
    "In other news: the first Syrian leader to visit the White House since the country's "
    "independence in 1946 met Donald Trump on Monday. Markets were calm."
)
SIBLING_A = (
    "Officials said the coalition would meet again in Brussels next month to agree on "
    "funding for reconstruction and the return of displaced families."
)
SIBLING_B = (
    "The coalition would meet again in Brussels next month, officials said, to agree on "
    "funding for reconstruction and the return of displaced families to their homes."
)
QUOTER = 'At a rally, Sharaa said: "This is a new era for Syria and for the region," to cheers.'


def span(text: str, part: str) -> Span:
    start = text.index(part)
    return Span(start, start + len(part))


def passage(
    source: str, a: str, derived: str, b: str, kind: PassageKind, similarity: float
) -> Passage:
    return Passage(a=span(source, a), b=span(derived, b), kind=kind, similarity=similarity)


def story(*, hostile: bool = False, long_ids: bool = False) -> TraceResult:
    """A wire story, a rewrite of it, a digest quoting a line of it, two siblings, a quoter."""
    ids = ["000_wire.txt", "001_rewrite.txt", "002_digest.txt", "003_a.txt", "004_b.txt"]
    ids.append("005_quoter.txt")
    if long_ids:
        ids = [f"newsroom/2025/11/{i[:3]}_7921b6987635c44f_{i[4:]}" for i in ids]
    wire, rewrite, digest, sib_a, sib_b, quoter = ids
    title = HOSTILE if hostile else "Syria joins the global coalition against Islamic State"
    docs = (
        Document(
            id=wire,
            path=f"corpus/{wire}",
            text=WIRE,
            title=title,
            date="2025-11-11",
            stripped=(Stripped(kind="byline", chars=42, excerpt="By Staff Reporter"),),
        ),
        Document(
            id=rewrite,
            path=f"corpus/{rewrite}",
            text=REWRITE + (HOSTILE if hostile else ""),
            title="Trump welcomes Sharaa to the White House in a historic first",
            date="2025-11-11T18:30",
            stripped=(
                Stripped(kind="comments", chars=9_812, excerpt="First!"),
                Stripped(kind="furniture", chars=310, excerpt="Share this article"),
            ),
        ),
        Document(id=digest, path=f"corpus/{digest}", text=DIGEST, title="Digest", date=None),
        Document(id=sib_a, path=f"corpus/{sib_a}", text=SIBLING_A),
        Document(id=sib_b, path=f"corpus/{sib_b}", text=SIBLING_B),
        Document(id=quoter, path=f"corpus/{quoter}", text=QUOTER, title="Rally"),
    )
    rewrite_passages = (
        passage(
            WIRE,
            "Syria is joining the global coalition against the Islamic State group",
            REWRITE,
            "Syria is joining the global coalition against the Islamic State group",
            "verbatim",
            1.0,
        ),
        passage(
            WIRE,
            "said on Monday, hours after President Donald Trump welcomed his Syrian counterpart "
            "Ahmed al-Sharaa for historic White House talks",
            REWRITE,
            "said on Monday, hours after Donald Trump welcomed Syrian President Ahmed al-Sharaa "
            "to the White House for talks described as historic",
            "edited",
            0.81,
        ),
        passage(
            WIRE,
            "Sharaa, whose rebel forces ousted longtime ruler Bashar al-Assad in December last "
            "year, was the first Syrian leader to visit the White House since the country's "
            "independence in 1946.",
            REWRITE,
            "Sharaa, whose forces ousted Bashar al-Assad last December, was the first Syrian "
            "leader to visit the White House since independence in 1946.",
            "edited",
            0.78,
        ),
        passage(WIRE, "a United States official", REWRITE, "a US official", "paraphrase", 0.62),
    )
    relations = (
        Relation(
            source=wire,
            derived=rewrite,
            kind="rewrite",
            direction="source->derived",
            confidence=0.82,
            score=0.79,
            coverage_source=0.71,
            coverage_derived=0.88,
            passages=rewrite_passages,
        ),
        Relation(
            source=sib_a,
            derived=sib_b,
            kind="partial",
            direction="common-source",
            confidence=0.0,
            score=0.55,
            coverage_source=0.64,
            coverage_derived=0.58,
            passages=(
                passage(
                    SIBLING_A,
                    "funding for reconstruction and the return of displaced families",
                    SIBLING_B,
                    "funding for reconstruction and the return of displaced families",
                    "verbatim",
                    1.0,
                ),
            ),
        ),
        Relation(
            source=wire,
            derived=digest,
            kind="partial",
            direction="undetermined",
            confidence=0.12,
            score=0.41,
            coverage_source=0.16,
            coverage_derived=0.52,
            passages=(
                passage(
                    WIRE,
                    "the first Syrian leader to visit the White House since the country's "
                    "independence in 1946",
                    DIGEST,
                    "the first Syrian leader to visit the White House since the country's "
                    "independence in 1946",
                    "verbatim",
                    1.0,
                ),
            ),
        ),
        Relation(
            source=wire,
            derived=quoter,
            kind="quotes",
            direction="undetermined",
            confidence=0.0,
            score=0.1,
            coverage_source=0.1,
            coverage_derived=0.6,
            passages=(
                passage(
                    WIRE,
                    "This is a new era for Syria and for the region,",
                    QUOTER,
                    "This is a new era for Syria and for the region,",
                    "quote",
                    1.0,
                ),
            ),
        ),
    )
    return TraceResult(
        documents=docs,
        relations=relations,
        clusters=((wire, rewrite, digest), (sib_a, sib_b)),
        skipped=(Skipped(path="corpus/photo.txt", reason="binary file (not text)"),),
    )


def show(result: TraceResult, width: int = 80, **options: object) -> str:
    """Render as a non-terminal console of ``width`` columns would, and return the text."""
    out = io.StringIO()
    console = Console(file=out, width=width, force_terminal=False, color_system=None)
    render(result, console, **options)  # type: ignore[arg-type]
    return out.getvalue()


# --- sanitize ----------------------------------------------------------------------------------


def test_sanitize_removes_escape_sequences_and_controls() -> None:
    assert sanitize(HOSTILE) == "red [bold]x[/bold]"
    assert safe_markup(HOSTILE) == "red \\[bold]x\\[/bold]"


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("a\x1b[2J\x1b[Hb", "ab"),  # clear screen, cursor home
        ("a\x1b]8;;http://evil/\x1b\\link\x1b]8;;\x1b\\b", "alinkb"),  # OSC 8 hyperlink
        ("a\x1bPq#0;2;0;0;0\x1b\\b", "ab"),  # DCS (sixel)
        ("a\x1b]0;unterminated title", "a"),
        ("a\x9b31mb", "ab"),  # 8-bit CSI
        ("a\x1bcb", "ab"),  # full reset
        ("bell\x07 nul\x00 del\x7f bs\x08", "bell nul del bs"),
        ("line\r\nnext\rover", "line\nnext\nover"),
        ("tab\tkept\nnewline kept", "tab\tkept\nnewline kept"),
        ("abc\u202edcba\u2066x\u2069", "abcdcbax"),  # bidi overrides and isolates
        ("café «Élan» 中文 عربي \u200f", "café «Élan» 中文 عربي \u200f"),  # real text is kept
        (":thumbs_up: [link=x]y[/link]", ":thumbs_up: [link=x]y[/link]"),  # plain text
    ],
)
def test_sanitize_cases(raw: str, clean: str) -> None:
    assert sanitize(raw) == clean


def test_sanitize_oneline_collapses_whitespace() -> None:
    assert sanitize("  a\n\n b\t c\x1b[0m  ", oneline=True) == "a b c"


# --- the view ------------------------------------------------------------------------------------


@pytest.mark.parametrize("width", [80, 120])
def test_plain_output_fits_the_width(width: int) -> None:
    text = show(story(), width)
    assert "\x1b" not in text
    too_long = [line for line in text.splitlines() if len(line) > width]
    assert not too_long, text


def test_findings_first_and_a_one_line_summary_at_the_end() -> None:
    lines = show(story(), 120).splitlines()
    assert lines[0].startswith("1. 000_wire.txt")  # no table of documents before it
    assert lines[-1] == (
        "6 documents, 4 related pairs: 1 rewrite, 2 partial, 1 quotes only; 2 families; "
        "1 input skipped"
    )


def test_documents_are_summarised_unless_asked_for() -> None:
    text = show(story(), 120)
    assert not re.search(r"id +title +date +chars", text)
    assert "Trump welcomes Sharaa" not in text.split("Derivation families")[1]
    assert "Read 6 documents: 6 plain text; 4 with a title, 2 dated (--documents lists them)" in (
        text
    )
    flat = " ".join(text.split())
    assert (
        "Stripped: comments from 1 document (9.8k chars), furniture from 1 (310 chars), "
        "byline from 1 (42 chars)" in flat
    )
    assert "Skipped: 1 input (each named on stderr)" in text
    assert text.index("Derivation families") < text.index("Read 6 documents")


def test_documents_table() -> None:
    text = show(story(), 120, documents=True)
    assert "Read 6 documents" not in text
    assert re.search(r"id +title +date +chars +stripped", text)
    assert "Syria joins the global coalition against Islamic State" in text
    assert "comments 9.8k chars" in text
    assert "furniture 310 chars" in text
    assert f"{len(WIRE):,}" in text
    assert "2025-11-11T18:30" not in text  # shown to the day


def test_documents_table_at_80_columns_keeps_every_column() -> None:
    text = show(story(), 80, documents=True)
    assert re.search(r"id +title +date +chars\n", text)
    assert "stripped: comments 9.8k chars" in text  # under the title
    assert "Trump welcomes Sharaa" in text
    assert f"{len(WIRE):,}" in text


def test_relation_headings_tell_the_direction() -> None:
    text = show(story(), 120)
    assert re.search(r"1\. 000_wire\.txt “Syria joins.*” → 001_rewrite\.txt “.*”  rewrite\n", text)
    assert "source→derived, direction confidence 0.82\n" in text
    assert re.search(r"2\. 003_a\.txt ⇄ 004_b\.txt  partial\n", text)
    assert "siblings of a common source: neither derives from the other" in text
    assert re.search(r"3\. 000_wire\.txt “.*” — 002_digest\.txt “Digest”  partial\n", text)
    assert "direction undetermined: no evidence of which came first" in text
    assert "coverage: 71% of the source, 88% of the derived text" in text
    assert "coverage: 64% of 003_a.txt, 58% of 004_b.txt" in text
    assert "score 0.79" in text


def test_relations_keep_engine_order() -> None:
    text = show(story(), 120)
    assert text.index("1. 000_wire.txt") < text.index("2. 003_a.txt") < text.index("3. 000_wire")


def test_strongest_passages_side_by_side() -> None:
    text = show(story(), 120, passages=2)
    assert re.search(r"000_wire\.txt “Syria joins the .*” \(source\)", text)
    assert re.search(r"001_rewrite\.txt “Trump welcomes .*” \(derived\)", text)
    # strength is aligned length weighted by similarity: the two long edited passages win
    assert "verbatim · similarity 1.00" not in text.split("2. 003_a.txt")[0]
    assert "paraphrase · similarity 0.62" not in text
    first = text.index("edited · similarity 0.81 · chars 108–237")
    second = text.index("edited · similarity 0.78 · chars 240–422")
    assert first < second  # shown in document order
    assert "4 passages (2 edited, 1 verbatim, 1 paraphrase); the strongest 2 shown" in text
    row = next(line for line in text.splitlines() if "similarity 0.81" in line)
    assert re.search(r"│ edited · similarity 0\.81 · chars 108–237 +│ chars 85–218 +│", row)
    excerpts = next(line for line in text.splitlines()[text.splitlines().index(row) + 1 :])
    assert re.search(
        r"│ said on Monday, hours after President .*│ said on Monday, hours after", excerpts
    )


def test_passage_captions_drop_offsets_when_narrow() -> None:
    text = show(story(), 80)
    assert "edited · similarity 0.81" in text
    assert "chars 108" not in text


def test_all_passages_shown_says_so() -> None:
    text = show(story(), 120, passages=10)
    assert re.search(r"4 passages \(2 edited, 1 verbatim, 1 paraphrase\) *\n", text)
    assert "paraphrase · similarity 0.62" in text
    assert "1 verbatim passage" in text


def test_no_passage_tables_with_zero_passages() -> None:
    text = show(story(), 120, passages=0)
    assert "similarity" not in text
    assert "1. 000_wire.txt" in text


def test_long_excerpts_are_cut() -> None:
    long_text = "word " * 400
    doc_a = Document(id="a", path="a", text=long_text)
    doc_b = Document(id="b", path="b", text=long_text)
    rel = Relation(
        source="a",
        derived="b",
        kind="duplicate",
        direction="source->derived",
        confidence=0.9,
        score=1.0,
        coverage_source=1.0,
        coverage_derived=1.0,
        passages=(Passage(Span(0, len(long_text)), Span(0, len(long_text)), "verbatim", 1.0),),
    )
    text = show(TraceResult((doc_a, doc_b), (rel,), (("a", "b"),)), 120)
    assert "word …" in text or "word…" in text
    assert text.count("word") < 2 * 70  # about 300 characters a side, not 2,000


def test_quotes_hidden_but_counted() -> None:
    text = show(story())
    relations = text[text.index("1. 000_wire.txt") :]
    assert "005_quoter.txt" not in relations
    assert "1 pair shares only quotations (not evidence of copying); --all shows them" in text
    assert "Shared quotations only" not in text


def test_all_lists_quotes_one_line_each() -> None:
    text = show(story(), 120, show_quotes=True)
    assert "Shared quotations only (not evidence of copying)" in text
    assert re.search(r"000_wire\.txt — 005_quoter\.txt\s+1 quotation, 47 chars", text)
    assert "--all shows them" not in text


def test_clusters_at_the_end() -> None:
    text = show(story(), 120)
    tail = text[text.index("Derivation families (documents linked by reuse)") :]
    assert "1. 000_wire.txt, 001_rewrite.txt, 002_digest.txt" in tail
    assert "2. 003_a.txt, 004_b.txt" in tail


def test_long_ids_are_never_cut_in_headings() -> None:
    wire = "newsroom/2025/11/000_7921b6987635c44f_wire.txt"
    rewrite = "newsroom/2025/11/001_7921b6987635c44f_rewrite.txt"
    text = show(story(long_ids=True), 80)
    heading = text[text.index("1. ") : text.index("rewrite\n")]
    assert "…" not in heading  # neither id nor title cut: too long for a title, it wraps
    assert f"1. {wire} → {rewrite}" in " ".join(heading.split()).replace(" _", "_") or (
        wire in heading.replace("\n", "") and rewrite in heading.replace("\n", "")
    )
    assert all(len(line) <= 80 for line in text.splitlines())
    wide = show(story(long_ids=True), 200)
    assert f"1. {wire} “Syria joins the global coalition" in wide
    assert f"→ {rewrite} “Trump welcomes" in wide


def test_nothing_found() -> None:
    doc = Document(id="only.txt", path="only.txt", text="Hello.")
    text = show(TraceResult((doc,), (), ()))
    assert text.startswith("No copied or paraphrased passages found.\n")
    assert text.endswith("\n1 document, no related pairs\n")


def test_empty_result() -> None:
    assert show(TraceResult((), (), ())) == "0 documents, no related pairs\n"


def test_missing_text_is_said_not_crashed_on() -> None:
    result = story()
    blank = tuple(Document(id=d.id, path=d.path, text="", title=d.title) for d in result.documents)
    text = show(TraceResult(blank, result.relations, result.clusters), 120)
    assert "(text not available)" in text


def test_ascii_console_gets_ascii_glyphs() -> None:
    raw = io.BytesIO()
    stream = io.TextIOWrapper(raw, encoding="ascii", errors="replace")  # rich writes "…"
    console = Console(file=stream, width=120, force_terminal=False, color_system=None)
    render(TraceResult(story().documents, story().relations[:3], story().clusters), console)
    stream.flush()
    text = raw.getvalue().decode("ascii")
    assert re.search(r"1\. 000_wire\.txt .* -> 001_rewrite\.txt .*  rewrite\n", text)
    assert "source->derived, direction confidence 0.82\n" in text
    assert "2. 003_a.txt <-> 004_b.txt" in text
    assert re.search(r"3\. 000_wire\.txt .* -- 002_digest\.txt", text)
    assert "6 documents, 3 related pairs: 1 rewrite, 2 partial; 2 families" in text


# --- untrusted text ------------------------------------------------------------------------------


@pytest.mark.parametrize("terminal", [False, True])
def test_hostile_document_text_cannot_reach_the_terminal(terminal: bool) -> None:
    result = story(hostile=True)
    hostile_id = Document(id=HOSTILE, path=HOSTILE, text=REWRITE, title=":thumbs_up: [red]t[/]")
    hostile_rel = Relation(
        source=HOSTILE,
        derived=result.documents[1].id,
        kind="partial",
        direction="source->derived",
        confidence=0.5,
        score=0.5,
        coverage_source=0.5,
        coverage_derived=0.5,
        passages=(
            Passage(Span(0, len(REWRITE)), Span(len(REWRITE), len(REWRITE) + 30), "edited", 0.8),
        ),
    )
    result = TraceResult(
        (*result.documents, hostile_id),
        (*result.relations, hostile_rel),
        (*result.clusters, (HOSTILE,)),
    )
    out = io.StringIO()
    colours = "standard" if terminal else "auto"
    console = Console(file=out, width=120, force_terminal=terminal, color_system=colours)
    render(result, console, passages=5, documents=True)
    text = out.getvalue()
    assert "\x07" not in text
    assert "\x1b]" not in text  # no OSC: window title, hyperlink, clipboard
    assert "\x1b[31mred" not in text
    # the id and title are names: shown with their escapes spelled out, never acted on
    assert "\\x1b[31mred\\x1b]0;title\\x07" in text
    assert "[bold]x[/bold]" in text  # shown literally, not as markup
    assert ":thumbs_up:" in text  # no emoji substitution
    assert "[red]t[/]" in text
    if not terminal:
        assert "\x1b" not in text


def test_a_close_paraphrase_beats_a_longer_loose_one() -> None:
    from provenance.models import Passage, Span
    from provenance.report.terminal import _strongest

    loose = Passage(Span(0, 460), Span(0, 460), "paraphrase", 0.37)
    close = Passage(Span(1890, 2180), Span(1420, 1710), "paraphrase", 0.55)
    quote = Passage(Span(500, 900), Span(500, 900), "quote", 1.0)
    assert _strongest([loose, close, quote], 1) == [close]
    assert _strongest([loose, close, quote], 3) == [loose, quote, close]  # derived order


def test_what_was_stripped_is_never_cut_off_at_80_columns() -> None:
    import io

    from rich.console import Console

    from provenance.models import Document, Stripped, TraceResult
    from provenance.report.terminal import render

    doc = Document(
        id="000_7921b6987635c44f.txt",
        path="seeds/000_7921b6987635c44f.txt",
        text="x" * 4407,
        stripped=(
            Stripped("dateline", 17, "date 2025-11-11"),
            Stripped("comments", 8944, "Valuable info."),
        ),
    )
    out = io.StringIO()
    console = Console(file=out, width=80, color_system=None)
    render(TraceResult((doc,), (), ()), console, documents=True)
    flat = " ".join(out.getvalue().split())
    assert "stripped: dateline 17 chars, comments 8.9k chars" in flat


# --- issue 16: the terminal at scale ------------------------------------------------------------


def test_five_hundred_documents_do_not_bury_the_first_finding() -> None:
    base = story()
    many = tuple(
        Document(id=f"bulk/{n:03}.txt", path=f"bulk/{n:03}.txt", text="Unrelated text.")
        for n in range(500)
    )
    result = TraceResult((*base.documents, *many), base.relations, base.clusters, base.skipped)
    lines = show(result, 120).splitlines()
    assert lines[0].startswith("1. 000_wire.txt")
    assert not any(line.startswith("bulk/") for line in lines)
    assert "Read 506 documents: 506 plain text; 4 with a title, 2 dated" in "\n".join(lines)
    assert len(lines) < 120
    listed = show(result, 120, documents=True)
    assert listed.count("bulk/") == 500


def test_one_label_per_document_in_headings_panels_and_families() -> None:
    from provenance.report.terminal import label

    docs = {d.id: d for d in story().documents}
    assert label("000_wire.txt", docs) == "000_wire.txt"
    assert label("000_wire.txt", docs, 200) == (
        "000_wire.txt “Syria joins the global coalition against Islamic State”"
    )
    assert label("000_wire.txt", docs, 36) == "000_wire.txt “Syria joins the…”"
    assert label("000_wire.txt", docs, 20) == "000_wire.txt"  # no room: the id alone, whole
    assert label("003_a.txt", docs, 200) == "003_a.txt"  # no title
    long_id = "x" * 90
    assert label(long_id, {}, 20) == long_id  # never cut
    seeds_like = story()
    wide = show(seeds_like, 120)
    assert "000_wire.txt “Syria joins the" in wide.splitlines()[0]


def test_direction_confidence_is_shown_only_where_it_means_something() -> None:
    from provenance.report.terminal import direction_text

    base = story().relations[0]
    directed = dataclasses.replace(base, direction_reason="dates")
    assert direction_text(directed) == (
        "source→derived, direction confidence 0.82: the source is dated earlier"
    )
    duplicate = dataclasses.replace(
        base,
        kind="duplicate",
        direction="undetermined",
        confidence=1.0,
        direction_reason="near-duplicates",
    )
    text = direction_text(duplicate)
    assert text == "direction undetermined: near-duplicates with nothing to order them"
    assert "confidence" not in text and "1.00" not in text
    siblings = dataclasses.replace(base, direction="common-source", confidence=0.7)
    assert "confidence" not in direction_text(siblings)
    shown = show(TraceResult(story().documents, (duplicate,), ()), 120)
    assert "confidence" not in shown


def test_names_and_titles_show_invisible_characters_as_escapes() -> None:
    text = "Syria has officially joined the Global Coalition to Defeat ISIS. " * 3
    plain = Document(id="source.txt", path="source.txt", text=text)
    twin = Document(
        id="sou\u200brce.txt", path="sou\u200brce.txt", text=text, title="Head\u202eline"
    )
    rel = Relation(
        source="source.txt",
        derived="sou\u200brce.txt",
        kind="duplicate",
        direction="undetermined",
        confidence=1.0,
        score=1.0,
        coverage_source=1.0,
        coverage_derived=1.0,
        passages=(Passage(Span(0, len(text)), Span(0, len(text)), "verbatim", 1.0),),
    )
    result = TraceResult((plain, twin), (rel,), (("source.txt", "sou\u200brce.txt"),))
    for documents in (False, True):
        out = show(result, 120, documents=documents)
        assert "\u200b" not in out and "\u202e" not in out
        assert "source.txt — sou\\u200brce.txt “Head\\u202eline”" in out
        assert "1. source.txt, sou\\u200brce.txt" in out
    assert "Head\\u202eline" in show(result, 120, documents=True).split("id ")[-1]


def test_large_families_get_a_line_each() -> None:
    base = story()
    family = Family(
        source=base.documents[0].id,
        members=tuple(sorted(d.id for d in base.documents[:5])),
        aligned_pairs=6,
        unaligned_pairs=4,
        inferred_pairs=3,
    )
    text = show(dataclasses.replace(base, families=(family,)), 120)
    assert "Large families (each member aligned with the source" in text
    assert "000_wire.txt" in text.split("Large families")[1]
    assert "source of 4 members; 6 pairs aligned, 4 not, 3 inferred" in text
    assert "Large families" not in show(base, 120)
