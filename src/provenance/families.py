"""Large families -> O(n) pairs: between candidates and align, a family of near-copies is
aligned as a star around its source instead of pair by pair.

A story copied by n outlets gives up to n(n-1)/2 candidate pairs, nearly all of them
between copies, and aligning them all tells little that the copies' alignments with the
source do not. Here:

* **Cores.** Documents are joined by *strong* candidate pairs only: colliding units at
  least ``STRONG_SHARE`` of the larger document's units (and at least ``STRONG_MIN``).
  Near-copies (duplicates, light edits, reordered text) are strong; a shared boilerplate
  line, a stock phrase or a quotation (one to three colliding units) never is, so two
  stories are not chained into one family through them.
* **Members.** A document outside every core joins the core it shares most with (most
  colliding units in total; ties to the core whose lowest document comes first). A core
  and the documents that joined it are a family; families of ``family_min_size`` or more
  documents are *large*; the others are aligned exactly as before.
* **Source.** A large family's source is its earliest dated core member, when the dates
  single it out: the only core member with the earliest date (undated ones come after
  every dated one). A family without one (undated, or two near-copies dated first on one
  date) is aligned pair by pair, as a small one: nothing says which member is the source,
  and among near-copies the texts cannot tell.
* **Pairs.** Every member is aligned with the source, a candidate pair or not. A core
  member with more than ``KEEP_PARTNERS`` candidate partners in its core keeps, besides
  the source, its ``KEEP_PARTNERS`` strongest there (most colliding units, then lowest
  index: a near-copy of a near-copy keeps its edge); a pair of core members is aligned
  when either keeps it. Two near-copies of one source aligned with each other tell little
  that their alignments with the source do not, and they are the n(n-1)/2 of a family:
  its core costs at most about ``n * (KEEP_PARTNERS + 1)`` alignments. Every pair with a
  document outside the cores is aligned as before: a document that reuses part of the
  story, or quotes it, shares the same few units with every copy, and which one it took
  them from (a chain: a member reusing another member) only its alignments can tell.

After the graph stage, :func:`listed` says what the result reports of each large family: the
members that the relations found connect to its source (``models.Family``); every other pair
of them is inferred related through the source.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from provenance.arrays import Groups
from provenance.config import Settings
from provenance.models import Document, Family, Relation

STRONG_SHARE = 0.5
"""A pair is strong when its colliding units are at least this share of the larger
document's units: most of both texts is the same text."""
STRONG_MIN = 4
"""...and at least this many (boilerplate or a stock phrase gives one to three)."""
KEEP_PARTNERS = 2
"""Strongest partners in its core each core member of a large family keeps beside the
source."""


@dataclass(frozen=True, slots=True)
class Planned:
    """A large family as planned: document indexes, and the pairs counted for it."""

    source: int
    members: tuple[int, ...]
    """Sorted; the source among them."""
    aligned: int
    """Pairs to align with a member (a pair of members of two families counts for the one
    whose source has the lower index)."""
    unaligned: int
    """Candidate pairs of members that are not aligned."""


@dataclass(frozen=True, slots=True)
class Plan:
    """The pairs to align, sorted, and the large families."""

    pairs: list[tuple[int, int]]
    families: tuple[Planned, ...]


def strong(collisions: int, units_a: int, units_b: int) -> bool:
    """Whether a candidate pair joins its documents into one core."""
    return collisions >= STRONG_MIN and collisions >= STRONG_SHARE * max(units_a, units_b)


def plan(
    scored: Sequence[tuple[int, int, int]],
    units: Sequence[int],
    dates: Sequence[str | None],
    settings: Settings,
) -> Plan:
    """The pairs of ``scored`` (``(a, b, colliding units)``, ``a < b``) to align, with each
    large family aligned as a star (the module's docstring), and those families.

    ``units``: each document's units; ``dates``: each document's date (ISO 8601, or None).
    With ``family_min_size`` 0, or no family that large, the pairs are those of ``scored``."""
    everything = sorted({(a, b) for a, b, _ in scored})
    minimum = settings.family_min_size
    if minimum == 0 or not scored:
        return Plan(everything, ())
    family, source, core = _families(scored, units, dates, minimum)
    if not family:
        return Plan(everything, ())
    members: dict[int, list[int]] = defaultdict(list)
    for doc, root in family.items():
        members[root].append(doc)

    # Each core member's partners in its core: (colliding units, partner).
    partners: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for a, b, c in scored:
        if a in core and b in core and family.get(a, -1) == family.get(b):
            partners[a].append((c, b))
            partners[b].append((c, a))
    kept: dict[int, set[int]] = {}
    for doc, found in partners.items():
        if len(found) > KEEP_PARTNERS:
            hub = source[family[doc]]
            others = sorted((-c, y) for c, y in found if y != hub)
            kept[doc] = {hub, *(y for _, y in others[:KEEP_PARTNERS])}

    chosen = {
        _ordered(doc, source[root])
        for root, docs in members.items()
        for doc in docs
        if doc != source[root]
    }
    dropped = []
    for a, b in everything:
        if (
            a in kept
            and b in kept
            and family[a] == family[b]
            and b not in kept[a]
            and a not in kept[b]
        ):
            dropped.append((a, b))  # two core members of one family, neither keeping it
        else:
            chosen.add((a, b))
    pairs = sorted(chosen)

    def counted(a: int, b: int) -> int:
        roots = [family[d] for d in (a, b) if d in family]
        return min(roots, key=lambda r: source[r])

    aligned: dict[int, int] = defaultdict(int)
    unaligned: dict[int, int] = defaultdict(int)
    for a, b in pairs:
        if a in family or b in family:
            aligned[counted(a, b)] += 1
    for a, b in dropped:
        unaligned[counted(a, b)] += 1
    planned = sorted(
        (
            Planned(source[root], tuple(sorted(docs)), aligned[root], unaligned[root])
            for root, docs in members.items()
        ),
        key=lambda f: f.source,
    )
    return Plan(pairs, tuple(planned))


def _ordered(x: int, y: int) -> tuple[int, int]:
    return (x, y) if x < y else (y, x)


def _families(
    scored: Sequence[tuple[int, int, int]],
    units: Sequence[int],
    dates: Sequence[str | None],
    minimum: int,
) -> tuple[dict[int, int], dict[int, int], set[int]]:
    """The large family of each document in one (document -> its family's lowest core
    document: the module's docstring, cores of strong pairs, others joining the core they
    share most with), each large family's source, and the core members of large families.
    Only families with a source count."""
    groups = Groups()
    for a, b, c in scored:
        if strong(c, units[a], units[b]):
            groups.join(a, b)
    core = {doc: groups.root(doc) for doc in groups.parent}
    core.update({r: r for r in set(core.values())})
    shared: dict[int, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for a, b, c in scored:
        if a in core and b not in core:
            shared[b][core[a]] += c
        elif b in core and a not in core:
            shared[a][core[b]] += c
    family = dict(core)
    for doc, by_core in shared.items():
        family[doc] = min(by_core, key=lambda r: (-by_core[r], r))
    sizes: dict[int, int] = defaultdict(int)
    for r in family.values():
        sizes[r] += 1
    cores: dict[int, list[int]] = defaultdict(list)
    for doc, r in core.items():
        if sizes[r] >= minimum:
            cores[r].append(doc)
    source = {r: s for r, docs in cores.items() if (s := _source(docs, dates)) is not None}
    large = {doc: r for doc, r in family.items() if r in source}
    return large, source, {doc for doc, r in core.items() if r in source}


def _source(core: Sequence[int], dates: Sequence[str | None]) -> int | None:
    """The member of ``core`` dated earlier than every other one, if any (ISO 8601 dates
    sort as text)."""
    dated = sorted((date, d) for d in core if (date := dates[d]) is not None)
    if not dated or (len(dated) > 1 and dated[1][0] == dated[0][0]):
        return None
    return dated[0][1]


def listed(
    planned: Sequence[Planned], relations: Sequence[Relation], documents: Sequence[Document]
) -> tuple[Family, ...]:
    """What the result reports of each large family: the members that relations between
    members connect to the source (relations other than ``quotes``, which are no evidence
    of reuse, as for clusters; families left with one member are not listed), and how many
    pairs of them no relation lists (inferred related through the source)."""
    if not planned:
        return ()
    family = {d: k for k, fam in enumerate(planned) for d in fam.members}
    index = {d.id: k for k, d in enumerate(documents)}
    links: dict[int, set[int]] = defaultdict(set)  # reuse between members of one family
    pairs: dict[int, set[int]] = defaultdict(set)  # any relation between them
    for r in relations:
        a, b = index[r.source], index[r.derived]
        if a in family and family.get(b) == family[a]:
            pairs[a].add(b)
            pairs[b].add(a)
            if r.kind != "quotes":
                links[a].add(b)
                links[b].add(a)
    out = []
    for fam in planned:
        reached = {fam.source}
        todo = [fam.source]
        while todo:
            for nxt in links[todo.pop()] - reached:
                reached.add(nxt)
                todo.append(nxt)
        if len(reached) < 2:
            continue
        listed_pairs = sum(len(pairs[d] & reached) for d in reached) // 2
        size = len(reached)
        out.append(
            Family(
                source=documents[fam.source].id,
                members=tuple(sorted(documents[d].id for d in reached)),
                aligned_pairs=fam.aligned,
                unaligned_pairs=fam.unaligned,
                inferred_pairs=size * (size - 1) // 2 - listed_pairs,
            )
        )
    return tuple(out)
