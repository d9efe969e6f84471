"""How an article's metadata reads on every command and page: one rule each, used by the
terminal renderers, the HTML templates and the server alike.

- **Title.** The article's own title; without one (scraped text often has none) its
  first sentence, shortened at a word with an ellipsis; without either, its id or
  source. Never "(no title)" on one page and an id on the next.
- **Outlet.** The outlet the source names; without one, the host of the article's URL
  ("www.reuters.com" reads "reuters.com"). Display only: the analysis never treats a
  host as an outlet (two versions on one site do not "credit" each other).
- **Date.** ISO ``YYYY-MM-DD``, and ``UNDATED`` for an article without one, everywhere.

Pure functions over plain values: no rich, no jinja, cheap to import.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit

UNDATED = "undated"
"""The one spelling of an unknown date, on every command and page."""

UNKNOWN = "—"
"""What an empty field (no outlet, no language) shows."""

TITLE_CHARS = 120
"""A title made from a first sentence is shortened to this many characters."""

__all__ = [
    "TITLE_CHARS",
    "UNDATED",
    "UNKNOWN",
    "date_text",
    "outlet_of",
    "shorten",
    "skipped_phrase",
    "title_of",
]


def shorten(text: str, limit: int) -> str:
    """One line of at most ``limit`` characters, cut at a word with an ellipsis."""
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    if limit <= 1:
        return "…"[:limit]
    cut = flat[: limit - 1]
    if flat[limit - 1] != " " and " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:-–—") + "…"


def title_of(
    title: str | None,
    first_sentence: str | None = None,
    fallback: str = "",
    *,
    limit: int = TITLE_CHARS,
) -> str:
    """The title a reader sees: the title, else the first sentence shortened at a word,
    else ``fallback`` (an id or a source)."""
    if title and title.strip():
        return " ".join(title.split())
    if first_sentence and first_sentence.strip():
        return shorten(first_sentence, limit)
    return fallback


def outlet_of(outlet: str | None, url: str | None = None) -> str | None:
    """The outlet, else the host of ``url`` without ``www.``; None when neither."""
    if outlet and outlet.strip():
        return outlet.strip()
    if not url:
        return None
    try:
        host = urlsplit(url.strip()).hostname
    except ValueError:
        return None
    if not host:
        return None
    return host.removeprefix("www.")


def date_text(published: dt.date | dt.datetime | str | None) -> str:
    """``YYYY-MM-DD``, or ``UNDATED``."""
    if published is None or published == "":
        return UNDATED
    if isinstance(published, dt.datetime):
        return published.date().isoformat()
    if isinstance(published, dt.date):
        return published.isoformat()
    return published[:10]


def skipped_phrase(skipped: list[tuple[str, str]], *, named: int = 3) -> str:
    """How many files of a folder were not read and why, naming the first few:
    ``skipped 2 files: 1 not news (README.md), 1 hidden (.DS_Store)``; "" for none."""
    if not skipped:
        return ""
    by_reason: dict[str, list[str]] = {}
    for path, reason in skipped:
        by_reason.setdefault(reason, []).append(path.replace("\\", "/").rsplit("/", 1)[-1])
    parts = []
    for reason, names in by_reason.items():
        short = reason.split(" (", 1)[0]
        listed = ", ".join(names[:named]) + (", …" if len(names) > named else "")
        parts.append(f"{len(names):,} {short} ({listed})")
    noun = "file" if len(skipped) == 1 else "files"
    return f"skipped {len(skipped):,} {noun}: " + ", ".join(parts)
