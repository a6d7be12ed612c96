"""The nasty-input registry: input class -> fixture builder -> expected outcome.

Every ``Case`` builds its fixture in a fresh folder (nothing is committed), runs the real
command in a child process (``run_cli``), and states what must happen:

- ``processed``: exit 0, the input was read (``check`` looks at the JSON for the details);
- ``skipped``: exit 3, one line on stderr ``skipped PATH: reason`` naming the input, and the
  run still reports everything else;
- ``usage error``: exit 2 with a click usage message (the fix in it).

The companion articles (``source.txt`` and ``copy.txt``) sit beside most nasty inputs so
there is always something to trace, and every case checks that they were read and related:
a bad file must not cost the rest of the corpus.

To add a row (e.g. for ``provenance check`` or ``provenance report``): write a builder that
returns a ``Run`` with that command's arguments, and append a ``Case``. The table in
``docs/robustness.md`` is rendered from what the suite observed (see
``docs/make_robustness.py``), so a new row appears there after the next run.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

PROCESSED, SKIPPED, USAGE = "processed", "skipped", "usage error"
FINDINGS = "findings"
"""``provenance check`` only: exit 1, findings that fail the policy were reported."""
EXIT = {PROCESSED: 0, SKIPPED: 3, USAGE: 2, FINDINGS: 1}

ARTICLE = """\
The city council voted on Tuesday to close the Hawthorne Street bridge to lorries after \
engineers found cracks in two of its steel supports during a routine inspection.

Repairs are expected to take at least four months and to cost about 2.3 million pounds, \
according to a report presented to councillors at the meeting.

Local businesses warned that the closure would add long detours to delivery routes on both \
sides of the river, and asked the council to publish a timetable for the work.

The mayor said the safety of residents came first and that the bridge would reopen to all \
traffic as soon as the engineers were satisfied that the supports could carry the load.
"""

COPY = (
    "Council shuts bridge to heavy traffic\n\n"
    + ARTICLE.replace("on Tuesday", "this week").replace("about 2.3", "roughly 2.3")
    + "\nThe bus company said its routes were not affected by the decision.\n"
)

WORDS = (
    "council bridge lorries engineers cracks steel supports repairs months cost million "
    "businesses warned delivery routes river mayor residents traffic load report timetable "
    "inspection closure detours pounds meeting safety work reopen"
).split()


@dataclass(frozen=True)
class Run:
    """How to run the command on a built fixture: arguments after ``provenance``, the
    working folder, and optionally stdin, Python run in the child before the command
    (to reach a moment such as "after discovery"), and dropped file-access privileges."""

    args: Sequence[str]
    cwd: Path
    stdin: bytes = b""
    prelude: str = ""
    unprivileged: bool = False


@dataclass(frozen=True)
class Observed:
    exit_code: int
    stdout: str
    stderr: str
    peak_rss_mb: float
    cwd: Path | None = None
    """The folder the command ran in (to look at the files it left)."""

    @property
    def outcome(self) -> str:
        return {0: PROCESSED, 3: SKIPPED, 2: USAGE, 1: FINDINGS}.get(
            self.exit_code, f"exit {self.exit_code}"
        )

    def json(self) -> dict[str, Any]:
        """The JSON trace on stdout (``check --format json`` holds it under ``trace``)."""
        data: dict[str, Any] = json.loads(self.stdout)
        trace: dict[str, Any] = data.get("trace", data)
        return trace

    def lines(self, prefix: str) -> list[str]:
        return [line for line in self.stderr.splitlines() if line.startswith(prefix)]


@dataclass(frozen=True)
class Case:
    name: str
    """Short identifier (the pytest id)."""
    input_class: str
    """What the input is, as the table in docs/robustness.md shows it."""
    build: Callable[[Path], Run]
    expect: str
    """PROCESSED, SKIPPED, USAGE, or FINDINGS (``check``)."""
    names: str = ""
    """For SKIPPED: text the skip line's path must contain (the file it names)."""
    reason: str = ""
    """Text the message (skip reason, note or usage error) must contain."""
    check: Callable[[Observed], None] | None = None
    """Further assertions on what was observed."""
    companions: bool = True
    """The companion articles are in the corpus and must be read and related."""
    max_rss_mb: int = 700
    """Bound on the child's peak resident memory (generous: the interpreter with numpy,
    trafilatura and lxml loaded takes about 150 MB)."""
    tags: tuple[str, ...] = field(default=())

    @property
    def exit_code(self) -> int:
        return EXIT[self.expect]


# The command runs under a small launcher process that forks it, waits for it and writes its
# peak RSS to a pipe. Measured straight from the test process, the peak RSS would start
# at the test process's own: Linux keeps the larger of the old and the new memory's peak
# across exec, and a child that subprocess starts with vfork shares the parent's memory until
# it execs, so a test process grown to 500 MB made a 125 MB run read as 490 MB.
_LAUNCHER = """
import os, signal, sys
report, command = int(sys.argv[1]), sys.argv[2:]
pid = os.fork()
if pid == 0:
    os.close(report)
    os.execv(command[0], command)
for sig in (signal.SIGTERM, signal.SIGINT):
    signal.signal(sig, lambda n, f, pid=pid: os.kill(pid, n))
while True:
    try:
        _, status, usage = os.wait4(pid, 0)
        break
    except InterruptedError:
        continue
os.write(report, str(usage.ru_maxrss).encode())
if os.WIFSIGNALED(status):
    signal.signal(os.WTERMSIG(status), signal.SIG_DFL)
    os.kill(os.getpid(), os.WTERMSIG(status))
sys.exit(os.waitstatus_to_exitcode(status))
"""


def run_cli(run: Run, *, timeout: float = 600) -> Observed:
    """Run ``provenance ARGS`` in a child process; its peak RSS (the largest of it and its
    workers) comes from ``wait4`` in a launcher, so the test process's size never counts."""
    code = run.prelude + "\nfrom provenance.cli import main\nmain(prog_name='provenance')\n"
    command = [sys.executable, "-c", code, *run.args]
    if run.unprivileged and os.geteuid() == 0:
        # root reads a mode-000 file anyway; without these capabilities it cannot
        setpriv = shutil.which("setpriv") or "/usr/bin/setpriv"
        command = [setpriv, "--bounding-set=-dac_override,-dac_read_search", *command]
    env = {k: v for k, v in os.environ.items() if not k.startswith("PROVENANCE_")}
    env["COLUMNS"] = "100"
    usage_read, usage_write = os.pipe()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        with tempfile.TemporaryFile() as stdin:
            stdin.write(run.stdin)
            stdin.seek(0)
            try:
                proc = subprocess.Popen(
                    [sys.executable, "-c", _LAUNCHER, str(usage_write), *command],
                    cwd=run.cwd,
                    stdin=stdin,
                    stdout=out,
                    stderr=err,
                    env=env,
                    pass_fds=(usage_write,),
                    start_new_session=True,
                )
            finally:
                os.close(usage_write)
        try:
            status = _wait(proc, timeout)
        finally:
            if proc.returncode is None and proc.poll() is None:
                os.killpg(proc.pid, 9)
                proc.wait()
        with os.fdopen(usage_read, "rb") as reported:
            peak_kb = int(reported.read() or b"0")
        out.seek(0)
        err.seek(0)
        stdout = out.read().decode("utf-8", "replace")
        stderr = err.read().decode("utf-8", "replace")
    exit_code = os.waitstatus_to_exitcode(status)
    return Observed(exit_code, stdout, stderr, peak_kb / 1024, run.cwd)


def _wait(proc: subprocess.Popen[bytes], timeout: float) -> int:
    """Wait for the launcher; after ``timeout`` seconds kill it and the command (one process
    group). Returns the wait status."""
    import signal
    import threading

    timer = threading.Timer(timeout, lambda: os.killpg(proc.pid, signal.SIGKILL))
    timer.start()
    try:
        _, status = os.waitpid(proc.pid, 0)
    finally:
        timer.cancel()
    proc.returncode = os.waitstatus_to_exitcode(status)
    return status


# --- builders ---------------------------------------------------------------------------------


JSON = ("-q", "--format", "json", "--include-text")
"""The options every case runs with: no progress, the JSON contract with each text."""


def corpus(root: Path) -> Path:
    """``root/corpus`` with the two companion articles in it."""
    folder = root / "corpus"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "source.txt").write_text(ARTICLE, encoding="utf-8")
    (folder / "copy.txt").write_text(COPY, encoding="utf-8")
    return folder


def with_file(name: str, data: bytes, *extra: str) -> Callable[[Path], Run]:
    def build(root: Path) -> Run:
        (corpus(root) / name).write_bytes(data)
        return Run(["trace", "corpus", *JSON, *extra], root)

    return build


def _random_words(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n))


def one_long_line(root: Path) -> Run:
    rng = random.Random(1)
    line = _random_words(rng, 200_000)[:1_000_000]
    (corpus(root) / "long.txt").write_text(line, encoding="utf-8")
    return Run(["trace", "corpus", *JSON], root)


def long_cjk_lines(root: Path) -> Run:
    """Two copies of one million characters of Chinese without punctuation: one "sentence"."""
    rng = random.Random(4)
    line = "".join(rng.choice("桥梁关闭工程师发现裂缝市议会投票维修费用") for _ in range(1_000_000))
    folder = corpus(root)
    (folder / "zh_a.txt").write_text(line, encoding="utf-8")
    (folder / "zh_b.txt").write_text(line, encoding="utf-8")
    return Run(["trace", "corpus", *JSON], root)


def cjk_copies_related(observed: Observed) -> None:
    relations = observed.json()["relations"]
    assert any({r["source"], r["derived"]} == {"zh_a.txt", "zh_b.txt"} for r in relations)


def huge_file(root: Path) -> Run:
    block = (ARTICLE * 50).encode("utf-8")
    with (corpus(root) / "huge.txt").open("wb") as f:
        while f.tell() < 100 * 1024 * 1024:
            f.write(block)
    return Run(["trace", "corpus", *JSON], root)


def tiny_files(root: Path) -> Run:
    folder = corpus(root) / "tiny"
    folder.mkdir()
    rng = random.Random(2)
    for k in range(10_000):
        (folder / f"{k:05d}.txt").write_text(
            f"Note {k}: {_random_words(rng, 2)}.\n", encoding="utf-8"
        )
    return Run(["trace", "corpus", *JSON], root)


def identical_documents(root: Path) -> Run:
    folder = root / "corpus"
    folder.mkdir()
    for k in range(1_000):
        (folder / f"{k:04d}.txt").write_text(ARTICLE, encoding="utf-8")
    return Run(["trace", "corpus", *JSON], root)


def long_documents_pair(root: Path) -> Run:
    """Two copies of a 6,000-sentence document: 36 million sentence pairs."""
    rng = random.Random(3)
    lines = [f"Item {k} {rng.randrange(10**9)} {_random_words(rng, 4)}." for k in range(6_000)]
    text = "\n".join(lines)
    folder = corpus(root)
    (folder / "long_a.txt").write_text(text, encoding="utf-8")
    (folder / "long_b.txt").write_text("Revised list\n" + text, encoding="utf-8")
    return Run(["trace", "corpus", *JSON], root)


def symlink_loop(root: Path) -> Run:
    folder = corpus(root)
    (folder / "sub").mkdir()
    (folder / "sub" / "loop").symlink_to("..", target_is_directory=True)
    (folder / "self").symlink_to(".", target_is_directory=True)
    return Run(["trace", "corpus", *JSON], root)


def unreadable(root: Path) -> Run:
    path = corpus(root) / "locked.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    path.chmod(0)
    return Run(["trace", "corpus", *JSON], root, unprivileged=True)


def vanishing(root: Path) -> Run:
    (corpus(root) / "vanishing.txt").write_text(ARTICLE, encoding="utf-8")
    prelude = (
        "import os\n"
        "from provenance import ingest\n"
        "_discover = ingest.discover\n"
        "def _discover_then_delete(*args, **kwargs):\n"
        "    found = _discover(*args, **kwargs)\n"
        "    os.remove(os.path.join('corpus', 'vanishing.txt'))\n"
        "    return found\n"
        "ingest.discover = _discover_then_delete\n"
    )
    return Run(["trace", "corpus", *JSON], root, prelude=prelude)


def jsonl(*records: object) -> bytes:
    return "".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in records).encode(
        "utf-8"
    )


def odd_names(root: Path) -> Run:
    folder = corpus(root)
    for name in ("with space.txt", "new\nline.txt", "café – ünïcode 日本.txt"):
        (folder / name).write_text(ARTICLE.replace("Tuesday", "Monday"), encoding="utf-8")
    return Run(["trace", "corpus", *JSON], root)


def hostile_skipped_name(root: Path) -> Run:
    (corpus(root) / "bad\n\x1b]0;pwned\x07\u202ename.txt").write_bytes(b"")
    return Run(["trace", "corpus", *JSON], root)


def missing_output_folder(root: Path) -> Run:
    corpus(root)
    return Run(["trace", "corpus", *JSON, "-o", "missing/out.json"], root)


def missing_path(root: Path) -> Run:
    corpus(root)
    return Run(["trace", "corpus", "nowhere", *JSON], root)


def empty_folder(root: Path) -> Run:
    (root / "corpus").mkdir()
    (root / "corpus" / "notes.pdf").write_bytes(b"%PDF-1.4\n")
    return Run(["trace", "corpus", *JSON], root)


def broken_symlink(root: Path) -> Run:
    (corpus(root) / "dangling.txt").symlink_to("nowhere.txt")
    return Run(["trace", "corpus", *JSON], root)


def fifo_in_folder(root: Path) -> Run:
    os.mkfifo(corpus(root) / "pipe.txt")
    return Run(["trace", "corpus", *JSON], root)


def fifo_named(root: Path) -> Run:
    folder = corpus(root)
    os.mkfifo(folder / "pipe.txt")
    return Run(["trace", "corpus", "corpus/pipe.txt", *JSON], root)


def binary_stdin(root: Path) -> Run:
    corpus(root)
    return Run(["trace", "corpus", "-", *JSON], root, stdin=b"%PDF-1.7\n\x00\x01")


def over_document_limit(root: Path) -> Run:
    (corpus(root) / "long.txt").write_text(ARTICLE * 10, encoding="utf-8")
    return Run(["trace", "corpus", *JSON, "--set", "max_document_chars=3000"], root)


def candidate_limit(root: Path) -> Run:
    folder = corpus(root)
    (folder / "third.txt").write_text(ARTICLE + "\nA later update.\n", encoding="utf-8")
    return Run(
        ["trace", "corpus", *JSON, "--set", "max_candidates_per_document=1"],
        root,
    )


# --- checks -----------------------------------------------------------------------------------


def text_of(observed: Observed, suffix: str) -> str:
    for doc in observed.json()["documents"]:
        if doc["id"].endswith(suffix):
            text: str = doc["text"]
            return text
    raise AssertionError(f"no document ending in {suffix!r}")


def contains(suffix: str, *needles: str) -> Callable[[Observed], None]:
    def check(observed: Observed) -> None:
        text = text_of(observed, suffix)
        for needle in needles:
            assert needle in text, f"{needle!r} not in {suffix}: {text[:200]!r}"

    return check


def document_count(n: int) -> Callable[[Observed], None]:
    def check(observed: Observed) -> None:
        assert len(observed.json()["documents"]) == n

    return check


def all_identical_related(observed: Observed) -> None:
    data = observed.json()
    assert len(data["documents"]) == 1_000
    assert len(data["relations"]) == 999
    assert {r["kind"] for r in data["relations"]} == {"duplicate"}
    assert len(data["clusters"]) == 1 and len(data["clusters"][0]) == 1_000


def jsonl_ids_are_labels(observed: Observed) -> None:
    ids = [d["id"] for d in observed.json()["documents"] if "#" in d["id"]]
    assert ids == [
        "feed.jsonl#%2Fetc%2Fpasswd",
        "feed.jsonl#..%2F..%2Fsecret.txt",
        "feed.jsonl#C:%5CWindows%5Cwin.ini",
    ]
    for doc_id in ids:
        label = doc_id.partition("#")[2]
        assert "/" not in label and "\\" not in label
        # joined to a folder, the id stays inside it
        inside = os.path.normpath(Path("out") / doc_id)
        assert inside.startswith("out" + os.sep)


def names_kept(observed: Observed) -> None:
    ids = {d["id"] for d in observed.json()["documents"]}
    assert {"with space.txt", "new\nline.txt", "café – ünïcode 日本.txt"} <= ids


def skip_line_is_clean(observed: Observed) -> None:
    lines = observed.lines("skipped ")
    # the name is shown with its newline, escape sequence and bidi override spelled out
    assert lines == [
        "skipped corpus/bad\\x0a\\x1b]0;pwned\\x07\\u202ename.txt: empty after extraction:"
        " no article text found; check the file"
    ]
    for bad in ("\x1b", "\x07", "\u202e"):
        assert bad not in observed.stderr


def symlinks_walked_once(observed: Observed) -> None:
    ids = sorted(d["id"] for d in observed.json()["documents"])
    assert ids == ["copy.txt", "source.txt"]


def note(text: str) -> Callable[[Observed], None]:
    def check(observed: Observed) -> None:
        assert any(text in line for line in observed.lines("note: ")), observed.stderr

    return check


ODD_JSONL = jsonl(
    {"id": "../../secret.txt", "text": ARTICLE},
    {"id": "/etc/passwd", "text": ARTICLE.replace("Tuesday", "Monday")},
    {"id": "C:\\Windows\\win.ini", "text": ARTICLE.replace("Tuesday", "Friday")},
)

MALFORMED_JSONL = jsonl(
    {"id": "good", "text": ARTICLE},
    '{"id": "broken", "text": "unterminated',
    "[1, 2, 3]",
    {"id": "no-text", "body": "the text is under another field"},
)

# --- the other commands: check (CI formats), index add, report -------------------------------

INJECTION = (
    "\n::error file=pwned.txt,line=1::injected\n::set-output name=x::y %0A::warning::z "
    "\x1b]0;title\x07 \x1b[31mred\x1b[0m \u202eevil <script>alert(1)</script> "
    '<!DOCTYPE x [<!ENTITY a "b">]>&a; ]]> {{ 7*7 }}\n'
)
"""Workflow commands, escape sequences, markup, XML entity tricks and template syntax."""


def hostile_pair(root: Path) -> Path:
    """``root/corpus`` with an article and a dated copy that both carry ``INJECTION``."""
    folder = root / "corpus"
    folder.mkdir(parents=True, exist_ok=True)
    text = ARTICLE.replace("meeting.\n", "meeting." + INJECTION, 1)
    (folder / "source.txt").write_text("2024-03-01\n\n" + text, encoding="utf-8")
    (folder / "copy.txt").write_text(
        "2024-03-05\n\n" + text.replace("on Tuesday", "this week"), encoding="utf-8"
    )
    return folder


def check_format(fmt: str) -> Callable[[Path], Run]:
    def build(root: Path) -> Run:
        hostile_pair(root)
        return Run(["check", "corpus", "-q", "--format", fmt], root)

    return build


def _no_controls(text: str) -> None:
    bad = {c for c in text if (ord(c) < 32 and c not in "\n\t") or 0x7F <= ord(c) < 0xA0}
    assert not bad, f"control characters reached the output: {sorted(map(ord, bad))}"
    assert "\u202e" not in text


def github_clean(observed: Observed) -> None:
    _no_controls(observed.stdout)
    commands = [line for line in observed.stdout.splitlines() if line.startswith("::")]
    assert commands, "no annotation"
    for line in commands:
        assert line.startswith(("::error file=", "::warning file=", "::notice file=")), line
        assert "pwned.txt" not in line.split("::")[1], f"injected annotation: {line!r}"


def sarif_clean(observed: Observed) -> None:
    data = json.loads(observed.stdout)
    assert data["version"] == "2.1.0"
    assert data["runs"][0]["results"], "no result"
    _no_controls(json.dumps(data, ensure_ascii=False))


def junit_clean(observed: Observed) -> None:
    import xml.etree.ElementTree as ET

    _no_controls(observed.stdout)
    assert "<!DOCTYPE" not in observed.stdout and "<!ENTITY" not in observed.stdout
    root = ET.fromstring(observed.stdout)
    assert root.iter("failure"), "no failure"


def check_unreadable_only(root: Path) -> Run:
    folder = root / "corpus"
    folder.mkdir(parents=True)
    (folder / "source.txt").write_text(ARTICLE, encoding="utf-8")
    (folder / "scan.txt").write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n" * 50)
    return Run(["check", "corpus", "-q"], root)


def check_not_git(root: Path) -> Run:
    corpus(root)
    return Run(["check", "corpus", "-q", "--changed-since", "HEAD"], root)


def check_foreign_index(root: Path) -> Run:
    corpus(root)
    (root / "sources.db").write_text("not an index\n", encoding="utf-8")
    return Run(["check", "corpus", "-q", "--index", "sources.db"], root)


def index_binary(root: Path) -> Run:
    (corpus(root) / "scan.txt").write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 40)
    return Run(["index", "add", "corpus", "--index", "sources.db", "-q"], root)


def report_not_json(root: Path) -> Run:
    corpus(root)
    return Run(["report", "corpus/source.txt", "-o", "report.html"], root)


def report_hostile(root: Path) -> Run:
    from provenance import trace
    from provenance.report import jsonout

    result = trace([hostile_pair(root)])
    (root / "trace.json").write_text(jsonout.dumps(result, include_text=True), encoding="utf-8")
    return Run(["report", "trace.json", "-o", "-"], root)


def html_inert(observed: Observed) -> None:
    page = observed.stdout
    assert page.startswith("<!DOCTYPE html>")
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)" in page
    assert "{{ 7*7 }}" in page and "49" not in page.split("7*7")[1][:20]
    _no_controls(page)


# --- index files: other programs' databases, read-only folders, damage (issue 15) ------------


def _unchanged_at_exit(root: Path, name: str) -> str:
    """Prelude: when the command ends, exit 99 instead if file ``root/name`` changed at all
    (its bytes, or -wal/-shm files beside it where there were none)."""
    digest = hashlib.sha256((root / name).read_bytes()).hexdigest()
    return (
        "import atexit, hashlib, os, sys\n"
        f"def _same(name={name!r}, digest={digest!r}):\n"
        "    now = hashlib.sha256(open(name, 'rb').read()).hexdigest()\n"
        "    if now != digest or os.path.exists(name + '-wal') or os.path.exists(name + '-shm'):\n"
        "        sys.stderr.flush()\n"
        "        os._exit(99)\n"
        "atexit.register(_same)\n"
    )


def _foreign_sqlite(root: Path) -> str:
    """``root/app.db``: another program's SQLite database (no application id, no meta)."""
    import sqlite3

    db = sqlite3.connect(root / "app.db")
    with db:
        db.execute("CREATE TABLE users (name TEXT, email TEXT)")
        db.execute("INSERT INTO users VALUES ('ada', 'ada@example.org')")
    db.close()
    return "app.db"


def index_add_foreign_sqlite(root: Path) -> Run:
    corpus(root)
    name = _foreign_sqlite(root)
    return Run(
        ["index", "add", "corpus", "--index", name, "-q"],
        root,
        prelude=_unchanged_at_exit(root, name),
    )


def check_foreign_sqlite(root: Path) -> Run:
    corpus(root)
    name = _foreign_sqlite(root)
    return Run(
        ["check", "corpus", "-q", "--index", name], root, prelude=_unchanged_at_exit(root, name)
    )


def check_empty_index(root: Path) -> Run:
    corpus(root)
    (root / "sources.db").write_bytes(b"")
    return Run(
        ["check", "corpus", "-q", "--index", "sources.db"],
        root,
        prelude=_unchanged_at_exit(root, "sources.db"),
    )


def _archive(root: Path, folder: str = "archive") -> Path:
    """``root/FOLDER/sources.db``: an index of the companion source article; the copy is
    in ``root/post``."""
    from provenance import ingest
    from provenance.config import Settings
    from provenance.store.index import Index

    (root / "known").mkdir()
    (root / "known" / "source.txt").write_text(ARTICLE, encoding="utf-8")
    (root / "post").mkdir()
    (root / "post" / "copy.txt").write_text(COPY, encoding="utf-8")
    (root / folder).mkdir()
    settings = Settings()
    documents, _ = ingest.read_inputs([root / "known"], settings)
    with Index.open(root / folder / "sources.db", settings, create=True) as index:
        index.add(documents)
    return root / folder / "sources.db"


def _read_only_archive(root: Path) -> str:
    db = _archive(root, "readonly")
    db.chmod(0o444)
    db.parent.chmod(0o555)
    return "readonly/sources.db"


def read_only_index(*command: str) -> Callable[[Path], Run]:
    def build(root: Path) -> Run:
        name = _read_only_archive(root)
        return Run([*command, "--index", name], root, unprivileged=True)

    return build


# --- outputs and the files read back (issue 15) --------------------------------------------

OLD_TRACE = b'{"version": 1, "documents": [], "relations": [], "clusters": [], "skipped": []}\n'

FULL_DISK = """
import errno, os, pathlib
LIMIT = 512  # bytes the disk has room for (the trace takes about 3 KB)
_write, _room = os.write, {}
def _full_write(fd, data):
    # a file named trace.json (or a temporary file for it) meets a full disk past LIMIT bytes
    name = os.path.basename(os.readlink(f"/proc/self/fd/{fd}"))
    if name == "trace.json" or name.startswith(".trace.json."):
        left = _room.setdefault(fd, LIMIT)
        if left <= 0:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        data = data[:left]
        _room[fd] = left - len(data)
    return _write(fd, data)
os.write = _full_write
_write_text = pathlib.Path.write_text
def _write_text_full(self, data, *args, **kwargs):  # open(...).write() meets the same disk
    if self.name != "trace.json":
        return _write_text(self, data, *args, **kwargs)
    fd = os.open(self, os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
    try:
        view = memoryview(data.encode("utf-8"))
        while view:
            view = view[_full_write(fd, view):]
    finally:
        os.close(fd)
pathlib.Path.write_text = _write_text_full
"""


def full_disk_output(root: Path) -> Run:
    corpus(root)
    (root / "trace.json").write_bytes(OLD_TRACE)
    return Run(["trace", "corpus", *JSON, "-o", "trace.json"], root, prelude=FULL_DISK)


def old_trace_kept(observed: Observed) -> None:
    assert observed.cwd is not None
    assert (observed.cwd / "trace.json").read_bytes() == OLD_TRACE, "the old trace.json was lost"
    leftovers = [p.name for p in observed.cwd.iterdir() if p.name.endswith(".tmp")]
    assert not leftovers, f"temporary files left: {leftovers}"


STDOUT_FULL = """
import errno, os, sys
if os.path.exists("/dev/full"):
    os.dup2(os.open("/dev/full", os.O_WRONLY), sys.stdout.fileno())
else:
    class _Full:
        def write(self, data):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        def flush(self):
            pass
        def fileno(self):
            return sys.__stdout__.fileno()
        def isatty(self):
            return False
    sys.stdout = _Full()
"""


def stdout_full(root: Path) -> Run:
    corpus(root)
    return Run(["trace", "corpus", *JSON], root, prelude=STDOUT_FULL)


def one_line(observed: Observed) -> None:
    lines = [line for line in observed.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, f"expected one line on stderr, got {lines}"


NO_WORK = """
import sys
from provenance import check, pipeline
def _no_work(*args, **kwargs):
    sys.exit(99)  # the output should have been refused before any document was traced
pipeline.trace = check.check = _no_work
"""


def html_read_only(root: Path) -> Run:
    corpus(root)
    (root / "report.html").write_text("old report\n", encoding="utf-8")
    (root / "report.html").chmod(0o444)
    return Run(
        ["trace", "corpus", *JSON, "--html", "report.html"],
        root,
        prelude=NO_WORK,
        unprivileged=True,
    )


def baseline_no_folder(root: Path) -> Run:
    corpus(root)
    return Run(
        ["check", "corpus", "-q", "--write-baseline", "missing/baseline.json"],
        root,
        prelude=NO_WORK,
    )


def saved_trace(root: Path, edit: Callable[[str], str]) -> Run:
    """``report`` on a real saved trace of the companions, its JSON text edited."""
    from provenance import trace
    from provenance.report import jsonout

    text = jsonout.dumps(trace([corpus(root)]), include_text=True)
    (root / "trace.json").write_text(edit(text), encoding="utf-8")
    return Run(["report", "trace.json", "-o", "report.html"], root)


def _edit_json(change: Callable[[dict[str, Any]], None]) -> Callable[[str], str]:
    def edit(text: str) -> str:
        data = json.loads(text)
        change(data)
        return json.dumps(data)

    return edit


def report_nan(root: Path) -> Run:
    return saved_trace(root, lambda t: re.sub(r'"score": [0-9.]+', '"score": NaN', t, count=1))


def report_version_true(root: Path) -> Run:
    return saved_trace(root, _edit_json(lambda d: d.update(version=True)))


def report_huge_coverage(root: Path) -> Run:
    return saved_trace(
        root, _edit_json(lambda d: d["relations"][0]["coverage"].update(source=1e308))
    )


DEEP = "[" * 100_000 + "]" * 100_000


def report_deep(root: Path) -> Run:
    return saved_trace(root, lambda t: DEEP)


def baseline_file(data: str) -> Callable[[Path], Run]:
    def build(root: Path) -> Run:
        corpus(root)
        (root / "baseline.json").write_text(data, encoding="utf-8")
        return Run(["check", "corpus", "-q", "--baseline", "baseline.json"], root)

    return build


def check_read_only_index(root: Path) -> Run:
    name = _read_only_archive(root)
    return Run(
        ["check", "post", "-q", "--format", "json", "--index", name], root, unprivileged=True
    )


def found_archived_source(observed: Observed) -> None:
    findings = json.loads(observed.stdout)["findings"]
    assert [f["other"] for f in findings] == ["index:source.txt"]


def _damage(db: Path, how: str) -> None:
    size = db.stat().st_size
    if how == "truncated":
        os.truncate(db, size // 2)
    else:  # the middle half overwritten
        with db.open("r+b") as f:
            f.seek(size // 4)
            f.write(b"\xa5" * (size // 2))


def damaged_index(how: str, *command: str) -> Callable[[Path], Run]:
    def build(root: Path) -> Run:
        _damage(_archive(root), how)
        return Run([*command, "--index", "archive/sources.db"], root)

    return build


def config_file(data: str) -> Callable[[Path], Run]:
    def build(root: Path) -> Run:
        corpus(root)
        (root / "settings.toml").write_text(data, encoding="utf-8")
        return Run(["trace", "corpus", *JSON, "--config", "settings.toml"], root)

    return build


# --- hostile Markdown, HTML past parser limits, huge JSON integers (issue 15) ----------------

ADVERSARIAL_MARKDOWN = ("[x", "*a ")
"""Units whose repetition on one line made the Markdown rules quadratic."""


def adversarial_markdown(root: Path) -> Run:
    """A 200 KB line of each adversarial unit, each in its own ``.md`` file (the quadratic
    rules did not finish one in 300 s; tests/robustness/test_fuzz_ingest.py times them)."""
    folder = corpus(root)
    for k, unit in enumerate(ADVERSARIAL_MARKDOWN):
        line = (unit * (200_000 // len(unit) + 1))[:200_000]
        (folder / f"hostile{k}.md").write_text("A line of markup.\n\n" + line, encoding="utf-8")
    return Run(["trace", "corpus", *JSON], root)


def deep_html(root: Path) -> Run:
    """The copy wrapped in 260 ``<div>``s (libxml2 stops at 256 levels) and the source as text."""
    folder = corpus(root)
    (folder / "copy.txt").unlink()
    body = "".join(f"<p>{p}</p>" for p in COPY.split("\n\n"))
    page = "<html><body>" + "<div>" * 260 + body + "</div>" * 260 + "</body></html>"
    (folder / "copy.html").write_text(page, encoding="utf-8")
    return Run(["trace", "corpus", *JSON], root)


def deep_html_related(observed: Observed) -> None:
    assert "Hawthorne Street" in text_of(observed, "copy.html")
    relations = observed.json()["relations"]
    assert any({r["source"], r["derived"]} == {"source.txt", "copy.html"} for r in relations)


def huge_text_node(root: Path) -> Run:
    """One 11 MB text node (libxml2 stops at 10 MB): read, so refused for its size."""
    words = "the council voted to close the bridge "
    page = "<html><body><p>" + words * (11_000_000 // len(words)) + "</p></body></html>"
    (corpus(root) / "node.html").write_text(page, encoding="utf-8")
    return Run(["trace", "corpus", *JSON], root)


HUGE_INTEGER_JSONL = jsonl(
    {"id": "good", "text": ARTICLE},
    '{"id": "big", "text": "a short note", "views": ' + "9" * 5_000 + "}",
)


# --- wide copying: crowded LSH buckets (issue 15) ---------------------------------------------


def _family(root: Path, n: int) -> None:
    """``n`` copies of ARTICLE, each with its own footer line (words no other copy has)."""
    folder = root / "corpus"
    folder.mkdir(parents=True, exist_ok=True)
    for k in range(n):
        footer = " ".join(f"{w}{k}x" for w in ("desk", "edition", "page", "wire", "slot", "code"))
        (folder / f"copy{k:03d}.txt").write_text(f"{ARTICLE}\nFiled {footer}.\n", encoding="utf-8")


def family_trace(root: Path) -> Run:
    _family(root, 30)
    return Run(["trace", "corpus", *JSON, "--set", "max_bucket_size=5"], root)


def family_check(root: Path) -> Run:
    _family(root, 30)
    return Run(["check", "corpus", "-q", "--format", "json", "--set", "max_bucket_size=5"], root)


def every_copy_related(observed: Observed) -> None:
    data = observed.json()
    related = {x for r in data["relations"] for x in (r["source"], r["derived"])}
    assert len(data["documents"]) == 30
    assert related == {d["id"] for d in data["documents"]}, "a copy was left out of its family"


def boilerplate_footer(root: Path) -> Run:
    folder = root / "corpus"
    folder.mkdir(parents=True)
    rng = random.Random(7)
    vocab = [f"{a}{b}{c}" for a in "bcdfgklmnprstv" for b in "aeiou" for c in "dgklmnprst"]
    footer = "Valley Courier readers get regional headlines, weather, traffic, sport and markets."
    for k in range(30):
        body = "\n\n".join(" ".join(rng.choice(vocab) for _ in range(25)) + "." for _ in range(4))
        (folder / f"story{k:03d}.txt").write_text(f"{body}\n\n{footer}\n", encoding="utf-8")
    return Run(["trace", "corpus", *JSON, "--set", "max_bucket_size=5"], root)


def no_relations(observed: Observed) -> None:
    assert observed.json()["relations"] == []


# --- symbolic links out of the traced folder (issue 15) -------------------------------------

SECRET = "The vault code is 4417 and the spare key is under the third flower pot."


def _outside(root: Path) -> Path:
    """A file outside the traced folder that must never be read."""
    secret = root / "home" / "secret.txt"
    secret.parent.mkdir(parents=True, exist_ok=True)
    secret.write_text(SECRET + "\n", encoding="utf-8")
    return secret


def link_out(kind: str, *extra: str) -> Callable[[Path], Run]:
    def build(root: Path) -> Run:
        secret, folder = _outside(root), corpus(root)
        if kind == "file":
            (folder / "passwd.txt").symlink_to(secret)
        elif kind == "git":  # post.md -> ../.git/config, as a pull request could add
            git = root / ".git"
            git.mkdir()
            (git / "config").write_text("[remote]\ntoken = " + SECRET + "\n", encoding="utf-8")
            (folder / "post.md").symlink_to(Path("..") / ".git" / "config")
        else:  # a folder link to the folder holding the secret (as a link to / would)
            (folder / "root").symlink_to(secret.parent, target_is_directory=True)
        return Run(["trace", "corpus", *JSON, "--include-text", *extra], root)

    return build


def secret_not_read(observed: Observed) -> None:
    assert "4417" not in observed.stdout, "a file outside the traced folder was read"
    assert len(observed.json()["documents"]) == 2


def secret_read_once(observed: Observed) -> None:
    texts = [d.get("text", "") for d in observed.json()["documents"]]
    assert sum("4417" in t for t in texts) == 1, "--follow-links reads the linked file once"


def _both_links(root: Path) -> Run:
    secret, folder = _outside(root), corpus(root)
    (folder / "passwd.txt").symlink_to(secret)
    (folder / "root").symlink_to(secret.parent, target_is_directory=True)
    return Run(["trace", "corpus", *JSON, "--include-text", "--follow-links"], root)


def _link_to_fifo(root: Path) -> Run:
    folder = corpus(root)
    os.mkfifo(folder / "fifo")  # no document extension: the link is what is named
    (folder / "pipe.txt").symlink_to("fifo")
    return Run(["trace", "corpus", *JSON], root)


def _look_alike_names(root: Path) -> Run:
    folder = root / "names"
    folder.mkdir()
    (folder / "source.txt").write_text(ARTICLE, encoding="utf-8")
    (folder / "sou\u200brce.txt").write_text(ARTICLE, encoding="utf-8")
    return Run(["trace", "names", "-q", "--documents"], root)


def names_escaped_in_the_terminal(observed: Observed) -> None:
    hidden = [ch for ch in observed.stdout if ch in "\u200b\u200e\u200f\u202a\u202e\u2066\u2069"]
    assert not hidden, "an invisible character in a name reached the terminal"
    flat = " ".join(observed.stdout.split())
    assert "source.txt — sou\\u200brce.txt" in flat, "the two names look alike"
    assert "1. source.txt, sou\\u200brce.txt" in flat


def _cut_jsonl_gz() -> bytes:
    """Varied records (gzip cannot shrink them to nothing), compressed and cut in half."""
    rng = random.Random(16)
    records = [
        json.dumps({"id": n, "text": " ".join(rng.choice(WORDS) for _ in range(300))})
        for n in range(100)
    ]
    data = gzip.compress("\n".join(records).encode(), mtime=0)
    return data[: len(data) // 2]


def _table(name: str, data: bytes) -> Callable[[Path], Run]:
    """A table (not found by walking a folder): named on the command line."""

    def build(root: Path) -> Run:
        (corpus(root) / name).write_bytes(data)
        return Run(["trace", "corpus", f"corpus/{name}", *JSON], root)

    return build


def _parquet_without_text() -> bytes:
    import io

    import pyarrow as pa
    import pyarrow.parquet as pq

    out = io.BytesIO()
    pq.write_table(pa.table({"id": ["a"], "body": [ARTICLE]}), out)
    return out.getvalue()


# --- names with control, invisible and bidi characters in the HTML report (issue 15) -------

_SHOWN_NAMES = {
    "bell\x07.txt": "bell\\x07.txt",
    "csi\x9b31m.txt": "csi\\x9b31m.txt",
    "sou\u200brce.txt": "sou\\u200brce.txt",
    "evil\u202etxt.exe.txt": "evil\\u202etxt.exe.txt",
}


def html_odd_names(root: Path) -> Run:
    from provenance import trace
    from provenance.report import jsonout

    folder = corpus(root)
    for i, name in enumerate(_SHOWN_NAMES):
        (folder / name).write_text(ARTICLE.replace("Tuesday", f"day {i}"), encoding="utf-8")
    result = trace([folder])
    (root / "trace.json").write_text(jsonout.dumps(result, include_text=True), encoding="utf-8")
    return Run(["report", "trace.json", "-o", "-", "--title", "names \x07\u202e"], root)


def html_names_visible(observed: Observed) -> None:
    page = observed.stdout
    assert page.startswith("<!DOCTYPE html>")
    for raw in ("\x07", "\x9b", "\u200b", "\u202e"):
        assert raw not in page, f"{raw!r} reached the HTML"
    for shown in _SHOWN_NAMES.values():  # headings and tables break ids with <wbr>
        assert shown in page or shown.replace(".", ".<wbr>") in page, shown
    assert "<title>names \\x07\\u202e</title>" in page


# --- signals, and stdout of the index commands (issue 15) ------------------------------------


def index_stdout_full(command: str) -> Callable[[Path], Run]:
    """``index list`` / ``index stats`` of a good index with stdout on a full disk."""

    def build(root: Path) -> Run:
        _archive(root)
        return Run(["index", command, "--index", "archive/sources.db"], root, prelude=STDOUT_FULL)

    return build


# --- issue 15: machine formats keep exact paths; human texts show invisible characters -------

BIDI_NAME = "co\u202epy.txt"  # RIGHT-TO-LEFT OVERRIDE: the name reads "coyp.txt" reversed
ZWSP_NAME = "re\u200bprint.txt"  # ZERO WIDTH SPACE: looks like reprint.txt
INVISIBLE_NAMES = (BIDI_NAME, ZWSP_NAME)


def invisible_names(fmt: str) -> Callable[[Path], Run]:
    """A dated source and two later copies of it whose names hold a bidi override and a
    zero-width space, checked with ``--format fmt``."""

    def build(root: Path) -> Run:
        folder = root / "corpus"
        folder.mkdir(parents=True)
        (folder / "source.txt").write_text("2024-03-01\n\n" + ARTICLE, encoding="utf-8")
        for name in INVISIBLE_NAMES:
            (folder / name).write_text("2024-03-05\n\n" + COPY, encoding="utf-8")
        return Run(["check", "corpus", "-q", "--format", fmt], root)

    return build


def _unescape_property(value: str) -> str:
    for escaped, char in (("%2C", ","), ("%3A", ":"), ("%0A", "\n"), ("%0D", "\r")):
        value = value.replace(escaped, char)
    return value.replace("%25", "%")


def github_exact_paths(observed: Observed) -> None:
    files = set()
    for line in observed.stdout.splitlines():
        match = re.match(r"^::(?:error|warning|notice) ([^:]*)::(.*)$", line)
        if not match:
            continue
        props = dict(p.split("=", 1) for p in match.group(1).split(","))
        files.add(_unescape_property(props["file"]))
        message = match.group(2)
        assert "\u202e" not in message and "\u200b" not in message, message  # shown escaped
    real = {f"corpus/{name}" for name in INVISIBLE_NAMES}
    assert files == real, f"file= names {sorted(map(ascii, files))}, not the real files"
    assert "\\u202e" in observed.stdout and "\\u200b" in observed.stdout


def junit_exact_paths(observed: Observed) -> None:
    import xml.etree.ElementTree as ET

    root = ET.fromstring(observed.stdout)
    failing = {
        case.get("file", ""): case
        for case in root.iter("testcase")
        if case.find("failure") is not None
    }
    real = {f"corpus/{name}" for name in INVISIBLE_NAMES}
    assert set(failing) == real, f"file= names {sorted(map(ascii, failing))}, not the real files"
    for case in failing.values():
        failure = case.find("failure")
        assert failure is not None
        message = failure.get("message", "")
        assert "\u202e" not in message and "\u200b" not in message, ascii(message)
    assert "\\u202e" in observed.stdout and "\\u200b" in observed.stdout


CASES: tuple[Case, ...] = (
    Case("empty", "empty file", with_file("empty.txt", b""), SKIPPED, "empty.txt", "empty"),
    Case(
        "whitespace",
        "whitespace only",
        with_file("blank.md", b" \n\t\n   \r\n"),
        SKIPPED,
        "blank.md",
        "empty",
    ),
    Case(
        "pdf",
        "PDF with a .txt extension",
        with_file("paper.txt", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n"),
        SKIPPED,
        "paper.txt",
        "PDF",
    ),
    Case(
        "png",
        "PNG with a .md extension",
        with_file("image.md", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256))),
        SKIPPED,
        "image.md",
        "PNG",
    ),
    Case(
        "gzip",
        "gzip with a .html extension",
        with_file("page.html", gzip.compress(ARTICLE.encode("utf-8"), mtime=0)),
        SKIPPED,
        "page.html",
        "gzip",
    ),
    Case(
        "nul",
        "NUL bytes in a text file",
        with_file("nul.txt", b"Some text\x00\x00\x00 then \x00binary\x00 junk\x00\x01\x02" * 20),
        SKIPPED,
        "nul.txt",
        "NUL",
    ),
    Case(
        "invalid-utf8",
        "invalid UTF-8 (stray bytes in UTF-8 text)",
        with_file(
            "stray.txt", ARTICLE.encode("utf-8").replace(b"council", b"c\xc3\xb6uncil\xff", 1)
        ),
        PROCESSED,
        check=contains("stray.txt", "Hawthorne Street"),
    ),
    Case(
        "latin-1",
        "Latin-1 text",
        with_file(
            "latin1.txt", (ARTICLE + "\nCafé owners in Zürich, naïve as ever.\n").encode("latin-1")
        ),
        PROCESSED,
        check=contains("latin1.txt", "Café", "Zürich", "naïve"),
    ),
    Case(
        "cp1252",
        "cp1252 text (curly quotes, euro sign)",
        with_file("cp1252.txt", (ARTICLE + "\n“It’s €2m,” she said – twice.\n").encode("cp1252")),
        PROCESSED,
        check=contains("cp1252.txt", "“It’s €2m,” she said – twice."),
    ),
    Case(
        "utf-16-bom",
        "UTF-16 with a byte-order mark",
        with_file("utf16.txt", (ARTICLE + "\nÆsir – 日本.\n").encode("utf-16")),
        PROCESSED,
        check=contains("utf16.txt", "Æsir – 日本."),
    ),
    Case(
        "utf-16-no-bom",
        "UTF-16 (LE) without a byte-order mark",
        with_file("utf16le.txt", (ARTICLE + "\nÆsir – café.\n").encode("utf-16-le")),
        PROCESSED,
        check=contains("utf16le.txt", "Æsir – café."),
    ),
    Case(
        "huge",
        "a 100 MB file",
        huge_file,
        SKIPPED,
        "huge.txt",
        "too large",
        max_rss_mb=400,
    ),
    Case(
        "long-line",
        "a single line of 1 M characters",
        one_long_line,
        PROCESSED,
        check=document_count(3),
    ),
    Case(
        "long-cjk-line",
        "two copies of a 1 M-character line of unpunctuated Chinese",
        long_cjk_lines,
        PROCESSED,
        check=cjk_copies_related,
    ),
    Case(
        "tiny-files",
        "10,000 tiny files",
        tiny_files,
        PROCESSED,
        check=document_count(10_002),
    ),
    Case(
        "identical",
        "1,000 identical documents",
        identical_documents,
        PROCESSED,
        reason="max_bucket_size",
        check=all_identical_related,
        companions=False,
    ),
    Case(
        "quotes-only",
        "a document that is only quotations",
        with_file(
            "quotes.txt",
            "“We will not reopen the bridge until it is safe.”\n\n“Nobody told us.”\n".encode(),
        ),
        PROCESSED,
        check=contains("quotes.txt", "Nobody told us."),
    ),
    Case(
        "stopwords",
        "a document of stop words only",
        with_file("stop.txt", b"the of and a to in is it that was for on are with as at be\n" * 20),
        PROCESSED,
        check=document_count(3),
    ),
    Case(
        "long-documents",
        "two 6,000-sentence documents (36 M sentence pairs)",
        long_documents_pair,
        PROCESSED,
        reason="max_sentence_pairs",
        check=note("max_sentence_pairs"),
    ),
    Case(
        "symlink-loop", "a symbolic-link loop", symlink_loop, PROCESSED, check=symlinks_walked_once
    ),
    Case(
        "broken-symlink",
        "a broken symbolic link",
        broken_symlink,
        SKIPPED,
        "dangling.txt",
        "broken symbolic link",
    ),
    Case(
        "unreadable", "an unreadable file", unreadable, SKIPPED, "locked.txt", "permission denied"
    ),
    Case(
        "vanished",
        "a file deleted between discovery and reading",
        vanishing,
        SKIPPED,
        "vanishing.txt",
        "vanished",
    ),
    Case("fifo-walked", "a FIFO named like a document in a folder", fifo_in_folder, PROCESSED),
    Case(
        "fifo-named",
        "a FIFO named on the command line",
        fifo_named,
        SKIPPED,
        "pipe.txt",
        "not a regular file",
    ),
    Case(
        "front-matter",
        "malformed front matter",
        with_file("fm.md", ("---\ntitle: [unclosed\ndate: : :\n---\n" + ARTICLE).encode()),
        PROCESSED,
        check=contains("fm.md", "Hawthorne Street"),
    ),
    Case(
        "jsonl-malformed",
        "malformed JSONL lines",
        with_file("feed.jsonl", MALFORMED_JSONL),
        SKIPPED,
        "feed.jsonl:2",
        "malformed JSON",
        check=contains("feed.jsonl#good", "Hawthorne Street"),
    ),
    Case(
        "jsonl-deep",
        "a JSONL line nested 100,000 deep",
        with_file("deep.jsonl", b"[" * 100_000 + b"]" * 100_000 + b"\n"),
        SKIPPED,
        "deep.jsonl:1",
        "malformed JSON",
    ),
    Case(
        "html-malformed",
        "malformed HTML",
        with_file(
            "page.html",
            (
                "<html><head><title>Bridge <b>closed</title><body><div><p>"
                + ARTICLE.replace("\n\n", "<p><div>")
                + "<table><tr><td>unclosed <<>> &bogus; &#xffffffff; <script>alert(1)"
            ).encode(),
        ),
        PROCESSED,
        check=contains("page.html", "Hawthorne Street"),
    ),
    Case(
        "jsonl-path-ids",
        "JSONL ids with ../, absolute and Windows paths",
        with_file("feed.jsonl", ODD_JSONL),
        PROCESSED,
        check=jsonl_ids_are_labels,
    ),
    Case(
        "odd-names",
        "file names with spaces, newlines and non-ASCII",
        odd_names,
        PROCESSED,
        check=names_kept,
    ),
    Case(
        "hostile-name",
        "a skipped file whose name holds a newline, an OSC sequence and U+202E",
        hostile_skipped_name,
        SKIPPED,
        "bad\\x0a\\x1b]0;pwned\\x07\\u202ename.txt",
        "empty",
        check=skip_line_is_clean,
    ),
    Case(
        "binary-stdin",
        "binary bytes on standard input",
        binary_stdin,
        SKIPPED,
        "<stdin>",
        "PDF",
    ),
    Case(
        "over-limit",
        "a document over max_document_chars",
        over_document_limit,
        SKIPPED,
        "long.txt",
        "max_document_chars",
    ),
    Case(
        "candidate-limit",
        "more candidates than max_candidates_per_document",
        candidate_limit,
        PROCESSED,
        reason="max_candidates_per_document",
        check=note("max_candidates_per_document"),
    ),
    Case(
        "output-folder",
        "an output path in a folder that does not exist",
        missing_output_folder,
        USAGE,
        reason="does not exist",
        companions=False,
    ),
    Case(
        "missing-path",
        "an input path that does not exist",
        missing_path,
        USAGE,
        reason="does not exist",
        companions=False,
    ),
    Case(
        "nothing",
        "a folder with no readable documents",
        empty_folder,
        USAGE,
        reason="nothing to trace",
        companions=False,
    ),
    Case(
        "check-github-hostile",
        "check --format github: documents carrying workflow commands, escapes and markup",
        check_format("github"),
        FINDINGS,
        companions=False,
        check=github_clean,
    ),
    Case(
        "check-sarif-hostile",
        "check --format sarif: the same hostile documents",
        check_format("sarif"),
        FINDINGS,
        companions=False,
        check=sarif_clean,
    ),
    Case(
        "check-junit-hostile",
        "check --format junit: the same hostile documents (XML entity tricks included)",
        check_format("junit"),
        FINDINGS,
        companions=False,
        check=junit_clean,
    ),
    Case(
        "check-json-hostile",
        "check --format json: the same hostile documents",
        check_format("json"),
        FINDINGS,
        companions=False,
        check=lambda observed: _no_controls(observed.stdout),
    ),
    Case(
        "check-unreadable",
        "check: a binary file among the checked posts, no finding",
        check_unreadable_only,
        SKIPPED,
        "scan.txt",
        "PDF",
        companions=False,
    ),
    Case(
        "check-not-git",
        "check --changed-since outside a git repository",
        check_not_git,
        USAGE,
        reason="git",
        companions=False,
    ),
    Case(
        "check-foreign-index",
        "check --index naming a file that is not an index",
        check_foreign_index,
        USAGE,
        reason="sources.db",
        companions=False,
    ),
    Case(
        "index-binary",
        "index add: a binary file with a text extension",
        index_binary,
        SKIPPED,
        "scan.txt",
        companions=False,
    ),
    Case(
        "report-not-json",
        "report: a TRACE that is not a JSON trace",
        report_not_json,
        USAGE,
        reason="not a provenance JSON trace",
        companions=False,
    ),
    Case(
        "report-hostile",
        "report: a saved trace of documents holding script, handlers and template syntax",
        report_hostile,
        PROCESSED,
        companions=False,
        check=html_inert,
    ),
    # --- index files: other programs' databases, read-only folders, damage (issue 15) ---
    Case(
        "index-add-foreign-sqlite",
        "index add --index naming another program's SQLite database (left byte-identical)",
        index_add_foreign_sqlite,
        USAGE,
        reason="app.db is not a provenance index",
        companions=False,
    ),
    Case(
        "check-foreign-sqlite",
        "check --index naming another program's SQLite database (left byte-identical)",
        check_foreign_sqlite,
        USAGE,
        reason="app.db is not a provenance index",
        companions=False,
    ),
    Case(
        "check-empty-index",
        "check --index naming an empty file (left empty, not made an index)",
        check_empty_index,
        USAGE,
        reason="sources.db is an empty file",
        companions=False,
    ),
    Case(
        "check-read-only-index",
        "check --index: a read-only index in a read-only folder",
        check_read_only_index,
        FINDINGS,
        companions=False,
        check=found_archived_source,
    ),
    Case(
        "index-stats-read-only",
        "index stats: a read-only index in a read-only folder",
        read_only_index("index", "stats"),
        PROCESSED,
        companions=False,
        check=lambda observed: _assert_in("integrity: ok", observed.stdout),
    ),
    Case(
        "index-list-read-only",
        "index list: a read-only index in a read-only folder",
        read_only_index("index", "list"),
        PROCESSED,
        companions=False,
        check=lambda observed: _assert_in("source.txt", observed.stdout),
    ),
    Case(
        "index-stats-damaged",
        "index stats: an index with the middle of the file overwritten",
        damaged_index("middle", "index", "stats"),
        USAGE,
        reason="archive/sources.db is damaged",
        companions=False,
    ),
    Case(
        "index-list-damaged",
        "index list: an index with the middle of the file overwritten",
        damaged_index("middle", "index", "list"),
        USAGE,
        reason="archive/sources.db is damaged",
        companions=False,
    ),
    Case(
        "check-damaged-index",
        "check --index: an index with the middle of the file overwritten",
        damaged_index("middle", "check", "post", "-q"),
        USAGE,
        reason="archive/sources.db is damaged",
        companions=False,
    ),
    Case(
        "index-add-truncated",
        "index add into an index truncated to half its size",
        damaged_index("truncated", "index", "add", "post", "-q"),
        USAGE,
        reason="archive/sources.db is damaged",
        companions=False,
    ),
    # --- outputs and the files read back (issue 15) ---
    Case(
        "output-full-disk",
        "trace -o: the disk fills up while the new trace.json is written",
        full_disk_output,
        USAGE,
        reason="cannot write trace.json: No space left on device (the old file is left",
        companions=False,
        check=old_trace_kept,
    ),
    Case(
        "stdout-full-disk",
        "trace: stdout on a full disk (/dev/full)",
        stdout_full,
        USAGE,
        reason="cannot write to stdout: No space left on device",
        companions=False,
        check=one_line,
    ),
    Case(
        "html-read-only",
        "trace --html naming a read-only file: refused before the work",
        html_read_only,
        USAGE,
        reason="'--html'",
        companions=False,
    ),
    Case(
        "write-baseline-no-folder",
        "check --write-baseline into a folder that does not exist: refused before the work",
        baseline_no_folder,
        USAGE,
        reason="'--write-baseline'",
        companions=False,
    ),
    Case(
        "report-nan",
        "report: a saved trace with a NaN score",
        report_nan,
        USAGE,
        reason="NaN is not a JSON number",
        companions=False,
    ),
    Case(
        "report-version-true",
        'report: a saved trace with "version": true',
        report_version_true,
        USAGE,
        reason="version is True",
        companions=False,
    ),
    Case(
        "report-huge-coverage",
        "report: a saved trace with a coverage of 1e308",
        report_huge_coverage,
        USAGE,
        reason="should be between 0 and 1",
        companions=False,
    ),
    Case(
        "report-deep-json",
        "report: 100,000-deep nested JSON",
        report_deep,
        USAGE,
        reason="nested too deeply",
        companions=False,
    ),
    Case(
        "baseline-deep",
        "check --baseline: 100,000-deep nested JSON",
        baseline_file(DEEP),
        USAGE,
        reason="baseline.json is not a provenance baseline (nested too deeply",
        companions=False,
    ),
    Case(
        "baseline-huge-integer",
        "check --baseline: a 5,000-digit integer",
        baseline_file('{"version": ' + "1" * 5000 + ', "findings": []}'),
        USAGE,
        reason="an integer of 5,000 digits",
        companions=False,
    ),
    Case(
        "config-deep",
        "--config: arrays nested 100,000 deep",
        config_file("[tool.provenance]\nexclude = " + DEEP + "\n"),
        USAGE,
        reason="settings.toml: arrays or tables nested too deeply",
        companions=False,
    ),
    Case(
        "config-huge-integer",
        "--config: a 5,000-digit integer",
        config_file("[tool.provenance]\nnum_perm = " + "9" * 5000 + "\n"),
        USAGE,
        reason="settings.toml holds a value that cannot be read",
        companions=False,
    ),
    # --- hostile Markdown, HTML past parser limits, huge JSON integers (issue 15) ---
    Case(
        "markdown-adversarial",
        "200 KB Markdown lines of [x and *a repeated",
        adversarial_markdown,
        PROCESSED,
        check=document_count(2 + len(ADVERSARIAL_MARKDOWN)),
    ),
    Case(
        "html-deep",
        "a copy of the article nested in 260 <div>s",
        deep_html,
        PROCESSED,
        check=deep_html_related,
        companions=False,
    ),
    Case(
        "html-huge-text-node",
        "an HTML text node of 11 MB",
        huge_text_node,
        SKIPPED,
        "node.html",
        "too large",
    ),
    Case(
        "jsonl-huge-integer",
        "a JSONL record holding an integer of 5,000 digits",
        with_file("feed.jsonl", HUGE_INTEGER_JSONL),
        SKIPPED,
        "feed.jsonl:2",
        "4,300 digits",
        check=contains("feed.jsonl#good", "Hawthorne Street"),
    ),
    # wide copying: crowded LSH buckets are compared as a star, never dropped (issue 15)
    Case(
        "family-crowded",
        "30 copies of one article (own footer each), buckets over max_bucket_size",
        family_trace,
        PROCESSED,
        reason="max_bucket_size",
        companions=False,
        check=lambda observed: (every_copy_related(observed), note("max_bucket_size")(observed)),
    ),
    Case(
        "family-crowded-check",
        "check: the same family of 30 copies",
        family_check,
        FINDINGS,
        reason="max_bucket_size",
        companions=False,
        check=lambda observed: (every_copy_related(observed), note("max_bucket_size")(observed)),
    ),
    Case(
        "boilerplate-crowded",
        "30 unrelated articles sharing one footer sentence, buckets over max_bucket_size",
        boilerplate_footer,
        PROCESSED,
        reason="max_bucket_size",
        companions=False,
        check=no_relations,
    ),
    # symbolic links out of the traced folder (issue 15)
    Case(
        "link-out-file",
        "a symbolic link to a file outside the traced folder (as to /etc/passwd)",
        link_out("file"),
        SKIPPED,
        "passwd.txt",
        "outside the traced paths",
        check=secret_not_read,
    ),
    Case(
        "link-out-git",
        "post.md linking to ../.git/config",
        link_out("git"),
        SKIPPED,
        "post.md",
        "--follow-links",
        check=secret_not_read,
    ),
    Case(
        "link-out-folder",
        "a folder link out of the traced folder (as to /)",
        link_out("folder"),
        SKIPPED,
        "corpus/root",
        "outside the traced paths",
        check=secret_not_read,
    ),
    Case(
        "link-out-followed",
        "a folder link and a file link to one outside file, with --follow-links",
        _both_links,
        PROCESSED,
        check=secret_read_once,
    ),
    Case(
        "link-to-fifo",
        "a symbolic link to a FIFO",
        _link_to_fifo,
        SKIPPED,
        "pipe.txt",
        "not a regular file",
    ),
    # names in the terminal: zero-width characters shown as escapes (issue 15, terminal)
    Case(
        "terminal-look-alike-names",
        "source.txt and sou\\u200brce.txt (a zero-width space) in the terminal report",
        _look_alike_names,
        PROCESSED,
        check=names_escaped_in_the_terminal,
        companions=False,
    ),
    # --- inputs users have (issue 16): web archives, .jsonl.gz, CSV and Parquet tables ---
    Case(
        "warc-gz-corrupt",
        "a .warc.gz whose gzip data is damaged",
        with_file(
            "crawl.warc.gz", b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03" + bytes(range(256)) * 4
        ),
        SKIPPED,
        "crawl.warc.gz",
        "corrupt gzip data",
    ),
    Case(
        "jsonl-gz-truncated",
        "a .jsonl.gz cut off in the middle",
        with_file("feed.jsonl.gz", _cut_jsonl_gz()),
        SKIPPED,
        "feed.jsonl.gz",
        "truncated gzip data",
    ),
    Case(
        "csv-malformed-row",
        "a CSV table with a row of more cells than its header",
        _table("posts.csv", b'id,text\nr1,"' + ARTICLE.encode() + b'"\nr2,one,two\n'),
        SKIPPED,
        "posts.csv:2",
        "malformed row",
    ),
    Case(
        "parquet-no-text-column",
        "a Parquet table without the text column",
        _table("posts.parquet", _parquet_without_text()),
        SKIPPED,
        "posts.parquet",
        "no 'text' column",
    ),
    # --- names with control, invisible and bidi characters in the HTML report (issue 15) ---
    Case(
        "html-names-visible",
        "report -o -: files named with BEL, 8-bit CSI, a zero-width space and a bidi override",
        html_odd_names,
        PROCESSED,
        companions=False,
        check=html_names_visible,
    ),
    # --- signals, and stdout of the index commands (issue 15) ---
    Case(
        "index-list-stdout-full",
        "index list: stdout on a full disk (/dev/full)",
        index_stdout_full("list"),
        USAGE,
        reason="cannot write to stdout: No space left on device",
        companions=False,
        check=one_line,
    ),
    Case(
        "index-stats-stdout-full",
        "index stats: stdout on a full disk (/dev/full)",
        index_stdout_full("stats"),
        USAGE,
        reason="cannot write to stdout: No space left on device",
        companions=False,
        check=one_line,
    ),
    # --- issue 15: exact machine paths, visible names in messages (github, JUnit) ----------
    Case(
        "check-github-invisible-names",
        "check --format github: posts named with a bidi override and a zero-width space",
        invisible_names("github"),
        FINDINGS,
        companions=False,
        check=github_exact_paths,
    ),
    Case(
        "check-junit-invisible-names",
        "check --format junit: posts named with a bidi override and a zero-width space",
        invisible_names("junit"),
        FINDINGS,
        companions=False,
        check=junit_exact_paths,
    ),
)


def _assert_in(text: str, output: str) -> None:
    assert text in output, f"{text!r} not in the output"


def message(case: Case, observed: Observed) -> str:
    """The one line that explains the outcome: the skip line naming the input, else the
    note or error holding the expected reason, else the first note, else the usage error,
    else an empty string."""
    if case.names:
        for line in observed.lines("skipped "):
            if case.names in line:
                return line
    if case.reason:
        for line in observed.stderr.splitlines():
            if case.reason in line and line.startswith(("note: ", "Error: ")):
                return line
    notes = observed.lines("note: ")
    if notes:
        return notes[0]
    errors = observed.lines("Error: ")
    if errors:
        return errors[0]
    return ""
