"""One frozen settings object. Every threshold lives here.

Settings come from, lowest priority first: the defaults below, one configuration file, then
command-line options. The file is ``--config FILE`` when given; otherwise, searching upward
from the first path, the nearest folder's ``provenance.toml``, else its ``.provenance.toml``
(settings as top-level keys, check settings in a ``[check]`` table), else its
``pyproject.toml`` if it has ``[tool.provenance]`` (and ``[tool.provenance.check]``). Files
are not merged: the one found is the only one read.
"""

from __future__ import annotations

import dataclasses
import difflib
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, get_type_hints

from provenance.errors import ConfigError
from provenance.models import RELATION_KINDS


@dataclass(frozen=True, slots=True)
class Settings:
    # --- ingest -------------------------------------------------------------------------
    include: tuple[str, ...] = ()
    """Glob patterns (matched against the path relative to the traced folder) to read."""
    exclude: tuple[str, ...] = ()
    """Glob patterns to leave out; applied after ``include``."""
    follow_links: bool = False
    """Read files and folders that symbolic links lead to outside the paths given (each real
    file and folder still once). Off, such links are skipped with a message: a pull request
    could otherwise add ``post.md -> ../.git/config`` or a link to ``/``."""
    respect_ignore: bool = True
    """Leave out of folder walks what ``.gitignore`` (inside a git checkout), ``.ignore`` and
    ``.git/info/exclude`` ignore, as ripgrep does (``--no-ignore`` turns it off). Files named
    on the command line are always read."""
    extensions: tuple[str, ...] = (
        ".txt", ".text", ".md", ".markdown", ".html", ".htm", ".jsonl", ".jsonl.gz",
        ".warc", ".warc.gz", ".arc", ".arc.gz",
    )  # fmt: skip
    """File name endings read when walking a folder; others are ignored silently. Tables
    (``.csv``, ``.tsv``, ``.parquet``) are read when named, or when their ending is added here:
    sites keep data tables beside their articles."""
    jsonl_id_field: str = "id"
    jsonl_text_field: str = "text"
    jsonl_title_field: str = "title"
    jsonl_date_field: str = "date"
    jsonl_url_field: str = "url"
    strip_boilerplate: bool = True
    """Strip front matter, bylines, page furniture and comment tails from the text."""
    furniture_min_documents: int = 10
    """Site furniture: a header or footer block (navigation, copyright, "About us") found at
    the same edge of at least this many documents, around article text that differs each
    time, is a site's template, not reuse; two or more such blocks at a document's edges are
    removed before comparing (``furniture.py``; listed as ``site-furniture`` in the
    document's ``stripped``). 0 keeps them; 1 is refused (every block would qualify)."""
    max_document_chars: int = 5_000_000
    """Resource limit: a document whose text is longer than this is skipped, with a message
    naming the file and the setting, instead of exhausting memory. A file larger than four
    bytes per character of it (``4 * max_document_chars`` bytes) is refused before it is read."""
    max_decompression_ratio: int = 100
    """Resource limit: a gzip-compressed input (``.jsonl.gz``, ``.warc.gz``, ``.arc.gz``) stops
    being read, with a message, once it has decompressed to this many times its size (and to
    at least ``4 * max_document_chars`` bytes): text compresses 3-10 times, a decompression
    bomb a thousand times."""

    # --- fingerprints and candidates ------------------------------------------------------
    num_perm: int = 64
    """MinHash permutations per passage signature."""
    lsh_threshold: float = 0.4
    """Jaccard (of content-word sets) at which two passages should collide in LSH."""
    lsh_false_negative_weight: float = 0.5
    """How much LSH tuning fears missed pairs vs. extra candidates (alignment verifies)."""
    min_unit_similarity: float = 0.35
    """Two passages sharing an LSH bucket make their documents candidates only when their
    whole signatures agree on at least this share of values (estimated Jaccard of their
    content words): chance collisions of unrelated passages, which grow with the square of
    the corpus, are dropped before alignment. 0 keeps every collision (and turns off
    ``min_lone_unit_similarity``)."""
    min_lone_unit_similarity: float = 0.4
    """A document pair whose only evidence is one such pair of passages needs this much
    agreement: the chance collisions left are short passages sharing a few common words."""
    min_lone_unit_terms: float = 6.0
    """... and the two passages must share about this many content words (estimated from
    the agreement and the passages' sizes): unrelated passages that agree by chance share
    three to five common ones. 0 turns the check off."""
    min_short_lone_unit_similarity: float = 0.55
    """A lone pair of passages sharing fewer words is still kept when they agree on this
    share of values: two short passages that are nearly the same (a shared quotation)."""
    passage_min_terms: int = 6
    """Sentences with fewer content words are merged with their neighbour before hashing."""
    passage_max_terms: int = 40
    """A sentence unit with more distinct content words than this (a run-on paragraph where
    no sentence end was found) is hashed as overlapping windows of this many words, so one
    giant unit never stands for a whole document. 0: no cap."""
    max_bucket_size: int = 32
    """Resource limit: an LSH bucket with more members (boilerplate shared by many documents,
    or a wide family of copies) is compared as a star, each member with its first one only,
    not all pairs. When it does, the run says so in a note. (At 200, 20,000 one-line
    near-duplicate records took 374 s and 5,000 near-duplicate 100-character records 112 s;
    at 32, 56 s and 17 s, with every record still related to its family, and the development
    corpora's figures unchanged.)"""
    stock_min_documents: int = 10
    """Stock phrases: a passage that collides with this many documents or more is stock
    ("declined to comment", a famous quotation), and a pair of documents that shares only
    a few such passages, none next to another, is not compared (``candidates.py``); copies
    and excerpts share runs of neighbouring passages. 0 compares such pairs; 1 is refused."""
    max_candidates_per_document: int = 200
    """Resource limit: keep only this many best candidate partners per document. When it
    cuts candidates, the run says so (a note on stderr and in ``TraceResult.notes``)."""
    family_min_size: int = 20
    """A family of this many documents or more (near-copies of one story, and the documents
    that share most with them) is aligned as a star: each member with the family's source
    and its two strongest partners in the family, not with every other member, so a family
    of n copies costs O(n) alignments, not O(n^2). The source is the near-copy dated
    earlier than every other one; a family without one (undated, or first dated twice on
    one date) is aligned pair by pair. The other pairs of members are reported as inferred
    through the source (the JSON's ``families``). Smaller families are aligned pair by
    pair. 0 turns it off."""
    seed: int = 1

    # --- alignment ------------------------------------------------------------------------
    seed_ngram: int = 3
    """Length, in tokens, of the exact n-grams that seed verbatim runs."""
    min_verbatim_tokens: int = 8
    """Shortest verbatim run reported as a passage."""
    edit_gap_tokens: int = 12
    """Verbatim runs this close on both sides are merged into one edited passage."""
    edited_similarity: float = 0.75
    """Character-level similarity at or above which an aligned stretch counts as edited."""
    paraphrase_similarity: float = 0.42
    """Sentence similarity (the MRPC-fitted paraphrase probability of ``similarity.py``) at or
    above which two sentences that are each other's best match are aligned as paraphrases."""
    paraphrase_context_similarity: float = 0.28
    """Lower threshold for sentences next to an already aligned pair on both sides."""
    paraphrase_min_overlap: float = 0.1
    """Sentence pairs sharing less than this (Dice of content terms) are not compared."""
    paraphrase_context_sentences: int = 2
    """How far (in sentences) from an aligned pair the context pass looks."""
    phrase_tokens: int = 5
    """Exact shared runs of at least this many tokens count as shared phrases (``Alignment.
    phrases_a``), passages or not: a rewrite around the wire's phrases keeps many of them."""
    min_passage_chars: int = 40
    """Aligned passages shorter than this (on either side) are dropped."""
    max_sentence_pairs: int = 4_000_000
    """Resource limit: a candidate pair whose documents have more than this many sentence
    pairs (sentences of one times sentences of the other) is not searched for paraphrases,
    only for verbatim and edited passages: the sentence similarity matrix would need
    gigabytes. The run says so in a note."""

    # --- classification -------------------------------------------------------------------
    min_evidence_chars: int = 120
    """Non-quote aligned characters needed (on the derived side) before a pair is related."""
    min_evidence_share: float = 0.25
    """...or copied characters of at least this share of the shorter document (a short
    brief that keeps a wire story's key sentence); never fewer than ``min_passage_chars``."""
    min_reuse_passages: int = 3
    """Without enough copied characters, a pair needs this many reused passages
    (verbatim, edited or paraphrased, outside quotations)..."""
    min_reuse_coverage: float = 0.2
    """...covering at least this share of the more reused document."""
    min_phrase_share: float = 0.06
    """...or this share of a document's unquoted words inside phrases shared with the other
    (``phrase_tokens`` or more in a row), with at least ``min_phrase_words`` such words.
    0 turns the phrase evidence off."""
    min_phrase_words: int = 20
    lone_reuse_coverage: float = 0.5
    """...or a single reused passage that covers this share of a document by itself."""
    strong_reuse_coverage: float = 0.5
    """...or two such passages, when all aligned passages cover this share of a document."""
    quote_evidence_weight: float = 0.25
    """Weight of shared quotations in a pair's score (they are not evidence of copying)."""
    duplicate_coverage: float = 0.95
    duplicate_similarity: float = 0.995
    """A duplicate is the same text: a few changed words in every other sentence already
    bring the mean passage similarity to about 0.98-0.99 (that is a near-duplicate)."""
    near_duplicate_coverage: float = 0.8
    near_duplicate_similarity: float = 0.95
    """Light edits keep 0.97 or more; rewrites that swap words for synonyms and reorder
    clauses over the whole text score 0.82-0.93 (``benchmarks/README.md``)."""
    rewrite_coverage: float = 0.6
    """Derived-side coverage at or above which the whole derived document comes from the source."""
    min_quote_chars: int = 30
    """Shared quotation material needed before a pair is reported as ``quotes``."""

    # --- direction and graph --------------------------------------------------------------
    min_direction_confidence: float = 0.3
    """Below this the direction is reported as ``undetermined``."""
    sibling_explained: float = 0.8
    """Share of a pair's reuse that a third document must explain to call them siblings."""
    redundant_edge_residual_chars: int = 80
    """A→C is dropped when A→B→C explains all but this many of C's characters from A."""

    # --- check (the CI gate) ---------------------------------------------------------------
    # Also settable in a ``[tool.provenance.check]`` sub-table without the ``check_`` prefix.
    check_fail_on: tuple[str, ...] = ("duplicate", "near-duplicate", "rewrite")
    """Relation kinds that fail ``provenance check`` (others are reported, not failing)."""
    check_min_coverage: float = 0.0
    """A finding fails only when it covers at least this share of the checked document."""
    check_min_score: float = 0.0
    """A finding fails only when its reuse score is at least this."""
    check_baseline: str = ""
    """Baseline file of accepted findings (``--baseline``); empty: none."""
    check_index: str = ""
    """Index of known sources to compare with (``--index``); empty: none."""
    check_attribution_keys: tuple[str, ...] = (
        "source",
        "sources",
        "canonical_url",
        "canonical",
        "via",
        "original_url",
        "syndicated_from",
    )
    """Front-matter keys whose values declare a post's sources; reuse of a declared source
    (matched by URL, id, file name or title) is reported as attributed and does not fail."""
    check_annotations: int = 10
    """GitHub format: findings annotated per run (GitHub shows about 10 per step); the rest
    are counted and listed in the step summary."""

    # --- execution ------------------------------------------------------------------------
    engine: str = "local"
    """``local`` (processes on this machine) or ``dask`` (a Dask cluster; same output)."""
    scheduler: str = ""
    """Dask scheduler address (``tcp://host:8786``); empty starts a local cluster of
    ``workers`` processes."""
    stage_dir: str = ""
    """When set, fingerprints, band keys and candidate pairs are written there as sharded
    files, and read back instead of computed when a later run finds them (same corpus)."""
    cache: bool = True
    """Keep fingerprints by content hash so re-tracing unchanged documents skips the work."""
    cache_dir: str = ""
    """Folder of the fingerprint cache; empty means the user's cache folder
    (``$XDG_CACHE_HOME/provenance`` on Linux, via ``platformdirs``)."""
    workers: int = 0
    """Worker processes for fingerprinting and alignment; 0 means one per core
    (``os.cpu_count()``). The output is the same whatever the number."""

    def replace(self, **changes: Any) -> Settings:
        """A copy with ``changes`` applied, validated."""
        return from_mapping(changes, base=self)

    def __post_init__(self) -> None:
        _validate(self)


_FRACTIONS = {
    "lsh_threshold",
    "min_unit_similarity",
    "min_lone_unit_similarity",
    "min_short_lone_unit_similarity",
    "lsh_false_negative_weight",
    "edited_similarity",
    "paraphrase_similarity",
    "paraphrase_context_similarity",
    "paraphrase_min_overlap",
    "duplicate_coverage",
    "duplicate_similarity",
    "near_duplicate_coverage",
    "near_duplicate_similarity",
    "rewrite_coverage",
    "min_reuse_coverage",
    "strong_reuse_coverage",
    "lone_reuse_coverage",
    "min_evidence_share",
    "min_phrase_share",
    "quote_evidence_weight",
    "min_direction_confidence",
    "sibling_explained",
    "check_min_coverage",
    "check_min_score",
}


def _validate(s: Settings) -> None:
    for name in _FRACTIONS:
        value = getattr(s, name)
        if not 0.0 <= value <= 1.0:
            raise ConfigError(f"{name} must be between 0 and 1, got {value!r}")
    for f in dataclasses.fields(s):
        value = getattr(s, f.name)
        if isinstance(value, int | float) and not isinstance(value, bool) and value < 0:
            raise ConfigError(f"{f.name} must not be negative, got {value!r}")
    if s.num_perm < 4:
        raise ConfigError(f"num_perm must be at least 4, got {s.num_perm}")
    if s.engine not in ENGINES:
        raise ConfigError(f"engine must be one of {', '.join(ENGINES)}, got {s.engine!r}")
    for name in ("furniture_min_documents", "stock_min_documents"):
        if getattr(s, name) == 1:
            raise ConfigError(
                f"{name} must be 0 (off) or at least 2: text in one document is not repeated"
            )
    if s.family_min_size == 1:
        raise ConfigError(
            "family_min_size must be 0 (every family aligned pair by pair) or at least 2, got 1"
        )
    if s.seed_ngram < 1:
        raise ConfigError("seed_ngram must be at least 1")
    for kind in s.check_fail_on:
        if kind not in RELATION_KINDS:
            raise ConfigError(
                f"check_fail_on: unknown relation kind {kind!r}; "
                f"use any of {', '.join(RELATION_KINDS)}"
            )


ENGINES = ("local", "dask")


def field_names() -> list[str]:
    return [f.name for f in dataclasses.fields(Settings)]


def unknown_setting(key: str) -> str:
    """The message for a setting name that does not exist: the nearest names, if any, and
    where to find them all (never the whole list: there are dozens)."""
    names = field_names()
    close = difflib.get_close_matches(key.replace("-", "_"), names, n=2, cutoff=0.75)
    hint = ""
    if close:
        hint = "; did you mean " + " or ".join(repr(n) for n in close) + "?"
    return (
        f"unknown setting {key!r}{hint} ('provenance settings' lists all {len(names)} "
        "with their values; each is documented in provenance/config.py)"
    )


def _coerce(name: str, value: Any, kind: Any) -> Any:
    """Turn a TOML or command-line value into the field's type, or say how to fix it."""
    text = isinstance(value, str)
    try:
        if kind is bool:
            if isinstance(value, bool):
                return value
            if text and value.lower() in {"true", "1", "yes", "on"}:
                return True
            if text and value.lower() in {"false", "0", "no", "off"}:
                return False
            raise ValueError
        if kind is int:
            if isinstance(value, bool):
                raise ValueError
            return int(value)
        if kind is float:
            if isinstance(value, bool):
                raise ValueError
            return float(value)
        if kind is str:
            if not text:
                raise ValueError
            return value
        if kind == tuple[str, ...]:
            if text:
                return tuple(v.strip() for v in value.split(",") if v.strip())
            if isinstance(value, list | tuple) and all(isinstance(v, str) for v in value):
                return tuple(value)
            raise ValueError
    except (TypeError, ValueError):
        pass
    raise ConfigError(f"setting {name!r} expects {getattr(kind, '__name__', kind)}, got {value!r}")


def from_mapping(values: Mapping[str, Any], base: Settings | None = None) -> Settings:
    """Settings from a mapping such as ``[tool.provenance]``; unknown keys are errors."""
    base = base or Settings()
    hints = get_type_hints(Settings)
    changes: dict[str, Any] = {}
    for key, value in values.items():
        name = key.replace("-", "_")
        if name not in hints or name.startswith("_"):
            raise ConfigError(unknown_setting(key))
        changes[name] = _coerce(name, value, hints[name])
    return dataclasses.replace(base, **changes)


CONFIG_NAMES = ("provenance.toml", ".provenance.toml", "pyproject.toml")
"""The files searched for in each folder, upward from the first path, highest priority first.
The nearest folder holding one wins; within a folder, the first name of this list."""

_EXPECTED = (
    "expected settings as top-level keys (as in provenance.toml, e.g. rewrite_coverage = 0.7, "
    "with a [check] table for check settings) or a [tool.provenance] table (as in "
    "pyproject.toml)"
)


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read {path}: {exc}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path} is not valid TOML: {exc}") from exc
    except RecursionError:
        raise ConfigError(
            f"{path}: arrays or tables nested too deeply for the TOML reader; flatten them"
        ) from None
    except ValueError as exc:  # an integer longer than Python converts (4,300 digits)
        reason = str(exc).split(";")[0]  # not Python's advice to raise its own limit
        raise ConfigError(f"{path} holds a value that cannot be read: {reason}") from None


def _has_tool_table(path: Path) -> bool:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError, RecursionError):
        return False  # TOMLDecodeError is a ValueError, as is a 5,000-digit integer
    tool = data.get("tool", {})
    return isinstance(tool, dict) and "provenance" in tool


def find_config(start: Path) -> Path | None:
    """The configuration file for a run starting at ``start``: in the nearest folder at or
    above it that holds one, ``provenance.toml``, else ``.provenance.toml``, else a
    ``pyproject.toml`` with a ``[tool.provenance]`` table (one without is passed over)."""
    here = start.resolve()
    if here.is_file():
        here = here.parent
    for folder in (here, *here.parents):
        for name in CONFIG_NAMES:
            candidate = folder / name
            if not candidate.is_file():
                continue
            if name != "pyproject.toml" or _has_tool_table(candidate):
                return candidate
    return None


def find_pyproject(start: Path) -> Path | None:
    """The nearest ``pyproject.toml`` at or above ``start`` that has ``[tool.provenance]``."""
    here = start.resolve()
    if here.is_file():
        here = here.parent
    for folder in (here, *here.parents):
        candidate = folder / "pyproject.toml"
        if candidate.is_file() and _has_tool_table(candidate):
            return candidate
    return None


def _settings_table(path: Path, data: dict[str, Any], *, explicit: bool) -> dict[str, Any]:
    """The table of settings in a configuration file: ``[tool.provenance]`` in a
    ``pyproject.toml`` (or any file with a ``[tool]`` table), else the top-level keys."""
    tool = data.get("tool")
    pyproject_style = path.name == "pyproject.toml" or tool is not None
    if pyproject_style:
        table = tool.get("provenance") if isinstance(tool, dict) else None
        if table is None:
            if explicit:
                raise ConfigError(
                    f"{path} has no [tool.provenance] table, so nothing in it is a "
                    f"provenance setting; {_EXPECTED}"
                )
            return {}
        if not isinstance(table, dict):
            raise ConfigError(f"{path}: [tool.provenance] must be a table")
        others = sorted(k for k in data if k != "tool")
        if path.name != "pyproject.toml" and others:
            raise ConfigError(
                f"{path} holds both a [tool.provenance] table and top-level keys "
                f"({', '.join(others)}); put the settings in one place"
            )
        return dict(table)
    if not data and explicit:
        raise ConfigError(f"{path} is empty: nothing in it is a provenance setting; {_EXPECTED}")
    return dict(data)


def load(config_file: Path | None = None, start: Path | None = None) -> Settings:
    """Defaults overlaid with the settings of ``config_file``, or of the file ``find_config``
    finds above ``start`` (default: the working directory). A ``pyproject.toml`` holds them in
    ``[tool.provenance]``; a ``provenance.toml`` (or any other file without a ``[tool]``
    table) as top-level keys. A file given that holds no settings at all is an error."""
    path = config_file or find_config(start or Path.cwd())
    if path is None:
        return Settings()
    table = _settings_table(path, _read_toml(path), explicit=config_file is not None)
    check = table.pop("check", None)
    if check is not None:
        if not isinstance(check, dict):
            raise ConfigError(
                f"{path}: the check table ([check] or [tool.provenance.check]) must be a table"
            )
        for key, value in check.items():
            table[f"check_{key}"] = value
    try:
        return from_mapping(table)
    except ConfigError as exc:
        raise ConfigError(f"{path}: {exc}") from exc
