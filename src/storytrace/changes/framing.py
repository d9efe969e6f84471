"""Hedges added or dropped (by strength class) and framing: loaded terms, scare quotes,
national or possessive qualifiers of a place."""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence

from .. import _lexicons
from ..model import Change, Hedge, Sentence


@functools.cache
def hedge_meanings() -> tuple[dict[str, str], dict[str, str | None]]:
    """Per canonical hedge key, its ``class`` (hedges of the same strength: "may" ->
    "might" is no change) and its ``meaning`` across languages (``hearsay`` or
    ``uncertain``; None: not compared across languages), from every ``hedges.json``
    (English first, so its tags win)."""
    classes: dict[str, str] = {}
    meanings: dict[str, str | None] = {}
    for lang in _lexicons.available("hedges"):
        for entry in _lexicons.read(lang, "hedges").get("entries", []):
            key = str(entry["key"])
            classes.setdefault(key, str(entry.get("class", key)))
            meanings.setdefault(key, entry.get("meaning"))
    return classes, meanings


def has_lexicon(lang: str | None, name: str) -> bool:
    """Whether ``lang`` ships ``<name>.json`` (a language without one finds none of
    those facts, so their absence on its side says nothing)."""
    return (lang or "en").split("-")[0].lower() in _lexicons.available(name)


def _keyed_difference(
    a: Sequence[tuple[str, str]],
    b: Sequence[tuple[str, str]],
    kind: str,
    subtype: str | None = None,
) -> list[Change]:
    """Multiset difference of (key, text) items; leftovers are paired in order."""
    left_b = list(b)
    only_a: list[str] = []
    for key, text in a:
        match = next((item for item in left_b if item[0] == key), None)
        if match is None:
            only_a.append(text)
        else:
            left_b.remove(match)
    only_b = [text for _, text in left_b]
    out: list[Change] = []
    for n in range(max(len(only_a), len(only_b))):
        left = only_a[n] if n < len(only_a) else None
        right = only_b[n] if n < len(only_b) else None
        out.append(Change(kind, left, right, subtype))  # type: ignore[arg-type]
    return out


def _present_difference(
    a: Sequence[tuple[str, str]],
    b: Sequence[tuple[str, str]],
    kind: str,
    subtype: str | None = None,
) -> list[Change]:
    """Keys present on one side only (each once), leftovers paired in order.

    Presence, not counts: a unit that merges two sentences may repeat a hedge ("is
    expected in Berlin" ... "are also expected to participate") that the other side
    says once, and the statement is no more or less hedged for it.
    """
    keys_a = {k for k, _ in a}
    keys_b = {k for k, _ in b}
    first_a = dict(reversed(a))
    first_b = dict(reversed(b))
    only_a = [(k, first_a[k]) for k in dict.fromkeys(k for k, _ in a) if k not in keys_b]
    only_b = [(k, first_b[k]) for k in dict.fromkeys(k for k, _ in b) if k not in keys_a]
    return _keyed_difference(only_a, only_b, kind, subtype)


def hedge_changes(
    a: Sequence[Sentence], b: Sequence[Sentence], *, cross_lingual: bool = False
) -> list[Change]:
    """Hedges added or dropped, by class within a language. Across languages a statement
    is hedged or not: only a side with a hedge that means hearsay or uncertainty against
    a side with no hedge at all is a change ("apparently" = "по-видимому", "possibly" =
    "may", "allegedly" -> nothing); a modal or claim verb alone is never one (ability
    "could"/"может", "say" rendered as "утверждать")."""
    classes, meanings = hedge_meanings()
    if not cross_lingual:

        def items(run: Sequence[Sentence]) -> list[tuple[str, str]]:
            return [(classes.get(h.key, h.key), h.text) for s in run for h in s.facts.hedges]

        return _present_difference(items(a), items(b), "hedge")

    def outside_quotes(run: Sequence[Sentence]) -> list[Hedge]:
        # inside a quotation the speaker's stance is rendered freely ("I don't think"
        # -> "похоже"); the quotation itself is compared by meaning
        return [
            h
            for s in run
            for h in s.facts.hedges
            if not any(q.start <= h.start < q.end for q in s.facts.quotes)
        ]

    ha, hb = outside_quotes(a), outside_quotes(b)
    ma = [("hedged", h.text) for h in ha if meanings.get(h.key)]
    mb = [("hedged", h.text) for h in hb if meanings.get(h.key)]
    if (ma and hb) or (mb and ha):
        return []
    return _present_difference(ma[:1], mb[:1], "hedge")


SCARE_PREFIX = "scare_quotes:"
"""Key prefix of the scare quotes ``facts`` lists with the framing terms."""


def framing_changes(
    a: Sequence[Sentence], b: Sequence[Sentence], lang: str, *, cross_lingual: bool = False
) -> list[Change]:
    """Loaded terms added or dropped (``term``), a national or possessive qualifier of a
    place added, dropped or changed (``qualifier``: "the Ukrainian Donbas" -> "Donbas"),
    and scare quotes put around or taken off a term the other side also uses
    (``scare_quotes``: 'the protesters' -> 'the "protesters"')."""

    def items(run: Sequence[Sentence]) -> list[tuple[str, str]]:
        return [
            (f.key, f.text)
            for s in run
            for f in s.facts.framing
            if not f.key.startswith(SCARE_PREFIX)
        ]

    out = _present_difference(items(a), items(b), "framing", "term")
    if cross_lingual:  # a demonym or scare quotes are matched by spelling: one language
        return out
    out += _qualifiers(a, b, lang)
    out += _scare_quotes(a, b)
    return out


def _scare_quotes(a: Sequence[Sentence], b: Sequence[Sentence]) -> list[Change]:
    def scare(run: Sequence[Sentence]) -> dict[str, str]:
        return {
            f.key[len(SCARE_PREFIX) :]: f.text
            for s in run
            for f in s.facts.framing
            if f.key.startswith(SCARE_PREFIX)
        }

    def plain(run: Sequence[Sentence]) -> str:
        return " " + " ".join(re.findall(r"\w+", " ".join(s.text for s in run).casefold())) + " "

    sa, sb = scare(a), scare(b)
    out: list[Change] = []
    for words, text in sa.items():
        if words not in sb and f" {words} " in plain(b):
            out.append(Change("framing", text, text.strip("\"“”«»„'‘’ "), "scare_quotes"))
    for words, text in sb.items():
        if words not in sa and f" {words} " in plain(a):
            out.append(Change("framing", text.strip("\"“”«»„'‘’ "), text, "scare_quotes"))
    return out


_QUALIFIER_BEFORE = re.compile(r"(?:\b(?:the)\s+)?([^\W\d_][\w-]*(?:['’]s?)?)\s+$", re.I)


def _place_qualifiers(run: Sequence[Sentence], lang: str) -> dict[str, tuple[str, str]]:
    """Per place key: its qualifier (a demonym or a possessive place) and the phrase."""
    from ..facts.lexicon import basic_fold, load

    lex = load(lang)
    places: dict[str, str] = {}
    for s in run:
        for n in s.facts.names:
            if n.kind == "place":
                places.setdefault(n.key, n.text)
    out: dict[str, tuple[str, str]] = {}
    for s in run:
        for n in s.facts.names:
            if n.kind != "place":
                continue
            match = _QUALIFIER_BEFORE.search(s.text, max(0, n.start - 40), n.start)
            qualifier = ""
            if match:
                word = match.group(1)
                bare = re.sub(r"['’]s?$", "", word)
                if basic_fold(word) in lex.demonyms or (
                    bare != word and basic_fold(bare) in {basic_fold(p) for p in places.values()}
                ):
                    qualifier = basic_fold(word)
            phrase = s.text[match.start() : n.end] if qualifier and match else n.text
            if qualifier or n.key not in out:
                out[n.key] = (qualifier, phrase)
    return out


def _qualifiers(a: Sequence[Sentence], b: Sequence[Sentence], lang: str) -> list[Change]:
    qa, qb = _place_qualifiers(a, lang), _place_qualifiers(b, lang)
    out: list[Change] = []
    for key, (qual_a, phrase_a) in qa.items():
        if key in qb and qb[key][0] != qual_a:
            out.append(Change("framing", phrase_a, qb[key][1], "qualifier"))
    return out
