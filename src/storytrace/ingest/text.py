"""Plain text reader, including the seed header form ``date YYYY-MM-DD Title``.

Plain text carries its metadata, if any, in its first line. Two forms are recognised:

- the header form of the examples, ``date 2025-12-13 Some headline``, tolerant of a
  leading space, of case (``Date:``) and of a colon;
- a headline: a short first line that does not end like a sentence, followed by a blank
  line (or written in Title Case), with more text after it.

Whatever is recognised is removed from the text, so the body holds reporting only.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass

from .. import _boilerplate
from ..errors import ConfigError, EmptyInput
from ..model import RawArticle
from ..options import ReadOptions
from .decode import decode_bytes, normalize_newlines
from .meta import clean_str, normalize_lang, parse_date
from .stream import Opened

_HEADER_RE = re.compile(
    r"\s*date\s*[:=]?\s*(?P<date>\d{4}-\d{1,2}-\d{1,2})(?:\s+(?P<title>.*?))?\s*",
    re.IGNORECASE,
)

MAX_HEADLINE_WORDS = 20
"""A first line with more words than this is a sentence, not a headline."""

MAX_HEADLINE_CHARS = 200

# A first line ending like this is a sentence or a lead-in, not a headline. A question or
# exclamation mark may end a headline ("Is the war over?").
_SENTENCE_END_RE = re.compile(r"[.,;:…。，、；：]['\"’”»)」』]*$")

_UNSPACED_RE = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")
"""Chinese and Japanese write a headline without spaces: its length counts, not its words."""

# Short first lines that are not headlines: bylines, photo credits, bullets.
_NOT_HEADLINE_RE = re.compile(
    r"^(?:by\s|від\s|автор|[-*•–—]\s)|\b(?:photo|picture|image|foto|фото)\s*:",
    re.IGNORECASE,
)

_METADATA_KEYS = frozenset({"id", "title", "published", "outlet", "url", "lang"})


def read_text(opened: Opened, source: str, options: ReadOptions) -> Iterator[RawArticle]:
    """Read one plain text file as one article.

    Raises:
        EmptyInput, BinaryInput, DecodeError, TooLarge: see ``decode_bytes`` and
            ``Opened.read_all``.
    """
    data = opened.read_all(options.max_bytes)
    if not data:
        raise EmptyInput(source, "the file is empty")
    text = decode_bytes(data, source)
    if not text.strip():
        raise EmptyInput(source, "the file holds only whitespace")
    article = parse_text(text, source=source)
    if not article.text.strip():
        raise EmptyInput(source, "the file holds a header line but no article text")
    yield article


def parse_text(text: str, *, source: str, **metadata: object) -> RawArticle:
    """Parse decoded text into a RawArticle (header form and headline detection).

    Args:
        text: the article text; newlines are normalised to ``\\n``.
        source: names where the text came from.
        **metadata: ``id``, ``title``, ``published`` (a date, datetime or ISO string),
            ``outlet``, ``url``, ``lang``. What is given here wins over what the text's
            first line says.

    Raises:
        TypeError: an unknown metadata key, or a value of the wrong type.
        ConfigError: a ``published`` string that is not a date.

    Examples:
        >>> raw = parse_text("date 2025-12-13 A headline\\n\\nBody text.", source="x")
        >>> raw.title, raw.published.isoformat(), raw.text
        ('A headline', '2025-12-13', 'Body text.')
    """
    given = _Given.from_kwargs(metadata)
    # A byte-order mark survives in strings read with the "utf-8" codec instead of
    # "utf-8-sig"; it would hide the header.
    lines = normalize_newlines(text.removeprefix("\ufeff")).split("\n")
    _drop_blank_head(lines)
    title: str | None = None
    published: dt.date | None = None
    header = _HEADER_RE.fullmatch(lines[0]) if lines else None
    if header:
        del lines[0]
        _drop_blank_head(lines)
        published = parse_date(header["date"])
        title = clean_str(header["title"])
    if given.title is not None:
        # The caller knows the title: only drop the first line if it repeats it.
        if title is None and lines and clean_str(lines[0]) == given.title:
            del lines[0]
            _drop_blank_head(lines)
    elif title is None and _is_headline(lines):
        title = clean_str(lines.pop(0))
        _drop_blank_head(lines)
    elif title is None and lines and _is_date_line(lines[0]) and _is_headline(lines[1:]):
        # "Friday, June 7, 2013" over the headline: the date line is no title; it stays
        # in the text, where cleaning removes it and the reader takes it as the date
        title = clean_str(lines.pop(1))
    return RawArticle(
        text="\n".join(lines),
        source=source,
        format="text",
        id=given.id,
        title=given.title or title,
        published=given.published or published,
        outlet=given.outlet,
        url=given.url,
        lang=given.lang,
    )


@dataclass(frozen=True, slots=True)
class _Given:
    """Metadata a caller passed to ``parse_text``, checked and typed."""

    id: str | None = None
    title: str | None = None
    published: dt.date | None = None
    outlet: str | None = None
    url: str | None = None
    lang: str | None = None

    @classmethod
    def from_kwargs(cls, metadata: dict[str, object]) -> _Given:
        """Check keys and value types; parse ``published``; stringify an integer ``id``."""
        unknown = sorted(set(metadata) - _METADATA_KEYS)
        if unknown:
            raise TypeError(
                f"parse_text() got unknown metadata {', '.join(map(repr, unknown))}; "
                f"valid keys: {', '.join(sorted(_METADATA_KEYS))}"
            )
        strings: dict[str, str | None] = {}
        for key in ("id", "title", "outlet", "url", "lang"):
            value = metadata.get(key)
            if key == "id" and isinstance(value, int) and not isinstance(value, bool):
                value = str(value)
            if value is not None and not isinstance(value, str):
                raise TypeError(f"{key} must be a string, got {type(value).__name__}")
            strings[key] = value
        published = metadata.get("published")
        date = parse_date(published)
        if published is not None and date is None:
            raise ConfigError(f"published must be a date like 2025-12-13, got {published!r}")
        return cls(
            id=strings["id"],
            title=clean_str(strings["title"]),
            published=date,
            outlet=clean_str(strings["outlet"]),
            url=clean_str(strings["url"]),
            lang=normalize_lang(strings["lang"]),
        )


def _drop_blank_head(lines: list[str]) -> None:
    """Remove blank lines from the start of ``lines`` in place."""
    blank = 0
    while blank < len(lines) and not lines[blank].strip():
        blank += 1
    del lines[:blank]


def _is_headline(lines: list[str]) -> bool:
    """True when ``lines[0]`` reads as a headline over the text that follows it."""
    if len(lines) < 2 or not any(line.strip() for line in lines[1:]):
        return False
    first = lines[0].strip()
    if _is_date_line(first):
        return False  # a date line reads as the date, never as the headline
    words = first.split()
    count = max(len(words), len(first) // 2) if _UNSPACED_RE.search(first) else len(words)
    if not 2 <= count <= MAX_HEADLINE_WORDS or len(first) > MAX_HEADLINE_CHARS:
        return False
    if _SENTENCE_END_RE.search(first) or _NOT_HEADLINE_RE.search(first):
        return False
    return not lines[1].strip() or _is_title_case(words) or _is_date_line(lines[1])


def _is_date_line(line: str) -> bool:
    """True for the date line scraped texts print under their headline ("May 03, 2013").

    A sentence-case first line followed by a date line is a headline as surely as one
    followed by a blank line (cleaning then removes the date line as a ``dateline``).
    """
    return _boilerplate.rules(None).line_kind(line.strip()) == "dateline"


def _is_title_case(words: list[str]) -> bool:
    """True when most long words are capitalised ("Tara Reid Checks Into Rehab")."""
    long_words = [word for word in words if sum(ch.isalpha() for ch in word) >= 4]
    if len(long_words) < 2:
        return False
    capitalised = sum(1 for word in long_words if word[0].isupper())
    return capitalised >= 0.75 * len(long_words)
