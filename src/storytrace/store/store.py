"""The embedded store: an SQLite file (WAL, one writer) and a vector index file beside it.

``Store(path)`` opens or creates a store; ``add`` ingests sources or articles in batches,
each committed atomically with everything derived from it (record, signature, LSH bands,
document vector, fact keys), so killing the process loses at most the batch in flight
and the database opens cleanly afterwards. ``find`` (``storytrace.store.find``) answers
from the same file. See ``schema`` for the tables.

Identity: an article is stored once. Its *store key* is a hash of its cleaned body and
the metadata that tells one publication from another (title, date, outlet, URL): adding
the same file twice is a no-op and says so, while the same text published by another
outlet is another article (a duplicate version of the first, which ``find`` lists). An
id given by the source (JSONL ``id``) is kept; otherwise the id is the store key's
first 16 hex digits (``pipeline.publication_hash``), stable across runs and machines.
Two different articles given the same id: the second is refused, naming both.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from .. import __version__
from .. import keys as _keys
from .._blas import one_blas_thread
from ..encode import DEFAULT_ENCODER, Encoder, get_encoder
from ..errors import ConfigError, InputError, NotFound
from ..facts.keys import fact_keys
from ..fingerprint import MinHasher, signature_from_bytes, signature_to_bytes
from ..lsh import BandHasher, optimal_params
from ..model import Article
from ..options import ReadOptions
from ..pipeline import publication_hash
from .lock import writer_lock
from .records import article_from_record, article_to_record
from .schema import check_file, migrate, schema_version
from .vectors import INDEX_KINDS, IndexState, VectorIndex, load_index, new_index

if TYPE_CHECKING:
    from ..find import FindResult
    from ..stories import Story
    from ..stories.update import StoriesReport

DEFAULT_PATH = Path("storytrace.db")
"""Where the CLI keeps its store unless ``--db`` says otherwise."""


@dataclass(frozen=True, slots=True, kw_only=True)
class StoreOptions:
    """Settings of a new store (fixed once it exists, recorded in ``meta``).

    Attributes:
        encoder: the encoder of document vectors; None for ``DEFAULT_ENCODER``.
        index: the vector index backend ("usearch" or "exact").
        num_perm: MinHash permutations.
        lsh_threshold: the word 5-gram Jaccard at which the LSH bands are tuned to
            catch a pair (0.4: light edits down to about 0.45 are caught 9 times in 10).
        batch_size: articles per committed batch.
    """

    encoder: str | None = None
    index: str = "usearch"
    num_perm: int = 128
    lsh_threshold: float = 0.4
    batch_size: int = 64

    def __post_init__(self) -> None:
        if self.index not in INDEX_KINDS:
            raise ConfigError(
                f"unknown vector index {self.index!r}; choose one of {', '.join(INDEX_KINDS)}"
            )
        if not 0.0 < self.lsh_threshold < 1.0:
            raise ConfigError(f"lsh_threshold must be between 0 and 1, got {self.lsh_threshold}")
        if self.batch_size < 1:
            raise ConfigError(f"batch_size must be at least 1, got {self.batch_size}")


@dataclass(slots=True)
class AddReport:
    """What one ``add`` did; ``duplicates`` lists (source, id already stored)."""

    added: int = 0
    duplicates: list[tuple[str, str]] = field(default_factory=list)
    failed: list[InputError] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def rate(self) -> float:
        """Articles read per second (added and duplicates)."""
        done = self.added + len(self.duplicates)
        return done / self.seconds if self.seconds else 0.0


@dataclass(frozen=True, slots=True)
class StoredArticle:
    """A row of the store: its integer key and the article."""

    rowid: int
    article: Article


def store_key(article: Article) -> str:
    """The identity of a publication (``pipeline.publication_hash``)."""
    published = article.published.isoformat() if article.published else None
    return publication_hash(article.body, article.title, published, article.outlet, article.url)


class Store:
    """An embedded storytrace store (see the module docstring).

    Args:
        path: the SQLite file; created (with its folder) when missing.
        options: settings for a new store; for an existing one, ``encoder`` and
            ``index`` must match what it was created with, or be None.
        create: False to refuse a path that is not a store yet.

    Raises:
        StoreError: the file is not a storytrace store, or was written by a newer one.
        NotFound: ``create`` is False and there is no store at ``path``.
        ConfigError: ``options`` contradict the store's settings.

    Examples:
        >>> with Store("storytrace.db") as store:  # doctest: +SKIP
        ...     store.add(["examples/"])
        ...     result = store.find("examples/seed-pair/a.txt")
    """

    def __init__(
        self,
        path: str | Path = DEFAULT_PATH,
        *,
        options: StoreOptions | None = None,
        create: bool = True,
    ) -> None:
        self.path = Path(path)
        exists = check_file(self.path)
        if not exists and not create:
            raise NotFound(f"{self.path}: no storytrace store here; create one with add")
        if not exists:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(
            self.path, isolation_level=None, timeout=60.0, check_same_thread=False
        )
        try:
            self._db.execute("PRAGMA busy_timeout = 60000")
            if schema_version(self._db, str(self.path)) == 0:
                with writer_lock(self.path):
                    self._db.execute("PRAGMA journal_mode = WAL")
                    migrate(self._db, str(self.path))
                    self._init_meta(options or StoreOptions())
            else:
                migrate(self._db, str(self.path))
            self._db.execute("PRAGMA synchronous = NORMAL")
            self.meta = self._read_meta()
            self._check_options(options)
        except BaseException:
            self._db.close()
            raise
        self.encoder_name: str = self.meta["encoder"]
        self.index_kind: str = self.meta["index"]
        self.dim = int(self.meta["dim"])
        self.hasher = MinHasher(num_perm=int(self.meta["num_perm"]), seed=1)
        self.bands = BandHasher(
            int(self.meta["bands"]), int(self.meta["rows"]), self.hasher.num_perm
        )
        self._encoder: Encoder | None = None
        self._index: VectorIndex | None = None
        self._index_state: IndexState | None = None
        self._index_state_version = -1
        self._count, self._count_version = 0, -1

    # --- lifecycle ------------------------------------------------------------------

    def close(self) -> None:
        """Close the database (the vector index file is saved by the writers)."""
        self._db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def index_path(self) -> Path:
        """The vector index file beside the database."""
        return self.path.with_name(self.path.name + f".{self.index_kind}")

    def _init_meta(self, options: StoreOptions) -> None:
        encoder = get_encoder(options.encoder or DEFAULT_ENCODER)
        bands, rows = optimal_params(options.lsh_threshold, options.num_perm)
        meta = {
            "encoder": encoder.name,
            "dim": str(encoder.dim),
            "index": options.index,
            "num_perm": str(options.num_perm),
            "bands": str(bands),
            "rows": str(rows),
            "shingle_k": str(_keys.SHINGLE_K),
            "lead_sentences": str(_keys.LEAD_SENTENCES),
            "created_by": f"storytrace {__version__}",
            "created_at": _now(),
        }
        self._db.execute("BEGIN IMMEDIATE")
        self._db.executemany("INSERT OR IGNORE INTO meta (key, value) VALUES (?, ?)", meta.items())
        self._db.execute("COMMIT")

    def _read_meta(self) -> dict[str, str]:
        return dict(self._db.execute("SELECT key, value FROM meta").fetchall())

    def _check_options(self, options: StoreOptions | None) -> None:
        if options is None:
            return
        if options.encoder is not None:
            wanted = get_encoder(options.encoder).name
            if wanted != self.meta["encoder"]:
                raise ConfigError(
                    f"{self.path} keeps document vectors of encoder {self.meta['encoder']!r}, "
                    f"not {wanted!r}; use another --db for another encoder"
                )
        if options.index != "usearch" and options.index != self.meta["index"]:
            raise ConfigError(
                f"{self.path} uses the {self.meta['index']!r} vector index, not "
                f"{options.index!r}; use another --db"
            )

    @property
    def encoder(self) -> Encoder:
        """The encoder of the store's document vectors, loaded on first use."""
        if self._encoder is None:
            self._encoder = get_encoder(self.encoder_name)
        return self._encoder

    # --- reading ----------------------------------------------------------------------

    def __len__(self) -> int:
        return int(self._db.execute("SELECT COUNT(*) FROM articles").fetchone()[0])

    def get(self, article_id: str) -> Article:
        """The stored article with this id.

        Raises:
            NotFound: no article has this id.
        """
        return self._get(article_id).article

    def _get(self, article_id: str) -> StoredArticle:
        row = self._db.execute(
            "SELECT rowid, record FROM articles WHERE id = ?", (article_id,)
        ).fetchone()
        if row is None:
            raise NotFound(f"{self.path}: no article with id {article_id!r}")
        return StoredArticle(int(row[0]), article_from_record(row[1]))

    def _select_in(self, sql: str, values: Sequence[Any]) -> Iterator[Any]:
        return select_in(self._db, sql, values)

    def _by_rowid(self, rowids: Sequence[int]) -> dict[int, Article]:
        sql = "SELECT rowid, record FROM articles WHERE rowid IN ({marks})"
        return {int(r): article_from_record(record) for r, record in self._select_in(sql, rowids)}

    def rowid_of(self, article: Article) -> int | None:
        """The row of this very publication when it is stored (by store key), else None."""
        row = self._db.execute(
            "SELECT rowid FROM articles WHERE store_key = ?", (store_key(article),)
        ).fetchone()
        return int(row[0]) if row else None

    def recent(self, limit: int) -> list[Article]:
        """The last ``limit`` articles added, newest first."""
        rows = self._db.execute(
            "SELECT record FROM articles ORDER BY rowid DESC LIMIT ?", (limit,)
        ).fetchall()
        return [article_from_record(r[0]) for r in rows]

    def ids(self) -> list[str]:
        """Every stored article id, in the order they were added."""
        return [r[0] for r in self._db.execute("SELECT id FROM articles ORDER BY rowid")]

    def iter_articles(self, *, batch: int = 500) -> Iterator[StoredArticle]:
        """Every stored article, in the order they were added."""
        last = 0
        while True:
            rows = self._db.execute(
                "SELECT rowid, record FROM articles WHERE rowid > ? ORDER BY rowid LIMIT ?",
                (last, batch),
            ).fetchall()
            if not rows:
                return
            for rowid, record in rows:
                yield StoredArticle(int(rowid), article_from_record(record))
            last = int(rows[-1][0])

    def stats(self) -> dict[str, Any]:
        """Counts and settings, for ``storytrace stats`` and the web UI."""
        languages = dict(
            self._db.execute("SELECT COALESCE(lang, '?'), COUNT(*) FROM articles GROUP BY 1")
        )
        return {
            "path": str(self.path),
            "articles": len(self),
            "languages": languages,
            "encoder": self.encoder_name,
            "index": self.index_kind,
            "vector_index": self.index_state().status,
        }

    # --- writing ----------------------------------------------------------------------

    def add(
        self,
        sources: Iterable[str | Path | Article],
        *,
        read_options: ReadOptions | None = None,
        on_error: Callable[[InputError], None] | None = None,
        on_progress: Callable[[AddReport], None] | None = None,
        on_wait: Callable[[str], None] | None = None,
        batch_size: int | None = None,
    ) -> AddReport:
        """Read and store every article of ``sources`` (paths, folders or Articles).

        Bad inputs are reported (``on_error``) and skipped; each batch of articles is
        committed in one transaction; the vector index file is brought up to date at
        the end. Holds the writer lock throughout (``on_wait`` hears if it must wait).
        """
        size = batch_size or StoreOptions().batch_size
        report = AddReport()
        start = time.perf_counter()

        def failed(err: InputError) -> None:
            report.failed.append(err)
            if on_error is not None:
                on_error(err)

        with writer_lock(self.path, on_wait), one_blas_thread():
            try:
                batch: list[Article] = []
                for article in _articles(sources, read_options, failed):
                    batch.append(article)
                    if len(batch) >= size:
                        self._write_batch(batch, report)
                        batch = []
                        report.seconds = time.perf_counter() - start
                        if on_progress is not None:
                            on_progress(report)
                if batch:
                    self._write_batch(batch, report)
                self._sync_index(save=True)
            finally:
                self._forget_counts()
        report.seconds = time.perf_counter() - start
        if on_progress is not None:
            on_progress(report)
        return report

    def _write_batch(self, articles: list[Article], report: AddReport) -> None:
        """Store one batch atomically (see the module docstring)."""
        fresh: list[tuple[str, Article]] = []
        seen: set[str] = set()
        for article in articles:
            key = store_key(article)
            if key in seen:
                report.duplicates.append((article.source, article.id or key[:16]))
                continue
            seen.add(key)
            fresh.append((key, article))
        if not fresh:
            return
        existing = self._existing([k for k, _ in fresh])
        todo: list[tuple[str, Article]] = []
        for key, article in fresh:
            if key in existing:
                report.duplicates.append((article.source, existing[key]))
            else:
                todo.append((key, article))
        if not todo:
            return
        taken = self._taken_ids([a.id for _, a in todo])
        ready: list[tuple[str, Article]] = []
        for key, article in todo:
            if article.id in taken:
                report.failed.append(
                    InputError(
                        article.source,
                        f"id {article.id!r} is already stored for a different article; "
                        "give this one another id",
                    )
                )
            else:
                taken.add(article.id)
                ready.append((key, article))
        if not ready:
            return
        from ..events import event_evidence
        from ..stories.update import write_evidence

        batch = [a for _, a in ready]
        evidence = [event_evidence(a) for a in batch]
        signatures = [_keys.signature(a, self.hasher) for a in batch]
        vectors = _keys.document_vectors(batch, self.encoder)
        # the evidence holds the article's fact keys: names (p:) and anchors
        fact_keys = [e.names | e.anchors for e in evidence]
        db = self._db
        db.execute("BEGIN IMMEDIATE")
        try:
            for (key, article), sig, vector, facts, story_evidence in zip(
                ready, signatures, vectors, fact_keys, evidence, strict=True
            ):
                rowid = self._insert_article(key, article)
                write_evidence(db, rowid, story_evidence)
                self._insert_keys(rowid, sig, facts)
                db.execute(
                    "INSERT INTO doc_vectors (article, vector) VALUES (?, ?)",
                    (rowid, vector.astype("<f2").tobytes()),
                )
                if facts:
                    db.executemany(
                        "INSERT INTO fact_df (key, n) VALUES (?, 1) "
                        "ON CONFLICT(key) DO UPDATE SET n = n + 1",
                        [(k,) for k in facts],
                    )
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        report.added += len(ready)

    def _insert_keys(
        self, rowid: int, signature: NDArray[np.uint32] | None, facts: Iterable[str]
    ) -> None:
        """What ``find`` looks an article up by: its MinHash signature and LSH bands (a
        body with no word has none) and its fact keys."""
        db = self._db
        if signature is not None:
            db.execute(
                "INSERT INTO signatures (article, minhash) VALUES (?, ?)",
                (rowid, signature_to_bytes(signature)),
            )
            bands = self.bands.hashes(signature[None, :])[0].astype(np.int64)
            db.executemany(
                "INSERT INTO lsh (band_hash, article) VALUES (?, ?)",
                [(int(h), rowid) for h in bands],
            )
        db.executemany(
            "INSERT OR IGNORE INTO fact_keys (key, article) VALUES (?, ?)",
            [(k, rowid) for k in facts],
        )

    def _insert_article(self, key: str, article: Article) -> int:
        cursor = self._db.execute(
            "INSERT INTO articles (id, store_key, content_hash, title, published, outlet, url,"
            " lang, source, format, sentences, added_at, record)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                article.id,
                key,
                article.content_hash,
                article.title,
                article.published.isoformat() if article.published else None,
                article.outlet,
                article.url,
                article.lang,
                article.source,
                article.format,
                len(article.sentences),
                _now(),
                article_to_record(article),
            ),
        )
        return int(cursor.lastrowid or 0)

    def _existing(self, keys: list[str]) -> dict[str, str]:
        sql = "SELECT store_key, id FROM articles WHERE store_key IN ({marks})"
        return dict(self._select_in(sql, keys))

    def _taken_ids(self, ids: list[str]) -> set[str]:
        return {r[0] for r in self._select_in("SELECT id FROM articles WHERE id IN ({marks})", ids)}

    # --- the vector index ------------------------------------------------------------

    def index_state(self) -> IndexState:
        """Whether the vector index file matches the vectors in the database."""
        stored, max_row = self._db.execute(
            "SELECT COUNT(*), COALESCE(MAX(article), -1) FROM doc_vectors"
        ).fetchone()
        if self._index is not None:
            indexed, max_key = len(self._index), self._index.max_key
        elif not self.index_path.exists():
            return IndexState("missing" if stored else "ok", 0, int(stored))
        else:
            try:
                index = load_index(self.index_kind, self.index_path, self.dim)
            except (OSError, ValueError, RuntimeError):
                return IndexState("invalid", 0, int(stored))
            self._index = index
            indexed, max_key = len(index), index.max_key
        if indexed == stored and max_key == max_row:
            return IndexState("ok", indexed, int(stored))
        if indexed < stored and max_key <= max_row:
            return IndexState("behind", indexed, int(stored))
        return IndexState("invalid", indexed, int(stored))

    def vector_index(self) -> tuple[VectorIndex, IndexState]:
        """The vector index, caught up in memory with the database when it lagged.

        Returns the state found on disk, so callers can warn (and suggest ``reindex``)
        while still answering from every stored vector. Checked once per change of the
        database (``PRAGMA data_version`` tells when another connection wrote), not on
        every query: counting 100,000 rows costs milliseconds.
        """
        version = int(self._db.execute("PRAGMA data_version").fetchone()[0])
        fresh = self._index_state_version == version
        if fresh and self._index is not None and self._index_state is not None:
            return self._index, self._index_state
        state = self.index_state()
        if state.status in ("missing", "invalid"):
            self._index = new_index("exact", self.dim)
            self._load_vectors_into(self._index, after=-1)
        elif state.status == "behind":
            assert self._index is not None
            self._load_vectors_into(self._index, after=self._index.max_key)
        if self._index is None:
            self._index = new_index(self.index_kind, self.dim)
        self._index_state, self._index_state_version = state, version
        return self._index, state

    def _load_vectors_into(self, index: VectorIndex, *, after: int) -> None:
        while True:
            rows = self._db.execute(
                "SELECT article, vector FROM doc_vectors WHERE article > ? "
                "ORDER BY article LIMIT 5000",
                (after,),
            ).fetchall()
            if not rows:
                return
            keys = np.array([r[0] for r in rows], dtype=np.int64)
            vectors = np.stack([_from_f16(r[1]) for r in rows])
            index.add(keys, vectors)
            after = int(keys[-1])

    def _sync_index(self, *, save: bool) -> None:
        """Bring the index up to date with the database and save it (writers only)."""
        state = self.index_state()
        if state.status in ("missing", "invalid"):
            self._index = new_index(self.index_kind, self.dim)
            self._load_vectors_into(self._index, after=-1)
        else:
            if self._index is None:
                self._index = new_index(self.index_kind, self.dim)
            self._load_vectors_into(self._index, after=self._index.max_key)
        if save:
            self._index.save(self.index_path)

    def reindex(
        self,
        *,
        on_progress: Callable[[int, int], None] | None = None,
        on_wait: Callable[[str], None] | None = None,
    ) -> int:
        """Rebuild every index (signatures, LSH bands, fact keys, vector file) from the
        stored articles and their document vectors; returns how many were indexed."""
        total = len(self)
        done = 0
        with writer_lock(self.path, on_wait), one_blas_thread():
            db = self._db
            db.execute("BEGIN IMMEDIATE")
            try:
                db.execute("DELETE FROM signatures")
                db.execute("DELETE FROM lsh")
                db.execute("DELETE FROM fact_keys")
                db.execute("DELETE FROM fact_df")
                df: dict[str, int] = {}
                for stored in self.iter_articles():
                    rowid, article = stored.rowid, stored.article
                    facts = fact_keys(article)
                    self._insert_keys(rowid, _keys.signature(article, self.hasher), facts)
                    for k in facts:
                        df[k] = df.get(k, 0) + 1
                    done += 1
                    if on_progress is not None and done % 500 == 0:
                        on_progress(done, total)
                db.executemany("INSERT INTO fact_df (key, n) VALUES (?, ?)", df.items())
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise
            self._index = None
            if self.index_path.exists():
                self.index_path.unlink()
            self._sync_index(save=True)
            self._forget_counts()
        if on_progress is not None:
            on_progress(done, total)
        return done

    # --- helpers for find -------------------------------------------------------------

    def signatures_of(self, rowids: Sequence[int]) -> dict[int, NDArray[np.uint32]]:
        sql = "SELECT article, minhash FROM signatures WHERE article IN ({marks})"
        return {
            int(rowid): signature_from_bytes(blob, self.hasher.num_perm)
            for rowid, blob in self._select_in(sql, rowids)
        }

    def lsh_candidates(self, signature: NDArray[np.uint32]) -> set[int]:
        bands = self.bands.hashes(signature[None, :])[0].astype(np.int64)
        marks = ",".join("?" * len(bands))
        rows = self._db.execute(
            f"SELECT DISTINCT article FROM lsh WHERE band_hash IN ({marks})",
            [int(h) for h in bands],
        )
        return {int(r[0]) for r in rows}

    def document_vectors_of(self, rowids: Sequence[int]) -> dict[int, NDArray[np.float32]]:
        sql = "SELECT article, vector FROM doc_vectors WHERE article IN ({marks})"
        return {int(rowid): _from_f16(blob) for rowid, blob in self._select_in(sql, rowids)}

    def fact_candidates(
        self, keys: set[str], *, max_df: int, exclude: int | None
    ) -> dict[int, float]:
        """Articles sharing rare fact keys with weights: sum of log(N / df) per key."""
        if not keys:
            return {}
        total = max(self._cached_count(), 1)
        marks = ",".join("?" * len(keys))
        query = f"SELECT key, n FROM fact_df WHERE key IN ({marks}) AND n <= ?"
        rare: dict[str, int] = dict(self._db.execute(query, [*keys, max_df]).fetchall())
        if not rare:
            return {}
        weight = {key: float(np.log(total / n)) for key, n in rare.items() if n}
        scores: dict[int, float] = {}
        marks = ",".join("?" * len(rare))
        rows = self._db.execute(
            f"SELECT key, article FROM fact_keys WHERE key IN ({marks})", list(rare)
        )
        for key, rowid in rows:
            if rowid != exclude:
                scores[rowid] = scores.get(rowid, 0.0) + weight.get(key, 0.0)
        return scores

    def _forget_counts(self) -> None:
        """After our own writes: ``data_version`` only moves for other connections'."""
        self._count_version = self._index_state_version = -1

    def _cached_count(self) -> int:
        """``len(self)``, recounted only when the database changed (100,000 rows: ms)."""
        version = int(self._db.execute("PRAGMA data_version").fetchone()[0])
        if self._count_version != version:
            self._count, self._count_version = len(self), version
        return self._count

    def meta_of(self, rowids: Sequence[int]) -> dict[int, dict[str, Any]]:
        """Listing metadata of rows (no record decoding)."""
        sql = (
            "SELECT rowid, id, title, published, outlet, lang FROM articles"
            " WHERE rowid IN ({marks})"
        )
        return {
            int(row[0]): {
                "id": row[1],
                "title": row[2],
                "published": row[3],
                "outlet": row[4],
                "lang": row[5],
            }
            for row in self._select_in(sql, rowids)
        }

    def sentence_vectors(
        self, rowid: int | None, article: Article, encoder: str
    ) -> NDArray[np.float32]:
        """Sentence vectors of an article for ``encoder``, cached in the store."""
        enc = get_encoder(encoder)
        # lexical vectors are cheap and memoised by the encoder: never kept in the store
        cached = rowid is not None and enc.name != "lexical"
        if cached:
            row = self._db.execute(
                "SELECT vectors FROM sentence_vectors WHERE article = ? AND encoder = ?",
                (rowid, enc.name),
            ).fetchone()
            if row is not None:
                flat = _from_f16(row[0])
                if flat.size == len(article.sentences) * enc.dim:
                    return flat.reshape(len(article.sentences), enc.dim)
        vectors = enc.encode([s.text for s in article.sentences])
        if cached:
            # a writer may hold the database; the cache is an optimisation only
            with contextlib.suppress(sqlite3.OperationalError):
                self._db.execute(
                    "INSERT OR IGNORE INTO sentence_vectors (article, encoder, vectors) "
                    "VALUES (?, ?, ?)",
                    (rowid, enc.name, np.asarray(vectors, "<f2").tobytes()),
                )
        return vectors

    # --- stories ----------------------------------------------------------------------

    def update_stories(
        self,
        *,
        rebuild: bool = False,
        on_progress: Callable[[int, int], None] | None = None,
        on_wait: Callable[[str], None] | None = None,
    ) -> StoriesReport:
        """Put every article not yet in a story into one (``storytrace.store.stories``);
        ``rebuild`` re-links and re-clusters everything. Returns a ``StoriesReport``."""
        from ..stories.update import update_stories

        with writer_lock(self.path, on_wait), one_blas_thread():
            try:
                return update_stories(self, rebuild=rebuild, on_progress=on_progress)
            finally:
                self._forget_counts()

    def _stories_pending(self) -> bool:
        row = self._db.execute(
            "SELECT 1 FROM articles WHERE rowid NOT IN (SELECT article FROM story_members) LIMIT 1"
        ).fetchone()
        return row is not None

    def stories(
        self,
        since: dt.date | None = None,
        *,
        limit: int | None = None,
        min_size: int = 1,
        update: bool = True,
    ) -> list[Story]:
        """The stories, largest first (``Story`` values, see ``storytrace.stories``).

        Args:
            since: only stories with an article published on or after this date.
            limit: at most this many.
            min_size: only stories of at least this many articles.
            update: first cluster the articles added since the last call.
        """
        from ..stories.update import load_story, story_ids

        if update and self._stories_pending():
            self.update_stories()
        keys = story_ids(self._db, since=since, min_size=min_size)
        if limit is not None:
            keys = keys[:limit]
        return [load_story(self, key) for key in keys]

    def story(self, story_id: str, *, update: bool = True) -> Story:
        """One story, by its id or the id of any of its articles.

        Raises:
            NotFound: no article has this id.
        """
        from ..stories.update import load_story, story_key

        if update and self._stories_pending():
            self.update_stories()
        return load_story(self, story_key(self, story_id))

    def find(self, query: str | Path | Article, **options: Any) -> FindResult:
        """The stored versions of ``query`` (an Article, a path or a stored id).

        See ``storytrace.store.find.find`` for the options and the method.
        """
        from ..find import FindOptions, find

        return find(self, query, options=FindOptions(**options))


def _articles(
    sources: Iterable[str | Path | Article],
    read_options: ReadOptions | None,
    on_error: Callable[[InputError], None],
) -> Iterator[Article]:
    from ..pipeline import read_many

    paths: list[str | Path] = []
    for source in sources:
        if isinstance(source, Article):
            if paths:
                yield from read_many(paths, options=read_options, on_error=on_error)
                paths = []
            yield source
        else:
            paths.append(source)
    if paths:
        yield from read_many(paths, options=read_options, on_error=on_error)


def select_in(db: sqlite3.Connection, sql: str, values: Sequence[Any]) -> Iterator[Any]:
    """Rows of ``sql``, whose ``{marks}`` stands for ``values``' placeholders, 500 values
    at a time (SQLite caps the number of parameters of one statement)."""
    for chunk in _chunks(list(values), 500):
        marks = ",".join("?" * len(chunk))
        yield from db.execute(sql.format(marks=marks), chunk)


def _from_f16(blob: bytes) -> NDArray[np.float32]:
    """A vector stored as little-endian float16 (half the space of float32)."""
    return np.frombuffer(blob, dtype="<f2").astype(np.float32)


def _chunks(items: list[Any], size: int) -> Iterator[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


__all__ = ["DEFAULT_PATH", "AddReport", "Store", "StoreOptions", "store_key"]
