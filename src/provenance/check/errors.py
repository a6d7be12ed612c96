"""The error of the check's own inputs (git, the baseline file), a usage error to the CLI."""

from __future__ import annotations

from provenance.errors import ProvenanceError


class CheckError(ProvenanceError):
    """A problem with the check's own inputs: git, the baseline file."""
