"""``arrays``: the NumPy helpers the candidate and alignment stages share."""

from __future__ import annotations

import numpy as np

from provenance.arrays import mix64, ranks


def test_ranks_number_each_run_from_zero() -> None:
    assert ranks(np.array([3, 0, 2, 1])).tolist() == [0, 1, 2, 0, 1, 0]
    assert ranks(np.array([], dtype=np.int64)).tolist() == []


def test_mix64_folds_in_place_and_the_order_of_columns_matters() -> None:
    first, second = np.array([1, 2], dtype=np.uint64), np.array([3, 4], dtype=np.uint64)
    hashed = np.zeros(2, dtype=np.uint64)
    out = mix64(hashed, first)
    assert out is hashed
    one_way = mix64(mix64(np.zeros(2, dtype=np.uint64), first), second)
    other_way = mix64(mix64(np.zeros(2, dtype=np.uint64), second), first)
    assert not np.array_equal(one_way, other_way)
    assert len(set(one_way.tolist())) == 2  # different inputs, different hashes


def test_groups_are_named_by_their_lowest_member_whatever_the_order_of_joins() -> None:
    from provenance.arrays import Groups

    forward, backward = Groups(), Groups()
    joins = [(5, 9), (9, 2), (7, 8), (2, 5)]
    for a, b in joins:
        forward.join(a, b)
    for a, b in reversed(joins):
        backward.join(b, a)
    for groups in (forward, backward):
        assert [groups.root(x) for x in (2, 5, 9, 7, 8, 4)] == [2, 2, 2, 7, 7, 4]
