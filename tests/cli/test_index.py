"""``provenance index`` (``provenance.cli.index``): what ``index add`` says and its exit codes.

The archive's own behaviour (incremental adds, removal, damaged files, concurrent writers)
is tested through these commands in ``tests/test_index.py``.
"""

from __future__ import annotations

import json
from pathlib import Path

from support.cli_runner import TEXT_A, TEXT_B, expect, run


def test_add_says_what_it_stored_and_exits_3_when_inputs_were_skipped(corpus: Path) -> None:
    db = corpus.parent / "sources.db"
    (corpus / "broken.txt").write_bytes(b"\x00\x01binary\x00" * 30)
    result = run(["index", "add", str(corpus), "--index", str(db)])
    expect(result, 3)
    lines = result.stderr.splitlines()
    assert lines[0].startswith("skipped ") and "broken.txt" in lines[0]
    assert lines[1:] == ["1 input skipped", f"{db}: 2 added, 0 updated, 0 unchanged, 1 skipped"]
    (corpus / "broken.txt").unlink()
    (corpus / "a.txt").write_text(TEXT_B + TEXT_A, encoding="utf-8")
    again = run(["index", "add", str(corpus), "--index", str(db)])
    expect(again, 0)
    assert again.stderr == f"{db}: 0 added, 1 updated, 1 unchanged\n"
    quiet = run(["index", "add", str(corpus), "--index", str(db), "-q"])
    expect(quiet, 0)
    assert quiet.stderr == ""


def test_list_and_stats_as_json(corpus: Path) -> None:
    db = corpus.parent / "sources.db"
    expect(run(["index", "add", str(corpus), "--index", str(db), "-q"]), 0)
    rows = json.loads(run(["index", "list", "--index", str(db), "--format", "json"]).stdout)
    assert [(r["id"], r["chars"]) for r in rows] == [
        ("a.txt", len(TEXT_A.strip())),
        ("b.txt", len(TEXT_B.strip())),
    ]
    stats = json.loads(run(["index", "stats", "--index", str(db), "--format", "json"]).stdout)
    assert stats["documents"] == 2 and stats["integrity"] == "ok"


def test_every_index_command_needs_the_index_option() -> None:
    for command in ("add", "list", "remove", "stats"):
        args = ["index", command] + (["."] if command in ("add", "remove") else [])
        result = run(args)
        expect(result, 2)
        assert "Missing option '--index'" in result.stderr
