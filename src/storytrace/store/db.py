"""The SQLite connection of a store and the few helpers every table module shares.

One connection per ``Repository`` (autocommit mode, so transactions are explicit), one
way to write: ``atomic``, a ``BEGIN IMMEDIATE`` block that commits on success and rolls
back on any exception (a ``KeyboardInterrupt`` too), so a batch and everything derived
from it land together or not at all. Read-only connections (``mode=ro``, ``immutable``
when no side file can be made) and the one translation of SQLite and OS errors into
``StoreError`` (``store_error``) live here too; ``docs/reliability.md`` says why.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import os
import sqlite3
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..errors import StoreError

IN_CHUNK = 500
"""Values per ``IN (...)`` list: SQLite caps the number of parameters of one statement."""


def connect(path: Path, *, read_only: bool = False) -> sqlite3.Connection:
    """An autocommit connection that waits up to a minute for another writer.

    ``read_only``: SQLite's ``mode=ro``, and ``immutable=1`` when the folder cannot hold
    the WAL side files (a read-only share): SQLite then reads the file as it is, which
    is every committed article once the last writer closed it.
    """
    if not read_only:
        db = sqlite3.connect(path, isolation_level=None, timeout=60.0, check_same_thread=False)
        db.execute("PRAGMA busy_timeout = 60000")
        return db
    uri = path.resolve().as_uri() + "?mode=ro"
    side_files = all(path.with_name(path.name + s).exists() for s in ("-wal", "-shm"))
    if not (writable(path.parent) or side_files):
        uri += "&immutable=1"
    db = sqlite3.connect(uri, uri=True, isolation_level=None, timeout=60.0, check_same_thread=False)
    db.execute("PRAGMA busy_timeout = 60000")
    return db


def writable(path: Path) -> bool:
    """Whether ``path`` (a file or folder) may be written: permitted to this process and
    not marked read-only (no write bit: honoured even for root, who may write anyway)."""
    try:
        return os.access(path, os.W_OK) and bool(path.stat().st_mode & 0o222)
    except OSError:
        return False


DAMAGED_HINT = (
    "check it with: sqlite3 {path} 'PRAGMA integrity_check'; restore it from your backup "
    "(or copy out what is readable with sqlite3's .recover)"
)


def store_error(path: Path | str, err: BaseException) -> StoreError:
    """A SQLite or OS error met while using the store at ``path``, as one ``StoreError``
    that names the cause: damaged, disk full, read-only or not permitted, locked."""
    text = str(err)
    low = text.lower()
    if (isinstance(err, OSError) and err.errno == errno.ENOSPC) or "disk is full" in low:
        reason = f"the disk is full ({text}); nothing of the interrupted batch was kept"
    elif (
        isinstance(err, PermissionError)
        or (isinstance(err, OSError) and err.errno in (errno.EACCES, errno.EPERM, errno.EROFS))
        or "readonly" in low
        or "read-only" in low
    ):
        reason = (
            f"cannot write here ({text}): the store or its folder is read-only or not "
            "yours; reading commands (find, stories, story, serve) still work"
        )
    elif "unable to open" in low:
        reason = f"cannot be opened ({text}): check the permissions of the file and its folder"
    elif "locked" in low or "busy" in low:
        reason = f"is locked by another process ({text}); try again when it is done"
    elif isinstance(err, sqlite3.DatabaseError) or "malformed" in low:
        reason = f"is damaged ({text}); " + DAMAGED_HINT.format(path=path)
    else:
        reason = f"cannot be used: {text}"
    return StoreError(str(path), reason)


@contextlib.contextmanager
def atomic(db: sqlite3.Connection) -> Iterator[None]:
    """One write transaction for the block: committed when it ends, rolled back when it
    raises. ``IMMEDIATE`` takes the write lock up front, so a transaction never fails
    half-way because another connection wrote first."""
    db.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        # SQLite may have rolled back already (disk full, I/O error): a second ROLLBACK
        # would fail with "no transaction is active" and hide the cause
        if db.in_transaction:
            with contextlib.suppress(sqlite3.Error):
                db.execute("ROLLBACK")
        raise
    try:
        db.execute("COMMIT")
    except BaseException:
        if db.in_transaction:
            with contextlib.suppress(sqlite3.Error):
                db.execute("ROLLBACK")
        raise


def select_in(db: sqlite3.Connection, sql: str, values: Sequence[Any]) -> Iterator[Any]:
    """Rows of ``sql``, whose ``{marks}`` stands for ``values``' placeholders, ``IN_CHUNK``
    values at a time."""
    items = list(values)
    for start in range(0, len(items), IN_CHUNK):
        chunk = items[start : start + IN_CHUNK]
        # fetched whole: a generator left suspended on a cursor would touch the
        # connection again when collected, perhaps after it was closed
        yield from db.execute(sql.format(marks=",".join("?" * len(chunk))), chunk).fetchall()


def to_f16(vector: NDArray[np.float32]) -> bytes:
    """A vector as little-endian float16 bytes (half the space of float32)."""
    return np.asarray(vector, "<f2").tobytes()


def from_f16(blob: bytes) -> NDArray[np.float32]:
    """A vector stored by ``to_f16``, as float32."""
    return np.frombuffer(blob, dtype="<f2").astype(np.float32)


def now() -> str:
    """The current UTC time as stored in the database (ISO 8601, seconds)."""
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
