"""Name identity: alias-folded keys and same-entity rules.

``fold_key`` reduces a mention to the key two versions share whatever their spelling
("Zelenskyy's", "Zelensky" and "Zelenskiy" -> "zelensky", "U.S." -> "united states"):
the lexicon's aliases, then conservative transliteration folding of words the lexicon
does not know. ``same_entity`` decides whether two mentions name one entity.
"""

from __future__ import annotations

import functools
import re

from rapidfuzz.distance import Indel

from ..model import Name
from ..wording import holds_run
from .lexicon import Lexicon, basic_fold

_POSSESSIVE = re.compile(r"['’][sS]$")
_TRANSLIT_ENDINGS = (
    (re.compile(r"(?:skyy|skyi|skiy|skii|ski|skogo|skoho|skomu|skim|skym)$"), "sky"),
    (re.compile(r"(?:yy|iy|ii|yi|ij)$"), "y"),
)


_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_TO_LATIN = {
    **dict(zip("абвгдезийклмнопрстуфцъыьэ", "abvgdeziyklmnoprstufc'y'e", strict=True)),
    "ж": "zh", "х": "kh", "ч": "ch", "ш": "sh", "щ": "shch", "ю": "yu", "я": "ya",
    "ё": "e", "є": "ye", "і": "i", "ї": "i", "ґ": "g", "ў": "u", "ј": "j", "љ": "lj",
    "њ": "nj", "ћ": "c", "ђ": "dj", "џ": "dz", "ѓ": "g", "ќ": "k", "ѕ": "dz",
}  # fmt: skip
"""Cyrillic to Latin as news agencies write names (Ukrainian "г" and "и" in ``_LATIN_UK``)."""
_LATIN_UK = {"г": "h", "и": "y"}


def to_latin(text: str, lang: str) -> str:
    """Romanise Cyrillic letters ("Зеленський" -> "zelenskyi", "Київ" -> "kyiv"); soft
    and hard signs and apostrophes vanish, other scripts are left alone."""
    table = {**_TO_LATIN, **_LATIN_UK} if lang in ("uk", "be") else _TO_LATIN
    out = "".join(table.get(ch, ch) for ch in text.lower())
    return out.replace("'", "").replace("ʼ", "").replace("’", "")


def strip_possessive(text: str) -> str:
    return _POSSESSIVE.sub("", text)


def _translit(word: str) -> str:
    """Fold transliteration variants of one non-lexicon word (conservative on purpose)."""
    if len(word) < 4 or not word.isalpha():
        return word
    word = word.replace("kh", "h")
    for pattern, repl in _TRANSLIT_ENDINGS:
        new = pattern.sub(repl, word)
        if new != word:
            return new
    return word


@functools.lru_cache(maxsize=16384)
def _fold_key_cached(text: str, lang: str) -> str:
    from .lexicon import load

    lex = load(lang)
    base = basic_fold(strip_possessive(text))
    if base in lex.aliases:
        return lex.aliases[base]
    if _CYRILLIC.search(base):  # the key every script shares: romanised, English aliases
        latin = to_latin(base, lang)
        english = load("en").aliases
        if latin in english:
            return english[latin]
        if lex.known_kinds.get(base) in ("place", "organization"):
            return latin
        folded = " ".join(_translit(w) for w in latin.split())
        return english.get(folded, folded)
    if lex.known_kinds.get(base) in ("place", "organization"):
        return base
    fixed = ("place", "organization")
    words = [w if lex.known_kinds.get(w) in fixed else _translit(w) for w in base.split()]
    folded = " ".join(words)
    return lex.aliases.get(folded, folded)


def fold_key(text: str, lex: Lexicon) -> str:
    """The alias-folded key of a name ("Zelenskyy's" -> "zelensky", "U.S." -> "united states")."""
    return _fold_key_cached(text, lex.lang)


def same_entity(a: Name, b: Name) -> bool:
    """True when two name mentions refer to the same entity, as far as cheap rules can tell.

    Equal keys always match, and so does one name spelt two ways ("Zelenskiy" /
    "Zelenskyy", "Grigoropoulos" / "Grigoropulos": keys of 5 characters or more at
    Indel similarity 0.85). A person and a place or organisation never match otherwise
    ("Washington" the city is not "George Washington"). Two places or organisations match
    when one key holds the other ("Wall Street Journal" ~ "The Wall Street Journal
    Europe"). Two people match when their surnames agree and one is a surname alone
    ("Zelensky" ~ "Volodymyr Zelenskyy") or their first names agree or one is an initial
    ("V. Zelensky"); "Oleksandr Zelensky" is someone else.
    """
    if a.key == b.key:
        return True
    if len(a.key) >= 5 and len(b.key) >= 5 and Indel.normalized_similarity(a.key, b.key) >= 0.85:
        return True
    wa, wb = a.key.split(), b.key.split()
    if not wa or not wb:
        return False
    fixed = ("place", "organization")
    if "person" not in (a.kind, b.kind):
        return holds_run(wa, wb) or holds_run(wb, wa)
    if a.kind in fixed or b.kind in fixed or wa[-1] != wb[-1]:
        return False
    if len(wa) == 1 or len(wb) == 1:
        return True
    return wa[0][0] == wb[0][0] and (len(wa[0]) == 1 or len(wb[0]) == 1 or wa[0] == wb[0])
