"""The story tables: event evidence and its document frequencies, verified edges, members.

Reads and writes of the stories stage (``storytrace.stories``), in SQL and nothing else:
which articles wait for a story, the evidence the event model weighs, the verdicts of the
version graph, the stories themselves. The clustering engine reaches ``story_links`` and
``story_members`` through ``graph()`` (``story_graph.TableGraph``).
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path

from ..events import CorpusStats, EventEvidence, decode_evidence, encode_evidence
from .db import IN_CHUNK, select_in
from .story_graph import TableGraph, rows_among

EdgeRow = tuple[int, int, str, float, str, float]
"""A verified pair: rows ``a < b``, relation, score, direction, direction confidence."""


class StoryTables:
    """The story tables of one store (``Repository.stories``)."""

    def __init__(self, db: sqlite3.Connection, path: Path) -> None:
        self.db, self.path = db, path

    # --- articles waiting ---------------------------------------------------------------

    def pending(self) -> bool:
        """Whether some article is in no story yet."""
        row = self.db.execute(
            "SELECT 1 FROM articles WHERE rowid NOT IN (SELECT article FROM story_members) LIMIT 1"
        ).fetchone()
        return row is not None

    def unassigned(self) -> list[int]:
        """The rows of the articles in no story yet, in the order they were stored."""
        rows = self.db.execute(
            "SELECT rowid FROM articles WHERE rowid NOT IN (SELECT article FROM story_members)"
            " ORDER BY rowid"
        )
        return [int(r[0]) for r in rows]

    def without_evidence(self) -> list[int]:
        """The rows of the articles stored before the story tables existed (no evidence)."""
        rows = self.db.execute(
            "SELECT rowid FROM articles WHERE rowid NOT IN (SELECT article FROM story_evidence)"
            " ORDER BY rowid"
        )
        return [int(r[0]) for r in rows]

    # --- evidence -----------------------------------------------------------------------

    def write_evidence(self, rowid: int, evidence: EventEvidence) -> None:
        """Store one article's evidence and count its keys (in the caller's transaction)."""
        self.db.execute(
            "INSERT INTO story_evidence (article, keys) VALUES (?, ?)",
            (rowid, encode_evidence(evidence)),
        )
        self.db.executemany(
            "INSERT INTO story_df (key, n) VALUES (?, 1) ON CONFLICT(key) DO UPDATE SET n = n + 1",
            [(k,) for k in evidence.all_keys()],
        )

    def corpus_stats(self) -> CorpusStats:
        """The document frequencies of every evidence key, as the event model takes them."""
        documents = int(self.db.execute("SELECT COUNT(*) FROM story_evidence").fetchone()[0])
        df: Counter[str] = Counter(dict(self.db.execute("SELECT key, n FROM story_df").fetchall()))
        return CorpusStats(documents=documents, df=df)

    def corpus_stats_for(self, keys: Iterable[str]) -> CorpusStats:
        """``corpus_stats`` restricted to ``keys``: enough to weigh articles holding no
        other key, at the cost of one indexed lookup (``find`` ranks by it)."""
        documents = int(self.db.execute("SELECT COUNT(*) FROM story_evidence").fetchone()[0])
        sql = "SELECT key, n FROM story_df WHERE key IN ({marks})"
        df: Counter[str] = Counter(dict(select_in(self.db, sql, sorted(set(keys)))))
        return CorpusStats(documents=documents, df=df)

    def evidence_of(self, rowids: list[int]) -> Iterator[EventEvidence]:
        """The evidence of ``rowids``, in that order (empty for a row without), streamed."""
        for start in range(0, len(rowids), IN_CHUNK):
            part = rowids[start : start + IN_CHUNK]
            sql = "SELECT article, keys FROM story_evidence WHERE article IN ({marks})"
            blobs = dict(select_in(self.db, sql, part))
            for rowid in part:
                yield decode_evidence(blobs.get(rowid, b""))

    # --- links, edges, members ------------------------------------------------------------

    def clear(self) -> None:
        """Forget every link, edge and story; evidence stays (in the caller's transaction)."""
        for table in ("story_links", "story_edges", "story_members"):
            self.db.execute(f"DELETE FROM {table}")

    def links(self) -> list[tuple[int, int, float]]:
        """Every candidate link ``(a, b, p)``, sorted."""
        rows = self.db.execute("SELECT a, b, p FROM story_links ORDER BY a, b")
        return [(int(a), int(b), float(p)) for a, b, p in rows]

    def pairs_judged(self, relations: Iterable[str]) -> set[tuple[int, int]]:
        """The verified pairs whose relation is one of ``relations``."""
        wanted = sorted(set(relations))
        marks = ",".join("?" * len(wanted))
        rows = self.db.execute(f"SELECT a, b FROM story_edges WHERE relation IN ({marks})", wanted)
        return {(int(a), int(b)) for a, b in rows}

    def members_all(self) -> list[int]:
        """Every article in a story, sorted."""
        rows = self.db.execute("SELECT article FROM story_members ORDER BY article")
        return [int(r[0]) for r in rows]

    def clear_clustering(self) -> None:
        """Forget every link and story; evidence and verified edges stay (in the
        caller's transaction)."""
        for table in ("story_links", "story_members"):
            self.db.execute(f"DELETE FROM {table}")

    def write_edges(self, edges: Iterable[EdgeRow]) -> None:
        """Verified pairs of the version graph (in the caller's transaction)."""
        self.db.executemany(
            "INSERT OR REPLACE INTO story_edges (a, b, relation, score, direction, confidence)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            edges,
        )

    def write_story_similarities(self, rows: Iterable[tuple[int, int, float]]) -> None:
        """``relation.story_similarity`` of verified pairs ``(a, b, p)`` already written by
        ``write_edges`` (in the caller's transaction)."""
        self.db.executemany(
            "UPDATE story_edges SET story_similarity = ? WHERE a = ? AND b = ?",
            [(p, a, b) for a, b, p in rows],
        )

    def graph(self) -> TableGraph:
        """The links and members as ``cluster.StoryGraph`` (use in a transaction)."""
        return TableGraph(self.db)

    # --- reading stories --------------------------------------------------------------------

    def count(self) -> int:
        """How many stories there are."""
        return int(self.db.execute("SELECT COUNT(DISTINCT story) FROM story_members").fetchone()[0])

    def story_keys(self, *, since: dt.date | None = None, min_size: int = 1) -> list[int]:
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
        return [int(r[0]) for r in self.db.execute(query, params)]

    def members(self, story: int) -> list[int]:
        """The rows of a story's articles, in the order they were stored."""
        rows = self.db.execute(
            "SELECT article FROM story_members WHERE story = ? ORDER BY article", (story,)
        )
        return [int(r[0]) for r in rows]

    def edges_among(self, members: list[int]) -> Iterator[EdgeRow]:
        """The verified pairs whose two articles are both ``members``."""
        select = "SELECT a, b, relation, score, direction, confidence FROM story_edges"
        for row in rows_among(self.db, select, members):
            yield (int(row[0]), int(row[1]), row[2], float(row[3]), row[4], float(row[5]))

    def story_similarities_among(self, members: list[int]) -> dict[tuple[int, int], float]:
        """``relation.story_similarity`` of the verified pairs among ``members`` that have
        one (pairs verified before migration 003, or imported from a batch, have none)."""
        select = "SELECT a, b, story_similarity FROM story_edges"
        return {
            (int(a), int(b)): float(p)
            for a, b, p in rows_among(self.db, select, members)
            if p is not None
        }

    def assignments(self) -> dict[str, str]:
        """Article id -> the id of its story's first article, for every article in a
        story, in one query (listing 100,000 articles' stories story by story is slow)."""
        rows = self.db.execute(
            "SELECT a.id, s.id FROM story_members m JOIN articles a ON a.rowid = m.article"
            " JOIN articles s ON s.rowid = m.story"
        )
        return {str(a): str(s) for a, s in rows}

    def story_of(self, article_id: str) -> int | None:
        """The story of the article with this id; None when it has none (or no such id)."""
        row = self.db.execute(
            "SELECT m.story FROM story_members m JOIN articles a ON a.rowid = m.article"
            " WHERE a.id = ?",
            (article_id,),
        ).fetchone()
        return int(row[0]) if row else None
