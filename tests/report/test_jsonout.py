"""The JSON contract, version 1: exact shape, key order, rounding, and the way back."""

from __future__ import annotations

import json
import math

import pytest

from provenance.models import (
    Document,
    Family,
    Passage,
    Relation,
    Skipped,
    Span,
    Stripped,
    TraceResult,
)
from provenance.report import jsonout

SOURCE = "Syria joins the coalition against IS, a US official said on Monday. «Élan» café."
DERIVED = "A US official said on Monday that Syria joins the coalition against IS."


def span_of(text: str, part: str) -> Span:
    start = text.index(part)
    return Span(start, start + len(part))


def sample() -> TraceResult:
    """Two documents, one relation (listed out of any sorted order on purpose), a skip."""
    a = Document(
        id="000_source.txt",
        path="corpus/000_source.txt",
        text=SOURCE,
        title="Syria joins coalition — «Élan»",
        date="2025-11-11",
        stripped=(Stripped(kind="comments", chars=9812, excerpt="Great article! 👍"),),
    )
    b = Document(id="001_derived.txt", path="corpus/001_derived.txt", text=DERIVED)
    passages = (
        Passage(
            a=span_of(SOURCE, "a US official said on Monday"),
            b=span_of(DERIVED, "A US official said on Monday"),
            kind="edited",
            similarity=0.96551724,
        ),
        Passage(
            a=span_of(SOURCE, "Syria joins the coalition against IS"),
            b=span_of(DERIVED, "Syria joins the coalition against IS"),
            kind="verbatim",
            similarity=1.0,
        ),
    )
    weak = Relation(
        source="000_source.txt",
        derived="001_derived.txt",
        kind="partial",
        direction="undetermined",
        confidence=0.123456,
        score=0.3,
        coverage_source=0.5,
        coverage_derived=0.6,
        passages=passages[:1],
    )
    strong = Relation(
        source="000_source.txt",
        derived="001_derived.txt",
        kind="rewrite",
        direction="source->derived",
        confidence=0.87654321,
        score=0.91,
        coverage_source=0.78125,
        coverage_derived=-0.0,
        passages=passages,
    )
    return TraceResult(
        documents=(a, b),
        relations=(weak, strong),  # not sorted: the renderer must keep the engine's order
        clusters=(("000_source.txt", "001_derived.txt"),),
        skipped=(Skipped(path="corpus/image.txt", reason="binary file (not text); remove it"),),
        timings={"ingest": 0.25},
        families=(
            Family(
                source="000_source.txt",
                members=("000_source.txt", "001_derived.txt"),
                aligned_pairs=1,
                unaligned_pairs=0,
                inferred_pairs=0,
            ),
        ),
    )


def test_top_level_keys_in_contract_order() -> None:
    data = json.loads(jsonout.dumps(sample()))
    assert list(data) == ["version", "documents", "relations", "clusters", "families", "skipped"]
    assert data["version"] == 1


def test_document_shape() -> None:
    doc = json.loads(jsonout.dumps(sample()))["documents"][0]
    assert list(doc) == [
        "id",
        "path",
        "title",
        "date",
        "chars",
        "stripped",
        "agency",
        "wire_copy",
        "derived_from",
    ]
    assert doc["chars"] == len(SOURCE)
    assert doc["stripped"] == [{"kind": "comments", "chars": 9812, "excerpt": "Great article! 👍"}]
    assert list(doc["stripped"][0]) == ["kind", "chars", "excerpt"]
    second = json.loads(jsonout.dumps(sample()))["documents"][1]
    assert second["title"] is None
    assert second["date"] is None
    assert second["stripped"] == []


def test_include_text_adds_text_last() -> None:
    docs = json.loads(jsonout.dumps(sample(), include_text=True))["documents"]
    assert list(docs[0])[-1] == "text"
    assert list(docs[0])[:6] == ["id", "path", "title", "date", "chars", "stripped"]
    assert [d["text"] for d in docs] == [SOURCE, DERIVED]
    assert "text" not in json.loads(jsonout.dumps(sample()))["documents"][0]


def test_relation_and_passage_shape() -> None:
    relation = json.loads(jsonout.dumps(sample()))["relations"][1]
    assert list(relation) == [
        "source",
        "derived",
        "kind",
        "direction",
        "confidence",
        "score",
        "direction_reason",
        "coverage",
        "passages",
    ]
    assert list(relation["coverage"]) == ["source", "derived"]
    passage = relation["passages"][1]
    assert list(passage) == ["source", "derived", "kind", "similarity"]
    assert passage["kind"] == "verbatim"
    start, end = passage["source"]
    assert SOURCE[start:end] == "Syria joins the coalition against IS"
    start, end = passage["derived"]
    assert DERIVED[start:end] == "Syria joins the coalition against IS"


def test_relations_keep_engine_order() -> None:
    relations = json.loads(jsonout.dumps(sample()))["relations"]
    assert [r["kind"] for r in relations] == ["partial", "rewrite"]


def test_floats_rounded_to_four_decimals() -> None:
    relation = json.loads(jsonout.dumps(sample()))["relations"][1]
    assert relation["confidence"] == 0.8765
    assert relation["coverage"] == {"source": 0.7812, "derived": 0.0}
    assert relation["passages"][0]["similarity"] == 0.9655
    assert "-0.0" not in jsonout.dumps(sample())


def test_clusters_and_skipped() -> None:
    data = json.loads(jsonout.dumps(sample()))
    assert data["clusters"] == [["000_source.txt", "001_derived.txt"]]
    assert data["skipped"] == [
        {"path": "corpus/image.txt", "reason": "binary file (not text); remove it"}
    ]


def test_text_form_is_stable() -> None:
    text = jsonout.dumps(sample())
    assert text.endswith("}\n")
    assert not text.endswith("\n\n")
    assert '\n  "documents": [\n    {\n      "id"' in text  # indent=2
    assert "«Élan»" in text  # ensure_ascii=False
    assert "\\u" not in text
    assert "timings" not in text  # not part of the contract: differs between runs
    assert jsonout.dumps(sample()) == text


def test_nan_is_refused() -> None:
    result = sample()
    bad = Relation(**{**_fields(result.relations[0]), "score": math.nan})
    with pytest.raises(ValueError, match="JSON compliant"):
        jsonout.dumps(TraceResult(result.documents, (bad,), result.clusters))


def _fields(relation: Relation) -> dict[str, object]:
    return {name: getattr(relation, name) for name in relation.__slots__}


def test_empty_result() -> None:
    empty = TraceResult(documents=(), relations=(), clusters=())
    assert json.loads(jsonout.dumps(empty)) == {
        "version": 1,
        "documents": [],
        "relations": [],
        "clusters": [],
        "families": [],
        "skipped": [],
    }


# --- the way back ----------------------------------------------------------------------------


def test_round_trip_with_text_is_exact() -> None:
    result = sample()
    text = jsonout.dumps(result, include_text=True)
    back = jsonout.loads(text)
    assert jsonout.dumps(back, include_text=True) == text
    assert back.documents == result.documents
    assert back.skipped == result.skipped
    assert back.clusters == result.clusters
    assert back.families == result.families


def test_family_shape_and_older_files_without_the_key() -> None:
    data = jsonout.to_dict(sample())
    assert data["families"] == [
        {
            "source": "000_source.txt",
            "members": ["000_source.txt", "001_derived.txt"],
            "size": 2,
            "aligned_pairs": 1,
            "unaligned_pairs": 0,
            "inferred_pairs": 0,
        }
    ]
    del data["families"]
    assert jsonout.from_dict(data).families == ()


def test_round_trip_without_text_leaves_text_empty() -> None:
    text = jsonout.dumps(sample())
    back = jsonout.loads(text)
    assert [d.text for d in back.documents] == ["", ""]
    assert back.documents[0].title == "Syria joins coalition — «Élan»"
    assert back.relations[1].passages[1].a == span_of(
        SOURCE, "Syria joins the coalition against IS"
    )
    # ``chars`` cannot survive without the text; everything else does.
    again = json.loads(jsonout.dumps(back))
    original = json.loads(text)
    for doc in (*again["documents"], *original["documents"]):
        doc.pop("chars")
    assert again == original


def test_loads_accepts_bytes() -> None:
    assert jsonout.loads(jsonout.dumps(sample()).encode()).clusters == sample().clusters


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda d: d.update(version=2), "version 1"),
        (lambda d: d.pop("relations"), "missing key 'relations'"),
        (lambda d: d["relations"][0].update(kind="stolen"), r"relations\[0\]: 'stolen' is not one"),
        (
            lambda d: d["relations"][1]["passages"][0].update(source=[5, 1]),
            "bad span",
        ),
        (
            lambda d: d["relations"][1]["passages"][0].update(derived="0-5"),
            r"relations\[1\]\.passages\[0\]\.derived",
        ),
        (lambda d: d["documents"][0].update(chars="many"), None),  # chars is derived, ignored
        (lambda d: d["documents"][1].update(title=7), r"documents\[1\]: 'title'"),
        (lambda d: d["clusters"].append("000_source.txt"), r"clusters\[1\]"),
        (lambda d: d["skipped"][0].pop("reason"), r"skipped\[0\]: missing key 'reason'"),
        (lambda d: d["relations"][0].update(score=True), "'score' should be float"),
        (lambda d: d.update(version=True), "version is True"),
        (
            lambda d: d["relations"][1]["passages"][0].update(source=[0, 10**30]),
            r"relations\[1\]\.passages\[0\]\.source: the span \[0, 10+\] ends past the",
        ),
        (lambda d: d.update(version=1.0), "version is 1.0"),
        (
            lambda d: d["relations"][0]["coverage"].update(source=1e308),
            r"relations\[0\]\.coverage: 'source' should be between 0 and 1, got 1e\+308",
        ),
        (lambda d: d["relations"][0].update(confidence=-0.5), "'confidence' should be between"),
        (
            lambda d: d["relations"][0].update(score=float("nan")),
            "'score' should be between 0 and 1, got nan",
        ),
        (
            lambda d: d["relations"][1]["passages"][0].update(similarity=float("inf")),
            "'similarity' should be between",
        ),
        (
            lambda d: d["documents"][0]["stripped"].append(
                {"kind": "x", "chars": -1, "excerpt": ""}
            ),
            "'chars' should not be negative",
        ),
        (lambda d: d["documents"].append(dict(d["documents"][0])), "is used twice"),
        (
            lambda d: d["relations"][0].update(source="nobody.txt"),
            r"relations\[0\]: 'nobody.txt' is not among the documents",
        ),
        (lambda d: d["clusters"].append(["nobody.txt"]), r"clusters\[1\]: 'nobody.txt' is not"),
        (
            lambda d: d["documents"][0].update(derived_from=["nobody.txt"]),
            "derived_from: 'nobody.txt' is not among",
        ),
        (lambda d: d.update(families={}), "'families' should be list"),
        (lambda d: d["families"][0].update(size=3), r"families\[0\]: 'size' should be the"),
        (lambda d: d["families"][0].update(aligned_pairs=-1), "should not be negative"),
        (
            lambda d: d["families"][0].update(members=["001_derived.txt"], size=1),
            "the source '000_source.txt' should be among the members",
        ),
        (
            lambda d: d["families"][0].update(source="nobody.txt", members=["nobody.txt"], size=1),
            r"families\[0\]: 'nobody.txt' is not among",
        ),
    ],
)
def test_from_dict_names_what_is_wrong(mutate, message) -> None:
    data = jsonout.to_dict(sample())
    mutate(data)
    if message is None:
        jsonout.from_dict(data)
        return
    with pytest.raises(ValueError, match=message):
        jsonout.from_dict(data)


def test_loads_rejects_non_objects() -> None:
    with pytest.raises(ValueError, match="expected a JSON object"):
        jsonout.loads("[]")
    with pytest.raises(ValueError):
        jsonout.loads("{not json")
