"""The baseline file: findings accepted once (``--write-baseline``), which then no longer fail."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from provenance import strictjson
from provenance.check.errors import CheckError
from provenance.models import Finding

BASELINE_VERSION = 1


def baseline_json(findings: Iterable[Finding]) -> str:
    """The baseline file for ``findings``: accepted (checked, other) pairs, sorted."""
    entries = sorted({(f.checked, f.other, f.kind) for f in findings})
    data = {
        "version": BASELINE_VERSION,
        "tool": "provenance",
        "findings": [{"checked": c, "other": o, "kind": k} for c, o, k in entries],
    }
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def load_baseline(path: str | Path) -> frozenset[tuple[str, str]]:
    """The accepted (checked id, other id) pairs of a baseline file."""
    path = Path(path)
    try:
        data: Any = strictjson.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CheckError(
            f"baseline {path} does not exist; create it with --write-baseline {path}"
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise CheckError(f"cannot read baseline {path}: {exc}") from None
    except json.JSONDecodeError as exc:
        raise CheckError(f"baseline {path} is not JSON ({exc}); recreate it") from None
    except ValueError as exc:  # strictjson: NaN, a 5,000-digit integer, nesting too deep
        raise CheckError(
            f"baseline {path} is not a provenance baseline ({exc}); "
            "recreate it with --write-baseline"
        ) from None
    version = data.get("version") if isinstance(data, dict) else None
    if type(version) is not int or version != BASELINE_VERSION:  # ``true == 1``: not a version
        raise CheckError(
            f"baseline {path} is not a provenance baseline of version {BASELINE_VERSION}; "
            "recreate it with --write-baseline"
        )
    pairs = set()
    entries = data.get("findings")
    if not isinstance(entries, list):
        raise CheckError(f"baseline {path}: 'findings' should be a list")
    for k, entry in enumerate(entries):
        if not (
            isinstance(entry, dict)
            and isinstance(entry.get("checked"), str)
            and isinstance(entry.get("other"), str)
        ):
            raise CheckError(f"baseline {path}: findings[{k}] needs 'checked' and 'other' ids")
        pairs.add((entry["checked"], entry["other"]))
    return frozenset(pairs)
