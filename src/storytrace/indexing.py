"""The indexing stage: analysed articles into a store, once each, with their keys.

``add_batch`` dedupes a batch (within itself and against the store, by store key),
refuses an id already given to another article, computes the keys of the rest
(``keys.compute_keys``) and persists them in one transaction (``Repository.add_articles``).
``reindex`` recomputes every search key from the stored articles. Reading sources is the
caller's business (``storytrace.corpus`` reads them with ``pipeline.read_many``).

Identity: an article is stored once. Adding the same publication twice is a no-op and
says so, while the same text published by another outlet is another article (a duplicate
version of the first, which ``find`` lists). An id given by the source (JSONL ``id``) is
kept and is part of the identity, so the same body under two ids is stored twice and
each is found by its id; otherwise the id is the store key's first 16 hex digits. Two
different articles given the same id: the second is refused, naming both.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field

from .errors import InputError
from .facts.keys import fact_keys
from .keys import Keyer, publication_key, store_key
from .model import Article
from .store.repository import Repository, SearchKeys

PROGRESS_EVERY = 500
"""Articles between two progress reports of ``reindex``."""


@dataclass(slots=True)
class AddReport:
    """What one ``add`` did; ``duplicates`` lists (source, id already stored),
    ``skipped`` (path, reason) the files of a folder not read (``ingest.walk``)."""

    added: int = 0
    duplicates: list[tuple[str, str]] = field(default_factory=list)
    failed: list[InputError] = field(default_factory=list)
    seconds: float = 0.0
    skipped: list[tuple[str, str]] = field(default_factory=list)

    @property
    def rate(self) -> float:
        """Articles read per second (added and duplicates)."""
        done = self.added + len(self.duplicates)
        return done / self.seconds if self.seconds else 0.0


def add_batch(
    repo: Repository,
    keyer: Keyer,
    articles: Sequence[Article],
    report: AddReport,
    on_error: Callable[[InputError], None] | None = None,
) -> None:
    """Store the new articles of one batch atomically; duplicates go to ``report``, and
    refused ids to ``on_error`` (default: ``report.failed``), one error each naming the
    input and the article already stored. The caller holds the writer lock."""
    refuse = on_error if on_error is not None else report.failed.append
    fresh: list[tuple[str, Article]] = []
    seen: set[str] = set()
    for article in articles:
        key = store_key(article)
        if key in seen:
            report.duplicates.append((article.source, article.id))
            continue
        seen.add(key)
        fresh.append((key, article))
    existing = repo.existing([k for k, _ in fresh]) if fresh else {}
    todo: list[tuple[str, Article]] = []
    for key, article in fresh:
        if key in existing:
            report.duplicates.append((article.source, existing[key]))
        else:
            todo.append((key, article))
    stored = repo.store_keys_of_ids([a.id for _, a in todo]) if todo else {}
    ready: list[Article] = []
    for key, article in todo:
        held = stored.get(article.id)
        if held is None:
            stored[article.id] = (key, article.source)
            ready.append(article)
        elif held[0] == publication_key(article):
            # stored by a version whose store key did not hold the id yet
            report.duplicates.append((article.source, article.id))
        else:
            refuse(
                InputError(
                    article.source,
                    f"id {article.id!r} is already stored for a different article "
                    f"(from {held[1]}); give this one another id",
                )
            )
    if ready:
        repo.add_articles(ready, keyer.compute(ready))
        report.added += len(ready)


def reindex(
    repo: Repository, keyer: Keyer, *, on_progress: Callable[[int, int], None] | None = None
) -> int:
    """Rebuild every search key (signatures, LSH bands, fact keys) from the stored
    articles in one transaction, then the vector index file from the stored document
    vectors; returns how many articles were indexed. The caller holds the writer lock."""
    total = len(repo)

    def search_keys() -> Iterator[SearchKeys]:
        for done, stored in enumerate(repo.iter_articles(), start=1):
            signature = keyer.signature(stored.article)
            bands = keyer.bands(signature) if signature is not None else None
            yield stored.rowid, signature, bands, fact_keys(stored.article)
            if on_progress is not None and done % PROGRESS_EVERY == 0:
                on_progress(done, total)

    done = repo.replace_search_keys(search_keys())
    repo.rebuild_index()
    if on_progress is not None:
        on_progress(done, total)
    return done
