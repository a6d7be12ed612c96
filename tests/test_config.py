"""Unit tests for the settings object and the [tool.provenance] loader."""

from __future__ import annotations

from pathlib import Path

import pytest

from provenance.config import Settings, field_names, find_pyproject, from_mapping, load
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
