"""Whether the two sides of an aligned unit make the same statement (``same_statement``).

As a careful reader would judge (MSRP's "paraphrase"), whatever typed changes were found:
a hedge dropped can leave the statement the same, a changed number cannot. A logistic
model over ``STATEMENT_FEATURES`` (the aligner's probability, word and n-gram overlap,
what one side says that the other does not, which typed changes were found) and over
hinges of the graded ones: a feature named ``"jaccard>0.42"`` is max(0, jaccard - 0.42),
so one linear model bends where MSRP's data bends (a generalised additive model in the
``logistic`` format). The knots are the training quantiles, written into the feature
names by ``bench/msrp_sentence_decision.py --write-statement`` (``docs/models.md``).
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Sequence
from functools import cache

import numpy as np
from rapidfuzz.distance import LCSseq, Levenshtein

from .logistic import LogisticModel, available, load
from .model import Change
from .wording import MODALS, NEGATIONS, capitalised, stem, stopwords, substance, words

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
    "ngram1_min",
    "ngram1_max",
    "ngram2_min",
    "ngram2_max",
    "ngram3_min",
    "ngram3_max",
    "ngram4_min",
    "ngram4_max",
    "lcs_min",
    "lcs_max",
    "edit",
    "unsaid_max",
    "unsaid_min",
    "word_gap",
    "digits_differ",
    "digits_contained",
    "word_jaccard",
)
"""Features of ``same_statement``: the aligner's probability (as a logit); the stemmed
substance words' Jaccard, the smaller and larger share of each side said by the other;
the log length ratio; the Dice of stemmed bigrams; the share of capitalised words on one
side only; a negation on one side only; which typed changes were found (a number
replaced, one replaced by a distant one, a number on one side only, date, name, quote
of substance, hedge or modal, any other); then the surface measures of the paraphrase
literature over the stemmed words: the share of each side's 1- to 4-grams found in the
other (smaller and larger, BLEU's precisions both ways), the longest common subsequence
over the shorter and the longer side, the normalised word edit distance, log(1 + content
stems said by one side only) for the side that says more and the one that says less, the
word-count gap (tens of words), whether the words with digits differ and whether one
side's are a proper subset of the other's, and the Jaccard of the casefolded words."""

FLAGS: frozenset[str] = frozenset(
    (
        *("negation", "number", "number_far", "number_one_side", "date", "name", "quote"),
        *("hedge", "other", "digits_differ", "digits_contained"),
    )
)
"""The 0/1 features; every other one is graded and gets hinges."""

_INDEX = {name: k for k, name in enumerate(STATEMENT_FEATURES)}

FAR = 0.2
"""A number replaced by one more than this share away ("40,000" -> "4,000") changes the
statement whatever else the two sides share (``same_statement`` is then False)."""

_DIGIT = re.compile(r"\d")


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
    base = [
        math.log(p / (1 - p)),
        common / union if union else 1.0,
        min(common / len(sa) if sa else 1.0, common / len(sb) if sb else 1.0),
        max(common / len(sa) if sa else 1.0, common / len(sb) if sb else 1.0),
        abs(math.log((len(wa) + 1) / (len(wb) + 1))),
        2 * len(ba & bb) / (len(ba) + len(bb)) if ba or bb else 1.0,
        len(ca ^ cb) / len(ca | cb) if ca | cb else 0.0,
        float(bool((set(wa) ^ set(wb)) & NEGATIONS)),
        float(any(c.type == "number" and c.a and c.b for c in changes)),
        float(any(far_apart(c) for c in changes)),
        float(any(c.type == "number" and not (c.a and c.b) for c in changes)),
        float("date" in types),
        float("name" in types or "claim" in types),
        float(substance_quote),
        float("hedge" in types or modal),
        float(bool(types - {"number", "date", "name", "claim", "quote", "hedge"})),
    ]
    return np.array(base + _surface(wa, wb, code))


def _surface(wa: list[str], wb: list[str], lang: str) -> list[float]:
    """The surface measures of ``STATEMENT_FEATURES`` (from ``ngram1_min`` on)."""
    fa, fb = [w.casefold() for w in wa], [w.casefold() for w in wb]
    xa, xb = [stem(w, lang) for w in fa], [stem(w, lang) for w in fb]
    out: list[float] = []
    for n in (1, 2, 3, 4):
        ga, gb = _ngrams(xa, n), _ngrams(xb, n)
        pa, pb = _precision(ga, gb), _precision(gb, ga)
        out += [min(pa, pb), max(pa, pb)]
    lcs = LCSseq.similarity(xa, xb)
    out += [lcs / max(min(len(xa), len(xb)), 1), lcs / max(len(xa), len(xb), 1)]
    out.append(Levenshtein.normalized_distance(xa, xb))
    stop = stopwords()
    ua = {s for w, s in zip(fa, xa, strict=True) if w not in stop}
    ub = {s for w, s in zip(fb, xb, strict=True) if w not in stop}
    unsaid = (math.log1p(len(ua - ub)), math.log1p(len(ub - ua)))
    out += [max(unsaid), min(unsaid), abs(len(fa) - len(fb)) / 10]
    na = {w for w in fa if not w.isalpha() and _DIGIT.search(w)}
    nb = {w for w in fb if not w.isalpha() and _DIGIT.search(w)}
    out += [float(na != nb), float(bool(na) and bool(nb) and na != nb and (na < nb or nb < na))]
    set_a, set_b = set(fa), set(fb)
    out.append(len(set_a & set_b) / len(set_a | set_b) if set_a | set_b else 1.0)
    return out


def _ngrams(tokens: list[str], n: int) -> list[tuple[str, ...]]:
    return list(zip(*(tokens[i:] for i in range(n)), strict=False))


def _precision(x: list[tuple[str, ...]], y: list[tuple[str, ...]]) -> float:
    """The share of the n-grams ``x`` found in ``y`` (1.0 when ``x`` is empty): BLEU's."""
    if not x:
        return 1.0
    return sum(map(set(y).__contains__, x)) / len(x)


def _value(text: str) -> float | None:
    digits = re.sub(r"[^\d.]", "", text.replace(",", ""))
    try:
        return float(digits)
    except ValueError:
        return None


def far_apart(change: Change) -> bool:
    """A number replaced by one more than ``FAR`` away from it."""
    if change.type != "number" or not change.a or not change.b:
        return False
    x, y = _value(change.a), _value(change.b)
    if x is None or y is None or max(abs(x), abs(y)) == 0:
        return False
    return abs(x - y) / max(abs(x), abs(y)) > FAR


def _bigrams(tokens: list[str], lang: str) -> set[tuple[str, str]]:
    stop = stopwords()
    kept = [stem(t, lang) for t in tokens if t not in stop]
    return set(itertools.pairwise(kept))


def hinge_name(feature: str, knot: float) -> str:
    """The name of max(0, ``feature`` - ``knot``) in a model file."""
    return f"{feature}>{knot:g}"


@cache
def _columns(features: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For a model's feature names: the base column each reads, its knot, whether hinged.

    Raises:
        ValueError: a name is neither a statement feature nor ``feature>knot``.
    """
    index, knots, hinged = [], [], []
    for name in features:
        base, sep, knot = name.partition(">")
        if base not in _INDEX:
            raise ValueError(f"same_statement model: unknown feature {name!r}")
        index.append(_INDEX[base])
        knots.append(float(knot) if sep else 0.0)
        hinged.append(bool(sep))
    return np.array(index), np.array(knots), np.array(hinged)


def model_matrix(features: Sequence[str], rows: np.ndarray) -> np.ndarray:
    """Rows of ``STATEMENT_FEATURES`` (shape ``(n, len(STATEMENT_FEATURES))``) as the
    columns a model over ``features`` (plain names and hinges) reads."""
    index, knots, hinged = _columns(tuple(features))
    picked = np.asarray(rows, dtype=np.float64)[:, index]
    return np.where(hinged, np.maximum(picked - knots, 0.0), picked)


def same_statement(features: np.ndarray, *, encoder: str | None = None) -> bool:
    """The ``same_statement`` decision for one unit's ``statement_features``."""
    if features[_INDEX["number_far"]] > 0:
        return False  # a number replaced by a distant one: another statement (``FAR``)
    model = statement_model(encoder or "use")
    return bool(model.predict(model_matrix(model.features, features[None, :]))[0] > 0.5)


def statement_model(encoder: str) -> LogisticModel:
    """``models/same_statement-<encoder>.json``, else its family's, else ``generic``."""
    for key in (encoder, encoder.split(":", 1)[0]):
        if f"same_statement-{key}" in available():
            return load(f"same_statement-{key}")
    return load("same_statement-generic")
