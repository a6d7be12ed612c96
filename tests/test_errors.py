"""``errors``: what the library raises on purpose, and what callers can rely on."""

from __future__ import annotations

import signal

from provenance.check.errors import CheckError
from provenance.errors import ConfigError, InputError, Interrupted, ProvenanceError


def test_every_error_raised_on_purpose_is_a_provenance_error() -> None:
    for error in (ConfigError, InputError, CheckError):
        assert issubclass(error, ProvenanceError)


def test_an_input_error_names_the_file_and_the_reason() -> None:
    error = InputError("feed.jsonl:3", "not JSON; fix the line")
    assert (error.path, error.reason) == ("feed.jsonl:3", "not JSON; fix the line")
    assert str(error) == "feed.jsonl:3: not JSON; fix the line"


def test_an_interruption_is_not_swallowed_by_except_exception() -> None:
    stopped = Interrupted(signal.SIGTERM)
    assert not isinstance(stopped, Exception)
    assert isinstance(stopped, KeyboardInterrupt)
    assert (stopped.signum, stopped.name) == (signal.SIGTERM, "SIGTERM")
