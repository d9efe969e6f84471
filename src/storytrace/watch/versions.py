"""Versions by URL: an analysed page becomes a new version only when its content changed.

``record`` compares the page's fingerprint (``churn.fingerprint``) with the latest
version of the same page (by canonical URL). Unchanged: nothing is written. Changed (or
new): the text is stored as an article, as ``storytrace add`` stores one (same analysis,
same keys, same identity: a text stored before is reused, not stored twice), and the
version is recorded in the same transaction, linked to the article of the version
before it, with what changed (``significance.summarize``). The caller holds the writer
lock.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from ..comparison import compare
from ..errors import InputError
from ..keys import Keyer, store_key
from ..model import Article, Comparison
from ..store.db import now
from ..store.page_tables import VersionRow
from ..store.repository import Repository
from ..verify import pair_encoder
from .churn import fingerprint
from .model import ChangeSummary
from .significance import summarize

Seen = Literal["new_page", "new_version", "unchanged"]


@dataclass(frozen=True, slots=True)
class Recorded:
    """What ``record`` did with one page: its outcome, the article id of its latest
    version and, for a new version, what changed."""

    seen: Seen
    article_id: str
    summary: ChangeSummary | None = None


def record(
    repo: Repository,
    keyer: Keyer,
    article: Article,
    *,
    canonical: str,
    url: str,
    source: str,
) -> Recorded:
    """Store ``article`` as the next version of the page ``canonical`` if it changed."""
    mark = fingerprint(article)
    latest = repo.pages.latest(canonical)
    if latest is not None and latest.fingerprint == mark:
        return Recorded("unchanged", repo.id_of(latest.article) or article.id)
    summary = None
    if latest is not None:
        before = repo.articles_by_rowid([latest.article]).get(latest.article)
        if before is not None:
            try:
                summary = summarize(compare_versions(repo, before, article))
            except InputError:  # too large to compare: still a version, its summary unknown
                summary = None
    row = repo.rowid_of(store_key(article))
    version = VersionRow(
        seq=0,
        canonical=canonical,
        url=url,
        source=source,
        article=row or 0,
        previous=latest.article if latest is not None else None,
        first_seen=now(),
        fingerprint=mark,
        significance=summary.significance if summary else None,
        change_types=",".join(summary.types) if summary else "",
        declared=summary.declared if summary else None,
    )
    new = None if row is not None else (article, keyer.compute([article])[0])
    repo.add_page_version(version, new)
    return Recorded("new_version" if latest else "new_page", article.id, summary)


def compare_versions(repo: Repository, before: Article, after: Article) -> Comparison:
    """``compare`` of two versions of a page, with the encoder ``find`` would use."""
    return compare(before, after, encoder=pair_encoder(before, after, repo.settings.encoder))
