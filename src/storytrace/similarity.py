"""Sentence-to-sentence similarity: encoder cosine combined with fact anchors.

Why anchors: under heavy rewording (and across languages) the encoder cosine of two
renderings of one statement can fall to the level of a merely topical neighbour. Shared
numbers, dates, names and quotations are rare, specific and language-independent (dates
are ISO, numbers are values), so a shared anchor is strong evidence that two sentences
report the same statement. The combination is a logistic model whose weights are fitted
per encoder on MSRP train (see ``bench/msrp_sentence_decision.py``) and shipped with the
package, so a similarity of 0.5 means "as likely the same statement as not" whatever the
encoder's own cosine scale.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources

import numpy as np
from rapidfuzz import process
from rapidfuzz.distance import Indel

from .model import Facts, Sentence

_WORD = re.compile(r"\w+", re.UNICODE)


def anchor_keys(facts: Facts) -> frozenset[str]:
    """Language-independent keys of a sentence's specific facts.

    Dates use month-day so that a date resolved with a year ("2025-12-15") meets the
    same date read without a publication year ("--12-15").
    """
    keys: set[str] = set()
    for number in facts.numbers:
        keys.add(f"n:{number.value:g}")
    for date in facts.dates:
        keys.add(f"d:{date_key(date.iso)}")
    for name in facts.names:
        keys.add(f"p:{name.key}")
    return frozenset(keys)


def date_key(iso: str) -> str:
    """Month-day of a full or year-less ISO date; the value itself otherwise."""
    if len(iso) == 10 and iso[4] == "-":
        return iso[5:]
    if iso.startswith("--"):
        return iso[2:]
    return iso


def words(text: str) -> list[str]:
    """Casefolded word tokens."""
    return _WORD.findall(text.casefold())


def token_overlap(a: str, b: str) -> float:
    """Dice overlap of the word sets of two texts (0 when either is empty)."""
    wa, wb = set(words(a)), set(words(b))
    if not wa or not wb:
        return 0.0
    return 2 * len(wa & wb) / (len(wa) + len(wb))


def char_ratio(a: str, b: str) -> float:
    """Normalised Indel similarity of the casefolded texts (rapidfuzz, fast C)."""
    return float(Indel.normalized_similarity(a.casefold(), b.casefold()))


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    """Jaccard of two sets; 0 when both are empty (no anchor is no evidence)."""
    union = len(a | b)
    return len(a & b) / union if union else 0.0


@dataclass(frozen=True, slots=True)
class SimilarityModel:
    """Logistic combination of cosine, anchors and surface overlap, per encoder."""

    bias: float
    w_cosine: float
    w_anchor: float
    w_overlap: float
    w_char: float

    def probability(self, cosine: float, anchor: float, overlap: float, char: float) -> float:
        """P(the two units report the same statement)."""
        z = (
            self.bias
            + self.w_cosine * cosine
            + self.w_anchor * anchor
            + self.w_overlap * overlap
            + self.w_char * char
        )
        return 1.0 / (1.0 + math.exp(-z))


@cache
def _models() -> dict[str, SimilarityModel]:
    text = resources.files("storytrace").joinpath("models/similarity.json").read_text("utf-8")
    raw = json.loads(text)
    return {name: SimilarityModel(**weights) for name, weights in raw["models"].items()}


def similarity_model(encoder_name: str, *, cross_lingual: bool = False) -> SimilarityModel:
    """The fitted weights for an encoder (``/xl``: the cross-lingual variant).

    Unknown encoders (any ``st:`` model) use the weights fitted for the generic family.
    """
    models = _models()
    suffix = "/xl" if cross_lingual else ""
    family = encoder_name.split(":", 1)[0]
    for key in (encoder_name + suffix, family + suffix, "generic" + suffix):
        if key in models:
            return models[key]
    return models["generic"]


@dataclass(frozen=True, slots=True)
class UnitSimilarity:
    """Scores units (runs of sentences on each side) of two articles.

    Vectors are computed once per sentence; a run of sentences is represented by the
    normalised sum of its vectors, its joined text and the union of its anchors. The full
    1:1 matrix is computed in bulk (matrix product, rapidfuzz ``cdist``); ``score`` is for
    the few many-to-one candidates the aligner tries.
    """

    a: Sequence[Sentence]
    b: Sequence[Sentence]
    va: np.ndarray
    vb: np.ndarray
    model: SimilarityModel
    cross_lingual: bool

    def matrix(self) -> np.ndarray:
        """P(same statement) of every A sentence against every B sentence, shape (n, m)."""
        n, m = len(self.a), len(self.b)
        if not n or not m:
            return np.zeros((n, m), dtype=np.float64)
        cosine = np.asarray(self.va @ self.vb.T, dtype=np.float64)
        anchors_a = [anchor_keys(s.facts) for s in self.a]
        anchors_b = [anchor_keys(s.facts) for s in self.b]
        anchor = np.array([[jaccard(x, y) for y in anchors_b] for x in anchors_a])
        if self.cross_lingual:
            overlap = np.zeros((n, m))
            char = np.zeros((n, m))
        else:
            overlap = _overlap_matrix([s.text for s in self.a], [s.text for s in self.b])
            char = process.cdist(
                [s.text for s in self.a],
                [s.text for s in self.b],
                scorer=Indel.normalized_similarity,
                processor=str.casefold,
                dtype=np.float32,
            ).astype(np.float64)
        m_ = self.model
        z = (
            m_.bias
            + m_.w_cosine * cosine
            + m_.w_anchor * anchor
            + m_.w_overlap * overlap
            + m_.w_char * char
        )
        return np.asarray(1.0 / (1.0 + np.exp(-z)))

    def features(self, ia: Sequence[int], ib: Sequence[int]) -> tuple[float, float, float, float]:
        """(cosine, anchor Jaccard, word overlap, char ratio) of a unit pair."""
        va = self.va[list(ia)].sum(axis=0)
        vb = self.vb[list(ib)].sum(axis=0)
        norm = float(np.linalg.norm(va) * np.linalg.norm(vb))
        cosine = float(va @ vb) / norm if norm else 0.0
        text_a = " ".join(self.a[i].text for i in ia)
        text_b = " ".join(self.b[j].text for j in ib)
        anchors_a = frozenset().union(*(anchor_keys(self.a[i].facts) for i in ia))
        anchors_b = frozenset().union(*(anchor_keys(self.b[j].facts) for j in ib))
        anchor = jaccard(anchors_a, anchors_b)
        if self.cross_lingual:
            # Surface overlap means nothing across scripts.
            return cosine, anchor, 0.0, 0.0
        return cosine, anchor, token_overlap(text_a, text_b), char_ratio(text_a, text_b)

    def score(self, ia: Sequence[int], ib: Sequence[int]) -> float:
        """P(same statement) for A sentences ``ia`` against B sentences ``ib``."""
        return self.model.probability(*self.features(ia, ib))


def _overlap_matrix(texts_a: Sequence[str], texts_b: Sequence[str]) -> np.ndarray:
    """Dice overlap of word sets for every pair, via one binary matrix product."""
    sets_a = [set(words(t)) for t in texts_a]
    sets_b = [set(words(t)) for t in texts_b]
    vocab: dict[str, int] = {}
    for group in (sets_a, sets_b):
        for ws in group:
            for w in ws:
                vocab.setdefault(w, len(vocab))
    ma = np.zeros((len(sets_a), max(len(vocab), 1)), dtype=np.float32)
    mb = np.zeros((len(sets_b), max(len(vocab), 1)), dtype=np.float32)
    for row, ws in enumerate(sets_a):
        ma[row, [vocab[w] for w in ws]] = 1.0
    for row, ws in enumerate(sets_b):
        mb[row, [vocab[w] for w in ws]] = 1.0
    inter = ma @ mb.T
    sizes = ma.sum(axis=1)[:, None] + mb.sum(axis=1)[None, :]
    with np.errstate(divide="ignore", invalid="ignore"):
        dice = np.where(sizes > 0, 2 * inter / sizes, 0.0)
    return np.asarray(dice, dtype=np.float64)
