"""Which relations are findings, and their status (``provenance.check.policy``); the settings
and front matter the policy reads."""

from __future__ import annotations

from pathlib import Path

import pytest

from provenance import config
from provenance.check import policy
from provenance.config import Settings
from provenance.errors import ConfigError
from provenance.models import Document, Relation

CASES = Path(__file__).resolve().parents[1] / "cases"


def _relation(source: str, derived: str, kind: str, direction: str) -> Relation:
    return Relation(source, derived, kind, direction, 0.5, 0.6, 0.7, 0.8, ())  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("relation", "checked", "expected"),
    [
        (("a", "b", "rewrite", "source->derived"), {"b"}, ("b", "a")),
        (("a", "b", "rewrite", "source->derived"), {"a"}, None),  # the checked post came first
        (("a", "b", "duplicate", "source->derived"), {"a"}, ("a", "b")),
        (("a", "b", "near-duplicate", "source->derived"), {"a"}, None),
        (("a", "b", "partial", "undetermined"), {"a"}, ("a", "b")),  # the other is older
        (("a", "b", "partial", "common-source"), {"b"}, ("b", "a")),
        (("a", "b", "partial", "undetermined"), {"a", "b"}, None),
        (("a", "b", "near-duplicate", "undetermined"), {"a", "b"}, ("b", "a")),
        (("a", "b", "quotes", "source->derived"), {"b"}, None),
        (("a", "b", "rewrite", "source->derived"), set(), None),
    ],
)
def test_orient(relation: tuple[str, str, str, str], checked: set[str], expected: object) -> None:
    assert policy.orient(_relation(*relation), checked) == expected


def test_judge_order() -> None:
    mine = Document(id="post.md", path="post.md", text="x", declared_sources=("Wire Story",))
    other = Document(id="index:wire/x.md", path="wire/x.md", text="x", title="wire story")
    rel = _relation("index:wire/x.md", "post.md", "partial", "source->derived")
    settings = Settings()
    assert policy.judge(rel, mine, other, settings, ())[0] == "attributed"
    plain = Document(id="post.md", path="post.md", text="x")
    assert policy.judge(rel, plain, other, settings, ())[0] == "allowed"
    failing = settings.replace(check_fail_on=("partial",))
    assert policy.judge(rel, plain, other, failing, ())[0] == "failing"
    pair = {("post.md", "index:wire/x.md")}
    assert policy.judge(rel, plain, other, failing, pair)[0] == "baselined"
    strict = failing.replace(check_min_coverage=0.9)  # the post's coverage is 0.8
    assert policy.judge(rel, plain, other, strict, pair)[0] == "allowed"


@pytest.mark.parametrize(
    ("declared", "matches"),
    [
        ("https://www.Wire.example.org/a/b/", True),
        ("http://wire.example.org/a/b#top", True),
        ("wire/x.md", True),
        ("index:wire/x.md", True),
        ("x", True),  # the file's stem
        ("https://wire.example.org/a", False),
        ("somebody else", False),
    ],
)
def test_attribution_matching(declared: str, matches: bool) -> None:
    mine = Document(id="post.md", path="post.md", text="x", declared_sources=(declared,))
    other = Document(
        id="index:wire/x.md", path="wire/x.md", text="x", url="https://wire.example.org/a/b"
    )
    assert (policy.attributed_to(mine, other) is not None) is matches


def test_front_matter_declared_sources_are_read_and_in_json(tmp_path: Path) -> None:
    from provenance import ingest
    from provenance.report import jsonout

    post = tmp_path / "post.md"
    post.write_text(
        "---\ntitle: T\nsource: Reuters\ncanonical_url: https://example.org/x\n"
        "via: [a, b]\n---\n\nBody text of the post, long enough to be an article.\n",
        encoding="utf-8",
    )
    (doc,), _ = ingest.read_inputs([post], Settings())
    assert doc.declared_sources == ("Reuters", "https://example.org/x", "a", "b")
    data = jsonout.to_dict(jsonout.loads(jsonout.dumps(jsonout_result(doc))))
    assert data["documents"][0]["declared_sources"] == list(doc.declared_sources)
    plain = Document(id="p", path="p", text="t")
    assert "declared_sources" not in jsonout.to_dict(jsonout_result(plain))["documents"][0]


def jsonout_result(doc: Document) -> object:
    from provenance.models import TraceResult

    return TraceResult((doc,), (), ())


def test_check_settings_from_a_sub_table(tmp_path: Path) -> None:
    path = tmp_path / "pyproject.toml"
    path.write_text(
        "[tool.provenance]\nmin_evidence_chars = 100\ncheck_min_score = 0.2\n"
        '[tool.provenance.check]\nfail_on = "rewrite"\nmin_coverage = 0.5\nindex = "a.db"\n',
        encoding="utf-8",
    )
    settings = config.load(path)
    assert settings.check_fail_on == ("rewrite",)
    assert settings.check_min_coverage == 0.5
    assert settings.check_min_score == 0.2
    assert settings.check_index == "a.db"
    assert settings.min_evidence_chars == 100
    path.write_text("[tool.provenance.check]\nfail_on = 3\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="check_fail_on"):
        config.load(path)
