"""provenance: find copied and paraphrased passages across articles, and who derived from whom.

The public API. Names are imported on first use (module ``__getattr__``), so ``import
provenance`` and the command line's ``--help`` and ``--version`` stay fast: the engine
(``trace``), the CI gate (``check``, the ``provenance.check`` package, whose ``check()``
runs a check) and their dependencies load only when a name needs them.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from provenance._version import __version__

if TYPE_CHECKING:
    from provenance import check
    from provenance.config import Settings
    from provenance.errors import ConfigError, InputError, ProvenanceError
    from provenance.models import Document, Passage, Relation, Span, TraceResult
    from provenance.pipeline import trace

_LAZY = {
    "ConfigError": "provenance.errors",
    "Document": "provenance.models",
    "InputError": "provenance.errors",
    "Passage": "provenance.models",
    "ProvenanceError": "provenance.errors",
    "Relation": "provenance.models",
    "Settings": "provenance.config",
    "Span": "provenance.models",
    "TraceResult": "provenance.models",
    "trace": "provenance.pipeline",
}
"""Public name -> the module that defines it."""

__all__ = [
    "ConfigError",
    "Document",
    "InputError",
    "Passage",
    "ProvenanceError",
    "Relation",
    "Settings",
    "Span",
    "TraceResult",
    "__version__",
    "check",
    "trace",
]


def __getattr__(name: str) -> Any:
    if name == "check":  # the subpackage; importing it binds it here
        return importlib.import_module("provenance.check")
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'provenance' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # looked up once
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
