"""The probability grids the aligner reads: the whole matrix, or a band for long texts.

``Dense`` holds every sentence pair (``UnitSimilarity.matrix``). ``Band`` holds only the
pairs near a coarse path: both texts cut into chunks of ``k`` sentences, chunk vectors
aligned by the same kind of monotonic programme, and each chunk of A given the B columns
of its path chunks and one chunk either side (Vecalign's coarse-to-fine search).
Measurements: docs/reliability.md, "Long diffs".
"""

from __future__ import annotations

import math

import numpy as np

from .similarity import UnitSimilarity

COARSE_CELLS = 4_000_000
"""Chunk pairs of the coarse programme; sets the chunk size of a long text."""

GAP_CELLS = 1_000_000
"""A gap between matched units of a banded alignment is scored whole up to this size."""

MOVED_CHUNKS = 3
"""B chunks searched for moved sentences per A chunk (the most similar, by chunk vector)."""

_NEG = -np.inf


def _top3(values: np.ndarray, axis: int) -> tuple[np.ndarray, np.ndarray]:
    """The three largest values along ``axis`` (any order) and their indexes; all of
    them when there are three or fewer. Rows of the result follow the other axis."""
    v = values if axis == 1 else values.T
    if v.shape[1] <= 3:
        idx = np.broadcast_to(np.arange(v.shape[1]), v.shape)
    else:
        idx = np.argpartition(v, v.shape[1] - 3, axis=1)[:, -3:]
    return np.take_along_axis(v, idx, axis=1), np.asarray(idx)


def outside_max(top: tuple[np.ndarray, np.ndarray], k: int, inside: range) -> float:
    """The largest of line ``k`` outside the indexes ``inside`` (at most two of them):
    among its three largest values one is always outside."""
    values, idx = top
    out = [float(v) for v, c in zip(values[k], idx[k], strict=True) if int(c) not in inside]
    return max(out) if out else _NEG


class Dense:
    """Every sentence pair: the exact aligner's grid."""

    exact = True

    def __init__(self, p: np.ndarray) -> None:
        self.p = p
        self.n, self.m = p.shape
        self._rows: tuple[np.ndarray, np.ndarray] | None = None
        self._cols: tuple[np.ndarray, np.ndarray] | None = None

    def span(self, r: int) -> tuple[int, int]:
        return 0, self.m

    def row_at(self, r: int, c0: int, c1: int) -> np.ndarray:
        """``p[r, c0:c1]``, zero outside the matrix."""
        out = np.zeros(c1 - c0)
        if 0 <= r < self.n:
            a, b = max(c0, 0), min(c1, self.m)
            if a < b:
                out[a - c0 : b - c0] = self.p[r, a:b]
        return out

    def value(self, r: int, c: int) -> float:
        return float(self.p[r, c])

    def top_row(self) -> tuple[np.ndarray, np.ndarray]:
        if self._rows is None:
            self._rows = _top3(self.p, 1)
        return self._rows

    def top_col(self) -> tuple[np.ndarray, np.ndarray]:
        if self._cols is None:
            self._cols = _top3(self.p, 0)
        return self._cols

    def rect(self, r0: int, r1: int, c0: int, c1: int) -> np.ndarray:
        return self.p[r0:r1, c0:c1]

    def above(
        self, threshold: float, rows: list[int], cols: list[int]
    ) -> list[tuple[float, int, int]]:
        """Pairs of ``rows`` x ``cols`` scoring over ``threshold``: (p, row, col)."""
        out: list[tuple[float, int, int]] = []
        if not rows or not cols:
            return out
        step = max(1, 1_000_000 // len(cols))
        for start in range(0, len(rows), step):
            part = rows[start : start + step]
            sub = self.p[np.ix_(part, cols)]
            for a, b in np.argwhere(sub > threshold):
                out.append((float(sub[a, b]), part[a], cols[b]))
        return out


class Band:
    """The pairs near a coarse path (see the module docstring): memory O((n + m) k)."""

    exact = False

    def __init__(self, sim: UnitSimilarity) -> None:
        self.sim = sim
        self.n, self.m = n, m = len(sim.a), len(sim.b)
        self.k = k = max(8, math.ceil(math.sqrt(n * m / COARSE_CELLS)))
        self.sides = sim.sides()
        self.va, self.vb = _chunks(sim.va, k), _chunks(sim.vb, k)
        self.spans = _band(self.va, self.vb, k, m)
        self.blocks: list[np.ndarray] = []
        col_v = np.full((m, 3), _NEG)
        col_i = np.zeros((m, 3), dtype=np.int64)
        row_v, row_i = [], []
        for chunk, (c0, c1) in enumerate(self.spans):
            rows = slice(chunk * k, min(n, chunk * k + k))
            block = sim.block(rows, slice(c0, c1), sides=self.sides)
            self.blocks.append(block)
            v, i = _top3(block, 1)
            row_v.append(v)
            row_i.append(i + c0)
            v, i = _top3(block, 0)
            merged_v = np.concatenate([col_v[c0:c1], v], axis=1)
            merged_i = np.concatenate([col_i[c0:c1], i + rows.start], axis=1)
            pick = np.argsort(-merged_v, axis=1, kind="stable")[:, :3]
            col_v[c0:c1] = np.take_along_axis(merged_v, pick, axis=1)
            col_i[c0:c1] = np.take_along_axis(merged_i, pick, axis=1)
        self._rows = (np.concatenate(row_v), np.concatenate(row_i))
        self._cols = (col_v, col_i)

    def span(self, r: int) -> tuple[int, int]:
        return self.spans[r // self.k]

    def row_at(self, r: int, c0: int, c1: int) -> np.ndarray:
        """``p[r, c0:c1]``, zero outside the band."""
        out = np.zeros(c1 - c0)
        if 0 <= r < self.n:
            s0, s1 = self.span(r)
            a, b = max(c0, s0), min(c1, s1)
            if a < b:
                out[a - c0 : b - c0] = self.blocks[r // self.k][r % self.k, a - s0 : b - s0]
        return out

    def value(self, r: int, c: int) -> float:
        return float(self.row_at(r, c, c + 1)[0])

    def top_row(self) -> tuple[np.ndarray, np.ndarray]:
        return self._rows

    def top_col(self) -> tuple[np.ndarray, np.ndarray]:
        return self._cols

    def rect(self, r0: int, r1: int, c0: int, c1: int) -> np.ndarray:
        """Scored whole up to ``GAP_CELLS``; a larger rectangle gives its band cells."""
        if (r1 - r0) * (c1 - c0) <= GAP_CELLS:
            return self.sim.block(slice(r0, r1), slice(c0, c1), sides=self.sides)
        return np.array([self.row_at(r, c0, c1) for r in range(r0, r1)]).reshape(r1 - r0, -1)

    def above(
        self, threshold: float, rows: list[int], cols: list[int]
    ) -> list[tuple[float, int, int]]:
        """Pairs of ``rows`` x ``cols`` over ``threshold`` in the band, and in the
        ``MOVED_CHUNKS`` B chunks closest to each A chunk (vectors of those sentences)."""
        found: dict[tuple[int, int], float] = {}
        free_a = np.zeros(self.n, dtype=bool)
        free_a[rows] = True
        free_b = np.zeros(self.m, dtype=bool)
        free_b[cols] = True
        for chunk, block in enumerate(self.blocks):
            r0, (c0, c1) = chunk * self.k, self.spans[chunk]
            mask = free_a[r0 : r0 + len(block), None] & free_b[None, c0:c1] & (block > threshold)
            for a, b in np.argwhere(mask):
                found[(r0 + int(a), c0 + int(b))] = float(block[a, b])
        if rows and cols:
            ca = _chunks(self.sim.va, self.k, free_a)
            cb = _chunks(self.sim.vb, self.k, free_b)
            for a_chunk in np.flatnonzero(np.abs(ca).sum(axis=1) > 0).tolist():
                scores = cb @ ca[a_chunk]
                for other in np.argsort(-scores, kind="stable")[:MOVED_CHUNKS].tolist():
                    if scores[other] <= 0:
                        continue
                    chunk = int(a_chunk)
                    r = slice(chunk * self.k, min(self.n, chunk * self.k + self.k))
                    c = slice(other * self.k, min(self.m, other * self.k + self.k))
                    block = self.sim.block(r, c, sides=self.sides)
                    mask = free_a[r, None] & free_b[None, c] & (block > threshold)
                    for a, b in np.argwhere(mask):
                        found[(r.start + int(a), c.start + int(b))] = float(block[a, b])
        return [(v, i, j) for (i, j), v in found.items()]


def _chunks(vectors: np.ndarray, k: int, keep: np.ndarray | None = None) -> np.ndarray:
    """Unit-length sums of every ``k`` consecutive vectors (float32), of those ``keep``
    marks only when given; zero stays zero. Summed a slice at a time (no copy of all)."""
    n = len(vectors)
    out = np.zeros((math.ceil(n / k), vectors.shape[1]), dtype=np.float32)
    step = k * 256
    for start in range(0, n, step):
        part = np.asarray(vectors[start : start + step], dtype=np.float32)
        if keep is not None:
            part = part * keep[start : start + step, None]
        out[start // k : start // k + math.ceil(len(part) / k)] = np.add.reduceat(
            part, np.arange(0, len(part), k), axis=0
        )
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    return np.asarray(np.divide(out, norms, out=np.zeros_like(out), where=norms > 0))


def _band(ca: np.ndarray, cb: np.ndarray, k: int, m: int) -> list[tuple[int, int]]:
    """Per chunk of A, the B columns ``[c0, c1)`` around the coarse path.

    The coarse programme: a chunk pair earns its cosine minus ``t``, a quarter of the way
    from the median chunk cosine (unrelated text) to 1, so unrelated chunks are skipped
    rather than matched; skips cost nothing.
    """
    big_n, big_m = len(ca), len(cb)
    cos = np.empty((big_n, big_m), dtype=np.float32)
    step = max(1, 1_000_000 // max(big_m, 1))
    for start in range(0, big_n, step):
        cos[start : start + step] = ca[start : start + step] @ cb.T
    median = float(np.median(cos[:: max(1, big_n // 200)]))
    t = median + 0.25 * (1.0 - median)
    steps = np.zeros((big_n + 1, big_m + 1), dtype=np.uint8)  # 0 up, 1 left, 2 diagonal
    best = np.zeros(big_m + 1)
    steps[0, 1:] = 1
    for i in range(1, big_n + 1):
        cand = best.copy()
        diag = np.full(big_m + 1, _NEG)
        diag[1:] = best[:-1] + (cos[i - 1] - t)
        use = diag > cand
        cand[use] = diag[use]
        new = np.maximum.accumulate(cand)
        row = np.where(use, 2, 0).astype(np.uint8)
        row[(new > cand)] = 1
        steps[i] = row
        best = new
    enter = np.full(big_n + 1, big_m)  # smallest path column at each coarse row
    leave = np.zeros(big_n + 1, dtype=np.int64)  # largest
    i, j = big_n, big_m
    while True:
        enter[i] = min(enter[i], j)
        leave[i] = max(leave[i], j)
        if i == 0 and j == 0:
            break
        s = steps[i, j] if i else 1
        i, j = (i - 1, j - 1) if s == 2 else (i - 1, j) if s == 0 else (i, j - 1)
    return [
        (max(0, (int(enter[c]) - 1) * k), min(m, (int(leave[c + 1]) + 1) * k)) for c in range(big_n)
    ]
