"""Hostile documents: nothing in a document, title, file name or skip reason reaches the
terminal as an escape sequence, a control character or a bidi override.

The real command runs in a child process with colour forced on (so rich writes its own
styling, which must be the only escape sequences), on a corpus whose text, front-matter
titles, JSONL titles and ids, and file names carry ANSI (CSI) sequences, OSC sequences
(window title, hyperlink, clipboard), 8-bit C1 controls, BEL, backspace and bidi overrides.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from nasty import ARTICLE, Observed, Run, run_cli

CSI = "\x1b[31mRED\x1b[0m\x1b[2J\x1b[H"
OSC_TITLE = "\x1b]0;OWNED-TITLE\x07"
OSC_LINK = "\x1b]8;;http://evil.example/\x1b\\CLICK\x1b]8;;\x1b\\"
OSC_CLIP = "\x1b]52;c;Q0xJUEJPQVJE\x07"
C1 = "\x9b31m\x9d0;C1-TITLE\x9c"
BIDI = "\u202eeman\u202c\u2066iso\u2069"
PAYLOAD = CSI + OSC_TITLE + OSC_LINK + OSC_CLIP + C1 + BIDI + "\x08\x08\r"
NAME_PAYLOAD = CSI + OSC_TITLE + OSC_CLIP + C1 + BIDI + "\x08\r"
"""What a file name can hold (no slash)."""

# What rich itself writes when colour is on: SGR (styles) only.
_OWN_SGR = re.compile(r"\x1b\[[0-9;]*m")
_BAD = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _hostile_corpus(root: Path) -> None:
    folder = root / "corpus"
    folder.mkdir()
    # long enough that a few control characters are tolerated (and removed) by ingest
    body = ARTICLE.replace("Hawthorne Street", "Hawthorne " + PAYLOAD + " Street") + ARTICLE * 3
    yaml_title = (
        '"\\e]0;OWNED-TITLE\\a Bridge \\e[2J closed \\u202E \\x9b31m '
        '\\e]8;;http://evil.example/\\e\\\\link"'
    )
    (folder / "source.md").write_text(f"---\ntitle: {yaml_title}\n---\n\n{body}", encoding="utf-8")
    (folder / ("copy" + NAME_PAYLOAD + ".txt")).write_text(
        "Copied " + OSC_TITLE + "\n\n" + body, encoding="utf-8"
    )
    record = {"id": "r" + PAYLOAD, "title": PAYLOAD + "headline", "text": body + "\nMore."}
    (folder / "feed.jsonl").write_text(json.dumps(record) + "\n", encoding="utf-8")
    (folder / ("empty" + OSC_TITLE + CSI + "\u202e.txt")).write_bytes(b"")


def _assert_clean(text: str, where: str) -> None:
    without_own = _OWN_SGR.sub("", text)
    leftover = sorted({f"U+{ord(c):04X}" for c in _BAD.findall(without_own) if c not in "\t\n"})
    # (what is left of a sequence whose ESC ingest already dropped, "]0;OWNED-TITLE", is
    # plain text: without its ESC no terminal acts on it)
    assert not leftover, f"{where}: raw control characters {leftover}"


def _run(root: Path, *args: str, color: bool = True) -> Observed:
    import os

    saved = {k: os.environ.get(k) for k in ("FORCE_COLOR", "TERM")}
    if color:
        os.environ["FORCE_COLOR"] = "1"
        os.environ["TERM"] = "xterm-256color"
    try:
        observed = run_cli(Run(["trace", "corpus", *args], root))
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    print(f"exit {observed.exit_code}\n--- stderr ---\n{observed.stderr!r}")
    print(f"--- stdout ---\n{observed.stdout[:3000]!r}")
    assert "Traceback" not in observed.stderr
    assert observed.exit_code == 3  # the empty file is skipped
    return observed


@pytest.fixture(scope="module")
def corpus_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("hostile")
    _hostile_corpus(root)
    return root


@pytest.mark.slow
@pytest.mark.parametrize("extra", [[], ["--all", "--passages", "10"]], ids=["default", "all"])
def test_terminal_report_and_stderr_are_clean(corpus_root: Path, extra: list[str]) -> None:
    observed = _run(corpus_root, *extra)
    assert "\x1b[" in observed.stdout, "colour was not forced on: the test would prove little"
    _assert_clean(observed.stdout, "stdout")
    _assert_clean(observed.stderr, "stderr")
    # the documents were read and reported, payload and all
    assert "RED" in observed.stdout and "Hawthorne" in observed.stdout
    skip_lines = [line for line in observed.stderr.splitlines() if line.startswith("skipped ")]
    assert len(skip_lines) == 1 and "empty" in skip_lines[0]


@pytest.mark.slow
def test_report_file_is_clean(corpus_root: Path) -> None:
    out = corpus_root / "report.txt"
    observed = _run(corpus_root, "-o", str(out), "--all")
    assert not observed.stdout
    _assert_clean(out.read_text(encoding="utf-8"), "report file")
    assert "\x1b" not in out.read_text(encoding="utf-8")  # a file never gets colour


@pytest.mark.slow
def test_json_escapes_every_control_and_bidi_character(corpus_root: Path) -> None:
    observed = _run(corpus_root, "--format", "json", "--include-text", color=False)
    raw = observed.stdout
    assert not _BAD.search(raw.replace("\n", "")), "JSON printed raw control or bidi characters"
    data = json.loads(raw)
    # the values are kept exactly, only escaped: JSON is data, not a display
    titles = {d["id"]: d["title"] for d in data["documents"]}
    assert any(t and "\x1b]0;OWNED-TITLE\x07" in t for t in titles.values())
    assert any("\u202e" in d["id"] for d in data["documents"])
