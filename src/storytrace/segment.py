"""Split a cleaned body into paragraphs and sentences with character offsets.

Contract:
    - Paragraphs are the runs of text between line breaks (``\\n``, ``\\r``, U+2028,
      U+2029), stripped of surrounding whitespace; blank runs are no paragraph. A body
      made by ``storytrace.clean`` separates paragraphs with one blank line and has no
      line break inside a paragraph, so for it "line" and "paragraph" coincide; for raw
      text, treating every line as a paragraph is the safe reading (a headline never
      merges into the first sentence).
    - ``body[s.start:s.end] == s.text`` for every sentence; the text is stripped, never
      empty; sentences are in order, do not overlap and never cross a paragraph.
    - A quotation that runs over several sentences stays in ONE sentence together with
      its attribution (``"A. B," the official said.``): a quote is one statement to
      compare, and splitting it would pair half-quotes across versions. This is done only
      when every double quotation mark of the paragraph (straight, curly, «ёлочки»,
      „lapki“) pairs up; one stray mark and the paragraph is split as if it had no
      quotes, so an unbalanced quote never swallows a paragraph.
    - Sentences inside balanced parentheses also stay with their sentence, for the same
      reason (an aside belongs to what it qualifies), up to 500 characters.

Our own regex rules over per-language lexicons (``lexicons/<lang>/segment_*.json``), not
pysbd or blingfire: as accurate on English and Russian news, as fast, and every decision
visible. Measurements and the boundary rules: ``docs/reading.md``.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from . import _lexicons
from ._scripts import CJK_LETTERS
from ._spans import strip_span
from .model import Paragraph, Sentence

_LEXICON = "segment_abbreviations"
_STARTERS = "segment_starters"

_PARAGRAPH = re.compile(r"[^\n\r\u2028\u2029]+")
_CANDIDATE = re.compile(r"(?<![.!?…])([.!?…]++)[\"'”’»)\]]*+(\s+)")
"""A run of terminal punctuation, whole (the lookbehind and the possessive ``++`` make
the scan linear: a long run not followed by a space is tried once, not once per mark)."""
_FULL_STOP = re.compile(r"([。！？]++)([」』”’»）)\]]*+)(\s*)")
"""A full-width sentence end (Chinese, Japanese): a boundary even with no space after it,
as those scripts put none; with a closing mark glued to what follows, the quotation may go
on into its attribution ("。」と述べた。", "。”她说。"; see ``_attribution_follows``)."""
_QUOTE_ENDS = re.compile(rf"()([」』”])()(?=[{CJK_LETTERS}])")
"""A quotation closed without a full stop and followed by CJK text: the end of a sentence
that is the quotation alone ("「…進展もない」ベーアボック氏は…"), unless its attribution
follows."""
_PARTICLE_AFTER_QUOTE = frozenset("とっのをがはもにでや、，")
"""Japanese particles (and commas) that tie a quotation to the words after it."""
_SENTENCE_STOP = re.compile(r"[。！？]")
_ATTRIBUTION_MAX = 10
"""Letters between a closing mark and the next full stop that can be only an attribution
("”她说。", "」と首相は述べた。"); a longer run is a sentence of its own."""
_OPENERS = "「『“"
_TOKEN_BEFORE = re.compile(r"\w[\w.\-’']*\Z")
_NEXT_WORD = re.compile(r"[\"'“‘«„(\[\-–—*•]*\s*(\w[\w.\-’']*)")
_NUMBER = re.compile(r"\d[\d.,]*\Z")
_NUMBER_BEFORE = re.compile(r"(?<![\w.,])\d[\d.,]*\s+\Z")
_DOTTED = re.compile(r"(?:\w{1,3}\.)+\w{1,3}\Z")
_SPACED_DECIMAL = re.compile(r"\d{1,3}(?![\d]|[.,]\d)")
_QUOTE_MARKS = re.compile(r"[\"“”«»„「」『』]")
_BRACKETS = re.compile(r"[()\[\]]")

_MAX_PARENTHESIS = 500
"""A bracket pair longer than this is more likely a stray ``(`` than an aside."""

_TOKEN_WINDOW = 40


@dataclass(frozen=True, slots=True)
class _Lexicon:
    """The abbreviation classes and sentence starters for one set of languages."""

    never_final: frozenset[str]
    maybe_final: frozenset[str]
    before_number: frozenset[str]
    after_number: frozenset[str]
    continuations: frozenset[str]
    starters: frozenset[str]
    months: frozenset[str] = frozenset()
    """Month names: "15. März", "15. marca" (a day with an ordinal period) go on."""


def _lexicon(lang: str | None) -> _Lexicon:
    return _load_lexicon(
        _lexicons.languages_for(lang, _LEXICON), _lexicons.languages_for(lang, "dates")
    )


@functools.cache
def _load_lexicon(langs: tuple[str, ...], date_langs: tuple[str, ...] = ()) -> _Lexicon:
    """The merged lists of ``langs``, built once per language set."""

    def words(name: str, key: str) -> frozenset[str]:
        return frozenset(_lexicons.merged(langs, name, key))

    return _Lexicon(
        never_final=words(_LEXICON, "never_final"),
        maybe_final=words(_LEXICON, "maybe_final"),
        before_number=words(_LEXICON, "before_number"),
        after_number=words(_LEXICON, "after_number"),
        continuations=words(_LEXICON, "continuations"),
        starters=words(_STARTERS, "starters"),
        months=frozenset(
            m.lower()
            for code in date_langs
            for m in _lexicons.read(code, "dates").get("months", {})
        ),
    )


def segment(
    body: str, *, lang: str | None = None
) -> tuple[tuple[Paragraph, ...], tuple[Sentence, ...]]:
    """Return the paragraphs and sentences of ``body`` (sentences have empty facts).

    Args:
        body: the cleaned text (``Cleaned.body``); any string works.
        lang: ISO 639-1 code choosing the abbreviation lexicon; unknown or None uses
            every shipped lexicon.

    Returns:
        ``(paragraphs, sentences)`` with offsets into ``body``.

    Examples:
        >>> paras, sents = segment('Mr. Smith met U.S. officials. "Go. Now," he said.')
        >>> [s.text for s in sents]
        ['Mr. Smith met U.S. officials.', '"Go. Now," he said.']
    """
    lex = _lexicon(lang)
    paragraphs: list[Paragraph] = []
    sentences: list[Sentence] = []
    for run in _PARAGRAPH.finditer(body):
        start, end = strip_span(body, run.start(), run.end())
        if start == end:
            continue
        p = len(paragraphs)
        paragraphs.append(Paragraph(i=p, start=start, end=end))
        for s_start, s_end in _split(body[start:end], lex):
            sentences.append(
                Sentence(
                    i=len(sentences),
                    text=body[start + s_start : start + s_end],
                    start=start + s_start,
                    end=start + s_end,
                    paragraph=p,
                )
            )
    return tuple(paragraphs), tuple(sentences)


def _split(para: str, lex: _Lexicon) -> list[tuple[int, int]]:
    """Sentence spans of one stripped paragraph, as offsets into it."""
    marks: _Marks | None = None
    spans: list[tuple[int, int]] = []
    sent_start = 0
    k = 0  # the first protected span that may still contain a boundary
    for m in _candidates(para):
        marks = marks or _Marks.of(para)
        if m.re is _FULL_STOP:
            end, nxt = m.end(2), m.end()
            if nxt == len(para) or (
                m.group(2) and not m.group(3) and _attribution_follows(para, nxt)
            ):
                continue
        elif m.re is _QUOTE_ENDS:
            end = nxt = m.end()
            if end <= sent_start or para[sent_start] not in _OPENERS:
                continue
            if _attribution_follows(para, nxt):
                continue
        else:
            end, nxt = m.start(2), m.end()
            if nxt < len(para) and marks.is_spaced_closer(para, nxt):
                end = nxt + 1
                nxt = strip_span(para, end, len(para))[0]
                if nxt == end:  # a closing quote glued to the next word: not a boundary here
                    continue
            if not _is_boundary(para, m.start(1), m.group(1), sent_start, nxt, lex):
                continue
        while k < len(marks.protected) and marks.protected[k][1] <= end:
            k += 1
        if k < len(marks.protected) and marks.protected[k][0] < end:
            continue  # inside a quotation or parenthesis
        spans.append((sent_start, end))
        sent_start = nxt
    spans.append((sent_start, len(para)))
    return spans


def _candidates(para: str) -> list[re.Match[str]]:
    """The candidate sentence ends of a paragraph in order: Latin punctuation followed by
    a space, and full-width ends (only looked for where the paragraph has one)."""
    found = list(_CANDIDATE.finditer(para))
    if _FULL_STOP.search(para) is None and _QUOTE_ENDS.search(para) is None:
        return found
    found += [*_FULL_STOP.finditer(para), *_QUOTE_ENDS.finditer(para)]
    return sorted(found, key=lambda m: m.start())


def _attribution_follows(para: str, at: int) -> bool:
    """Whether the words after a quotation's closing mark at ``at`` attribute it: a
    Japanese particle, or a short run up to the next full stop ("”她说。")."""
    if para[at] in _PARTICLE_AFTER_QUOTE:
        return True
    stop = _SENTENCE_STOP.search(para, at)
    return (stop.start() if stop else len(para)) - at <= _ATTRIBUTION_MAX


def _is_boundary(
    para: str, punct_start: int, punct: str, sent_start: int, nxt: int, lex: _Lexicon
) -> bool:
    """Whether the punctuation at ``punct_start`` ends the sentence begun at ``sent_start``."""
    word_match = _NEXT_WORD.match(para, nxt)
    word = word_match.group(1) if word_match else ""
    if word[:1].islower():
        return False
    if punct != ".":
        return True
    tok_match = _TOKEN_BEFORE.search(
        para, max(sent_start, punct_start - _TOKEN_WINDOW), punct_start
    )
    if tok_match is None:
        return True
    token = tok_match.group()
    if tok_match.start() > 0 and para[tok_match.start() - 1].isalnum():
        return True  # the window cut a long word
    tok_start = tok_match.start()
    after_number = _NUMBER_BEFORE.search(
        para, max(sent_start, tok_start - _TOKEN_WINDOW), tok_start
    )
    return _ends_after_token(
        token,
        first=tok_start == sent_start,
        after_number=after_number is not None,
        # Only "more than three" matters, so a bounded window keeps this O(1).
        words_before=para.count(" ", max(sent_start, tok_start - _TOKEN_WINDOW), tok_start),
        word=word,
        lex=lex,
    )


def _ends_after_token(
    token: str, *, first: bool, after_number: bool, words_before: int, word: str, lex: _Lexicon
) -> bool:
    """Whether ``token.`` followed by ``word`` ends a sentence."""
    next_is_number = word[:1].isdigit()
    bare = word.rstrip(".’'")
    is_number = _NUMBER.match(token) is not None
    if is_number:
        # "1." list numbers and "5. 9" (decimals spaced out by a tokenizer, as in ECB+)
        # are not ends; "on December 12. 96.5% voted" is.
        if first and len(token) <= 3:
            return False
        if len(token) <= 2 and bare.lower() in lex.months:
            return False
        return _SPACED_DECIMAL.match(word) is None
    if token in lex.before_number and next_is_number:
        return False
    if token in lex.never_final:
        return False
    if token in lex.after_number:
        # "в г. Москве" never ends; "в 2021 г. В Москве" does; "В 2021 г. Путин
        # заявил" opens a sentence with a date, so a capital alone is not enough.
        return after_number and (
            bare in lex.starters
            or (
                words_before > 3
                and word[:1].isupper()
                and not bare.isupper()
                and bare not in lex.continuations
            )
        )
    next_is_initial = len(word) == 2 and word[1] == "." and word[0].isupper()
    if token in lex.maybe_final or _DOTTED.match(token) or (len(token) == 1 and token.isalpha()):
        if first and len(token) == 1:
            return False
        return bare in lex.starters and not next_is_initial
    return True


@dataclass(frozen=True, slots=True)
class _Marks:
    """The quotation marks and brackets of one paragraph, found once it has a candidate.

    Attributes:
        protected: spans no sentence boundary may fall inside, sorted and disjoint:
            balanced quotations (only when every quotation mark of the paragraph pairs
            up) and balanced brackets of at most ``_MAX_PARENTHESIS`` characters (stray
            ones are ignored, since "1)" list markers are common).
        closers: indexes of the closing marks of balanced quotations.
        balanced: whether the paragraph's quotation marks pair up.
    """

    protected: tuple[tuple[int, int], ...]
    closers: frozenset[int]
    balanced: bool

    @classmethod
    def of(cls, para: str) -> _Marks:
        quoted = _quotations(para) if _QUOTE_MARKS.search(para) else []
        brackets = _parentheses(para) if _BRACKETS.search(para) else []
        return cls(
            protected=_union((quoted or []) + brackets),
            closers=frozenset(e - 1 for _, e in quoted or ()),
            balanced=quoted is not None,
        )

    def is_spaced_closer(self, para: str, at: int) -> bool:
        """Whether the mark at ``at``, after ``. `` and a space, closes a quotation.

        Tokenised text (ECB+) spaces out closing quotes: ``partner . ” Of course``.
        ``”`` and ``»`` always close; a straight ``"`` closes when pairing says so, or,
        in an unbalanced paragraph, when a space follows it (an opening mark hugs its
        first word).
        """
        mark = para[at]
        if mark in "”»":
            return True
        if mark != '"':
            return False
        if self.balanced:
            return at in self.closers
        return at + 1 == len(para) or para[at + 1].isspace()


def _union(spans: list[tuple[int, int]]) -> tuple[tuple[int, int], ...]:
    """Overlapping open intervals merged, sorted (spans that only touch stay apart)."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return tuple(merged)


_OPENS_FOR = {"»": "«", "”": "“„", "“": "„", "」": "「", "』": "『"}


def _quotations(para: str) -> list[tuple[int, int]] | None:
    """Every quotation of the paragraph as ``(open, close + 1)``; None when unbalanced.

    ``"`` closes the innermost open ``"``, or opens; ``“`` closes a German/Russian ``„``
    or opens an English quotation; ``”`` and ``»`` must close something.
    """
    stack: list[tuple[str, int]] = []
    spans: list[tuple[int, int]] = []
    for m in _QUOTE_MARKS.finditer(para):
        mark, at = m.group(), m.start()
        top = stack[-1][0] if stack else ""
        closes = top == '"' if mark == '"' else bool(top) and top in _OPENS_FOR.get(mark, "")
        if closes:
            spans.append((stack.pop()[1], at + 1))
        elif mark in "”»」』":
            return None
        else:
            stack.append((mark, at))
    return None if stack else spans


def _parentheses(para: str) -> list[tuple[int, int]]:
    """Matched ``()`` and ``[]`` pairs of at most ``_MAX_PARENTHESIS`` characters."""
    stack: list[tuple[str, int]] = []
    spans: list[tuple[int, int]] = []
    for m in _BRACKETS.finditer(para):
        mark, at = m.group(), m.start()
        if mark in "([":
            stack.append((mark, at))
            continue
        want = "(" if mark == ")" else "["
        if stack and stack[-1][0] == want:
            opened = stack.pop()[1]
            if at + 1 - opened <= _MAX_PARENTHESIS:
                spans.append((opened, at + 1))
    return spans
