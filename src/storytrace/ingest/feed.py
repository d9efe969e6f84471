"""RSS and Atom feeds: one article per entry, through feedparser.

feedparser is lenient, which is what real feeds need, but its strict mode hands the XML
to expat, and a feed is untrusted input. So the bytes are screened first: defusedxml
parses them with entity declarations and external references forbidden, and a feed
that declares entities is refused outright, even one too broken for defusedxml to reach
the declaration (feedparser's loose parser might still read it). A plain DOCTYPE stays
allowed: old RSS 0.91 feeds all carry one.

feedparser is always given a file object. Given a string or bytes it may treat them as
a URL or a file name and read that instead.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import re
from collections.abc import Iterator, Mapping
from typing import Any

from ..errors import EmptyInput, InputError, MalformedInput
from ..model import RawArticle
from ..options import ReadOptions
from .decode import normalize_newlines
from .fragment import fragment_to_text
from .meta import clean_str, normalize_lang, parse_date
from .stream import Opened

_ENTITY_DECL_RE = re.compile(rb"<!ENTITY", re.IGNORECASE)

_HTML_TYPES = ("text/html", "application/xhtml+xml")


def read_feed(
    opened: Opened, source: str, options: ReadOptions
) -> Iterator[RawArticle | InputError]:
    """Yield an article, or an error, for each entry of an RSS or Atom feed."""
    data = opened.read_all(options.max_bytes)
    yield from parse_feed(data, source, options)


def parse_feed(data: bytes, source: str, options: ReadOptions) -> Iterator[RawArticle | InputError]:
    """Parse feed bytes; entries are reported as ``source#entry=N`` (from 1).

    Raises:
        MalformedInput: unsafe XML, or not a feed feedparser can read.
        EmptyInput: a feed without entries.
    """
    parsed, entries = _parse(data, source)
    channel = parsed.get("feed") or {}
    outlet = _detail_text(channel, "title")
    feed_lang = normalize_lang(channel.get("language"))
    for number, entry in enumerate(entries, 1):
        where = f"{source}#entry={number}"
        try:
            yield _entry_article(entry, where, outlet, feed_lang, options)
        except InputError as err:
            yield err
        except Exception as exc:  # the per-entry boundary: one odd entry must not stop the feed
            yield MalformedInput(where, f"unreadable feed entry ({type(exc).__name__}: {exc})")


def feed_links(data: bytes, source: str) -> list[str | InputError]:
    """The link of each entry of a feed, in order, or an error for an entry without one
    (``storytrace watch`` follows the links; see ``parse_feed`` for what it raises)."""
    _, entries = _parse(data, source)
    links: list[str | InputError] = []
    for number, entry in enumerate(entries, 1):
        url = clean_str(entry.get("link"))
        links.append(
            url if url else EmptyInput(f"{source}#entry={number}", "the entry has no link")
        )
    return links


def _parse(data: bytes, source: str) -> tuple[Mapping[str, Any], list[Mapping[str, Any]]]:
    """The parsed feed and its entries (see ``parse_feed``)."""
    _refuse_unsafe_xml(data, source)
    # Imported here: feedparser is slow to import and only feeds need it.
    import feedparser

    parsed = feedparser.parse(io.BytesIO(data), resolve_relative_uris=False, sanitize_html=True)
    entries = parsed.get("entries") or []
    if not entries:
        if parsed.get("bozo"):
            reason = _bozo_reason(parsed.get("bozo_exception"), data)
            raise MalformedInput(source, f"not a readable RSS or Atom feed ({reason})")
        raise EmptyInput(source, "the feed has no entries")
    return parsed, list(entries)


def _bozo_reason(exc: object, data: bytes) -> str:
    """feedparser's parse error as "XML error at line L, column C: message"."""
    line = getattr(exc, "getLineNumber", None)
    column = getattr(exc, "getColumnNumber", None)
    message = getattr(exc, "getMessage", None)
    if not (callable(line) and callable(column) and callable(message)):
        return str(exc) if exc else "unreadable XML"
    number = line()
    # (NULs and byte-order marks dropped: a UTF-16 declaration counts too.)
    start = data[:64].replace(b"\x00", b"").lstrip(b"\xef\xbb\xbf\xfe\xff")
    if isinstance(number, int) and not start.startswith(b"<?xml"):
        # feedparser puts an XML declaration line in front of a document without one
        # (feedparser/encodings.py::convert_to_utf8), so its line numbers run one ahead.
        number -= 1
    return f"XML error at line {number}, column {column()}: {message()}"


def _refuse_unsafe_xml(data: bytes, source: str) -> None:
    """Raise MalformedInput for XML that declares entities or references external ones."""
    # Imported here with feedparser, for the same reason.
    import defusedxml
    import defusedxml.ElementTree

    # NULs are dropped so a UTF-16 or UTF-32 document shows its declarations too.
    if _ENTITY_DECL_RE.search(data.replace(b"\x00", b"")):
        raise MalformedInput(
            source,
            "the feed declares XML entities (<!ENTITY>), which storytrace refuses: "
            "entity expansion can exhaust memory",
        )
    try:
        defusedxml.ElementTree.fromstring(
            data, forbid_dtd=False, forbid_entities=True, forbid_external=True
        )
    except defusedxml.DefusedXmlException as err:
        raise MalformedInput(source, f"unsafe XML refused ({err})") from None
    except Exception:  # not well-formed XML: feedparser's loose parser may still read it
        return


def _entry_article(
    entry: Mapping[str, Any],
    where: str,
    outlet: str | None,
    feed_lang: str | None,
    options: ReadOptions,
) -> RawArticle:
    """One feed entry as a RawArticle, fetching its link if asked and it has no text."""
    text, text_lang = _entry_text(entry)
    url = clean_str(entry.get("link"))
    published = _entry_date(entry)
    title = _detail_text(entry, "title")
    if not text.strip():
        if options.fetch and url:
            return _fetched(url, where, options, title=title, outlet=outlet, published=published)
        hint = "; pass --fetch to read the linked page" if url else ""
        raise EmptyInput(where, f"the feed entry has no text{hint}")
    return RawArticle(
        text=text,
        source=where,
        format="feed",
        title=title,
        published=published,
        outlet=outlet,
        url=url,
        lang=text_lang or feed_lang,
    )


def _entry_date(entry: Mapping[str, Any]) -> dt.date | None:
    """The entry's publication date (else its update date), as the feed wrote it.

    The raw string comes first: feedparser's ``*_parsed`` values are converted to UTC,
    which moves a story stamped "00:30 +0200" to the day before.
    """
    for key in ("published", "updated"):
        date = parse_date(entry.get(key)) or parse_date(entry.get(f"{key}_parsed"))
        if date is not None:
            return date
    return None


def _entry_text(entry: Mapping[str, Any]) -> tuple[str, str | None]:
    """The entry's text and language: its longest full ``content``, else its summary.

    Summaries are often teasers; ``content`` (``content:encoded`` in RSS) is the story.
    """
    details: list[Mapping[str, Any]] = [
        item for item in entry.get("content") or [] if isinstance(item, Mapping)
    ]
    details.sort(key=lambda item: len(item.get("value") or ""), reverse=True)
    summary = entry.get("summary_detail")
    if isinstance(summary, Mapping):
        details.append(summary)
    for detail in details:
        text = _as_text(detail)
        if text.strip():
            return text, normalize_lang(detail.get("language"))
    return "", None


def _detail_text(container: Mapping[str, Any], key: str) -> str | None:
    """A short field (a title) as one line of plain text, from HTML when it is HTML."""
    detail = container.get(f"{key}_detail")
    if isinstance(detail, Mapping):
        return clean_str(_as_text(detail))
    return clean_str(container.get(key))


def _as_text(detail: Mapping[str, Any]) -> str:
    """A feedparser text construct (``value`` + ``type``) as plain text."""
    value = detail.get("value")
    if not isinstance(value, str):
        return ""
    if str(detail.get("type") or "").lower() in _HTML_TYPES:
        return fragment_to_text(value)
    return normalize_newlines(value).strip()


def _fetched(
    url: str,
    where: str,
    options: ReadOptions,
    *,
    title: str | None,
    outlet: str | None,
    published: dt.date | None,
) -> RawArticle:
    """The article at an entry's link, with the entry's metadata where the page has none."""
    from .fetch import fetch_url
    from .html import parse_html

    data, charset = fetch_url(url, source=where, max_bytes=options.max_bytes)
    page = parse_html(data, where, url=url, charset=charset, fallback_date=published)
    return dataclasses.replace(
        page,
        format="feed",
        title=page.title or title,
        outlet=page.outlet or outlet,
    )
