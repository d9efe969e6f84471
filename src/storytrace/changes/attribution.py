"""Attribution changes: who said it, named to anonymous or generic, outlet vs reporter."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from ..model import Change, Sentence


@dataclass(frozen=True, slots=True)
class _Sources:
    """The sources a run of sentences cites.

    ``named`` maps the name keys a source phrase contains to the phrase; ``unresolved``
    counts named sources with no recognised name in them ("the outlet", "the Ukrainian
    president"), which refer back to someone named elsewhere; ``anonymous`` lists the
    phrases of unnamed sources.
    """

    named: dict[frozenset[str], str]
    unresolved: int
    anonymous: list[str]
    name_text: dict[frozenset[str], str]
    """The name as the source phrase writes it, per key set."""

    @property
    def any(self) -> bool:
        return bool(self.named or self.unresolved or self.anonymous)


def _sources(run: Sequence[Sentence]) -> _Sources:
    named: dict[frozenset[str], str] = {}
    name_text: dict[frozenset[str], str] = {}
    anonymous: list[str] = []
    unresolved = 0
    for sentence in run:
        for attr in sentence.facts.attributions:
            if attr.source is None:
                continue
            if attr.anonymous:
                anonymous.append(attr.source)
                continue
            inside = [n for n in sentence.facts.names if n.text in attr.source]
            keys = frozenset(n.key for n in inside)
            if keys:
                named.setdefault(keys, attr.source)
                name_text.setdefault(keys, inside[0].text)
            else:
                unresolved += 1
    return _Sources(named, unresolved, anonymous, name_text)


def attribution_changes(
    a: Sequence[Sentence], b: Sequence[Sentence], *, cross_lingual: bool
) -> list[Change]:
    """A named source that became anonymous or another source, or the reverse.

    Rules, for precision: a named source missing on the other side is a change when the
    other side names someone else instead (substitution), or cites only anonymous
    sources where this side cited none (named -> anonymous). A source that is simply not
    repeated is not a change: rewrites move the attribution to a neighbouring sentence
    or leave it implied (on MSRP, two thirds of such pairs are paraphrases). An outlet
    credited on one side only ("Axios also reported, citing two anonymous officials")
    while both sides keep the same anonymous source is not a change, nor is a reference
    back to a source named elsewhere ("the outlet"), nor a source named in full on one
    side and by surname on the other.
    """
    if cross_lingual:
        return []
    sa, sb = _sources(a), _sources(b)
    text_a = " ".join(s.text for s in a).casefold()
    text_b = " ".join(s.text for s in b).casefold()
    lost = [t for keys, t in sa.named.items() if not _cited(keys, t, sb.named, text_b)]
    gained = [t for keys, t in sb.named.items() if not _cited(keys, t, sa.named, text_a)]
    out: list[Change] = []
    while lost and gained:
        out.append(Change("attribution", lost.pop(0), gained.pop(0), "changed"))
    out += _one_sided(lost, sa, sb, reverse=False)
    out += _one_sided(gained, sb, sa, reverse=True)
    out += _outlet_or_reporter(sa, sb)
    return out


_FOR_SOMEONE = re.compile(r"^(?:\w+\s+){0,3}?(\w+)\s+(?:for|of|at|from|with)\s*$")


def _role(phrase: str, keys_text: str) -> str | None:
    """The person standing for a named organisation in a source phrase: "an interviewer
    for The Wall Street Journal" -> "interviewer"; None when the phrase is the name."""
    at = phrase.find(keys_text)
    if at <= 0:
        return None
    before = re.sub(r"^(?:the|a|an|one|another)\s+", "", phrase[:at].strip().casefold())
    before = re.sub(r"\bthe\s*$", "", before).strip()
    match = _FOR_SOMEONE.match(before + " ")
    return match.group(1) if match else None


def _outlet_or_reporter(sa: _Sources, sb: _Sources) -> list[Change]:
    """The same organisation credited, once as itself and once through one of its
    people ("an interviewer for The Wall Street Journal" / "The Wall Street Journal
    reported"): who said it changed."""
    out: list[Change] = []
    for keys, phrase_a in sa.named.items():
        phrase_b = sb.named.get(keys)
        if phrase_b is None or phrase_a == phrase_b:
            continue
        name_a = sa.name_text.get(keys, "")
        name_b = sb.name_text.get(keys, "")
        role_a, role_b = _role(phrase_a, name_a), _role(phrase_b, name_b)
        if (role_a is None) != (role_b is None):
            out.append(Change("attribution", phrase_a, phrase_b, "changed"))
    return out


def _surnames(keys: frozenset[str]) -> set[str]:
    return {key.split()[-1] for key in keys if key.split()}


def _cited(
    keys: frozenset[str], phrase: str, other: dict[frozenset[str], str], other_text: str
) -> bool:
    """Whether the other side cites the same source: a shared name or surname, or the
    source's name written anywhere in the other side ("said Bennett" / "Carolyn Greene
    Bennett, the town recorder, said")."""
    if any(keys & k or _surnames(keys) & _surnames(k) for k in other):
        return True
    return any(surname in other_text for surname in _surnames(keys)) or (
        phrase.casefold() in other_text
    )


def _one_sided(
    missing: list[str], here: _Sources, there: _Sources, *, reverse: bool
) -> list[Change]:
    """Changes for named sources of ``here`` that ``there`` lacks, substitution aside."""
    out: list[Change] = []
    for text in missing:
        if there.unresolved:
            continue
        if not there.anonymous or here.anonymous:
            continue
        other = there.anonymous[0]
        out.append(
            Change("attribution", other, text, "anonymous_to_named")
            if reverse
            else Change("attribution", text, other, "named_to_anonymous")
        )
    return out
