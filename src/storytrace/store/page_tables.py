"""The page tables: watched URLs and the versions of each page, in SQL and nothing else.

``pages`` holds one row per fetched URL: its canonical URL, the validators of the last
answer (ETag, Last-Modified) for conditional requests, its status (``ok``, ``removed``
after a 404 or 410, ``failing``), failures, the time of the next retry and, for a
feed, its entry links.
``page_versions`` holds one row per version of a page (by canonical URL): the article
row that holds its text, the article row of the version before it, when it was first
seen, the fingerprint of its content (``watch.churn``) and what changed from the version
before (significance, change types, whether the page declared the change). Articles
are never deleted: a removed page keeps its versions. Writes run in the caller's
transaction (``Repository.transaction``).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass, fields

from .db import select_in


@dataclass(frozen=True, slots=True)
class PageRow:
    """One watched URL (see the module docstring)."""

    url: str
    canonical: str | None
    source: str
    etag: str | None = None
    last_modified: str | None = None
    status: str = "ok"
    http_status: int | None = None
    last_fetch: str | None = None
    last_change: str | None = None
    failures: int = 0
    next_retry: str | None = None
    error: str | None = None
    links: str | None = None
    """A feed's entry links as last read, one per line (fetched again on a 304)."""


@dataclass(frozen=True, slots=True)
class VersionRow:
    """One version of a page; ``article`` and ``previous`` are article rows."""

    seq: int
    canonical: str
    url: str
    source: str
    article: int
    previous: int | None
    first_seen: str
    fingerprint: str
    significance: float | None = None
    change_types: str = ""
    declared: bool | None = None


_PAGE_COLUMNS = tuple(f.name for f in fields(PageRow))
_VERSION_COLUMNS = ", ".join(f.name for f in fields(VersionRow))


@dataclass(frozen=True, slots=True)
class ChangeFilter:
    """Which updates a change feed lists: by watch source, host, change type, and a
    minimum significance (``watch.significance``)."""

    source: str | None = None
    host: str | None = None
    change_type: str | None = None
    min_significance: float = 0.0


class PageTables:
    """The page tables of one store (``Repository.pages``)."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db

    # --- pages --------------------------------------------------------------------------

    def page(self, url: str) -> PageRow | None:
        """The row of a fetched URL, if it was ever fetched."""
        row = self.db.execute(
            f"SELECT {', '.join(_PAGE_COLUMNS)} FROM pages WHERE url = ?", (url,)
        ).fetchone()
        return PageRow(*row) if row else None

    def save_page(self, page: PageRow) -> None:
        """Insert or replace a URL's row (in the caller's transaction)."""
        marks = ", ".join("?" for _ in _PAGE_COLUMNS)
        values = tuple(getattr(page, name) for name in _PAGE_COLUMNS)
        self.db.execute(
            f"INSERT OR REPLACE INTO pages ({', '.join(_PAGE_COLUMNS)}) VALUES ({marks})", values
        )

    # --- versions -----------------------------------------------------------------------

    def latest(self, canonical: str) -> VersionRow | None:
        """The latest version of a page."""
        row = self.db.execute(
            f"SELECT {_VERSION_COLUMNS} FROM page_versions WHERE canonical = ?"
            " ORDER BY seq DESC LIMIT 1",
            (canonical,),
        ).fetchone()
        return _version(row) if row else None

    def write_version(self, version: VersionRow) -> int:
        """Record a version (its ``seq`` is assigned); returns the new seq."""
        cursor = self.db.execute(
            "INSERT INTO page_versions (canonical, url, source, article, previous, first_seen,"
            " fingerprint, significance, change_types, declared)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                version.canonical,
                version.url,
                version.source,
                version.article,
                version.previous,
                version.first_seen,
                version.fingerprint,
                version.significance,
                version.change_types,
                None if version.declared is None else int(version.declared),
            ),
        )
        return int(cursor.lastrowid or 0)

    def versions(self, canonical: str) -> list[VersionRow]:
        """Every version of a page, oldest first."""
        rows = self.db.execute(
            f"SELECT {_VERSION_COLUMNS} FROM page_versions WHERE canonical = ? ORDER BY seq",
            (canonical,),
        )
        return [_version(r) for r in rows]

    def canonical_of(self, url_or_row: str | int) -> str | None:
        """The page a URL (fetched or canonical) or an article row is a version of."""
        if isinstance(url_or_row, int):
            sql = "SELECT canonical FROM page_versions WHERE article = ? ORDER BY seq DESC"
            row = self.db.execute(sql, (url_or_row,)).fetchone()
        else:
            row = self.db.execute(
                "SELECT canonical FROM page_versions WHERE canonical = ? OR url = ? LIMIT 1",
                (url_or_row, url_or_row),
            ).fetchone()
            if row is None:
                row = self.db.execute(
                    "SELECT canonical FROM pages WHERE url = ? AND canonical IS NOT NULL",
                    (url_or_row,),
                ).fetchone()
        return str(row[0]) if row else None

    def versions_beside(self, rowid: int) -> dict[int, int]:
        """Article row -> version order of every version of the page(s) the article
        ``rowid`` is a version of (empty when it is none)."""
        rows = self.db.execute(
            "SELECT article, seq FROM page_versions WHERE canonical IN"
            " (SELECT canonical FROM page_versions WHERE article = ?) ORDER BY seq",
            (rowid,),
        )
        order: dict[int, int] = {}
        for article, seq in rows:
            order.setdefault(int(article), int(seq))
        return order

    def updates_of(self, rowids: Sequence[int]) -> list[tuple[int, int]]:
        """(earlier, later) article rows of the updates whose later version is one of
        ``rowids`` (only forward links: a page reverted to an older text links back)."""
        sql = (
            "SELECT previous, article FROM page_versions WHERE previous IS NOT NULL"
            " AND previous < article AND article IN ({marks})"
        )
        return [(int(a), int(b)) for a, b in select_in(self.db, sql, rowids)]

    def changes(self, which: ChangeFilter, *, limit: int, offset: int = 0) -> list[VersionRow]:
        """Detected updates (versions with a predecessor), newest first, filtered."""
        sql = f"SELECT {_VERSION_COLUMNS} FROM page_versions WHERE previous IS NOT NULL"
        sql, params = _filtered(sql, which)
        sql += " ORDER BY seq DESC LIMIT ? OFFSET ?"
        rows = self.db.execute(sql, [*params, limit, offset])
        return [_version(r) for r in rows]

    def change_count(self, which: ChangeFilter) -> int:
        """How many updates ``changes`` lists with this filter."""
        sql, params = _filtered(
            "SELECT COUNT(*) FROM page_versions WHERE previous IS NOT NULL", which
        )
        return int(self.db.execute(sql, params).fetchone()[0])


def _filtered(sql: str, which: ChangeFilter) -> tuple[str, list[object]]:
    params: list[object] = []
    if which.source is not None:
        sql += " AND source = ?"
        params.append(which.source)
    if which.host is not None:
        # the host of an http(s) URL: between "//" and the next "/"
        sql += " AND (canonical LIKE ? OR canonical LIKE ?)"
        params += [f"http://{which.host}/%", f"https://{which.host}/%"]
    if which.change_type is not None:
        sql += " AND (',' || change_types || ',') LIKE ?"
        params.append(f"%,{which.change_type},%")
    if which.min_significance > 0:
        sql += " AND significance >= ?"
        params.append(which.min_significance)
    return sql, params


def _version(row: Sequence[object]) -> VersionRow:
    values = list(row)
    values[-1] = None if values[-1] is None else bool(values[-1])
    return VersionRow(*values)  # type: ignore[arg-type]
