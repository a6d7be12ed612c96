"""Fingerprints cached by content hash, so re-tracing an unchanged corpus skips the work.

One SQLite file per package version and fingerprint recipe (``fingerprint.recipe``: the
signature scheme and the settings that change a signature), in ``settings.cache_dir`` or the
user's cache folder (``platformdirs``: ``$XDG_CACHE_HOME/provenance`` on Linux). A
document's key is the 128-bit xxh3 of its extracted text. SQLite makes each batch of writes
one atomic transaction and lets concurrent runs share the file. The cache is an accelerator
only: when it cannot be opened, read or written (read-only folder, full disk, a damaged
file), the trace goes on without it.
"""

from __future__ import annotations

import contextlib
import sqlite3
import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import platformdirs
import xxhash

from provenance.config import Settings
from provenance.fingerprint import Fingerprint, from_unit_table, recipe, unit_table
from provenance.store.atomic import transaction

_BATCH = 500  # keys per SELECT (SQLite allows at least 999 parameters)


def content_key(text: str) -> bytes:
    """The cache key of a document's extracted text."""
    return xxhash.xxh3_128_digest(text.encode("utf-8", "surrogatepass"))


def package_version() -> str:
    """provenance's version, from the package already loaded (importing it here would be
    circular: the package imports the pipeline, which imports this module)."""
    return str(getattr(sys.modules.get("provenance"), "__version__", ""))


def cache_name(settings: Settings) -> str:
    """The cache file's name: a hash of the package version and the fingerprint recipe.

    The version is in it besides the scheme because a cache costs nothing to refill: a
    change of code that alters signatures and forgot to change ``SCHEME`` is never served
    from it. (The index keys on the recipe alone: it is the user's archive, kept across
    upgrades, and rebuilding it needs the original documents.)"""
    parts = (package_version(), sorted(recipe(settings, bands=False).items()))
    return f"fingerprints-{xxhash.xxh3_64_hexdigest(repr(parts).encode('utf-8'))}.sqlite3"


def cache_folder(settings: Settings) -> Path:
    return Path(settings.cache_dir or platformdirs.user_cache_dir("provenance"))


class FingerprintCache:
    """Fingerprints by content key; every failure degrades to a cache miss."""

    def __init__(self, settings: Settings) -> None:
        self.path = cache_folder(settings) / cache_name(settings)
        self._num_perm = settings.num_perm
        self._db: sqlite3.Connection | None = None
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(self.path, timeout=60, isolation_level=None)
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")  # a cache: losing the last batch is fine
            db.execute(
                "CREATE TABLE IF NOT EXISTS fp "
                "(key BLOB PRIMARY KEY, units BLOB NOT NULL, sigs BLOB NOT NULL) WITHOUT ROWID"
            )
            self._db = db
        except (OSError, sqlite3.Error):
            self._db = None

    def get_many(self, keys: Sequence[bytes]) -> dict[bytes, Fingerprint]:
        found: dict[bytes, Fingerprint] = {}
        if self._db is None:
            return found
        unique = sorted(set(keys))
        try:
            for k in range(0, len(unique), _BATCH):
                batch = unique[k : k + _BATCH]
                marks = ",".join("?" * len(batch))
                rows = self._db.execute(
                    f"SELECT key, units, sigs FROM fp WHERE key IN ({marks})",  # noqa: S608 -- only '?' placeholders are formatted in
                    batch,
                )
                for key, units, sigs in rows:
                    fingerprint = self._decode(units, sigs)
                    if fingerprint is not None:
                        found[key] = fingerprint
        except sqlite3.Error:
            self._broken()
            return {}
        return found

    def put_many(self, items: Sequence[tuple[bytes, Fingerprint]]) -> None:
        if self._db is None or not items:
            return
        rows = [
            (
                key,
                unit_table(fp).tobytes(),
                np.ascontiguousarray(fp.signatures, dtype="<u4").tobytes(),
            )
            for key, fp in items
        ]
        try:
            with transaction(self._db) as db:
                db.executemany("INSERT OR IGNORE INTO fp VALUES (?, ?, ?)", rows)
        except sqlite3.Error:
            self._broken()

    def close(self) -> None:
        if self._db is not None:
            with contextlib.suppress(sqlite3.Error):
                self._db.close()
            self._db = None

    def _decode(self, units: bytes, sigs: bytes) -> Fingerprint | None:
        table = np.frombuffer(units, dtype="<i8")
        values = np.frombuffer(sigs, dtype="<u4")
        n = len(table) // 3
        if len(table) % 3 or len(values) != n * self._num_perm:
            return None  # a damaged row is a miss
        return from_unit_table(values.reshape(n, self._num_perm), table.reshape(n, 3))

    def _broken(self) -> None:
        self.close()
