"""One module per input format, each turning one file (or record) into document text and
metadata:

* ``text``: plain text (``.txt``; also stdin that is nothing else), and its headline.
* ``markdown``: Markdown (``.md``), and front matter, which a ``.txt`` file may open with too.
* ``html``: HTML (``.html``): trafilatura, falling back to the text of ``<body>``.
* ``jsonl``: JSON Lines (``.jsonl``, ``.jsonl.gz``): one document per record.
* ``tables``: CSV, TSV and Parquet: one document per row (read through ``jsonl``'s records).
* ``webarchive``: WARC and ARC files: one document per HTML page (read as ``html`` is).

Each gives an :class:`Extracted` value (the helpers below read metadata values the same way
in every format); ``ingest.read`` picks the format by the file's name, and
``ingest.document`` finishes what the format extracted.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from provenance.models import Stripped

__all__ = ["META_AUTHOR_KEYS", "Extracted", "meta_author", "scalar_text"]

META_AUTHOR_KEYS = ("author", "authors", "byline", "creator")


@dataclass(slots=True)
class Extracted:
    """A format's output before stripping: text, metadata, and what was already removed."""

    text: str
    title: str | None = None
    date: str | None = None
    author: str | None = None
    url: str | None = None
    stripped: list[Stripped] = field(default_factory=list)
    declared_sources: tuple[str, ...] = ()


def scalar_text(value: object) -> str | None:
    """A metadata value as one line of text: a string (spaces folded) or a number."""
    if isinstance(value, str):
        text = " ".join(value.split())
        return text or None
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return None


def meta_author(meta: Mapping[str, Any]) -> str | None:
    """The writer under the first of ``META_AUTHOR_KEYS`` that names one: a name, a list of
    names (joined with commas), or a mapping with a ``name``."""
    for key in META_AUTHOR_KEYS:
        value = meta.get(key)
        if isinstance(value, dict):
            value = value.get("name")
        if isinstance(value, list):
            names = [n for n in (scalar_text(v) for v in value[:20]) if n]
            if names:
                return ", ".join(names)
            continue
        text = scalar_text(value)
        if text:
            return text
    return None
