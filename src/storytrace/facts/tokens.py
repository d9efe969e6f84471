"""Tokens and quotation spans: the language-neutral layer every extractor shares.

Tokens keep character offsets into the sentence so every fact can point back at its
text. The tokenizer keeps abbreviations ("U.S."), hyphenated compounds ("Ukraine-U.S.",
"son-in-law"), inner apostrophes ("O'Brien", "Trump's") and web addresses ("EW.com")
whole, and makes every other non-space character a token of its own.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import NamedTuple

from .._scripts import CJK_LETTERS

# Words with inner apostrophes, periods and hyphens ("Trump's", "U.S", "EW.com",
# "son-in-law"), plus the final period of a dotted abbreviation ("U.S."). One simple
# pattern: tokenizing is the hottest loop of fact extraction, and richer patterns with
# alternations of abbreviation forms cost three times as much.
_TOKEN_RE = re.compile(r"\w+(?:['’.‐-]\w+)*(?:(?<=\.\w)\.)?|\S")
_CJK_TOKEN_RE = re.compile(
    rf"[^\W{CJK_LETTERS}]+(?:['’.‐-][^\W{CJK_LETTERS}]+)*(?:(?<=\.\w)\.)?|[{CJK_LETTERS}]+|\S"
)
"""A run of Chinese, Japanese or Korean letters as a token of its own, apart from the
Latin letters and digits it touches ("Ｇ７外相会合が" is "Ｇ７" and "外相会合が"), so no name
runs on into the words of a script without capitals. Used only for a sentence holding
such letters: its larger classes cost English text about 15% of its tokenizing time."""
_HAS_CJK = re.compile(f"[{CJK_LETTERS}]")

OPENING_QUOTES = frozenset("“«„‘‹")
QUOTE_CHARS = frozenset('"“”«»„‘’‹›')
_QUOTE_RE = re.compile(r"[\"“”«»„‘’‹›]")

# After these, the next word starts a sentence or a quotation, so its capital says nothing
# about it being a name.
_INITIAL_AFTER = frozenset(".!?:;…([") | OPENING_QUOTES


APOSTROPHE_WORDS = re.compile(r"[^\W\d_]+(?:['’ʼ][^\W\d_]+)+")
"""Words with an apostrophe inside: Ukrainian "п’ятниця", French "aujourd'hui"."""
_WORDS = re.compile(r"[^\W\d_]+")


@functools.lru_cache(maxsize=256)
def word_set(text: str) -> frozenset[str]:
    """The lowercase words of a sentence; cached, since dates and numbers both ask. A word
    with an apostrophe inside counts whole and in parts ("п’ятницю", "don't" and "don")."""
    lower = text.lower()
    return frozenset(_WORDS.findall(lower)) | frozenset(APOSTROPHE_WORDS.findall(lower))


class Token(NamedTuple):
    """A token of a sentence: its text, offsets, and whether it starts a sentence.

    A NamedTuple rather than a frozen dataclass: an article makes thousands of tokens
    and tuple construction is several times cheaper.
    """

    text: str
    start: int
    end: int
    initial: bool
    lower: str
    is_word: bool
    """True for tokens that start with a letter."""
    is_cap: bool
    """True when the token starts with an uppercase letter."""


@dataclass(frozen=True, slots=True)
class QuoteSpan:
    """An outermost quotation: ``text[open:close + 1]`` with the marks (close may be len)."""

    open: int
    close: int

    def contains(self, pos: int) -> bool:
        """True when ``pos`` falls inside the quotation marks."""
        return self.open < pos < self.close


_AFTER_CLOSE = frozenset(",.;:!?)…—–-")


def _around(text: str, pos: int) -> tuple[str, str]:
    """The characters before and after ``pos``, a space past either end."""
    return (text[pos - 1] if pos else " ", text[pos + 1] if pos + 1 < len(text) else " ")


def _stray_closer(text: str, pos: int) -> bool:
    """A straight quote after a non-space character and before a space, a punctuation
    mark or the end."""
    before, after = _around(text, pos)
    return (
        not before.isspace() and before not in "([—–" and (after.isspace() or after in _AFTER_CLOSE)
    )


def _nested_opener(text: str, pos: int) -> bool:
    """A straight quote after a space and before a letter or digit: inside an open
    quotation it opens a nested one ('"Под "созданием условий" ...", - сказал он')."""
    before, after = _around(text, pos)
    return before.isspace() and after.isalnum()


def quote_spans(text: str) -> tuple[QuoteSpan, ...]:
    """Find outermost quotations, pairing marks by kind; nested quotes stay inside.

    Straight double quotes pair in order; one that would open right after a word or a
    punctuation mark and before a space or a punctuation mark closes a quotation opened
    in an earlier sentence ('Ukraine," the pope told ...') and opens nothing; inside a
    quotation, one after a space and before a word opens a nested quotation. Curly,
    guillemet and low-9 marks pair with their own closers („…“ and „…” both close;
    German »…« and ›…‹ too). A single curly quote opens only after a space or an
    opening bracket, so apostrophes (’) never open or close anything on their own. A
    quotation still open at the end of the sentence runs to the end, because a
    quotation that continues into the next paragraph leaves its first paragraph
    unclosed.
    """
    stack: list[str] = []
    outer_open = -1
    spans: list[QuoteSpan] = []
    for match in _QUOTE_RE.finditer(text):
        ch, pos = match.group(), match.start()
        top = stack[-1] if stack else ""
        closes = False
        if ch == '"':
            if '"' in stack and not _nested_opener(text, pos):
                while stack.pop() != '"':
                    pass
                closes = True
            elif '"' in stack or not _stray_closer(text, pos):
                stack.append(ch)
        elif ch == "“":
            if top == "„":
                stack.pop()
                closes = True
            else:
                stack.append(ch)
        elif ch in "«‹" and top == {"«": "»", "‹": "›"}[ch]:
            stack.pop()  # German »…« and ›…‹
            closes = True
        elif ch in "«„‹":
            stack.append(ch)
        elif ch == "”":
            if top in ("“", "„"):
                stack.pop()
                closes = True
        elif ch in "»›":
            if top == {"»": "«", "›": "‹"}[ch]:
                stack.pop()
                closes = True
            elif _opens_reversed(text, pos):
                stack.append(ch)
        elif ch == "‘":
            before = text[pos - 1] if pos else " "
            if before.isspace() or before in '([—–"“«„':
                stack.append(ch)
        elif ch == "’":
            after = text[pos + 1] if pos + 1 < len(text) else " "
            if top == "‘" and not after.isalnum():
                stack.pop()
                closes = True
        if len(stack) == 1 and not closes and stack[0] == ch:
            outer_open = pos
        elif closes and not stack:
            spans.append(QuoteSpan(outer_open, pos))
    if stack and stack[0] in ('"', "“", "«", "„", "‹"):
        spans.append(QuoteSpan(outer_open, len(text)))
    return tuple(spans)


def _opens_reversed(text: str, pos: int) -> bool:
    """A "»" or "›" that opens (German »…«): a word follows it and none stands before."""
    before, after = _around(text, pos)
    return (after.isalnum() or after in '„“"') and not before.isalnum()


def tokenize(
    text: str, quotes: tuple[QuoteSpan, ...] = (), abbreviations: frozenset[str] = frozenset()
) -> tuple[Token, ...]:
    """Split ``text`` into tokens, marking those that start a sentence or a quotation.

    A period after an initial ("W. Mark Felt") or after one of ``abbreviations``
    (lowercase titles such as "mr", "gen") ends no sentence.
    """
    pattern = _CJK_TOKEN_RE if _HAS_CJK.search(text) else _TOKEN_RE
    matches = list(pattern.finditer(text))
    if not matches:
        return ()
    # Built column by column with comprehensions and C-level map/zip: tokenizing is the
    # hottest loop of fact extraction and a per-token Python loop costs twice as much.
    texts = [m.group() for m in matches]
    starts = [m.start() for m in matches]
    ends = [m.end() for m in matches]
    initial = [True, *[prev in _INITIAL_AFTER for prev in texts[:-1]]]
    last = len(texts) - 1
    if quotes:
        openings = {q.open for q in quotes}
        for j in [j for j, t in enumerate(texts) if t == '"' and j < last]:
            if starts[j] in openings:
                initial[j + 1] = True
    if last > 0 and texts[0] in ("—", "–"):
        initial[1] = True
    # a period after an initial or a title abbreviation ends no sentence ("W. Mark Felt")
    for j in [j for j, t in enumerate(texts) if t == "." and 0 < j < last]:
        before = texts[j - 1]
        if ends[j - 1] == starts[j] and (
            (len(before) == 1 and before.isupper()) or before.lower() in abbreviations
        ):
            initial[j + 1] = False
    firsts = [t[0] for t in texts]
    columns = zip(
        texts,
        starts,
        ends,
        initial,
        [t.lower() for t in texts],
        [c.isalpha() for c in firsts],
        [c.isupper() for c in firsts],
        strict=True,
    )
    return tuple(map(functools.partial(tuple.__new__, Token), columns))
