"""Where a batch run's CPU seconds go: per stage, split into the driver (this process),
Spark's JVM and its Python workers (read from /proc, as ``batch_scale`` counts them).

    nice .venv/bin/python bench/batch_profile.py --articles 2000 --engine spark

The corpus is ``bench/corpus.py``'s (as ``batch_scale``: same seed, ``--shards`` JSONL
files), the run goes through ``run_batch``'s defaults (the CLI's).
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import batch_scale
import batch_speed
import corpus


class Split(batch_scale.TreeCPU):
    """``TreeCPU`` that also names each process: the JVM, a Python worker, other."""

    def __init__(self) -> None:
        super().__init__()
        self.kind: dict[int, str] = {}

    def poll(self) -> None:
        super().poll()
        for pid in self.ticks:
            # spark-submit is a shell script that execs the JVM: a pid may turn into java
            if self.kind.get(pid) != "jvm":
                try:
                    name = Path(f"/proc/{pid}/comm").read_text().strip()
                except OSError:
                    name = "?"
                self.kind[pid] = "jvm" if name == "java" else "workers"

    def by_kind(self) -> dict[str, float]:
        tick = os.sysconf("SC_CLK_TCK")
        out = {"jvm": 0.0, "workers": 0.0}
        for pid, t in self.ticks.items():
            out[self.kind.get(pid, "workers")] += t / tick
        return out


def driver_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--engine", default="spark")
    parser.add_argument("--master", default="local[2]")
    parser.add_argument("--shards", type=int, default=16)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    corpus.require_data()
    from storytrace.batch import BatchOptions, run_batch

    with tempfile.TemporaryDirectory(prefix="batch-profile-") as tmp:
        root = Path(tmp)
        batch_speed.write_shards(args.articles, args.shards, root / "input", args.seed)
        tree = Split()
        tree.start()
        marks: list[tuple[str, float, float, dict[str, float]]] = []

        def mark(stage: str, seconds: float) -> None:
            tree.poll()
            marks.append((stage, seconds, driver_cpu(), tree.by_kind()))

        start_cpu = driver_cpu()
        start = time.perf_counter()
        master = args.master if args.engine == "spark" else None
        report = run_batch(
            [root / "input"],
            root / "out",
            BatchOptions(engine=args.engine, master=master),  # type: ignore[arg-type]
            on_stage=mark,
        )
        wall = time.perf_counter() - start
        tree.poll()
        tree.stopped.set()
        marks.append(("close", 0.0, driver_cpu(), tree.by_kind()))
    print(f"{args.articles:,} articles, engine {args.engine}, wall {wall:.0f} s")
    print("| stage | wall s | driver CPU s | JVM CPU s | workers CPU s | total CPU s |")
    print("|---|---|---|---|---|---|")
    prev_driver, prev = start_cpu, {"jvm": 0.0, "workers": 0.0}
    startup = report.seconds.get("startup", 0.0)
    total = 0.0
    for stage, seconds, drv, kinds in marks:
        d = drv - prev_driver
        j, w = kinds["jvm"] - prev["jvm"], kinds["workers"] - prev["workers"]
        label = f"startup + {stage}" if stage == marks[0][0] else stage
        wall_s = seconds + (startup if stage == marks[0][0] else 0.0)
        print(f"| {label} | {wall_s:.1f} | {d:.1f} | {j:.1f} | {w:.1f} | {d + j + w:.1f} |")
        total += d + j + w
        prev_driver, prev = drv, kinds
    print(f"| total | {wall:.1f} | | | | {total:.1f} |")
    print(f"articles per CPU second: {args.articles / total:.0f}")


if __name__ == "__main__":
    main()
