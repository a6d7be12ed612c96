"""The HTML report and the graph exports, without a browser: escaping, the Content-Security-
Policy, what the page may reference, determinism, the word diff, and the command line.
(``test_html_browser.py`` opens the same pages in chromium.)"""

from __future__ import annotations

import base64
import hashlib
import itertools
import json
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import networkx as nx
import pytest
from click.testing import CliRunner, Result

from provenance import cli, trace
from provenance.models import Document, Passage, Relation, Span, Stripped, TraceResult
from provenance.report import graphexport, html, jsonout, layout

SEEDS = Path(__file__).resolve().parents[2] / "seeds"

EVIL = "<script>alert(1)</script><img src=x onerror=alert(2)></style></script>{{ 7*7 }}{% if 1 %}"


class Page(HTMLParser):
    """Every start tag with its attributes, the text of script/style blocks, the visible text."""

    def __init__(self, markup: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.blocks: dict[str, list[str]] = {"script": [], "style": []}
        self.text: list[str] = []
        self._in: str | None = None
        self.feed(markup)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag == "script" and dict(attrs).get("type") == "application/json":
            self._in = "data"
            self.blocks.setdefault("data", []).append("")
        elif tag in self.blocks:
            self._in = tag
            self.blocks[tag].append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == self._in or (tag == "script" and self._in == "data"):
            self._in = None

    def handle_data(self, data: str) -> None:
        if self._in:
            self.blocks[self._in][-1] += data
        else:
            self.text.append(data)

    def attr_values(self, name: str) -> list[str]:
        return [a[name] or "" for _, a in self.tags if name in a]


@pytest.fixture(scope="module")
def seeds_result() -> TraceResult:
    return trace([str(SEEDS)])


def hostile_result() -> TraceResult:
    """Hand-made: every document-derived field carries markup, script or template syntax."""
    text_a = f"Plain words before. {EVIL} The same words after, and more of them here."
    text_b = f"Other words first. {EVIL} The same words after, and more of them there."
    a = Document(
        id='a"><script>alert(3)</script>.txt',
        path="x/</title><script>alert(4)</script>",
        text=text_a,
        title=EVIL,
        date="2024-01-01<b>",
        author="<img src=x onerror=alert(5)>",
        url="javascript:alert(6)",
        stripped=(Stripped("byline", 10, "</q><script>alert(7)</script>"),),
    )
    b = Document(id="b\u2028{{ 7*7 }}.txt", path="b.txt", text=text_b, title=None)
    start_a, start_b = text_a.index(EVIL), text_b.index(EVIL)
    passage = Passage(
        Span(start_a, len(text_a) - 10), Span(start_b, len(text_b) - 11), "edited", 0.9
    )
    rel = Relation(
        source=a.id,
        derived=b.id,
        kind="near-duplicate",
        direction="source->derived",
        confidence=0.7,
        score=0.8,
        coverage_source=0.7,
        coverage_derived=0.7,
        passages=(passage,),
    )
    return TraceResult(documents=(a, b), relations=(rel,), clusters=((a.id, b.id),))


def _sha(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def check_locked_down(markup: str) -> Page:
    """The page can run only its own script and load nothing."""
    page = Page(markup)
    csp = [
        a for t, a in page.tags if t == "meta" and a.get("http-equiv") == "Content-Security-Policy"
    ]
    assert len(csp) == 1
    policy = csp[0]["content"] or ""
    assert "default-src 'none'" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert len(page.blocks["script"]) == 1 and len(page.blocks["style"]) == 1
    for data in page.blocks.get("data", []):  # the texts of a large report: inert JSON
        assert "<" not in data and ">" not in data and "&" not in data and "\u2028" not in data
        json.loads(data)
    assert f"script-src {_sha(page.blocks['script'][0])}" in policy
    assert f"style-src {_sha(page.blocks['style'][0])}" in policy
    # no inline handlers, nothing fetched, links only inside the page
    for tag, attrs in page.tags:
        assert not any(name.startswith("on") for name in attrs), (tag, attrs)
        assert "src" not in attrs and "srcdoc" not in attrs, (tag, attrs)
        assert "style" not in attrs, (tag, attrs)  # would need 'unsafe-inline' anyway
    assert {t for t, _ in page.tags} <= {
        "html", "head", "meta", "title", "style", "body", "a", "header", "h1", "h2", "h3", "h4",
        "p", "nav", "main", "section", "dl", "dt", "dd", "span", "em", "code", "div", "svg",
        "defs", "marker", "path", "g", "rect", "text", "line", "ul", "li", "label", "input",
        "select", "option", "output", "button", "table", "thead", "tbody", "tr", "th", "td",
        "details", "summary", "br", "b", "q", "footer", "script", "bdi", "wbr",
    }  # fmt: skip
    for href in page.attr_values("href"):
        assert href.startswith("#"), href
    for url in page.attr_values("marker-end"):
        assert url.startswith("url(#"), url
    assert "http://" not in markup.replace("http://www.w3.org", "")
    return page


def test_seeds_report_is_locked_down_and_complete(seeds_result: TraceResult) -> None:
    markup = html.render(seeds_result)
    page = check_locked_down(markup)
    text = "".join(page.text)
    assert "5 documents · 4 relations (1 rewrite, 1 partial, 2 quotes)" in text
    # every relation has its section, its table row, and both views of each passage
    for n, rel in enumerate(seeds_result.relations, start=1):
        assert f'id="rel-{n}"' in markup
        assert markup.count(f'href="#rel-{n}"') >= 2  # table and graph or documents
        for i in range(1, len(rel.passages) + 1):
            assert f'id="r{n}-s{i}"' in markup and f'id="r{n}-d{i}"' in markup
            assert f'id="rel-{n}-p{i}"' in markup
    # the rewrite's first passage, word-diffed, holds words of both documents
    docs = {d.id: d for d in seeds_result.documents}
    rewrite = seeds_result.relations[0]
    assert rewrite.kind == "rewrite"
    first = rewrite.passages[0]
    source_words = docs[rewrite.source].text[first.a.start : first.a.end].split()[:3]
    assert " ".join(source_words) in text
    assert 'class="sub"' in markup and ('class="ins"' in markup or 'class="del"' in markup)


def test_the_graph_puts_sources_above_what_they_derived(seeds_result: TraceResult) -> None:
    markup = html.render(seeds_result)
    ids = [d.id for d in seeds_result.documents]
    ys = {
        ids[int(n) - 1]: float(y)
        for n, y in re.findall(
            r'<a href="#doc-(\d+)" class="node">.*?<rect x="[\d.]+" y="([\d.]+)"', markup
        )
    }
    assert len(ys) == 5  # 004 related to nothing is drawn too, in its own box
    rewrite = seeds_result.relations[0]
    assert ys[rewrite.source] < ys[rewrite.derived]
    assert markup.count('class="edge ') == 2  # quotes-only pairs are not drawn
    assert 'class="edge k-partial d-common-source"' in markup
    assert 'marker-end="url(#arrow-rewrite)"' in markup


def test_hostile_text_is_escaped_everywhere() -> None:
    result = hostile_result()
    markup = html.render(result, title="<script>alert('title')</script>")
    page = check_locked_down(markup)
    text = "".join(page.text)
    assert EVIL in text  # shown, as text, in the full texts and the passages
    assert "{{ 7*7 }}" in text and "49" not in text
    assert "<script>alert(4)</script>" in text and "javascript:alert(6)" in text
    assert "<script>alert('title')</script>" in text
    assert "<img" not in markup.replace("&lt;img", "")
    assert markup.count("<script") == 1 and markup.count("</script") == 1
    assert markup.count("<style") == 1 and markup.count("</style") == 1


def test_large_reports_embed_each_text_once_as_inert_json(
    seeds_result: TraceResult, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(html, "INLINE_TEXT_MAX_CHARS", 0)
    result = hostile_result()
    markup = html.render(result)
    page = check_locked_down(markup)
    texts = json.loads(page.blocks["data"][0])
    assert texts == {"1": result.documents[0].text, "2": result.documents[1].text}
    assert EVIL in texts["1"]
    assert markup.count("</script>") == 2  # the data block's and the script's own
    # the passages are still in the HTML, word by word; the full texts are left to the script
    assert 'class="pair lazy"' in markup and 'id="r1-s1"' not in markup
    assert 'id="rel-1-p1"' in markup  # the word view is within its budget
    monkeypatch.setattr(html, "INLINE_PASSAGE_MAX_CHARS", 0)
    markup = html.render(result)
    check_locked_down(markup)
    assert 'class="passages lazy"' in markup and 'id="rel-1-p1"' not in markup
    seeds = html.render(seeds_result)
    check_locked_down(seeds)
    assert seeds.count('class="pair lazy"') == len(seeds_result.relations)
    assert len(json.loads(Page(seeds).blocks["data"][0])) == 4  # 004 is in no relation


def test_report_is_deterministic(seeds_result: TraceResult) -> None:
    again = trace([str(SEEDS)])
    assert html.render(seeds_result) == html.render(again)
    for fmt in ("graphml", "gexf", "dot", "json"):
        assert graphexport.dumps(seeds_result, fmt) == graphexport.dumps(again, fmt)


def test_word_diff_marks_inserts_deletes_and_substitutions() -> None:
    left, right, diffed = html._diff("the cat sat on the mat", "the dog sat on the big mat today")
    assert diffed
    assert [(p.text, p.cls) for p in left if p.cls] == [("cat", "sub")]
    assert [(p.text, p.cls) for p in right if p.cls] == [
        ("dog", "sub"),
        ("big", "ins"),
        ("today", "ins"),
    ]
    assert "".join(p.text for p in left) == "the cat sat on the mat"
    assert "".join(p.text for p in right) == "the dog sat on the big mat today"
    left, _, _ = html._diff("keep this, drop that", "keep this")
    assert [(p.text, p.cls) for p in left if p.cls] == [(", drop that", "del")]


def test_trace_saved_without_text_still_renders_and_says_so(seeds_result: TraceResult) -> None:
    result = jsonout.loads(jsonout.dumps(seeds_result))
    markup = html.render(result)
    check_locked_down(markup)
    assert "saved without the documents' text" in markup and "--include-text" in markup
    assert "text not included in the saved trace" in markup
    full = jsonout.loads(jsonout.dumps(seeds_result, include_text=True))
    assert "saved without" not in html.render(full)


def test_a_relation_naming_an_unknown_document_is_a_report_error(
    seeds_result: TraceResult,
) -> None:
    broken = TraceResult(
        documents=seeds_result.documents[:1], relations=seeds_result.relations, clusters=()
    )
    with pytest.raises(html.ReportError, match="not among the documents"):
        html.render(broken)


# --- graph exports ---------------------------------------------------------------------------


def _check_graph(graph: nx.Graph, result: TraceResult) -> None:
    assert set(graph.nodes) == {d.id for d in result.documents}
    assert graph.number_of_edges() == len(result.relations)
    for r in result.relations:
        edge = graph.edges[r.source, r.derived]
        assert edge["kind"] == r.kind and edge["direction"] == r.direction
        assert float(edge["confidence"]) == pytest.approx(r.confidence, abs=1e-4)
        assert float(edge["coverage_derived"]) == pytest.approx(r.coverage_derived, abs=1e-4)
        assert int(edge["passages"]) == len(r.passages)


@pytest.mark.parametrize("suffix", [".graphml", ".gexf", ".json"])
def test_graph_exports_read_back_with_networkx(
    suffix: str, seeds_result: TraceResult, tmp_path: Path
) -> None:
    for result in (seeds_result, hostile_result()):
        path = tmp_path / f"g{suffix}"
        graphexport.write(result, path)
        if suffix == ".graphml":
            graph = nx.read_graphml(path)
        elif suffix == ".gexf":
            graph = nx.read_gexf(path)
        else:
            graph = nx.node_link_graph(json.loads(path.read_text("utf-8")), edges="links")
        if result is seeds_result:
            _check_graph(graph, result)
            titled = next(d for d in result.documents if d.title)
            assert graph.nodes[titled.id]["title"] == titled.title
            assert graph.nodes[titled.id]["date"] == titled.date
        else:
            assert graph.number_of_nodes() == 2 and graph.number_of_edges() == 1


def test_dot_export_quotes_and_escapes(tmp_path: Path) -> None:
    result = hostile_result()
    text = graphexport.dumps(result, "dot")
    lines = text.rstrip("\n").split("\n")  # DOT breaks lines at \n only (not U+2028)
    assert lines[0] == "digraph provenance {" and lines[-1] == "}"
    assert len(lines) == 2 + 1 + len(result.documents) + len(result.relations)
    assert '"a\\"><script>alert(3)</script>.txt"' in text  # the quote is escaped
    quoted = r'"(?:[^"\\]|\\.)*"'
    value = rf"(?:{quoted}|-?[\d.]+|true|false)"
    statement = rf"^  {quoted}(?: -> {quoted})? \[\w+={value}(?:, \w+={value})*\];$"
    for line in lines[2:-1]:
        assert re.match(statement, line), line
    if shutil.which("dot"):
        out = subprocess.run(
            ["dot", "-Tplain"], check=False, input=text, capture_output=True, text=True
        )
        assert out.returncode == 0, out.stderr


def test_graph_format_comes_from_the_suffix(tmp_path: Path) -> None:
    assert graphexport.format_for("x.GV") == "dot"
    with pytest.raises(graphexport.GraphFormatError, match=r"\.graphml, \.gexf"):
        graphexport.format_for(tmp_path / "graph.png")


# --- command line ----------------------------------------------------------------------------


def run(args: list[str]) -> Result:
    result = CliRunner().invoke(cli.main, args)
    print(f"exit {result.exit_code}\n{result.stdout}\n{result.stderr}")
    assert "Traceback" not in result.output
    return result


def test_trace_writes_html_and_graph_beside_its_output(tmp_path: Path) -> None:
    html_path, graph_path, json_path = (
        tmp_path / "r.html",
        tmp_path / "g.graphml",
        tmp_path / "t.json",
    )
    result = run(
        ["trace", str(SEEDS), "-q", "--format", "json", "--include-text", "-o", str(json_path),
         "--html", str(html_path), "--graph", str(graph_path)]
    )  # fmt: skip
    assert result.exit_code == 0
    check_locked_down(html_path.read_text("utf-8"))
    assert nx.read_graphml(graph_path).number_of_edges() == 4
    # the saved trace renders to the same report (author and url are not in the JSON)
    again = tmp_path / "again.html"
    dot = tmp_path / "g.dot"
    result = run(["report", str(json_path), "-o", str(again), "--graph", str(dot)])
    assert result.exit_code == 0 and result.stderr == ""
    strip = re.compile(r"<br>by <bdi>[^<]*</bdi>")
    assert strip.sub("", again.read_text("utf-8")) == strip.sub("", html_path.read_text("utf-8"))
    assert dot.read_text("utf-8").startswith("digraph provenance {")


def test_report_without_text_warns_and_renders(tmp_path: Path) -> None:
    json_path, out = tmp_path / "t.json", tmp_path / "r.html"
    assert run(["trace", str(SEEDS), "-q", "--format", "json", "-o", str(json_path)]).exit_code == 0
    result = run(["report", str(json_path), "-o", str(out)])
    assert result.exit_code == 0
    assert "--include-text" in result.stderr and "character offsets" in result.stderr
    assert "text not included" in out.read_text("utf-8")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "is not a provenance JSON trace"),
        ('{"version": 2}', "version"),
        ('{"version": 1, "documents": [], "relations": [{"source": "a"}], "clusters": [], "skipped": []}',
         "missing key"),
        ('{"version": 1, "documents": [], "relations": [{"source": "a", "derived": "b", "kind": "rewrite", '
         '"direction": "undetermined", "confidence": 1, "score": 1, "coverage": {"source": 1, "derived": 1}, '
         '"passages": []}], "clusters": [], "skipped": []}', "not among the documents"),
    ],
)  # fmt: skip
def test_report_rejects_what_is_not_a_trace(content: str, message: str, tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(content, encoding="utf-8")
    result = run(["report", str(bad), "-o", str(tmp_path / "r.html")])
    assert result.exit_code == 2
    assert message in result.stderr
    assert not (tmp_path / "r.html").exists()


def test_output_problems_are_usage_errors_before_the_run(tmp_path: Path) -> None:
    result = run(["trace", str(SEEDS), "-q", "--graph", str(tmp_path / "g.svg")])
    assert result.exit_code == 2 and "'--graph'" in result.stderr and ".gexf" in result.stderr
    result = run(["trace", str(SEEDS), "-q", "--html", str(tmp_path / "no" / "r.html")])
    assert (
        result.exit_code == 2 and "'--html'" in result.stderr and "does not exist" in result.stderr
    )
    result = run(["trace", str(SEEDS), "-q", "--html", "-"])
    assert result.exit_code == 2 and "needs a file name" in result.stderr
    same = str(tmp_path / "x.html")
    result = run(["trace", str(SEEDS), "-q", "-o", same, "--html", same])
    assert result.exit_code == 2 and "different files" in result.stderr
    result = run(["report", str(tmp_path / "missing.json"), "-o", str(tmp_path / "r.html")])
    assert result.exit_code == 2 and "cannot read" in result.stderr


def test_report_to_stdout(tmp_path: Path, seeds_result: TraceResult) -> None:
    path = tmp_path / "t.json"
    path.write_text(jsonout.dumps(seeds_result, include_text=True), encoding="utf-8")
    result = run(["report", str(path), "-o", "-", "--title", "Seeds <b>"])
    assert result.exit_code == 0
    assert result.stdout.startswith("<!DOCTYPE html>")
    assert "<title>Seeds &lt;b&gt;</title>" in result.stdout


def test_templates_and_assets_ship_with_the_package() -> None:
    from importlib import resources

    folder = resources.files("provenance.report").joinpath("templates")
    for name in ("report.html.j2", "report.css", "report.js"):
        assert folder.joinpath(name).is_file(), name


def _family(members: int, *, copies_of_copies: bool = True) -> TraceResult:
    """One source and ``members - 1`` copies, every pair related as a real trace relates them:
    source -> copy, copy of a copy -> its source, and the copies siblings of each other."""
    docs = [Document(id="source.txt", path="source.txt", text="x" * 100, date="2024-01-01")]
    docs += [
        Document(id=f"copy-{i:02d}_v.txt", path=f"copy-{i:02d}_v.txt", text="x" * 100)
        for i in range(1, members)
    ]
    parent = {
        i: (0 if not copies_of_copies or i < 4 or i % 3 else i - 2) for i in range(1, members)
    }
    passage = (Passage(Span(0, 50), Span(0, 50), "verbatim", 1.0),)
    relations = []
    for i, j in itertools.combinations(range(members), 2):
        direction = "source->derived" if (i == 0 or parent[j] == i) else "common-source"
        relations.append(
            Relation(
                docs[i].id, docs[j].id, "near-duplicate", direction, 0.9, 0.9, 0.9, 0.9, passage
            )  # type: ignore[arg-type]
        )
    return TraceResult(
        documents=tuple(docs), relations=tuple(relations), clusters=(tuple(d.id for d in docs),)
    )


def test_layers_put_sources_above_and_split_wide_rows() -> None:
    edges = [(0, 1, True), (0, 2, True), (1, 3, True), (0, 3, True), (2, 4, False)]
    lay = layout.layered(5, edges, max_row=5)
    layer = lay.layer_of
    assert layer[0] < layer[1] < layer[3] and layer[0] < layer[2]
    assert layer[4] == layer[2]  # a sibling sits beside the member it is joined to
    assert len(lay.chains[3]) == 3  # 0 -> 3 spans two layers: one placeholder between
    assert lay.chains[3][0] == 0 and lay.chains[3][-1] == 3
    # a source with twelve copies: rows of at most five members, the copies below the source
    fan = [(0, i, True) for i in range(1, 13)]
    lay = layout.layered(13, fan, max_row=5)
    rows = [[m for m in row if m < 13] for row in lay.layers]
    assert rows[0] == [0] and all(len(row) <= 5 for row in rows) and sum(map(len, rows)) == 13
    assert lay.crossings == 0
    x = layout.place(lay, dict.fromkeys(lay.layer_of, 100.0), 20.0)
    for row in lay.layers:  # boxes of one layer never overlap
        for a, b in itertools.pairwise(row):
            assert x[b] - x[a] >= 100.0 + (20.0 if a < 13 and b < 13 else 8.0) - 0.2


def test_layout_orders_to_remove_crossings_and_is_deterministic() -> None:
    # two sources, each with two copies, given in an order that crosses
    edges = [(0, 3, True), (1, 2, True), (0, 4, True), (1, 5, True)]
    lay = layout.layered(6, edges)
    assert lay.crossings == 0
    assert lay == layout.layered(6, list(edges))
    assert layout.place(lay, dict.fromkeys(lay.layer_of, 50.0), 10.0) == layout.place(
        lay, dict.fromkeys(lay.layer_of, 50.0), 10.0
    )


def test_essential_edges_leave_out_what_the_drawn_ones_imply() -> None:
    # 0 -> 1 -> 2 and 0 -> 2 (implied by the chain); 1, 3 siblings under 0; 4 - 5 alone
    edges = [(0, 1, True), (1, 2, True), (0, 2, True), (0, 3, True), (1, 3, False), (4, 5, False)]
    assert layout.essential(6, edges, [1.0] * 6) == [0, 1, 3, 5]


def test_a_thirteen_document_family_is_drawn_in_layers() -> None:
    result = _family(13)
    markup = html.render(result)
    assert markup == html.render(_family(13))  # the same bytes
    assert markup.count('class="edge ') == 12  # a tree: the 66 sibling pairs are implied
    assert "66 relations that the drawn ones imply are in the table" in markup
    ys = {
        n: float(y)
        for n, y in re.findall(
            r'<a href="#doc-(\d+)" class="node">.*?<rect x="[\d.]+" y="([\d.]+)"', markup
        )
    }
    assert len(ys) == 13 and ys["1"] == min(ys.values()) and list(ys.values()).count(ys["1"]) == 1
    assert 'class="family"' not in markup


def test_a_fifty_document_family_is_a_ranked_list_with_its_source_on_top() -> None:
    result = _family(50)
    markup = html.render(result)
    assert markup.count('class="node"') == 0 and 'href="#family-1"' in markup
    section = markup[markup.index('<section class="family" id="family-1"') :]
    section = section[: section.index("</section>")]
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", section)[1:]
    assert len(rows) == 50
    assert "source.<wbr>txt" in rows[0] and "<b>source</b>" in rows[0]
    # copies of the source first, then the copies of copies (via the copy they derive from)
    direct = [i for i, r in enumerate(rows[1:]) if "the source" in r]
    via = [i for i, r in enumerate(rows[1:]) if "the source" not in r]
    assert direct and via and max(direct) < min(via)
    assert all(
        "derived from" in rows[1 + i] and "copy-" in rows[1 + i].split("derived from")[1]
        for i in via
    )
    assert "90 %" in rows[1]


def test_long_labels_are_cut_with_the_whole_name_in_the_tooltip() -> None:
    long_id = "a-very-long-document-name-that-goes-on-and-on-and-on.txt"
    docs = (
        Document(id="s.txt", path="s.txt", text="x" * 100, date="2024-01-01"),
        Document(id=long_id, path=long_id, text="x" * 100),
    )
    passage = (Passage(Span(0, 50), Span(0, 50), "verbatim", 1.0),)
    rel = Relation("s.txt", long_id, "partial", "source->derived", 0.5, 0.5, 0.5, 0.5, passage)
    markup = html.render(
        TraceResult(documents=docs, relations=(rel,), clusters=((long_id, "s.txt"),))
    )
    node = re.search(
        r'<a href="#doc-2" class="node"><title>(.*?)</title>.*?class="l1">(.*?)</text>', markup
    )
    assert node and node.group(1).startswith(long_id) and node.group(2).endswith("…")
    assert len(node.group(2)) <= 30
    width = float(re.findall(r'<a href="#doc-2" class="node">.*?width="([\d.]+)"', markup)[0])
    assert width >= layout.text_width(node.group(2), 12.5, bold=True) + 16


def test_names_show_control_and_invisible_characters_as_escapes() -> None:
    names = ["bell\x07.txt", "csi\x9b31m.txt", "sou\u200brce.txt", "evil\u202etxt.exe"]
    docs = tuple(Document(id=n, path=n, text="x" * 100, title=None) for n in names)
    passage = (Passage(Span(0, 50), Span(0, 50), "verbatim", 1.0),)
    rels = tuple(
        Relation(a.id, b.id, "partial", "undetermined", 0.5, 0.5, 0.5, 0.5, passage)  # type: ignore[arg-type]
        for a, b in itertools.pairwise(docs)
    )
    markup = html.render(
        TraceResult(documents=docs, relations=rels, clusters=(names,)), title="t\u202e"
    )
    for ch in "\x07\x9b\u200b\u202e":
        assert ch not in markup
    for shown in (
        "bell\\x07",
        "csi\\x9b31m",
        "sou\\u200brce",
        "evil\\u202etxt",
        "<title>t\\u202e</title>",
    ):
        assert shown in markup
    assert "<bdi>sou\\u200brce.<wbr>txt</bdi>" in markup


def test_only_big_reports_let_the_browser_skip_sections(
    seeds_result: TraceResult, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert "<body>" in html.render(seeds_result)
    monkeypatch.setattr(html, "BIG_REPORT_RELATIONS", 3)
    assert '<body class="big">' in html.render(seeds_result)
    css = (Path(html.__file__).parent / "templates" / "report.css").read_text("utf-8")
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    rules = re.findall(r"([^{}]+)\{[^}]*content-visibility: auto", css)
    assert [r.strip() for r in rules] == ["body.big section.relation"]


@pytest.mark.parametrize("seed", range(6))
def test_random_clusters_layer_downward_without_overlaps(seed: int) -> None:
    import random

    rng = random.Random(seed)
    n = rng.randrange(3, 26)
    edges = []
    for b in range(1, n):  # every member derived from an earlier one, some extra relations
        edges.append((rng.randrange(b), b, True))
    for _ in range(n):
        a, b = sorted(rng.sample(range(n), 2))
        edges.append((a, b, rng.random() < 0.5))
    lay = layout.layered(n, edges)
    for index, (a, b, directed) in enumerate(edges):
        chain = lay.chains[index]
        assert (chain[0], chain[-1]) == (a, b)
        steps = [lay.layer_of[v] for v in chain]
        if directed and a != b:
            assert steps == list(range(steps[0], steps[-1] + 1))  # down one layer at a time
        assert all(abs(p - q) <= 1 for p, q in itertools.pairwise(steps))
    widths = {v: 20.0 + 7 * (v % 5) if v < n else 14.0 for v in lay.layer_of}
    x = layout.place(lay, widths, 26.0)
    for row in lay.layers:
        assert len([v for v in row if v < n]) <= 5
        for a, b in itertools.pairwise(row):
            assert x[b] - widths[b] / 2 >= x[a] + widths[a] / 2 + 8.0 - 0.2
    assert layout.layered(n, edges) == lay


def test_the_relations_table_shows_a_confidence_only_for_a_direction() -> None:
    docs = tuple(Document(id=n, path=n, text="x" * 100) for n in ("a.txt", "b.txt", "c.txt"))
    passage = (Passage(Span(0, 50), Span(0, 50), "verbatim", 1.0),)
    rels = (
        Relation("a.txt", "b.txt", "duplicate", "undetermined", 1.0, 1.0, 1.0, 1.0, passage),
        Relation("a.txt", "c.txt", "partial", "source->derived", 0.73, 0.5, 0.5, 0.5, passage),
    )
    markup = html.render(
        TraceResult(documents=docs, relations=rels, clusters=(("a.txt", "b.txt", "c.txt"),))
    )
    table = markup[markup.index("<tbody") : markup.index("</tbody>")]
    rows = table.split("<tr")[1:]
    by_kind = {("duplicate" if 'data-kind="duplicate"' in r else "partial"): r for r in rows}
    assert (
        '<td data-v="-1" title="no direction, so no confidence in one">—</td>'
        in by_kind["duplicate"]
    )
    assert '<td data-v="0.73">0.73</td>' in by_kind["partial"]
