"""The ``provenance`` group (``provenance.cli``): version, help, every command documented,
and a start-up that loads none of the engine."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from provenance import cli
from support.cli_runner import expect, run


def test_version() -> None:
    from provenance import kernels

    result = run(["--version"])
    expect(result, 0)
    assert result.stdout.splitlines() == [
        f"provenance, version {cli.__version__}",
        f"text pass: {kernels.active()}",
    ]


@pytest.mark.parametrize(
    ("pure", "shown"), [("1", "pure Python (PROVENANCE_PURE is set)"), ("0", None)]
)
def test_version_names_the_active_path(pure: str, shown: str | None) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "provenance", "--version"],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PROVENANCE_PURE": pure},
    )
    assert proc.returncode == 0, proc.stderr
    line = proc.stdout.splitlines()[1]
    if shown is not None:
        assert line == f"text pass: {shown}"
    else:  # not forced: whichever this install has
        assert line in {
            "text pass: compiled kernels (C)",
            "text pass: pure Python (the compiled kernels are not installed)",
        }


def test_help_lists_trace() -> None:
    result = run(["--help"])
    expect(result, 0)
    assert "trace" in result.stdout


def test_short_help_is_never_cut_and_every_command_has_examples() -> None:
    top = run(["--help"])
    expect(top, 0)
    commands = top.stdout.split("Commands:")[1]
    assert "..." not in commands
    assert "trace     Find reuse across files and folders, strongest first." in commands
    index = run(["index", "--help"])
    assert "..." not in index.stdout.split("Commands:")[1]
    for command in (
        ["trace"],
        ["check"],
        ["report"],
        ["settings"],
        ["index"],
        ["index", "add"],
        ["index", "list"],
        ["index", "remove"],
        ["index", "stats"],
    ):
        shown = run([*command, "--help"])
        expect(shown, 0)
        examples = shown.stdout.split("Examples:")[1]
        assert f"\n    provenance {' '.join(command)}" in examples, command


HEAVY = ("datasketch", "trafilatura", "networkx", "numpy", "scipy")
"""Dependencies that take long to import and that help and the version never need."""


@pytest.mark.parametrize(
    "args",
    [
        ["--version"],
        ["--help"],
        *([command, "--help"] for command in ("trace", "check", "report", "settings", "index")),
        ["index", "add", "--help"],
    ],
)
def test_help_and_version_import_none_of_the_engine(args: list[str]) -> None:
    probe = (
        "import json, sys\n"
        "from provenance.cli import main\n"
        "try:\n"
        f"    main({args!r}, prog_name='provenance')\n"
        "except SystemExit as exc:\n"
        "    assert exc.code == 0, exc.code\n"
        f"print(json.dumps([m for m in {HEAVY!r} if m in sys.modules]))\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=False
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout.splitlines()[-1]) == []
