"""Plain, frozen values shared by every stage, and the findings of ``provenance check``. The
only module all stages (and every report) import."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

PassageKind = Literal["verbatim", "edited", "paraphrase", "quote"]
RelationKind = Literal["duplicate", "near-duplicate", "rewrite", "partial", "quotes"]
Direction = Literal["source->derived", "undetermined", "common-source"]

PASSAGE_KINDS: tuple[PassageKind, ...] = ("verbatim", "edited", "paraphrase", "quote")
RELATION_KINDS: tuple[RelationKind, ...] = (
    "duplicate",
    "near-duplicate",
    "rewrite",
    "partial",
    "quotes",
)
DIRECTIONS: tuple[Direction, ...] = ("source->derived", "undetermined", "common-source")
DIRECTION_REASON_TEXT: dict[str, str] = {
    "dates": "the source is dated earlier",
    "wire-markers": "the source is agency copy: wire format or an agency credit",
    "source-of-others": "the source explains what other documents share with the derived one",
    "containment": "more of the derived text than of the source is shared with the other",
    "common-source": "a common source explains what the two share",
    "near-duplicates": "near-duplicates with nothing to order them",
    "insufficient": "no evidence of which came first",
}
"""Each ``Relation.direction_reason``, in words for reports."""
DIRECTION_REASONS: tuple[str, ...] = tuple(DIRECTION_REASON_TEXT)


EXCERPT_CHARS = 120
"""Length of a ``Stripped`` excerpt."""


@dataclass(frozen=True, slots=True)
class Stripped:
    """Something ingest removed from a document because it is not the article."""

    kind: str  # front-matter | byline | dateline | furniture | comments | wire-header | ...
    chars: int
    excerpt: str

    @classmethod
    def of(cls, kind: str, removed: str, shown: str | None = None) -> Stripped:
        """The record of ``removed``: its size, and the start of ``shown`` (default: of
        ``removed`` itself) as one line of at most ``EXCERPT_CHARS`` characters."""
        excerpt = " ".join((removed if shown is None else shown).split())
        if len(excerpt) > EXCERPT_CHARS:
            excerpt = excerpt[: EXCERPT_CHARS - 1].rstrip() + "…"
        return cls(kind, len(removed), excerpt)


@dataclass(frozen=True, slots=True)
class Document:
    """One article. ``text`` is the extracted text every span points into."""

    id: str
    path: str
    text: str
    title: str | None = None
    date: str | None = None  # ISO 8601, as precise as the input said
    author: str | None = None
    url: str | None = None
    format: str = "txt"
    stripped: tuple[Stripped, ...] = ()
    declared_sources: tuple[str, ...] = ()
    """Sources the document itself declares (front matter such as ``source``,
    ``canonical_url``, ``via``): ``provenance check`` treats reuse of them as attributed."""
    agency: str | None = None
    """The news agency the document credits as its origin (``PA``, ``Reuters``, ``APP``),
    from its byline, dateline or credit line (``wire.agency_credit``)."""
    wire_copy: bool = False
    """The document came in agency wire format (time-stamped header, ``<`` paragraph ends):
    agency copy as sent to newsrooms, not a paper's article."""
    source_file: str | None = field(default=None, compare=False)
    """The file the document was read from (for a record of a JSON Lines file or table, or a
    page of a web archive: that file), where ``path`` is what the user is shown
    (``file.jsonl:LINE``, ``<stdin>``). None for standard input and for documents not read
    from a local file. Not part of the JSON output."""


@dataclass(frozen=True, slots=True)
class Span:
    """Half-open character range ``[start, end)`` in a document's extracted text."""

    start: int
    end: int

    def __post_init__(self) -> None:
        if not 0 <= self.start <= self.end:
            raise ValueError(f"bad span [{self.start}, {self.end})")

    def __len__(self) -> int:
        return self.end - self.start


@dataclass(frozen=True, slots=True)
class Passage:
    """A stretch of one document aligned with a stretch of another.

    ``a`` lies in the pair's first document and ``b`` in its second (see ``Alignment``);
    a ``Relation`` stores them oriented as ``source`` and ``derived``.
    """

    a: Span
    b: Span
    kind: PassageKind
    similarity: float


@dataclass(frozen=True, slots=True)
class Alignment:
    """Every aligned passage between documents ``a`` and ``b`` (indexes into the corpus)."""

    a: int
    b: int
    passages: tuple[Passage, ...]
    coverage_a: float
    coverage_b: float
    phrases_a: float = 0.0
    """Share of ``a``'s tokens, outside its quotations, inside exact runs of at least
    ``phrase_tokens`` tokens shared with ``b``: how much of it is made of the other's phrases,
    passages or not (reuse that rewrites around the wire's phrases leaves little else)."""
    phrases_b: float = 0.0


@dataclass(frozen=True, slots=True)
class Relation:
    """A classified, directed pair. ``source``/``derived`` are document ids; for the
    ``undetermined`` and ``common-source`` directions they are in id order."""

    source: str
    derived: str
    kind: RelationKind
    direction: Direction
    confidence: float
    score: float
    coverage_source: float
    coverage_derived: float
    passages: tuple[Passage, ...]  # oriented: ``a`` in source, ``b`` in derived
    direction_reason: str = "insufficient"
    """What settled the direction (``DIRECTION_REASONS``): ``dates``, ``wire-markers``,
    ``source-of-others``, ``containment``; ``common-source`` for siblings; ``near-duplicates``
    or ``insufficient`` when undetermined."""


@dataclass(frozen=True, slots=True)
class Skipped:
    """An input that could not be read, and why."""

    path: str
    reason: str


@dataclass(frozen=True, slots=True)
class Family:
    """A large family of documents (``family_min_size`` or more planned members), aligned as
    a star around its source instead of pair by pair (``families.py``).

    Every pair of ``members`` that no relation of the result lists is *inferred* related
    through ``source``: each member is linked to the source by the relations listed."""

    source: str
    """Id of the family's source: the near-copy dated earlier than every other one."""
    members: tuple[str, ...]
    """Ids of the members, sorted; the source among them. Each is connected to the source by
    listed relations (other than ``quotes``) between members."""
    aligned_pairs: int
    """Document pairs with a member that were aligned (a pair of members of two families
    counts for the one whose source comes first)."""
    unaligned_pairs: int
    """Candidate pairs of members that were not aligned (their relation is inferred)."""
    inferred_pairs: int
    """Pairs of members that no relation lists: related through the source, not measured."""

    @property
    def size(self) -> int:
        return len(self.members)


@dataclass(frozen=True, slots=True)
class TraceResult:
    documents: tuple[Document, ...]
    relations: tuple[Relation, ...]
    clusters: tuple[tuple[str, ...], ...]
    skipped: tuple[Skipped, ...] = ()
    notes: tuple[str, ...] = ()
    """Resource limits the run hit (each note names the setting); not part of the JSON."""
    derived_from: dict[str, tuple[str, ...]] = field(default_factory=dict, hash=False)
    """For each document that derives from others, its sources (ids), strongest first: the
    source that explains the most of its text first."""
    timings: dict[str, float] = field(default_factory=dict, compare=False, hash=False)
    families: tuple[Family, ...] = ()
    """Large families aligned as stars around their source (``Family``), in the order of
    their sources' document index."""


# --- provenance check: findings and their status ---------------------------------------------

Status = Literal["failing", "baselined", "attributed", "allowed"]
STATUSES: tuple[Status, ...] = ("failing", "baselined", "attributed", "allowed")
"""The statuses of a finding, in the order reports list them (see ``provenance.check``)."""


@dataclass(frozen=True, slots=True)
class Finding:
    """A relation in which a checked document reuses another one."""

    checked: str
    """Id of the checked document."""
    other: str
    """Id of the document it reuses (``index:ID`` for an archived one)."""
    relation: Relation
    status: Status
    reason: str
    """Why the status, in a few words."""
    path: str
    """The checked document's path, as found."""
    line: int
    """1-based line, in the checked file, where the first reused passage starts."""
    end_line: int

    @property
    def checked_is_derived(self) -> bool:
        return self.relation.derived == self.checked

    @property
    def kind(self) -> str:
        return self.relation.kind

    @property
    def coverage(self) -> float:
        """Share of the checked document's words that are reused."""
        r = self.relation
        return r.coverage_derived if self.checked_is_derived else r.coverage_source

    @property
    def other_coverage(self) -> float:
        r = self.relation
        return r.coverage_source if self.checked_is_derived else r.coverage_derived

    def spans(self) -> list[tuple[Span, Span]]:
        """``(span in the checked document, span in the other)`` of every passage, in the
        order of the checked document."""
        pairs = [
            (p.b, p.a) if self.checked_is_derived else (p.a, p.b) for p in self.relation.passages
        ]
        return sorted(pairs, key=lambda pair: (pair[0].start, pair[0].end))


@dataclass(frozen=True, slots=True)
class CheckResult:
    """What ``provenance.check.check`` found: the comparison's trace, the checked ids and
    the findings, sorted by status."""

    trace: TraceResult
    checked: tuple[str, ...]
    findings: tuple[Finding, ...]
    archived: int = 0
    """Archived documents loaded from the index as candidates."""

    @property
    def failing(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.status == "failing")

    @property
    def failed(self) -> bool:
        return any(f.status == "failing" for f in self.findings)

    @property
    def skipped(self) -> tuple[Skipped, ...]:
        return self.trace.skipped

    def document(self, doc_id: str) -> Document | None:
        for doc in self.trace.documents:
            if doc.id == doc_id:
                return doc
        return None
