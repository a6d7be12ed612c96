"""What changed since a git revision (``--changed-since``): the documents to check."""

from __future__ import annotations

import subprocess
from collections.abc import Collection, Sequence
from pathlib import Path

from provenance.check.errors import CheckError
from provenance.models import Document


def _git(args: Sequence[str], cwd: Path) -> str:
    try:
        proc = subprocess.run(
            ["git", *args],  # noqa: S607 -- git is looked up on PATH, as a user runs it
            cwd=cwd,
            capture_output=True,
            check=False,
        )
    except FileNotFoundError:
        raise CheckError("--changed-since needs git, which is not installed") from None
    except OSError as exc:
        raise CheckError(f"cannot run git: {exc}") from None
    if proc.returncode != 0:
        message = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        raise CheckError(f"git {' '.join(args)} failed: {message[-1] if message else ''}")
    return proc.stdout.decode("utf-8", "surrogateescape")


def changed_files(ref: str, start: str | Path) -> list[Path]:
    """Files that differ from ``ref``: added or modified (in commits since ``ref``, staged
    or not) and untracked files that are not ignored. Deleted files are left out; renames
    count as additions. Absolute paths, sorted.

    Raises ``CheckError`` when ``start`` is not in a git repository or ``ref`` is unknown.
    """
    folder = Path(start).resolve()
    if not folder.is_dir():
        folder = folder.parent
    if ref.startswith("-"):
        raise CheckError(f"{ref!r} is not a git revision")
    try:
        top = Path(_git(["rev-parse", "--show-toplevel"], folder).strip())
    except CheckError:
        raise CheckError(
            f"--changed-since needs a git repository, and {str(start)!r} is not in one "
            "(run the check inside a clone, or leave out --changed-since)"
        ) from None
    try:
        _git(["rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"], top)
    except CheckError:
        raise CheckError(
            f"unknown git revision {ref!r}; fetch it first (in GitHub Actions, "
            "actions/checkout with fetch-depth: 0)"
        ) from None
    diff = _git(["diff", "--name-only", "-z", "--no-renames", "--diff-filter=AM", ref, "--"], top)
    untracked = _git(["ls-files", "--others", "--exclude-standard", "-z", "--full-name"], top)
    names = {n for n in (diff + untracked).split("\0") if n}
    return sorted(top / n for n in names)


def changed_documents(documents: Sequence[Document], changed: Collection[Path]) -> list[str]:
    """Ids of the ``documents`` read from one of the ``changed`` files (absolute paths, as
    ``changed_files`` gives them), by the file each came from: every record of a changed
    JSON Lines file, table or web archive; stdin is never among them."""
    return [
        d.id
        for d in documents
        if d.source_file is not None and Path(d.source_file).resolve() in changed
    ]
