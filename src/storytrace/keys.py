"""The keys stage: everything computed once per analysed article, as plain data.

``compute_keys`` turns a batch of Articles into ``ArticleKeys``: the identity hash the
store dedupes on, what ``find`` looks versions up by (MinHash signature and its LSH band
hashes for copies and edits, the lead's document vector for rewrites and translations,
fact keys for versions whose wording and language both changed) and the event evidence
the stories stage weighs. It depends on no store and no other stage, so a batch engine
can run it in its workers and hand the results to a store. Why these keys:
``docs/find.md``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np
from numpy.typing import NDArray

from .encode import Encoder, get_encoder
from .events import EventEvidence, event_evidence
from .fingerprint import MinHasher, shingles
from .lsh import BandHasher
from .model import Article
from .pipeline import publication_hash

LEAD_SENTENCES = 5
"""Sentences of the lead, whose mean vector is the document vector."""

SHINGLE_K = 5
"""Words per shingle of the MinHash signature."""

MINHASH_SEED = 1
"""Seed of every store's MinHash permutations (fixed: signatures are stored)."""


@dataclass(frozen=True, slots=True, eq=False)
class ArticleKeys:
    """Everything computed once for one article (arrays inside: compared by identity).

    Attributes:
        store_key: the identity of the publication (``store_key``).
        signature: MinHash signature of the body's word 5-grams; None for a body with
            no word.
        bands: the signature's LSH band hashes (``lsh.BandHasher.hashes``); None with it.
        vector: the unit-length document vector (``document_vectors``).
        fact_keys: the article's fact keys (``facts.keys.fact_keys``).
        evidence: what the event model weighs (``events.event_evidence``).
    """

    store_key: str
    signature: NDArray[np.uint32] | None
    bands: NDArray[np.int64] | None
    vector: NDArray[np.float32]
    fact_keys: frozenset[str]
    evidence: EventEvidence


class KeySettings(Protocol):
    """The settings a store fixes for its keys (``store.StoreSettings`` has them)."""

    @property
    def encoder(self) -> str: ...
    @property
    def num_perm(self) -> int: ...
    @property
    def bands(self) -> int: ...
    @property
    def rows(self) -> int: ...


class Keyer:
    """The hashers and the encoder of one store's keys; the encoder loads on first use
    (loading USE takes seconds, and listing stories never needs it)."""

    def __init__(self, settings: KeySettings) -> None:
        self.encoder_name = settings.encoder
        self.hasher = MinHasher(num_perm=settings.num_perm, seed=MINHASH_SEED)
        self.band_hasher = BandHasher(settings.bands, settings.rows, settings.num_perm)
        self._encoder: Encoder | None = None

    @property
    def encoder(self) -> Encoder:
        """The encoder of the document vectors."""
        if self._encoder is None:
            self._encoder = get_encoder(self.encoder_name)
        return self._encoder

    def compute(self, articles: Sequence[Article]) -> list[ArticleKeys]:
        """``compute_keys`` with this store's encoder and hashers."""
        return compute_keys(articles, self.encoder, self.hasher, self.band_hasher)

    def signature(self, article: Article) -> NDArray[np.uint32] | None:
        """The article's MinHash signature (``signature``)."""
        return signature(article, self.hasher)

    def bands(self, signature: NDArray[np.uint32]) -> NDArray[np.int64]:
        """The LSH band hashes of a signature."""
        return band_hashes(signature, self.band_hasher)

    def document_vector(self, article: Article) -> NDArray[np.float32]:
        """The article's document vector (``document_vectors``)."""
        vector: NDArray[np.float32] = document_vectors([article], self.encoder)[0]
        return vector


def compute_keys(
    articles: Sequence[Article], encoder: Encoder, hasher: MinHasher, bands: BandHasher
) -> list[ArticleKeys]:
    """The keys of every article, in order; the document vectors of the whole batch are
    encoded in one call (the encoder is fastest on many sentences at once)."""
    vectors = document_vectors(articles, encoder)
    out: list[ArticleKeys] = []
    for article, vector in zip(articles, vectors, strict=True):
        sig = signature(article, hasher)
        evidence = event_evidence(article)
        out.append(
            ArticleKeys(
                store_key=store_key(article),
                signature=sig,
                bands=band_hashes(sig, bands) if sig is not None else None,
                vector=vector,
                # the evidence holds the fact keys already: names (p:) and anchors
                fact_keys=evidence.names | evidence.anchors,
                evidence=evidence,
            )
        )
    return out


def store_key(article: Article) -> str:
    """The identity of a publication: a hash of its cleaned body and the metadata that
    tells one publication from another (title, date, outlet, URL), and of its id when its
    source gave one (an id is kept: two records with the same body under two ids are
    two articles, one a duplicate version of the other)."""
    published = article.published.isoformat() if article.published else None
    key = publication_hash(article.body, article.title, published, article.outlet, article.url)
    if article.id == key[:16]:
        return key
    return hashlib.sha256(f"{key}\x1f{article.id}".encode()).hexdigest()


def publication_key(article: Article) -> str:
    """``store_key`` without the id: the key of stores made before ids joined it."""
    published = article.published.isoformat() if article.published else None
    return publication_hash(article.body, article.title, published, article.outlet, article.url)


def lead_texts(article: Article) -> list[str]:
    """The sentences the document vector is made of."""
    return [s.text for s in article.sentences[:LEAD_SENTENCES]]


def document_vectors(articles: Sequence[Article], encoder: Encoder) -> NDArray[np.float32]:
    """One unit-length vector per article: the mean of its lead's sentence vectors."""
    texts: list[str] = []
    spans: list[tuple[int, int]] = []
    for article in articles:
        lead = lead_texts(article) or [article.body[:1000]]
        spans.append((len(texts), len(texts) + len(lead)))
        texts.extend(lead)
    vectors = encoder.encode(texts) if texts else np.zeros((0, encoder.dim), np.float32)
    out = np.zeros((len(articles), encoder.dim), dtype=np.float32)
    for row, (start, end) in enumerate(spans):
        mean = vectors[start:end].mean(axis=0)
        norm = float(np.linalg.norm(mean))
        if norm:
            out[row] = mean / norm
    return out


def signature(article: Article, hasher: MinHasher) -> NDArray[np.uint32] | None:
    """The MinHash signature of the body's word 5-grams; None for a body with no word."""
    hashes = shingles(article.body, SHINGLE_K)
    if not len(hashes):
        return None
    return hasher.signature(hashes)


def band_hashes(signature: NDArray[np.uint32], bands: BandHasher) -> NDArray[np.int64]:
    """The LSH band hashes of one signature, as the store keeps them (signed 64-bit)."""
    hashes: NDArray[np.int64] = bands.hashes(signature[None, :])[0].astype(np.int64)
    return hashes
