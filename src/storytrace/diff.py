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
(``same_statement``), as a careful reader would judge (MSRP's "paraphrase"), whatever
typed changes were found: a hedge dropped can leave the statement the same, a changed
number cannot. It is a logistic model over ``STATEMENT_FEATURES`` (the aligner's
probability, word overlap, and which typed changes were found), fitted on MSRP train by
``bench/msrp_sentence_decision.py --write-statement`` into ``models/same_statement-*.json``.
"""

from __future__ import annotations

import itertools
import math
import re
import unicodedata
from collections.abc import Iterable, Sequence

import numpy as np

from .align import Unit
from .changes import fact_changes
from .logistic import LogisticModel, available, load
from .model import AlignedPair, Change, Sentence
from .wording import MODALS, NEGATIONS, capitalised, stem, stopwords, substance, words

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
) -> tuple[AlignedPair, ...]:
    """Turn aligned units into labelled pairs, in the order of A then of B.

    ``encoder`` names the encoder behind the units' probabilities, for the
    ``same_statement`` weights fitted with it (None: those of the default encoder).
    ``lang`` is A's language, ``lang_b`` B's (None: the same as A's).
    """
    pairs: list[AlignedPair] = []
    for unit in units:
        if unit.kind in ("added", "dropped"):
            pairs.append(AlignedPair(unit.a, unit.b, unit.kind, 0.0))
            continue
        sa = [a[i] for i in unit.a]
        sb = [b[j] for j in unit.b]
        changes = fact_changes(sa, sb, cross_lingual=cross_lingual, lang=lang, lang_b=lang_b)
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


STATEMENT_FEATURES: tuple[str, ...] = (
    "logit",
    "jaccard",
    "contained_min",
    "contained_max",
    "length",
    "bigrams",
    "names",
    "negation",
    "number",
    "number_far",
    "number_one_side",
    "date",
    "name",
    "quote",
    "hedge",
    "other",
)
"""Features of ``same_statement``: the aligner's probability (as a logit); the stemmed
substance words' Jaccard, the smaller and larger share of each side said by the other;
the log length ratio; the Dice of stemmed bigrams; the share of capitalised words on one
side only; a negation on one side only; then which typed changes were found (a number
replaced, one replaced by a distant one, a number on one side only, date, name, quote
of substance, hedge or modal, and any other)."""


def statement_features(
    text_a: str, text_b: str, changes: Sequence[Change], probability: float, lang: str
) -> np.ndarray:
    """The ``STATEMENT_FEATURES`` of one unit."""
    code = lang.split("-")[0]
    p = min(max(probability, 1e-4), 1 - 1e-4)
    sa, sb = substance(text_a, code), substance(text_b, code)
    common = len(sa & sb)
    union = len(sa | sb)
    wa, wb = words(text_a), words(text_b)
    ba, bb = _bigrams(wa, code), _bigrams(wb, code)
    ca, cb = capitalised(text_a), capitalised(text_b)
    types = {c.type for c in changes}
    substance_quote = any(c.type == "quote" and c.subtype == "substance" for c in changes)
    modal = bool((set(wa) ^ set(wb)) & MODALS)
    return np.array(
        [
            math.log(p / (1 - p)),
            common / union if union else 1.0,
            min(common / len(sa) if sa else 1.0, common / len(sb) if sb else 1.0),
            max(common / len(sa) if sa else 1.0, common / len(sb) if sb else 1.0),
            abs(math.log((len(wa) + 1) / (len(wb) + 1))),
            2 * len(ba & bb) / (len(ba) + len(bb)) if ba or bb else 1.0,
            len(ca ^ cb) / len(ca | cb) if ca | cb else 0.0,
            float(bool((set(wa) ^ set(wb)) & NEGATIONS)),
            float(any(c.type == "number" and c.a and c.b for c in changes)),
            float(any(_far_apart(c) for c in changes)),
            float(any(c.type == "number" and not (c.a and c.b) for c in changes)),
            float("date" in types),
            float("name" in types or "claim" in types),
            float(substance_quote),
            float("hedge" in types or modal),
            float(bool(types - {"number", "date", "name", "claim", "quote", "hedge"})),
        ]
    )


_FAR = 0.2
"""A number replaced by one more than this share away ("40,000" -> "4,000") changes the
statement whatever else the two sides share (``same_statement`` is then False)."""


def _value(text: str) -> float | None:
    digits = re.sub(r"[^\d.]", "", text.replace(",", ""))
    try:
        return float(digits)
    except ValueError:
        return None


def _far_apart(change: Change) -> bool:
    if change.type != "number" or not change.a or not change.b:
        return False
    x, y = _value(change.a), _value(change.b)
    if x is None or y is None or max(abs(x), abs(y)) == 0:
        return False
    return abs(x - y) / max(abs(x), abs(y)) > _FAR


def _bigrams(tokens: list[str], lang: str) -> set[tuple[str, str]]:
    stop = stopwords()
    kept = [stem(t, lang) for t in tokens if t not in stop]
    return set(itertools.pairwise(kept))


def same_statement(features: np.ndarray, *, encoder: str | None = None) -> bool:
    """The ``same_statement`` decision for one unit's ``statement_features``."""
    if features[STATEMENT_FEATURES.index("number_far")] > 0:
        return False  # a number replaced by a distant one: another statement (``_FAR``)
    return bool(_statement_model(encoder or "use").probability(features) > 0.5)


def _statement_model(encoder: str) -> LogisticModel:
    """``models/same_statement-<encoder>.json``, else its family's, else ``generic``."""
    for key in (encoder, encoder.split(":", 1)[0]):
        if f"same_statement-{key}" in available():
            return load(f"same_statement-{key}")
    return load("same_statement-generic")


def _order(pair: AlignedPair) -> tuple[int, int]:
    """Pairs with A sentences by their first A index; added ones by their B index."""
    if pair.a:
        return (pair.a[0], 0)
    return (-1, pair.b[0])
