"""The compiled kernels (``provenance._kernels``) against the pure-Python reference they
stand in for, and the switch between the two paths (``provenance.kernels``)."""

from __future__ import annotations

import os
import re
from types import ModuleType

import numpy as np
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from provenance import fingerprint, kernels, text
from provenance.config import Settings
from provenance.models import Span


def _compiled() -> ModuleType:
    """The compiled kernels; in CI (a compiler is there) they must have been built."""
    try:
        from provenance import _kernels
    except ImportError:
        if os.environ.get("CI"):
            raise
        pytest.skip("the compiled kernels are not built in this install")
    return _kernels


# Text without characters of unspaced scripts (the compiled tokenizer's domain): letters,
# combining marks, digits, apostrophes, underscores, punctuation and spaces of any script.
_SPACED = st.characters(blacklist_categories=("Cs",)).filter(lambda ch: not text.has_unspaced(ch))
_SPACED_TEXT = st.text(
    st.one_of(_SPACED, st.sampled_from("'’_ .\n\u0301\u093f\u0915aé1")), max_size=120
)


@st.composite
def _text_and_spans(draw: st.DrawFn) -> tuple[str, list[Span]]:
    body = draw(_SPACED_TEXT)
    cuts = sorted(draw(st.lists(st.integers(0, len(body)), max_size=8)))
    spans = [Span(a, b) for a, b in zip(cuts[::2], cuts[1::2], strict=False)]
    return body, spans


@given(_text_and_spans())
def test_compiled_tokenizer_finds_the_words_of_the_token_pattern(
    case: tuple[str, list[Span]],
) -> None:
    body, spans = case
    pattern = text._token_pattern(body)
    bounds = [b for s in spans for b in (s.start, s.end)]
    words = _compiled().spaced_terms(body, bounds, {}, lambda word: word, text._MARK_BITS)
    assert words == [pattern.findall(body, s.start, s.end) for s in spans]


@given(_SPACED_TEXT)
def test_compiled_spaced_terms_equal_the_python_loop(body: str) -> None:
    sents = text.sentences(body)
    expected = text._spaced_terms(body, sents, text._token_pattern(body))
    bounds = [b for s in sents for b in (s.start, s.end)]
    found = _compiled().spaced_terms(body, bounds, text._TERMS, text._new_term, text._MARK_BITS)
    assert found == expected


def test_compiled_spaced_terms_give_up_where_folding_makes_an_unspaced_character() -> None:
    body = "Half-width ｶ ﾀ folds to katakana."  # NFKC makes ｶ a character of Katakana
    assert not text.has_unspaced(body)
    sents = text.sentences(body)
    assert text._spaced_terms(body, sents, text._token_pattern(body)) is None
    bounds = [b for s in sents for b in (s.start, s.end)]
    assert _compiled().spaced_terms(body, bounds, {}, text._new_term, text._MARK_BITS) is None
    assert text.sentence_terms(body) == [["half", "width", "カタ", "fold", "katakana"]]


# Prose dense in what the sentence splitter decides on: every terminator, closing marks,
# abbreviations, numbered abbreviations, initials, lower-case continuations, odd spaces.
_SENTENCE_TEXT = st.lists(
    st.sampled_from(
        [
            *".!?…。！？۔؟।",
            *"\"'”’»)]」』）",
            " ",
            "  ",
            "\n",
            "\n\n",
            "\u2003",
            "\u00a0",
            "Mr",
            "No",
            "no",
            "Fig",
            "U.S",
            "e.g",
            "J",
            "ß",
            "İ",
            "word",
            "Word",
            "3",
            "٣",
            "_x",
            "abc",
            "ÉTÉ",
            "x.y.z",
            "jan",
            "Vol",
            "etc",
        ]
    ),
    max_size=40,
).map("".join)


def _pairs(bounds: list[int]) -> list[tuple[int, int]]:
    return list(zip(bounds[::2], bounds[1::2], strict=True))


@given(st.one_of(_SENTENCE_TEXT, _SPACED_TEXT, st.text(max_size=80)))
@example("Ask _.x. Then go. And e.g. this, U.S. that.")  # initials take \w, underscore included
@example("No. 5 and no.\u20036 or Fig.\n7. Mr. Smith left… then came back.")
def test_compiled_sentences_equal_the_python_ones(body: str) -> None:
    paras = text._paragraphs(body)
    flat = [b for p in paras for b in (p.start, p.end)]
    bounds = _compiled().sentence_bounds(body, flat, text._ABBREVIATIONS, text._NUMBERED)
    assert _pairs(bounds) == [(s.start, s.end) for s in text._sentences(body, paras)]


# Lines of typewriter length or not, ended or not, blank lines, spaces of every kind.
_LINES_TEXT = st.lists(
    st.one_of(
        st.sampled_from(["\n", "\n\n", "\n \t\n", "\r\n", " ", "\u2028", "\x1c", "\f\n"]),
        st.builds(
            lambda n, end: "w" * n + end,
            st.integers(0, 120),
            st.sampled_from(["", ".", ":", "」", "'", " .", ". ", "x"]),
        ),
    ),
    max_size=30,
).map("".join)


_AT_THE_SHARE = "\n".join(["w" * 40 + ".", "w" * 40, "", "w" * 40 + ".", "w" * 40])
"""Half its lines end a sentence: exactly at ``WRAP_MAX_ENDED_SHARE``, so not hard-wrapped."""


@given(st.one_of(_LINES_TEXT, _SENTENCE_TEXT, st.text(max_size=80)))
@example(_AT_THE_SHARE)
@example(_AT_THE_SHARE.replace(".", "", 1))  # just under it: hard-wrapped
def test_compiled_paragraphs_equal_the_python_ones(body: str) -> None:
    bounds = text._paragraph_bounds(_compiled(), body)
    assert _pairs(bounds) == [(p.start, p.end) for p in text._paragraphs(body)]


def test_the_share_examples_sit_on_both_sides_of_the_rule() -> None:
    assert not text.is_hard_wrapped(_AT_THE_SHARE)
    assert text.is_hard_wrapped(_AT_THE_SHARE.replace(".", "", 1))


def test_compiled_has_unspaced_agrees_on_every_code_point() -> None:
    compiled = _compiled()
    for cp in range(0x110000):
        ch = chr(cp)
        assert compiled.has_unspaced(ch) == (text._UNSPACED_RE.search(ch) is not None), hex(cp)


_TERM_LISTS = st.lists(st.lists(st.sampled_from("abcdefghijkl"), max_size=6), max_size=12)


@given(_TERM_LISTS, st.integers(0, 8))
def test_compiled_units_equal_the_python_ones(per_sentence: list[list[str]], low: int) -> None:
    assert _compiled().units(per_sentence, low) == fingerprint._units_of(per_sentence, low)


@given(
    st.lists(st.lists(st.text(max_size=4), unique=True, max_size=30), max_size=8),
    st.sampled_from([4, 8, 64, 128]),
    st.integers(0, 2**32 - 1),
)
def test_compiled_minhash_equals_numpy(units: list[list[str]], num_perm: int, seed: int) -> None:
    settings = Settings(num_perm=num_perm, seed=seed)
    expected = fingerprint._signatures_py(units, settings)
    out = np.empty((len(units), num_perm), dtype=np.uint32)
    a, b = fingerprint.permutations(num_perm, seed)
    _compiled().minhash(units, {}, fingerprint.term_hash, a, b, out)
    np.testing.assert_array_equal(out, expected)


def test_compiled_minhash_checks_the_array_sizes() -> None:
    a, b = fingerprint.permutations(8, 1)
    with pytest.raises(ValueError, match="wrong size"):
        _compiled().minhash([["x"]], {}, fingerprint.term_hash, a, b, np.empty((2, 8), np.uint32))


def test_one_unit_larger_than_a_numpy_block_gets_the_same_signature() -> None:
    settings = Settings(num_perm=16)
    unit = [f"t{k}" for k in range(fingerprint._BLOCK * 2 + 5)]
    assert np.array_equal(
        fingerprint._signatures([unit, []], settings),
        fingerprint._signatures_py([unit, []], settings),
    )


def test_pure_is_forced_by_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(kernels.PURE_VARIABLE, "1")
    assert kernels._load() is None
    monkeypatch.setenv(kernels.PURE_VARIABLE, "0")
    assert kernels._load() is not None or not os.environ.get("CI")


def test_kernels_of_another_interface_are_not_used(monkeypatch: pytest.MonkeyPatch) -> None:
    _compiled()
    monkeypatch.delenv(kernels.PURE_VARIABLE, raising=False)
    assert kernels._load() is not None
    monkeypatch.setattr(kernels, "INTERFACE", kernels.INTERFACE + 1)
    assert kernels._load() is None
    monkeypatch.setattr(kernels, "compiled", None)
    assert kernels.active() == (
        "pure Python (the compiled kernels are out of date: reinstall to rebuild them)"
    )


def test_active_names_the_path() -> None:
    assert re.fullmatch(r"compiled kernels \(C\)|pure Python \(.+\)", kernels.active())
