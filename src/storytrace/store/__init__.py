"""The store as a repository: SQL, transactions, migrations and the vector index file.

``Repository`` is the one way the stages read and write a store; the public facade that
adds, finds and groups stories is ``storytrace.corpus.Store``.
"""

from __future__ import annotations

from .repository import Repository, SearchKeys, StoredArticle, StoreSettings
from .vectors import IndexState

__all__ = ["IndexState", "Repository", "SearchKeys", "StoreSettings", "StoredArticle"]
