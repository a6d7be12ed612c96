"""Candidate selection: unrelated documents on one topic are not candidates, reuse is."""

from __future__ import annotations

from collections import defaultdict

import numpy as np
import pytest

from provenance import candidates as cand
from provenance import fingerprint as fp
from provenance.config import Settings

_LETTERS = list("bcdfghjklmnprstvz")
_VOWELS = list("aeiou")


def _words(rng: np.random.Generator, n: int) -> list[str]:
    """``n`` distinct made-up words (consonant-vowel syllables: no stopwords, stable stems)."""
    out: set[str] = set()
    while len(out) < n:
        out.add("".join(str(rng.choice(_LETTERS)) + str(rng.choice(_VOWELS)) for _ in range(4)))
    return sorted(out)


def _corpus(seed: int, vocab: int = 25, shared: int = 4) -> list[str]:
    """40 articles on one topic: every sentence mixes ``shared`` of ``vocab`` topic words
    with words of its own (10 in all), so unrelated sentences share a few terms by chance, as news on one
    beat does. The last article copies one paragraph (3 sentences) of the first."""
    rng = np.random.default_rng(seed)
    topic = _words(rng, vocab)
    own = iter(_words(rng, 40 * 8 * 10))
    docs = []
    for _ in range(40):
        paragraphs = []
        for _ in range(4):
            sentences = []
            for _ in range(2):
                words = [
                    *rng.choice(topic, shared, replace=False).tolist(),
                    *(next(own) for _ in range(10 - shared)),
                ]
                rng.shuffle(words)
                sentences.append(" ".join(words).capitalize() + ".")
            paragraphs.append(" ".join(sentences))
        docs.append("\n\n".join(paragraphs))
    first = docs[0].split("\n\n")
    borrowed = first[1] + " " + first[2].split(". ")[0] + "."
    last = docs[-1].split("\n\n")
    docs[-1] = "\n\n".join([last[0], borrowed, *last[1:]])
    return docs


def _pairs(texts: list[str], s: Settings) -> set[tuple[int, int]]:
    return {(a, b) for a, b, _ in cand.candidate_pairs(fp.fingerprint_texts(texts, s), s)}


@pytest.mark.parametrize("seed", [7, 8])
def test_same_topic_documents_are_not_candidates_but_a_reused_paragraph_is(seed: int) -> None:
    texts = _corpus(seed)
    s = Settings()
    assert _pairs(texts, s) == {(0, 39)}
    # Without the signature check, chance collisions of same-topic sentences make
    # unrelated articles candidates (the corpus does exercise the check).
    loose = _pairs(texts, s.replace(min_unit_similarity=0.0))
    assert (0, 39) in loose
    assert len(loose - {(0, 39)}) >= 3


def test_similar_units_keeps_exactly_the_rows_whose_signatures_agree_enough() -> None:
    s = Settings(num_perm=8, min_unit_similarity=0.5)
    base = np.arange(8, dtype=np.uint32)
    half = base.copy()
    half[4:] += 100  # 4 of 8 values agree: kept at 0.5
    less = base.copy()
    less[3:] += 100  # 3 of 8: dropped
    fps = [
        fp.Fingerprint(np.stack([base, base]), ((0, 1), (1, 2)), (20, 20)),
        fp.Fingerprint(np.stack([half, less]), ((0, 1), (1, 2)), (20, 20)),
    ]
    rows = np.array([[0, 1, 0, 0], [0, 1, 1, 1], [0, 1, 0, 1]], dtype=np.int64)
    kept = cand.similar_units(rows, fps, fps, s)
    assert kept.tolist() == [[0, 1, 0, 0]]
    assert cand.similar_units(rows, fps, fps, s.replace(min_unit_similarity=0.0)).tolist() == (
        rows.tolist()
    )


def test_a_lone_passage_pair_needs_the_higher_similarity() -> None:
    s = Settings(num_perm=8, min_unit_similarity=0.4, min_lone_unit_similarity=0.6)
    base = np.arange(8, dtype=np.uint32)
    half = base.copy()
    half[4:] += 100  # 4 of 8 values agree: similar, but not enough on its own
    fps = [
        fp.Fingerprint(np.stack([base, base]), ((0, 1), (1, 2)), (20, 20)),
        fp.Fingerprint(np.stack([half, half]), ((0, 1), (1, 2)), (20, 20)),
    ]
    lone = np.array([[0, 1, 0, 0]], dtype=np.int64)
    assert cand.similar_units(lone, fps, fps, s).tolist() == []
    two = np.array([[0, 1, 0, 0], [0, 1, 1, 1]], dtype=np.int64)
    assert cand.similar_units(two, fps, fps, s).tolist() == two.tolist()
    assert cand.similar_units(lone, fps, fps, s.replace(min_lone_unit_similarity=0.5)).tolist() == (
        lone.tolist()
    )


def test_a_lone_passage_pair_must_share_enough_terms() -> None:
    """Half the values agree (J = 0.5): two 20-term passages share about 13 terms, two 6-term
    passages about 4, which chance gives unrelated passages; more units, no such limit."""
    s = Settings(
        num_perm=8,
        min_unit_similarity=0.4,
        min_lone_unit_similarity=0.5,
        min_lone_unit_terms=4.5,
        min_short_lone_unit_similarity=0.75,
    )
    base = np.arange(8, dtype=np.uint32)
    half = base.copy()
    half[4:] += 100

    def fps(size: int) -> list[fp.Fingerprint]:
        return [
            fp.Fingerprint(np.stack([base, base]), ((0, 1), (1, 2)), (size, size)),
            fp.Fingerprint(np.stack([half, half]), ((0, 1), (1, 2)), (size, size)),
        ]

    lone = np.array([[0, 1, 0, 0]], dtype=np.int64)
    assert cand.similar_units(lone, fps(20), fps(20), s).tolist() == lone.tolist()
    assert cand.similar_units(lone, fps(6), fps(6), s).tolist() == []  # 0.5 * 12 / 1.5 = 4.0
    assert cand.similar_units(lone, fps(7), fps(7), s).tolist() == lone.tolist()  # 4.67
    off = s.replace(min_lone_unit_terms=0)
    assert cand.similar_units(lone, fps(6), fps(6), off).tolist() == lone.tolist()
    two = np.array([[0, 1, 0, 0], [0, 1, 1, 1]], dtype=np.int64)
    assert cand.similar_units(two, fps(6), fps(6), s).tolist() == two.tolist()
    close = s.replace(min_short_lone_unit_similarity=0.5)  # short but nearly the same
    assert cand.similar_units(lone, fps(6), fps(6), close).tolist() == lone.tolist()


def test_buckets_are_exact_even_when_keys_share_a_hash(monkeypatch: pytest.MonkeyPatch) -> None:
    """Rows are grouped by a hash of their band and keys; were two different keys to share a
    hash, the exact sort takes over and the collisions are the same."""
    s = Settings()
    texts = _corpus(7)
    keys = cand.band_keys(fp.fingerprint_texts(texts, s), s)
    expected = cand.unit_collisions(keys, s)
    assert len(expected) > 0
    # the rows in another order give the same collisions
    perm = np.random.default_rng(0).permutation(len(keys.doc))
    shuffled = cand.BandKeys(keys.doc[perm], keys.unit[perm], keys.band[perm], keys.keys[perm])
    assert np.array_equal(cand.unit_collisions(shuffled, s), expected)
    # every key hashing alike: the exact fallback
    monkeypatch.setattr(cand, "bucket_hash", lambda k: np.zeros(len(k.doc), dtype=np.uint64))
    assert np.array_equal(cand.unit_collisions(keys, s), expected)
    assert np.array_equal(cand.unit_collisions(shuffled, s), expected)


def _family(n: int) -> list[str]:
    """``n`` copies of one article, each with a footer sentence of words no other copy has."""
    rng = np.random.default_rng(9)
    words = _words(rng, 24 + 6 * n)
    body = " ".join(words[:12]) + ". " + " ".join(words[12:24]) + "."
    return [body + "\n\n" + " ".join(words[24 + 6 * k : 30 + 6 * k]) + "." for k in range(n)]


def test_a_crowded_bucket_relates_every_member_to_its_first_as_a_star() -> None:
    s = Settings(max_bucket_size=4, max_candidates_per_document=100)
    texts = _family(12)
    notes: list[str] = []
    pairs = {
        (a, b) for a, b, _ in cand.candidate_pairs(fp.fingerprint_texts(texts, s), s, notes=notes)
    }
    assert pairs == {(0, k) for k in range(1, 12)}  # a star on the first copy
    assert len(notes) == 1 and "max_bucket_size (4)" in notes[0]
    # under the cap, every pair of the bucket is a candidate and nothing is noted
    roomy = Settings(max_bucket_size=12, max_candidates_per_document=100)
    notes = []
    pairs = {
        (a, b)
        for a, b, _ in cand.candidate_pairs(fp.fingerprint_texts(texts, roomy), roomy, notes=notes)
    }
    assert pairs == {(a, b) for a in range(12) for b in range(a + 1, 12)}
    assert notes == []


def test_the_star_is_the_same_from_band_keys_in_one_piece() -> None:
    s = Settings(max_bucket_size=4)
    fps = fp.fingerprint_texts(_family(12), s)
    notes: list[str] = []
    rows = cand.unit_collisions(cand.band_keys(fps, s), s, notes=notes)
    assert {(int(a), int(b)) for a, b in rows[:, :2]} == {(0, k) for k in range(1, 12)}
    assert len(notes) == 1


def test_hub_ranks_put_the_earliest_dated_document_first() -> None:
    dates = [None, "2024-02-03", "2024-01-01T09:00", None, "2024-01-01"]
    assert list(cand.hub_ranks(dates)) == [3, 2, 1, 4, 0]
    assert list(cand.hub_ranks([None, None])) == [0, 1]  # undated: document order


def test_a_crowded_bucket_is_a_star_around_its_earliest_dated_member() -> None:
    s = Settings(max_bucket_size=4, max_candidates_per_document=100)
    fps = fp.fingerprint_texts(_family(12), s)
    dates: list[str | None] = [f"2024-02-{k + 1:02d}" for k in range(12)]
    dates[7] = "2024-01-15"  # the source sorts in the middle of the folder
    hubs = cand.hub_ranks(dates)
    pairs = {(a, b) for a, b, _ in cand.candidate_pairs(fps, s, hubs=hubs)}
    assert pairs == {(min(k, 7), max(k, 7)) for k in range(12) if k != 7}
    rows = cand.unit_collisions(cand.band_keys(fps, s), s, hubs=hubs)
    assert {(int(a), int(b)) for a, b in rows[:, :2]} == pairs
    assert bool((rows[:, 0] < rows[:, 1]).all())


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


# --- stock passages ---------------------------------------------------------------------------


def _sentences(rng: np.random.Generator, words: list[str], n: int) -> list[str]:
    return [
        " ".join(str(w) for w in rng.choice(words, size=12, replace=False)).capitalize() + "."
        for _ in range(n)
    ]


def _stock_corpus() -> tuple[list[str], list[str]]:
    """14 unrelated articles of 8 sentences, each with the same stock sentence in it, and
    the sentences of a source that articles 10-13 reuse (documents 14-)."""
    rng = np.random.default_rng(5)
    words = _words(rng, 4000)
    stock = _sentences(rng, words, 1)[0]
    texts = []
    for k in range(14):
        own = _sentences(rng, words, 8)
        own.insert(1 + k % 6, stock)
        texts.append(" ".join(own))
    return texts, words


def _stock_pairs(texts: list[str], **changes: object) -> set[tuple[int, int]]:
    settings = Settings().replace(**changes)
    found = cand.candidate_pairs(fp.fingerprint_texts(texts, settings), settings)
    return {(a, b) for a, b, _ in found}


def test_a_stock_sentence_in_many_unrelated_articles_makes_no_candidates() -> None:
    texts, _ = _stock_corpus()
    assert _stock_pairs(texts) == set()
    # without the rule every pair of them is a candidate
    assert len(_stock_pairs(texts, stock_min_documents=0)) == 14 * 13 // 2


def test_few_documents_with_a_shared_sentence_are_still_candidates() -> None:
    texts, _ = _stock_corpus()
    assert len(_stock_pairs(texts[:5])) == 10  # below stock_min_documents: not stock


def test_a_source_sentence_many_took_is_not_stock() -> None:
    # A source of 8 sentences; 9 articles take a run of three of its sentences, 3 take only
    # its second sentence, among sentences of their own. The second sentence is in 13
    # documents, but most of the documents it links share more with the source: the
    # source's one-sentence takers stay candidates.
    rng = np.random.default_rng(6)
    words = _words(rng, 4000)
    source = _sentences(rng, words, 8)
    texts = [" ".join(source)]
    for k in range(12):
        own = _sentences(rng, words, 6)
        taken = source[1:4] if k < 9 else source[1:2]
        texts.append(" ".join(own[:2] + taken + own[2:]))
    pairs = _stock_pairs(texts)
    assert {(0, k) for k in range(1, 13)} <= pairs


def test_a_run_of_common_sentences_is_not_stock() -> None:
    # the same two adjacent sentences in 14 otherwise unrelated articles: an excerpt of
    # something, not stock phrases
    rng = np.random.default_rng(7)
    words = _words(rng, 4000)
    excerpt = " ".join(_sentences(rng, words, 2))
    texts = [
        " ".join([*_sentences(rng, words, 3), excerpt, *_sentences(rng, words, 3)])
        for _ in range(14)
    ]
    assert len(_stock_pairs(texts)) >= 13  # at least the star around the first


def test_a_long_passage_many_share_is_not_stock() -> None:
    # one long sentence (a press release's paragraph) in 14 otherwise unrelated articles:
    # all they share, but no stock phrase
    rng = np.random.default_rng(8)
    words = _words(rng, 4000)
    long_one = " ".join(str(w) for w in rng.choice(words, size=30, replace=False)) + "."
    texts = [
        " ".join([*_sentences(rng, words, 3), long_one.capitalize(), *_sentences(rng, words, 3)])
        for _ in range(14)
    ]
    assert len(_stock_pairs(texts)) >= 13
