"""The story tables as the clustering engine's graph (``cluster.StoryGraph``), in SQL.

``story_links`` holds the candidate links (``a < b``, P(same event)); ``story_members``
each article's story and strong-link component. ``cluster.add_to_stories`` reads and
writes them through this class only, inside the caller's transaction.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from .db import select_in

PARTNER_CHUNK = 250
"""Nodes per strong-partner query (each appears twice among the parameters)."""


class TableGraph:
    """``cluster.StoryGraph`` over ``story_links`` and ``story_members``."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db

    def add_nodes(self, nodes: Sequence[int]) -> None:
        """New articles, each its own component and story."""
        self.db.executemany(
            "INSERT INTO story_members (article, story, component) VALUES (?, ?, ?)",
            [(r, r, r) for r in nodes],
        )

    def add_links(self, edges: Sequence[tuple[int, int, float]]) -> None:
        """Links ``(a, b, p)``; a pair given again keeps the new ``p``."""
        self.db.executemany("INSERT OR REPLACE INTO story_links (a, b, p) VALUES (?, ?, ?)", edges)

    def components_of(self, nodes: Sequence[int]) -> dict[int, int]:
        """The component of each article."""
        sql = "SELECT article, component FROM story_members WHERE article IN ({marks})"
        return {int(a): int(c) for a, c in select_in(self.db, sql, list(nodes))}

    def rename_components(self, moved: Mapping[int, int]) -> None:
        """Every article of component ``old`` moves to component ``moved[old]``."""
        self.db.executemany(
            "UPDATE story_members SET component = ? WHERE component = ?",
            [(new, old) for old, new in moved.items()],
        )

    def component_members(self, component: int) -> list[int]:
        """The articles of a component, sorted."""
        rows = self.db.execute(
            "SELECT article FROM story_members WHERE component = ? ORDER BY article", (component,)
        )
        return [int(r[0]) for r in rows]

    def strong_partners(self, nodes: Sequence[int], threshold: float) -> set[int]:
        """Every article linked to one of ``nodes`` with ``p >= threshold``."""
        reached: set[int] = set()
        for start in range(0, len(nodes), PARTNER_CHUNK):
            part = list(nodes[start : start + PARTNER_CHUNK])
            marks = ",".join("?" * len(part))
            for a, b in self.db.execute(
                f"SELECT a, b FROM story_links WHERE (a IN ({marks}) OR b IN ({marks})) AND p >= ?",
                [*part, *part, threshold],
            ):
                reached.update((int(a), int(b)))
        return reached - set(nodes)

    def stories_of(self, nodes: Sequence[int]) -> set[int]:
        """The stories these articles belong to."""
        sql = "SELECT story FROM story_members WHERE article IN ({marks})"
        return {int(r[0]) for r in select_in(self.db, sql, list(nodes))}

    def story_members(self, story: int) -> list[int]:
        """The articles of a story."""
        rows = self.db.execute("SELECT article FROM story_members WHERE story = ?", (story,))
        return [int(r[0]) for r in rows]

    def links_among(self, members: Sequence[int]) -> list[tuple[int, int, float]]:
        """The links whose two articles are both ``members``, sorted."""
        rows = rows_among(self.db, "SELECT a, b, p FROM story_links", list(members))
        return sorted((int(a), int(b), float(p)) for a, b, p in rows)

    def set_stories(self, assignment: Mapping[int, int]) -> None:
        """Article -> its story."""
        self.db.executemany(
            "UPDATE story_members SET story = ? WHERE article = ?",
            [(story, member) for member, story in assignment.items()],
        )


def rows_among(db: sqlite3.Connection, select: str, members: list[int]) -> Iterator[Any]:
    """Rows of ``select`` (from a table keyed by pairs ``a`` < ``b``) whose two articles
    are both ``members``."""
    inside = set(members)
    return (
        row for row in select_in(db, select + " WHERE a IN ({marks})", members) if row[1] in inside
    )
