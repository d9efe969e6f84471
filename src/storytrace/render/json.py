"""Every JSON contract of storytrace, in one place: inspect, diff, find, stories, story,
and the error shape of the API.

Each function turns plain domain values into JSON-ready dicts (str, int, float, None,
lists, dicts). The shapes are contracts other parts and outside users rely on (see
design.md): add keys freely, never rename or remove one. The domain types import nothing
from here; ``to_dict`` picks the right view for any of them.
"""

from __future__ import annotations

import dataclasses
import json
import textwrap
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

from ..find import FindResult, Version
from ..model import Article, Change, Comparison, Evidence, Facts, RemovedSpan, Sentence
from ..stories.model import Story, StoryArticle, StoryEdge
from ..watch.model import ChangeEntry, PageHistory, PageVersion


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


def inspect_to_dict(articles: Iterable[Article]) -> dict[str, Any]:
    """``storytrace inspect --format json``: every article read, with its facts."""
    return {"articles": [article_to_dict(a) for a in articles]}


def inspect_chunks(
    articles: Iterable[Article], errors: Callable[[], list[dict[str, str]]]
) -> Iterator[str]:
    """``storytrace inspect --format json`` piece by piece, each article as soon as it is
    read: the same document as ``dumps`` of ``inspect_to_dict`` plus ``"errors"`` (asked
    of ``errors`` once the articles are done), in memory independent of their number."""
    yield '{\n  "articles": ['
    first = True
    for article in articles:
        text = json.dumps(article_to_dict(article), ensure_ascii=False, indent=2)
        yield ("\n" if first else ",\n") + textwrap.indent(text, "    ")
        first = False
    yield '],\n  "errors": ' if first else '\n  ],\n  "errors": '
    listed = json.dumps(errors(), ensure_ascii=False, indent=2)
    yield textwrap.indent(listed, "  ")[2:] + "\n}\n"


def comparison_to_dict(comparison: Comparison) -> dict[str, Any]:
    """``storytrace diff --format json`` and ``POST /api/compare`` (see design.md)."""
    rel = comparison.relation
    return {
        "a": article_to_dict(comparison.a, with_facts=False),
        "b": article_to_dict(comparison.b, with_facts=False),
        "relation": {
            "label": rel.label,
            "score": rel.score,
            "story_similarity": rel.story_similarity,
            "direction": rel.direction,
            "direction_confidence": rel.direction_confidence,
            "evidence": [_evidence(e) for e in rel.evidence],
            "direction_evidence": [_evidence(e) for e in rel.direction_evidence],
        },
        "coverage": {"a": comparison.coverage_a, "b": comparison.coverage_b},
        "pairs": [
            {
                "a": list(p.a),
                "b": list(p.b),
                "kind": p.kind,
                "similarity": p.similarity,
                "changes": [_change(c, comparison) for c in p.changes],
                "same_statement": p.same_statement,
            }
            for p in comparison.pairs
        ],
        "title_changes": [_change(c, comparison) for c in comparison.title_changes],
        "encoder": comparison.encoder,
    }


def _change(c: Change, comparison: Comparison) -> dict[str, Any]:
    """One typed change, with the language of each side."""
    return {
        "type": c.type,
        "a": c.a,
        "b": c.b,
        "subtype": c.subtype,
        "lang_a": comparison.a.lang,
        "lang_b": comparison.b.lang,
    }


def _evidence(e: Evidence) -> dict[str, Any]:
    return {"name": e.name, "detail": e.detail, "weight": round(float(e.weight), 4)}


def version_to_dict(version: Version) -> dict[str, Any]:
    """One version of a ``find`` result."""
    return {
        "id": version.id,
        "relation": version.relation,
        "score": version.score,
        "story_similarity": version.story_similarity,
        "direction": version.direction,
        "direction_confidence": version.direction_confidence,
        "title": version.title,
        "outlet": version.outlet,
        "published": version.published,
        "lang": version.lang,
        "found_by": list(version.found_by),
        "jaccard": round(version.jaccard, 4),
        "cosine": round(version.cosine, 4),
        "encoder": version.encoder,
    }


def find_to_dict(result: FindResult) -> dict[str, Any]:
    """``storytrace find --format json`` and ``GET /api/articles/{id}/versions``."""
    query = result.query
    return {
        "query": {
            "id": query.id,
            "title": query.title,
            "published": query.published.isoformat() if query.published else None,
            "outlet": query.outlet,
            "lang": query.lang,
            "stored": result.stored,
        },
        "versions": [version_to_dict(v) for v in result.versions],
        "candidates": result.candidates,
        "verified": result.verified,
        "warnings": list(result.warnings),
    }


def story_edge_to_dict(edge: StoryEdge) -> dict[str, Any]:
    """One judged pair of a story's version graph."""
    return {
        "a": edge.a,
        "b": edge.b,
        "relation": edge.relation,
        "score": round(edge.score, 4),
        "direction": edge.direction,
        "confidence": round(edge.confidence, 4),
        "story_similarity": _rounded(edge.story_similarity),
    }


def story_article_to_dict(article: StoryArticle) -> dict[str, Any]:
    """One member of a story's timeline, with its parent in the derivation tree."""
    return {
        "id": article.id,
        "title": article.title,
        "lead": article.lead,
        "published": article.published,
        "outlet": article.outlet,
        "lang": article.lang,
        "parent": article.parent,
        "relation": article.relation,
        "confidence": round(article.confidence, 4),
        "story_similarity": _rounded(article.story_similarity),
    }


def _rounded(value: float | None) -> float | None:
    """``value`` to 4 digits; None stays None (JSON null: not known)."""
    return None if value is None else round(value, 4)


def story_to_dict(story: Story) -> dict[str, Any]:
    """``storytrace story --format json`` and ``GET /api/stories/{id}``."""
    return {
        "id": story.id,
        "title": story.title,
        "languages": list(story.languages),
        "outlets": list(story.outlets),
        "first_published": story.first_published,
        "origins": list(story.origins),
        "articles": [story_article_to_dict(a) for a in story.articles],
        "edges": [story_edge_to_dict(e) for e in story.edges],
    }


def stories_to_dict(stories: Sequence[Story]) -> dict[str, Any]:
    """``storytrace stories --format json``."""
    return {"stories": [story_to_dict(s) for s in stories]}


def page_version_to_dict(version: PageVersion) -> dict[str, Any]:
    """One version of a page: after the first, ``"relation": "update"`` from the version
    before (``previous``), its typed changes, sentences added and dropped, whether the
    page declared the change and whether it is a stealth edit."""
    article = version.article
    out: dict[str, Any] = {
        "version": version.number,
        "id": article.id,
        "url": version.url,
        "first_seen": version.first_seen,
        "title": article.title,
        "published": article.published.isoformat() if article.published else None,
        "sentences": len(article.sentences),
        "relation": None,
    }
    comparison, summary = version.comparison, version.summary
    if comparison is None or summary is None:
        return out
    a, b = comparison.a, comparison.b
    out |= {
        "relation": "update",
        "previous": a.id,
        "direction": "a_to_b",
        "significance": summary.significance,
        "change_types": list(summary.types),
        "changes": [
            {"type": c.type, "subtype": c.subtype, "a": c.a, "b": c.b}
            for unit in comparison.pairs
            for c in unit.changes
        ],
        "sentences_added": [
            b.sentences[i].text for u in comparison.pairs if u.kind == "added" for i in u.b
        ],
        "sentences_dropped": [
            a.sentences[i].text for u in comparison.pairs if u.kind == "dropped" for i in u.a
        ],
        "declared": summary.declared,
        "stealth_edit": summary.stealth_edit,
    }
    return out


def history_to_dict(history: PageHistory) -> dict[str, Any]:
    """``storytrace history --format json``: a page's versions, oldest first."""
    return {
        "page": history.canonical,
        "status": history.status,
        "versions": [page_version_to_dict(v) for v in history.versions],
    }


def change_to_dict(entry: ChangeEntry) -> dict[str, Any]:
    """One update of ``GET /api/changes``: the page, its source and the new version."""
    return {
        "seq": entry.seq,
        "page": entry.canonical,
        "source": entry.source,
        **page_version_to_dict(entry.version),
    }


def error_to_dict(status: int, type_name: str, message: str) -> dict[str, Any]:
    """The one JSON error shape of the API."""
    return {"error": {"type": type_name, "message": message, "status": status}}


def dumps(value: dict[str, Any]) -> str:
    """A contract as the CLI prints it: UTF-8 kept, indented, one trailing newline."""
    return json.dumps(value, ensure_ascii=False, indent=2) + "\n"


def to_dict(value: Article | Comparison | FindResult | Story) -> dict[str, Any]:
    """The JSON contract of any result storytrace returns (``storytrace.to_dict``)."""
    if isinstance(value, Comparison):
        return comparison_to_dict(value)
    if isinstance(value, FindResult):
        return find_to_dict(value)
    if isinstance(value, Story):
        return story_to_dict(value)
    if isinstance(value, Article):
        return article_to_dict(value)
    raise TypeError(f"no JSON contract for {type(value).__name__}")
