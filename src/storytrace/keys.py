"""What the store computes once per article at ingest, for ``find`` to search by.

Three kinds of key, one per kind of version they catch:

- a MinHash signature of the body's word 5-grams (copies and light edits);
- a document vector: the mean of the encoder's vectors of the *lead*, the first
  ``LEAD_SENTENCES`` sentences (rewrites and translations). The lead, not the whole
  body, because ingest must stay cheap (USE costs about 1-3 ms a sentence here, an
  ECB+ article has 15 sentences) and a version keeps its lead above all; not the title,
  because versions re-title freely ("UPDATE: ...") and plain-text versions have none;
- fact keys: the article's rare, specific facts (names, full dates, measured numbers),
  language-independent where the fact is (dates and numbers), for fact blocking: two
  versions of a story share them even when their wording and language differ.

Sentence vectors are left to the moment a pair is verified, and cached then.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from .encode import Encoder
from .fingerprint import MinHasher, shingles
from .model import Article

LEAD_SENTENCES = 5
SHINGLE_K = 5


def lead_texts(article: Article) -> list[str]:
    """The sentences the document vector is made of."""
    return [s.text for s in article.sentences[:LEAD_SENTENCES]]


def document_vectors(articles: list[Article], encoder: Encoder) -> NDArray[np.float32]:
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
