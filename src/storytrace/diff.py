"""Label aligned units and type every fact difference between the two sides.

A unit's kind:
- ``identical``: the texts are the same once case, spacing, quote and dash styles are
  normalised;
- ``changed``: the same statement with at least one typed fact difference;
- ``reworded``: the same statement in other words, no fact changed;
- ``moved``: taken out of order by the aligner (its changes are still listed);
- ``added`` / ``dropped``: no counterpart.

Fact differences are computed on the facts the extractor found, compared by their
normalised keys, so "December 15" = "15 December", "Zelenskyy" = "Zelensky" and
"80%" = "80 percent" never show as changes. Rules chosen for precision (a change a
fact-checker would act on), documented per type below.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from .align import Unit
from .model import AlignedPair, Change, Name, Sentence
from .similarity import date_key, words

_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "«": '"', "»": '"', "‘": "'", "’": "'"})
_DASHES = re.compile(r"[\u2010-\u2015\u2212]")
_SPACE = re.compile(r"\s+")


def normalise_text(text: str) -> str:
    """Casefolded text with unified quotes, dashes and spacing, for identity tests."""
    text = unicodedata.normalize("NFKC", text).translate(_QUOTES)
    text = _DASHES.sub("-", text)
    return _SPACE.sub(" ", text).strip().rstrip(".!?").casefold()


def label(
    units: Iterable[Unit], a: Sequence[Sentence], b: Sequence[Sentence], *, cross_lingual: bool
) -> tuple[AlignedPair, ...]:
    """Turn aligned units into labelled pairs, in the order of A then of B."""
    pairs: list[AlignedPair] = []
    for unit in units:
        if unit.kind in ("added", "dropped"):
            pairs.append(AlignedPair(unit.a, unit.b, unit.kind, 0.0))
            continue
        sa = [a[i] for i in unit.a]
        sb = [b[j] for j in unit.b]
        changes = fact_changes(sa, sb, cross_lingual=cross_lingual)
        text_a = " ".join(s.text for s in sa)
        text_b = " ".join(s.text for s in sb)
        if unit.kind == "moved":
            kind = "moved"
        elif normalise_text(text_a) == normalise_text(text_b):
            kind = "identical"
        elif changes:
            kind = "changed"
        else:
            kind = "reworded"
        similarity = 1.0 if kind == "identical" else round(unit.probability, 4)
        pairs.append(AlignedPair(unit.a, unit.b, kind, similarity, changes))  # type: ignore[arg-type]
    return tuple(sorted(pairs, key=_order))


def _order(pair: AlignedPair) -> tuple[int, int]:
    """Pairs with A sentences by their first A index; added ones by their B index."""
    if pair.a:
        return (pair.a[0], 0)
    return (-1, pair.b[0])


def fact_changes(
    a: Sequence[Sentence], b: Sequence[Sentence], *, cross_lingual: bool
) -> tuple[Change, ...]:
    """Every typed fact difference between two runs of sentences."""
    changes: list[Change] = []
    changes += _numbers(a, b)
    changes += _dates(a, b)
    changes += _names(a, b, cross_lingual=cross_lingual)
    if not cross_lingual:
        # Quoted words always differ across languages; comparing them says nothing.
        changes += _quotes(a, b)
    changes += _hedges(a, b)
    changes += _attributions(a, b, cross_lingual=cross_lingual)
    changes += _framing(a, b)
    return tuple(changes)


def _keyed_difference(
    a: Sequence[tuple[str, str]], b: Sequence[tuple[str, str]], kind: str
) -> list[Change]:
    """Multiset difference of (key, text) items, pairing leftovers in order."""
    count_a = Counter(k for k, _ in a)
    count_b = Counter(k for k, _ in b)
    only_a = _take(a, count_a - count_b)
    only_b = _take(b, count_b - count_a)
    out: list[Change] = []
    for n in range(max(len(only_a), len(only_b))):
        left = only_a[n] if n < len(only_a) else None
        right = only_b[n] if n < len(only_b) else None
        out.append(Change(kind, left, right))  # type: ignore[arg-type]
    return out


def _take(items: Sequence[tuple[str, str]], wanted: Counter[str]) -> list[str]:
    """The texts of the items whose key is in ``wanted``, as many times as wanted."""
    remaining = Counter(wanted)
    texts: list[str] = []
    for key, text in items:
        if remaining[key] > 0:
            remaining[key] -= 1
            texts.append(text)
    return texts


def _numbers(a: Sequence[Sentence], b: Sequence[Sentence]) -> list[Change]:
    """Numbers compared by value and unit: "80%" = "80 percent"; 80% -> 75% is a change."""

    def items(run: Sequence[Sentence]) -> list[tuple[str, str]]:
        return [(f"{n.value:g}|{n.unit or ''}", n.text) for s in run for n in s.facts.numbers]

    return _keyed_difference(items(a), items(b), "number")


def _dates(a: Sequence[Sentence], b: Sequence[Sentence]) -> list[Change]:
    """Dates compared by month-day when a year is missing on one side."""

    def items(run: Sequence[Sentence]) -> list[tuple[str, str]]:
        return [(date_key(d.iso), d.text) for s in run for d in s.facts.dates]

    return _keyed_difference(items(a), items(b), "date")


def _same_entity(x: Name, y: Name) -> bool:
    """Same key, or one person's key is the other's surname ("Zelensky" in full name)."""
    if x.key == y.key:
        return True
    if x.kind == "person" or y.kind == "person":
        tx, ty = x.key.split(), y.key.split()
        return bool(tx and ty) and (tx[-1] == ty[-1])
    return False


def _names(a: Sequence[Sentence], b: Sequence[Sentence], *, cross_lingual: bool) -> list[Change]:
    """Only substitutions count: a name replaced by another name of the same kind.

    A name merely left out of a rewritten sentence is common and harmless ("Axios" ->
    "the outlet"), so it is not reported; "Witkoff" -> "Kushner" is.
    """
    names_a = [n for s in a for n in s.facts.names]
    names_b = [n for s in b for n in s.facts.names]
    if cross_lingual and not _same_script(names_a, names_b):
        return []
    only_a = [x for x in names_a if not any(_same_entity(x, y) for y in names_b)]
    only_b = [y for y in names_b if not any(_same_entity(x, y) for x in names_a)]
    out: list[Change] = []
    used: set[int] = set()
    for x in only_a:
        for k, y in enumerate(only_b):
            if k not in used and y.kind == x.kind and x.kind == "person":
                used.add(k)
                out.append(Change("name", x.text, y.text))
                break
    return out


def _same_script(xs: Sequence[Name], ys: Sequence[Name]) -> bool:
    """True when both sides write names in Latin letters (keys are comparable)."""
    return all(n.key.isascii() for n in (*xs, *ys))


def _quotes(a: Sequence[Sentence], b: Sequence[Sentence]) -> list[Change]:
    """Quotations paired in order; a change when the quoted words differ."""
    quotes_a = [q for s in a for q in s.facts.quotes]
    quotes_b = [q for s in b for q in s.facts.quotes]
    out: list[Change] = []
    for n in range(max(len(quotes_a), len(quotes_b))):
        qa = quotes_a[n] if n < len(quotes_a) else None
        qb = quotes_b[n] if n < len(quotes_b) else None
        if qa and qb and words(qa.text) == words(qb.text):
            continue
        out.append(Change("quote", qa.text if qa else None, qb.text if qb else None))
    return out


def _hedges(a: Sequence[Sentence], b: Sequence[Sentence]) -> list[Change]:
    """Hedges compared by their canonical key ("allegedly", "may", "expected to")."""

    def items(run: Sequence[Sentence]) -> list[tuple[str, str]]:
        return [(h.key, h.text) for s in run for h in s.facts.hedges]

    return _keyed_difference(items(a), items(b), "hedge")


def _framing(a: Sequence[Sentence], b: Sequence[Sentence]) -> list[Change]:
    """Loaded terms compared by their canonical key."""

    def items(run: Sequence[Sentence]) -> list[tuple[str, str]]:
        return [(f.key, f.text) for s in run for f in s.facts.framing]

    return _keyed_difference(items(a), items(b), "framing")


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

    @property
    def any(self) -> bool:
        return bool(self.named or self.unresolved or self.anonymous)


def _sources(run: Sequence[Sentence]) -> _Sources:
    named: dict[frozenset[str], str] = {}
    anonymous: list[str] = []
    unresolved = 0
    for sentence in run:
        for attr in sentence.facts.attributions:
            if attr.source is None:
                continue
            if attr.anonymous:
                anonymous.append(attr.source)
                continue
            keys = frozenset(n.key for n in sentence.facts.names if n.text in attr.source)
            if keys:
                named.setdefault(keys, attr.source)
            else:
                unresolved += 1
    return _Sources(named, unresolved, anonymous)


def _attributions(
    a: Sequence[Sentence], b: Sequence[Sentence], *, cross_lingual: bool
) -> list[Change]:
    """A named source that became anonymous or another source, or the reverse; a lost source.

    Rules, for precision: a named source missing on the other side is a change when the
    other side names someone else instead (substitution), or cites only anonymous
    sources where this side cited none (named -> anonymous), or cites no source at all
    (source lost). An outlet credited on one side only ("Axios also reported, citing two
    anonymous officials") while both sides keep the same anonymous source is not a
    change, nor is a reference back to a source named elsewhere ("the outlet").
    """
    if cross_lingual:
        return []
    sa, sb = _sources(a), _sources(b)

    def matched(keys: frozenset[str], other: dict[frozenset[str], str]) -> bool:
        return any(keys & k for k in other)

    lost = [text for keys, text in sa.named.items() if not matched(keys, sb.named)]
    gained = [text for keys, text in sb.named.items() if not matched(keys, sa.named)]
    out: list[Change] = []
    while lost and gained:
        out.append(Change("attribution", lost.pop(0), gained.pop(0)))
    out += _one_sided(lost, sa, sb, reverse=False)
    out += _one_sided(gained, sb, sa, reverse=True)
    if sa.anonymous and not sb.any:
        out.append(Change("attribution", sa.anonymous[0], None))
    if sb.anonymous and not sa.any:
        out.append(Change("attribution", None, sb.anonymous[0]))
    return out


def _one_sided(
    missing: list[str], here: _Sources, there: _Sources, *, reverse: bool
) -> list[Change]:
    """Changes for named sources of ``here`` that ``there`` lacks, substitution aside."""
    out: list[Change] = []
    for text in missing:
        if there.unresolved:
            continue
        if there.anonymous and not here.anonymous:
            other: str | None = there.anonymous[0]
        elif not there.any:
            other = None
        else:
            continue
        out.append(
            Change("attribution", other, text) if reverse else Change("attribution", text, other)
        )
    return out
