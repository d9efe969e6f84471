"""The batch output: one Parquet table per stage under ``--out`` (``docs/batch.md``).

Each table is a list of columns with a type name that both engines map to their own
schema (pyarrow for ``--engine local``, Spark SQL for ``--engine spark``), so the two
write the same files. Every id is deterministic: ``seq`` is the input's position
(file index << ``SEQ_BITS`` | record index within the file), ``id`` the article's own.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Literal

from ..errors import MissingDependency

ColumnType = Literal["long", "double", "string", "binary", "longs", "boolean"]

Columns = tuple[tuple[str, ColumnType], ...]

SEQ_BITS = 32
"""Records per input file addressable in ``seq`` (the file index takes the bits above)."""

ARTICLES: tuple[tuple[str, ColumnType], ...] = (
    ("seq", "long"),
    ("id", "string"),
    ("store_key", "string"),
    ("source", "string"),
    ("lang", "string"),
    ("published", "string"),
    ("title", "string"),
    ("record", "binary"),  # store.records.article_to_record: the whole analysed Article
    ("signature", "binary"),  # MinHash signature, little-endian uint32; null without words
    ("bands", "longs"),  # its LSH band hashes; null with it
    ("vector", "binary"),  # the lead's unit vector, little-endian float32
    ("evidence", "binary"),  # events.encode_evidence
)
"""One row per article kept (the first of each publication and of each id, by ``seq``)."""

ERRORS: tuple[tuple[str, ColumnType], ...] = (
    ("seq", "long"),
    ("source", "string"),
    ("kind", "string"),  # "error" (unreadable, refused) or "duplicate" (already kept)
    ("reason", "string"),
)
"""One row per input that gave no article: the same messages as ``storytrace add``."""

CANDIDATES: tuple[tuple[str, ColumnType], ...] = (
    ("a", "long"),
    ("b", "long"),
    ("cosine", "double"),  # the lead vectors' cosine; null for an LSH pair
    ("kind", "string"),  # "story" (a nearest lead vector) or "lsh" (a shared band)
)
"""The pairs the links stage scores and verifies (``a < b`` by ``seq``), one row per way
a pair was found, in (a, b, kind) order."""

LINKS: tuple[tuple[str, ColumnType], ...] = (
    ("a", "long"),
    ("b", "long"),
    ("cosine", "double"),
    ("p", "double"),  # P(same event); 1.0 once ``compare`` found one derived from the other
)
"""The story links (``a < b`` by ``seq``): each article's nearest lead vectors, both ways."""

VERSIONS: tuple[tuple[str, ColumnType], ...] = (
    ("a", "long"),
    ("b", "long"),
    ("a_id", "string"),
    ("b_id", "string"),
    ("relation", "string"),
    ("score", "double"),
    ("direction", "string"),
    ("confidence", "double"),
    ("found_by", "string"),  # "story", "lsh" or "lsh,story"
    ("story_similarity", "double"),  # relation.story_similarity: P(same event)
)
"""Every verified pair with ``compare``'s relation (the store's version graph and more)."""

STORIES: tuple[tuple[str, ColumnType], ...] = (
    ("seq", "long"),
    ("id", "string"),
    ("story", "string"),  # the id of the story's first article
)
"""Story membership of every kept article."""

TABLES: dict[str, tuple[tuple[str, ColumnType], ...]] = {
    "articles": ARTICLES,
    "errors": ERRORS,
    "candidates": CANDIDATES,
    "links": LINKS,
    "versions": VERSIONS,
    "stories": STORIES,
}
"""Every table, by its folder name under ``--out``."""


def arrow() -> tuple[Any, Any]:
    """pyarrow and its Parquet module, or a clear message."""
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        raise MissingDependency("batch --engine local", "batch", "pyarrow") from None
    return pa, pq


_ARROW: dict[ColumnType, Callable[[Any], Any]] = {
    "long": lambda pa: pa.int64(),
    "double": lambda pa: pa.float64(),
    "string": lambda pa: pa.string(),
    "binary": lambda pa: pa.binary(),
    "longs": lambda pa: pa.list_(pa.int64()),
    "boolean": lambda pa: pa.bool_(),
}


def write_parquet(path: Path, name: str, rows: Sequence[dict[str, Any]]) -> None:
    """Write ``rows`` as one Parquet file of table ``name``'s columns at ``path``
    (``write_columns``)."""
    write_columns(path, TABLES[name], rows)


def write_columns(path: Path, columns: Columns, rows: Sequence[dict[str, Any]]) -> None:
    """Write ``rows`` as one Parquet file of ``columns`` at ``path``, through a temporary
    name, so a reader (or a retried Spark task) never sees half a file."""
    pa, pq = arrow()
    schema = pa.schema([(c, _ARROW[t](pa)) for c, t in columns])
    table = pa.Table.from_pylist([{c: r.get(c) for c, _ in columns} for r in rows], schema)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.{os.getpid()}.partial")
    pq.write_table(table, partial)
    os.replace(partial, path)
