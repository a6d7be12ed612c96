"""The fast paths of the engine against slow, obviously correct references, and the same
output whatever the number of workers."""

from __future__ import annotations

from collections import defaultdict
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

CASES = Path(__file__).parent / "cases"


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


def _same(a: fp.Fingerprint, b: fp.Fingerprint) -> bool:
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
        assert _same(table[k], fp.fingerprint_text(text, s))
    again = fp.FingerprintTable.of(list(table), s.num_perm)
    assert all(_same(a, b) for a, b in zip(again, table, strict=True))
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
        assert _same(gathered[k], fp.fingerprint_text(texts[4 * p + d], s))


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
        assert _same(table[k], fp.fingerprint_text(text, s))
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


def _reference_pairs(fps: list[fp.Fingerprint], s: Settings) -> list[tuple[int, int, int]]:
    """The dictionary-of-buckets banding this module replaced, kept as the reference."""
    bands, rows = cand.band_parameters(s)
    buckets: dict[tuple[int, bytes], list[tuple[int, int]]] = defaultdict(list)
    for doc, f in enumerate(fps):
        for unit, signature in enumerate(f.signatures):
            for band in range(bands):
                buckets[(band, signature[band * rows : (band + 1) * rows].tobytes())].append(
                    (doc, unit)
                )
    unit_pairs: dict[tuple[int, int], set[tuple[int, int]]] = defaultdict(set)
    for members in buckets.values():
        if len(members) < 2 or len(members) > s.max_bucket_size:
            continue
        for i, (da, ua) in enumerate(members):
            for db, ub in members[i + 1 :]:
                agree = np.mean(fps[da].signatures[ua] == fps[db].signatures[ub])
                if agree < s.min_unit_similarity:
                    continue
                if da < db:
                    unit_pairs[(da, db)].add((ua, ub))
                elif db < da:
                    unit_pairs[(db, da)].add((ub, ua))
    if s.min_unit_similarity > 0:
        # A document pair resting on one passage pair needs min_lone_unit_similarity.
        for (a, b), u in list(unit_pairs.items()):
            if len(u) == 1:
                ((ua, ub),) = u
                agree = np.mean(fps[a].signatures[ua] == fps[b].signatures[ub])
                # ... and to share about min_lone_unit_terms terms: J * |A u B|
                union = (fps[a].sizes[ua] + fps[b].sizes[ub]) / (1 + agree)
                close = agree >= s.min_short_lone_unit_similarity - 1e-9
                if agree < s.min_lone_unit_similarity or (
                    agree * union < s.min_lone_unit_terms - 1e-9 and not close
                ):
                    del unit_pairs[(a, b)]
    scored = sorted((a, b, len(u)) for (a, b), u in unit_pairs.items())
    return cand._cap_per_document(scored, s.max_candidates_per_document)[0]


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("similarity", [0.0, 0.35, 0.5])
def test_vectorized_banding_equals_dictionary_banding(seed: int, similarity: float) -> None:
    rng = np.random.default_rng(seed)
    s = Settings(max_bucket_size=6, max_candidates_per_document=4, min_unit_similarity=similarity)
    # Few distinct values, so buckets of every size (including too large ones) appear.
    fps = [
        fp.Fingerprint(
            rng.integers(0, 3, size=(n, s.num_perm), dtype=np.uint32),
            tuple((k, k + 1) for k in range(n)),
            tuple(int(t) for t in rng.integers(6, 20, size=n)),
        )
        for n in rng.integers(0, 4, size=25)
    ]
    assert cand.candidate_pairs(fps, s) == _reference_pairs(fps, s)


def test_ingest_on_workers_reads_the_same(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ingest, "_READ_CHUNK", 2)
    assert ingest.read_inputs([CASES], Settings(), workers=2) == ingest.read_inputs(
        [CASES], Settings()
    )
