"""The HTML report in a real browser: Debian's chromium driven by Playwright.

Skipped (with the reason) when ``/usr/bin/chromium`` or Playwright is missing on a developer's
machine; when ``CI`` is set they must run, so a missing browser is a failure there
(``.ci/run`` installs it).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from provenance import trace
from provenance.report import html

CHROMIUM = os.environ.get("PROVENANCE_CHROMIUM", "/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SEEDS = Path(__file__).resolve().parents[1] / "seeds"


def _why_not() -> str | None:
    if not Path(CHROMIUM).exists():
        return f"{CHROMIUM} is missing (apt-get install chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright is not installed (pip install -e '.[test]')"
    return None


REASON = _why_not()
if REASON and os.environ.get("CI"):
    pytest.fail(f"browser tests cannot run in CI: {REASON}", pytrace=False)
pytestmark = pytest.mark.skipif(REASON is not None, reason=f"browser tests: {REASON}")


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


class Watched:
    """A page with everything it tried recorded: dialogs, requests, console errors."""

    def __init__(self, browser: Any, path: Path, *, js: bool = True) -> None:
        self.context = browser.new_context(
            java_script_enabled=js, viewport={"width": 1360, "height": 900}
        )
        self.page = self.context.new_page()
        self.url = path.as_uri()
        self.dialogs: list[str] = []
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.page.on("dialog", self._dialog)
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on(
            "console", lambda m: m.type in ("error", "warning") and self.errors.append(m.text)
        )
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.goto(self.url)
        self.page.wait_for_load_state("load")

    def _dialog(self, dialog: Any) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def check_quiet(self) -> None:
        assert self.dialogs == []
        assert [u for u in self.requests if u.split("#")[0] != self.url] == []
        assert self.errors == []

    def close(self) -> None:
        self.context.close()


def shown_text(locator: Any) -> str:
    """The text a reader sees in ``locator``. Relation sections use ``content-visibility:
    auto``: one scrolled far off screen is not rendered, and its ``innerText`` is empty until
    the browser has laid it out again, so scroll to it and wait for that."""
    from playwright.sync_api import expect

    locator.scroll_into_view_if_needed()
    expect(locator).to_have_text(re.compile(r"\S"), use_inner_text=True)
    return str(locator.inner_text())


@pytest.fixture(scope="module")
def seeds_report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("report") / "seeds.html"
    html.write(trace([str(SEEDS)]), path, title="seeds")
    return path


@pytest.fixture
def hostile_report(hostile_dir: Path, tmp_path: Path) -> Path:
    result = trace([str(hostile_dir)])
    assert result.relations, "the hostile corpus should contain a copy"
    path = tmp_path / "hostile.html"
    html.write(result, path)
    return path


def test_seeds_report_shows_graph_table_and_aligned_passages(
    browser: Any, seeds_report: Path
) -> None:
    w = Watched(browser, seeds_report)
    page = w.page
    try:
        assert page.locator("svg.graph").is_visible()
        assert page.locator("svg.graph a.node").count() == 5
        assert page.locator("svg.graph a.edge").count() == 2
        assert "rewrite · 0.51" in (page.locator("svg.graph a.edge.k-rewrite").text_content() or "")
        assert page.locator("#relations-table tbody tr:visible").count() == 4
        # 000 -> 002: full texts side by side, ten colour-paired blocks on each side
        rel = page.locator("#rel-1")
        assert "000_7921b6987635c44f.txt" in shown_text(rel.locator("h3"))
        assert "rewrite" in shown_text(rel.locator("h3"))
        texts = rel.locator(".view.blocks .text")
        assert texts.count() == 2
        left, right = texts.nth(0).bounding_box(), texts.nth(1).bounding_box()
        assert left and right and left["x"] + left["width"] <= right["x"]
        assert abs(left["y"] - right["y"]) < 5  # side by side, not stacked
        assert rel.locator(".text a.m").count() == 20
        assert rel.locator("svg.strip a rect").count() == 20  # where each passage sits
        assert rel.locator("svg.strip a rect.c1").count() == 4  # passages 2 and 10, both sides
        # the word view is hidden until chosen
        assert not rel.locator(".view.words").is_visible()
        rel.locator("label[for='rel-1-vw']").click()
        assert rel.locator(".view.words").is_visible()
        assert not rel.locator(".view.blocks").is_visible()
        assert rel.locator(".view.words tbody tr").count() == 10
        assert rel.locator(".view.words .badge.p-paraphrase").count() == 9
        assert rel.locator(".view.words .sub").count() > 10
        cells = rel.locator(".view.words tbody tr").first.locator("td")
        a, b = cells.nth(0).bounding_box(), cells.nth(1).bounding_box()
        assert a and b and a["x"] < b["x"] and abs(a["y"] - b["y"]) < 5
        w.check_quiet()
    finally:
        w.close()


def test_sorting_filtering_collapsing_and_jumping(browser: Any, seeds_report: Path) -> None:
    w = Watched(browser, seeds_report)
    page = w.page
    try:
        rows = page.locator("#relations-table tbody tr")

        def column(n: int) -> list[float]:
            cells = page.locator(f"#relations-table tbody tr td:nth-child({n})")
            return [float(cells.nth(i).get_attribute("data-v") or "nan") for i in range(4)]

        confidence = page.get_by_role("button", name="confidence")
        confidence.click()
        assert column(7) == sorted(column(7))
        confidence.click()
        assert column(7) == sorted(column(7), reverse=True)
        assert page.locator("th[aria-sort='descending']").inner_text().startswith("confidence")

        page.fill("#filter", "002_7a0d")
        assert page.locator("#relations-table tbody tr:visible").count() == 1
        assert page.locator("#shown").inner_text() == "1 of 4 relations shown"
        page.fill("#filter", "")
        page.select_option("#kind-filter", "quotes")
        assert page.locator("#relations-table tbody tr:visible").count() == 2
        page.select_option("#kind-filter", "")
        page.check("#hide-quotes")
        assert page.locator("#relations-table tbody tr:visible").count() == 2
        assert rows.count() == 4

        page.click("#collapse-all")
        assert not page.locator("#rel-1 .view").first.is_visible()
        page.click("#expand-all")
        assert page.locator("#rel-1 .view.blocks").is_visible()

        # a match block jumps to its twin inside the other column
        page.click("#r1-s9")
        twin = page.locator("#r1-d9")
        assert "flash" in (twin.get_attribute("class") or "")
        box = page.locator("#rel-1 .view.blocks .text").nth(1).bounding_box()
        spot = twin.bounding_box()
        assert box and spot and box["y"] <= spot["y"] <= box["y"] + box["height"]

        # a closed relation opens when a link points into it
        page.click("#collapse-all")
        page.click("#relations-table a[href='#rel-2']")
        assert page.evaluate("document.querySelector('#rel-2 details').open")
        w.check_quiet()
    finally:
        w.close()


def test_keyboard_reaches_the_controls(browser: Any, seeds_report: Path) -> None:
    w = Watched(browser, seeds_report)
    page = w.page
    try:
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.className") == "skip"
        page.keyboard.press("Enter")
        assert page.evaluate("location.hash") == "#relations"
        page.focus("#rel-1-vb")
        page.keyboard.press("ArrowRight")  # radios: the arrow keys switch the view
        assert page.locator("#rel-1 .view.words").is_visible()
        w.check_quiet()
    finally:
        w.close()


def test_report_works_without_javascript(browser: Any, seeds_report: Path) -> None:
    w = Watched(browser, seeds_report, js=False)
    page = w.page
    try:
        assert page.locator("svg.graph a.node").count() == 5
        assert page.locator("#relations-table tbody tr:visible").count() == 4
        assert not page.locator(".controls").is_visible()  # script-only controls stay hidden
        assert page.locator("#rel-1 .view.blocks .text").first.is_visible()
        assert "Syria" in shown_text(page.locator("#rel-1 .view.blocks .text").first)
        page.locator("label[for='rel-1-vw']").click()  # the view toggle is CSS only
        assert page.locator("#rel-1 .view.words").is_visible()
        assert not page.locator("#rel-1 .view.blocks").is_visible()
        page.locator("#rel-3 summary").click()  # <details> opens without script
        assert page.locator("#rel-3 .view.blocks").is_visible()
        w.check_quiet()
    finally:
        w.close()


def test_hostile_documents_run_nothing_and_show_as_text(browser: Any, hostile_report: Path) -> None:
    w = Watched(browser, hostile_report)
    page = w.page
    try:
        page.click("#expand-all")
        for link in page.locator("a.m:visible").all()[:6]:
            link.click()  # jump to twins in the match-block view
        for label in page.locator(".views label[for$='-vw']").all():
            label.click()  # then show every relation word by word
        page.emulate_media(media="print")
        page.emulate_media(media="screen")
        w.check_quiet()
        counts = page.evaluate(
            "['script','style','img','iframe','link','object','embed'].map("
            "t => document.getElementsByTagName(t).length)"
        )
        assert counts == [1, 1, 0, 0, 0, 0, 0]
        text = shown_text(page.locator("#rel-1 .view.words"))
        assert "b_copy.txt" in shown_text(page.locator("#rel-1 h3"))
        assert "<script>alert('script')</script>" in text
        assert "onerror=\"alert('onerror')\"" in text
        assert "javascript:alert('link')" in text
        assert "</style><style>body{display:none}</style></script>" in text
        assert "{{ 7*7 }}" in text and "{% for x in range(3) %}" in text
        documents = page.locator("#documents").inner_text()
        assert "javascript:alert('url')" in documents  # the URL as text ...
        assert page.locator("a[href^='javascript']").count() == 0  # ... never a link
        assert page.locator("svg.graph").is_visible() and page.locator("footer").is_visible()
        assert page.evaluate("getComputedStyle(document.body).display") == "block"
        # the page still lays out: the two texts side by side, within the viewport width
        page.locator("label[for='rel-1-vb']").click()
        texts = page.locator("#rel-1 .view.blocks .text")
        left, right = texts.nth(0).bounding_box(), texts.nth(1).bounding_box()
        assert left and right and left["x"] + left["width"] <= right["x"]
        assert right["x"] + right["width"] <= 1360
    finally:
        w.close()


def test_large_reports_draw_match_blocks_on_opening(
    browser: Any, hostile_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from playwright.sync_api import expect

    monkeypatch.setattr(html, "INLINE_TEXT_MAX_CHARS", 0)  # what a big corpus gets
    monkeypatch.setattr(html, "INLINE_PASSAGE_MAX_CHARS", 0)
    path = tmp_path / "lazy.html"
    html.write(trace([str(hostile_dir)]), path)
    w = Watched(browser, path)
    page = w.page
    try:
        assert page.locator("#rel-1 .view.words").count() == 1
        page.locator("#relations-table a[href='#rel-1']").click()  # opens the relation
        page.locator("label[for='rel-1-vb']").click()
        texts = page.locator("#rel-1 .view.blocks .text")
        # drawn when the relation opens: wait for it (a loaded machine draws later)
        expect(texts.nth(0).locator("a.m")).not_to_have_count(0)
        assert "<script>alert('script')</script>" in shown_text(texts.nth(1))
        expect(page.locator("#rel-1 svg.strip a").nth(1)).to_be_attached()
        page.locator("#r1-s1").click()
        assert "flash" in (page.locator("#r1-d1").get_attribute("class") or "")
        page.locator("label[for='rel-1-vw']").click()
        words = page.locator("#rel-1 .view.words")
        assert (
            words.locator("tbody tr").count()
            == page.locator("#rel-1 .pair a.m[data-n]").count() // 2
        )
        assert "<script>alert('script')</script>" in shown_text(words)
        assert words.locator(".badge").count() >= 1
        assert words.locator(".sub, .ins, .del").count() >= 1  # the copy's edits are marked
        assert page.locator("#rel-1 .needs-js:visible").count() == 0
        counts = page.evaluate(
            "['script','img','iframe','link'].map(t => document.getElementsByTagName(t).length)"
        )
        assert counts == [2, 0, 0, 0]  # the page's script and the inert texts
        w.check_quiet()
    finally:
        w.close()
    w = Watched(browser, path, js=False)
    try:  # without script the page says what it cannot draw, and still lays out
        if not w.page.evaluate("document.querySelector('#rel-1 details').open"):
            w.page.locator("#rel-1 summary").click()
        assert w.page.locator("#rel-1 .view.blocks .needs-js").is_visible()
        w.page.locator("label[for='rel-1-vw']").click()
        assert w.page.locator("#rel-1 .view.words .needs-js").is_visible()
        assert w.page.locator("#relations-table tbody tr:visible").count() == 3
        w.check_quiet()
    finally:
        w.close()
