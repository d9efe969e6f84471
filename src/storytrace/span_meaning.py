"""Meaning of a span of text against two articles' sentences, by the encoder.

``compare`` has each article's sentence vectors; a quotation pair across languages is
scored against them (``changes.quotes_xl``) without the changes importing an encoder.
A cosine alone means different things per encoder (e5 puts unrelated sentences at 0.75,
USE at 0.05), so the score is a margin: the two spans' cosine less the mean cosine of
each span with its ``NEIGHBOURS`` nearest other sentences of the other article. A
translated quotation is closer to its original than the article around it (margin 0.02
to 0.6 on WMT22 en-ru, ru-en, en-uk); a quotation replaced by another claim is not.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .encode import Encoder

NEIGHBOURS = 3
"""Other sentences of an article a span is measured against (their mean cosine)."""


@dataclass(frozen=True, slots=True)
class SpanMeaning:
    """``changes.quotes_xl.QuoteMeaning`` for one comparison: its encoder and vectors."""

    encoder: Encoder
    va: np.ndarray
    vb: np.ndarray

    def __call__(self, a: str, b: str, ia: Sequence[int], ib: Sequence[int]) -> float:
        """The margin of span ``a`` (in A's sentences ``ia``) and ``b`` (in B's ``ib``);
        +inf when an article has no other sentence to measure against."""
        if len(self.va) <= len(set(ia)) or len(self.vb) <= len(set(ib)):
            return math.inf
        x, y = self.encoder.encode([a, b])
        return float(x @ y) - (_nearest(self.vb, x, ib) + _nearest(self.va, y, ia)) / 2


def _nearest(vectors: np.ndarray, v: np.ndarray, skip: Sequence[int]) -> float:
    """Mean cosine of ``v`` with its ``NEIGHBOURS`` nearest rows, rows ``skip`` left out
    (masked, not copied: an article's vectors may be large)."""
    scores = np.asarray(vectors @ v, dtype=np.float64)
    scores[list(skip)] = -np.inf
    k = min(NEIGHBOURS, len(scores) - len(set(skip)))
    return float(np.partition(scores, len(scores) - k)[-k:].mean())
