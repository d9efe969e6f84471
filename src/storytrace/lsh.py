"""MinHash LSH: candidate near-copies among many signatures, in little memory.

``LSHIndex`` splits each signature into ``bands`` bands of ``rows`` values; two documents
become candidates when any band is equal, which happens with probability
``1 - (1 - J**rows)**bands`` for Jaccard similarity J (an S-curve around the threshold
``optimal_params`` aims at). Candidates are then checked with ``fingerprint.jaccard`` or
by the aligner; the index only has to find them.

Design choices, with figures from ``bench/lsh_vs_datasketch.py`` (20,000 articles,
128 permutations, threshold 0.5, for which ``optimal_params`` gives 25 bands of 5 rows,
as datasketch's does; 2 cores):

One 64-bit hash a band
    A band is reduced to a 64-bit value, vectorised over all documents and bands at
    once: the band's ``rows`` values times fixed odd multipliers, one per (band, row),
    summed modulo 2**64. Two bands that differ in one value never collide (the
    multiplier is odd and the difference below 2**32); otherwise a collision has
    probability about 2**-64 for MinHash values, which are pseudo-random, and it would
    only add a false candidate, never lose one. Because the multipliers differ per
    band, equal values in different bands hash apart, so all bands share one table.
    No finaliser: binary search needs no avalanche, and a bijection would not change
    which bands collide.

Sorted arrays, not a dict of sets
    The table is a list of *runs*: each a sorted ``uint64`` array of band hashes with a
    parallel ``int64`` array of keys, 16 bytes an entry, plus one sorted ``int64`` per
    key for duplicate checks: ``16 * bands + 8`` = 408 bytes an article at 25 bands,
    which is what ``tracemalloc`` measures. datasketch's ``MinHashLSH`` keeps a Python
    ``bytes`` object, a ``set`` and dict slots per band plus a key table of lists:
    7,784 bytes an article, 19 times more. A query is one ``searchsorted`` of its band
    hashes per run: 53 us one at a time against datasketch's 47 (dict lookups), and
    8 us a query through ``query_many``, which sorts all the queries' hashes and walks
    each run once.

Inserting without re-sorting
    New entries wait in a buffer of arrays (at most 8,192 entries) that becomes a
    sorted run when full; a batch of 16,384 entries or more becomes a run at once.
    Queries look the buffer up through a dict (band hash to keys) that they bring up to
    date lazily, so inserting never pays for it. A run is merged (``searchsorted`` +
    ``np.insert``, linear) into the previous one while that one is not more than twice
    its size, so there are at most log2(N / 8192) + 1 runs and an entry is moved
    O(log N) times; ``compact`` merges everything into one run. Peak memory while
    building is about 1.8 times the final size (the merge copies). ``insert_many``
    hashes a batch in one vectorised pass: about 120,000-170,000 articles a second in
    batches of 100-1,000 and 20,000 one at a time, against datasketch's 7,000-10,000
    for ``MinHashLSH.insert``.

Integer keys
    Keys are ``int64`` (the store's article row ids). Inserting a key twice raises, as in
    datasketch; ``remove`` scans the arrays (linear, milliseconds a million entries).

Persistence
    ``to_bytes`` writes a 40-byte little-endian header (magic, format version,
    ``num_perm``, ``bands``, ``rows``, counts) and then the compacted arrays as
    ``'<i8'``/``'<u8'``; ``from_bytes`` validates it (sizes, sortedness) and, for
    ``bytes``, reads the arrays in place without copying. The band-hash constants
    derive from ``(num_perm, bands, rows)`` alone, so a loaded index hashes queries as
    the one that wrote it did.
"""

from __future__ import annotations

import struct
from collections.abc import Iterable
from functools import cache
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .errors import ConfigError
from .fingerprint import _splitmix64

__all__ = ["LSHIndex", "optimal_params"]

_RUN_ENTRIES = 1 << 14  # a batch this large becomes a run at once
_BUFFER_ENTRIES = 1 << 13  # the insert buffer becomes a run when this full
_CONSTANTS_STATE = 0x5354_4C53_4801  # SplitMix64 state for the band-hash constants
_MAGIC = b"STLSHIDX"
_FORMAT_VERSION = 1
_HEADER = struct.Struct("<8sIIIIQQ")  # magic, version, num_perm, bands, rows, keys, entries
_INT64_MAX = (1 << 63) - 1
_GRID = 513  # Simpson points on each side of the threshold

_Run = tuple[NDArray[np.uint64], NDArray[np.int64]]


def _simpson(y: NDArray[np.float64], step: float) -> NDArray[np.float64]:
    """Composite Simpson rule along the last axis (an odd number of points)."""
    odd: NDArray[np.float64] = y[..., 1:-1:2].sum(axis=-1)
    even: NDArray[np.float64] = y[..., 2:-1:2].sum(axis=-1)
    return (y[..., 0] + y[..., -1] + 4.0 * odd + 2.0 * even) * (step / 3.0)


@cache
def optimal_params(
    threshold: float,
    num_perm: int = 128,
    fp_weight: float = 0.5,
    fn_weight: float = 0.5,
) -> tuple[int, int]:
    """The ``(bands, rows)`` that minimise weighted false positive and negative areas.

    As datasketch's ``_optimal_param``: over every ``bands * rows <= num_perm``, minimise
    ``fp_weight * FP + fn_weight * FN`` where FP is the area under the candidate
    probability ``P(s) = 1 - (1 - s**rows)**bands`` for s in [0, threshold] and FN the
    area above it for s in [threshold, 1]. Every pair is integrated at once, without
    scipy: Simpson's rule on 513 points a side, with ``(1 - s**r)**b`` computed as
    ``exp(b * log1p(-s**r))`` from one row per ``r``. 15-25 ms for 128 permutations
    (datasketch's ``quad`` pair by pair: 30 ms), cached; it picks datasketch's pair in
    all 396 cases tried (thresholds 0.02-0.98, four weightings, 64/128/256
    permutations).

    Args:
        threshold: The Jaccard similarity to separate, strictly between 0 and 1.
        num_perm: Values per signature.
        fp_weight: Weight of false positives (non-negative).
        fn_weight: Weight of false negatives (non-negative); raise it for recall.

    Returns:
        ``(bands, rows)``.

    Raises:
        ConfigError: An argument is out of range.

    Examples:
        >>> optimal_params(0.5, 128)
        (25, 5)
    """
    if not 0.0 < threshold < 1.0:
        raise ConfigError(f"threshold must be strictly between 0 and 1, got {threshold}")
    if num_perm < 1:
        raise ConfigError(f"num_perm must be positive, got {num_perm}")
    if fp_weight < 0.0 or fn_weight < 0.0 or fp_weight + fn_weight <= 0.0:
        raise ConfigError(
            f"weights must be non-negative and not both 0, got fp={fp_weight} fn={fn_weight}"
        )
    pairs = [(b, r) for b in range(1, num_perm + 1) for r in range(1, num_perm // b + 1)]
    bands = np.array([b for b, _ in pairs], dtype=np.float64)[:, None]
    row_index = np.array([r - 1 for _, r in pairs])
    powers = np.arange(1, num_perm + 1, dtype=np.float64)[:, None]
    below = np.linspace(0.0, threshold, _GRID)[None, :]
    above = np.linspace(threshold, 1.0, _GRID)[None, :]
    with np.errstate(divide="ignore"):  # log1p(-1) = -inf at s = 1, and exp(-inf) = 0
        log_below = np.log1p(-(below**powers))  # log(1 - s**r), one row per r
        log_above = np.log1p(-(above**powers))
    miss_below = np.exp(bands * log_below[row_index])  # P(not a candidate) = (1 - s**r)**b
    miss_above = np.exp(bands * log_above[row_index])
    false_pos = _simpson(1.0 - miss_below, threshold / (_GRID - 1))
    false_neg = _simpson(miss_above, (1.0 - threshold) / (_GRID - 1))
    error = fp_weight * false_pos + fn_weight * false_neg
    return pairs[int(np.argmin(error))]  # the first minimum, in datasketch's search order


def _merge(big: _Run, small: _Run) -> _Run:
    """Merge two sorted runs in linear time (ties: ``big``'s entries first)."""
    positions = np.searchsorted(big[0], small[0], side="right")
    return np.insert(big[0], positions, small[0]), np.insert(big[1], positions, small[1])


def _sorted_run(hashes: NDArray[np.uint64], keys: NDArray[np.int64]) -> _Run:
    order = np.argsort(hashes, kind="stable")
    return hashes[order], keys[order]


def _as_keys(keys: ArrayLike) -> NDArray[np.int64]:
    array = np.asarray(keys)
    if array.ndim != 1:
        raise ValueError(f"keys must be a 1-D sequence of integers, got shape {array.shape}")
    if array.size == 0:
        return np.empty(0, dtype=np.int64)
    if array.dtype.kind not in "iu":
        raise ValueError(
            f"keys must be integers that fit in int64 (article row ids), got dtype {array.dtype}"
        )
    if array.dtype == np.uint64 and int(array.max()) > _INT64_MAX:
        raise ValueError("keys must fit in int64")
    return array.astype(np.int64, copy=False)


class LSHIndex:
    """A MinHash LSH index over integer keys, stored as sorted numpy arrays.

    Args:
        bands: Bands a signature is cut into (at least 1).
        rows: Values a band (at least 1); ``bands * rows <= num_perm``, and the values
            after ``bands * rows`` are not used.
        num_perm: Values a signature, as in ``fingerprint.MinHasher``.

    Raises:
        ConfigError: The parameters cannot work.

    Not thread-safe: threads sharing one index need a lock (the store has one writer).

    Examples:
        >>> from storytrace.fingerprint import MinHasher, shingles
        >>> hasher = MinHasher()
        >>> index = LSHIndex.for_threshold(0.5)
        >>> text = "the minister said on monday that the new bridge would open in may"
        >>> index.insert(7, hasher.signature(shingles(text)))
        >>> index.query(hasher.signature(shingles(text + " next year")))
        [7]
    """

    def __init__(self, bands: int, rows: int, num_perm: int = 128) -> None:
        if bands < 1 or rows < 1 or bands * rows > num_perm:
            raise ConfigError(
                f"bands * rows must be at most num_perm={num_perm} with both at least 1, "
                f"got bands={bands} rows={rows}; LSHIndex.for_threshold picks them"
            )
        self.bands = bands
        self.rows = rows
        self.num_perm = num_perm
        # One odd multiplier per (band, row): equal values in different bands hash apart.
        constants = _splitmix64(bands * rows, state=_CONSTANTS_STATE + num_perm)
        multipliers = [c | 1 for c in constants]
        self._multipliers = np.array(multipliers, dtype=np.uint64).reshape(bands, rows)
        self._runs: list[_Run] = []
        self._keys = np.empty(0, dtype=np.int64)  # sorted keys of the entries in runs
        # The insert buffer: entries in arrival order, and a lookup dict (band hash ->
        # keys) that queries bring up to date lazily, so inserting never touches it.
        self._buffer_hashes: list[NDArray[np.uint64]] = []
        self._buffer_keys: list[NDArray[np.int64]] = []
        self._buffer_entries = 0
        self._buffer_key_set: set[int] = set()
        self._lookup: dict[int, list[int]] = {}
        self._lookup_chunks = 0  # buffer chunks already in the lookup dict

    @classmethod
    def for_threshold(
        cls,
        threshold: float,
        num_perm: int = 128,
        fp_weight: float = 0.5,
        fn_weight: float = 0.5,
    ) -> LSHIndex:
        """An index with the ``optimal_params`` for a Jaccard threshold."""
        bands, rows = optimal_params(threshold, num_perm, fp_weight, fn_weight)
        return cls(bands, rows, num_perm)

    def __repr__(self) -> str:
        return (
            f"LSHIndex(bands={self.bands}, rows={self.rows}, num_perm={self.num_perm}, "
            f"keys={len(self)})"
        )

    def __len__(self) -> int:
        """The number of keys in the index."""
        return int(self._keys.size) + len(self._buffer_key_set)

    def __contains__(self, key: object) -> bool:
        if not isinstance(key, int | np.integer):
            return False
        value = int(key)
        if value in self._buffer_key_set:
            return True
        position = int(self._keys.searchsorted(value))
        return position < self._keys.size and int(self._keys[position]) == value

    @property
    def nbytes(self) -> int:
        """Bytes of the index's arrays, counting buffered entries at their array size.

        While entries wait in the insert buffer (at most 8,192) they take about 150
        bytes each as Python objects instead of 16.
        """
        total = int(self._keys.nbytes) + 8 * len(self._buffer_key_set)
        total += sum(int(h.nbytes + k.nbytes) for h, k in self._runs)
        return total + 16 * self._buffer_entries

    def _signatures(self, signatures: ArrayLike) -> NDArray[np.uint32]:
        array = np.asarray(signatures)
        if array.ndim != 2 or array.shape[1] != self.num_perm:
            raise ValueError(
                f"expected signatures of {self.num_perm} values, got shape {array.shape}; "
                "was the index made with another num_perm?"
            )
        if array.dtype != np.uint32:
            if array.dtype.kind not in "iu" or (
                array.size and (int(array.min()) < 0 or int(array.max()) > 0xFFFFFFFF)
            ):
                raise ValueError(f"signatures must be uint32 MinHash values, got {array.dtype}")
            array = array.astype(np.uint32)
        return array

    def band_hashes(self, signatures: ArrayLike) -> NDArray[np.uint64]:
        """The ``(n, bands)`` 64-bit band hashes of ``(n, num_perm)`` signatures.

        No finaliser: a binary search needs no avalanche, and a bijection on top would
        not change which bands collide.
        """
        sigs = self._signatures(signatures)
        used = sigs[:, : self.bands * self.rows].reshape(-1, self.bands, self.rows)
        values = used.astype(np.uint64)
        values *= self._multipliers
        hashes: NDArray[np.uint64] = values.sum(axis=2, dtype=np.uint64)
        return hashes

    def insert(self, key: int, signature: ArrayLike) -> None:
        """Add one key with its signature.

        Raises:
            ValueError: The key is already in the index, or the signature has the wrong
                length or type.
        """
        self.insert_many([key], np.asarray(signature)[None, :])

    def insert_many(
        self, keys: Iterable[int] | NDArray[np.integer[Any]], signatures: ArrayLike
    ) -> None:
        """Add many keys with their ``(n, num_perm)`` signatures, hashed in one pass.

        The result is the same as inserting them one by one, only faster. A batch of
        16,384 entries (``16384 / bands`` signatures) or more becomes a sorted run at
        once; smaller ones go through the insert buffer.

        Raises:
            ValueError: A key repeats, is already in the index, or the shapes disagree.
        """
        key_array = _as_keys(keys if isinstance(keys, np.ndarray) else list(keys))
        hashes = self.band_hashes(signatures)
        if hashes.shape[0] != key_array.size:
            raise ValueError(f"got {key_array.size} keys for {hashes.shape[0]} signatures")
        if key_array.size == 0:
            return
        self._check_new(key_array)
        entry_hashes = hashes.ravel()
        entry_keys = np.repeat(key_array, self.bands)
        if entry_hashes.size >= _RUN_ENTRIES:
            self._add_run(_sorted_run(entry_hashes, entry_keys), key_array)
            return
        self._buffer_hashes.append(entry_hashes)
        self._buffer_keys.append(entry_keys)
        self._buffer_entries += entry_hashes.size
        self._buffer_key_set.update(key_array.tolist())
        if self._buffer_entries >= _BUFFER_ENTRIES:
            self._flush()

    def _check_new(self, keys: NDArray[np.int64]) -> None:
        unique = np.unique(keys)
        if unique.size != keys.size:
            values, counts = np.unique(keys, return_counts=True)
            raise ValueError(f"key {int(values[counts > 1][0])} is given more than once")
        positions = self._keys.searchsorted(unique)
        inside = positions < self._keys.size
        present = unique[inside][self._keys[positions[inside]] == unique[inside]]
        if present.size:
            raise ValueError(f"key {int(present[0])} is already in the index")
        if self._buffer_key_set and not self._buffer_key_set.isdisjoint(unique.tolist()):
            repeated = sorted(self._buffer_key_set.intersection(unique.tolist()))
            raise ValueError(f"key {repeated[0]} is already in the index")

    def _clear_buffer(self) -> None:
        self._buffer_hashes, self._buffer_keys = [], []
        self._buffer_entries = 0
        self._buffer_key_set = set()
        self._lookup, self._lookup_chunks = {}, 0

    def _buffered_lookup(self) -> dict[int, list[int]]:
        """The lookup dict of the buffer, after adding the chunks inserted since last time."""
        lookup = self._lookup
        for chunk in range(self._lookup_chunks, len(self._buffer_hashes)):
            hashes: list[int] = self._buffer_hashes[chunk].tolist()
            keys: list[int] = self._buffer_keys[chunk].tolist()
            for band_hash, key in zip(hashes, keys, strict=True):
                found = lookup.get(band_hash)
                if found is None:
                    lookup[band_hash] = [key]
                else:
                    found.append(key)
        self._lookup_chunks = len(self._buffer_hashes)
        return lookup

    def _flush(self) -> None:
        if not self._buffer_entries:
            return
        hashes = np.concatenate(self._buffer_hashes)
        keys = np.concatenate(self._buffer_keys)
        new_keys = np.fromiter(self._buffer_key_set, dtype=np.int64)
        self._clear_buffer()
        self._add_run(_sorted_run(hashes, keys), new_keys)

    def _add_run(self, run: _Run, new_keys: NDArray[np.int64]) -> None:
        sorted_keys = np.sort(new_keys)
        self._keys = np.insert(self._keys, self._keys.searchsorted(sorted_keys), sorted_keys)
        self._runs.append(run)
        while len(self._runs) > 1 and self._runs[-2][0].size <= 2 * self._runs[-1][0].size:
            small = self._runs.pop()
            self._runs[-1] = _merge(self._runs[-1], small)

    def compact(self) -> None:
        """Merge the buffer and every run into one sorted run (fastest queries)."""
        self._flush()
        while len(self._runs) > 1:
            small = self._runs.pop()
            self._runs[-1] = _merge(self._runs[-1], small)

    def query(self, signature: ArrayLike) -> list[int]:
        """Keys sharing at least one band with the signature, ascending, without repeats.

        These are candidates: each still needs a similarity check.
        """
        hashes = self.band_hashes(np.asarray(signature)[None, :])[0]
        found: set[int] = set()
        for run_hashes, run_keys in self._runs:
            lo = run_hashes.searchsorted(hashes)
            hit = np.flatnonzero(run_hashes[np.minimum(lo, run_hashes.size - 1)] == hashes)
            if hit.size:  # find where each matched hash ends
                hi = run_hashes.searchsorted(hashes[hit], side="right")
                for start, stop in zip(lo[hit].tolist(), hi.tolist(), strict=True):
                    found.update(run_keys[start:stop].tolist())
        if self._buffer_entries:
            lookup = self._buffered_lookup()
            for band_hash in hashes.tolist():
                found.update(lookup.get(band_hash, ()))
        return sorted(found)

    def query_many(self, signatures: ArrayLike) -> list[list[int]]:
        """``query`` for each of ``(n, num_perm)`` signatures, in one vectorised pass.

        The band hashes of all queries are sorted first, so each run is searched in one
        ``searchsorted`` call walking it in order: much cheaper a query than one by one.
        """
        hashes = self.band_hashes(signatures)
        count = hashes.shape[0]
        flat = hashes.ravel()
        order = np.argsort(flat)
        wanted = flat[order]
        owners = order // self.bands  # the query each sorted hash belongs to
        found_owners: list[NDArray[np.int64]] = []
        found_keys: list[NDArray[np.int64]] = []
        for run_hashes, run_keys in self._runs:
            lo = run_hashes.searchsorted(wanted)
            hit = np.flatnonzero(run_hashes[np.minimum(lo, run_hashes.size - 1)] == wanted)
            if not hit.size:
                continue
            start = lo[hit]
            lengths = run_hashes.searchsorted(wanted[hit], side="right") - start
            ends = np.cumsum(lengths)
            positions = np.repeat(start - ends + lengths, lengths) + np.arange(int(ends[-1]))
            found_keys.append(run_keys[positions])
            found_owners.append(np.repeat(owners[hit], lengths))
        if self._buffer_entries:
            lookup = self._buffered_lookup()
            for position, band_hash in enumerate(flat.tolist()):
                keys = lookup.get(band_hash)
                if keys is not None:
                    found_keys.append(np.array(keys, dtype=np.int64))
                    found_owners.append(np.full(len(keys), position // self.bands, np.int64))
        if not found_keys:
            return [[] for _ in range(count)]
        all_owners = np.concatenate(found_owners)
        all_keys = np.concatenate(found_keys)
        by_owner = np.lexsort((all_keys, all_owners))
        all_owners, all_keys = all_owners[by_owner], all_keys[by_owner]
        first = np.ones(all_keys.size, dtype=bool)
        first[1:] = (all_owners[1:] != all_owners[:-1]) | (all_keys[1:] != all_keys[:-1])
        all_owners, all_keys = all_owners[first], all_keys[first]
        bounds = all_owners.searchsorted(np.arange(count + 1)).tolist()
        keys_list: list[int] = all_keys.tolist()
        return [keys_list[bounds[i] : bounds[i + 1]] for i in range(count)]

    def remove(self, key: int) -> None:
        """Remove a key and its entries (a linear scan of the arrays).

        Raises:
            KeyError: The key is not in the index.
        """
        value = int(key)
        if value in self._buffer_key_set:
            hashes = np.concatenate(self._buffer_hashes)
            keys = np.concatenate(self._buffer_keys)
            key_set = self._buffer_key_set - {value}
            self._clear_buffer()
            keep = keys != value
            self._buffer_hashes, self._buffer_keys = [hashes[keep]], [keys[keep]]
            self._buffer_entries = int(keep.sum())
            self._buffer_key_set = key_set
            return
        if value not in self:
            raise KeyError(value)
        self._keys = self._keys[self._keys != value]
        for i, (run_hashes, run_keys) in enumerate(self._runs):
            keep = run_keys != value
            if not keep.all():
                self._runs[i] = (run_hashes[keep], run_keys[keep])
        self._runs = [run for run in self._runs if run[0].size]

    def to_bytes(self) -> bytes:
        """The index as bytes (compacts it first); ``from_bytes`` reads them back."""
        self.compact()
        empty: _Run = (np.empty(0, np.uint64), np.empty(0, np.int64))
        hashes, keys = self._runs[0] if self._runs else empty
        header = _HEADER.pack(
            _MAGIC,
            _FORMAT_VERSION,
            self.num_perm,
            self.bands,
            self.rows,
            self._keys.size,
            hashes.size,
        )
        return b"".join(
            [
                header,
                self._keys.astype("<i8", copy=False).tobytes(),
                hashes.astype("<u8", copy=False).tobytes(),
                keys.astype("<i8", copy=False).tobytes(),
            ]
        )

    @classmethod
    def from_bytes(cls, data: bytes | bytearray | memoryview) -> LSHIndex:
        """Read an index written by ``to_bytes``.

        Raises:
            ValueError: The bytes are not an index of this format, or are damaged.
        """
        if not isinstance(data, bytes):
            data = bytes(data)  # a private copy: the arrays below are views of it
        if len(data) < _HEADER.size:
            raise ValueError(f"not a storytrace LSH index: {len(data)} bytes is too short")
        magic, version, num_perm, bands, rows, n_keys, n_entries = _HEADER.unpack_from(data)
        if magic != _MAGIC:
            raise ValueError("not a storytrace LSH index (wrong magic bytes)")
        if version != _FORMAT_VERSION:
            raise ValueError(
                f"LSH index format version {version}; this storytrace reads {_FORMAT_VERSION}"
            )
        expected = _HEADER.size + 8 * (n_keys + 2 * n_entries)
        if len(data) != expected or n_entries != n_keys * bands:
            raise ValueError(
                f"damaged LSH index: {len(data)} bytes for {n_keys} keys and {n_entries} "
                f"entries of {bands} bands (expected {expected} bytes)"
            )
        try:
            index = cls(bands, rows, num_perm)
        except ConfigError as err:
            raise ValueError(f"damaged LSH index: {err}") from err
        offset = _HEADER.size
        all_keys = np.frombuffer(data, dtype="<i8", count=n_keys, offset=offset)
        offset += 8 * n_keys
        hashes = np.frombuffer(data, dtype="<u8", count=n_entries, offset=offset)
        offset += 8 * n_entries
        keys = np.frombuffer(data, dtype="<i8", count=n_entries, offset=offset)
        if np.any(all_keys[1:] <= all_keys[:-1]) or np.any(hashes[1:] < hashes[:-1]):
            raise ValueError("damaged LSH index: arrays are not sorted")
        index._keys = all_keys.astype(np.int64, copy=False)
        if n_entries:
            index._runs = [
                (hashes.astype(np.uint64, copy=False), keys.astype(np.int64, copy=False))
            ]
        return index
