"""Scale benchmark: trace generated corpora of N documents, time every stage, record peak
memory, score against the gold graph, and time a naive datasketch pipeline and the Python
tokenization floor on the same files, so every speed figure is also a ratio.

    python benchmarks/scale.py --sizes 1000 10000 [--cache .bench] [--workers 2] [--repeat 1]
    python benchmarks/scale.py --profile crawl --sizes 10000   # crawl-like corpora (v3)

Each measurement runs in a fresh subprocess (``scale.py _child KIND ...``); its wall time and
peak RSS come from ``os.wait4`` on that child. Corpora are cached under ``--cache`` (generated
once per size and seed) and results are written to ``--results`` after every measurement;
a rerun skips what is already there (``--force`` measures again). See ``benchmarks/README.md``.

* **trace**: ``provenance.trace([corpus])`` with ``Settings(workers=...)``; the seconds of
  each stage come from ``TraceResult.timings``.
* **candidate stage**: every timed stage before alignment (today ingest + analyse +
  fingerprint + candidates: reading, tokenizing, fingerprinting and LSH, up to candidate
  pairs) = the sum of all stage timings except those in ``AFTER_CANDIDATES``.
* **naive**: datasketch as a first attempt would use it: word 5-gram shingles of
  ``\\w+`` tokens, ``MinHash(num_perm=128)`` with its default sha1 hash and one ``update``
  per shingle, ``MinHashLSH(threshold=0.5)``, insert every document, then query every one.
* **floor**: ``re.findall(r"\\w+", text.lower())`` over every file, reading included.

``--profile crawl`` measures the same on corpora of ``benchmarks/crawl.py`` (generator v3:
heavy-tailed families, outlet boilerplate, stock phrases; ``crawl-plain``: the same families
without boilerplate or stock phrases) and adds the family scores of
``scoring.families`` (by family size: member-edge recall, membership via clusters, false
positives by cause).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import resource
import signal
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
for extra in (ROOT, ROOT / "src"):  # the ``benchmarks`` package; a checkout not installed
    if str(extra) not in sys.path:
        sys.path.insert(0, str(extra))

from benchmarks import crawl, generate, scoring  # noqa: E402 -- after the path set-up above
from provenance import kernels  # noqa: E402

AFTER_CANDIDATES = frozenset({"align", "classify", "graph", "direct", "report"})
KINDS = ("trace", "naive", "floor")


# --- children (each runs alone in a fresh process) ---------------------------------------------


def _files(corpus: Path, limit: int | None) -> list[Path]:
    files = sorted((corpus / "docs").rglob("*.txt"))
    return files[:limit] if limit else files


def child_trace(corpus: Path, workers: int, overrides: list[str]) -> dict[str, Any]:
    from provenance import config, pipeline

    changes = dict(o.split("=", 1) for o in overrides)
    settings = config.from_mapping({**changes, "workers": str(workers)})
    # The peak so far each time the trace reports a new stage: where the memory goes.
    peaks: dict[str, float] = {}
    current: list[str] = []

    def progress(stage: str, _done: int, _total: int) -> None:
        if not current or current[-1] != stage:
            if current:
                peaks[current[-1]] = _own_peak_mib()
            current.append(stage)

    started = time.perf_counter()
    result = pipeline.trace([corpus / "docs"], settings, progress=progress)
    seconds = time.perf_counter() - started
    if current:
        peaks[current[-1]] = _own_peak_mib()
    return {
        "seconds": seconds,
        "timings": dict(result.timings),
        "peak_rss_mib_by_stage": peaks,
        "documents": len(result.documents),
        "skipped": len(result.skipped),
        "relations": [[r.source, r.derived, r.kind, r.direction] for r in result.relations],
        "clusters": [list(c) for c in result.clusters],
    }


def child_naive(corpus: Path, limit: int | None) -> dict[str, Any]:
    from datasketch import MinHash, MinHashLSH

    started = time.perf_counter()
    files = _files(corpus, limit)
    lsh = MinHashLSH(threshold=0.5, num_perm=128)
    signatures = []
    for k, path in enumerate(files):
        words = re.findall(r"\w+", path.read_text(encoding="utf-8").lower())
        shingles = {" ".join(words[i : i + 5]) for i in range(max(1, len(words) - 4))}
        m = MinHash(num_perm=128)
        for shingle in shingles:
            m.update(shingle.encode("utf-8"))
        lsh.insert(k, m)
        signatures.append(m)
    pairs = 0
    for k, m in enumerate(signatures):
        pairs += sum(1 for other in lsh.query(m) if other > k)
    return {"seconds": time.perf_counter() - started, "documents": len(files), "pairs": pairs}


def floor_tokens(paths: Sequence[Path]) -> int:
    """The tokenization floor's work: ``\\w+`` over each lower-cased file, reading included
    (every ratio to the floor, here and in ``budget.py``, divides by the time this takes)."""
    return sum(len(re.findall(r"\w+", p.read_text(encoding="utf-8").lower())) for p in paths)


def child_floor(corpus: Path) -> dict[str, Any]:
    started = time.perf_counter()
    files = _files(corpus, None)
    tokens = floor_tokens(files)
    return {"seconds": time.perf_counter() - started, "documents": len(files), "tokens": tokens}


def _child_main(argv: Sequence[str]) -> None:
    parser = argparse.ArgumentParser(prog="scale.py _child")
    parser.add_argument("kind", choices=KINDS)
    parser.add_argument("corpus", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--limit", type=int, default=0)
    parser.add_argument("--set", dest="overrides", action="append", default=[])
    args = parser.parse_args(argv)
    if args.kind == "trace":
        data = child_trace(args.corpus, args.workers, args.overrides)
    elif args.kind == "naive":
        data = child_naive(args.corpus, args.limit or None)
    else:
        data = child_floor(args.corpus)
    data["peak_rss_mib"] = _own_peak_mib()
    data["workers_peak_rss_mib"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    args.out.write_text(json.dumps(data), encoding="utf-8")


def _own_peak_mib() -> float:
    """This process's peak resident memory since it started (``VmHWM``). Not ``ru_maxrss``:
    Linux carries the parent's peak over a fork and exec into it."""
    try:
        status = Path("/proc/self/status").read_text(encoding="utf-8")
    except OSError:  # not Linux: ru_maxrss is the best there is (bytes on macOS)
        scale = 1 if sys.platform == "darwin" else 1024
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale / 2**20
    match = re.search(r"^VmHWM:\s+(\d+) kB", status, re.MULTILINE)
    return int(match.group(1)) / 1024 if match else 0.0


# --- the parent --------------------------------------------------------------------------------


def measure(
    kind: str, corpus: Path, out: Path, extra: list[str], timeout: float | None = None
) -> dict[str, Any] | None:
    """Run one child: its own figures (seconds of the measured work, its peak RSS and that of
    its largest worker process, in MiB) plus the wall time of the whole process. None when
    it ran longer than ``timeout`` seconds: then it is stopped, with its worker processes."""
    command = [
        sys.executable,
        str(Path(__file__).resolve()),
        "_child",
        kind,
        str(corpus),
        str(out),
        *extra,
    ]
    started = time.perf_counter()
    child = subprocess.Popen(command, start_new_session=True)
    try:
        status = child.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(child.pid, signal.SIGKILL)  # its own session: the child and its workers
        child.wait()
        return None
    wall = time.perf_counter() - started
    if status != 0:
        raise SystemExit(f"scale: {kind} child failed with exit status {status}")
    data: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    out.unlink()
    data["process_seconds"] = wall
    return data


def candidate_seconds(timings: dict[str, float]) -> float:
    return sum(v for k, v in timings.items() if k not in AFTER_CANDIDATES)


def _median(runs: list[dict[str, Any]], key: str) -> float:
    return float(statistics.median(r[key] for r in runs))


def summarise(entry: dict[str, Any]) -> dict[str, Any]:
    """Medians over repeats and the ratios, for one size."""
    traces, naive, floor = entry.get("trace", []), entry.get("naive", []), entry.get("floor", [])
    out: dict[str, Any] = {"n": entry["n"], "mb": entry["corpus"]["bytes"] / 1e6}
    if traces:
        stages = sorted({k for t in traces for k in t["timings"]})
        out["stages"] = {
            s: statistics.median(t["timings"].get(s, 0.0) for t in traces) for s in stages
        }
        out["trace_seconds"] = _median(traces, "seconds")
        out["trace_process_seconds"] = _median(traces, "process_seconds")
        out["candidate_seconds"] = statistics.median(
            candidate_seconds(t["timings"]) for t in traces
        )
        out["trace_peak_rss_mib"] = max(t["peak_rss_mib"] for t in traces)
        out["trace_docs_per_s"] = entry["n"] / out["trace_seconds"]
        out["candidate_docs_per_s"] = entry["n"] / out["candidate_seconds"]
    if naive:
        out["naive_documents"] = naive[0]["documents"]
        out["naive_seconds"] = _median(naive, "seconds")
        out["naive_docs_per_s"] = out["naive_documents"] / out["naive_seconds"]
        out["naive_peak_rss_mib"] = max(r["peak_rss_mib"] for r in naive)
    if floor:
        out["floor_seconds"] = _median(floor, "seconds")
        out["floor_docs_per_s"] = entry["n"] / out["floor_seconds"]
    if traces and naive:
        out["candidate_vs_naive"] = out["candidate_docs_per_s"] / out["naive_docs_per_s"]
    if traces and floor:
        out["candidate_vs_floor"] = out["candidate_seconds"] / out["floor_seconds"]
    if traces:
        out["trace_vs_candidate"] = out["trace_seconds"] / out["candidate_seconds"]
    if "accuracy" in entry:
        out["accuracy"] = entry["accuracy"]
    if "families" in entry:
        out["families"] = entry["families"]
        out["related_pairs"] = entry["corpus"]["family_sizes"]["related_pairs"]
    return out


def fit_exponent(points: list[tuple[int, float]]) -> float | None:
    """Least-squares slope of log(cost) against log(n): cost ~ n^slope."""
    if len({n for n, _ in points}) < 2:
        return None
    x = np.log([n for n, _ in points])
    y = np.log([c for _, c in points])
    return float(np.polyfit(x, y, 1)[0])


def _f(value: Any, spec: str = ".1f") -> str:
    return "-" if value is None else format(value, spec)


def markdown(results: dict[str, Any]) -> str:
    rows = [summarise(e) for _, e in sorted(results["sizes"].items(), key=lambda kv: int(kv[0]))]
    lines = [
        f"Machine: {results['machine']['cpus']} CPUs, {results['machine']['python']}, "
        f"workers {results['workers']}, repeats {results['repeat']} (medians).",
        "",
        "| N | MB | trace s | trace docs/s | candidate s | candidate docs/s | naive docs/s "
        "| floor docs/s | candidate vs naive | candidate / floor | trace / candidate "
        "| peak RSS MiB |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        naive = _f(r.get("naive_docs_per_s"), ".0f")
        if r.get("naive_documents") and r["naive_documents"] < r["n"]:
            naive += f" (first {r['naive_documents']:,})"
        lines.append(
            f"| {r['n']:,} | {r['mb']:.1f} | {_f(r.get('trace_seconds'))} "
            f"| {_f(r.get('trace_docs_per_s'), '.0f')} | {_f(r.get('candidate_seconds'))} "
            f"| {_f(r.get('candidate_docs_per_s'), '.0f')} | {naive} "
            f"| {_f(r.get('floor_docs_per_s'), '.0f')} "
            f"| {_f(r.get('candidate_vs_naive'), '.1f')}× "
            f"| {_f(r.get('candidate_vs_floor'), '.2f')}× "
            f"| {_f(r.get('trace_vs_candidate'), '.2f')}× "
            f"| {_f(r.get('trace_peak_rss_mib'), '.0f')} |"
        )
    stages = sorted({s for r in rows for s in r.get("stages", {})})
    if stages:
        lines += [
            "",
            "Stage seconds (from `TraceResult.timings`):",
            "",
            "| N | " + " | ".join(stages) + " |",
            "|---:|" + "---:|" * len(stages),
        ]
        for r in rows:
            cells = " | ".join(_f(r.get("stages", {}).get(s), ".2f") for s in stages)
            lines.append(f"| {r['n']:,} | {cells} |")
    scored = [r for r in rows if "accuracy" in r]
    if scored:
        lines += [
            "",
            "Accuracy against the gold graph:",
            "",
            "| N | reported | precision | recall | kind acc. | direction acc. (dated / "
            "undated) | siblings as common-source | false positives |",
            "|---:|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for r in scored:
            a = r["accuracy"]
            lines.append(
                f"| {r['n']:,} | {a['reported']} | {_f(a['precision'], '.3f')} "
                f"| {_f(a['recall'], '.3f')} | {_f(a['kind_accuracy'], '.3f')} "
                f"| {_f(a['direction_accuracy'], '.3f')} "
                f"({_f(a['direction_accuracy_dated'], '.3f')}"
                f" / {_f(a['direction_accuracy_undated'], '.3f')}) "
                f"| {_f(a['siblings_common_source'], '.3f')} | {a['false_positives']} |"
            )
        plants = sorted({p for r in scored for p in r["accuracy"]["per_plant"]})
        lines += [
            "",
            "Recall per planted derivation (found / gold):",
            "",
            "| N | " + " | ".join(plants) + " |",
            "|---:|" + "---:|" * len(plants),
        ]
        for r in scored:
            pp = r["accuracy"]["per_plant"]
            cells = " | ".join(
                f"{pp[p]['found']}/{pp[p]['gold']}" if p in pp else "-" for p in plants
            )
            lines.append(f"| {r['n']:,} | {cells} |")
    crawled = [r for r in rows if "families" in r]
    if crawled:
        lines += [
            "",
            "By family size (crawl profile): member edges found / gold, share of family "
            "members in the family's largest cluster, families wholly in one cluster, "
            "purity of those clusters:",
            "",
            "| N | family size | families | edges found / gold | edge recall | membership "
            "| whole families | cluster purity |",
            "|---:|---|---:|---:|---:|---:|---:|---:|",
        ]
        for r in crawled:
            for bucket, b in r["families"]["by_size"].items():
                lines.append(
                    f"| {r['n']:,} | {bucket} | {b['families']} | {b['found']}/{b['gold_edges']} "
                    f"| {_f(b['edge_recall'], '.3f')} | {_f(b['membership'], '.3f')} "
                    f"| {b['whole_families']} | {_f(b['cluster_purity'], '.3f')} |"
                )
        for r in crawled:
            causes = r["families"]["false_positives_by_cause"]
            text = ", ".join(f"{k} {v}" for k, v in causes.items()) or "none"
            lines += [
                "",
                f"N={r['n']:,}: relations within families "
                f"{r['families']['reported_within_families']:,} (related pairs in the corpus "
                f"{r['related_pairs']:,}); false positives by what the documents share: "
                f"{text}.",
            ]
    fits = []
    for key, label in (
        ("trace_seconds", "trace"),
        ("candidate_seconds", "candidate stage"),
        ("trace_peak_rss_mib", "peak RSS"),
    ):
        points = [(r["n"], r[key]) for r in rows if key in r]
        exponent = fit_exponent(points)
        if exponent is not None:
            fits.append(f"{label} ~ N^{exponent:.2f}")
    entries = [e for _, e in sorted(results["sizes"].items(), key=lambda kv: int(kv[0]))]
    for e in entries:
        for kind, seconds in sorted(e.get("timed_out", {}).items()):
            lines += ["", f"N={e['n']:,}: {kind} stopped after {seconds:.0f} s (`--timeout`)."]
    if fits:
        lines += [
            "",
            "Growth (log-log least squares over the sizes above): " + ", ".join(fits) + ".",
        ]
    return "\n".join(lines) + "\n"


def _save(path: Path, results: dict[str, Any]) -> None:
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(results, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    tmp.replace(path)


def _ensure_corpus(corpus: Path, n: int, args: argparse.Namespace) -> dict[str, Any]:
    """Generate (or reuse) the corpus in a subprocess, so this process stays small."""
    command = [sys.executable, str(HERE / "generate.py"), str(corpus), "-n", str(n)]
    if args.profile != "v2":
        command = [sys.executable, str(HERE / "crawl.py"), str(corpus), "-n", str(n)]
        command += ["--plain"] if args.profile == "crawl-plain" else []
    else:
        command += ["--derived", str(args.derived)]
    command += ["--seed", str(args.seed), "--jobs", str(args.jobs), "--reuse", "--quiet"]
    subprocess.run(command, check=True)
    meta: dict[str, Any] = json.loads((corpus / "meta.json").read_text(encoding="utf-8"))
    return meta


def run(args: argparse.Namespace) -> dict[str, Any]:
    cache: Path = args.cache
    cache.mkdir(parents=True, exist_ok=True)
    results_path: Path = args.results or cache / "results.json"
    results: dict[str, Any] = {}
    if results_path.is_file() and not args.force:
        results = json.loads(results_path.read_text(encoding="utf-8"))
    settings_key = [args.workers, sorted(args.overrides), args.seed, args.derived]
    if args.profile != "v2":
        settings_key = [args.workers, sorted(args.overrides), args.seed, args.profile]
    if results.get("settings_key") != settings_key:
        results = {"settings_key": settings_key, "sizes": {}}
    results.update(
        workers=args.workers,
        repeat=args.repeat,
        machine={
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
        },
    )

    def log(message: str) -> None:
        print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)

    log(f"text pass: {kernels.active()}")  # the children inherit PROVENANCE_PURE
    for n in args.sizes:
        corpus = cache / f"corpus-{n}-seed{args.seed}"
        if args.profile != "v2":
            corpus = cache / f"{args.profile}-{n}-seed{args.seed}"
        log(f"N={n}: corpus {corpus}")
        meta = _ensure_corpus(corpus, n, args)
        entry = results["sizes"].setdefault(str(n), {"n": n})
        if entry.get("corpus") != meta:
            entry.clear()
            entry.update(n=n, corpus=meta)
        plan: list[tuple[str, list[str]]] = [("floor", [])]
        if not args.skip_naive:
            limit = min(n, args.naive_max)
            plan.append(("naive", ["--limit", str(limit)]))
        plan.append(
            (
                "trace",
                ["--workers", str(args.workers)]
                + [x for o in args.overrides for x in ("--set", o)],
            )
        )
        for kind, extra in plan:
            runs = entry.setdefault(kind, [])
            stopped = entry.get("timed_out", {}).get(kind)
            if stopped is not None and args.timeout is not None and stopped >= args.timeout:
                continue  # it ran out of time before; a longer --timeout tries again
            while len(runs) < args.repeat:
                log(f"N={n}: {kind} run {len(runs) + 1}/{args.repeat}")
                data = measure(
                    kind, corpus, cache / f"child-{os.getpid()}.json", extra, args.timeout
                )
                if data is None:
                    log(f"N={n}: {kind} stopped after {args.timeout:.0f} s")
                    entry.setdefault("timed_out", {})[kind] = args.timeout
                    _save(results_path, results)
                    break
                if kind == "trace":
                    docs, edges = generate.read_gold(corpus)
                    relations, clusters = data.pop("relations"), data.pop("clusters")
                    entry["accuracy"] = scoring.score(relations, docs, edges)
                    entry["relations_reported"] = entry["accuracy"]["reported"]
                    if args.profile != "v2":
                        entry["families"] = scoring.families(relations, clusters, docs, edges)
                runs.append(data)
                log(f"N={n}: {kind} {data['seconds']:.1f} s, peak {data['peak_rss_mib']:.0f} MiB")
                _save(results_path, results)
        if args.check_sharing:
            check = generate.check_sharing if args.profile == "v2" else crawl.check_sharing
            entry["sharing"] = check(corpus, limit=args.check_sharing)
            _save(results_path, results)
    table = markdown(results)
    md_path: Path = args.markdown or results_path.with_suffix(".md")
    md_path.write_text(table, encoding="utf-8")
    print(table)
    return results


def main(argv: Sequence[str] | None = None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["_child"]:
        _child_main(argv[1:])
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument(
        "--cache",
        type=Path,
        default=ROOT / ".bench",
        help="generated corpora and results (default .bench/)",
    )
    parser.add_argument("--results", type=Path, help="results JSON (default CACHE/results.json)")
    parser.add_argument("--markdown", type=Path, help="Markdown table (default next to results)")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--repeat", type=int, default=1, help="runs per measurement (median)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--derived", type=float, default=0.15, help="v2 corpora only")
    parser.add_argument(
        "--profile",
        choices=("v2", "crawl", "crawl-plain"),
        default="v2",
        help="corpora of generate.py (v2, default) or crawl.py (v3, crawl-like; "
        "crawl-plain: its families without boilerplate or stock phrases)",
    )
    parser.add_argument(
        "--jobs", type=int, default=os.cpu_count() or 1, help="processes generating a corpus"
    )
    parser.add_argument(
        "--naive-max",
        type=int,
        default=100_000,
        help="time the naive pipeline on at most this many documents",
    )
    parser.add_argument("--skip-naive", action="store_true")
    parser.add_argument(
        "--check-sharing",
        type=int,
        default=0,
        metavar="DOCS",
        help="count unrelated pairs sharing a word 8-gram among DOCS documents",
    )
    parser.add_argument(
        "--set",
        dest="overrides",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="a Settings override for the trace",
    )
    parser.add_argument("--force", action="store_true", help="measure again from scratch")
    parser.add_argument(
        "--timeout", type=float, help="stop a measurement after this many seconds (recorded)"
    )
    run(parser.parse_args(argv))


if __name__ == "__main__":
    main()
