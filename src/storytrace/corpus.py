"""``Store``: the public facade over a store, tying the repository to the stages.

Users, the CLI and the server call this class; it reads sources (``pipeline``), runs the
stages (``indexing``, ``find``, ``stories``) over the store's ``Repository`` and holds the
writer lock around writes. It lives above ``storytrace.store`` so that the repository
never imports a stage: facade -> stages -> repository -> model.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ._blas import one_blas_thread
from .encode import DEFAULT_ENCODER, Encoder, get_encoder
from .errors import ConfigError, InputError, StoreError
from .find import FindOptions, FindResult, find, find_stored
from .indexing import AddReport, add_batch, reindex
from .keys import LEAD_SENTENCES, SHINGLE_K, Keyer
from .lsh import optimal_params
from .model import Article
from .options import ReadOptions
from .pipeline import read_many
from .store.db import store_error
from .store.repository import Repository, StoreSettings, is_writable
from .store.vectors import INDEX_KINDS, IndexState
from .stories import Story
from .stories.load import load_story, story_ids, story_key
from .stories.update import StoriesReport, update_stories

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

    def settings(self) -> StoreSettings:
        """The settings a new store with these options records."""
        encoder = get_encoder(self.encoder or DEFAULT_ENCODER)
        bands, rows = optimal_params(self.lsh_threshold, self.num_perm)
        return StoreSettings(
            encoder=encoder.name,
            dim=encoder.dim,
            index=self.index,
            num_perm=self.num_perm,
            bands=bands,
            rows=rows,
            shingle_k=SHINGLE_K,
            lead_sentences=LEAD_SENTENCES,
        )


class Store:
    """A storytrace store: add articles, find their versions, group them into stories.

    Args:
        path: the SQLite file; created (with its folder) when missing.
        options: settings for a new store; for an existing one, ``encoder`` and
            ``index`` must match what it was created with, or be None.
        create: False to refuse a path that is not a store yet.
        read_only: open for reading only (SQLite ``mode=ro``; ``immutable`` on a
            read-only folder): every write then raises ``StoreError``. None: read-only
            exactly when the file or its folder is not writable.

    Raises:
        StoreError: the file is not a storytrace store, was written by a newer one, is
            damaged, or cannot be written and ``read_only`` is False.
        NotFound: ``create`` is False and there is no store at ``path``.
        ConfigError: ``options`` contradict the store's settings.

    Examples:
        >>> with Store("storytrace.db") as store:  # doctest: +SKIP
        ...     store.add(["examples/"])
        ...     result = store.find(storytrace.read("examples/seed-pair/a.txt"))
    """

    def __init__(
        self,
        path: str | Path = DEFAULT_PATH,
        *,
        options: StoreOptions | None = None,
        create: bool = True,
        read_only: bool | None = False,
    ) -> None:
        new = (options or StoreOptions()).settings if create else None
        if read_only is None:
            read_only = Path(path).exists() and not is_writable(Path(path))
        self.repository = Repository(path, new_settings=new, read_only=read_only)
        """The store's reads and writes, for the stages (``storytrace.store``)."""
        try:
            _check_options(self.repository, options)
        except BaseException:
            self.repository.close()
            raise
        self.path = self.repository.path
        self.keyer = Keyer(self.repository.settings)
        """The store's hashers and encoder (``storytrace.keys``)."""

    # --- lifecycle ------------------------------------------------------------------------

    def close(self) -> None:
        """Close the database (the vector index file is saved by the writers)."""
        self.repository.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def read_only(self) -> bool:
        """Whether this store was opened for reading only."""
        return self.repository.read_only

    @property
    def index_path(self) -> Path:
        """The vector index file beside the database."""
        return self.repository.index_path

    @property
    def encoder(self) -> Encoder:
        """The encoder of the store's document vectors, loaded on first use."""
        return self.keyer.encoder

    def index_state(self) -> IndexState:
        """Whether the vector index file matches the vectors in the database."""
        return self.repository.index_state()

    # --- reading ----------------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self.repository)

    def get(self, article_id: str) -> Article:
        """The stored article with this id.

        Raises:
            NotFound: no article has this id.
        """
        return self.repository.get(article_id).article

    def ids(self) -> list[str]:
        """Every stored article id, in the order they were added."""
        return self.repository.ids()

    def recent(self, limit: int, offset: int = 0) -> list[Article]:
        """The last ``limit`` articles added, newest first (after skipping ``offset``)."""
        return self.repository.recent(limit, offset)

    # --- writing ----------------------------------------------------------------------------

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
        committed in one transaction with everything derived from it, so a crash loses
        at most the batch in flight; the vector index file is brought up to date at the
        end. Holds the writer lock throughout (``on_wait`` hears if it must wait).
        """
        size = batch_size or StoreOptions().batch_size
        report = AddReport()
        start = time.perf_counter()

        def failed(err: InputError) -> None:
            report.failed.append(err)
            if on_error is not None:
                on_error(err)

        self._check_writable("add articles")
        with self.repository.writer_lock(on_wait), one_blas_thread():
            batch: list[Article] = []
            skip = report.skipped.append
            for article in _articles(sources, read_options, failed, lambda p, r: skip((p, r))):
                batch.append(article)
                if len(batch) >= size:
                    add_batch(self.repository, self.keyer, batch, report, failed)
                    batch = []
                    report.seconds = time.perf_counter() - start
                    if on_progress is not None:
                        on_progress(report)
            if batch:
                add_batch(self.repository, self.keyer, batch, report, failed)
            self.repository.sync_index()
        report.seconds = time.perf_counter() - start
        if on_progress is not None:
            on_progress(report)
        return report

    def reindex(
        self,
        *,
        on_progress: Callable[[int, int], None] | None = None,
        on_wait: Callable[[str], None] | None = None,
    ) -> int:
        """Rebuild every index (signatures, LSH bands, fact keys, vector file) from the
        stored articles and their document vectors; returns how many were indexed."""
        self._check_writable("reindex")
        with self.repository.writer_lock(on_wait), one_blas_thread():
            return reindex(self.repository, self.keyer, on_progress=on_progress)

    def _check_writable(self, what: str) -> None:
        if self.read_only:
            raise StoreError(
                str(self.path),
                f"is open read-only (the file or its folder is not writable): cannot {what}",
            )

    # --- find -------------------------------------------------------------------------------

    def find(self, article: Article, **options: Any) -> FindResult:
        """The stored versions of ``article`` (stored or not); ``options`` are
        ``FindOptions`` fields. For a stored id use ``find_id``; for a file, read it first
        (``storytrace.read``).

        Raises:
            EmptyInput: the article has no sentence to search with.
        """
        if not isinstance(article, Article):
            raise TypeError(
                f"find takes an Article, not {type(article).__name__}: use find_id for a "
                "stored id, storytrace.read(path) for a file"
            )
        return find(self.repository, self.keyer, article, options=FindOptions(**options))

    def find_id(self, article_id: str, **options: Any) -> FindResult:
        """The stored versions of the stored article with this id (see ``find``).

        Raises:
            NotFound: no article has this id.
        """
        return find_stored(self.repository, self.keyer, article_id, options=FindOptions(**options))

    # --- stories ----------------------------------------------------------------------------

    def update_stories(
        self,
        *,
        rebuild: bool = False,
        on_progress: Callable[[int, int], None] | None = None,
        on_wait: Callable[[str], None] | None = None,
        blocking: bool = True,
        on_stage: Callable[[str], None] | None = None,
    ) -> StoriesReport:
        """Put every article not yet in a story into one (``storytrace.stories.update``);
        ``rebuild`` re-links and re-clusters everything. Not ``blocking``: raise
        ``StoreError`` at once when another process is writing, instead of waiting.
        ``on_stage`` hears each stage as it starts ("comparing 120 close pairs ...")."""
        self._check_writable("update the stories")
        with self.repository.writer_lock(on_wait, blocking=blocking), one_blas_thread():
            return update_stories(
                self.repository, rebuild=rebuild, on_progress=on_progress, on_stage=on_stage
            )

    def stories(
        self,
        since: dt.date | None = None,
        *,
        limit: int | None = None,
        min_size: int = 1,
        update: bool = True,
        offset: int = 0,
    ) -> list[Story]:
        """The stories, largest first (``Story`` values, see ``storytrace.stories``).

        Args:
            since: only stories with an article published on or after this date.
            limit: at most this many.
            min_size: only stories of at least this many articles.
            update: first cluster the articles added since the last call.
            offset: skip this many first (with ``limit``, one page of them).
        """
        if update and not self.read_only and self.repository.stories.pending():
            self.update_stories()
        keys = story_ids(self.repository, since=since, min_size=min_size)
        end = None if limit is None else offset + limit
        return [load_story(self.repository, key) for key in keys[offset:end]]

    def story_count(self, since: dt.date | None = None, *, min_size: int = 1) -> int:
        """How many stories ``stories`` lists with these filters (as last grouped)."""
        return len(story_ids(self.repository, since=since, min_size=min_size))

    def story(self, story_id: str, *, update: bool = True) -> Story:
        """One story, by its id or the id of any of its articles.

        Raises:
            NotFound: no article has this id.
        """
        if update and not self.read_only and self.repository.stories.pending():
            self.update_stories()
        return load_story(self.repository, story_key(self.repository, story_id))


def _check_options(repo: Repository, options: StoreOptions | None) -> None:
    """Refuse options that contradict what the store was created with."""
    if options is None:
        return
    if options.encoder is not None:
        wanted = get_encoder(options.encoder).name
        if wanted != repo.settings.encoder:
            raise ConfigError(
                f"{repo.path} keeps document vectors of encoder {repo.settings.encoder!r}, "
                f"not {wanted!r}; use another --db for another encoder"
            )
    if options.index != "usearch" and options.index != repo.settings.index:
        raise ConfigError(
            f"{repo.path} uses the {repo.settings.index!r} vector index, not "
            f"{options.index!r}; use another --db"
        )


def _articles(
    sources: Iterable[str | Path | Article],
    read_options: ReadOptions | None,
    on_error: Callable[[InputError], None],
    on_skip: Callable[[str, str], None] | None = None,
) -> Iterator[Article]:
    """The articles of ``sources`` in order: Articles as they are, paths read in runs."""
    paths: list[str | Path] = []
    for source in sources:
        if isinstance(source, Article):
            if paths:
                yield from read_many(
                    paths, options=read_options, on_error=on_error, on_skip=on_skip
                )
                paths = []
            yield source
        else:
            paths.append(source)
    if paths:
        yield from read_many(paths, options=read_options, on_error=on_error, on_skip=on_skip)


__all__ = ["DEFAULT_PATH", "AddReport", "Store", "StoreOptions", "is_writable", "store_error"]
