"""Plain text (``.txt``, and any file of a name no other format claims): read as it is.

A text file may open with front matter, read as a Markdown file's is (``formats.markdown``).
What plain text has of its own is its headline: a first line that reads as one becomes the
document's title (:func:`plain_headline`, once the text is stripped), and the text is left
unchanged.
"""

from __future__ import annotations

from provenance.config import Settings
from provenance.ingest.dates import find_date
from provenance.ingest.formats import Extracted
from provenance.ingest.formats.markdown import with_front_matter

__all__ = ["HEADLINE_MAX_CHARS", "extract", "plain_headline"]


def extract(text: str, settings: Settings) -> Extracted:
    """A plain text file: its front matter (if it opens with one) read, the rest as it is."""
    return with_front_matter(text, settings)


HEADLINE_MAX_CHARS = 150
"""A plain text's first line longer than this is a paragraph, not a headline."""

# What ends a sentence or leads into more of it (Latin, Arabic, Urdu, CJK punctuation); a
# headline ends in none of these, though it may end in "?" or "!".
_NOT_HEADLINE_END = frozenset(".,;:…،؛۔。，；：．")
_CLOSING = "\"'”’»)]"


def plain_headline(text: str) -> str | None:
    """The first line of a plain text when it reads as a headline, else None.

    A headline: at most ``HEADLINE_MAX_CHARS`` characters, two words or more (one is enough
    in scripts written without spaces), no sentence-final or continuing punctuation at its end
    (``.`` ``:`` ``,`` ``。`` ``۔`` ..., also before a closing quote), not just a date; then
    either a blank line and more text, or at once a body line that is a paragraph of its own
    (longer than a headline can be, or twice the first line's length and ending a sentence).
    A first line that the next line continues (it starts in lower case) is the start of a
    hard-wrapped paragraph. Read only: the text is not changed.
    """
    lines = text.split("\n", 3)
    first = lines[0].strip()
    if not first or len(first) > HEADLINE_MAX_CHARS or len(lines) < 2:
        return None
    if first.rstrip(_CLOSING)[-1:] in _NOT_HEADLINE_END:
        return None
    words = first.split()
    spaceless = any(ord(ch) >= 0x2E80 for ch in first)  # CJK: words are not spaced
    if (len(words) < 2 and not spaceless) or not any(ch.isalpha() for ch in first):
        return None
    if len(words) <= 6 and find_date(first) is not None:
        return None  # "5 November 2024", "Published March 14, 2024"
    following = lines[1].strip()
    if not following:
        rest = "\n".join(lines[2:]).strip()
        return first if rest else None
    if following[0].islower():
        return None
    paragraph = len(following) > HEADLINE_MAX_CHARS or (
        len(following) >= 2 * len(first) and following.rstrip(_CLOSING)[-1:] in ".!?。۔"
    )
    return first if paragraph else None
