"""Helpers for the ingest tests: write files, read them, pick out a document or a reason."""

from __future__ import annotations

import json
import os
from pathlib import Path

from provenance.config import Settings
from provenance.ingest import read_inputs
from provenance.models import Document, Skipped

ROOT = Path(__file__).resolve().parents[2]
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


def jsonl(*records: object) -> str:
    return "\n".join(r if isinstance(r, str) else json.dumps(r) for r in records) + "\n"
