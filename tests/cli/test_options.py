"""Shared options (``provenance.cli.options``): settings from the config, ``--set`` and named
options; output files checked before the run."""

from __future__ import annotations

from pathlib import Path

import pytest

from provenance.config import Settings
from support.cli_runner import FakeEngine, expect, run


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


def test_a_misspelt_setting_gets_the_nearest_name(engine: FakeEngine, corpus: Path) -> None:
    result = run(["trace", str(corpus), "--set", "rewrite_coverge=0.7"])
    expect(result, 2)
    assert "did you mean 'rewrite_coverage'?" in result.stderr
    assert "paraphrase_similarity" not in result.stderr
    assert not engine.calls


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
