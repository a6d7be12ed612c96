"""Ignore files, read as ripgrep reads them: ``.gitignore``, ``.ignore`` and ``.git/info/exclude``.

Used by folder discovery in ``ingest`` when ``settings.respect_ignore`` is on (the default;
``--no-ignore`` turns it off). The rules:

* ``.gitignore`` files and ``.git/info/exclude`` count only inside a git checkout (a folder
  with ``.git`` at or above the traced folder); ``.ignore`` files count everywhere.
* The ignore files of the traced folder, of every folder below it, and (inside a checkout) of
  every folder between the checkout's top and the traced folder apply, each to the paths under
  its own folder, with git's pattern syntax (``pathspec``'s ``GitIgnoreSpec``).
* Precedence, highest first, as in ripgrep: ``.ignore`` over ``.gitignore`` over
  ``.git/info/exclude``; within one kind the nearest folder's file wins, and within one file the
  last matching line (``!pattern`` re-includes).
* An ignored folder is not entered, so nothing below it can be re-included (as in git).
* A path named on the command line is always read. A folder named on the command line is walked
  even when it is itself ignored; inside it, only the ignore files in it and below apply.
* Global git excludes (``core.excludesFile``) are not read.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pathspec

IGNORE_FILES = (".ignore", ".gitignore")
"""The per-folder ignore files, highest precedence first."""


@dataclass(frozen=True, slots=True)
class _Level:
    """The ignore files of one folder: its path below the top (``""`` for the top itself)."""

    folder: str
    specs: tuple[pathspec.GitIgnoreSpec | None, ...]  # one per IGNORE_FILES entry


def _read_spec(path: Path) -> pathspec.GitIgnoreSpec | None:
    """The patterns of one ignore file, or None when there is none (or it cannot be read:
    an unreadable ignore file must not stop the run; its folder is simply not filtered)."""
    try:
        if not path.is_file():
            return None
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return None
    try:
        spec = pathspec.GitIgnoreSpec.from_lines(lines)
    except (ValueError, TypeError):  # a line pathspec refuses: ignore the file, as git skips it
        return None
    return spec if spec.patterns else None


def _git_top(folder: Path) -> Path | None:
    """The top of the git checkout holding ``folder`` (``.git`` a folder or a file)."""
    for candidate in (folder, *folder.parents):
        if os.path.lexists(candidate / ".git"):
            return candidate
    return None


def _git_dir(top: Path) -> Path:
    """The folder holding ``info/exclude`` for the checkout at ``top``: ``.git`` itself, or
    for a linked worktree (``.git`` a file saying ``gitdir: ...``) the common git folder."""
    dot_git = top / ".git"
    if dot_git.is_dir():
        return dot_git
    try:
        first = dot_git.read_text(encoding="utf-8", errors="replace").splitlines()[0]
    except (OSError, IndexError):
        return dot_git
    if not first.startswith("gitdir:"):
        return dot_git
    gitdir = (top / first.partition(":")[2].strip()).resolve()
    try:
        common = (gitdir / "commondir").read_text(encoding="utf-8").strip()
    except OSError:
        return gitdir
    return (gitdir / common).resolve()


class Rules:
    """The ignore rules in force in one folder of a walk; ``child`` gives a subfolder's."""

    __slots__ = ("_exclude", "_git", "_levels", "_prefix")

    def __init__(
        self,
        prefix: str,
        levels: tuple[_Level, ...],
        exclude: pathspec.GitIgnoreSpec | None,
        git: bool,
    ) -> None:
        self._prefix = prefix  # this folder's path below the top, "" or ending in "/"
        self._levels = levels
        self._exclude = exclude
        self._git = git

    @classmethod
    def for_root(cls, root: Path) -> Rules:
        """The rules for walking the folder ``root`` (named on the command line)."""
        root = Path(os.path.realpath(root))
        top = _git_top(root)
        git = top is not None
        if top is None:
            top = root
        exclude = _read_spec(_git_dir(top) / "info" / "exclude") if git else None
        rel = root.relative_to(top).as_posix()
        names = [] if rel == "." else rel.split("/")
        rules = cls("", (), exclude, git)
        rules = rules._with_files(top, "")
        # The folders from the top down to the root: if one of them is ignored, the root was
        # named explicitly inside an ignored area, and only its own ignore files apply.
        folder = top
        for name in names:
            if rules.ignored(name, is_dir=True):
                return cls(rel + "/", (), None, git)._with_files(root, rel)
            folder = folder / name
            rules = rules.child(name, folder)
        return rules

    def _with_files(self, folder: Path, folder_rel: str) -> Rules:
        kinds = IGNORE_FILES if self._git else IGNORE_FILES[:1]
        specs = tuple(_read_spec(folder / name) if name in kinds else None for name in IGNORE_FILES)
        if not any(specs):
            return self
        level = _Level(folder_rel.strip("/"), specs)
        return Rules(self._prefix, (*self._levels, level), self._exclude, self._git)

    def child(self, name: str, folder: Path) -> Rules:
        """The rules inside the subfolder ``name`` (at ``folder`` on disk) of this one."""
        prefix = f"{self._prefix}{name}/"
        inner = Rules(prefix, self._levels, self._exclude, self._git)
        return inner._with_files(folder, prefix)

    def ignored(self, name: str, *, is_dir: bool) -> bool:
        """Whether the entry ``name`` of this folder is ignored."""
        full = f"{self._prefix}{name}" + ("/" if is_dir else "")
        for kind in range(len(IGNORE_FILES)):
            for level in reversed(self._levels):  # the nearest folder's file first
                spec = level.specs[kind]
                if spec is None:
                    continue
                if level.folder:
                    if not full.startswith(level.folder + "/"):
                        continue
                    path = full[len(level.folder) + 1 :]
                else:
                    path = full
                verdict = spec.check_file(path).include
                if verdict is not None:
                    return verdict
        if self._exclude is not None:
            verdict = self._exclude.check_file(full).include
            if verdict is not None:
                return verdict
        return False
