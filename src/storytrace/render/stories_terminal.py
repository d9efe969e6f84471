"""``storytrace stories`` and ``story`` in the terminal: one tree per story (rich)."""

from __future__ import annotations

from rich.console import Console
from rich.text import Text
from rich.tree import Tree

from ..display import UNKNOWN, date_text, shorten, title_of
from ..stories import Story, StoryArticle
from .diff_view import relation_name
from .stories_view import tree_rows

TREE_INDENT = 4
"""Columns each level of the tree takes (rich's guides)."""

SIMILARITY_NOTE = (
    "P(same event): how likely the article reports the same event as its closest verified "
    "member (1.00 for a version of the same report)."
)
"""What the number on each article's line means, printed after the stories."""


def _label(article: StoryArticle, room: int) -> Text:
    """``relation of parent · id date · outlet · lang · P(same event)  title``, the title
    shortened at a word to what is left of ``room`` columns (the id and date are never
    cut)."""
    label = Text()
    if article.relation:
        label.append(relation_name(article.relation), style="yellow")
        label.append(" of parent · ")
    label.append(article.id, style="bold")
    details = [date_text(article.published), article.outlet, article.lang]
    if article.story_similarity is not None:
        details.append(f"P(same event) {article.story_similarity:.2f}")
    label.append(" " + " · ".join(d for d in details if d))
    left = room - len(label.plain) - 2
    if left >= 12:
        title = title_of(article.title, article.lead, "", limit=left)
        label.append("  ")
        label.append(shorten(title, left), style="" if article.title else "italic")
    label.no_wrap = True
    label.overflow = "ellipsis"
    return label


def print_story(console: Console, story: Story, *, note: bool = True) -> None:
    """The story's header, then its derivation tree (roots: likely origins or unknown),
    then what P(same event) means (``note``)."""
    langs = ", ".join(story.languages) or UNKNOWN
    outlets = len(story.outlets)
    # no outlet is known when no article carries a source or URL: say nothing, not "0"
    count = f"{outlets} outlet{'' if outlets == 1 else 's'} · " if outlets else ""
    header = Text()
    header.append(shorten(story.title, max(console.width - 4, 20)), style="bold")
    header.append(
        f"\nstory {story.id} · {len(story.articles)} article(s) · {langs} · "
        f"{count}first {date_text(story.first_published)}",
        style="dim",
    )
    tree = Tree(header)
    stack: list[tuple[int, Tree]] = [(-1, tree)]
    for row in tree_rows(story):
        while stack[-1][0] >= row.depth:
            stack.pop()
        room = console.width - TREE_INDENT * (row.depth + 1)
        node = stack[-1][1].add(_label(row.article, room))
        stack.append((row.depth, node))
    console.print(tree)
    if note and any(a.story_similarity is not None for a in story.articles):
        console.print(f"[dim]{SIMILARITY_NOTE}[/]")


def print_stories(console: Console, stories: list[Story]) -> None:
    """Every story, one tree each, then how many."""
    if not stories:
        console.print("no stories (add articles first)")
        return
    for story in stories:
        print_story(console, story, note=False)
        console.print()
    console.print(f"[dim]{len(stories)} story(ies)[/]")
    if any(a.story_similarity is not None for s in stories for a in s.articles):
        console.print(f"[dim]{SIMILARITY_NOTE}[/]")
