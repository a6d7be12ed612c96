"""The library call ``provenance.check.check``: what ``provenance check`` runs, without the
command line (git, the baseline, the index, which documents are checked)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from provenance import check as check_package
from provenance.check import CheckError, check
from provenance.config import Settings
from provenance.errors import ProvenanceError
from support import newsroom

CASES = Path(__file__).resolve().parents[1] / "cases"


def _copy(case: str, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for file in (CASES / case).glob("*.txt"):
        (folder / file.name).write_text(file.read_text(encoding="utf-8"), encoding="utf-8")
    return folder


def test_every_document_is_checked_without_changed_since(tmp_path: Path) -> None:
    folder = _copy("light_edit", tmp_path / "site")
    result = check([str(folder)], Settings())
    assert set(result.checked) == {d.id for d in result.trace.documents}
    assert result.findings and result.failed


def test_nothing_readable_compares_nothing(tmp_path: Path) -> None:
    (tmp_path / "broken.txt").write_bytes(b"\x00\x01binary\x00" * 30)
    result = check([str(tmp_path)], Settings())
    assert result.trace.documents == () and result.findings == () and result.checked == ()
    assert [s.path for s in result.skipped] == [str(tmp_path / "broken.txt")]


def test_changed_since_checks_only_what_git_says_changed(tmp_path: Path) -> None:
    repo = newsroom.make_repo(tmp_path)
    (repo / "posts" / "wheat.md").write_text(newsroom.wheat_post(), encoding="utf-8")
    result = check([str(repo / "posts")], Settings(), changed_since="HEAD")
    assert [Path(result.trace.documents[k].path).name for k in range(3)] == [
        "bridge-money.md",
        "islanders.md",
        "wheat.md",
    ]
    assert [Path(doc_id).name for doc_id in result.checked] == ["wheat.md"]
    newsroom.git(repo, "add", ".")
    newsroom.git(repo, "commit", "-q", "-m", "wheat story")
    nothing = check([str(repo / "posts")], Settings(), changed_since="HEAD")
    assert nothing.checked == () and nothing.findings == () and len(nothing.trace.documents) == 3


def test_the_settings_name_the_baseline_and_the_index(tmp_path: Path) -> None:
    folder = _copy("light_edit", tmp_path / "site")
    first = check([str(folder)], Settings())
    accepted = tmp_path / "baseline.json"
    accepted.write_text(check_package.baseline.baseline_json(first.findings), encoding="utf-8")
    again = check([str(folder)], Settings(check_baseline=str(accepted)))
    assert not again.failed and {f.status for f in again.findings} <= {"baselined", "allowed"}
    accepted.write_text(json.dumps({"version": 2}), encoding="utf-8")
    with pytest.raises(CheckError, match="version 1"):
        check([str(folder)], Settings(check_baseline=str(accepted)))
    with pytest.raises(ProvenanceError, match="provenance index add"):
        check([str(folder)], Settings(check_index=str(tmp_path / "none.db")))
