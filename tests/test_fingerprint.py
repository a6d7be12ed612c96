"""``fingerprint.recipe``: the one fingerprint identity holds every setting that changes a
fingerprint or a band key (the cache, the stage folders and the index key on it)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest

from provenance import candidates as cand
from provenance import fingerprint as fp
from provenance import ingest
from provenance.config import Settings
from provenance.errors import ConfigError

CASES = Path(__file__).parent / "cases"


def _made(texts: list[str], s: Settings) -> tuple[list[np.ndarray], ...]:
    """Everything the recipe stands for: units, signatures and band keys."""
    table = fp.fingerprint_table(texts, s)
    keys = cand.band_keys(table, s)
    return [table.units, table.sizes, table.signatures], [keys.band, keys.keys]


def _same(a: tuple[list[np.ndarray], ...], b: tuple[list[np.ndarray], ...]) -> bool:
    return all(
        x.shape == y.shape and np.array_equal(x, y)
        for part_a, part_b in zip(a, b, strict=True)
        for x, y in zip(part_a, part_b, strict=True)
    )


def _other_values(value: int | float) -> list[int | float]:
    if isinstance(value, int):
        return [value * 2 + 1, max(0, value // 2)]
    return [value * 0.6, min(1.0, value * 1.5)]


def test_every_setting_that_changes_fingerprints_or_band_keys_is_in_the_recipe() -> None:
    docs, _ = ingest.read_inputs([CASES / "chain", CASES / "heavy_paraphrase"], Settings())
    texts = [d.text for d in docs]
    base = Settings()
    made = _made(texts, base)
    changing = set()
    for field in dataclasses.fields(Settings):
        value = getattr(base, field.name)
        if isinstance(value, bool) or not isinstance(value, int | float):
            continue
        for other in _other_values(value):
            try:
                s = base.replace(**{field.name: other})
            except ConfigError:
                continue
            if not _same(_made(texts, s), made):
                changing.add(field.name)
                assert fp.recipe(s) != fp.recipe(base), field.name
    # the check above can fail: these do change what is made
    assert {"num_perm", "seed", "passage_min_terms", "passage_max_terms"} <= changing
    assert {"lsh_threshold"} <= changing
    assert set(fp.recipe(base)) == {"scheme", *fp.SIGNATURE_SETTINGS, *fp.BAND_SETTINGS}


def test_the_signature_recipe_leaves_out_band_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    s = Settings()
    assert fp.recipe(s, bands=False) == {
        "scheme": fp.SCHEME,
        **{name: getattr(s, name) for name in fp.SIGNATURE_SETTINGS},
    }
    monkeypatch.setattr(fp, "SCHEME", "another-scheme")
    assert fp.recipe(s)["scheme"] == "another-scheme"
