"""Tests for the ingest stage: discovery, decoding, formats, stripping, metadata."""

from __future__ import annotations

import codecs
import datetime as dt
import io
import json
import os
import threading
from pathlib import Path

import charset_normalizer
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from provenance import ingest
from provenance.config import Settings
from provenance.errors import InputError
from provenance.ingest import (
    decode_bytes,
    find_date,
    is_comment_like,
    markdown_to_text,
    parse_date,
    read_inputs,
    strip_boilerplate,
)
from provenance.models import Document, Skipped

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
CORPORA = Path(os.environ.get("PROVENANCE_CORPORA", ROOT.parent / "shared" / "corpora"))

ARTICLE = (
    "Syria has agreed to join the U.S.-led coalition against the Islamic State group, "
    "officials said on Monday after a meeting at the White House.\n"
    "The two leaders also discussed sanctions relief and the future of US troops in the "
    "country, according to a statement released after the talks.\n"
)


def write(path: Path, content: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def read(
    *paths: str | Path, settings: Settings | None = None, stdin: bytes | None = None
) -> tuple[list[Document], list[Skipped]]:
    return read_inputs([str(p) for p in paths], settings or Settings(), stdin=stdin)


def only(docs: list[Document], skipped: list[Skipped]) -> Document:
    assert not skipped, skipped
    assert len(docs) == 1, docs
    return docs[0]


def reason_for(skipped: list[Skipped], name: str) -> str:
    matches = [s.reason for s in skipped if s.path.endswith(name)]
    assert matches, f"{name} not skipped: {skipped}"
    return matches[0]


# ------------------------------------------------------------------------------------------
# Formats
# ------------------------------------------------------------------------------------------


def test_plain_text(tmp_path: Path) -> None:
    write(tmp_path / "a.txt", ARTICLE)
    doc = only(*read(tmp_path / "a.txt"))
    assert doc.id == "a.txt"
    assert doc.format == "txt"
    assert doc.text == ARTICLE.rstrip("\n")
    assert doc.title is None
    assert doc.stripped == ()


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


HTML_PAGE = """<!doctype html><html><head><meta charset="utf-8">
<title>Syria joins coalition | Example News</title>
<meta property="og:title" content="Syria joins coalition">
<meta name="author" content="Jane Doe">
<meta property="article:published_time" content="2025-11-11T01:07:21+00:00">
<link rel="canonical" href="https://example.com/news/syria">
</head><body>
<nav><a href="/">Home</a> <a href="/world">World</a> <a href="/sport">Sport</a></nav>
<article><h1>Syria joins coalition</h1>
<p>By Jane Doe, Associated Press</p>
<p>WASHINGTON DC: Syria is joining the global coalition against the militant Islamic State
group, a United States official said on Monday hours after the meeting.</p>
<p>Advertisement</p>
<p>Sharaa, whose rebel forces ousted longtime ruler Bashar al-Assad in December last year,
was the first Syrian leader to visit the White House since independence in 1946.</p>
<p>Share this article</p></article>
<section class="comments" id="comments"><h3>3 comments</h3><p>Great post, thanks!</p></section>
<footer>Copyright 2025 Example News. Privacy policy.</footer>
<script>document.write("script text")</script></body></html>"""


def test_html(tmp_path: Path) -> None:
    write(tmp_path / "page.html", HTML_PAGE)
    doc = only(*read(tmp_path / "page.html"))
    assert doc.format == "html"
    assert doc.title == "Syria joins coalition"
    assert doc.date == "2025-11-11T01:07:21+00:00"
    assert doc.author == "Jane Doe"
    assert doc.url == "https://example.com/news/syria"
    assert "Syria is joining the global coalition" in doc.text
    assert "first Syrian leader to visit the White House" in doc.text
    for gone in ("Great post", "script text", "Privacy policy", "Advertisement", "Share this"):
        assert gone not in doc.text
    assert "By Jane Doe" not in doc.text
    kinds = [s.kind for s in doc.stripped]
    assert kinds == ["byline", "furniture", "furniture"]


def test_html_json_ld_date(tmp_path: Path) -> None:
    page = (
        '<html><head><script type="application/ld+json">'
        '{"@graph": [{"@type": "NewsArticle", "datePublished": "2025-11-11T08:00:00-05:00"}]}'
        "</script></head><body><article><p>" + ARTICLE + "</p></article></body></html>"
    )
    write(tmp_path / "ld.html", page)
    assert only(*read(tmp_path / "ld.html")).date == "2025-11-11T08:00:00-05:00"


def test_html_falls_back_to_body_text(tmp_path: Path) -> None:
    write(tmp_path / "short.htm", "<html><body><div>Tiny page text.</div></body></html>")
    doc = only(*read(tmp_path / "short.htm"))
    assert doc.text == "Tiny page text."
    assert doc.format == "html"


def test_html_without_text_is_skipped(tmp_path: Path) -> None:
    write(tmp_path / "blank.html", "<html><head><title>t</title></head><body> </body></html>")
    docs, skipped = read(tmp_path / "blank.html")
    assert docs == []
    assert "empty after extraction" in reason_for(skipped, "blank.html")


def test_html_declared_legacy_charset(tmp_path: Path) -> None:
    page = (
        '<html><head><meta charset="windows-1252"></head><body>'
        "<p>He said \u201cyes\u201d \u2014 twice.</p></body></html>"
    )
    write(tmp_path / "legacy.html", page.encode("cp1252"))
    doc = only(*read(tmp_path / "legacy.html"))
    assert doc.text == "He said \u201cyes\u201d \u2014 twice."


def jsonl(*records: object) -> str:
    return "\n".join(r if isinstance(r, str) else json.dumps(r) for r in records) + "\n"


def test_jsonl_records_and_bad_lines(tmp_path: Path) -> None:
    write(
        tmp_path / "feed.jsonl",
        jsonl(
            {"id": "a1", "text": "First article text.", "title": "One", "date": "2025-11-11"},
            '{"id": "broken", "text": ',
            {"text": "No id: the line number is used.", "url": "https://e.com/2"},
            "",
            [1, 2, 3],
            {"id": "c", "body": "wrong field"},
            {"id": 7, "text": "Integer id."},
        ),
    )
    docs, skipped = read(tmp_path / "feed.jsonl")
    assert [d.id for d in docs] == ["feed.jsonl#3", "feed.jsonl#7", "feed.jsonl#a1"]
    by_id = {d.id: d for d in docs}
    first = by_id["feed.jsonl#a1"]
    assert (first.text, first.title, first.date, first.format) == (
        "First article text.",
        "One",
        "2025-11-11",
        "jsonl",
    )
    assert first.path.endswith("feed.jsonl:1")
    assert by_id["feed.jsonl#3"].url == "https://e.com/2"
    assert [s.path.rsplit("/", 1)[-1] for s in skipped] == [
        "feed.jsonl:2",
        "feed.jsonl:5",
        "feed.jsonl:6",
    ]
    assert "malformed JSON" in skipped[0].reason
    assert "not a JSON object" in skipped[1].reason
    assert "'text'" in skipped[2].reason and "jsonl_text_field" in skipped[2].reason


def test_jsonl_custom_fields(tmp_path: Path) -> None:
    write(tmp_path / "f.jsonl", jsonl({"key": "k1", "body": "Body text.", "headline": "H"}))
    settings = Settings(jsonl_id_field="key", jsonl_text_field="body", jsonl_title_field="headline")
    doc = only(*read(tmp_path / "f.jsonl", settings=settings))
    assert (doc.id, doc.text, doc.title) == ("f.jsonl#k1", "Body text.", "H")


def test_jsonl_id_is_never_a_path(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    write(tmp_path / "secret.txt", "must not be read")
    write(tmp_path / "data" / "f.jsonl", jsonl({"id": "../secret.txt", "text": "Record text."}))
    doc = only(*read(tmp_path / "data"))
    assert doc.id == "f.jsonl#..%2Fsecret.txt"
    assert doc.text == "Record text."
    assert not (tmp_path / "data" / "f.jsonl#..").exists()


def test_duplicate_ids_keep_the_first(tmp_path: Path) -> None:
    write(
        tmp_path / "d.jsonl",
        jsonl({"id": "x", "text": "first"}, {"id": "x", "text": "second"}),
    )
    docs, skipped = read(tmp_path / "d.jsonl")
    assert [d.text for d in docs] == ["first"]
    assert len(skipped) == 1
    assert skipped[0].path.endswith("d.jsonl:2")
    assert "duplicate id" in skipped[0].reason


def test_gzipped_jsonl_is_skipped(tmp_path: Path) -> None:
    write(tmp_path / "z.jsonl", b"\x1f\x8b\x08\x00rest")
    docs, skipped = read(tmp_path / "z.jsonl")
    assert docs == []
    assert "gzip" in reason_for(skipped, "z.jsonl")


@pytest.mark.parametrize("content", [b"", b"\n", b"  \r\n\t\n"])
def test_empty_jsonl_is_skipped_with_a_reason(tmp_path: Path, content: bytes) -> None:
    """An empty JSON Lines file is named and skipped, not dropped without a word."""
    write(tmp_path / "none.jsonl", content)
    write(tmp_path / "one.txt", ARTICLE)
    docs, skipped = read(tmp_path)
    assert [d.id for d in docs] == ["one.txt"]
    assert "no JSON records" in reason_for(skipped, "none.jsonl")


# ------------------------------------------------------------------------------------------
# Encodings
# ------------------------------------------------------------------------------------------

SAMPLE = "He said \u201cit\u2019s caf\u00e9 time\u201d \u2014 na\u00efve \u00a35.\nSecond line."
LATIN = "Le caf\u00e9 \u00e9tait tr\u00e8s appr\u00e9ci\u00e9 \u00e0 No\u00ebl, dit-il."


@pytest.mark.parametrize(
    ("name", "data", "expected"),
    [
        ("utf8", SAMPLE.encode("utf-8"), SAMPLE),
        ("utf8-bom", codecs.BOM_UTF8 + SAMPLE.encode("utf-8"), SAMPLE),
        ("utf16le-bom", codecs.BOM_UTF16_LE + SAMPLE.encode("utf-16-le"), SAMPLE),
        ("utf16be-bom", codecs.BOM_UTF16_BE + SAMPLE.encode("utf-16-be"), SAMPLE),
        ("utf16le-nobom", SAMPLE.encode("utf-16-le"), SAMPLE),
        ("utf16be-nobom", SAMPLE.encode("utf-16-be"), SAMPLE),
        ("utf32-bom", SAMPLE.encode("utf-32"), SAMPLE),
        ("cp1252", SAMPLE.encode("cp1252"), SAMPLE),
        ("latin1", LATIN.encode("latin-1"), LATIN),
        ("crlf", SAMPLE.replace("\n", "\r\n").encode("cp1252"), SAMPLE),
        ("cr", SAMPLE.replace("\n", "\r").encode("utf-8"), SAMPLE),
        ("nfd", "cafe\u0301 na\u0131\u0308ve".encode(), "caf\u00e9 na\u0131\u0308ve"),
    ],
)
def test_encodings(tmp_path: Path, name: str, data: bytes, expected: str) -> None:
    write(tmp_path / f"{name}.txt", data)
    doc = only(*read(tmp_path / f"{name}.txt"))
    assert doc.text == expected


def test_cp1252_curly_quotes_are_not_latin1_controls() -> None:
    text = decode_bytes(b"He said \x93hello\x94 \x96 and \x85")
    assert text == "He said \u201chello\u201d \u2013 and \u2026"


def test_central_european_text_is_not_forced_to_cp1252() -> None:
    czech = "P\u0159\u00edli\u0161 \u017elu\u0165ou\u010dk\u00fd k\u016f\u0148 \u00fap\u011bl"
    sentence = czech + " \u010f\u00e1belsk\u00e9 \u00f3dy, \u0159ekl ministr ve st\u0159edu."
    assert decode_bytes(sentence.encode("cp1250")) == sentence


class _FakeMatch:
    def __init__(self, encoding: str) -> None:
        self.encoding = encoding
        self.chaos = 0.0
        self.coherence = 0.0
        self.could_be_from_charset = [encoding]


def test_windows_typography_needs_no_detector(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(charset_normalizer, "from_bytes", lambda data: [])
    assert decode_bytes(b"Google\x92s \x93rank\x94 \x97 high") == (
        "Google\u2019s \u201crank\u201d \u2014 high"
    )


def test_latin1_guess_with_c1_bytes_becomes_cp1252(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(charset_normalizer, "from_bytes", lambda data: [_FakeMatch("latin_1")])
    assert decode_bytes(b"caf\xe9 \x93x\x94") == "caf\u00e9 \u201cx\u201d"
    assert decode_bytes(b"caf\xe9 cr\xe8me") == "caf\u00e9 cr\u00e8me"


def test_undecodable_is_skipped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(charset_normalizer, "from_bytes", lambda data: [])
    write(tmp_path / "odd.txt", b"caf\xe9 \xff\xfe\xfa letters")
    docs, skipped = read(tmp_path / "odd.txt")
    assert docs == []
    assert "convert it to UTF-8" in reason_for(skipped, "odd.txt")


# ------------------------------------------------------------------------------------------
# Inputs that cannot be read
# ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "data", "words"),
    [
        ("doc.pdf.txt", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "PDF"),
        ("img.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "PNG"),
        ("arch.txt", b"\x1f\x8b\x08\x00\x00\x00\x00\x00", "gzip"),
        ("arch.md", b"PK\x03\x04\x14\x00\x06\x00", "ZIP"),
        ("nul.txt", b"text\x00\x01\x02\xff\xfe\x00binary\x00\x00\x10\x80", "NUL"),
        ("ctl.txt", bytes(range(1, 9)) * 20 + b"abc", "control characters"),
    ],
)
def test_binary_files_are_skipped(tmp_path: Path, name: str, data: bytes, words: str) -> None:
    write(tmp_path / name, data)
    docs, skipped = read(tmp_path / name)
    assert docs == []
    assert words in reason_for(skipped, name)


@pytest.mark.parametrize("content", ["", "   \n\t\n  ", "\ufeff\n"])
def test_empty_files_are_skipped(tmp_path: Path, content: str) -> None:
    write(tmp_path / "empty.txt", content)
    docs, skipped = read(tmp_path / "empty.txt")
    assert docs == []
    assert "empty after extraction" in reason_for(skipped, "empty.txt")


def test_too_large_is_skipped(tmp_path: Path) -> None:
    write(tmp_path / "big.txt", "word " * 100)
    write(tmp_path / "small.txt", "word")
    docs, skipped = read(tmp_path, settings=Settings(max_document_chars=50))
    assert [d.id for d in docs] == ["small.txt"]
    assert "max_document_chars" in reason_for(skipped, "big.txt")


@pytest.mark.parametrize(
    ("size", "expected", "most"),
    [
        (0, 0, 10),  # empty
        (5, 5, 10),  # shorter than the limit, size as measured
        (9, 9, 10),  # one under the limit
        (10, 10, 10),  # exactly the limit: all of it
        (25, 25, 10),  # over the limit: the limit's worth only
        (8, 3, 10),  # grew after stat, still under the limit: all of it
        (40, 3, 10),  # grew after stat past the limit: the limit's worth
        (3, 8, 10),  # shrank after stat: what is there
        (12, 50, 10),  # stat said larger than the limit
    ],
)
def test_read_up_to_reads_what_one_large_read_would(size: int, expected: int, most: int) -> None:
    """Reading by the measured size gives exactly ``read(most)``, however the file changed."""
    data = bytes(range(256)) * (size // 256 + 1)
    data = data[:size]
    assert ingest._read_up_to(io.BytesIO(data), expected, most) == data[:most]


def test_vanished_file_is_skipped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path / "stays.txt", "Stays.")
    gone = write(tmp_path / "gone.txt", "Gone.")
    real_discover = ingest._discover

    def discover_then_delete(*args: object, **kwargs: object) -> object:
        result = real_discover(*args, **kwargs)  # type: ignore[arg-type]
        gone.unlink()
        return result

    monkeypatch.setattr(ingest, "_discover", discover_then_delete)
    docs, skipped = read(tmp_path)
    assert [d.id for d in docs] == ["stays.txt"]
    assert "vanished" in reason_for(skipped, "gone.txt")


def test_unreadable_file_is_skipped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path / "ok.txt", "Readable.")
    locked = write(tmp_path / "locked.txt", "Locked.")
    real_open = Path.open

    def guarded_open(self: Path, *args: object, **kwargs: object) -> object:
        if self.name == locked.name:
            raise PermissionError(13, "Permission denied")
        return real_open(self, *args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr(Path, "open", guarded_open)
    docs, skipped = read(tmp_path)
    assert [d.id for d in docs] == ["ok.txt"]
    assert "permission denied" in reason_for(skipped, "locked.txt")


def test_missing_path_raises(tmp_path: Path) -> None:
    with pytest.raises(InputError) as info:
        read(tmp_path / "nope")
    assert info.value.reason == "no such file or folder"
    assert info.value.path.endswith("nope")


def test_dash_without_stdin_raises() -> None:
    with pytest.raises(InputError):
        read_inputs(["-"], Settings())


def test_broken_symlink_is_skipped(tmp_path: Path) -> None:
    write(tmp_path / "ok.txt", "Fine.")
    (tmp_path / "dangling.txt").symlink_to(tmp_path / "missing-target.txt")
    docs, skipped = read(tmp_path)
    assert [d.id for d in docs] == ["ok.txt"]
    assert "broken symbolic link" in reason_for(skipped, "dangling.txt")


def test_symlink_loop_does_not_hang(tmp_path: Path) -> None:
    root = tmp_path / "root"
    write(root / "a.txt", "Alpha.")
    write(root / "sub" / "b.txt", "Beta.")
    (root / "sub" / "loop").symlink_to(root, target_is_directory=True)
    (root / "self").symlink_to(root / "sub", target_is_directory=True)
    result: list[tuple[list[Document], list[Skipped]]] = []
    worker = threading.Thread(target=lambda: result.append(read(root)), daemon=True)
    worker.start()
    worker.join(timeout=20)
    assert not worker.is_alive(), "walking a symlink loop did not finish"
    docs, skipped = result[0]
    assert not skipped
    texts = sorted(d.text for d in docs)
    assert texts[0] == "Alpha."
    assert set(texts) == {"Alpha.", "Beta."}
    assert len(docs) == 2


# ------------------------------------------------------------------------------------------
# Discovery: ids, paths, globs, ordering, stdin
# ------------------------------------------------------------------------------------------


def test_ids_for_one_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path / "seeds" / "000_x.txt", "Zero.")
    write(tmp_path / "seeds" / "sub" / "001_y.md", "One.")
    monkeypatch.chdir(tmp_path)
    docs, _ = read_inputs(["seeds/"], Settings())
    assert [(d.id, d.path) for d in docs] == [
        ("000_x.txt", "seeds/000_x.txt"),
        ("sub/001_y.md", "seeds/sub/001_y.md"),
    ]


def test_ids_for_files_in_two_folders(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path / "a" / "x.txt", "Ex.")
    write(tmp_path / "b" / "y.txt", "Why.")
    monkeypatch.chdir(tmp_path)
    docs, _ = read_inputs(["b/y.txt", "a/x.txt"], Settings())
    assert [(d.id, d.path) for d in docs] == [("a/x.txt", "a/x.txt"), ("b/y.txt", "b/y.txt")]


def test_ids_for_a_single_file_and_a_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(tmp_path / "one" / "deep" / "f.txt", "Eff.")
    write(tmp_path / "two" / "g.txt", "Gee.")
    monkeypatch.chdir(tmp_path)
    assert [d.id for d in read_inputs(["one/deep/f.txt"], Settings())[0]] == ["f.txt"]
    docs, _ = read_inputs(["one", "two"], Settings())
    assert [d.id for d in docs] == ["one/deep/f.txt", "two/g.txt"]


def test_explicit_file_with_unknown_extension_is_text(tmp_path: Path) -> None:
    write(tmp_path / "notes.data", "Plain words.")
    doc = only(*read(tmp_path / "notes.data"))
    assert (doc.format, doc.text) == ("txt", "Plain words.")
    assert read(tmp_path) == ([], [])  # but a walk only takes known extensions


def test_walk_extensions_and_hidden(tmp_path: Path) -> None:
    write(tmp_path / "A.TXT", "Upper case extension.")
    write(tmp_path / "b.html", "<p>Para.</p>")
    write(tmp_path / "c.csv", "not,read")
    write(tmp_path / ".hidden.txt", "hidden")
    write(tmp_path / ".git" / "x.txt", "hidden folder")
    docs, skipped = read(tmp_path)
    assert [d.id for d in docs] == ["A.TXT", "b.html"]
    assert skipped == []


def test_include_and_exclude_globs(tmp_path: Path) -> None:
    for rel in (
        "top.txt",
        "top.md",
        "news/a.txt",
        "news/2025/b.txt",
        "news/2025/skip_c.txt",
        "drafts/d.txt",
        "drafts/deeper/e.md",
    ):
        write(tmp_path / rel, f"Text of {rel}.")

    def ids(include: tuple[str, ...] = (), exclude: tuple[str, ...] = ()) -> list[str]:
        settings = Settings(include=include, exclude=exclude)
        return [d.id for d in read(tmp_path, settings=settings)[0]]

    assert ids(include=("*.md",)) == ["drafts/deeper/e.md", "top.md"]
    assert ids(include=("news/**",)) == ["news/2025/b.txt", "news/2025/skip_c.txt", "news/a.txt"]
    assert ids(include=("news/*.txt",)) == ["news/a.txt"]
    assert ids(include=("news/**/*.txt",)) == [
        "news/2025/b.txt",
        "news/2025/skip_c.txt",
        "news/a.txt",
    ]
    assert ids(exclude=("drafts", "skip_*")) == [
        "news/2025/b.txt",
        "news/a.txt",
        "top.md",
        "top.txt",
    ]
    assert ids(include=("**/*.txt",), exclude=("news/2025/",)) == [
        "drafts/d.txt",
        "news/a.txt",
        "top.txt",
    ]
    assert ids(include=("[dt]*/*.md",)) == []
    assert ids(include=("top.[mx]?",)) == ["top.md"]


def test_explicit_files_ignore_globs(tmp_path: Path) -> None:
    write(tmp_path / "keep.txt", "Named on purpose.")
    docs, _ = read(tmp_path / "keep.txt", settings=Settings(exclude=("*.txt",)))
    assert [d.id for d in docs] == ["keep.txt"]


def test_output_is_sorted_and_order_independent(tmp_path: Path) -> None:
    names = ["b.txt", "a.txt", "c/z.md", "c/a.md", "0.txt"]
    for name in names:
        write(tmp_path / name, f"Text {name}.")
    write(tmp_path / "bad1.txt", b"%PDF-1.4")
    write(tmp_path / "bad0.txt", "")
    forward = read(*(tmp_path / n for n in [*names, "bad1.txt", "bad0.txt"]))
    backward = read(*(tmp_path / n for n in reversed([*names, "bad1.txt", "bad0.txt"])))
    assert forward == backward
    docs, skipped = forward
    assert [d.id for d in docs] == sorted(d.id for d in docs)
    assert [s.path for s in skipped] == sorted(s.path for s in skipped)
    assert read(tmp_path) == read(tmp_path)


def test_same_file_twice_is_read_once(tmp_path: Path) -> None:
    write(tmp_path / "a.txt", "Once.")
    docs, skipped = read(tmp_path, tmp_path / "a.txt")
    assert [d.id for d in docs] == ["a.txt"]
    assert skipped == []


@pytest.mark.parametrize(
    ("data", "fmt", "text"),
    [
        (b"Just some text.\nSecond line.", "txt", "Just some text.\nSecond line."),
        (b'\n{"id": "r1", "text": "From a record."}\n', "jsonl", "From a record."),
        (b"<!DOCTYPE html><html><body><p>Hello from HTML.</p></body></html>", "html", None),
        (b"---\ntitle: Piped\n---\nPiped *markdown*.", "markdown", "Piped markdown."),
        (b"+++\ntitle = 'Piped'\n+++\nPiped.", "markdown", "Piped."),
        (b"<3 is not HTML, it is text.", "txt", "<3 is not HTML, it is text."),
        (b"[1, 2] is not a JSON object line", "txt", "[1, 2] is not a JSON object line"),
    ],
)
def test_stdin_sniffing(data: bytes, fmt: str, text: str | None) -> None:
    doc = only(*read_inputs(["-"], Settings(), stdin=data))
    assert doc.format == fmt
    if fmt == "jsonl":
        assert (doc.id, doc.path) == ("stdin#r1", "<stdin>:2")
    else:
        assert (doc.id, doc.path) == ("stdin", "<stdin>")
    if text is not None:
        assert doc.text == text
    else:
        assert "Hello from HTML." in doc.text


def test_stdin_with_files(tmp_path: Path) -> None:
    write(tmp_path / "f.txt", "File text.")
    docs, _ = read_inputs([str(tmp_path / "f.txt"), "-"], Settings(), stdin=b"Piped text.")
    assert [d.id for d in docs] == ["f.txt", "stdin"]


# ------------------------------------------------------------------------------------------
# Stripping
# ------------------------------------------------------------------------------------------


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


def test_stripping_never_empties_a_document(tmp_path: Path) -> None:
    write(tmp_path / "furniture.txt", "Advertisement\nShare this article\n")
    doc = only(*read(tmp_path / "furniture.txt"))
    assert doc.text == "Advertisement\nShare this article"
    assert doc.stripped == ()


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


def test_date_read_from_wire_dateline(tmp_path: Path) -> None:
    write(tmp_path / "w.txt", "LONDON, Nov. 11, 2025 (Reuters) - Shares rose.")
    assert only(*read(tmp_path / "w.txt")).date == "2025-11-11"


def test_no_stripping_when_disabled(tmp_path: Path) -> None:
    text = " date 2025-11-11 Body.\nAdvertisement\nMore body."
    write(tmp_path / "n.txt", text)
    doc = only(*read(tmp_path / "n.txt", settings=Settings(strip_boilerplate=False)))
    assert doc.text == text
    assert doc.stripped == ()
    assert doc.date == "2025-11-11"


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


# ------------------------------------------------------------------------------------------
# Dates and Markdown helpers
# ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2025-11-11", "2025-11-11"),
        ("2025-11-11T01:07:21", "2025-11-11T01:07:21"),
        ("2025-11-11 01:07", "2025-11-11T01:07"),
        ("2025-11-11T01:07:21Z", "2025-11-11T01:07:21+00:00"),
        ("2025-11-11T01:07:21.123-0500", "2025-11-11T01:07:21-05:00"),
        ("November 11, 2025", "2025-11-11"),
        ("Nov. 10, 2025", "2025-11-10"),
        ("11 November 2025", "2025-11-11"),
        ("Tue, 11 Nov 2025 01:07:21 +0000", "2025-11-11T01:07:21+00:00"),
        (dt.date(2025, 11, 11), "2025-11-11"),
        (dt.datetime(2025, 11, 11, 1, 7, 21), "2025-11-11T01:07:21"),
        ("2025-13-45", None),
        ("February 30, 2025", None),
        ("Nov. 10", None),
        ("yesterday", None),
        ("", None),
        (20251111, None),
        (None, None),
        (["2025-11-11"], None),
    ],
)
def test_parse_date(value: object, expected: str | None) -> None:
    assert parse_date(value) == expected


def test_find_date_needs_a_year() -> None:
    assert find_date("Talks on Nov. 10 went well.") is None
    assert find_date("Posted on 10th November 2025 at noon") == "2025-11-10"
    assert find_date("first 2024-02-30 then March 3, 2024") == "2024-03-03"


def test_markdown_to_text_keeps_paragraphs() -> None:
    md = "## Title ##\n\nLine one\nline two\n\n***\n\nSee [docs][ref].\n\n[ref]: https://x.org\n"
    assert markdown_to_text(md).strip() == "Title\n\nLine one\nline two\n\n\n\nSee docs."


# ------------------------------------------------------------------------------------------
# The real seeds
# ------------------------------------------------------------------------------------------


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


# ------------------------------------------------------------------------------------------
# Dev corpus (skipped when absent)
# ------------------------------------------------------------------------------------------

CLOUGH = CORPORA / "clough_stevenson_2011" / "corpus-20090418"


@pytest.mark.corpora
@pytest.mark.skipif(not CLOUGH.is_dir(), reason="dev corpora not available")
def test_clough_corpus_decodes_cleanly() -> None:
    docs, skipped = read_inputs([CLOUGH], Settings())
    assert skipped == []
    assert len(docs) == 100

    def mojibake(t: str) -> bool:
        return any(bad in t for bad in ("\u00e2\u20ac", "\u00c3", "\ufffd", "\r")) or any(
            "\x80" <= c <= "\x9f" for c in t
        )

    assert [d.id for d in docs if mojibake(d.text)] == []
    by_id = {d.id: d for d in docs}
    assert "Google\u2019s" in by_id["g2pB_taskb.txt"].text  # cp1252 0x92
    assert "\u2026" in by_id["g1pB_taska.txt"].text  # cp1252 0x85, not a NEL line break
    assert "na\u00efve" in by_id["g2pC_taske.txt"].text  # UTF-8


def test_progress_is_reported_per_input_file() -> None:
    calls: list[tuple[str, int, int]] = []
    seeds = Path(__file__).resolve().parent.parent / "seeds"
    read_inputs([seeds], Settings(), progress=lambda *c: calls.append(c))
    assert calls == [("ingest", k, 5) for k in range(1, 6)]


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


# --- patterns that skip ahead ----------------------------------------------------------------


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
    "name",
    ["_COMMENT_STOCK", "_YOU", "_THANK_YOU", "_SITE", "_WARM", "_REPORTING", "_LINE_BREAKS"],
)
def test_skip_ahead_lookahead_admits_every_first_character(name: str) -> None:
    import re._parser

    from provenance import ingest

    compiled = getattr(ingest, name).pattern
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


# --- issue 16: a plain text's headline as its title --------------------------------------------


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
