"""Reading a batch's output tables in the tests."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def table(out: Path, name: str) -> list[dict[str, Any]]:
    """Table ``name`` under ``out`` as rows in (seq, a, b, kind) order."""
    import pyarrow.parquet as pq  # the batch tests skip themselves without pyarrow

    rows: list[dict[str, Any]] = pq.read_table(out / name).to_pylist()
    return sorted(
        rows, key=lambda r: (r.get("seq", 0), r.get("a", 0), r.get("b", 0), r.get("kind", ""))
    )
