"""The persistent archive of known sources: an embedded SQLite database.

``provenance index add`` reads documents (wire copy, press releases, earlier posts) once and
stores, per document, its metadata, its extracted text (what alignment needs) and the LSH
band keys of its unit signatures. ``provenance check --index FILE`` finds the archive
documents that share a band key with a checked document by an indexed SQL lookup, and loads
only those: the archive is never re-read or re-fingerprinted.

Safety:

- WAL journal and a generous ``busy_timeout``: readers never block, and two writers take
  turns instead of failing with "database is locked".
- One transaction per document: a run killed mid-add loses only the document it was
  writing; every committed document is complete (its row and all its band keys).
- Adding is incremental: a document whose content hash (its text, metadata and the
  fingerprint settings) is unchanged is not recomputed.

Schema (version 1)::

    meta(key TEXT PRIMARY KEY, value TEXT)      -- schema_version, fingerprint settings
    documents(id TEXT PRIMARY KEY, path, file, title, date, author, url, format,
              stripped JSON, declared_sources JSON, text, content_hash, band_count, added)
    bands(key INTEGER, doc_id TEXT -> documents.id ON DELETE CASCADE)
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from fnmatch import fnmatchcase
from pathlib import Path
from types import TracebackType

import xxhash

from provenance import candidates as candidate_stage
from provenance import fingerprint as fingerprint_stage
from provenance import text as text_stage
from provenance.config import Settings
from provenance.errors import ProvenanceError
from provenance.fingerprint import Fingerprint
from provenance.models import Document, Stripped

SCHEMA_VERSION = 1
BUSY_TIMEOUT_MS = 120_000
_WAL_RETRY_SECONDS = 0.05


def _enable_wal(db: sqlite3.Connection) -> None:
    """Switch a connection's database to WAL. SQLite answers "database is locked" at once,
    without waiting on the busy timeout, when another process is creating or converting the
    same file at that moment (two ``index add`` runs on a new index): try again until the
    busy timeout has passed."""
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            db.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() >= deadline:
                raise
            time.sleep(_WAL_RETRY_SECONDS)


FINGERPRINT_SETTINGS = (
    "num_perm",
    "seed",
    "passage_min_terms",
    "lsh_threshold",
    "lsh_false_negative_weight",
)
"""Settings that change band keys: an index answers only runs that use the same values."""

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS documents (
    id TEXT PRIMARY KEY,
    path TEXT NOT NULL,
    file TEXT,
    title TEXT,
    date TEXT,
    author TEXT,
    url TEXT,
    format TEXT NOT NULL,
    stripped TEXT NOT NULL,
    declared_sources TEXT NOT NULL,
    text TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    band_count INTEGER NOT NULL,
    added TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS bands (
    key INTEGER NOT NULL,
    doc_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE
);
CREATE INDEX IF NOT EXISTS bands_key ON bands(key);
CREATE INDEX IF NOT EXISTS bands_doc ON bands(doc_id);
"""


class IndexFileError(ProvenanceError):
    """The index file is missing, not an index, or built with other settings."""


@dataclass(frozen=True, slots=True)
class AddReport:
    added: tuple[str, ...]
    updated: tuple[str, ...]
    unchanged: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Entry:
    """One archived document, as ``index list`` shows it."""

    id: str
    path: str
    title: str | None
    date: str | None
    chars: int
    added: str


def fingerprint_config(settings: Settings) -> str:
    return json.dumps({k: getattr(settings, k) for k in FINGERPRINT_SETTINGS}, sort_keys=True)


def content_hash(document: Document, settings: Settings) -> str:
    """sha256 of what the index stores about ``document`` and the fingerprint settings."""
    payload = json.dumps(
        [
            document.text,
            document.path,
            document.title,
            document.date,
            document.author,
            document.url,
            document.format,
            [[s.kind, s.chars, s.excerpt] for s in document.stripped],
            list(document.declared_sources),
            fingerprint_config(settings),
        ],
        ensure_ascii=False,
    )
    return hashlib.sha256(payload.encode("utf-8", "surrogatepass")).hexdigest()


@functools.lru_cache(maxsize=8)
def _band_parameters(settings: Settings) -> tuple[int, int]:
    """``candidates.band_parameters``, once per settings (datasketch integrates to find them,
    which costs more than fingerprinting a document)."""
    return candidate_stage.band_parameters(settings)


def band_key_ints(fp: Fingerprint, settings: Settings) -> list[int]:
    """The document's band keys as signed 64-bit integers (SQLite's INTEGER), sorted.

    Hash collisions between different bands only add candidates, which alignment verifies.
    """
    out = set()
    for band, key in candidate_stage.document_band_keys(fp, *_band_parameters(settings)):
        value = xxhash.xxh64_intdigest(band.to_bytes(4, "big") + key)
        out.add(value - (1 << 64) if value >= 1 << 63 else value)
    return sorted(out)


def document_keys(document: Document, settings: Settings) -> list[int]:
    analysis = text_stage.analyse(document.text)
    return band_key_ints(fingerprint_stage.fingerprint(analysis, settings), settings)


class Index:
    """An open index. Use ``Index.open(path, settings)`` as a context manager."""

    def __init__(self, path: Path, connection: sqlite3.Connection, settings: Settings) -> None:
        self.path = path
        self._db = connection
        self.settings = settings
        self.stored_fingerprint = ""

    # --- opening --------------------------------------------------------------------------

    @classmethod
    def open(
        cls, path: str | Path, settings: Settings, *, create: bool = False, verify: bool = True
    ) -> Index:
        """Open (``create``: or create) the index at ``path``.

        Raises ``IndexFileError`` when it does not exist (and ``create`` is false), is not
        an index, is from a newer provenance, or (``verify``, needed to add or look up
        documents) was built with fingerprint settings other than ``settings``'.
        """
        path = Path(path)
        if not create and not path.is_file():
            raise IndexFileError(
                f"no index at {path}; create it with 'provenance index add PATHS --index {path}'"
            )
        if path.is_dir():
            raise IndexFileError(f"{path} is a folder; give the index file's name")
        try:
            db = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
        except sqlite3.Error as exc:
            raise IndexFileError(f"cannot open index {path}: {exc}") from None
        index = cls(path, db, settings)
        try:
            index._setup(create, verify)
        except sqlite3.OperationalError as exc:
            db.close()
            raise IndexFileError(f"cannot use index {path}: {exc}") from None
        except sqlite3.DatabaseError as exc:
            db.close()
            raise IndexFileError(
                f"{path} is not a provenance index ({exc}); give another file name"
            ) from None
        except BaseException:
            db.close()
            raise
        return index

    def _setup(self, create: bool, verify: bool) -> None:
        db = self._db
        db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        db.execute("PRAGMA foreign_keys = ON")
        _enable_wal(db)
        db.execute("PRAGMA synchronous = NORMAL")  # WAL: durable against a killed process
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master")}
        if "meta" not in tables:
            if not create:
                raise IndexFileError(f"{self.path} is not a provenance index (no meta table)")
            with self._write():
                for statement in _SCHEMA.split(";"):  # executescript would COMMIT first
                    if statement.strip():
                        db.execute(statement)
                db.execute(
                    "INSERT OR IGNORE INTO meta VALUES ('schema_version', ?)",
                    (str(SCHEMA_VERSION),),
                )
                db.execute(
                    "INSERT OR IGNORE INTO meta VALUES ('fingerprint', ?)",
                    (fingerprint_config(self.settings),),
                )
        meta = dict(db.execute("SELECT key, value FROM meta").fetchall())
        version = meta.get("schema_version")
        if version != str(SCHEMA_VERSION):
            raise IndexFileError(
                f"{self.path} is an index of schema version {version}, this provenance reads "
                f"version {SCHEMA_VERSION}; rebuild it with 'provenance index add'"
            )
        self.stored_fingerprint = meta.get("fingerprint", "")
        if not verify:
            return
        stored = json.loads(self.stored_fingerprint or "{}")
        wanted = json.loads(fingerprint_config(self.settings))
        differ = [k for k in FINGERPRINT_SETTINGS if stored.get(k) != wanted[k]]
        if differ:
            was = ", ".join(f"{k}={stored.get(k)!r}" for k in differ)
            raise IndexFileError(
                f"{self.path} was built with {was}; run with the same settings "
                "(--set NAME=VALUE) or rebuild the index into a new file"
            )

    @contextlib.contextmanager
    def _write(self) -> Iterator[None]:
        """One write transaction, taken at once (BEGIN IMMEDIATE) so writers queue on the
        busy timeout instead of failing on lock upgrade."""
        try:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")
        except sqlite3.OperationalError as exc:  # locked past the timeout, disk full, read-only
            raise IndexFileError(f"cannot write to index {self.path}: {exc}") from None

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> Index:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # --- writing --------------------------------------------------------------------------

    def add(
        self,
        documents: Iterable[Document],
        *,
        progress: Callable[[str, int, int], None] | None = None,
    ) -> AddReport:
        """Store ``documents`` (replacing changed ones with the same id), one transaction
        per document. Unchanged documents (same content hash) are left alone."""
        docs = list(documents)
        added: list[str] = []
        updated: list[str] = []
        unchanged: list[str] = []
        for done, document in enumerate(docs, start=1):
            digest = content_hash(document, self.settings)
            row = self._db.execute(
                "SELECT content_hash FROM documents WHERE id = ?", (document.id,)
            ).fetchone()
            if row is not None and row[0] == digest:
                unchanged.append(document.id)
            else:
                keys = document_keys(document, self.settings)
                with self._write():
                    self._db.execute("DELETE FROM documents WHERE id = ?", (document.id,))
                    self._insert(document, digest, keys)
                (added if row is None else updated).append(document.id)
            if progress is not None:
                progress("index", done, len(docs))
        return AddReport(tuple(added), tuple(updated), tuple(unchanged))

    def _insert(self, document: Document, digest: str, keys: Sequence[int]) -> None:
        file = None
        if document.path != "-" and "#" not in document.id:
            with contextlib.suppress(OSError, ValueError):
                file = str(Path(document.path).resolve())
        self._db.execute(
            "INSERT INTO documents VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                document.id,
                document.path,
                file,
                document.title,
                document.date,
                document.author,
                document.url,
                document.format,
                json.dumps([[s.kind, s.chars, s.excerpt] for s in document.stripped]),
                json.dumps(list(document.declared_sources)),
                document.text,
                digest,
                len(keys),
                time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            ),
        )
        self._db.executemany(
            "INSERT INTO bands (key, doc_id) VALUES (?, ?)", ((k, document.id) for k in keys)
        )

    def remove(self, patterns: Sequence[str]) -> list[str]:
        """Remove the documents whose id matches any of ``patterns`` (ids or globs)."""
        ids = [e.id for e in self.entries() if any(fnmatchcase(e.id, p) for p in patterns)]
        with self._write():
            self._db.executemany("DELETE FROM documents WHERE id = ?", ((i,) for i in ids))
        return ids

    # --- reading --------------------------------------------------------------------------

    def entries(self) -> list[Entry]:
        rows = self._db.execute(
            "SELECT id, path, title, date, length(text), added FROM documents ORDER BY id"
        )
        return [Entry(*row) for row in rows]

    def stats(self) -> dict[str, int | str]:
        docs, chars = self._db.execute(
            "SELECT count(*), coalesce(sum(length(text)), 0) FROM documents"
        ).fetchone()
        (bands,) = self._db.execute("SELECT count(*) FROM bands").fetchone()
        (page_size,) = self._db.execute("PRAGMA page_size").fetchone()
        (pages,) = self._db.execute("PRAGMA page_count").fetchone()
        return {
            "documents": int(docs),
            "chars": int(chars),
            "band_keys": int(bands),
            "bytes": int(page_size) * int(pages),
            "schema_version": SCHEMA_VERSION,
            "fingerprint": self.stored_fingerprint,
        }

    def integrity(self) -> str:
        """SQLite's ``PRAGMA integrity_check`` answer: ``"ok"`` when the file is sound."""
        return "; ".join(str(row[0]) for row in self._db.execute("PRAGMA integrity_check"))

    def candidates(
        self,
        keys: Sequence[Sequence[int]],
        *,
        exclude_files: Iterable[str] = (),
    ) -> list[str]:
        """Ids of the archived documents sharing a band key with any of the probes.

        ``keys[k]`` are the band keys of probe document ``k``. As in ``candidate_pairs``,
        keys shared by more than ``max_bucket_size`` archived documents are boilerplate and
        ignored, and each probe keeps at most ``max_candidates_per_document`` partners (the
        ones sharing most keys). Documents stored from one of ``exclude_files`` (absolute
        paths) are left out: a checked post is not compared with its own archived copy.
        """
        db = self._db
        db.execute("CREATE TEMP TABLE IF NOT EXISTS probe (doc INTEGER, key INTEGER)")
        db.execute("DELETE FROM probe")
        db.executemany(
            "INSERT INTO probe VALUES (?, ?)",
            ((k, key) for k, probe in enumerate(keys) for key in set(probe)),
        )
        limit = self.settings.max_bucket_size
        rows = db.execute(
            """
            WITH common AS (
                SELECT b.key FROM bands b
                WHERE b.key IN (SELECT key FROM probe)
                GROUP BY b.key HAVING count(*) > ?
            )
            SELECT p.doc, b.doc_id, count(*) FROM probe p
            JOIN bands b ON b.key = p.key
            JOIN documents d ON d.id = b.doc_id
            WHERE p.key NOT IN (SELECT key FROM common)
              AND (d.file IS NULL OR d.file NOT IN (SELECT value FROM json_each(?)))
            GROUP BY p.doc, b.doc_id
            """,
            (limit, json.dumps(sorted(set(exclude_files)))),
        ).fetchall()
        db.execute("DELETE FROM probe")
        per_probe: dict[int, list[tuple[int, str]]] = {}
        for probe, doc_id, count in rows:
            per_probe.setdefault(probe, []).append((-count, doc_id))
        chosen: set[str] = set()
        cap = self.settings.max_candidates_per_document
        for found in per_probe.values():
            chosen.update(doc_id for _, doc_id in sorted(found)[:cap])
        return sorted(chosen)

    def documents(self, ids: Sequence[str]) -> list[Document]:
        """The stored documents with these ids, in id order."""
        out = []
        for doc_id in sorted(set(ids)):
            row = self._db.execute(
                "SELECT id, path, title, date, author, url, format, stripped, "
                "declared_sources, text FROM documents WHERE id = ?",
                (doc_id,),
            ).fetchone()
            if row is None:
                continue
            out.append(
                Document(
                    id=row[0],
                    path=row[1],
                    title=row[2],
                    date=row[3],
                    author=row[4],
                    url=row[5],
                    format=row[6],
                    stripped=tuple(Stripped(k, c, e) for k, c, e in json.loads(row[7])),
                    declared_sources=tuple(json.loads(row[8])),
                    text=row[9],
                )
            )
        return out
