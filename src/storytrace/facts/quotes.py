"""Quotations and their speakers.

A quotation is kept as a ``Quote`` when it is a statement: five words or more, or any
length when an attribution stands right beside it ('"No," he said.'), after a colon
('Banners read: "The state kills"') or when it ends a sentence of its own ('"Why
now?"'). Shorter quoted phrases with no speaker are scare quotes or titles (a
"demilitarized zone", "American Pie"): they are not quotations, and ``scare_quotes``
lists them with the framing (putting quotes around a term, or taking them off, frames
it).

The speaker is the source of the attribution that stands right after the closing mark
('"...," the official said.' / '"...," said another administration official.') or right
before the opening one ('one of Axios' interlocutors stated: "..."'). A speaker given as
"he" or "she" is resolved to the most recent person named before it in the article,
because a pronoun compares badly across versions.
"""

from __future__ import annotations

import re

from ..model import Framing, Name, Quote
from .attribution import Found
from .lexicon import Lexicon
from .tokens import QuoteSpan

MIN_WORDS = 5
"""Quoted spans shorter than this need a speaker to count as a quotation."""

_WORD = re.compile(r"\w+")
_GAP_AFTER = re.compile(r"^[\s,.;—–-]*$")
_GAP_BEFORE = re.compile(r"^[\s,:—–-]*(?:that\s*)?$")


def find_quotes(
    text: str,
    spans: tuple[QuoteSpan, ...],
    found: list[Found],
    lex: Lexicon,
    last_person: Name | None,
    names: list[Name],
) -> list[Quote]:
    """The quotations of one sentence with their speakers (when the text says)."""
    out: list[Quote] = []
    for span in spans:
        inner_start = span.open + 1
        inner_end = span.close
        raw = text[inner_start:inner_end]
        lead = len(raw) - len(raw.lstrip())
        body = raw.strip().rstrip(",").rstrip()
        if not body:
            continue
        start = inner_start + lead
        end = start + len(body)
        speaker = _speaker(text, span, found, lex, last_person, names)
        if speaker is None and len(_WORD.findall(body)) < MIN_WORDS and not _statement(text, span):
            continue
        out.append(Quote(body, speaker, start, end))
    return out


_COLON_BEFORE = re.compile(r":\s*$")
_CLAUSE_END = re.compile(r"[!?]\W*$|^[A-Z].*\s.*\s.*[.…]\W*$")
"""A question or exclamation, or a capitalised run of three words or more ending in a
period; a term quoted at the end of a sentence keeps the period inside the marks in
American style ('a "demilitarized zone."'), which does not make it a statement."""


def _statement(text: str, span: QuoteSpan) -> bool:
    """A short quotation that is still a statement: introduced by a colon ('Banners
    read: "The state kills"') or a sentence of its own ('"Why now?"'), unlike a scare
    quote or a title."""
    inner = text[span.open + 1 : span.close]
    if len(_WORD.findall(inner)) < 2:
        return False
    return bool(_COLON_BEFORE.search(text[: span.open]) or _CLAUSE_END.search(inner))


def _speaker(
    text: str,
    span: QuoteSpan,
    found: list[Found],
    lex: Lexicon,
    last_person: Name | None,
    names: list[Name],
) -> str | None:
    for item in found:
        att = item.attribution
        if att.source is None:
            continue
        after = (
            span.close < len(text)
            and att.start > span.close
            and _GAP_AFTER.match(text[span.close + 1 : att.start])
        )
        before = att.end <= span.open and _GAP_BEFORE.match(text[att.end : span.open])
        if after or before:
            return _resolve(att.source, att.start, lex, last_person, names)
    return None


def scare_quotes(
    text: str, spans: tuple[QuoteSpan, ...], quotes: list[Quote], max_words: int
) -> list[Framing]:
    """Quoted terms that are no quotation: key ``scare_quotes:<words>``, casefolded."""
    out: list[Framing] = []
    for span in spans:
        if span.close >= len(text) or any(span.open < q.start < span.close for q in quotes):
            continue
        words = _WORD.findall(text[span.open + 1 : span.close].casefold())
        if not words or len(words) > max_words:
            continue
        key = "scare_quotes:" + " ".join(words)
        out.append(Framing(text[span.open : span.close + 1], key, span.open, span.close + 1))
    return out


def _resolve(
    source: str, position: int, lex: Lexicon, last_person: Name | None, names: list[Name]
) -> str:
    if source.lower() not in lex.personal_pronouns:
        return source
    earlier = [n for n in names if n.kind == "person" and n.end <= position]
    if earlier:
        return earlier[-1].text
    return last_person.text if last_person is not None else source
