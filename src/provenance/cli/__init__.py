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
@click.version_option(__version__, "-V", "--version", prog_name="provenance")
def main() -> None:
    """Find copied and paraphrased passages across articles, and who derived from whom."""


main.add_command(trace.trace)
main.add_command(check.check)
main.add_command(index.index)
main.add_command(report.report)
main.add_command(settings.settings_command)
