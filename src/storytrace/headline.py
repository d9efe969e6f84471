"""Typed fact differences between the headlines of two versions.

The cleaner takes a headline out of the body (``Article.title``), so the aligner never
sees it; yet a headline carries the story's main number, date or name ("kills 1, traps
5"), and a version or translation that changes it there changes the story. The two
headlines are read as one sentence each (facts in their article's language) and compared
with the same rules as an aligned pair (``storytrace.changes``).

When only one side's first line was taken for a headline (the other reads like a byline
or a sentence to the cleaner: "Автор «Интервью с вампиром» ..."), that headline is
compared with the other side's first sentence if nothing else was aligned to it.
"""

from __future__ import annotations

from collections.abc import Sequence

from . import facts as _facts
from .changes import fact_changes
from .model import AlignedPair, Article, Change, Sentence


def headline_changes(
    a: Article, b: Article, pairs: Sequence[AlignedPair], *, cross_lingual: bool
) -> tuple[Change, ...]:
    """The typed changes from A's headline to B's; none when no headline pairs up."""
    if a.title and b.title:
        sa, sb = _headline(a), _headline(b)
    elif a.title and _alone(pairs, "b"):
        sa, sb = _headline(a), b.sentences[0]
    elif b.title and _alone(pairs, "a"):
        sa, sb = a.sentences[0], _headline(b)
    else:
        return ()
    return fact_changes([sa], [sb], cross_lingual=cross_lingual, lang=a.lang, lang_b=b.lang)


def _alone(pairs: Sequence[AlignedPair], side: str) -> bool:
    """The side's first sentence has no counterpart."""
    for p in pairs:
        mine, other = (p.a, p.b) if side == "a" else (p.b, p.a)
        if 0 in mine:
            return not other
    return False


def _headline(article: Article) -> Sentence:
    title = article.title or ""
    sentence = Sentence(i=0, text=title, start=0, end=len(title), paragraph=0)
    return _facts.extract((sentence,), lang=article.lang, published=article.published)[0]
