"""Name changes in one language: a person, organisation or place replaced by another,
in place (across languages: ``names_xl``)."""

from __future__ import annotations

from collections.abc import Sequence

from ..facts.name_keys import same_entity, to_latin
from ..model import Change, Name, Sentence
from .common import NAME_CONTEXT

_SOUND = str.maketrans("bfpcgjkqsxzdtlmnr", "11122222222334556")
"""Consonant classes; "v"/"w" count as vowels ("Downes" / "Даунс")."""
_DIGRAPHS = (("dzh", "j"), ("sch", "s"), ("shch", "s"), ("kh", "h"), ("zh", "j"), ("ts", "s"))


def sound_keys(name: Name) -> frozenset[str]:
    """Consonant-class codes of each word of a name (Soundex-like, first three classes):
    one spelling of a name across scripts and case endings ("Johnson" / "Джонсона",
    "Scholz" / "Шольц", "Morawiecki" / "Моравецьким" share a code)."""
    out = set()
    for word in to_latin(name.text, "ru").split():
        for old, new in _DIGRAPHS:
            word = word.replace(old, new)
        codes = [c for c in word.translate(_SOUND) if c.isdigit()]
        collapsed = [c for k, c in enumerate(codes) if k == 0 or c != codes[k - 1]]
        if collapsed:
            out.add("".join(collapsed[:3]))
    return frozenset(out)


def _context(sentence: Sentence, name: Name) -> tuple[str, str]:
    """The word before and the word after a name, casefolded ("" at either end)."""
    before = NAME_CONTEXT.findall(sentence.text[: name.start])
    after = NAME_CONTEXT.findall(sentence.text[name.end :])
    return (before[-1].casefold() if before else "", after[0].casefold() if after else "")


def name_changes(a: Sequence[Sentence], b: Sequence[Sentence]) -> list[Change]:
    """Substitutions: a name replaced by another of its kind (person, organisation, place).

    A name merely left out ("Axios" -> "the outlet") or added is not a change. Two people
    are a substitution wherever they stand; an organisation or place, or a name whose
    kind the extractor could not tell, only where the other name stands in the same
    place (the same word right before or right after it: "a deal with Siemens AG" ->
    "a deal with Bosch GmbH", "where Grigoropoulos was shot" -> "where Papadopoulos was
    shot"), because a rewrite moves places and organisations about freely ("Kyiv" as the
    government, "Ukraine" as the state).
    """
    names_a = [(s, n) for s in a for n in s.facts.names]
    names_b = [(s, n) for s in b for n in s.facts.names]
    only_a = [(s, x) for s, x in names_a if not any(same_entity(x, y) for _, y in names_b)]
    only_b = [(s, y) for s, y in names_b if not any(same_entity(x, y) for _, x in names_a)]
    out: list[Change] = []
    used: set[int] = set()
    for sx, x in only_a:
        cx = _context(sx, x)
        for k, (sy, y) in enumerate(only_b):
            if k in used:
                continue
            cy = _context(sy, y)
            same_place = (cx[0] and cx[0] == cy[0]) or (cx[1] and cx[1] == cy[1])
            persons = x.kind == "person" and y.kind == "person"
            kinds_agree = x.kind == y.kind or "other" in (x.kind, y.kind)
            if persons or (kinds_agree and same_place):
                used.add(k)
                kind = x.kind if x.kind != "other" else y.kind
                if kind == "other" and "said" in (cx[0], cx[1]):
                    kind = "person"
                subtype = kind if kind != "other" else None
                out.append(Change("name", x.text, y.text, subtype))
                break
    return out
