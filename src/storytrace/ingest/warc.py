"""WARC archives (plain or gzip): each HTML page captured in it is one article.

Only successful (2xx) ``response`` records and ``resource`` records whose content type
is HTML are read; requests, metadata, redirects and images are skipped without comment,
since an archive is mostly those. The page goes through the HTML reader; its URL is the
record's ``WARC-Target-URI`` when the page names no canonical one, and its date the
capture date (``WARC-Date``) when the page gives none.

Records are reported as ``path#record=N`` (counting every record from 1). A broken or
truncated record is reported and, where the archive can still be followed, reading
goes on; an archive that cannot be followed any further ends with an error after the
articles already read.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from typing import Any

from ..errors import EmptyInput, InputError, MalformedInput
from ..model import RawArticle
from ..options import ReadOptions
from .html import parse_html
from .meta import parse_date
from .stream import Opened, too_large

_HTML_TYPES = ("text/html", "application/xhtml+xml")

_CHUNK = 64 * 1024


def read_warc(
    opened: Opened, source: str, options: ReadOptions
) -> Iterator[RawArticle | InputError]:
    """Yield an article, or an error, for each HTML page in a WARC archive."""
    if not opened.head.lstrip().startswith(b"WARC/"):
        raise MalformedInput(source, "not a WARC archive: it does not start with a WARC/1.x header")
    # Imported here: only archives need warcio.
    from warcio.archiveiterator import WARCIterator

    class QuietIterator(WARCIterator):  # type: ignore[misc]
        # warcio writes this warning straight to stderr; it is reported as an error instead.
        INC_RECORD = ""

    yielded = False
    number = 0
    # gzip is already undone by Opened (one inflater, with its size guard, for every
    # format, and whole-file gzip works too), so warcio sees a plain archive.
    iterator = QuietIterator(opened.stream)
    records = iter(iterator)
    while True:
        warnings = iterator.err_count
        try:
            record = next(records)
        except StopIteration:
            break
        except InputError:
            raise  # the gzip size guard, reported as it is
        except Exception as err:  # the record boundary: see the comment below
            # warcio fails in many ways on a broken archive: ArchiveLoadFailed, header
            # parser errors, even AttributeError for a response without a target URI.
            # Each means the archive cannot be followed past this point.
            yielded = True
            cause = opened.take_error()
            reason = cause.reason if cause else _reason(err)
            yield MalformedInput(source, f"broken WARC archive after record {number}: {reason}")
            break
        if iterator.err_count > warnings and number:
            yield MalformedInput(
                f"{source}#record={number}",
                "the record is not followed by a blank line: its Content-Length is probably wrong",
            )
        number += 1
        where = f"{source}#record={number}"
        article: RawArticle | InputError | None
        try:
            article = _record_article(record, where, options, opened)
        except InputError as err:
            article = err
        except Exception as exc:  # the per-record boundary: one bad record must not stop the rest
            article = MalformedInput(where, f"unreadable WARC record ({_reason(exc)})")
        if article is not None:
            yielded = True
            yield article
    if not yielded and not opened.damaged:
        # (A damaged archive gets its gzip error from the caller instead.)
        yield EmptyInput(source, "no HTML pages in the WARC archive")


def _record_article(
    record: Any, where: str, options: ReadOptions, opened: Opened
) -> RawArticle | None:
    """The article in one WARC record, or None for a record that holds no HTML page.

    Raises:
        TooLarge: the page is over the size limit.
        MalformedInput: the record is cut short.
        InputError: what the HTML reader raises.
    """
    content_type = _html_content_type(record)
    if content_type is None:
        return None
    data = record.content_stream().read(options.max_bytes + 1)
    if len(data) > options.max_bytes:
        raise too_large(where, options.max_bytes, what="the page in this record")
    _check_complete(record, where, opened)
    headers = record.rec_headers
    page = parse_html(
        data,
        where,
        url=headers.get_header("WARC-Target-URI"),
        charset=_charset(content_type),
        fallback_date=parse_date(headers.get_header("WARC-Date")),
    )
    return dataclasses.replace(page, format="warc")


def _html_content_type(record: Any) -> str | None:
    """The HTML content type of a record worth reading, else None."""
    if record.rec_type == "response":
        http = record.http_headers
        if http is None or not str(http.get_statuscode()).startswith("2"):
            return None
        content_type = http.get_header("Content-Type")
    elif record.rec_type == "resource":
        content_type = record.rec_headers.get_header("Content-Type")
    else:
        return None
    if not content_type or content_type.split(";")[0].strip().lower() not in _HTML_TYPES:
        return None
    return str(content_type)


def _charset(content_type: str) -> str | None:
    """The ``charset`` parameter of a Content-Type header."""
    for param in content_type.split(";")[1:]:
        key, _, value = param.partition("=")
        if key.strip().lower() == "charset":
            return value.strip().strip("\"'") or None
    return None


def _check_complete(record: Any, where: str, opened: Opened) -> None:
    """Raise MalformedInput when the record ends before its declared Content-Length.

    warcio stops quietly at the end of a truncated archive; its raw stream still owes
    bytes then, which is how a cut-off download shows. When broken gzip is what cut it
    short, that is the reason given (and not reported again for the whole file).
    """
    raw = record.raw_stream
    while raw.read(_CHUNK):
        pass
    missing = getattr(raw, "limit", 0)
    if missing > 0:
        cause = opened.take_error()
        because = f" ({cause.reason})" if cause else ""
        raise MalformedInput(
            where,
            f"truncated WARC record: the archive ends {missing:,} bytes before the "
            f"record's Content-Length{because}",
        )


def _reason(err: BaseException) -> str:
    """A one-line reason from an exception (warcio's messages span several lines)."""
    text = " ".join(str(err).split())
    return f"{type(err).__name__}: {text}" if text else type(err).__name__
