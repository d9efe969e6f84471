"""Metadata values from sources, made uniform: dates, language tags, short strings.

Each source spells metadata its own way (ISO dates in JSONL, RFC 822 dates in RSS,
``struct_time`` from feedparser, ``en-US`` in HTML); readers pass what they find through
these helpers so every RawArticle carries the same shapes.
"""

from __future__ import annotations

import datetime as dt
import re
import time

_ISO_DATE_RE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_LANG_RE = re.compile(r"[A-Za-z]{2,3}")


def parse_date(value: object) -> dt.date | None:
    """The calendar date in ``value``, or None when it holds none.

    Accepts a ``date``/``datetime``, a ``time.struct_time`` (feedparser), an ISO 8601
    date or datetime string ("2025-12-13", "2025-12-13T10:00:00+02:00") and an RFC 822
    string ("Sat, 13 Dec 2025 10:00:00 GMT", as RSS writes them). The date is the one
    written, in the writer's time zone: a story stamped 23:30 local time was published
    that day there, whatever the day in UTC.
    """
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, time.struct_time):
        return _safe_date(value.tm_year, value.tm_mon, value.tm_mday)
    if not isinstance(value, str):
        return None
    text = value.strip()
    match = _ISO_DATE_RE.match(text)
    if match:
        return _safe_date(*(int(part) for part in match.groups()))
    # Imported here: email pulls in a dozen modules, and only RSS dates need it.
    import email.utils

    try:
        parsed = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    return parsed.date()


def _safe_date(year: int, month: int, day: int) -> dt.date | None:
    """``date(year, month, day)``, or None for an impossible date."""
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def normalize_lang(value: object) -> str | None:
    """The primary language subtag of a language tag, lower-cased ("en-US" -> "en").

    Lexicons are per language, not per region, so the region and script are dropped.
    Anything that is not a tag ("", "x", "english!") gives None rather than a wrong tag.
    """
    if not isinstance(value, str):
        return None
    primary = value.strip().replace("_", "-").split("-", 1)[0]
    if not _LANG_RE.fullmatch(primary):
        return None
    return primary.lower()


def clean_str(value: object) -> str | None:
    """A stripped, single-line string, or None for a missing or blank value."""
    if not isinstance(value, str):
        return None
    text = " ".join(value.split())
    return text or None
