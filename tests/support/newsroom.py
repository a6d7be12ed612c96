"""A small newsroom for the CI-gate tests: a git repository of posts and an archive of wire
copy, built from the golden cases' articles (written for this project; events invented)."""

from __future__ import annotations

import subprocess
from pathlib import Path

CASES = Path(__file__).resolve().parents[1] / "cases"

WIRE_URL = "https://wire.example.org/2026/03/wheat-trial"


def _body(case: str, name: str) -> str:
    return (CASES / case / name).read_text(encoding="utf-8").strip() + "\n"


def _post(title: str, date: str, body: str, **extra: str) -> str:
    lines = ["---", f'title: "{title}"', f"date: {date}"]
    lines += [f"{key}: {value}" for key, value in extra.items()]
    lines.append("---")
    return "\n".join(lines) + "\n\n" + body


def git(repo: Path, *args: str) -> str:
    proc = subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, check=True)
    return proc.stdout


def make_archive(root: Path) -> Path:
    """Wire copy and a press release: the known sources."""
    archive = root / "archive"
    (archive / "wire").mkdir(parents=True)
    (archive / "wire" / "wheat-trial.md").write_text(
        _post(
            "Drought-tolerant wheat outyields standard variety in three-year field trial",
            "2026-03-02",
            _body("heavy_paraphrase", "source.txt"),
            url=WIRE_URL,
        ),
        encoding="utf-8",
    )
    (archive / "wire" / "agency.txt").write_text(_body("chain", "a_agency.txt"), encoding="utf-8")
    (archive / "wire" / "bridge.txt").write_text(
        _body("same_story_unrelated", "national.txt"), encoding="utf-8"
    )
    return archive


def make_repo(root: Path) -> Path:
    """A blog repository with two original posts, committed."""
    repo = root / "blog"
    (repo / "posts").mkdir(parents=True)
    git(repo, "init", "-q", "-b", "main")
    git(repo, "config", "user.email", "ci@example.org")
    git(repo, "config", "user.name", "CI")
    git(repo, "config", "commit.gpgsign", "false")
    (repo / "posts" / "islanders.md").write_text(
        _post(
            "Islanders walk the new bridge",
            "2026-03-01",
            _body("same_story_unrelated", "island.txt"),
        ),
        encoding="utf-8",
    )
    (repo / "posts" / "bridge-money.md").write_text(
        _post("A 1.4bn bet on tolls", "2026-03-01", _body("same_story_unrelated", "business.txt")),
        encoding="utf-8",
    )
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "two original posts")
    return repo


def wheat_post(**extra: str) -> str:
    """A post that rewrites the archived wire story about the wheat trial."""
    return _post(
        "New wheat shrugs off drought",
        "2026-03-03",
        _body("heavy_paraphrase", "rewrite.txt"),
        **extra,
    )
