"""The embedded store and version search (``storytrace add`` / ``find`` / ``reindex``)."""

from __future__ import annotations

from .find import STORY_RELATIONS, VERSION_RELATIONS, FindOptions, FindResult, Version, find
from .store import DEFAULT_PATH, AddReport, Store, StoreOptions, store_key

__all__ = [
    "DEFAULT_PATH",
    "STORY_RELATIONS",
    "VERSION_RELATIONS",
    "AddReport",
    "FindOptions",
    "FindResult",
    "Store",
    "StoreOptions",
    "Version",
    "find",
    "store_key",
]
