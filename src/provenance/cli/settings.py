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
  provenance settings                      # defaults, then the config file found
  provenance settings --config prov.toml
  provenance settings | grep coverage
""",
)
@click.option(
    "--config",
    "config_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="TOML file of settings (provenance.toml keys or a [tool.provenance] table). "
    "Default: the nearest provenance.toml, .provenance.toml or pyproject.toml with "
    "[tool.provenance], as for trace; the first line of the output names it.",
)
@exit_codes
def settings_command(*, config_file: Path | None) -> None:
    """List every setting by name, as TOML, with the value a run started here would use
    (the defaults, then the configuration file, which the first line names). Change one
    with --set NAME=VALUE or in the config file; each is documented in
    src/provenance/config.py."""
    import dataclasses
    import json

    from provenance import config
    from provenance.errors import ConfigError
    from provenance.report.visible import visible

    try:
        current = config.load(config_file, start=Path.cwd())
    except ConfigError as exc:
        raise click.UsageError(f"bad configuration: {exc}") from None
    source = config_file or config.find_config(Path.cwd())
    if source is None:
        click.echo("# no configuration file found here or above: the defaults")
    else:
        click.echo(f"# the defaults, then {visible(str(source))}")
    for item in dataclasses.fields(current):
        value = getattr(current, item.name)
        if value is None:
            click.echo(f"# {item.name} = (not set)")
        else:
            shown = list(value) if isinstance(value, tuple) else value
            click.echo(f"{item.name} = {json.dumps(shown, ensure_ascii=False)}")
