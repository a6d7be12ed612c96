"""Where a passage is in the checked file: the lines a CI annotation points at."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from provenance import ingest
from provenance.errors import ProvenanceError
from provenance.models import Document, Span

_WORD = re.compile(r"\w+")
_PROBE_WORDS = 8


_BETWEEN = r"(?:<[^<>]{0,200}>|&#?\w{1,10};|[\W_])++"
"""What may sit between two words in the file: space, punctuation, Markdown marks, HTML tags
and character references. Possessive (``++``) and bounded, so no document can make the
search backtrack: a run that does not lead to the next word fails at once."""


def _words_pattern(words: Sequence[str]) -> re.Pattern[str]:
    return re.compile(_BETWEEN.join(re.escape(w) for w in words))


def locate_lines(document: Document, span: Span) -> tuple[int, int]:
    """1-based ``(first, last)`` line of ``span`` in the document's file as it is on disk.

    Spans point into the extracted text (front matter and markup removed), so the passage's
    first and last words are looked up in the file; when that fails (HTML, JSONL, stdin, a
    file that changed since) the lines are counted in the extracted text.
    """
    text = document.text
    fallback = (text.count("\n", 0, span.start) + 1, text.count("\n", 0, max(span.end - 1, 0)) + 1)
    if document.path in ("", "-") or "#" in document.id or document.format == "jsonl":
        return fallback
    path = Path(document.path)
    try:
        raw = ingest.decode_bytes(path.read_bytes())
    except (OSError, ProvenanceError, ValueError):
        return fallback
    words = _WORD.findall(text[span.start : span.end])
    if not words:
        return fallback
    head = _words_pattern(words[:_PROBE_WORDS]).search(raw)
    if head is None:
        return fallback
    line = raw.count("\n", 0, head.start()) + 1
    end_line = line
    tail = None
    for match in _words_pattern(words[-_PROBE_WORDS:]).finditer(raw, head.start()):
        tail = match
        break
    if tail is not None:
        end_line = raw.count("\n", 0, max(tail.end() - 1, 0)) + 1
    return line, max(line, end_line)
