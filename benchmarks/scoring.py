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

For a crawl-like corpus (``benchmarks/crawl.py``, whose gold lists one edge per family
member, to its parent, not every pair), :func:`families` adds, by family size
(``SIZE_BUCKETS``): recall of those member edges; how much of each family the trace put in
one cluster (the cluster holding most of the family's members; quotation hosts left out,
since a shared quotation alone joins no cluster); and the false positives by what the two
documents share that is not a relation (an outlet's boilerplate, a stock phrase, neither).
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


SIZE_BUCKETS = ((1, "1"), (2, "2"), (10, "3-10"), (99, "11-99"), (1000, "100-1000"))


def size_bucket(size: int) -> str:
    """The family-size bucket of a family of ``size`` documents."""
    for top, name in SIZE_BUCKETS:
        if size <= top:
            return name
    return SIZE_BUCKETS[-1][1]


def families(
    reported: Iterable[Sequence[str]],
    clusters: Iterable[Sequence[str]],
    docs: Mapping[str, Mapping[str, Any]],
    edges: Sequence[Mapping[str, Any]],
) -> dict[str, Any]:
    """Scores by family size for a crawl-like gold (``docs`` records carry ``family``,
    ``family_size``, ``role``, ``outlet`` and ``stock``)."""
    pairs = {frozenset((r[0], r[1])) for r in reported}
    by_bucket: dict[str, Counter[str]] = defaultdict(Counter)
    for edge in edges:
        bucket = size_bucket(int(docs[edge["source"]]["family_size"]))
        by_bucket[bucket]["gold_edges"] += 1
        by_bucket[bucket]["found"] += frozenset((edge["source"], edge["derived"])) in pairs

    cluster_of: dict[str, int] = {}
    cluster_size: list[int] = []
    for k, cluster in enumerate(clusters):
        cluster_size.append(len(cluster))
        for ident in cluster:
            cluster_of[ident] = k
    members: dict[Any, list[str]] = defaultdict(list)
    for ident, record in docs.items():
        if record.get("family") is not None and record.get("role") != "quote-host":
            members[record["family"]].append(ident)
    for family_members in members.values():
        if len(family_members) < 2:  # the source and quotation hosts only: nothing to join
            continue
        c = by_bucket[size_bucket(int(docs[family_members[0]]["family_size"]))]
        counts = Counter(cluster_of[i] for i in family_members if i in cluster_of)
        best, together = counts.most_common(1)[0] if counts else (None, 0)
        c["families"] += 1
        c["members"] += len(family_members)
        c["in_largest_cluster"] += together
        c["whole_family_one_cluster"] += together == len(family_members)
        if best is not None:
            c["cluster_documents"] += cluster_size[best]
            c["cluster_from_family"] += together

    false_by_cause: Counter[str] = Counter()
    for r in reported:
        a, b = docs.get(r[0], {}), docs.get(r[1], {})
        if a.get("family") is not None and a.get("family") == b.get("family"):
            continue
        if a.get("outlet") is not None and a.get("outlet") == b.get("outlet"):
            cause = "same outlet"
        elif set(a.get("stock", ())) & set(b.get("stock", ())):
            cause = "stock phrase"
        else:
            cause = "neither"
        false_by_cause[cause] += 1

    within = sum(
        1
        for r in reported
        if docs.get(r[0], {}).get("family") is not None
        and docs.get(r[0], {}).get("family") == docs.get(r[1], {}).get("family")
    )
    buckets = {}
    for name in [b for _, b in SIZE_BUCKETS if b in by_bucket]:
        c = by_bucket[name]
        buckets[name] = {
            "families": c["families"],
            "gold_edges": c["gold_edges"],
            "found": c["found"],
            "edge_recall": _ratio(c["found"], c["gold_edges"]),
            "membership": _ratio(c["in_largest_cluster"], c["members"]),
            "whole_families": c["whole_family_one_cluster"],
            "cluster_purity": _ratio(c["cluster_from_family"], c["cluster_documents"]),
        }
    return {
        "by_size": buckets,
        "reported_within_families": within,
        "false_positives_by_cause": dict(sorted(false_by_cause.items())),
    }
