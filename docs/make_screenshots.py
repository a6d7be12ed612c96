"""Regenerate the README's screenshots of the seeds report: ``docs/seeds-report.png`` (the
overview and graph), ``docs/seeds-relation.png`` (the ``000 → 002`` rewrite, both full texts
side by side with colour-paired match blocks) and ``docs/seeds-words.png`` (the same pair,
passage by passage, with word-level differences).

    python docs/make_screenshots.py [--chromium /usr/bin/chromium]

Needs the ``test`` extra (Playwright) and Debian's ``chromium``; loads nothing from the network.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

from provenance import trace
from provenance.report import html

ROOT = Path(__file__).resolve().parent.parent
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    parser.add_argument("--out", type=Path, default=ROOT / "docs")
    args = parser.parse_args()
    result = trace([str(ROOT / "seeds")])
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "seeds.html"
        html.write(result, report, title="provenance: seeds/")
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=args.chromium, args=ARGS)
            page = browser.new_page(viewport={"width": 1360, "height": 1000})
            page.goto(report.as_uri())
            page.screenshot(path=str(args.out / "seeds-report.png"))
            # the first relation (000 -> 002, the rewrite): match blocks, then word by word
            page.evaluate("document.getElementById('rel-1').scrollIntoView()")
            page.screenshot(path=str(args.out / "seeds-relation.png"))
            page.locator("label[for='rel-1-vw']").click()
            page.evaluate("document.getElementById('rel-1').scrollIntoView()")
            page.screenshot(path=str(args.out / "seeds-words.png"))
            browser.close()
    print(f"wrote seeds-report.png, seeds-relation.png and seeds-words.png in {args.out}")


if __name__ == "__main__":
    main()
