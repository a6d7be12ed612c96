"""Reading sources (``provenance.ingest.read``) and the whole of ``read_inputs``: formats by
name or sniffed from stdin, files that vanish or cannot be read, order, duplicate ids,
progress, workers.
"""

from __future__ import annotations

import gzip
import json
import os
from pathlib import Path

import pytest

from provenance import ingest
from provenance.config import Settings
from provenance.ingest import read_inputs
from support.format_samples import BRIDGE, BRIDGE_COPY, cli, write_csv, write_warc
from support.ingest_files import jsonl, only, read, reason_for, write


def test_explicit_file_with_unknown_extension_is_text(tmp_path: Path) -> None:
    write(tmp_path / "notes.data", "Plain words.")
    doc = only(*read(tmp_path / "notes.data"))
    assert (doc.format, doc.text) == ("txt", "Plain words.")
    assert read(tmp_path) == ([], [])  # but a walk only takes known extensions


def test_vanished_file_is_skipped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path / "stays.txt", "Stays.")
    gone = write(tmp_path / "gone.txt", "Gone.")
    real_discover = ingest.discover

    def discover_then_delete(*args: object, **kwargs: object) -> object:
        result = real_discover(*args, **kwargs)  # type: ignore[arg-type]
        gone.unlink()
        return result

    monkeypatch.setattr(ingest, "discover", discover_then_delete)
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


def test_progress_is_reported_per_input_file() -> None:
    calls: list[tuple[str, int, int]] = []
    seeds = Path(__file__).resolve().parents[2] / "seeds"
    read_inputs([seeds], Settings(), progress=lambda *c: calls.append(c))
    assert calls == [("ingest", k, 5) for k in range(1, 6)]


def test_malformed_inputs_exit_3_with_named_messages(tmp_path: Path) -> None:
    write_warc(tmp_path / "good.warc", gz=False)
    (tmp_path / "broken.warc.gz").write_bytes(b"\x1f\x8b\x08\x00" + os.urandom(200))
    write_csv(tmp_path / "rows.csv", [["text"], [BRIDGE, "x"]])
    done = cli("trace", ".", "rows.csv", "--format", "json", "-q", cwd=tmp_path)
    assert done.returncode == 3
    assert "skipped broken.warc.gz: corrupt gzip data" in done.stderr
    assert "skipped rows.csv:1: malformed row" in done.stderr
    assert len(json.loads(done.stdout)["relations"]) == 1


def test_same_json_with_one_and_two_workers(tmp_path: Path) -> None:
    write_warc(tmp_path / "a.warc", gz=False)
    write_warc(tmp_path / "b.warc.gz", gz=True)
    data = "".join(
        json.dumps({"id": n, "text": t}) + "\n" for n, t in enumerate([BRIDGE, BRIDGE_COPY])
    )
    (tmp_path / "c.jsonl.gz").write_bytes(gzip.compress(data.encode()))
    write_csv(tmp_path / "d.csv", [["text"], [BRIDGE_COPY]])
    outputs = {
        w: cli("trace", ".", "d.csv", "--format", "json", "-q", "--workers", w, cwd=tmp_path).stdout
        for w in ("1", "2")
    }
    assert outputs["1"] == outputs["2"]
    assert len(json.loads(outputs["1"])["documents"]) == 7
