"""Claim changes: the object or agent of the same statement replaced."""

from __future__ import annotations

from collections.abc import Sequence

from ..facts.name_keys import same_entity
from ..model import Change, Sentence
from ..wording import stem, stopwords
from .common import NAME_CONTEXT, change_words


def claim_changes(a: Sequence[Sentence], b: Sequence[Sentence], lang: str) -> list[Change]:
    """What a statement is about changed: a thing referred to by a pronoun on one side is
    a named person or organisation on the other, after the same verb ("they will support
    it" -> "they would support Zelenskyy"). A pronoun for a person resolved to that
    person's name ("thanked him" -> "thanked Smith") is no change, so only pronouns
    for things count (``thing_pronouns``)."""
    pronouns = frozenset(change_words(lang).get("thing_pronouns", ()))
    if not pronouns:
        return []
    out: list[Change] = []
    for here, there, forward in ((a, b, True), (b, a, False)):
        there_names = [n for s in there for n in s.facts.names]
        for sentence in here:
            for name in sentence.facts.names:
                if name.kind not in ("person", "organization"):
                    continue
                if any(same_entity(name, other) for other in there_names):
                    continue
                before = NAME_CONTEXT.findall(sentence.text[: name.start])
                if not before:
                    continue
                verb = before[-1].casefold()
                if verb in stopwords() or len(verb) < 3:
                    continue
                verb_stem = stem(verb, lang)
                for other in there:
                    words = NAME_CONTEXT.findall(other.text)
                    for k in range(len(words) - 1):
                        nxt = words[k + 1].casefold()
                        if nxt in pronouns and stem(words[k].casefold(), lang) == verb_stem:
                            pair = (f"{words[k]} {words[k + 1]}", f"{before[-1]} {name.text}")
                            a_text, b_text = pair if not forward else pair[::-1]
                            out.append(Change("claim", a_text, b_text, "object"))
                            break
    return out
