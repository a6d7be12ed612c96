"""Exit codes (``provenance.cli.exits``): documented in help and docstring, library errors as
usage errors, internal errors as one line and 123."""

from __future__ import annotations

import importlib
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from provenance import cli
from provenance.cli import exits
from provenance.errors import ConfigError, InputError
from provenance.models import TraceResult
from support.cli_runner import FakeEngine, expect, fake_result, run


def test_exit_codes_documented_in_help_and_docstring() -> None:
    help_text = run(["trace", "--help"]).stdout
    docstring = exits.__doc__ or ""
    for code in exits.ExitCode:
        assert f"  {code.value} " in help_text, code
        assert f"**{code.value}**" in docstring, code
    assert "PROVENANCE_DEBUG=1" in help_text


@pytest.mark.parametrize(
    ("error", "message"),
    [
        (InputError("corpus/x.txt", "does not exist"), "corpus/x.txt: does not exist"),
        (ConfigError("num_perm must be at least 4"), "bad setting: num_perm must be at least 4"),
    ],
)
def test_library_errors_are_usage_errors(
    engine: FakeEngine, corpus: Path, error: Exception, message: str
) -> None:
    def fail() -> TraceResult:
        raise error

    engine.result = fail
    result = run(["trace", str(corpus)])
    expect(result, 2)
    assert message in result.stderr


def test_internal_error_exits_123_without_traceback(engine: FakeEngine, corpus: Path) -> None:
    def crash() -> TraceResult:
        raise KeyError("boom")

    engine.result = crash
    result = run(["trace", str(corpus)], PROVENANCE_DEBUG="")
    expect(result, 123)
    lines = result.stderr.splitlines()
    assert len(lines) == 1
    assert "internal error (KeyError: 'boom')" in lines[0]
    assert "please report it; rerun with PROVENANCE_DEBUG=1 for the traceback" in lines[0]


def test_internal_error_with_debug_reraises(engine: FakeEngine, corpus: Path) -> None:
    def crash() -> TraceResult:
        raise KeyError("boom")

    engine.result = crash
    result = CliRunner().invoke(cli.main, ["trace", str(corpus)], env={"PROVENANCE_DEBUG": "1"})
    assert isinstance(result.exception, KeyError)


def test_the_wrapper_turns_a_broken_pipe_into_141_and_passes_click_errors(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(exits.os, "dup2", lambda fd, fd2: None)  # keep the test's stdout

    @exits.exit_codes
    def reader_gone() -> None:
        raise BrokenPipeError

    with pytest.raises(SystemExit) as stopped:
        reader_gone()
    assert stopped.value.code == exits.ExitCode.BROKEN_PIPE == 141

    @exits.exit_codes
    def usage() -> None:
        raise click.UsageError("bad")

    with pytest.raises(click.UsageError):
        usage()


@pytest.mark.parametrize(
    ("target", "args"),
    [
        ("provenance.pipeline.trace", ["trace", "{corpus}"]),
        ("provenance.check.check", ["check", "{corpus}"]),
        ("provenance.ingest.read_inputs", ["index", "add", "{corpus}", "--index", "{db}"]),
        ("provenance.report.jsonout.from_dict", ["report", "{trace}", "-o", "{html}"]),
        ("provenance.cli.index._open_index", ["index", "list", "--index", "{db}"]),
        ("provenance.cli.index._open_index", ["index", "stats", "--index", "{db}"]),
        ("provenance.cli.index._open_index", ["index", "remove", "x", "--index", "{db}"]),
        ("provenance.config.load", ["settings"]),
    ],
)
def test_every_command_that_does_work_reports_a_bug_as_123(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, target: str, args: list[str]
) -> None:
    from provenance.report import jsonout

    saved = tmp_path / "trace.json"
    saved.write_text(jsonout.dumps(fake_result(), include_text=True), encoding="utf-8")

    def crash(*_args: object, **_kwargs: object) -> None:
        raise KeyError("boom")

    module, name = target.rsplit(".", 1)
    monkeypatch.setattr(importlib.import_module(module), name, crash)
    given = [
        a.format(corpus=corpus, db=tmp_path / "i.db", trace=saved, html=tmp_path / "r.html")
        for a in args
    ]
    result = run(given, PROVENANCE_DEBUG="")
    expect(result, 123)
    assert result.stderr.splitlines() == [
        "provenance: internal error (KeyError: 'boom'); please report it; "
        "rerun with PROVENANCE_DEBUG=1 for the traceback"
    ]
