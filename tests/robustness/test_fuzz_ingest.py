"""Ingest fuzz target: random bytes, with every extension and the prefixes that steer the
readers (byte-order marks, magic numbers, front-matter fences, HTML and JSON openings),
through ``ingest.read_inputs``.

Whatever the bytes, reading never raises: each input becomes documents with clean,
non-empty text, or ``Skipped`` entries naming the file with a one-line reason. The number
of examples is fixed (``FUZZ_EXAMPLES``), so the time in CI is bounded, and Hypothesis runs
derandomized there (the ``ci`` profile in ``tests/conftest.py``).

The linear-time tests read adversarial Markdown and HTML (one unit repeated on a line) at n
and 8n characters and compare the growth of the time with that of a linear-time reference
on the same text, so neither the machine's speed nor its load decides the outcome.
"""

from __future__ import annotations

import codecs
import re
import time
import unicodedata
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from provenance.config import Settings
from provenance.ingest import markdown_to_text, read_fetched, read_inputs

FUZZ_EXAMPLES = 400

EXTENSIONS = (".txt", ".md", ".html", ".jsonl", ".text", ".htm", ".markdown")
PREFIXES = (
    b"",
    codecs.BOM_UTF8,
    codecs.BOM_UTF16_LE,
    codecs.BOM_UTF16_BE,
    codecs.BOM_UTF32_LE,
    b"%PDF-",
    b"\x1f\x8b",
    b"---\n",
    b"+++\n",
    b"---\ntitle: x\n---\n",
    b"<html><body><p>",
    b"<!doctype html><meta charset=utf-16>",
    b'{"id": "x", "text": "',
    b'{"text": "a"}\n{',
    b"date 2025-01-01\n",
)
# bytes that exercise decoding: ASCII words and punctuation, UTF-8 sequences (some cut),
# cp1252 punctuation, NULs and controls, quotes and markup characters
PIECES = st.sampled_from(
    [
        b"the bridge ",
        b"council ",
        b". ",
        b"\n",
        b"\n\n",
        b"\r\n",
        b'"',
        b"\xe2\x80\x9c",
        b"\xe2\x80",
        b"\x93",
        b"\xe9",
        b"\x00",
        b"\x1b[31m",
        b"\xc2\x9b",
        b"<p>",
        b"</div>",
        b"&amp;",
        b"{",
        b"}",
        b"\\u0000",
        b"\xef\xbb\xbf",
        b"\xff\xfe",
        b"---\n",
        b"By Jane Doe\n",
        b"Comments\n",
    ]
)
CONTENT = st.one_of(
    st.binary(max_size=400),
    st.lists(st.one_of(PIECES, st.binary(max_size=8)), max_size=60).map(b"".join),
)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _check(documents: list, skipped: list, name: str) -> None:  # type: ignore[type-arg]
    assert documents or skipped, "an input vanished without a word"
    for doc in documents:
        assert doc.text.strip()
        assert not _CONTROL.search(doc.text), "control characters survived ingest"
        assert unicodedata.is_normalized("NFC", doc.text)
        assert doc.id.startswith(name) or doc.id.startswith("stdin")
        assert "\n" not in doc.id.partition("#")[2]
    for item in skipped:
        assert item.reason and "\n" not in item.reason
        assert name in item.path or item.path.startswith("<stdin>")


@settings(
    max_examples=FUZZ_EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(prefix=st.sampled_from(PREFIXES), content=CONTENT, ext=st.sampled_from(EXTENSIONS))
def test_any_bytes_in_any_file_are_read_or_skipped(
    tmp_path: Path, prefix: bytes, content: bytes, ext: str
) -> None:
    name = f"fuzz{ext}"
    path = tmp_path / name
    path.write_bytes(prefix + content)
    documents, skipped = read_inputs([path], Settings())
    _check(documents, skipped, name)


@settings(max_examples=FUZZ_EXAMPLES // 2, deadline=None)
@given(prefix=st.sampled_from(PREFIXES), content=CONTENT)
def test_any_bytes_on_stdin_are_read_or_skipped(prefix: bytes, content: bytes) -> None:
    documents, skipped = read_inputs(["-"], Settings(), stdin=prefix + content)
    _check(documents, skipped, "stdin")


# --- linear time on adversarial Markdown and HTML -----------------------------------------

GROWTH = 8
"""Each input is timed at n and GROWTH * n characters."""
MAX_EXCESS = 3.0
"""Bound on (ingest's growth) / (the reference's growth): linear stays near 1, while a
quadratic rule grows GROWTH times faster than the reference (8 here)."""
SMALL = 8_000


def _line(unit: str, n: int) -> str:
    return (unit * (n // len(unit) + 1))[:n]


MARKDOWN_UNITS = (
    "[x",
    "![",
    "*a ",
    "_a ",
    "**a ",
    "***a ",
    "[x](",
    "![a][",
    "[a][",
    "<!--",
    "<http://",
    "`a`` ",
)
HTML_PAGES = {
    "paragraphs": lambda n: "<html><body>" + _line("<p>the council voted ", n),
    "links": lambda n: "<html><body><p>" + _line("<a href=x>a ", n),
    "nesting": lambda n: "<html><body>" + _line("<div>the bridge ", n),
    "comments": lambda n: "<html><body><p>x " + _line("<!--", n),
    "table cells": lambda n: "<html><body><table>" + _line("<tr><td>the river ", n),
}


def _seconds(function: Callable[[], object]) -> float:
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        function()
        best = min(best, time.perf_counter() - start)
    return best


def _reference(text: str) -> int:
    """A linear-time reading of ``text`` in Python, one step per character."""
    return sum(1 for c in text if c == " ")


def _excess(make: Callable[[int], str], read: Callable[[str], object]) -> float:
    """How much faster than the reference the time of ``read`` grows from n to 8n, at
    best over three tries (a busy machine only makes one try slow)."""
    small, large = make(SMALL), make(SMALL * GROWTH)
    excess = float("inf")
    for _ in range(3):
        ours = _seconds(lambda: read(large)) / _seconds(lambda: read(small))
        reference = _seconds(lambda: _reference(large)) / _seconds(lambda: _reference(small))
        excess = min(excess, ours / reference)
        if excess < MAX_EXCESS:
            break
    return excess


def _read_markdown(text: str) -> object:
    return read_fetched(text.encode("utf-8"), "x.md", "x", Settings())


def _read_html(text: str) -> object:
    return read_fetched(text.encode("utf-8"), "x.html", "x", Settings())


@pytest.mark.parametrize("unit", MARKDOWN_UNITS)
def test_markdown_reads_in_linear_time(unit: str) -> None:
    assert _excess(lambda n: "A title\n\n" + _line(unit, n), _read_markdown) < MAX_EXCESS


@pytest.mark.parametrize("name", sorted(HTML_PAGES))
def test_html_reads_in_linear_time(name: str) -> None:
    assert _excess(HTML_PAGES[name], _read_html) < MAX_EXCESS


MARKUP = st.sampled_from([*"*_[]()!<>-#`\\ \t=~+:ax", "http://", "<!--", "-->", "é"])


@settings(max_examples=12, deadline=None)
@given(unit=st.lists(MARKUP, min_size=1, max_size=5).map("".join))
def test_any_repeated_markdown_reads_in_linear_time(unit: str) -> None:
    assert _excess(lambda n: _line(unit, n), markdown_to_text) < MAX_EXCESS
