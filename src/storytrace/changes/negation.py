"""Polarity of a quotation, for comparing it with its translation.

Translators trade a syntactic negation for a lexical or morphological one and back:
"no snow" / "отсутствия снега", "misunderstood" / "не понимали", "with no alcohol" /
"без алкоголя". So a quotation is read as having a syntactic negation ("not", "n't",
"не", "nicht", "ne ... pas" before the verb), only a negation of another kind (a negated
noun or existence: "no", "нет", "kein"; a lexical or fused one: "absence", "without",
"без", "un-", "не-" in "непонятно"), or none (``lexicons/<lang>/negation.json``). Across
languages a quotation is reversed only when one side negates a verb and the other has
no negation of any kind: "misunderstood" / "не понимали" and "the craziest of the crazy"
/ "ей нет равных" are the translator's idiom. Counting negations instead (one side
fewer) was tried and dropped: negative concord ("Ничего я там не видел" / "I saw
nothing"), contrast ("пули, а не бюллетени") and comparatives ("менее красивой" / "not
as beautiful") raised 3 false reversals on 158 unedited WMT22 quotation pairs.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from .. import _lexicons

_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]*)*(?:-[^\W\d_]+)*")
_CLAUSE_MARK = re.compile(r"\s*[,;:—–]\s+|\s+-\s+")
_EDGE = "\"'“”«»„()[]…."


@dataclass(frozen=True, slots=True)
class _Negation:
    """One language's negation lexicon, read once."""

    syntactic: frozenset[str]
    suffixes: tuple[str, ...]
    prefixes_syntactic: tuple[str, ...]
    particles: frozenset[str]
    lexical: frozenset[str]
    """Determiners ("no", "нет", "kein") and lexical negations ("without", "без")."""
    stems: tuple[str, ...]
    prefixes: tuple[str, ...]
    min_rest: int
    not_prefixed: tuple[str, ...]
    clause_words: frozenset[str]


@functools.cache
def _lexicon(lang: str) -> _Negation | None:
    data = _lexicons.read(lang, "negation")
    if not data:
        return None

    def strings(key: str) -> tuple[str, ...]:
        return tuple(str(w).casefold() for w in data.get(key, []))

    return _Negation(
        syntactic=frozenset(strings("syntactic")),
        # apostrophes as ``negations`` writes them in the words
        suffixes=tuple(x.replace("’", "'") for x in strings("syntactic_suffixes")),
        prefixes_syntactic=tuple(x.replace("’", "'") for x in strings("syntactic_prefixes")),
        particles=frozenset(strings("particles")),
        lexical=frozenset(strings("lexical") + strings("determiners")),
        stems=strings("lexical_stems"),
        prefixes=strings("prefixes"),
        min_rest=int(data.get("prefix_min_rest", 3)),
        not_prefixed=strings("not_prefixed"),
        clause_words=frozenset(strings("clause_words")),
    )


def has_lexicon(lang: str) -> bool:
    """Whether ``lang`` ships a negation lexicon (without one, polarity is unknown)."""
    return _lexicon(lang.split("-")[0]) is not None


def negations(text: str, lang: str) -> tuple[int, int] | None:
    """How many syntactic negations of a verb ``text`` holds, and how many of another
    kind (a negated noun, a lexical or fused negation); None when the language has no
    negation lexicon. A particle ("pas") counts as a verb negation only where no
    negator ("ne") does, so "ne ... pas" is one."""
    lex = _lexicon(lang.split("-")[0])
    if lex is None:
        return None
    syntactic = particles = other = 0
    for word in _WORD.findall(text.casefold()):
        word = word.replace("’", "'")
        if _syntactic(word, lex):
            syntactic += 1
        elif word in lex.particles:
            particles += 1
        elif _lexical(word, lex):
            other += 1
    return (syntactic or particles), other


def _syntactic(word: str, lex: _Negation) -> bool:
    if word in lex.syntactic:
        return True
    return word.endswith(lex.suffixes) or word.startswith(lex.prefixes_syntactic)


def _lexical(word: str, lex: _Negation) -> bool:
    if word in lex.lexical or word.startswith(lex.stems):
        return True
    for prefix in lex.prefixes:
        if (
            word.startswith(prefix)
            and len(word) - len(prefix) >= lex.min_rest
            and not word.startswith(lex.not_prefixed)
        ):
            return True
    return False


def clauses(text: str, lang: str) -> list[str]:
    """``text`` cut before each clause word of the language's lexicon ("and", "that",
    "что") and at commas, semicolons, colons and dashes."""
    lex = _lexicon(lang.split("-")[0])
    opens = lex.clause_words if lex is not None else frozenset()
    out: list[str] = []
    for piece in _CLAUSE_MARK.split(text):
        current: list[str] = []
        for word in piece.split():
            if current and word.casefold().strip(_EDGE) in opens:
                out.append(" ".join(current))
                current = []
            current.append(word)
        if current:
            out.append(" ".join(current))
    return out


def reversed_polarity(text_a: str, lang_a: str, text_b: str, lang_b: str) -> bool:
    """One side negates a verb and the other has no negation of any kind, in the whole
    quotation or, when both split into as many clauses, in a clause and its counterpart
    (see the module doc); False when either language has no lexicon."""
    if _reversed(text_a, lang_a, text_b, lang_b):
        return True
    parts_a, parts_b = clauses(text_a, lang_a), clauses(text_b, lang_b)
    if len(parts_a) < 2 or len(parts_a) != len(parts_b):
        return False
    return any(_reversed(x, lang_a, y, lang_b) for x, y in zip(parts_a, parts_b, strict=True))


def _reversed(text_a: str, lang_a: str, text_b: str, lang_b: str) -> bool:
    na, nb = negations(text_a, lang_a), negations(text_b, lang_b)
    if na is None or nb is None:
        return False
    for (verb, _), (verb_there, other_there) in ((na, nb), (nb, na)):
        if verb and not verb_there and not other_there:
            return True
    return False
