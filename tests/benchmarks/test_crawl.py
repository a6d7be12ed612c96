"""The crawl-like corpus generator (``benchmarks/crawl.py``, generator v3): heavy-tailed family
sizes, a gold graph consistent with the files, no accidental shared word 8-gram between
unrelated documents outside the deliberate boilerplate and stock phrases, and the same bytes
whatever ``jobs``. (Speed is measured by ``benchmarks/scale.py --profile crawl``, never here.)

The model is trained on the project's own test-case and seed texts, as in
``tests/test_benchmarks.py``: small, so its chain repeats itself often and the n-gram check
has work to do.
"""

from __future__ import annotations

import json
import re
import sys
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks import crawl, generate, scoring  # noqa: E402  (the repository root is not on sys.path)

N = 400


def _training() -> list[str]:
    paths = sorted(ROOT.glob("tests/cases/*/*.txt")) + sorted(ROOT.glob("seeds/*.txt"))
    texts = [p.read_text(encoding="utf-8") for p in paths]
    return [t for t in texts if sum(c.isascii() for c in t) > 0.95 * len(t)]


@pytest.fixture(scope="module")
def model() -> generate.Model:
    m = generate.model_from_articles([("news", "Title\n\n" + t) for t in _training()])
    m.synonyms = {"airline": ["carrier"], "flights": ["trips"], "company": ["firm"]}
    return m


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory, model: generate.Model) -> Path:
    out = tmp_path_factory.mktemp("crawl") / "c"
    crawl.generate_corpus(out, N, seed=5, model=model, chunk=60)
    return out


def _meta(corpus: Path) -> dict:
    return json.loads((corpus / "meta.json").read_text(encoding="utf-8"))


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower())


def test_family_sizes_are_heavy_tailed_and_follow_the_stated_power_law() -> None:
    sizes = crawl.family_sizes(10_000, seed=1)
    assert sum(sizes) == 10_000
    counts = Counter(sizes)
    assert counts[1] / len(sizes) > 0.7  # most stories stand alone
    assert sum(c for s, c in counts.items() if 2 <= s <= 10) > 10 * sum(
        c for s, c in counts.items() if s > 10
    )
    assert 1 <= sum(c for s, c in counts.items() if s >= 100) <= 5  # a few of 100 or more
    p = crawl.size_distribution(10_000)
    assert p.size == crawl.MAX_FAMILY
    for s in (1, 2, 3):  # the stratified draws follow the distribution closely
        assert counts[s] == pytest.approx(len(sizes) * p[s - 1], rel=0.05)
    million = Counter(crawl.family_sizes(1_000_000, seed=1))
    assert 500 < max(million) <= crawl.MAX_FAMILY  # the support ends at the cap
    assert 200 < sum(c for s, c in million.items() if s >= 100) < 300
    assert crawl.family_sizes(10_000, seed=1) == sizes
    assert max(crawl.family_sizes(300, seed=1)) <= 30  # small corpora: at most n // 10


def test_index_answers_like_a_set_across_its_levels() -> None:
    rng = np.random.default_rng(0)
    index = crawl.Index(flush=100, level_cap=400)
    added: set[int] = set()
    for _ in range(30):
        batch = rng.integers(0, 2**63, 37, dtype=np.uint64)
        index.add(batch)
        added |= set(batch.tolist())
    index.add(np.arange(5, dtype=np.uint64))
    added |= set(range(5))
    assert len(index.levels) > 2 and index.recent  # both kinds of storage are in use
    assert all(level.size <= 400 for level in index.levels)
    probe = np.concatenate([np.array(sorted(added)[::7], dtype=np.uint64),
                            rng.integers(0, 2**63, 50, dtype=np.uint64)])  # fmt: skip
    assert index.contains(probe).tolist() == [int(h) in added for h in probe]
    assert index.frozen().tolist() == sorted(added)


def test_a_sentence_sharing_a_gram_with_the_index_is_refused(model: generate.Model) -> None:
    shared = crawl.make_shared(model, 100, seed=1)
    first = crawl.Writer(model, shared, np.random.default_rng(9))
    sentence, words = first.sentence("news", [])
    known = crawl.Index()
    known.add(crawl.gram_hashes(words))
    again = crawl.Writer(model, shared, np.random.default_rng(9), known)
    other, _ = again.sentence("news", [])
    assert again.refused >= 1 and other != sentence


def test_a_derived_body_with_a_gram_of_another_family_is_derived_again(
    model: generate.Model,
) -> None:
    shared = crawl.make_shared(model, 100, seed=1)
    maker = crawl.Writer(model, shared, np.random.default_rng(3))
    clashing, clean = maker.body("news"), maker.body("news")
    known = crawl.Index()
    known.add(crawl.article_grams(clashing, shared))
    writer = crawl.Writer(model, shared, np.random.default_rng(4), known)
    bodies = iter([clashing, clean])
    assert writer.admit(lambda: next(bodies)) == clean
    assert writer.rederived == 1
    assert writer.index.contains(crawl.article_grams(clean, shared)).all()
    writer.family = set(crawl.article_grams(clashing, shared).tolist())  # its own family's
    assert writer.admit(lambda: clashing) == clashing and writer.rederived == 1


def test_corpus_and_gold_are_consistent(corpus: Path) -> None:
    docs, edges = generate.read_gold(corpus)
    files = {p.relative_to(corpus / "docs").as_posix() for p in (corpus / "docs").rglob("*.txt")}
    assert set(docs) == files and len(files) == N
    meta = _meta(corpus)
    shared = json.loads((corpus / "shared.json").read_text(encoding="utf-8"))
    assert meta["generator_version"] == 3 and meta["n"] == N
    by_family: dict[int, list[str]] = {}
    for ident, record in docs.items():
        if record["family"] is None:
            assert record["family_size"] == 1 and record["role"] == "unrelated"
        else:
            by_family.setdefault(record["family"], []).append(ident)
        text = (corpus / "docs" / ident).read_text(encoding="utf-8")
        outlet = shared["outlets"][record["outlet"]]
        assert outlet["nav"] in text and outlet["about"] in text
        assert all(shared["stock"][k] in text for k in record["stock"])
    sizes = Counter(len(m) for m in by_family.values())
    assert sum(c for s, c in meta["family_sizes"]["by_size"].items() if s != "1") == sum(
        sizes.values()
    )
    assert max(sizes) >= 10  # a family far larger than v2's
    # each member's one edge, from its parent (a quotation's is undirected: ids in order)
    incoming = Counter(
        e["derived"] if e["direction"] == "source->derived" else
        next(d for d in (e["source"], e["derived"]) if docs[d]["role"] != "source")
        for e in edges
    )  # fmt: skip
    for family, members in by_family.items():
        assert all(docs[m]["family_size"] == len(members) for m in members)
        fam_edges = [e for e in edges if e["family"] == family]
        roles = Counter(docs[m]["role"] for m in members)
        if roles["sibling"]:  # source absent: every member linked to the first one
            assert set(roles) == {"sibling"} and len(fam_edges) == len(members) - 1
            assert {e["direction"] for e in fam_edges} == {"common-source"}
        else:  # one edge per member, from its parent; none to the source
            assert roles["source"] == 1 and len(fam_edges) == len(members) - 1
            for m in members:
                assert incoming[m] == (docs[m]["role"] != "source")
    for edge in edges:
        a, b = docs[edge["source"]], docs[edge["derived"]]
        assert a["family"] == b["family"] == edge["family"]
        if edge["direction"] == "source->derived" and a["date"] and b["date"]:
            assert a["date"] < b["date"]
    assert {e["plant"] for e in edges} >= {"copy", "light-edit", "partial", "siblings-absent"}


def test_planted_members_share_their_parents_text(corpus: Path) -> None:
    shared = json.loads((corpus / "shared.json").read_text(encoding="utf-8"))
    _, edges = generate.read_gold(corpus)

    def article(ident: str) -> str:
        return crawl.article_text((corpus / "docs" / ident).read_text(encoding="utf-8"), shared)

    for edge in edges:
        source, derived = article(edge["source"]), article(edge["derived"])
        if edge["plant"] == "copy":
            assert source == derived
        elif edge["plant"] in {"partial", "chain", "reordered"}:
            paragraphs = derived.split("\n\n")
            assert any(p in paragraphs for p in source.split("\n\n"))
        elif edge["plant"] == "quotes":
            assert any(q in derived for q in re.findall(r'"[^"]+"', source))


def test_unrelated_documents_share_boilerplate_and_stock_phrases_only(corpus: Path) -> None:
    docs, _ = generate.read_gold(corpus)
    shared = json.loads((corpus / "shared.json").read_text(encoding="utf-8"))
    owner: dict[tuple[str, ...], object] = {}
    clashes = 0
    for ident in sorted(docs):  # word tuples, not the generator's hashes
        text = (corpus / "docs" / ident).read_text(encoding="utf-8")
        words = _words(crawl.article_text(text, shared))
        mine = docs[ident]["family"] if docs[ident]["family"] is not None else ident
        for gram in {tuple(words[k : k + 8]) for k in range(len(words) - 7)}:
            if owner.setdefault(gram, mine) != mine:
                clashes += 1
    assert clashes == 0
    check = crawl.check_sharing(corpus)
    assert check["article_text"]["unrelated_pairs_sharing"] == 0
    assert check["whole_text"]["grams_shared_across_families"] > 0  # boilerplate does
    meta = _meta(corpus)["ngram_check"]
    assert meta["n"] == 8 and meta["chunks"] > 1
    assert meta["refused_sentences"] > 0
    assert meta["unresolved"] == 0


def test_generation_is_deterministic_whatever_the_number_of_jobs(
    tmp_path: Path, corpus: Path, model: generate.Model
) -> None:
    again = tmp_path / "again"
    crawl.generate_corpus(again, N, seed=5, jobs=2, model=model, chunk=60)
    for name in ("gold.jsonl", "shared.json"):
        assert (again / name).read_bytes() == (corpus / name).read_bytes()
    for path in (corpus / "docs").rglob("*.txt"):
        assert (again / "docs" / path.relative_to(corpus / "docs")).read_bytes() == (
            path.read_bytes()
        )
    first, second = _meta(corpus), _meta(again)
    first.pop("seconds"), second.pop("seconds")
    assert first == second


def test_plain_corpus_has_the_same_families_and_no_shared_text(
    tmp_path: Path, corpus: Path, model: generate.Model
) -> None:
    plain = tmp_path / "plain"
    meta = crawl.generate_corpus(plain, N, seed=5, model=model, chunk=60, plain=True)
    assert meta["profile"] == "crawl-plain" and _meta(corpus)["profile"] == "crawl"
    docs, _ = generate.read_gold(plain)
    full, _ = generate.read_gold(corpus)  # the same plan; the plants are drawn anew
    assert {i: d["family"] for i, d in docs.items()} == {i: d["family"] for i, d in full.items()}
    shared = json.loads((plain / "shared.json").read_text(encoding="utf-8"))
    for ident, record in docs.items():
        text = (plain / "docs" / ident).read_text(encoding="utf-8")
        assert record["stock"] == [] and shared["outlets"][record["outlet"]]["nav"] not in text
        assert crawl.article_text(text, shared) == text.split("\n---\n", 1)[1].strip()


def test_family_scores_by_size_membership_and_false_positive_cause() -> None:
    docs = {
        "s": {"family": 1, "family_size": 3, "role": "source", "outlet": 0, "stock": []},
        "a": {"family": 1, "family_size": 3, "role": "derived", "outlet": 1, "stock": [4]},
        "b": {"family": 1, "family_size": 3, "role": "derived", "outlet": 2, "stock": []},
        "x": {"family": None, "family_size": 1, "role": "unrelated", "outlet": 1, "stock": []},
        "y": {"family": None, "family_size": 1, "role": "unrelated", "outlet": 3, "stock": [4]},
        "z": {"family": None, "family_size": 1, "role": "unrelated", "outlet": 4, "stock": []},
    }
    edges = [
        {"source": "s", "derived": "a", "kind": "duplicate", "direction": "source->derived",
         "plant": "copy", "family": 1},
        {"source": "s", "derived": "b", "kind": "partial", "direction": "source->derived",
         "plant": "partial", "family": 1},
    ]  # fmt: skip
    reported = [
        ("s", "a", "duplicate", "source->derived"),
        ("a", "b", "partial", "common-source"),  # an implied sibling pair
        ("a", "x", "partial", "undetermined"),  # same outlet
        ("y", "a", "quotes", "undetermined"),  # a stock phrase
        ("z", "b", "partial", "undetermined"),  # neither
    ]
    clusters = [("a", "b", "s", "x", "y", "z")]
    out = scoring.families(reported, clusters, docs, edges)
    bucket = out["by_size"]["3-10"]
    assert (bucket["found"], bucket["gold_edges"], bucket["edge_recall"]) == (1, 2, 0.5)
    assert bucket["membership"] == 1.0 and bucket["whole_families"] == 1
    assert bucket["cluster_purity"] == 0.5
    assert out["reported_within_families"] == 2
    assert out["false_positives_by_cause"] == {"neither": 1, "same outlet": 1, "stock phrase": 1}
    split = scoring.families(reported[:1], [("a", "s")], docs, edges)["by_size"]["3-10"]
    assert split["membership"] == pytest.approx(2 / 3, abs=1e-4)
    assert split["whole_families"] == 0
    assert [scoring.size_bucket(s) for s in (1, 2, 7, 50, 500)] == [
        "1", "2", "3-10", "11-99", "100-1000"
    ]  # fmt: skip
