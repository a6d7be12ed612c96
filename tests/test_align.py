"""Unit tests for fingerprints, candidates and passage alignment."""

from __future__ import annotations

import random

import numpy as np
import pytest

from provenance import align as align_module
from provenance import text as tx
from provenance.align import align, chain_runs, exact_verbatim_runs, prepare, verbatim_runs
from provenance.candidates import band_parameters, candidate_pairs
from provenance.config import Settings
from provenance.fingerprint import fingerprint, units

SOURCE = """The city council voted on Tuesday to close the old harbour bridge to heavy lorries after engineers found deep cracks in two of its steel supports.
Council leader Maria Okafor said the decision was taken reluctantly but that public safety had to come first.
Repairs are expected to take at least eighteen months and to cost about 4.2 million pounds, according to a report presented to councillors.
Local businesses warned that the closure would add up to forty minutes to delivery routes across the river.
"We understand the frustration, but we cannot gamble with people's lives," Okafor told reporters outside the town hall.
The bridge, opened in 1911, carries around 12,000 vehicles a day."""

PARAPHRASE = """Heavy goods vehicles will be banned from the old harbour bridge after inspectors discovered serious cracks in a pair of its steel supports, the city council decided on Tuesday.
Maria Okafor, who leads the council, said members made the choice with reluctance because the safety of the public came first.
A report put to councillors estimated the repairs would last a minimum of eighteen months at a cost of roughly 4.2 million pounds.
Traders cautioned that the ban could lengthen delivery journeys across the river by as much as forty minutes."""

UNRELATED = """Scientists in Norway have recorded the warmest October since measurements began, the national weather service said.
Average temperatures were nearly three degrees above the long-term norm, with several stations breaking records.
Farmers reported a second flowering of apple trees in some southern valleys."""


def _prep(text: str):  # type: ignore[no-untyped-def]
    return prepare(tx.analyse(text))


def test_verbatim_runs_found_in_any_order() -> None:
    x = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]
    y = [7, 8, 9, 10, 0, 0, 1, 2, 3, 4, 5]
    runs = sorted(verbatim_runs(x, y, 3))
    assert runs == [(0, 6, 5), (6, 0, 4)]


@pytest.mark.parametrize("weak_hash", [False, True])
def test_verbatim_runs_equal_the_exact_search(
    weak_hash: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Random token lists (small vocabularies: many repeats, boilerplate seeds) give the runs
    of the dictionary search; with a hash of 3 values nearly every n-gram collides, and the
    check must still give the exact runs."""
    if weak_hash:
        real = align_module._gram_hashes
        monkeypatch.setattr(
            align_module, "_gram_hashes", lambda ids, n: real(ids, n) % np.uint64(3)
        )
    rng = random.Random(7)
    for _ in range(400):
        vocab = rng.choice([2, 3, 5, 40])
        x = [rng.randrange(vocab) for _ in range(rng.randrange(0, 90))]
        y = [rng.randrange(vocab) for _ in range(rng.randrange(0, 90))]
        if rng.random() < 0.3:
            y = x[: rng.randrange(len(x) + 1)] + y
        for n in (1, 3, 4):
            assert verbatim_runs(x, y, n) == exact_verbatim_runs(x, y, n)


def test_verbatim_runs_skip_boilerplate_seeds_without_pairing_them() -> None:
    """A trigram repeated 100,000 times on both sides seeds nothing (and is not expanded
    into 10^10 candidate seeds on the way)."""
    x = [1, 2, 3] * 100_000
    assert verbatim_runs(x, list(x), 3) == []


def test_chain_runs_merges_close_runs_on_both_sides() -> None:
    runs = [(0, 0, 6), (7, 7, 6), (40, 2, 6)]
    chains = chain_runs(runs, gap=3, min_run=5)
    assert [(0, 0, 6), (7, 7, 6)] in chains
    assert [(40, 2, 6)] in chains


def test_verbatim_copy_is_one_verbatim_passage_covering_both() -> None:
    passages, cov_x, cov_y = align(_prep(SOURCE), _prep(SOURCE), Settings())
    assert [p.kind for p in passages if p.kind != "quote"] == ["verbatim"]
    assert cov_x == 1.0 and cov_y == 1.0


def test_light_edit_is_edited() -> None:
    edited = SOURCE.replace("Tuesday", "Wednesday").replace("deep cracks", "serious cracks")
    passages, _, cov_y = align(_prep(SOURCE), _prep(edited), Settings())
    kinds = {p.kind for p in passages}
    assert "edited" in kinds
    assert cov_y > 0.9


def test_paraphrase_is_found_and_spans_point_at_text() -> None:
    x, y = _prep(SOURCE), _prep(PARAPHRASE)
    passages, _, cov_y = align(x, y, Settings())
    assert passages, "paraphrased sentences should align"
    assert all(p.kind in {"paraphrase", "edited", "verbatim", "quote"} for p in passages)
    assert cov_y >= 0.7
    for p in passages:
        assert 0 <= p.a.start < p.a.end <= len(SOURCE)
        assert 0 <= p.b.start < p.b.end <= len(PARAPHRASE)
        assert 0.0 <= p.similarity <= 1.0


def test_moved_paragraphs_are_still_aligned() -> None:
    lines = SOURCE.split("\n")
    moved = "\n".join(lines[3:] + lines[:3])
    _, cov_x, cov_y = align(_prep(SOURCE), _prep(moved), Settings())
    assert cov_x > 0.95 and cov_y > 0.95


def test_shared_quotation_is_a_quote_passage() -> None:
    quote = '"We understand the frustration, but we cannot gamble with people\'s lives,"'
    other = f"Speaking at a rally, the mayor said: {quote} before leaving for London."
    passages, _, _ = align(_prep(SOURCE), _prep(other), Settings())
    assert [p.kind for p in passages] == ["quote"]


def test_unrelated_texts_share_nothing() -> None:
    passages, cov_x, cov_y = align(_prep(SOURCE), _prep(UNRELATED), Settings())
    assert passages == [] and cov_x == 0.0 and cov_y == 0.0


def test_units_merge_short_sentences() -> None:
    analysis = tx.analyse("Yes. No. The council voted to close the old harbour bridge today.")
    found = units(analysis, min_terms=4)
    assert [rng for rng, _ in found] == [(0, 3)]


def test_candidates_find_paraphrase_but_not_unrelated() -> None:
    settings = Settings()
    fps = [fingerprint(tx.analyse(t), settings) for t in (SOURCE, PARAPHRASE, UNRELATED)]
    pairs = [(a, b) for a, b, _ in candidate_pairs(fps, settings)]
    assert (0, 1) in pairs
    assert (0, 2) not in pairs and (1, 2) not in pairs


def test_band_parameters_fill_the_signature() -> None:
    bands, rows = band_parameters(Settings())
    assert bands * rows <= Settings().num_perm
    assert rows >= 1


def test_shared_phrases_need_content_words_and_leave_quotations_out() -> None:
    from provenance.align import alignment

    source = "Police closed the harbour road near the old mill after the storm on Tuesday night."
    derived = (
        "Residents said that it was in the end of it all. Police closed the harbour road near"
        ' the old mill. "After the storm on Tuesday night" was the phrase everyone used.'
    )
    x, y = prepare(tx.analyse(source)), prepare(tx.analyse(derived))
    found = alignment(0, 1, x, y, Settings())
    ny = len(y.analysis.norms)
    # "police closed the harbour road near the old mill" (9 tokens) counts in the derived
    # text; the run inside quotation marks does not
    assert found.phrases_b == pytest.approx(9 / ny)
    assert 0 < found.phrases_a <= 1
    function_words = prepare(tx.analyse("it was in the end of it all and then"))
    same = alignment(0, 1, function_words, function_words, Settings())
    assert same.phrases_a == 0.0  # a run of function words is no shared phrase


def testphrase_evidence_relates_a_rewrite_around_the_sources_phrases() -> None:
    from provenance.classify import phrase_evidence
    from provenance.models import Alignment

    a = tx.analyse(" ".join(f"word{k}" for k in range(200)))
    b = tx.analyse(" ".join(f"term{k}" for k in range(100)))
    settings = Settings()
    assert phrase_evidence(Alignment(0, 1, (), 0.0, 0.0, 0.01, 0.3), a, b, settings)
    # too small a share, or too few words however large the share
    assert not phrase_evidence(Alignment(0, 1, (), 0.0, 0.0, 0.01, 0.05), a, b, settings)
    tiny = tx.analyse("one two three four five six seven eight nine ten")
    assert not phrase_evidence(Alignment(0, 1, (), 0.0, 0.0, 0.01, 0.9), a, tiny, settings)
    assert not phrase_evidence(
        Alignment(0, 1, (), 0.0, 0.0, 0.01, 0.3), a, b, settings.replace(min_phrase_share=0)
    )


def test_quotations_taken_over_with_reused_text_count_as_inherited() -> None:
    from provenance.classify import evidence
    from provenance.models import Alignment, Passage, Span

    lead = "The harbour master of Porthleven resigned on Friday after the storm."
    quote = '"I have given this port thirty years and I leave it in good order," he said.'
    mine = " The board will meet next week. " + "Repairs to the quay will cost more. " * 12
    theirs = " Ferry crews were surprised. " + "They asked the council for a meeting. " * 12
    source, derived = f"{lead} {quote}{mine}", f"{lead} {quote}{theirs}"
    a, b = tx.analyse(source), tx.analyse(derived)
    q0 = source.index(quote)
    lead_passage = Passage(Span(0, len(lead)), Span(0, len(lead)), "verbatim", 1.0)
    quote_passage = Passage(Span(q0, q0 + len(quote)), Span(q0, q0 + len(quote)), "quote", 1.0)
    settings = Settings(min_phrase_share=0)  # the copied characters alone decide here
    # the lead alone is too little copying for documents this long, the quotation alone is
    # no evidence of copying; the quotation taken over with the lead around it is
    lead_only = evidence(Alignment(0, 1, (lead_passage,), 0.1, 0.1), a, b, settings)
    assert lead_only.reuse_passages == 1 and not lead_only.related
    quotes_only = Alignment(0, 1, (quote_passage,), 0.1, 0.1)
    assert not evidence(quotes_only, a, b, settings).related
    both = Alignment(0, 1, (lead_passage, quote_passage), 0.2, 0.2)
    assert evidence(both, a, b, settings).related
