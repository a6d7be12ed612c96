"""Dates (``provenance.ingest.dates``): metadata values and dates in text."""

from __future__ import annotations

import datetime as dt

import pytest

from provenance.ingest import find_date, parse_date


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2025-11-11", "2025-11-11"),
        ("2025-11-11T01:07:21", "2025-11-11T01:07:21"),
        ("2025-11-11 01:07", "2025-11-11T01:07"),
        ("2025-11-11T01:07:21Z", "2025-11-11T01:07:21+00:00"),
        ("2025-11-11T01:07:21.123-0500", "2025-11-11T01:07:21-05:00"),
        ("November 11, 2025", "2025-11-11"),
        ("Nov. 10, 2025", "2025-11-10"),
        ("11 November 2025", "2025-11-11"),
        ("Tue, 11 Nov 2025 01:07:21 +0000", "2025-11-11T01:07:21+00:00"),
        (dt.date(2025, 11, 11), "2025-11-11"),
        (dt.datetime(2025, 11, 11, 1, 7, 21), "2025-11-11T01:07:21"),
        ("2025-13-45", None),
        ("February 30, 2025", None),
        ("Nov. 10", None),
        ("yesterday", None),
        ("", None),
        (20251111, None),
        (None, None),
        (["2025-11-11"], None),
    ],
)
def test_parse_date(value: object, expected: str | None) -> None:
    assert parse_date(value) == expected


def test_find_date_needs_a_year() -> None:
    assert find_date("Talks on Nov. 10 went well.") is None
    assert find_date("Posted on 10th November 2025 at noon") == "2025-11-10"
    assert find_date("first 2024-02-30 then March 3, 2024") == "2024-03-03"
