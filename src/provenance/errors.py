"""Errors raised by the library. Only ``cli/`` (``cli/exits.py``) turns them into messages and
exit codes."""

from __future__ import annotations

import signal


class ProvenanceError(Exception):
    """Base class of every error provenance raises on purpose."""


class ConfigError(ProvenanceError):
    """A setting has a bad value (from options, ``[tool.provenance]`` or the API)."""


class InputError(ProvenanceError):
    """One input could not be read. The run skips it and carries on.

    ``path`` names the file (or ``file:line`` for a JSONL record); ``reason`` says what is
    wrong and what to do about it.
    """

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


class Interrupted(KeyboardInterrupt):
    """The run was stopped by a signal (SIGINT, SIGTERM): raised in the main thread by the
    handler the command line installs, so every ``finally`` runs (worker processes are
    terminated, temporary files removed) before ``cli/exits.py`` turns it into exit 128 + signal.

    A ``KeyboardInterrupt``, so ``except Exception`` does not swallow it."""

    def __init__(self, signum: int) -> None:
        self.signum = signum
        self.name = signal.Signals(signum).name
        super().__init__(self.name)
