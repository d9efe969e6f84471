"""Parquet inputs of ``storytrace batch``: one article per row, JSON Lines' field names
as columns (``text`` required; ``id``, ``title``, ``published``, ``url``, ``outlet``,
``lang`` optional, other columns ignored).

Each row goes through JSON Lines' own validation (``ingest.jsonl.record_to_raw``), so a
bad row gives the same message as a bad line, named ``path#row=N``. A file without a
``text`` column is one error naming the file and the column; the other inputs go on.
Rows are read a batch at a time, so memory is bounded by a row group, not the file.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from ..errors import EmptyInput, InputError, MalformedInput
from ..ingest.decode import scrub_surrogates
from ..ingest.jsonl import record_to_raw
from ..ingest.stream import too_large
from ..model import RawArticle
from ..options import ReadOptions
from .tables import arrow

MAGIC = b"PAR1"
"""The first (and last) four bytes of every Parquet file."""

FIELDS = ("text", "id", "title", "published", "url", "outlet", "lang")
"""The columns read: JSON Lines' fields."""

ROWS_PER_BATCH = 256


def is_parquet(path: str) -> bool:
    """Whether the file at ``path`` starts as a Parquet file does (content, not name)."""
    try:
        with open(path, "rb") as handle:
            return handle.read(len(MAGIC)) == MAGIC
    except OSError:
        return False


def read_parquet(path: str, options: ReadOptions) -> Iterator[RawArticle | InputError]:
    """Yield an article, or an error, for each row of a Parquet file; one error for a
    file that cannot be read or has no ``text`` column."""
    _, pq = arrow()
    name = scrub_surrogates(path)
    try:
        handle = pq.ParquetFile(path)
        columns = set(handle.schema_arrow.names)
    except Exception as exc:  # pyarrow raises its own types for every kind of damage
        yield MalformedInput(name, f"unreadable Parquet file ({type(exc).__name__}: {exc})")
        return
    if "text" not in columns:
        have = ", ".join(sorted(columns)) or "none"
        yield MalformedInput(name, f'missing the required column "text" (columns: {have})')
        return
    number = 0
    try:
        wanted = [c for c in FIELDS if c in columns]
        for batch in handle.iter_batches(batch_size=ROWS_PER_BATCH, columns=wanted):
            for record in batch.to_pylist():
                number += 1
                yield _row(record, f"{name}#row={number}", options.max_bytes)
    except Exception as exc:  # a damaged row group: the rows before it are kept
        yield MalformedInput(
            name, f"unreadable Parquet data after row {number} ({type(exc).__name__}: {exc})"
        )
        return
    if number == 0:
        yield EmptyInput(name, "the Parquet file holds no rows")


def _row(record: dict[str, Any], where: str, max_bytes: int) -> RawArticle | InputError:
    """One row as a RawArticle, or the error JSON Lines would give for it."""
    text = record.get("text")
    if isinstance(text, str) and len(text) > max_bytes // 4 and len(text.encode()) > max_bytes:
        return too_large(where, max_bytes, what="the text")
    published = record.get("published")
    if isinstance(published, dt.date):  # a date or timestamp column: JSON's ISO string
        record["published"] = published.isoformat()
    try:
        return record_to_raw(record, where)
    except InputError as err:
        return err
