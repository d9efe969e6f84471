"""Words as the comparison stages see them: tokens, function words, stems.

Shared by ``similarity`` (surface features of the sentence decision) and ``changes``
(whether two quotations say the same thing), so both read a text the same way.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from typing import Any

_WORD = re.compile(r"\w+", re.UNICODE)
_WORD_JOINERS = re.compile(r"(?<=\w)[-'’‐](?=\w)")
"""Hyphens and apostrophes inside a word: "multi-party" = "multiparty", "isn't" = "isnt"."""

NEGATIONS = frozenset({"not", "no", "never", "nothing", "none", "nor", "cannot", "nt"})
MODALS = frozenset({"may", "might", "could", "would", "should", "must"})
"""Modals that change how certain or binding a statement is ("will"/"can" barely do)."""

_STEMMER_NAMES = {
    "en": "english",
    "ru": "russian",
    "uk": "russian",
    "de": "german",
    "fr": "french",
    "es": "spanish",
    "it": "italian",
    "pt": "portuguese",
}
"""Snowball stemmers by language; any other language is stemmed as English (numbers,
names and Latin-script loan words are what it can still match)."""


def words(text: str) -> list[str]:
    """Casefolded word tokens (a fresh list: callers may change it)."""
    return list(_words(text))


@functools.lru_cache(maxsize=65_536)
def _words(text: str) -> tuple[str, ...]:
    """Memoised: ``find`` compares one query's sentences with many candidates."""
    return tuple(_WORD.findall(text.casefold()))


@functools.cache
def stopwords() -> frozenset[str]:
    """Function words of every shipped language (the facts lexicons' stopword lists)."""
    from . import _lexicons
    from .facts.lexicon import load

    found: set[str] = set()
    for lang in _lexicons.available("numbers"):
        found.update(w.casefold() for w in load(lang).function_words)
    return frozenset(found)


@functools.cache
def _stemmer(lang: str) -> Any:
    import snowballstemmer

    return snowballstemmer.stemmer(_STEMMER_NAMES.get(lang, "english"))


@functools.lru_cache(maxsize=65_536)
def substance(text: str, lang: str = "en") -> frozenset[str]:
    """The stemmed words that carry a statement's substance.

    Content words (function words dropped), plus modals, negations and numbers, which
    are function words but change what a statement says ("could be" vs "is"). Stemmed
    with Snowball, so tense and number do not count ("declaring" = "declared").
    """
    stop = stopwords()
    kept = [
        word
        for word in words(_WORD_JOINERS.sub("", text))
        if word in NEGATIONS
        or word in MODALS
        or word.isdigit()
        or (word not in stop and len(word) > 1)
    ]
    code = lang.split("-")[0]
    return frozenset(_stem(code, word) for word in kept)


def stem(word: str, lang: str = "en") -> str:
    """One casefolded word's Snowball stem ("declaring" -> "declar")."""
    return _stem(lang.split("-")[0], word)


@functools.lru_cache(maxsize=262_144)
def _stem(lang: str, word: str) -> str:
    """One word's stem, memoised: Snowball in pure Python costs ~0.2 ms a word, and news
    vocabulary repeats (Zipf), so nearly every call after the first few articles is a
    dictionary hit."""
    return str(_stemmer(lang).stemWord(word))


@functools.lru_cache(maxsize=65_536)
def capitalised(text: str) -> frozenset[str]:
    """Capitalised words (an upper-case letter, then lower-case ones): names, mostly.

    Sentence-initial words are kept on purpose: the same first word on both sides is
    weak evidence either way, and telling them apart costs a parse.
    """
    return frozenset(
        w.casefold()
        for w in _WORD.findall(text)
        if len(w) > 1 and w[0].isupper() and w[1:].islower()
    )


def holds_run(long: Sequence[str], short: Sequence[str]) -> bool:
    """``short`` is a run of consecutive words inside the longer ``long``."""
    if len(short) >= len(long):
        return False
    return any(
        list(long[k : k + len(short)]) == list(short) for k in range(len(long) - len(short) + 1)
    )
