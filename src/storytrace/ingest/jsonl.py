"""JSON Lines: one article per line, ``text`` required.

Optional fields: ``id`` (kept as given, as a string), ``title``, ``published`` (an ISO
date or datetime), ``url``, ``outlet``, ``lang``. Other fields are ignored, so corpora
that carry more (sentence splits, annotations) read as they are.

The file is streamed line by line, so its size is bounded only per line. Each line
is one record: a broken one is reported as ``path:LINE`` and the others go on.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from typing import Any, BinaryIO

from ..errors import EmptyInput, InputError, MalformedInput
from ..model import RawArticle
from ..options import ReadOptions
from .decode import normalize_newlines, scrub_surrogates
from .meta import clean_str, normalize_lang, parse_date
from .stream import Opened, too_large

_STRING_FIELDS = ("title", "url", "outlet", "lang")


def read_jsonl(
    opened: Opened, source: str, options: ReadOptions
) -> Iterator[RawArticle | InputError]:
    """Yield an article, or an error, for each non-blank line of a JSON Lines file."""
    found = False
    for number, line in _lines(opened.stream, options.max_bytes):
        found = True
        where = f"{source}:{number}"
        if line is None:
            yield too_large(where, options.max_bytes, what="the line")
            continue
        try:
            yield parse_record(line, where)
        except InputError as err:
            yield err
    if not found:
        yield EmptyInput(source, "the JSON Lines file holds no records")


def parse_record(line: bytes, where: str) -> RawArticle:
    """One JSON Lines record as a RawArticle.

    Raises:
        MalformedInput: not UTF-8, not JSON, not an object, or a field of the wrong type.
        EmptyInput: ``text`` is blank.
    """
    try:
        # Without its line end, so an error's column counts along the line.
        record = json.loads(line.decode("utf-8-sig").rstrip("\r\n"))
    except UnicodeDecodeError as err:
        raise MalformedInput(
            where, f"not UTF-8 ({err.reason} at byte {err.start}); JSON Lines must be UTF-8"
        ) from None
    except json.JSONDecodeError as err:
        raise MalformedInput(where, f"invalid JSON: {err.msg} at column {err.colno}") from None
    except RecursionError:
        raise MalformedInput(where, "invalid JSON: nested too deeply") from None
    except ValueError as err:  # e.g. an integer of over 4,300 digits
        raise MalformedInput(where, f"invalid JSON: {str(err).split(';')[0]}") from None
    if not isinstance(record, dict):
        raise MalformedInput(where, f"expected a JSON object, got {_json_type(record)}")
    return record_to_raw(record, where)


def record_to_raw(record: dict[str, Any], where: str) -> RawArticle:
    """One record's fields (JSON Lines' names: ``text``, ``id``, ``title``...) as a
    RawArticle, with JSON Lines' validation and messages (also for Parquet rows).

    Raises:
        MalformedInput: a field missing or of the wrong type.
        EmptyInput: ``text`` is blank.
    """
    record = {k: scrub_surrogates(v) if isinstance(v, str) else v for k, v in record.items()}
    text = record.get("text")
    if text is None:
        raise MalformedInput(where, 'missing the required field "text"')
    if not isinstance(text, str):
        raise MalformedInput(where, f'"text" must be a string, got {_json_type(text)}')
    if not text.strip():
        raise EmptyInput(where, '"text" is empty')
    for key in _STRING_FIELDS:
        value = record.get(key)
        if value is not None and not isinstance(value, str):
            raise MalformedInput(where, f'"{key}" must be a string, got {_json_type(value)}')
    published = record.get("published")
    date = parse_date(published) if isinstance(published, str) else None
    if published is not None and date is None:
        raise MalformedInput(
            where, f'"published" must be an ISO date like "2025-12-13", got {published!r}'
        )
    raw = RawArticle(
        text=normalize_newlines(text),
        source=where,
        format="jsonl",
        id=_record_id(record.get("id"), where),
        title=clean_str(record.get("title")),
        published=date,
        outlet=clean_str(record.get("outlet")),
        url=clean_str(record.get("url")),
        lang=normalize_lang(record.get("lang")),
    )
    if raw.title is None or raw.published is None:
        # The text is plain text: its header form or headline gives what the record lacks
        # (scraped corpora often keep the headline as the text's first line).
        from .text import parse_text

        # what the record gives wins, as for any caller of parse_text
        parsed = parse_text(raw.text, source=where, title=raw.title, published=raw.published)
        raw = replace(raw, text=parsed.text, title=parsed.title, published=parsed.published)
    return raw


def _record_id(value: object, where: str) -> str | None:
    """The record's ``id`` as a string: ids are kept as given, numbers written as JSON."""
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return json.dumps(value)
    raise MalformedInput(where, f'"id" must be a string or a number, got {_json_type(value)}')


def _json_type(value: object) -> str:
    """The JSON name of a parsed value's type, for messages."""
    names = {dict: "an object", list: "an array", str: "a string", bool: "true/false"}
    if value is None:
        return "null"
    if isinstance(value, int | float) and not isinstance(value, bool):
        return "a number"
    return names.get(type(value), type(value).__name__)


def _lines(stream: BinaryIO, max_bytes: int) -> Iterator[tuple[int, bytes | None]]:
    """Yield ``(line number, line)`` for non-blank lines; None for a line over the limit.

    Lines are read with a length cap, so one huge line never sits in memory whole.
    """
    number = 0
    while True:
        line = stream.readline(max_bytes + 1)
        if not line:
            return
        number += 1
        if len(line) > max_bytes and not line.endswith(b"\n"):
            _skip_rest_of_line(stream)
            yield number, None
        elif line.strip():
            yield number, line


def _skip_rest_of_line(stream: BinaryIO) -> None:
    """Read past the end of the current line in bounded chunks."""
    while True:
        chunk = stream.readline(64 * 1024)
        if not chunk or chunk.endswith(b"\n"):
            return
