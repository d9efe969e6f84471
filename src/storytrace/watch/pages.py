"""One watched page, fetched or read, turned into a version (``versions.record``).

``WebPages`` fetches through the polite fetcher with the validators of the last answer
(a 304 costs nothing), records a 404 or 410 as a removed page (its versions stay), backs
a failing URL off (``next_retry``) and reads a feed's entries' links. ``read_file`` does
the same for a local file: re-read only when its size or modification time changed.
Every outcome is written to ``pages``; every failure is an ``InputError`` naming the
page and the reason.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

from ..errors import InputError
from ..ingest.detect import detect_format
from ..ingest.feed import feed_links
from ..ingest.html import parse_html
from ..keys import Keyer
from ..model import Article
from ..options import ReadOptions
from ..pipeline import analyze, read_many
from ..store.db import now
from ..store.page_tables import PageRow
from ..store.repository import Repository
from .fetcher import Deferred, PoliteFetcher
from .report import PassReport
from .urls import canonical_url, page_key
from .versions import record

RETRY_BASE = 60.0
"""Seconds before a failing page is tried again, doubled with each failure (to a day)."""


@dataclass(slots=True)
class PageWork:
    """What pages need: the store, its keys, the fetcher, the pass's report and the
    writer lock (taken per page, so other writers interleave)."""

    repo: Repository
    keyer: Keyer
    fetcher: PoliteFetcher
    report: PassReport
    read_options: ReadOptions

    @contextmanager
    def timed(self, stage: str) -> Iterator[None]:
        start = time.perf_counter()
        try:
            yield
        finally:
            self.report.stage_seconds[stage] += time.perf_counter() - start

    def store(self, article: Article, *, canonical: str, url: str, source: str) -> None:
        """Record ``article`` as a version of ``canonical`` and count the outcome."""
        with self.timed("storing"), self.repo.writer_lock():
            done = record(
                self.repo, self.keyer, article, canonical=canonical, url=url, source=source
            )
        if done.seen == "new_page":
            self.report.new_pages += 1
        elif done.seen == "new_version":
            self.report.new_versions += 1
        else:
            self.report.unchanged += 1

    def save(self, page: PageRow) -> None:
        """Write a URL's fetch state. No writer lock: the lock guards writes that touch
        the vector index file with the database, and SQLite serialises the rest."""
        with self.repo.transaction():
            self.repo.pages.save_page(page)


class Removed(InputError):
    """The page answered 404 or 410: recorded as removed, its versions kept."""


def fetch_source(work: PageWork, url: str) -> tuple[list[str], list[InputError]]:
    """Fetch a watched URL: an article page is recorded; a feed gives the links of its
    entries to fetch next (when it answers 304: the links of its last answer, kept in
    its page row) and an error for each entry without one.

    Raises:
        InputError: the URL failed (the page row says so and when to retry).
    """
    got = _fetch(work, url, url)
    if got is None:  # 304, deferred
        page = work.repo.pages.page(url)
        return (page.links.splitlines() if page and page.links else []), []
    body, final, charset, headers = got
    if detect_format(body[:4096], final) == "feed":
        try:
            links, errors = _feed_links(body, url)
        except InputError as err:
            _failed(work, url, url, work.repo.pages.page(url), err.reason, 200)
            raise
        _saved(work, url, url, headers, status=200, links="\n".join(links))
        return links, errors
    _page(work, url, url, body, final, charset, headers)
    return [], []


def fetch_page(work: PageWork, url: str, source: str) -> None:
    """Fetch an article page and record it (see ``fetch_source``)."""
    got = _fetch(work, url, source)
    if got is not None:
        body, final, charset, headers = got
        _page(work, url, source, body, final, charset, headers)


def _fetch(
    work: PageWork, url: str, source: str
) -> tuple[bytes, str, str | None, dict[str, str]] | None:
    """The body of a changed page; None for a 304 or a deferred page.

    Raises:
        Removed: a 404 or 410 (recorded); InputError: any other failure (recorded).
    """
    old = work.repo.pages.page(url)
    if old is not None and old.next_retry and old.next_retry > now():
        work.report.deferred += 1
        return None
    try:
        with work.timed("fetching"):
            got = work.fetcher.get(
                url,
                source=url,
                etag=old.etag if old else None,
                last_modified=old.last_modified if old else None,
            )
    except Deferred:
        work.report.deferred += 1
        raise
    except InputError as err:
        _failed(work, url, source, old, err.reason, None)
        raise
    if got.status == 304:
        work.report.not_modified += 1
        _saved(work, url, source, got.headers, status=304, old=old)
        return None
    if got.status in (404, 410):
        work.report.removed += 1
        page = _base(url, source, old)
        work.save(replace(page, status="removed", http_status=got.status, last_fetch=now()))
        raise Removed(url, f"removed (HTTP {got.status}); its versions are kept")
    if got.status >= 400:
        reason = f"could not fetch {url}: HTTP {got.status}"
        _failed(work, url, source, old, reason, got.status)
        raise InputError(url, reason)
    return got.body, got.url, got.charset, dict(got.headers)


def _page(
    work: PageWork,
    url: str,
    source: str,
    body: bytes,
    final: str,
    charset: str | None,
    headers: dict[str, str],
) -> None:
    """Extract, analyse and record a fetched article page."""
    try:
        with work.timed("cleaning"):
            raw = parse_html(body, url, url=final, charset=charset)
        with work.timed("analysis"):
            article = analyze(raw)
    except InputError as err:
        _failed(work, url, source, work.repo.pages.page(url), err.reason, 200)
        raise
    canonical = page_key(final, raw.url)
    work.store(article, canonical=canonical, url=url, source=source)
    _saved(work, url, source, headers, status=200, canonical=canonical)


def _feed_links(body: bytes, url: str) -> tuple[list[str], list[InputError]]:
    """The links of a feed's entries, each once; an error for each entry without one.

    Raises:
        InputError: not a readable feed.
    """
    links: dict[str, None] = {}
    errors: list[InputError] = []
    for item in feed_links(body, url):
        if isinstance(item, InputError):
            errors.append(item)
        else:
            links[item] = None
    return list(links), errors


def read_file(work: PageWork, path: Path) -> list[InputError]:
    """Re-read a local file when its size or modification time changed; returns an
    error for each of its articles that could not be read."""
    url = path.resolve().as_uri()
    stat = path.stat()
    stamp = f"{stat.st_size}-{stat.st_mtime_ns}"
    old = work.repo.pages.page(url)
    if old is not None and old.etag == stamp:
        work.report.not_modified += 1
        return []
    errors: list[InputError] = []
    with work.timed("analysis"):
        articles = list(read_many([path], options=work.read_options, on_error=errors.append))
    for article in articles:
        where = article.source.removeprefix(str(path))
        canonical = canonical_url(article.url) if article.url else url + where
        work.store(article, canonical=canonical, url=url + where, source=str(path))
    page = _base(url, str(path), old)
    work.save(replace(page, etag=stamp, status="ok", last_fetch=now(), failures=0, error=None))
    work.report.failed += len(errors)
    return errors


def _base(url: str, source: str, old: PageRow | None) -> PageRow:
    return old if old is not None else PageRow(url=url, canonical=None, source=source)


def _saved(
    work: PageWork,
    url: str,
    source: str,
    headers: Mapping[str, str],
    *,
    status: int,
    old: PageRow | None = None,
    canonical: str | None = None,
    links: str | None = None,
) -> None:
    page = _base(url, source, old or work.repo.pages.page(url))
    etag, modified = headers.get("etag"), headers.get("last-modified")
    work.save(
        replace(
            page,
            canonical=canonical or page.canonical,
            etag=etag or page.etag,
            last_modified=modified or page.last_modified,
            status="ok",
            http_status=status,
            last_fetch=now(),
            last_change=now() if status == 200 and canonical else page.last_change,
            failures=0,
            next_retry=None,
            error=None,
            links=links if links is not None else page.links,
        )
    )


def _failed(
    work: PageWork, url: str, source: str, old: PageRow | None, reason: str, status: int | None
) -> None:
    work.report.failed += 1
    page = _base(url, source, old)
    failures = page.failures + 1
    wait = min(RETRY_BASE * 2 ** (failures - 1), 86400.0)
    retry = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=wait)
    work.save(
        replace(
            page,
            status="failing" if page.status != "removed" else "removed",
            http_status=status,
            last_fetch=now(),
            failures=failures,
            next_retry=retry.isoformat(timespec="seconds"),
            error=reason,
        )
    )
