"""The Dask engine on a 2-worker local cluster gives the local engine's JSON, byte for byte."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("distributed")

from distributed import Client, LocalCluster

from provenance import pipeline
from provenance.config import Settings
from provenance.engine import dask
from provenance.errors import ConfigError
from provenance.models import TraceResult
from provenance.report import jsonout
from support.family import write_family

CASES = Path(__file__).parent.parent / "cases"
CASE_NAMES = sorted(p.parent.name for p in CASES.glob("*/expected.json"))


@pytest.fixture(scope="module")
def client() -> Iterator[Client]:
    with (
        LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0"
        ) as cluster,
        Client(cluster) as c,
    ):
        yield c


def _on(client: Client, paths: list[str | Path], settings: Settings) -> TraceResult:
    with dask.DaskEngine(settings, client) as engine:
        return pipeline.run(engine, paths, settings)


def _local(paths: list[Path], settings: Settings) -> str:
    return jsonout.dumps(pipeline.trace(paths, settings.replace(workers=1)))


@pytest.mark.parametrize("name", CASE_NAMES)
def test_dask_json_equals_local_json(client: Client, name: str) -> None:
    s = Settings(cache=False)
    distributed = jsonout.dumps(_on(client, [CASES / name], s))
    assert distributed == _local([CASES / name], s)


def test_dask_with_small_shards_equals_local(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Several shards, band splits and alignment chunks, all cases in one corpus.
    monkeypatch.setattr(dask, "SHARD", 5)
    monkeypatch.setattr(dask, "READ_CHUNK", 3)
    monkeypatch.setattr(dask, "ALIGN_CHUNK", 2)
    s = Settings(cache=False)
    result = _on(client, [CASES], s)
    assert result.relations
    assert jsonout.dumps(result) == _local([CASES], s)


def test_dask_json_equals_local_json_on_a_large_family(
    client: Client, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_family(tmp_path / "news")
    monkeypatch.setattr(dask, "SHARD", 16)  # the family's unit counts come from four shards
    s = Settings(cache=False)
    result = _on(client, [tmp_path / "news"], s)
    assert len(result.families) == 1
    assert jsonout.dumps(result) == _local([tmp_path / "news"], s)


def test_dask_reads_urls_through_fsspec(client: Client) -> None:
    s = Settings(cache=False)
    folder = CASES / "chain"
    remote = _on(client, [folder.as_uri()], s)
    local = pipeline.trace([folder], s.replace(workers=1))
    assert [d.id for d in remote.documents] == [d.id for d in local.documents]
    assert [d.text for d in remote.documents] == [d.text for d in local.documents]
    assert remote.relations == local.relations
    glob = _on(client, [folder.as_uri() + "/*_*.txt"], s)
    assert [d.id for d in glob.documents] == [d.id for d in local.documents]


def test_dask_refuses_stdin() -> None:
    with pytest.raises(ConfigError, match="standard input"):
        pipeline.trace(["-"], Settings(engine="dask"), stdin=b"text")


def test_unknown_engine_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="engine must be one of local, dask"):
        Settings(engine="spark")


def test_engine_setting_runs_a_local_cluster() -> None:
    s = Settings(cache=False, workers=2, engine="dask")
    assert jsonout.dumps(pipeline.trace([CASES / "chain"], s)) == _local([CASES / "chain"], s)
