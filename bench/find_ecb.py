"""``find`` as a ranking of same-event documents on ECB+ train+dev: MAP and recall@10.

    .venv/bin/python bench/find_ecb.py [--encoder use]

All 772 documents go into a fresh store; each one is then the query, with every relation
listed (``include`` = all seven) and a deeper search than the default (more candidates,
all verified), because here the aim is the ranking of reports of the same event, not of
derived versions. The ranking is ``find``'s own order: relation first (duplicate ...
same_story, related, unrelated), then score. Relevant documents are those of the query's
``subtopic`` (its gold event); documents ``find`` does not return count as ranked last.

MAP: mean over queries of the average precision of the relevant documents. recall@10:
mean share of the relevant documents found in the first ten (of min(10, relevant)).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

import datasets
from storytrace.corpus import Store, StoreOptions
from storytrace.model import RELATION_LABELS


def average_precision(ranked: list[str], relevant: set[str]) -> float:
    hits, total = 0, 0.0
    for rank, doc in enumerate(ranked, start=1):
        if doc in relevant:
            hits += 1
            total += hits / rank
    return total / len(relevant) if relevant else 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--encoder", default=None)
    parser.add_argument("--depth", type=int, default=40, help="candidates per source")
    args = parser.parse_args()
    docs = datasets.ecb_docs()
    if not docs:
        sys.exit("skipped: ECB+ not found in ../shared/data")
    event = {str(d["doc_id"]): str(d["subtopic"]) for d in docs}
    with tempfile.TemporaryDirectory() as tmp:
        jsonl = Path(tmp) / "ecb.jsonl"
        with jsonl.open("w", encoding="utf-8") as out:
            for d in docs:
                out.write(json.dumps({"id": d["doc_id"], "text": d["text"]}) + "\n")
        with Store(Path(tmp) / "ecb.db", options=StoreOptions(encoder=args.encoder)) as store:
            t0 = time.perf_counter()
            store.add([jsonl])
            built = time.perf_counter() - t0
            aps, recalls, times = [], [], []
            for doc_id in event:
                relevant = {d for d, e in event.items() if e == event[doc_id] and d != doc_id}
                if not relevant:
                    continue
                t0 = time.perf_counter()
                result = store.find_id(
                    doc_id,
                    include=RELATION_LABELS,
                    limit=100,
                    vector_k=args.depth,
                    fact_k=args.depth,
                    verify_per_source=args.depth,
                    max_verify=2 * args.depth,
                    min_cosine=0.0,
                    min_fact_weight=0.0,
                    window_days=None,
                )
                times.append(time.perf_counter() - t0)
                ranked = [v.id for v in result.versions]
                aps.append(average_precision(ranked, relevant))
                top = set(ranked[:10])
                recalls.append(len(top & relevant) / min(10, len(relevant)))
    n = len(aps)
    print(f"ECB+ train+dev: {len(event)} documents, {n} queries; store built in {built:.0f}s")
    print(f"{'measure':<24} {'value':>8}")
    print(f"{'MAP':<24} {sum(aps) / n:>8.3f}")
    print(f"{'recall@10':<24} {sum(recalls) / n:>8.3f}")
    print(f"{'ms per query':<24} {1000 * sum(times) / n:>8.1f}")
    print(f"ecb_map={sum(aps) / n:.4f} ecb_recall_at_10={sum(recalls) / n:.4f}")


if __name__ == "__main__":
    main()
