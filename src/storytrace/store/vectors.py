"""Nearest document vectors: a small protocol, an HNSW backend (usearch) and an exact one.

``usearch`` (HNSW, approximate, milliseconds a query at 100,000 vectors) is the default;
``exact`` (one matrix-vector product, no build cost) is there for small stores and for
measuring recall. The index file is derived from the ``doc_vectors`` table
(``vector_file``); ``IndexState`` says whether it matches. Figures and what was tried:
``docs/store.md``; ``bench/vector_index.py`` measures both backends.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, Protocol

import numpy as np
from numpy.typing import NDArray

from ..errors import ConfigError

IndexKind = Literal["usearch", "exact"]
INDEX_KINDS: tuple[IndexKind, ...] = ("usearch", "exact")


class VectorIndex(Protocol):
    """What the store needs from a vector index (keys are article rowids)."""

    kind: IndexKind

    def __len__(self) -> int: ...

    @property
    def max_key(self) -> int:
        """The largest key indexed, -1 when empty."""
        ...

    def add(self, keys: NDArray[np.int64], vectors: NDArray[np.float32]) -> None: ...

    def search(self, vector: NDArray[np.float32], k: int) -> list[tuple[int, float]]:
        """The ``k`` nearest keys with their cosine similarity, best first."""
        ...

    def search_many(
        self, vectors: NDArray[np.float32], k: int, *, expansion: int | None = None
    ) -> list[list[tuple[int, float]]]:
        """``search`` for every row of ``vectors`` (``expansion``: HNSW breadth, if any)."""
        ...

    def save(self, path: Path) -> None: ...


class ExactIndex:
    """Every vector in one float32 matrix; a search is one matrix-vector product."""

    kind: IndexKind = "exact"

    def __init__(self, dim: int) -> None:
        self.dim = dim
        self._keys = np.zeros(0, dtype=np.int64)
        self._vectors = np.zeros((0, dim), dtype=np.float32)
        self._pending: list[tuple[NDArray[np.int64], NDArray[np.float32]]] = []

    def _settle(self) -> None:
        if self._pending:
            self._keys = np.concatenate([self._keys, *(k for k, _ in self._pending)])
            self._vectors = np.concatenate([self._vectors, *(v for _, v in self._pending)])
            self._pending.clear()

    def __len__(self) -> int:
        return len(self._keys) + sum(len(k) for k, _ in self._pending)

    @property
    def max_key(self) -> int:
        self._settle()
        return int(self._keys.max()) if len(self._keys) else -1

    def add(self, keys: NDArray[np.int64], vectors: NDArray[np.float32]) -> None:
        self._pending.append((np.asarray(keys, np.int64), np.asarray(vectors, np.float32)))

    def search(self, vector: NDArray[np.float32], k: int) -> list[tuple[int, float]]:
        self._settle()
        if not len(self._keys):
            return []
        scores = self._vectors @ np.asarray(vector, np.float32)
        k = min(k, len(scores))
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top])]
        return [(int(self._keys[i]), float(scores[i])) for i in top]

    def search_many(
        self, vectors: NDArray[np.float32], k: int, *, expansion: int | None = None
    ) -> list[list[tuple[int, float]]]:
        self._settle()
        out: list[list[tuple[int, float]]] = []
        if not len(self._keys):
            return [[] for _ in range(len(vectors))]
        k = min(k, len(self._keys))
        for start in range(0, len(vectors), 256):
            scores = np.asarray(vectors[start : start + 256], np.float32) @ self._vectors.T
            top = np.argpartition(-scores, k - 1, axis=1)[:, :k]
            for row, cols in zip(scores, top, strict=True):
                cols = cols[np.argsort(-row[cols])]
                out.append([(int(self._keys[c]), float(row[c])) for c in cols])
        return out

    def save(self, path: Path) -> None:
        self._settle()
        tmp = path.with_name(path.name + ".tmp")
        with tmp.open("wb") as handle:
            np.savez(handle, keys=self._keys, vectors=self._vectors.astype(np.float16))
        os.replace(tmp, path)

    @classmethod
    def load(cls, path: Path, dim: int) -> ExactIndex:
        index = cls(dim)
        with np.load(path) as data:
            index._keys = data["keys"].astype(np.int64)
            index._vectors = data["vectors"].astype(np.float32)
        return index


_SEARCH_EXPANSION = 256
"""HNSW search breadth; set on every load, since the file keeps the build's setting."""


class UsearchIndex:
    """usearch's HNSW graph, cosine metric, vectors stored as float16."""

    kind: IndexKind = "usearch"

    def __init__(
        self, dim: int, *, threads: int = 1, connectivity: int = 16, expansion_add: int = 64
    ) -> None:
        try:
            from usearch.index import Index
        except ImportError as err:  # pragma: no cover - a core dependency
            raise ConfigError(
                "the usearch vector index needs the package 'usearch' (pip install usearch); "
                "or create the store with --index exact"
            ) from err
        self.dim = dim
        self.threads = threads
        # connectivity 16 (usearch's default) and expansion_add 64 (default 128): half the
        # build time (the batch builds a denser graph: batch.neighbours). expansion_search 256
        # (default 64): on the 100,000-article bench store the planted rewrite was among
        # a query's 21 nearest for 85% of rewrites at 64 and 95% at 256 (translations:
        # 90% -> 98%), for 4 ms more a query (p95 2.8 -> 6.8 ms); see _SEARCH_EXPANSION.
        self._index = Index(
            ndim=dim,
            metric="cos",
            dtype="f16",
            connectivity=connectivity,
            expansion_add=expansion_add,
            expansion_search=_SEARCH_EXPANSION,
        )

    def __len__(self) -> int:
        return len(self._index)

    @property
    def max_key(self) -> int:
        if not len(self._index):
            return -1
        return int(np.max(self._index.keys))

    def add(self, keys: NDArray[np.int64], vectors: NDArray[np.float32]) -> None:
        if len(keys):
            self._index.add(
                np.asarray(keys, np.uint64), np.asarray(vectors, np.float32), threads=self.threads
            )

    def search(self, vector: NDArray[np.float32], k: int) -> list[tuple[int, float]]:
        if not len(self._index):
            return []
        matches = self._index.search(np.asarray(vector, np.float32), k)
        return [
            (int(key), 1.0 - float(dist))
            for key, dist in zip(matches.keys, matches.distances, strict=True)
        ]

    def search_many(
        self, vectors: NDArray[np.float32], k: int, *, expansion: int | None = None
    ) -> list[list[tuple[int, float]]]:
        if not len(self._index):
            return [[] for _ in range(len(vectors))]
        previous = self._index.expansion_search
        if expansion is not None:
            self._index.expansion_search = expansion  # type: ignore[misc]
        try:
            matches = self._index.search(np.asarray(vectors, np.float32), k, threads=self.threads)
        finally:
            self._index.expansion_search = previous  # type: ignore[misc]
        keys = np.atleast_2d(matches.keys)
        distances = np.atleast_2d(matches.distances)
        counts = np.atleast_1d(getattr(matches, "counts", np.full(len(vectors), keys.shape[1])))
        return [
            [(int(keys[row, n]), 1.0 - float(distances[row, n])) for n in range(int(counts[row]))]
            for row in range(len(vectors))
        ]

    def save(self, path: Path) -> None:
        tmp = path.with_name(path.name + ".tmp")
        self._index.save(str(tmp))
        os.replace(tmp, path)

    @classmethod
    def load(cls, path: Path, dim: int) -> UsearchIndex:
        from usearch.index import Index

        restored = Index.restore(str(path), view=False)
        if restored is None:
            raise ValueError(f"{path}: not a usearch index")
        # usearch defines the setter apart from the getter, which mypy reads as read-only
        restored.expansion_search = _SEARCH_EXPANSION  # type: ignore[misc]
        index = cls(dim)
        index._index = restored
        return index


def new_index(kind: str, dim: int) -> VectorIndex:
    """An empty index of ``kind``."""
    if kind == "usearch":
        return UsearchIndex(dim)
    if kind == "exact":
        return ExactIndex(dim)
    raise ConfigError(f"unknown vector index {kind!r}; choose one of {', '.join(INDEX_KINDS)}")


def load_index(kind: str, path: Path, dim: int) -> VectorIndex:
    """The index saved at ``path`` (raises ``OSError``/``ValueError`` when unreadable)."""
    if kind == "usearch":
        return UsearchIndex.load(path, dim)
    if kind == "exact":
        return ExactIndex.load(path, dim)
    raise ConfigError(f"unknown vector index {kind!r}; choose one of {', '.join(INDEX_KINDS)}")


@dataclass(frozen=True, slots=True)
class IndexState:
    """How the index file compares with the vectors in the database."""

    status: Literal["ok", "missing", "behind", "invalid"]
    indexed: int
    stored: int

    @property
    def message(self) -> str:
        if self.status == "missing":
            return "the vector index file is missing"
        if self.status == "behind":
            return (
                f"the vector index is out of date ({self.indexed:,} of {self.stored:,} "
                "articles indexed)"
            )
        if self.status == "invalid":
            return "the vector index file does not match the store"
        return "the vector index is up to date"
