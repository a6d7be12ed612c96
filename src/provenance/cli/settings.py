"""``provenance settings``: every setting, and the value a run started here would use."""

from __future__ import annotations

from pathlib import Path

import click

from provenance.cli.exits import exit_codes


@click.command(
    "settings",
    short_help="List every setting and the value runs here use.",
    epilog="""\b
Examples:
  provenance settings                      # defaults and [tool.provenance]
  provenance settings --config prov.toml
  provenance settings | grep coverage
""",
)
@click.option(
    "--config",
    "config_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="TOML file with a [tool.provenance] table. Default: the nearest pyproject.toml.",
)
@exit_codes
def settings_command(*, config_file: Path | None) -> None:
    """List every setting by name, as TOML, with the value a run started here would use
    (the defaults, then [tool.provenance]). Change one with --set NAME=VALUE or in the
    config file; each is documented in src/provenance/config.py."""
    import dataclasses
    import json

    from provenance import config
    from provenance.errors import ConfigError

    try:
        current = config.load(config_file, start=Path.cwd())
    except ConfigError as exc:
        raise click.UsageError(f"bad configuration: {exc}") from None
    for item in dataclasses.fields(current):
        value = getattr(current, item.name)
        if value is None:
            click.echo(f"# {item.name} = (not set)")
        else:
            shown = list(value) if isinstance(value, tuple) else value
            click.echo(f"{item.name} = {json.dumps(shown, ensure_ascii=False)}")
