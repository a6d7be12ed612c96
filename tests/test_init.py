"""The public API of ``provenance``: every name there, and imported only when first used."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

import provenance

HEAVY = ("datasketch", "trafilatura", "networkx", "numpy", "scipy")
"""Dependencies that take long to import and that ``--help`` and ``--version`` never need."""


def _imported_after(code: str) -> list[str]:
    """The ``HEAVY`` modules loaded once ``code`` has run in a fresh interpreter."""
    probe = (
        f"{code}\nimport json, sys\nprint(json.dumps([m for m in {HEAVY!r} if m in sys.modules]))"
    )
    proc = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    return list(json.loads(proc.stdout.strip().splitlines()[-1]))


def test_importing_the_package_loads_no_heavy_dependency() -> None:
    assert _imported_after("import provenance; provenance.__version__") == []


def test_every_public_name_resolves() -> None:
    from provenance.check import check
    from provenance.config import Settings
    from provenance.errors import ProvenanceError
    from provenance.models import TraceResult
    from provenance.pipeline import trace

    assert provenance.trace is trace
    assert provenance.Settings is Settings
    assert provenance.ProvenanceError is ProvenanceError
    assert provenance.TraceResult is TraceResult
    assert provenance.check.check is check
    for name in provenance.__all__:
        assert getattr(provenance, name) is not None
    assert set(provenance.__all__) <= set(dir(provenance))


def test_an_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no attribute 'nothing'"):
        provenance.nothing  # noqa: B018 -- the lookup is the test
    assert not hasattr(provenance, "nothing")


def test_the_version_has_one_home() -> None:
    from provenance._version import __version__

    assert provenance.__version__ == __version__
