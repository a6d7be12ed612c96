"""Boilerplate: what in an extracted text is not the article, removed and recorded.

:func:`strip_boilerplate` removes, line by line, a leading ``date ...`` metadata prefix,
bylines and credit lines, page furniture (share buttons, "Read more", cookie banners) and
comment sections (after a heading, or an unmarked run of comment-like paragraphs at the end),
and records each removal as a ``Stripped`` value. It also gives the date of a removed prefix
and the writer named in a removed leading byline.

The pattern lists are the tables ``DATELINE_LABELS``, ``LEADING_BYLINE_PATTERNS``,
``TRAILING_BYLINE_PATTERNS``, ``FURNITURE_PATTERNS``, ``COMMENT_HEADING_PATTERNS`` and the
``COMMENT_*`` word lists. Only whole lines are removed, in order; ingest keeps the unstripped
text when stripping would empty a document.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from provenance.ingest.dates import MONTH, parse_date
from provenance.models import Stripped

__all__ = ["StripResult", "is_comment_like", "skip_ahead", "strip_boilerplate", "trim"]

# A leading metadata prefix: a label and an ISO date before the text (" date 2025-11-11 "
# in seed 000), or a label and any date alone on the first line ("Published: Nov 11, 2025").
DATELINE_LABELS = (
    "date", "dated", "published", "published on", "posted", "posted on",
    "updated", "last updated", "first published",
)  # fmt: skip
_DATE_VALUE = (
    r"(?:\d{4}[-/]\d{2}[-/]\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?"
    rf"|{MONTH.replace('?P<mon>', '?:')}\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}"
    rf"|\d{{1,2}}(?:st|nd|rd|th)?\s+{MONTH.replace('?P<mon>', '?:')}\.?,?\s+\d{{4}})"
)
_DATELINE = re.compile(
    r"\A[ \t]*(?:" + "|".join(re.escape(label) for label in DATELINE_LABELS) + r")"
    rf"[ \t]*:?[ \t]*(?P<date>{_DATE_VALUE})(?:[ \t]*(?:[|,;]|[-\u2013\u2014](?=\s)))?[ \t]*\n?",
    re.IGNORECASE,
)

# Whole lines near the top that credit the writer. "By ..." lines are checked by
# _is_by_line (capitalised names and organisations only), so "By the time..." is kept.
LEADING_BYLINE_PATTERNS = (
    r"(?:authored|written|reported|compiled|posted|edited|words|story|text)\s+by\s+\S.{0,120}",
    r"(?:staff|special)\s+(?:writer|reporter|correspondent)s?",
)
# Whole lines at the end: copyright, syndication and contributor credits.
TRAILING_BYLINE_PATTERNS = (
    r"(?:copyright|\(c\)|©)\s*(?:\d{4}|©).{0,150}",
    r"all rights reserved\.?",
    r"this (?:material|article|story) may not be published, broadcast, rewritten,?"
    r" or redistributed.{0,80}",
    r"\(?(?:additional\s+)?(?:reporting|writing|editing)\s+by\s.{1,200}",
    r".{1,120}\bcontributed (?:reporting )?to this (?:report|story|article)\.?",
    r"this (?:article|story|report|piece) (?:was )?(?:originally|first) "
    r"(?:appeared|published|ran)\b.{0,160}",
    r"republished (?:with permission )?(?:from|by)\s.{1,150}",
)
_BYLINE_CONNECTORS = {
    "and", "&", "of", "the", "for", "via", "at", "in", "de", "del", "da", "van", "von", "der",
    "al", "bin", "le", "la", "|", ",", "-", "–", "—", "/",
}  # fmt: skip
_MAX_BYLINE_LINES = 3
_MAX_BYLINE_CHARS = 160

# Page furniture: whole short lines, matched case-insensitively after trimming spaces and
# decoration such as ". … : | »". Each entry is (pattern, longest line it may match).
FURNITURE_MAX_CHARS = 100
_LONG, _BANNER = 160, 400
_SOCIAL = (
    r"(?:facebook|twitter|x|whatsapp|linkedin|e-?mail|reddit|pinterest|telegram|threads"
    r"|bluesky|messenger|flipboard)"
)
FURNITURE_PATTERNS: tuple[tuple[str, int], ...] = (
    # loading placeholders and share buttons
    (r"loading(?: recommendations| comments| more| content| video)?", FURNITURE_MAX_CHARS),
    (r"share(?: this| the)?(?: article| story| post| page| video)?", FURNITURE_MAX_CHARS),
    (rf"(?:share|post|send)(?: this)?(?: article| story)? (?:on|to|via) {_SOCIAL}", _LONG),
    (rf"{_SOCIAL}|tweet(?: this)?|pin it", FURNITURE_MAX_CHARS),
    (r"print(?: this)?(?: article| page| story)?", FURNITURE_MAX_CHARS),
    (rf"follow us(?: on {_SOCIAL})?|follow (?:@\w+|us) on .{{1,40}}", FURNITURE_MAX_CHARS),
    (r"copy link|link copied|copied|email this(?: article| story)?", FURNITURE_MAX_CHARS),
    # advertising
    (r"advertisements?|advert|ad|sponsored(?: content)?|paid content", FURNITURE_MAX_CHARS),
    (r"(?:story|article) continues below(?: advertisement)?", FURNITURE_MAX_CHARS),
    (r"continue reading(?: below)?|scroll (?:down )?to continue(?: with content)?", _LONG),
    # navigation
    (r"skip to (?:main )?(?:content|navigation|article)", FURNITURE_MAX_CHARS),
    (r"jump to (?:content|navigation)|scroll to top|back to top", FURNITURE_MAX_CHARS),
    (r"read more|more on this story", FURNITURE_MAX_CHARS),
    (r"related(?: articles| stories| content| coverage| topics)?", FURNITURE_MAX_CHARS),
    (r"(?:read more|related|also read|see also|more|watch|listen)\s*:.{0,120}", _LONG),
    (r"click here(?: to .{1,80})?", FURNITURE_MAX_CHARS),
    (r"you (?:may|might) also like|recommended(?: for you)?|editor'?s picks", FURNITURE_MAX_CHARS),
    (r"most (?:read|popular|viewed)|trending(?: now)?|top stories", FURNITURE_MAX_CHARS),
    (r"more from .{1,40}", FURNITURE_MAX_CHARS),
    (r"listen to (?:this|the) (?:article|story)(?: \d+ min(?:ute)?s?)?", FURNITURE_MAX_CHARS),
    (r"\d+ min(?:ute)? read", FURNITURE_MAX_CHARS),
    (r"(?:download|open in|get) (?:the |our )?app", FURNITURE_MAX_CHARS),
    (r"tags?\s*:.{1,100}|topics?\s*:.{1,100}", _LONG),
    # newsletters and subscriptions
    (r"(?:sign up|subscribe|register) (?:for|to) (?:our|the) .{0,60}newsletters?.{0,60}", _LONG),
    (r"subscribe(?: now| today| here)?|subscribe to (?:our|the) \w+(?: \w+)?", FURNITURE_MAX_CHARS),
    # photo credits
    (
        r"(?:photo|image|picture|video)(?: credit)?s?\s*[:|].{1,80}|getty images",
        FURNITURE_MAX_CHARS,
    ),
    # cookie banners (they run longer than other furniture)
    (r"(?:we|this (?:web)?site) uses? cookies.{0,300}", _BANNER),
    (r"by (?:continuing to (?:use|browse)|using) (?:this|our) (?:web)?site.{0,300}", _BANNER),
    (r"(?:accept|allow|reject|decline)(?: all)? cookies", FURNITURE_MAX_CHARS),
    (r"cookie (?:settings|policy|preferences)|manage (?:cookies|preferences|consent)", _LONG),
    (r"accept all|accept and (?:close|continue)", FURNITURE_MAX_CHARS),
)
# One alternation per length limit (longest first): a line is furniture when it is no longer
# than a limit and the whole of it matches one of that limit's patterns.
_FURNITURE = tuple(
    (
        re.compile("|".join(f"(?:{p})" for p, lim in FURNITURE_PATTERNS if lim >= limit), re.I),
        limit,
    )
    for limit in sorted({limit for _, limit in FURNITURE_PATTERNS}, reverse=True)
)
_FURNITURE_TRIM = " \t.…:|•·-–—>»›"

# A line after which everything is a comment section.
COMMENT_HEADING_PATTERNS = (
    r"(?:\d+\s+)?comments?(?:\s*\(\d+\))?",
    r"(?:\d+|no|one|two|three|four|five|six|seven|eight|nine|ten)\s+"
    r"(?:thoughts?|responses?|replies|comments?)\s+(?:on|to)\s+.{1,200}",
    r"(?:\d+\s+)?(?:responses|replies)",
    r"(?:leave|post|add|write) a (?:reply|comment|response)(?: cancel reply)?",
    r"join the (?:discussion|conversation)",
    r"(?:show|view|load|see|read) (?:all )?(?:\d+ )?comments?",
    r"comments are closed",
    r"reader comments|what readers are saying",
)
_COMMENT_HEADINGS = tuple(re.compile(p, re.IGNORECASE) for p in COMMENT_HEADING_PATTERNS)
# A heading only cuts when at least this much article text stands before it.
_MIN_CHARS_BEFORE_COMMENT_HEADING = 200

# Unmarked comment tails (seed 000): a paragraph is comment-like when it contains a stock
# phrase, or addresses "you" outside quotation marks while talking about the site or post
# together with praise, thanks or a first-person remark. Topic words (blog, RSS, bookmark)
# are only site words: an article about blogs is not a comment.
COMMENT_STOCK_PHRASES = (
    r"great (?:post|article|blog|site|read|info(?:rmation)?|job|stuff|points|write-?up)",
    r"(?:nice|good|excellent|awesome|fantastic|wonderful|informative|useful|helpful|"
    r"interesting|superb|valuable) (?:post|article|blog|website|web site|site|read|info|"
    r"information|stuff|tips?|write-?up)",
    r"keep (?:up the|it up)|keep (?:us )?(?:informed|posting|writing)",
    r"thanks? (?:you )?(?:so much )?for (?:sharing|posting|the (?:post|info|article))",
    r"thank you|thankyou|\bthanks\b(?! to\b)|\bthx\b|(?:best|kind|warm) regards|cheers!",
    r"\b(?:i(?:'ve| have)?|we(?:'ve| have)?) (?:just )?bookmark(?:ed)?\b",
    r"\bbookmarked (?:it|this|your)",
    r"\byour (?:blog|website|web site|site|weblog|web page|posts?|articles?|writing)\b",
    r"\bthis (?:blog|website|web site|site|weblog)\b",
    r"lucky me|made my day|you(?:'ve| have) done|(?:i'?m|i am) (?:impressed|glad|a big fan)",
    r"new reader|i will (?:advocate|recommend|be checking)|check(?:ing)? back",
)
COMMENT_SITE_WORDS = (
    r"site|website|web site|blog|blogs|blogging|blogosphere|weblog|webmaster|wordpress|rss|"
    r"bookmark\w*|post|posts|article|articles|writing|write-?up|content|info|"
    r"information|topic|subject|stuff|read|reader|page|theme|design|layout|publish|issue"
)
COMMENT_WARM_WORDS = (
    r"thanks?|appreciate\w*|great|nice|good|excellent|awesome|amazing|wonderful|fantastic|"
    r"superb|impress\w*|informative|helpful|useful|valuable|enjoy\w*|love\w*|like|brilliant|"
    r"perfect|incredible|magnificent|remarkable|glad|wow|interesting|intelligent|hope"
)
# Reporting language marks article prose; a paragraph with it is never comment-like by vocabulary.
ARTICLE_REPORTING_WORDS = (
    r"said|says|told|according to|announced|stated|reported|spokesperson|wrote|writes|added|"
    r"found|showed|survey|study|research"
)


def skip_ahead(first: str, pattern: str) -> re.Pattern[str]:
    """``pattern`` compiled behind a lookahead on ``first``, the characters (a regex class
    body) that every match of it starts with.

    ``re`` scans for the start of a match quickly only when the pattern begins with a
    literal or a character class; an alternation, or a word boundary before one, is
    instead tried in full at every position of the text. The lookahead changes nothing a
    pattern matches as long as ``first`` is right (tests check each one against the
    parsed pattern)."""
    return re.compile(f"(?=[{first}])(?:{pattern})")


# Every paragraph of every document is tested, so these run on the lower-cased paragraph,
# case-sensitively (re's IGNORECASE is several times slower), each alternation starts at a
# word boundary, and each pattern skips ahead to the letters its words start with.
_COMMENT_STOCK = skip_ahead("abcefghiklmnstuvwy", r"\b(?:" + "|".join(COMMENT_STOCK_PHRASES) + ")")
_YOU = skip_ahead("y", r"\b(?:you|your|yours|you're|you've|you'd|you'll)\b")
_THANK_YOU = skip_ahead("t", r"\bthank[- ]you\b")  # thanks, not an address
_I = re.compile(r"(?:^|[.!?]\s+)(?:i|i'm|i've|i'd|i'll|we|we're)\b")


def _first_letters(words: str) -> str:
    """The first letters of the alternatives of a ``|``-separated list of words."""
    return "".join(sorted({word[0] for word in words.split("|")}))


_SITE = skip_ahead(_first_letters(COMMENT_SITE_WORDS), rf"\b(?:{COMMENT_SITE_WORDS})\b")
_WARM = skip_ahead(_first_letters(COMMENT_WARM_WORDS), rf"\b(?:{COMMENT_WARM_WORDS})\b")
_REPORTING = skip_ahead(
    _first_letters(ARTICLE_REPORTING_WORDS), rf"\b(?:{ARTICLE_REPORTING_WORDS})\b"
)
_QUOTED = re.compile(r"“[^”]*”|\"[^\"\n]*\"|‘[^’\n]{12,}’|«[^»]*»")
_MIN_COMMENT_RUN = 3
_COMMENT_GAIN, _OTHER_COST = 1, 2


@dataclass(frozen=True, slots=True)
class StripResult:
    """What ``strip_boilerplate`` gives: the text left, what went, and what it told."""

    text: str
    stripped: tuple[Stripped, ...]
    date: str | None
    author: str | None = None


def strip_boilerplate(text: str) -> StripResult:
    """Remove datelines, bylines, page furniture and comment sections from ``text``.

    Returns the remaining text (leading/trailing blank lines trimmed, the article's own line
    breaks kept), a ``Stripped`` record for each removal in document order, the date read
    from a removed metadata prefix, and the writer named in a removed leading byline.
    """
    records: list[tuple[int, Stripped]] = []
    date: str | None = None
    match = _DATELINE.match(text)
    if match and not match.group(0).endswith("\n") and not re.match(r"\d{4}", match.group("date")):
        match = None  # "Dated 11 November 2025, the letter said": prose, not a metadata prefix
    if match:
        date = parse_date(match.group("date"))
        records.append((0, Stripped.of("dateline", match.group(0))))
        offset = match.end()
    else:
        offset = 0
    lines = text[offset:].split("\n")
    kinds: list[str | None] = [None] * len(lines)
    for i, line in enumerate(lines):
        if _is_furniture(line):
            kinds[i] = "furniture"
    _mark_comments(lines, kinds)
    _mark_trailing_bylines(lines, kinds)
    leading = _mark_leading_bylines(lines, kinds)

    # one record per run of adjacent lines of the same kind
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line) + 1)
    i = 0
    while i < len(lines):
        kind = kinds[i]
        if kind is None:
            i += 1
            continue
        j = i
        while j + 1 < len(lines) and kinds[j + 1] == kind:
            j += 1
        span = "\n".join(lines[i : j + 1])
        if span.strip():
            records.append((offset + starts[i], Stripped.of(kind, span.strip())))
        i = j + 1

    kept: list[str] = []
    after_removal = False
    for line, kind in zip(lines, kinds, strict=True):
        if kind is not None:
            after_removal = True
            continue
        if after_removal and not line.strip() and (not kept or not kept[-1].strip()):
            continue  # do not leave a double gap where a line was taken out
        if line.strip():
            after_removal = False
        kept.append(line)
    records.sort(key=lambda pair: pair[0])
    names = (_byline_author(lines[i]) for i in leading)
    author = next((name for name in names if name), None)
    return StripResult(trim("\n".join(kept)), tuple(r for _, r in records), date, author)


def trim(text: str) -> str:
    """Trailing spaces off every line; blank lines off both ends."""
    lines = [line.rstrip() for line in text.split("\n")]
    while lines and not lines[0]:
        lines.pop(0)
    while lines and not lines[-1]:
        lines.pop()
    return "\n".join(lines)


def _is_furniture(line: str) -> bool:
    core = line.strip().strip(_FURNITURE_TRIM).strip()
    if not core:
        return False
    for rx, limit in reversed(_FURNITURE):  # shortest limit: every pattern
        if len(core) <= limit:
            return rx.fullmatch(core) is not None
    return False


def _is_comment_heading(line: str) -> bool:
    core = line.strip().strip(_FURNITURE_TRIM).strip()
    return bool(core) and len(core) <= 220 and any(rx.fullmatch(core) for rx in _COMMENT_HEADINGS)


def _mark_comments(lines: list[str], kinds: list[str | None]) -> None:
    """Mark a trailing comment section: after a heading, or an unmarked run of comments."""
    before = 0
    for i, line in enumerate(lines):
        if (
            kinds[i] is None
            and _is_comment_heading(line)
            and before >= (_MIN_CHARS_BEFORE_COMMENT_HEADING)
        ):
            for j in range(i, len(lines)):
                kinds[j] = "comments"
            return
        if kinds[i] is None:
            before += len(line.strip())

    units = _paragraph_units(lines, kinds)
    if len(units) < _MIN_COMMENT_RUN + 1:
        return
    best_score, best_start, run_comments, comments = 0, -1, 0, 0
    score = 0
    for u in range(len(units) - 1, 0, -1):  # never unit 0: the document must keep something
        if score + u < max(best_score, 1):
            break  # units 1..u, all comment-like, could not lift the score to a better start
        first, last = units[u]
        like = is_comment_like(" ".join(lines[first : last + 1]))
        score += _COMMENT_GAIN if like else -_OTHER_COST
        comments += like
        if score > 0 and score >= best_score and comments >= _MIN_COMMENT_RUN:
            best_score, best_start, run_comments = score, u, comments
    if best_start < 0 or run_comments < _MIN_COMMENT_RUN:
        return
    if all(
        is_comment_like(" ".join(lines[first : last + 1])) for first, last in units[:best_start]
    ):
        return  # nothing but comments: this is not an article with a comment tail
    for j in range(units[best_start][0], len(lines)):
        if kinds[j] in (None, "furniture") or not lines[j].strip():
            kinds[j] = "comments"


def _paragraph_units(lines: list[str], kinds: list[str | None]) -> list[tuple[int, int]]:
    """Paragraphs as ``(first line, last line)``: blank-line blocks when hard-wrapped,
    single lines when the text puts one paragraph per line."""
    blocks: list[list[int]] = []
    current: list[int] = []
    for i, line in enumerate(lines):
        if kinds[i] is not None:
            continue
        if line.strip():
            current.append(i)
        elif current:
            blocks.append(current)
            current = []
    if current:
        blocks.append(current)
    units: list[tuple[int, int]] = []
    for block in blocks:
        inner = block[:-1]
        open_ends = sum(1 for i in inner if not re.search(r"[.!?:;\"”’)…]\s*$", lines[i]))
        if inner and open_ends > len(inner) / 2:  # hard-wrapped prose: the block is a paragraph
            units.append((block[0], block[-1]))
        else:
            units.extend((i, i) for i in block)
    return units


def is_comment_like(paragraph: str) -> bool:
    """True for a paragraph that reads like a reader (or spam) comment on a blog post."""
    unquoted = _QUOTED.sub(" ", paragraph.replace("’", "'")).lower()
    addressed = bool(_YOU.search(_THANK_YOU.sub(" ", unquoted)))
    if _REPORTING.search(unquoted) and not addressed:
        return False  # third-person reporting: article prose
    if _COMMENT_STOCK.search(unquoted):
        return True
    warm = _WARM.search(unquoted) or _I.search(unquoted)
    return bool(addressed and warm and _SITE.search(unquoted))


def _mark_trailing_bylines(lines: list[str], kinds: list[str | None]) -> None:
    patterns = [re.compile(p, re.IGNORECASE) for p in TRAILING_BYLINE_PATTERNS]
    for i in range(len(lines) - 1, -1, -1):
        if kinds[i] is not None or not lines[i].strip():
            continue
        core = lines[i].strip()
        if len(core) <= 2 * _MAX_BYLINE_CHARS and any(rx.fullmatch(core) for rx in patterns):
            kinds[i] = "byline"
            continue
        return


def _mark_leading_bylines(lines: list[str], kinds: list[str | None]) -> list[int]:
    """Mark byline lines among the first few lines (a headline may stand above them)."""
    patterns = [re.compile(p, re.IGNORECASE) for p in LEADING_BYLINE_PATTERNS]
    marked: list[int] = []
    seen = 0
    for i, line in enumerate(lines):
        if kinds[i] is not None or not line.strip():
            continue
        core = line.strip()
        seen += 1
        if seen > _MAX_BYLINE_LINES:
            break
        if len(core) <= _MAX_BYLINE_CHARS and (
            any(rx.fullmatch(core) for rx in patterns) or _is_by_line(core)
        ):
            kinds[i] = "byline"
            marked.append(i)
    return marked


def _is_by_line(line: str) -> bool:
    """``By Jane Doe, Associated Press`` / ``By JANE DOE | Reuters``: names, not a sentence."""
    match = re.match(r"by\s+(.+?)[\s,.:;]*$", line, re.IGNORECASE)
    if not match or not line[:1].isupper():
        return False
    tokens = re.findall(r"[^\s,|/]+|[,|/]", match.group(1))
    if not tokens or len(tokens) > 16:
        return False
    names = 0
    for token in tokens:
        if token.lower() in _BYLINE_CONNECTORS:
            continue
        if token[:1].isupper() or re.fullmatch(r"[A-Z]\.", token):
            names += 1
            continue
        return False
    return names >= 1 and tokens[0].lower() not in _BYLINE_CONNECTORS


def _byline_author(line: str) -> str | None:
    """The writer's name in a leading byline: ``By Jane Doe, AP`` -> ``Jane Doe``."""
    match = re.match(r"\s*(?:\w+\s+)?by\s+(.+)", line, re.IGNORECASE)
    if not match:
        return None
    name = re.split(r"\s*(?:[,|/;(]|\s[-\u2013\u2014]\s|\s(?:via|for|of)\s)", match.group(1))[0]
    name = name.strip(" .:")
    return name if 0 < len(name) <= 80 and not name.lower().startswith("the ") else None
