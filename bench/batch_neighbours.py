"""The batch's story-neighbour search: the old exact search per chunk against the index
built once (``batch.neighbours``), at several sizes, with the recall of the exact 30.

    nice .venv/bin/python bench/batch_neighbours.py --articles OUT/articles

Vectors: with ``--articles`` (the ``articles`` table of a ``storytrace batch --out OUT``
run, e.g. on a ``bench/corpus.py`` corpus), its real lead vectors; a size over its count
takes them again with small Gaussian noise (``--noise``, renormalised), so those rows
are near copies of real ones. Without ``--articles``: random unit vectors, for timing
only (their neighbours mean nothing). Each size's first N vectors are the batch's
articles in ``seq`` order.

Columns: "old exact s" is the search before issue #19 (an exact index of all vectors
copied for every chunk of ``CHUNK``, then searched), timed on ``--sample-chunks`` chunks
and multiplied by the number of chunks; "exact once s" the same with the exact index
built once; "HNSW build s" and "HNSW search s" ``Neighbours.build``'s usearch index,
forced to HNSW at every size (one thread; the search timed on the sampled chunks and
multiplied likewise; ``--no-hnsw`` skips them); "recall" the share of the exact 30
nearest (query, neighbour) pairs the HNSW search finds, over the sampled chunks'
queries; "blocked s" every task of the search blocked by publication date
(``neighbours.Search`` forced past ``BLOCKED_PAST``, on the articles' own dates; with
random vectors, dates spread over two years) and "blocked pairs kept" the share of the
exact pairs of the sampled chunks it keeps (those within ``WINDOW_DAYS``); "batch's
search" the one the batch uses at that size (one exact index up to ``BLOCKED_PAST``).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from storytrace.batch import neighbours as nb
from storytrace.batch.neighbours import Neighbours
from storytrace.batch.stages import read_lead_vectors
from storytrace.store.vectors import ExactIndex
from storytrace.stories.update import CHUNK, STORY_K, nearest_neighbours


def batch_vectors(articles: Path) -> tuple[NDArray[np.float32], NDArray[np.int64]]:
    """The lead vectors and publication days of a batch's ``articles`` table, in ``seq``
    order (``stages.read_lead_vectors``)."""
    _, vectors, days = read_lead_vectors(articles)
    return vectors, days


def days_for(base: NDArray[np.int64] | None, n: int) -> NDArray[np.int64]:
    """``n`` publication days: ``base`` repeated past its end, or spread at random over
    two years."""
    if base is None:
        start = nb.day_of("2023-01-01")
        return start + np.random.default_rng(7).integers(0, 730, n).astype(np.int64)
    return np.resize(base, n)


def vectors_for(base: NDArray[np.float32] | None, n: int, noise: float) -> NDArray[np.float32]:
    """``n`` vectors at the store's precision: ``base`` repeated with noise past its
    end, or random unit vectors when there is no base."""
    rng = np.random.default_rng(7)
    if base is None:
        out = rng.standard_normal((n, 512)).astype(np.float32)
    else:
        parts = [base[:n]]
        while sum(len(p) for p in parts) < n:
            more = base[: n - sum(len(p) for p in parts)]
            parts.append(more + rng.normal(0, noise, more.shape).astype(np.float32))
        out = np.concatenate(parts)
    out /= np.linalg.norm(out, axis=1, keepdims=True)
    return out.astype(np.float16).astype(np.float32)


def old_chunk(seqs: NDArray[np.int64], vectors: NDArray[np.float32], chunk: int) -> None:
    """One chunk as the batch searched before: a fresh exact index of everything."""
    index = ExactIndex(vectors.shape[1])
    index.add(seqs, vectors)
    start, end = chunk * CHUNK, min((chunk + 1) * CHUNK, len(seqs))
    nearest_neighbours(index, [int(s) for s in seqs[start:end]], vectors[start:end])


def pairs(triples: list[tuple[int, int, float]]) -> set[tuple[int, int]]:
    return {(a, b) for a, b, _ in triples}


def measure(
    vectors: NDArray[np.float32], days: NDArray[np.int64], sample: list[int], *, hnsw: bool
) -> dict[str, float | int | str]:
    n = len(vectors)
    seqs = np.arange(n, dtype=np.int64)
    chunks = (n + CHUNK - 1) // CHUNK
    sample = [c for c in sample if c < chunks]
    t0 = time.perf_counter()
    for c in sample:
        old_chunk(seqs, vectors, c)
    old = (time.perf_counter() - t0) / len(sample) * chunks
    t0 = time.perf_counter()
    exact = Neighbours.build(seqs, vectors, exact_max=n)
    truth = {c: pairs(exact.search(c)) for c in sample}
    once = (time.perf_counter() - t0) / len(sample) * chunks
    row: dict[str, float | int | str] = {
        "vectors": n,
        "default": "exact" if n <= nb.BLOCKED_PAST else "blocked by date",
        "old exact s": old,
        "exact once s": once,
    }
    want = set().union(*truth.values())
    if hnsw:
        t0 = time.perf_counter()
        built = Neighbours.build(seqs, vectors, exact_max=0)
        row["build s"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        found = set().union(*(pairs(built.search(c)) for c in sample))
        row["search s"] = (time.perf_counter() - t0) / len(sample) * chunks
        row["recall"] = len(want & found) / len(want)
    t0 = time.perf_counter()
    search = nb.Search.build(seqs, vectors, days, blocked_past=0)
    blocked = set().union(*(pairs(search.search(t)) for t in search.tasks()))
    row["blocked s"] = time.perf_counter() - t0
    row["kept"] = len(want & blocked) / len(want)
    return row


def cell(row: dict[str, float | int | str], key: str, form: str) -> str:
    return format(row[key], form) if key in row else "-"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=Path)
    parser.add_argument("--sizes", default="10000,100000,300000")
    parser.add_argument("--noise", type=float, default=0.02)
    parser.add_argument("--sample-chunks", type=int, default=3)
    parser.add_argument("--no-hnsw", action="store_true", help="skip the HNSW columns")
    args = parser.parse_args()
    base, base_days = batch_vectors(args.articles) if args.articles else (None, None)
    kind = "random unit vectors"
    if base is not None:
        kind = f"{len(base):,} real lead vectors from {args.articles}"
    print(f"vectors: {kind}; k = {STORY_K}, chunk = {CHUNK}", flush=True)
    head = (
        "vectors|batch's search|old exact s|exact once s|HNSW build s|HNSW search s|recall"
        "|blocked s|blocked pairs kept"
    )
    print("| " + head.replace("|", " | ") + " |")
    print("|---" * (head.count("|") + 1) + "|")
    for size in (int(s) for s in args.sizes.split(",")):
        vectors = vectors_for(base, size, args.noise)
        days = days_for(base_days, size)
        chunks = (size + CHUNK - 1) // CHUNK
        sample = sorted({int(c) for c in np.linspace(0, chunks - 1, args.sample_chunks)})
        row = measure(vectors, days, sample, hnsw=not args.no_hnsw)
        print(
            f"| {size:,} | {row['default']} | {row['old exact s']:.1f} "
            f"| {row['exact once s']:.1f} | {cell(row, 'build s', '.1f')} "
            f"| {cell(row, 'search s', '.1f')} | {cell(row, 'recall', '.4f')} "
            f"| {row['blocked s']:.1f} | {row['kept']:.3f} |",
            flush=True,
        )
    sys.stdout.flush()


if __name__ == "__main__":
    main()
