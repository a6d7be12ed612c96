"""What changed since a git revision (``provenance.check.git``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from provenance.check.errors import CheckError
from provenance.check.git import changed_documents, changed_files
from provenance.models import Document
from support import newsroom


def test_added_modified_and_untracked_files_are_changed_deleted_ones_not(tmp_path: Path) -> None:
    repo = newsroom.make_repo(tmp_path)
    posts = repo / "posts"
    (posts / "islanders.md").write_text("edited\n", encoding="utf-8")  # modified, unstaged
    (posts / "bridge-money.md").unlink()  # deleted
    (posts / "new.md").write_text("new\n", encoding="utf-8")  # untracked
    (repo / ".gitignore").write_text("*.tmp\n", encoding="utf-8")
    (posts / "draft.tmp").write_text("ignored\n", encoding="utf-8")
    changed = changed_files("HEAD", posts)
    assert changed == sorted([posts / "islanders.md", posts / "new.md", repo / ".gitignore"])
    assert all(path.is_absolute() for path in changed)


def test_not_a_repository_and_unknown_revision_say_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(CheckError, match="needs a git repository"):
        changed_files("HEAD", tmp_path)
    repo = newsroom.make_repo(tmp_path)
    with pytest.raises(CheckError, match="unknown git revision 'nope'; fetch it first"):
        changed_files("nope", repo)
    with pytest.raises(CheckError, match="is not a git revision"):
        changed_files("--output=x", repo)


def test_changed_documents_are_those_read_from_changed_files(tmp_path: Path) -> None:
    a, b = tmp_path / "a.md", tmp_path / "b.md"
    docs = [
        Document(id="a.md", path=str(a), text="x", source_file=str(a)),
        Document(id="b.md", path=str(b), text="x", source_file=str(b)),
        Document(id="feed.jsonl#r1", path=f"{b}:1", text="x", source_file=str(b)),
        Document(id="-", path="-", text="x"),
    ]
    assert changed_documents(docs, {b.resolve()}) == ["b.md", "feed.jsonl#r1"]
    assert changed_documents(docs, set()) == []
