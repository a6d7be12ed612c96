"""The HTML report in a real browser: Debian's chromium driven by Playwright.

Skipped (with the reason) when ``/usr/bin/chromium`` or Playwright is missing on a developer's
machine; when ``CI`` is set they must run, so a missing browser is a failure there
(``.ci/run`` installs it).
"""

from __future__ import annotations

import itertools
import os
import random
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
SEEDS = Path(__file__).resolve().parents[2] / "seeds"


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


# --- phone width, full-page capture, layered graph (issue 16) -------------------------------


def family_corpus(folder: Path, members: int, seed: int = 7) -> Path:
    """One dated source article and ``members - 1`` later copies, each with six words put in;
    from the fifth on, about a third copy an earlier copy instead of the source."""
    rng = random.Random(seed)
    source = (SEEDS / "001_9a860b38a9f521db.txt").read_text("utf-8").split("\n", 1)[1]
    folder.mkdir(parents=True)
    (folder / "source-article.txt").write_text("date 2024-01-01\n" + source, encoding="utf-8")
    texts = [source]
    fillers = ["reportedly", "indeed", "officials said", "on Tuesday", "however", "meanwhile"]
    for i in range(1, members):
        parent = texts[rng.randrange(len(texts))] if i > 4 and rng.random() < 0.3 else source
        words = parent.split(" ")
        for _ in range(6):
            words.insert(rng.randrange(len(words)), rng.choice(fillers))
        texts.append(" ".join(words))
        (folder / f"copy-{i:02d}_edited.txt").write_text(
            f"date 2024-02-{1 + i % 27:02d}\n" + texts[-1], encoding="utf-8"
        )
    return folder


def _page(browser: Any, path: Path, width: int, height: int = 900) -> Any:
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    page.goto(path.as_uri())
    page.wait_for_load_state("load")
    return page


# elements whose right edge passes the viewport, outside any box that scrolls or clips
_OVERFLOWING = """(limit) => {
  const out = [];
  for (const el of document.body.querySelectorAll("*")) {
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.right <= limit + 0.5) continue;
    let inside = false;
    for (let up = el.parentElement; up && up !== document.body; up = up.parentElement) {
      const o = getComputedStyle(up).overflowX;
      if (o === "auto" || o === "scroll" || o === "hidden") { inside = true; break; }
    }
    if (!inside) out.push(el.tagName + "." + el.className + " " + Math.round(box.right));
  }
  return out;
}"""


def test_phone_width_lays_out_without_page_scroll(browser: Any, seeds_report: Path) -> None:
    page = _page(browser, seeds_report, 390, 844)
    try:
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        page.locator("label[for='rel-1-vw']").click()  # the word view too
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        assert page.evaluate(_OVERFLOWING, 390) == []
        # the relations table scrolls inside its own box
        table = page.locator("#relations-table")
        assert page.evaluate("e => e.parentElement.scrollWidth > e.parentElement.clientWidth",
                             table.element_handle())  # fmt: skip
        # ids break between their parts, not letter by letter: one or two lines
        line = float(page.evaluate("parseFloat(getComputedStyle(document.body).lineHeight)"))
        ids = [
            cell
            for cell in page.locator("#relations-table tbody a.doc").all()
            if " " not in cell.inner_text().strip()  # a title wraps between its words
        ]
        assert ids
        for cell in ids:
            box = cell.bounding_box()
            assert box and box["height"] <= 2.2 * line, (cell.inner_text(), box)
        code = page.locator("table.docs code").first.bounding_box()
        assert code and code["height"] <= 2.2 * line and code["width"] > 60
        # badges are whole, inside the viewport
        for badge in page.locator("#rel-1 .badge").all()[:3]:
            b = badge.bounding_box()
            assert b and b["x"] >= 0 and b["x"] + b["width"] <= 390
        # the word view stacks: the derived side below the source side
        cells = page.locator("#rel-1 .view.words tbody tr").first.locator("td")
        a, b = cells.nth(0).bounding_box(), cells.nth(1).bounding_box()
        assert a and b and b["y"] >= a["y"] + a["height"] - 1 and a["width"] <= 390
        page.locator("label[for='rel-1-vb']").click()
        texts = page.locator("#rel-1 .view.blocks .text")
        a, b = texts.nth(0).bounding_box(), texts.nth(1).bounding_box()
        assert a and b and b["y"] > a["y"] + a["height"] - 1
    finally:
        page.context.close()


_SECTIONS_DRAWN = """() => Array.from(document.querySelectorAll("section.relation")).map(s => [
  getComputedStyle(s).contentVisibility,
  s.checkVisibility({contentVisibilityAuto: true}),
  s.querySelector("h3").getBoundingClientRect().height,
  s.innerText.trim().length,
])"""


def test_a_full_page_capture_draws_every_relation(browser: Any, seeds_report: Path) -> None:
    page = _page(browser, seeds_report, 1360, 700)
    try:
        assert not page.evaluate("document.body.classList.contains('big')")
        sections = page.evaluate(_SECTIONS_DRAWN)  # no scrolling: as a capture sees the page
        assert len(sections) == 4
        for style, visible, heading, text in sections:
            assert style == "visible" and visible and heading > 10 and text > 100
        capture = page.screenshot(full_page=True)
        assert len(capture) > 10_000
        # relation 4 is below the fold: its rendered text is there without scrolling to it
        assert (
            page.evaluate("document.querySelector('#rel-4 .text').getBoundingClientRect().height")
            > 50
        )
    finally:
        page.context.close()


def test_a_big_report_skips_off_screen_sections_but_prints_them(
    browser: Any, seeds_report: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(html, "BIG_REPORT_RELATIONS", 2)
    path = tmp_path / "big.html"
    html.write(trace([str(SEEDS)]), path)
    page = _page(browser, path, 1360, 700)
    try:
        assert page.evaluate("document.body.classList.contains('big')")
        assert {s[0] for s in page.evaluate(_SECTIONS_DRAWN)} == {"auto"}
        page.emulate_media(media="print")
        assert {s[0] for s in page.evaluate(_SECTIONS_DRAWN)} == {"visible"}
        # the page's script opens every relation before printing
        page.evaluate("document.querySelectorAll('details').forEach(d => d.open = false)")
        page.evaluate("window.dispatchEvent(new Event('beforeprint'))")
        assert page.evaluate(
            "Array.from(document.querySelectorAll('section.relation details')).every(d => d.open)"
        )
    finally:
        page.context.close()


# every text of the graph: its box in SVG units, and the cluster box that holds its centre
_GRAPH_TEXTS = """() => {
  const boxes = Array.from(document.querySelectorAll("svg.graph .cluster rect")).map(r => r.getBBox());
  return Array.from(document.querySelectorAll("svg.graph text")).map(t => {
    const b = t.getBBox();
    const cx = b.x + b.width / 2, cy = b.y + b.height / 2;
    const c = boxes.find(r => r.x <= cx && cx <= r.x + r.width && r.y <= cy && cy <= r.y + r.height);
    return {text: t.textContent, b: [b.x, b.y, b.width, b.height],
            c: c ? [c.x, c.y, c.width, c.height] : null};
  });
}"""


def _disjoint(a: list[float], b: list[float]) -> bool:
    return (
        a[0] + a[2] <= b[0] + 0.5
        or b[0] + b[2] <= a[0] + 0.5
        or a[1] + a[3] <= b[1] + 0.5
        or b[1] + b[3] <= a[1] + 0.5
    )


@pytest.fixture(scope="module")
def family13(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = family_corpus(tmp_path_factory.mktemp("family13") / "corpus", 13)
    path = folder.parent / "family13.html"
    html.write(trace([str(folder)]), path)
    return path


def test_a_thirteen_document_cluster_is_drawn_in_layers_without_overlaps(
    browser: Any, family13: Path
) -> None:
    page = _page(browser, family13, 1360)
    try:
        texts = page.evaluate(_GRAPH_TEXTS)
        assert len(texts) >= 13 * 2 + 1
        for t in texts:
            assert t["c"], f"{t['text']!r} is outside every cluster box"
            b, c = t["b"], t["c"]
            assert c[0] <= b[0] and b[0] + b[2] <= c[0] + c[2], t
            assert c[1] <= b[1] and b[1] + b[3] <= c[1] + c[3], t
        for s, t in itertools.combinations(texts, 2):
            assert _disjoint(s["b"], t["b"]), (s["text"], t["text"])
        # every label inside its own document box
        for node in page.locator("svg.graph a.node").all():
            rect, labels = node.locator("rect"), node.locator("text")
            r = rect.evaluate(
                "e => { const b = e.getBBox(); return [b.x, b.y, b.width, b.height]; }"
            )
            for i in range(labels.count()):
                b = labels.nth(i).evaluate("e => { const b = e.getBBox(); return [b.x, b.width]; }")
                assert r[0] <= b[0] and b[0] + b[1] <= r[0] + r[2]
        # the source above every copy
        ys = {
            (n.locator("text.l1").text_content() or ""): float(
                n.locator("rect").get_attribute("y") or 0
            )
            for n in page.locator("svg.graph a.node").all()
        }
        assert ys["source-article.txt"] < min(y for k, y in ys.items() if k != "source-article.txt")
    finally:
        page.context.close()


def test_a_fifty_document_family_is_a_ranked_list(browser: Any, tmp_path: Path) -> None:
    folder = family_corpus(tmp_path / "corpus", 50)
    path = tmp_path / "family50.html"
    html.write(trace([str(folder)]), path)
    page = _page(browser, path, 1360)
    try:
        assert page.locator("svg.graph a.node").count() == 0
        for t in page.evaluate(_GRAPH_TEXTS):
            assert (
                t["c"] and t["c"][0] <= t["b"][0] and t["b"][0] + t["b"][2] <= t["c"][0] + t["c"][2]
            )
        rows = page.locator("#family-1 tbody tr")
        assert rows.count() == 50
        assert (
            "source-article.txt" in rows.first.inner_text() and "source" in rows.first.inner_text()
        )
        page.locator("svg.graph a.cluster").click()
        assert page.evaluate("location.hash") == "#family-1"
        assert page.evaluate("document.documentElement.scrollWidth") <= 1360
    finally:
        page.context.close()
