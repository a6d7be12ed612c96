"""Shared test set-up: Hypothesis runs derandomized in CI so a failure reproduces."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

# No per-example deadline: tests check behaviour, never wall-clock time, and a loaded
# machine (parallel jobs, CI neighbours) made the default 200 ms deadline flaky.
settings.register_profile(
    "ci",
    derandomize=True,
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("dev", max_examples=100, deadline=None)
settings.load_profile("ci" if os.environ.get("CI") else "dev")

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"


@pytest.fixture(autouse=True, scope="session")
def _private_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Tests never read or fill the user's fingerprint cache."""
    os.environ["XDG_CACHE_HOME"] = str(tmp_path_factory.mktemp("cache"))


@pytest.fixture
def seeds_dir() -> Path:
    return SEEDS


HOSTILE = """\
Officials said on Tuesday that the harbour bridge would close for repairs <script>alert('script')</script> \
for at least six weeks, and that traffic would be diverted through the old town centre.
The works follow an inspection <img src=x onerror="alert('onerror')"> that found corrosion in two of \
the main cables, according to a report published by the city council on Monday evening.
Residents can read the report <a href="javascript:alert('link')">here</a> or at http://example.com/report \
and send comments until the end of the month; the council says it will answer every letter.
</style><style>body{display:none}</style></script><script>alert('closing')</script> \
The mayor said the closure was regrettable but necessary {{ 7*7 }} {% for x in range(3) %}x{% endfor %} \
and that the city had no choice after years of delayed maintenance on the structure.
<svg onload="alert('svg')"><iframe src="http://example.com/frame"></iframe> \
Shops near the bridge fear a fall in trade, and a local business group has asked for a rates holiday \
<link rel="stylesheet" href="http://example.com/x.css"> while the works go on through the summer.
"""


@pytest.fixture
def hostile_dir(tmp_path: Path) -> Path:
    """Documents full of markup, script and template syntax, copied from one another (so the
    hostile text sits inside aligned passages, in plain text), one with hostile front matter."""
    folder = tmp_path / "hostile"
    folder.mkdir()
    (folder / "a_original.txt").write_text("date 2024-03-01\n" + HOSTILE, encoding="utf-8")
    copied = HOSTILE.replace("Officials said on Tuesday", "Officials confirmed on Tuesday").replace(
        "Residents can read", "People can read"
    )
    (folder / "b_copy.txt").write_text("date 2024-03-04\n" + copied, encoding="utf-8")
    (folder / "c_meta.md").write_text(
        "---\n"
        "title: \"<script>alert('title')</script> Bridge {{ 7*7 }} </title><b>closes\"\n"
        "date: 2024-03-05\n"
        "url: \"javascript:alert('url')\"\n"
        "author: \"<img src=x onerror=alert('author')>\"\n"
        "---\n" + HOSTILE,
        encoding="utf-8",
    )
    return folder
