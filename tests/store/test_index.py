"""The persistent index: incremental adds, list/remove/stats, settings guard, lookups, and
safety (a killed ``index add`` keeps every committed document; two writers at once)."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import random
import re
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import pytest
import xxhash
from click.testing import CliRunner, Result

from provenance import cli, ingest
from provenance import fingerprint as fp
from provenance.candidates import band_parameters
from provenance.config import Settings
from provenance.models import Document
from provenance.store import index as index_module
from provenance.store.index import (
    APPLICATION_ID,
    CANDIDATES_QUERY,
    Index,
    IndexFileError,
    band_key_ints,
    content_hash,
    document_keys,
)
from support import newsroom

CASES = Path(__file__).resolve().parent.parent / "cases"


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


def test_every_setting_of_the_recipe_is_checked(tmp_path: Path) -> None:
    # passage_max_terms changes units, so band keys: it was once left out of the check
    db = tmp_path / "a.db"
    run(["index", "add", str(CASES / "chain"), "--index", str(db)])
    for name, value in [("passage_max_terms", 0), ("seed", 2), ("lsh_threshold", 0.6)]:
        with pytest.raises(IndexFileError, match=f"{name}="):
            Index.open(db, Settings().replace(**{name: value}))
    with sqlite3.connect(db) as conn:
        (stored,) = conn.execute("SELECT value FROM meta WHERE key = 'recipe'").fetchone()
    assert json.loads(stored) == fp.recipe(Settings())


def _rebuild_refusal(db: Path, result: Result) -> None:
    assert result.exit_code == 2  # as for every other unusable index
    assert "rebuild it" in result.stderr
    assert f"provenance index add PATHS --index {db}" in result.stderr


def test_index_of_another_fingerprint_scheme_is_refused_with_rebuild(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "a.db"
    monkeypatch.setattr(fp, "SCHEME", "xxh32-mas32-v3")  # as an earlier version made it
    assert run(["index", "add", str(CASES / "chain"), "--index", str(db)]).exit_code == 0
    monkeypatch.undo()
    with pytest.raises(IndexFileError, match="made with fingerprint scheme 'xxh32-mas32-v3'"):
        Index.open(db, Settings())
    _rebuild_refusal(db, run(["index", "add", str(CASES / "chain"), "--index", str(db)]))
    post = tmp_path / "post.txt"
    post.write_text((CASES / "chain" / "b_regional.txt").read_text(encoding="utf-8"))
    _rebuild_refusal(db, run(["check", str(post), "--index", str(db)]))


def _old_format_index(db: Path) -> None:
    """An index as provenance wrote it before the recipe was stored: the same tables, and
    a ``fingerprint`` meta row of five settings (no scheme, no passage_max_terms)."""
    with contextlib.closing(sqlite3.connect(db)) as conn, conn:
        conn.executescript(index_module._SCHEMA)
        conn.execute("INSERT INTO meta VALUES ('schema_version', '1')")
        settings = {
            "lsh_false_negative_weight": 0.5,
            "lsh_threshold": 0.4,
            "num_perm": 64,
            "passage_min_terms": 6,
            "seed": 1,
        }
        conn.execute("INSERT INTO meta VALUES ('fingerprint', ?)", (json.dumps(settings),))
        conn.execute(
            "INSERT INTO documents VALUES ('old.txt', 'old.txt', NULL, NULL, NULL, NULL, NULL, "
            "'txt', '[]', '[]', 'An old archived text.', 'x', 1, '2025-01-01T00:00:00Z')"
        )
        conn.execute("INSERT INTO bands VALUES (42, 'old.txt')")


def test_index_made_before_the_recipe_was_stored_is_refused_with_rebuild(
    tmp_path: Path,
) -> None:
    db = tmp_path / "old.db"
    _old_format_index(db)
    with pytest.raises(IndexFileError, match="earlier provenance"):
        Index.open(db, Settings())
    _rebuild_refusal(db, run(["index", "add", str(CASES / "chain"), "--index", str(db)]))
    post = tmp_path / "post.txt"
    post.write_text((CASES / "chain" / "b_regional.txt").read_text(encoding="utf-8"))
    _rebuild_refusal(db, run(["check", str(post), "--index", str(db)]))
    # nothing was written to it, and it can still be listed (to find what to rebuild from)
    assert _doc_rows(db) == {"old.txt": ("x", 1, 1)}
    listed = run(["index", "list", "--index", str(db)])
    assert listed.exit_code == 0 and listed.stdout.startswith("old.txt\t")


def _reference_band_key_ints(f: fp.Fingerprint, settings: Settings) -> list[int]:
    """The index's band keys as the first indexes stored them: every (band, rows values)
    of every unit signature, hashed with the band as 4 big-endian bytes."""
    bands, rows = band_parameters(settings)
    out = set()
    for signature in f.signatures:
        for band in range(bands):
            key = signature[band * rows : (band + 1) * rows].tobytes()
            value = xxhash.xxh64_intdigest(band.to_bytes(4, "big") + key)
            out.add(value - (1 << 64) if value >= 1 << 63 else value)
    return sorted(out)


@pytest.mark.parametrize(
    "settings",
    [Settings(), Settings(num_perm=50, lsh_threshold=0.5)],  # 12 x 4 of 50 values
)
def test_band_keys_are_those_indexes_already_hold(settings: Settings) -> None:
    # an index built before band keys were cut in one place must keep answering
    docs, _ = ingest.read_inputs([CASES], settings)
    for doc in docs:
        f = fp.fingerprint_text(doc.text, settings)
        assert band_key_ints(f, settings) == _reference_band_key_ints(f, settings), doc.id


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


def test_the_lookup_goes_from_the_probe_keys_through_the_key_index(tmp_path: Path) -> None:
    """The candidates query never scans the band table: its cost follows the probe's keys,
    not the size of the archive (a plain JOIN made SQLite scan every band row)."""
    settings = Settings()
    archive = newsroom.make_archive(tmp_path)
    documents, _ = ingest.read_inputs([archive], settings)
    with Index.open(tmp_path / "a.db", settings, create=True) as index:
        index.add(documents)
    db = sqlite3.connect(tmp_path / "a.db")
    db.execute("CREATE TEMP TABLE probe (doc INTEGER, key INTEGER)")
    db.execute("INSERT INTO probe VALUES (0, 1)")
    plan = [row[3] for row in db.execute("EXPLAIN QUERY PLAN " + CANDIDATES_QUERY, (32, "[]"))]
    assert plan[0] == "SCAN p"
    assert not [step for step in plan if step.startswith("SCAN b") or step == "SCAN d"], plan
    assert any("bands_key" in step for step in plan)


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


# --- files that are not indexes, read-only opens, damage, counts under concurrency -----------


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _other_file(path: Path, kind: str) -> None:
    if kind == "empty":
        path.write_bytes(b"")
    elif kind == "text":
        path.write_bytes(b"this is not SQLite at all, just some text\n" * 50)
    else:
        with sqlite3.connect(path) as conn:
            if kind == "sqlite-app-id":
                conn.execute("PRAGMA application_id = 1234")
            if kind != "sqlite-no-tables":
                conn.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT)")
            else:
                conn.execute("PRAGMA user_version = 7")  # a header, no table
        conn.close()


@pytest.mark.parametrize(
    "kind", ["empty", "text", "sqlite-foreign", "sqlite-app-id", "sqlite-no-tables"]
)
def test_files_that_are_not_indexes_are_refused_and_left_unchanged(
    tmp_path: Path, kind: str
) -> None:
    path = tmp_path / "app.db"
    _other_file(path, kind)
    before = _sha(path)
    post = tmp_path / "post.txt"
    post.write_text((CASES / "chain" / "b_regional.txt").read_text(encoding="utf-8"))
    commands = [
        ["index", "stats"],
        ["index", "list"],
        ["index", "remove", "x"],
        ["check", str(post)],
    ]
    if kind != "empty":  # an empty file is a new index for 'index add' (below)
        commands.append(["index", "add", str(CASES / "chain")])
    for args in commands:
        result = run([*args, "--index", str(path)])
        assert result.exit_code == 2, args
        expected = "is an empty file" if kind == "empty" else "is not a provenance index"
        assert f"{path} {expected}" in result.stderr, args
        assert _sha(path) == before, args
        assert sorted(p.name for p in tmp_path.iterdir()) == ["app.db", "post.txt"], args


def test_an_empty_file_or_a_new_path_becomes_an_index_with_the_application_id(
    tmp_path: Path,
) -> None:
    empty = tmp_path / "empty.db"
    empty.write_bytes(b"")
    for db in (empty, tmp_path / "new.db"):
        result = run(["index", "add", str(CASES / "chain"), "--index", str(db)])
        assert result.exit_code == 0
        with sqlite3.connect(db) as conn:
            assert conn.execute("PRAGMA application_id").fetchone() == (APPLICATION_ID,)
        conn.close()
        assert db.read_bytes()[68:72] == b"PROV"


def test_an_index_made_before_the_application_id_is_read_unchanged_and_stamped_on_write(
    tmp_path: Path,
) -> None:
    db = tmp_path / "old.db"
    run(["index", "add", str(CASES / "chain"), "--index", str(db)])
    with sqlite3.connect(db) as conn:
        conn.execute("PRAGMA application_id = 0")
        conn.execute("PRAGMA journal_mode = DELETE")  # readers must not switch it to WAL
    conn.close()
    before = _sha(db)
    assert run(["index", "stats", "--index", str(db)]).exit_code == 0
    assert run(["index", "list", "--index", str(db)]).exit_code == 0
    post = tmp_path / "post.txt"
    post.write_text((CASES / "chain" / "b_regional.txt").read_text(encoding="utf-8"))
    assert run(["check", str(post), "--index", str(db)]).exit_code in (0, 1)
    assert _sha(db) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["old.db", "post.txt"]

    result = run(["index", "add", str(CASES / "chain"), "--index", str(db)])
    assert result.exit_code == 0 and "0 added, 0 updated, 3 unchanged" in result.stderr
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA application_id").fetchone() == (APPLICATION_ID,)
        assert conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    conn.close()


@pytest.mark.parametrize("how", ["middle", "truncated"])
def test_a_damaged_index_is_reported_as_damaged(tmp_path: Path, how: str) -> None:
    folder = tmp_path / "docs"
    _many_documents(folder, 30)
    db = tmp_path / "index.db"
    assert run(["index", "add", str(folder), "--index", str(db), "-q"]).exit_code == 0
    size = db.stat().st_size
    if how == "truncated":
        os.truncate(db, size // 2)
    else:
        with db.open("r+b") as f:
            f.seek(size // 4)
            f.write(b"\xa5" * (size // 2))
    post = folder / "doc0001.txt"
    for args in (
        ["index", "stats"],
        ["index", "list"],
        ["check", str(post)],
        ["index", "add", str(folder)],
    ):
        result = run([*args, "--index", str(db)])
        assert result.exit_code == 2, args
        assert f"index {db} is damaged" in result.stderr, args
        assert "rebuild it" in result.stderr and "index add" in result.stderr


def test_a_document_stored_by_another_run_meanwhile_is_not_counted_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The race of two runs, made deterministic: between this run's look-up and its write,
    another run stores the same document."""
    settings = Settings()
    documents, _ = ingest.read_inputs([CASES / "chain"], settings)
    db = tmp_path / "a.db"
    with (
        Index.open(db, settings, create=True) as first,
        Index.open(db, settings, write=True) as other,
    ):
        keys = index_module.document_keys
        reports = []
        raced: list[bool] = []

        def keys_while_another_run_adds(document: Document, s: Settings) -> list[int]:
            if document.id == documents[0].id and not raced:
                raced.append(True)
                reports.append(other.add([document]))
            return keys(document, s)

        monkeypatch.setattr(index_module, "document_keys", keys_while_another_run_adds)
        report = first.add(documents)
    assert reports[0].added == (documents[0].id,)
    assert report.unchanged == (documents[0].id,)
    assert report.added == tuple(d.id for d in documents[1:])
    assert len(_doc_rows(db)) == len(documents)


def test_two_concurrent_adds_of_the_same_documents_count_each_once(tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    total = 300
    _many_documents(folder, total)
    db = tmp_path / "shared.db"
    command = _add_command(folder, db)[:-1]  # without -q: the counts are wanted
    procs = [subprocess.Popen(command, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    errors = [p.communicate(timeout=600)[1] for p in procs]
    assert [p.returncode for p in procs] == [0, 0], errors
    added = unchanged = 0
    for stderr in errors:
        found = re.search(r": (\d+) added, 0 updated, (\d+) unchanged", stderr)
        assert found, stderr
        added += int(found.group(1))
        unchanged += int(found.group(2))
    rows = _doc_rows(db)
    assert len(rows) == total
    assert added == total and unchanged == total, errors
    assert all(declared == stored > 0 for _, declared, stored in rows.values())


@pytest.mark.parametrize("command", [["list"], ["list", "--format", "json"], ["stats"]])
def test_index_output_to_a_reader_that_went_away_is_exit_141(
    tmp_path: Path, command: list[str]
) -> None:
    folder = tmp_path / "posts"
    folder.mkdir()
    for k in range(3):
        (folder / f"p{k}.txt").write_text(f"Post {k}: the council met on Monday to talk.\n")
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parents[2] / "src")}
    db = tmp_path / "s.db"
    run = [sys.executable, "-m", "provenance", "index"]
    subprocess.run([*run, "add", str(folder), "--index", str(db)], check=True, env=env)
    read, write = os.pipe()
    os.close(read)  # the reader is gone before the first byte: every write is EPIPE
    try:
        proc = subprocess.run(
            [*run, *command, "--index", str(db)],
            check=False,
            stdout=write,
            stderr=subprocess.PIPE,
            env=env,
            timeout=120,
        )
    finally:
        os.close(write)
    stderr = proc.stderr.decode()
    assert proc.returncode == 141, stderr
    assert "Traceback" not in stderr and "Exception ignored" not in stderr
