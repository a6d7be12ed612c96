"""Dates: read a publication date from metadata values and from text, as ISO 8601.

``parse_date`` takes a metadata value (front matter, an HTML ``<meta>``, a JSON field, a web
archive's capture date) and gives an ISO 8601 string at the precision the value gives
(``2025-11-11``, ``2025-11-11T09:30``, ``2025-11-11T09:30:00+00:00``), or None. ``find_date``
finds the first date with a year in running text (``Nov. 10, 2025``, ``11 November 2025``):
ingest looks in a document's first ``DATE_SEARCH_CHARS`` characters when no metadata gives one.
Neither ever raises.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import re
from collections.abc import Iterable

__all__ = ["DATE_SEARCH_CHARS", "MONTH", "find_date", "first_date", "parse_date"]

DATE_SEARCH_CHARS = 300
"""How far into a document's text ``find_date`` looks when no metadata gives a date."""

_MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
    "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip
MONTH = (
    r"(?P<mon>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
"""A month name or abbreviation (the named group ``mon``)."""
_ISO_DATE = re.compile(
    r"(?<![\d-])(?P<y>\d{4})[-/](?P<m>\d{2})[-/](?P<d>\d{2})"
    r"(?:[T ](?P<H>\d{2}):(?P<M>\d{2})(?::(?P<S>\d{2})(?:\.\d+)?)?"
    r"[ \t]*(?P<tz>Z|[+-]\d{2}:?\d{2})?)?(?![\d])"
)
_MONTH_DAY_YEAR = re.compile(
    rf"\b{MONTH}\.?\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y>\d{{4}})\b", re.IGNORECASE
)
_DAY_MONTH_YEAR = re.compile(
    rf"\b(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?{MONTH}\.?,?\s+(?P<y>\d{{4}})\b",
    re.IGNORECASE,
)
_DATE_PATTERNS = (_ISO_DATE, _MONTH_DAY_YEAR, _DAY_MONTH_YEAR)


def parse_date(value: object) -> str | None:
    """An ISO 8601 string at the precision ``value`` gives, or None. Never raises."""
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if not isinstance(value, str):
        return None
    text = value.strip()
    if not text or len(text) > 100:
        return None
    for pattern in _DATE_PATTERNS:
        match = pattern.fullmatch(text)
        if match:
            return _format_date(match)
    try:
        parsed = email.utils.parsedate_to_datetime(text)  # RFC 2822, e.g. from RSS
    except (TypeError, ValueError, IndexError, OverflowError):
        pass
    else:
        return parsed.isoformat()
    return find_date(text) if len(text) <= 40 else None


def find_date(text: str) -> str | None:
    """The first date with a year in ``text`` (ISO, "Nov. 10, 2025", "11 November 2025")."""
    best: tuple[int, str] | None = None
    for pattern in _DATE_PATTERNS:
        for match in pattern.finditer(text):
            formatted = _format_date(match)
            if formatted is not None:
                if best is None or match.start() < best[0]:
                    best = (match.start(), formatted)
                break
    return best[1] if best else None


def _format_date(match: re.Match[str]) -> str | None:
    groups = match.groupdict()
    try:
        year, day = int(groups["y"]), int(groups["d"])
        month = int(groups["m"]) if groups.get("m") else _MONTHS[groups["mon"][:3].lower()]
        date = dt.date(year, month, day)
        if groups.get("H") is None:
            return date.isoformat()
        hour, minute = int(groups["H"]), int(groups["M"])
        second = int(groups["S"]) if groups.get("S") else None
        moment = dt.time(hour, minute, second or 0)
    except (ValueError, KeyError):
        return None
    text = f"{date.isoformat()}T{moment.strftime('%H:%M' if second is None else '%H:%M:%S')}"
    tz = groups.get("tz")
    if tz:
        if tz == "Z":
            return text + "+00:00"
        digits = tz[1:].replace(":", "")
        if int(digits[:2]) > 23 or int(digits[2:]) > 59:
            return text
        text += f"{tz[0]}{digits[:2]}:{digits[2:]}"
    return text


def first_date(values: Iterable[object]) -> str | None:
    """The first of ``values`` that ``parse_date`` reads as a date."""
    for value in values:
        date = parse_date(value)
        if date:
            return date
    return None
