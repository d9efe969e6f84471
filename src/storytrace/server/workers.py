"""Blocking store work off the event loop: a pool of readers and one writer thread.

Why this shape:

- A ``Store`` wraps one SQLite connection and an in-memory vector index, and is not
  safe to use from two threads at once. Rather than one shared store behind a lock
  (every reader would wait for every other), each thread opens its **own** store on
  first use and keeps it (``threading.local``); SQLite in WAL mode lets those
  connections read side by side, and ``PRAGMA data_version`` (see
  ``Repository.vector_index``) tells each one when another connection wrote.
- **Writes go through one thread** (an executor of one worker): adds are queued and
  run one after another, so the server never has two writers of its own competing
  for the store's writer lock, and a slow add never holds up reads. The store's
  ``writer_lock`` still serialises the server against a ``storytrace add`` run from a
  shell (datasette's ``_execute_writes`` takes the same single-writer approach).
- The **readers are few** (``workers``, 2 by default, one per core here): a
  comparison is CPU work, so more threads than cores only queue behind the GIL, and
  a bounded pool means a burst of requests waits in line instead of starting a
  thread each. Comparisons of pasted texts run on the same pool, for the same reason.
- The event loop only awaits: nothing here ever blocks it.
- **Readers never write** (``read_only`` stores: SQLite ``mode=ro``), so no read waits
  for the write lock, and a store in a read-only folder is served. Bringing the stories
  up to date (a write) runs on the writer thread, never waits for another process's
  writer lock (``fresh``), and a reader waits for it ``stories_wait`` seconds at most,
  then reads what is stored. SQLite errors become ``StoreError`` (one line, the cause).
"""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import TypeVar

from ..corpus import Store, store_error
from ..errors import StoreError

T = TypeVar("T")


class StoreWorkers:
    """Runs functions of a store on reader threads or on the single writer thread.

    Args:
        path: the store; it must exist (the app creates it before building this).
        readers: how many reader threads.
    """

    def __init__(
        self, path: Path, *, readers: int = 2, read_only: bool = False, stories_wait: float = 2.0
    ) -> None:
        self.path = path
        self.read_only = read_only
        """Whether the store cannot be written (every write answers a ``StoreError``)."""
        self.stories_wait = stories_wait
        self._update: Future[None] | None = None
        self._readers = ThreadPoolExecutor(max_workers=readers, thread_name_prefix="st-read")
        self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="st-write")
        self._local = threading.local()
        self._opened: list[Store] = []
        self._lock = threading.Lock()
        self._closed = False

    def _store(self, *, read_only: bool = True) -> Store:
        """This thread's own store, opened on first use (read-only on reader threads)."""
        store: Store | None = getattr(self._local, "store", None)
        if store is None:
            if self.read_only and not read_only:
                raise StoreError(
                    str(self.path),
                    "is read-only (the file or its folder is not writable): this server "
                    "can only read it",
                )
            store = Store(self.path, create=False, read_only=read_only)
            self._local.store = store
            with self._lock:
                self._opened.append(store)
        return store

    async def read(self, work: Callable[[Store], T]) -> T:
        """``work(store)`` on a reader thread, with that thread's store."""
        return await self._run(self._readers, lambda: work(self._store()))

    async def write(self, work: Callable[[Store], T]) -> T:
        """``work(store)`` on the writer thread: writes run one at a time, in order."""
        return await self._run(self._writer, lambda: work(self._store(read_only=False)))

    async def fresh(self, work: Callable[[Store], T]) -> T:
        """``work(store)`` on a reader thread once the stories are brought up to date,
        or after ``stories_wait`` seconds, whichever comes first (see the docstring)."""
        if not self.read_only and not self._closed:
            with self._lock:
                if self._update is None or self._update.done():
                    self._update = self._writer.submit(self._guarded(self._update_stories))
                update = self._update
            with contextlib.suppress(TimeoutError, StoreError):
                await asyncio.wait_for(
                    asyncio.shield(asyncio.wrap_future(update)), timeout=self.stories_wait
                )
        return await self.read(work)

    def _update_stories(self) -> None:
        store = self._store(read_only=False)
        if store.repository.stories.pending():
            with contextlib.suppress(StoreError):  # another process is writing: later
                store.update_stories(blocking=False)

    def _guarded(self, work: Callable[[], T]) -> Callable[[], T]:
        def run() -> T:
            try:
                return work()
            except sqlite3.Error as err:
                raise store_error(self.path, err) from None

        return run

    async def compute(self, work: Callable[[], T]) -> T:
        """``work()`` (no store) on a reader thread: CPU work that must not block the loop."""
        return await self._run(self._readers, work)

    async def _run(self, pool: ThreadPoolExecutor, work: Callable[[], T]) -> T:
        if self._closed:
            raise RuntimeError("the server is shutting down")
        return await asyncio.get_running_loop().run_in_executor(pool, self._guarded(work))

    def close(self) -> None:
        """Wait for running work, then close every store the threads opened."""
        self._closed = True
        self._writer.shutdown(wait=True)
        self._readers.shutdown(wait=True)
        with self._lock:
            for store in self._opened:
                store.close()
            self._opened.clear()
