"""The persistent index: incremental adds, list/remove/stats, settings guard, lookups, and
safety (a killed ``index add`` keeps every committed document; two writers at once)."""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

import newsroom
from provenance import cli, ingest
from provenance.config import Settings
from provenance.index import Index, IndexFileError, content_hash, document_keys

CASES = Path(__file__).resolve().parent / "cases"


def run(args: Sequence[str]) -> Result:
    result = CliRunner().invoke(cli.main, list(args))
    print(f"exit {result.exit_code}\n{result.stdout}\n--- stderr ---\n{result.stderr}")
    assert "Traceback" not in result.output
    return result


def _doc_rows(path: Path) -> dict[str, tuple[str, int, int]]:
    """id -> (content hash, declared band count, band rows actually stored)."""
    with sqlite3.connect(path) as db:
        rows = db.execute(
            "SELECT d.id, d.content_hash, d.band_count, "
            "(SELECT count(*) FROM bands b WHERE b.doc_id = d.id) FROM documents d"
        ).fetchall()
    return {r[0]: (r[1], r[2], r[3]) for r in rows}


def test_add_is_incremental_and_replaces_changed_documents(tmp_path: Path) -> None:
    archive = newsroom.make_archive(tmp_path)
    db = tmp_path / "archive.db"
    result = run(["index", "add", str(archive), "--index", str(db)])
    assert result.exit_code == 0
    assert "3 added, 0 updated, 0 unchanged" in result.stderr
    before = _doc_rows(db)

    result = run(["index", "add", str(archive), "--index", str(db)])
    assert "0 added, 0 updated, 3 unchanged" in result.stderr
    assert _doc_rows(db) == before

    agency = archive / "wire" / "agency.txt"
    agency.write_text(agency.read_text(encoding="utf-8") + "\nA late paragraph was added.\n")
    result = run(["index", "add", str(archive), "--index", str(db)])
    assert "0 added, 1 updated, 2 unchanged" in result.stderr
    after = _doc_rows(db)
    assert after["wire/agency.txt"][0] != before["wire/agency.txt"][0]
    assert after["wire/bridge.txt"] == before["wire/bridge.txt"]
    for _, declared, stored in after.values():
        assert declared == stored > 0


def test_list_remove_and_stats(tmp_path: Path) -> None:
    archive = newsroom.make_archive(tmp_path)
    db = tmp_path / "archive.db"
    run(["index", "add", str(archive), "--index", str(db)])

    listed = run(["index", "list", "--index", str(db), "--format", "json"])
    rows = json.loads(listed.stdout)
    assert [r["id"] for r in rows] == ["wire/agency.txt", "wire/bridge.txt", "wire/wheat-trial.md"]
    wheat = rows[2]
    assert wheat["date"] == "2026-03-02" and wheat["title"].startswith("Drought-tolerant")

    text = run(["index", "list", "--index", str(db)])
    assert text.stdout.splitlines()[2].startswith("wire/wheat-trial.md\t2026-03-02\t")

    removed = run(["index", "remove", "wire/a*", "wire/bridge.txt", "--index", str(db)])
    assert removed.exit_code == 0
    assert removed.stdout.splitlines() == ["removed wire/agency.txt", "removed wire/bridge.txt"]
    assert list(_doc_rows(db)) == ["wire/wheat-trial.md"]
    with sqlite3.connect(db) as conn:  # their band keys went with them
        assert conn.execute(
            "SELECT count(*) FROM bands WHERE doc_id != 'wire/wheat-trial.md'"
        ).fetchone() == (0,)

    nothing = run(["index", "remove", "nope/*", "--index", str(db)])
    assert nothing.exit_code == 0 and "no document matched" in nothing.stderr

    stats = json.loads(run(["index", "stats", "--index", str(db), "--format", "json"]).stdout)
    assert stats["documents"] == 1
    assert stats["integrity"] == "ok"
    assert stats["band_keys"] == _doc_rows(db)["wire/wheat-trial.md"][2]
    assert json.loads(stats["fingerprint"])["num_perm"] == Settings().num_perm


def test_bad_index_files_are_usage_errors(tmp_path: Path) -> None:
    missing = run(["index", "list", "--index", str(tmp_path / "none.db")])
    assert missing.exit_code == 2 and "no index at" in missing.stderr

    junk = tmp_path / "junk.db"
    junk.write_bytes(b"this is not SQLite at all, just some text\n" * 50)
    for args in (["index", "stats"], ["index", "add", str(CASES / "chain")]):
        result = run([*args, "--index", str(junk)])
        assert result.exit_code == 2
        assert "not a provenance index" in result.stderr

    other = tmp_path / "other.db"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE t (x)")
    result = run(["index", "stats", "--index", str(other)])
    assert result.exit_code == 2 and "not a provenance index" in result.stderr


def test_index_built_with_other_fingerprint_settings_is_refused(tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    run(["index", "add", str(CASES / "chain"), "--index", str(db)])
    result = run(["index", "add", str(CASES / "chain"), "--index", str(db), "--set", "num_perm=32"])
    assert result.exit_code == 2
    assert "num_perm=64" in result.stderr and "rebuild" in result.stderr
    with pytest.raises(IndexFileError, match="num_perm"):
        Index.open(db, Settings(num_perm=32))
    post = tmp_path / "post.txt"
    post.write_text((CASES / "chain" / "b_regional.txt").read_text(encoding="utf-8"))
    checked = run(["check", str(post), "--index", str(db), "--set", "num_perm=32"])
    assert checked.exit_code == 2 and "num_perm" in checked.stderr


def test_lookup_finds_the_archived_source_by_band_keys(tmp_path: Path) -> None:
    settings = Settings()
    archive = newsroom.make_archive(tmp_path)
    documents, _ = ingest.read_inputs([archive], settings)
    with Index.open(tmp_path / "a.db", settings, create=True) as index:
        index.add(documents)
        post = tmp_path / "wheat.md"
        post.write_text(newsroom.wheat_post(), encoding="utf-8")
        (doc,), _ = ingest.read_inputs([post], settings)
        assert index.candidates([document_keys(doc, settings)]) == ["wire/wheat-trial.md"]
        # nothing shared with an unrelated text
        (island,), _ = ingest.read_inputs([CASES / "same_story_unrelated" / "island.txt"], settings)
        assert "wire/wheat-trial.md" not in index.candidates([document_keys(island, settings)])
        # a post is not compared with its own archived copy (same file)
        source = archive / "wire" / "wheat-trial.md"
        (own,), _ = ingest.read_inputs([source], settings)
        keys = [document_keys(own, settings)]
        assert index.candidates(keys, exclude_files=[str(source.resolve())]) == []
        # stored documents come back whole
        (stored,) = index.documents(["wire/wheat-trial.md"])
        original = next(d for d in documents if d.id == "wire/wheat-trial.md")
        assert stored == original
        assert stored.declared_sources == () and stored.url == newsroom.WIRE_URL


# --- safety -----------------------------------------------------------------------------------


def _many_documents(folder: Path, count: int) -> None:
    """``count`` distinct news-like documents built from the golden cases' sentences."""
    lines = []
    for file in sorted(CASES.rglob("*.txt")):
        lines += [line for line in file.read_text(encoding="utf-8").split("\n") if len(line) > 80]
    rng = random.Random(4)
    folder.mkdir()
    for k in range(count):
        body = "\n".join(rng.sample(lines, 6))
        (folder / f"doc{k:04d}.txt").write_text(f"Story {k}\n{body}\n", encoding="utf-8")


def _add_command(folder: Path, db: Path) -> list[str]:
    return [
        sys.executable,
        "-m",
        "provenance",
        "index",
        "add",
        str(folder),
        "--index",
        str(db),
        "-q",
    ]


def _committed(db: Path) -> int:
    if not db.exists():  # connecting would create it
        return 0
    try:
        with sqlite3.connect(db, timeout=30) as conn:
            return int(conn.execute("SELECT count(*) FROM documents").fetchone()[0])
    except sqlite3.Error:
        return 0


def test_a_killed_add_keeps_every_committed_document(tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    total = 500
    _many_documents(folder, total)
    db = tmp_path / "index.db"
    proc = subprocess.Popen(_add_command(folder, db), stderr=subprocess.PIPE)
    deadline = time.monotonic() + 300
    try:
        while _committed(db) < 10:
            assert proc.poll() is None, proc.stderr.read() if proc.stderr else ""
            assert time.monotonic() < deadline, "index add made no progress"
            time.sleep(0.05)
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait()
    assert proc.returncode == -signal.SIGKILL

    settings = Settings()
    with Index.open(db, settings) as index:  # opens: the WAL is recovered
        assert index.integrity() == "ok"
        entries = index.entries()
    rows = _doc_rows(db)
    assert 10 <= len(rows) < total, "the kill should land midway"
    assert [e.id for e in entries] == sorted(rows)
    documents, _ = ingest.read_inputs([folder], settings)
    by_id = {d.id: d for d in documents}
    for doc_id, (digest, declared, stored) in rows.items():
        doc = by_id[doc_id]
        assert digest == content_hash(doc, settings), doc_id  # the text is complete
        assert declared == stored == len(document_keys(doc, settings)), doc_id  # every key

    # and the next run finishes the job without recomputing what was committed
    finished = subprocess.run(
        [*_add_command(folder, db)[:-1]], capture_output=True, text=True, check=False
    )
    assert finished.returncode == 0, finished.stderr
    assert f"{total - len(rows)} added, 0 updated, {len(rows)} unchanged" in finished.stderr


def test_two_writers_at_once(tmp_path: Path) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    _many_documents(first, 40)
    _many_documents(second, 40)
    for k, path in enumerate(sorted(second.iterdir())):
        path.rename(second / f"other{k:04d}.txt")
    db = tmp_path / "shared.db"
    procs = [
        subprocess.Popen(_add_command(folder, db), stderr=subprocess.PIPE, text=True)
        for folder in (first, second)
    ]
    errors = [p.communicate(timeout=300)[1] for p in procs]
    assert [p.returncode for p in procs] == [0, 0], errors
    rows = _doc_rows(db)
    assert len(rows) == 80
    assert all(declared == stored > 0 for _, declared, stored in rows.values())
    with Index.open(db, Settings()) as index:
        assert index.integrity() == "ok"
