"""The batch's story neighbours: each kept article's ``STORY_K`` nearest lead vectors.

Up to ``BLOCKED_PAST`` articles one index over every kept article is searched, exactly:
the store's own search (``stories.update.nearest_neighbours``) on the same chunks, so
``import`` gives the stories of ``add`` (with ``--index exact``). Past it an all-pairs
search would cost the square of the corpus, so the search is blocked by publication
date (``Search``): a dated article's neighbours are the nearest among the articles
published within ``WINDOW_DAYS`` of it, searched exactly in slabs of ``WINDOW_DAYS`` days
(a task holds three slabs), so the cost per article is a few weeks of the feed, not the
corpus. Undated articles are one block among themselves: exact up to ``EXACT_MAX``, a
usearch HNSW graph past it (denser than the store's, built once, single-threaded: one
thread gives the same graph run after run). Not by language: lead vectors are
multilingual, and the neighbours across languages are how translations are found. LSH
candidates are never blocked. Figures: docs/batch.md (Scale).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from ..store.vectors import ExactIndex, UsearchIndex, VectorIndex
from ..stories.update import CHUNK, STORY_K, nearest_neighbours

BLOCKED_PAST = 100_000
"""Past this many articles the search is blocked by date (see the module). Up to it
the batch's neighbours are the store's; at 100,000 the exact search over all of them
costs about 180 CPU s, a fifth of the run, and grows as the square; the store's default
HNSW index there finds 0.918 of them, so a store of that size is no exact reference."""

EXACT_MAX = 500_000
"""Up to this many articles an index is exact (see the module). On the
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

WINDOW_DAYS = 14
"""Past ``EXACT_MAX`` a dated article's story neighbours are searched among the articles
published within this many days of it: two weeks holds a story's reprints, rewrites,
translations and follow-ups, and stories longer than that still join through their
chains of links. At 10M articles over two years (13,700 a day) a search task holds six
weeks of vectors, 575,000 (0.9 GB as float32)."""

UNDATED = -(2**31)
"""The day (``day_of``) of an article without a publication date."""

_EPOCH = dt.date(1970, 1, 1)

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


def day_of(published: str | None) -> int:
    """The day (since 1970-01-01) of an ``articles`` row's ``published`` (ISO 8601), or
    ``UNDATED``: what Spark SQL computes as ``datediff(to_date(...), '1970-01-01')``."""
    if not published:
        return UNDATED
    try:
        return (dt.date.fromisoformat(published[:10]) - _EPOCH).days
    except ValueError:
        return UNDATED


@dataclass(frozen=True)
class Slab:
    """The dated articles of one slab of ``WINDOW_DAYS`` days: ``seq``s, days and lead
    vectors (float32), in order of day, then ``seq``."""

    seqs: NDArray[np.int64]
    days: NDArray[np.int64]
    vectors: NDArray[np.float32]


Task = tuple[int | None, int]
"""One unit of the search: (slab, chunk), or (None, chunk) for a chunk of the whole
index (every article up to ``EXACT_MAX``, the undated ones past it)."""

MANIFEST = "search.json"


class Search:
    """The stories stage's neighbour search as tasks of at most ``CHUNK`` queries: the
    whole index's chunks, then each slab's (see the module). The whole index and the
    slabs are loaded when a task needs them: from memory (``build``) or from a folder
    (``open``), where the driver only counts the tasks."""

    def __init__(
        self,
        whole: tuple[int, Callable[[], Neighbours]],
        sizes: dict[int, int],
        load_slab: Callable[[int], Slab],
    ) -> None:
        self._whole_size, self._load_whole = whole
        self._whole: Neighbours | None = None
        self.sizes = sizes
        self._load_slab = load_slab
        self._held: dict[int, Slab] = {}
        self._window: tuple[int, Slab] | None = None

    @property
    def whole(self) -> Neighbours | None:
        """The one index (every article, or past ``BLOCKED_PAST`` the undated ones)."""
        if self._whole is None and self._whole_size:
            self._whole = self._load_whole()
        return self._whole

    @classmethod
    def build(
        cls,
        seqs: NDArray[np.int64],
        vectors: NDArray[np.float32],
        days: NDArray[np.int64],
        *,
        blocked_past: int | None = None,
    ) -> Search:
        """The search over ``vectors`` (keys ``seqs``, publication ``days``): one index up
        to ``blocked_past`` articles (``BLOCKED_PAST`` unless told), blocks past it."""
        if len(seqs) <= (BLOCKED_PAST if blocked_past is None else blocked_past):
            one = Neighbours.build(seqs, vectors)
            return cls((len(seqs), lambda: one), {}, _no_slabs)
        undated = days == UNDATED
        apart = Neighbours.build(seqs[undated], vectors[undated])
        whole = (len(apart.seqs), lambda: apart)
        slabs: dict[int, Slab] = {}
        dated = np.flatnonzero(~undated)
        keys = days[dated] // WINDOW_DAYS
        for slab in np.unique(keys):
            rows = dated[keys == slab]
            rows = rows[np.lexsort((seqs[rows], days[rows]))]
            slabs[int(slab)] = Slab(seqs[rows], days[rows], vectors[rows])
        return cls(whole, {s: len(v.seqs) for s, v in slabs.items()}, slabs.__getitem__)

    def tasks(self) -> list[Task]:
        """Every task, the whole index's chunks first, then slab by slab."""
        found: list[Task] = [(None, c) for c in range((self._whole_size + CHUNK - 1) // CHUNK)]
        for slab, size in sorted(self.sizes.items()):
            found += [(slab, c) for c in range((size + CHUNK - 1) // CHUNK)]
        return found

    def search(self, task: Task) -> list[tuple[int, int, float]]:
        """The nearest lead vectors of one task's articles, as (earlier, later, cosine)."""
        slab, chunk = task
        if slab is None:
            assert self.whole is not None
            return self.whole.search(chunk)
        mine = self._slab(slab)
        start, end = chunk * CHUNK, min((chunk + 1) * CHUNK, len(mine.seqs))
        near = self._near(slab)
        found: list[tuple[int, int, float]] = []
        for first in range(start, end, 256):
            last = min(first + 256, end)
            # rows are in day order: the block's queries span a few days, and only the
            # articles within the window of one of them are scored
            lows = np.searchsorted(near.days, mine.days[first:last] - WINDOW_DAYS, "left")
            highs = np.searchsorted(near.days, mine.days[first:last] + WINDOW_DAYS, "right")
            base = int(lows[0])
            scores = mine.vectors[first:last] @ near.vectors[base : int(highs[-1])].T
            for row, (low, high) in enumerate(zip(lows - base, highs - base, strict=True)):
                scores[row, :low] = -np.inf
                scores[row, high:] = -np.inf
            scores[mine.seqs[first:last, None] == near.seqs[None, base : int(highs[-1])]] = -np.inf
            k = min(STORY_K, scores.shape[1])
            top = np.argpartition(-scores, k - 1, axis=1)[:, :k]
            for seq, row_scores, cols in zip(mine.seqs[first:last], scores, top, strict=True):
                for col in cols[np.isfinite(row_scores[cols])]:
                    other = int(near.seqs[base + col])
                    pair = (min(int(seq), other), max(int(seq), other))
                    found.append((*pair, float(row_scores[col])))
        return found

    def _slab(self, slab: int) -> Slab:
        """Slab ``slab``, the last few held (a task's neighbours are the next one's)."""
        held = self._held.get(slab)
        if held is None:
            if len(self._held) >= 4:
                self._held.pop(next(iter(self._held)))
            held = self._held[slab] = self._load_slab(slab)
        return held

    def _near(self, slab: int) -> Slab:
        """Slabs ``slab`` - 1 to ``slab`` + 1 as one, where the slab's articles look."""
        if self._window is None or self._window[0] != slab:
            parts = [self._slab(s) for s in (slab - 1, slab, slab + 1) if s in self.sizes]
            joined = Slab(
                np.concatenate([p.seqs for p in parts]),
                np.concatenate([p.days for p in parts]),
                np.concatenate([p.vectors for p in parts]),
            )
            self._window = (slab, joined)
        return self._window[1]

    def save(self, folder: Path) -> None:
        """The whole index and every slab as files under ``folder`` (for ``open``)."""
        folder.mkdir(parents=True, exist_ok=True)
        if self.whole is not None:
            self.whole.save(folder / WHOLE)
        for slab in self.sizes:
            write_slab(folder, slab, self._slab(slab))
        write_manifest(folder, self.sizes, whole=self._whole_size)

    @classmethod
    def open(cls, folder: Path) -> Search:
        """What ``save`` (or the Spark driver) wrote under ``folder``; slabs load when a
        task needs them."""
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        whole = (int(manifest["whole"]), lambda: Neighbours.load(folder / WHOLE))
        sizes = {int(s): int(n) for s, n in manifest["sizes"].items()}
        return cls(whole, sizes, lambda slab: read_slab(folder, slab))


def _no_slabs(slab: int) -> Slab:
    raise KeyError(f"no slab {slab}: the search is one index")


WHOLE = "whole"
"""The folder, under a saved search's, of its whole index (``Neighbours.save``)."""


def write_manifest(folder: Path, sizes: dict[int, int], *, whole: int) -> None:
    """``folder``'s manifest, written last: the slabs' sizes and the size of the whole
    index saved under ``folder / WHOLE`` (0: none)."""
    text = json.dumps({"whole": whole, "sizes": {str(s): n for s, n in sorted(sizes.items())}})
    (folder / MANIFEST).write_text(text, encoding="utf-8")


def slab_path(folder: Path, slab: int) -> Path:
    """Where slab ``slab``'s file is under ``folder``."""
    return folder / f"slab-{slab}.npz"


def write_slab(folder: Path, slab: int, data: Slab) -> None:
    """Slab ``slab`` as one file under ``folder`` (float16 vectors, as the store keeps
    them: the values are float16-rounded already)."""
    with slab_path(folder, slab).open("wb") as handle:
        np.savez(handle, seqs=data.seqs, days=data.days, vectors=data.vectors.astype(np.float16))


def read_slab(folder: Path, slab: int) -> Slab:
    """What ``write_slab`` wrote."""
    with np.load(slab_path(folder, slab)) as data:
        return Slab(
            data["seqs"].astype(np.int64),
            data["days"].astype(np.int64),
            data["vectors"].astype(np.float32),
        )
