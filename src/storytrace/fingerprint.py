"""Copy-detection fingerprints: word k-gram shingles and a batched numpy MinHash.

A document is the *set* of its word 5-grams (``shingles``, stable 32-bit hashes); two
documents' Jaccard similarity is estimated from their MinHash signatures
(``MinHasher``, bit-identical to datasketch's "affine32" scheme for the same inputs),
which ``storytrace.lsh.BandHasher`` turns into candidate pairs without comparing every
pair. This finds reprints and light edits; rewrites are the encoders' job. A signature
is stored as ``num_perm`` little-endian uint32 values. Design and measurements:
``docs/fingerprint.md``.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ._hashing import fmix32, fmix64
from .errors import ConfigError

__all__ = [
    "MinHasher",
    "jaccard",
    "shingles",
    "signature_from_bytes",
    "signature_to_bytes",
]

Signature = NDArray[np.uint32]
"""One MinHash signature: ``num_perm`` ``uint32`` values."""

_WORD = re.compile(r"\w+", re.UNICODE)
_MAX_K = 16
_MASK64 = (1 << 64) - 1


def _splitmix64(count: int, state: int = 0) -> list[int]:
    """The first ``count`` outputs of SplitMix64 from ``state``: fixed, well-mixed constants."""
    out = []
    for _ in range(count):
        state = (state + 0x9E3779B97F4A7C15) & _MASK64
        z = state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _MASK64
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _MASK64
        out.append(z ^ (z >> 31))
    return out


# One odd 64-bit multiplier per position in the k-gram. Fixed forever: changing one
# changes every stored shingle.
_POSITION_MULTIPLIERS = np.array([v | 1 for v in _splitmix64(_MAX_K)], dtype=np.uint64)
_TOKEN_CACHE: dict[str, int] = {}
_TOKEN_CACHE_MAX = 1 << 16  # about 10 MB; cleared when full (news vocabularies are Zipfian)

_MAX_HASH32 = np.uint32(0xFFFFFFFF)
_BLOCK_VALUES = 1 << 20  # permuted hashes per block: 4 MB of uint32


def _token_hash(token: str) -> int:
    return int.from_bytes(hashlib.blake2b(token.encode("utf-8"), digest_size=8).digest(), "little")


def _token_hashes(tokens: list[str]) -> NDArray[np.uint64]:
    """64-bit hashes of tokens, memoised (a dict lookup in C for the words already seen)."""
    cache = _TOKEN_CACHE
    try:
        values = list(map(cache.__getitem__, tokens))
    except KeyError:
        if len(cache) > _TOKEN_CACHE_MAX:
            cache.clear()
        for token in tokens:
            if token not in cache:
                cache[token] = _token_hash(token)
        values = [cache[token] for token in tokens]
    return np.array(values, dtype=np.uint64)


def shingles(text: str, k: int = 5) -> NDArray[np.uint32]:
    """The set of word k-gram shingles of a text, as sorted distinct 32-bit hashes.

    Tokens are the casefolded ``\\w+`` matches (Unicode), so punctuation, case and
    spacing do not matter. A text with fewer than ``k`` words gives one shingle of all
    its words; a text with no word gives an empty array (which ``MinHasher`` refuses).

    Args:
        text: The text.
        k: Words per shingle, 1 to 16.

    Returns:
        A sorted ``uint32`` array without repeats; equal for equal texts in every process.

    Raises:
        ConfigError: ``k`` is out of range.

    Examples:
        >>> shingles("The cat sat.", k=2).size
        2
        >>> bool((shingles("THE  cat, sat", k=2) == shingles("the cat sat", k=2)).all())
        True
    """
    if not 1 <= k <= _MAX_K:
        raise ConfigError(f"shingle size k must be 1 to {_MAX_K} words, got {k}; 5 is usual")
    tokens = _WORD.findall(text.casefold())
    if not tokens:
        return np.empty(0, dtype=np.uint32)
    token_hashes = _token_hashes(tokens)
    width = min(k, token_hashes.size)
    count = token_hashes.size - width + 1
    combined = token_hashes[:count] * _POSITION_MULTIPLIERS[0]
    for position in range(1, width):
        combined += token_hashes[position : position + count] * _POSITION_MULTIPLIERS[position]
    hashes = (fmix64(combined) >> np.uint64(32)).astype(np.uint32)
    hashes.sort()
    keep = np.empty(hashes.size, dtype=bool)  # np.unique costs 4x this on small arrays
    keep[0] = True
    np.not_equal(hashes[1:], hashes[:-1], out=keep[1:])
    return hashes[keep]


def _as_hashes(values: ArrayLike, index: int) -> NDArray[np.uint32]:
    """Shingle hashes as ``uint32``, refusing values that do not fit in 32 bits."""
    array = np.asarray(values)
    if array.ndim != 1:
        raise ValueError(
            f"document {index}: shingle hashes must be a 1-D array, got shape {array.shape}"
        )
    if array.dtype == np.uint32:
        return array
    if array.size == 0:
        return np.empty(0, dtype=np.uint32)
    if array.dtype.kind not in "iu":
        raise ValueError(
            f"document {index}: shingle hashes must be integers, got dtype {array.dtype}"
        )
    if int(array.min()) < 0 or int(array.max()) > 0xFFFFFFFF:
        raise ValueError(
            f"document {index}: shingle hashes must fit in 32 bits (0 to 2**32 - 1); "
            "use storytrace.fingerprint.shingles, or fold wider hashes first"
        )
    return array.astype(np.uint32)


@dataclass(frozen=True, slots=True)
class MinHasher:
    """MinHash signatures of shingle sets, many documents at once.

    Attributes:
        num_perm: Permutations, i.e. values per signature. The standard error of a
            Jaccard estimate is sqrt(J(1 - J) / num_perm): 0.044 at J = 0.5 with 128.
        seed: Chooses the permutations. Only signatures made with the same
            ``num_perm`` and ``seed`` can be compared.

    Examples:
        >>> hasher = MinHasher(num_perm=64)
        >>> a = hasher.signature(shingles("the cat sat on the mat and looked at the dog"))
        >>> b = hasher.signature(shingles("the cat sat on the mat and looked at a dog"))
        >>> a.shape, a.dtype.name
        ((64,), 'uint32')
        >>> 0.0 < jaccard(a, b) < 1.0
        True
    """

    num_perm: int = 128
    seed: int = 1
    _a: NDArray[np.uint32] = field(init=False, repr=False, compare=False)
    _b: NDArray[np.uint32] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not 1 <= self.num_perm <= 1 << 16:
            raise ConfigError(
                f"num_perm must be 1 to 65536, got {self.num_perm}; 128 is the usual choice"
            )
        if not 0 <= self.seed < 1 << 32:
            raise ConfigError(f"seed must be 0 to 2**32 - 1, got {self.seed}")
        # Exactly datasketch 2.0's affine32 draw (MinHash._init_permutations), so that
        # signatures are interchangeable: odd a in [1, 2**32), b in [0, 2**32).
        generator = np.random.RandomState(self.seed)
        a = generator.randint(0, 1 << 31, self.num_perm, dtype=np.uint32) * np.uint32(2)
        a += np.uint32(1)
        b = generator.randint(0, 1 << 32, self.num_perm, dtype=np.uint32)
        object.__setattr__(self, "_a", a)
        object.__setattr__(self, "_b", b)

    def signature(self, shingle_hashes: ArrayLike) -> Signature:
        """The signature of one shingle set.

        Args:
            shingle_hashes: The set's 32-bit hashes (repeats are harmless).

        Returns:
            ``num_perm`` ``uint32`` values.

        Raises:
            ValueError: The set is empty, or a hash does not fit in 32 bits.
        """
        row: Signature = self.signatures([shingle_hashes])[0]
        return row

    def signatures(self, documents: Sequence[ArrayLike]) -> NDArray[np.uint32]:
        """Signatures of many shingle sets, in one vectorised pass.

        Args:
            documents: One array of 32-bit shingle hashes per document.

        Returns:
            A C-contiguous ``(len(documents), num_perm)`` ``uint32`` array; row ``i``
            equals ``signature(documents[i])``.

        Raises:
            ValueError: A set is empty (the message lists which), or a hash does not fit
                in 32 bits.
        """
        arrays = [_as_hashes(doc, i) for i, doc in enumerate(documents)]
        count = len(arrays)
        if count == 0:
            return np.empty((0, self.num_perm), dtype=np.uint32)
        lengths = np.fromiter((a.size for a in arrays), dtype=np.int64, count=count)
        empty = np.flatnonzero(lengths == 0)
        if empty.size:
            shown = ", ".join(str(i) for i in empty[:10].tolist())
            more = f" and {empty.size - 10} more" if empty.size > 10 else ""
            raise ValueError(
                f"documents {shown}{more} have no shingles (no words): an empty set has no "
                "MinHash; leave such documents out"
            )
        mixed = fmix32(np.concatenate(arrays))
        starts = np.zeros(count, dtype=np.int64)
        np.cumsum(lengths[:-1], out=starts[1:])
        return self._reduce(mixed, starts)

    def _reduce(self, mixed: NDArray[np.uint32], starts: NDArray[np.int64]) -> Signature:
        """Per-document minima of the permuted hashes, block by block."""
        total = mixed.size
        num_perm = self.num_perm
        out = np.full((num_perm, starts.size), _MAX_HASH32, dtype=np.uint32)
        block = max(1, _BLOCK_VALUES // num_perm)
        buffer = np.empty(num_perm * min(block, total), dtype=np.uint32)
        a = self._a[:, None]
        b = self._b[:, None]
        for lo in range(0, total, block):
            hi = min(lo + block, total)
            values = buffer[: num_perm * (hi - lo)].reshape(num_perm, hi - lo)
            np.multiply(a, mixed[None, lo:hi], out=values)
            np.add(values, b, out=values)
            first = int(np.searchsorted(starts, lo, side="right")) - 1
            stop = int(np.searchsorted(starts, hi, side="left"))
            segments = starts[first:stop] - lo
            segments[0] = 0  # the first document may have started in an earlier block
            minima: NDArray[np.uint32] = np.minimum.reduceat(values, segments, axis=1)
            target = out[:, first:stop]
            np.minimum(target, minima, out=target)
        return np.ascontiguousarray(out.T)

    def jaccard(self, sig_a: ArrayLike, sig_b: ArrayLike) -> float:
        """``jaccard(sig_a, sig_b)``, checking both have ``num_perm`` values."""
        a, b = np.asarray(sig_a), np.asarray(sig_b)
        if a.shape != (self.num_perm,) or b.shape != (self.num_perm,):
            raise ValueError(
                f"signatures must have {self.num_perm} values, got shapes {a.shape} and {b.shape}"
            )
        return jaccard(a, b)


def jaccard(sig_a: ArrayLike, sig_b: ArrayLike) -> float:
    """Estimated Jaccard similarity: the share of positions where two signatures agree.

    Both must come from the same ``MinHasher`` settings; the estimate's standard error
    is sqrt(J(1 - J) / num_perm).

    Raises:
        ValueError: The signatures differ in length or are empty.
    """
    a, b = np.asarray(sig_a), np.asarray(sig_b)
    if a.ndim != 1 or a.shape != b.shape or a.size == 0:
        raise ValueError(
            f"signatures must be 1-D, non-empty and of equal length, got {a.shape} and {b.shape}"
        )
    return float(np.count_nonzero(a == b)) / a.size


def signature_to_bytes(signature: ArrayLike) -> bytes:
    """A signature as compact bytes: little-endian ``uint32`` values (``'<u4'``), no header.

    Raises:
        ValueError: Not a 1-D array of 32-bit values.
    """
    array: NDArray[Any] = np.asarray(signature)
    if array.ndim != 1 or array.dtype != np.uint32:
        raise ValueError(
            f"a signature is a 1-D uint32 array, got shape {array.shape} dtype {array.dtype}"
        )
    return array.astype("<u4", copy=False).tobytes()


def signature_from_bytes(data: bytes, num_perm: int | None = None) -> Signature:
    """The signature that ``signature_to_bytes`` wrote (a new, writable array).

    Args:
        data: The bytes.
        num_perm: If given, the number of values the bytes must hold.

    Raises:
        ValueError: The length is not a multiple of 4, or not ``4 * num_perm``.
    """
    if len(data) % 4 or not data:
        raise ValueError(f"signature bytes must be a non-empty multiple of 4, got {len(data)}")
    if num_perm is not None and len(data) != 4 * num_perm:
        raise ValueError(
            f"expected {4 * num_perm} bytes for num_perm={num_perm}, got {len(data)}; "
            "was the signature made with other MinHasher settings?"
        )
    return np.frombuffer(data, dtype="<u4").astype(np.uint32)
