"""provenance: find copied and paraphrased passages across articles, and who derived from whom."""

from __future__ import annotations

from provenance.config import Settings
from provenance.errors import ConfigError, InputError, ProvenanceError
from provenance.models import Document, Passage, Relation, Span, TraceResult
from provenance.pipeline import trace

__version__ = "0.1.0"

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
    "trace",
]
