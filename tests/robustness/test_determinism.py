"""Determinism: the same corpus and settings give byte-identical JSON across repeated runs,
worker counts, and every order in which the files can be discovered.

What can vary the discovery order: the order ``os.scandir`` yields entries (it follows the
file system: creation order on tmpfs, hash order on ext4), which we vary by creating the
same files in different orders and by shuffling what ``os.scandir`` returns; and the order
of paths on the command line (files and folders). Ids come from paths, so the corpus is
always traced from the same relative location.
"""

from __future__ import annotations

import os
import random
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from nasty import JSON, Run, run_cli

from provenance import trace
from provenance.config import Settings
from provenance.report import jsonout

SEEDS = Path(__file__).resolve().parents[2] / "seeds"


def _variants(text: str, rng: random.Random) -> list[str]:
    """Three derived versions of an article: trimmed, reordered, and extended."""
    paras = [p for p in text.split("\n\n") if p.strip()]
    trimmed = "\n\n".join(p for k, p in enumerate(paras) if k % 3 != 1)
    reordered = paras[:]
    rng.shuffle(reordered)
    extended = text + "\n\nIn other news, the council also approved a new library budget."
    return [trimmed, "\n\n".join(reordered), extended]


def _files() -> dict[str, str]:
    """Relative path -> text: the seeds' openings, three variants of each, in two
    sub-folders: 20 documents, over 64 candidate pairs (so two workers really share them)."""
    rng = random.Random(7)
    files: dict[str, str] = {}
    for seed in sorted(SEEDS.glob("*.txt")):
        text = seed.read_text(encoding="utf-8")[:2500]  # enough to relate them, and quick
        files[f"wire/{seed.name}"] = text
        for k, variant in enumerate(_variants(text, rng)):
            files[f"outlets/{seed.stem}_v{k}.txt"] = variant
    return files


def _write(root: Path, files: dict[str, str], order: list[str]) -> Path:
    folder = root / "corpus"
    for rel in order:
        path = folder / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(files[rel], encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def files() -> dict[str, str]:
    return _files()


@pytest.fixture(scope="module")
def reference(files: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    root = tmp_path_factory.mktemp("reference")
    _write(root, files, sorted(files))
    cwd = Path.cwd()
    os.chdir(root)
    try:
        result = trace(["corpus"], Settings())
    finally:
        os.chdir(cwd)
    assert len(result.relations) >= 10, "the corpus must relate enough documents to tell"
    return root, jsonout.dumps(result, include_text=True)


def _dumps_in(root: Path, paths: list[str], settings: Settings | None = None) -> str:
    cwd = Path.cwd()
    os.chdir(root)
    try:
        return jsonout.dumps(trace(paths, settings or Settings()), include_text=True)
    finally:
        os.chdir(cwd)


def test_repeated_runs_are_byte_identical(reference: tuple[Path, str]) -> None:
    root, expected = reference
    assert _dumps_in(root, ["corpus"]) == expected


@pytest.mark.parametrize("order", ["reversed", "shuffled"])
def test_creation_order_does_not_matter(
    files: dict[str, str], reference: tuple[Path, str], tmp_path: Path, order: str
) -> None:
    names = sorted(files, reverse=True)
    if order == "shuffled":
        random.Random(3).shuffle(names)
    _write(tmp_path, files, names)
    assert _dumps_in(tmp_path, ["corpus"]) == reference[1]


def test_scandir_order_does_not_matter(
    reference: tuple[Path, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    real_scandir = os.scandir
    rng = random.Random(11)

    class Shuffled:
        def __init__(self, path: str | os.PathLike[str]) -> None:
            with real_scandir(path) as it:
                self.entries = list(it)
            rng.shuffle(self.entries)

        def __enter__(self) -> Iterator[os.DirEntry[str]]:
            return iter(self.entries)

        def __exit__(self, *exc: object) -> None:
            return None

        def __iter__(self) -> Iterator[os.DirEntry[str]]:
            return iter(self.entries)

    monkeypatch.setattr(os, "scandir", Shuffled)
    root, expected = reference
    assert _dumps_in(root, ["corpus"]) == expected


def test_command_line_order_does_not_matter(
    files: dict[str, str], reference: tuple[Path, str]
) -> None:
    root, _ = reference
    # folders in either order
    forward = _dumps_in(root, ["corpus/wire", "corpus/outlets"])
    assert _dumps_in(root, ["corpus/outlets", "corpus/wire"]) == forward
    # every file named, in sorted and in shuffled order
    names = [f"corpus/{rel}" for rel in sorted(files)]
    by_file = _dumps_in(root, names)
    random.Random(5).shuffle(names)
    assert _dumps_in(root, names) == by_file
    # naming every file gives the same ids as naming their folders
    assert by_file == forward


@pytest.mark.slow
def test_worker_counts_give_identical_json_through_the_command(
    reference: tuple[Path, str],
) -> None:
    root, expected = reference
    outputs = {}
    for workers in ("1", "2"):
        observed = run_cli(Run(["trace", "corpus", *JSON, "--workers", workers], root))
        assert observed.exit_code == 0, observed.stderr
        outputs[workers] = observed.stdout
    assert outputs["1"] == outputs["2"] == expected


def test_copies_in_other_places_give_identical_json(
    reference: tuple[Path, str], tmp_path: Path
) -> None:
    root, expected = reference
    shutil.copytree(root / "corpus", tmp_path / "elsewhere" / "corpus")
    assert _dumps_in(tmp_path / "elsewhere", ["corpus"]) == expected
