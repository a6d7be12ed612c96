"""HTML (``.html``, ``.htm``, and each page of a web archive): the article text and metadata.

Text, title, author and URL come from trafilatura (comments, images left out; tables kept).
When it finds no text, the visible text of ``<body>`` is taken, one line per block element.
The date is the page's own declaration (``<meta>`` such as ``article:published_time``, or
JSON-LD ``datePublished``) first, then trafilatura's, then the first ``<time datetime>``.

libxml2 (under lxml and trafilatura) stops reading at 256 nested elements or a 10 MB text node
and drops the rest in silence: past such a limit the page is parsed again without the limits,
and past even those (over 2,048 levels) its tags are read as text in one pass.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterable

import lxml.etree
import lxml.html
import trafilatura

from provenance.ingest.dates import parse_date
from provenance.ingest.formats import Extracted, scalar_text

__all__ = ["HTML_DATE_META", "extract"]

HTML_DATE_META = (
    "article:published_time",
    "og:published_time",
    "datepublished",
    "date",
    "pubdate",
    "publishdate",
    "publish-date",
    "dc.date",
    "dc.date.issued",
    "dcterms.created",
    "dcterms.issued",
    "parsely-pub-date",
    "sailthru.date",
)
_HTML_BLOCK_TAGS = (
    "p div br li ul ol h1 h2 h3 h4 h5 h6 article section header footer blockquote pre tr table "
    "dd dt dl figure figcaption main aside nav hr"
).split()
_XML_DECLARATION = re.compile(r"\A\s*<\?xml[^>]*\?>")


def extract(markup: str) -> Extracted:
    """The article text and metadata of one page's markup."""
    markup = _XML_DECLARATION.sub("", markup)
    text = ""
    title = date = author = url = None
    # libxml2 (under lxml and trafilatura) stops reading at 256 nested elements or a 10 MB text
    # node and drops the rest in silence: past such a limit, trafilatura reads a tree parsed
    # without the limits, and the fallback below a tree without them.
    root, limit = _parse_html(markup)
    page: str | lxml.html.HtmlElement = markup
    if limit is not None:
        root, limit = _parse_html(markup, huge=True)
        tree, _ = _parse_html(markup, huge=True)  # trafilatura changes the tree it reads
        if limit is None and tree is not None:
            page = tree
    try:
        result = trafilatura.bare_extraction(
            page,
            with_metadata=True,
            include_comments=False,
            include_tables=True,
            include_images=False,
            deduplicate=False,
            date_extraction_params={"extensive_search": False, "original_date": True},
        )
    # trafilatura parses hostile markup with many helpers; any failure means "no extraction"
    except Exception:
        result = None
    if result is not None:
        text = getattr(result, "text", None) or ""
        title = scalar_text(getattr(result, "title", None))
        author = scalar_text(getattr(result, "author", None))
        url = scalar_text(getattr(result, "url", None))
        date = parse_date(getattr(result, "date", None))
    if root is not None:
        date = _html_meta_date(root) or date or _html_time_date(root)
        if limit is not None:  # still past a limit (over 2,048 levels): read the tags as text
            text = _flat_html_text(markup)
        elif not text.strip():
            text = _html_body_text(root)
    return Extracted(text, title=title, date=date, author=author, url=url)


def _parse_html(
    markup: str, *, huge: bool = False
) -> tuple[lxml.html.HtmlElement | None, str | None]:
    """The parsed page, and libxml2's message if it stopped at one of its limits (then the
    tree lacks what came after)."""
    parser = lxml.html.HTMLParser(huge_tree=huge)
    try:
        root = lxml.html.document_fromstring(markup, parser=parser)
    except (lxml.etree.ParserError, ValueError):
        return None, None
    for entry in parser.error_log:
        if entry.type == lxml.etree.ErrorTypes.ERR_RESOURCE_LIMIT:
            return root, " ".join(entry.message.split())
    return root, None


_HTML_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)[^<>]*>?|<[!?][^<>]*>?")
_HTML_HIDDEN = ("script", "style", "noscript", "template", "head")


def _flat_html_text(markup: str) -> str:
    """The text of a page no parser reads whole, tag by tag in one pass: hidden elements
    (script, style...) go with their content, block tags become line breaks, other tags go."""
    pieces: list[str] = []
    lower = markup.lower()
    at = 0
    for match in _HTML_TAG.finditer(markup):
        if match.start() < at:
            continue
        pieces.append(markup[at : match.start()])
        at = match.end()
        name = (match[2] or "").lower()
        if name in _HTML_BLOCK_TAGS:
            pieces.append("\n")
        elif name in _HTML_HIDDEN and not match[1]:
            close = lower.find(f"</{name}", at)
            at = len(markup) if close < 0 else close
    pieces.append(markup[at:])
    raw = html.unescape("".join(pieces))
    lines = (" ".join(line.split()) for line in raw.split("\n"))
    return "\n".join(line for line in lines if line)


def _html_meta_date(root: lxml.html.HtmlElement) -> str | None:
    """A publication date at full precision from <meta> or JSON-LD, if the page declares one."""
    for meta in root.iter("meta"):
        name = (meta.get("property") or meta.get("name") or meta.get("itemprop") or "").lower()
        if name in HTML_DATE_META:
            date = parse_date(meta.get("content"))
            if date:
                return date
    for script in root.iter("script"):
        if (script.get("type") or "").lower() != "application/ld+json" or not script.text:
            continue
        try:
            data = json.loads(script.text)
        except (ValueError, RecursionError):
            continue
        date = parse_date(_find_key(data, "datePublished"))
        if date:
            return date
    return None


def _html_time_date(root: lxml.html.HtmlElement) -> str | None:
    """The first ``<time datetime=...>``: a last resort, it may date a comment or a sidebar."""
    for time in root.iter("time"):
        date = parse_date(time.get("datetime"))
        if date:
            return date
    return None


def _find_key(data: object, key: str, depth: int = 0) -> object:
    if depth > 6:
        return None
    if isinstance(data, dict):
        if key in data:
            return data[key]
        items: Iterable[object] = data.values()
    elif isinstance(data, list):
        items = data
    else:
        return None
    for item in items:
        found = _find_key(item, key, depth + 1)
        if found is not None:
            return found
    return None


def _html_body_text(root: lxml.html.HtmlElement) -> str:
    """Fallback: the visible text of <body>, one line per block element."""
    for bad in root.xpath("//script|//style|//noscript|//template|//head"):
        bad.drop_tree()
    for element in root.iter(*_HTML_BLOCK_TAGS):
        element.tail = "\n" + (element.tail or "")
    body = root.find("body")
    raw = (body if body is not None else root).text_content()
    lines = (" ".join(line.split()) for line in raw.split("\n"))
    return "\n".join(line for line in lines if line)
