"""The import rules of docs/architecture.md, read from the source: who may import whom.

Every ``import provenance...`` and ``from provenance... import`` in ``src/provenance`` (at
the top of a module or inside a function alike) is checked against ``ALLOWED``: data flows
one way, from the foundation through the stages to the engines, the gate and the reports,
and only the command line sees everything.
"""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src" / "provenance"
DOC = Path(__file__).resolve().parent.parent / "docs" / "architecture.md"

FOUNDATION = {"errors", "_version", "models", "config", "strictjson", "arrays", "kernels"}
STAGES = {
    "text",
    "similarity",
    "fingerprint",
    "candidates",
    "families",
    "align",
    "classify",
    "graph",
}

# What each part of the package may import (parts are top-level modules or packages).
ALLOWED: dict[str, set[str]] = {
    "errors": set(),
    "_version": set(),
    "models": set(),
    "strictjson": set(),
    "arrays": set(),
    "kernels": set(),  # which text pass runs; loads the C extension ``_kernels`` by name
    "config": {"errors", "models"},
    "text": {"models", "kernels"},
    "similarity": {"text"},
    "fingerprint": {"config", "text", "kernels"},
    "candidates": {"arrays", "config", "fingerprint"},
    "families": {"arrays", "config", "models"},
    "align": {"arrays", "config", "models", "similarity", "text"},
    "classify": {"config", "models", "text"},
    "graph": {"classify", "config", "models", "text"},
    "furniture": {"config", "models"},
    "ingest": FOUNDATION | {"engine.pool"},
    "store": FOUNDATION | {"text", "fingerprint", "candidates"},
    "engine": FOUNDATION | STAGES | {"ingest", "store"},
    "pipeline": FOUNDATION | {"engine", "furniture"},
    "check": FOUNDATION | {"ingest", "pipeline", "store"},
    "report": FOUNDATION | {"store.atomic"},
    "cli": FOUNDATION | STAGES | {"ingest", "store", "engine", "pipeline", "check", "report"},
    "__main__": {"cli"},
    # The package's lazy public API resolves names on first use (module __getattr__).
    "": FOUNDATION | {"pipeline", "check"},
}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(path: Path) -> list[tuple[int, str]]:
    """``(line, module path below provenance)`` of every provenance import in the file;
    ``from provenance import x`` counts as importing ``x``, ``from provenance.x import y`` as
    importing ``x.y`` when ``y`` is a module."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [
                (node.lineno, a.name.removeprefix("provenance").lstrip("."))
                for a in node.names
                if a.name.split(".")[0] == "provenance"
            ]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == "provenance":
                found += [(node.lineno, a.name) for a in node.names]
            elif node.module.startswith("provenance."):
                module = node.module.removeprefix("provenance.")
                folder = SRC.joinpath(*module.split("."))
                for a in node.names:  # ``from provenance.x import y``: module x.y, or x
                    submodule = (folder / f"{a.name}.py").exists() or (folder / a.name).is_dir()
                    found.append((node.lineno, f"{module}.{a.name}" if submodule else module))
    return found


def _allowed(part: str, target: str) -> bool:
    """A rule ``x`` allows the part (module or package) ``x`` and everything in it; a rule
    ``x.y`` allows only the module ``x.y``."""
    if target.split(".", maxsplit=1)[0] == part:
        return True
    for rule in ALLOWED[part]:
        if "." in rule:
            if target == rule or target.startswith(rule + "."):
                return True
        elif target.split(".", maxsplit=1)[0] == rule:
            return True
    return False


def _violations() -> list[str]:
    out = []
    for path in sorted(SRC.rglob("*.py")):
        name = _module_name(path)
        part = name.split(".")[0]
        assert part in ALLOWED, f"{name}: a new part of the package; add it to ALLOWED and the doc"
        for line, target in _imports(path):
            if not _allowed(part, target):
                out.append(f"{path.relative_to(SRC.parent.parent)}:{line}: {name} imports {target}")
    return out


def test_every_import_follows_the_rules() -> None:
    assert _violations() == []


def test_the_engines_never_import_each_other() -> None:
    for engine, other in (("local", "dask"), ("dask", "local")):
        imported = {t for _, t in _imports(SRC / "engine" / f"{engine}.py")}
        assert f"engine.{other}" not in imported


def test_nothing_imports_the_command_line() -> None:
    for path in SRC.rglob("*.py"):
        if _module_name(path).split(".")[0] in {"cli", "__main__"}:
            continue
        assert not [t for _, t in _imports(path) if t.split(".")[0] == "cli"], path


def test_no_module_imports_another_modules_private_names() -> None:
    for path in SRC.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("provenance"):
                private = [a.name for a in node.names if a.name.startswith("_")]
                assert private in ([], ["__version__"]), f"{path}: {node.module} {private}"


def test_the_checker_catches_a_forbidden_import() -> None:
    """The rules can fail: a stage importing the command line is reported."""
    assert not _allowed("text", "cli")
    assert not _allowed("report", "check")
    assert not _allowed("report", "store.index")
    assert _allowed("report", "store.atomic")
    assert not _allowed("ingest", "engine.local")


def test_the_architecture_document_names_every_part() -> None:
    doc = DOC.read_text(encoding="utf-8")
    for part in ALLOWED:
        if part:
            assert f"`{part}" in doc, f"docs/architecture.md does not mention {part}"
