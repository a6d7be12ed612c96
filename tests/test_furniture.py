"""Site furniture: templates repeated around unrelated articles are removed, stories are not."""

from __future__ import annotations

import random

import pytest

from provenance.config import Settings
from provenance.errors import ConfigError
from provenance.furniture import strip_furniture
from provenance.models import Document
from provenance.pipeline import trace_documents


def _vocabulary(n: int = 3000) -> list[str]:
    """Made-up words, so that unrelated articles share no more than chance allows."""
    rng = random.Random(0)
    words: set[str] = set()
    while len(words) < n:
        words.add("".join(rng.choice("bcdfglmnprstv") + rng.choice("aeiou") for _ in range(3)))
    return sorted(words)


WORDS = _vocabulary()


def sentence(rng: random.Random, n: int = 16) -> str:
    words = [rng.choice(WORDS) for _ in range(n)]
    return " ".join(words).capitalize() + "."


def paragraph(rng: random.Random, sentences: int = 3) -> str:
    return " ".join(sentence(rng) for _ in range(sentences))


NAV = "Home | News | Sport | Weather | Business | Subscribe to The Harbour Gazette"
ABOUT = (
    "About The Harbour Gazette: an independent daily covering the coast since 1921, with "
    "offices in three towns and readers in every one of them."
)


def outlet_article(k: int, rng: random.Random) -> str:
    body = "\n\n".join(paragraph(rng) for _ in range(3))
    year = 2010 + k % 9
    return f"{NAV}\n\n{body}\n\n© {year} The Harbour Gazette. All rights reserved.\n\n{ABOUT}\n"


def docs(texts: list[str]) -> list[Document]:
    return [Document(id=f"{k:03d}.txt", path=f"{k:03d}.txt", text=t) for k, t in enumerate(texts)]


def test_a_site_template_is_removed_from_every_article() -> None:
    rng = random.Random(1)
    documents = docs([outlet_article(k, rng) for k in range(12)])
    notes: list[str] = []
    out = strip_furniture(documents, Settings(), notes)
    for before, after in zip(documents, out, strict=True):
        assert not after.text.startswith("Home |")
        assert "All rights reserved" not in after.text and "About The Harbour" not in after.text
        # what is left is the article, exactly: a slice of the old text
        assert after.text in before.text and after.text == after.text.strip()
        assert len(after.text.split("\n\n")) == 3
        kinds = [s.kind for s in after.stripped]
        assert kinds == ["site-furniture"] * 3
        assert after.stripped[0].excerpt.startswith("Home | News")
        assert sum(s.chars for s in after.stripped) < len(before.text) - len(after.text)
    assert len(notes) == 1 and "removed from 12 documents" in notes[0]


def test_fewer_documents_than_the_setting_are_left_alone() -> None:
    rng = random.Random(2)
    documents = docs([outlet_article(k, rng) for k in range(9)])
    assert strip_furniture(documents, Settings()) == documents
    lower = strip_furniture(documents, Settings(furniture_min_documents=5))
    assert all(d.text != e.text for d, e in zip(documents, lower, strict=True))


def test_off_and_refused_values() -> None:
    rng = random.Random(3)
    documents = docs([outlet_article(k, rng) for k in range(12)])
    out = strip_furniture(documents, Settings(furniture_min_documents=0))
    assert all(a is b for a, b in zip(documents, out, strict=True))
    with pytest.raises(ConfigError, match="furniture_min_documents"):
        Settings().replace(furniture_min_documents=1)


def test_copies_of_one_story_are_not_furniture() -> None:
    # 15 outlets run one story; each changes one middle paragraph. Every paragraph is in
    # many documents and at the edges, but the text beside the lede is the same story.
    rng = random.Random(4)
    story = [paragraph(rng) for _ in range(8)]
    texts = []
    for k in range(15):
        body = list(story)
        body[2 + k % 4] = paragraph(rng)
        texts.append("\n\n".join(body))
    documents = docs(texts)
    out = strip_furniture(documents, Settings())
    assert all(a is b for a, b in zip(documents, out, strict=True))


def test_a_lede_kept_by_rewrites_is_not_furniture() -> None:
    # 15 papers keep the wire's first paragraph and write the rest themselves: one block,
    # not a template, so it stays (it is the evidence of reuse).
    rng = random.Random(5)
    lede = paragraph(rng)
    documents = docs(
        [lede + "\n\n" + "\n\n".join(paragraph(rng) for _ in range(4)) for _ in range(15)]
    )
    out = strip_furniture(documents, Settings())
    assert all(a is b for a, b in zip(documents, out, strict=True))


def test_a_document_that_is_only_the_template_is_kept_whole() -> None:
    rng = random.Random(6)
    texts = [outlet_article(k, rng) for k in range(12)]
    bare = f"{NAV}\n\n© 2015 The Harbour Gazette. All rights reserved.\n\n{ABOUT}\n"
    documents = docs([*texts, bare])
    out = strip_furniture(documents, Settings())
    assert out[-1] is documents[-1]
    assert all(d.text != e.text for d, e in zip(documents[:-1], out[:-1], strict=True))


def test_a_trace_of_one_site_reports_the_real_reuse_only() -> None:
    rng = random.Random(7)
    texts = [outlet_article(k, rng) for k in range(14)]
    # article 13 reuses two paragraphs of article 0 (inside the same site's template)
    paras0 = texts[0].split("\n\n")[1:3]
    texts[13] = texts[13].replace(NAV + "\n\n", NAV + "\n\n" + "\n\n".join(paras0) + "\n\n", 1)
    documents = docs(texts)
    result = trace_documents(documents, Settings(cache=False, workers=1))
    pairs = {(r.source, r.derived) for r in result.relations}
    assert {frozenset(p) for p in pairs} == {frozenset({"000.txt", "013.txt"})}
    assert any("site furniture" in n for n in result.notes)
    # without it (and without the stock-phrase rule, which drops most footer-only pairs
    # too), the footer alone relates the site's articles
    off = Settings(cache=False, workers=1, furniture_min_documents=0, stock_min_documents=0)
    assert len(trace_documents(documents, off).relations) > 10
