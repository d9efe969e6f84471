"""A story's derivation tree laid out for an inline SVG: where each box and arrow goes.

A left-to-right tree, one row per article (``stories_view.tree_rows``), so no boxes
overlap and no edge crosses a box; the templates only write the shapes. The rules are
in ``docs/web.md``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import quote, urlencode

from ..display import date_text
from ..render.diff_view import shorten
from ..render.stories_view import tree_rows
from ..stories import Story, StoryArticle, StoryEdge

NODE_W = 340
NODE_H = 54
COL_GAP = 130
ROW_GAP = 16
PAD = 12
TITLE_CHARS = 42
LABEL_CHAR_W = 7.2
"""Approximate width of one label character at 12px (system sans), for the pill."""


@dataclass(frozen=True, slots=True)
class Node:
    """One article's box."""

    id: str
    number: int
    title: str
    full_title: str
    subtitle: str
    x: float
    y: float
    href: str
    root: bool


@dataclass(frozen=True, slots=True)
class Edge:
    """One derivation, parent -> child, with its label pill and compare link."""

    parent: str
    child: str
    relation: str
    score: float | None
    path: str
    label: str
    label_x: float
    label_y: float
    label_w: float
    href: str
    description: str


@dataclass(frozen=True, slots=True)
class Link:
    """A verified link of the story that is not a tree edge (listed, not drawn)."""

    a: str
    b: str
    relation: str
    score: float
    direction: str
    href: str
    story_similarity: float | None = None
    """P(same event) (``StoryEdge.story_similarity``); None when not known."""


@dataclass(frozen=True, slots=True)
class StoryGraph:
    """Everything the story template draws."""

    width: float
    height: float
    node_w: float
    node_h: float
    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]
    other_links: tuple[Link, ...]
    numbers: Mapping[str, int]
    """Each article's number on the timeline, from 1."""
    titles: Mapping[str, str]
    """Each article's heading (title, else first sentence), else its id."""


def article_href(article_id: str) -> str:
    """The article page of an id (any characters: ids may be URLs)."""
    return "/articles/" + quote(article_id, safe="")


def compare_href(a: str, b: str) -> str:
    """The compare page of two stored articles."""
    return "/compare?" + urlencode({"a": a, "b": b})


def layout(story: Story) -> StoryGraph:
    """Place every article and every tree edge of ``story`` (see the module docstring)."""
    articles = list(story.articles)
    by_id = {a.id: a for a in articles}
    order = {a.id: n for n, a in enumerate(articles)}
    rows = [(row.article.id, row.depth) for row in tree_rows(story)]

    position: dict[str, tuple[float, float]] = {}
    nodes = []
    for row, (node_id, depth) in enumerate(rows):
        x = PAD + depth * (NODE_W + COL_GAP)
        y = PAD + row * (NODE_H + ROW_GAP)
        position[node_id] = (x, y)
        article = by_id[node_id]
        nodes.append(
            Node(
                id=node_id,
                number=order[node_id] + 1,
                title=shorten(article.heading or node_id, TITLE_CHARS),
                full_title=article.heading or node_id,
                subtitle=_subtitle(article),
                x=x,
                y=y,
                href=article_href(node_id),
                root=depth == 0,
            )
        )

    links = _edge_index(story.edges)
    edges = []
    tree_pairs: set[frozenset[str]] = set()
    for node_id, depth in rows:
        parent = by_id[node_id].parent
        if depth == 0 or parent is None:
            continue  # a root: its parent, if any, is not in the story
        tree_pairs.add(frozenset((parent, node_id)))
        edges.append(_edge(by_id[parent], by_id[node_id], position, links))

    others = tuple(
        Link(e.a, e.b, e.relation, e.score, e.direction, compare_href(e.a, e.b), e.story_similarity)
        for e in story.edges
        if frozenset((e.a, e.b)) not in tree_pairs and e.a in by_id and e.b in by_id
    )
    depth_max = max((d for _, d in rows), default=0)
    width = 2 * PAD + (depth_max + 1) * NODE_W + depth_max * COL_GAP
    height = 2 * PAD + len(rows) * NODE_H + max(len(rows) - 1, 0) * ROW_GAP
    return StoryGraph(
        width=width,
        height=height,
        node_w=NODE_W,
        node_h=NODE_H,
        nodes=tuple(nodes),
        edges=tuple(sorted(edges, key=lambda e: order[e.child])),
        other_links=others,
        numbers={a.id: order[a.id] + 1 for a in articles},
        titles={a.id: a.heading or a.id for a in articles},
    )


def _subtitle(article: StoryArticle) -> str:
    parts = [date_text(article.published), article.outlet or "", article.lang or ""]
    return shorten(" · ".join(p for p in parts if p), TITLE_CHARS + 6)


def _edge_index(edges: Sequence[StoryEdge]) -> Mapping[frozenset[str], StoryEdge]:
    return {frozenset((e.a, e.b)): e for e in edges}


def _edge(
    parent: StoryArticle,
    child: StoryArticle,
    position: Mapping[str, tuple[float, float]],
    links: Mapping[frozenset[str], StoryEdge],
) -> Edge:
    px, py = position[parent.id]
    cx, cy = position[child.id]
    x1, y1 = px + NODE_W, py + NODE_H / 2
    x2, y2 = cx, cy + NODE_H / 2
    bend = (x2 - x1) / 2
    path = (
        f"M{x1:.1f},{y1:.1f} C{x1 + bend:.1f},{y1:.1f} {x2 - bend:.1f},{y2:.1f} {x2:.1f},{y2:.1f}"
    )
    link = links.get(frozenset((parent.id, child.id)))
    relation = child.relation or (link.relation if link else "derived")
    score = link.score if link else None
    label = relation.replace("_", " ")
    description = (
        f"#{child.id} derives from #{parent.id}: {label}"
        + (f", score {score:.2f}" if score is not None else "")
        + f" (confidence {child.confidence:.2f})"
    )
    return Edge(
        parent=parent.id,
        child=child.id,
        relation=relation,
        score=score,
        path=path,
        label=label,
        label_x=(x1 + x2) / 2,
        label_y=(y1 + y2) / 2,
        label_w=len(label) * LABEL_CHAR_W + 16,
        href=compare_href(parent.id, child.id),
        description=description,
    )
