"""Name changes across languages and scripts: a person on one side whose name has no
counterpart anywhere on the other side, where the other side instead names someone the
first does not.

Across scripts the name extractor's kinds are unsure (outside English a surname alone
is typed ``other``, and case forms of places are taken for people), so a counterpart is
looked for among every capitalised word of the other side, compared by sound
(``sound_keys``: "Макроном" = "Macron", "Каммінгс" = "Cummings", "Парижі" = "Paris") and
by the shared romanised key (aliases: "Київ" = "Kyiv" = "Kiev"). A name change needs
exactly one unmatched person on one side and exactly one unmatched name on the other
(a person, else a name of unknown kind that is not a known place or organisation):
anything less clear is no evidence.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence

from rapidfuzz.distance import Indel

from ..facts.lexicon import basic_fold, load
from ..facts.name_keys import same_entity, to_latin
from ..model import Change, Name, Sentence
from .common import NAME_CONTEXT
from .names import _DIGRAPHS, sound_keys

_CAPITALISED = re.compile(r"\b[^\W\d_][^\W_]*(?:['’ʼ-][^\W\d_]+)*", re.UNICODE)
_FIXED = ("place", "organization")
_ADJECTIVE = re.compile(
    r"(?<![иыоеёіїв]н)(?<![оеёі]в)(?:ая|яя|ую|юю|ое|ее|ые|ие|ых|их|ого|его|ому|ему|ыми|ими"
    r"|ої|ою|ій|ый|ий|ой|ым|им)$"
)
"""Endings of Slavic adjectives; after "-ин-", "-ов-" the ending of a surname ("Путиным")."""
_OBLIQUE_ADJECTIVE = re.compile(
    r"(?<![иыоеёіїв]н)(?<![оеёі]в)(?:ого|его|ому|ему|ых|их|ыми|ими|ую|юю|ая|яя|ое|ее|ые|ие)$"
)
"""Adjective endings no first name has (not "-ий", "-ой": "Юрий", "Ольгой")."""


def _word_name(word: str, start: int) -> Name:
    return Name(word, to_latin(word, "ru"), "other", start, start + len(word))


_CARONS = str.maketrans({"š": "sh", "č": "ch", "ž": "zh", "ś": "sh", "ć": "ch", "ź": "zh"})
"""Latin letters with diacritics as the Cyrillic spelling renders them ("Kubiš" / "Кубиш")."""


def _romanised(name: Name) -> tuple[str, ...]:
    """The name's words romanised; a name of several words also as one word, as another
    language may write it ("Phnom Penh" / "Пномпень")."""
    return _romanised_text(name.text)


@functools.lru_cache(maxsize=4096)
def _romanised_text(text: str) -> tuple[str, ...]:
    """``_romanised`` of a name's text, cached: each name is compared with every
    capitalised word of the other side."""
    out = []
    for word in to_latin(text.lower().translate(_CARONS), "ru").split():
        for old, new in _DIGRAPHS:
            word = word.replace(old, new)
        out.append(word)
    return (*out, "".join(out)) if len(out) > 1 else tuple(out)


@functools.lru_cache(maxsize=4096)
def _word_sounds(text: str) -> tuple[tuple[str, frozenset[str]], ...]:
    """Each romanised word of a name's text with its sound keys, cached."""
    return tuple((w, sound_keys(_word_name(w, 0))) for w in _romanised_text(text))


def _spelt_alike(x: Name, y: Name) -> bool:
    """Romanised words close in spelling: names with few consonants ("Yahya" / "Яхью")."""
    return any(
        Indel.normalized_similarity(p, q) >= 0.7
        for p in _romanised(x)
        for q in _romanised(y)
        if min(len(p), len(q)) >= 3
    )


_ONSETS = {
    "b": "b", "p": "p", "f": "f", "v": "f", "d": "d", "t": "t", "k": "k", "q": "k",
    "m": "m", "n": "n", "l": "l", "r": "r",
    "c": "ks", "g": "khj", "h": "kh", "s": "s", "z": "sj", "x": "ks", "j": "jh",
}  # fmt: skip
"""First consonants a name keeps across scripts, as sets of classes: English "c" is "к"
or "с", "g" is "г" (Ukrainian "h"), "ґ" or "дж", "h" is "х" or "г", "j" is "дж" or "х"."""


def _onsets_agree(p: str, q: str) -> bool:
    first_p, first_q = _ONSETS.get(p[:1]), _ONSETS.get(q[:1])
    if first_p is None or first_q is None:
        return True  # a vowel, "w" or "y" first: no evidence either way
    return bool(set(first_p) & set(first_q))


_CASE_M = "5"
"""Sound class of "m" (and "n"): the one consonant a Slavic case ending adds ("-ом")."""


def _case_m(p: str, q: str) -> bool:
    """One sound code is the other with the "m" of a case ending after it."""
    short, long = sorted((p, q), key=len)
    return long == short + _CASE_M


def _sounds_alike(x: Name, y: Name) -> bool:
    """One word of each starts with a consonant of the same class and shares its sound
    code, or the longer code extends the shorter by the "m" of a case ending
    ("Путиным" / "Putin"); a one-class code ("Лі", "N") only equals. "Johnson" /
    "Каммінгс" differ by onset, "Raisi" / "Роджерс" by the consonants after."""
    return any(
        _onsets_agree(wp, wq) and (p == q or (min(len(p), len(q)) >= 2 and _case_m(p, q)))
        for wp, keys_p in _word_sounds(x.text)
        for wq, keys_q in _word_sounds(y.text)
        for p in keys_p
        for q in keys_q
    )


def _matches(x: Name, y: Name) -> bool:
    """``x`` and ``y`` may name one entity across scripts (lenient on purpose: a match
    only means "no evidence of a change")."""
    if same_entity(x, y) or any(w in y.key.split() for w in x.key.split()):
        return True
    return _sounds_alike(x, y) or _spelt_alike(x, y)  # "München" = "Munich" too


def _capitalised_words(sentences: Sequence[Sentence]) -> list[Name]:
    """Every capitalised word of the run, as a name of unknown kind (counterpart search)."""
    out = []
    for s in sentences:
        first = next((i for i, ch in enumerate(s.text) if ch.isalnum()), len(s.text))
        for m in _CAPITALISED.finditer(s.text):
            opens = m.start() <= first  # no letter or digit before it
            if m.group()[:1].isupper() and not opens:  # "Separately, ..." is no name
                out.append(_word_name(m.group(), m.start()))
    return out


@functools.cache
def _known_stems(lang: str) -> frozenset[str]:
    """Stems of the language's one-word places, organisations, titles and role words:
    their case forms are no person's name ("Польше", "Главы")."""
    lex = load(lang)
    words = {k for k, kind in lex.known_kinds.items() if kind in _FIXED and " " not in k}
    words |= set(lex.titles) | set(lex.org_prefix_cues) | set(lex.role_words)
    return frozenset(w[:-cut] for w in words for cut in (0, 1, 2) if len(w) - cut >= 4)


def _known_word(word: str, lang: str) -> bool:
    stems = _known_stems(lang)
    folded = basic_fold(word)
    return any(folded[: len(folded) - cut] in stems for cut in (0, 1, 2))


def _candidate(name: Name, lang: str) -> bool:
    """Whether a name may be a person's across languages. The extractor takes any run of
    capitalised words for a person, and outside English case forms of places and
    capitalised adjectives of titles for names; those are not evidence:
    a run with a connector or a hyphen ("Group of Seven", "Medium-Sized Businesses"), a
    name of unknown kind that opens the sentence, is shorter than three letters or has
    the ending of a Slavic adjective that is no surname ("Большая", "Китайского",
    "Красных"; "Моравецький", "Зеленского" are surnames)."""
    if name.kind in _FIXED:
        return False
    words = name.text.split()
    if len(words) > 1 and (any(w.islower() for w in words) or "-" in name.text):
        return False
    if len(words) > 1 and _OBLIQUE_ADJECTIVE.search(words[0]):
        return False  # "Дальнего Востока", "Білого дому": an adjective opens no person's name
    if len(name.text) < 3:
        return False
    if name.kind == "person":
        return True
    if len(words) > 1:
        return False
    return not _ADJECTIVE.search(name.text) and not _known_word(name.text, lang)


def _unmatched(
    side: Sequence[Sentence], other: Sequence[Sentence], lang: str
) -> list[tuple[Sentence, Name]]:
    """Candidate names of ``side`` with no counterpart among the names and capitalised
    words of ``other``."""
    counterparts = [n for s in other for n in s.facts.names] + _capitalised_words(other)
    return [
        (s, n)
        for s in side
        for n in s.facts.names
        if _candidate(n, lang) and not any(_matches(n, y) for y in counterparts)
    ]


def _single(names: list[tuple[Sentence, Name]]) -> tuple[Sentence, Name] | None:
    """The one candidate name: the only person, else the only name of unknown kind."""
    people = [(s, n) for s, n in names if n.kind == "person"]
    if people:
        return people[0] if len(people) == 1 else None
    return names[0] if len(names) == 1 else None


def cross_name_changes(
    a: Sequence[Sentence], b: Sequence[Sentence], lang_a: str, lang_b: str
) -> list[Change]:
    """A person replaced by another between two aligned runs in different languages."""
    only_a = _unmatched(a, b, lang_a)
    only_b = _unmatched(b, a, lang_b)
    x, y = _single(only_a), _single(only_b)
    speakers = x is not None and y is not None and _speaker(*x, lang_a) and _speaker(*y, lang_b)
    if x is not None and y is not None and ("person" in (x[1].kind, y[1].kind) or speakers):
        return [Change("name", x[1].text, y[1].text, "person")]
    # one side names someone the other does not, where the other names people too
    if y is not None and not only_a and _one_sided(*y, a, lang_b, lang_a):
        return [Change("name", _the_one(a, lang_a), y[1].text, "person")]
    if x is not None and not only_b and _one_sided(*x, b, lang_a, lang_b):
        return [Change("name", x[1].text, _the_one(b, lang_b), "person")]
    # a speaker the other side names with a word the extractor did not take for a name
    # (it opens the sentence: "Кольстону заявила: ...")
    if x is not None and y is None and _speaker(*x, lang_a):
        word = _new_speaker(b, a, lang_b)
        if word is not None:
            return [Change("name", x[1].text, word, "person")]
    if y is not None and x is None and _speaker(*y, lang_b):
        word = _new_speaker(a, b, lang_a)
        if word is not None:
            return [Change("name", word, y[1].text, "person")]
    return []


def _new_speaker(side: Sequence[Sentence], other: Sequence[Sentence], lang: str) -> str | None:
    """The one capitalised word of ``side`` that stands where a speaker does, is no name
    the extractor found, and has no counterpart on the other side."""
    counterparts = [n for s in other for n in s.facts.names] + _capitalised_words(other)
    lex = load(lang)
    found = set()
    for s in side:
        spans = {(n.start, n.end) for n in s.facts.names}
        for m in _CAPITALISED.finditer(s.text):
            word = _word_name(m.group(), m.start())
            if not m.group()[:1].isupper() or (word.start, word.end) in spans:
                continue
            if basic_fold(m.group()) in lex.pronouns or not _candidate(word, lang):
                continue
            if _speaker(s, word, lang) and not any(_matches(word, y) for y in counterparts):
                found.add(m.group())
    return found.pop() if len(found) == 1 else None


def _the_one(sentences: Sequence[Sentence], lang: str) -> str | None:
    """The person the other side names, when it names one only (the name replaced)."""
    people = {n.text for n in _people(sentences, lang)}
    return people.pop() if len(people) == 1 else None


def _speaker(sentence: Sentence, name: Name, lang: str) -> bool:
    """The name stands next to a verb of saying or after a title ("Роджерс заявил",
    "said Biden", "Ms Truss"), an adverb of the attribution lexicon allowed between."""
    lex = load(lang)
    before = [w.casefold() for w in NAME_CONTEXT.findall(sentence.text[: name.start])][-2:]
    after = [w.casefold() for w in NAME_CONTEXT.findall(sentence.text[name.end :])][:2]
    if before and (before[-1] in lex.verbs or before[-1] in lex.titles):
        return True
    if after and after[0] in lex.adverbs:
        after = after[1:]
    return bool(after) and after[0] in lex.verbs


def _one_sided(
    sentence: Sentence, name: Name, other: Sequence[Sentence], lang: str, other_lang: str
) -> bool:
    """A name without counterpart is a change on its own where the other side names a
    person and the name is one word that is a person's: a translation transliterates
    names, so a new one stands for the person it replaced. Outside English a name the
    extractor typed a person will do; in English, where any capitalised phrase is taken
    for a person ("Gilded Age", "Nord Stream") and translated freely, and for a name of
    unknown kind, it must stand where a speaker stands ("Роджерс заявил")."""
    if " " in name.text.strip() or _ADJECTIVE.search(name.text) or _known_word(name.text, lang):
        return False
    if not _people(other, other_lang):
        return False
    return (lang != "en" and name.kind == "person") or _speaker(sentence, name, lang)


def _people(sentences: Sequence[Sentence], lang: str) -> list[Name]:
    """The names of people in a run: typed a person, or standing where a speaker does."""
    return [
        n
        for s in sentences
        for n in s.facts.names
        if n.kind == "person" or (n.kind == "other" and _speaker(s, n, lang))
    ]
