"""The nasty-input suite: every case of ``nasty.CASES`` through the real command.

Each case must give its documented outcome and exit code, no traceback, a one-line message
naming the file it skipped, the companion articles read and related, and bounded memory.
The last test checks that ``docs/robustness.md`` is the table of what was observed.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from typing import Any

import pytest
from nasty import CASES, SKIPPED, USAGE, Case, Observed, Run, message, run_cli

ROOT = Path(__file__).resolve().parents[2]

_observed: dict[str, dict[str, Any]] = {}


def _make_robustness() -> Any:
    spec = importlib.util.spec_from_file_location(
        "make_robustness", ROOT / "docs" / "make_robustness.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _read(observed: Observed) -> str:
    """``N documents, M related pairs`` from the JSON, or "" when there is none."""
    try:
        data = observed.json()
        docs, pairs = len(data["documents"]), len(data["relations"])
    except (ValueError, KeyError, TypeError):  # not a trace: SARIF, or no JSON at all
        return ""
    return f"{docs:,} document{'s' * (docs != 1)}, {pairs:,} related pair{'s' * (pairs != 1)}"


@pytest.mark.slow
@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_nasty_input(case: Case, tmp_path: Path) -> None:
    tmp_path.chmod(0o755)  # the unprivileged case reads it without DAC override
    run = case.build(tmp_path)
    observed = run_cli(run)
    shown = message(case, observed)
    _observed[case.name] = {
        "name": case.name,
        "input_class": case.input_class,
        "outcome": observed.outcome,
        "exit_code": observed.exit_code,
        "read": _read(observed),
        "max_rss_mb": case.max_rss_mb,
        "message": shown,
    }
    print(f"exit {observed.exit_code}, peak RSS {observed.peak_rss_mb:.0f} MB")
    print("--- stderr ---\n" + observed.stderr[-5000:])
    print("--- stdout ---\n" + observed.stdout[:2000])

    assert "Traceback" not in observed.stderr + observed.stdout
    assert observed.exit_code == case.exit_code, f"{observed.outcome}, expected {case.expect}"
    assert observed.peak_rss_mb < case.max_rss_mb
    for line in observed.stderr.splitlines():
        # every line is a skip, a note, a count, or click's usage error: nothing else leaks
        assert (
            not line
            or line.startswith(("skipped ", "note: ", "Error: ", "Usage: ", "Try "))
            or (line.endswith(("input skipped", "inputs skipped")) and line.split()[0].isdigit())
        ), f"unexpected stderr line {line!r}"
    if case.reason:
        assert case.reason in shown, f"{case.reason!r} not in {shown!r}"
    if case.expect == SKIPPED:
        assert shown.startswith("skipped "), "the skipped input is not named on stderr"
        assert case.names in shown
    if case.expect == USAGE:
        assert not observed.stdout
    elif case.companions:
        data = observed.json()
        ids = {d["id"] for d in data["documents"]}
        assert {"source.txt", "copy.txt"} <= ids, "a bad input cost the rest of the corpus"
        assert any(
            {r["source"], r["derived"]} == {"source.txt", "copy.txt"} for r in data["relations"]
        )
    if case.check is not None:
        case.check(observed)


def test_docs_table_is_what_the_suite_observed() -> None:
    missing = [c.name for c in CASES if c.name not in _observed]
    if missing:
        pytest.skip(f"cases not run in this session: {', '.join(missing)}")
    rows = [_observed[c.name] for c in CASES]
    out = ROOT / "build" / "robustness-observed.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(rows, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    expected = _make_robustness().render(rows)
    doc = ROOT / "docs" / "robustness.md"
    committed = doc.read_text(encoding="utf-8") if doc.is_file() else ""
    assert committed == expected, (
        "docs/robustness.md is not what the suite observed; run `python docs/make_robustness.py` "
        f"(observations are in {out})"
    )


def test_the_peak_memory_measured_is_the_commands_not_the_test_processes(tmp_path: Path) -> None:
    """A test process that has grown large does not make a small run look large."""
    ballast = b"x" * (600 * 1024 * 1024)  # touched: 600 MB resident in this process
    observed = run_cli(Run(["--version"], tmp_path))
    assert observed.exit_code == 0 and "provenance" in observed.stdout
    assert 1 < observed.peak_rss_mb < 200
    del ballast
