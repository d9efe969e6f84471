"""One writer at a time: an advisory lock file beside the database.

SQLite serialises transactions, but a store is more than its database: the vector index
file beside it is rewritten after a run of batches, and two writers would each save their
own copy. So ``add`` and ``reindex`` hold ``<db>.lock`` (``fcntl.flock``, released by
the kernel if the process dies); a second writer says it is waiting and waits.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Callable, Iterator
from pathlib import Path

from ..errors import StoreError


class LockBusy(StoreError):
    """Another writer holds the store's writer lock (only raised when not waiting)."""


@contextlib.contextmanager
def writer_lock(
    db_path: Path, on_wait: Callable[[str], None] | None = None, *, blocking: bool = True
) -> Iterator[None]:
    """Hold the store's writer lock for the block; calls ``on_wait`` once if it must wait.

    Raises:
        LockBusy: ``blocking`` is False and another writer holds the lock.
    """
    lock_path = db_path.with_name(db_path.name + ".lock")
    fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip() or "another process"
            if not blocking:
                raise LockBusy(
                    str(db_path), f"another storytrace process ({holder}) is writing"
                ) from None
            if on_wait is not None:
                on_wait(f"{db_path}: another storytrace process ({holder}) is writing; waiting")
            fcntl.flock(fd, fcntl.LOCK_EX)
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"pid {os.getpid()}".encode("ascii"), 0)
        yield
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)
