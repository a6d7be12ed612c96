"""Folder discovery respects .gitignore, .ignore and .git/info/exclude, as ripgrep does."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from provenance.cli import main
from provenance.config import Settings
from provenance.ingest import discover

TEXT = "A sentence long enough to be an article of its own, with words in it.\n"


def _site(tmp_path: Path, *, git: bool = True) -> Path:
    site = tmp_path / "site"
    for rel in [
        "content/posts/a.md",
        "content/posts/b.md",
        "node_modules/pkg/readme.md",
        "archive/old.md",
        "archive/keep.md",
        "content/drafts/wip.md",
        "notes.txt",
    ]:
        path = site / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(TEXT, encoding="utf-8")
    if git:
        (site / ".git" / "info").mkdir(parents=True)
        (site / ".git" / "config").write_text("[core]\n", encoding="utf-8")
        (site / ".git" / "notes.md").write_text(TEXT, encoding="utf-8")
    (site / ".gitignore").write_text("node_modules/\narchive/*\n!archive/keep.md\n", "utf-8")
    (site / "content" / ".gitignore").write_text("drafts/\n", encoding="utf-8")
    return site


def _found(paths: list[str], settings: Settings | None = None) -> list[str]:
    sources, _ = discover(paths, settings or Settings())
    return sorted(s.id for s in sources)


def test_gitignore_in_a_checkout_leaves_out_ignored_folders_and_files(tmp_path: Path) -> None:
    site = _site(tmp_path)
    assert _found([str(site)]) == [
        "archive/keep.md",  # re-included by !archive/keep.md
        "content/posts/a.md",
        "content/posts/b.md",
        "notes.txt",
    ]


def test_no_ignore_reads_everything_but_hidden_folders(tmp_path: Path) -> None:
    site = _site(tmp_path)
    found = _found([str(site)], Settings(respect_ignore=False))
    assert "node_modules/pkg/readme.md" in found
    assert "content/drafts/wip.md" in found
    assert not any(".git" in f for f in found)  # never .git itself


def test_gitignore_outside_a_checkout_does_not_count_but_ignore_does(tmp_path: Path) -> None:
    site = _site(tmp_path, git=False)
    (site / ".ignore").write_text("notes.txt\n", encoding="utf-8")
    found = _found([str(site)])
    assert "node_modules/pkg/readme.md" in found  # .gitignore: not a checkout
    assert "notes.txt" not in found  # .ignore counts everywhere


def test_ignore_wins_over_gitignore_and_nearest_file_wins(tmp_path: Path) -> None:
    site = _site(tmp_path)
    (site / ".ignore").write_text("!node_modules/\n", encoding="utf-8")
    (site / "content" / "posts" / ".gitignore").write_text("b.md\n", encoding="utf-8")
    (site / ".gitignore").write_text("node_modules/\n!content/posts/b.md\n", encoding="utf-8")
    found = _found([str(site)])
    assert "node_modules/pkg/readme.md" in found
    assert "content/posts/b.md" not in found  # the nearer .gitignore wins


def test_info_exclude_counts_and_is_the_weakest(tmp_path: Path) -> None:
    site = _site(tmp_path)
    (site / ".git" / "info" / "exclude").write_text("notes.txt\ncontent/posts/a.md\n", "utf-8")
    (site / "content" / ".gitignore").write_text("!posts/a.md\n", encoding="utf-8")
    found = _found([str(site)])
    assert "notes.txt" not in found
    assert "content/posts/a.md" in found


def test_ignore_files_above_the_traced_folder_apply(tmp_path: Path) -> None:
    site = _site(tmp_path)
    (site / ".gitignore").write_text("content/posts/b.md\n", encoding="utf-8")
    assert _found([str(site / "content")]) == ["posts/a.md"]  # drafts/ from content/.gitignore


def test_paths_named_explicitly_are_read_even_when_ignored(tmp_path: Path) -> None:
    site = _site(tmp_path)
    old = site / "archive" / "old.md"
    assert _found([str(old)]) == ["old.md"]
    assert _found([str(site / "node_modules")]) == ["pkg/readme.md"]


def test_cli_trace_leaves_out_node_modules_and_no_ignore_reads_it(tmp_path: Path) -> None:
    site = _site(tmp_path)
    runner = CliRunner()
    result = runner.invoke(main, ["trace", str(site), "--format", "json", "-q", "--workers", "1"])
    assert result.exit_code == 0, result.output + str(result.stderr_bytes)
    assert "node_modules" not in result.stdout
    result = runner.invoke(
        main, ["trace", str(site), "--format", "json", "-q", "--workers", "1", "--no-ignore"]
    )
    assert result.exit_code == 0, result.output
    assert "node_modules/pkg/readme.md" in result.stdout


ARTICLE = (
    "The city council voted on Tuesday to close the old harbour bridge to cars from next "
    "spring, after engineers found cracks in two of its steel supports.\n\n"
    "Cyclists and pedestrians will still be able to cross while a replacement is designed, "
    "the council said, and buses will be sent round by the ring road for at least a year.\n\n"
    "Shop owners on the north bank said the closure would cost them customers, and asked "
    "for free parking on the main street until the new bridge opens.\n"
)


def test_check_changed_since_leaves_out_an_ignored_untracked_archive(tmp_path: Path) -> None:
    site = tmp_path / "site"
    (site / "posts").mkdir(parents=True)
    (site / "posts" / "a.md").write_text("# Bridge\n\nNothing yet.\n", encoding="utf-8")
    (site / ".gitignore").write_text("archive/\n", encoding="utf-8")

    def git(*args: str) -> None:
        subprocess.run(
            ["git", "-c", "user.name=t", "-c", "user.email=t@example.org", *args],
            cwd=site,
            check=True,
            capture_output=True,
        )

    git("init", "-q")
    git("add", ".")
    git("commit", "-q", "-m", "posts")
    (site / "posts" / "a.md").write_text("# Bridge\n\n" + ARTICLE, encoding="utf-8")
    (site / "archive").mkdir()
    (site / "archive" / "copy.md").write_text("# Old\n\n" + ARTICLE, encoding="utf-8")
    command = [sys.executable, "-m", "provenance", "check", "--changed-since", "HEAD", "-q"]
    result = subprocess.run([*command, "."], cwd=site, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "copy.md" not in result.stdout + result.stderr
    result = subprocess.run(
        [*command, "--no-ignore", "."], cwd=site, capture_output=True, text=True, check=False
    )
    assert result.returncode == 1, result.stdout + result.stderr  # the copy, once read
    assert "archive/copy.md" in result.stdout
