"""Story clustering: articles grouped by the event they report, over a sparse link graph.

Greedy agglomeration over a *sparse* candidate graph (each article linked to its ~30
nearest candidates, each link P(same event) from ``events``; a pair without a link is
unknown, not a "no"), deterministic, always a partition (``StoryRule`` holds its three
settings):

- two stories merge when the **mean probability of the links between them** reaches
  ``threshold`` (average link over the *observed* pairs);
- a lone article joins a story when its **strongest link** into it reaches ``threshold``;
- **cohesion check**: two stories of 3 or more articles merge only if their mean link is
  at least ``cohesion_ratio`` of the weaker one's internal mean link (two events of one
  kind are each tight and only loosely tied to each other);
- best merges first; ties broken on the earliest articles.

Incremental equals batch: a merge needs a link at or above ``threshold``, so stories
never cross the connected components of the graph of such *strong* links, and
re-clustering only the components new links touch gives the batch partition. Why each
rule, the knobs' nested cross-validation and the costs: ``docs/stories.md``.

Pure functions and small value types; no I/O.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

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
    """

    threshold: float = STORY_THRESHOLD
    cohesion_ratio: float = COHESION_RATIO
    cohesion_min_size: int = COHESION_MIN_SIZE

    def __post_init__(self) -> None:
        if not 0.0 < self.threshold < 1.0:
            raise ValueError(f"threshold must be between 0 and 1, got {self.threshold}")
        if not 0.0 <= self.cohesion_ratio <= 1.0:
            raise ValueError(f"cohesion_ratio must be between 0 and 1, got {self.cohesion_ratio}")
        if self.cohesion_min_size < 2:
            raise ValueError(f"cohesion_min_size must be 2 or more, got {self.cohesion_min_size}")


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
    clusters = _agglomerate(
        range(len(keys)), [(i, j, p) for (i, j), p in sorted(pairs.items())], rule or StoryRule()
    )
    return {keys[m]: keys[c[0]] for c in clusters for m in c}


@dataclass(frozen=True, slots=True)
class Placement:
    """What one ``Clusterer.add`` changed.

    Attributes:
        story: the new article's story id.
        moved: every article whose story id changed (the new one included), with its
            new story id: the story it joined, or the id of a merged story.
    """

    story: str
    moved: Mapping[str, str]


class Clusterer:
    """Incremental story clustering; the same partition as ``cluster_batch``.

    Holds every link it was given (about 200 bytes a link, both directions) and a
    union-find over the strong ones (p >= threshold). ``add`` re-clusters only the new
    article's component of strong links, so its cost grows with that component (a story
    and the stories chained to it), not with the corpus. For a first build from many
    stored articles, ``cluster_batch`` is faster (one pass instead of one per add) and
    gives the same partition.

    Examples:
        >>> c = Clusterer()
        >>> c.add("a", {}).story
        'a'
        >>> c.add("b", {"a": 0.9}).story
        'a'
        >>> c.add("x", {"a": 0.1}).story
        'x'
    """

    def __init__(self, rule: StoryRule | None = None) -> None:
        self.rule = rule or StoryRule()
        self._keys: list[str] = []
        self._index: dict[str, int] = {}
        self._links: list[dict[int, float]] = []
        self._parent: list[int] = []
        self._component: dict[int, list[int]] = {}  # union-find root -> members
        self._story: list[int] = []  # article index -> index of its story's first article

    def __len__(self) -> int:
        return len(self._keys)

    def __contains__(self, key: object) -> bool:
        return key in self._index

    def add(self, key: str, links: Mapping[str, float]) -> Placement:
        """Add an article with its candidate links (stored key -> P(same event)).

        Raises:
            ValueError: the key was added before.
            KeyError: a link names a key not added yet.
        """
        if key in self._index:
            raise ValueError(f"{key!r} was added already")
        targets = [(self._index[k], float(p)) for k, p in links.items() if k != key]
        i = len(self._keys)
        self._keys.append(key)
        self._index[key] = i
        self._links.append({})
        self._parent.append(i)
        self._component[i] = [i]
        self._story.append(i)
        return self._relink(i, targets)

    def link(self, x: str, y: str, p: float) -> Placement:
        """Record (or update) a link between two added articles, e.g. a stored article
        that finds a newer one among its candidates; re-clusters as ``add`` does.
        ``Placement.story`` is x's story."""
        return self._relink(self._index[x], [(self._index[y], float(p))])

    def _relink(self, i: int, targets: list[tuple[int, float]]) -> Placement:
        for j, p in targets:
            if j == i:
                continue
            self._links[i][j] = p
            self._links[j][i] = p
            if p >= self.rule.threshold - _STRONG_SLACK:
                self._union(i, j)
        return self._recluster(i)

    def _find(self, i: int) -> int:
        root = i
        while self._parent[root] != root:
            root = self._parent[root]
        while self._parent[i] != root:
            self._parent[i], i = root, self._parent[i]
        return root

    def _union(self, i: int, j: int) -> None:
        ri, rj = self._find(i), self._find(j)
        if ri == rj:
            return
        if len(self._component[ri]) < len(self._component[rj]):
            ri, rj = rj, ri
        self._parent[rj] = ri
        self._component[ri].extend(self._component.pop(rj))

    def _recluster(self, i: int) -> Placement:
        nodes = sorted(self._component[self._find(i)])
        inside = set(nodes)
        edges = sorted(
            (a, b, p) for a in nodes for b, p in self._links[a].items() if a < b and b in inside
        )
        moved: dict[str, str] = {}
        for cluster in _agglomerate(nodes, edges, self.rule):
            first = cluster[0]
            for m in cluster:
                if self._story[m] != first or m == i:
                    self._story[m] = first
                    moved[self._keys[m]] = self._keys[first]
        return Placement(story=self._keys[self._story[i]], moved=moved)

    def story_of(self, key: str) -> str:
        """The story id of an added article."""
        return self._keys[self._story[self._index[key]]]

    def assignment(self) -> dict[str, str]:
        """Every added article's story id."""
        return {k: self._keys[s] for k, s in zip(self._keys, self._story, strict=True)}

    def stories(self) -> dict[str, tuple[str, ...]]:
        """Story id -> its articles, in the order they were added."""
        out: dict[str, list[str]] = {}
        for k, s in zip(self._keys, self._story, strict=True):
            out.setdefault(self._keys[s], []).append(k)
        return {s: tuple(m) for s, m in out.items()}
