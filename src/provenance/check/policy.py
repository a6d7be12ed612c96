"""Which relations are findings, and each finding's status: the policy of ``provenance check``.

**Findings** are the relations (other than ``quotes``) in which a checked document is the
derived side, or is one side of a duplicate. When the engine cannot order a pair
(``undetermined`` or ``common-source``) and only one side is checked, the other side (an
archived document, or one the change did not touch) counts as published first: the checked
document is the derived side. Two checked documents that the engine cannot order give a
finding only when they are (near-)duplicates, reported on the second id.

Each finding gets one **status**, first match wins:

- ``attributed``: the checked document declares the other one as its source in front matter
  (``check_attribution_keys``: ``source``, ``canonical_url``, ``via`` ...), matched by URL,
  id, file name or title. Reported, never failing.
- ``allowed``: its kind is not in ``check_fail_on``, or its coverage of the checked document
  or its score is below ``check_min_coverage`` / ``check_min_score``. Reported, not failing.
- ``baselined``: the pair (checked id, other id) is in the baseline file. Not failing.
- ``failing``: everything else; the run fails (exit code 1).
"""

from __future__ import annotations

import re
from collections.abc import Collection
from pathlib import Path

from provenance.config import Settings
from provenance.models import Document, Relation, Status

INDEX_PREFIX = "index:"
"""Ids of archived documents in a check run start with this, so they never clash with the
ids of the documents given on the command line."""


def orient(relation: Relation, checked: Collection[str]) -> tuple[str, str] | None:
    """``(checked id, other id)`` when ``relation`` is a finding (see the module doc)."""
    if relation.kind == "quotes":
        return None
    source_checked = relation.source in checked
    derived_checked = relation.derived in checked
    duplicate = relation.kind in ("duplicate", "near-duplicate")
    if relation.direction == "source->derived":
        if derived_checked:
            return relation.derived, relation.source
        if source_checked and relation.kind == "duplicate":
            return relation.source, relation.derived
        return None
    if source_checked and derived_checked:
        return (relation.derived, relation.source) if duplicate else None
    if derived_checked:
        return relation.derived, relation.source
    if source_checked:
        return relation.source, relation.derived
    return None


def judge(
    relation: Relation,
    mine: Document,
    other: Document,
    settings: Settings,
    baseline: Collection[tuple[str, str]],
) -> tuple[Status, str]:
    """The finding's status and the reason for it (see the module doc)."""
    declared = attributed_to(mine, other)
    if declared is not None:
        return "attributed", f"declares its source: {declared}"
    if relation.kind not in settings.check_fail_on:
        return "allowed", f"{relation.kind} is not in check_fail_on"
    coverage = (
        relation.coverage_derived if relation.derived == mine.id else relation.coverage_source
    )
    if coverage < settings.check_min_coverage:
        return "allowed", (
            f"coverage {coverage:.0%} is below check_min_coverage {settings.check_min_coverage:.0%}"
        )
    if relation.score < settings.check_min_score:
        return "allowed", (
            f"score {relation.score:.2f} is below check_min_score {settings.check_min_score:.2f}"
        )
    if (mine.id, other.id) in baseline:
        return "baselined", "accepted in the baseline"
    return "failing", f"{relation.kind} of {other.id}"


# --- attribution ----------------------------------------------------------------------------

_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*://", re.IGNORECASE)


def normalize_reference(value: str) -> str:
    """A declared source or a document's URL/id/title in a comparable form: case and
    surrounding space folded; URLs without scheme, ``www.``, fragment or trailing slash."""
    text = " ".join(value.split()).casefold()
    if _SCHEME.match(text) or text.startswith("www."):
        text = _SCHEME.sub("", text).split("#", 1)[0]
        text = text.removeprefix("www.").rstrip("/")
    return text


def _references(doc: Document) -> set[str]:
    refs = {doc.id, doc.id.removeprefix(INDEX_PREFIX), doc.path}
    if doc.path not in ("", "-"):
        name = Path(doc.path.split("#", 1)[0])
        refs.update({name.name, name.stem})
    if doc.url:
        refs.add(doc.url)
    if doc.title:
        refs.add(doc.title)
    return {normalize_reference(r) for r in refs if r.strip()}


def attributed_to(mine: Document, other: Document) -> str | None:
    """The declared source of ``mine`` that names ``other``, if any."""
    refs = _references(other)
    for declared in mine.declared_sources:
        if normalize_reference(declared) in refs:
            return declared
    return None
