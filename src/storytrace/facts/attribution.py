"""Attributions: who a statement is attributed to, and whether that source is named.

Patterns (verbs and prefixes come from the lexicon):

- "X said/told/claimed (that) ..."  the subject before the verb, skipping adverbs and
  auxiliaries ("Axios also reported", "has said") and a parenthetical ("Axios, citing an
  unnamed official, declares that" -> "Axios");
- "..., said X." / '"...," said X'  inverted: the phrase after the verb, when nothing
  before the verb can be its subject (a comma, a quote mark, or a prepositional phrase as
  in "Earlier about Witkoff's visit to Berlin said an interviewer for The Wall Street
  Journal");
- "according to X", "citing X"  the phrase after the prefix.

The source is returned trimmed, determiners kept ("an unnamed senior U.S. official").
Verbs inside quotations are the speaker's words, not the article's attributions, and are
skipped; so are passives ("is said to" is a hedge), infinitives and negations ("declined
to say", "would not say"), and noun uses ("denied reports that").

Anonymous: a source is anonymous when it says so ("unnamed", "anonymous") or when its
head is a generic source noun ("official", "source", "person familiar", "interlocutors")
and it names no person: "a White House official" and "one of Axios' interlocutors" are
anonymous, "Axios", "Zelenskyy", "the media outlet" and a role held by one person ("the
Ukrainian president") are not: such a source can be identified from the text.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from ..model import Attribution, Name
from .lexicon import Lexicon
from .tokens import QuoteSpan, Token

_PREPOSITIONS = frozenset(
    [
        "to",
        "in",
        "on",
        "at",
        "about",
        "from",
        "with",
        "without",
        "by",
        "during",
        "after",
        "before",
        "over",
        "under",
        "into",
        "onto",
        "through",
        "upon",
        "against",
        "between",
        "among",
        "amid",
        "towards",
        "toward",
        "via",
        "per",
        "like",
    ]
)
_BLOCKERS = frozenset(
    [
        "to",
        "not",
        "n't",
        "never",
        "would",
        "could",
        "will",
        "may",
        "might",
        "should",
        "must",
        "can",
        "cannot",
        "did",
        "does",
        "do",
        "shall",
        "'ll",
    ]
)
_DETERMINERS = frozenset(
    [
        "a",
        "an",
        "the",
        "another",
        "one",
        "two",
        "three",
        "four",
        "five",
        "several",
        "some",
        "many",
        "his",
        "her",
        "their",
        "its",
        "our",
        "this",
        "that",
        "these",
        "those",
        "each",
        "every",
        "other",
        "both",
    ]
)
_APOSTROPHES = ("'", "’")
_TIME_PREPOSITIONS = frozenset(["on", "in", "last", "this", "next", "early", "late", "since"])


@dataclass(frozen=True, slots=True)
class Found:
    """An attribution with the token positions the quote linker needs."""

    attribution: Attribution
    verb_start: int
    verb_end: int


@functools.cache
def _indexes(
    lang: str,
) -> tuple[dict[str, list[tuple[str, ...]]], dict[str, list[tuple[str, ...]]]]:
    """Verb and prefix phrases indexed by their first word, built once per language."""
    from .lexicon import load

    lex = load(lang)
    return _multiword(lex.verbs), _multiword(lex.prefixes)


def _multiword(keys: dict[str, str]) -> dict[str, list[tuple[str, ...]]]:
    index: dict[str, list[tuple[str, ...]]] = {}
    for key in keys:
        words = tuple(key.split())
        index.setdefault(words[0], []).append(words)
    for forms in index.values():
        forms.sort(key=len, reverse=True)
    return index


class _Finder:
    def __init__(
        self,
        text: str,
        tokens: tuple[Token, ...],
        lex: Lexicon,
        quotes: tuple[QuoteSpan, ...],
        names: list[Name],
    ) -> None:
        self.text = text
        self.toks = tokens
        self.lex = lex
        self.quotes = quotes
        self.names = names
        self.verb_index, self.prefix_index = _indexes(lex.lang)
        self.titles = lex.titles
        self.abbreviations = lex.title_abbreviations

    def _match_at(self, i: int, index: dict[str, list[tuple[str, ...]]]) -> int:
        """Number of tokens of the longest lexicon phrase starting at token ``i`` (0: none)."""
        forms = index.get(self.toks[i].lower)
        if not forms:
            return 0
        for words in forms:
            if i + len(words) <= len(self.toks) and all(
                self.toks[i + k].lower == w for k, w in enumerate(words)
            ):
                return len(words)
        return 0

    def _in_quote(self, pos: int) -> bool:
        return any(q.contains(pos) for q in self.quotes)

    def find(self) -> list[Found]:
        out: list[Found] = []
        i = 0
        n = len(self.toks)
        while i < n:
            tok = self.toks[i]
            low = tok.lower
            if (low not in self.prefix_index and low not in self.verb_index) or self._in_quote(
                tok.start
            ):
                i += 1
                continue
            size = self._match_at(i, self.prefix_index)
            if size and (tok.text[:1].islower() or tok.initial):
                verb = " ".join(t.lower for t in self.toks[i : i + size])
                span = self._after(i + size, strict=False)
                if span is not None:
                    out.append(self._build(self.lex.prefixes[verb], span, i, i + size))
                i += size
                continue
            size = self._match_at(i, self.verb_index)
            if size and tok.text[:1].islower():
                found = self._verb(i, size)
                if found is not None:
                    out.append(found)
                i += size
                continue
            i += 1
        return out

    def _skip_adverbials(self, j: int) -> int:
        """Step back over adverbs and time phrases between a subject and its verb.

        "Axios also reported", "Judge James Bodiford on Saturday suggested", "the
        ministry said on Monday" (the last is the verb's own business, after it).
        """
        toks = self.toks
        lex = self.lex
        while j >= 0:
            low = toks[j].lower.rstrip(".")
            if low in lex.adverbs:
                j -= 1
            elif (low in lex.weekdays or low in lex.months) and j >= 1:
                k = j - 1
                while k >= 0 and (toks[k].text[:1].isdigit() or toks[k].text == ","):
                    k -= 1  # "on December 15, 2025"
                if k >= 0 and toks[k].lower in _TIME_PREPOSITIONS:
                    j = k - 1
                else:
                    break
            else:
                break
        return j

    def _verb(self, i: int, size: int) -> Found | None:
        words = " ".join(t.lower for t in self.toks[i : i + size])
        j = self._skip_adverbials(i - 1)
        prev = self.toks[j].lower if j >= 0 else ""
        if prev in self.lex.passive_markers or prev in _BLOCKERS or prev.endswith("n't"):
            return None
        if words in self.lex.noun_forms and (
            prev in self.lex.noun_triggers or prev in self.lex.verbs
        ):
            return None
        span = self._before(j)
        if span is None:
            span = self._after(i + size, strict=True)
        if span is None:
            return None
        return self._build(words, span, i, i + size)

    # --- source phrases --------------------------------------------------------------

    def _is_inner_period(self, j: int) -> bool:
        """The period of "Mr. Nichols" or "W. Mark Felt": inside a name, not its end."""
        toks = self.toks
        if toks[j].text != "." or j == 0 or j + 1 >= len(toks):
            return False
        before, after = toks[j - 1], toks[j + 1]
        short = (len(before.text) == 1 and before.is_cap) or before.lower in self.abbreviations
        return short and before.end == toks[j].start and after.is_cap

    def _is_np_word(self, tok: Token) -> bool:
        low = tok.lower
        if low in self.lex.np_inner:
            return True
        if low in self.lex.boundary or low in self.lex.verbs or low in self.lex.prefixes:
            return False
        return tok.is_word or tok.text[:1].isdigit()

    def _before(self, j: int) -> tuple[int, int] | None:
        """Token span of the subject ending at token ``j``, or None."""
        toks = self.toks
        if j >= 0 and toks[j].text == ",":
            # skip ", citing X," / ", according to X," between subject and verb
            k = j - 1
            while k >= 0 and toks[k].text != ",":
                k -= 1
            if k >= 0 and k + 1 < j and self._match_at(k + 1, self.prefix_index):
                j = k - 1
            else:
                return None
        end = j
        while j >= 0:
            tok = toks[j]
            if (tok.text in _APOSTROPHES and j > 0 and toks[j - 1].end == tok.start) or (
                self._is_inner_period(j)
            ):
                j -= 1
                continue
            if not self._is_np_word(tok):
                break
            j -= 1
            if end - j > 9:
                return None
        start = j + 1
        while start <= end and toks[start].lower in self.lex.np_inner:
            start += 1
        if start > end:
            return None
        if j >= 0 and toks[j].lower in _PREPOSITIONS:
            return None  # "... visit to Berlin said": Berlin is no subject
        if not any(t.is_word for t in toks[start : end + 1]):
            return None
        return (start, end)

    def _after(self, i: int, *, strict: bool) -> tuple[int, int] | None:
        """Token span of the source after a verb or prefix, or None."""
        toks = self.toks
        j = i
        n = len(toks)
        while j < n:
            tok = toks[j]
            if (tok.text in _APOSTROPHES and j > i and toks[j - 1].end == tok.start) or (
                j > i and self._is_inner_period(j)
            ):
                j += 1
                continue
            if not self._is_np_word(tok) or self._in_quote(tok.start):
                break
            j += 1
            if j - i > 10:
                return None
        end = j - 1
        if end < i:
            return None
        if strict:
            stop = toks[j].text if j < n else "."
            if stop not in (".", ",", ";", "!", "?", '"', "”", "»", ")", "—", "–", ":"):
                return None
            first = toks[i].lower
            if not (
                first in _DETERMINERS
                or toks[i].is_cap
                or first in self.lex.anonymous_heads
                or first in self.lex.anonymous_markers
                or first in self.titles
                or self._role_then_name(i, end)
            ):
                return None
        while end >= i and toks[end].lower in self.lex.np_inner:
            end -= 1
        if end < i:
            return None
        return (i, end)

    def _role_then_name(self, i: int, end: int) -> bool:
        """ "said police spokesman John Reid": lowercase role words, then a name."""
        for k in range(i, min(end + 1, i + 3)):
            tok = self.toks[k]
            if tok.lower in self.lex.anonymous_heads or tok.lower in self.titles:
                return k + 1 <= end and self.toks[k + 1].is_cap
        return False

    # --- result ----------------------------------------------------------------------

    def _build(self, verb: str, span: tuple[int, int], v0: int, v1: int) -> Found:
        toks = self.toks
        s_start, s_end = toks[span[0]].start, toks[span[1]].end
        source = self.text[s_start:s_end]
        start = min(s_start, toks[v0].start)
        end = max(s_end, toks[v1 - 1].end)
        anonymous = self._anonymous(span, s_start, s_end)
        return Found(
            Attribution(verb=verb, source=source, anonymous=anonymous, start=start, end=end),
            toks[v0].start,
            toks[v1 - 1].end,
        )

    def _anonymous(self, span: tuple[int, int], start: int, end: int) -> bool:
        words = [t.lower for t in self.toks[span[0] : span[1] + 1] if t.is_word]
        if any(w in self.lex.anonymous_markers for w in words):
            return True
        if len(words) == 1 and words[0] in self.lex.pronouns:
            return False
        if any(n.kind == "person" and start <= n.start and n.end <= end for n in self.names):
            return False
        return any(w in self.lex.anonymous_heads for w in words)


def find_attributions(
    text: str,
    tokens: tuple[Token, ...],
    lex: Lexicon,
    quotes: tuple[QuoteSpan, ...],
    names: list[Name],
) -> list[Found]:
    """The attributions in one sentence, in order of their verbs."""
    return _Finder(text, tokens, lex, quotes, names).find()
