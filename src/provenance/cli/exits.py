"""How a command ends: its exit code, and the one wrapper that turns errors into exit codes.

Exit codes of ``provenance trace``:

- **0** every input was read (whether or not any reuse was found);
- **2** usage error: a bad option or setting, a path that does not exist, an ``--output``,
  ``--html`` or ``--graph`` file that cannot be written (checked before the run; every output
  is written to a temporary file and renamed, so a failure such as a full disk leaves the old
  file as it was), stdout that cannot be written, a ``--graph`` suffix naming no known
  format, or nothing to trace (no readable documents);
- **3** the run finished but some inputs were skipped; each is named on stderr with its
  reason, followed by a count;
- **123** internal error, i.e. a bug in provenance: a one-line message; set
  ``PROVENANCE_DEBUG=1`` to see the traceback;
- **141** the reader of the output went away (``| head``), as a shell reports SIGPIPE;
- **130** / **143** interrupted by SIGINT (Ctrl-C) / SIGTERM: the workers are stopped, one
  line says so, and no output file is left half-written (see ``interruptible``).

``provenance check`` adds **1**: findings that fail the policy (see ``CHECK_EXIT_CODES_HELP``
in ``cli.check``).

Errors provenance raises on purpose (``ProvenanceError``) never show a traceback: a command
turns them into click usage errors (``usage_errors``), and ``exit_codes`` turns anything
else into 123 or 141.
"""

from __future__ import annotations

import enum
import functools
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, NoReturn

import click

from provenance.cli.messages import oneline, say


class ExitCode(enum.IntEnum):
    OK = 0
    USAGE = 2
    SKIPPED = 3
    INTERNAL = 123
    BROKEN_PIPE = 141  # 128 + SIGPIPE, as a shell reports a reader that went away


FINDINGS_EXIT = 1
"""``provenance check`` only: findings that fail the policy (``trace`` never exits 1)."""

DEBUG_ENV = "PROVENANCE_DEBUG"


def broken_pipe() -> NoReturn:
    """The reader went away (e.g. `| head`): stop quietly, keep Python from complaining again
    when it flushes stdout at exit, and say so with the exit code a shell gives SIGPIPE."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    sys.exit(ExitCode.BROKEN_PIPE)


def debug() -> bool:
    return os.environ.get(DEBUG_ENV, "").strip().lower() not in {"", "0", "false", "no", "off"}


class OutputError(click.ClickException):
    """The report could not be written (exit code 2, like the other problems with options)."""

    exit_code = ExitCode.USAGE


@contextmanager
def usage_errors() -> Iterator[None]:
    """Errors provenance raises on purpose become click usage errors (exit 2), never a
    traceback: a bad setting, an input path that cannot be read, any other ProvenanceError."""
    from provenance.errors import ConfigError, InputError, ProvenanceError

    try:
        yield
    except ConfigError as exc:
        raise click.UsageError(f"bad setting: {exc}") from None
    except InputError as exc:
        raise click.UsageError(f"{oneline(exc.path)}: {oneline(exc.reason)}") from None
    except ProvenanceError as exc:
        raise click.UsageError(oneline(str(exc))) from None


# --- signals --------------------------------------------------------------------------------

WRITTEN: list[str] = []
"""The outputs this run has begun (stdout) or finished (files): what an interrupt leaves."""


def interruptible(
    kept: Callable[[dict[str, Any]], str],
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """A command that SIGINT or SIGTERM stops cleanly: the library unwinds (its workers
    terminated, no half-written file left), then one line on stderr, ending with what
    ``kept(options)`` says is left, and exit 130 (SIGINT) or 143 (SIGTERM)."""

    def decorate(command: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(command)
        def run(**options: Any) -> Any:
            from provenance.engine import pool as workers
            from provenance.errors import Interrupted

            WRITTEN.clear()
            with workers.interruptible():
                try:
                    return command(**options)
                except Interrupted as exc:
                    say(f"provenance: interrupted ({exc.name}); {kept(options)}")
                    raise SystemExit(128 + exc.signum) from None

        return run

    return decorate


def outputs_left(_options: dict[str, Any]) -> str:
    return "output incomplete" if WRITTEN else "no output written"


# --- everything else ------------------------------------------------------------------------


def exit_codes(command: Callable[..., Any]) -> Callable[..., Any]:
    """The errors a command did not turn into a message of its own, as exit codes: click's
    (usage errors, exit 2) and interrupts pass through; a reader that went away is 141; any
    other exception is a bug, one line and 123 (its traceback with ``PROVENANCE_DEBUG=1``)."""

    @functools.wraps(command)
    def run(**options: Any) -> Any:
        try:
            return command(**options)
        except (click.ClickException, click.exceptions.Exit, click.Abort, KeyboardInterrupt):
            raise
        except BrokenPipeError:
            broken_pipe()
        except Exception as exc:
            if debug():
                raise
            internal_error(exc)

    return run


def internal_error(exc: BaseException) -> NoReturn:
    detail = oneline(str(exc))
    kind = type(exc).__name__
    say(
        f"provenance: internal error ({kind}{': ' + detail if detail else ''}); "
        f"please report it; rerun with {DEBUG_ENV}=1 for the traceback"
    )
    sys.exit(ExitCode.INTERNAL)
