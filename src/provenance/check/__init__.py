"""``provenance check``: the CI gate. Which checked documents reuse published text, and does
the policy let it pass?

A *checked* document (every document given, or only those a git diff adds or modifies) is
compared with the rest of the corpus and with the candidates an index finds for it; only
pairs that touch a checked document are aligned (``pipeline.trace_documents(focus=...)``).
Which relations are findings, and which findings fail, is the policy (``check.policy``).

- ``check(paths, settings, ...)``: everything ``provenance check`` runs: git for
  ``changed_since``, the baseline and the index the settings name, reading the documents,
  picking the checked ones, then ``check_documents``.
- ``check_documents(documents, checked, settings, ...)``: the comparison and the judgement,
  on documents already read.

The modules: ``policy`` (findings and their status), ``baseline`` (the file of accepted
findings), ``git`` (what changed since a revision), ``locate`` (the lines of a passage in
its file). The results, ``Finding`` and ``CheckResult``, live in ``provenance.models``, so a
report renders them without importing the check.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Collection, Sequence
from pathlib import Path

from provenance import ingest, pipeline
from provenance.check.baseline import load_baseline
from provenance.check.errors import CheckError
from provenance.check.git import changed_documents, changed_files
from provenance.check.locate import locate_lines
from provenance.check.policy import INDEX_PREFIX, judge, orient
from provenance.config import Settings
from provenance.models import STATUSES, CheckResult, Document, Finding, Skipped, TraceResult
from provenance.store.index import Index, document_keys

__all__ = ["CheckError", "check", "check_documents"]


def check(
    paths: Sequence[str],
    settings: Settings,
    *,
    changed_since: str | None = None,
    stdin: bytes | None = None,
    progress: pipeline.Progress | None = None,
) -> CheckResult:
    """Check the documents in ``paths`` (files, folders, ``-`` for ``stdin``), as
    ``provenance check`` does.

    With ``changed_since`` (a git revision) only the documents that git says were added or
    modified since then, or are untracked, are checked, against the rest; the repository is
    the one holding the first path (the working directory for ``-``). The baseline and the
    index are the ones ``settings.check_baseline`` and ``settings.check_index`` name.

    When no document can be read, nothing is compared: the result's trace holds no
    documents, only the skipped inputs. Raises ``CheckError`` (git, the baseline) and the
    ``ProvenanceError`` of an index that cannot be opened.
    """
    changed: set[Path] | None = None
    if changed_since is not None:
        start = "." if not paths or paths[0] == "-" else paths[0]
        changed = set(changed_files(changed_since, start))
    baseline: frozenset[tuple[str, str]] = frozenset()
    if settings.check_baseline:
        baseline = load_baseline(settings.check_baseline)
    index = Index.open(settings.check_index, settings) if settings.check_index else None
    try:
        documents, skipped = ingest.read_inputs(paths, settings, stdin=stdin, progress=progress)
        if not documents:
            return CheckResult(TraceResult((), (), (), tuple(skipped)), (), ())
        if changed is None:
            checked = [d.id for d in documents]
        else:
            checked = changed_documents(documents, changed)
        return check_documents(
            documents,
            checked,
            settings,
            index=index,
            baseline=baseline,
            skipped=skipped,
            progress=progress,
        )
    finally:
        if index is not None:
            index.close()


def check_documents(
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
