"""The vector index file beside the database, kept in step with the ``doc_vectors`` table.

The table is the truth; the file (``<db>.usearch`` or ``<db>.exact``) is derived and can
be missing, behind (a crash between a batch commit and the index save) or invalid.
Readers answer from every stored vector anyway (catching up in memory) and warn;
writers bring the file up to date and save it; ``rebuild`` starts it over.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import numpy as np

from .db import from_f16
from .vectors import IndexState, VectorIndex, load_index, new_index

LOAD_CHUNK = 5000
"""Vectors read from the table per query when filling an index."""


class VectorFile:
    """The index file of one store, loaded on first use.

    Args:
        db: the store's connection.
        path: the index file.
        kind: the index backend ("usearch" or "exact").
        dim: the dimension of the document vectors.
    """

    def __init__(self, db: sqlite3.Connection, path: Path, kind: str, dim: int) -> None:
        self.db, self.path, self.kind, self.dim = db, path, kind, dim
        self._index: VectorIndex | None = None
        self._state: IndexState | None = None
        self._state_version = -1

    def state(self) -> IndexState:
        """Whether the index (in memory, or else the file) matches the table."""
        stored, max_row = self.db.execute(
            "SELECT COUNT(*), COALESCE(MAX(article), -1) FROM doc_vectors"
        ).fetchone()
        if self._index is not None:
            indexed, max_key = len(self._index), self._index.max_key
        elif not self.path.exists():
            return IndexState("missing" if stored else "ok", 0, int(stored))
        else:
            try:
                index = load_index(self.kind, self.path, self.dim)
            except (OSError, ValueError, RuntimeError):
                return IndexState("invalid", 0, int(stored))
            self._index = index
            indexed, max_key = len(index), index.max_key
        if indexed == stored and max_key == max_row:
            return IndexState("ok", indexed, int(stored))
        if indexed < stored and max_key <= max_row:
            return IndexState("behind", indexed, int(stored))
        return IndexState("invalid", indexed, int(stored))

    def index(self, data_version: int) -> tuple[VectorIndex, IndexState]:
        """The index, caught up in memory with the table when it lagged, and the state
        found before catching up (so callers can warn and suggest ``reindex``).

        Checked once per ``data_version`` of the database (it moves when another
        connection writes), not on every query: counting 100,000 rows costs milliseconds.
        """
        if (
            self._state_version == data_version
            and self._index is not None
            and self._state is not None
        ):
            return self._index, self._state
        state = self.state()
        if state.status in ("missing", "invalid"):
            self._index = new_index("exact", self.dim)
            self._load_into(self._index, after=-1)
        elif state.status == "behind":
            assert self._index is not None
            self._load_into(self._index, after=self._index.max_key)
        if self._index is None:
            self._index = new_index(self.kind, self.dim)
        self._state, self._state_version = state, data_version
        return self._index, state

    def forget_state(self) -> None:
        """Check the state again on next use (after this connection's own writes, which
        do not move ``data_version``)."""
        self._state_version = -1

    def sync(self) -> None:
        """Bring the index up to date with the table and save the file (writers only)."""
        state = self.state()
        if state.status in ("missing", "invalid"):
            self._index = new_index(self.kind, self.dim)
            self._load_into(self._index, after=-1)
        else:
            if self._index is None:
                self._index = new_index(self.kind, self.dim)
            self._load_into(self._index, after=self._index.max_key)
        self._index.save(self.path)
        self.forget_state()

    def rebuild(self) -> None:
        """Delete the file and build it again from every stored vector (writers only)."""
        self._index = None
        if self.path.exists():
            self.path.unlink()
        self.sync()

    def _load_into(self, index: VectorIndex, *, after: int) -> None:
        while True:
            rows = self.db.execute(
                "SELECT article, vector FROM doc_vectors WHERE article > ? "
                "ORDER BY article LIMIT ?",
                (after, LOAD_CHUNK),
            ).fetchall()
            if not rows:
                return
            keys = np.array([r[0] for r in rows], dtype=np.int64)
            index.add(keys, np.stack([from_f16(r[1]) for r in rows]))
            after = int(keys[-1])
