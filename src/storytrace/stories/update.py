"""Stories over a store: incremental clustering, the version graph, the derivation tree.

``update_stories`` brings the store's stories up to date with its articles:

1. **Evidence** (``cluster.event_evidence``: content stems, names, dates and measured
   numbers) is taken at ingest, with its document frequencies (``story_df``); articles
   stored before stories existed get it here, once.
2. **Links**: each article not yet in a story is linked to its ``k`` nearest lead
   vectors *among the articles stored before it* (usearch, searched in batches), each
   link scored with the event model at the document frequencies of the moment, and kept
   in ``story_links``.
3. **Version graph**: links that look derived (lead cosine >= ``verify_cosine`` and a
   likely same event) are verified with ``compare`` (the ``lexical`` encoder within a
   language, the store's across languages); the verdict, with its direction, goes to
   ``story_edges``, and a derived verdict makes the link certain.
4. **Clustering**: strong links (p >= the story threshold) join *components*
   (union-find, persisted in ``story_members.component``); stories never cross them, so
   only the components the new articles touched are re-clustered, each with
   ``cluster.cluster_batch`` over its members' links. A story's id is its first article's
   row key, its first member in the order they were stored.

Incremental equals batch given the same links: the components re-clustered are exactly
the ones whose links changed, and ``cluster_batch`` is deterministic. What can differ is
the links themselves: an article linked when the store was small was scored with the
document frequencies of that moment (on ECB+ added in random order: ARI 0.977 against a
build at the final frequencies, ``bench/stories_ecb.py``). ``rebuild=True`` re-scores
every link at the current frequencies and re-clusters everything.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from .. import cluster as _cluster
from .. import events as _events
from ..comparison import compare
from ..errors import NotFound
from ..store.store import select_in
from ..store.vectors import VectorIndex
from .model import DERIVED, Member, Story, StoryEdge, build_story

if TYPE_CHECKING:
    from ..store.store import Store

STORY_K = 30
"""Lead-vector neighbours each article is linked to (ECB+: the 30 nearest held 97.8% of
the same-event pairs)."""

VERIFY_COSINE = 0.8
"""Same-language links whose lead vectors are this close, and likely one event
(``VERIFY_MIN_P``), are verified with ``compare`` for the version graph: copies, edits and
rewrites keep their lead (on the bench corpus: planted rewrites 0.68-0.95, median 0.82);
a derived verdict makes the link certain. At 0.7 half of all links of the bench corpus
qualified, too many to verify at 100,000 articles in the time budget."""

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


def write_evidence(db: sqlite3.Connection, rowid: int, evidence: _events.EventEvidence) -> None:
    """Store one article's evidence and count its keys (inside the caller's transaction)."""
    db.execute(
        "INSERT INTO story_evidence (article, keys) VALUES (?, ?)",
        (rowid, _events.encode_evidence(evidence)),
    )
    db.executemany(
        "INSERT INTO story_df (key, n) VALUES (?, 1) ON CONFLICT(key) DO UPDATE SET n = n + 1",
        [(k,) for k in evidence.all_keys()],
    )


@dataclass(slots=True)
class StoriesReport:
    """What one ``update_stories`` did."""

    linked: int = 0
    links: int = 0
    verified: int = 0
    components: int = 0
    stories: int = 0
    seconds: float = 0.0


def update_stories(
    store: Store,
    *,
    rebuild: bool = False,
    on_progress: Callable[[int, int], None] | None = None,
) -> StoriesReport:
    """Bring the stories up to date (see the module docstring); the caller holds the lock."""
    report = StoriesReport()
    start = time.perf_counter()
    db = store._db
    _backfill_evidence(store)
    if rebuild:
        db.execute("BEGIN IMMEDIATE")
        for table in ("story_links", "story_edges", "story_members"):
            db.execute(f"DELETE FROM {table}")
        db.execute("COMMIT")
    todo = [
        int(r[0])
        for r in db.execute(
            "SELECT rowid FROM articles WHERE rowid NOT IN (SELECT article FROM story_members)"
            " ORDER BY rowid"
        )
    ]
    if not todo:
        report.stories = _count_stories(db)
        return report
    stats = _stats(db)
    index, _ = store.vector_index()
    neighbours = _neighbours(store, index, todo)
    pairs, cosines = _pairs(neighbours)
    probabilities = _probabilities(db, pairs, stats)
    languages = _languages(store, pairs)
    to_verify = [
        (a, b)
        for (a, b), p, cosine in zip(pairs, probabilities, cosines, strict=True)
        if (cosine >= VERIFY_COSINE and p >= VERIFY_MIN_P)
        or (cosine >= VERIFY_COSINE_ACROSS and languages[a] != languages[b])
    ]
    verdicts = _verify(store, to_verify)
    report.verified = len(verdicts)
    certain = {pair for pair, edge in verdicts.items() if edge[0] in DERIVED}
    rows = [
        (a, b, 1.0 if (a, b) in certain else p)
        for (a, b), p in zip(pairs, probabilities, strict=True)
    ]
    report.links = len(rows)
    db.execute("BEGIN IMMEDIATE")
    try:
        db.executemany(
            "INSERT OR REPLACE INTO story_edges (a, b, relation, score, direction, confidence)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            [(a, b, *edge) for (a, b), edge in verdicts.items()],
        )
        touched = _cluster.add_to_stories(_TableGraph(db), todo, rows)
        db.execute("COMMIT")
    except BaseException:
        db.execute("ROLLBACK")
        raise
    report.linked = len(todo)
    if on_progress is not None:
        on_progress(report.linked, len(todo))
    report.components = len(touched)
    report.stories = _count_stories(db)
    report.seconds = time.perf_counter() - start
    return report


def _backfill_evidence(store: Store) -> None:
    """Evidence for articles stored before the story tables existed."""
    db = store._db
    missing = [
        int(r[0])
        for r in db.execute(
            "SELECT rowid FROM articles WHERE rowid NOT IN (SELECT article FROM story_evidence)"
            " ORDER BY rowid"
        )
    ]
    for offset in range(0, len(missing), 1000):
        chunk = missing[offset : offset + 1000]
        articles = store._by_rowid(chunk)
        db.execute("BEGIN IMMEDIATE")
        try:
            for rowid in chunk:
                write_evidence(db, rowid, _events.event_evidence(articles[rowid]))
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise


def _stats(db: sqlite3.Connection) -> _events.CorpusStats:
    from collections import Counter

    documents = int(db.execute("SELECT COUNT(*) FROM story_evidence").fetchone()[0])
    df: Counter[str] = Counter(dict(db.execute("SELECT key, n FROM story_df").fetchall()))
    return _events.CorpusStats(documents=documents, df=df)


def _languages(store: Store, pairs: list[tuple[int, int]]) -> dict[int, str | None]:
    rows = sorted({r for pair in pairs for r in pair})
    return {r: m["lang"] for r, m in store.meta_of(rows).items()}


def _neighbours(
    store: Store, index: VectorIndex, todo: list[int]
) -> dict[int, list[tuple[int, float]]]:
    """Each article's ``STORY_K`` nearest lead vectors among the articles stored before it,
    searched in batches of ``CHUNK``."""
    out: dict[int, list[tuple[int, float]]] = {}
    for offset in range(0, len(todo), CHUNK):
        chunk = todo[offset : offset + CHUNK]
        vectors = store.document_vectors_of(chunk)
        ready = [r for r in chunk if r in vectors]
        out.update({r: [] for r in chunk if r not in vectors})
        if not ready:
            continue
        queries = np.stack([vectors[r] for r in ready])
        found = index.search_many(queries, STORY_K * 2 + 1, expansion=SEARCH_EXPANSION)
        for rowid, hits in zip(ready, found, strict=True):
            out[rowid] = [(k, c) for k, c in hits if k < rowid][:STORY_K]
    return out


def _pairs(
    neighbours: dict[int, list[tuple[int, float]]],
) -> tuple[list[tuple[int, int]], list[float]]:
    """Distinct (earlier, later) row pairs with their lead cosine."""
    best: dict[tuple[int, int], float] = {}
    for rowid, hits in neighbours.items():
        for other, cosine in hits:
            key = (other, rowid) if other < rowid else (rowid, other)
            best[key] = max(cosine, best.get(key, -1.0))
    pairs = sorted(best)
    return pairs, [best[p] for p in pairs]


def _probabilities(
    db: sqlite3.Connection, pairs: list[tuple[int, int]], stats: _events.CorpusStats
) -> list[float]:
    """P(same event) of every pair: each article's evidence weighed once, streamed from
    the database into one sparse matrix, then every link scored in one vectorised pass
    (``cluster.link_probabilities``)."""
    if not pairs:
        return []
    involved = sorted({r for pair in pairs for r in pair})
    position = {rowid: n for n, rowid in enumerate(involved)}
    matrix = _events.evidence_matrix(_stream_evidence(db, involved), stats)
    index = np.array([(position[a], position[b]) for a, b in pairs], dtype=np.int64)
    return [float(p) for p in _events.link_probabilities(matrix, index)]


def _stream_evidence(db: sqlite3.Connection, rowids: list[int]) -> Iterator[_events.EventEvidence]:
    """The evidence of ``rowids``, in that order, read 500 at a time."""
    for start in range(0, len(rowids), 500):
        part = rowids[start : start + 500]
        marks = ",".join("?" * len(part))
        blobs = dict(
            db.execute(
                f"SELECT article, keys FROM story_evidence WHERE article IN ({marks})", part
            ).fetchall()
        )
        for rowid in part:
            yield _events.decode_evidence(blobs.get(rowid, b""))


Verdict = tuple[str, float, str, float]
"""relation, score, direction, direction confidence"""


def _verify(store: Store, pairs: list[tuple[int, int]]) -> dict[tuple[int, int], Verdict]:
    """``compare`` verdicts (relation, score, direction, confidence) for row pairs."""
    if not pairs:
        return {}
    articles = store._by_rowid(sorted({r for pair in pairs for r in pair}))
    out: dict[tuple[int, int], Verdict] = {}
    for a, b in pairs:
        x, y = articles.get(a), articles.get(b)
        if x is None or y is None or not x.sentences or not y.sentences:
            continue
        encoder = "lexical" if (x.lang or "") == (y.lang or "") else store.encoder_name
        vectors = (
            store.sentence_vectors(a, x, encoder),
            store.sentence_vectors(b, y, encoder),
        )
        relation = compare(x, y, encoder=encoder, vectors=vectors).relation
        out[(a, b)] = (
            relation.label,
            float(relation.score),
            relation.direction,
            float(relation.direction_confidence),
        )
    return out


class _TableGraph:
    """The store's story tables as the clustering engine's ``cluster.StoryGraph``:
    ``story_links`` (a < b, p) and ``story_members`` (article, story, component)."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db

    def add_nodes(self, nodes: Sequence[int]) -> None:
        self.db.executemany(
            "INSERT INTO story_members (article, story, component) VALUES (?, ?, ?)",
            [(r, r, r) for r in nodes],
        )

    def add_links(self, edges: Sequence[tuple[int, int, float]]) -> None:
        self.db.executemany("INSERT OR REPLACE INTO story_links (a, b, p) VALUES (?, ?, ?)", edges)

    def components_of(self, nodes: Sequence[int]) -> dict[int, int]:
        sql = "SELECT article, component FROM story_members WHERE article IN ({marks})"
        return {int(a): int(c) for a, c in select_in(self.db, sql, list(nodes))}

    def rename_components(self, moved: Mapping[int, int]) -> None:
        self.db.executemany(
            "UPDATE story_members SET component = ? WHERE component = ?",
            [(new, old) for old, new in moved.items()],
        )

    def component_members(self, component: int) -> list[int]:
        rows = self.db.execute(
            "SELECT article FROM story_members WHERE component = ? ORDER BY article", (component,)
        )
        return [int(r[0]) for r in rows]

    def strong_partners(self, nodes: Sequence[int], threshold: float) -> set[int]:
        reached: set[int] = set()
        for start in range(0, len(nodes), 250):
            part = list(nodes[start : start + 250])
            marks = ",".join("?" * len(part))
            for a, b in self.db.execute(
                f"SELECT a, b FROM story_links WHERE (a IN ({marks}) OR b IN ({marks})) AND p >= ?",
                [*part, *part, threshold],
            ):
                reached.update((int(a), int(b)))
        return reached - set(nodes)

    def stories_of(self, nodes: Sequence[int]) -> set[int]:
        sql = "SELECT story FROM story_members WHERE article IN ({marks})"
        return {int(r[0]) for r in select_in(self.db, sql, list(nodes))}

    def story_members(self, story: int) -> list[int]:
        rows = self.db.execute("SELECT article FROM story_members WHERE story = ?", (story,))
        return [int(r[0]) for r in rows]

    def links_among(self, members: Sequence[int]) -> list[tuple[int, int, float]]:
        rows = _rows_among(self.db, "SELECT a, b, p FROM story_links", list(members))
        return sorted((int(a), int(b), float(p)) for a, b, p in rows)

    def set_stories(self, assignment: Mapping[int, int]) -> None:
        self.db.executemany(
            "UPDATE story_members SET story = ? WHERE article = ?",
            [(story, member) for member, story in assignment.items()],
        )


def _rows_among(db: sqlite3.Connection, select: str, members: list[int]) -> Iterator[Any]:
    """Rows of ``select`` (from a table keyed by pairs ``a`` < ``b``) whose two articles
    are both ``members``."""
    inside = set(members)
    return (
        row for row in select_in(db, select + " WHERE a IN ({marks})", members) if row[1] in inside
    )


def _count_stories(db: sqlite3.Connection) -> int:
    return int(db.execute("SELECT COUNT(DISTINCT story) FROM story_members").fetchone()[0])


# --- reading -------------------------------------------------------------------------


def story_ids(
    db: sqlite3.Connection, *, since: dt.date | None = None, min_size: int = 1
) -> list[int]:
    """Story keys, largest first, then earliest; ``since`` keeps stories with an article
    published on or after that date."""
    query = (
        "SELECT m.story, COUNT(*) AS n, MAX(a.published) AS last FROM story_members m"
        " JOIN articles a ON a.rowid = m.article GROUP BY m.story HAVING n >= ?"
    )
    params: list[object] = [min_size]
    if since is not None:
        query += " AND last >= ?"
        params.append(since.isoformat())
    query += " ORDER BY n DESC, m.story"
    return [int(r[0]) for r in db.execute(query, params)]


def load_story(store: Store, story: int) -> Story:
    """One story, built from its members and verified edges."""
    db = store._db
    members = [
        int(r[0])
        for r in db.execute(
            "SELECT article FROM story_members WHERE story = ? ORDER BY article", (story,)
        )
    ]
    if not members:
        raise NotFound(f"{store.path}: no story {story_label(store, story)!r}")
    meta = store.meta_of(members)
    first = _first_sentences(store, [m for m in members if not meta[m]["title"]])
    people = [
        Member(
            key=m,
            id=meta[m]["id"],
            title=meta[m]["title"],
            first_sentence=first.get(m, ""),
            published=dt.date.fromisoformat(meta[m]["published"]) if meta[m]["published"] else None,
            outlet=meta[m]["outlet"],
            lang=meta[m]["lang"],
        )
        for m in members
    ]
    ids = {m: meta[m]["id"] for m in members}
    edges = [
        StoryEdge(ids[a], ids[b], relation, score, direction, confidence)
        for a, b, relation, score, direction, confidence in _edges_among(db, members)
    ]
    return build_story(ids[story], people, edges)


def _edges_among(
    db: sqlite3.Connection, members: list[int]
) -> Iterator[tuple[int, int, str, float, str, float]]:
    select = "SELECT a, b, relation, score, direction, confidence FROM story_edges"
    for row in _rows_among(db, select, members):
        yield (int(row[0]), int(row[1]), row[2], float(row[3]), row[4], float(row[5]))


def _first_sentences(store: Store, untitled: Sequence[int]) -> dict[int, str]:
    """The first sentence of each of these (untitled) articles: what stands in for a title."""
    return {
        r: (a.sentences[0].text if a.sentences else "")
        for r, a in store._by_rowid(untitled).items()
    }


def story_label(store: Store, story: int) -> str:
    row = store._db.execute("SELECT id FROM articles WHERE rowid = ?", (story,)).fetchone()
    return str(row[0]) if row else str(story)


def story_key(store: Store, story_id: str) -> int:
    """The story whose first article has this id; also the story of any member id."""
    row = store._db.execute(
        "SELECT m.story FROM story_members m JOIN articles a ON a.rowid = m.article WHERE a.id = ?",
        (story_id,),
    ).fetchone()
    if row is None:
        raise NotFound(f"{store.path}: no story {story_id!r} (run `storytrace stories` first)")
    return int(row[0])


__all__ = ["StoriesReport", "load_story", "story_ids", "update_stories"]
