"""Which implementation of the fingerprint text pass runs: the compiled kernels or pure Python.

``provenance._kernels`` (C, built at install time when a compiler is present) does the
innermost loops of ``text.sentence_terms`` and of ``fingerprint``'s units and MinHash; the
pure-Python functions beside each call are the reference, give the same results (tests
compare them), and run when the extension is missing or ``PROVENANCE_PURE`` is set to
anything but ``""`` or ``"0"``. Importing this module imports nothing heavy, so
``provenance --version`` can say which path is active.
"""

from __future__ import annotations

import importlib
import os
from types import ModuleType

PURE_VARIABLE = "PROVENANCE_PURE"
INTERFACE = 1
"""The interface of ``_kernels.c`` this code calls (its ``INTERFACE``): an extension built
from another version of it (an editable install not rebuilt since) is not used."""


def _forced_pure() -> bool:
    return os.environ.get(PURE_VARIABLE, "") not in ("", "0")


def _import() -> ModuleType | None:
    try:
        return importlib.import_module("provenance._kernels")
    except ImportError:  # installed without a C compiler: the pure path
        return None


def _load() -> ModuleType | None:
    if _forced_pure():
        return None
    module = _import()
    if module is None or getattr(module, "INTERFACE", None) != INTERFACE:
        return None
    return module


compiled = _load()
"""The compiled kernels module, or None on the pure path."""


def active() -> str:
    """Which path runs, for ``--version`` and the benchmarks: why, when it is the pure one."""
    if compiled is not None:
        return "compiled kernels (C)"
    if _forced_pure():
        return f"pure Python ({PURE_VARIABLE} is set)"
    if _import() is not None:
        return "pure Python (the compiled kernels are out of date: reinstall to rebuild them)"
    return "pure Python (the compiled kernels are not installed)"
