"""Ingest fuzz target: random bytes, with every extension and the prefixes that steer the
readers (byte-order marks, magic numbers, front-matter fences, HTML and JSON openings),
through ``ingest.read_inputs``.

Whatever the bytes, reading never raises: each input becomes documents with clean,
non-empty text, or ``Skipped`` entries naming the file with a one-line reason. The number
of examples is fixed (``FUZZ_EXAMPLES``), so the time in CI is bounded, and Hypothesis runs
derandomized there (the ``ci`` profile in ``tests/conftest.py``).
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from provenance.config import Settings
from provenance.ingest import read_inputs

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
