"""How big the HTML report gets and how fast chromium shows it, for a large corpus.

    python benchmarks/html_report.py /tmp/bbc                  # trace a folder, then measure
    python benchmarks/html_report.py --trace /tmp/bbc.json     # a saved trace (--include-text)
    python benchmarks/html_report.py --planted /tmp/planted --from /tmp/bbc --originals 100
        # write 100 BBC articles and 9 edited copies of each (1,000 documents) into
        # /tmp/planted, trace that, then measure: thousands of relations

Prints the trace and render times, the file size, and what chromium reports (Debian's
``/usr/bin/chromium`` driven by Playwright, median of ``--runs`` fresh page loads): first
contentful paint, when the table became sortable (the page's script has run), DOMContentLoaded
and load, and how long sorting and filtering the relations table take. Nothing is asserted:
the figures go to ``benchmarks/README.md``.
"""

from __future__ import annotations

import argparse
import random
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

from provenance import trace
from provenance.models import TraceResult
from provenance.report import html, jsonout

ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def plant(source: Path, out: Path, originals: int, copies: int, seed: int = 7) -> int:
    """``originals`` articles from ``source`` and ``copies`` derived versions of each: some
    sentences dropped, a few words changed, the paragraphs of some copies reordered."""
    rng = random.Random(seed)
    files = sorted(source.glob("*.txt"))
    chosen = rng.sample(files, originals)
    out.mkdir(parents=True, exist_ok=True)
    words = "reportedly also now still however officially widely".split()
    for i, path in enumerate(chosen):
        text = path.read_text(encoding="utf-8", errors="replace")
        (out / f"g{i:03d}_0.txt").write_text(text, encoding="utf-8")
        paragraphs = [p for p in text.split("\n") if p.strip()]
        for c in range(1, copies + 1):
            kept = []
            for p in paragraphs:
                sentences = re.split(r"(?<=[.!?])\s+", p)
                sentences = [s for s in sentences if rng.random() > 0.15] or sentences[:1]
                tokens = " ".join(sentences).split(" ")
                for _ in range(max(1, len(tokens) // 25)):
                    tokens.insert(rng.randrange(len(tokens) + 1), rng.choice(words))
                kept.append(" ".join(tokens))
            if rng.random() < 0.3:
                rng.shuffle(kept)
            (out / f"g{i:03d}_{c}.txt").write_text("\n".join(kept) + "\n", encoding="utf-8")
    return originals * (copies + 1)


def browser_figures(path: Path, chromium: str, runs: int) -> dict[str, float]:
    from playwright.sync_api import sync_playwright

    samples: dict[str, list[float]] = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=ARGS)
        for _ in range(runs):
            context = browser.new_context(viewport={"width": 1360, "height": 900})
            page = context.new_page()
            page.goto(path.as_uri(), wait_until="load", timeout=300_000)
            figures = page.evaluate(
                """() => {
                  const nav = performance.getEntriesByType('navigation')[0];
                  const fcp = performance.getEntriesByName('first-contentful-paint')[0];
                  const ready = performance.getEntriesByName('provenance-script-ready')[0];
                  const out = {fcp_ms: fcp ? fcp.startTime : NaN,
                               table_interactive_ms: ready ? ready.startTime : NaN,
                               dom_content_loaded_ms: nav.domContentLoadedEventEnd,
                               load_ms: nav.loadEventEnd};
                  const button = document.querySelector('#relations-table th:nth-child(7) button');
                  if (button) { const t = performance.now(); button.click();
                                out.sort_ms = performance.now() - t; }
                  const filter = document.getElementById('filter');
                  if (filter) { const t = performance.now(); filter.value = 'sport';
                                filter.dispatchEvent(new Event('input'));
                                out.filter_ms = performance.now() - t; }
                  return out;
                }"""
            )
            for key, value in figures.items():
                samples.setdefault(key, []).append(float(value))
            context.close()
        browser.close()
    return {key: statistics.median(values) for key, values in samples.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", type=Path, help="folder to trace")
    parser.add_argument("--trace", type=Path, help="a saved JSON trace (with --include-text)")
    parser.add_argument("--planted", type=Path, help="write a planted corpus here, then trace it")
    parser.add_argument("--from", dest="source", type=Path, help="--planted: BBC folder")
    parser.add_argument("--originals", type=int, default=100)
    parser.add_argument("--copies", type=int, default=9)
    parser.add_argument("--out", type=Path, help="keep the report here")
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    result: TraceResult
    if args.trace:
        result = jsonout.loads(args.trace.read_bytes())
        print(f"trace: read {args.trace}")
    else:
        folder = args.corpus
        if args.planted:
            if not args.source:
                parser.error("--planted needs --from BBC_FOLDER")
            count = plant(args.source, args.planted, args.originals, args.copies)
            print(f"planted: {count} documents in {args.planted}")
            folder = args.planted
        if folder is None:
            parser.error("give a corpus folder, --trace or --planted")
        start = time.perf_counter()
        result = trace([str(folder)])
        print(f"trace: {time.perf_counter() - start:.1f} s")
    passages = sum(len(r.passages) for r in result.relations)
    print(
        f"result: {len(result.documents)} documents, {len(result.relations)} relations, "
        f"{passages} passages, {len(result.clusters)} clusters"
    )

    start = time.perf_counter()
    page = html.render(result)
    render_s = time.perf_counter() - start
    with tempfile.TemporaryDirectory() as tmp:
        path = args.out or Path(tmp) / "report.html"
        path.write_text(page, encoding="utf-8", newline="\n")
        size = path.stat().st_size
        print(f"render: {render_s:.2f} s, {size / 1e6:.1f} MB ({size:,} bytes)")
        if not Path(args.chromium).exists():
            print(f"no {args.chromium}: browser figures skipped", file=sys.stderr)
            return
        figures = browser_figures(path, args.chromium, args.runs)
    print(f"chromium (median of {args.runs} loads):")
    for key, value in figures.items():
        print(f"  {key}: {value:.0f}")


if __name__ == "__main__":
    main()
