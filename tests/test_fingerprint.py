"""``fingerprint``: the lean fingerprint path and the fingerprint table against the full
analysis and slow references; ``recipe``, the one fingerprint identity, holds every setting
that changes a fingerprint or a band key (the cache, the stage folders and the index key on it)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from provenance import candidates as cand
from provenance import fingerprint as fp
from provenance import ingest
from provenance import text as tx
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


def _case_documents() -> list[str]:
    docs, skipped = ingest.read_inputs([CASES], Settings())
    assert not skipped
    return [d.text for d in docs]


def test_lean_fingerprint_equals_full_analysis_on_every_case_document() -> None:
    s = Settings()
    texts = _case_documents()
    assert len(texts) > 20
    batched = fp.fingerprint_texts(texts, s)
    for text, fast in zip(texts, batched, strict=True):
        slow = fp.fingerprint(tx.analyse(text), s)
        assert fast.units == slow.units
        assert np.array_equal(fast.signatures, slow.signatures)
        assert fast.signatures.dtype == np.uint32


def _same_fingerprint(a: fp.Fingerprint, b: fp.Fingerprint) -> bool:
    return (
        a.units == b.units
        and a.sizes == b.sizes
        and a.signatures.dtype == b.signatures.dtype
        and np.array_equal(a.signatures, b.signatures)
    )


def test_fingerprint_table_holds_the_same_fingerprints() -> None:
    s = Settings()
    texts = [*_case_documents(), "", "Too short."]  # documents without a unit too
    table = fp.fingerprint_table(texts, s)
    assert len(table) == len(texts)
    for k, text in enumerate(texts):
        assert _same_fingerprint(table[k], fp.fingerprint_text(text, s))
    again = fp.FingerprintTable.of(list(table), s.num_perm)
    assert all(_same_fingerprint(a, b) for a, b in zip(again, table, strict=True))
    with pytest.raises(IndexError):
        table[len(texts)]


def test_fingerprint_table_gather_reorders_repeats_and_releases_parts() -> None:
    s = Settings()
    texts = _case_documents()[:9]
    parts: list[fp.FingerprintTable | None] = [
        fp.fingerprint_table(texts[:4], s),
        fp.fingerprint_table(texts[4:], s),
    ]
    want = [(1, 0), (1, 1), (0, 2), (0, 3), (0, 2), (1, 4), (0, 0)]
    gathered = fp.FingerprintTable.gather(parts, want, s.num_perm)
    assert parts == [None, None]  # both copied, both released
    assert len(gathered) == len(want)
    for k, (p, d) in enumerate(want):
        assert _same_fingerprint(gathered[k], fp.fingerprint_text(texts[4 * p + d], s))


def test_table_builder_appends_parts_in_order(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fp.TableBuilder, "MIN_ROWS", 4)  # grow many times
    s = Settings()
    texts = _case_documents()
    builder = fp.TableBuilder(s.num_perm)
    for k in range(0, len(texts), 3):
        builder.add(fp.fingerprint_table(texts[k : k + 3], s))
    builder.add(fp.fingerprint_table([], s))
    table = builder.table()
    assert len(table) == len(texts)
    assert len(table.signatures) == len(table.sizes) == int(table.starts[-1])
    for k, text in enumerate(texts):
        assert _same_fingerprint(table[k], fp.fingerprint_text(text, s))
    assert len(fp.TableBuilder(s.num_perm).table()) == 0


def test_candidates_from_a_table_equal_those_from_fingerprints() -> None:
    s = Settings()
    texts = _case_documents()
    table = fp.fingerprint_table(texts, s)
    assert cand.candidate_pairs(table, s) == cand.candidate_pairs(list(table), s)
    assert len(cand.candidate_pairs(table, s)) > 10


@settings(max_examples=60, deadline=None, derandomize=True)
@given(
    st.lists(
        st.sampled_from(
            [
                "The",
                "mayor",
                "said.",
                "Dr.",
                "U.S.",
                "“quoted”",
                "東京都",
                "都市",
                "\n\n",
                "don’t",
                "naïve",
                "ﬁle",
                "3.5",
                "?",
                "Mr.",
                "rivers",
                "bridge!",
                "\n",
                "،",
                "مدينة",
            ]
        ),
        max_size=60,
    ).map(" ".join)
)
def test_lean_fingerprint_equals_full_analysis(text: str) -> None:
    s = Settings(passage_min_terms=2)
    slow = fp.fingerprint(tx.analyse(text), s)
    fast = fp.fingerprint_text(text, s)
    assert fast.units == slow.units
    assert np.array_equal(fast.signatures, slow.signatures)


def test_signature_is_the_minimum_over_terms_of_each_permutation() -> None:
    s = Settings(num_perm=8, seed=3)
    a, b = fp.permutations(8, 3)
    terms = ["council", "harbour", "bridg"]
    expected = [
        min(((fp.term_hash(t) * int(a[k]) + int(b[k])) % 2**64) >> 32 for t in terms)
        for k in range(8)
    ]
    assert fp.signatures([terms, [], terms[:1]], s)[0].tolist() == expected
    assert fp.signatures([[]], s)[0].tolist() == [2**32 - 1] * 8
