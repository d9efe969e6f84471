"""The sentence decision: P(two runs of sentences report the same statement).

A logistic model over eight features (``FEATURES``: encoder cosine, word, trigram,
character, capitalised-word and fact-anchor overlaps, length ratio, unshared substance),
fitted per encoder and shipped (``models/similarity-*.json``), so that 0.5 means "as likely
the same statement as not" whatever the encoder's own cosine scale. Across languages only
``cosine``, ``length`` and ``anchor`` carry information; the surface features are zero
and the cross-lingual models do not read them. The features, the fits and the figures
are in ``docs/models.md``.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass

import numpy as np
from rapidfuzz import process
from rapidfuzz.distance import Indel

from .logistic import LogisticModel, available, load
from .model import Facts, Sentence
from .wording import capitalised, substance, words

FEATURES: tuple[str, ...] = (
    "cosine",
    "dice",
    "trigram",
    "char",
    "length",
    "extra",
    "caps",
    "anchor",
)
"""The features of the sentence decision, in the order of the model's weights."""

_SURFACE = frozenset({"dice", "trigram", "char", "extra", "caps"})
"""Features that compare spelling, meaningless across languages."""


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


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    """Jaccard of two sets; 0 when both are empty (no anchor is no evidence)."""
    union = len(a | b)
    return len(a & b) / union if union else 0.0


def similarity_model(encoder_name: str, *, cross_lingual: bool = False) -> LogisticModel:
    """The fitted model for an encoder: ``models/similarity-<encoder>[-xl].json``.

    ``-xl`` is the cross-lingual variant. Unknown encoders (any ``st:`` model) use the
    weights fitted for their family, then the ``generic`` ones.
    """
    suffix = "-xl" if cross_lingual else ""
    family = encoder_name.split(":", 1)[0]
    for key in (encoder_name, family):
        if f"similarity-{key}{suffix}" in available():
            return load(f"similarity-{key}{suffix}")
    return load(f"similarity-generic{suffix}")


def same_statement(model: LogisticModel, features: np.ndarray) -> np.ndarray:
    """P(same statement) for features shaped ``(len(FEATURES), ...)``; the model reads
    the features it names (a cross-lingual model names no surface feature)."""
    rows = [FEATURES.index(f) for f in model.features]
    return model.predict(np.moveaxis(features[rows], 0, -1))


BLOCK_CELLS = 1_000_000
"""Sentence pairs whose features ``UnitSimilarity.matrix`` holds at once (64 MB)."""


@dataclass(frozen=True, slots=True)
class _Side:
    """One side's runs of sentences, read once for every feature."""

    texts: list[str]
    words: list[list[str]]
    anchors: list[frozenset[str]]
    stems: list[frozenset[str]]
    caps: list[frozenset[str]]
    sizes: list[float]
    """Letters and digits of each run over the document's mean a sentence: a length
    that means the same in every script (a Japanese "word" is a whole clause)."""

    def rows(self, block: slice) -> _Side:
        """The runs of ``block`` only."""
        return _Side(
            self.texts[block],
            self.words[block],
            self.anchors[block],
            self.stems[block],
            self.caps[block],
            self.sizes[block],
        )

    @classmethod
    def of(
        cls, texts: list[str], anchors: list[frozenset[str]], lang: str, mean: float | None = None
    ) -> _Side:
        letters = [letter_count(t) for t in texts]
        scale = mean if mean is not None else (sum(letters) / len(letters) if letters else 1.0)
        return cls(
            texts=texts,
            words=[words(t) for t in texts],
            anchors=anchors,
            stems=[substance(t, lang) for t in texts],
            caps=[capitalised(t) for t in texts],
            sizes=[(n + 1) / (max(scale, 1.0) + 1) for n in letters],
        )


def letter_count(text: str) -> int:
    """How many letters and digits ``text`` holds."""
    return sum(ch.isalnum() for ch in text)


def _mean_letters(sentences: Sequence[Sentence]) -> float:
    return sum(letter_count(s.text) for s in sentences) / len(sentences) if sentences else 1.0


def pair_features(a: _Side, b: _Side, cosine: np.ndarray, *, cross_lingual: bool) -> np.ndarray:
    """Every feature of every A run against every B run: shape ``(8, n, m)``.

    Set overlaps are binary-matrix products and the character similarity is rapidfuzz's
    ``cdist`` in C, so a 60 x 60 sentence matrix costs a few milliseconds.
    """
    n, m = len(a.texts), len(b.texts)
    out = np.zeros((len(FEATURES), n, m), dtype=np.float64)
    out[0] = cosine
    if cross_lingual:  # words are no unit across scripts: relative letter counts
        len_a = np.log(a.sizes)[:, None]
        len_b = np.log(b.sizes)[None, :]
    else:
        len_a = np.log1p([len(w) for w in a.words])[:, None]
        len_b = np.log1p([len(w) for w in b.words])[None, :]
    out[4] = np.abs(len_a - len_b)
    if n and m:
        inter, size_a, size_b = _overlaps(a.anchors, b.anchors)
        union = size_a + size_b - inter
        with np.errstate(divide="ignore", invalid="ignore"):
            out[7] = np.where(union > 0, inter / union, 0.0)
    if cross_lingual or not n or not m:
        return out
    inter, size_a, size_b = _overlaps([set(w) for w in a.words], [set(w) for w in b.words])
    out[1] = _dice(inter, size_a, size_b)
    tri_a = [set(zip(w, w[1:], w[2:], strict=False)) for w in a.words]
    tri_b = [set(zip(w, w[1:], w[2:], strict=False)) for w in b.words]
    inter, size_a, size_b = _overlaps(tri_a, tri_b)
    with np.errstate(divide="ignore", invalid="ignore"):
        share_a = np.where(size_a > 0, inter / size_a, 0.0)
        share_b = np.where(size_b > 0, inter / size_b, 0.0)
    out[2] = (share_a + share_b) / 2
    out[3] = process.cdist(
        a.texts,
        b.texts,
        scorer=Indel.normalized_similarity,
        processor=str.casefold,
        dtype=np.float32,
    )
    inter, size_a, size_b = _overlaps(a.stems, b.stems)
    out[5] = np.log1p(size_a - inter) + np.log1p(size_b - inter)
    inter, size_a, size_b = _overlaps(a.caps, b.caps)
    out[6] = _dice(inter, size_a, size_b)
    return out


def _overlaps(
    sets_a: Sequence[AbstractSet[Hashable]], sets_b: Sequence[AbstractSet[Hashable]]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Intersection sizes of every pair of sets, and the set sizes broadcast to match.

    Up to a few thousand pairs, plain set intersections are fastest (a 20 x 20 sentence
    pair: 0.15 ms). Above, an inverted index: for each item both sides hold, every
    (A row, B row) pair holding it gains one. Memory is the result (n x m) plus the
    index, never a sentences x vocabulary matrix (which took 10 GiB for 5 MB texts).
    """
    shape = (len(sets_a), len(sets_b))
    size_a = np.broadcast_to(
        np.array([len(x) for x in sets_a], dtype=np.float64).reshape(-1, 1), shape
    )
    size_b = np.broadcast_to(
        np.array([len(y) for y in sets_b], dtype=np.float64).reshape(1, -1), shape
    )
    if shape[0] * shape[1] <= 2500:
        inter = np.array([[len(x & y) for y in sets_b] for x in sets_a], dtype=np.float64)
        return inter.reshape(shape), size_a, size_b
    rows_b: dict[Hashable, list[int]] = {}
    for j, items in enumerate(sets_b):
        for item in items:
            rows_b.setdefault(item, []).append(j)
    rows_a: dict[Hashable, list[int]] = {}
    for i, items in enumerate(sets_a):
        for item in items:
            if item in rows_b:
                rows_a.setdefault(item, []).append(i)
    inter = np.zeros(shape, dtype=np.float64)
    flat = inter.reshape(-1)
    width = shape[1]
    for item, rows in rows_a.items():
        cols = rows_b[item]
        if len(rows) == 1 and len(cols) == 1:
            flat[rows[0] * width + cols[0]] += 1.0
        else:
            inter[np.ix_(rows, cols)] += 1.0
    return inter, size_a, size_b


def _dice(inter: np.ndarray, size_a: np.ndarray, size_b: np.ndarray) -> np.ndarray:
    sizes = size_a + size_b
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.asarray(np.where(sizes > 0, 2 * inter / sizes, 0.0))


@dataclass(frozen=True, slots=True)
class UnitSimilarity:
    """Scores units (runs of sentences on each side) of two articles.

    Vectors are computed once per sentence; a run of sentences is represented by the
    normalised sum of its vectors, its joined text and the union of its anchors. The full
    1:1 matrix is computed in bulk; ``score`` is for the few many-to-one candidates the
    aligner tries.
    """

    a: Sequence[Sentence]
    b: Sequence[Sentence]
    va: np.ndarray
    vb: np.ndarray
    model: LogisticModel
    cross_lingual: bool
    lang_a: str = "en"
    lang_b: str = "en"

    def matrix(self) -> np.ndarray:
        """P(same statement) of every A sentence against every B sentence, shape (n, m).

        Computed ``BLOCK_CELLS`` pairs at a time, so the peak is the result (8 bytes a
        pair) plus one block's features, not the eight features of every pair at once.
        """
        n, m = len(self.a), len(self.b)
        out = np.zeros((n, m), dtype=np.float64)
        if not n or not m:
            return out
        sides = self.sides()
        rows = max(1, BLOCK_CELLS // m)
        for start in range(0, n, rows):
            block = slice(start, min(n, start + rows))
            out[block] = self.block(block, slice(0, m), sides=sides)
        return out

    def block(
        self, rows: slice, cols: slice, *, sides: tuple[_Side, _Side] | None = None
    ) -> np.ndarray:
        """P(same statement) of A sentences ``rows`` against B sentences ``cols``: what a
        banded or windowed aligner asks for, in memory of that rectangle only."""
        side_a, side_b = sides if sides is not None else self.sides()
        cosine = np.asarray(self.va[rows] @ self.vb[cols].T, dtype=np.float64)
        features = pair_features(
            side_a.rows(rows), side_b.rows(cols), cosine, cross_lingual=self.cross_lingual
        )
        return same_statement(self.model, features)

    def sides(self) -> tuple[_Side, _Side]:
        """Both sides' runs read once, for ``block(..., sides=)``."""
        side_a = _Side.of(
            [s.text for s in self.a], [anchor_keys(s.facts) for s in self.a], self.lang_a
        )
        side_b = _Side.of(
            [s.text for s in self.b], [anchor_keys(s.facts) for s in self.b], self.lang_b
        )
        return side_a, side_b

    def matrix_features(self) -> np.ndarray:
        """The features of every A sentence against every B sentence, ``(8, n, m)``."""
        side_a, side_b = self.sides()
        if len(self.a) and len(self.b):
            cosine = np.asarray(self.va @ self.vb.T, dtype=np.float64)
        else:
            cosine = np.zeros((len(self.a), len(self.b)))
        return pair_features(side_a, side_b, cosine, cross_lingual=self.cross_lingual)

    def features(self, ia: Sequence[int], ib: Sequence[int]) -> np.ndarray:
        """The features of one unit: A sentences ``ia`` against B sentences ``ib``."""
        va = self.va[list(ia)].sum(axis=0)
        vb = self.vb[list(ib)].sum(axis=0)
        norm = float(np.linalg.norm(va) * np.linalg.norm(vb))
        cosine = np.array([[float(va @ vb) / norm if norm else 0.0]])
        side_a = _Side.of(
            [" ".join(self.a[i].text for i in ia)],
            [frozenset().union(*(anchor_keys(self.a[i].facts) for i in ia))],
            self.lang_a,
            _mean_letters(self.a),
        )
        side_b = _Side.of(
            [" ".join(self.b[j].text for j in ib)],
            [frozenset().union(*(anchor_keys(self.b[j].facts) for j in ib))],
            self.lang_b,
            _mean_letters(self.b),
        )
        return pair_features(side_a, side_b, cosine, cross_lingual=self.cross_lingual)[:, 0, 0]

    def contained(self, side: str, k: int, others: Sequence[int]) -> float:
        """Share of sentence ``k``'s substance words (of side "a" or "b") that the other
        side's sentences ``others`` also say; 0 across languages, where words differ."""
        if self.cross_lingual:
            return 0.0
        here, there = (self.a, self.b) if side == "a" else (self.b, self.a)
        lang_here, lang_there = (
            (self.lang_a, self.lang_b)
            if side == "a"
            else (
                self.lang_b,
                self.lang_a,
            )
        )
        words_here = substance(here[k].text, lang_here)
        if not words_here:
            return 0.0
        said_there = [substance(there[o].text, lang_there) for o in others]
        said = sum(1 for word in words_here if any(word in words for words in said_there))
        return said / len(words_here)

    def score(self, ia: Sequence[int], ib: Sequence[int]) -> float:
        """P(same statement) for A sentences ``ia`` against B sentences ``ib``."""
        return float(same_statement(self.model, self.features(ia, ib)))


def feature_names(*, cross_lingual: bool) -> tuple[str, ...]:
    """The features that carry information in this setting (the rest are zero)."""
    return tuple(f for f in FEATURES if not (cross_lingual and f in _SURFACE))
