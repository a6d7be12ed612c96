"""What the command-line tests share: running the command, and a fake engine."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from click.testing import CliRunner, Result

from provenance import cli
from provenance.config import Settings
from provenance.models import Document, Passage, Relation, Skipped, Span, TraceResult

SEEDS = Path(__file__).resolve().parents[2] / "seeds"


def run(args: Sequence[str], *, input: bytes | str | None = None, **env: str) -> Result:
    result = CliRunner().invoke(cli.main, list(args), input=input, env=env or None)
    print(f"exit code: {result.exit_code}\n--- stdout ---\n{result.stdout}")
    print(f"--- stderr ---\n{result.stderr}")
    if result.exc_info and not isinstance(result.exception, SystemExit):
        import traceback

        traceback.print_exception(*result.exc_info)
    assert "Traceback" not in result.output
    return result


def expect(result: Result, code: int) -> None:
    assert result.exit_code == code, (
        f"exit {result.exit_code}, expected {code}\n"
        f"stdout:\n{result.stdout}\nstderr:\n{result.stderr}"
    )


TEXT_A = "The council approved the new budget on Tuesday after a long debate about schools. " * 3


TEXT_B = "After a long debate about schools, the council approved the new budget on Tuesday. " * 3


def fake_result(*, skipped: Sequence[Skipped] = (), documents: int = 2) -> TraceResult:
    docs = (
        Document(id="a.txt", path="a.txt", text=TEXT_A, title="Budget approved"),
        Document(id="b.txt", path="b.txt", text=TEXT_B, title="Council backs budget"),
    )[:documents]
    relations = ()
    if documents == 2:
        relations = (
            Relation(
                source="a.txt",
                derived="b.txt",
                kind="rewrite",
                direction="source->derived",
                confidence=0.75,
                score=0.8,
                coverage_source=0.9,
                coverage_derived=0.9,
                passages=(Passage(Span(0, 80), Span(0, 80), "edited", 0.9),),
            ),
        )
    clusters = (("a.txt", "b.txt"),) if documents == 2 else ()
    return TraceResult(docs, relations, clusters, tuple(skipped))


class FakeEngine:
    """Stands in for ``pipeline.trace`` and records how it was called."""

    def __init__(self, result: TraceResult | Callable[[], TraceResult]) -> None:
        self.result = result
        self.calls: list[dict[str, Any]] = []

    def __call__(
        self,
        paths: Sequence[str],
        settings: Settings | None = None,
        *,
        stdin: bytes | None = None,
        progress: Callable[[str, int, int], None] | None = None,
    ) -> TraceResult:
        self.calls.append(
            {"paths": list(paths), "settings": settings, "stdin": stdin, "progress": progress}
        )
        if progress is not None:
            progress("align", 1, 1)
        return self.result() if callable(self.result) else self.result

    @property
    def settings(self) -> Settings:
        settings = self.calls[-1]["settings"]
        assert isinstance(settings, Settings)
        return settings
