"""``json.loads`` for files provenance reads back (saved traces, baselines): what plain
``json.loads`` accepts or dies on in ways no contract allows becomes one ``ValueError`` that
says what is wrong: ``NaN``/``Infinity`` (not JSON), a number too large for a float,
an integer longer than Python converts (4,300 digits), nesting deeper than the parser's
recursion limit.
"""

from __future__ import annotations

import json
import math
from typing import Any

__all__ = ["MAX_INT_DIGITS", "loads"]

MAX_INT_DIGITS = 4300
"""Longest integer read (Python's default limit of integer-string conversion)."""


def _constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def _float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"the number {text[:40]} is too large")
    return value


def _int(text: str) -> int:
    digits = len(text.lstrip("-"))
    if digits > MAX_INT_DIGITS:
        raise ValueError(f"an integer of {digits:,} digits (at most {MAX_INT_DIGITS:,} are read)")
    return int(text)


def loads(text: str | bytes) -> Any:
    """The JSON value of ``text``. Raises ``ValueError`` (``json.JSONDecodeError`` for bad
    syntax) with a message fit for a user."""
    try:
        return json.loads(text, parse_constant=_constant, parse_float=_float, parse_int=_int)
    except RecursionError:
        raise ValueError("nested too deeply (arrays or objects inside one another)") from None
