"""Plain, frozen values shared by every stage. The only module all stages import."""

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


@dataclass(frozen=True, slots=True)
class Stripped:
    """Something ingest removed from a document because it is not the article."""

    kind: str  # front-matter | byline | dateline | furniture | comments | boilerplate
    chars: int
    excerpt: str


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


@dataclass(frozen=True, slots=True)
class Skipped:
    """An input that could not be read, and why."""

    path: str
    reason: str


@dataclass(frozen=True, slots=True)
class TraceResult:
    documents: tuple[Document, ...]
    relations: tuple[Relation, ...]
    clusters: tuple[tuple[str, ...], ...]
    skipped: tuple[Skipped, ...] = ()
    notes: tuple[str, ...] = ()
    """Resource limits the run hit (each note names the setting); not part of the JSON."""
    timings: dict[str, float] = field(default_factory=dict, compare=False, hash=False)

    @property
    def complete(self) -> bool:
        """True when every input was read."""
        return not self.skipped
