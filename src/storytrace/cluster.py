"""Story clustering: articles grouped by the event they report, over a sparse link graph.

Greedy agglomeration over a *sparse* candidate graph (each article linked to its ~30
nearest candidates, each link P(same event) from ``events``; a missing link is unknown,
not a "no"), deterministic, always a partition: stories merge when the mean of the links
between them reaches a threshold, a lone article joins on its strongest link, and two
large stories merge only if they hold together about as tightly as each does alone
(``StoryRule``). A merge needs a strong link, so stories never cross the components of
the strong-link graph; a component over ``MAX_COMPONENT`` articles is clustered in pieces
cut at its weakest strong links, so no clustering grows with the corpus. ``add_to_stories``
re-clusters only the components new links touch, keeping its state in a ``StoryGraph``
(the store's tables or ``MemoryGraph``).
Why each rule, the cross-validation of the knobs and the costs: ``docs/stories.md``.

Pure functions and small value types; no I/O.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

STORY_THRESHOLD = 0.4
"""Merge when the link (mean between stories, best for a lone article) reaches this;
chosen by nested cross-validation by topic in all five folds (grid 0.4, 0.5, 0.6)."""

COHESION_RATIO = 0.75
"""Two stories merge only if their mean link is at least this share of the weaker one's
internal mean link; chosen by nested cross-validation (0.75 in 3 of 5 folds, 0.7 and 0.8
in the others; grid 0, 0.6-0.85)."""

COHESION_MIN_SIZE = 3
"""Stories from this size on have internal links worth comparing with. Fixed on all
topics, outside the nested CV (within-topic ARI 0.839 against 0.823 with 2, at 0.75)."""

MAX_COMPONENT = 1000
"""A strong-link component larger than this is clustered in pieces of at most this many
articles, cut at its weakest strong links (``_pieces``), so the cost of clustering a
component is bounded. Strong links percolate: once articles average more than about
one strong link each, most of a corpus joins one component (73% of the 100,000-article
bench corpus, whose articles share pooled sentences), though no story comes near this
size (ECB+'s largest component: far below it; ``docs/stories.md``)."""


# ---------------------------------------------------------------------------- clustering

_STRONG_SLACK = 1e-9
"""Links this close below the threshold still join components, so a mean of links all
just below it that rounds up to it cannot merge across components."""

Edge = tuple[int, int, float]
"""A candidate link between two article indexes (i < j) with its probability."""


@dataclass(frozen=True, slots=True)
class StoryRule:
    """When two groups of articles become one story (see the module docstring).

    Attributes:
        threshold: the link two stories' mean probability, or a lone article's best
            probability, must reach.
        cohesion_ratio: two stories of at least ``cohesion_min_size`` articles each merge
            only if their mean link is at least this share of the weaker one's mean
            internal link (0 turns the check off).
        cohesion_min_size: the size from which a story's internal links are trusted.
        max_component: the most articles clustered together; a larger strong-link
            component is cut at its weakest strong links into pieces this size or less.
    """

    threshold: float = STORY_THRESHOLD
    cohesion_ratio: float = COHESION_RATIO
    cohesion_min_size: int = COHESION_MIN_SIZE
    max_component: int = MAX_COMPONENT

    def __post_init__(self) -> None:
        if not 0.0 < self.threshold < 1.0:
            raise ValueError(f"threshold must be between 0 and 1, got {self.threshold}")
        if not 0.0 <= self.cohesion_ratio <= 1.0:
            raise ValueError(f"cohesion_ratio must be between 0 and 1, got {self.cohesion_ratio}")
        if self.cohesion_min_size < 2:
            raise ValueError(f"cohesion_min_size must be 2 or more, got {self.cohesion_min_size}")
        if self.max_component < 2:
            raise ValueError(f"max_component must be 2 or more, got {self.max_component}")


def _pieces(nodes: Sequence[int], edges: Sequence[Edge], rule: StoryRule) -> list[list[int]]:
    """``nodes`` (one strong-link component) in pieces of at most ``rule.max_component``:
    strong links from the strongest down (ties by their ends) join two pieces unless
    the union would exceed the bound; the links left out are the component's weakest
    cut. A component within the bound is one piece. Pieces sorted, by first member."""
    if len(nodes) <= rule.max_component:
        return [sorted(nodes)]
    parent = {v: v for v in nodes}
    size = dict.fromkeys(nodes, 1)

    def root(v: int) -> int:
        while parent[v] != v:
            parent[v] = parent[parent[v]]
            v = parent[v]
        return v

    strong = sorted((e for e in edges if is_strong(e[2], rule)), key=lambda e: (-e[2], e[0], e[1]))
    for a, b, _ in strong:
        ra, rb = root(a), root(b)
        if ra != rb and size[ra] + size[rb] <= rule.max_component:
            ra, rb = min(ra, rb), max(ra, rb)
            parent[rb] = ra
            size[ra] += size.pop(rb)
    grouped: dict[int, list[int]] = {}
    for v in sorted(nodes):
        grouped.setdefault(root(v), []).append(v)
    return sorted(grouped.values())


def _cluster_pieces(
    nodes: Sequence[int], edges: Sequence[Edge], rule: StoryRule
) -> list[list[int]]:
    """The stories of one strong-link component's ``nodes`` over its sorted ``edges``:
    ``_agglomerate`` within each of its ``_pieces``. Clusters sorted, by first member."""
    pieces = _pieces(nodes, edges, rule)
    if len(pieces) == 1:
        return _agglomerate(nodes, edges, rule)
    piece_of = {v: n for n, piece in enumerate(pieces) for v in piece}
    inside: list[list[Edge]] = [[] for _ in pieces]
    for edge in edges:
        n = piece_of[edge[0]]
        if piece_of[edge[1]] == n:
            inside[n].append(edge)
    clusters = [
        c
        for piece, links in zip(pieces, inside, strict=True)
        for c in _agglomerate(piece, links, rule)
    ]
    return sorted(clusters)


def _agglomerate(nodes: Iterable[int], edges: Sequence[Edge], rule: StoryRule) -> list[list[int]]:
    """Greedy agglomeration of ``nodes`` over the sparse ``edges``; see the module docstring.

    ``edges`` hold each pair once, i < j, in sorted order (the float sums then come out
    the same in batch and incremental runs). Returns the clusters, each sorted, ordered
    by their first member.
    """
    threshold = rule.threshold
    size = dict.fromkeys(nodes, 1)
    members: dict[int, list[int]] = {v: [v] for v in size}
    inner = {v: [0.0, 0.0] for v in size}  # a story's internal links: [sum of p, count]
    # cell = [sum of p, number of links, max p], shared by both directions
    links: dict[int, dict[int, list[float]]] = {v: {} for v in size}
    for i, j, p in edges:
        cell = [p, 1.0, p]
        links[i][j] = cell
        links[j][i] = cell

    def score(a: int, b: int, cell: list[float]) -> float:
        if min(size[a], size[b]) == 1 < max(size[a], size[b]):
            return cell[2]  # a lone article: its strongest link into the story
        return cell[0] / cell[1]  # two stories (or two lone articles): the mean link

    def cohesive(a: int, b: int, cell: list[float]) -> bool:
        if not rule.cohesion_ratio or min(size[a], size[b]) < rule.cohesion_min_size:
            return True
        weaker = min(inner[a][0] / inner[a][1], inner[b][0] / inner[b][1])
        return cell[0] / cell[1] >= rule.cohesion_ratio * weaker

    # A heap entry is live while both stories exist and its score is still the pair's
    # current score. After a merge only the scores that can have changed are pushed
    # again: the merged story's links to the absorbed story's neighbours (their cells
    # changed), all of its links when it was a lone article (max became mean), and the
    # pairs the cohesion check refused (the inner means changed). Re-pushing every link
    # of a growing story instead made the 100,000-article clustering quadratic in its
    # largest stories' degrees; the merge order is the same either way.
    blocked: dict[int, set[int]] = {}
    heap: list[tuple[float, int, int]] = []
    for i, j, p in edges:
        if p >= threshold:
            heap.append((-p, i, j))
    heapq.heapify(heap)
    while heap:
        negative, a, b = heapq.heappop(heap)
        into = links.get(a)
        if into is None or b not in into:
            continue  # one of the two was merged away, or they already merged
        cell = into[b]
        if score(a, b, cell) != -negative:
            continue  # stale: the pair's current score was pushed when it changed
        if not cohesive(a, b, cell):
            blocked.setdefault(a, set()).add(b)
            blocked.setdefault(b, set()).add(a)
            continue
        # merge b into a (a < b, so the cluster keeps its earliest member's index)
        was_lone = size[a] == 1
        gone = links.pop(b)
        between = into.pop(b)
        inner_a, inner_b = inner[a], inner.pop(b)
        inner_a[0] += inner_b[0] + between[0]
        inner_a[1] += inner_b[1] + between[1]
        changed: set[int] = set()
        for c, cell in gone.items():
            if c == a:
                continue
            del links[c][b]
            mine = into.get(c)
            merged = (
                cell
                if mine is None
                else [mine[0] + cell[0], mine[1] + cell[1], max(mine[2], cell[2])]
            )
            into[c] = merged
            links[c][a] = merged
            changed.add(c)
        size[a] += size.pop(b)
        members[a].extend(members.pop(b))
        for x in (a, b):
            for c in blocked.pop(x, ()):
                if c not in (a, b):
                    blocked[c].discard(a)
                    blocked[c].discard(b)
                    changed.add(c)
        if was_lone:
            changed.update(into)
        for c in changed:
            current = into.get(c)
            if current is None:
                continue
            s = score(a, c, current)
            if s >= threshold:
                lo, hi = (a, c) if a < c else (c, a)
                heapq.heappush(heap, (-s, lo, hi))
    return [sorted(m) for _, m in sorted(members.items())]


def cluster_batch(
    keys: Sequence[str],
    edges: Iterable[tuple[str, str, float]],
    rule: StoryRule | None = None,
) -> dict[str, str]:
    """Every key's story id: the first key of its story in ``keys`` order.

    Args:
        keys: the articles, in the order they were added (it decides ties and ids).
        edges: candidate links ``(key, key, P(same event))``; a pair given twice keeps
            its last probability; self-links are ignored.
        rule: see ``StoryRule``; the measured defaults when None.

    Raises:
        KeyError: an edge names a key not in ``keys``.
        ValueError: a key is repeated.
    """
    index = {k: i for i, k in enumerate(keys)}
    if len(index) != len(keys):
        raise ValueError("keys must be distinct")
    pairs: dict[tuple[int, int], float] = {}
    for x, y, p in edges:
        i, j = index[x], index[y]
        if i != j:
            pairs[(i, j) if i < j else (j, i)] = float(p)
    clusters = _cluster_pieces(
        range(len(keys)), [(i, j, p) for (i, j), p in sorted(pairs.items())], rule or StoryRule()
    )
    return {keys[m]: keys[c[0]] for c in clusters for m in c}


# ------------------------------------------------------------------ incremental engine

LOCAL_LIMIT = 5000
"""Components larger than this, which new articles only touch, are re-clustered locally
(the new articles and the stories their strong links reach). Chains of strong links can
join a large part of a corpus into one component (60% of the 100,000-article bench
corpus); re-clustering it whole for 1,000 new articles took 226 s. Locally the result
can differ from a batch build, which re-clusters the component whole."""


class StoryGraph(Protocol):
    """Where ``add_to_stories`` keeps its state. Nodes are ints in arrival order (the
    store's row ids); a component or a story is named by its smallest node."""

    def add_nodes(self, nodes: Sequence[int]) -> None:
        """New nodes, each its own component and story."""

    def add_links(self, edges: Sequence[Edge]) -> None:
        """Links ``(a, b, p)`` with ``a < b``; a pair given again keeps the new ``p``."""

    def components_of(self, nodes: Sequence[int]) -> dict[int, int]:
        """The component of each node."""

    def rename_components(self, moved: Mapping[int, int]) -> None:
        """Every node of component ``old`` now belongs to component ``moved[old]``."""

    def component_members(self, component: int) -> list[int]:
        """The nodes of a component, sorted."""

    def strong_partners(self, nodes: Sequence[int], threshold: float) -> set[int]:
        """Every node linked to one of ``nodes`` with ``p >= threshold``."""

    def stories_of(self, nodes: Sequence[int]) -> set[int]:
        """The stories these nodes belong to."""

    def story_members(self, story: int) -> list[int]:
        """The nodes of a story."""

    def links_among(self, members: Sequence[int]) -> list[Edge]:
        """The links whose two ends are both ``members``, sorted."""

    def set_stories(self, assignment: Mapping[int, int]) -> None:
        """Node -> its story."""


def add_to_stories(
    graph: StoryGraph,
    nodes: Sequence[int],
    edges: Sequence[Edge],
    rule: StoryRule | None = None,
    *,
    local_limit: int = LOCAL_LIMIT,
) -> set[int]:
    """Add ``nodes`` with their ``edges`` (to each other or to earlier nodes) and
    re-cluster the components they touch; returns those components.

    Given the same links, the stories equal ``cluster_batch`` over all of them, whatever
    the order of the calls (while no component exceeds ``local_limit``).
    """
    rule = rule or StoryRule()
    graph.add_nodes(nodes)
    graph.add_links(edges)
    strong = [(a, b) for a, b, p in edges if is_strong(p, rule)]
    touched = _join_components(graph, nodes, strong)
    fresh = set(nodes)
    for component in sorted(touched):
        members = graph.component_members(component)
        new = [m for m in members if m in fresh]
        if len(members) > local_limit and len(new) < len(members) // 2:
            members = _local_members(graph, new, rule.threshold)
        if len(members) == 1:
            graph.set_stories({members[0]: members[0]})
            continue
        clusters = _cluster_pieces(members, graph.links_among(members), rule)
        graph.set_stories({m: cluster[0] for cluster in clusters for m in cluster})
    return touched


def _join_components(
    graph: StoryGraph, nodes: Sequence[int], strong: Sequence[tuple[int, int]]
) -> set[int]:
    """Merge components along strong links (one rename at the end); returns the
    components the new nodes ended in or that absorbed others."""
    involved = sorted({r for pair in strong for r in pair} | set(nodes))
    current = graph.components_of(involved)
    moved = merge_components(current, strong)
    graph.rename_components(moved)
    return {moved.get(c, c) for c in (current.get(r, r) for r in nodes)} | set(moved.values())


def strong_floor(rule: StoryRule | None = None) -> float:
    """The least P(same event) of a strong link: ``is_strong(p)`` is ``p >= strong_floor()``
    (a batch filters on it in SQL)."""
    return (rule or StoryRule()).threshold - _STRONG_SLACK


def is_strong(p: float, rule: StoryRule | None = None) -> bool:
    """Whether a link joins components: stories never cross components of such links."""
    return p >= strong_floor(rule)


def merge_components(
    component_of: Mapping[int, int], pairs: Iterable[tuple[int, int]]
) -> dict[int, int]:
    """Union-find over components: ``component_of`` gives a node's component (a node
    not in it is its own), ``pairs`` the links that join them. Returns every component
    that merged into another -> the component it is now part of (the smallest id)."""
    parent: dict[int, int] = {}

    def root(c: int) -> int:
        while parent.get(c, c) != c:
            parent[c] = parent.get(parent[c], parent[c])
            c = parent[c]
        return c

    for a, b in pairs:
        ra, rb = root(component_of.get(a, a)), root(component_of.get(b, b))
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    return {c: root(c) for c in parent if root(c) != c}


def _local_members(graph: StoryGraph, new: list[int], threshold: float) -> list[int]:
    """The new nodes and every member of the stories their strong links reach."""
    reached = graph.strong_partners(new, threshold - _STRONG_SLACK) | set(new)
    members = set(new)
    for story in graph.stories_of(sorted(reached - set(new))):
        members.update(graph.story_members(story))
    return sorted(members)


@dataclass(slots=True)
class MemoryGraph:
    """A ``StoryGraph`` in memory (about 200 bytes a link): for benchmarks, tests and
    batch jobs that keep no store."""

    links: dict[int, dict[int, float]] = field(default_factory=dict)
    component: dict[int, int] = field(default_factory=dict)
    members: dict[int, list[int]] = field(default_factory=dict)
    story: dict[int, int] = field(default_factory=dict)

    def add_nodes(self, nodes: Sequence[int]) -> None:
        for n in nodes:
            if n in self.component:
                raise ValueError(f"node {n} was added already")
            self.links[n] = {}
            self.component[n] = n
            self.members[n] = [n]
            self.story[n] = n

    def add_links(self, edges: Sequence[Edge]) -> None:
        for a, b, p in edges:
            if a == b:
                continue
            if a not in self.links or b not in self.links:
                raise KeyError(f"link {a}-{b} names a node not added yet")
            self.links[a][b] = p
            self.links[b][a] = p

    def components_of(self, nodes: Sequence[int]) -> dict[int, int]:
        return {n: self.component[n] for n in nodes}

    def rename_components(self, moved: Mapping[int, int]) -> None:
        for old, new in moved.items():
            for n in self.members.pop(old):
                self.component[n] = new
                self.members[new].append(n)

    def component_members(self, component: int) -> list[int]:
        return sorted(self.members[component])

    def strong_partners(self, nodes: Sequence[int], threshold: float) -> set[int]:
        return {m for n in nodes for m, p in self.links[n].items() if p >= threshold}

    def stories_of(self, nodes: Sequence[int]) -> set[int]:
        return {self.story[n] for n in nodes}

    def story_members(self, story: int) -> list[int]:
        return sorted(n for n, s in self.story.items() if s == story)

    def links_among(self, members: Sequence[int]) -> list[Edge]:
        inside = set(members)
        return sorted(
            (a, b, p) for a in members for b, p in self.links[a].items() if a < b and b in inside
        )

    def set_stories(self, assignment: Mapping[int, int]) -> None:
        self.story.update(assignment)
