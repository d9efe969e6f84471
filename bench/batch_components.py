"""The stories stage of a finished batch, with and without the component bound.

    nice .venv/bin/python bench/batch_components.py OUT [--truth CORPUS.truth.json]

Reads ``OUT``'s ``links`` table (a ``storytrace batch`` output), finds the strong-link
components as the batch does, and clusters each with ``cluster_batch`` as the batch's
stories stage does: once with the defaults (components over ``MAX_COMPONENT`` cut into
pieces) and once unbounded (what the stage did before the bound). Prints the CPU
seconds, the largest component, the number and largest of the stories, and, given the
corpus's truth file (``bench/corpus.py``), how many planted versions share a story with
their original. Why the components chain: ``docs/stories.md``.
"""

from __future__ import annotations

import argparse
import json
import time
from collections import Counter, defaultdict
from pathlib import Path

import pyarrow.parquet as pq

from storytrace.batch import stages as st
from storytrace.cluster import MAX_COMPONENT, StoryRule, cluster_batch

UNBOUNDED = 10**12


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--truth", type=Path, default=None)
    args = parser.parse_args(argv)
    links = pq.read_table(args.out / "links", columns=["a", "b", "p"]).to_pylist()
    seqs = {
        r["id"]: r["seq"]
        for r in pq.read_table(args.out / "articles", columns=["seq", "id"]).to_pylist()
    }
    component = st.components((r["a"], r["b"]) for r in links if st.strong(r["p"]))
    grouped: dict[int, list[tuple[str, str, float]]] = defaultdict(list)
    for r in links:
        ca = component.get(r["a"])
        if ca is not None and ca == component.get(r["b"]):
            grouped[ca].append((str(r["a"]), str(r["b"]), r["p"]))
    sizes = Counter(component.values())
    truth = json.loads(args.truth.read_text(encoding="utf-8")) if args.truth else []
    largest = max(sizes.values(), default=0)
    print(f"{len(seqs):,} articles, {len(links):,} links, {len(sizes):,} components")
    print(f"largest strong-link component: {largest:,} articles")
    print(f"{'clustering':<22} {'CPU s':>7} {'stories':>8} {'largest':>8} {'planted together':>17}")
    for name, bound in ((f"bounded ({MAX_COMPONENT:,})", MAX_COMPONENT), ("unbounded", UNBOUNDED)):
        rule = StoryRule(max_component=bound)
        story: dict[int, int] = {}
        start = time.process_time()
        for edges in grouped.values():
            keys = sorted({k for a, b, _ in edges for k in (a, b)}, key=int)
            story.update(
                {int(k): int(v) for k, v in cluster_batch(keys, sorted(edges), rule).items()}
            )
        seconds = time.process_time() - start
        of = {s: story.get(s, s) for s in seqs.values()}
        together = sum(
            of[seqs[t["id"]]] == of[seqs[t["original"]]]
            for t in truth
            if t["id"] in seqs and t["original"] in seqs
        )
        counts = Counter(of.values())
        planted = f"{together}/{len(truth)}" if truth else "-"
        print(
            f"{name:<22} {seconds:>7.2f} {len(counts):>8,} {max(counts.values()):>8,} {planted:>17}"
        )


if __name__ == "__main__":
    main()
