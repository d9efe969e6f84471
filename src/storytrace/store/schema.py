"""The SQLite schema of a store, as named migrations recorded in the database.

A store is recognised by SQLite's ``application_id`` header field (set to ``STORE_ID``),
so any other SQLite file, or any file that is not SQLite at all, is refused before a
single byte is written. ``user_version`` holds the number of migrations applied; a store
written by a newer storytrace (more migrations than this one knows) is refused too.

A new store is made in one transaction (``create``: every migration and the ``meta``
rows), so an interruption leaves either a store or an empty SQLite file, which the next
opener makes again. On an existing store each missing migration runs in its own
transaction and is recorded in ``migrations`` with the time it ran, as in
``sqlite_utils.migrations``.

Layout (rowid = the article's integer key, used by every index):

- ``articles``: metadata columns for listing and filtering, and ``record``, the whole
  analysed article (``records.article_to_record``);
- ``signatures``: the MinHash signature (``<u4`` bytes) of each article;
- ``lsh``: one row per (article, band): the band's 64-bit hash, indexed, so a copy is
  found with one indexed lookup per band;
- ``doc_vectors``: the document vector (``<f2`` bytes); the vector index file beside the
  database is built from these and can always be rebuilt (``storytrace reindex``);
- ``fact_keys``: rare facts of each article (names, dated events, measured numbers) for
  fact blocking; ``fact_df`` keeps how many articles hold each key;
- ``sentence_vectors``: sentence vectors computed when a pair is verified, per encoder;
- ``meta``: settings fixed when the store was created (encoder, MinHash parameters);
- ``pages`` and ``page_versions``: watched URLs and the versions of each page
  (``store.page_tables``).
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Callable
from pathlib import Path

from ..errors import StoreError
from .db import atomic, now

STORE_ID = 0x53545254
"""``application_id`` of a storytrace store ("STRT")."""

_SQLITE_MAGIC = b"SQLite format 3\x00"

Migration = tuple[str, Callable[[sqlite3.Connection], None]]


def _run_script(db: sqlite3.Connection, script: str) -> None:
    """Run statements one by one: ``executescript`` would commit the open transaction."""
    for statement in script.split(";"):
        if statement.strip():
            db.execute(statement)


def _m001_initial(db: sqlite3.Connection) -> None:
    _run_script(
        db,
        """
        CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        CREATE TABLE articles (
            rowid INTEGER PRIMARY KEY,
            id TEXT NOT NULL UNIQUE,
            store_key TEXT NOT NULL UNIQUE,
            content_hash TEXT NOT NULL,
            title TEXT,
            published TEXT,
            outlet TEXT,
            url TEXT,
            lang TEXT,
            source TEXT NOT NULL,
            format TEXT NOT NULL,
            sentences INTEGER NOT NULL,
            added_at TEXT NOT NULL,
            record BLOB NOT NULL
        );
        CREATE INDEX articles_published ON articles(published);
        CREATE INDEX articles_content_hash ON articles(content_hash);
        CREATE TABLE signatures (article INTEGER PRIMARY KEY, minhash BLOB NOT NULL);
        CREATE TABLE lsh (band_hash INTEGER NOT NULL, article INTEGER NOT NULL);
        CREATE INDEX lsh_band_hash ON lsh(band_hash);
        CREATE INDEX lsh_article ON lsh(article);
        CREATE TABLE doc_vectors (article INTEGER PRIMARY KEY, vector BLOB NOT NULL);
        CREATE TABLE fact_keys (
            key TEXT NOT NULL, article INTEGER NOT NULL, PRIMARY KEY (key, article)
        ) WITHOUT ROWID;
        CREATE INDEX fact_keys_article ON fact_keys(article);
        CREATE TABLE fact_df (key TEXT PRIMARY KEY, n INTEGER NOT NULL) WITHOUT ROWID;
        CREATE TABLE sentence_vectors (
            article INTEGER NOT NULL, encoder TEXT NOT NULL, vectors BLOB NOT NULL,
            PRIMARY KEY (article, encoder)
        ) WITHOUT ROWID;
        """,
    )


def _m002_stories(db: sqlite3.Connection) -> None:
    """Stories (``storytrace.stories``): evidence and its document frequencies,
    candidate links with P(same event), verified edges, and each article's story and
    strong-link component."""
    _run_script(
        db,
        """
        CREATE TABLE story_evidence (article INTEGER PRIMARY KEY, keys BLOB NOT NULL);
        CREATE TABLE story_df (key TEXT PRIMARY KEY, n INTEGER NOT NULL) WITHOUT ROWID;
        CREATE TABLE story_links (
            a INTEGER NOT NULL, b INTEGER NOT NULL, p REAL NOT NULL, PRIMARY KEY (a, b)
        ) WITHOUT ROWID;
        CREATE INDEX story_links_b ON story_links(b);
        CREATE TABLE story_edges (
            a INTEGER NOT NULL, b INTEGER NOT NULL, relation TEXT NOT NULL,
            score REAL NOT NULL, direction TEXT NOT NULL, confidence REAL NOT NULL,
            PRIMARY KEY (a, b)
        ) WITHOUT ROWID;
        CREATE TABLE story_members (
            article INTEGER PRIMARY KEY, story INTEGER NOT NULL, component INTEGER NOT NULL
        );
        CREATE INDEX story_members_story ON story_members(story);
        CREATE INDEX story_members_component ON story_members(component);
        """,
    )


def _m003_story_similarity(db: sqlite3.Connection) -> None:
    """Each verified pair's ``relation.story_similarity`` (P(same event)), which the
    stories output shows; NULL for pairs verified before (or imported without it)."""
    db.execute("ALTER TABLE story_edges ADD COLUMN story_similarity REAL")


def _m004_pages(db: sqlite3.Connection) -> None:
    """Watched pages (``storytrace watch``): each URL's fetch state, and the versions of
    each page (by canonical URL), each an article linked to the version before it."""
    _run_script(
        db,
        """
        CREATE TABLE pages (
            url TEXT PRIMARY KEY, canonical TEXT, source TEXT NOT NULL,
            etag TEXT, last_modified TEXT, status TEXT NOT NULL, http_status INTEGER,
            last_fetch TEXT, last_change TEXT, failures INTEGER NOT NULL DEFAULT 0,
            next_retry TEXT, error TEXT, links TEXT
        );
        CREATE INDEX pages_canonical ON pages(canonical);
        CREATE TABLE page_versions (
            seq INTEGER PRIMARY KEY, canonical TEXT NOT NULL, url TEXT NOT NULL,
            source TEXT NOT NULL, article INTEGER NOT NULL, previous INTEGER,
            first_seen TEXT NOT NULL, fingerprint TEXT NOT NULL, significance REAL,
            change_types TEXT NOT NULL DEFAULT '', declared INTEGER
        );
        CREATE INDEX page_versions_canonical ON page_versions(canonical, seq);
        CREATE INDEX page_versions_article ON page_versions(article);
        """,
    )


MIGRATIONS: tuple[Migration, ...] = (
    ("001_initial", _m001_initial),
    ("002_stories", _m002_stories),
    ("003_story_similarity", _m003_story_similarity),
    ("004_pages", _m004_pages),
)
"""Every migration, in order; never edit or reorder one that has shipped."""


def check_file(path: Path) -> bool:
    """Whether ``path`` exists as a store; raises if it exists as something else.

    Reads only the header, so a foreign file is never opened for writing.

    Raises:
        StoreError: the file is not SQLite, or SQLite of another application.
    """
    if not path.exists() or path.stat().st_size == 0:
        return False
    if path.is_dir():
        raise StoreError(str(path), "is a folder, not a storytrace store")
    with path.open("rb") as handle:
        header = handle.read(100)
    if not header.startswith(_SQLITE_MAGIC) or len(header) < 100:
        raise StoreError(
            str(path),
            "is not a storytrace store (not an SQLite database; if it was a store, its "
            "header is damaged: restore it from your backup)",
        )
    app_id = int.from_bytes(header[68:72], "big")
    cookie = int.from_bytes(header[40:44], "big")
    if app_id != STORE_ID and _wal_beside(path):
        app_id, cookie = _header_through_wal(path)
    if app_id == 0 and cookie == 0:
        return False  # an SQLite file with no table yet: a store whose creation was cut off
    if app_id != STORE_ID:
        raise StoreError(
            str(path),
            "is an SQLite database of another application, not a storytrace store; "
            "give another path with --db",
        )
    return True


def _wal_beside(path: Path) -> bool:
    wal = path.with_name(path.name + "-wal")
    return wal.exists() and wal.stat().st_size > 0


def _header_through_wal(path: Path) -> tuple[int, int]:
    """``application_id`` and ``schema_version`` as SQLite sees them, log included.

    A store another process has just created and still holds open keeps its header in
    the WAL until a checkpoint: the file's own bytes still say 0. Opened read-only, so a
    foreign database is never written to.
    """
    try:
        with contextlib.closing(
            sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=5)
        ) as db:
            app_id = int(db.execute("PRAGMA application_id").fetchone()[0])
            return app_id, int(db.execute("PRAGMA schema_version").fetchone()[0])
    except sqlite3.Error:
        return 0, -1


def create(db: sqlite3.Connection, path: str, meta: dict[str, str]) -> bool:
    """Make a store of an empty SQLite file in one transaction: every migration and the
    ``meta`` rows; False when another process made it first. Hold the writer lock.

    Raises:
        StoreError: the file holds tables of another application.
    """
    db.execute("PRAGMA journal_mode = WAL")
    with atomic(db):
        if schema_version(db, path) > 0:
            return False
        if db.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()[0]:
            raise StoreError(path, "is an SQLite database of another application")
        db.execute(f"PRAGMA application_id = {STORE_ID}")
        db.execute("CREATE TABLE migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)")
        for name, run in MIGRATIONS:
            run(db)
            db.execute("INSERT INTO migrations (name, applied_at) VALUES (?, ?)", (name, now()))
        db.executemany("INSERT INTO meta (key, value) VALUES (?, ?)", meta.items())
        db.execute(f"PRAGMA user_version = {len(MIGRATIONS)}")
    # put the new header (application_id) into the file itself now, so that other
    # processes recognise the store from its first bytes
    db.execute("PRAGMA wal_checkpoint(PASSIVE)")
    return True


def schema_version(db: sqlite3.Connection, path: str) -> int:
    """The number of migrations applied.

    Raises:
        StoreError: the store was written by a newer storytrace.
    """
    version = int(db.execute("PRAGMA user_version").fetchone()[0])
    if version > len(MIGRATIONS):
        raise StoreError(
            path,
            f"was written by a newer storytrace (schema {version}, this version knows "
            f"{len(MIGRATIONS)}); upgrade storytrace to open it",
        )
    return version


def migrate(db: sqlite3.Connection, path: str) -> int:
    """Apply the missing migrations; returns how many were applied.

    Raises:
        StoreError: the store was written by a newer storytrace.
    """
    version = schema_version(db, path)
    applied = 0
    for number, (name, run) in enumerate(MIGRATIONS, start=1):
        if number <= version:
            continue
        with atomic(db):
            # another process may have migrated while we waited for the write lock
            if schema_version(db, path) >= number:
                continue
            if number == 1:
                db.execute(f"PRAGMA application_id = {STORE_ID}")
                db.execute(
                    "CREATE TABLE IF NOT EXISTS migrations "
                    "(name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)"
                )
            run(db)
            db.execute("INSERT INTO migrations (name, applied_at) VALUES (?, ?)", (name, now()))
            db.execute(f"PRAGMA user_version = {number}")
        applied += 1
    if applied:
        # put the new header (application_id) into the file itself now, so that other
        # processes recognise the store from its first bytes
        db.execute("PRAGMA wal_checkpoint(PASSIVE)")
    return applied
