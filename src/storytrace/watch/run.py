"""``storytrace watch``: read sources again and again, keeping every version of a page.

A source is a feed URL (RSS or Atom: each entry's link is fetched), an article URL, or
a local file or folder (re-read when a file changes). One pass visits every source in
order; a failing source or page is reported in one line (``on_error``) and the others go
on. Each page is recorded in its own transaction, so stopping (SIGINT, SIGTERM: the
``stop`` event) between two pages loses nothing, and a stop in the middle of one rolls
it back whole. Politeness lives in the fetcher (``watch.fetcher``).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from ..corpus import Store
from ..errors import ConfigError, InputError
from ..ingest.walk import iter_files
from ..options import ReadOptions
from .fetcher import PoliteFetcher, Politeness
from .pages import PageWork, fetch_page, fetch_source, read_file
from .report import PassReport


@dataclass(frozen=True, slots=True, kw_only=True)
class WatchOptions:
    """How to watch: the fetcher's politeness, seconds between passes, reading limits."""

    politeness: Politeness = field(default_factory=Politeness)
    every: float = 900.0
    read_options: ReadOptions = field(default_factory=ReadOptions)

    def __post_init__(self) -> None:
        if self.every <= 0:
            raise ConfigError(f"--every must be positive, got {self.every}s")


def is_url(source: str) -> bool:
    """Whether a source is an http(s) URL (else a local path)."""
    return source.lower().startswith(("http://", "https://"))


class Watcher:
    """Passes over ``sources`` into ``store`` (see the module docstring)."""

    def __init__(
        self,
        store: Store,
        sources: Sequence[str],
        options: WatchOptions,
        *,
        on_error: Callable[[InputError], None],
        stop: threading.Event | None = None,
    ) -> None:
        self.store, self.sources, self.options = store, list(sources), options
        self.on_error = on_error
        self.stop = stop or threading.Event()
        self.fetcher = PoliteFetcher(options.politeness, sleep=self._pause)

    def _pause(self, seconds: float) -> None:
        """Wait between two requests, but wake at once on ``stop``."""
        self.stop.wait(seconds)

    def run_pass(self) -> PassReport:
        """Visit every source once (until ``stop``); the vector index is synced after."""
        report = PassReport()
        start = time.perf_counter()
        work = PageWork(
            self.store.repository,
            self.store.keyer,
            self.fetcher,
            report,
            self.options.read_options,
        )
        for source in self.sources:
            if self.stop.is_set():
                break
            self._source(work, source)
        with self.store.repository.writer_lock():
            self.store.repository.sync_index()
        report.seconds = time.perf_counter() - start
        return report

    def run(self, on_pass: Callable[[PassReport], None]) -> None:
        """Pass after pass, ``every`` seconds apart, until ``stop`` is set."""
        while not self.stop.is_set():
            on_pass(self.run_pass())
            self.stop.wait(self.options.every)

    def _source(self, work: PageWork, source: str) -> None:
        if is_url(source):
            try:
                links, errors = fetch_source(work, source)
            except InputError as err:
                self.on_error(err)
                return
            for problem in errors:
                self.on_error(problem)
            for link in links:
                if self.stop.is_set():
                    return
                self._guarded(link, partial(fetch_page, work, link, source))
            return
        path = Path(source)
        if not path.exists():
            work.report.failed += 1
            self.on_error(InputError(source, "no such file or folder"))
            return
        files = [path] if path.is_file() else iter_files(path)
        for item in files:
            if self.stop.is_set():
                return
            if isinstance(item, InputError):
                work.report.failed += 1
                self.on_error(item)
                continue
            self._guarded(str(item), partial(self._file, work, item))

    def _file(self, work: PageWork, path: Path) -> None:
        for err in read_file(work, path):
            self.on_error(err)

    def _guarded(self, where: str, visit: Callable[[], None]) -> None:
        """One page: its failure is one line, and the pass goes on (an unexpected error
        too: it names the page and the exception; the page's transaction rolled back)."""
        try:
            visit()
        except InputError as err:
            self.on_error(err)
        except Exception as exc:  # the per-page boundary
            self.on_error(InputError(where, f"unexpected {type(exc).__name__}: {exc}"))
