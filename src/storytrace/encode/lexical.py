"""The ``lexical`` encoder: hashed word and character n-grams, no model (``docs/encoders.md``)."""

from __future__ import annotations

import re
import unicodedata
import zlib
from collections.abc import Sequence
from functools import lru_cache

import numpy as np
from numpy.typing import NDArray

from .._hashing import fmix32
from ..errors import ConfigError
from .base import SentenceCache, Vectors, encode_cached, normalise_rows

_WORD_RE = re.compile(r"\w+")
_CHAR_NGRAMS = (3, 4, 5)
_MAX_CACHED_WORD = 64
# Relative weights of the three feature blocks, each block first normalised to unit
# length. Bigrams count half: they mostly repeat what the unigrams say, and at full
# weight STS-B Spearman drops 0.025 (bench/encoders.py).
_BLOCK_WEIGHTS = (1.0, 0.5, 1.0)  # word unigrams, word bigrams, character n-grams


@lru_cache(maxsize=1 << 17)
def _word_features(word: str) -> tuple[int, NDArray[np.uint32]]:
    """The stable 32-bit hash of a word and of its character n-grams, memoised.

    crc32 rather than ``hash()``: Python salts ``hash`` per process, and vectors are
    stored and compared across processes. Words repeat (Zipf), so the memo saves most of
    the n-gram work.
    """
    padded = f" {word} "
    grams: list[str] = []
    for n in _CHAR_NGRAMS:
        if len(padded) <= n:
            grams.append(padded)
            break
        grams.extend(padded[i : i + n] for i in range(len(padded) - n + 1))
    char_hashes = np.fromiter(
        (zlib.crc32(g.encode("utf-8"), 0x63) for g in grams), dtype=np.uint32, count=len(grams)
    )
    return zlib.crc32(word.encode("utf-8"), 0x77), char_hashes


class LexicalEncoder:
    """Hashed word and character n-gram TF vectors; no model, nothing to fit.

    Args:
        dim: number of hashed buckets (a power of two, at least 256). 4096 keeps bucket
            collisions rare for a sentence (a few hundred features); larger costs memory
            for little gain (16384: MSRP +0.008, STS-B +0.001).
    """

    _CHUNK = 256
    """Texts per vectorised step; bounds the float64 scratch to ``_CHUNK x dim``."""

    def __init__(self, dim: int = 4096, *, cache_size: int = 2_000) -> None:
        if dim < 256 or dim & (dim - 1):
            raise ConfigError(f"lexical dim must be a power of two >= 256, got {dim}")
        self.name = "lexical"
        self.dim = dim
        # find verifies the same stored articles again and again: 2 ms an article saved;
        # a dense row is 16 KB, so 2,000 rows (32 MB) hold a session's working set
        self.cache = SentenceCache(cache_size)

    def encode(self, texts: Sequence[str]) -> Vectors:
        """Encode ``texts``; see ``Encoder.encode``. Repeated sentences are free."""
        return encode_cached(texts, self.dim, self.cache, self._compute)

    def _compute(self, texts: list[str]) -> NDArray[np.float32]:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for start in range(0, len(texts), self._CHUNK):
            chunk = texts[start : start + self._CHUNK]
            out[start : start + len(chunk)] = self._encode_chunk(chunk)
        return normalise_rows(out)

    def _encode_chunk(self, texts: Sequence[str]) -> NDArray[np.float64]:
        """Un-normalised vectors of up to ``_CHUNK`` texts, all rows in one numpy pass.

        Python only splits words and looks up each word's memoised hashes; counting,
        weighting and folding run over the whole chunk at once, since per-row numpy
        calls on a few hundred features cost more in overhead than in work.
        """
        n = len(texts)
        word_hashes: list[int] = []
        word_rows: list[int] = []
        char_arrays: list[NDArray[np.uint32]] = []
        for row, text in enumerate(texts):
            words = _WORD_RE.findall(unicodedata.normalize("NFKC", text).casefold())
            for word in words:
                word_hash, grams = _word_features(word[:_MAX_CACHED_WORD])
                word_hashes.append(word_hash)
                char_arrays.append(grams)
            word_rows.extend([row] * len(words))
        if not word_hashes:
            return np.zeros((n, self.dim))
        uni = np.array(word_hashes, dtype=np.uint64)
        uni_rows = np.array(word_rows, dtype=np.uint64)
        # Bigram = ordered pair of neighbouring word hashes in the same text, mixed into
        # one 32-bit key.
        same = uni_rows[:-1] == uni_rows[1:]
        mixed = (uni[:-1][same] * np.uint64(0x9E3779B1) + uni[1:][same]) & np.uint64(0xFFFFFFFF)
        bigrams = fmix32(mixed.astype(np.uint32)).astype(np.uint64)
        chars = np.concatenate(char_arrays).astype(np.uint64)
        char_rows = np.repeat(uni_rows, [len(g) for g in char_arrays])
        # One sortable key per feature occurrence: row | block | 32-bit hash.
        keys = np.concatenate(
            [
                (uni_rows << np.uint64(34)) | uni,
                (uni_rows[:-1][same] << np.uint64(34)) | np.uint64(1 << 32) | bigrams,
                (char_rows << np.uint64(34)) | np.uint64(2 << 32) | chars,
            ]
        )
        keys, counts = np.unique(keys, return_counts=True)
        rows = (keys >> np.uint64(34)).astype(np.int64)
        blocks = ((keys >> np.uint64(32)) & np.uint64(3)).astype(np.int64)
        hashes = fmix32((keys & np.uint64(0xFFFFFFFF)).astype(np.uint32))
        # Sublinear TF, then each (text, block) scaled to unit length times its weight.
        tf = 1.0 + np.log(counts)
        group = rows * 3 + blocks
        block_norm = np.sqrt(np.bincount(group, weights=tf * tf, minlength=3 * n))
        tf *= np.asarray(_BLOCK_WEIGHTS)[blocks] / block_norm[group]
        # Signed hashing: the top bit picks the sign, so collisions cancel on average
        # instead of piling up (Weinberger et al. 2009, "Feature hashing").
        tf[hashes >> np.uint32(31) == 1] *= -1.0
        buckets = (hashes & np.uint32(self.dim - 1)).astype(np.int64)
        dense = np.bincount(rows * self.dim + buckets, weights=tf, minlength=n * self.dim)
        return np.asarray(dense, dtype=np.float64).reshape(n, self.dim)
