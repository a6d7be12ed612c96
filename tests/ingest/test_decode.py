"""Bytes to text (``provenance.ingest.decode``): encodings, binary files, size limits, gzip."""

from __future__ import annotations

import codecs
import gzip
import io
import json
from pathlib import Path

import charset_normalizer
import pytest

from provenance.config import Settings
from provenance.ingest import decode, decode_bytes, read_inputs
from support.format_samples import BRIDGE, read_with, reasons
from support.ingest_files import CORPORA, only, read, reason_for, write

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
    assert decode.read_up_to(io.BytesIO(data), expected, most) == data[:most]


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


def test_gzip_bomb_is_bounded(tmp_path: Path) -> None:
    """30 MB of newlines in 30 KB: stopped at max(4 x max_document_chars, 100 x size)."""
    (tmp_path / "bomb.jsonl.gz").write_bytes(gzip.compress(b"\n" * 30_000_000))
    docs, skipped = read_with(tmp_path / "bomb.jsonl.gz", max_document_chars=1_000_000)
    assert docs == []
    reason = reasons(skipped)[f"{tmp_path}/bomb.jsonl.gz"]
    assert "decompresses to more than 4,000,004 bytes" in reason
    assert "max_decompression_ratio" in reason


def test_truncated_jsonl_gz(tmp_path: Path) -> None:
    import random

    rng = random.Random(3)
    words = BRIDGE.split()
    records = [
        {"id": str(n), "text": " ".join(rng.choice(words) for _ in range(400))} for n in range(200)
    ]
    data = gzip.compress("".join(json.dumps(r) + "\n" for r in records).encode())
    (tmp_path / "cut.jsonl.gz").write_bytes(data[: len(data) // 2])
    docs, skipped = read_with(tmp_path / "cut.jsonl.gz")
    assert 0 < len(docs) < 200
    reason = reasons(skipped)[f"{tmp_path}/cut.jsonl.gz"]
    assert "truncated gzip" in reason and "stopped reading it after" in reason
