"""The derivation tree of a story as nested rows, shared by the terminal and HTML views."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from ..stories import Story, StoryArticle


@dataclass(frozen=True, slots=True)
class TreeRow:
    """One article in depth-first tree order: its depth and the article."""

    depth: int
    article: StoryArticle


def tree_rows(story: Story) -> Iterator[TreeRow]:
    """Roots in timeline order, each followed by what derives from it, depth first.

    An article whose parent is not in the story is drawn as a root; the tree has no
    cycle by construction (``stories.derivation_parents``), and a visited set guards
    the walk anyway.
    """
    ids = {a.id for a in story.articles}
    children: dict[str, list[StoryArticle]] = {}
    roots: list[StoryArticle] = []
    for article in story.articles:
        if article.parent and article.parent in ids and article.parent != article.id:
            children.setdefault(article.parent, []).append(article)
        else:
            roots.append(article)
    seen: set[str] = set()

    def walk(article: StoryArticle, depth: int) -> Iterator[TreeRow]:
        if article.id in seen:
            return
        seen.add(article.id)
        yield TreeRow(depth, article)
        for child in children.get(article.id, []):
            yield from walk(child, depth + 1)

    for root in roots:
        yield from walk(root, 0)
