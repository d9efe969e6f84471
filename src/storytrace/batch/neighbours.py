"""The batch's story neighbours: one vector index over every kept article, built once.

The stories stage links each article to its ``STORY_K`` nearest lead vectors
(``stories.update.nearest_neighbours``). An exact search costs the square of the
articles, so past ``EXACT_MAX`` articles the batch builds a usearch HNSW index (the
store's default kind, with a denser graph) once, single-threaded (a threaded HNSW build
depends on thread timing; one thread gives the same graph run after run), and every
chunk of ``CHUNK``
articles is searched in it. The Spark engine builds it on the driver and saves it under
the output folder, where its tasks load it (``save``/``load``): both engines search the
same graph. Up to ``EXACT_MAX`` articles the search is exact: cheaper than the HNSW
build and search there, and equal to a store created with ``--index exact``. Figures:
docs/batch.md (Scale, "The neighbour index").
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from ..store.vectors import ExactIndex, UsearchIndex, VectorIndex
from ..stories.update import CHUNK, nearest_neighbours

EXACT_MAX = 500_000
"""Up to this many articles the neighbour search is exact (see the module). On the
lead vectors of a 300,000-article bench corpus (whose leads share pooled sentences, as
reprints share text) one exact search of all chunks took 1,600 CPU s; the batch's HNSW
graph took 700 s to build on one thread and about 3,700 CPU s to search (docs/batch.md,
"Spark at 300,000"). Exact grows as N², HNSW about as N, so they would cross near
800,000; the limit is lower to bound a worker's memory: the float32 vectors (1 GB at
500,000) and a 256-query score block (0.5 GB)."""

SEARCH_EXPANSION = 512
"""HNSW search breadth of the batch (the store's story search uses 64)."""

CONNECTIVITY = 32
EXPANSION_ADD = 128
"""The batch's graph is denser than the store's (16 links a node, build breadth 64): on a
100,000-article bench corpus's real lead vectors, searched at ``SEARCH_EXPANSION``, it
finds 0.987 of the exact 30 nearest against the store graph's 0.918, for a build 2.5
times as long (66 s against 27 s) and searches 2.3 ms a query (docs/batch.md, "The
neighbour index"); 0.978 at 300,000, where the store graph found 0.840 (its recall falls
with size on leads that share pooled sentences: 0.995 at 10,000)."""

ARTICLES = "articles.npz"
GRAPH = "graph.usearch"


class BroadIndex(UsearchIndex):
    """usearch HNSW with the batch's denser graph (``CONNECTIVITY``, ``EXPANSION_ADD``),
    searched at least ``SEARCH_EXPANSION`` wide whatever breadth ``nearest_neighbours``
    asks for."""

    def __init__(self, dim: int) -> None:
        super().__init__(dim, connectivity=CONNECTIVITY, expansion_add=EXPANSION_ADD)

    def search_many(
        self, vectors: NDArray[np.float32], k: int, *, expansion: int | None = None
    ) -> list[list[tuple[int, float]]]:
        """``UsearchIndex.search_many`` at the batch's breadth."""
        broad = max(expansion or 0, SEARCH_EXPANSION)
        return super().search_many(vectors, k, expansion=broad)


class Neighbours:
    """The kept articles' ``seq``s and lead vectors (float16 values, ``seq`` order; kept
    as float16 after ``load``, half the memory in every Spark worker) with the index
    they are searched in."""

    def __init__(
        self,
        seqs: NDArray[np.int64],
        vectors: NDArray[np.float32] | NDArray[np.float16],
        index: VectorIndex,
    ) -> None:
        self.seqs = seqs
        self.vectors = vectors
        self.index = index

    @classmethod
    def build(
        cls,
        seqs: NDArray[np.int64],
        vectors: NDArray[np.float32],
        *,
        exact_max: int | None = None,
    ) -> Neighbours:
        """The index over all ``vectors`` (keys ``seqs``): exact up to ``exact_max``
        articles (``EXACT_MAX`` unless told), HNSW past it."""
        limit = EXACT_MAX if exact_max is None else exact_max
        dim = vectors.shape[1]
        index: VectorIndex = ExactIndex(dim) if len(seqs) <= limit else BroadIndex(dim)
        index.add(seqs, vectors)
        return cls(seqs, vectors, index)

    @property
    def chunks(self) -> int:
        """How many chunks of ``CHUNK`` articles there are to search."""
        return (len(self.seqs) + CHUNK - 1) // CHUNK

    def search(self, chunk: int) -> list[tuple[int, int, float]]:
        """The nearest lead vectors of chunk ``chunk`` among all articles, as (earlier,
        later, cosine): what the stories stage links."""
        start, end = chunk * CHUNK, min((chunk + 1) * CHUNK, len(self.seqs))
        rows = [int(s) for s in self.seqs[start:end]]
        queries = np.asarray(self.vectors[start:end], np.float32)
        found = nearest_neighbours(self.index, rows, queries)
        return [(min(a, b), max(a, b), c) for a, hits in found.items() for b, c in hits]

    def save(self, folder: Path) -> None:
        """The articles and the index as files under ``folder`` (for ``load``)."""
        folder.mkdir(parents=True, exist_ok=True)
        with (folder / ARTICLES).open("wb") as handle:
            np.savez(handle, seqs=self.seqs, vectors=self.vectors.astype(np.float16))
        graph = folder / GRAPH
        if isinstance(self.index, UsearchIndex):
            self.index.save(graph)
        else:
            graph.unlink(missing_ok=True)

    @classmethod
    def load(cls, folder: Path) -> Neighbours:
        """What ``save`` wrote: the same graph, so the same neighbours."""
        with np.load(folder / ARTICLES) as data:
            seqs = data["seqs"].astype(np.int64)
            vectors = data["vectors"].astype(np.float16)
        dim = vectors.shape[1]
        graph = folder / GRAPH
        if graph.exists():
            return cls(seqs, vectors, BroadIndex.load(graph, dim))
        exact = ExactIndex(dim)
        exact.add(seqs, vectors.astype(np.float32))
        return cls(seqs, vectors, exact)
