"""Score a trace against the gold graph of a generated corpus (``benchmarks/generate.py``).

Pure functions on plain values, so the tests can check them without running a trace.

* **edges**: a reported relation is *right* when both documents belong to the same planted
  family (they really share text: a gold edge, or an implied one such as A-C in a chain
  A -> B -> C); it is a *false positive* otherwise. Precision = right / reported. Recall =
  gold edges reported (in either orientation) / gold edges, also per planted derivation.
* **kind**: of the gold edges found, the share reported with the gold kind (and the
  confusion counts).
* **direction**: of the gold ``source->derived`` edges found, the share oriented from the
  gold source; the rest are ``reversed``, ``undetermined`` or ``common-source``. Split by
  whether both documents are dated.
* **siblings**: of the gold ``common-source`` edges found, how they were reported.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

Reported = tuple[str, str, str, str]  # source, derived, kind, direction


def _ratio(num: int, den: int) -> float | None:
    return round(num / den, 4) if den else None


def score(
    reported: Iterable[Sequence[str]],
    docs: Mapping[str, Mapping[str, Any]],
    edges: Sequence[Mapping[str, Any]],
) -> dict[str, Any]:
    """``reported``: (source, derived, kind, direction) per relation; ``docs``: id -> gold
    record (``family``, ``date``); ``edges``: gold edges (``source``, ``derived``,
    ``kind``, ``direction``, ``plant``)."""
    relations = [tuple(r) for r in reported]
    by_pair = {frozenset((r[0], r[1])): r for r in relations}

    def family(ident: str) -> Any:
        record = docs.get(ident)
        return None if record is None else record.get("family")

    right = 0
    false_by_kind: Counter[str] = Counter()
    for source, derived, kind, _ in relations:
        fa = family(source)
        if fa is not None and fa == family(derived):
            right += 1
        else:
            false_by_kind[kind] += 1

    found = 0
    per_plant: dict[str, Counter[str]] = defaultdict(Counter)
    kinds: dict[str, Counter[str]] = defaultdict(Counter)
    direction: dict[str, Counter[str]] = {"dated": Counter(), "undated": Counter()}
    siblings: Counter[str] = Counter()
    for edge in edges:
        plant = str(edge["plant"])
        per_plant[plant]["gold"] += 1
        hit = by_pair.get(frozenset((edge["source"], edge["derived"])))
        if hit is None:
            continue
        found += 1
        per_plant[plant]["found"] += 1
        kinds[str(edge["kind"])][hit[2]] += 1
        if edge["direction"] == "source->derived":
            dated = bool(docs.get(edge["source"], {}).get("date")) and bool(
                docs.get(edge["derived"], {}).get("date")
            )
            if hit[3] == "source->derived":
                outcome = "correct" if hit[0] == edge["source"] else "reversed"
            else:
                outcome = hit[3]
            direction["dated" if dated else "undated"][outcome] += 1
            per_plant[plant]["direction_correct"] += outcome == "correct"
        elif edge["direction"] == "common-source":
            siblings[hit[3]] += 1

    kind_right = sum(c[k] for k, c in kinds.items())
    directed = direction["dated"] + direction["undated"]
    return {
        "reported": len(relations),
        "right": right,
        "false_positives": sum(false_by_kind.values()),
        "false_positives_by_kind": dict(sorted(false_by_kind.items())),
        "gold_edges": len(edges),
        "found": found,
        "precision": _ratio(right, len(relations)),
        "recall": _ratio(found, len(edges)),
        "kind_accuracy": _ratio(kind_right, found),
        "kind_confusion": {k: dict(sorted(v.items())) for k, v in sorted(kinds.items())},
        "direction_accuracy": _ratio(directed["correct"], sum(directed.values())),
        "direction_accuracy_dated": _ratio(
            direction["dated"]["correct"], sum(direction["dated"].values())
        ),
        "direction_accuracy_undated": _ratio(
            direction["undated"]["correct"], sum(direction["undated"].values())
        ),
        "direction": {k: dict(sorted(v.items())) for k, v in direction.items()},
        "siblings_common_source": _ratio(siblings["common-source"], sum(siblings.values())),
        "siblings": dict(sorted(siblings.items())),
        "per_plant": {
            plant: {
                "gold": c["gold"],
                "found": c["found"],
                "recall": _ratio(c["found"], c["gold"]),
                "direction_correct": c["direction_correct"],
            }
            for plant, c in sorted(per_plant.items())
        },
    }
