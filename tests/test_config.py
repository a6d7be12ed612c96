"""Unit tests for the settings object and the [tool.provenance] loader."""

from __future__ import annotations

from pathlib import Path

import pytest

from provenance.config import (
    Settings,
    field_names,
    find_config,
    find_pyproject,
    from_mapping,
    load,
)
from provenance.errors import ConfigError


def test_from_mapping_coerces_command_line_strings() -> None:
    s = from_mapping(
        {"workers": "3", "rewrite-coverage": "0.7", "strip_boilerplate": "no", "exclude": "a,b"}
    )
    assert (s.workers, s.rewrite_coverage, s.strip_boilerplate) == (3, 0.7, False)
    assert s.exclude == ("a", "b")


def test_unknown_setting_names_the_known_ones() -> None:
    with pytest.raises(ConfigError, match=r"unknown setting 'rewrite_cov'.*rewrite_coverage"):
        from_mapping({"rewrite_cov": 0.5})


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("rewrite_coverage", 1.5, "between 0 and 1"),
        ("workers", -1, "must not be negative"),
        ("num_perm", 2, "at least 4"),
        ("min_evidence_chars", -1, "must not be negative"),
        ("workers", True, "expects int"),
        ("include", [1, 2], "expects"),
    ],
)
def test_bad_values_are_config_errors(key: str, value: object, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        from_mapping({key: value})


def test_replace_validates() -> None:
    assert Settings().replace(rewrite_coverage=0.5).rewrite_coverage == 0.5
    with pytest.raises(ConfigError):
        Settings().replace(paraphrase_similarity=2)


def test_every_threshold_is_a_documented_field() -> None:
    names = field_names()
    assert "paraphrase_similarity" in names and "lsh_threshold" in names
    assert len(names) == len(set(names))


def test_pyproject_found_upward_only_with_a_provenance_table(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        "[tool.provenance]\nmin_evidence_chars = 77\n", encoding="utf-8"
    )
    inner = tmp_path / "a" / "b"
    inner.mkdir(parents=True)
    (tmp_path / "a" / "pyproject.toml").write_text("[tool.other]\nx = 1\n", encoding="utf-8")
    assert find_pyproject(inner) == tmp_path / "pyproject.toml"
    assert load(start=inner).min_evidence_chars == 77


def test_load_reports_the_file_with_a_bad_setting(tmp_path: Path) -> None:
    path = tmp_path / "pyproject.toml"
    path.write_text("[tool.provenance]\nnope = 1\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"pyproject\.toml: unknown setting 'nope'"):
        load(path)


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ("exclude = " + "[" * 100_000 + "]" * 100_000, "nested too deeply"),
        ("num_perm = " + "9" * 5000, "cannot be read: Exceeds the limit"),
    ],
)
def test_load_refuses_what_the_toml_reader_cannot_hold(
    tmp_path: Path, toml: str, message: str
) -> None:
    path = tmp_path / "settings.toml"
    path.write_text(f"[tool.provenance]\n{toml}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=message) as caught:
        load(path)
    assert str(path) in str(caught.value)
    assert "set_int_max_str_digits" not in str(caught.value)  # Python's advice, not the user's


def test_find_pyproject_passes_over_one_it_cannot_read(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        "[tool.provenance]\nexclude = " + "[" * 100_000 + "]" * 100_000 + "\n", encoding="utf-8"
    )
    assert find_pyproject(tmp_path) is None


def test_config_file_with_only_top_level_keys_is_read_as_provenance_toml(tmp_path: Path) -> None:
    path = tmp_path / "prov.toml"
    path.write_text("min_evidence_chars = 55\n[check]\nmin_score = 0.4\n", encoding="utf-8")
    settings = load(path)
    assert settings.min_evidence_chars == 55
    assert settings.check_min_score == 0.4


def test_config_file_with_a_key_the_tool_does_not_know_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "prov.toml"
    path.write_text('index = "sources.db"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"prov\.toml: unknown setting 'index'"):
        load(path)


@pytest.mark.parametrize(
    ("name", "toml"),
    [
        ("pyproject.toml", '[project]\nname = "site"\n'),
        ("other.toml", "[tool.black]\nline-length = 99\n"),
        ("empty.toml", ""),
    ],
)
def test_config_file_given_with_nothing_the_tool_reads_is_an_error(
    tmp_path: Path, name: str, toml: str
) -> None:
    path = tmp_path / name
    path.write_text(toml, encoding="utf-8")
    with pytest.raises(ConfigError, match="expected settings as top-level keys") as caught:
        load(path)
    assert str(path) in str(caught.value)


def test_config_file_with_both_a_tool_table_and_top_level_keys_is_an_error(
    tmp_path: Path,
) -> None:
    path = tmp_path / "prov.toml"
    path.write_text("num_perm = 32\n[tool.provenance]\nnum_perm = 16\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"both a \[tool\.provenance\] table and top-level"):
        load(path)


def test_nearest_folder_wins_then_provenance_toml_then_dot_then_pyproject(
    tmp_path: Path,
) -> None:
    inner = tmp_path / "site" / "content"
    inner.mkdir(parents=True)
    (tmp_path / "provenance.toml").write_text("min_evidence_chars = 11\n", encoding="utf-8")
    site = tmp_path / "site"
    (site / "pyproject.toml").write_text(
        "[tool.provenance]\nmin_evidence_chars = 33\n", encoding="utf-8"
    )
    assert find_config(inner) == site / "pyproject.toml"  # nearer than ../provenance.toml
    assert load(start=inner).min_evidence_chars == 33
    (site / ".provenance.toml").write_text("min_evidence_chars = 22\n", encoding="utf-8")
    assert find_config(inner) == site / ".provenance.toml"
    (site / "provenance.toml").write_text("min_evidence_chars = 44\n", encoding="utf-8")
    assert find_config(inner) == site / "provenance.toml"
    assert load(start=inner).min_evidence_chars == 44
    (site / "pyproject.toml").write_text('[project]\nname = "x"\n', encoding="utf-8")
    (site / "provenance.toml").unlink()
    (site / ".provenance.toml").unlink()
    assert find_config(inner) == tmp_path / "provenance.toml"  # a pyproject without the table


def test_cli_config_with_top_level_keys_only_exits_2_and_says_what_it_expected(
    tmp_path: Path,
) -> None:
    from click.testing import CliRunner

    from provenance.cli import main

    (tmp_path / "a.txt").write_text("Some words of an article.\n", encoding="utf-8")
    config = tmp_path / "prov.toml"
    config.write_text("[tool.black]\nline-length = 99\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["check", "--config", str(config), str(tmp_path)])
    assert result.exit_code == 2, result.output
    assert "no [tool.provenance] table" in result.output
    assert "top-level keys" in result.output
    config.write_text('index = "sources.db"\n', encoding="utf-8")
    result = CliRunner().invoke(main, ["check", "--config", str(config), str(tmp_path)])
    assert result.exit_code == 2, result.output
    assert "unknown setting 'index'" in result.output
