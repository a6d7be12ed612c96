"""Renderers of a ``CheckResult`` for CI: JSON, SARIF 2.1.0, GitHub Actions annotations and
step summary, JUnit XML, and the terminal.

Every string from a document (ids, paths, titles, excerpts, declared sources) is untrusted:

- Names in human text (messages, titles, the Markdown summary, the terminal) are shown through
  ``visible.visible``: control, zero-width, bidi and look-alike-space characters as escapes
  such as ``\\u200b``, so two names that look alike read differently.
- GitHub workflow commands: the ``file=`` property is the exact path, escaped as a property
  value (``%`` ``\\r`` ``\\n`` ``:`` ``,``) so it names the real file; messages have control
  characters and escape sequences removed (``terminal.sanitize``) and data escaped (``%``
  ``\\r`` ``\\n``), so no text can end an annotation early or start a command of its own.
- Markdown summary: HTML and Markdown specials escaped, one line per cell.
- SARIF and JSON: written by ``json``, paths exact. JUnit: by ``xml.etree``; the ``name`` and
  ``file`` attributes hold the exact id and path, except the characters XML 1.0 cannot hold at
  all (C0 controls other than tab, LF and CR; lone surrogates; U+FFFE, U+FFFF), which are
  written as their ``visible`` escape (``\\x07``); messages and texts as human text.
"""

from __future__ import annotations

import hashlib
import html
import json
import os
import re
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path
from urllib.parse import quote

from rich.console import Console
from rich.padding import Padding
from rich.text import Text

from provenance._version import __version__
from provenance.models import RELATION_KINDS, STATUSES, CheckResult, Finding
from provenance.report import jsonout
from provenance.report.terminal import sanitize
from provenance.report.visible import visible

__all__ = [
    "github_annotations",
    "github_summary",
    "json_report",
    "junit",
    "render",
    "sarif",
]

INFORMATION_URI = "https://github.com/provenance-trace/provenance"
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
EXCERPT_CHARS = 200


def _clean(text: str) -> str:
    return sanitize(text, oneline=True)


def _num(value: float) -> float:
    return round(float(value), 4) + 0.0


def _percent(value: float) -> str:
    return f"{value:.0%}"


def display_path(path: str) -> str:
    """The path relative to the repository root in GitHub Actions (``GITHUB_WORKSPACE``),
    else to the working directory, POSIX style; left as it is when it lies outside."""
    if path in ("", "-"):
        return path
    base = Path(os.environ.get("GITHUB_WORKSPACE") or Path.cwd())
    try:
        rel = Path(os.path.abspath(path)).relative_to(base)  # noqa: PTH100 -- keep symlinks
    except ValueError:
        return Path(path).as_posix()
    return rel.as_posix()


def describe(finding: Finding) -> str:
    """One line: what the checked document reuses, how much, and the status."""
    r = finding.relation
    verb = {
        "duplicate": "duplicates",
        "near-duplicate": "nearly duplicates",
        "rewrite": "rewrites",
        "partial": "reuses passages of",
    }.get(r.kind, "shares text with")
    count = len(r.passages)
    text = (
        f"{visible(finding.checked)} {verb} {visible(finding.other)} ({r.kind}: "
        f"{_percent(finding.coverage)} of this document, score {r.score:.2f}, "
        f"{count} passage{'' if count == 1 else 's'})"
    )
    if finding.status != "failing":
        text += f"; {finding.status}: {finding.reason}"
    return _clean(text)


def _excerpt(result: CheckResult, finding: Finding) -> str:
    doc = result.document(finding.checked)
    spans = finding.spans()
    if doc is None or not spans:
        return ""
    first = spans[0][0]
    text = _clean(doc.text[first.start : first.end])
    return text if len(text) <= EXCERPT_CHARS else text[: EXCERPT_CHARS - 1] + "…"


def _counts(result: CheckResult) -> Counter[str]:
    return Counter(f.status for f in result.findings)


def summary_line(result: CheckResult) -> str:
    counts = _counts(result)
    parts = [f"{counts[s]} {s}" for s in STATUSES if counts[s]]
    n = len(result.checked)
    found = len(result.findings)
    text = (
        f"{n} document{'' if n == 1 else 's'} checked, {found} finding{'' if found == 1 else 's'}"
    )
    if parts:
        text += f" ({', '.join(parts)})"
    if result.archived:
        text += f"; {result.archived} archived candidate{'' if result.archived == 1 else 's'}"
    return text


# --- JSON -----------------------------------------------------------------------------------


def _finding_dict(f: Finding) -> dict[str, object]:
    r = f.relation
    return {
        "checked": f.checked,
        "other": f.other,
        "path": f.path,
        "line": f.line,
        "end_line": f.end_line,
        "kind": r.kind,
        "direction": r.direction,
        "status": f.status,
        "reason": f.reason,
        "score": _num(r.score),
        "coverage": {"checked": _num(f.coverage), "other": _num(f.other_coverage)},
        "passages": [
            {"checked": [mine.start, mine.end], "other": [other.start, other.end]}
            for mine, other in f.spans()
        ],
    }


def json_report(result: CheckResult) -> str:
    """The check as JSON: verdict, findings, and the full trace (JSON contract v1)."""
    data = {
        "version": 1,
        "failed": result.failed,
        "checked": list(result.checked),
        "findings": [_finding_dict(f) for f in result.findings],
        "trace": jsonout.to_dict(result.trace),
    }
    return json.dumps(data, ensure_ascii=False, indent=2, allow_nan=False) + "\n"


# --- SARIF 2.1.0 ----------------------------------------------------------------------------

_RULE_HELP = {
    "duplicate": "The document is a copy of one already published.",
    "near-duplicate": "The document is a lightly edited copy of one already published.",
    "rewrite": "The whole document is drawn from one already published, reworded or not.",
    "partial": "Some passages of the document come from one already published.",
    "quotes": "The documents share only quotations.",
}
_LEVEL = {"failing": "error", "baselined": "warning", "attributed": "note", "allowed": "note"}


def _uri(path: str) -> str:
    shown = display_path(path)
    if Path(shown).is_absolute():
        return Path(shown).as_uri()
    return quote(shown)


def _fingerprint(f: Finding) -> str:
    return hashlib.sha256(f"{f.checked}\0{f.other}".encode()).hexdigest()


def sarif(result: CheckResult) -> str:
    """A SARIF 2.1.0 log with one result per finding, for code-scanning uploads.

    Baselined findings carry an ``external`` suppression, attributed ones an ``inSource``
    suppression (the post's own front matter declares the source).
    """
    rules = [
        {
            "id": f"provenance/{kind}",
            "name": kind.title().replace("-", ""),
            "shortDescription": {"text": f"Reused text: {kind}"},
            "fullDescription": {"text": _RULE_HELP[kind]},
            "helpUri": INFORMATION_URI,
            "defaultConfiguration": {"level": "error"},
        }
        for kind in RELATION_KINDS
    ]
    results = []
    for f in result.findings:
        item: dict[str, object] = {
            "ruleId": f"provenance/{f.kind}",
            "ruleIndex": RELATION_KINDS.index(f.relation.kind),
            "level": _LEVEL[f.status],
            "message": {"text": describe(f)},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": _uri(f.path)},
                        "region": {"startLine": f.line, "endLine": f.end_line},
                    }
                }
            ],
            "partialFingerprints": {"provenancePair/v1": _fingerprint(f)},
            "properties": {
                "status": f.status,
                "other": f.other,
                "direction": f.relation.direction,
                "coverage": _num(f.coverage),
                "score": _num(f.relation.score),
            },
        }
        if f.status == "baselined":
            item["suppressions"] = [{"kind": "external", "justification": _clean(f.reason)}]
        elif f.status == "attributed":
            item["suppressions"] = [{"kind": "inSource", "justification": _clean(f.reason)}]
        other = result.document(f.other)
        if other is not None and not f.other.startswith("index:") and other.path not in ("", "-"):
            item["relatedLocations"] = [
                {
                    "id": 1,
                    "message": {"text": _clean(f"reused document {f.other}")},
                    "physicalLocation": {"artifactLocation": {"uri": _uri(other.path)}},
                }
            ]
        results.append(item)
    log = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "provenance",
                        "version": __version__,
                        "informationUri": INFORMATION_URI,
                        "rules": rules,
                    }
                },
                "results": results,
                "columnKind": "unicodeCodePoints",
            }
        ],
    }
    return json.dumps(log, ensure_ascii=False, indent=2) + "\n"


# --- GitHub Actions -------------------------------------------------------------------------


def escape_data(text: str) -> str:
    """A workflow command's message: ``%``, CR and LF escaped, as the Actions toolkit does."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """A workflow command's property value: also ``:`` and ``,``, which end a property."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


_COMMAND = {"failing": "error", "baselined": "notice", "attributed": "notice", "allowed": "warning"}


def github_annotations(result: CheckResult, limit: int) -> list[str]:
    """Workflow-command lines, failing findings first, at most ``limit`` of them, then a
    line counting the findings left out."""
    lines = []
    for f in result.findings[:limit]:
        props = {
            "file": display_path(f.path),  # exact: it must name the real file
            "line": str(f.line),
            "endLine": str(f.end_line),
            "title": _clean(f"provenance: {f.kind} ({f.status})"),
        }
        prop_text = ",".join(f"{k}={escape_property(v)}" for k, v in props.items())
        lines.append(f"::{_COMMAND[f.status]} {prop_text}::{escape_data(describe(f))}")
    rest = len(result.findings) - min(limit, len(result.findings))
    if rest:
        lines.append(
            f"{rest} more finding{'' if rest == 1 else 's'} not annotated "
            "(GitHub shows only a few per step); see the job summary or --format sarif"
        )
    lines.append(f"provenance check: {summary_line(result)}")
    return lines


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!|~>-])")


def _md(text: str) -> str:
    """Untrusted text for one Markdown table cell: no HTML, no Markdown, no line breaks."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", html.escape(_clean(text), quote=True))


def github_summary(result: CheckResult) -> str:
    """The job summary: the verdict and a table of every finding (Markdown)."""
    verdict = "failed" if result.failed else "passed"
    out = [
        f"## provenance check {verdict}",
        "",
        _md(summary_line(result)),
        "",
    ]
    if result.findings:
        out += [
            "| status | file | kind | reuses | coverage | score |",
            "|---|---|---|---|---:|---:|",
        ]
        for f in result.findings:
            where = f"{visible(display_path(f.path))}:{f.line}"
            out.append(
                f"| {f.status} | {_md(where)} | {f.kind} | {_md(visible(f.other))} | "
                f"{_percent(f.coverage)} | {f.relation.score:.2f} |"
            )
        out.append("")
    for item in result.skipped:
        out.append(f"- skipped {_md(visible(item.path))}: {_md(item.reason)}")
    return "\n".join(out).rstrip("\n") + "\n"


# --- JUnit XML ------------------------------------------------------------------------------

_XML_ILLEGAL = re.compile("[^\x09\x0a\x0d\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _xml(text: str) -> str:
    """Human text for XML: control characters and escape sequences removed."""
    return _XML_ILLEGAL.sub("", sanitize(text))


def _xml_exact(text: str) -> str:
    """An id or path for an XML attribute: exact, but for the characters XML 1.0 cannot hold,
    written as their ``visible`` escape (``\\x07``)."""
    return _XML_ILLEGAL.sub(lambda m: visible(m.group()), text)


def junit(result: CheckResult) -> str:
    """One test case per checked document: it fails when one of its findings fails the
    policy; its other findings are listed in ``system-out``."""
    by_doc: dict[str, list[Finding]] = {doc_id: [] for doc_id in result.checked}
    for f in result.findings:
        by_doc.setdefault(f.checked, []).append(f)
    suites = ET.Element("testsuites", name="provenance check")
    suite = ET.SubElement(
        suites,
        "testsuite",
        name="provenance check",
        tests=str(len(by_doc) + len(result.skipped)),
        failures=str(sum(1 for fs in by_doc.values() if any(f.status == "failing" for f in fs))),
        errors=str(len(result.skipped)),
        skipped="0",
    )
    for doc_id, findings in by_doc.items():
        doc = result.document(doc_id)
        case = ET.SubElement(
            suite,
            "testcase",
            classname="provenance.check",
            name=_xml_exact(doc_id),
            file=_xml_exact(display_path(doc.path) if doc else doc_id),
        )
        failing = [f for f in findings if f.status == "failing"]
        if failing:
            failure = ET.SubElement(
                case,
                "failure",
                message=_xml(describe(failing[0])),
                type=_xml(failing[0].kind),
            )
            failure.text = _xml(
                "\n".join(f"line {f.line}: {describe(f)}\n  {_excerpt(result, f)}" for f in failing)
            )
        others = [f for f in findings if f.status != "failing"]
        if others:
            out = ET.SubElement(case, "system-out")
            out.text = _xml("\n".join(f"line {f.line}: {describe(f)}" for f in others))
    for item in result.skipped:
        case = ET.SubElement(
            suite,
            "testcase",
            classname="provenance.check",
            name=_xml_exact(display_path(item.path)),
        )
        ET.SubElement(case, "error", message=_xml(item.reason), type="unreadable")
    ET.indent(suites)
    body = ET.tostring(suites, encoding="unicode")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n"


# --- terminal -------------------------------------------------------------------------------

_STYLE = {"failing": "bold red", "baselined": "yellow", "attributed": "green", "allowed": "cyan"}


def render(result: CheckResult, console: Console, *, verdict: str | None = None) -> None:
    """The human report: each finding with its status, place and first reused passage, then
    the verdict (``verdict`` in place of passed/FAILED, e.g. what a baseline accepted)."""
    for f in result.findings:
        line = Text()
        line.append(f"{f.status.upper():<10}", style=_STYLE[f.status])
        line.append(f" {visible(display_path(f.path))}:{f.line}", style="bold")
        line.append(f"  {f.kind} of ")
        line.append(visible(f.other), style="bold")
        line.append(
            f"  ({_percent(f.coverage)} of the document, score {f.relation.score:.2f})",
        )
        console.print(line)
        if f.status != "failing":
            console.print(Padding(Text(_clean(f.reason), style="dim"), (0, 0, 0, 11)))
        excerpt = _excerpt(result, f)
        if excerpt:
            console.print(Padding(Text(f"“{excerpt}”", style="dim"), (0, 0, 0, 11)))
    last = Text()
    if verdict is not None:
        last.append(verdict, style="bold")
        last.append(f"; {summary_line(result)}")
    else:
        if result.failed:
            last.append("FAILED", style="bold red")
        else:
            last.append("passed", style="bold green")
        last.append(f": {summary_line(result)}")
    console.print(last)
