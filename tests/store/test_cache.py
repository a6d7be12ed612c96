"""``store.cache``: fingerprints cached by content key and recipe; a cache that cannot be
used never stops a trace."""

from __future__ import annotations

from pathlib import Path

import pytest

from provenance import fingerprint as fp
from provenance import pipeline
from provenance.config import Settings
from provenance.report import jsonout
from provenance.store.cache import FingerprintCache, cache_name

CASES = Path(__file__).parent.parent / "cases"


def test_second_trace_reuses_the_cache_and_gives_the_same_json(
    tmp_path: Path, computed: list[int]
) -> None:
    s = Settings(workers=1, cache_dir=str(tmp_path / "cache"))
    first = jsonout.dumps(pipeline.trace([CASES], s))
    n_docs = sum(computed)
    assert n_docs > 20
    assert len(list((tmp_path / "cache").glob("fingerprints-*.sqlite3"))) == 1
    second = jsonout.dumps(pipeline.trace([CASES], s))
    assert sum(computed) == n_docs  # nothing fingerprinted again
    assert second == first
    assert first == jsonout.dumps(pipeline.trace([CASES], s.replace(cache=False)))
    assert sum(computed) >= 2 * n_docs  # --no-cache computes everything


def test_cache_is_keyed_by_text_and_fingerprint_settings(
    tmp_path: Path, computed: list[int]
) -> None:
    s = Settings(workers=1, cache_dir=str(tmp_path))
    folder = tmp_path / "corpus"
    folder.mkdir()
    for name in ("a.txt", "b.txt"):
        (folder / name).write_text((CASES / "chain" / "a_agency.txt").read_text(), "utf-8")
    pipeline.trace([folder], s)
    assert sum(computed) == 1  # two files, one text: fingerprinted once
    (folder / "b.txt").write_text("Something else entirely, about the harbour.", "utf-8")
    pipeline.trace([folder], s)
    assert sum(computed) == 2  # only the changed file
    pipeline.trace([folder], s.replace(num_perm=32))
    assert sum(computed) == 4  # other fingerprint settings: another cache


def test_unusable_cache_folder_does_not_stop_the_trace(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder", "utf-8")
    s = Settings(workers=1, cache_dir=str(blocker / "cache"))
    assert jsonout.dumps(pipeline.trace([CASES / "chain"], s)) == jsonout.dumps(
        pipeline.trace([CASES / "chain"], s.replace(cache=False))
    )


def test_damaged_cache_file_is_ignored(tmp_path: Path) -> None:
    s = Settings(workers=1, cache_dir=str(tmp_path))
    expected = jsonout.dumps(pipeline.trace([CASES / "chain"], s.replace(cache=False)))
    FingerprintCache(s).path.write_bytes(b"\x00garbage" * 100)
    assert jsonout.dumps(pipeline.trace([CASES / "chain"], s)) == expected


def test_every_setting_of_the_recipe_and_the_scheme_name_their_own_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    s = Settings(cache_dir=str(tmp_path))
    name = cache_name(s)
    # passage_max_terms changes units: it was once left out, and served stale fingerprints
    for other in (s.replace(passage_max_terms=0), s.replace(seed=2), s.replace(num_perm=32)):
        assert cache_name(other) != name
    # band settings do not change a fingerprint: the cache is shared across them
    assert cache_name(s.replace(lsh_threshold=0.6)) == name
    monkeypatch.setattr(fp, "SCHEME", "another-scheme")
    assert cache_name(s) != name
    assert FingerprintCache(s).path.name == cache_name(s)
