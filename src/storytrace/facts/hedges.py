"""Hedges and loaded framing: lexicon phrases with canonical keys.

Both are lists of patterns per language (``hedges.json``, ``framing.json``); the longest
match wins where matches overlap ("according to unconfirmed reports" over "unconfirmed"),
and a match inside a date ("May 5") is not a hedge. Entries marked ``lowercase_only``
(modal verbs) match a capitalised form only at the start of the sentence, so "May" in
mid-sentence stays a month or a name and "may" stays a hedge.
"""

from __future__ import annotations

from ..model import Framing, Hedge
from .lexicon import Lexicon, PatternEntry, TriggerSet


def _matches(
    text: str,
    entries: tuple[PatternEntry, ...],
    triggers: TriggerSet,
    exclude: list[tuple[int, int]],
) -> list[tuple[str, int, int]]:
    found: list[tuple[str, int, int]] = []
    for index in triggers.candidates(text.lower()):
        entry = entries[index]
        for match in entry.regex.finditer(text):
            start, end = match.start(), match.end()
            if start == end:
                continue
            # a capitalised modal counts only at the start of the sentence
            initial = text[:start].strip(" \"“«„'‘(") == ""
            if entry.lowercase_only and match.group()[:1].isupper() and not initial:
                continue
            if any(start < e and s < end for s, e in exclude):
                continue
            found.append((entry.key, start, end))
    found.sort(key=lambda f: (f[1], -(f[2] - f[1])))
    kept: list[tuple[str, int, int]] = []
    for item in found:
        if kept and item[1] < kept[-1][2]:
            continue
        kept.append(item)
    return kept


def find_hedges(text: str, lex: Lexicon, exclude: list[tuple[int, int]]) -> list[Hedge]:
    """Hedges in one sentence, skipping spans in ``exclude`` (dates)."""
    found = _matches(text, lex.hedges, lex.hedge_triggers, exclude)
    return [Hedge(text[s:e], key, s, e) for key, s, e in found]


def find_framing(text: str, lex: Lexicon, exclude: list[tuple[int, int]]) -> list[Framing]:
    """Loaded framing terms in one sentence."""
    found = _matches(text, lex.framing, lex.framing_triggers, exclude)
    return [Framing(text[s:e], key, s, e) for key, s, e in found]
