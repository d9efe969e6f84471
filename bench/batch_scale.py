"""``storytrace batch`` at scale: seconds per stage, articles/s per core, peak memory, the
largest bucket and component, recall of the planted versions, the fitted exponent of cost
against articles, and the projected time for 10M articles on 100 cores.

    nice .venv/bin/python bench/batch_scale.py --sizes 10000,100000 --spark-sizes 10000

Each size is its own ``bench/corpus.py`` corpus (real sentences with planted copies,
edits, rewrites and translations), written as ``--shards`` JSONL files, and each run is
its own process (``batch`` through its defaults, as the CLI runs it), so its peak memory
(the process's maximum resident set; Spark's JVM and workers apart) is its own. "per
core" divides the articles by the CPU seconds the run used (user + system, with Spark's
JVM and Python workers read from /proc): on a shared machine wall time counts other
people's work. The store's ingest rate is measured in the same run: ``storytrace add``
(defaults) on the first ``--ingest`` articles of the smallest corpus, per CPU second
likewise.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import batch_speed
import corpus

STAGES = batch_speed.STAGES
TARGET = 10_000_000
TARGET_CORES = 100


class TreeCPU(threading.Thread):
    """The CPU seconds of this process's descendants (Spark's JVM and Python workers),
    polled from /proc: each one's last seen user + system time, its reaped children's
    included."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.ticks: dict[int, int] = {}
        self.rss: dict[int, int] = {}
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.wait(0.5):
            self.poll()

    def poll(self) -> None:
        parents: dict[int, list[int]] = {}
        stats: dict[int, list[str]] = {}
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                text = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            fields = text[text.rindex(")") + 2 :].split()
            stats[int(entry)] = fields
            parents.setdefault(int(fields[1]), []).append(int(entry))
        todo = list(parents.get(os.getpid(), []))
        while todo:
            pid = todo.pop()
            f = stats[pid]
            self.ticks[pid] = max(self.ticks.get(pid, 0), sum(int(x) for x in f[11:15]))
            self.rss[pid] = max(self.rss.get(pid, 0), int(f[21]) * os.sysconf("SC_PAGE_SIZE"))
            todo += parents.get(pid, [])

    def seconds(self) -> float:
        return sum(self.ticks.values()) / os.sysconf("SC_CLK_TCK")


def run_one(inputs: Path, out: Path, engine: str, master: str | None) -> dict[str, Any]:
    """One batch run in this process (the child): its report, wall, CPU (with Spark's
    processes) and peak memory (this process's; Spark's processes' peaks apart)."""
    from storytrace.batch import BatchOptions, run_batch

    tree = TreeCPU()
    tree.start()
    start = time.perf_counter()
    report = run_batch([inputs], out, BatchOptions(engine=engine, master=master))  # type: ignore[arg-type]
    wall = time.perf_counter() - start
    tree.stopped.set()
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return {
        "report": asdict(report),
        "wall": wall,
        "cpu": usage.ru_utime + usage.ru_stime + tree.seconds(),
        "peak_mb": usage.ru_maxrss / 1024,
        "others_peak_mb": sum(tree.rss.values()) / 2**20,
    }


def child(args: list[str]) -> dict[str, Any]:
    """Run ``run_one`` in a fresh process; its JSON result."""
    done = subprocess.run(
        [sys.executable, __file__, "--child", *args], capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise SystemExit(f"batch run failed:\n{done.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def store_ingest(part: Path, n: int, folder: Path) -> tuple[int, float, float]:
    """``storytrace add`` (defaults) on ``part`` (``n`` records): (articles, wall, CPU s)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    cli = Path(sys.executable).with_name("storytrace")
    subprocess.run(
        [str(cli), "add", str(part), "--db", str(folder / "ingest.db")],
        check=True,
        capture_output=True,
    )
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return n, wall, cpu


def exponent(points: list[tuple[int, float]]) -> float:
    """The least-squares slope of log(seconds) against log(articles)."""
    xs = [math.log(n) for n, _ in points]
    ys = [math.log(max(s, 1e-3)) for _, s in points]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    den = sum((x - mx) ** 2 for x in xs)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / den if den else 1.0


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--spark-sizes", default="")
    parser.add_argument("--engines", default="local,spark")
    parser.add_argument("--master", default="local[2]")
    parser.add_argument("--shards", type=int, default=16)
    parser.add_argument("--ingest", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--keep", type=Path, help="write corpora and outputs here and keep them (a new folder)"
    )
    parser.add_argument(
        "--also",
        type=Path,
        action="append",
        default=[],
        help="a --keep folder of an earlier run: its rows join this run's table and fit",
    )
    parser.add_argument("--child", nargs=4, metavar=("INPUT", "OUT", "ENGINE", "MASTER"))
    args = parser.parse_args(argv)
    if args.child:
        inputs, out, engine, master = args.child
        result = run_one(Path(inputs), Path(out), engine, None if master == "-" else master)
        print(json.dumps(result))
        return
    corpus.require_data()
    sizes = [int(s) for s in args.sizes.split(",") if s]
    spark_sizes = {int(s) for s in args.spark_sizes.split(",") if s}
    engines = [e for e in args.engines.split(",") if e]
    rows: list[tuple[str, int, dict[str, Any], float]] = [
        (kept["engine"], kept["articles"], kept["result"], kept["recall"])
        for folder in args.also
        for kept in (json.loads(f.read_text()) for f in sorted(folder.glob("*/*-result.json")))
    ]
    ingest: tuple[int, float, float] | None = None
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=False)
    with tempfile.TemporaryDirectory(prefix="batch-scale-") as tmp:
        root = args.keep or Path(tmp)
        for n in sizes:
            folder = root / str(n)
            truth = batch_speed.write_shards(n, args.shards, folder / "input", args.seed)
            if ingest is None and args.ingest:
                ingest = _ingest_sample(folder / "input", args.ingest, folder)
            for engine in [e for e in engines if e == "local" or n in spark_sizes]:
                out = folder / engine
                master = args.master if engine == "spark" else "-"
                result = child([str(folder / "input"), str(out), engine, master])
                recall = batch_speed.recall(out, truth)
                rows.append((engine, n, result, recall))
                if args.keep:
                    kept = {"engine": engine, "articles": n, "result": result, "recall": recall}
                    (folder / f"{engine}-result.json").write_text(json.dumps(kept))
                print(_line(engine, n, result, recall), flush=True)
        _table(sorted(rows, key=lambda r: (r[0], r[1])), ingest)


def _ingest_sample(inputs: Path, n: int, folder: Path) -> tuple[int, float, float]:
    """The first ``n`` articles of the corpus (in its date order) through ``add``."""
    records: list[str] = []
    files = sorted(inputs.glob("*.jsonl"))
    handles = [f.open(encoding="utf-8") for f in files]
    try:
        while len(records) < n:
            before = len(records)
            for handle in handles:
                line = handle.readline()
                if line and len(records) < n:
                    records.append(line)
            if len(records) == before:
                break
    finally:
        for handle in handles:
            handle.close()
    whole = folder / "ingest-source.jsonl"
    whole.write_text("".join(records), encoding="utf-8")
    return store_ingest(whole, len(records), folder)


def _line(engine: str, n: int, result: dict[str, Any], recall: float) -> str:
    r = result["report"]
    return (
        f"{engine} {n:,}: {result['wall']:.0f} s wall, {result['cpu']:.0f} CPU s, peak "
        f"{result['peak_mb']:,.0f} MB, {r['articles']:,} articles, {r['verified']:,} verified, "
        f"{r['stories']:,} stories, largest bucket {r['largest_bucket']}, largest component "
        f"{r['largest_component']}, recall {recall:.3f}"
        + (
            f", Spark's JVM and workers, sum of peaks {result['others_peak_mb']:,.0f} MB"
            if engine == "spark"
            else ""
        )
    )


def _table(rows: list[tuple[str, int, dict[str, Any], float]], ingest: Any) -> None:
    print()
    head = [f"{s} s" for s in ("startup", *STAGES)]
    print(
        "| engine | articles | "
        + " | ".join(head)
        + " | wall s | articles/s | articles/s per core | peak MB | largest bucket "
        "| largest component | recall |"
    )
    print("|" + "---|" * (len(head) + 9))
    for engine, n, result, recall in rows:
        r = result["report"]
        seconds = [r["seconds"].get(s, 0.0) for s in ("startup", *STAGES)]
        print(
            f"| {engine} | {n:,} | "
            + " | ".join(f"{s:.1f}" for s in seconds)
            + f" | {result['wall']:.0f} | {n / result['wall']:,.0f} | "
            f"{n / result['cpu']:,.0f} | {result['peak_mb']:,.0f} | {r['largest_bucket']} | "
            f"{r['largest_component']} | {recall:.3f} |"
        )
    if ingest is not None:
        n, wall, cpu = ingest
        print(
            f"\nstore ingest (storytrace add, defaults, {n:,} articles): {n / wall:.0f} "
            f"articles/s, {n / cpu:.0f} per core (CPU s)"
        )
    for name in dict.fromkeys(engine for engine, *_ in rows):
        runs = sorted(
            ((n, result) for engine, n, result, _ in rows if engine == name), key=lambda r: r[0]
        )
        if len(runs) >= 2:
            for line in projection(runs, name):
                print(line)


def projection(local: list[tuple[int, dict[str, Any]]], engine: str = "local") -> list[str]:
    """The fitted exponent of each stage's seconds against articles, and the time for
    ``TARGET`` articles on ``TARGET_CORES`` cores projected from the largest run: each
    stage's seconds in CPU seconds (times the run's CPU/wall share), grown by its exponent
    (never below 1: a sub-linear fit is fixed costs and caches, not a law), divided by
    the cores, except the stories stage: one task per strong-link component, so its
    largest component does not divide (the worst case, a giant component, is serial)."""
    n, res = local[-1]
    share = res["cpu"] / res["wall"]
    scale = TARGET / n
    lines = ["", f"fitted exponent of seconds against articles ({engine} engine):"]
    parallel = serial = 0.0
    for stage in STAGES:
        k = exponent([(m, r["report"]["seconds"].get(stage, 0.0)) for m, r in local])
        cpu = res["report"]["seconds"].get(stage, 0.0) * share * scale ** max(k, 1.0)
        if stage == "stories":
            serial += cpu
        else:
            parallel += cpu
        lines.append(f"  {stage}: {k:.2f} ({cpu / 3600:,.1f} CPU h at {TARGET:,})")
    lines.append(f"  total (CPU s): {exponent([(m, r['cpu']) for m, r in local]):.2f}")
    lines.append(
        f"projected for {TARGET:,} articles on {TARGET_CORES} cores from {n:,}: "
        f"{parallel / TARGET_CORES / 3600:.1f} h for articles, candidates and links, plus "
        f"the stories stage's largest component: up to {serial / 3600:,.0f} h in one task "
        f"if it holds the same share of the articles ({n / res['cpu']:.0f} articles per "
        "CPU second overall)"
    )
    return lines


if __name__ == "__main__":
    main()
