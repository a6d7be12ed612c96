"""``store.stages``: sharded stage files that a run writes and resumes from."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from provenance import fingerprint as fp
from provenance import pipeline
from provenance.config import Settings
from provenance.errors import ProvenanceError
from provenance.report import jsonout
from provenance.store import stages
from provenance.store.cache import content_key
from support.family import write_family

CASES = Path(__file__).parent.parent / "cases"


def test_stage_dir_writes_shards_and_resumes_from_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, computed: list[int]
) -> None:
    monkeypatch.setattr(stages, "SHARD", 7)
    plain = jsonout.dumps(pipeline.trace([CASES], Settings(workers=1, cache=False)))
    n_docs = sum(computed)
    s = Settings(workers=1, cache=False, stage_dir=str(tmp_path / "stages"))
    assert jsonout.dumps(pipeline.trace([CASES], s)) == plain
    assert sum(computed) == 2 * n_docs
    parts = sorted(p.name for p in (tmp_path / "stages" / "fingerprints").iterdir())
    assert parts[0] == "part-00000.npz" and len(parts) == -(-n_docs // 7)
    assert len(list((tmp_path / "stages" / "bands").iterdir())) == len(parts)
    first, fps = stages.read_fingerprints(tmp_path / "stages" / "fingerprints" / parts[1])
    assert first == 7 and len(fps) == 7
    # A resumed run reads everything back: nothing is fingerprinted again.
    assert jsonout.dumps(pipeline.trace([CASES], s)) == plain
    assert sum(computed) == 2 * n_docs
    # Losing the candidates and one shard: only that shard is computed again.
    (tmp_path / "stages" / "candidates.npz").unlink()
    (tmp_path / "stages" / "bands" / parts[1]).unlink()
    assert jsonout.dumps(pipeline.trace([CASES], s)) == plain
    assert sum(computed) == 2 * n_docs + 7


def test_a_large_family_traced_through_a_stage_dir_gives_the_same_json(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(stages, "SHARD", 16)
    write_family(tmp_path / "news")
    plain = pipeline.trace([tmp_path / "news"], Settings(workers=1, cache=False))
    assert len(plain.families) == 1
    s = Settings(workers=1, cache=False, stage_dir=str(tmp_path / "stages"))
    assert jsonout.dumps(pipeline.trace([tmp_path / "news"], s)) == jsonout.dumps(plain)
    keys = [content_key(d.text) for d in plain.documents]
    units = stages.read_unit_counts(stages.StageDir(tmp_path / "stages", s, keys))
    texts = [d.text for d in plain.documents]
    assert units.tolist() == [len(f.units) for f in fp.fingerprint_texts(texts, s)]
    # resumed from the candidates on disk: the unit counts come from the fingerprint shards
    assert jsonout.dumps(pipeline.trace([tmp_path / "news"], s)) == jsonout.dumps(plain)


def test_stage_dir_of_another_corpus_is_refused(tmp_path: Path) -> None:
    s = Settings(workers=1, cache=False, stage_dir=str(tmp_path))
    pipeline.trace([CASES / "chain"], s)
    with pytest.raises(ProvenanceError, match="another corpus"):
        pipeline.trace([CASES / "cjk"], s)


@pytest.mark.parametrize("change", ["scheme", "passage_max_terms", "lsh_threshold"])
def test_stage_dir_of_another_recipe_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, change: str
) -> None:
    s = Settings(workers=1, cache=False, stage_dir=str(tmp_path))
    pipeline.trace([CASES / "chain"], s)
    written = fp.recipe(s)
    if change == "scheme":
        monkeypatch.setattr(fp, "SCHEME", "another-scheme")
    else:
        s = s.replace(**{change: {"passage_max_terms": 0, "lsh_threshold": 0.6}[change]})
    with pytest.raises(ProvenanceError, match="other settings"):
        pipeline.trace([CASES / "chain"], s)
    manifest = json.loads((tmp_path / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["recipe"] == written  # left as it was
