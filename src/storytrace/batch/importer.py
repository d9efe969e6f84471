"""``storytrace import``: a batch's tables bulk-written into a new store.

Articles go in with the keys the batch computed (``Repository.add_articles``: no source
is read or analysed again), then the story-verified pairs (with their
``story_similarity``) and the story links; the store's own clustering engine
(``cluster.add_to_stories``) assigns the stories, which must equal the batch's
``stories`` table (checked). ``find``, ``stories``, ``story`` and ``serve`` then work
on the store as on one built with ``add``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from .. import cluster as _cluster
from ..encode import get_encoder
from ..errors import ConfigError, NotFound, StoreError
from ..events import decode_evidence
from ..keys import LEAD_SENTENCES, SHINGLE_K, ArticleKeys
from ..store.records import article_from_record
from ..store.repository import Repository, StoreSettings
from .resume import MARKERS
from .tables import arrow

IMPORT_BATCH = 500
"""Articles per transaction."""


@dataclass(slots=True)
class ImportReport:
    """What one import wrote."""

    articles: int = 0
    edges: int = 0
    links: int = 0
    stories: int = 0


def import_batch(
    folder: str | Path,
    db: str | Path,
    *,
    index: str = "usearch",
    on_progress: Callable[[int, int], None] | None = None,
) -> ImportReport:
    """Write the batch under ``folder`` into a new store at ``db``.

    Raises:
        NotFound: ``folder`` holds no batch output.
        ConfigError: the store at ``db`` already holds articles.
        StoreError: the store's clustering disagrees with the batch's stories.
    """
    folder = Path(folder)
    meta_path = folder / "meta.json"
    if (folder / MARKERS).is_dir() and not (folder / MARKERS / "stories.json").exists():
        raise NotFound(f"{folder}: the batch did not finish; run the same batch again to resume it")
    if not meta_path.exists():
        raise NotFound(f"{folder}: no batch output here (meta.json is missing); run batch first")
    settings = json.loads(meta_path.read_text(encoding="utf-8"))["settings"]
    encoder = get_encoder(settings["encoder"])
    new = StoreSettings(
        encoder=encoder.name,
        dim=encoder.dim,
        index=index,
        num_perm=int(settings["num_perm"]),
        bands=int(settings["bands"]),
        rows=int(settings["rows"]),
        shingle_k=SHINGLE_K,
        lead_sentences=LEAD_SENTENCES,
    )
    articles, links, versions, stories = (
        _read(folder, name) for name in ("articles", "links", "versions", "stories")
    )
    articles.sort(key=lambda r: r["seq"])
    report = ImportReport()
    with Repository(db, new_settings=lambda: new) as repo:
        if len(repo):
            raise ConfigError(f"{db} holds {len(repo):,} articles already; import into a new --db")
        with repo.writer_lock():
            rowid: dict[int, int] = {}
            for start in range(0, len(articles), IMPORT_BATCH):
                part = articles[start : start + IMPORT_BATCH]
                rows = repo.add_articles(
                    [article_from_record(r["record"]) for r in part], [_keys(r) for r in part]
                )
                rowid.update(zip((r["seq"] for r in part), rows, strict=True))
                if on_progress is not None:
                    on_progress(start + len(part), len(articles))
            repo.sync_index()
            story_pairs = [v for v in versions if "story" in v["found_by"].split(",")]
            edges = [
                (
                    rowid[v["a"]],
                    rowid[v["b"]],
                    v["relation"],
                    v["score"],
                    v["direction"],
                    v["confidence"],
                )
                for v in story_pairs
            ]
            similarities = [  # a batch written before the column existed has none
                (rowid[v["a"]], rowid[v["b"]], v["story_similarity"])
                for v in story_pairs
                if v.get("story_similarity") is not None
            ]
            story_links = sorted((rowid[r["a"]], rowid[r["b"]], r["p"]) for r in links)
            with repo.transaction():
                repo.stories.write_edges(edges)
                repo.stories.write_story_similarities(similarities)
                _cluster.add_to_stories(repo.stories.graph(), sorted(rowid.values()), story_links)
            assigned = repo.stories.assignments()
        wanted = {r["id"]: r["story"] for r in stories}
        if assigned != wanted:
            differ = sum(assigned.get(k) != v for k, v in wanted.items())
            raise StoreError(
                str(db), f"the store's stories differ from the batch's for {differ} articles"
            )
        report.articles = len(articles)
        report.edges = len(edges)
        report.links = len(story_links)
        report.stories = len(set(assigned.values()))
    return report


def _read(folder: Path, name: str) -> list[dict[str, Any]]:
    _, pq = arrow()
    path = folder / name
    if not path.exists():
        raise NotFound(f"{folder}: the batch output has no {name} table; run batch again")
    rows: list[dict[str, Any]] = pq.read_table(path).to_pylist()
    return rows


def _keys(row: dict[str, Any]) -> ArticleKeys:
    """The keys the batch computed, as the store takes them."""
    evidence = decode_evidence(row["evidence"])
    signature = row["signature"]
    return ArticleKeys(
        store_key=row["store_key"],
        signature=np.frombuffer(signature, "<u4").astype(np.uint32) if signature else None,
        bands=np.asarray(row["bands"], dtype=np.int64) if row["bands"] is not None else None,
        vector=np.frombuffer(row["vector"], "<f4").astype(np.float32),
        fact_keys=evidence.names | evidence.anchors,
        evidence=evidence,
    )
