"""``provenance report`` (``provenance.cli.report``): a saved trace, or the JSON of a check,
as the HTML report; what it says when the trace holds no text.

The report's content, and traces it refuses, are tested in ``tests/test_html_report.py``.
"""

from __future__ import annotations

import json
from pathlib import Path

from provenance.report import jsonout
from support.cli_runner import expect, fake_result, run


def test_a_trace_without_text_is_rendered_with_a_note(tmp_path: Path) -> None:
    saved = tmp_path / "trace.json"
    saved.write_text(jsonout.dumps(fake_result()), encoding="utf-8")
    page = tmp_path / "report.html"
    result = run(["report", str(saved), "-o", str(page)])
    expect(result, 0)
    assert result.stderr == (
        f"note: {saved} holds no text for 2 documents (saved without --include-text): "
        "their passages are shown by character offsets only\n"
    )
    assert page.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_the_json_of_a_check_is_rendered_from_its_trace(tmp_path: Path) -> None:
    trace = json.loads(jsonout.dumps(fake_result(), include_text=True))
    saved = tmp_path / "check.json"
    saved.write_text(json.dumps({"checked": [], "findings": [], "trace": trace}), "utf-8")
    result = run(["report", str(saved), "-o", "-", "--graph", str(tmp_path / "g.json")])
    expect(result, 0)
    assert result.stdout.startswith("<!DOCTYPE html>") and "Budget approved" in result.stdout
    graph = json.loads((tmp_path / "g.json").read_text(encoding="utf-8"))
    assert {node["id"] for node in graph["nodes"]} == {"a.txt", "b.txt"}


def test_reading_stdin_and_a_trace_that_is_not_json(tmp_path: Path) -> None:
    result = run(["report", "-", "-o", str(tmp_path / "r.html")], input=b"not json")
    expect(result, 2)
    assert "- is not a provenance JSON trace" in result.stderr
    assert "provenance trace DIR --format json --include-text -o TRACE" in result.stderr
    assert not (tmp_path / "r.html").exists()
