"""The stories stage: bring a store's stories up to date with its articles.

Each article in no story yet is linked to its nearest lead vectors among all the
articles stored (the symmetric k-nearest graph the event model was fitted on), each link
scored with the event model (``events``) at the document frequencies of the moment;
links that look derived are verified with ``compare`` for the version graph; then
``cluster.add_to_stories`` re-clusters only the strong-link components the new articles
touched, in the store's tables (``store.story_graph``).
Each time the store grows past a power of two, every link is re-scored at the current
frequencies and every story re-clustered (``rescore_due``): links scored when the store
was small weigh words by the frequencies of that moment, and re-scoring on a doubling
costs at most twice the links in all. ``rebuild=True`` also searches and verifies again.
Design and figures: ``docs/stories.md``.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from .. import cluster as _cluster
from .. import events as _events
from ..store.repository import Repository
from ..store.story_tables import EdgeRow
from ..store.vectors import VectorIndex
from ..verify import verify_pair
from .model import DERIVED

STORY_K = 30
"""Lead-vector neighbours each article is linked to (ECB+: the 30 nearest held 97.8% of
the same-event pairs)."""

VERIFY_COSINE = 0.8
"""Same-language links whose lead vectors are this close, and likely one event
(``VERIFY_MIN_P``), are verified with ``compare`` for the version graph (copies, edits
and rewrites keep their lead); a derived verdict makes the link certain."""

VERIFY_COSINE_ACROSS = 0.7
"""The same for links across languages, whatever the event model says: it sees no shared
words across languages (planted translations: lead cosine 0.73-0.93)."""

VERIFY_MIN_P = 0.2
"""P(same event) a same-language link needs to be verified: rewrites share fewer rare
words than reports of one event do, so the bar sits below the story threshold."""

SEARCH_EXPANSION = 64
"""HNSW search breadth for story links: a broad neighbourhood, where near-ties among the
30 matter little, at a third of ``find``'s cost."""

CHUNK = 2000
"""Articles per batched vector search."""

BACKFILL_CHUNK = 1000
"""Articles per transaction when taking the evidence of articles stored without it."""


@dataclass(slots=True)
class StoriesReport:
    """What one ``update_stories`` did."""

    linked: int = 0
    links: int = 0
    verified: int = 0
    components: int = 0
    rescored: int = 0
    stories: int = 0
    seconds: float = 0.0


def update_stories(
    repo: Repository,
    *,
    rebuild: bool = False,
    on_progress: Callable[[int, int], None] | None = None,
    on_stage: Callable[[str], None] | None = None,
) -> StoriesReport:
    """Bring the stories up to date (see the module docstring); the caller holds the
    writer lock. ``on_stage`` hears each stage as it starts, in words."""
    report = StoriesReport()
    start = time.perf_counter()
    stage = on_stage or (lambda _: None)
    stage("reading the articles' event evidence")
    backfill_evidence(repo)
    if rebuild:
        with repo.transaction():
            repo.stories.clear()
    todo = repo.stories.unassigned()
    if not todo:
        report.stories = repo.stories.count()
        return report
    stats = repo.stories.corpus_stats()
    stage(f"finding the neighbours of {len(todo):,} new article(s)")
    index, _ = repo.vector_index()
    pairs, cosines = link_pairs(_neighbours(repo, index, todo))
    stage(f"scoring {len(pairs):,} candidate pair(s)")
    probabilities = _probabilities(repo, pairs, stats)
    languages = _languages(repo, pairs)
    to_verify = [
        (a, b)
        for (a, b), p, cosine in zip(pairs, probabilities, cosines, strict=True)
        if worth_verifying(p, cosine, languages[a], languages[b])
    ]
    stage(f"comparing {len(to_verify):,} close pair(s) sentence by sentence")
    verdicts, similarities = _verify(repo, to_verify)
    report.verified = len(verdicts)
    updates = repo.pages.updates_of(todo)
    verdicts = with_updates(verdicts, updates)
    judged = {(a, b) for a, b, _ in similarities}
    # two versions of one page report one event
    similarities = [*similarities, *((a, b, 1.0) for a, b in updates if (a, b) not in judged)]
    certain = {(a, b) for a, b, relation, *_ in verdicts if relation in DERIVED}
    linked = set(pairs)
    rows = [
        (a, b, 1.0 if (a, b) in certain else p)
        for (a, b), p in zip(pairs, probabilities, strict=True)
    ] + [(a, b, 1.0) for a, b, *_ in verdicts if (a, b) not in linked and (a, b) in certain]
    report.links = len(rows)
    nodes = todo
    rescore = rescore_due(stats.documents - len(todo), stats.documents)
    if rescore:
        stage("re-scoring the earlier links at today's document frequencies")
        earlier = rescored_links(repo, stats, skip=linked | certain)
        report.rescored = len(earlier)
        nodes, rows = sorted({*repo.stories.members_all(), *todo}), earlier + rows
    stage("clustering into stories")
    with repo.transaction():
        repo.stories.write_edges(verdicts)
        repo.stories.write_story_similarities(similarities)
        if rescore:
            repo.stories.clear_clustering()
        touched = _cluster.add_to_stories(repo.stories.graph(), nodes, rows)
    report.linked = len(todo)
    if on_progress is not None:
        on_progress(report.linked, len(todo))
    report.components = len(touched)
    report.stories = repo.stories.count()
    report.seconds = time.perf_counter() - start
    return report


def rescore_due(before: int, now: int) -> bool:
    """Whether an update that takes the store from ``before`` to ``now`` articles re-scores
    the earlier links: when it passes a power of two (1,024, 2,048...), so that every link
    was scored with the document frequencies of at least half the store."""
    return before > 0 and before.bit_length() < now.bit_length()


def rescored_links(
    repo: Repository, stats: _events.CorpusStats, *, skip: set[tuple[int, int]]
) -> list[tuple[int, int, float]]:
    """Every stored link but ``skip`` (this update's own), P again at ``stats``; a pair
    verified as derived stays certain."""
    links = [(a, b) for a, b, _ in repo.stories.links() if (a, b) not in skip]
    certain = repo.stories.pairs_judged(DERIVED)
    probabilities = _probabilities(repo, links, stats)
    return [
        (a, b, 1.0 if (a, b) in certain else p)
        for (a, b), p in zip(links, probabilities, strict=True)
    ]


def with_updates(verdicts: list[EdgeRow], updates: list[tuple[int, int]]) -> list[EdgeRow]:
    """The verdicts with each (earlier, later) version of a watched page as an
    ``update`` edge, direction known, in place of what ``compare`` judged of the pair."""
    known = {(a, b): (a, b, "update", 1.0, "a_to_b", 1.0) for a, b in updates}
    kept = [v for v in verdicts if (v[0], v[1]) not in known]
    return kept + list(known.values())


def backfill_evidence(repo: Repository) -> int:
    """Take the evidence of articles stored before the story tables existed (new articles
    get theirs at ingest); returns how many needed it."""
    missing = repo.stories.without_evidence()
    for offset in range(0, len(missing), BACKFILL_CHUNK):
        chunk = missing[offset : offset + BACKFILL_CHUNK]
        articles = repo.articles_by_rowid(chunk)
        with repo.transaction():
            for rowid in chunk:
                repo.stories.write_evidence(rowid, _events.event_evidence(articles[rowid]))
    return len(missing)


def _languages(repo: Repository, pairs: list[tuple[int, int]]) -> dict[int, str | None]:
    rows = sorted({r for pair in pairs for r in pair})
    return {r: m["lang"] for r, m in repo.meta_of(rows).items()}


def _neighbours(
    repo: Repository, index: VectorIndex, todo: list[int]
) -> dict[int, list[tuple[int, float]]]:
    """Each article's ``STORY_K`` nearest lead vectors among all stored articles, searched
    in batches of ``CHUNK``."""
    out: dict[int, list[tuple[int, float]]] = {}
    for offset in range(0, len(todo), CHUNK):
        chunk = todo[offset : offset + CHUNK]
        vectors = repo.document_vectors_of(chunk)
        ready = [r for r in chunk if r in vectors]
        out.update({r: [] for r in chunk if r not in vectors})
        if not ready:
            continue
        out.update(nearest_neighbours(index, ready, np.stack([vectors[r] for r in ready])))
    return out


def nearest_neighbours(
    index: VectorIndex, rows: list[int], queries: NDArray[np.float32]
) -> dict[int, list[tuple[int, float]]]:
    """The ``STORY_K`` nearest lead vectors of each row among every other row of the
    index: one ``search_many`` over ``queries`` (the rows' vectors, in order). The batch
    engines call it on the same chunks of ``CHUNK`` rows, so their neighbours are these.

    Not only the rows stored before: "the k nearest among the earlier ones" reaches far
    for an article whose event arrives after it (the first report of a story links to
    30 unrelated predecessors), and those weak links drag the mean link of the stories
    they touch. On ECB+ in file order that cost 0.009 ARI through the store in every
    weight set tried (``docs/stories.md``)."""
    found = index.search_many(queries, STORY_K + 1, expansion=SEARCH_EXPANSION)
    return {
        rowid: [(k, c) for k, c in hits if k != rowid][:STORY_K]
        for rowid, hits in zip(rows, found, strict=True)
    }


def worth_verifying(p: float, cosine: float, lang_a: str | None, lang_b: str | None) -> bool:
    """Whether a story link is verified with ``compare`` (``VERIFY_COSINE``,
    ``VERIFY_MIN_P``, ``VERIFY_COSINE_ACROSS``)."""
    return (cosine >= VERIFY_COSINE and p >= VERIFY_MIN_P) or (
        cosine >= VERIFY_COSINE_ACROSS and lang_a != lang_b
    )


def link_pairs(
    neighbours: dict[int, list[tuple[int, float]]],
) -> tuple[list[tuple[int, int]], list[float]]:
    """Distinct (earlier, later) row pairs with their lead cosine, whichever side found
    the other."""
    best: dict[tuple[int, int], float] = {}
    for rowid, hits in neighbours.items():
        for other, cosine in hits:
            key = (other, rowid) if other < rowid else (rowid, other)
            best[key] = max(cosine, best.get(key, -1.0))
    pairs = sorted(best)
    return pairs, [best[p] for p in pairs]


def _probabilities(
    repo: Repository, pairs: list[tuple[int, int]], stats: _events.CorpusStats
) -> list[float]:
    """P(same event) of every pair: each article's evidence weighed once, streamed from
    the store into one sparse matrix, then every link scored in one vectorised pass
    (``events.link_probabilities``)."""
    if not pairs:
        return []
    involved = sorted({r for pair in pairs for r in pair})
    position = {rowid: n for n, rowid in enumerate(involved)}
    matrix = _events.evidence_matrix(repo.stories.evidence_of(involved), stats)
    index = np.array([(position[a], position[b]) for a, b in pairs], dtype=np.int64)
    return [float(p) for p in _events.link_probabilities(matrix, index)]


def _verify(
    repo: Repository, pairs: list[tuple[int, int]]
) -> tuple[list[EdgeRow], list[tuple[int, int, float]]]:
    """``compare`` verdicts of row pairs: (a, b, relation, score, direction, confidence),
    and (a, b, story_similarity) of the same pairs."""
    if not pairs:
        return [], []
    articles = repo.articles_by_rowid(sorted({r for pair in pairs for r in pair}))
    out: list[EdgeRow] = []
    similarities: list[tuple[int, int, float]] = []
    for a, b in pairs:
        x, y = articles.get(a), articles.get(b)
        if x is None or y is None or not x.sentences or not y.sentences:
            continue
        relation = verify_pair(repo, (a, x), (b, y), repo.settings.encoder).relation
        out.append(
            (
                a,
                b,
                relation.label,
                float(relation.score),
                relation.direction,
                float(relation.direction_confidence),
            )
        )
        similarities.append((a, b, float(relation.story_similarity)))
    return out, similarities


__all__ = [
    "StoriesReport",
    "backfill_evidence",
    "link_pairs",
    "nearest_neighbours",
    "rescore_due",
    "update_stories",
    "worth_verifying",
]
