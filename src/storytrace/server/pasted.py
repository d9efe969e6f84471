"""Permalinks of pasted comparisons: the two inputs kept under their hash, so a
comparison of texts that are in no store can be linked to and opened again.

The inputs (text, or an uploaded file's bytes, and the encoder) are written as one JSON
file named by the first 16 hex digits of their SHA-256 in a folder beside the store
(``<store>.pasted/``); the same inputs give the same link. Nothing else is kept, nothing
is added to the store, and at most ``MAX_KEPT`` are kept (the oldest go first). A store
whose folder cannot be written simply gives no permalink.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import os
import re
from pathlib import Path
from typing import Any

MAX_KEPT = 1000
"""Pasted comparisons kept; the oldest file goes when one more is written."""

_KEY = re.compile(r"[0-9a-f]{16}")

Input = tuple[str, bytes | str]
"""One side as the form gave it: its name, and its text or an uploaded file's bytes."""


def folder_of(db: Path) -> Path:
    """Where a store's pasted comparisons are kept."""
    return db.with_name(db.name + ".pasted")


def keep(db: Path, inputs: list[Input], encoder: str | None) -> str | None:
    """Keep ``inputs`` and return their key, or None when they cannot be written."""
    record = {
        "encoder": encoder,
        "sides": [
            {"name": name, "bytes": base64.b64encode(content).decode("ascii")}
            if isinstance(content, bytes)
            else {"name": name, "text": content}
            for name, content in inputs
        ],
    }
    data = json.dumps(record, ensure_ascii=False, sort_keys=True).encode("utf-8")
    key = hashlib.sha256(data).hexdigest()[:16]
    folder = folder_of(db)
    target = folder / f"{key}.json"
    try:
        if target.exists():
            return key
        folder.mkdir(exist_ok=True)
        partial = folder / f".{key}.{os.getpid()}.tmp"
        partial.write_bytes(data)
        partial.replace(target)
        _prune(folder)
    except OSError:
        return None
    return key


def load(db: Path, key: str) -> tuple[list[Input], str | None] | None:
    """The inputs kept under ``key``, or None when there are none (or the key is bad)."""
    if not _KEY.fullmatch(key):
        return None
    try:
        record: dict[str, Any] = json.loads((folder_of(db) / f"{key}.json").read_bytes())
        sides: list[Input] = [
            (str(side["name"]), base64.b64decode(side["bytes"]))
            if "bytes" in side
            else (str(side["name"]), str(side["text"]))
            for side in record["sides"]
        ]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if len(sides) != 2:
        return None
    encoder = record.get("encoder")
    return sides, encoder if isinstance(encoder, str) else None


def _prune(folder: Path) -> None:
    files = sorted(folder.glob("*.json"), key=lambda p: p.stat().st_mtime)
    for old in files[: max(len(files) - MAX_KEPT, 0)]:
        with contextlib.suppress(OSError):
            old.unlink()
