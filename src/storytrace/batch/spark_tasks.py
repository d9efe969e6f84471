"""What the Spark engine's Python workers run: each task's step through ``stages``, with
BLAS on one thread, writing its rows as Parquet where a stage's output is large (the
rows never cross into the JVM as pickles). The driver's side is ``batch.spark``.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any, TypeVar

from .._blas import one_blas_thread
from ..events import CorpusStats, decode_evidence
from ..keys import Keyer
from ..options import ReadOptions
from . import stages as st
from .neighbours import ARTICLES, Neighbours
from .tables import Columns, write_columns, write_parquet

T = TypeVar("T")

_KEYERS: dict[st.BatchSettings, Keyer] = {}
"""One Keyer per worker process (the encoder loads once per Python worker)."""


def single(make: Callable[[], Iterable[T]]) -> Iterator[T]:
    """A task's rows computed with BLAS on one thread, as the local engine and the store
    compute them: a threaded matrix product may round differently."""
    with one_blas_thread():
        yield from make()


def worker_keyer(settings: st.BatchSettings) -> Keyer:
    """This worker's ``Keyer`` for ``settings``, made once (its encoder loads once)."""
    keyer = _KEYERS.get(settings)
    if keyer is None:
        keyer = _KEYERS[settings] = Keyer(settings)
    return keyer


def rows_as_dicts(df: Any) -> Iterator[dict[str, Any]]:
    """Rows as dicts with bytes (Spark hands binary columns over as bytearray)."""
    for row in df:
        yield {k: bytes(v) if isinstance(v, bytearray) else v for k, v in row.asDict().items()}


def read_to_parquet(
    index: int, path: str, staging: Path, settings: st.BatchSettings, options: ReadOptions
) -> None:
    """One input file's articles and error rows (``stages.read_file``) as two Parquet
    files under ``staging`` (a Spark task)."""
    articles: list[dict[str, Any]] = []
    errors: list[dict[str, Any]] = []
    with one_blas_thread():
        for row in st.read_file(index, path, worker_keyer(settings), options):
            (articles if row["kind"] == "article" else errors).append(row)
    name = f"part-{index:05d}.parquet"
    write_parquet(staging / "articles" / name, "articles", articles)
    write_parquet(staging / "errors" / name, "errors", errors)


_LOADED: dict[tuple[str, int], Neighbours] = {}


def neighbours_in(folder: str) -> Neighbours:
    """The index the driver saved in ``folder``, loaded once per worker process (and
    again when a later run saved a new one)."""
    stamp = os.stat(Path(folder) / ARTICLES).st_mtime_ns
    found = _LOADED.get((folder, stamp))
    if found is None:
        _LOADED.clear()
        found = _LOADED[(folder, stamp)] = Neighbours.load(Path(folder))
    return found


FOUND = "candidates-found"
"""The folder under ``--out`` where the search tasks write the story neighbours they
find (removed when the candidates stage completes)."""

FOUND_COLUMNS: Columns = (("a", "long"), ("b", "long"), ("cosine", "double"))


def search_to_parquet(chunk: int, folder: str, found: Path) -> None:
    """The story neighbours of chunk ``chunk`` (``Neighbours.search``) as a Parquet file
    under ``found`` (a Spark task)."""
    with one_blas_thread():
        triples = neighbours_in(folder).search(chunk)
    rows = [{"a": a, "b": b, "cosine": c} for a, b, c in triples]
    write_columns(found / f"part-{chunk:05d}.parquet", FOUND_COLUMNS, rows)


SCORED = "links-scored"
"""The folder under ``--out`` where the scoring tasks write the scored links (removed
when the links stage completes)."""

SCORED_COLUMNS: Columns = (
    ("a", "long"),
    ("b", "long"),
    ("cosine", "double"),
    ("p", "double"),
    ("verify", "boolean"),
)


def frequencies(rows: Iterable[Any]) -> list[tuple[int, Counter[str]]]:
    """One partition's article count and the document frequencies of its evidence keys."""
    counts: Counter[str] = Counter()
    documents = 0
    for row in rows:
        documents += 1
        counts.update(decode_evidence(bytes(row[0])).all_keys())
    return [(documents, counts)]


def score_to_parquet(
    index: int, rows: Iterable[Any], staging: Path, stats: CorpusStats
) -> Iterator[int]:
    """One partition's links scored (``stages.score_partition``) as a Parquet file under
    ``staging`` (a Spark task); yields the number of links."""
    with one_blas_thread():
        scored = st.score_partition((r.asDict() for r in rows), stats)
    write_columns(staging / f"part-{index:05d}.parquet", SCORED_COLUMNS, scored)
    yield len(scored)
