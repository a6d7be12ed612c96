"""Discovery (``provenance.ingest.discovery``): paths, ids, globs, symbolic links, and ignore
files (.gitignore, .ignore, .git/info/exclude, as ripgrep reads them).
"""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner

from provenance.cli import main
from provenance.config import Settings
from provenance.errors import InputError
from provenance.ingest import discover, read_inputs
from provenance.models import Document, Skipped
from support.ingest_files import read, reason_for, write


def test_missing_path_raises(tmp_path: Path) -> None:
    with pytest.raises(InputError) as info:
        read(tmp_path / "nope")
    assert info.value.reason == "no such file or folder"
    assert info.value.path.endswith("nope")


def test_dash_without_stdin_raises() -> None:
    with pytest.raises(InputError):
        read_inputs(["-"], Settings())


def test_broken_symlink_is_skipped(tmp_path: Path) -> None:
    write(tmp_path / "ok.txt", "Fine.")
    (tmp_path / "dangling.txt").symlink_to(tmp_path / "missing-target.txt")
    docs, skipped = read(tmp_path)
    assert [d.id for d in docs] == ["ok.txt"]
    assert "broken symbolic link" in reason_for(skipped, "dangling.txt")


def test_symlink_loop_does_not_hang(tmp_path: Path) -> None:
    root = tmp_path / "root"
    write(root / "a.txt", "Alpha.")
    write(root / "sub" / "b.txt", "Beta.")
    (root / "sub" / "loop").symlink_to(root, target_is_directory=True)
    (root / "self").symlink_to(root / "sub", target_is_directory=True)
    result: list[tuple[list[Document], list[Skipped]]] = []
    worker = threading.Thread(target=lambda: result.append(read(root)), daemon=True)
    worker.start()
    worker.join(timeout=20)
    assert not worker.is_alive(), "walking a symlink loop did not finish"
    docs, skipped = result[0]
    assert not skipped
    texts = sorted(d.text for d in docs)
    assert texts[0] == "Alpha."
    assert set(texts) == {"Alpha.", "Beta."}
    assert len(docs) == 2


def test_ids_for_one_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path / "seeds" / "000_x.txt", "Zero.")
    write(tmp_path / "seeds" / "sub" / "001_y.md", "One.")
    monkeypatch.chdir(tmp_path)
    docs, _ = read_inputs(["seeds/"], Settings())
    assert [(d.id, d.path) for d in docs] == [
        ("000_x.txt", "seeds/000_x.txt"),
        ("sub/001_y.md", "seeds/sub/001_y.md"),
    ]


def test_ids_for_files_in_two_folders(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path / "a" / "x.txt", "Ex.")
    write(tmp_path / "b" / "y.txt", "Why.")
    monkeypatch.chdir(tmp_path)
    docs, _ = read_inputs(["b/y.txt", "a/x.txt"], Settings())
    assert [(d.id, d.path) for d in docs] == [("a/x.txt", "a/x.txt"), ("b/y.txt", "b/y.txt")]


def test_ids_for_a_single_file_and_a_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(tmp_path / "one" / "deep" / "f.txt", "Eff.")
    write(tmp_path / "two" / "g.txt", "Gee.")
    monkeypatch.chdir(tmp_path)
    assert [d.id for d in read_inputs(["one/deep/f.txt"], Settings())[0]] == ["f.txt"]
    docs, _ = read_inputs(["one", "two"], Settings())
    assert [d.id for d in docs] == ["one/deep/f.txt", "two/g.txt"]


def test_walk_extensions_and_hidden(tmp_path: Path) -> None:
    write(tmp_path / "A.TXT", "Upper case extension.")
    write(tmp_path / "b.html", "<p>Para.</p>")
    write(tmp_path / "c.csv", "not,read")
    write(tmp_path / ".hidden.txt", "hidden")
    write(tmp_path / ".git" / "x.txt", "hidden folder")
    docs, skipped = read(tmp_path)
    assert [d.id for d in docs] == ["A.TXT", "b.html"]
    assert skipped == []


def test_include_and_exclude_globs(tmp_path: Path) -> None:
    for rel in (
        "top.txt",
        "top.md",
        "news/a.txt",
        "news/2025/b.txt",
        "news/2025/skip_c.txt",
        "drafts/d.txt",
        "drafts/deeper/e.md",
    ):
        write(tmp_path / rel, f"Text of {rel}.")

    def ids(include: tuple[str, ...] = (), exclude: tuple[str, ...] = ()) -> list[str]:
        settings = Settings(include=include, exclude=exclude)
        return [d.id for d in read(tmp_path, settings=settings)[0]]

    assert ids(include=("*.md",)) == ["drafts/deeper/e.md", "top.md"]
    assert ids(include=("news/**",)) == ["news/2025/b.txt", "news/2025/skip_c.txt", "news/a.txt"]
    assert ids(include=("news/*.txt",)) == ["news/a.txt"]
    assert ids(include=("news/**/*.txt",)) == [
        "news/2025/b.txt",
        "news/2025/skip_c.txt",
        "news/a.txt",
    ]
    assert ids(exclude=("drafts", "skip_*")) == [
        "news/2025/b.txt",
        "news/a.txt",
        "top.md",
        "top.txt",
    ]
    assert ids(include=("**/*.txt",), exclude=("news/2025/",)) == [
        "drafts/d.txt",
        "news/a.txt",
        "top.txt",
    ]
    assert ids(include=("[dt]*/*.md",)) == []
    assert ids(include=("top.[mx]?",)) == ["top.md"]


def test_explicit_files_ignore_globs(tmp_path: Path) -> None:
    write(tmp_path / "keep.txt", "Named on purpose.")
    docs, _ = read(tmp_path / "keep.txt", settings=Settings(exclude=("*.txt",)))
    assert [d.id for d in docs] == ["keep.txt"]


def test_same_file_twice_is_read_once(tmp_path: Path) -> None:
    write(tmp_path / "a.txt", "Once.")
    docs, skipped = read(tmp_path, tmp_path / "a.txt")
    assert [d.id for d in docs] == ["a.txt"]
    assert skipped == []


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


HARBOUR = (
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
    (site / "posts" / "a.md").write_text("# Bridge\n\n" + HARBOUR, encoding="utf-8")
    (site / "archive").mkdir()
    (site / "archive" / "copy.md").write_text("# Old\n\n" + HARBOUR, encoding="utf-8")
    command = [sys.executable, "-m", "provenance", "check", "--changed-since", "HEAD", "-q"]
    result = subprocess.run([*command, "."], cwd=site, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "copy.md" not in result.stdout + result.stderr
    result = subprocess.run(
        [*command, "--no-ignore", "."], cwd=site, capture_output=True, text=True, check=False
    )
    assert result.returncode == 1, result.stdout + result.stderr  # the copy, once read
    assert "archive/copy.md" in result.stdout
