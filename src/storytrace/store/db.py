"""The SQLite connection of a store and the few helpers every table module shares.

One connection per ``Repository`` (autocommit mode, so transactions are explicit), one
way to write: ``atomic``, a ``BEGIN IMMEDIATE`` block that commits on success and rolls
back on any exception (a ``KeyboardInterrupt`` too), so a batch and everything derived
from it land together or not at all.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import sqlite3
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

IN_CHUNK = 500
"""Values per ``IN (...)`` list: SQLite caps the number of parameters of one statement."""


def connect(path: Path) -> sqlite3.Connection:
    """An autocommit connection that waits up to a minute for another writer."""
    db = sqlite3.connect(path, isolation_level=None, timeout=60.0, check_same_thread=False)
    db.execute("PRAGMA busy_timeout = 60000")
    return db


@contextlib.contextmanager
def atomic(db: sqlite3.Connection) -> Iterator[None]:
    """One write transaction for the block: committed when it ends, rolled back when it
    raises. ``IMMEDIATE`` takes the write lock up front, so a transaction never fails
    half-way because another connection wrote first."""
    db.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")


def select_in(db: sqlite3.Connection, sql: str, values: Sequence[Any]) -> Iterator[Any]:
    """Rows of ``sql``, whose ``{marks}`` stands for ``values``' placeholders, ``IN_CHUNK``
    values at a time."""
    items = list(values)
    for start in range(0, len(items), IN_CHUNK):
        chunk = items[start : start + IN_CHUNK]
        yield from db.execute(sql.format(marks=",".join("?" * len(chunk))), chunk)


def to_f16(vector: NDArray[np.float32]) -> bytes:
    """A vector as little-endian float16 bytes (half the space of float32)."""
    return np.asarray(vector, "<f2").tobytes()


def from_f16(blob: bytes) -> NDArray[np.float32]:
    """A vector stored by ``to_f16``, as float32."""
    return np.frombuffer(blob, dtype="<f2").astype(np.float32)


def now() -> str:
    """The current UTC time as stored in the database (ISO 8601, seconds)."""
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
