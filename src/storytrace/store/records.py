"""Articles to compact bytes and back, losslessly, for the store.

An ``Article`` is stored whole (text, cleaned body, removed spans, paragraphs, sentences
with every fact) so that ``find`` and ``stories`` never re-read or re-analyse a source.
The record is JSON with short positional rows per fact, compressed with zlib: an ECB+
article of 15 sentences takes about 2 KB. A ``"v"`` field versions the layout, so a later
release can read records an earlier one wrote.
"""

from __future__ import annotations

import datetime as dt
import json
import zlib
from typing import Any

from ..model import (
    Article,
    Attribution,
    DateMention,
    Facts,
    Framing,
    Hedge,
    Name,
    Number,
    Paragraph,
    Quote,
    RemovedSpan,
    Sentence,
)

RECORD_VERSION = 1


def _facts(facts: Facts) -> dict[str, list[list[Any]]]:
    out: dict[str, list[list[Any]]] = {}
    if facts.numbers:
        out["n"] = [[x.text, x.value, x.unit, x.start, x.end] for x in facts.numbers]
    if facts.dates:
        out["d"] = [[x.text, x.iso, x.start, x.end, x.relative] for x in facts.dates]
    if facts.names:
        out["p"] = [[x.text, x.key, x.kind, x.start, x.end] for x in facts.names]
    if facts.quotes:
        out["q"] = [[x.text, x.speaker, x.start, x.end] for x in facts.quotes]
    if facts.attributions:
        out["a"] = [[x.verb, x.source, x.anonymous, x.start, x.end] for x in facts.attributions]
    if facts.hedges:
        out["h"] = [[x.text, x.key, x.start, x.end] for x in facts.hedges]
    if facts.framing:
        out["f"] = [[x.text, x.key, x.start, x.end] for x in facts.framing]
    return out


def _facts_from(raw: dict[str, list[list[Any]]]) -> Facts:
    return Facts(
        numbers=tuple(Number(*row) for row in raw.get("n", ())),
        dates=tuple(DateMention(*row) for row in raw.get("d", ())),
        names=tuple(Name(*row) for row in raw.get("p", ())),
        quotes=tuple(Quote(*row) for row in raw.get("q", ())),
        attributions=tuple(Attribution(*row) for row in raw.get("a", ())),
        hedges=tuple(Hedge(*row) for row in raw.get("h", ())),
        framing=tuple(Framing(*row) for row in raw.get("f", ())),
    )


def article_to_record(article: Article) -> bytes:
    """The whole article as compressed bytes (see the module docstring)."""
    data = {
        "v": RECORD_VERSION,
        "id": article.id,
        "text": article.text,
        "body": article.body,
        "source": article.source,
        "format": article.format,
        "hash": article.content_hash,
        "title": article.title,
        "published": article.published.isoformat() if article.published else None,
        "outlet": article.outlet,
        "url": article.url,
        "lang": article.lang,
        "lang_confidence": article.lang_confidence,
        "removed": [[r.kind, r.text, r.start, r.end] for r in article.removed],
        "paragraphs": [[p.i, p.start, p.end] for p in article.paragraphs],
        "sentences": [
            [s.i, s.text, s.start, s.end, s.paragraph, _facts(s.facts)] for s in article.sentences
        ],
    }
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return zlib.compress(text.encode("utf-8"), 6)


def article_from_record(record: bytes) -> Article:
    """The article ``article_to_record`` stored.

    Raises:
        ValueError: the bytes are not a record, or one of a newer layout.
    """
    try:
        data = json.loads(zlib.decompress(record).decode("utf-8"))
    except (zlib.error, UnicodeDecodeError, json.JSONDecodeError) as err:
        raise ValueError(f"not an article record: {err}") from err
    if data.get("v", 0) > RECORD_VERSION:
        raise ValueError(f"article record of layout {data.get('v')}; this version reads 1")
    published = dt.date.fromisoformat(data["published"]) if data["published"] else None
    return Article(
        id=data["id"],
        text=data["text"],
        body=data["body"],
        source=data["source"],
        format=data["format"],
        content_hash=data["hash"],
        title=data["title"],
        published=published,
        outlet=data["outlet"],
        url=data["url"],
        lang=data["lang"],
        lang_confidence=data["lang_confidence"],
        removed=tuple(RemovedSpan(*row) for row in data["removed"]),
        paragraphs=tuple(Paragraph(*row) for row in data["paragraphs"]),
        sentences=tuple(
            Sentence(i, text, start, end, paragraph, _facts_from(facts))
            for i, text, start, end, paragraph, facts in data["sentences"]
        ),
    )
