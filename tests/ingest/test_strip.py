"""Boilerplate (``provenance.ingest.strip``): datelines, bylines, furniture, comment sections,
on hand-made texts and the seeds; and proofs that the skip-ahead patterns change no match.
"""

from __future__ import annotations

from pathlib import Path
from types import ModuleType

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from provenance.config import Settings
from provenance.ingest import decode, is_comment_like, read_inputs, strip, strip_boilerplate
from provenance.models import Document
from support.ingest_files import SEEDS


def test_wire_bylines_and_credits() -> None:
    text = (
        "By JANE DOE | Reuters\n"
        "LONDON (Reuters) - Britain's economy grew faster than expected in the third quarter, "
        "official figures showed on Tuesday.\n"
        "Advertisement\n"
        "Economists had forecast growth of 0.2%.\n"
        "(Reporting by Jane Doe; Editing by John Smith)\n"
        "Copyright 2025 The Associated Press. All rights reserved.\n"
        "This material may not be published, broadcast, rewritten or redistributed.\n"
    )
    result = strip_boilerplate(text)
    assert result.text == (
        "LONDON (Reuters) - Britain's economy grew faster than expected in the third quarter, "
        "official figures showed on Tuesday.\n"
        "Economists had forecast growth of 0.2%."
    )
    assert [s.kind for s in result.stripped] == ["byline", "furniture", "byline"]
    assert result.stripped[2].excerpt.startswith("(Reporting by Jane Doe")
    assert result.author == "JANE DOE"


@pytest.mark.parametrize(
    "line",
    [
        "By the time the talks ended, the two sides had agreed on a ceasefire.",
        "By Monday, officials said, the border had reopened.",
        "Advertisement spending rose 5% last year, the company said.",
        "Share prices fell sharply on Monday.",
        "Comments from the minister were not immediately available.",
    ],
)
def test_article_lines_that_look_like_boilerplate_stay(line: str) -> None:
    text = f"{line}\nA second paragraph of the article follows here.\n{line}"
    result = strip_boilerplate(text)
    assert result.text == text
    assert result.stripped == ()


def test_furniture_lines() -> None:
    lines = [
        "Skip to content",
        "Loading recommendations\u2026",
        "Share on Facebook",
        "Share on X",
        "Sign up for our newsletter",
        "Read more: Syria joins anti-IS coalition",
        "Related:",
        "Copy link",
        "Click here to subscribe",
        "We use cookies to improve your experience. By continuing you accept our cookie policy.",
    ]
    body = "The article's only real paragraph, which is long enough to be prose."
    result = strip_boilerplate("\n".join([lines[0], body, *lines[1:]]))
    assert result.text == body
    assert [s.kind for s in result.stripped] == ["furniture"] * 2
    assert result.stripped[1].chars == len("\n".join(lines[1:]))


def test_furniture_between_paragraphs_leaves_one_gap() -> None:
    text = "First paragraph.\n\nShare this article\n\nSecond paragraph."
    assert strip_boilerplate(text).text == "First paragraph.\n\nSecond paragraph."


def test_comment_heading_cuts_the_rest() -> None:
    article = "\n\n".join(f"Paragraph {i} of the article, with some words in it." for i in range(6))
    text = f"{article}\n\n12 comments\n\nFirst!\n\nI disagree with this."
    result = strip_boilerplate(text)
    assert result.text == article
    assert [s.kind for s in result.stripped] == ["comments"]
    assert result.stripped[0].excerpt == "12 comments First! I disagree with this."


@pytest.mark.parametrize(
    "heading",
    ["Leave a Reply", "3 thoughts on \u201cSyria joins\u201d", "Join the discussion", "Comments"],
)
def test_comment_headings(heading: str) -> None:
    article = "An article paragraph that is long enough to count as real text. " * 4
    result = strip_boilerplate(f"{article}\n{heading}\nA reader's comment.")
    assert result.text == article.rstrip()


def test_comment_heading_at_the_top_does_not_cut() -> None:
    text = "Comments\nThe article starts here and goes on.\nIt has two lines."
    assert strip_boilerplate(text).text == text


SPAM = [
    "Great post. I am facing a couple of these problems.",
    "I am impressed with this website, rattling I am a big fan.",
    "Thanks for sharing this one. A must read article.",
    "Hey there! Do you use Twitter? I'm enjoying your blog and look forward to new posts.",
    "Keep up the good work, I bookmarked your site.",
]


def test_unmarked_comment_tail_is_cut() -> None:
    article = [
        "The minister said the plan would be published next week.",
        "Critics said it did not go far enough.",
        "The website of the ministry was briefly unavailable on Monday.",
    ]
    result = strip_boilerplate("\n".join(article + SPAM))
    assert result.text == "\n".join(article)
    assert [s.kind for s in result.stripped] == ["comments"]


def test_two_comments_are_not_enough() -> None:
    article = ["Paragraph one of the report.", "Paragraph two of the report."]
    text = "\n".join(article + SPAM[:2])
    assert strip_boilerplate(text).text == text


def test_comment_scoring_cannot_eat_article_paragraphs() -> None:
    """A comment-like sentence inside the article does not pull the cut above real prose."""
    article = [
        "Officials said on Monday that talks would continue.",
        "Thank you, the president told reporters as he left.",
        "The meeting lasted two hours.",
        "Both sides said progress had been made.",
    ]
    result = strip_boilerplate("\n".join(article + SPAM))
    assert result.text == "\n".join(article)


def test_all_comment_like_text_is_kept() -> None:
    text = "\n".join(SPAM)
    assert strip_boilerplate(text).text == text


LINE_POOL = [
    *SPAM,
    "Advertisement",
    "Share this article",
    "By Jane Doe, Associated Press",
    "Copyright 2025 The Associated Press. All rights reserved.",
    "12 comments",
    "",
    "   ",
    "The ministry said the talks would resume on Tuesday.",
    "Thank you, the president told reporters as he left.",
    "Prices rose 3% in October, the statistics office said.",
]


@settings(derandomize=True, max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(LINE_POOL), max_size=14))
def test_stripping_only_removes_whole_lines_in_order(lines: list[str]) -> None:
    text = "\n".join(lines)
    result = strip_boilerplate(text)
    kept = [line for line in result.text.split("\n") if line.strip()]
    remaining = iter(line.rstrip() for line in lines)
    assert all(any(line == other for other in remaining) for line in kept)  # a subsequence
    removed = sum(s.chars for s in result.stripped)
    assert removed <= len(text)
    assert all(len(s.excerpt) <= 120 for s in result.stripped)
    # article lines before the first comment or comment heading always survive
    first_comment = next(
        (i for i, line in enumerate(lines) if line in SPAM or line == "12 comments"), len(lines)
    )
    article = [line for line in lines[:first_comment] if line in LINE_POOL[-3:]]
    assert all(line in result.text for line in article)


def test_leading_date_prefix_and_wire_datelines() -> None:
    result = strip_boilerplate(" date 2025-11-11 WASHINGTON DC: Syria joins.")
    assert result.text == "WASHINGTON DC: Syria joins."
    assert result.date == "2025-11-11"
    assert [(s.kind, s.excerpt) for s in result.stripped] == [("dateline", "date 2025-11-11")]
    own_line = strip_boilerplate("Published: November 11, 2025\nThe text.")
    assert (own_line.text, own_line.date) == ("The text.", "2025-11-11")
    prose = "Dated 11 November 2025, the letter was signed by both leaders."
    assert strip_boilerplate(prose).text == prose
    wire = "LONDON, Nov 11, 2025 (Reuters) - Shares rose."
    kept = strip_boilerplate(wire)
    assert kept.text == wire
    assert kept.stripped == ()


def test_excerpts_are_short_and_single_line() -> None:
    article = "\n".join(f"Article paragraph {i} about the talks." for i in range(3))
    result = strip_boilerplate(article + "\n" + "\n".join(SPAM * 3))
    assert result.stripped
    for record in result.stripped:
        assert len(record.excerpt) <= 120
        assert "\n" not in record.excerpt


@pytest.mark.parametrize(
    ("paragraph", "expected"),
    [
        ("Valuable info. Lucky me I found your website by accident, I bookmarked it.", True),
        ("you are really a good webmaster. The site loading speed is amazing.", True),
        ("Enjoyed reading, regards. \u201cWhenever you want to marry, go have lunch.\u201d", False),
        ("The site of the attack was sealed off, police said.", False),
        ("\u201cYou have a great website,\u201d the senator told him.", False),
        ("Thanks to the ceasefire, aid reached the city.", False),
    ],
)
def test_is_comment_like(paragraph: str, expected: bool) -> None:
    assert is_comment_like(paragraph) is expected


@pytest.fixture(scope="module")
def seeds() -> dict[str, Document]:
    docs, skipped = read_inputs([SEEDS], Settings())
    assert skipped == []
    return {d.id[:3]: d for d in docs}


def test_seed_ids(seeds: dict[str, Document]) -> None:
    assert [d.id for d in seeds.values()] == sorted(p.name for p in SEEDS.glob("*.txt"))


def test_seed_000_dateline_and_comment_tail(seeds: dict[str, Document]) -> None:
    doc = seeds["000"]
    raw = (SEEDS / doc.id).read_text(encoding="utf-8")
    cut = raw.index("Valuable info. Lucky me")
    assert doc.date == "2025-11-11"
    assert doc.text.startswith("WASHINGTON DC: Syria is joining the global coalition")
    assert doc.text.endswith("a key Kremlin ally.")
    assert doc.text == raw[len(" date 2025-11-11 ") : cut].strip()
    for spam in ("Lucky me", "bookmarked", "webmaster", "Lady gaga", "Greetings from Idaho"):
        assert spam not in doc.text
    kinds = [s.kind for s in doc.stripped]
    assert kinds == ["dateline", "comments"]
    assert doc.stripped[1].excerpt.startswith("Valuable info. Lucky me")
    assert doc.stripped[1].chars == len(raw[cut:].strip())


def test_seed_001_front_matter(seeds: dict[str, Document]) -> None:
    doc = seeds["001"]
    assert doc.title == (
        "Breaking: Syria to join US-led coalition to defeat IS group after Trump meeting"
    )
    assert doc.date == "2025-11-11T01:07:21"
    assert doc.author == "badely"
    assert doc.format == "txt"
    assert doc.text.startswith("Experts revealed that Syria will join")
    assert "layout: post" not in doc.text
    assert "---" not in doc.text
    assert [s.kind for s in doc.stripped] == ["front-matter"]


def test_seed_004_byline_and_furniture(seeds: dict[str, Document]) -> None:
    doc = seeds["004"]
    assert doc.text.startswith("Syria has agreed to join the U.S.-led coalition")
    assert doc.text.endswith("but was removed from the list this year.")
    assert "Authored by" not in doc.text
    assert "Loading recommendations" not in doc.text
    assert [(s.kind, s.excerpt) for s in doc.stripped] == [
        ("byline", "Authored by Aldgra Fredly via The Epoch Times,"),
        ("furniture", "Loading recommendations\u2026"),
    ]
    assert doc.author == "Aldgra Fredly"


def test_seeds_002_003_are_untouched_articles(seeds: dict[str, Document]) -> None:
    for key in ("002", "003"):
        doc = seeds[key]
        raw = (SEEDS / doc.id).read_text(encoding="utf-8")
        assert doc.stripped == ()
        assert doc.text == "\n".join(line.rstrip() for line in raw.strip().split("\n"))


def test_an_article_about_blogs_is_not_a_comment_tail(tmp_path: Path) -> None:
    # A real news shape (BBC, 2004): the topic words blog, RSS and comments fill the last
    # paragraphs, but nobody addresses the site: nothing may be stripped.
    paragraphs = [
        "Blog reading explodes in America",
        "Americans are becoming avid blog readers, with 32 million getting hooked in 2004, "
        "according to new research.",
        "The survey showed that blog readership has shot up by 58% in the last year. Blogs are "
        "online spaces in which people can publish their thoughts in their own words.",
        "RSS aggregators are downloaded to PCs and subscribe to feeds from blogs, news sites and "
        "other websites. Reading blogs remains far more popular than writing them, the survey "
        "found; 12% had posted comments on other people's blogs.",
        "Just under one in 10 of the US's internet users read political blogs such as the Daily "
        "Kos during the campaign. Blog creators were likely to be young, the survey found.",
    ]
    path = tmp_path / "blogs.txt"
    path.write_text("\n\n".join(paragraphs), encoding="utf-8")
    (doc,), skipped = read_inputs([path], Settings())
    assert skipped == []
    assert doc.stripped == ()
    assert doc.text == "\n\n".join(paragraphs)


def _first_chars(items: list[tuple[object, object]]) -> tuple[set[int], bool]:
    """The code points a match of the parsed sequence ``items`` can start with, and whether
    it can match without consuming a character. Fails on constructs it does not know, so a
    pattern it cannot prove is reported, not passed."""
    from re import _constants as c

    firsts: set[int] = set()
    for op, av in items:
        if op is c.LITERAL:
            return firsts | {av}, False
        if op is c.IN:
            assert all(o in (c.LITERAL, c.RANGE) for o, _ in av), av
            for o, v in av:
                firsts |= {v} if o is c.LITERAL else set(range(v[0], v[1] + 1))
            return firsts, False
        if op in (c.AT, c.ASSERT, c.ASSERT_NOT):
            continue  # zero width: the first character comes after it
        if op is c.BRANCH:
            nullable = False
            for alternative in av[1]:
                more, empty = _first_chars(list(alternative))
                firsts |= more
                nullable |= empty
            if not nullable:
                return firsts, False
            continue
        if op is c.SUBPATTERN:
            more, empty = _first_chars(list(av[3]))
        else:
            assert op in (c.MAX_REPEAT, c.MIN_REPEAT), op
            more, empty = _first_chars(list(av[2]))
            empty = empty or av[0] == 0
        firsts |= more
        if not empty:
            return firsts, False
    return firsts, True


@pytest.mark.parametrize(
    ("module", "name"),
    [(strip, n) for n in ("_COMMENT_STOCK", "_YOU", "_THANK_YOU", "_SITE", "_WARM", "_REPORTING")]
    + [(decode, "_LINE_BREAKS")],
)
def test_skip_ahead_lookahead_admits_every_first_character(module: ModuleType, name: str) -> None:
    import re._parser

    compiled = getattr(module, name).pattern
    assert compiled.startswith("(?=[")
    look, body = compiled[4:].split("])", 1)
    allowed, _ = _first_chars(list(re._parser.parse(f"[{look}]").data))
    needed, nullable = _first_chars(list(re._parser.parse(body).data))
    assert not nullable
    assert needed <= allowed, sorted(chr(k) for k in needed - allowed)
    assert needed == allowed  # no character admitted in vain


def test_sentence_end_lookahead_admits_every_first_character() -> None:
    """The same proof for the sentence splitter's pattern (``text``, written verbose)."""
    import re._parser

    from provenance import text

    pattern = text._SENT_END
    first, body = pattern.pattern.split("\n", 1)
    look = first.split("(?=[", 1)[1].split("])", 1)[0]
    allowed, _ = _first_chars(list(re._parser.parse(f"[{look}]").data))
    needed, nullable = _first_chars(list(re._parser.parse(body, pattern.flags).data))
    assert not nullable
    assert needed == allowed, sorted(chr(k) for k in needed ^ allowed)
