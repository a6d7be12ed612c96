"""``provenance check``: the CI gate. Which checked documents reuse published text, and does
the policy let it pass?

A *checked* document (every document given, or only those a git diff adds or modifies) is
compared with the rest of the corpus and with the candidates an index finds for it; only
pairs that touch a checked document are aligned (``pipeline.trace_documents(focus=...)``).

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

import dataclasses
import json
import re
import subprocess
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from provenance import ingest, pipeline, strictjson
from provenance.config import Settings
from provenance.errors import ProvenanceError
from provenance.models import Document, Relation, Skipped, Span, TraceResult
from provenance.store.index import Index, document_keys

Status = Literal["failing", "baselined", "attributed", "allowed"]
STATUSES: tuple[Status, ...] = ("failing", "baselined", "attributed", "allowed")

INDEX_PREFIX = "index:"
"""Ids of archived documents in a check run start with this, so they never clash with the
ids of the documents given on the command line."""

BASELINE_VERSION = 1


class CheckError(ProvenanceError):
    """A problem with the check's own inputs: git, the baseline file."""


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


# --- the check ------------------------------------------------------------------------------


def check(
    documents: Sequence[Document],
    checked: Collection[str],
    settings: Settings,
    *,
    index: Index | None = None,
    baseline: Collection[tuple[str, str]] = (),
    skipped: Sequence[Skipped] = (),
    progress: pipeline.Progress | None = None,
) -> CheckResult:
    """Compare the ``checked`` documents (ids among ``documents``) with the rest of
    ``documents`` and with their candidates in ``index``, and judge each finding."""
    wanted = set(checked)
    focus_docs = [d for d in documents if d.id in wanted]
    archived: list[Document] = []
    if index is not None and focus_docs:
        keys = [document_keys(d, settings) for d in focus_docs]
        files = [str(Path(d.path).resolve()) for d in focus_docs if d.path != "-"]
        ids = index.candidates(keys, exclude_files=files)
        archived = [_archived(d) for d in index.documents(ids)]
    corpus = sorted([*documents, *archived], key=lambda d: d.id)
    focus = [k for k, d in enumerate(corpus) if d.id in wanted]
    if focus:
        trace = pipeline.trace_documents(
            corpus, settings, skipped=skipped, focus=focus, progress=progress
        )
    else:  # nothing to check: no need to analyse the rest
        trace = TraceResult(tuple(corpus), (), (), tuple(skipped))
    by_id = {d.id: d for d in trace.documents}
    findings = []
    for relation in trace.relations:
        sides = orient(relation, wanted)
        if sides is None:
            continue
        mine, other = by_id[sides[0]], by_id[sides[1]]
        status, reason = judge(relation, mine, other, settings, baseline)
        finding = Finding(mine.id, other.id, relation, status, reason, mine.path, 1, 1)
        spans = finding.spans()
        if spans:
            line, end_line = locate_lines(mine, spans[0][0])
            finding = dataclasses.replace(finding, line=line, end_line=end_line)
        findings.append(finding)
    findings.sort(key=lambda f: (STATUSES.index(f.status), f.checked, f.line, f.other))
    return CheckResult(
        trace=trace,
        checked=tuple(d.id for d in trace.documents if d.id in wanted),
        findings=tuple(findings),
        archived=len(archived),
    )


def _archived(doc: Document) -> Document:
    return Document(
        id=INDEX_PREFIX + doc.id,
        path=doc.path,
        text=doc.text,
        title=doc.title,
        date=doc.date,
        author=doc.author,
        url=doc.url,
        format=doc.format,
        stripped=doc.stripped,
        declared_sources=doc.declared_sources,
    )


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


# --- where a passage is in the file ----------------------------------------------------------

_WORD = re.compile(r"\w+")
_PROBE_WORDS = 8


_BETWEEN = r"(?:<[^<>]{0,200}>|&#?\w{1,10};|[\W_])++"
"""What may sit between two words in the file: space, punctuation, Markdown marks, HTML tags
and character references. Possessive (``++``) and bounded, so no document can make the
search backtrack: a run that does not lead to the next word fails at once."""


def _words_pattern(words: Sequence[str]) -> re.Pattern[str]:
    return re.compile(_BETWEEN.join(re.escape(w) for w in words))


def locate_lines(document: Document, span: Span) -> tuple[int, int]:
    """1-based ``(first, last)`` line of ``span`` in the document's file as it is on disk.

    Spans point into the extracted text (front matter and markup removed), so the passage's
    first and last words are looked up in the file; when that fails (HTML, JSONL, stdin, a
    file that changed since) the lines are counted in the extracted text.
    """
    text = document.text
    fallback = (text.count("\n", 0, span.start) + 1, text.count("\n", 0, max(span.end - 1, 0)) + 1)
    if document.path in ("", "-") or "#" in document.id or document.format == "jsonl":
        return fallback
    path = Path(document.path)
    try:
        raw = ingest.decode_bytes(path.read_bytes())
    except (OSError, ProvenanceError, ValueError):
        return fallback
    words = _WORD.findall(text[span.start : span.end])
    if not words:
        return fallback
    head = _words_pattern(words[:_PROBE_WORDS]).search(raw)
    if head is None:
        return fallback
    line = raw.count("\n", 0, head.start()) + 1
    end_line = line
    tail = None
    for match in _words_pattern(words[-_PROBE_WORDS:]).finditer(raw, head.start()):
        tail = match
        break
    if tail is not None:
        end_line = raw.count("\n", 0, max(tail.end() - 1, 0)) + 1
    return line, max(line, end_line)


# --- baseline -------------------------------------------------------------------------------


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


# --- git ------------------------------------------------------------------------------------


def _git(args: Sequence[str], cwd: Path) -> str:
    try:
        proc = subprocess.run(
            ["git", *args],  # noqa: S607 -- git is looked up on PATH, as a user runs it
            cwd=cwd,
            capture_output=True,
            check=False,
        )
    except FileNotFoundError:
        raise CheckError("--changed-since needs git, which is not installed") from None
    except OSError as exc:
        raise CheckError(f"cannot run git: {exc}") from None
    if proc.returncode != 0:
        message = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        raise CheckError(f"git {' '.join(args)} failed: {message[-1] if message else ''}")
    return proc.stdout.decode("utf-8", "surrogateescape")


def changed_files(ref: str, start: str | Path) -> list[Path]:
    """Files that differ from ``ref``: added or modified (in commits since ``ref``, staged
    or not) and untracked files that are not ignored. Deleted files are left out; renames
    count as additions. Absolute paths, sorted.

    Raises ``CheckError`` when ``start`` is not in a git repository or ``ref`` is unknown.
    """
    folder = Path(start).resolve()
    if not folder.is_dir():
        folder = folder.parent
    if ref.startswith("-"):
        raise CheckError(f"{ref!r} is not a git revision")
    try:
        top = Path(_git(["rev-parse", "--show-toplevel"], folder).strip())
    except CheckError:
        raise CheckError(
            f"--changed-since needs a git repository, and {str(start)!r} is not in one "
            "(run the check inside a clone, or leave out --changed-since)"
        ) from None
    try:
        _git(["rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"], top)
    except CheckError:
        raise CheckError(
            f"unknown git revision {ref!r}; fetch it first (in GitHub Actions, "
            "actions/checkout with fetch-depth: 0)"
        ) from None
    diff = _git(["diff", "--name-only", "-z", "--no-renames", "--diff-filter=AM", ref, "--"], top)
    untracked = _git(["ls-files", "--others", "--exclude-standard", "-z", "--full-name"], top)
    names = {n for n in (diff + untracked).split("\0") if n}
    return sorted(top / n for n in names)
