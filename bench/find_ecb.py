"""``find --stories`` as a ranking of same-event reports on ECB+ train+dev: MAP, recall@10.

    .venv/bin/python bench/find_ecb.py [--limit 50] [--db PATH] [--encoder use]

All 772 documents go into a fresh store (or ``--db``: a store built before by this script,
kept to save the build); each one is then the query. Two rows:

- ``defaults``: exactly what ``storytrace find --id X --stories --limit N`` runs
  (``Store.find_id(id, limit=N, include=VERSION_RELATIONS + STORY_RELATIONS)``), every
  other setting at its default: what a user gets;
- ``old wide``: the settings this benchmark used before ``find`` searched by the limit
  (every relation listed, 40 candidates per source, 80 verified, no cosine, fact or time
  floor), for comparison.

The ranking is ``find``'s own order. Relevant documents are those of the query's
``subtopic`` (its gold event); documents ``find`` does not return count as ranked last.
MAP: mean over queries of the average precision of the relevant documents. recall@10:
mean share of the relevant documents found in the first ten (of min(10, relevant)).
The ``dev`` columns restrict the queries to the ECB+ dev split (the store holds all).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import datasets
from storytrace.corpus import Store, StoreOptions
from storytrace.find import STORY_RELATIONS, VERSION_RELATIONS, FindResult
from storytrace.model import RELATION_LABELS


def average_precision(ranked: list[str], relevant: set[str]) -> float:
    hits, total = 0, 0.0
    for rank, doc in enumerate(ranked, start=1):
        if doc in relevant:
            hits += 1
            total += hits / rank
    return total / len(relevant) if relevant else 0.0


def run(
    store: Store,
    event: dict[str, str],
    split: dict[str, str],
    search: Callable[[str], FindResult],
    every: int = 1,
) -> dict[str, float]:
    aps, recalls, times, dev_aps, dev_recalls, verified = [], [], [], [], [], []
    for doc_id in list(event)[::every]:
        relevant = {d for d, e in event.items() if e == event[doc_id] and d != doc_id}
        if not relevant:
            continue
        t0 = time.perf_counter()
        result = search(doc_id)
        times.append(time.perf_counter() - t0)
        verified.append(result.verified)
        ranked = [v.id for v in result.versions]
        ap = average_precision(ranked, relevant)
        recall = len(set(ranked[:10]) & relevant) / min(10, len(relevant))
        aps.append(ap)
        recalls.append(recall)
        if split[doc_id] == "dev":
            dev_aps.append(ap)
            dev_recalls.append(recall)
    return {
        "queries": len(aps),
        "map": statistics.mean(aps),
        "recall": statistics.mean(recalls),
        "dev_map": statistics.mean(dev_aps),
        "dev_recall": statistics.mean(dev_recalls),
        "ms": 1000 * statistics.mean(times),
        "p95": 1000 * sorted(times)[int(0.95 * (len(times) - 1))],
        "verified": statistics.mean(verified),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--encoder", default=None)
    parser.add_argument("--limit", type=int, default=50, help="find --limit")
    parser.add_argument("--db", type=Path, default=None, help="reuse (or build) this store")
    parser.add_argument("--no-old", action="store_true", help="skip the old wide settings")
    parser.add_argument("--every", type=int, default=1, help="query every n-th document only")
    args = parser.parse_args()
    docs = datasets.ecb_docs()
    if not docs:
        sys.exit("skipped: ECB+ not found in ../shared/data")
    event = {str(d["doc_id"]): str(d["subtopic"]) for d in docs}
    split = {str(d["doc_id"]): str(d["split"]) for d in docs}
    with tempfile.TemporaryDirectory() as tmp:
        db = args.db or Path(tmp) / "ecb.db"
        built = 0.0
        if not db.exists():
            jsonl = Path(tmp) / "ecb.jsonl"
            with jsonl.open("w", encoding="utf-8") as out:
                for d in docs:
                    out.write(json.dumps({"id": d["doc_id"], "text": d["text"]}) + "\n")
            with Store(db, options=StoreOptions(encoder=args.encoder)) as store:
                t0 = time.perf_counter()
                store.add([jsonl])
                built = time.perf_counter() - t0
        rows: list[tuple[str, dict[str, float]]] = []
        with Store(db, create=False) as store:
            include = VERSION_RELATIONS + STORY_RELATIONS
            rows.append(
                (
                    f"defaults (--stories -n {args.limit})",
                    run(
                        store,
                        event,
                        split,
                        lambda i: store.find_id(i, limit=args.limit, include=include),
                        args.every,
                    ),
                )
            )
            if not args.no_old:
                depth = 40
                rows.append(
                    (
                        "old wide settings",
                        run(
                            store,
                            event,
                            split,
                            lambda i: store.find_id(
                                i,
                                include=RELATION_LABELS,
                                limit=100,
                                vector_k=depth,
                                fact_k=depth,
                                verify_per_source=depth,
                                max_verify=2 * depth,
                                min_cosine=0.0,
                                min_fact_weight=0.0,
                                window_days=None,
                            ),
                            args.every,
                        ),
                    )
                )
    n = rows[0][1]["queries"]
    print(f"ECB+ train+dev: {len(event)} documents, {n:.0f} queries; store built in {built:.0f}s")
    print(
        f"{'settings':<30}{'MAP':>7}{'R@10':>7}{'dev MAP':>9}{'dev R@10':>9}"
        f"{'verified':>9}{'ms/query':>9}{'p95 ms':>8}"
    )
    for name, r in rows:
        print(
            f"{name:<30}{r['map']:>7.3f}{r['recall']:>7.3f}{r['dev_map']:>9.3f}"
            f"{r['dev_recall']:>9.3f}{r['verified']:>9.1f}{r['ms']:>9.1f}{r['p95']:>8.1f}"
        )
    best = rows[0][1]
    print(f"ecb_map={best['map']:.4f} ecb_recall_at_10={best['recall']:.4f}")


if __name__ == "__main__":
    main()
