"""The event model: P(two articles report the same real-world event).

A logistic model over three IDF-weighted cosines that carry over to any news (no word
lists, no topic vocabulary, language-independent where the facts are):

- ``stem_cosine``: content-word stems (``wording.substance``) of the title and every
  sentence, *binary* (a stem is there or not), weighted ``idf ** 1.5``;
- ``name_cosine``: alias-folded names of every kind (the ``p:`` fact keys), binary,
  weighted ``idf``;
- ``anchor_cosine``: full dates and measured numbers (the ``d:`` and ``n:`` fact keys),
  binary, weighted ``idf``.

``idf(key) = ln((N + 1) / (df + 1)) + 1`` over the articles of the corpus: one
document-frequency table, updated at ingest (``CorpusStats``). Fitted on ECB+ by
``bench/stories_ecb.py``; what was tried and the figures are in ``docs/stories.md``.

Pure functions and small value types; no I/O.
"""

from __future__ import annotations

import math
import zlib
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from .facts.keys import fact_keys
from .logistic import LogisticModel, load
from .model import Article
from .wording import substance

FEATURES = ("stem_cosine", "name_cosine", "anchor_cosine")
"""The event model's features, in the order of ``EVENT_WEIGHTS[1:]``."""

EVENT_WEIGHTS: tuple[float, ...] = load("event").coefficients
"""Logistic weights (bias, stem, name, anchor cosine) for P(same event): ``models/event.json``,
fitted on all of ECB+ train+dev by ``bench/stories_ecb.py --write`` (provenance in the file)."""

STEM_IDF_POWER = 1.5
"""Stems weigh ``idf ** 1.5``: sharper on rare words (stems alone, within-topic pair AUC
0.883 against 0.880 at 1.0 and 0.883 at 2.0). Fixed on all topics, like binary stems."""

STEM_PREFIX = "s:"
"""Stems share the document-frequency table with the fact keys (``p:``, ``d:``, ``n:``)."""


@dataclass(frozen=True, slots=True)
class EventEvidence:
    """What the event model needs of one article; computed once, at ingest.

    Attributes:
        stems: ``s:``-prefixed content stems of the title and body, without counts.
        names: the article's ``p:`` fact keys (alias-folded names of every kind).
        anchors: its ``d:`` (full date) and ``n:`` (measured number) fact keys.
    """

    stems: frozenset[str]
    names: frozenset[str]
    anchors: frozenset[str]

    def all_keys(self) -> frozenset[str]:
        """Every key whose document frequency the model uses."""
        return self.stems | self.names | self.anchors


def event_evidence(article: Article) -> EventEvidence:
    """An article's evidence: its stems (title and sentences) and its fact keys.

    About 2.5 ms an article (ECB+, 16 sentences on average; stems are memoised per
    sentence and per word, so repeated wire text costs less); no encoder needed.
    """
    lang = (article.lang or "en").split("-")[0]
    stems: set[str] = set()
    texts = [s.text for s in article.sentences]
    if article.title:
        texts.append(article.title)
    for text in texts:
        stems.update(substance(text, lang))
    facts = fact_keys(article)
    return EventEvidence(
        stems=frozenset(STEM_PREFIX + s for s in stems),
        names=frozenset(k for k in facts if k.startswith("p:")),
        anchors=frozenset(k for k in facts if not k.startswith("p:")),
    )


@dataclass(slots=True)
class CorpusStats:
    """Document frequencies of evidence keys, updated as articles arrive.

    The store keeps the same table (fact keys already; ``s:`` stems besides) and can
    build one of these from it: ``CorpusStats(documents=n, df=counts)``.
    """

    documents: int = 0
    df: Counter[str] = field(default_factory=Counter)

    def add(self, evidence: EventEvidence) -> None:
        """Count one more article."""
        self.documents += 1
        self.df.update(evidence.all_keys())

    def remove(self, evidence: EventEvidence) -> None:
        """Forget an article counted before."""
        self.documents -= 1
        self.df.subtract(evidence.all_keys())

    @classmethod
    def of(cls, evidences: Iterable[EventEvidence]) -> CorpusStats:
        """The statistics of a whole corpus."""
        stats = cls()
        for evidence in evidences:
            stats.add(evidence)
        return stats

    def idf(self, key: str) -> float:
        """Smoothed inverse document frequency; an unseen key counts as seen once."""
        return math.log((self.documents + 1) / (max(self.df.get(key, 0), 0) + 1)) + 1.0


@dataclass(frozen=True, slots=True)
class WeightedEvidence:
    """One article's evidence as three sparse vectors (key -> weight), each normalised
    with the one-key prior of ``_unit`` (so slightly under unit length)."""

    stems: Mapping[str, float]
    names: Mapping[str, float]
    anchors: Mapping[str, float]


def weigh(evidence: EventEvidence, stats: CorpusStats) -> WeightedEvidence:
    """Weight an article's evidence by the corpus statistics (once per article)."""
    return WeightedEvidence(
        stems=_unit({k: stats.idf(k) ** STEM_IDF_POWER for k in evidence.stems}),
        names=_unit({k: stats.idf(k) for k in evidence.names}),
        anchors=_unit({k: stats.idf(k) for k in evidence.anchors}),
    )


def event_features(x: WeightedEvidence, y: WeightedEvidence) -> NDArray[np.float64]:
    """The model's features for a pair, in ``FEATURES`` order; symmetric in x and y.

    About 10-20 us a pair (three sparse dot products over dicts).
    """
    return np.array([_dot(x.stems, y.stems), _dot(x.names, y.names), _dot(x.anchors, y.anchors)])


@dataclass(frozen=True, slots=True)
class EventModel:
    """P(same event) = sigmoid(bias + weights . features), ``weights`` bias first."""

    weights: tuple[float, ...] = EVENT_WEIGHTS

    def probability(self, x: WeightedEvidence, y: WeightedEvidence) -> float:
        """P(x and y report the same event)."""
        return float(self.predict(event_features(x, y)[None, :])[0])

    def predict(self, features: NDArray[np.float64]) -> NDArray[np.float64]:
        """Probabilities for rows of features, shape (n, len(FEATURES))."""
        bias, *weights = self.weights
        return LogisticModel(features=FEATURES, weights=tuple(weights), bias=bias).predict(features)


def _unit(weights: dict[str, float]) -> dict[str, float]:
    """Normalise as if the article had one more key, of its mean weight, that no other
    article shares: a Laplace-style prior against tiny key sets. Two headlines whose only
    name is "China" get 0.5, not 1.0; a 200-stem document loses 0.25%. ECB+ is unmoved
    (within-topic pair AUC 0.914 either way); UCI headlines go from ARI 0.23 to 0.33."""
    if not weights:
        return {}
    # fsum: exactly rounded whatever the order of the keys, which follows the string
    # hash seed of the process; a plain sum made P(same event) differ by an ulp between
    # two processes (a Spark worker and the driver) on the same articles
    mean = math.fsum(weights.values()) / len(weights)
    norm = math.sqrt(math.fsum(w * w for w in weights.values()) + mean * mean)
    return {k: w / norm for k, w in weights.items()}


def _dot(a: Mapping[str, float], b: Mapping[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(w * b.get(k, 0.0) for k, w in a.items())


@dataclass(frozen=True, slots=True)
class EvidenceMatrix:
    """Many articles' weighted evidence as three compressed sparse rows (one per feature).

    For scoring a whole candidate graph at once (``link_probabilities``): about 12 bytes
    a key (an article of 200 stems and 20 names: 3 KB, against some 25 KB as
    ``WeightedEvidence`` dicts), built from any iterable, so a store can stream its
    evidence in without holding every key string at once. Row ``r`` of block ``b`` is
    ``ids[b][indptr[b][r]:indptr[b][r + 1]]`` with the same slice of ``weights[b]``.
    """

    indptr: tuple[NDArray[np.int64], ...]
    ids: tuple[NDArray[np.int64], ...]
    weights: tuple[NDArray[np.float64], ...]
    vocabulary_size: int

    def __len__(self) -> int:
        return len(self.indptr[0]) - 1


def evidence_matrix(evidences: Iterable[EventEvidence], stats: CorpusStats) -> EvidenceMatrix:
    """Weigh every article's evidence (as ``weigh`` does) into an ``EvidenceMatrix``."""
    vocabulary: dict[str, int] = {}
    blocks: list[tuple[list[int], list[int], list[float]]] = [([0], [], []) for _ in FEATURES]
    for evidence in evidences:
        weighted = weigh(evidence, stats)
        for (indptr, ids, weights), block in zip(
            blocks, (weighted.stems, weighted.names, weighted.anchors), strict=True
        ):
            for key, w in sorted(block.items()):
                ids.append(vocabulary.setdefault(key, len(vocabulary)))
                weights.append(w)
            indptr.append(len(ids))
    return EvidenceMatrix(
        indptr=tuple(np.asarray(b[0], dtype=np.int64) for b in blocks),
        ids=tuple(np.asarray(b[1], dtype=np.int64) for b in blocks),
        weights=tuple(np.asarray(b[2], dtype=np.float64) for b in blocks),
        vocabulary_size=len(vocabulary),
    )


def link_features(matrix: EvidenceMatrix, pairs: NDArray[np.int64]) -> NDArray[np.float64]:
    """``event_features`` for every row pair (i, j) of ``pairs``, shape (len(pairs), 3).

    Vectorised per article, not per pair: the links are grouped by their first article,
    whose row is scattered into a dense vector once and gathered against all its
    partners' rows together (about 3 us a link against 20 us for ``event_features``).
    """
    pairs = np.asarray(pairs, dtype=np.int64).reshape(-1, 2)
    out = np.zeros((len(pairs), len(FEATURES)))
    if not len(pairs):
        return out
    order = np.argsort(pairs[:, 0], kind="stable")
    firsts, starts = np.unique(pairs[order, 0], return_index=True)
    ends = np.append(starts[1:], len(order))
    dense = [np.zeros(matrix.vocabulary_size) for _ in FEATURES]
    for first, start, end in zip(firsts.tolist(), starts.tolist(), ends.tolist(), strict=True):
        rows = order[start:end]
        partners = pairs[rows, 1]
        for b in range(len(FEATURES)):
            indptr, ids, weights = matrix.indptr[b], matrix.ids[b], matrix.weights[b]
            lo, hi = indptr[first], indptr[first + 1]
            if lo == hi:
                continue
            dense[b][ids[lo:hi]] = weights[lo:hi]
            p_lo, p_hi = indptr[partners], indptr[partners + 1]
            lengths = p_hi - p_lo
            total = int(lengths.sum())
            if total:
                offsets = np.repeat(p_lo - np.cumsum(lengths) + lengths, lengths)
                gather = offsets + np.arange(total)
                products = dense[b][ids[gather]] * weights[gather]
                segment = np.repeat(np.arange(len(partners)), lengths)
                out[rows, b] = np.bincount(segment, products, minlength=len(partners))
            dense[b][ids[lo:hi]] = 0.0
    return out


def link_probabilities(
    matrix: EvidenceMatrix, pairs: NDArray[np.int64], model: EventModel | None = None
) -> NDArray[np.float64]:
    """P(same event) for every row pair (i, j) of ``pairs``."""
    return (model or EventModel()).predict(link_features(matrix, pairs))


def encode_evidence(evidence: EventEvidence) -> bytes:
    """The evidence keys as compressed bytes (sorted, one per line)."""
    return zlib.compress("\n".join(sorted(evidence.all_keys())).encode("utf-8"), 6)


def decode_evidence(blob: bytes) -> EventEvidence:
    keys = zlib.decompress(blob).decode("utf-8").split("\n") if blob else []
    stems = frozenset(k for k in keys if k.startswith(STEM_PREFIX))
    names = frozenset(k for k in keys if k.startswith("p:"))
    anchors = frozenset(k for k in keys if k and k not in stems and k not in names)
    return EventEvidence(stems=stems, names=names, anchors=anchors)
