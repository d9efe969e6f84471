"""Stories as the reader sees them: members on a timeline, a version graph, a derivation tree.

``storytrace.cluster`` decides which articles report one event; this module turns one
such group and the pairwise judgements inside it into a ``Story``:

- the **timeline**: members by publication date (undated ones last, in the order they
  were stored);
- the **version graph**: every judged pair, labelled with its relation and score;
- the **derivation tree**: each article's likely source. Only derived relations
  (duplicate, light edit, rewrite, translation) with a known direction can make a
  parent; edges are taken strongest first (direction confidence times relation score),
  an article keeps its first parent, and an edge that would close a cycle is refused,
  so the result is a forest by construction. A parent published more than a day after
  its child is refused too: a text cannot derive from a later one, whatever the wording
  suggests. An article whose source cannot be told stays in the story without a parent;
  the roots with children are the likely origins.
- the **title**: the headline of the most connected member (its most representative
  version), else the earliest member's first sentence.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from ..display import title_of

DERIVED = frozenset({"update", "duplicate", "light_edit", "rewrite", "translation"})
"""Relations in which one text was made from the other (``update``: a later version of
a watched page, from the page tables)."""

MIN_DIRECTION_CONFIDENCE = 0.3
"""Below this a direction is ``unknown`` in ``relate`` already; kept here for edges
whose direction came from elsewhere."""

PARENT_AFTER_CHILD_DAYS = 1
"""A parent may be dated at most this many days after its child (time zones, updates)."""


@dataclass(frozen=True, slots=True)
class Member:
    """What the tree needs of one article of the story."""

    key: int
    id: str
    title: str | None
    first_sentence: str
    published: dt.date | None
    outlet: str | None
    lang: str | None


@dataclass(frozen=True, slots=True)
class StoryEdge:
    """One judged pair of the version graph, ``a`` and ``b`` as article ids.

    ``direction`` is from ``a`` to ``b`` ("a_to_b": ``b`` derives from ``a``).
    """

    a: str
    b: str
    relation: str
    score: float
    direction: str
    confidence: float
    story_similarity: float | None = None
    """``relation.story_similarity``: P(the two report the same event), 1.0 for a version;
    None for a pair verified before the store kept it (or imported from a batch)."""


@dataclass(frozen=True, slots=True)
class StoryArticle:
    """A member on the timeline, with its parent in the derivation tree (or None)."""

    id: str
    title: str | None
    published: str | None
    outlet: str | None
    lang: str | None
    parent: str | None
    relation: str | None
    confidence: float
    lead: str = ""
    """The first sentence where the article has no title (scraped text often has none):
    what a timeline shows in the title's place."""
    story_similarity: float | None = None
    """P(same event) of its closest verified member: the highest ``story_similarity`` of
    its edges (1.0 for a version); None when no edge of it has one."""

    @property
    def heading(self) -> str:
        """The title, or else the first sentence shortened (``display.title_of``)."""
        return title_of(self.title, self.lead, self.id)


@dataclass(frozen=True, slots=True)
class Story:
    """One story: its members on a timeline, the version graph and the derivation tree."""

    id: str
    title: str
    languages: tuple[str, ...]
    outlets: tuple[str, ...]
    articles: tuple[StoryArticle, ...]
    edges: tuple[StoryEdge, ...]

    @property
    def origins(self) -> tuple[str, ...]:
        """Articles with children but no parent: where the story likely started."""
        parents = {a.parent for a in self.articles if a.parent}
        return tuple(a.id for a in self.articles if a.parent is None and a.id in parents)

    @property
    def first_published(self) -> str | None:
        dates = [a.published for a in self.articles if a.published]
        return min(dates) if dates else None


def derivation_parents(
    members: Sequence[Member], edges: Sequence[StoryEdge]
) -> dict[str, tuple[str, str, float]]:
    """Each article's parent: child id -> (parent id, relation, confidence).

    See the module docstring for the rules; the result never contains a cycle.
    """
    dates = {m.id: m.published for m in members}
    candidates: list[tuple[float, str, str, str, float]] = []
    for edge in edges:
        if edge.relation not in DERIVED or edge.confidence < MIN_DIRECTION_CONFIDENCE:
            continue
        if edge.direction == "a_to_b":
            parent, child = edge.a, edge.b
        elif edge.direction == "b_to_a":
            parent, child = edge.b, edge.a
        else:
            continue
        born, made = dates.get(parent), dates.get(child)
        if born and made and (born - made).days > PARENT_AFTER_CHILD_DAYS:
            continue
        strength = edge.confidence * edge.score
        candidates.append((strength, parent, child, edge.relation, edge.confidence))
    candidates.sort(key=lambda c: (-c[0], c[1], c[2]))
    parent_of: dict[str, tuple[str, str, float]] = {}
    for _, parent, child, relation, confidence in candidates:
        if child in parent_of or _descends(parent, child, parent_of):
            continue
        parent_of[child] = (parent, relation, confidence)
    return parent_of


def _descends(node: str, ancestor: str, parent_of: dict[str, tuple[str, str, float]]) -> bool:
    """Whether ``ancestor`` is ``node`` or one of its ancestors (a cycle if linked)."""
    seen = set()
    while node not in seen:
        if node == ancestor:
            return True
        seen.add(node)
        if node not in parent_of:
            return False
        node = parent_of[node][0]
    return True  # pragma: no cover - parent_of is acyclic by construction


def build_story(story_id: str, members: Sequence[Member], edges: Sequence[StoryEdge]) -> Story:
    """A ``Story`` from its members and the judged pairs among them."""
    ids = {m.id for m in members}
    inner = [e for e in edges if e.a in ids and e.b in ids]
    parents = derivation_parents(members, inner)
    order = sorted(
        range(len(members)),
        key=lambda k: (members[k].published is None, members[k].published or dt.date.min, k),
    )
    closest: dict[str, float] = {}
    for e in inner:
        if e.story_similarity is not None:
            for end in (e.a, e.b):
                closest[end] = max(closest.get(end, 0.0), e.story_similarity)
    articles = tuple(
        _story_article(members[k], parents.get(members[k].id), closest.get(members[k].id))
        for k in order
    )
    return Story(
        id=story_id,
        title=_title(members, inner, order),
        languages=tuple(sorted({m.lang for m in members if m.lang})),
        outlets=tuple(sorted({m.outlet for m in members if m.outlet})),
        articles=articles,
        edges=tuple(inner),
    )


def _story_article(
    member: Member, parent: tuple[str, str, float] | None, closest: float | None
) -> StoryArticle:
    published = member.published
    return StoryArticle(
        id=member.id,
        title=member.title,
        published=published.isoformat() if published is not None else None,
        outlet=member.outlet,
        lang=member.lang,
        parent=parent[0] if parent else None,
        relation=parent[1] if parent else None,
        confidence=parent[2] if parent else 0.0,
        lead="" if member.title else member.first_sentence,
        story_similarity=closest,
    )


def _title(members: Sequence[Member], edges: Sequence[StoryEdge], order: list[int]) -> str:
    degree: dict[str, float] = {}
    for e in edges:
        degree[e.a] = degree.get(e.a, 0.0) + e.score
        degree[e.b] = degree.get(e.b, 0.0) + e.score
    titled = [k for k, m in enumerate(members) if m.title]
    if titled:
        best = max(titled, key=lambda k: (degree.get(members[k].id, 0.0), -k))
        return str(members[best].title)
    first = members[order[0]]
    return title_of(None, first.first_sentence, first.id)
