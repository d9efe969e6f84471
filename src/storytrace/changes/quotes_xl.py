"""Quotations compared across languages: reversed in meaning, or saying something else.

The quoted words of a translation always differ from the original's, so the
within-language rule (``changes.quotes``: shared substance words) says nothing here.
Two paired quotations differ in ``substance`` when

- their polarity is reversed: one negates its verb and the other has no negation of any
  kind (``changes.negation``; a translator's "no snow" / "отсутствия снега" is none); or
- by meaning, the quotation is no closer to its counterpart than to the other article's
  other sentences (``QuoteMeaning``, from the comparison's encoder: a quotation replaced
  by another claim).

Quotations are paired in order, and only when both sides of the unit hold as many: a
quotation split in two by "he said" on one side only is no evidence. A quotation on one
side only is not compared (translators put in and take out quotation marks freely).
There is no ``wording`` change across languages.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from ..model import Change, Sentence
from .negation import reversed_polarity


class QuoteMeaning(Protocol):
    """How much closer quotation ``a`` (in A's sentences ``ia``) and ``b`` (in B's
    ``ib``) are in meaning than each is to the other article's other sentences: a
    margin, negative when the two say something else."""

    def __call__(self, a: str, b: str, ia: Sequence[int], ib: Sequence[int]) -> float: ...


def cross_quote_changes(
    a: Sequence[Sentence],
    b: Sequence[Sentence],
    lang_a: str,
    lang_b: str,
    meaning: QuoteMeaning | None = None,
) -> list[Change]:
    """``substance`` changes between the paired quotations of two aligned runs of
    sentences in different languages (see the module doc); ``meaning`` None compares
    polarity only."""
    quotes_a = [q for s in a for q in s.facts.quotes]
    quotes_b = [q for s in b for q in s.facts.quotes]
    if not quotes_a or len(quotes_a) != len(quotes_b):
        return []
    ia, ib = [s.i for s in a], [s.i for s in b]
    out: list[Change] = []
    for qa, qb in zip(quotes_a, quotes_b, strict=True):
        if reversed_polarity(qa.text, lang_a, qb.text, lang_b) or (
            meaning is not None and meaning(qa.text, qb.text, ia, ib) < 0.0
        ):
            out.append(Change("quote", qa.text, qb.text, "substance"))
    return out
