"""Plain text (``provenance.ingest.formats.text``): read as it is; its headline as its title."""

from __future__ import annotations

from pathlib import Path

import pytest

from provenance.config import Settings
from provenance.ingest import read_inputs
from support.ingest_files import ARTICLE, only, read, write


def test_plain_text(tmp_path: Path) -> None:
    write(tmp_path / "a.txt", ARTICLE)
    doc = only(*read(tmp_path / "a.txt"))
    assert doc.id == "a.txt"
    assert doc.format == "txt"
    assert doc.text == ARTICLE.rstrip("\n")
    assert doc.title is None
    assert doc.stripped == ()


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("Drought-tolerant wheat outyields standard variety\n" + "A wheat line bred. " * 12, True),
        ("Sable River spill: drinking water banned\n\nA leak from a waste pond.", True),
        (
            "枫溪古镇元宵灯会吸引二十万游客\n" + "今年元宵节期间，枫溪古镇举办的传统灯会。" * 10,
            True,
        ),
        ("Is this the end of the ferry?\n\nMarjorie Duggan was born on Roskell.", True),
        ("BONEHEAD walked out on Oasis last night.\n\nThe balding guitarist.", False),
        ('He quits because shows are not "stimulating."\n\nMore text.', False),
        ("Pinochet: the case against him includes:\n\nOne. Two.", False),
        ("Inheritance is a basic concept of programming where\nthe idea is to add.", False),
        ("5 November 2024\n" + "TRELLICK — Skylark Air will suspend four routes. " * 5, False),
        ("Published March 14, 2024\n" + "MARLOW BRIDGE — The opening was delayed. " * 5, False),
        ("A headline with nothing after it\n", False),
        ("Short headline here\nA short next line.", False),
        ("x" * 151 + "\n\nbody", False),
    ],
)
def test_plain_headline(text: str, title: bool) -> None:
    from provenance.ingest import plain_headline

    assert plain_headline(text) == (text.split("\n", maxsplit=1)[0] if title else None)


def test_a_plain_text_headline_becomes_the_title_and_changes_no_text(tmp_path: Path) -> None:
    body = "Scientists at the Tarrant Institute say a wheat bred for dry conditions won. " * 3
    raw = "New wheat shrugs off drought, scientists say\n" + body
    (tmp_path / "a.txt").write_text(raw, encoding="utf-8")
    (tmp_path / "a.md").write_text(raw, encoding="utf-8")
    docs, _ = read_inputs([tmp_path], Settings(workers=1))
    by_id = {d.id: d for d in docs}
    assert by_id["a.txt"].title == "New wheat shrugs off drought, scientists say"
    assert by_id["a.txt"].text == raw.strip()  # the headline stays in the text
    assert by_id["a.md"].title is None  # plain text only
