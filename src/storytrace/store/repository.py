"""The repository: every read and write of a store, and nothing else.

A store is an SQLite file (WAL, one writer at a time: ``lock.writer_lock``) and a vector
index file beside it (``vector_file``). ``Repository`` opens or creates one, applies the
migrations (``schema``), and offers a documented method for each read and write the
stages need: articles with their keys (persisted a batch at a time, atomically with
everything derived from them), the search keys of ``find``, the vector index, the
sentence-vector cache and, through ``stories``, the story tables. It computes nothing:
keys come from ``storytrace.keys``, and reading sources, ``find``, clustering and
comparing live in the stages above it (``storytrace.corpus`` ties them together).
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from .._version import __version__
from ..display import outlet_of
from ..errors import NotFound, StoreError
from ..fingerprint import signature_from_bytes, signature_to_bytes
from ..keys import ArticleKeys
from ..model import Article
from . import db as _db
from .lock import writer_lock
from .page_tables import PageTables, VersionRow
from .records import article_from_record, article_to_record
from .schema import MIGRATIONS, check_file, create, migrate, schema_version
from .story_tables import StoryTables
from .vector_file import VectorFile
from .vectors import IndexState, VectorIndex

SearchKeys = tuple[int, NDArray[np.uint32] | None, NDArray[np.int64] | None, Iterable[str]]
"""A row with what ``find`` looks it up by: MinHash signature, LSH band hashes, fact keys."""


@dataclass(frozen=True, slots=True)
class StoreSettings:
    """What a store fixes when it is created (its ``meta`` table), so that every key it
    holds was computed alike: encoder and dimension of the document vectors, index
    backend, MinHash permutations, LSH bands and rows, shingle and lead sizes."""

    encoder: str
    dim: int
    index: str
    num_perm: int
    bands: int
    rows: int
    shingle_k: int
    lead_sentences: int

    def to_meta(self) -> dict[str, str]:
        """The settings as ``meta`` rows."""
        return {
            "encoder": self.encoder,
            "dim": str(self.dim),
            "index": self.index,
            "num_perm": str(self.num_perm),
            "bands": str(self.bands),
            "rows": str(self.rows),
            "shingle_k": str(self.shingle_k),
            "lead_sentences": str(self.lead_sentences),
        }

    @classmethod
    def from_meta(cls, meta: dict[str, str]) -> StoreSettings:
        """The settings recorded in a store's ``meta`` rows."""
        return cls(
            encoder=meta["encoder"],
            dim=int(meta["dim"]),
            index=meta["index"],
            num_perm=int(meta["num_perm"]),
            bands=int(meta["bands"]),
            rows=int(meta["rows"]),
            shingle_k=int(meta.get("shingle_k", "5")),
            lead_sentences=int(meta.get("lead_sentences", "5")),
        )


REQUIRED_META = ("encoder", "dim", "index", "num_perm", "bands", "rows")
"""The ``meta`` rows a store cannot be read without."""


def is_writable(path: Path) -> bool:
    """Whether the store at ``path`` can be written: its file (when it exists) and its
    folder (the WAL side files and the lock file live there)."""
    folder_ok = _db.writable(path.parent)
    return folder_ok and (not path.exists() or _db.writable(path))


@dataclass(frozen=True, slots=True)
class StoredArticle:
    """A row of the store: its integer key and the article."""

    rowid: int
    article: Article


class Repository:
    """One store's database and vector index file (see the module docstring).

    Args:
        path: the SQLite file.
        new_settings: how to make the settings of a new store; None to refuse a path
            that is not a store yet. Called only when the store is created (or completed
            after an interrupted creation by an older version), before anything is written.
        read_only: open without ever writing (``db.connect``); a store that is not
            writable must be opened so.

    Raises:
        StoreError: the file is not a storytrace store, was written by a newer one, is
            damaged, or is read-only and ``read_only`` is False.
        NotFound: there is no store at ``path`` and ``new_settings`` is None.
    """

    def __init__(
        self,
        path: str | Path,
        *,
        new_settings: Callable[[], StoreSettings] | None = None,
        read_only: bool = False,
    ) -> None:
        self.path = Path(path)
        self.read_only = read_only
        """Whether this connection never writes."""
        try:
            self._db = self._open(new_settings)
        except sqlite3.Error as err:
            raise _db.store_error(self.path, err) from None
        try:
            self.settings = self._settings(new_settings)
            """What the store was created with (fixed for its lifetime)."""
        except BaseException as err:
            self._db.close()
            if isinstance(err, sqlite3.Error):
                raise _db.store_error(self.path, err) from None
            raise
        settings = self.settings
        self._vectors = VectorFile(self._db, self.index_path, settings.index, settings.dim)
        self.stories = StoryTables(self._db, self.path)
        """The story tables (evidence, links, edges, members)."""
        self.pages = PageTables(self._db)
        """The watched pages and their versions (``storytrace watch``)."""
        self._count, self._count_version = 0, -1

    def _open(self, new_settings: Callable[[], StoreSettings] | None) -> sqlite3.Connection:
        """The connection, the store made first when there is none (in one transaction,
        under the writer lock, so that two first opens at once make it once)."""
        if check_file(self.path):
            if not self.read_only and not is_writable(self.path):
                raise StoreError(
                    str(self.path),
                    "is read-only (the file or its folder is not writable): it cannot be "
                    "written to; find, stories, story and serve still read it",
                )
            return _db.connect(self.path, read_only=self.read_only)
        if new_settings is None or self.read_only:
            raise NotFound(f"{self.path}: no storytrace store here; create one with add")
        settings = new_settings()  # may load an encoder: before any lock or write
        meta = settings.to_meta() | {
            "created_by": f"storytrace {__version__}",
            "created_at": _db.now(),
        }
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with writer_lock(self.path):
            if check_file(self.path):  # made by another process while we waited
                return _db.connect(self.path)
            db = _db.connect(self.path)
            try:
                create(db, str(self.path), meta)
            except BaseException:
                db.close()
                raise
            return db

    def _settings(self, new_settings: Callable[[], StoreSettings] | None) -> StoreSettings:
        """The settings in ``meta``, after the missing migrations are applied; a store an
        older version left without settings is completed when ``new_settings`` is given."""
        version = schema_version(self._db, str(self.path))
        if version < len(MIGRATIONS):
            if self.read_only:
                raise StoreError(
                    str(self.path),
                    "was made by an older storytrace and must be upgraded before it can be "
                    "read; open it once with write access (storytrace reindex --db ...)",
                )
            migrate(self._db, str(self.path))
        self._db.execute("PRAGMA synchronous = NORMAL")
        meta = dict(self._db.execute("SELECT key, value FROM meta").fetchall())
        if not all(key in meta for key in REQUIRED_META):
            if new_settings is None or self.read_only:
                raise StoreError(
                    str(self.path),
                    "was left half-made (its creation was interrupted before its settings "
                    "were written); run storytrace add --db on it to complete it",
                )
            with writer_lock(self.path), _db.atomic(self._db):
                rows = new_settings().to_meta() | {"created_by": f"storytrace {__version__}"}
                self._db.executemany(
                    "INSERT OR IGNORE INTO meta (key, value) VALUES (?, ?)", rows.items()
                )
            meta = dict(self._db.execute("SELECT key, value FROM meta").fetchall())
        return StoreSettings.from_meta(meta)

    # --- lifecycle ------------------------------------------------------------------------

    def close(self) -> None:
        """Close the database (the vector index file is saved by the writers)."""
        self._db.close()

    def __enter__(self) -> Repository:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def index_path(self) -> Path:
        """The vector index file beside the database."""
        return self.path.with_name(self.path.name + f".{self.settings.index}")

    def writer_lock(
        self, on_wait: Callable[[str], None] | None = None, *, blocking: bool = True
    ) -> contextlib.AbstractContextManager[None]:
        """The store's writer lock (``lock.writer_lock``): hold it around every write that
        also touches the vector index file, as adding and reindexing do. Not
        ``blocking``: ``lock.LockBusy`` when another writer holds it."""
        return writer_lock(self.path, on_wait, blocking=blocking)

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        """One atomic write for the block (``db.atomic``); cached counts are checked again
        afterwards (this connection's own writes do not move ``data_version``)."""
        try:
            with _db.atomic(self._db):
                yield
        finally:
            self._forget_counts()

    def _forget_counts(self) -> None:
        """Recount rows and recheck the vector index on next use."""
        self._count_version = -1
        self._vectors.forget_state()

    def _data_version(self) -> int:
        return int(self._db.execute("PRAGMA data_version").fetchone()[0])

    # --- articles -------------------------------------------------------------------------

    def __len__(self) -> int:
        return int(self._db.execute("SELECT COUNT(*) FROM articles").fetchone()[0])

    def _article(self, record: bytes) -> Article:
        """A stored record as an Article; a record that cannot be read is damage."""
        try:
            return article_from_record(record)
        except (ValueError, KeyError, TypeError) as err:
            raise _db.store_error(
                self.path, sqlite3.DatabaseError(f"a damaged record: {err}")
            ) from err

    def cached_count(self) -> int:
        """``len(self)``, recounted only when the database changed (100,000 rows: ms)."""
        version = self._data_version()
        if self._count_version != version:
            self._count, self._count_version = len(self), version
        return self._count

    def get(self, article_id: str) -> StoredArticle:
        """The stored article with this id and its row.

        Raises:
            NotFound: no article has this id.
        """
        row = self._db.execute(
            "SELECT rowid, record FROM articles WHERE id = ?", (article_id,)
        ).fetchone()
        if row is None:
            raise NotFound(f"{self.path}: no article with id {article_id!r}")
        return StoredArticle(int(row[0]), self._article(row[1]))

    def articles_by_rowid(self, rowids: Sequence[int]) -> dict[int, Article]:
        """The stored articles of these rows (rows that do not exist are left out)."""
        sql = "SELECT rowid, record FROM articles WHERE rowid IN ({marks})"
        return {int(r): self._article(record) for r, record in _db.select_in(self._db, sql, rowids)}

    def rowid_of(self, store_key: str) -> int | None:
        """The row of the publication with this store key (``keys.store_key``), if stored."""
        row = self._db.execute(
            "SELECT rowid FROM articles WHERE store_key = ?", (store_key,)
        ).fetchone()
        return int(row[0]) if row else None

    def id_of(self, rowid: int) -> str | None:
        """The article id of a row, None when there is no such row."""
        row = self._db.execute("SELECT id FROM articles WHERE rowid = ?", (rowid,)).fetchone()
        return str(row[0]) if row else None

    def recent(self, limit: int, offset: int = 0) -> list[Article]:
        """The last ``limit`` articles added, newest first, after the ``offset`` newest."""
        rows = self._db.execute(
            "SELECT record FROM articles ORDER BY rowid DESC LIMIT ? OFFSET ?", (limit, offset)
        ).fetchall()
        return [self._article(r[0]) for r in rows]

    def ids(self) -> list[str]:
        """Every stored article id, in the order they were added."""
        return [r[0] for r in self._db.execute("SELECT id FROM articles ORDER BY rowid")]

    def iter_articles(self, *, batch: int = 500) -> Iterator[StoredArticle]:
        """Every stored article, in the order they were added, ``batch`` rows per query."""
        last = 0
        while True:
            rows = self._db.execute(
                "SELECT rowid, record FROM articles WHERE rowid > ? ORDER BY rowid LIMIT ?",
                (last, batch),
            ).fetchall()
            if not rows:
                return
            for rowid, record in rows:
                yield StoredArticle(int(rowid), self._article(record))
            last = int(rows[-1][0])

    def meta_of(self, rowids: Sequence[int]) -> dict[int, dict[str, Any]]:
        """Listing metadata of rows (id, title, published, outlet, lang, url), no record
        decoded; ``outlet`` is the URL's host when the source names none
        (``display.outlet_of``)."""
        sql = (
            "SELECT rowid, id, title, published, outlet, lang, url FROM articles"
            " WHERE rowid IN ({marks})"
        )
        return {
            int(row[0]): {
                "id": row[1],
                "title": row[2],
                "published": row[3],
                "outlet": outlet_of(row[4], row[6]),
                "lang": row[5],
                "url": row[6],
            }
            for row in _db.select_in(self._db, sql, rowids)
        }

    def stats(self) -> dict[str, Any]:
        """Counts and settings, for ``storytrace stats`` and the web UI."""
        languages = dict(
            self._db.execute("SELECT COALESCE(lang, '?'), COUNT(*) FROM articles GROUP BY 1")
        )
        return {
            "path": str(self.path),
            "articles": len(self),
            "languages": languages,
            "encoder": self.settings.encoder,
            "index": self.settings.index,
            "vector_index": self._vectors.state().status,
        }

    # --- writing articles -----------------------------------------------------------------

    def existing(self, store_keys: Sequence[str]) -> dict[str, str]:
        """Store key -> article id, for the keys already stored."""
        sql = "SELECT store_key, id FROM articles WHERE store_key IN ({marks})"
        return dict(_db.select_in(self._db, sql, store_keys))

    def store_keys_of_ids(self, ids: Sequence[str]) -> dict[str, tuple[str, str]]:
        """Id -> (store key, source) of the stored articles with one of ``ids``."""
        sql = "SELECT id, store_key, source FROM articles WHERE id IN ({marks})"
        return {r[0]: (r[1], r[2]) for r in _db.select_in(self._db, sql, ids)}

    def add_articles(self, articles: Sequence[Article], keys: Sequence[ArticleKeys]) -> list[int]:
        """Store new articles with their keys (record, signature, LSH bands, document
        vector, fact keys and their counts, story evidence) in one transaction: a crash
        loses the batch whole, never part of it. Returns their rows.

        The caller has checked that no store key or id is stored yet (``existing``,
        ``store_keys_of_ids``); a clash raises ``sqlite3.IntegrityError`` and stores nothing.
        """
        with self.transaction():
            return [self._add_row(a, k) for a, k in zip(articles, keys, strict=True)]

    def add_page_version(
        self, version: VersionRow, new: tuple[Article, ArticleKeys] | None = None
    ) -> int:
        """Record a version of a watched page in one transaction with its article when
        ``new`` (stored as ``add_articles`` stores it; ``version.article`` is then
        ignored), else with the stored article ``version.article``. Returns its row."""
        with self.transaction():
            rowid = self._add_row(*new) if new is not None else version.article
            self.pages.write_version(replace(version, article=rowid))
        return rowid

    def _add_row(self, article: Article, key: ArticleKeys) -> int:
        """One article with its keys (in the caller's transaction)."""
        rowid = self._insert_article(article, key.store_key)
        self.stories.write_evidence(rowid, key.evidence)
        self._insert_search_keys(rowid, key.signature, key.bands, key.fact_keys)
        self._db.execute(
            "INSERT INTO doc_vectors (article, vector) VALUES (?, ?)",
            (rowid, _db.to_f16(key.vector)),
        )
        if key.fact_keys:
            self._db.executemany(
                "INSERT INTO fact_df (key, n) VALUES (?, 1) "
                "ON CONFLICT(key) DO UPDATE SET n = n + 1",
                [(k,) for k in key.fact_keys],
            )
        return rowid

    def replace_search_keys(self, keys: Iterable[SearchKeys]) -> int:
        """Replace every signature, LSH band and fact key (and the fact counts) with
        ``keys``, in one transaction, consumed as it goes; returns how many rows."""
        done = 0
        df: dict[str, int] = {}
        with self.transaction():
            for table in ("signatures", "lsh", "fact_keys", "fact_df"):
                self._db.execute(f"DELETE FROM {table}")
            for rowid, signature, bands, facts in keys:
                facts = set(facts)
                self._insert_search_keys(rowid, signature, bands, facts)
                for k in facts:
                    df[k] = df.get(k, 0) + 1
                done += 1
            self._db.executemany("INSERT INTO fact_df (key, n) VALUES (?, ?)", df.items())
        return done

    def _insert_search_keys(
        self,
        rowid: int,
        signature: NDArray[np.uint32] | None,
        bands: NDArray[np.int64] | None,
        facts: Iterable[str],
    ) -> None:
        """What ``find`` looks an article up by: its MinHash signature and LSH bands (a
        body with no word has none) and its fact keys."""
        if signature is not None:
            self._db.execute(
                "INSERT INTO signatures (article, minhash) VALUES (?, ?)",
                (rowid, signature_to_bytes(signature)),
            )
        if bands is not None:
            self._db.executemany(
                "INSERT INTO lsh (band_hash, article) VALUES (?, ?)",
                [(int(h), rowid) for h in bands],
            )
        self._db.executemany(
            "INSERT OR IGNORE INTO fact_keys (key, article) VALUES (?, ?)",
            [(k, rowid) for k in facts],
        )

    def _insert_article(self, article: Article, store_key: str) -> int:
        cursor = self._db.execute(
            "INSERT INTO articles (id, store_key, content_hash, title, published, outlet, url,"
            " lang, source, format, sentences, added_at, record)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                article.id,
                store_key,
                article.content_hash,
                article.title,
                article.published.isoformat() if article.published else None,
                article.outlet,
                article.url,
                article.lang,
                article.source,
                article.format,
                len(article.sentences),
                _db.now(),
                article_to_record(article),
            ),
        )
        return int(cursor.lastrowid or 0)

    # --- search keys ----------------------------------------------------------------------

    def signatures_of(self, rowids: Sequence[int]) -> dict[int, NDArray[np.uint32]]:
        """The MinHash signatures of these rows (a row without one is left out)."""
        sql = "SELECT article, minhash FROM signatures WHERE article IN ({marks})"
        return {
            int(rowid): signature_from_bytes(blob, self.settings.num_perm)
            for rowid, blob in _db.select_in(self._db, sql, rowids)
        }

    def lsh_candidates(self, band_hashes: NDArray[np.int64]) -> set[int]:
        """The rows sharing at least one LSH band hash with ``band_hashes``."""
        marks = ",".join("?" * len(band_hashes))
        rows = self._db.execute(
            f"SELECT DISTINCT article FROM lsh WHERE band_hash IN ({marks})",
            [int(h) for h in band_hashes],
        )
        return {int(r[0]) for r in rows}

    def document_vectors_of(self, rowids: Sequence[int]) -> dict[int, NDArray[np.float32]]:
        """The document vectors of these rows."""
        sql = "SELECT article, vector FROM doc_vectors WHERE article IN ({marks})"
        return {
            int(rowid): _db.from_f16(blob) for rowid, blob in _db.select_in(self._db, sql, rowids)
        }

    def fact_counts(self, keys: Iterable[str], *, max_count: int) -> dict[str, int]:
        """How many articles hold each of ``keys``, for the keys at most ``max_count``
        hold (and at least one)."""
        wanted = list(keys)
        if not wanted:
            return {}
        marks = ",".join("?" * len(wanted))
        query = f"SELECT key, n FROM fact_df WHERE key IN ({marks}) AND n <= ?"
        return dict(self._db.execute(query, [*wanted, max_count]).fetchall())

    def fact_holders(self, keys: Iterable[str]) -> Iterator[tuple[str, int]]:
        """(key, row) for every article holding one of ``keys``."""
        wanted = list(keys)
        if not wanted:
            return iter(())
        marks = ",".join("?" * len(wanted))
        rows = self._db.execute(
            f"SELECT key, article FROM fact_keys WHERE key IN ({marks})", wanted
        )
        return ((str(key), int(rowid)) for key, rowid in rows)

    # --- the vector index -----------------------------------------------------------------

    def index_state(self) -> IndexState:
        """Whether the vector index file matches the vectors in the database."""
        return self._vectors.state()

    def vector_index(self) -> tuple[VectorIndex, IndexState]:
        """The vector index, caught up in memory with the database when it lagged, and the
        state found on disk (``vector_file.VectorFile.index``)."""
        return self._vectors.index(self._data_version())

    def sync_index(self) -> None:
        """Bring the vector index file up to date and save it (hold the writer lock)."""
        self._vectors.sync()

    def rebuild_index(self) -> None:
        """Build the vector index file again from every stored vector (hold the lock)."""
        self._vectors.rebuild()

    # --- the sentence-vector cache --------------------------------------------------------

    def cached_sentence_vectors(
        self, rowid: int, encoder: str, shape: tuple[int, int]
    ) -> NDArray[np.float32] | None:
        """Sentence vectors of a row by ``encoder`` kept earlier, when they have ``shape``
        (sentences, dimension); None otherwise."""
        row = self._db.execute(
            "SELECT vectors FROM sentence_vectors WHERE article = ? AND encoder = ?",
            (rowid, encoder),
        ).fetchone()
        if row is None:
            return None
        flat = _db.from_f16(row[0])
        return flat.reshape(shape) if flat.size == shape[0] * shape[1] else None

    def cache_sentence_vectors(
        self, rowid: int, encoder: str, vectors: NDArray[np.float32]
    ) -> None:
        """Keep a row's sentence vectors by ``encoder``; skipped while a writer holds the
        database (the cache is an optimisation only)."""
        with contextlib.suppress(sqlite3.OperationalError):
            self._db.execute(
                "INSERT OR IGNORE INTO sentence_vectors (article, encoder, vectors) "
                "VALUES (?, ?, ?)",
                (rowid, encoder, _db.to_f16(vectors)),
            )
