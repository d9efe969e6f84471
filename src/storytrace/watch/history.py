"""A page's history and the change feed, from the page tables and ``compare``.

``page_history`` gives every version of one page, oldest first, each compared with the
version before it (``versions.compare_versions``: the typed changes, the sentences added
and dropped, ``significance.summarize``). ``changes`` gives the detected updates of every
page, newest first, filtered (``ChangeFilter``), one page of them at a time.
"""

from __future__ import annotations

from ..errors import NotFound
from ..model import Article
from ..store.page_tables import ChangeFilter, VersionRow
from ..store.repository import Repository
from .model import ChangeEntry, PageHistory, PageVersion
from .significance import summarize
from .urls import canonical_url
from .versions import compare_versions


def find_page(repo: Repository, url_or_id: str) -> str:
    """The canonical URL of the page a URL (as fetched, or canonical) or an article id
    is a version of.

    Raises:
        NotFound: no watched page has this URL or a version with this id.
    """
    for candidate in dict.fromkeys((url_or_id, canonical_url(url_or_id))):
        found = repo.pages.canonical_of(candidate)
        if found is not None:
            return found
    if not url_or_id.lower().startswith(("http://", "https://", "file://")):
        try:
            row = repo.get(url_or_id).rowid
        except NotFound:
            pass
        else:
            found = repo.pages.canonical_of(row)
            if found is not None:
                return found
            raise NotFound(f"article {url_or_id!r} is not a version of a watched page")
    raise NotFound(f"{repo.path}: no watched page at {url_or_id!r}")


def page_history(repo: Repository, url_or_id: str) -> PageHistory:
    """Every version of the page ``url_or_id`` names (``find_page``), oldest first."""
    canonical = find_page(repo, url_or_id)
    rows = repo.pages.versions(canonical)
    articles = repo.articles_by_rowid(sorted({r.article for r in rows}))
    versions: list[PageVersion] = []
    before: Article | None = None
    for number, row in enumerate(rows, start=1):
        article = articles[row.article]
        versions.append(_version(repo, number, row, article, before))
        before = article
    page = repo.pages.page(rows[-1].url) if rows else None
    return PageHistory(canonical, tuple(versions), page.status if page else None)


def changes(
    repo: Repository, which: ChangeFilter, *, limit: int, offset: int = 0
) -> tuple[list[ChangeEntry], int]:
    """One page of detected updates, newest first, and how many match in all."""
    rows = repo.pages.changes(which, limit=limit, offset=offset)
    wanted = {r.article for r in rows} | {r.previous for r in rows if r.previous is not None}
    articles = repo.articles_by_rowid(sorted(wanted))
    entries: list[ChangeEntry] = []
    seqs: dict[str, list[int]] = {}  # each page's version seqs, read once per page
    for row in rows:
        before = articles.get(row.previous or -1)
        after = articles.get(row.article)
        if before is None or after is None:
            continue
        if row.canonical not in seqs:
            seqs[row.canonical] = [v.seq for v in repo.pages.versions(row.canonical)]
        number = sum(1 for seq in seqs[row.canonical] if seq <= row.seq)
        version = _version(repo, number, row, after, before)
        entries.append(ChangeEntry(row.seq, row.canonical, row.source, version, before))
    return entries, repo.pages.change_count(which)


def _version(
    repo: Repository, number: int, row: VersionRow, article: Article, before: Article | None
) -> PageVersion:
    if before is None:
        return PageVersion(number, article, row.first_seen, row.url)
    comparison = compare_versions(repo, before, article)
    return PageVersion(number, article, row.first_seen, row.url, comparison, summarize(comparison))
