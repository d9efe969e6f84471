"""The store's vector index backends side by side: usearch (HNSW) against exact search.

    .venv/bin/python bench/vector_index.py --db bench/results/store-corpus-100000-s7-default.db

Uses the real document vectors of a store built by ``bench/find_store.py`` (USE lead
vectors). For each backend: time to build the index from all vectors (one thread),
file size, time to load the file, memory of the loaded index (tracemalloc does not see
usearch's C++ allocations, so resident-set growth is reported), query latency p50/p95
(one query at a time, ``--queries`` stored vectors, k = 21 as ``find`` asks), and for
usearch the recall@20 of the exact neighbours.
"""

from __future__ import annotations

import argparse
import resource
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from storytrace.store.vectors import ExactIndex, UsearchIndex, VectorIndex


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def load_vectors(db: Path) -> tuple[np.ndarray, np.ndarray]:
    con = sqlite3.connect(db)
    rows = con.execute("SELECT article, vector FROM doc_vectors ORDER BY article").fetchall()
    con.close()
    keys = np.array([r[0] for r in rows], dtype=np.int64)
    vectors = np.stack([np.frombuffer(r[1], dtype="<f2") for r in rows]).astype(np.float32)
    return keys, vectors


def measure(
    name: str, index: VectorIndex, keys: np.ndarray, vectors: np.ndarray, queries: np.ndarray
) -> dict[str, object]:
    before = rss_mb()
    t0 = time.perf_counter()
    index.add(keys, vectors)
    index.search(vectors[0], 1)
    build = time.perf_counter() - t0
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"index.{name}"
        index.save(path)
        size = path.stat().st_size / 1e6
        t0 = time.perf_counter()
        loaded = type(index).load(path, vectors.shape[1])  # type: ignore[attr-defined]
        load = time.perf_counter() - t0
    latencies, results = [], []
    for q in queries:
        t0 = time.perf_counter()
        found = loaded.search(vectors[q], 21)
        latencies.append(1000 * (time.perf_counter() - t0))
        results.append([k for k, _ in found])
    latencies.sort()
    return {
        "build s": build,
        "file MB": size,
        "load s": load,
        "RSS growth MB": rss_mb() - before,
        "query p50 ms": statistics.median(latencies),
        "query p95 ms": latencies[int(0.95 * len(latencies))],
        "results": results,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--queries", type=int, default=500)
    args = parser.parse_args()
    if not args.db.exists():
        sys.exit(f"no store at {args.db}; build one with bench/find_store.py")
    keys, vectors = load_vectors(args.db)
    rng = np.random.default_rng(3)
    queries = rng.choice(len(keys), size=min(args.queries, len(keys)), replace=False)
    dim = vectors.shape[1]
    exact = measure("exact", ExactIndex(dim), keys, vectors, queries)
    hnsw = measure("usearch", UsearchIndex(dim), keys, vectors, queries)
    recall = np.mean(
        [
            len(set(h[:20]) & set(e[:20])) / 20
            for h, e in zip(hnsw["results"], exact["results"], strict=True)  # type: ignore[call-overload]
        ]
    )
    print(f"{len(keys):,} document vectors of {dim} dimensions from {args.db.name}")
    print(f"{'measure':<16} {'exact':>10} {'usearch':>10}")
    for measure_name in (
        "build s",
        "file MB",
        "load s",
        "RSS growth MB",
        "query p50 ms",
        "query p95 ms",
    ):
        print(f"{measure_name:<16} {exact[measure_name]:>10.2f} {hnsw[measure_name]:>10.2f}")
    print(f"{'recall@20':<16} {1.0:>10.3f} {recall:>10.3f}")
    print(
        f"usearch_p95_ms={hnsw['query p95 ms']:.2f} exact_p95_ms={exact['query p95 ms']:.2f} "
        f"usearch_recall_at_20={recall:.3f}"
    )


if __name__ == "__main__":
    main()
