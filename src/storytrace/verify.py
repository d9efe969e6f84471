"""Verifying a pair of articles with ``compare``, as ``find`` and the stories stage do.

Within one language the ``lexical`` encoder judges a pair (fast; the relation labels
rest on coverage and identity, where it matches USE), across languages the store's
encoder. Sentence vectors of stored articles are cached in the store, so a pair verified
again (another query, another stories run) is not encoded twice.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from .comparison import compare
from .encode import encoder_for_pair, get_encoder
from .model import Article, Comparison
from .store.repository import Repository

LEXICAL = "lexical"


def pair_encoder(a: Article, b: Article, store_encoder: str) -> str:
    """The encoder that judges this pair: lexical within a language, else the store's
    (or the wider one for languages it does not cover: ``encode.encoder_for_pair``)."""
    if (a.lang or "") == (b.lang or ""):
        return LEXICAL
    return encoder_for_pair(store_encoder, a.lang, b.lang)


def sentence_vectors(
    repo: Repository, rowid: int | None, article: Article, encoder: str
) -> NDArray[np.float32]:
    """Sentence vectors of an article by ``encoder``, through the store's cache for a
    stored one (``rowid``). Lexical vectors are cheap and memoised by the encoder: never
    kept in the store."""
    enc = get_encoder(encoder)
    kept = rowid if enc.name != LEXICAL else None
    if kept is not None:
        found = repo.cached_sentence_vectors(kept, enc.name, (len(article.sentences), enc.dim))
        if found is not None:
            return found
    vectors = enc.encode([s.text for s in article.sentences])
    if kept is not None:
        repo.cache_sentence_vectors(kept, enc.name, vectors)
    return vectors


def verify_pair(
    repo: Repository, a: tuple[int, Article], b: tuple[int, Article], store_encoder: str
) -> Comparison:
    """``compare`` of two stored articles (row, article) by their ``pair_encoder``, on
    cached sentence vectors."""
    (a_row, x), (b_row, y) = a, b
    encoder = pair_encoder(x, y, store_encoder)
    vectors = (sentence_vectors(repo, a_row, x, encoder), sentence_vectors(repo, b_row, y, encoder))
    return compare(x, y, encoder=encoder, vectors=vectors)
