"""Names and titles shown to people: invisible characters escaped, everything else kept."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from provenance.report.visible import is_visible, visible


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("source.txt", "source.txt"),
        ("sou\u200brce.txt", "sou\\u200brce.txt"),  # zero-width space
        ("bell\x07.txt", "bell\\x07.txt"),
        ("back\x08space", "back\\x08space"),
        ("csi\x9b31m.txt", "csi\\x9b31m.txt"),  # 8-bit CSI
        ("esc\x1b[2J.txt", "esc\\x1b[2J.txt"),
        ("tab\there\nline", "tab\\x09here\\x0aline"),
        ("rlo\u202etxt.exe", "rlo\\u202etxt.exe"),  # right-to-left override
        ("lrm\u200emark", "lrm\\u200emark"),
        ("bom\ufeff.txt", "bom\\ufeff.txt"),
        ("nb\u00a0sp.txt", "nb\\xa0sp.txt"),
        ("soft\u00adhyphen", "soft\\xadhyphen"),
        ("tag\U000e0041.txt", "tag\\U000e0041.txt"),
        ("vs\ufe0f.txt", "vs\\ufe0f.txt"),
        ("hangul\u3164filler", "hangul\\u3164filler"),
        ("café.txt", "café.txt"),
        ("الخبر.txt", "الخبر.txt"),
        ("ساتھی.txt", "ساتھی.txt"),  # Urdu with a combining mark stays as it is
        ("a b", "a b"),
    ],
)
def test_visible_escapes_only_what_cannot_be_seen(raw: str, shown: str) -> None:
    assert visible(raw) == shown
    assert is_visible(raw) == (raw == shown)


def test_look_alike_names_stay_different() -> None:
    assert visible("source.txt") != visible("sou\u200brce.txt")


@given(st.text())
def test_visible_output_has_no_invisible_characters(text: str) -> None:
    shown = visible(text)
    assert is_visible(shown)
    assert visible(shown) == shown
    # Distinct names stay distinct unless one really holds a backslash escape.
    if "\\" not in text:
        assert shown.count("\\") == sum(not is_visible(ch) for ch in text)
