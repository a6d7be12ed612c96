"""The ``provenance`` command: parse options, build ``Settings``, call the library, render, exit.

One module per command (``trace``, ``check``, ``index``, ``report``, ``settings``); what they
share: ``options`` (the corpus options and the ``Settings`` they build, output files checked
before a run), ``output`` (writing files and stdout, progress), ``messages`` (stderr) and
``exits`` (exit codes, and the one wrapper that turns errors into them). Every command
imports the library inside its body, so ``--help`` and ``--version`` load none of it.
"""

from __future__ import annotations

import click

from provenance._version import __version__
from provenance.cli import check, index, report, settings, trace

__all__ = ["main"]


@click.group(
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
    epilog="Run 'provenance trace --help' for the options and exit codes.",
)
@click.option(
    "-V",
    "--version",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=lambda ctx, _param, value: _show_version(ctx, value),
    help="Show the version and the active text-pass path, and exit.",
)
def main() -> None:
    """Find copied and paraphrased passages across articles, and who derived from whom."""


def _show_version(ctx: click.Context, value: bool) -> None:
    """``--version``: the version, and whether the compiled kernels or pure Python run
    (``provenance.kernels`` imports nothing heavy)."""
    if not value or ctx.resilient_parsing:
        return
    from provenance import kernels

    click.echo(f"provenance, version {__version__}\ntext pass: {kernels.active()}")
    ctx.exit()


main.add_command(trace.trace)
main.add_command(check.check)
main.add_command(index.index)
main.add_command(report.report)
main.add_command(settings.settings_command)
