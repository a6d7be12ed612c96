"""``provenance check`` (``provenance.cli.check``): the end-to-end git scenario from issue 4,
findings and their direction, policy, baseline, attribution, git errors and exit codes."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from provenance import cli
from support import newsroom

CASES = Path(__file__).resolve().parents[1] / "cases"
SEEDS = Path(__file__).resolve().parents[2] / "seeds"

# no GitHub environment leaks in from the machine running the tests
CLEAN_ENV = {"GITHUB_ACTIONS": "", "GITHUB_STEP_SUMMARY": "", "GITHUB_WORKSPACE": ""}


def run(args: Sequence[str], **env: str) -> Result:
    result = CliRunner().invoke(cli.main, list(args), env={**CLEAN_ENV, **env})
    print(f"exit {result.exit_code}\n{result.stdout}\n--- stderr ---\n{result.stderr}")
    assert "Traceback" not in result.output
    return result


@pytest.fixture
def newsroom_repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    """A blog repository whose last commit adds a post rewriting an archived wire story,
    and the index of that archive. The working directory is the repository."""
    archive = newsroom.make_archive(tmp_path)
    index = tmp_path / "archive.db"
    added = run(["index", "add", str(archive), "--index", str(index), "-q"])
    assert added.exit_code == 0
    repo = newsroom.make_repo(tmp_path)
    (repo / "posts" / "wheat.md").write_text(newsroom.wheat_post(), encoding="utf-8")
    newsroom.git(repo, "add", ".")
    newsroom.git(repo, "commit", "-q", "-m", "wheat story")
    monkeypatch.chdir(repo)
    return repo, index


_ANNOTATION = re.compile(r"^::(error|warning|notice) file=([^,]+),line=(\d+),endLine=(\d+),")


def test_a_post_rewriting_an_archived_wire_story_fails_with_an_annotation(
    newsroom_repo: tuple[Path, Path],
) -> None:
    _, index = newsroom_repo
    args = ["check", "posts", "--changed-since", "HEAD~1", "--index", str(index)]
    result = run([*args, "--format", "github"])
    assert result.exit_code == 1
    annotations = [_ANNOTATION.match(line) for line in result.stdout.splitlines()]
    found = [m for m in annotations if m]
    assert len(found) == 1
    level, file, line, end_line = found[0].groups()
    assert (level, file) == ("error", "posts/wheat.md")
    assert "rewrite" in result.stdout and "index:wire/wheat-trial.md" in result.stdout
    assert "1 document checked" in result.stdout  # the unchanged posts were not checked

    # the annotated lines are the reused passage, in the file as it is on disk
    report = json.loads(run([*args, "--format", "json"]).stdout)
    (finding,) = report["findings"]
    assert (finding["line"], finding["end_line"]) == (int(line), int(end_line))
    post = next(d for d in report["trace"]["documents"] if d["id"] == "wheat.md")
    assert post["stripped"][0]["kind"] == "front-matter"
    start, end = finding["passages"][0]["checked"]
    text = newsroom.wheat_post()
    file_lines = text.split("\n")
    assert int(line) > 5  # below the front matter
    first_line = file_lines[int(line) - 1]
    assert first_line.strip()
    wheat = (CASES / "heavy_paraphrase" / "rewrite.txt").read_text(encoding="utf-8")
    passage = wheat[start:end]  # the extracted text is the body as written here
    assert passage.split()[0] in first_line
    assert passage.split()[-1] in file_lines[int(end_line) - 1]


def test_github_format_is_chosen_in_actions_and_writes_the_step_summary(
    newsroom_repo: tuple[Path, Path], tmp_path: Path
) -> None:
    _, index = newsroom_repo
    summary = tmp_path / "summary.md"
    summary.write_text("earlier step\n", encoding="utf-8")
    result = run(
        ["check", "posts", "--changed-since", "HEAD~1", "--index", str(index)],
        GITHUB_ACTIONS="true",
        GITHUB_STEP_SUMMARY=str(summary),
    )
    assert result.exit_code == 1
    assert result.stdout.startswith("::error file=posts/wheat.md,line=")
    written = summary.read_text(encoding="utf-8")
    assert written.startswith("earlier step\n## provenance check failed\n")  # appended
    assert "| failing | posts/wheat.md:" in written


def test_a_baselined_finding_passes_and_only_new_ones_fail(
    newsroom_repo: tuple[Path, Path], tmp_path: Path
) -> None:
    repo, index = newsroom_repo
    baseline = tmp_path / "baseline.json"
    args = ["check", "posts", "--changed-since", "HEAD~1", "--index", str(index)]
    written = run([*args, "--write-baseline", str(baseline)])
    assert written.exit_code == 0
    flat = " ".join(written.stdout.split())  # the console wraps long lines
    assert f"baseline written to {baseline}: 1 finding accepted; 1 document checked" in flat
    assert "FAILED" not in written.stdout
    as_json = run([*args, "--write-baseline", str(baseline), "--format", "json"])
    assert as_json.exit_code == 0
    assert f"baseline written to {baseline}: 1 finding accepted" in as_json.stderr
    assert json.loads(baseline.read_text(encoding="utf-8"))["findings"] == [
        {"checked": "wheat.md", "other": "index:wire/wheat-trial.md", "kind": "rewrite"}
    ]
    accepted = run([*args, "--baseline", str(baseline)])
    assert accepted.exit_code == 0
    assert "BASELINED" in accepted.stdout and "posts/wheat.md" in accepted.stdout

    # a new copy is not covered by the baseline
    bridge = (CASES / "same_story_unrelated" / "national.txt").read_text(encoding="utf-8")
    (repo / "posts" / "bridge.md").write_text(bridge, encoding="utf-8")
    newsroom.git(repo, "add", ".")
    newsroom.git(repo, "commit", "-q", "-m", "bridge copy")
    again = run(
        [
            "check",
            "posts",
            "--changed-since",
            "HEAD~2",
            "--index",
            str(index),
            "--baseline",
            str(baseline),
            "--format",
            "json",
        ]
    )
    assert again.exit_code == 1
    statuses = {(f["checked"], f["status"]) for f in json.loads(again.stdout)["findings"]}
    assert statuses == {("wheat.md", "baselined"), ("bridge.md", "failing")}


def test_an_attributed_post_passes_and_is_still_reported(
    newsroom_repo: tuple[Path, Path],
) -> None:
    repo, index = newsroom_repo
    # the same wire URL, written differently: no scheme case, trailing slash
    post = newsroom.wheat_post(via="HTTPS://wire.example.org/2026/03/wheat-trial/")
    (repo / "posts" / "wheat.md").write_text(post, encoding="utf-8")
    newsroom.git(repo, "commit", "-q", "-am", "credit the wire")
    result = run(
        ["check", "posts", "--changed-since", "HEAD~2", "--index", str(index), "--format", "github"]
    )
    assert result.exit_code == 0
    (line,) = [line for line in result.stdout.splitlines() if line.startswith("::")]
    assert line.startswith("::notice file=posts/wheat.md,")
    assert "attributed" in line and "declares its source" in line


def test_the_archive_is_not_reread(newsroom_repo: tuple[Path, Path], tmp_path: Path) -> None:
    _, index = newsroom_repo
    for file in sorted((tmp_path / "archive").rglob("*"), reverse=True):
        file.unlink() if file.is_file() else file.rmdir()
    result = run(["check", "posts", "--changed-since", "HEAD~1", "--index", str(index)])
    assert result.exit_code == 1 and "index:wire/wheat-trial.md" in result.stdout


def test_without_the_index_the_rewrite_has_nothing_to_match(
    newsroom_repo: tuple[Path, Path],
) -> None:
    result = run(["check", "posts", "--changed-since", "HEAD~1"])
    assert result.exit_code == 0
    assert "1 document checked, 0 findings" in result.stdout


def test_uncommitted_and_untracked_posts_are_checked(
    newsroom_repo: tuple[Path, Path],
) -> None:
    repo, _ = newsroom_repo
    island = (repo / "posts" / "islanders.md").read_text(encoding="utf-8")
    (repo / "drafts").mkdir()
    (repo / "drafts" / "copy.md").write_text(island, encoding="utf-8")  # untracked
    result = run(["check", ".", "--changed-since", "HEAD", "--format", "json"])
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert report["checked"] == ["drafts/copy.md"]
    (finding,) = report["findings"]
    # an exact copy of an unchanged post, with the same date: the engine cannot order
    # them, and the post already in the repository counts as published first
    assert finding["other"] == "posts/islanders.md"
    assert finding["kind"] == "duplicate" and finding["status"] == "failing"


def test_nothing_changed_is_a_clean_pass(newsroom_repo: tuple[Path, Path]) -> None:
    result = run(["check", "posts", "--changed-since", "HEAD"])
    assert result.exit_code == 0
    assert "nothing to check" in result.stderr


def test_changed_since_outside_a_repository(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "plain"
    folder.mkdir()
    (folder / "a.txt").write_text("Some text that is long enough to read as an article.\n")
    monkeypatch.chdir(folder)
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    result = run(["check", ".", "--changed-since", "HEAD~1"])
    assert result.exit_code == 2
    assert "needs a git repository" in result.stderr


def test_changed_since_an_unknown_revision(newsroom_repo: tuple[Path, Path]) -> None:
    for ref in ("no-such-branch", "HEAD~9"):
        result = run(["check", "posts", "--changed-since", ref])
        assert result.exit_code == 2
        assert f"unknown git revision '{ref}'" in result.stderr
    dash = run(["check", "posts", "--changed-since=--output=x"])
    assert dash.exit_code == 2 and "not a git revision" in dash.stderr


def test_check_exit_codes_are_documented() -> None:
    help_text = run(["check", "--help"]).stdout
    for code in (0, 1, 2, 3, 123):
        assert re.search(rf"^ +{code} +\S", help_text, re.MULTILINE), code


def _folder(tmp_path: Path, case: str, *, broken: bool) -> Path:
    folder = tmp_path / case
    folder.mkdir(parents=True)
    for file in (CASES / case).iterdir():
        if file.suffix in (".txt", ".md"):
            (folder / file.name).write_text(file.read_text(encoding="utf-8"), encoding="utf-8")
    if broken:
        (folder / "broken.txt").write_bytes(b"\x00\x01binary\x00" * 30)
    return folder


def test_failing_findings_take_precedence_over_unreadable_inputs(tmp_path: Path) -> None:
    result = run(["check", str(_folder(tmp_path, "verbatim_copy", broken=True))])
    assert result.exit_code == 1
    assert "skipped" in result.stderr and "broken.txt" in result.stderr


def test_unreadable_inputs_without_failing_findings_exit_3(tmp_path: Path) -> None:
    result = run(["check", str(_folder(tmp_path, "same_story_unrelated", broken=True))])
    assert result.exit_code == 3
    clean = run(["check", str(_folder(tmp_path / "b", "same_story_unrelated", broken=False))])
    assert clean.exit_code == 0


def test_fail_on_and_min_coverage_decide_what_fails(tmp_path: Path) -> None:
    folder = _folder(tmp_path, "verbatim_copy", broken=False)
    assert run(["check", str(folder), "--fail-on", "rewrite,partial"]).exit_code == 0
    rewrite = _folder(tmp_path, "heavy_paraphrase", broken=False)  # covers ~90% of the post
    assert run(["check", str(rewrite), "--min-coverage", "0.99"]).exit_code == 0
    assert run(["check", str(rewrite), "--min-coverage", "0.5"]).exit_code == 1
    assert run(["check", str(folder), "--fail-on", "duplicate,near-duplicate"]).exit_code == 1
    bad = run(["check", str(folder), "--fail-on", "copy"])
    assert bad.exit_code == 2 and "unknown relation kind 'copy'" in bad.stderr
    (tmp_path / "pyproject.toml").write_text(
        '[tool.provenance.check]\nfail_on = ["partial"]\n', encoding="utf-8"
    )
    assert run(["check", str(folder)]).exit_code == 0


def test_bad_baseline_and_missing_index_are_usage_errors(tmp_path: Path) -> None:
    folder = _folder(tmp_path, "verbatim_copy", broken=False)
    missing = run(["check", str(folder), "--baseline", str(tmp_path / "none.json")])
    assert missing.exit_code == 2 and "--write-baseline" in missing.stderr
    bad = tmp_path / "bad.json"
    bad.write_text('{"version": 7}', encoding="utf-8")
    assert run(["check", str(folder), "--baseline", str(bad)]).exit_code == 2
    index = run(["check", str(folder), "--index", str(tmp_path / "none.db")])
    assert index.exit_code == 2 and "provenance index add" in index.stderr


def test_html_report(tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    folder = _folder(tmp_path, "verbatim_copy", broken=False)
    result = run(["check", str(folder), "--html", str(out)])
    assert result.exit_code == 1
    assert "site.md" in out.read_text(encoding="utf-8")


def test_report_renders_the_trace_of_checks_own_json(
    newsroom_repo: tuple[Path, Path], tmp_path: Path
) -> None:
    _, index = newsroom_repo
    saved = tmp_path / "check.json"
    args = ["check", "posts", "--changed-since", "HEAD~1", "--index", str(index)]
    made = run([*args, "--format", "json", "-o", str(saved)])
    assert made.exit_code == 1
    assert "findings" in json.loads(saved.read_text(encoding="utf-8"))
    page = tmp_path / "check.html"
    rendered = run(["report", str(saved), "-o", str(page)])
    assert rendered.exit_code == 0, rendered.stderr
    assert "wheat.md" in page.read_text(encoding="utf-8")


def test_notes_and_check_text_show_invisible_characters(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    folder = tmp_path / "site"
    folder.mkdir()
    text = (SEEDS / "002_7a0d0bc65cea2214.txt").read_text(encoding="utf-8")
    (folder / "source.txt").write_text(text, encoding="utf-8")
    (folder / "sou\u200brce.txt").write_text(text, encoding="utf-8")
    result = run(["check", "site", "--format", "text", "-q"])
    assert result.exit_code == 1
    assert "\u200b" not in result.stdout
    assert "site/sou\\u200brce.txt:1  duplicate of source.txt" in result.stdout


def test_changed_records_of_a_jsonl_file_are_checked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A record's ``path`` is ``feed.jsonl:LINE``, not a file: the changed file is matched by
    the file each document was read from, so every record of a changed JSONL file is checked."""
    repo = newsroom.make_repo(tmp_path)
    island = (repo / "posts" / "islanders.md").read_text(encoding="utf-8").split("---\n", 2)[2]

    def feed(second: str) -> str:
        records = [{"id": "a", "text": "A short note on the weather."}, {"id": "b", "text": second}]
        return "".join(json.dumps(r) + "\n" for r in records)

    (repo / "feed.jsonl").write_text(feed("Another short note."), encoding="utf-8")
    newsroom.git(repo, "add", ".")
    newsroom.git(repo, "commit", "-q", "-m", "feed")
    monkeypatch.chdir(repo)
    assert "nothing to check" in run(["check", ".", "--changed-since", "HEAD"]).stderr
    (repo / "feed.jsonl").write_text(feed(island), encoding="utf-8")  # record b now copies
    result = run(["check", ".", "--changed-since", "HEAD", "--format", "json"])
    report = json.loads(result.stdout)
    assert report["checked"] == ["feed.jsonl#a", "feed.jsonl#b"]
    (finding,) = report["findings"]
    assert (finding["checked"], finding["other"]) == ("feed.jsonl#b", "posts/islanders.md")
    assert result.exit_code == 1
