"""The embedded store (``storytrace add`` / ``find`` / ``reindex``)."""

from __future__ import annotations

from .store import DEFAULT_PATH, AddReport, Store, StoreOptions, store_key

__all__ = ["DEFAULT_PATH", "AddReport", "Store", "StoreOptions", "store_key"]
