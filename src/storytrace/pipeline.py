"""Read sources into analysed Articles: ingest -> lang -> clean -> segment -> facts.

This is the only module that strings the early stages together; each stage stays a plain
function over frozen values and knows nothing of the others.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from . import clean as _clean
from . import facts as _facts
from . import lang as _lang
from . import segment as _segment
from .errors import EmptyInput, InputError, MalformedInput
from .facts.dates import DateContext, find_dates
from .facts.lexicon import load as load_lexicon
from .ingest import iter_raw
from .model import Article, RawArticle, RemovedSpan
from .options import ReadOptions

Source = str | Path


def publication_hash(
    body: str, title: str | None, published: str | None, outlet: str | None, url: str | None
) -> str:
    """sha256 of the cleaned body and the metadata that tells one publication from another.

    The same text published by two outlets is two articles (one a duplicate version of
    the other), while the same file read twice is one. An article without an id from its
    source takes this hash's first 16 hex digits as its id: stable across runs.
    """
    parts = [body, title or "", published or "", outlet or "", url or ""]
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


FIELD_LIMITS: dict[str, int] = {"id": 1000, "title": 2000, "outlet": 500, "url": 8192, "lang": 35}
"""Characters a metadata field may hold (the text's limit is ``max_bytes``): a record
with a longer one is refused and named, and the rest of its source is read."""


def check_fields(raw: RawArticle) -> None:
    """Refuse a record whose metadata is over ``FIELD_LIMITS``.

    Raises:
        MalformedInput: a field is too long.
    """
    for name, limit in FIELD_LIMITS.items():
        value = getattr(raw, name)
        if isinstance(value, str) and len(value) > limit:
            raise MalformedInput(
                raw.source,
                f'"{name}" is {len(value):,} characters long; at most {limit:,} are accepted',
            )


def analyze(raw: RawArticle) -> Article:
    """Clean, segment and extract the facts of one raw article.

    Raises:
        EmptyInput: the text is empty, or nothing is left after cleaning.
        MalformedInput: a metadata field is over ``FIELD_LIMITS``.
    """
    check_fields(raw)
    if not raw.text.strip():
        raise EmptyInput(raw.source, "no text to read")
    lang, confidence = (raw.lang, None) if raw.lang else _lang.identify(raw.text)
    cleaned = _clean.clean(raw.text, lang=lang)
    if not cleaned.body.strip():
        raise EmptyInput(raw.source, "nothing is left once boilerplate is removed")
    paragraphs, sentences = _segment.segment(cleaned.body, lang=lang)
    date = raw.published or published_from_date_line(raw.text, cleaned.removed, lang)
    sentences = _facts.extract(sentences, lang=lang, published=date)
    content_hash = hashlib.sha256(cleaned.body.encode("utf-8")).hexdigest()
    published = date.isoformat() if date else None
    key = publication_hash(cleaned.body, raw.title, published, raw.outlet, raw.url)
    return Article(
        id=raw.id or key[:16],
        text=raw.text,
        body=cleaned.body,
        source=raw.source,
        format=raw.format,
        content_hash=content_hash,
        title=raw.title,
        published=date,
        outlet=raw.outlet,
        url=raw.url,
        lang=lang,
        lang_confidence=confidence,
        removed=cleaned.removed,
        paragraphs=paragraphs,
        sentences=sentences,
    )


DATE_LINE_REACH = 3
"""Lines from the top of a text within which a removed date line gives the publication
date: where scraped articles print it, under the headline ("May 03, 2013",
"Published: July 12, 2014 9:41 AM"); a date line further down may date anything."""


def published_from_date_line(
    text: str, removed: Iterable[RemovedSpan], lang: str | None
) -> dt.date | None:
    """The publication date a scraped text prints at its top, for an article without one.

    A quarter of the ECB+ news texts carry such a line, which cleaning removes as a
    ``dateline``; without it, dates in the text ("on Friday") cannot be resolved and a
    story has no timeline. Only a full date with a written month counts: "05 / 06 / 2013"
    reads one way in the US and another in Europe. The first such line wins ("Published"
    comes before "Updated").
    """
    reach = 0
    for _ in range(DATE_LINE_REACH):
        reach = text.find("\n", reach) + 1
        if reach == 0:
            reach = len(text)
            break
    lex = load_lexicon(lang)
    for span in removed:
        if span.kind != "dateline" or span.start >= reach:
            continue
        for mention in find_dates(span.text, lex, DateContext(None)):
            if len(mention.iso) == 10 and not mention.iso.startswith("-"):
                return dt.date.fromisoformat(mention.iso)
    return None


def read_many(
    sources: Iterable[Source],
    *,
    options: ReadOptions | None = None,
    on_error: Callable[[InputError], None] | None = None,
    on_skip: Callable[[str, str], None] | None = None,
) -> Iterator[Article]:
    """Read every article in ``sources`` (files, folders walked recursively).

    A source may hold many articles (JSONL, feeds, WARC). Bad inputs raise ``InputError``
    unless ``on_error`` is given, in which case it is called and reading goes on. A
    folder's hidden files and its README, LICENSE or like files are not read:
    ``on_skip(path, reason)`` hears of each.
    """
    opts = options or ReadOptions()
    for source in sources:
        for item in iter_raw(source, opts, on_skip):
            try:
                if isinstance(item, InputError):
                    raise item
                yield analyze(item)
            except InputError as err:
                if on_error is None:
                    raise
                on_error(err)


_ONE_EXPECTED = "one was expected (read_many, or storytrace add, reads them all)"


def read(source: Source, *, options: ReadOptions | None = None) -> Article:
    """Read exactly one article from ``source``.

    A source holding more than one record is refused before any record is analysed, so
    an archive given by mistake costs a parse of two records, not an analysis of all.

    Raises:
        InputError: the source is unreadable, or holds no article or more than one
            (use ``read_many`` for collections), or is a folder.
    """
    opts = options or ReadOptions()
    items = iter(iter_raw(source, opts))
    try:
        first = next(items, None)
        second = next(items, None) if first is not None else None
    finally:
        close = getattr(items, "close", None)
        if close is not None:
            close()
    if first is None:
        raise InputError(str(source), "holds no article; one was expected")
    if isinstance(first, InputError):
        raise first
    if isinstance(second, InputError):
        raise second
    if second is not None:
        raise InputError(str(source), f"holds more than one article; {_ONE_EXPECTED}")
    return analyze(first)


def from_text(text: str, *, source: str = "<text>", **metadata: object) -> Article:
    """Analyse a string of article text (the seed header form is honoured)."""
    from .ingest.text import parse_text

    return analyze(parse_text(text, source=source, **metadata))
