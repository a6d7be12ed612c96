"""The GitHub Action and the pre-commit hook: their scripts run the real command."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import yaml

from provenance.cli.check import check
from support import newsroom

ROOT = Path(__file__).resolve().parents[1]


def _action() -> dict[str, object]:
    return yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def test_action_inputs() -> None:
    action = _action()
    assert set(action["inputs"]) >= {  # type: ignore[arg-type]
        "paths",
        "index",
        "fail-on",
        "baseline",
        "python-version",
    }
    assert "version" not in action["inputs"]  # type: ignore[operator]  # no index has it
    assert action["runs"]["using"] == "composite"  # type: ignore[index]
    steps = action["runs"]["steps"]  # type: ignore[index]
    assert steps[0]["uses"].startswith("actions/setup-python@")
    # the code at the action's own ref is installed, not a release from a package index
    install = steps[1]
    assert install["env"] == {"ACTION_PATH": "${{ github.action_path }}"}
    assert re.fullmatch(r'python -m pip install [-a-z ]*"\$ACTION_PATH"', install["run"])
    assert "provenance-trace" not in install["run"]
    assert (ROOT / "pyproject.toml").is_file()  # github.action_path is this folder
    # inputs reach scripts only through the environment: no ${{ }} inside a script
    for step in steps:
        assert "${{" not in step.get("run", "")
    options = set(re.findall(r"(--[a-z][a-z-]+)", steps[2]["run"]))
    known = {opt for param in check.params for opt in param.opts}
    assert options <= known, options - known


def _run_check_step(
    repo: Path, inputs: dict[str, str], base_ref: str = ""
) -> subprocess.CompletedProcess[str]:
    """The action's check step, as a runner would run it (inputs through the environment)."""
    step = _action()["runs"]["steps"][2]  # type: ignore[index]
    env = dict(os.environ)
    for key in ("GITHUB_ACTIONS", "GITHUB_STEP_SUMMARY", "GITHUB_WORKSPACE"):
        env.pop(key, None)
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    defaults = {k: v.get("default", "") for k, v in _action()["inputs"].items()}  # type: ignore[union-attr]
    values = {**defaults, **inputs}
    for name, expression in step["env"].items():
        match = re.fullmatch(r"\$\{\{ inputs\.([a-z-]+) \}\}", expression)
        env[name] = values[match.group(1)] if match else base_ref
    return subprocess.run(
        ["bash", "-c", step["run"]], cwd=repo, env=env, capture_output=True, text=True, check=False
    )


def test_action_check_step_runs_provenance(tmp_path: Path) -> None:
    archive = newsroom.make_archive(tmp_path)
    index = tmp_path / "archive.db"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "provenance",
            "index",
            "add",
            str(archive),
            "--index",
            str(index),
            "-q",
        ],
        check=True,
    )
    repo = newsroom.make_repo(tmp_path)
    newsroom.git(repo, "branch", "base")
    (repo / "posts" / "wheat.md").write_text(newsroom.wheat_post(), encoding="utf-8")
    newsroom.git(repo, "add", ".")
    newsroom.git(repo, "commit", "-q", "-m", "wheat")

    failing = _run_check_step(
        repo, {"paths": "posts", "index": str(index), "changed-since": "base"}
    )
    print(failing.stdout, failing.stderr)
    assert failing.returncode == 1
    assert failing.stdout.startswith("::error file=posts/wheat.md,line=")
    assert "1 document checked" in failing.stdout

    allowed = _run_check_step(
        repo,
        {"paths": "posts", "index": str(index), "changed-since": "base", "fail-on": "duplicate"},
    )
    assert allowed.returncode == 0, allowed.stderr
    assert allowed.stdout.startswith("::warning file=posts/wheat.md,")


def _hook() -> dict[str, object]:
    (hook,) = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    return hook  # type: ignore[no-any-return]


def _hook_takes(hook: dict[str, object], name: str) -> bool:
    """Whether pre-commit passes ``name`` to the hook (``files`` and not ``exclude``, both
    searched with Python's ``re``, as pre-commit does)."""
    files = re.compile(str(hook["files"]))
    exclude = re.compile(str(hook.get("exclude", "^$")))
    return bool(files.search(name)) and not exclude.search(name)


def test_pre_commit_hook() -> None:
    hook = _hook()
    assert hook["id"] == "provenance-check"
    assert hook["entry"] == "provenance check"
    assert hook["language"] == "python"


def test_pre_commit_hook_takes_articles_and_leaves_out_what_every_repository_has() -> None:
    hook = _hook()
    articles = [
        "content/posts/a.md",
        "_posts/2024-01-01-x.md",
        "posts/news.md",  # an article named like NEWS files, in lower case
        "posts/security.md",
        "blog/index.html",
        "site/page.HTM",
        "articles/story.txt",
        "notes.markdown",
    ]
    for name in articles:
        assert _hook_takes(hook, name), name
    others = [
        "requirements.txt",
        "requirements-dev.txt",
        "docs/Requirements.TXT",
        "robots.txt",
        "static/humans.txt",
        "llms.txt",
        "CMakeLists.txt",
        "README.md",
        "docs/readme.md",
        "CHANGELOG.md",
        "NEWS.md",
        "LICENSE.txt",
        "CODE_OF_CONDUCT.md",
        ".github/pull_request_template.md",
        "node_modules/pkg/README.md",
        "themes/x/node_modules/y/index.html",
        "vendor/lib/doc.html",
        "data.jsonl",
        "src/x.py",
        "image.png",
        "pyproject.toml",
    ]
    for name in others:
        assert not _hook_takes(hook, name), name
