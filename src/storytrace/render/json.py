"""JSON-ready views of domain values (plain dicts, lists, str, int, float, None).

The shapes here are contracts other parts rely on (``diff --format json`` embeds
``article_to_dict``); add keys freely, never rename or remove one.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from ..model import Article, Facts, RemovedSpan, Sentence


def facts_to_dict(facts: Facts) -> dict[str, list[dict[str, Any]]]:
    """Every fact list as a list of plain dicts (empty kinds included, for stable keys)."""
    return {
        kind.name: [dataclasses.asdict(item) for item in getattr(facts, kind.name)]
        for kind in dataclasses.fields(facts)
    }


def removed_to_dict(span: RemovedSpan) -> dict[str, Any]:
    """A removed boilerplate span: kind, text and its offsets in the text as read."""
    return {"kind": span.kind, "text": span.text, "start": span.start, "end": span.end}


def sentence_to_dict(sentence: Sentence, *, with_facts: bool = True) -> dict[str, Any]:
    """A sentence with its offsets into the cleaned body and, optionally, its facts."""
    out: dict[str, Any] = {
        "i": sentence.i,
        "text": sentence.text,
        "start": sentence.start,
        "end": sentence.end,
        "paragraph": sentence.paragraph,
    }
    if with_facts:
        out["facts"] = facts_to_dict(sentence.facts)
    return out


def article_to_dict(article: Article, *, with_facts: bool = True) -> dict[str, Any]:
    """An article: metadata, what cleaning removed, its sentences (and their facts)."""
    return {
        "id": article.id,
        "source": article.source,
        "format": article.format,
        "title": article.title,
        "published": article.published.isoformat() if article.published else None,
        "outlet": article.outlet,
        "url": article.url,
        "lang": article.lang,
        "lang_confidence": article.lang_confidence,
        "content_hash": article.content_hash,
        "removed": [removed_to_dict(span) for span in article.removed],
        "paragraphs": len(article.paragraphs),
        "sentences": [sentence_to_dict(s, with_facts=with_facts) for s in article.sentences],
    }
