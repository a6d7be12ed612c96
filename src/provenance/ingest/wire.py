"""News-agency copy as a format: recognise it, reflow it, and read what it carries.

Wire copy reaches a newsroom with conventions of its own (Press Association copy is the
model here, and agencies share most of them):

* a **header** of rule lines and a slug with a time stamp and the page, priority, desk and
  catchline (``16:52 01/03/00: Page 1 (HHH) COURTS Francis``);
* ``<`` at the end of every paragraph, and lines **hard-wrapped** inside paragraphs;
* **editors' memos** (``(Attention News Editors: ...)``) that are not article text;
* **end and continuation markers** on a line of their own (``end``, ``ends``, ``more``,
  ``mf``, ``mfl``, ``-30-``, ``###``);
* typewriter conventions: ````TeX-style''`` quotation marks, ``_`` for a dash, ``#`` for £;
* an **agency credit** in the byline or dateline (``By Jane Doe, PA News``,
  ``LONDON (Reuters) -``, ``کراچی ۔ (اے پی پی)``).

:func:`reflow` turns such text into plain paragraphs (one a line) and says what it removed;
:func:`agency_credit` names the agency a text credits as its origin. Both are used by
``ingest``; the graph stage reads ``Document.wire_copy`` and ``Document.agency`` as evidence
of direction (an agency's copy is the source of the papers that print it).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from provenance.models import Stripped

__all__ = ["AGENCIES", "WireCopy", "agency_credit", "reflow"]

# A rule line: dashes, equals signs, asterisks or underscores only.
_RULE = re.compile(r"[ \t]*[-=_*~]{8,}[ \t]*")
# The slug: a time and a day/month/year date, then the rest of the routing line.
_SLUG = re.compile(
    r"[ \t]*(?P<time>\d{1,2}:\d{2})(?::\d{2})?[ \t]+(?P<date>\d{1,2}/\d{1,2}/\d{2,4})\b"
    r"[ \t]*:?.{0,120}"
)
# A paragraph end: ``<`` closing a line.
_PARA_MARK = re.compile(r"<[ \t]*$", re.MULTILINE)
_PARA_SPLIT = re.compile(r"<[ \t]*(?:\n|$)")
_HEADER_LINES = 12  # the header sits in the first lines
_HEADER_CHARS = 2_000  # ... within these characters
_MIN_PARA_MARKS = 3
_MIN_PARA_MARK_SHARE = 0.25  # of the non-blank lines (the rest are wrapped continuations)

# A memo to editors, not article text: at the top or the bottom of the copy.
_MEMO = re.compile(
    r"\(?\s*(?:attention|for the attention of|note to|editors?['’]?s?\s+note|nb\b|embargo(?:ed)?"
    r"|correction|corrects|advisory|please note|eds?\b|editors?:)",
    re.IGNORECASE,
)
_MEMO_MAX_CHARS = 600
_TITLE_MAX_CHARS = 160
_TITLE_CAPITALS = 0.8  # share of a headline's letters in capitals
_MEMO_PLACES = 3  # paragraphs from either end where a memo may stand

# A marker line that ends (or continues) a take.
_END_MARKER = re.compile(
    r"[-(\[ ]*(?:ends?|more|mfl?|xxx+|#+|-?30-?|end\s+of\s+story|endit)[-)\] .]*",
    re.IGNORECASE,
)

# News agencies, as they are credited: (spellings, canonical name). A credit is a name in
# parentheses (a dateline's ``LONDON (Reuters) -``, Urdu ``(اے پی پی)``) or closing a
# byline or credit line (``By Jane Doe, PA News``); a name in running prose is not one.
AGENCIES: tuple[tuple[tuple[str, ...], str], ...] = (
    (("PA News", "PA", "Press Association", "PA Media"), "PA"),
    (("Reuters", "رائٹرز", "روئٹرز"), "Reuters"),
    (("AP", "Associated Press", "اے پی"), "AP"),
    (("AFP", "Agence France-Presse", "Agence France Presse", "اے ایف پی"), "AFP"),
    (("UPI", "United Press International"), "UPI"),
    (("dpa", "Deutsche Presse-Agentur"), "dpa"),
    (("ANSA",), "ANSA"),
    (("EFE",), "EFE"),
    (("Xinhua",), "Xinhua"),
    (("Kyodo", "Kyodo News"), "Kyodo"),
    (("Yonhap",), "Yonhap"),
    (("PTI", "IANS", "ANI"), "India agency"),
    (("AAP", "Australian Associated Press"), "AAP"),
    (("CP", "Canadian Press", "The Canadian Press"), "CP"),
    (("APP", "Associated Press of Pakistan", "اے پی پی"), "APP"),
    (("NNI", "این این آئی"), "NNI"),
    (("INP", "آئی این پی"), "INP"),
    (("PPI", "پی پی آئی"), "PPI"),
    (("آن لائن",), "Online"),
    (("ثناء نیوز", "ثنا نیوز"), "Sana"),
)


def _spelling(name: str) -> str:
    # spaces inside a name may be any run of spaces (Urdu abbreviations are spaced freely)
    return r"\s*".join(re.escape(part) for part in name.split())


def _credit_patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """One pattern for a name in parentheses and one for a name closing a line, each with a
    named group per agency (``g0``, ``g1``, ... in ``AGENCIES`` order)."""
    groups = []
    for k, (names, _) in enumerate(AGENCIES):
        alternatives = "|".join(_spelling(n) for n in sorted(names, key=len, reverse=True))
        groups.append(f"(?P<g{k}>{alternatives})")
    every = "|".join(groups)
    parens = re.compile(rf"\(\s*(?:{every})\s*\)")
    closing = re.compile(rf"(?:[,|/;]|\s[-\u2013\u2014])\s*(?:{every})[\s.]*$")
    return parens, closing


_PARENS_CREDIT, _CLOSING_CREDIT = _credit_patterns()
# Where an origin credit stands: the byline or dateline at the top, a credit line at the end.
_CREDIT_HEAD_CHARS = 240
_CREDIT_HEAD_LINES = 3
_CREDIT_SCAN_CHARS = 2_000  # the first and last lines are looked for in these characters
_CREDIT_LINE_CHARS = 160  # a longer line is prose, not a byline or credit line
_CREDIT_TAIL_LINES = 2


@dataclass(slots=True)
class WireCopy:
    """Wire copy made plain: one paragraph a line, with what was taken out."""

    text: str
    date: str | None = None  # the slug's time stamp, ISO 8601
    title: str | None = None  # the headline: a first paragraph in capitals
    stripped: list[Stripped] = field(default_factory=list)
    removed_text: str = ""  # header, memos and markers as one block (kept when not stripping)


def _slug_date(match: re.Match[str]) -> str | None:
    """``16:52`` and ``01/03/00`` -> ``2000-03-01T16:52``. Day first (as agencies outside the
    US write it) unless only month-first is a valid date."""
    day_s, month_s, year_s = match.group("date").split("/")
    year = int(year_s)
    if year < 100:
        year += 2000 if year < 70 else 1900
    hour, minute = (int(x) for x in match.group("time").split(":")[:2])
    for d, m in ((int(day_s), int(month_s)), (int(month_s), int(day_s))):
        try:
            moment = dt.datetime(year, m, d, hour, minute)
        except ValueError:
            continue
        return moment.strftime("%Y-%m-%dT%H:%M")
    return None


def _header_end(lines: list[str]) -> tuple[int, re.Match[str] | None]:
    """Index of the first line after a wire header (0 when there is none) and its slug."""
    slug: re.Match[str] | None = None
    end = 0
    for i, line in enumerate(lines[:_HEADER_LINES]):
        if not line.strip():
            continue
        if _RULE.fullmatch(line):
            end = i + 1
            continue
        found = _SLUG.fullmatch(line)
        if found and slug is None:
            slug = found
            end = i + 1
            continue
        break
    if slug is None:
        return 0, None  # rule lines alone are a banner, not a wire header
    return end, slug


def _has_para_marks(lines: list[str]) -> bool:
    filled = [ln for ln in lines if ln.strip()]
    marked = sum(1 for ln in filled if _PARA_MARK.search(ln))
    return marked >= _MIN_PARA_MARKS and marked >= _MIN_PARA_MARK_SHARE * len(filled)


_POUND = re.compile(r"#(?=\d)")
_DASH = re.compile(r"(?<=\s)_(?=\s)")


def _typewriter(text: str) -> str:
    """``TeX-style'' quotes to curly ones, ``_`` between spaces to a dash, ``#`` before a
    figure to £ (agency copy is 7-bit)."""
    text = text.replace("``", "\u201c").replace("''", "\u201d")
    text = _DASH.sub("\u2013", text)
    return _POUND.sub("\u00a3", text)


def reflow(text: str) -> WireCopy | None:
    """Wire copy as plain paragraphs, or None when ``text`` is not wire copy.

    Wire copy is recognised by a header (a time-stamped slug among rule lines) at the top
    or by ``<`` paragraph ends on a good share of its lines. Paragraph ends become line
    breaks, hard-wrapped lines inside a paragraph are joined with a space, and the header,
    editors' memos and end markers are taken out and recorded.
    """
    # Most documents are not wire copy: look at the first lines and for a "<" line end
    # before splitting the whole text.
    start, slug = _header_end(text[:_HEADER_CHARS].split("\n"))
    if not start and _PARA_MARK.search(text) is None:
        return None
    lines = text.split("\n")
    marks = _has_para_marks(lines[start:])
    if not start and not marks:
        return None
    out = WireCopy("")
    removed: list[str] = []
    if start:
        header = "\n".join(lines[:start]).strip("\n")
        shown = [ln for ln in lines[:start] if ln.strip() and not _RULE.fullmatch(ln)]
        out.stripped.append(Stripped.of("wire-header", header, "\n".join(shown)))
        removed.append(header)
        if slug is not None:
            out.date = _slug_date(slug)
    body = "\n".join(lines[start:])
    # Without ``<`` marks the lines are kept as they are (the text stage finds paragraphs
    # in hard-wrapped text); only the header and markers come out.
    pieces = _PARA_SPLIT.split(body) if marks else body.split("\n")
    paras = [" ".join(part.split()) for part in pieces]
    paras = [p for p in paras if p and p != "<"]
    # memos at either end, then end markers at the end
    keep = [True] * len(paras)
    for i, para in enumerate(paras):
        near_end = i < _MEMO_PLACES or i >= len(paras) - _MEMO_PLACES
        if near_end and len(para) <= _MEMO_MAX_CHARS and _MEMO.match(para):
            keep[i] = False
            out.stripped.append(Stripped.of("editors-note", para))
            removed.append(para)
    k = len(paras) - 1
    while k >= 0 and (not keep[k] or _END_MARKER.fullmatch(paras[k])):
        if keep[k]:
            keep[k] = False
            out.stripped.append(Stripped.of("wire-marker", paras[k]))
            removed.append(paras[k])
        k -= 1
    kept = [p for p, ok in zip(paras, keep, strict=True) if ok]
    if not kept:
        return None
    out.text = _typewriter("\n".join(kept))
    first = kept[0]
    letters = [c for c in first if c.isalpha()]
    capitals = sum(c.isupper() for c in letters)
    if len(first) <= _TITLE_MAX_CHARS and letters and capitals >= _TITLE_CAPITALS * len(letters):
        out.title = _typewriter(first)
    out.removed_text = "\n".join(removed)
    return out


def agency_credit(text: str) -> str | None:
    """The news agency ``text`` credits as its origin, in its byline or dateline (the first
    few lines) or a credit line at its end; None when it credits none."""
    first = [ln.strip() for ln in text[:_CREDIT_SCAN_CHARS].split("\n") if ln.strip()]
    last = [ln.strip() for ln in text[-_CREDIT_SCAN_CHARS:].split("\n") if ln.strip()]
    heads = [ln[:_CREDIT_HEAD_CHARS] for ln in first[:_CREDIT_HEAD_LINES]]
    edge = first[:_CREDIT_HEAD_LINES] + last[-_CREDIT_TAIL_LINES:]
    for line in heads:
        found = _PARENS_CREDIT.search(line)
        if found:
            return _agency_of(found)
    for line in edge:
        if len(line) <= _CREDIT_LINE_CHARS:
            found = _PARENS_CREDIT.search(line) or _CLOSING_CREDIT.search(line)
            if found:
                return _agency_of(found)
    return None


def _agency_of(match: re.Match[str]) -> str:
    group = match.lastgroup
    assert group is not None  # every alternative is a named group
    return AGENCIES[int(group[1:])][1]
