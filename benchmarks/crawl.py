"""Generate a crawl-like corpus (generator v3): heavy-tailed story families, outlet
boilerplate and stock phrases, and no accidental shared passage, checked by a global word
n-gram index while the corpus is written.

    python benchmarks/crawl.py OUT -n 10000 [--seed 1] [--jobs 2] [--check]

It reuses the machinery of ``benchmarks/generate.py`` (v2; its corpora stay as they were):
the BBC word-bigram chains with their anti-copy rule, the WordNet plants, dates, file layout
and gold format. What is new:

**Families of a heavy-tailed size.** A story's number of documents ``s`` (the source and its
copies in other outlets) follows a discrete power law ``P(s) ~ s^-ALPHA`` on
``1..min(MAX_FAMILY, n // 10)``, with ``ALPHA`` = 2.5: about three stories in four stand
alone, most of the others have 2-10 documents, and a few have 100 or more (at 10k, two or
three). The sizes are drawn by stratified inverse-CDF sampling (one draw in each of U equal
slices of the CDF, then shuffled), so the realised counts follow the distribution closely
whatever the seed; ``meta.json`` lists them.

**Members.** In a family whose source is in the corpus (``FAMILY_SOURCE_ABSENT`` of them, of
two or more documents, have none), every other document is one of today's plants, drawn by
``MEMBER_KINDS``: exact copy, light edit, rewrite, partial reuse, reordered paragraphs, a
shared quotation (the family's two sentences of quoted speech in a new article), or a chain
(partial reuse of an earlier member rather than of the source). The gold lists one edge per
member: to its parent (the source, or for a chain the member it reuses), with the kind and
direction v2 gives that plant; members of one family are siblings by construction and their
pairs are not listed (with 500 members, 124,750 of them). Families without their source are
all light edits, or all partial reuse of one excerpt, of an unwritten source; the gold links
each member to the family's first member (``common-source``). Every document carries its
family id (``null`` alone), role and family size, so scoring can also ask whether a family
came out as one cluster.

**Shared text that is not a relation.** Every document belongs to an outlet (``n // 100``
outlets at least ``MIN_OUTLETS``, picked with Zipf weights ``1/rank``): a navigation line at
the top and a footer at the end (a copyright line and a two-sentence "About" paragraph)
shared by every document of that outlet, and members of one family sit in different
outlets. Stock phrases and common quotations (``n // 50`` of them) are sprinkled into fresh
article text, a Poisson(``STOCK_PER_DOC``) number per document, picked with Zipf weights,
so the most common one is in hundreds of unrelated documents. None of that is in the gold;
``OUT/shared.json`` holds those texts and each gold ``doc`` line names its outlet and stock
items.

**The global n-gram check.** Every fresh sentence of article text (bases, the new text
around partial reuse and quotations; titles, in the front matter, aside) is checked before
it is used: the word ``NGRAM``-grams (``\\w+`` of the lower-cased text, as
``generate.check_sharing`` counts them) of the fresh stream it joins, across sentence and
paragraph ends, stock phrases left out, are hashed to 64 bits (blake2b of each word,
combined polynomially) and looked up in the index of every gram already written; a
sentence with a gram there is refused and the next one takes its place. Each derived body
is checked too: its grams that are not its family's (an edit, the join between reused and
new text) must be new, else it is derived again. Chunks of ``CHUNK`` stories are made in
parallel, each against its own index; the parent then checks each chunk, in order,
against the grams of all earlier chunks (a log-structured set of sorted ``uint64``
arrays) and makes a chunk again, in the parent, against both indexes when they share a
gram. The output is a function of the seed alone, whatever ``--jobs``. The index holds 8
bytes per gram of article text; ``meta.json`` gives the refusals, the chunks made again
and the index size. ``--plain`` writes the same families without boilerplate or stock
phrases. ``check_sharing`` (``--check``) counts what is shared afterwards.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import multiprocessing
import re
import shutil
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script: make the ``benchmarks`` package importable
    sys.path.insert(0, str(ROOT))

from benchmarks import generate, scoring  # noqa: E402 -- after the path set-up above
from benchmarks.generate import Body, Model  # noqa: E402

GENERATOR_VERSION = 3
NGRAM = 8  # no word run this long is shared by accident (the engine's shortest passage)
ALPHA = 2.5  # P(family size s) ~ s^-ALPHA
MAX_FAMILY = 1000
FAMILY_SOURCE_ABSENT = 0.1  # share of families of 2+ documents whose source is not written
MIN_OUTLETS = 5
DOCS_PER_OUTLET = 100
DOCS_PER_STOCK = 50
STOCK_WORDS = (8, 20)  # words in a stock phrase
STOCK_PER_DOC = 0.8  # mean number of stock phrases or common quotations in a fresh body
CHUNK = 4000
MAX_TRIES = 50  # fresh sentences tried for one place before giving up (never reached)
_WORD = re.compile(r"\w+")

# relative weight of each member kind in a family with its source present
MEMBER_KINDS: dict[str, float] = {
    "copy": 1.0,
    "light-edit": 1.5,
    "rewrite": 1.0,
    "partial": 2.0,
    "reordered": 0.5,
    "quotes": 0.7,
    "chain": 0.5,
}
# plant -> (gold kind, direction); chains are partial reuse of a member
GOLD = {
    "copy": ("duplicate", "source->derived"),
    "light-edit": ("near-duplicate", "source->derived"),
    "rewrite": ("rewrite", "source->derived"),
    "partial": ("partial", "source->derived"),
    "reordered": ("duplicate", "source->derived"),
    "quotes": ("quotes", "undetermined"),
    "chain": ("partial", "source->derived"),
}
SECTIONS = ("News", "Business", "Sport", "Politics", "Technology", "Culture", "Opinion",
            "Weather", "Local", "World", "Video", "Podcasts")  # fmt: skip
MASTHEADS = ("Herald", "Gazette", "Post", "Times", "Chronicle", "Courier", "Standard",
             "Observer", "Echo", "Telegraph", "Journal", "Record", "Mercury", "Argus")  # fmt: skip


# --- the n-gram index ---------------------------------------------------------------------------

_WORD_HASH: dict[str, int] = {}


def _word_hash(word: str) -> int:
    h = _WORD_HASH.get(word)
    if h is None:
        h = int.from_bytes(hashlib.blake2b(word.encode(), digest_size=8).digest(), "little")
        _WORD_HASH[word] = h
    return h


def gram_hashes(words: Sequence[str], n: int = NGRAM) -> np.ndarray:
    """The 64-bit hash of every run of ``n`` consecutive ``words`` (lower-cased ``\\w+``)."""
    if len(words) < n:
        return np.zeros(0, dtype=np.uint64)
    ids = np.fromiter((_word_hash(w) for w in words), dtype=np.uint64, count=len(words))
    return generate._hash_rows(np.lib.stride_tricks.sliding_window_view(ids, n))


class Index:
    """A set of 64-bit gram hashes: a Python set for recent ones, merged into sorted
    ``uint64`` arrays of geometric sizes (log-structured, none merged past ``level_cap``
    hashes), so a lookup costs a few binary searches, memory is 8 bytes a gram once merged,
    and a merge needs at most about twice the two arrays it merges."""

    def __init__(self, flush: int = 1 << 18, level_cap: int = 1 << 25) -> None:
        self.levels: list[np.ndarray] = []
        self.recent: set[int] = set()
        self.flush, self.level_cap = flush, level_cap

    def __len__(self) -> int:
        return sum(a.size for a in self.levels) + len(self.recent)

    @property
    def nbytes(self) -> int:
        return sum(a.nbytes for a in self.levels)

    def contains(self, hashes: np.ndarray) -> np.ndarray:
        hit = np.zeros(hashes.size, dtype=bool)
        for level in self.levels:
            pos = np.minimum(np.searchsorted(level, hashes), level.size - 1)
            hit |= level[pos] == hashes
        if self.recent:
            hit |= np.fromiter((int(h) in self.recent for h in hashes), bool, hashes.size)
        return hit

    def add(self, hashes: np.ndarray) -> None:
        self.recent.update(hashes.tolist())
        if len(self.recent) >= self.flush:
            self.add_sorted(np.fromiter(self.recent, dtype=np.uint64, count=len(self.recent)))
            self.recent = set()

    def add_sorted(self, array: np.ndarray) -> None:
        level = np.unique(array)
        while (
            self.levels
            and self.levels[-1].size <= 2 * level.size
            and self.levels[-1].size + level.size <= self.level_cap
        ):
            merged = np.concatenate([self.levels.pop(), level])
            merged.sort()
            level = merged[np.r_[True, merged[1:] != merged[:-1]]]
        self.levels.append(level)

    def frozen(self) -> np.ndarray:
        """Every hash, sorted."""
        parts = [*self.levels, np.fromiter(self.recent, dtype=np.uint64, count=len(self.recent))]
        return np.unique(np.concatenate(parts)) if parts else np.zeros(0, dtype=np.uint64)


# --- the plan -------------------------------------------------------------------------------------


def size_distribution(n: int) -> np.ndarray:
    """P(family size = s) for s = 1..cap (index s - 1)."""
    cap = max(2, min(MAX_FAMILY, n // 10))
    p = np.arange(1, cap + 1, dtype=float) ** -ALPHA
    return np.asarray(p / p.sum())


def family_sizes(n: int, seed: int) -> list[int]:
    """Family sizes summing to ``n``: stratified inverse-CDF draws of ``size_distribution``,
    shuffled; the last one cut to fit, or singletons added."""
    rng = np.random.default_rng([seed, 0xFA31])
    p = size_distribution(n)
    mean = float((np.arange(1, p.size + 1) * p).sum())
    units = max(1, round(n / mean))
    u = (np.arange(units) + rng.random(units)) / units
    sizes = np.minimum(np.searchsorted(np.cumsum(p), u, side="right") + 1, p.size)
    sizes = sizes[rng.permutation(units)]
    out: list[int] = []
    total = 0
    for drawn in sizes.tolist():
        s = min(drawn, n - total)
        if s:
            out.append(s)
            total += s
        if total == n:
            break
    out.extend([1] * (n - total))
    return out


@dataclass(frozen=True)
class Unit:
    family: int
    size: int
    slot: int  # first slot; the files come from the permutation
    absent: bool  # the source is not written (siblings only)


def plan(n: int, seed: int) -> list[Unit]:
    rng = np.random.default_rng([seed, 0xAB5E])
    units, slot = [], 0
    for k, size in enumerate(family_sizes(n, seed)):
        absent = size >= 2 and bool(rng.random() < FAMILY_SOURCE_ABSENT)
        units.append(Unit(k, size, slot, absent))
        slot += size
    return units


@dataclass
class Shared:
    """Text shared by unrelated documents: outlet boilerplate and stock phrases."""

    outlets: list[dict[str, str]]
    outlet_weights: np.ndarray
    stock: list[str]
    stock_weights: np.ndarray
    plain: bool = False  # not rendered: families alone, no text shared across them
    stock_ids: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.stock_ids = {s: k for k, s in enumerate(self.stock)}

    def stock_in(self, body: Body) -> list[int]:
        """The stock items among the sentences of ``body`` (edits may have changed some)."""
        return sorted({self.stock_ids[s] for p in body for s in p if s in self.stock_ids})


def _zipf(k: int) -> np.ndarray:
    w = 1.0 / np.arange(1, k + 1)
    return np.asarray(w / w.sum())


def make_shared(model: Model, n: int, seed: int, plain: bool = False) -> Shared:
    rng = np.random.default_rng([seed, 0x5B0B])
    category = model.categories[0]
    n_outlets = max(MIN_OUTLETS, n // DOCS_PER_OUTLET)
    n_stock = max(10, n // DOCS_PER_STOCK)
    sentences = generate.generate_sentences(model, category, 2 * n_outlets, rng)
    phrases = [  # stock phrases are short
        t
        for t in generate.generate_sentences(model, category, 4 * n_stock, rng)
        if STOCK_WORDS[0] <= len(t.split()) <= STOCK_WORDS[1]
    ][:n_stock]
    outlets = []
    used: set[str] = set()
    for k in range(n_outlets):
        while True:
            name = f"The {rng.choice(model.surnames)} {rng.choice(MASTHEADS)}"
            if name not in used:
                break
            name = f"{name} {k}"
            if name not in used:
                break
        used.add(name)
        sections = [str(s) for s in rng.permutation(SECTIONS)[: int(rng.integers(5, 10))]]
        outlets.append(
            {
                "name": name,
                "nav": " | ".join(["Home", *sections, f"Subscribe to {name}"]),
                "copyright": f"© {2010 + k % 15} {name}. All rights reserved.",
                "about": f"About {name}: " + " ".join(sentences[2 * k : 2 * k + 2]),
            }
        )
    stock = []
    for k, sentence in enumerate(phrases):
        if k % 2:
            stock.append(generate._quote(sentence, str(rng.choice(model.surnames)), rng))
        else:
            stock.append(sentence)
    return Shared(outlets, _zipf(n_outlets), stock, _zipf(len(stock)), plain)


# --- documents --------------------------------------------------------------------------------


def article_grams(body: Body, shared: Shared) -> np.ndarray:
    """The gram hashes of a body's article text: its words in order, stock phrases left out
    (as ``article_text`` leaves them out of a file)."""
    words = [
        w for p in body for s in p if s not in shared.stock_ids for w in _WORD.findall(s.lower())
    ]
    return gram_hashes(words)


class Writer:
    """Article text for one chunk, checked against the chunk's n-gram index and the global
    one: a fresh sentence with a gram already there is refused (another takes its place),
    and a derived body with a gram there that is not its family's (an edit, or a join
    between reused and new text) is derived again."""

    def __init__(
        self,
        model: Model,
        shared: Shared,
        rng: np.random.Generator,
        known: Index | None = None,
    ) -> None:
        self.pool = generate.Pool(model, rng)
        self.model, self.shared, self.rng = model, shared, rng
        self.index = Index()
        self.known = known
        self.refused = self.accepted = self.rederived = self.unresolved = 0
        self.family: set[int] = set()  # the grams of the family being written

    def _clash(self, hashes: np.ndarray) -> bool:
        if not hashes.size:
            return False
        if self.index.contains(hashes).any():
            return True
        return self.known is not None and bool(self.known.contains(hashes).any())

    def _accept(self, text: str, tail: list[str]) -> list[str] | None:
        """The words of ``text``, indexed, when its grams (after the words ``tail`` of the
        stream before it) are all new; None (refused) otherwise."""
        words = _WORD.findall(text.lower())
        hashes = gram_hashes(tail[-(NGRAM - 1) :] + words)
        if self._clash(hashes):
            self.refused += 1
            return None
        self.index.add(hashes)
        self.family.update(hashes.tolist())
        self.accepted += 1
        return words

    def admit(self, make: Callable[[], Body]) -> Body:
        """A body from ``make`` (random: an edit, an excerpt, a place to insert), made again
        while it has a gram that is neither its family's nor new; its new grams indexed."""
        body: Body = []
        for _ in range(MAX_TRIES):
            body = make()
            hashes = np.unique(article_grams(body, self.shared))
            mine = np.fromiter((h in self.family for h in hashes.tolist()), bool, hashes.size)
            new = hashes[~mine]
            if not self._clash(new):
                self.index.add(new)
                self.family.update(new.tolist())
                return body
            self.rederived += 1
        self.unresolved += 1  # pragma: no cover - kept, and counted in meta.json
        return body

    def sentence(
        self, category: str, tail: list[str], surname: str | None = None
    ) -> tuple[str, list[str]]:
        """A fresh sentence (quoted speech of ``surname`` when given) whose grams, after
        the last words ``tail`` of the stream before it, are new; then indexed."""
        for _ in range(MAX_TRIES):
            sentence = self.pool.take(category, 1)[0]
            if surname is not None:
                sentence = generate._quote(sentence, surname, self.rng)
            words = self._accept(sentence, tail)
            if words is not None:
                return sentence, words
        raise RuntimeError("no fresh sentence found")  # pragma: no cover - never reached

    def body(self, category: str) -> Body:
        """A new article body, as ``generate.new_body`` makes it, sentence by sentence, with
        stock phrases put in after the check (they are not part of the stream)."""
        model, rng = self.model, self.rng
        n_par = int(rng.choice(model.paragraphs_per_article))
        sizes = [int(min(4, rng.choice(model.sentences_per_paragraph))) for _ in range(n_par)]
        body: Body = []
        tail: list[str] = []
        k = 0
        for size in sizes:
            paragraph: list[str] = []
            for j in range(size):
                k += 1
                quote = None
                if j == 0 and k > 3 and rng.random() < 0.12:  # quoted speech, as news has
                    quote = str(rng.choice(model.surnames))
                sentence, words = self.sentence(category, tail, quote)
                tail = (tail + words)[-(NGRAM - 1) :]
                paragraph.append(sentence)
            body.append(paragraph)
        for _ in range(0 if self.shared.plain else int(rng.poisson(STOCK_PER_DOC))):
            item = self.shared.stock[
                int(rng.choice(len(self.shared.stock), p=self.shared.stock_weights))
            ]
            paragraph = body[int(rng.integers(len(body)))]
            paragraph.insert(int(rng.integers(len(paragraph) + 1)), item)
        return body

    def quote(self, category: str) -> list[str]:
        """The family's quotation: two fresh sentences of quoted speech, one paragraph."""
        surname = str(self.rng.choice(self.model.surnames))
        for _ in range(MAX_TRIES):
            first, second = self.pool.take(category, 2)
            said = generate._quote(first + " " + second, surname, self.rng)
            if self._accept(said, []) is not None:
                return [said]
        raise RuntimeError("no fresh quotation found")  # pragma: no cover - never reached

    def title(self, category: str) -> str:
        return generate.title_of(self.pool, category, self.rng)


@dataclass
class Doc:
    slot: int
    title: str
    body: Body
    date: dt.date | None
    family: int | None
    role: str
    outlet: int


def render(doc: Doc, shared: Shared) -> str:
    outlet = shared.outlets[doc.outlet]
    head = [f"title: {json.dumps(doc.title)}"]
    if doc.date is not None:
        head.append(f"date: {doc.date.isoformat()}")
    paragraphs = [" ".join(p) for p in doc.body]
    if not shared.plain:
        paragraphs = [outlet["nav"], *paragraphs, outlet["copyright"], outlet["about"]]
    return "---\n" + "\n".join(head) + "\n---\n" + "\n\n".join(paragraphs) + "\n"


def edit_fresh(body: Body, shared: Shared, edit: Callable[[Body], Body]) -> Body:
    """``edit`` applied to the article text only: stock phrases are taken out first and put
    back verbatim at the end of the paragraph they were in (an edited stock phrase would be
    text shared with unrelated documents that is neither stock nor the family's)."""
    stock = [[s for s in p if s in shared.stock_ids] for p in body]
    edited = edit([[s for s in p if s not in shared.stock_ids] for p in body])
    return [p + stock[i] for i, p in enumerate(edited)]


EdgeT = tuple[int, int, str, str, str]  # slot, slot, kind, direction, plant


def _reuse(host: Body, part: Body, rng: np.random.Generator) -> Body:
    return generate.insert(host, [list(p) for p in part], rng)


def _partial(host: Body, parent: Body, rng: np.random.Generator) -> Body:
    return generate.insert(host, generate.excerpt(parent, rng), rng)


def make_family(unit: Unit, writer: Writer) -> tuple[list[Doc], list[EdgeT]]:
    """The documents of one family and its gold edges."""
    model, rng, shared = writer.model, writer.rng, writer.shared
    syn = model.synonyms
    category = model.categories[int(rng.choice(len(model.categories), p=model.category_weights))]
    dated = bool(rng.random() < 0.7)
    d0 = generate._date(rng, dated)
    outlets = rng.choice(len(shared.outlets), size=unit.size, p=shared.outlet_weights)
    if unit.size > 1 and unit.size <= len(shared.outlets):  # members in different outlets
        outlets = rng.choice(len(shared.outlets), size=unit.size, replace=False)
    family = None if unit.size == 1 else unit.family
    docs: list[Doc] = []
    writer.family = set()

    def add(body: Body, date: dt.date | None, role: str, title: str) -> Doc:
        k = len(docs)
        d = Doc(unit.slot + k, title, body, date, family, role, int(outlets[k]))
        docs.append(d)
        return d

    def light_edit(body: Body) -> Body:
        return edit_fresh(body, shared, lambda b: generate.light_edit(b, syn, rng))

    def rewrite(body: Body) -> Body:
        return edit_fresh(body, shared, lambda b: generate.rewrite(b, syn, rng))

    edges: list[EdgeT] = []
    base = writer.body(category)
    title = writer.title(category)
    if unit.size == 1:
        add(base, d0, "unrelated", title)
        return docs, edges
    if unit.absent:  # siblings of an unwritten source
        if rng.random() < 0.5:
            kind = "near-duplicate"
            for _ in range(unit.size):
                body = writer.admit(partial(light_edit, base))
                add(body, generate._later(d0, rng), "sibling", title)
        else:
            kind = "partial"
            part = generate.excerpt(base, rng)
            for _ in range(unit.size):
                host = writer.body(category)
                body = writer.admit(partial(_reuse, host, part, rng))
                add(body, generate._later(d0, rng), "sibling", writer.title(category))
        for d in docs[1:]:
            edges.append((docs[0].slot, d.slot, kind, "common-source", "siblings-absent"))
        return docs, edges
    kinds = list(MEMBER_KINDS)
    weights = np.array([MEMBER_KINDS[k] for k in kinds])
    draws = rng.choice(len(kinds), size=unit.size - 1, p=weights / weights.sum())
    plants = [kinds[int(i)] for i in draws]
    source_body = base
    quote: list[str] = []
    if "quotes" in plants:
        quote = writer.quote(category)
        source_body = writer.admit(partial(_reuse, base, [quote], rng))
    source = add(source_body, d0, "source", title)
    for plant in plants:
        parent = source
        member_title = source.title
        if plant == "copy":
            body = [list(p) for p in source.body]
        elif plant == "light-edit":
            body = writer.admit(partial(light_edit, source.body))
        elif plant == "rewrite":
            body = writer.admit(partial(rewrite, source.body))
            member_title = writer.title(category)
        elif plant == "reordered":
            body = writer.admit(partial(generate.reordered, source.body, rng))
        else:  # partial reuse of the source or (chain) of an earlier member; a quotation
            if plant == "chain":
                earlier = [d for d in docs[1:] if d.role == "derived"]
                parent = earlier[int(rng.integers(len(earlier)))] if earlier else source
            host = writer.body(category)
            if plant == "quotes":
                body = writer.admit(partial(_reuse, host, [quote], rng))
            else:
                body = writer.admit(partial(_partial, host, parent.body, rng))
            member_title = writer.title(category)
        role = "quote-host" if plant == "quotes" else "derived"
        member = add(body, generate._later(parent.date, rng), role, member_title)
        kind, direction = GOLD[plant]
        edges.append((parent.slot, member.slot, kind, direction, plant))
    return docs, edges


# --- a corpus ---------------------------------------------------------------------------------

_MODEL: Model | None = None
_SHARED: Shared | None = None


@dataclass
class ChunkResult:
    lines: list[str]
    grams: np.ndarray  # sorted hashes of the chunk's fresh text
    refused: int
    sentences: int
    rederived: int
    unresolved: int


def _make_chunk(
    out: Path, seed: int, chunk: int, units: list[Unit], perm: np.ndarray, known: Index | None
) -> ChunkResult:
    assert _MODEL is not None and _SHARED is not None
    rng = np.random.default_rng([seed, chunk])
    writer = Writer(_MODEL, _SHARED, rng, known)
    lines: list[str] = []
    for unit in units:
        docs, edges = make_family(unit, writer)
        for d in docs:
            ident = generate.doc_id(int(perm[d.slot]))
            path = out / "docs" / ident
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(render(d, _SHARED), encoding="utf-8")
            record = {
                "id": ident,
                "family": d.family,
                "family_size": unit.size,
                "role": d.role,
                "date": d.date.isoformat() if d.date else None,
                "outlet": d.outlet,
                "stock": _SHARED.stock_in(d.body),
            }
            lines.append(json.dumps({"doc": record}, sort_keys=True))
        for a, b, gold, direction, plant in edges:
            ia, ib = generate.doc_id(int(perm[a])), generate.doc_id(int(perm[b]))
            if direction != "source->derived" and ib < ia:
                ia, ib = ib, ia
            edge = {
                "source": ia,
                "derived": ib,
                "kind": gold,
                "direction": direction,
                "plant": plant,
                "family": unit.family,
            }
            lines.append(json.dumps({"edge": edge}, sort_keys=True))
    return ChunkResult(
        lines,
        writer.index.frozen(),
        writer.refused,
        writer.accepted,
        writer.rederived,
        writer.unresolved,
    )


def _run_chunk(args: tuple[Path, int, int, list[Unit], np.ndarray]) -> ChunkResult:
    return _make_chunk(*args, known=None)


def generate_corpus(
    out: Path,
    n: int,
    *,
    seed: int = 1,
    jobs: int = 1,
    cache: Path | None = None,
    log: Any = None,
    model: Model | None = None,
    chunk: int = CHUNK,
    plain: bool = False,
) -> dict[str, Any]:
    """Write the corpus; returns the contents of ``meta.json``. ``plain``: no boilerplate
    and no stock phrases (the families alone)."""
    started = time.perf_counter()
    cache = cache or out.parent / "_resources"
    global _MODEL, _SHARED  # noqa: PLW0603 -- read-only, shared with forked workers
    _MODEL = model or generate.build_model(cache)
    _SHARED = make_shared(_MODEL, n, seed, plain)
    if out.exists():
        shutil.rmtree(out)
    (out / "docs").mkdir(parents=True)
    units = plan(n, seed)
    perm = np.random.default_rng([seed, 0x5EED]).permutation(n)
    tasks = [
        (out, seed, c, units[k : k + chunk], perm)
        for c, k in enumerate(range(0, len(units), chunk))
    ]
    known = Index()
    refused = remade = sentences = rederived = unresolved = 0
    with (out / "gold.jsonl").open("w", encoding="utf-8") as gold:
        results: Iterator[ChunkResult]
        if jobs > 1 and len(tasks) > 1:
            ctx = multiprocessing.get_context("fork")
            workers = ctx.Pool(jobs)
            results = workers.imap(_run_chunk, tasks)
        else:
            workers = None
            results = (_run_chunk(t) for t in tasks)
        try:
            for k, first in enumerate(results):
                result = first
                if known.levels and known.contains(first.grams).any():
                    # shares a gram with an earlier chunk: made again against both indexes
                    remade += 1
                    result = _make_chunk(*tasks[k], known=known)
                refused += result.refused
                rederived += result.rederived
                unresolved += result.unresolved
                sentences += result.sentences
                known.add_sorted(result.grams)
                gold.write("\n".join(result.lines) + "\n")
                if log:
                    log(f"chunk {k + 1}/{len(tasks)}")
        finally:
            if workers is not None:
                workers.close()
                workers.join()
    sizes = Counter(u.size for u in units)
    buckets = Counter(scoring.size_bucket(u.size) for u in units)
    size = sum(p.stat().st_size for p in (out / "docs").rglob("*.txt"))
    p = size_distribution(n)
    meta = {
        "generator_version": GENERATOR_VERSION,
        "profile": "crawl-plain" if plain else "crawl",
        "n": n,
        "seed": seed,
        "family_sizes": {
            "distribution": f"P(s) ~ s^-{ALPHA} on 1..{p.size}, stratified inverse-CDF draws",
            "alpha": ALPHA,
            "cap": int(p.size),
            "stories": len(units),
            "by_size": {str(k): v for k, v in sorted(sizes.items())},
            "stories_by_bucket": dict(sorted(buckets.items())),
            "documents_by_bucket": {
                b: sum(u.size for u in units if scoring.size_bucket(u.size) == b)
                for b in sorted(buckets)
            },
            "largest": max(sizes),
            "source_absent": sum(u.absent for u in units),
            "related_pairs": sum(s * (s - 1) // 2 * c for s, c in sizes.items()),
        },
        "documents_in_families": n - sizes[1],
        "outlets": len(_SHARED.outlets),
        "stock_phrases": len(_SHARED.stock),
        "ngram_check": {
            "n": NGRAM,
            "hash_bits": 64,
            "fresh_sentences": sentences,  # and quotations accepted
            "refused_sentences": refused,
            "derived_bodies_made_again": rederived,
            "unresolved": unresolved,
            "chunks": len(tasks),
            "chunks_made_again": remade,
            "indexed_grams": len(known),
            "index_mib": round(known.nbytes / 2**20, 1),
        },
        "bytes": size,
        "seconds": round(time.perf_counter() - started, 1),
    }
    (out / "shared.json").write_text(
        json.dumps({"outlets": _SHARED.outlets, "stock": _SHARED.stock}, indent=1) + "\n",
        encoding="utf-8",
    )
    (out / "meta.json").write_text(
        json.dumps(meta, indent=2, sort_keys=True) + "\n", encoding="utf-8"
    )
    return meta


def article_text(text: str, shared: dict[str, Any]) -> str:
    """A document's body without its outlet boilerplate and stock phrases."""
    body = text.split("\n---\n", 1)[-1]
    boiler = {v for o in shared["outlets"] for k, v in o.items() if k != "name"}
    paragraphs = [p for p in body.strip().split("\n\n") if p not in boiler]
    out = "\n\n".join(paragraphs)
    for item in sorted(shared["stock"], key=len, reverse=True):
        out = out.replace(item, " ")
    return out


def check_sharing(corpus: Path, *, ngram: int = NGRAM, limit: int = 20_000) -> dict[str, Any]:
    """Over the first ``limit`` documents, the word ``ngram``-grams that documents of
    different families (or lone ones) share: how many in the whole text (the boilerplate
    and stock phrases), and in the article text alone (those removed) also the pairs of
    documents that share one, which must be none."""
    docs, _ = generate.read_gold(corpus)
    shared = json.loads((corpus / "shared.json").read_text(encoding="utf-8"))
    ids = sorted(docs)[:limit]
    out: dict[str, Any] = {"documents": len(ids), "ngram": ngram}
    for label, strip in (("whole_text", False), ("article_text", True)):
        hashes_of, owners = [], []
        for k, ident in enumerate(ids):
            text = (corpus / "docs" / ident).read_text(encoding="utf-8")
            text = article_text(text, shared) if strip else text.split("\n---\n", 1)[-1]
            h = np.unique(gram_hashes(_WORD.findall(text.lower()), ngram))
            hashes_of.append(h)
            owners.append(np.full(h.size, k, dtype=np.int64))
        hashes, who = np.concatenate(hashes_of), np.concatenate(owners)
        order = np.argsort(hashes, kind="stable")
        hashes, who = hashes[order], who[order]
        starts = np.flatnonzero(np.r_[True, hashes[1:] != hashes[:-1]])
        ends = np.r_[starts[1:], hashes.size]
        crossing = 0
        pairs: set[tuple[int, int]] = set()
        for s, e in zip(starts[ends - starts > 1], ends[ends - starts > 1], strict=True):
            group = sorted(set(who[s:e].tolist()))
            families = {docs[ids[a]]["family"] for a in group}
            if len(group) < 2 or (len(families) == 1 and None not in families):
                continue  # text of one family
            crossing += 1
            if strip:
                for i, a in enumerate(group):
                    for b in group[i + 1 :]:
                        fa, fb = docs[ids[a]]["family"], docs[ids[b]]["family"]
                        if fa is None or fa != fb:
                            pairs.add((a, b))
        out[label] = {"grams_shared_across_families": crossing}
        if strip:
            out[label]["unrelated_pairs_sharing"] = len(pairs)
            out[label]["examples"] = [[ids[a], ids[b]] for a, b in sorted(pairs)[:3]]
    return out


def ensure(
    out: Path, n: int, *, seed: int, jobs: int, plain: bool = False, log: Any = None
) -> dict[str, Any]:
    """Reuse ``out`` when it holds a complete corpus of these parameters, else generate it."""
    meta_path = out / "meta.json"
    if meta_path.is_file():
        meta: dict[str, Any] = json.loads(meta_path.read_text(encoding="utf-8"))
        profile = "crawl-plain" if plain else "crawl"
        key = (meta.get("generator_version"), meta.get("profile"), meta.get("n"), meta.get("seed"))
        if key == (GENERATOR_VERSION, profile, n, seed):
            return meta
    return generate_corpus(out, n, seed=seed, jobs=jobs, plain=plain, log=log)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("-n", type=int, default=1000, help="number of documents")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--jobs", type=int, default=1, help="processes writing chunks")
    parser.add_argument(
        "--check",
        action="store_true",
        help="then count unrelated pairs sharing a word 8-gram (whole text, article text)",
    )
    parser.add_argument(
        "--plain", action="store_true", help="no boilerplate, no stock phrases: families alone"
    )
    parser.add_argument(
        "--reuse", action="store_true", help="keep OUT if it holds this corpus already"
    )
    parser.add_argument("--quiet", action="store_true", help="print nothing")
    args = parser.parse_args(argv)

    def log(message: str) -> None:
        if not args.quiet:
            print(message, file=sys.stderr, flush=True)

    if args.reuse:
        meta = ensure(args.out, args.n, seed=args.seed, jobs=args.jobs, plain=args.plain, log=log)
    else:
        meta = generate_corpus(
            args.out, args.n, seed=args.seed, jobs=args.jobs, plain=args.plain, log=log
        )
    if not args.quiet:
        print(json.dumps(meta, indent=2))
    if args.check:
        print(json.dumps(check_sharing(args.out), indent=2))


if __name__ == "__main__":
    main()
