"""Errors raised by the library. Only ``cli.py`` turns them into messages and exit codes."""

from __future__ import annotations


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
