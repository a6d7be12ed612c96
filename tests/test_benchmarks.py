"""The scale benchmark's own code: the corpus generator, the gold-graph scoring and the
runner's arithmetic. (Speed is measured by ``benchmarks/scale.py``, never here.)

The generator is tested on a model trained on the project's own test-case and seed texts, so
no download is needed; the BBC model is the same code on more text.
"""

from __future__ import annotations

import json
import re
import shutil
import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks import budget, generate, scale, scoring  # noqa: E402  (the repository root is not on sys.path)


def _training() -> list[str]:
    """The English texts of the test cases and seeds."""
    paths = sorted(ROOT.glob("tests/cases/*/*.txt")) + sorted(ROOT.glob("seeds/*.txt"))
    texts = [p.read_text(encoding="utf-8") for p in paths]
    return [t for t in texts if sum(c.isascii() for c in t) > 0.95 * len(t)]


@pytest.fixture(scope="module")
def model() -> generate.Model:
    articles = [("news", "Title\n\n" + t) for t in _training()]
    m = generate.model_from_articles(articles)
    m.synonyms = {"airline": ["carrier"], "flights": ["trips"], "company": ["firm"]}
    return m


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory, model: generate.Model) -> Path:
    out = tmp_path_factory.mktemp("gen") / "c"
    generate.generate(out, 120, seed=3, derived=0.5, model=model, chunk=40)
    return out


def _body(path: Path) -> str:
    return path.read_text(encoding="utf-8").split("\n---\n", 1)[1]


def _grams(text: str, n: int = 8) -> set[tuple[str, ...]]:
    words = re.findall(r"\w+", text.lower())
    return {tuple(words[k : k + n]) for k in range(len(words) - n + 1)}


def test_generated_sentences_never_copy_a_three_word_run_of_the_training_text(
    model: generate.Model,
) -> None:
    sentences = generate.generate_sentences(model, "news", 300, np.random.default_rng(7))
    assert len(sentences) == 300
    norm = [re.sub(r"\W", "", w.lower()) for w in model.vocab]
    training = set()
    for text in _training():
        for sentence in generate._sentences("T\n\n" + text)[0]:
            forms = [re.sub(r"\W", "", w.lower()) for w in sentence]
            training |= {tuple(forms[k : k + 3]) for k in range(len(forms) - 2)}
    assert norm  # the vocabulary was built
    for sentence in sentences:
        forms = [re.sub(r"\W", "", w.lower()) for w in sentence.split()]
        assert len(forms) >= generate.MIN_SENTENCE_TOKENS
        assert sentence[0].isupper() or not sentence[0].isalpha()
        assert sentence.endswith((".", "!", "?"))
        for k in range(len(forms) - 2):
            assert tuple(forms[k : k + 3]) not in training, sentence


def test_corpus_has_every_document_and_a_consistent_gold_graph(corpus: Path) -> None:
    docs, edges = generate.read_gold(corpus)
    files = {p.relative_to(corpus / "docs").as_posix() for p in (corpus / "docs").rglob("*.txt")}
    assert set(docs) == files
    assert len(files) == 120
    meta = json.loads((corpus / "meta.json").read_text(encoding="utf-8"))
    assert meta["n"] == 120
    assert 0.4 <= meta["documents_in_families"] / 120 <= 0.5
    assert edges
    for edge in edges:
        assert edge["source"] in docs and edge["derived"] in docs
        assert docs[edge["source"]]["family"] == docs[edge["derived"]]["family"] is not None
        a, b = docs[edge["source"]]["date"], docs[edge["derived"]]["date"]
        if edge["direction"] == "source->derived" and a and b:
            assert a < b  # the derived document is dated after its source


def test_planted_derivations_share_text_and_unrelated_documents_do_not(corpus: Path) -> None:
    _, edges = generate.read_gold(corpus)
    for edge in edges:
        source, derived = (_body(corpus / "docs" / edge[k]) for k in ("source", "derived"))
        if edge["plant"] == "copy":
            assert source == derived
        elif edge["plant"] in {"reordered", "partial"} and edge["direction"] != "common-source":
            paragraphs = derived.strip().split("\n\n")
            shared = [p for p in source.strip().split("\n\n") if p in paragraphs]
            assert shared and (edge["plant"] == "partial" or len(shared) == len(paragraphs))
        elif edge["plant"] == "quotes":
            quote = re.findall(r'"[^"]+"', source)
            assert any(q in derived for q in quote)
        elif edge["plant"] in {"light-edit", "rewrite"}:
            assert source != derived
            overlap = len(_grams(source, 3) & _grams(derived, 3)) / len(_grams(source, 3))
            assert overlap > (0.6 if edge["plant"] == "light-edit" else 0.05)
    sharing = generate.check_sharing(corpus)
    assert sharing["documents"] == 120
    # planted sharing inside families is not counted (a chain of this tiny test model can
    # repeat itself; the BBC model's figure is measured by `scale.py --check-sharing`)
    assert sharing["unrelated_pairs_sharing"] < 20


def test_check_sharing_finds_a_passage_copied_between_unrelated_documents(
    tmp_path: Path, corpus: Path
) -> None:
    copy = tmp_path / "c"
    shutil.copytree(corpus, copy)
    docs, _ = generate.read_gold(copy)
    before = generate.check_sharing(copy)["unrelated_pairs_sharing"]
    a, b = [i for i in sorted(docs) if docs[i]["family"] is None][:2]
    passage = _body(copy / "docs" / a).split("\n\n")[0]
    with (copy / "docs" / b).open("a", encoding="utf-8") as fh:
        fh.write("\n" + passage + "\n")
    after = generate.check_sharing(copy)
    assert after["unrelated_pairs_sharing"] == before + 1
    assert [a, b] in [pair[:2] for pair in after["most_shared"]] or before > 0


def test_generation_is_deterministic_whatever_the_number_of_jobs(
    tmp_path: Path, corpus: Path, model: generate.Model
) -> None:
    again = tmp_path / "again"
    generate.generate(again, 120, seed=3, derived=0.5, jobs=2, model=model, chunk=40)
    assert (again / "gold.jsonl").read_bytes() == (corpus / "gold.jsonl").read_bytes()
    for path in (corpus / "docs").rglob("*.txt"):
        assert (
            again / "docs" / path.relative_to(corpus / "docs")
        ).read_bytes() == path.read_bytes()
    other = tmp_path / "other"
    generate.generate(other, 120, seed=4, derived=0.5, model=model, chunk=40)
    assert (other / "gold.jsonl").read_bytes() != (corpus / "gold.jsonl").read_bytes()


def test_plan_mixes_families_and_unrelated_bases_to_the_requested_share() -> None:
    units = generate.plan(10_000, 0.15, seed=1)
    sizes = [generate.FAMILIES[k][0] if k != "base" else 1 for k, _ in units]
    assert sum(sizes) == 10_000
    in_families = sum(s for (k, _), s in zip(units, sizes, strict=True) if k != "base")
    assert 1450 <= in_families <= 1500
    assert {k for k, _ in units} == {"base", *generate.FAMILIES}
    slots = [slot for _, slot in units]
    assert slots == sorted(slots) and slots[0] == 0


def test_wordnet_parser_takes_the_first_synset_of_the_most_tagged_part_of_speech() -> None:
    lic = "  1 This software and database is being provided\n"
    files = {
        "data.noun": lic + "00000001 03 n 03 car 0 auto 0 motorcar 0 000 | a vehicle\n"
        "00000002 03 n 02 run 0 tally 0 000 | a score\n",
        "index.noun": lic + "car n 1 0 1 5 00000001\nrun n 1 0 1 1 00000002\n",
        "data.verb": lic + "00000003 30 v 02 run 0 scat 0 000 | flee\n",
        "index.verb": lic + "run v 1 0 1 9 00000003\n",
        "data.adj": lic,
        "index.adj": lic,
        "data.adv": lic,
        "index.adv": lic,
    }
    synonyms = generate._parse_wordnet(files)
    assert synonyms["car"] == ["auto", "motorcar"]
    assert synonyms["run"] == ["scat"]  # the verb sense is tagged more often


GOLD_DOCS = {
    "s": {"family": 1, "date": "2024-01-01"},
    "d": {"family": 1, "date": "2024-01-03"},
    "x": {"family": 2, "date": None},
    "y": {"family": 2, "date": None},
    "p": {"family": 3, "date": None},
    "q": {"family": 3, "date": None},
    "u": {"family": None, "date": None},
    "v": {"family": None, "date": None},
}
GOLD_EDGES = [
    {
        "source": "s",
        "derived": "d",
        "kind": "near-duplicate",
        "direction": "source->derived",
        "plant": "light-edit",
    },
    {
        "source": "x",
        "derived": "y",
        "kind": "partial",
        "direction": "source->derived",
        "plant": "partial",
    },
    {
        "source": "p",
        "derived": "q",
        "kind": "partial",
        "direction": "common-source",
        "plant": "siblings-absent",
    },
    {
        "source": "s",
        "derived": "u",
        "kind": "duplicate",
        "direction": "source->derived",
        "plant": "copy",
    },
]


def test_scoring_counts_edges_kinds_directions_and_siblings() -> None:
    reported = [
        ("s", "d", "near-duplicate", "source->derived"),  # right, oriented right
        ("y", "x", "rewrite", "source->derived"),  # found, wrong kind, reversed
        ("p", "q", "partial", "common-source"),  # sibling handled
        ("u", "v", "quotes", "undetermined"),  # unrelated bases: a false positive
    ]
    result = scoring.score(reported, GOLD_DOCS, GOLD_EDGES)
    assert result["reported"] == 4
    assert result["false_positives"] == 1
    assert result["false_positives_by_kind"] == {"quotes": 1}
    assert result["precision"] == 0.75
    assert result["recall"] == 0.75  # the copy s -> u was missed
    assert result["kind_accuracy"] == round(2 / 3, 4)
    assert result["kind_confusion"]["partial"] == {"partial": 1, "rewrite": 1}
    assert result["direction"]["dated"] == {"correct": 1}
    assert result["direction"]["undated"] == {"reversed": 1}
    assert result["direction_accuracy"] == 0.5
    assert result["direction_accuracy_dated"] == 1.0
    assert result["siblings_common_source"] == 1.0
    assert result["per_plant"]["copy"] == {
        "gold": 1,
        "found": 0,
        "recall": 0.0,
        "direction_correct": 0,
    }


def test_scoring_nothing_reported() -> None:
    result = scoring.score([], GOLD_DOCS, GOLD_EDGES)
    assert result["precision"] is None
    assert result["recall"] == 0.0
    assert result["kind_accuracy"] is None


def test_exponent_fit_and_ratios() -> None:
    points = [(n, 3e-4 * n**1.2) for n in (1000, 10_000, 100_000)]
    assert scale.fit_exponent(points) == pytest.approx(1.2)
    assert scale.fit_exponent(points[:1]) is None
    assert (
        scale.candidate_seconds({"ingest": 1.0, "analyse": 2.0, "align": 5.0, "graph": 1.0}) == 3.0
    )
    entry = {
        "n": 1000,
        "corpus": {"bytes": 2_000_000},
        "trace": [
            {
                "seconds": 6.0,
                "process_seconds": 7.0,
                "peak_rss_mib": 100.0,
                "timings": {"ingest": 1.0, "fingerprint": 1.0, "align": 4.0},
            }
        ],
        "naive": [
            {"seconds": 10.0, "documents": 1000, "peak_rss_mib": 90.0, "process_seconds": 11.0}
        ],
        "floor": [
            {"seconds": 0.5, "documents": 1000, "peak_rss_mib": 20.0, "process_seconds": 0.7}
        ],
    }
    summary = scale.summarise(entry)
    assert summary["candidate_seconds"] == 2.0
    assert summary["candidate_vs_naive"] == pytest.approx(5.0)
    assert summary["candidate_vs_floor"] == pytest.approx(4.0)
    assert summary["trace_vs_candidate"] == pytest.approx(3.0)
    table = scale.markdown(
        {
            "machine": {"cpus": 2, "python": "3.11"},
            "workers": 2,
            "repeat": 1,
            "sizes": {"1000": entry},
        }
    )
    assert "| 1,000 | 2.0 | 6.0 |" in table
    assert "5.0×" in table and "4.00×" in table and "3.00×" in table


def test_markdown_adds_the_family_table_for_a_crawl_corpus() -> None:
    bucket = {
        "families": 2,
        "gold_edges": 300,
        "found": 150,
        "edge_recall": 0.5,
        "membership": 0.75,
        "whole_families": 1,
        "cluster_purity": 0.25,
    }
    entry = {
        "n": 10_000,
        "corpus": {"bytes": 2_000_000, "family_sizes": {"related_pairs": 70_000}},
        "families": {
            "by_size": {"100-1000": bucket},
            "reported_within_families": 1234,
            "false_positives_by_cause": {"same outlet": 7},
        },
    }
    assert scale.summarise(entry)["related_pairs"] == 70_000
    table = scale.markdown(
        {"machine": {"cpus": 2, "python": "3.11"}, "workers": 2, "repeat": 1,
         "sizes": {"10000": entry}}
    )  # fmt: skip
    assert "| 10,000 | 100-1000 | 2 | 150/300 | 0.500 | 0.750 | 1 | 0.250 |" in table
    assert "within families 1,234 (related pairs in the corpus 70,000)" in table
    assert "same outlet 7" in table
    assert "By family size" not in scale.markdown(
        {"machine": {"cpus": 2, "python": "3.11"}, "workers": 2, "repeat": 1,
         "sizes": {"10000": {"n": 10_000, "corpus": {"bytes": 1}}}}
    )  # fmt: skip


def test_budget_times_every_step_of_the_candidate_path() -> None:
    """The per-step CPU budget runs the library's own steps over the seeds and reports each
    one, their sum against the floor, and the bounds (figures vary; their shape does not)."""
    from provenance.config import Settings

    figures = budget.measure(ROOT / "seeds", Settings(cache=False), repeat=1)
    assert figures["documents"] == 5
    seconds = figures["seconds"]
    steps = ["read", "decode", "front matter, format", "boilerplate, date", "sentences"]
    steps += ["tokens, content terms", "units", "MinHash", "LSH, candidate pairs"]
    assert list(seconds) == ["floor", *steps]
    assert all(value >= 0 for value in seconds.values())
    assert seconds["floor"] > 0
    table = budget.report(figures, workers=2)
    for step in steps:
        assert f"| {step} | " in table
    assert "**candidate stage**" in table
    assert re.search(r"Best possible on 2 cores .*: \d+\.\d\d× the floor", table)
    assert re.search(r"at zero cost: \d+\.\d\d× the floor", table)
    from provenance import kernels

    assert figures["text_pass"] == kernels.active()
    assert f"text pass: {kernels.active()}" in table.splitlines()[0]
