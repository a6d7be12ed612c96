"""``provenance settings`` (``provenance.cli.settings``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from support.cli_runner import expect, run


def test_settings_lists_every_setting_with_its_value(tmp_path: Path) -> None:
    from provenance.config import field_names

    config = tmp_path / "prov.toml"
    config.write_text("[tool.provenance]\nrewrite_coverage = 0.7\n", encoding="utf-8")
    result = run(["settings", "--config", str(config)])
    expect(result, 0)
    first, *lines = result.stdout.splitlines()
    assert first == f"# the defaults, then {config}"
    names = [line.lstrip("# ").split(" = ")[0] for line in lines]
    assert names == field_names()
    assert "rewrite_coverage = 0.7" in result.stdout.splitlines()
    assert 'extensions = [".txt", ' in result.stdout


def test_settings_names_the_configuration_file_found_or_says_there_is_none(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = tmp_path / "site"
    (site / "posts").mkdir(parents=True)
    monkeypatch.chdir(site / "posts")
    result = run(["settings"])
    expect(result, 0)
    assert result.stdout.splitlines()[0] == (
        "# no configuration file found here or above: the defaults"
    )
    (site / "provenance.toml").write_text("rewrite_coverage = 0.6\n", encoding="utf-8")
    result = run(["settings"])
    expect(result, 0)
    assert result.stdout.splitlines()[0] == f"# the defaults, then {site / 'provenance.toml'}"
    assert "rewrite_coverage = 0.6" in result.stdout.splitlines()
