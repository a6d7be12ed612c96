"""``provenance`` through click's CliRunner: exit codes, messages, options, outputs.

Most tests replace the engine with a fake (``provenance.pipeline.trace``) so they check the
command line alone; the ``needs_engine`` ones run the real engine on ``seeds/`` and are
skipped only while ``trace`` still raises ``NotImplementedError``.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from provenance import cli, pipeline
from provenance.config import Settings
from provenance.errors import ConfigError, InputError
from provenance.models import Document, Passage, Relation, Skipped, Span, TraceResult

SEEDS = Path(__file__).resolve().parents[1] / "seeds"


def _engine_ready() -> bool:
    """False while ``pipeline.trace`` is the placeholder that raises NotImplementedError."""
    try:
        pipeline.trace([])
    except NotImplementedError:
        return False
    except Exception:  # e.g. "nothing to trace": the engine is there and said so
        return True
    return True


needs_engine = pytest.mark.skipif(
    not _engine_ready(), reason="the engine (provenance.pipeline.trace) is not implemented yet"
)


# --- helpers ---------------------------------------------------------------------------------


def run(args: Sequence[str], *, input: bytes | str | None = None, **env: str) -> Result:
    result = CliRunner().invoke(cli.main, list(args), input=input, env=env or None)
    print(f"exit code: {result.exit_code}\n--- stdout ---\n{result.stdout}")
    print(f"--- stderr ---\n{result.stderr}")
    if result.exc_info and not isinstance(result.exception, SystemExit):
        import traceback

        traceback.print_exception(*result.exc_info)
    assert "Traceback" not in result.output
    return result


def expect(result: Result, code: int) -> None:
    assert result.exit_code == code, (
        f"exit {result.exit_code}, expected {code}\n"
        f"stdout:\n{result.stdout}\nstderr:\n{result.stderr}"
    )


TEXT_A = "The council approved the new budget on Tuesday after a long debate about schools. " * 3
TEXT_B = "After a long debate about schools, the council approved the new budget on Tuesday. " * 3


def fake_result(*, skipped: Sequence[Skipped] = (), documents: int = 2) -> TraceResult:
    docs = (
        Document(id="a.txt", path="a.txt", text=TEXT_A, title="Budget approved"),
        Document(id="b.txt", path="b.txt", text=TEXT_B, title="Council backs budget"),
    )[:documents]
    relations = ()
    if documents == 2:
        relations = (
            Relation(
                source="a.txt",
                derived="b.txt",
                kind="rewrite",
                direction="source->derived",
                confidence=0.75,
                score=0.8,
                coverage_source=0.9,
                coverage_derived=0.9,
                passages=(Passage(Span(0, 80), Span(0, 80), "edited", 0.9),),
            ),
        )
    clusters = (("a.txt", "b.txt"),) if documents == 2 else ()
    return TraceResult(docs, relations, clusters, tuple(skipped))


class FakeEngine:
    """Stands in for ``pipeline.trace`` and records how it was called."""

    def __init__(self, result: TraceResult | Callable[[], TraceResult]) -> None:
        self.result = result
        self.calls: list[dict[str, Any]] = []

    def __call__(
        self,
        paths: Sequence[str],
        settings: Settings | None = None,
        *,
        stdin: bytes | None = None,
        progress: Callable[[str, int, int], None] | None = None,
    ) -> TraceResult:
        self.calls.append(
            {"paths": list(paths), "settings": settings, "stdin": stdin, "progress": progress}
        )
        if progress is not None:
            progress("align", 1, 1)
        return self.result() if callable(self.result) else self.result

    @property
    def settings(self) -> Settings:
        settings = self.calls[-1]["settings"]
        assert isinstance(settings, Settings)
        return settings


@pytest.fixture
def engine(monkeypatch: pytest.MonkeyPatch) -> FakeEngine:
    fake = FakeEngine(fake_result())
    monkeypatch.setattr(pipeline, "trace", fake)
    return fake


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "a.txt").write_text(TEXT_A, encoding="utf-8")
    (folder / "b.txt").write_text(TEXT_B, encoding="utf-8")
    return folder


# --- help, version, documentation -------------------------------------------------------------


def test_version() -> None:
    result = run(["--version"])
    expect(result, 0)
    assert result.stdout.strip() == f"provenance, version {cli.__version__}"


def test_help_lists_trace() -> None:
    result = run(["--help"])
    expect(result, 0)
    assert "trace" in result.stdout


def test_exit_codes_documented_in_help_and_docstring() -> None:
    help_text = run(["trace", "--help"]).stdout
    docstring = cli.__doc__ or ""
    for code in cli.ExitCode:
        assert f"  {code.value} " in help_text, code
        assert f"**{code.value}**" in docstring, code
    assert "PROVENANCE_DEBUG=1" in help_text


def test_trace_needs_a_path() -> None:
    result = run(["trace"])
    expect(result, 2)
    assert "Missing argument 'PATHS...'" in result.stderr


# --- usage errors: exit 2, before any work -----------------------------------------------------


def test_nonexistent_path(engine: FakeEngine, tmp_path: Path) -> None:
    result = run(["trace", str(tmp_path / "missing")])
    expect(result, 2)
    assert "does not exist" in result.stderr
    assert not engine.calls


def test_unknown_setting_names_the_known_ones(engine: FakeEngine, corpus: Path) -> None:
    result = run(["trace", str(corpus), "--set", "min_coverage=0.5"])
    expect(result, 2)
    assert "unknown setting 'min_coverage'" in result.stderr
    assert "did you mean 'min_reuse_coverage' or 'check_min_coverage'?" in result.stderr
    assert "min_evidence_chars" not in result.stderr  # not all 65 names
    assert "'provenance settings' lists all" in result.stderr
    assert "'--set'" in result.stderr
    assert not engine.calls


@pytest.mark.parametrize(
    ("assignment", "message"),
    [
        ("workers=many", "setting 'workers' expects int, got 'many'"),
        ("lsh_threshold=1.5", "lsh_threshold must be between 0 and 1"),
        ("strip_boilerplate=perhaps", "expects bool"),
        ("min_evidence_chars", "expected KEY=VALUE"),
        ("=3", "expected KEY=VALUE"),
    ],
)
def test_bad_setting_value(engine: FakeEngine, corpus: Path, assignment: str, message: str) -> None:
    result = run(["trace", str(corpus), "--set", assignment])
    expect(result, 2)
    assert message in result.stderr
    assert not engine.calls


def test_bad_named_option(engine: FakeEngine, corpus: Path) -> None:
    result = run(["trace", str(corpus), "--workers", "-1"])
    expect(result, 2)
    assert "Invalid value for '--workers': workers must not be negative" in result.stderr


@pytest.mark.parametrize(
    ("option", "name", "message"),
    [
        ("--html", "folder", "'--html': File 'OUT/folder' is a directory"),  # click's words
        ("--graph", "folder.graphml", "'--graph': File 'OUT/folder.graphml' is a directory"),
        ("-o", "link-to-folder", "'-o' / '--output': File 'OUT/link-to-folder' is a directory"),
        ("--html", "no/such/report.html", "'--html': folder 'OUT/no/such' does not exist"),
    ],
)
def test_every_output_is_checked_before_the_run(
    engine: FakeEngine, corpus: Path, tmp_path: Path, option: str, name: str, message: str
) -> None:
    (tmp_path / "folder").mkdir()
    (tmp_path / "folder.graphml").mkdir()
    (tmp_path / "link-to-folder").symlink_to(tmp_path / "folder")
    result = run(["trace", str(corpus), option, str(tmp_path / name)])
    expect(result, 2)
    assert message.replace("OUT", str(tmp_path)) in result.stderr
    assert "None" not in result.stderr
    assert not engine.calls


def test_outputs_must_differ_even_through_a_link(
    engine: FakeEngine, corpus: Path, tmp_path: Path
) -> None:
    (tmp_path / "link.json").symlink_to(tmp_path / "trace.json")
    args = ["-o", str(tmp_path / "trace.json"), "--html", str(tmp_path / "link.json")]
    result = run(["trace", str(corpus), "--format", "json", *args])
    expect(result, 2)
    assert "-o/--output, --html must name different files" in result.stderr
    assert not engine.calls


def test_output_into_missing_folder(engine: FakeEngine, corpus: Path, tmp_path: Path) -> None:
    target = tmp_path / "nowhere" / "trace.json"
    result = run(["trace", str(corpus), "--format", "json", "-o", str(target)])
    expect(result, 2)
    assert "does not exist; create it first" in result.stderr
    assert not target.parent.exists()
    assert not engine.calls


def test_output_onto_a_folder(engine: FakeEngine, corpus: Path, tmp_path: Path) -> None:
    result = run(["trace", str(corpus), "-o", str(tmp_path)])
    expect(result, 2)
    assert "is a directory" in result.stderr


def test_include_text_needs_json(engine: FakeEngine, corpus: Path) -> None:
    result = run(["trace", str(corpus), "--include-text"])
    expect(result, 2)
    assert "--include-text only applies to --format json" in result.stderr


def test_bad_config_file(engine: FakeEngine, corpus: Path, tmp_path: Path) -> None:
    config = tmp_path / "provenance.toml"
    config.write_text("[tool.provenance]\nnum_perm = 'lots'\n", encoding="utf-8")
    result = run(["trace", str(corpus), "--config", str(config)])
    expect(result, 2)
    assert "bad configuration" in result.stderr
    assert "num_perm" in result.stderr


def test_invalid_toml(engine: FakeEngine, corpus: Path, tmp_path: Path) -> None:
    config = tmp_path / "provenance.toml"
    config.write_text("[tool.provenance\n", encoding="utf-8")
    result = run(["trace", str(corpus), "--config", str(config)])
    expect(result, 2)
    assert "is not valid TOML" in result.stderr


# --- what the engine reports --------------------------------------------------------------------


def test_clean_run_exits_0_and_says_nothing_on_stderr(engine: FakeEngine, corpus: Path) -> None:
    result = run(["trace", str(corpus)])
    expect(result, 0)
    assert result.stderr == ""
    assert result.stdout.startswith("1. a.txt “Budget approved” → b.txt")
    assert result.stdout.endswith("\n2 documents, 1 related pair: 1 rewrite; 1 family\n")
    assert engine.calls[0]["paths"] == [str(corpus)]
    assert engine.calls[0]["stdin"] is None
    assert engine.calls[0]["progress"] is None  # stderr is not a terminal here


def test_skipped_inputs_exit_3_and_are_named(engine: FakeEngine, corpus: Path) -> None:
    engine.result = fake_result(
        skipped=[
            Skipped(path="corpus/photo.txt", reason="binary file (not text); remove it"),
            Skipped(path="corpus/\x1b[31mevil.txt", reason="not UTF-8\x07"),
        ]
    )
    result = run(["trace", str(corpus)])
    expect(result, 3)
    assert result.stderr.splitlines() == [
        "skipped corpus/photo.txt: binary file (not text); remove it",
        "skipped corpus/\\x1b[31mevil.txt: not UTF-8",  # a name: escapes shown, not acted on
        "2 inputs skipped",
    ]
    assert "2 documents" in result.stdout  # the report is still printed


def test_skips_are_reported_with_quiet_and_json(engine: FakeEngine, corpus: Path) -> None:
    engine.result = fake_result(skipped=[Skipped(path="x.html", reason="empty")])
    result = run(["trace", str(corpus), "-q", "--format", "json"])
    expect(result, 3)
    assert result.stderr == "skipped x.html: empty\n1 input skipped\n"
    assert json.loads(result.stdout)["skipped"] == [{"path": "x.html", "reason": "empty"}]


def test_nothing_to_trace(engine: FakeEngine, corpus: Path) -> None:
    engine.result = fake_result(documents=0, skipped=[Skipped(path="a.txt", reason="empty")])
    result = run(["trace", str(corpus)])
    expect(result, 2)
    assert "skipped a.txt: empty" in result.stderr
    assert "nothing to trace: no readable documents" in result.stderr
    assert ".txt" in result.stderr
    assert result.stdout == ""


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


# --- options reach the library -------------------------------------------------------------------


def test_options_become_settings(engine: FakeEngine, corpus: Path) -> None:
    result = run(
        [
            "trace",
            str(corpus),
            "--include",
            "*.txt",
            "--include",
            "news/**",
            "--exclude",
            "draft*",
            "--set",
            "min_evidence_chars=200",
            "--set",
            "extensions=.txt,.md",
            "--set",
            "workers=2",
            "--workers",
            "3",
            "--jsonl-id-field",
            "uid",
            "--jsonl-text-field",
            "body",
            "--no-strip",
        ]
    )
    expect(result, 0)
    settings = engine.settings
    assert settings.include == ("*.txt", "news/**")
    assert settings.exclude == ("draft*",)
    assert settings.min_evidence_chars == 200
    assert settings.extensions == (".txt", ".md")
    assert settings.workers == 3  # the named option wins over --set
    assert settings.jsonl_id_field == "uid"
    assert settings.jsonl_text_field == "body"
    assert settings.strip_boilerplate is False


def test_scale_options_become_settings(engine: FakeEngine, corpus: Path, tmp_path: Path) -> None:
    args = ["--cache-dir", str(tmp_path / "c"), "--no-cache", "--stage-dir", str(tmp_path / "s")]
    result = run(["trace", str(corpus), *args, "--engine", "dask", "--scheduler", "tcp://h:8786"])
    expect(result, 0)
    settings = engine.settings
    assert (settings.cache_dir, settings.cache) == (str(tmp_path / "c"), False)
    assert settings.stage_dir == str(tmp_path / "s")
    assert (settings.engine, settings.scheduler) == ("dask", "tcp://h:8786")


def test_unknown_engine_is_a_usage_error(engine: FakeEngine, corpus: Path) -> None:
    result = run(["trace", str(corpus), "--engine", "spark"])
    expect(result, 2)
    assert "'spark' is not one of 'local', 'dask'" in result.stderr
    assert not engine.calls


def test_defaults_are_left_alone(engine: FakeEngine, corpus: Path) -> None:
    expect(run(["trace", str(corpus)]), 0)
    assert engine.settings == Settings()


def test_pyproject_found_from_the_first_path(engine: FakeEngine, corpus: Path) -> None:
    (corpus.parent / "pyproject.toml").write_text(
        "[tool.provenance]\nmin_evidence_chars = 77\nworkers = 2\n", encoding="utf-8"
    )
    expect(run(["trace", str(corpus / "a.txt"), "--set", "workers=4"]), 0)
    assert engine.settings.min_evidence_chars == 77
    assert engine.settings.workers == 4  # the command line wins over the file


def test_config_option(engine: FakeEngine, corpus: Path, tmp_path: Path) -> None:
    config = tmp_path / "elsewhere.toml"
    config.write_text("[tool.provenance]\nseed = 9\n", encoding="utf-8")
    expect(run(["trace", str(corpus), "--config", str(config)]), 0)
    assert engine.settings.seed == 9


def test_stdin_is_read_once_and_passed_as_bytes(engine: FakeEngine) -> None:
    text = "Ünïcode article read from a pipe.\n"
    result = run(["trace", "-"], input=text.encode("utf-8"))
    expect(result, 0)
    assert engine.calls[0]["paths"] == ["-"]
    assert engine.calls[0]["stdin"] == text.encode("utf-8")


def test_json_to_stdout(engine: FakeEngine, corpus: Path) -> None:
    result = run(["trace", str(corpus), "--format", "json"])
    expect(result, 0)
    data = json.loads(result.stdout)
    assert list(data) == ["version", "documents", "relations", "clusters", "skipped"]
    assert "text" not in data["documents"][0]
    assert result.stdout.endswith("}\n")


def test_json_with_text(engine: FakeEngine, corpus: Path) -> None:
    result = run(["trace", str(corpus), "--format", "json", "--include-text"])
    expect(result, 0)
    assert json.loads(result.stdout)["documents"][0]["text"] == TEXT_A


def test_output_file_json(engine: FakeEngine, corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    target = out / "trace.json"
    result = run(["trace", str(corpus), "--format", "json", "-o", str(target)])
    expect(result, 0)
    assert result.stdout == ""
    assert [p.name for p in out.iterdir()] == ["trace.json"]  # nothing else created
    assert json.loads(target.read_text(encoding="utf-8"))["version"] == 1


def test_output_file_text_is_plain(engine: FakeEngine, corpus: Path, tmp_path: Path) -> None:
    target = tmp_path / "trace.txt"
    result = run(["trace", str(corpus), "-o", str(target)])
    expect(result, 0)
    assert result.stdout == ""
    text = target.read_text(encoding="utf-8")
    assert text.startswith("1. a.txt “Budget approved” → b.txt “Council backs budget”  rewrite")
    assert text.endswith("2 documents, 1 related pair: 1 rewrite; 1 family\n")
    assert "\x1b" not in text


def test_no_output_file_when_the_run_fails(
    engine: FakeEngine, corpus: Path, tmp_path: Path
) -> None:
    engine.result = fake_result(documents=0)
    target = tmp_path / "trace.json"
    expect(run(["trace", str(corpus), "--format", "json", "-o", str(target)]), 2)
    assert not target.exists()


def test_output_written_when_inputs_were_skipped(
    engine: FakeEngine, corpus: Path, tmp_path: Path
) -> None:
    engine.result = fake_result(skipped=[Skipped(path="x.txt", reason="empty")])
    target = tmp_path / "trace.json"
    result = run(["trace", str(corpus), "--format", "json", "-o", str(target)])
    expect(result, 3)
    assert json.loads(target.read_text(encoding="utf-8"))["skipped"][0]["path"] == "x.txt"


def test_write_failure_is_reported_plainly(
    engine: FakeEngine, corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from provenance.store import atomic

    def refuse(fd: int, data: bytes) -> int:
        raise OSError(28, "No space left on device")

    target = tmp_path / "trace.txt"
    target.write_text("the old report\n", encoding="utf-8")
    monkeypatch.setattr(atomic.os, "write", refuse)
    result = run(["trace", str(corpus), "-o", str(target)])
    expect(result, 2)
    assert "cannot write" in result.stderr
    assert "No space left on device (the old file is left as it was)" in result.stderr
    assert target.read_text(encoding="utf-8") == "the old report\n"
    assert not list(tmp_path.glob("*.tmp")) and not list(tmp_path.glob(".*.tmp"))  # none left


def test_passages_and_all(engine: FakeEngine, corpus: Path) -> None:
    with_table = run(["trace", str(corpus), "--passages", "1"])
    without = run(["trace", str(corpus), "--passages", "0", "--all"])
    expect(with_table, 0)
    expect(without, 0)
    assert "similarity 0.90" in with_table.stdout
    assert "similarity" not in without.stdout
    expect(run(["trace", str(corpus), "--passages", "-1"]), 2)


# --- the real engine on seeds/ --------------------------------------------------------------------


@needs_engine
def test_seeds_text() -> None:
    result = run(["trace", str(SEEDS)])
    expect(result, 0)
    assert result.stdout.startswith("1. 000_7921b6987635c44f.txt → 002_7a0d0bc65cea2214.txt")
    assert result.stdout.splitlines()[-1].startswith("5 documents, 4 related pairs: ")


@needs_engine
def test_seeds_json_keys_in_order() -> None:
    result = run(["trace", str(SEEDS), "--format", "json", "-q"])
    expect(result, 0)
    data = json.loads(result.stdout)
    assert list(data) == ["version", "documents", "relations", "clusters", "skipped"]
    assert len(data["documents"]) == 5
    assert list(data["documents"][0]) == [
        "id",
        "path",
        "title",
        "date",
        "chars",
        "stripped",
        "agency",
        "wire_copy",
        "derived_from",
    ]
    for relation in data["relations"]:
        assert list(relation) == [
            "source",
            "derived",
            "kind",
            "direction",
            "confidence",
            "score",
            "direction_reason",
            "coverage",
            "passages",
        ]
    assert data["skipped"] == []


@needs_engine
def test_stage_dir_of_another_corpus_is_a_usage_error(tmp_path: Path) -> None:
    stage = str(tmp_path / "stages")
    expect(run(["trace", str(SEEDS), "-q", "--no-cache", "--stage-dir", stage]), 0)
    first, second = sorted(p for p in SEEDS.iterdir() if p.suffix == ".txt")[:2]
    result = run(["trace", str(first), str(second), "-q", "--stage-dir", stage])
    expect(result, 2)
    assert "another corpus" in result.stderr


@needs_engine
def test_seeds_json_to_file(tmp_path: Path) -> None:
    target = tmp_path / "trace.json"
    result = run(["trace", str(SEEDS), "--format", "json", "-o", str(target)])
    expect(result, 0)
    assert result.stdout == ""
    assert [p.name for p in tmp_path.iterdir()] == ["trace.json"]
    assert len(json.loads(target.read_text(encoding="utf-8"))["documents"]) == 5


@needs_engine
def test_folder_without_documents(tmp_path: Path) -> None:
    (tmp_path / "photo.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    (tmp_path / "table.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    result = run(["trace", str(tmp_path)])
    expect(result, 2)
    assert "nothing to trace" in result.stderr or "no readable" in result.stderr


@needs_engine
def test_binary_file_among_good_ones_is_skipped(tmp_path: Path) -> None:
    folder = tmp_path / "corpus"
    shutil.copytree(SEEDS, folder)
    binary = folder / "999_image.txt"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8)
    result = run(["trace", str(folder), "--format", "json"])
    expect(result, 3)
    assert "999_image.txt" in result.stderr
    assert result.stderr.splitlines()[-1] == "1 input skipped"
    data = json.loads(result.stdout)
    assert len(data["documents"]) == 5
    assert [Path(s["path"]).name for s in data["skipped"]] == ["999_image.txt"]


@needs_engine
def test_stdin_with_text() -> None:
    article = (SEEDS / "002_7a0d0bc65cea2214.txt").read_bytes()
    result = run(
        ["trace", "-", str(SEEDS / "000_7921b6987635c44f.txt"), "--format", "json"], input=article
    )
    expect(result, 0)
    data = json.loads(result.stdout)
    assert len(data["documents"]) == 2
    assert max(d["chars"] for d in data["documents"]) > 0


# --- issue 16: the terminal at scale ------------------------------------------------------------


def test_documents_flag_lists_every_document(engine: FakeEngine, corpus: Path) -> None:
    summary = run(["trace", str(corpus)])
    expect(summary, 0)
    assert "Read 2 documents: 2 plain text; 2 with a title, 0 dated" in summary.stdout
    assert not any(line.startswith("a.txt ") for line in summary.stdout.splitlines())
    listed = run(["trace", str(corpus), "--documents"])
    expect(listed, 0)
    assert "Read 2 documents" not in listed.stdout
    row = next(line for line in listed.stdout.splitlines() if line.startswith("a.txt "))
    assert "Budget approved" in row


def test_a_misspelt_setting_gets_the_nearest_name(engine: FakeEngine, corpus: Path) -> None:
    result = run(["trace", str(corpus), "--set", "rewrite_coverge=0.7"])
    expect(result, 2)
    assert "did you mean 'rewrite_coverage'?" in result.stderr
    assert "paraphrase_similarity" not in result.stderr
    assert not engine.calls


def test_settings_lists_every_setting_with_its_value(tmp_path: Path) -> None:
    from provenance.config import field_names

    config = tmp_path / "prov.toml"
    config.write_text("[tool.provenance]\nrewrite_coverage = 0.7\n", encoding="utf-8")
    result = run(["settings", "--config", str(config)])
    expect(result, 0)
    names = [line.lstrip("# ").split(" = ")[0] for line in result.stdout.splitlines()]
    assert names == field_names()
    assert "rewrite_coverage = 0.7" in result.stdout.splitlines()
    assert 'extensions = [".txt", ' in result.stdout


def test_short_help_is_never_cut_and_every_command_has_examples() -> None:
    top = run(["--help"])
    expect(top, 0)
    commands = top.stdout.split("Commands:")[1]
    assert "..." not in commands
    assert "trace     Find reuse across files and folders, strongest first." in commands
    index = run(["index", "--help"])
    assert "..." not in index.stdout.split("Commands:")[1]
    for command in (
        ["trace"],
        ["check"],
        ["report"],
        ["settings"],
        ["index"],
        ["index", "add"],
        ["index", "list"],
        ["index", "remove"],
        ["index", "stats"],
    ):
        shown = run([*command, "--help"])
        expect(shown, 0)
        examples = shown.stdout.split("Examples:")[1]
        assert f"\n    provenance {' '.join(command)}" in examples, command


@needs_engine
def test_notes_and_check_text_show_invisible_characters(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    folder = tmp_path / "site"
    folder.mkdir()
    text = (SEEDS / "002_7a0d0bc65cea2214.txt").read_text(encoding="utf-8")
    (folder / "source.txt").write_text(text, encoding="utf-8")
    (folder / "sou\u200brce.txt").write_text(text, encoding="utf-8")
    result = run(["check", "site", "--format", "text", "-q"])
    expect(result, 1)
    assert "\u200b" not in result.stdout
    assert "site/sou\\u200brce.txt:1  duplicate of source.txt" in result.stdout
