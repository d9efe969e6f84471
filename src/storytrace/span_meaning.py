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
        others_a = np.delete(self.va, list(ia), axis=0)
        others_b = np.delete(self.vb, list(ib), axis=0)
        if not len(others_a) or not len(others_b):
            return math.inf
        x, y = self.encoder.encode([a, b])
        near_b = np.sort(others_b @ x)[-NEIGHBOURS:].mean()
        near_a = np.sort(others_a @ y)[-NEIGHBOURS:].mean()
        return float(x @ y) - float(near_a + near_b) / 2
