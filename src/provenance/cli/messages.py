"""Messages on stderr, and names from the corpus made safe to show in them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from provenance.models import Skipped, TraceResult


def say(message: str) -> None:
    click.echo(message, err=True)


def visible(name: str) -> str:
    """A name or title from the corpus for people to read: invisible, bidi and control
    characters shown as escapes (``report.visible``), so two names never look alike."""
    from provenance.report.visible import visible as escaped

    return escaped(name)


def oneline(text: str) -> str:
    """Untrusted text (paths, reasons) made safe for one line of stderr."""
    from provenance.report.terminal import sanitize

    return sanitize(text, oneline=True)


def report_notes(result: TraceResult) -> None:
    for note in result.notes:
        say(f"note: {visible(note)}")


def report_skipped(skipped: Sequence[Skipped]) -> None:
    """Each skipped input on its own stderr line with the reason, then the count."""
    for item in skipped:
        say(f"skipped {visible(item.path)}: {oneline(item.reason)}")
    if skipped:
        count = len(skipped)
        say(f"{count} input{'' if count == 1 else 's'} skipped")
