"""The persistent archive of known sources: an embedded SQLite database.

``provenance index add`` reads documents (wire copy, press releases, earlier posts) once and
stores, per document, its metadata, its extracted text (what alignment needs) and the LSH
band keys of its unit signatures. ``provenance check --index FILE`` finds the archive
documents that share a band key with a checked document by an indexed SQL lookup, and loads
only those: the archive is never re-read or re-fingerprinted.

Safety:

- Only provenance indexes are touched: a file is one when its ``PRAGMA application_id`` is
  ``APPLICATION_ID`` (or, made before the id was set, it has none but has the provenance
  tables and a ``meta`` row). Anything else (another program's database, a file that is not
  SQLite, an empty file given to a reader) is refused before anything is written; only
  ``index add`` creates an index, at a path that is absent or an empty file.
- Readers open the file read-only (``mode=ro``; ``immutable=1`` when the folder cannot hold
  WAL's ``-shm`` file) and never change its journal mode; writers switch it to WAL.
- A damaged file (malformed pages, truncated, garbled text) raises ``IndexDamagedError``.
- WAL journal and a generous ``busy_timeout``: readers never block, and two writers take
  turns instead of failing with "database is locked".
- One transaction per document: a run killed mid-add loses only the document it was
  writing; every committed document is complete (its row and all its band keys).
- Adding is incremental: a document whose content hash (its text, metadata and the
  fingerprint recipe) is unchanged is not recomputed.
  Whether a document was added, updated or unchanged is decided again under the write
  lock, so two runs adding the same documents at once count each one added once.
- An index answers only runs with its fingerprint recipe (``fingerprint.recipe``: the
  signature scheme and the settings band keys depend on), stored in ``meta``: band keys
  made another way would silently find nothing. An index of another scheme, or made before
  the recipe was stored, is refused with a message saying to rebuild it.

Schema (version 1)::

    meta(key TEXT PRIMARY KEY, value TEXT)      -- schema_version, recipe (JSON)
    documents(id TEXT PRIMARY KEY, path, file, title, date, author, url, format,
              stripped JSON, declared_sources JSON, text, content_hash, band_count, added)
    bands(key INTEGER, doc_id TEXT -> documents.id ON DELETE CASCADE)
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import sqlite3
import stat
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
from provenance.fingerprint import Fingerprint, recipe
from provenance.models import Document, Stripped
from provenance.store.atomic import transaction

SCHEMA_VERSION = 1
APPLICATION_ID = 0x50524F56
"""``PRAGMA application_id`` of every index: the ASCII bytes ``PROV`` at offset 68 of the
file header (``file`` and SQLite tools show it). A file with another non-zero id is another
program's database and is never written to. Indexes made before the id was set have 0 there
and are recognised by their ``meta`` row; opening one for writing stamps the id."""
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


# The archived documents that share band keys with the probes (a temporary table of
# ``(doc, key)``), counted per pair, leaving out keys shared by more than ``max_bucket_size``
# documents and documents stored from excluded files. CROSS JOIN fixes the join order: from
# the few probe keys through the ``bands_key`` index. With a plain JOIN, SQLite (without
# statistics, and a read-only index gets none) chose to scan every band row: 1.6 s for one
# probe document against 10,000 archived ones, growing with the archive, instead of 7 ms.
CANDIDATES_QUERY = """
WITH common AS (
    SELECT b.key FROM bands b
    WHERE b.key IN (SELECT key FROM probe)
    GROUP BY b.key HAVING count(*) > ?
)
SELECT p.doc, b.doc_id, count(*) FROM probe p
CROSS JOIN bands b ON b.key = p.key
CROSS JOIN documents d ON d.id = b.doc_id
WHERE p.key NOT IN (SELECT key FROM common)
  AND (d.file IS NULL OR d.file NOT IN (SELECT value FROM json_each(?)))
GROUP BY p.doc, b.doc_id
"""


class IndexFileError(ProvenanceError):
    """The index file is missing, not an index, built with other settings, or unusable."""


class IndexDamagedError(IndexFileError):
    """The index file is a damaged SQLite database (malformed pages, truncated, bad text)."""


def _error_name(exc: sqlite3.Error) -> str:
    return str(getattr(exc, "sqlite_errorname", "") or "")


def _is_damage(exc: sqlite3.Error) -> bool:
    name = _error_name(exc)
    text = str(exc)
    return (
        name.startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB"))
        or "malformed" in text
        or "Could not decode to UTF-8" in text  # raised by Python on a garbled text column
    )


def _damaged(path: Path, reason: str) -> str:
    return (
        f"index {path} is damaged ({reason}); move it aside and rebuild it from the "
        f"original documents with 'provenance index add PATHS --index {path}'"
    )


def _rebuild(path: Path, why: str) -> str:
    """The message refusing an index whose band keys this version cannot match."""
    return (
        f"{path} cannot be used: {why}, so its band keys may not match this version's and "
        "lookups would miss sources. Move it aside and rebuild it from the original "
        f"documents with 'provenance index add PATHS --index {path}'"
    )


def _sqlite_error(path: Path, exc: sqlite3.Error, doing: str) -> IndexFileError:
    """The error to raise for SQLite's ``exc`` while ``doing`` ("read", "write to")."""
    if _is_damage(exc):
        reason = "a stored text is not valid UTF-8" if "decode" in str(exc) else str(exc)
        return IndexDamagedError(_damaged(path, reason))
    return IndexFileError(f"cannot {doing} index {path}: {exc}")


def _inspect_path(path: Path, *, create: bool) -> bool:
    """Whether ``path`` is new (absent or an empty file): only ``create`` may use such a
    path. Raise ``IndexFileError`` for a folder, a special file, or a new path otherwise."""
    try:
        info = path.stat()
    except FileNotFoundError:
        if create:
            return True
        raise IndexFileError(
            f"no index at {path}; create it with 'provenance index add PATHS --index {path}'"
        ) from None
    except OSError as exc:
        raise IndexFileError(f"cannot open index {path}: {exc.strerror or exc}") from None
    if stat.S_ISDIR(info.st_mode):
        raise IndexFileError(f"{path} is a folder; give the index file's name")
    if not stat.S_ISREG(info.st_mode):
        raise IndexFileError(f"{path} is not a regular file; give the index file's name")
    if info.st_size == 0 and not create:
        raise IndexFileError(
            f"{path} is an empty file, not a provenance index; give the index file's name, "
            f"or build an index there with 'provenance index add PATHS --index {path}'"
        )
    return info.st_size == 0


def _connect_read_only(path: Path) -> sqlite3.Connection:
    """A connection that cannot write to ``path``: SQLite's ``mode=ro``, or where that
    cannot open the file (an index in WAL mode in a folder where its ``-shm`` file cannot
    be created) ``immutable=1``, which reads the file alone."""
    uri = path.absolute().as_uri()

    def connect(flags: str) -> sqlite3.Connection:
        db = sqlite3.connect(
            f"{uri}?{flags}", uri=True, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None
        )
        db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        return db

    def probe(flags: str) -> sqlite3.Connection:
        db = connect(flags)
        try:
            db.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except BaseException:
            db.close()
            raise
        return db

    try:
        return probe("mode=ro")
    except sqlite3.DatabaseError as exc:
        name = _error_name(exc)
        if name == "SQLITE_NOTADB":
            raise IndexFileError(
                f"{path} is not a provenance index: it is not an SQLite database (or is an "
                "index damaged beyond reading); it was left unchanged. Give the index file's "
                "name, or a new file name to create an index with 'provenance index add'"
            ) from None
        if not name.startswith(("SQLITE_CANTOPEN", "SQLITE_READONLY")):
            raise
    wal = Path(f"{path}-wal")
    if wal.exists() and wal.stat().st_size > 0:
        raise IndexFileError(
            f"cannot read index {path}: its write-ahead log {wal} holds changes not yet in "
            "the index, and they cannot be read without write access to its folder; give "
            "write access to the folder, or copy the index with its -wal file elsewhere"
        )
    return probe("immutable=1")


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


def recipe_json(settings: Settings) -> str:
    """``fingerprint.recipe`` as the index stores it."""
    return json.dumps(recipe(settings), sort_keys=True)


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
            recipe_json(settings),
        ],
        ensure_ascii=False,
    )
    return hashlib.sha256(payload.encode("utf-8", "surrogatepass")).hexdigest()


def band_key_ints(fp: Fingerprint, settings: Settings) -> list[int]:
    """The document's band keys (``candidates.band_keys``) as signed 64-bit integers
    (SQLite's INTEGER): a hash of the band and its key values; distinct, sorted.

    Hash collisions between different bands only add candidates, which alignment verifies.
    """
    keys = candidate_stage.band_keys([fp], settings)
    out = set()
    for band, key in zip(keys.band.tolist(), keys.keys, strict=True):
        value = xxhash.xxh64_intdigest(band.to_bytes(4, "big") + key.tobytes())
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
        self.stored_recipe = ""

    # --- opening --------------------------------------------------------------------------

    @classmethod
    def open(
        cls,
        path: str | Path,
        settings: Settings,
        *,
        create: bool = False,
        write: bool = False,
        verify: bool = True,
    ) -> Index:
        """Open the index at ``path``: read-only, or for writing (``write``), or for writing
        and creating it when the path is new (``create``: absent or an empty file).

        Nothing is written before the file is known to be a provenance index (its
        application id, or for indexes made before the id was set, its meta row); a
        read-only open never writes at all (nor changes the journal mode).

        Raises ``IndexFileError`` when it does not exist (and ``create`` is false), is not
        an index, is from a newer provenance, or (``verify``, needed to add or look up
        documents) was built with fingerprint settings other than ``settings``';
        ``IndexDamagedError`` when SQLite finds it damaged.
        """
        path = Path(path)
        write = write or create
        fresh = _inspect_path(path, create=create)
        index: Index | None = None
        try:
            if not fresh:
                index = cls(path, _connect_read_only(path), settings)
                index._identify()
                if write:
                    index.close()
                    index = None
            if index is None:
                try:
                    db = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
                except sqlite3.Error as exc:
                    raise IndexFileError(f"cannot open index {path}: {exc}") from None
                index = cls(path, db, settings)
                index._setup_for_writing(fresh=fresh)
            index._load_meta(verify)
        except sqlite3.Error as exc:
            if index is not None:
                index.close()
            raise _sqlite_error(path, exc, "read") from None
        except BaseException:
            if index is not None:
                index.close()
            raise
        return index

    def _identify(self) -> None:
        """Raise ``IndexFileError`` unless this is a provenance index: its application id
        is ours, or (an index made before the id was set) it has none but holds the
        provenance tables and a ``schema_version`` row."""
        db, path = self._db, self.path
        (app_id,) = db.execute("PRAGMA application_id").fetchone()
        if app_id == APPLICATION_ID:
            return
        if app_id != 0:
            raise IndexFileError(
                f"{path} is not a provenance index: it is the SQLite database of another "
                f"program (application id {app_id:#010x}); it was left unchanged. Give the "
                "index file's name, or a new file name to create an index"
            )
        tables = {
            row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        }
        version = None
        if {"meta", "documents", "bands"} <= tables:
            with contextlib.suppress(sqlite3.OperationalError):  # a "meta" of other columns
                version = db.execute(
                    "SELECT value FROM meta WHERE key = 'schema_version'"
                ).fetchone()
        if version is None:
            what = "has no tables" if not tables else "has no provenance meta row"
            raise IndexFileError(
                f"{path} is not a provenance index: it is an SQLite database that {what}, "
                "another program's perhaps; it was left unchanged. Give the index file's "
                "name, or a new file name to create an index"
            )

    def _setup_for_writing(self, *, fresh: bool) -> None:
        """Create the schema in a new file, or check once more (under the write lock) that
        an existing one is an index; stamp the application id; switch to WAL."""
        db = self._db
        db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        db.execute("PRAGMA foreign_keys = ON")
        with self._write():
            tables = db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
            if tables == 0 and fresh:  # new, or another run is creating it: we hold the lock
                for statement in _SCHEMA.split(";"):  # executescript would COMMIT first
                    if statement.strip():
                        db.execute(statement)
                db.execute(
                    "INSERT OR IGNORE INTO meta VALUES ('schema_version', ?)",
                    (str(SCHEMA_VERSION),),
                )
                db.execute(
                    "INSERT OR IGNORE INTO meta VALUES ('recipe', ?)",
                    (recipe_json(self.settings),),
                )
            else:
                self._identify()
            if db.execute("PRAGMA application_id").fetchone()[0] != APPLICATION_ID:
                db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        # after the schema is committed: another run that sees the file non-empty finds
        # an index in it, never a bare header
        if db.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            _enable_wal(db)
        db.execute("PRAGMA synchronous = NORMAL")  # WAL: durable against a killed process

    def _load_meta(self, verify: bool) -> None:
        meta = dict(self._db.execute("SELECT key, value FROM meta").fetchall())
        version = meta.get("schema_version")
        if version != str(SCHEMA_VERSION):
            raise IndexFileError(
                f"{self.path} is an index of schema version {version}, this provenance reads "
                f"version {SCHEMA_VERSION}; rebuild it with 'provenance index add'"
            )
        self.stored_recipe = meta.get("recipe", "")
        if not verify:
            return
        if not self.stored_recipe:
            raise IndexFileError(
                _rebuild(
                    self.path,
                    "it was made by an earlier provenance, which did not record its "
                    "fingerprint scheme",
                )
            )
        stored = json.loads(self.stored_recipe)
        wanted = recipe(self.settings)
        if stored.get("scheme") != wanted["scheme"]:
            raise IndexFileError(
                _rebuild(
                    self.path,
                    f"it was made with fingerprint scheme {stored.get('scheme')!r}, this "
                    f"version uses {wanted['scheme']!r}",
                )
            )
        differ = [k for k in wanted if stored.get(k) != wanted[k]]
        if differ:
            was = ", ".join(f"{k}={stored.get(k)!r}" for k in differ)
            raise IndexFileError(
                f"{self.path} was built with {was}; run with the same settings "
                "(--set NAME=VALUE) or rebuild the index into a new file"
            )

    @contextlib.contextmanager
    def _reading(self) -> Iterator[None]:
        """SQLite errors while reading become ``IndexFileError`` (``IndexDamagedError``
        when the file is damaged)."""
        try:
            yield
        except sqlite3.Error as exc:
            raise _sqlite_error(self.path, exc, "read") from None
        except ValueError:  # a stored JSON column that does not parse
            raise IndexDamagedError(
                _damaged(self.path, "a stored value is not valid JSON")
            ) from None

    @contextlib.contextmanager
    def _write(self) -> Iterator[None]:
        """One write transaction (``atomic.transaction``); SQLite's errors become
        ``IndexFileError``."""
        try:
            with transaction(self._db):
                yield
        except sqlite3.Error as exc:  # locked past the timeout, disk full, read-only, damaged
            raise _sqlite_error(self.path, exc, "write to") from None

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
            with self._reading():
                row = self._db.execute(
                    "SELECT content_hash FROM documents WHERE id = ?", (document.id,)
                ).fetchone()
            if row is not None and row[0] == digest:
                unchanged.append(document.id)
            else:
                keys = document_keys(document, self.settings)
                with self._write():
                    # again under the write lock: another run may have stored it meanwhile,
                    # and what is counted is what this transaction changed
                    row = self._db.execute(
                        "SELECT content_hash FROM documents WHERE id = ?", (document.id,)
                    ).fetchone()
                    if row is None or row[0] != digest:
                        self._db.execute("DELETE FROM documents WHERE id = ?", (document.id,))
                        self._insert(document, digest, keys)
                if row is not None and row[0] == digest:
                    unchanged.append(document.id)
                else:
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
        if not ids:
            return ids
        with self._write():
            self._db.executemany("DELETE FROM documents WHERE id = ?", ((i,) for i in ids))
        return ids

    # --- reading --------------------------------------------------------------------------

    def entries(self) -> list[Entry]:
        with self._reading():
            rows = self._db.execute(
                "SELECT id, path, title, date, length(text), added FROM documents ORDER BY id"
            )
            return [Entry(*row) for row in rows]

    def stats(self) -> dict[str, int | str]:
        with self._reading():
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
            "fingerprint": self.stored_recipe,
        }

    def integrity(self) -> str:
        """SQLite's ``PRAGMA integrity_check`` answer: ``"ok"`` when the file is sound.
        Raises ``IndexDamagedError`` when it is too damaged to check."""
        with self._reading():
            return "; ".join(str(row[0]) for row in self._db.execute("PRAGMA integrity_check"))

    def require_integrity(self) -> str:
        """``"ok"``, or ``IndexDamagedError`` naming the first problems SQLite found."""
        found = self.integrity()
        if found != "ok":
            problems = found.split("; ")
            more = f" and {len(problems) - 3} more" if len(problems) > 3 else ""
            shown = "; ".join(problems[:3])
            raise IndexDamagedError(_damaged(self.path, f"integrity check: {shown}{more}"))
        return found

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
        with self._reading():
            db = self._db
            db.execute("CREATE TEMP TABLE IF NOT EXISTS probe (doc INTEGER, key INTEGER)")
            db.execute("DELETE FROM probe")
            db.executemany(
                "INSERT INTO probe VALUES (?, ?)",
                ((k, key) for k, probe in enumerate(keys) for key in set(probe)),
            )
            limit = self.settings.max_bucket_size
            rows = db.execute(
                CANDIDATES_QUERY, (limit, json.dumps(sorted(set(exclude_files))))
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
        with self._reading():
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
