"""What the views ask of the library, as plain functions over a ``Store``.

Each function is one library call with the server's defaults filled in, so the JSON
API and the pages do exactly the same thing and neither holds pipeline logic. They
block (store reads, comparisons): views run them through ``StoreWorkers``.

Stories come from ``Store.stories`` / ``Store.story``, which bring the stories up to
date first: a write, so the views run them on the writer thread.
"""

from __future__ import annotations

import datetime as dt
import re
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path

from ..comparison import compare
from ..corpus import Store
from ..errors import InputError, NotFound, StorytraceError
from ..find import STORY_RELATIONS, VERSION_RELATIONS, FindResult
from ..model import Article, Comparison
from ..options import ReadOptions
from ..pipeline import from_text, read
from ..stories import Story
from .errors import HTTPProblem
from .options import DEFAULT_MAX_COMPARE
from .schemas import AddArticle, CompareSide

# --- stories, as the store gives them --------------------------------------------


def _story_store(store: Store) -> Store:
    if not hasattr(store, "stories") or not hasattr(store, "story"):
        raise HTTPProblem(
            501,
            "NotImplemented",
            "this version of storytrace cannot group a store into stories yet",
        )
    return store


def stories(
    store: Store, since: dt.date | None = None, *, limit: int | None = None, offset: int = 0
) -> list[Story]:
    """The stories of the store (published on or after ``since`` when given), largest
    first, ``limit`` of them after skipping ``offset`` (all by default).

    Brings the stories up to date first, which writes: run it on the writer thread.
    """
    found = _story_store(store)
    if limit is None and not offset:
        return list(found.stories(since=since))
    return list(found.stories(since=since, limit=limit, offset=offset))


def story_count(store: Store, since: dt.date | None = None) -> int:
    """How many stories ``stories`` pages through."""
    return _story_store(store).story_count(since)


@dataclass(frozen=True, slots=True)
class Paging:
    """Where a page of a list is: ``shown`` items after ``offset``, of ``total``."""

    total: int
    offset: int
    limit: int
    shown: int

    @property
    def first(self) -> int:
        return self.offset + 1 if self.shown else 0

    @property
    def last(self) -> int:
        return self.offset + self.shown

    @property
    def previous(self) -> int | None:
        return max(self.offset - self.limit, 0) if self.offset > 0 else None

    @property
    def next(self) -> int | None:
        return self.offset + self.limit if self.offset + self.limit < self.total else None


def story(store: Store, story_id: str) -> Story:
    """One story by id (brought up to date first, like ``stories``).

    Raises:
        NotFound: no story has this id.
    """
    return _story_store(store).story(story_id)


# --- articles --------------------------------------------------------------------


def article_from_side(store: Store, side: CompareSide, name: str) -> Article:
    """The stored article a side names, or its text analysed (not stored)."""
    if side.id is not None:
        return store.get(side.id)
    assert side.text is not None  # the model's validator guarantees one of the two
    return _from_text(side.text, source=name, metadata=side.metadata())


def _from_text(text: str, *, source: str, metadata: dict[str, str]) -> Article:
    try:
        return from_text(text, source=source, **metadata)
    except TypeError as err:  # a metadata value of the wrong type
        raise InputError(source, str(err)) from None


def compare_sides(
    store: Store,
    a: CompareSide,
    b: CompareSide,
    *,
    encoder: str | None,
    max_chars: int = DEFAULT_MAX_COMPARE,
) -> Comparison:
    """``storytrace.compare`` of two sides (stored ids or texts); a side over
    ``max_chars`` characters is refused before either is analysed."""
    for side, name in ((a, "A"), (b, "B")):
        if side.text is not None:
            check_size(name, len(side.text), max_chars)
    article_a = article_from_side(store, a, "A")
    article_b = article_from_side(store, b, "B")
    return compare_articles(article_a, article_b, encoder=encoder, max_chars=max_chars)


def compare_articles(
    a: Article, b: Article, *, encoder: str | None, max_chars: int = DEFAULT_MAX_COMPARE
) -> Comparison:
    """``storytrace.compare`` of two analysed articles (uploaded or pasted), each at most
    ``max_chars`` characters of body."""
    check_size("A", len(a.body), max_chars)
    check_size("B", len(b.body), max_chars)
    return compare(a, b, encoder=encoder)


def check_size(name: str, chars: int, max_chars: int) -> None:
    """Refuse (413) a side of a comparison longer than the server's budget."""
    if chars > max_chars:
        raise HTTPProblem(
            413,
            "PayloadTooLarge",
            f"version {name} has {chars:,} characters of text; this server compares at most "
            f"{max_chars:,} per side (the alignment grows with the square of the sentences): "
            "compare a part, or use storytrace diff",
        )


@dataclass(frozen=True, slots=True)
class Added:
    """The outcome of adding one article."""

    id: str
    already_stored: bool
    title: str | None


def add_article(store: Store, body: AddArticle) -> Added:
    """Analyse a posted article and store it; says if it was stored before.

    Raises:
        InputError: the text is empty after cleaning, a bad date, or an id already
            used by a different article.
    """
    fields = {
        "id": body.id,
        "title": body.title,
        "published": body.published,
        "outlet": body.outlet,
        "url": body.url,
        "lang": body.lang,
    }
    clean = {k: v for k, v in fields.items() if v is not None}
    article = _from_text(body.text, source="POST /api/articles", metadata=clean)
    report = store.add([article])
    if report.failed:
        raise report.failed[0]
    if report.duplicates:
        return Added(id=report.duplicates[0][1], already_stored=True, title=article.title)
    return Added(id=article.id, already_stored=False, title=article.title)


def versions(store: Store, article_id: str, *, limit: int, stories: bool) -> FindResult:
    """``storytrace find --id``: every stored version of a stored article.

    Raises:
        NotFound: no stored article has this id.
    """
    return store.find_id(article_id, limit=limit, include=_relations(stories))


def _versions_of(store: Store, article: Article, *, limit: int, stories: bool) -> FindResult:
    return store.find(article, limit=limit, include=_relations(stories))


def _relations(stories: bool) -> tuple[str, ...]:
    """The relations listed: versions, and reports of the same event when ``stories``."""
    return VERSION_RELATIONS + (STORY_RELATIONS if stories else ())


@dataclass(frozen=True, slots=True)
class ArticlePage:
    """A stored article and its versions (or why they could not be found)."""

    article: Article
    versions: FindResult | None
    versions_error: str | None
    watched: bool = False
    """Whether the article is a version of a watched page (it has a history page)."""


def article_page(store: Store, article_id: str, *, limit: int = 10) -> ArticlePage:
    """The article and its versions; a failing search still shows the article."""
    stored = store.repository.get(article_id)
    article = stored.article
    watched = store.repository.pages.canonical_of(stored.rowid) is not None
    try:
        found = _versions_of(store, article, limit=limit, stories=True)
    except StorytraceError as err:
        return ArticlePage(article, None, " ".join(str(err).split()), watched)
    return ArticlePage(article, found, None, watched)


@dataclass(frozen=True, slots=True)
class SearchOutcome:
    """A search: a stored id (go to its page) or the versions of a pasted text."""

    article_id: str | None
    result: FindResult | None


def search(store: Store, query: str, *, limit: int = 20) -> SearchOutcome:
    """A stored id, or a text whose versions and same-event reports are listed."""
    query = query.strip()
    try:
        store.get(query)
    except NotFound:
        pass
    else:
        return SearchOutcome(query, None)
    article = _from_text(query, source="search", metadata={})
    include = VERSION_RELATIONS + STORY_RELATIONS
    return SearchOutcome(None, store.find(article, limit=limit, include=include))


# --- uploads ---------------------------------------------------------------------

_UNSAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


def article_from_upload(filename: str, data: bytes, *, max_bytes: int) -> Article:
    """Read an uploaded file with storytrace's readers (text, HTML, one-article JSONL...).

    The bytes go to a private temporary folder under a sanitised name (the readers
    read files, and the name's extension helps tell the format); the article keeps
    the uploaded name as its source. Feeds never fetch links here.

    Raises:
        InputError: unreadable, too large, or holding more than one article.
    """
    shown = Path(filename or "upload").name or "upload"
    safe = _UNSAFE_NAME.sub("_", shown)[-100:].lstrip(".") or "upload"
    options = ReadOptions(max_bytes=max_bytes, fetch=False)
    with tempfile.TemporaryDirectory(prefix="storytrace-upload-") as folder:
        path = Path(folder) / safe
        path.write_bytes(data)
        try:
            article = read(path, options=options)
        except InputError as err:
            raise InputError(shown, err.reason) from None
    return replace(article, source=shown)


def article_from_text(text: str, *, name: str) -> Article:
    """A pasted text, analysed (the seed header form ``date YYYY-MM-DD Title`` is read)."""
    return _from_text(text, source=name, metadata={})
