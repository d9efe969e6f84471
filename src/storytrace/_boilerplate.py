"""The boilerplate rules behind ``storytrace.clean``: what counts as boilerplate.

Every rule is deliberately narrow, because removing a line of reporting is far worse
than keeping a share button: a removed line disappears from every diff. So a rule
matches only

- a whole line (stripped) that is short and made of nothing but the boilerplate
  (a credit, a "Read also:" link, a byline, a timestamp); or
- a clearly delimited parenthetical, ``( ... )`` or ``[ ... ]``, whose content says
  what it is ("Photo:", "... – Ed."); or
- a dateline prefix at the start of a paragraph, which needs a recognisable shape
  (an all-capitals place, a date, or a news agency in parentheses) before its dash.

The words each rule looks for live in ``lexicons/<lang>/clean_boilerplate.json``; the
shapes and the length limits live here. Rules for a language are compiled once, on
first use, and cached.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from . import _lexicons
from .model import RemovedKind

_LEXICON = "clean_boilerplate"

_MAX_CREDIT_WORDS = 20
"""A credit line ("Photo: Jane Doe/Reuters") is short; longer lines are prose."""

_MAX_CAPTION_WORDS = 25
"""A caption before a trailing "(Photo: ...)" credit; longer lines keep their text."""

_MAX_LINK_WORDS = 40
"""A "Read also:" line carries one headline."""

_MAX_PROMPT_WORDS = 30
_MAX_SHARE_WORDS = 12
_MAX_BYLINE_WORDS = 14
_MAX_CREDITS_WORDS = 60
_MAX_DATE_LINE_WORDS = 16
_MAX_DATELINE = 160
"""Characters from a paragraph's start within which a dateline's dash or slash must be."""

_MAX_PARENTHETICAL = 400
"""An editor's note or credit in parentheses; a longer span is more likely a mismatch."""

# Regex building blocks. Capitals are Latin (with Latin-1 accents) or Cyrillic.
_UP = "A-ZÀ-ÖØ-ÞА-ЯЁ"
_LOW = "a-zß-öø-ÿа-яё"
_DASH = r"(?:--|[-–—])"
_NAME_WORD = rf"[{_UP}][\w’'.\-]*"
_NAME_PARTICLE = r"(?:de|da|del|della|di|dos|du|van|von|der|den|la|le|bin|ibn|al|el|ben)"
_NAME = rf"{_NAME_WORD}(?:\s+(?:{_NAME_WORD}|{_NAME_PARTICLE}(?=\s+[{_UP}]))){{0,4}}"
_NAMES = rf"{_NAME}(?:\s*(?:,|&|\band\b|\bи\b)\s*{_NAME}){{0,4}}"
_ORG_WORD = rf"[{_UP}&][\w’'.&\-]*"
_ORG = rf"(?:[Tt]he\s+)?[\w&][\w’'.&\-]*(?:\s+(?:{_ORG_WORD}|of|for|and|the|de)){{0,5}}"
_BY_NAME = rf"(?-i:\s(?:by|By|BY)\s+[{_UP}])"
"""" by Jane Doe": a capital must follow, so "Photos by the dozen" is prose."""
_CAPS_WORD = rf"[{_UP}][{_UP}'’.\-]+"
_CITY_CAPS = rf"{_CAPS_WORD}(?:\s+{_CAPS_WORD}){{0,3}}"
_CITY_ANY = rf"{_NAME_WORD}(?:\s+{_NAME_WORD}){{0,3}}"
_PLACE = rf"(?:{_CITY_ANY}|[A-Z]\.(?:\s?[A-Z]\.)+)"
_TITLE_WORD_AHEAD = re.compile(rf"[\"'“‘«„(]*[{_UP}][{_LOW}]")
_DATE_SEPARATOR = r"(?:\s*[,|]\s*|\s+(?:[-–—/]\s+)?)"
_DATELINE_HINT = re.compile(r"\s-|-\s|--|[–—/]")
_BRACKET = re.compile(r"[()\[\]]")
_FIRST_WORD = re.compile(r"[\"'“‘«„(\[]*(\w+)")
_SENTENCE_END = re.compile(r"[.!?…][\"'”’»)\]]*\s+\S")


def _phrases(words: Iterable[str]) -> str:
    """A regex alternation of phrases: longest first, flexible spaces and apostrophes."""
    unique = sorted(set(words), key=len, reverse=True)
    parts = []
    for phrase in unique:
        escaped = re.sub(r"['’]", "['’]", re.escape(phrase))
        parts.append(re.sub(r"(?:\\ )+", r"\\s+", escaped))
    return "(?:" + "|".join(parts) + ")" if parts else "(?!)"


@dataclass(frozen=True, slots=True)
class Cut:
    """A span of the original text to remove: ``text[start:end]`` is the boilerplate."""

    kind: RemovedKind
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Rules:
    """The compiled rules for one set of languages (see ``rules``)."""

    editor_note_line: re.Pattern[str]
    photo_line: re.Pattern[str]
    caption_credit_line: re.Pattern[str]
    agency_credit_line: re.Pattern[str]
    caption_line: re.Pattern[str]
    read_also_line: re.Pattern[str]
    share_lines: frozenset[str]
    share_line: re.Pattern[str]
    subscribe_line: re.Pattern[str]
    byline: re.Pattern[str]
    credits_line: re.Pattern[str]
    byline_stopwords: frozenset[str]
    date_line: re.Pattern[str]
    date_word: re.Pattern[str]
    editor_note_content: re.Pattern[str]
    photo_content: re.Pattern[str]
    dateline: re.Pattern[str]
    dateline_not_places: frozenset[str]
    starters: frozenset[str]

    def line_kind(self, line: str) -> RemovedKind | None:
        """The kind of boilerplate a whole stripped line is, or None for text to keep."""
        if self.editor_note_line.match(line):
            return "editor_note"
        words = len(line.split())
        if words <= _MAX_CREDIT_WORDS and (
            self.photo_line.match(line) or self.agency_credit_line.match(line)
        ):
            return "photo_credit"
        if words <= _MAX_LINK_WORDS and self.caption_line.match(line):
            return "caption"
        if words <= _MAX_CAPTION_WORDS + 8 and self._is_caption_with_credit(line):
            return "photo_credit"
        if words <= _MAX_LINK_WORDS and self.read_also_line.match(line):
            return "read_also"
        if words <= _MAX_SHARE_WORDS and self._is_share(line):
            return "share_prompt"
        if words <= _MAX_PROMPT_WORDS and self.subscribe_line.match(line):
            return "subscribe_prompt"
        if words <= _MAX_BYLINE_WORDS and self._is_byline(line):
            return "byline"
        if words <= _MAX_CREDITS_WORDS and self.credits_line.match(line):
            return "byline"
        if words <= _MAX_DATE_LINE_WORDS and self._is_date_line(line):
            return "dateline"
        return None

    def _is_caption_with_credit(self, line: str) -> bool:
        """ "Donald Trump (Photo: AARON SCHWARTZ/EPA)": a short caption ending in a credit.

        The caption before the credit may hold at most one sentence, so a paragraph of
        reporting that happens to end in a credit keeps its text (only the credit goes).
        """
        if ":" not in line and " by " not in line.casefold():
            return False  # cheap test first: the unanchored search is the slowest rule
        m = self.caption_credit_line.search(line)
        if m is None:
            return False
        caption = line[: m.start()]
        return len(caption.split()) <= _MAX_CAPTION_WORDS and _SENTENCE_END.search(caption) is None

    def _is_share(self, line: str) -> bool:
        bare = line.rstrip(" :.!|").casefold()
        return bare in self.share_lines or self.share_line.match(line) is not None

    def _is_byline(self, line: str) -> bool:
        m = self.byline.match(line)
        return m is not None and m.group("first") not in self.byline_stopwords

    def _is_date_line(self, line: str) -> bool:
        return self.date_line.match(line) is not None and self.date_word.search(line) is not None

    def parentheticals(self, text: str, start: int, end: int) -> Iterator[Cut]:
        """Editor's notes and photo credits in ``( )`` or ``[ ]`` within ``text[start:end]``.

        Pairs are checked outermost first; the inside of a removed pair is not checked
        again, the inside of a kept one is ("(see (Photo: AP))" loses the credit only).
        """
        after = start
        for opened, closed in _bracket_pairs(text, start, end):
            if opened < after:
                continue
            content = text[opened + 1 : closed]
            if self.editor_note_content.search(content):
                yield Cut("editor_note", opened, closed + 1)
            elif self.photo_content.match(content):
                yield Cut("photo_credit", opened, closed + 1)
            else:
                continue
            after = closed + 1

    def dateline_end(self, text: str, start: int, end: int) -> int | None:
        """End of a dateline prefix at ``text[start:]`` ("LONDON (AP) —"), or None.

        Without a news agency or a date, the place must be in capitals, must not be a
        known acronym or kicker ("NATO —", "BREAKING —"), and the text after the dash
        must start like a sentence (a capitalised word), so "SKY - TV reports" stays.
        """
        if not _DATELINE_HINT.search(text, start, min(end, start + _MAX_DATELINE)):
            return None  # no dash or slash near the start: no dateline (and fast)
        m = self.dateline.match(text, start, end)
        if m is None or m.end() >= end:
            return None
        if any(m.group(g) for g in ("agency", "agency_only", "date", "wire", "wire2")):
            return m.end("prefix")
        place = m.group("place") or ""
        if not re.fullmatch(_CITY_CAPS, place) or place in self.dateline_not_places:
            return None
        if len(re.sub(r"\W", "", place)) < 3:
            return None
        if not _TITLE_WORD_AHEAD.match(text, m.end(), end):
            return None
        return m.end("prefix")

    def starts_sentence(self, rest: str, removed: str) -> bool:
        """Whether ``rest``, the text after a removed parenthetical, opens a new sentence.

        Yes when it starts with a capital and either the removed note ended in ``.)``
        (its full stop doubled as the sentence's: "... – Ed.) The source") or the first
        word is a common sentence opener.
        """
        m = _FIRST_WORD.match(rest)
        if m is None or not m.group(1)[0].isupper():
            return False
        return removed.rstrip(")]").endswith(".") or m.group(1) in self.starters


def _bracket_pairs(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Matched ``()`` and ``[]`` pairs in ``text[start:end]`` as (open, close) indexes.

    One pass with a stack per bracket type, so it stays linear on any input; pairs
    longer than ``_MAX_PARENTHETICAL`` are dropped (more likely a stray bracket).
    """
    stacks: dict[str, list[int]] = {"(": [], "[": []}
    pairs = []
    for m in _BRACKET.finditer(text, start, end):
        mark, at = m.group(), m.start()
        if mark in "([":
            stacks[mark].append(at)
            continue
        stack = stacks["(" if mark == ")" else "["]
        if stack:
            opened = stack.pop()
            if at - opened < _MAX_PARENTHETICAL:
                pairs.append((opened, at))
    pairs.sort()
    return pairs


def rules(lang: str | None) -> Rules:
    """The compiled rules for text in ``lang`` (plus English; all languages if unknown)."""
    return _compile(_lexicons.languages_for(lang, _LEXICON))


@functools.cache
def _compile(langs: tuple[str, ...]) -> Rules:
    def words(key: str) -> tuple[str, ...]:
        return _lexicons.merged(langs, _LEXICON, key)

    photo = _phrases(words("photo_words"))
    agencies = _phrases(words("photo_agencies"))
    months = _phrases(words("months"))
    weekdays = _phrases(words("weekdays"))
    zones = _phrases(words("time_zones"))
    day = r"\d{1,2}(?:st|nd|rd|th)?"
    date = rf"(?i:(?:{months})\.?\s+{day}|{day}\s+(?:{months})\.?)(?:,?\s+\d{{4}})?"
    wire = _phrases(words("dateline_agencies"))
    separator = rf"\s*(?:[:|>»]|{_DASH})|\s*$"
    return Rules(
        editor_note_line=re.compile(
            rf"[\[(]?\s*{_phrases(words('editor_note_prefixes'))}\s*[:.\-–—]", re.IGNORECASE
        ),
        photo_line=re.compile(rf"{photo}\s*(?::|{_BY_NAME}|{_DASH}\s)", re.IGNORECASE),
        caption_credit_line=re.compile(
            rf"(?:^|\s)[(\[]?\s*{photo}\s*(?::|{_BY_NAME})\s*[^()\[\]]{{1,80}}[)\]]?\s*$",
            re.IGNORECASE,
        ),
        agency_credit_line=re.compile(
            rf"[(\[]?(?:{_NAME}\s*/\s*{agencies}|{agencies}\s*/\s*{_NAME}"
            rf"|Getty\s+Images|AP\s+Photo|Shutterstock|Alamy)[)\]]?\.?$"
        ),
        caption_line=re.compile(
            rf"{_phrases(words('caption_words'))}\s*(?::|{_DASH}\s)", re.IGNORECASE
        ),
        read_also_line=re.compile(
            rf"(?:{_phrases(words('read_also'))}(?:{separator}|\s)"
            rf"|{_phrases(words('read_also_labels'))}(?:{separator}))",
            re.IGNORECASE,
        ),
        share_lines=frozenset(w.rstrip(" :").casefold() for w in words("share_lines")),
        share_line=re.compile(_phrases(words("share_prefixes")) + r"\b", re.IGNORECASE),
        subscribe_line=re.compile(_phrases(words("subscribe_prefixes")) + r"(?!\w)", re.IGNORECASE),
        byline=re.compile(
            rf"{_phrases(words('byline_words'))}\s+(?P<first>{_NAME_WORD})"
            rf"(?:\s+(?:{_NAME_WORD}|{_NAME_PARTICLE}))*"
            rf"(?:\s*(?:,|&|\band\b|\bи\b)\s*{_NAME})*"
            rf"(?:\s*(?:,|\||/|{_DASH}|\bfor\b)\s*{_ORG})?\s*\.?$"
        ),
        credits_line=re.compile(
            rf"[(\[]?\s*(?i:{_phrases(words('byline_credit_prefixes'))})\s+{_NAMES}"
            rf"(?:\s+in\s+{_CITY_ANY})?"
            rf"(?:\s*[;,]\s*(?:and\s+)?(?i:{_phrases(words('byline_credit_prefixes'))})"
            rf"\s+{_NAMES}(?:\s+in\s+{_CITY_ANY})?)*\s*[)\]]?\.?$"
        ),
        byline_stopwords=frozenset(words("byline_stopwords")),
        date_line=_date_line(words("timestamp_words"), months, weekdays, zones),
        date_word=re.compile(
            rf"(?i:\b(?:{months})\b)|\d{{1,4}}\s?[/.\-]\s?\d{{1,2}}\s?[/.\-]\s?\d{{1,4}}"
            rf"|\b\d{{1,2}}\s?:\s?\d{{2}}\b"
        ),
        editor_note_content=re.compile(
            rf"(?:(?:\s(?:--|-)|[–—])\s*{_phrases(words('editor_note_suffixes'))}\s*$"
            rf"|^\s*{_phrases(words('editor_note_prefixes'))}(?!\w)"
            rf"|^\s*(?:прим\.|примеч\.)\s*ред\.?\s*$)",
            re.IGNORECASE,
        ),
        photo_content=re.compile(
            rf"\s*(?:{photo}\s*(?::|{_BY_NAME})|(?:AP\s+Photo|Getty\s+Images|Shutterstock)\b)",
            re.IGNORECASE,
        ),
        dateline=_dateline(date, wire),
        dateline_not_places=frozenset(words("dateline_not_places")),
        starters=frozenset(_lexicons.merged(langs, "segment_starters", "starters")),
    )


def _date_line(stamps: tuple[str, ...], months: str, weekdays: str, zones: str) -> re.Pattern[str]:
    """A line holding only a date or timestamp, optionally with a place before it.

    "Posted: May 24, 2005", "THURSDAY, DECEMBER 3, 2009, 9: 36 AM", "Updated 4: 08 p. m.
    ET", "WASHINGTON - April 27 -", "13 декабря 2025, 14:30". Checked together with
    ``date_word`` so that a bare number never qualifies. A dash or slash between tokens
    needs spaces around it, so that "1/1/1/..." has one reading, not exponentially many.
    """
    token = (
        rf"(?:(?i:{months}|{weekdays})\.?|\d{{1,4}}(?:st|nd|rd|th)?"
        rf"|\d{{1,2}}\s?[:.]\s?\d{{2}}(?:\s?[:.]\s?\d{{2}})?\s?(?:[AaPp]\.?\s?[Mm]\.?)?"
        rf"|[AaPp]\.?\s?[Mm]\.?|(?:{zones})|\d{{1,4}}\s?[/.\-]\s?\d{{1,2}}\s?[/.\-]\s?\d{{1,4}}"
        rf"|(?i:at|on|of|в|г\.|года|год))"
    )
    place = rf"(?:{_CITY_CAPS}\s*(?:,\s*(?:{_CAPS_WORD}|{_PLACE})\s*)?[,\-–—]\s*)?"
    return re.compile(
        rf"[(\[]?(?:(?i:{_phrases(stamps)})\s*:?\s*)?{place}{token}"
        rf"(?:{_DATE_SEPARATOR}{token})*[)\]]?\s*(?:{_DASH}|\|)?$"
    )


def _dateline(date: str, wire: str) -> re.Pattern[str]:
    """Dateline prefixes; ``dateline_end`` adds the checks a bare place needs.

    "KYIV, Dec 13 (Reuters) -", "WASHINGTON —", "LONDON (AP) —", "Washington (CNN) —",
    "(CNN) —", "МОСКВА, 13 дек — РИА Новости.", "МОСКВА, 13 декабря. /ТАСС/.".
    """
    agency = rf"\(\s*(?P<agency>{wire})\s*\)"
    place = rf"(?P<place>{_CITY_CAPS}|{_CITY_ANY}(?=\s*(?:,\s*{_PLACE}\s*)*,?\s*(?:{date}|\()))"
    western = (
        rf"{place}(?:\s*,\s*(?!{date}){_PLACE}){{0,2}}(?:\s*,\s*(?P<date>{date}))?"
        rf"\s*(?:{agency})?\s*{_DASH}(?=\s)"
    )
    agency_only = rf"\(\s*(?P<agency_only>{wire})\s*\)\s*{_DASH}(?=\s)"
    russian_wire = (
        rf"(?P<rplace>{_CITY_CAPS}),\s*(?P<rdate>{date})"
        rf"(?:\s*{_DASH}\s*(?P<wire>{wire})(?:,\s*{_NAME})?\.|\.\s*/\s*(?P<wire2>{wire})\s*/\.?)"
    )
    return re.compile(
        rf"(?P<prefix>{russian_wire}|{agency_only}|{western})\s+",
    )
