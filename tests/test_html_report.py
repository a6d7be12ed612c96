"""The HTML report and the graph exports, without a browser: escaping, the Content-Security-
Policy, what the page may reference, determinism, the word diff, and the command line.
(``test_html_browser.py`` opens the same pages in chromium.)"""

from __future__ import annotations

import base64
import hashlib
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
from provenance.report import graphexport, html, jsonout

SEEDS = Path(__file__).resolve().parents[1] / "seeds"

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
        "details", "summary", "br", "b", "q", "footer", "script",
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


def test_the_graph_puts_sources_left_of_what_they_derived(seeds_result: TraceResult) -> None:
    markup = html.render(seeds_result)
    ids = [d.id for d in seeds_result.documents]
    xs = {
        ids[int(n) - 1]: float(x)
        for n, x in re.findall(r'<a href="#doc-(\d+)" class="node">.*?<rect x="([\d.]+)"', markup)
    }
    assert len(xs) == 5  # 004 related to nothing is drawn too, in its own box
    rewrite = seeds_result.relations[0]
    assert xs[rewrite.source] < xs[rewrite.derived]
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
    strip = re.compile(r"<br>by [^<]*")
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


def test_edges_within_a_column_bow_out_instead_of_crossing_documents() -> None:
    docs = tuple(Document(id=f"{c}.txt", path=f"{c}.txt", text="x" * 100) for c in "abcd")
    passage = (Passage(Span(0, 50), Span(0, 50), "verbatim", 1.0),)

    def rel(s: str, d: str, direction: str) -> Relation:
        return Relation(s, d, "partial", direction, 0.5, 0.5, 0.5, 0.5, passage)  # type: ignore[arg-type]

    relations = (
        rel("a.txt", "b.txt", "source->derived"),
        rel("a.txt", "c.txt", "source->derived"),
        rel("a.txt", "d.txt", "source->derived"),
        rel("b.txt", "d.txt", "common-source"),  # b and d: same column, c between them
    )
    result = TraceResult(
        documents=docs, relations=relations, clusters=(("a.txt", "b.txt", "c.txt", "d.txt"),)
    )
    markup = html.render(result)
    paths = re.findall(r'<a href="#rel-(\d)" class="edge[^"]*">.*?<path d="([^"]+)"', markup)
    shapes = {n: d.split()[1][0] for n, d in paths}
    assert shapes == {"1": "L", "2": "L", "3": "L", "4": "Q"}
