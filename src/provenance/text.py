"""Normalization, tokens with offsets, paragraphs, sentences and quotation spans.

Everything here works on a document's extracted text and returns character offsets into
that same text, so whatever later stages find maps back to exactly what the user sees.
Tokenization works in any script: words in spaced scripts, single characters in scripts
written without spaces (Chinese, Japanese, Thai, ...), combining marks kept inside words.

The hot loops of the fingerprint path (the unspaced-script check, paragraphs, sentence ends,
the words and terms of each sentence) have compiled twins in ``_kernels.c``, used when
``provenance.kernels`` loaded them; the Python functions here (``_paragraphs``,
``_sentences``, ``_spaced_terms``) are their reference and fallback, with equal results.
"""

from __future__ import annotations

import re
import sys
import unicodedata
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from types import ModuleType
from typing import NamedTuple

import numpy as np
import Stemmer

from provenance import kernels
from provenance.models import Span

# --- character classes -----------------------------------------------------------------------


def _ranges(chars: Iterable[int]) -> str:
    """A regex character-class body for a sorted iterable of code points."""
    out: list[str] = []
    start = prev = -2
    for cp in chars:
        if cp == prev + 1:
            prev = cp
            continue
        if start >= 0:
            out.append(_range(start, prev))
        start = prev = cp
    if start >= 0:
        out.append(_range(start, prev))
    return "".join(out)


def _range(a: int, b: int) -> str:
    return re.escape(chr(a)) if a == b else f"{re.escape(chr(a))}-{re.escape(chr(b))}"


# Combining marks (vowel signs, harakat, accents) belong to the word they sit on; Python's
# ``\w`` leaves most of them out, which would cut Devanagari or vocalised Arabic words apart.
_MARK_POINTS = [
    cp for cp in range(0x300, 0x10000) if unicodedata.category(chr(cp)) in {"Mn", "Mc", "Me"}
]
_MARKS = _ranges(_MARK_POINTS)
# Scripts written without spaces between words: each character is a token.
_UNSPACED = (
    "\u0e00-\u0eff"  # Thai, Lao
    "\u1000-\u109f"  # Myanmar
    "\u1780-\u17ff"  # Khmer
    "\u3040-\u30ff"  # Hiragana, Katakana
    "\u31f0-\u31ff"
    "\u3400-\u4dbf"  # CJK extension A
    "\u4e00-\u9fff"  # CJK unified ideographs
    "\uf900-\ufaff"
    "\U00020000-\U0002fa1f"
)
_UNSPACED_RE = re.compile(f"[{_UNSPACED}]")
_WORD = rf"(?:[^\W_{_UNSPACED}]|[{_MARKS}])"
# The apostrophe groups are possessive (``*+``): nothing follows them and giving back word
# characters can never expose the apostrophe a further group needs, so they match exactly
# what ``*`` would, without the regex engine's backtracking bookkeeping at every token
# (tokenizing news text 1.3x faster).
_TOKEN_RE = re.compile(rf"[{_UNSPACED}]|{_WORD}+(?:['’]{_WORD}+)*+")
_FAST_TOKEN_RE = re.compile(rf"{_WORD}+(?:['’]{_WORD}+)*+")
_MARKS_RE = re.compile(f"[{_MARKS}]")
_PLAIN_TOKEN_RE = re.compile(r"[^\W_]+(?:['’][^\W_]+)*+")

# --- normalization ---------------------------------------------------------------------------

# Every quotation mark and apostrophe-like character, mapped to the ASCII one.
_QUOTE_MAP = {
    **dict.fromkeys("“”„‟〝〞＂«»″‶〃", '"'),
    **dict.fromkeys("‘’‚‛′‵`´ʹʼ", "'"),
}
_QUOTE_TABLE = str.maketrans(_QUOTE_MAP)
_SPACE_RE = re.compile(r"\s+")
# Accents on Latin, Greek and Cyrillic letters, and Arabic vowel marks and tatweel, are
# spelling variation for matching purposes; Indic vowel signs are not, so they stay.
_DROP_MARKS = re.compile("[\u0300-\u036f\u064b-\u065f\u0670\u0640]")
# Arabic-script letters that writers of Arabic, Persian and Urdu use for one another (the
# folding search engines apply): alef forms; Arabic and Farsi yeh, alef maksura and yeh with
# hamza (Urdu writes لئے and لیے alike); kaf and keheh; the heh forms of Urdu (goal, doachashmee,
# with hamza) and teh marbuta; waw with hamza; noon ghunna. Eastern Arabic and Persian/Urdu
# digits become ASCII digits, so ۲۴ matches 24.
_ARABIC_FOLD = str.maketrans(
    {
        **dict.fromkeys("أإآٱ", "ا"),
        **dict.fromkeys("ىیئې", "ي"),
        "ك": "ک",
        **dict.fromkeys("ہھۃۂة", "ه"),
        "ؤ": "و",
        "ں": "ن",
        **{chr(0x0660 + k): str(k) for k in range(10)},
        **{chr(0x06F0 + k): str(k) for k in range(10)},
    }
)


def normalize_map(text: str) -> tuple[str, list[int]]:
    """Normalize ``text`` for matching and say where each output character came from.

    Returns ``(normalized, offsets)`` where ``offsets[k]`` is the index in ``text`` of the
    character that produced ``normalized[k]``. Normalization: NFKC, case folding, every
    quotation mark to ``"`` or ``'`` (curly, guillemets, primes, TeX ````...''``), accents
    and Arabic vowel marks dropped, runs of whitespace to one space. Idempotent.
    """
    out: list[str] = []
    offsets: list[int] = []
    for i, ch in enumerate(text):
        for piece in _fold(ch) or "":
            if piece.isspace():
                if out and out[-1] != " ":
                    out.append(" ")
                    offsets.append(i)
            elif piece == "'" and out and out[-1] == "'":
                out[-1] = '"'  # two single marks are a double one: TeX ``quote'' style
            else:
                out.append(piece)
                offsets.append(i)
    return "".join(out), offsets


@lru_cache(maxsize=65536)
def _fold(ch: str) -> str:
    folded = unicodedata.normalize("NFKD", ch).casefold().translate(_QUOTE_TABLE)
    folded = _DROP_MARKS.sub("", folded)
    return unicodedata.normalize("NFC", folded).translate(_ARABIC_FOLD).translate(_QUOTE_TABLE)


def normalize(text: str) -> str:
    """The normalized form of ``text`` (see ``normalize_map``). ``normalize`` is idempotent."""
    return normalize_map(text)[0]


@lru_cache(maxsize=262144)
def fold_token(token: str) -> str:
    """Normalized form of one token: the per-character folding of ``normalize``."""
    return "".join(_fold(ch) for ch in token).strip()


# --- tokens ----------------------------------------------------------------------------------


class Token(NamedTuple):
    """One word token: offsets into the text and its normalized form. (A named tuple, not a
    frozen dataclass: documents in candidate pairs make hundreds of thousands of these, and
    a frozen dataclass is several times slower to construct.)"""

    start: int
    end: int
    norm: str


@lru_cache(maxsize=262144)
def _interned_norm(raw: str) -> str:
    return sys.intern(fold_token(raw))


def tokenize(text: str) -> list[Token]:
    """Word tokens (single characters in unspaced scripts) with offsets into ``text``."""
    norms, starts, ends = _scan(text)
    return list(map(Token, starts, ends, norms))


_GROUP, _START, _END = re.Match.group, re.Match.start, re.Match.end


def _token_pattern(text: str) -> re.Pattern[str]:
    """The token pattern for ``text``: the full one when it holds a character of an unspaced
    script; else one without that alternative; a plain run of ``\\w`` (much faster) when it
    holds no combining mark either. All three find the same tokens in such a text."""
    if has_unspaced(text):
        return _TOKEN_RE
    return _spaced_token_pattern(text)


def _spaced_token_pattern(text: str) -> re.Pattern[str]:
    """``_token_pattern`` of a text known to hold no character of an unspaced script."""
    return _FAST_TOKEN_RE if _MARKS_RE.search(text) else _PLAIN_TOKEN_RE


def _scan(text: str) -> tuple[list[str], list[int], list[int]]:
    """The norm, start and end of every token of ``text``, as three lists (no objects per
    token: documents in candidate pairs hold hundreds of thousands of tokens)."""
    matches = list(_token_pattern(text).finditer(text))
    norms = list(map(_interned_norm, map(_GROUP, matches)))
    starts = list(map(_START, matches))
    ends = list(map(_END, matches))
    if "" in norms:  # a token that folds to nothing is no token
        keep = [k for k, norm in enumerate(norms) if norm]
        norms = [norms[k] for k in keep]
        starts = [starts[k] for k in keep]
        ends = [ends[k] for k in keep]
    return norms, starts, ends


def is_unspaced(norm: str) -> bool:
    return len(norm) == 1 and _UNSPACED_RE.match(norm) is not None


# Function words of the languages our users trace most; they carry no evidence of reuse.
STOPWORDS: frozenset[str] = frozenset(
    """
    a about above after again against all also am an and any are aren't as at be because been
    before being below between both but by can can't cannot could couldn't did didn't do does
    doesn't doing don't down during each few for from further had hadn't has hasn't have haven't
    having he he'd he'll he's her here here's hers herself him himself his how how's i i'd i'll
    i'm i've if in into is isn't it it's its itself let's me more most mustn't my myself no nor
    not of off on once only or other ought our ours ourselves out over own same shan't she she'd
    she'll she's should shouldn't so some such than that that's the their theirs them themselves
    then there there's these they they'd they'll they're they've this those through to too under
    until up very was wasn't we we'd we'll we're we've were weren't what what's when when's
    where where's which while who who's whom why why's with won't would wouldn't you you'd
    you'll you're you've your yours yourself yourselves said says say told will just also one
    two new s t في من على إلى الى عن أن ان التي الذي و او أو مع هذا هذه ذلك تلك كان قد لا ما ثم
    كما بعد قبل le la les un une des de du et en est que qui dans pour pas sur au aux il elle ce
    ne se der die das und ist ein eine zu den von mit nicht sich des auf für im dem el los las
    del y por con una para es al lo como más pero sus
    """.split()
) | frozenset(
    # Urdu postpositions, auxiliaries, pronouns and conjunctions, in their folded spelling
    # (``fold_token``: Farsi yeh and the Urdu heh forms fold to their Arabic letters).
    fold_token(word)
    for word in """
    کے کی کا کو نے میں سے پر تک ہے ہیں تھا تھی تھے ہو ہوا ہوئے ہوئی گا گی گے گیا گئے گئی
    اور یا کہ جو جس جن یہ وہ اس ان ایک بھی ہی نہیں نہ لیے لئے کیلئے والے والی والا کر کیا
    کی کرنے کرتے کیے کئے دیا دی دیے گیا رہا رہی رہے بعد ساتھ بھر جب تو اب اپنے اپنی مگر لیکن
    """.split()
)

_STEMMER = Stemmer.Stemmer("english")
_ASCII_WORD = re.compile(r"[a-z][a-z']*\Z")


@lru_cache(maxsize=262144)
def stem(norm: str) -> str:
    """A light English (Snowball) stem for Latin-script words; other words unchanged."""
    if _ASCII_WORD.match(norm):
        word: str = _STEMMER.stemWord(norm.replace("'", ""))
        return word
    return norm


@lru_cache(maxsize=262144)
def _spaced_term(norm: str) -> str:
    """The content term of one word of a spaced script, ``""`` for none."""
    if norm in STOPWORDS or (len(norm) < 2 and not norm.isdigit()):
        return ""
    return stem(norm)


def has_unspaced(text: str) -> bool:
    """Whether ``text`` holds a character of a script written without spaces."""
    if kernels.compiled is not None:
        found: bool = kernels.compiled.has_unspaced(text)
        return found
    return _UNSPACED_RE.search(text) is not None


@lru_cache(maxsize=262144)
def is_content_word(norm: str) -> bool:
    """Whether one token carries a content term by itself (``content_terms([norm])`` is not
    empty): not a stopword, and no lone character of an unspaced script."""
    return not is_unspaced(norm) and bool(_spaced_term(norm))


def content_terms(norms: Sequence[str], *, spaced: bool = False) -> list[str]:
    """The terms that carry content: stemmed non-stopwords, and character bigrams in
    unspaced scripts (single ideographs are too common to mean anything alone).

    ``spaced``: the caller knows that no norm is in an unspaced script (a whole document
    checked at once), so each word is looked up without checking again."""
    if spaced or not has_unspaced("".join(norms)):  # one term (or none) per word
        return list(filter(None, map(_spaced_term, norms)))
    terms: list[str] = []
    n = len(norms)
    for k, norm in enumerate(norms):
        if len(norm) == 1 and is_unspaced(norm):
            if k + 1 < n and is_unspaced(norms[k + 1]):
                terms.append(norm + norms[k + 1])
            continue
        if norm in STOPWORDS or (len(norm) < 2 and not norm.isdigit()):
            continue
        terms.append(stem(norm))
    return terms


# --- paragraphs ------------------------------------------------------------------------------

_TERMINAL_END = re.compile(r"[.!?…。！？۔؟।:;\"'”’»)\]」』]\s*$")


# Hard wrapping is recognised in a text of at least 4 non-empty lines (8 without a blank line
# between paragraphs) when fewer than half its lines end a sentence and the median line is
# as long as typewriter or e-mail wrapping makes it (30-110 characters).
WRAP_MIN_LINES = 4
WRAP_MIN_LINES_UNBROKEN = 8
WRAP_MAX_ENDED_SHARE = 0.5
WRAP_MEDIAN_CHARS = (30, 110)


def is_hard_wrapped(text: str) -> bool:
    """True when single newlines are line wrapping inside paragraphs, not paragraph breaks."""
    lines = [ln for ln in text.split("\n") if ln.strip()]
    if len(lines) < WRAP_MIN_LINES or (
        "\n\n" not in text.strip() and len(lines) < WRAP_MIN_LINES_UNBROKEN
    ):
        return False
    ended = sum(1 for ln in lines if _TERMINAL_END.search(ln))
    lengths = sorted(len(ln) for ln in lines)
    median = lengths[len(lengths) // 2]
    shortest, longest = WRAP_MEDIAN_CHARS
    return ended / len(lines) < WRAP_MAX_ENDED_SHARE and shortest <= median <= longest


def paragraphs(text: str) -> list[Span]:
    """Paragraph spans: separated by blank lines in hard-wrapped text, by any newline
    otherwise. Leading and trailing whitespace is not part of a paragraph."""
    if kernels.compiled is None:
        return _paragraphs(text)
    bounds = _paragraph_bounds(kernels.compiled, text)
    return list(map(Span, bounds[::2], bounds[1::2]))


def _paragraph_bounds(compiled: ModuleType, text: str) -> list[int]:
    """The compiled ``paragraphs``: ``[start0, end0, start1, end1, ...]``."""
    bounds: list[int] = compiled.paragraph_bounds(
        text, WRAP_MIN_LINES, WRAP_MIN_LINES_UNBROKEN, WRAP_MAX_ENDED_SHARE, *WRAP_MEDIAN_CHARS
    )
    return bounds


def _paragraphs(text: str) -> list[Span]:
    """``paragraphs``, the reference for the compiled ``paragraph_bounds``."""
    splitter = re.compile(r"\n[ \t\r\f\v]*\n\s*") if is_hard_wrapped(text) else re.compile(r"\n\s*")
    spans: list[Span] = []
    pos = 0
    for m in splitter.finditer(text):
        _add_trimmed(spans, text, pos, m.start())
        pos = m.end()
    _add_trimmed(spans, text, pos, len(text))
    return spans


def _add_trimmed(spans: list[Span], text: str, start: int, end: int) -> None:
    piece = text[start:end]
    kept = piece.strip()  # strips exactly the characters ``str.isspace`` names
    if kept:
        start += len(piece) - len(piece.lstrip())
        spans.append(Span(start, start + len(kept)))


# --- sentences -------------------------------------------------------------------------------

_ABBREVIATIONS = frozenset(
    """
    mr mrs ms dr prof sen rep gov gen col lt sgt st jr sr inc ltd co corp vs etc jan feb mar apr
    jun jul aug sep sept oct nov dec mt approx dept est univ ave blvd rev hon pres
    """.split()
)
# Abbreviations that only stand before a number ("No. 10", "Fig. 3"); else a sentence ends.
_NUMBERED = frozenset({"no", "nos", "fig", "vol", "pp", "art", "sec", "ch"})
# A terminator, optional closing quotes or brackets, then the boundary condition.
_TERMINATORS = ".!?…。！？۔؟।"  # the first characters of a match (proved by a test)
_SENT_END = re.compile(
    rf"""(?=[{_TERMINATORS}])              # every match starts so: lets the engine skip ahead
    (?:
        [.!?…]+["'”’»)\]]*(?=\s)         # Latin-style: needs following whitespace
      | [。！？!?]+["'”’」』)）]*           # CJK: no space follows
      | [۔؟।]+["'”’»)\]]*                # Urdu/Arabic/Devanagari full stops
    )""",
    re.VERBOSE,
)
_TERMINATOR = re.compile(f"[{_TERMINATORS}]")
"""The characters every ``_SENT_END`` match starts with: a plain class the engine scans for
fast, where ``_SENT_END`` behind its lookahead is tried at every position."""


def _sentence_ends(text: str, start: int, end: int) -> Iterator[re.Match[str]]:
    """``_SENT_END.finditer(text, start, end)``, 1.6x faster: ``_SENT_END`` is tried only where
    a terminator stands (the only places it can match; its matches are never empty), in
    order, going on after each match as ``finditer`` does."""
    search, match = _TERMINATOR.search, _SENT_END.match
    found = search(text, start, end)
    while found is not None:
        at = found.start()
        sentence_end = match(text, at, end)
        if sentence_end is None:
            found = search(text, at + 1, end)
        else:
            yield sentence_end
            found = search(text, sentence_end.end(), end)


_WORD_BEFORE = re.compile(r"([\w.]+)\.$")
_INITIALS = re.compile(r"(?:\w\.)*\w\Z")


def _is_abbreviation(text: str, dot: int) -> bool:
    """Whether the full stop at ``dot`` ends an abbreviation or initials, not a sentence."""
    m = _WORD_BEFORE.search(text, max(0, dot - 20), dot + 1)
    if not m:
        return False
    word = m.group(1)
    bare = word.rstrip(".").casefold()
    if bare in _NUMBERED:
        rest = text[dot + 1 : dot + 4].lstrip()
        return rest[:1].isdigit()
    if bare in _ABBREVIATIONS:
        return True
    # "U.S." "e.g." "J." — initials, not the end of a sentence.
    return len(bare) == 1 or ("." in bare and _INITIALS.match(bare) is not None)


def sentences(text: str, paras: Sequence[Span] | None = None) -> list[Span]:
    """Sentence spans, never crossing a paragraph boundary."""
    compiled = kernels.compiled
    if compiled is None:
        return _sentences(text, paragraphs(text) if paras is None else paras)
    if paras is None:
        para_bounds = _paragraph_bounds(compiled, text)
    else:
        para_bounds = [bound for para in paras for bound in (para.start, para.end)]
    bounds = compiled.sentence_bounds(text, para_bounds, _ABBREVIATIONS, _NUMBERED)
    return list(map(Span, bounds[::2], bounds[1::2]))


def _sentences(text: str, paras: Sequence[Span]) -> list[Span]:
    """``sentences``, the reference for the compiled ``sentence_bounds``."""
    out: list[Span] = []
    for para in paras:
        start = para.start
        for m in _sentence_ends(text, para.start, para.end):
            end = m.end()
            term = m.group()
            if (
                term[0] == "."
                and len(term.rstrip("\"'”’»)]")) == 1
                and _is_abbreviation(text, m.start())
            ):
                continue
            nxt = end
            while nxt < para.end and text[nxt].isspace():
                nxt += 1
            if nxt < para.end and term[0] in ".…" and text[nxt].islower():
                continue  # "...said the U.S. official" / lower-case continuation
            _add_trimmed(out, text, start, end)
            start = end
        _add_trimmed(out, text, start, para.end)
    return out


# --- quotations ------------------------------------------------------------------------------

_DOUBLE = set('"“”„‟〝〞＂')
_GUILLEMETS = set("«»")
_BRACKETS = {"「": "」", "『": "』"}


def quotation_spans(text: str, paras: Sequence[Span] | None = None) -> list[Span]:
    """Spans of text inside quotation marks (the marks themselves excluded).

    Straight and curly double quotes and guillemets toggle (real-world text mixes up curly
    directions, and German reverses guillemets); TeX ````...''`` pairs, CJK corner brackets and
    single curly quotes ``‘...’`` (when they are not apostrophes) open and close. A quotation
    left open at the end of a paragraph closes there, as in multi-paragraph news quotes.
    """
    spans: list[Span] = []
    for para in paras if paras is not None else paragraphs(text):
        _quotes_in(text, para.start, para.end, spans)
    spans.sort(key=lambda s: (s.start, s.end))
    return spans


_QUOTE_CHAR = re.compile(
    "["
    + re.escape("".join(sorted({"`", "'", "‘", "’", *_DOUBLE, *_GUILLEMETS, *_BRACKETS})))
    + re.escape("".join(_BRACKETS.values()))
    + "]"
)
"""Every character ``_quotes_in`` acts on: it jumps from one to the next."""


def _quotes_in(text: str, start: int, end: int, spans: list[Span]) -> None:
    opened: dict[str, int] = {}  # family -> content start
    i = start
    while i < end:
        found = _QUOTE_CHAR.search(text, i, end)
        if found is None:
            break
        i = found.start()
        ch = text[i]
        family: str | None = None
        width = 1
        closing: bool | None = None  # None: toggle
        if ch in "`'" and i + 1 < end and text[i + 1] == ch:
            family, width, closing = "double", 2, ch == "'"
        elif ch in _DOUBLE:
            family = "double"
        elif ch in _GUILLEMETS:
            family = "guillemet"
        elif ch in _BRACKETS:
            family, closing = ch, False
        elif ch in _BRACKETS.values():
            family, closing = next(k for k, v in _BRACKETS.items() if v == ch), True
        elif ch == "‘" and (i == start or not text[i - 1].isalnum()):
            family, closing = "single", False
        elif ch == "’" and "single" in opened and (i + 1 >= end or not text[i + 1].isalnum()):
            family, closing = "single", True
        if family is None:
            i += 1
            continue
        is_open = family in opened
        if closing is None:
            closing = is_open
        if closing and is_open:
            _add_trimmed(spans, text, opened.pop(family), i)
        elif not closing and not is_open:
            opened[family] = i + width
        i += width
    for content_start in opened.values():
        _add_trimmed(spans, text, content_start, end)


# --- one document, analysed ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Analysis:
    """What later stages need to know about one document's text. Tokens are held as
    parallel columns (``norms``, ``starts``, ``ends``, ``quoted``), not one object each."""

    norms: tuple[str, ...]  # per token, its normalized form
    sentences: tuple[Span, ...]
    sentence_tokens: tuple[tuple[int, int], ...]  # token index range of each sentence
    paragraphs: tuple[Span, ...]
    quotes: tuple[Span, ...]
    starts: np.ndarray = field(compare=False, repr=False)  # int64, per token
    ends: np.ndarray = field(compare=False, repr=False)  # int64, per token
    quoted: np.ndarray = field(compare=False, repr=False)  # bool, per token: inside a quotation

    @property
    def tokens(self) -> tuple[Token, ...]:
        """The tokens as objects (built on each call: hot paths use the columns)."""
        return tuple(map(Token, self.starts.tolist(), self.ends.tolist(), self.norms))

    @property
    def in_quote(self) -> tuple[bool, ...]:
        return tuple(self.quoted.tolist())

    def mask(self, spans: Sequence[Span]) -> np.ndarray:
        """Per token: whether it lies wholly inside any of ``spans``."""
        mask = np.zeros(len(self.norms), dtype=bool)
        for span in spans:
            mask |= (self.starts >= span.start) & (self.ends <= span.end)
        return mask

    def chars(self, mask: np.ndarray | None = None) -> int:
        """Characters of the tokens selected by ``mask`` (of every token without one)."""
        lengths = self.ends - self.starts
        return int((lengths if mask is None else lengths[mask]).sum())


def analyse(text: str) -> Analysis:
    paras = paragraphs(text)
    sents = sentences(text, paras)
    norms, starts, ends = _scan(text)
    quotes = quotation_spans(text, paras)
    quoted = np.zeros(len(norms), dtype=bool)
    for q in quotes:
        lo, hi = _token_range(starts, ends, q)
        quoted[lo:hi] = True
    return Analysis(
        norms=tuple(norms),
        sentences=tuple(sents),
        sentence_tokens=tuple(_token_range(starts, ends, s) for s in sents),
        paragraphs=tuple(paras),
        quotes=tuple(quotes),
        starts=np.array(starts, dtype=np.int64),
        ends=np.array(ends, dtype=np.int64),
        quoted=quoted,
    )


def _token_range(starts: list[int], ends: list[int], span: Span) -> tuple[int, int]:
    """Indexes ``[lo, hi)`` of the tokens that lie inside ``span`` (tokens are sorted and do
    not overlap, so their ends are sorted too)."""
    lo = bisect_left(starts, span.start)
    return lo, max(lo, bisect_right(ends, span.end))


# --- the lean path for fingerprints ----------------------------------------------------------


def sentence_norms(text: str) -> tuple[list[str], list[tuple[int, int]]]:
    """Token norms and the token range of each sentence, without the rest of ``analyse``.

    The same tokens and sentence ranges as ``analyse(text)`` gives (fingerprinting needs
    nothing else), at a fraction of the cost: no Token objects, no quotation scan.
    """
    norms, starts, ends = _scan(text)
    return norms, [_token_range(starts, ends, s) for s in sentences(text)]


_UNSPACED_TERM = "\0"
_TERMS: dict[str, str] = {}  # raw token -> content term ("" for none): the lean path's memo
_TERMS_LIMIT = 1 << 20


def _new_term(raw: str) -> str:
    term = _TERMS[raw] = _raw_term(raw)
    return term


@lru_cache(maxsize=1 << 20)
def _raw_term(raw: str) -> str:
    """The content term of one raw token of spaced text: ``""`` when it carries none,
    ``_UNSPACED_TERM`` when folding made it a character of an unspaced script."""
    norm = fold_token(raw)
    if not norm:
        return ""
    if is_unspaced(norm):
        return _UNSPACED_TERM
    terms = content_terms([norm])
    return terms[0] if terms else ""


def sentence_terms(text: str) -> list[list[str]]:
    """The content terms of each sentence: ``content_terms`` of each sentence's tokens in
    ``analyse(text)``, computed without it."""
    if not has_unspaced(text):  # one term (or none) per word
        if len(_TERMS) > _TERMS_LIMIT:
            _TERMS.clear()
        compiled = kernels.compiled
        if compiled is None:
            found = _spaced_terms(text, sentences(text), _spaced_token_pattern(text))
        else:
            paras = _paragraph_bounds(compiled, text)
            bounds = compiled.sentence_bounds(text, paras, _ABBREVIATIONS, _NUMBERED)
            found = compiled.spaced_terms(text, bounds, _TERMS, _new_term, _MARK_BITS)
        if found is not None:
            return found
    norms, ranges = sentence_norms(text)
    return [content_terms(norms[lo:hi]) for lo, hi in ranges]


def _spaced_terms(
    text: str, sents: Sequence[Span], pattern: re.Pattern[str]
) -> list[list[str]] | None:
    """The content terms of each of ``sents`` in a text without unspaced scripts, looked up
    in ``_TERMS`` (``pattern`` is ``_spaced_token_pattern(text)``); None when folding made a word
    a character of an unspaced script, which the general path handles. The reference for
    the compiled ``spaced_terms``, which finds the words with ``_MARK_BITS`` instead of
    ``pattern`` (the same words: a test compares them)."""
    findall = pattern.findall
    lookup = _TERMS.__getitem__
    out = []
    for s in sents:
        words = findall(text, s.start, s.end)
        try:  # news vocabularies repeat: nearly every sentence is all memo hits
            terms = list(filter(None, map(lookup, words)))
        except KeyError:
            for w in words:
                if w not in _TERMS:
                    _new_term(w)
            terms = list(filter(None, map(lookup, words)))
        if _UNSPACED_TERM in terms:
            return None
        out.append(terms)
    return out


def _mark_bits(points: Iterable[int]) -> bytes:
    """One bit per code point below U+10000, set for ``points``: the compiled kernel's copy
    of ``_MARKS``."""
    bits = bytearray(0x10000 // 8)
    for cp in points:
        bits[cp >> 3] |= 1 << (cp & 7)
    return bytes(bits)


_MARK_BITS = _mark_bits(_MARK_POINTS)
