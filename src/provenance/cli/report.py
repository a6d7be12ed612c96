"""``provenance report``: turn a saved JSON trace into the HTML report."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from provenance.cli.exits import exit_codes
from provenance.cli.messages import oneline, say
from provenance.cli.options import check_extra_outputs
from provenance.cli.output import stdout, write_extras, write_text

REPORT_EXIT_CODES_HELP = """\b
Exit codes:
  0    the report was written
  2    usage error: TRACE is not a provenance JSON trace (or breaks
       its contract), an output cannot be written (a file is left as
       it was if writing it fails), or a --graph suffix is unknown
  123  internal error (a bug; rerun with PROVENANCE_DEBUG=1 for the
       traceback)
"""


@click.command(
    short_help="Turn a saved JSON trace into the HTML report.",
    epilog="""\b
Examples:
  provenance trace corpus/ --format json --include-text -o trace.json
  provenance report trace.json -o report.html
  provenance report trace.json -o - --title "Week 12" > report.html
"""
    + "\n"
    + REPORT_EXIT_CODES_HELP,
)
@click.argument("trace_file", metavar="TRACE", type=click.Path(dir_okay=False, allow_dash=True))
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The HTML file to write ('-' for stdout).",
)
@click.option(
    "--graph",
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="FILE",
    help="Also write the derivation graph to FILE (.graphml, .gexf, .dot/.gv or .json).",
)
@click.option("--title", metavar="TEXT", help="The report's title.")
@exit_codes
def report(*, trace_file: str, output: Path, graph: Path | None, title: str | None) -> None:
    """Render a saved JSON trace (from `provenance trace --format json`, or the JSON of
    `provenance check --format json`, whose trace is rendered) as the HTML report.

    The passages can only be shown if the trace holds the documents' text: save it with
    `--include-text`. Without it the report still shows the graph, the relations and where
    each passage lies (character offsets), and says so.
    """
    from provenance import strictjson
    from provenance.errors import ProvenanceError
    from provenance.report import html as html_report
    from provenance.report import jsonout

    check_extra_outputs(None, graph, output)
    try:
        raw = sys.stdin.buffer.read() if trace_file == "-" else Path(trace_file).read_bytes()
    except OSError as exc:
        raise click.BadParameter(
            f"cannot read {oneline(trace_file)}: {exc.strerror or exc}", param_hint="TRACE"
        ) from None
    try:
        data = strictjson.loads(raw)
        if (
            isinstance(data, dict)
            and "findings" in data
            and "checked" in data
            and isinstance(data.get("trace"), dict)
        ):
            data = data["trace"]  # `provenance check --format json`: render its trace
        result = jsonout.from_dict(data)
        page = html_report.render(result, title=title)
    except (ValueError, ProvenanceError) as exc:
        raise click.BadParameter(
            f"{oneline(trace_file)} is not a provenance JSON trace ({oneline(str(exc))}); "
            "make one with `provenance trace DIR --format json --include-text -o TRACE`",
            param_hint="TRACE",
        ) from None
    missing = html_report.missing_text(result)
    if missing:
        say(
            f"note: {oneline(trace_file)} holds no text for {len(missing)} document"
            f"{'' if len(missing) == 1 else 's'} (saved without --include-text): their "
            "passages are shown by character offsets only"
        )
    if str(output) == "-":
        with stdout():
            click.echo(page, nl=False)
    else:
        write_text(output, page)
    write_extras(result, html=None, graph=graph, title=title)
