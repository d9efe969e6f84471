"""What the views ask of the library, as plain functions over a ``Store``.

Each function is one library call with the server's defaults filled in, so the JSON
API and the pages do exactly the same thing and neither holds pipeline logic. They
block (store reads, comparisons): views run them through ``StoreWorkers``.

Stories come from ``Store.stories`` / ``Store.story``; they are typed here by
protocols so this module does not depend on the story classes' module.
"""

from __future__ import annotations

import datetime as dt
import re
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Protocol, cast

from ..compare import compare
from ..errors import InputError, NotFound, StorytraceError
from ..model import Article, Comparison
from ..options import ReadOptions
from ..pipeline import from_text, read
from ..store import VERSION_RELATIONS, FindResult, Store
from .errors import HTTPProblem
from .schemas import AddArticle, CompareSide

STORY_RELATIONS: tuple[str, ...] = ("same_story", "related")
"""Added to ``find``'s relations when reports of the same event are asked for too."""


# --- stories, as the store gives them --------------------------------------------


class StoryArticleLike(Protocol):
    """An article in a story's timeline (``storytrace`` ``StoryArticle``)."""

    @property
    def id(self) -> str: ...
    @property
    def title(self) -> str | None: ...
    @property
    def heading(self) -> str: ...
    @property
    def published(self) -> str | None: ...
    @property
    def outlet(self) -> str | None: ...
    @property
    def lang(self) -> str | None: ...
    @property
    def parent(self) -> str | None: ...
    @property
    def relation(self) -> str | None: ...
    @property
    def confidence(self) -> float: ...


class StoryEdgeLike(Protocol):
    """A verified link between two articles of a story (``StoryEdge``)."""

    @property
    def a(self) -> str: ...
    @property
    def b(self) -> str: ...
    @property
    def relation(self) -> str: ...
    @property
    def score(self) -> float: ...
    @property
    def direction(self) -> str: ...


class StoryLike(Protocol):
    """A story: its articles in timeline order and the derivation tree's edges."""

    @property
    def id(self) -> str: ...
    @property
    def title(self) -> str | None: ...
    @property
    def languages(self) -> Sequence[str]: ...
    @property
    def outlets(self) -> Sequence[str]: ...
    @property
    def articles(self) -> Sequence[StoryArticleLike]: ...
    @property
    def edges(self) -> Sequence[StoryEdgeLike]: ...
    def to_dict(self) -> dict[str, Any]: ...


class _StoryStore(Protocol):
    def stories(self, since: dt.date | None = None) -> Sequence[StoryLike]: ...
    def story(self, story_id: str) -> StoryLike: ...


def _story_store(store: Store) -> _StoryStore:
    if not hasattr(store, "stories") or not hasattr(store, "story"):
        raise HTTPProblem(
            501,
            "NotImplemented",
            "this version of storytrace cannot group a store into stories yet",
        )
    return cast(_StoryStore, store)


def stories(store: Store, since: dt.date | None = None) -> list[StoryLike]:
    """Every story of the store (published on or after ``since`` when given)."""
    return list(_story_store(store).stories(since=since))


def story(store: Store, story_id: str) -> StoryLike:
    """One story by id.

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
    store: Store, a: CompareSide, b: CompareSide, *, encoder: str | None
) -> Comparison:
    """``storytrace.compare`` of two sides (stored ids or texts)."""
    article_a = article_from_side(store, a, "A")
    article_b = article_from_side(store, b, "B")
    return compare(article_a, article_b, encoder=encoder)


def compare_articles(a: Article, b: Article, *, encoder: str | None) -> Comparison:
    """``storytrace.compare`` of two analysed articles (uploaded or pasted)."""
    return compare(a, b, encoder=encoder)


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

    The article is looked up here and handed to ``find`` as an Article, never as the
    string: ``find`` reads a string that is not a stored id as a *file path*, which
    over HTTP would let a caller make the server read any file it can.

    Raises:
        NotFound: no stored article has this id.
    """
    include = VERSION_RELATIONS + (STORY_RELATIONS if stories else ())
    article = store.get(article_id)
    return store.find(article, limit=limit, include=include)


@dataclass(frozen=True, slots=True)
class ArticlePage:
    """A stored article and its versions (or why they could not be found)."""

    article: Article
    versions: FindResult | None
    versions_error: str | None


def article_page(store: Store, article_id: str, *, limit: int = 10) -> ArticlePage:
    """The article and its versions; a failing search still shows the article."""
    article = store.get(article_id)
    try:
        found = versions(store, article_id, limit=limit, stories=True)
    except StorytraceError as err:
        return ArticlePage(article, None, " ".join(str(err).split()))
    return ArticlePage(article, found, None)


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
