"""Markdown and front matter (``provenance.ingest.formats.markdown``)."""

from __future__ import annotations

from pathlib import Path

from provenance.config import Settings
from provenance.ingest import markdown_to_text
from support.ingest_files import only, read, write


def test_markdown_yaml_front_matter(tmp_path: Path) -> None:
    write(
        tmp_path / "post.md",
        "---\n"
        'title: "Syria joins the coalition"\n'
        "date: 2025-11-11T01:07:21\n"
        "author: Jane Doe\n"
        "canonical_url: https://example.com/syria\n"
        "tags: [news]\n"
        "---\n\n"
        "# A heading\n\n"
        "Some *emphasis*, **strong** and _underlined_ words with a [link](https://x.org)"
        ' ![a photo](photo.jpg "t") and <span class="x">inline html</span>; '
        "snake_case_name and 2*3*4 stay.\n\n"
        "> quoted line\n"
        "- a bullet\n\n"
        "Last paragraph &amp; an entity.\n",
    )
    doc = only(*read(tmp_path / "post.md"))
    assert doc.format == "markdown"
    assert doc.title == "Syria joins the coalition"
    assert doc.date == "2025-11-11T01:07:21"
    assert doc.author == "Jane Doe"
    assert doc.url == "https://example.com/syria"
    assert doc.text == (
        "A heading\n\n"
        "Some emphasis, strong and underlined words with a link and inline html; "
        "snake_case_name and 2*3*4 stay.\n\n"
        "quoted line\n"
        "a bullet\n\n"
        "Last paragraph & an entity."
    )
    assert [s.kind for s in doc.stripped] == ["front-matter"]
    assert doc.stripped[0].excerpt.startswith("--- title:")


def test_markdown_toml_front_matter(tmp_path: Path) -> None:
    write(
        tmp_path / "post.markdown",
        "+++\n"
        'title = "TOML title"\n'
        "date = 2025-11-11T01:07:21+02:00\n"
        'authors = ["Ann", "Bob"]\n'
        'url = "https://example.org/x"\n'
        "+++\n"
        "Body text of the TOML post.\n",
    )
    doc = only(*read(tmp_path / "post.markdown"))
    assert doc.title == "TOML title"
    assert doc.date == "2025-11-11T01:07:21+02:00"
    assert doc.author == "Ann, Bob"
    assert doc.url == "https://example.org/x"
    assert doc.text == "Body text of the TOML post."
    assert [s.kind for s in doc.stripped] == ["front-matter"]


def test_malformed_front_matter_is_removed_without_metadata(tmp_path: Path) -> None:
    """Decision (see the module docstring): key/value-looking front matter that does not
    parse is still removed and recorded, and no metadata is read from it."""
    write(tmp_path / "bad.md", "---\ntitle: [unclosed\ndate: 2025-11-11\n---\nThe body.\n")
    doc = only(*read(tmp_path / "bad.md"))
    assert doc.text == "The body."
    assert doc.title is None
    assert [s.kind for s in doc.stripped] == ["front-matter"]


def test_horizontal_rules_are_not_front_matter(tmp_path: Path) -> None:
    text = "---\nJust an opening rule, then prose.\n---\nMore prose here."
    write(tmp_path / "rule.txt", text)
    doc = only(*read(tmp_path / "rule.txt"))
    assert doc.text == text
    assert doc.stripped == ()


def test_front_matter_in_txt_file(tmp_path: Path) -> None:
    write(tmp_path / "j.txt", "---\nlayout: post\ntitle: Hello\n---\n\nBody line.\n")
    doc = only(*read(tmp_path / "j.txt"))
    assert (doc.format, doc.title, doc.text) == ("txt", "Hello", "Body line.")


def test_front_matter_kept_when_not_stripping(tmp_path: Path) -> None:
    write(tmp_path / "j.md", "---\ntitle: Hello\n---\nBody line.\n")
    doc = only(*read(tmp_path / "j.md", settings=Settings(strip_boilerplate=False)))
    assert doc.title == "Hello"
    assert doc.text == "---\ntitle: Hello\n---\nBody line."
    assert doc.stripped == ()


def test_markdown_to_text_keeps_paragraphs() -> None:
    md = "## Title ##\n\nLine one\nline two\n\n***\n\nSee [docs][ref].\n\n[ref]: https://x.org\n"
    assert markdown_to_text(md).strip() == "Title\n\nLine one\nline two\n\n\n\nSee docs."
