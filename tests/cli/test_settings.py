"""``provenance settings`` (``provenance.cli.settings``)."""

from __future__ import annotations

from pathlib import Path

from support.cli_runner import expect, run


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
