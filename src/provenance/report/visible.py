"""Names and titles for human eyes: every invisible or control character shown as an escape.

A file name or a title comes from the corpus, so it is untrusted. Terminal escapes and control
characters could rewrite the screen; zero-width characters, bidirectional marks and odd spaces
make two different names look the same (``source.txt`` and ``sou\\u200brce.txt``) or make a
name read in the wrong order. Human formats (terminal, HTML, Markdown summaries) show such a
character as a Python-style escape — ``\\x07``, ``\\u200b``, ``\\U000e0041`` — so the name on
screen is as different as the names are. Machine formats (JSON, SARIF, GitHub and JUnit
``file=`` paths) keep the exact string; this module is for display only.

Kept as they are: printable characters, including letters and marks of every script, and the
plain space. A backslash is kept too, so ``\\u200b`` on screen can also be a name that really
holds a backslash; `is_visible` says whether anything was escaped.
"""

from __future__ import annotations

import unicodedata

# Default-ignorable and invisible code points that Unicode does not put in the control or
# format categories: combining grapheme joiner, Hangul fillers, Mongolian variation selectors,
# variation selectors, the halfwidth Hangul filler, and the Braille blank that renders as space.
_INVISIBLE_EXTRA = frozenset(
    [
        *(0x034F, 0x115F, 0x1160, 0x17B4, 0x17B5, 0x180B, 0x180C, 0x180D, 0x180F, 0x2800),
        *(0x3164, 0xFFA0),
        *range(0xFE00, 0xFE10),
        *range(0xE0100, 0xE01F0),
    ]
)
# Control (Cc), format (Cf: zero-width, bidi marks and overrides, soft hyphen, BOM, tags),
# line and paragraph separators, every space but U+0020, private use, unassigned, surrogates.
_ESCAPED_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp", "Zs", "Co", "Cn", "Cs"})


def _needs_escape(ch: str) -> bool:
    if ch == " ":
        return False
    code = ord(ch)
    if code < 0x7F:
        return code < 0x20
    return code in _INVISIBLE_EXTRA or unicodedata.category(ch) in _ESCAPED_CATEGORIES


def _escape(ch: str) -> str:
    code = ord(ch)
    if code <= 0xFF:
        return f"\\x{code:02x}"
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def visible(text: str) -> str:
    """``text`` with every control, invisible or look-alike-space character escaped.

    >>> visible("sou\\u200brce.txt")
    'sou\\\\u200brce.txt'
    >>> visible("caf\\u00e9 \\u0627\\u0644\\u062e\\u0628\\u0631.txt")
    'café الخبر.txt'
    """
    if text.isascii() and text.isprintable():
        return text
    return "".join(_escape(ch) if _needs_escape(ch) else ch for ch in text)


def is_visible(text: str) -> bool:
    """True when `visible` leaves ``text`` unchanged."""
    return not any(_needs_escape(ch) for ch in text)
