"""CI output formats: SARIF against the official 2.1.0 schema, JUnit through a real JUnit
parser, GitHub annotations and summary, and none of them injectable by hostile text."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest
from junitparser import Failure, JUnitXml

from provenance import ingest
from provenance.check import check_documents
from provenance.config import Settings
from provenance.models import (
    CheckResult,
    Document,
    Finding,
    Passage,
    Relation,
    Skipped,
    Span,
    Status,
    TraceResult,
)
from provenance.report import ci

DATA = Path(__file__).resolve().parents[1] / "data"
CASES = Path(__file__).resolve().parents[1] / "cases"

HOSTILE = "evil\r\n::error file=x.md,line=1::owned%0A,:\x1b[31m\x07<script>|`*[x](y)</script>]]>&"


@pytest.fixture(autouse=True)
def _no_workspace(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GITHUB_WORKSPACE", raising=False)


def _engine_result(tmp_path: Path, workers: int = 1) -> CheckResult:
    """A real check: a verbatim copy, a rewrite and an unreadable file."""
    corpus = tmp_path / "posts"
    corpus.mkdir(exist_ok=True)
    for name in ("wire.md", "site.md"):
        (corpus / name).write_text((CASES / "verbatim_copy" / name).read_text("utf-8"), "utf-8")
    for name in ("source.txt", "rewrite.txt"):
        text = (CASES / "heavy_paraphrase" / name).read_text("utf-8")
        (corpus / name).write_text(text, "utf-8")
    (corpus / "broken.txt").write_bytes(b"\x00\x01\x02binary\x00" * 20)
    settings = Settings(workers=workers)
    documents, skipped = ingest.read_inputs([corpus], settings)
    checked = ["site.md", "rewrite.txt"]
    return check_documents(documents, checked, settings, skipped=skipped)


def _synthetic(statuses: list[Status], *, name: str = "post.md") -> CheckResult:
    """Findings built by hand (no engine): one per status, all on ``name``."""
    text = "First line of the post.\nSecond line, reused from the wire.\nThird line.\n"
    docs = [Document(id=name, path=name, text=text)]
    findings = []
    relations = []
    for k, status in enumerate(statuses):
        other = f"index:wire/{k}-{HOSTILE}"
        docs.append(Document(id=other, path=f"wire/{k}.txt", text=text))
        relation = Relation(
            source=other,
            derived=name,
            kind="rewrite",
            direction="source->derived",
            confidence=0.8,
            score=0.5,
            coverage_source=0.9,
            coverage_derived=0.95,
            passages=(Passage(Span(24, 59), Span(24, 59), "verbatim", 1.0),),
        )
        relations.append(relation)
        findings.append(Finding(name, other, relation, status, f"reason {HOSTILE}", name, 2, 2))
    trace = TraceResult(tuple(docs), tuple(relations), ())
    return CheckResult(trace=trace, checked=(name,), findings=tuple(findings))


# --- SARIF ------------------------------------------------------------------------------------


def _validate_sarif(text: str) -> dict[str, object]:
    schema = json.loads((DATA / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
    log = json.loads(text)
    jsonschema.Draft4Validator.check_schema(schema)
    jsonschema.Draft4Validator(schema).validate(log)
    return log  # type: ignore[no-any-return]


def test_sarif_of_a_real_check_is_valid_sarif_2_1_0(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = _engine_result(tmp_path)
    monkeypatch.chdir(tmp_path)
    log = _validate_sarif(ci.sarif(result))
    (run,) = log["runs"]  # type: ignore[index]
    results = run["results"]
    by_file = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]: r for r in results}
    assert set(by_file) == {"posts/site.md", "posts/rewrite.txt"}
    assert by_file["posts/rewrite.txt"]["ruleId"] == "provenance/rewrite"
    assert by_file["posts/rewrite.txt"]["level"] == "error"
    region = by_file["posts/rewrite.txt"]["locations"][0]["physicalLocation"]["region"]
    assert region["startLine"] >= 2  # the title line is not part of the rewrite
    rule_ids = [rule["id"] for rule in run["tool"]["driver"]["rules"]]
    for r in results:
        assert rule_ids[r["ruleIndex"]] == r["ruleId"]


def test_sarif_with_suppressions_and_hostile_text_is_valid() -> None:
    result = _synthetic(["failing", "baselined", "attributed", "allowed"])
    log = _validate_sarif(ci.sarif(result))
    results = log["runs"][0]["results"]  # type: ignore[index]
    assert [r.get("suppressions", [{}])[0].get("kind") for r in results] == [
        None,
        "external",
        "inSource",
        None,
    ]
    assert [r["level"] for r in results] == ["error", "warning", "note", "note"]
    for r in results:
        assert "\x1b" not in r["message"]["text"] and "\n" not in r["message"]["text"]


# --- JUnit ------------------------------------------------------------------------------------


def test_junit_of_a_real_check_parses_with_junitparser(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = _engine_result(tmp_path)
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "junit.xml"
    path.write_text(ci.junit(result), encoding="utf-8")
    xml = JUnitXml.fromfile(str(path))
    (suite,) = list(xml)
    cases = {case.name: case for case in suite}
    assert set(cases) == {"site.md", "rewrite.txt", "posts/broken.txt"}
    assert suite.tests == 3 and suite.failures == 2 and suite.errors == 1
    for name in ("site.md", "rewrite.txt"):
        (failure,) = cases[name].result
        assert isinstance(failure, Failure)
        assert failure.type in ("duplicate", "near-duplicate", "rewrite")
    assert "rewrites source.txt" in cases["rewrite.txt"].result[0].message


def test_junit_removes_what_xml_cannot_hold() -> None:
    result = _synthetic(["failing", "allowed"], name=f"post-{HOSTILE}.md")
    text = ci.junit(result)
    root = ET.fromstring(text.split("\n", 1)[1])  # a real parser accepts it
    case = root.find("testsuite/testcase")
    assert case is not None
    assert "\x1b" not in text and "\x07" not in text
    assert case.get("name", "").startswith("post-evil")
    failure = case.find("failure")
    assert failure is not None and "<script>" in (failure.text or "")  # escaped, not markup
    assert root.find(".//script") is None


# --- GitHub -----------------------------------------------------------------------------------

_COMMAND = re.compile(r"^::(error|warning|notice) ([^:]*)::(.*)$")


def test_annotations_cannot_be_injected() -> None:
    result = _synthetic(["failing", "allowed"], name=f"posts/{HOSTILE}.md")
    lines = ci.github_annotations(result, limit=10)
    commands = [line for line in lines if line.startswith("::")]
    assert len(commands) == 2  # one per finding, none smuggled in by the text
    for line in commands:
        match = _COMMAND.match(line)
        assert match, line
        props = dict(p.split("=", 1) for p in match.group(2).split(","))
        assert set(props) == {"file", "line", "endLine", "title"}
        assert props["line"] == "2"
        assert props["file"].startswith("posts/evil") and "%3A" in props["file"]
        assert "%2C" in props["file"]
        assert "\r" not in line and "\n" not in line
        # file= is the exact path (escaped as a property), so the annotation finds the file;
        # the message shows the controls as escapes
        assert props["file"] == ci.escape_property(f"posts/{HOSTILE}.md")
        assert "\x1b" not in match.group(3) and "\x07" not in match.group(3)
        assert "\\x1b" in match.group(3)
        assert "%25" in match.group(3)  # the text's own % escaped


def test_annotation_paths_are_relative_to_the_workspace(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    post = str(tmp_path / "repo" / "posts" / "a.md")
    result = _synthetic(["failing"], name=post)
    monkeypatch.chdir(tmp_path)
    assert ci.github_annotations(result, 10)[0].startswith("::error file=repo/posts/a.md,")
    monkeypatch.setenv("GITHUB_WORKSPACE", str(tmp_path / "repo"))
    assert ci.github_annotations(result, 10)[0].startswith("::error file=posts/a.md,")


def test_escaping_functions() -> None:
    assert ci.escape_data("50% a\r\nb") == "50%25 a%0D%0Ab"
    assert ci.escape_property("a:b,c%\n") == "a%3Ab%2Cc%25%0A"


def test_annotations_are_capped_with_a_count_of_the_rest() -> None:
    result = _synthetic(["failing"] * 12 + ["allowed"])
    lines = ci.github_annotations(result, limit=10)
    assert sum(line.startswith("::error ") for line in lines) == 10
    assert not any(line.startswith("::warning ") for line in lines)
    assert "3 more findings not annotated" in lines[10]
    assert lines[-1].startswith("provenance check: 1 document checked, 13 findings")


def test_step_summary_escapes_markdown_and_html() -> None:
    result = _synthetic(["failing", "attributed"], name=f"posts/{HOSTILE}.md")
    result = CheckResult(
        trace=TraceResult(
            result.trace.documents,
            result.trace.relations,
            (),
            (Skipped(f"bad-{HOSTILE}", "binary file"),),
        ),
        checked=result.checked,
        findings=result.findings,
    )
    summary = ci.github_summary(result)
    assert summary.startswith("## provenance check failed\n")
    assert "<script>" not in summary and "&lt;script&gt;" in summary
    table = [line for line in summary.splitlines() if line.startswith("| ")]
    assert len(table) == 3  # header + 2 findings: no row broken by the text
    for row in table:
        assert len(re.findall(r"(?<!\\)\|", row)) == 7  # every | in the text escaped
    assert "\x1b" not in summary and "\r" not in summary


# --- JSON -------------------------------------------------------------------------------------


def test_json_report(tmp_path: Path) -> None:
    result = _engine_result(tmp_path)
    data = json.loads(ci.json_report(result))
    assert data["failed"] is True
    assert data["checked"] == ["rewrite.txt", "site.md"]
    assert {(f["checked"], f["other"], f["status"]) for f in data["findings"]} == {
        ("rewrite.txt", "source.txt", "failing"),
        ("site.md", "wire.md", "failing"),
    }
    assert data["trace"]["version"] == 1
    assert [s["path"] for s in data["trace"]["skipped"]] == [str(tmp_path / "posts" / "broken.txt")]
    # byte-identical whatever the worker count
    assert ci.json_report(result) == ci.json_report(_engine_result(tmp_path, workers=2))


def test_terminal_report_strips_escapes_from_document_text() -> None:
    import io

    from rich.console import Console

    result = _synthetic(["failing", "attributed"], name=f"posts/{HOSTILE}.md")
    buffer = io.StringIO()
    ci.render(result, Console(file=buffer, width=100, color_system=None, markup=False))
    text = buffer.getvalue()
    assert "\x1b" not in text and "\x07" not in text and "\r" not in text
    assert "FAILING" in text and "ATTRIBUTED" in text
    assert text.rstrip().splitlines()[-1].startswith("FAILED: 1 document checked, 2 findings")


def test_machine_paths_keep_bidi_and_zero_width_characters_and_messages_show_them() -> None:
    name = "posts/a\u202egpj.md\u200b"
    result = _synthetic(["failing"], name=name)
    (line, *_) = ci.github_annotations(result, limit=10)
    match = _COMMAND.match(line)
    assert match, line
    props = dict(p.split("=", 1) for p in match.group(2).split(","))
    assert props["file"] == name  # the real file
    assert "\\u202e" in match.group(3) and "\u202e" not in match.group(3)
    root = ET.fromstring(ci.junit(result).split("\n", 1)[1])
    case = root.find("testsuite/testcase")
    assert case is not None and case.get("file") == name and case.get("name") == name
    failure = case.find("failure")
    assert failure is not None and "\\u200b" in failure.get("message", "")
    summary = ci.github_summary(result)
    assert "\u202e" not in summary and "\\\\u202e" in summary  # escaped, then Markdown-escaped


def test_junit_writes_what_xml_cannot_hold_as_a_visible_escape() -> None:
    result = _synthetic(["failing"], name="posts/bell\x07.md")
    root = ET.fromstring(ci.junit(result).split("\n", 1)[1])
    case = root.find("testsuite/testcase")
    assert case is not None and case.get("file") == "posts/bell\\x07.md"


def test_describe_counts_one_passage_in_the_singular() -> None:
    result = _synthetic(["failing"])
    assert "1 passage)" in ci.describe(result.findings[0])
