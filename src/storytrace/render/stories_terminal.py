"""``storytrace stories`` and ``story`` in the terminal: one tree per story (rich)."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.tree import Tree

from ..stories import Story, StoryArticle
from .stories_view import tree_rows


def _label(article: StoryArticle) -> str:
    when = article.published or "undated"
    where = f" · {escape(article.outlet)}" if article.outlet else ""
    lang = f" · {escape(article.lang)}" if article.lang else ""
    if article.title:
        title = escape(article.title[:80])
    elif article.lead:
        lead = article.lead if len(article.lead) <= 80 else article.lead[:79] + "…"
        title = f"[dim italic]{escape(lead)}[/]"
    else:
        title = "[dim](no title)[/]"
    relation = f"[yellow]{escape(article.relation)}[/] of parent · " if article.relation else ""
    return f"{relation}[bold]{escape(article.id)}[/] {when}{where}{lang}  {title}"


def print_story(console: Console, story: Story) -> None:
    """The story's header, then its derivation tree (roots: likely origins or unknown)."""
    langs = ", ".join(story.languages) or "?"
    header = (
        f"[bold]{escape(story.title)}[/]  [dim]story {escape(story.id)} · "
        f"{len(story.articles)} article(s) · {escape(langs)} · "
        f"{len(story.outlets)} outlet(s) · first {story.first_published or 'undated'}[/]"
    )
    tree = Tree(header)
    stack: list[tuple[int, Tree]] = [(-1, tree)]
    for row in tree_rows(story):
        while stack[-1][0] >= row.depth:
            stack.pop()
        node = stack[-1][1].add(_label(row.article))
        stack.append((row.depth, node))
    console.print(tree)


def print_stories(console: Console, stories: list[Story]) -> None:
    if not stories:
        console.print("no stories (add articles first)")
        return
    for story in stories:
        print_story(console, story)
        console.print()
    console.print(f"[dim]{len(stories)} story(ies)[/]")
