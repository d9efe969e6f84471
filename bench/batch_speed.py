"""``storytrace batch``: articles/s per stage for the local and Spark engines, and whether
the two engines wrote the same tables.

    .venv/bin/python bench/batch_speed.py --articles 2000 --master 'local[2]'

The corpus is ``bench/corpus.py``'s (real ECB+ and paraphrase sentences with planted
copies, edits, rewrites and translations), written as ``--shards`` JSONL files (one Spark
task reads one file). Each engine runs once over the same files into its own folder;
"agree" compares every table row for row. Recall: the share of planted versions that the
``versions`` table lists with a derived relation. Needs pyarrow, and pyspark with Java
for the Spark column (``--engines local`` runs without).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import pyarrow.parquet as pq

import corpus
from storytrace.batch import BatchOptions, BatchReport, run_batch
from storytrace.batch.tables import TABLES
from storytrace.stories.model import DERIVED

STAGES = ("articles", "candidates", "links", "stories")


def write_shards(n: int, shards: int, folder: Path, seed: int) -> list[dict[str, str]]:
    """The corpus in ``shards`` JSONL files (round robin keeps each file in date order)."""
    articles, truth = corpus.build_corpus(n, seed=seed)
    folder.mkdir(parents=True, exist_ok=True)
    handles = [(folder / f"part-{i:03d}.jsonl").open("w", encoding="utf-8") for i in range(shards)]
    for k, record in enumerate(articles):
        handles[k % shards].write(json.dumps(record, ensure_ascii=False) + "\n")
    for handle in handles:
        handle.close()
    return truth


def rows(out: Path, name: str) -> list[dict[str, Any]]:
    table = pq.read_table(out / name).to_pylist()
    return sorted(table, key=lambda r: (r.get("seq", 0), r.get("a", 0), r.get("b", 0)))


def recall(out: Path, truth: list[dict[str, str]]) -> float:
    found = {
        frozenset((v["a_id"], v["b_id"])) for v in rows(out, "versions") if v["relation"] in DERIVED
    }
    hits = sum(frozenset((t["id"], t["original"])) in found for t in truth)
    return hits / len(truth) if truth else 1.0


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--shards", type=int, default=8)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--master", default="local[2]")
    parser.add_argument("--engines", default="local,spark")
    args = parser.parse_args(argv)
    corpus.require_data()
    engines = [e.strip() for e in args.engines.split(",") if e.strip()]
    with tempfile.TemporaryDirectory(prefix="batch-speed-") as tmp:
        root = Path(tmp)
        truth = write_shards(args.articles, args.shards, root / "input", args.seed)
        reports: dict[str, BatchReport] = {}
        walls: dict[str, float] = {}
        for engine in engines:
            start = time.perf_counter()
            reports[engine] = run_batch(
                [root / "input"],
                root / engine,
                BatchOptions(engine=engine, master=args.master if engine == "spark" else None),  # type: ignore[arg-type]
            )
            walls[engine] = time.perf_counter() - start
        n = next(iter(reports.values())).articles
        print(f"{n:,} articles in {args.shards} files; spark master {args.master}")
        head = "| stage | " + " | ".join(f"{e} s | {e} articles/s" for e in engines) + " |"
        print(head)
        print("|" + "---|" * (1 + 2 * len(engines)))
        for stage in (*STAGES, "total (wall)"):
            cells = []
            for engine in engines:
                r = reports[engine]
                s = walls[engine] if stage.startswith("total") else r.seconds.get(stage, 0.0)
                cells.append(f"{s:.1f} | {n / s if s else 0:,.0f}")
            print(f"| {stage} | " + " | ".join(cells) + " |")
        for engine in engines:
            r = reports[engine]
            print(
                f"{engine}: {r.links:,} links, {r.lsh_pairs:,} LSH pairs, {r.verified:,} "
                f"verified, {r.stories:,} stories, largest bucket {r.largest_bucket}, "
                f"largest component {r.largest_component}, recall of planted versions "
                f"{recall(root / engine, truth):.3f} ({len(truth)})"
            )
        if len(engines) == 2:
            a, b = (root / e for e in engines)
            agree = {name: rows(a, name) == rows(b, name) for name in TABLES}
            print("agreement (identical rows): " + ", ".join(f"{k} {v}" for k, v in agree.items()))


if __name__ == "__main__":
    main()
