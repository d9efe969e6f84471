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

import numpy as np

from .._blas import one_blas_thread
from ..events import CorpusStats, decode_evidence
from ..keys import Keyer
from ..options import ReadOptions
from . import neighbours as nb
from . import stages as st
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


_LOADED: dict[tuple[str, int], nb.Search] = {}


def search_in(folder: str) -> nb.Search:
    """The search the driver saved in ``folder``, opened once per worker process (and
    again when a later run saved a new one), so its slabs stay loaded between tasks."""
    stamp = os.stat(Path(folder) / nb.MANIFEST).st_mtime_ns
    found = _LOADED.get((folder, stamp))
    if found is None:
        _LOADED.clear()
        found = _LOADED[(folder, stamp)] = nb.Search.open(Path(folder))
    return found


def write_slabs(rows: Iterable[Any], folder: str) -> None:
    """One partition's dated articles, sorted by slab, day and ``seq``, as one file per slab
    (``neighbours.write_slab``; a Spark task)."""
    current: int | None = None
    seqs: list[int] = []
    days: list[int] = []
    vectors: list[Any] = []

    def flush() -> None:
        if current is not None:
            nb.write_slab(
                Path(folder),
                current,
                nb.Slab(np.array(seqs, np.int64), np.array(days, np.int64), np.stack(vectors)),
            )

    for row in rows:
        if row["slab"] != current:
            flush()
            current, seqs, days, vectors = row["slab"], [], [], []
        seqs.append(row["seq"])
        days.append(row["day"])
        vectors.append(st.vector_of({"vector": bytes(row["vector"])}))
    flush()


FOUND = "candidates-found"
"""The folder under ``--out`` where the search tasks write the story neighbours they
find (removed when the candidates stage completes)."""

FOUND_COLUMNS: Columns = (("a", "long"), ("b", "long"), ("cosine", "double"))


def search_to_parquet(index: int, task: nb.Task, folder: str, found: Path) -> None:
    """The story neighbours of one task of the search (``neighbours.Search.search``) as
    Parquet file ``index`` under ``found`` (a Spark task)."""
    with one_blas_thread():
        triples = search_in(folder).search(task)
    rows = [{"a": a, "b": b, "cosine": c} for a, b, c in triples]
    write_columns(found / f"part-{index:05d}.parquet", FOUND_COLUMNS, rows)


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
