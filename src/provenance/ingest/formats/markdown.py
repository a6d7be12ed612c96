"""Markdown (``.md``, ``.markdown``) and front matter.

**Front matter** is a block fenced by ``---`` (YAML) or ``+++`` (TOML) at the very start of a
Markdown *or* text file, read with python-frontmatter. If it parses as a mapping its fields
become metadata (title, date, author, URL, and the sources a post declares under
``settings.check_attribution_keys``). If it does not parse but its lines look like
``key: value`` / ``key = value`` lines, it is still removed (recorded as ``front-matter``) and
no metadata is read: it is not article text either way. Anything else that merely starts with
``---`` (a horizontal rule) is left alone as text. Without stripping, the block stays in the
text.

**Markdown** becomes plain text lightly (:func:`markdown_to_text`): syntax goes, paragraphs
and line breaks stay; every rule runs in time linear in the text.
"""

from __future__ import annotations

import bisect
import html
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import frontmatter
import toml
import yaml

from provenance.config import Settings
from provenance.ingest.dates import first_date
from provenance.ingest.formats import Extracted, meta_author, scalar_text
from provenance.models import Stripped

__all__ = [
    "FRONT_MATTER_FENCES",
    "MARKDOWN_LATE_RULES",
    "MARKDOWN_RULES",
    "META_DATE_KEYS",
    "META_TITLE_KEYS",
    "META_URL_KEYS",
    "extract",
    "markdown_to_text",
    "split_front_matter",
    "with_front_matter",
]

FRONT_MATTER_FENCES: tuple[tuple[str, tuple[str, ...], str], ...] = (
    # (opening fence, closing fences, handler name in python-frontmatter)
    ("---", ("---", "..."), "YAMLHandler"),
    ("+++", ("+++",), "TOMLHandler"),
)
_FRONT_MATTER_MAX_LINES = 300
_KEY_VALUE_LINE = re.compile(r"\s*(?:[\w.\"'-]+\s*[:=]|-\s|#|\[|\s+\S)")

META_TITLE_KEYS = ("title", "headline")
META_DATE_KEYS = ("date", "published", "pubdate", "publishdate", "published_at", "date_published")
META_URL_KEYS = ("url", "canonical_url", "canonical", "permalink", "link", "source")


def extract(text: str, settings: Settings) -> Extracted:
    """A Markdown file: its front matter read, the rest made plain text."""
    return with_front_matter(text, settings, markdown_to_text)


def with_front_matter(
    text: str, settings: Settings, convert: Callable[[str], str] | None = None
) -> Extracted:
    """``text`` with its front matter, if it opens with one, read and (when stripping)
    removed; the rest converted by ``convert`` when given."""
    front = split_front_matter(text)
    meta: dict[str, Any] = {}
    block = ""
    body = text
    if front is not None:
        block, meta, body = front
    if convert is not None:
        body = convert(body)
    if settings.strip_boilerplate or front is None:
        extracted = Extracted(body)
        if front is not None:
            extracted.stripped.append(Stripped.of("front-matter", block))
    else:
        extracted = Extracted(block + "\n" + body)
    extracted.title = _meta_text(meta, META_TITLE_KEYS)
    extracted.date = first_date(meta.get(key) for key in META_DATE_KEYS if key in meta)
    extracted.author = meta_author(meta)
    extracted.url = _meta_url(meta)
    extracted.declared_sources = _meta_sources(meta, settings.check_attribution_keys)
    return extracted


def split_front_matter(text: str) -> tuple[str, dict[str, Any], str] | None:
    """``(block, metadata, body)`` when ``text`` opens with front matter, else None."""
    first, _, _ = text.partition("\n")
    for opening, closings, handler_name in FRONT_MATTER_FENCES:
        if first.rstrip() != opening:
            continue
        lines = text.split("\n", _FRONT_MATTER_MAX_LINES + 1)
        for end in range(1, min(len(lines), _FRONT_MATTER_MAX_LINES + 1)):
            if lines[end].rstrip() in closings:
                break
        else:
            return None
        content = "\n".join(lines[1:end])
        block = "\n".join(lines[: end + 1])
        body = text[len(block) + 1 :] if len(text) > len(block) else ""
        meta = _load_front_matter(content, handler_name)
        if meta is not None:
            return block, meta, body
        if _looks_like_key_values(content):
            return block, {}, body  # malformed front matter: removed, no metadata read
        return None
    return None


def _load_front_matter(content: str, handler_name: str) -> dict[str, Any] | None:
    handler = getattr(frontmatter, handler_name, None)
    if handler is None:  # python-frontmatter leaves TOMLHandler None without the toml package
        return None
    try:
        loaded = handler().load(content)
    except (yaml.YAMLError, toml.TomlDecodeError, ValueError, TypeError, RecursionError):
        return None
    if loaded is None and not content.strip():
        return {}
    if not isinstance(loaded, dict):
        return None
    return {str(k).lower(): v for k, v in loaded.items()}


def _looks_like_key_values(content: str) -> bool:
    lines = [line for line in content.split("\n") if line.strip()]
    if not lines or not re.match(r"\s*[\w.\"'-]+\s*[:=]", lines[0]):
        return False
    return sum(1 for line in lines if _KEY_VALUE_LINE.match(line)) >= 0.6 * len(lines)


def _meta_text(meta: dict[str, Any], keys: Sequence[str]) -> str | None:
    for key in keys:
        text = scalar_text(meta.get(key))
        if text:
            return text
    return None


def _meta_url(meta: dict[str, Any]) -> str | None:
    for key in META_URL_KEYS:
        text = scalar_text(meta.get(key))
        if text and (key != "source" or "://" in text or text.startswith("www.")):
            return text
    return None


def _meta_sources(meta: dict[str, Any], keys: Sequence[str]) -> tuple[str, ...]:
    """Every string value (or list of them) under ``keys``: the sources a post declares."""
    found: list[str] = []
    for key in keys:
        value = meta.get(key.lower())
        values = value[:20] if isinstance(value, list) else [value]
        for item in values:
            text = scalar_text(item)
            if text and text not in found:
                found.append(text[:2000])
    return tuple(found)


# Light Markdown -> text: each rule is (pattern, replacement), applied in order, and
# ``markdown_to_text`` runs them with the two emphasis scanners in their place.
#
# Every rule runs in time linear in the text, whatever it holds (a pull request can add a
# line of 200 KB of ``[x``): a rule whose attempt runs up to a terminator (``]``, ``)``, the
# end of the line) and can fail there has a second alternative that, when the first fails,
# consumes what the attempt read and keeps it as it is (the group the replacement puts
# back). That changes no output: every attempt starting inside that stretch reaches the same
# terminator and fails the same way, so the regex engine would only read it again, once per
# start. Emphasis (``*em*``, ``_em_``) is a scanner (``_emphasis``): its closing delimiter
# search is a lookup in the positions of every possible closer instead of a rescan.
MARKDOWN_RULES: tuple[tuple[re.Pattern[str], str | Callable[[re.Match[str]], str]], ...] = (
    (re.compile(r"(?s:<!--.*?-->)|((?s:<!--.*))"), r"\1"),  # HTML comments (unclosed: kept)
    (re.compile(r"^[ \t]*(?:```|~~~).*$", re.MULTILINE), ""),  # code fences (content kept)
    (re.compile(r"^[ \t]{0,3}\[[^\]\n]+\]:[ \t]*\S+.*$", re.MULTILINE), ""),  # link references
    # images ![alt](src), ![alt][ref]
    (re.compile(r"[ \t]?!\[[^\]\n]*\]\([^)\n]*\)|([ \t]?!\[[^\]\n]*(?:\]\([^)\n]*)?)"), r"\1"),
    (re.compile(r"[ \t]?!\[[^\]\n]*\]\[[^\]\n]*\]|([ \t]?!\[[^\]\n]*(?:\]\[[^\]\n]*)?)"), r"\1"),
    # [text](url), [text][ref]
    (re.compile(r"\[([^\]\n]+)\]\([^)\n]*\)|(\[(?:[^\]\n]+(?:\]\([^)\n]*)?)?)"), r"\1\2"),
    (re.compile(r"\[([^\]\n]+)\]\[[^\]\n]*\]|(\[(?:[^\]\n]+(?:\]\[[^\]\n]*)?)?)"), r"\1\2"),
    # <http://autolink>
    (re.compile(r"<((?:https?|ftp)://[^>\s]+)>|(<(?:https?|ftp)://[^>\s]*)"), r"\1\2"),
    (re.compile(r"</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>"), ""),  # inline HTML tags
    (re.compile(r"^[ \t]{0,3}#{1,6}[ \t]+(.*)$", re.MULTILINE), lambda m: _heading(m[1])),
    (re.compile(r"^[ \t]{0,3}(?:[-*_][ \t]*){3,}$", re.MULTILINE), ""),  # rules / setext lines
    (re.compile(r"^[ \t]{0,3}=+[ \t]*$", re.MULTILINE), ""),  # setext heading underline
    (re.compile(r"^[ \t]{0,3}(?:>[ \t]?)+", re.MULTILINE), ""),  # block quote markers
    (re.compile(r"^([ \t]*)[-*+][ \t]+", re.MULTILINE), r"\1"),  # bullet markers
)
# ... then *em* and _em_ (``_emphasis``), then these:
MARKDOWN_LATE_RULES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"(?<!`)`([^`\n]+)`(?!`)"), r"\1"),  # `code`
    (re.compile(r"\\([\\`*_{}\[\]()#+\-.!>~|])"), r"\1"),  # backslash escapes
)


def _heading(content: str) -> str:
    """An ATX heading's text: ``content`` less trailing blanks and a closing ``#`` run that
    follows a blank (``## Title ##`` -> ``Title``)."""
    text = content.rstrip(" \t")
    body = text.rstrip("#")
    if len(body) < len(text) and body[-1:] in (" ", "\t"):
        return body.rstrip(" \t")
    return text


@dataclass(frozen=True, slots=True)
class _Delimiter:
    """One emphasis character: where a run of it may open, and may close, emphasis."""

    mark: str
    opener: re.Pattern[str]
    closers: tuple[re.Pattern[str], ...]  # by run length 1, 2, 3


_STAR = _Delimiter(
    "*",
    re.compile(r"(?<![\w*\\])\*"),
    tuple(re.compile(rf"(?<=\S)(?=\*{{{d}}}(?![\w*]))") for d in (1, 2, 3)),
)
_UNDERSCORE = _Delimiter(
    "_",
    re.compile(r"(?<![\w\\])_"),
    tuple(re.compile(rf"(?<=\S)(?=_{{{d}}}(?!\w))") for d in (1, 2, 3)),
)


def _emphasis(text: str, delimiter: _Delimiter) -> str:
    """``text`` with each ``*em*``, ``**strong**`` (or ``_em_``...) replaced by its content,
    as ``re.sub(r"(?<![\\w*\\\\])(\\*{1,3})(?=\\S)(.+?)(?<=\\S)\\1(?![\\w*])", r"\\2", text)``
    would, in linear time: that regex, on a line of ``*a `` repeated, reads the rest of the
    line again from every ``*`` (quadratic). Here the closers of each length are found once,
    and an opener looks its closer up among them.

    An opener (a run of 1-3 marks not after a word character, the mark or a backslash,
    followed by a non-blank) takes the longest run length that has a closer later on its
    line, and the nearest such closer: the regex's greedy ``{1,3}`` and lazy ``.+?``.
    """
    mark = delimiter.mark
    if mark not in text:
        return text
    closers = [[m.start() for m in pattern.finditer(text)] for pattern in delimiter.closers]
    size = len(text)
    pieces: list[str] = []
    done = 0  # text[:done] is settled (copied or replaced)
    line_end = -1
    for match in delimiter.opener.finditer(text):
        start = match.start()
        if start < done:
            continue  # inside the previous emphasis
        if start > line_end:
            line_end = text.find("\n", start)
            if line_end < 0:
                line_end = size
        longest = 1
        while longest < 3 and start + longest < size and text[start + longest] == mark:
            longest += 1
        for length in range(longest, 0, -1):
            inner = start + length
            if inner >= size or text[inner].isspace():
                continue  # (?=\S)
            at = closers[length - 1]
            k = bisect.bisect_left(at, inner + 1)
            if k < len(at) and at[k] < line_end:
                close = at[k]
                pieces.append(text[done:start])
                pieces.append(text[inner:close])
                done = close + length
                break
    if not pieces:
        return text
    pieces.append(text[done:])
    return "".join(pieces)


def markdown_to_text(markdown: str) -> str:
    """Markdown to plain text, lightly: syntax goes, paragraphs and line breaks stay."""
    text = markdown
    for pattern, replacement in MARKDOWN_RULES:
        text = pattern.sub(replacement, text)
    text = _emphasis(_emphasis(text, _STAR), _UNDERSCORE)
    for pattern, late in MARKDOWN_LATE_RULES:
        text = pattern.sub(late, text)
    return html.unescape(text)
