"""The plain data of page versions: a page's history and an update of the change feed."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ..model import Article, Comparison


def unit_text(article: Article, indexes: Iterable[int]) -> str:
    """The text of one side of a unit: its sentences in ``article``, joined by a space."""
    return " ".join(article.sentences[i].text for i in indexes)


@dataclass(frozen=True, slots=True)
class ChangeSummary:
    """What an update changed, in brief (``significance.summarize``): its significance
    (0..1), the change types (typed change types, ``added``, ``dropped``, ``wording``,
    ``title``), sentences added and dropped, and whether the page declared it."""

    significance: float
    types: tuple[str, ...]
    added: int
    dropped: int
    declared: bool
    substantive: bool = False

    @property
    def stealth_edit(self) -> bool:
        """A substantive change the page does not declare."""
        return self.substantive and not self.declared


@dataclass(frozen=True, slots=True)
class PageVersion:
    """One version of a page: its number (from 1), article, when it was first seen and
    from which URL, and the comparison with the version before (None for the first)."""

    number: int
    article: Article
    first_seen: str
    url: str
    comparison: Comparison | None = None
    summary: ChangeSummary | None = None


@dataclass(frozen=True, slots=True)
class PageHistory:
    """Every version of one page (by canonical URL), oldest first, and its last status
    (``ok``, ``removed``, ``failing``; None for a page never fetched, e.g. a file)."""

    canonical: str
    versions: tuple[PageVersion, ...]
    status: str | None = None


@dataclass(frozen=True, slots=True)
class ChangeEntry:
    """One detected update of the change feed: the page, the watched source it came
    from, when it was seen, and its version with the comparison to the one before."""

    seq: int
    canonical: str
    source: str
    version: PageVersion
    before: Article
