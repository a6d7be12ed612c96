"""``strictjson``: what ``json.loads`` reads, and one clear ``ValueError`` for what no
contract allows."""

from __future__ import annotations

import pytest

from provenance import strictjson


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"a": NaN}', "NaN is not a JSON number"),
        ("[Infinity]", "Infinity is not a JSON number"),
        ("[-Infinity]", "-Infinity is not a JSON number"),
        ("[1e400]", "too large"),
        ("[" + "9" * 5000 + "]", "5,000 digits"),
        ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
        ('{"a": 1', "Expecting"),
    ],
)
def test_strictjson_refuses(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        strictjson.loads(text)


def test_strictjson_reads_what_json_reads() -> None:
    text = '{"a": [1, -2, 0.5, 1e308, "x", null, true], "b": ' + "7" * 4300 + "}"
    assert strictjson.loads(text) == {
        "a": [1, -2, 0.5, 1e308, "x", None, True],
        "b": int("7" * 4300),
    }
