"""Discovery: which files to read, from the paths given (files, folders, ``-`` for stdin).

Folders are walked recursively for files ending in ``settings.extensions``, in sorted order so
discovery is deterministic; hidden files and folders (``.git`` among them) are never walked.
Each :class:`Source` gets its id (its path relative to the common folder of the paths given)
and its display path (as given).

* ``include``/``exclude`` globs apply to files found by walking a folder; a file named
  explicitly on the command line is always read (as black does for explicit files). Globs use
  gitignore-like rules: ``*`` and ``?`` stay inside one path segment, ``**`` spans folders, a
  pattern without ``/`` matches at any depth, and a pattern that matches a folder matches
  everything inside it. Matching is case-sensitive.
* **Symbolic links** are read only when their real path lies inside the real path of a folder
  given (or of the folder holding a file given): a link out of the traced folders (to
  ``/etc/passwd``, ``../.git/config`` or ``/``) is skipped with a message, unless
  ``settings.follow_links``. Either way each real folder is walked once and each real file
  read once.
* **Ignore files**, read as ripgrep reads them (:class:`Rules`), unless
  ``settings.respect_ignore`` is off (``--no-ignore``):

  - ``.gitignore`` files and ``.git/info/exclude`` count only inside a git checkout (a folder
    with ``.git`` at or above the traced folder); ``.ignore`` files count everywhere.
  - The ignore files of the traced folder, of every folder below it, and (inside a checkout)
    of every folder between the checkout's top and the traced folder apply, each to the paths
    under its own folder, with git's pattern syntax (``pathspec``'s ``GitIgnoreSpec``).
  - Precedence, highest first, as in ripgrep: ``.ignore`` over ``.gitignore`` over
    ``.git/info/exclude``; within one kind the nearest folder's file wins, and within one file
    the last matching line (``!pattern`` re-includes).
  - An ignored folder is not entered, so nothing below it can be re-included (as in git).
  - A path named on the command line is always read. A folder named on the command line is
    walked even when it is itself ignored; inside it, only the ignore files in it and below
    apply.
  - Global git excludes (``core.excludesFile``) are not read.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import pathspec

from provenance.config import Settings
from provenance.errors import InputError
from provenance.models import Skipped

__all__ = [
    "OUTSIDE_LINK",
    "STDIN_ID",
    "STDIN_PATH",
    "Rules",
    "Source",
    "discover",
    "natural_key",
    "os_reason",
]

STDIN_ID = "stdin"
STDIN_PATH = "<stdin>"


@dataclass(frozen=True, slots=True)
class Source:
    """One input to read: a file on disk, or stdin when ``file`` is None."""

    file: Path | None
    """The file, absolute (symbolic links not resolved)."""
    display: str
    """Its path as the user gave it: what messages and ``Document.path`` show."""
    id: str
    """The document id it gives (a record of it: ``<id>#<record>``)."""


def _absolute(path: str | Path) -> Path:
    """An absolute path with ``.`` and ``..`` folded, without resolving symbolic links."""
    return Path(os.path.normpath(Path(path).absolute()))


def discover(
    paths: Sequence[str | os.PathLike[str]], settings: Settings, *, have_stdin: bool = False
) -> tuple[list[Source], list[Skipped]]:
    """The files to read under ``paths`` (and stdin for ``"-"`` when ``have_stdin``), in
    order, and what is skipped already: links out of the traced folders, folders that
    cannot be listed. Raises ``InputError`` when a given path does not exist at all."""
    args: list[tuple[str, bool]] = []  # (path as given, is a folder)
    want_stdin = False
    for raw in paths:
        given = os.fspath(raw)
        if given == "-":
            if not have_stdin:
                raise InputError("-", "'-' reads standard input, but no input bytes were given")
            want_stdin = True
            continue
        if not os.path.lexists(given):
            raise InputError(given, "no such file or folder")
        args.append((given, Path(given).is_dir()))

    bases = [_absolute(given) if is_dir else _absolute(given).parent for given, is_dir in args]
    fence = None if settings.follow_links else _Fence(bases)
    common: str | None
    try:
        common = os.path.commonpath(bases) if bases else None
    except ValueError:  # different drives on Windows: fall back to absolute ids
        common = None

    def make_id(absolute: Path) -> str:
        if common is None:
            return absolute.as_posix()
        return Path(os.path.relpath(absolute, common)).as_posix()

    include = [_glob_regex(p) for p in settings.include]
    exclude = [_glob_regex(p) for p in settings.exclude]
    extensions = tuple(e.lower() for e in settings.extensions)

    sources: list[Source] = []
    skipped: list[Skipped] = []
    seen: set[Path] = set()
    seen_real: set[str] = set()

    def add(absolute: Path, display: str, ident: str | None = None) -> None:
        if absolute in seen:
            return
        seen.add(absolute)
        if settings.follow_links:
            real = os.path.realpath(absolute)
            if real in seen_real:
                return  # another link to a file already read
            seen_real.add(real)
        sources.append(Source(absolute, display, make_id(absolute) if ident is None else ident))

    for given, is_dir in args:
        absolute = _absolute(given)
        if not is_dir:
            if fence is not None and absolute.exists() and not fence.holds(absolute):
                skipped.append(Skipped(Path(given).as_posix(), OUTSIDE_LINK))
                continue
            add(absolute, Path(given).as_posix())
            continue
        # Paths under a folder are the folder's plus a relative POSIX path of plain names
        # (no "." or ".."): joined as strings, not through pathlib for each of a million
        # files. ``make_id`` of such a path is the folder's id followed by the same names.
        shown = _joiner(str(PurePosixPath(Path(given).as_posix())))
        folder_id = _joiner(make_id(absolute))
        rules = Rules.for_root(absolute) if settings.respect_ignore else None
        for rel, problem in _walk(absolute, extensions, include, exclude, fence, rules):
            if problem is not None:
                skipped.append(Skipped(shown(rel), problem))
                continue
            add(absolute.joinpath(*rel.split("/")), shown(rel), folder_id(rel))
    if want_stdin:
        sources.append(Source(None, STDIN_PATH, STDIN_ID))
    return sources, skipped


def _joiner(base: str) -> Callable[[str], str]:
    """Joins a relative POSIX path of plain names to ``base`` as ``PurePosixPath`` would
    (``.`` as the base gives the relative path itself; ``/`` takes no second slash)."""
    if base == ".":
        return lambda rel: rel
    prefix = base if base.endswith("/") else base + "/"
    return lambda rel: prefix + rel


OUTSIDE_LINK = (
    "symbolic link to a file or folder outside the traced paths: not read "
    "(pass --follow-links to read it)"
)


class _Fence:
    """The real paths of the folders traced: a symbolic link may lead anywhere inside
    them, and nowhere else."""

    def __init__(self, bases: Sequence[Path]) -> None:
        self.roots = sorted({os.path.realpath(b) for b in bases})

    def holds(self, path: Path | str) -> bool:
        real = os.path.realpath(path)
        for root in self.roots:
            if real == root or real.startswith(root.rstrip(os.sep) + os.sep):
                return True
        return False


def _walk(
    root: Path,
    extensions: tuple[str, ...],
    include: list[re.Pattern[str]],
    exclude: list[re.Pattern[str]],
    fence: _Fence | None = None,
    rules: Rules | None = None,
) -> Iterator[tuple[str, str | None]]:
    """Yield ``(relative POSIX path, problem or None)`` for files to read under ``root``.

    Symbolic links are followed when ``fence`` is None or holds their real path (others are
    yielded with the problem ``OUTSIDE_LINK``), and each real folder is entered once, so link
    loops end. Entries are visited in sorted order so discovery is deterministic. With
    ``rules`` (see :class:`Rules`), ignored files and folders are left out silently.
    """
    visited: set[tuple[int, int]] = set()
    try:
        info = root.stat()
        visited.add((info.st_dev, info.st_ino))
    except OSError:
        pass
    stack: list[tuple[str, Rules | None]] = [("", rules)]
    while stack:
        rel_dir, here = stack.pop()
        folder = root.joinpath(*rel_dir.split("/")) if rel_dir else root
        try:
            with os.scandir(folder) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError as exc:
            if rel_dir:
                yield rel_dir, f"cannot list this folder ({os_reason(exc)}); check its permissions"
            continue
        subfolders: list[tuple[str, Rules | None]] = []
        for entry in entries:
            if entry.name.startswith("."):
                continue  # hidden files and folders, ``.git`` among them, are never read
            rel = f"{rel_dir}/{entry.name}" if rel_dir else entry.name
            try:
                is_dir = entry.is_dir(follow_symlinks=True)
                is_file = not is_dir and entry.is_file(follow_symlinks=True)
            except OSError:
                is_dir = is_file = False
            link = entry.is_symlink()
            if is_dir:
                if _glob_matches(rel, exclude):
                    continue
                if here is not None and here.ignored(entry.name, is_dir=True):
                    continue
                if link and fence is not None and not fence.holds(folder / entry.name):
                    yield rel, OUTSIDE_LINK
                    continue
                try:
                    info = entry.stat(follow_symlinks=True)
                except OSError:
                    continue
                key = (info.st_dev, info.st_ino)
                if key in visited:
                    continue  # a symlink back to a folder already walked: a loop or a repeat
                visited.add(key)
                inner = here.child(entry.name, folder / entry.name) if here is not None else None
                subfolders.append((rel, inner))
                continue
            if not entry.name.lower().endswith(extensions):
                continue
            if include and not _glob_matches(rel, include):
                continue
            if _glob_matches(rel, exclude):
                continue
            if here is not None and here.ignored(entry.name, is_dir=False):
                continue
            target = folder / entry.name
            if link and fence is not None and target.exists() and not fence.holds(target):
                yield rel, OUTSIDE_LINK
                continue
            if is_file:
                yield rel, None
            elif link:
                yield rel, _link_problem(entry.path)
            # FIFOs, sockets and devices named like documents are ignored: reading could hang.
        stack.extend(reversed(subfolders))


def _link_problem(path: str) -> str:
    """Why a symbolic link that leads to no regular file or folder cannot be read."""
    try:
        Path(path).stat()
    except OSError:
        return "broken symbolic link; fix or remove the link"
    return "symbolic link to something that is not a regular file (a FIFO, device or socket)"


def _glob_regex(pattern: str) -> re.Pattern[str]:
    """Compile a gitignore-like glob (see the module docstring) to a regular expression."""
    pat = pattern.strip()
    anchored = "/" in pat.rstrip("/")
    pat = pat.strip("/")
    if not anchored:
        pat = "**/" + pat
    out: list[str] = []
    i = 0
    while i < len(pat):
        c = pat[i]
        if pat.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif pat.startswith("**", i):
            out.append(".*")
            i += 2
        elif c == "*":
            out.append("[^/]*")
            i += 1
        elif c == "?":
            out.append("[^/]")
            i += 1
        elif c == "[":
            end = pat.find("]", i + 2 if pat[i + 1 : i + 2] in ("!", "^", "]") else i + 1)
            if end == -1:
                out.append(re.escape(c))
                i += 1
                continue
            body = pat[i + 1 : end]
            if body[:1] in ("!", "^"):
                body = "^" + body[1:]
            out.append("[" + body.replace("\\", "\\\\") + "]")
            i = end + 1
        else:
            out.append(re.escape(c))
            i += 1
    return re.compile("".join(out))


def _glob_matches(rel: str, patterns: list[re.Pattern[str]]) -> bool:
    """True when ``rel`` or one of its parent folders matches one of ``patterns``."""
    if not patterns:
        return False
    parts = rel.split("/")
    candidates = ["/".join(parts[: n + 1]) for n in range(len(parts))]
    return any(rx.fullmatch(c) for rx in patterns for c in candidates)


def natural_key(path: str) -> tuple[str, int]:
    """Sort ``file:LINE`` paths by file, then by line number."""
    head, sep, tail = path.rpartition(":")
    if sep and tail.isdigit():
        return head, int(tail)
    return path, -1


def os_reason(exc: OSError) -> str:
    """An ``OSError`` in a few lower-case words (``permission denied``)."""
    return (exc.strerror or type(exc).__name__).lower()


# --- ignore files ---------------------------------------------------------------------------

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
