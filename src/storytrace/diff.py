"""Label aligned units and type every fact difference between the two sides.

A unit's kind:
- ``identical``: the texts are the same once case, spacing, quote and dash styles are
  normalised;
- ``changed``: the same statement with at least one typed fact difference;
- ``reworded``: the same statement in other words, no fact changed;
- ``moved``: taken out of order by the aligner (its changes are still listed);
- ``added`` / ``dropped``: no counterpart.

Fact differences come from ``storytrace.changes``, which documents each rule.

Every unit with both sides also says whether the two make the same statement
(``same_statement``, from ``storytrace.statement``), as a careful reader would judge
(MSRP's "paraphrase"), whatever typed changes were found.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence

from .align import Unit
from .changes import QuoteMeaning, fact_changes
from .model import AlignedPair, Sentence
from .statement import same_statement, statement_features

_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "«": '"', "»": '"', "‘": "'", "’": "'"})
_DASHES = re.compile(r"[\u2010-\u2015\u2212]")
_SPACE = re.compile(r"\s+")


def normalise_text(text: str) -> str:
    """Casefolded text with unified quotes, dashes and spacing, for identity tests."""
    text = unicodedata.normalize("NFKC", text).translate(_QUOTES)
    text = _DASHES.sub("-", text)
    return _SPACE.sub(" ", text).strip().rstrip(".!?").casefold()


def label(
    units: Iterable[Unit],
    a: Sequence[Sentence],
    b: Sequence[Sentence],
    *,
    cross_lingual: bool,
    lang: str | None = None,
    encoder: str | None = None,
    lang_b: str | None = None,
    meaning: QuoteMeaning | None = None,
) -> tuple[AlignedPair, ...]:
    """Turn aligned units into labelled pairs, in the order of A then of B.

    ``encoder`` names the encoder behind the units' probabilities, for the
    ``same_statement`` weights fitted with it (None: those of the default encoder).
    ``lang`` is A's language, ``lang_b`` B's (None: the same as A's). ``meaning``
    scores quotations across languages by the encoder (``changes.quotes_xl``).
    """
    pairs: list[AlignedPair] = []
    for unit in units:
        if unit.kind in ("added", "dropped"):
            pairs.append(AlignedPair(unit.a, unit.b, unit.kind, 0.0))
            continue
        sa = [a[i] for i in unit.a]
        sb = [b[j] for j in unit.b]
        changes = fact_changes(
            sa, sb, cross_lingual=cross_lingual, lang=lang, lang_b=lang_b, meaning=meaning
        )
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
        if kind == "identical":
            same = True
        elif cross_lingual:
            # surface overlap means nothing across languages: the aligner's judgement,
            # unless a number, date or name changed
            facts = {c.type for c in changes} & {"number", "date", "name"}
            same = unit.probability > 0.5 and not facts
        else:
            same = same_statement(
                statement_features(text_a, text_b, changes, unit.probability, lang or "en"),
                encoder=encoder,
            )
        pairs.append(
            AlignedPair(unit.a, unit.b, kind, similarity, changes, same)  # type: ignore[arg-type]
        )
    return tuple(sorted(pairs, key=_order))


def _order(pair: AlignedPair) -> tuple[int, int]:
    """Pairs with A sentences by their first A index; added ones by their B index."""
    if pair.a:
        return (pair.a[0], 0)
    return (-1, pair.b[0])
