"""Property tests (Hypothesis): invariants that must hold for any input."""

from __future__ import annotations

import re

import networkx as nx
from hypothesis import given
from hypothesis import strategies as st

from provenance import text as tx
from provenance.align import align, prepare
from provenance.classify import Evidence, kind_for
from provenance.config import Settings
from provenance.models import RELATION_KINDS, Document, TraceResult
from provenance.report import jsonout
from provenance.report.terminal import sanitize

# Text that exercises scripts, quotes, punctuation and whitespace.
ALPHABET = st.sampled_from(
    list("abcdefghij ABC  .,;:!?'\"“”‘’«»`\n\t-") + list("中国。ﾃｽﾄ") + list("ابت۔؟é́")
)
TEXTS = st.text(alphabet=ALPHABET, max_size=300)
WORDS = st.sampled_from(
    "the council voted close bridge lorries engineers cracks steel supports repairs months "
    "cost million businesses warned delivery routes river mayor said would".split()
)
SENTENCES = st.lists(WORDS, min_size=4, max_size=14).map(lambda ws: " ".join(ws).capitalize() + ".")
DOCS = st.lists(SENTENCES, min_size=1, max_size=12).map(" ".join)


@given(TEXTS)
def test_normalize_is_idempotent(text: str) -> None:
    once = tx.normalize(text)
    assert tx.normalize(once) == once


@given(TEXTS)
def test_normalize_map_offsets_are_in_bounds_and_ordered(text: str) -> None:
    normalized, offsets = tx.normalize_map(text)
    assert len(normalized) == len(offsets)
    assert offsets == sorted(offsets)
    assert all(0 <= o < len(text) for o in offsets)


@given(TEXTS)
def test_tokens_map_back_to_the_text(text: str) -> None:
    previous_end = 0
    for tok in tx.tokenize(text):
        assert previous_end <= tok.start < tok.end <= len(text)
        assert tx.fold_token(text[tok.start : tok.end]) == tok.norm
        previous_end = tok.end


TOKEN_TEXTS = st.text(alphabet=st.sampled_from(list("ab Z9_'’'’ -\u0301\u093f中。é")), max_size=80)


@given(TOKEN_TEXTS)
def test_possessive_token_patterns_match_what_backtracking_ones_do(text: str) -> None:
    """Each token pattern's possessive apostrophe group (``*+``, for speed) finds exactly the
    tokens that the same pattern with a plain ``*`` finds."""
    for fast in (tx._TOKEN_RE, tx._FAST_TOKEN_RE, tx._PLAIN_TOKEN_RE):
        assert ")*+" in fast.pattern
        slow = re.compile(fast.pattern.replace(")*+", ")*"))
        assert [m.span() for m in fast.finditer(text)] == [m.span() for m in slow.finditer(text)]


@given(TEXTS, st.data())
def test_sentence_ends_are_those_finditer_finds(text: str, data: st.DataObject) -> None:
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text)))
    fast = [m.span() for m in tx._sentence_ends(text, start, end)]
    assert fast == [m.span() for m in tx._SENT_END.finditer(text, start, end)]


@given(TEXTS)
def test_sentences_are_ordered_trimmed_and_inside_paragraphs(text: str) -> None:
    paras = tx.paragraphs(text)
    sents = tx.sentences(text, paras)
    previous_end = 0
    for s in sents:
        assert previous_end <= s.start < s.end <= len(text)
        assert not text[s.start].isspace() and not text[s.end - 1].isspace()
        assert any(p.start <= s.start and s.end <= p.end for p in paras)
        previous_end = s.end


@given(TEXTS)
def test_quotation_spans_are_in_bounds(text: str) -> None:
    for q in tx.quotation_spans(text):
        assert 0 <= q.start < q.end <= len(text)


@given(DOCS, DOCS, st.integers(min_value=0, max_value=5))
def test_alignment_spans_in_bounds_and_coverage_in_unit_range(a: str, b: str, cut: int) -> None:
    derived = b + " " + a[cut * 7 :]
    passages, cov_a, cov_b = align(prepare(tx.analyse(a)), prepare(tx.analyse(derived)), Settings())
    assert 0.0 <= cov_a <= 1.0 and 0.0 <= cov_b <= 1.0
    for p in passages:
        assert 0 <= p.a.start < p.a.end <= len(a)
        assert 0 <= p.b.start < p.b.end <= len(derived)
        assert 0.0 <= p.similarity <= 1.0


@given(st.floats(0, 1), st.floats(0, 1), st.floats(0, 1), st.booleans())
def test_kind_is_always_one_of_the_five(cov_s: float, cov_d: float, sim: float, rel: bool) -> None:
    ev = Evidence(cov_s, cov_d, 0, 0, 0.0, 0, 0, sim, 0.0, rel)
    assert kind_for(cov_s, cov_d, ev, Settings()) in RELATION_KINDS


@given(st.lists(DOCS, min_size=2, max_size=5))
def test_trace_graph_is_acyclic(tmp_path_factory, docs: list[str]) -> None:  # type: ignore[no-untyped-def]
    from provenance import trace

    folder = tmp_path_factory.mktemp("corpus")
    for k, doc in enumerate(docs):
        (folder / f"{k}.txt").write_text(doc + "\n" + docs[0], encoding="utf-8")
    result = trace([folder])
    graph = nx.DiGraph()
    for r in result.relations:
        if r.direction == "source->derived":
            graph.add_edge(r.source, r.derived)
    assert nx.is_directed_acyclic_graph(graph)


# --- hardening (issue 6): hostile text, coverage of the text, verbatim passages ------------

HOSTILE = st.text(
    alphabet=st.one_of(
        st.sampled_from(
            [*list("ab ;[]0123456789\n\t\r\\"), "\x1b", "\x07", "\x9b", "\x9d", "\x9c", "\x7f"]
        ),
        st.sampled_from(["\u202e", "\u202a", "\u2066", "\u2069", "\u2028", "\x08", "\x00"]),
        st.characters(max_codepoint=0x20FF),
    ),
    max_size=200,
)
_RAW = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


@given(HOSTILE, st.booleans())
def test_sanitize_leaves_no_control_escape_or_bidi_character(text: str, oneline: bool) -> None:
    clean = sanitize(text, oneline=oneline)
    assert not _RAW.search(clean)
    assert sanitize(clean, oneline=oneline) == clean
    if oneline:
        assert "\n" not in clean and "\t" not in clean and clean == clean.strip()


@given(HOSTILE)
def test_json_output_holds_no_raw_control_or_bidi_character_and_round_trips(text: str) -> None:
    doc = Document(id="a" + text, path=text or "p", text="body " + text, title=text or None)
    result = TraceResult(documents=(doc,), relations=(), clusters=(), skipped=())
    out = jsonout.dumps(result, include_text=True)
    assert not _RAW.search(out.replace("\n", ""))
    back = jsonout.loads(out).documents[0]
    assert (back.id, back.path, back.title) == (doc.id, doc.path, doc.title)


@given(TEXTS)
def test_every_token_lies_in_a_sentence(text: str) -> None:
    sents = tx.sentences(text, tx.paragraphs(text))
    for tok in tx.tokenize(text):
        assert any(s.start <= tok.start and tok.end <= s.end for s in sents)


@given(DOCS, DOCS)
def test_verbatim_passages_hold_the_same_words(a: str, b: str) -> None:
    derived = b + " " + a
    ax, ay = tx.analyse(a), tx.analyse(derived)
    passages, _, _ = align(prepare(ax), prepare(ay), Settings())
    for p in passages:
        if p.kind == "verbatim":
            words_a = [t.norm for t in tx.tokenize(a[p.a.start : p.a.end])]
            words_b = [t.norm for t in tx.tokenize(derived[p.b.start : p.b.end])]
            assert words_a == words_b


@given(st.floats(0, 1), st.floats(0, 1), st.floats(0, 1), st.booleans())
def test_only_unrelated_pairs_are_quotes(cov_s: float, cov_d: float, sim: float, rel: bool) -> None:
    ev = Evidence(cov_s, cov_d, 0, 0, 0.0, 0, 0, sim, 0.0, rel)
    assert (kind_for(cov_s, cov_d, ev, Settings()) == "quotes") == (not rel)


@given(st.floats(0, 1), st.floats(0, 1), st.floats(0, 1))
def test_more_similar_never_weakens_the_kind(cov_s: float, cov_d: float, sim: float) -> None:
    strength = {"partial": 0, "rewrite": 1, "near-duplicate": 2, "duplicate": 3}
    s = Settings()

    def kind(similarity: float) -> str:
        ev = Evidence(cov_s, cov_d, 0, 0, 0.0, 0, 0, similarity, 0.0, True)
        return kind_for(cov_s, cov_d, ev, s)

    assert strength[kind(min(1.0, sim + 0.1))] >= strength[kind(sim)]
