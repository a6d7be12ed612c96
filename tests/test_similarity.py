"""``similarity``: the sentence similarity alignment uses to pair paraphrased sentences."""

from __future__ import annotations

import numpy as np

from provenance.similarity import (
    MAX_COMPARED_CHARS,
    features_of_text,
    sentence_similarity,
    similarity_matrix,
)

SENTENCE = "The council closed the harbour bridge on Monday for six weeks of repairs."
PARAPHRASE = "On Monday the council shut the harbour bridge for six weeks so it can be repaired."
UNRELATED = "Shares in the mining company fell sharply after its profits were cut in half."


def test_the_same_sentence_scores_higher_than_a_paraphrase_and_far_above_another() -> None:
    same = sentence_similarity(SENTENCE, SENTENCE)
    para = sentence_similarity(SENTENCE, PARAPHRASE)
    other = sentence_similarity(SENTENCE, UNRELATED)
    assert same > 0.9
    assert same > para > other
    assert other < 0.2


def test_matrix_is_float32_in_the_unit_range_with_one_cell_per_pair() -> None:
    a = [features_of_text(s) for s in (SENTENCE, UNRELATED)]
    b = [features_of_text(s) for s in (PARAPHRASE, UNRELATED, SENTENCE)]
    matrix = similarity_matrix(a, b)
    assert matrix.shape == (2, 3)
    assert matrix.dtype == np.float32
    assert ((matrix >= 0.0) & (matrix <= 1.0)).all()
    assert matrix[0, 2] == np.float32(sentence_similarity(SENTENCE, SENTENCE))


def test_an_empty_side_gives_an_empty_matrix() -> None:
    assert similarity_matrix([], [features_of_text(SENTENCE)]).shape == (0, 1)
    assert similarity_matrix([features_of_text(SENTENCE)], []).shape == (1, 0)


def test_min_overlap_leaves_pairs_without_shared_content_words_at_zero() -> None:
    a = [features_of_text(SENTENCE)]
    b = [features_of_text(UNRELATED), features_of_text(PARAPHRASE)]
    full = similarity_matrix(a, b)
    gated = similarity_matrix(a, b, min_overlap=0.3)
    assert full[0, 0] > 0.0
    assert gated[0, 0] == 0.0
    assert gated[0, 1] == full[0, 1]


def test_a_sentence_longer_than_the_compared_prefix_scores_like_its_prefix() -> None:
    """Edit-distance features read only ``MAX_COMPARED_CHARS`` characters of a sentence, so
    a sentence of a million characters costs no more than one of two thousand."""
    long = (SENTENCE + " ") * (1 + 1_000_000 // len(SENTENCE))
    value = sentence_similarity(long, long)
    assert 0.0 <= value <= 1.0
    assert len(long) > 100 * MAX_COMPARED_CHARS
