"""What every encoder shares: the ``Encoder`` protocol, unit rows, the sentence cache."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from typing import Any, Literal, Protocol, runtime_checkable

import numpy as np
from numpy.typing import NDArray

from ..errors import ConfigError

DEFAULT_ENCODER = "use"
"""The encoder used when none is named; chosen by measurement (see the module docstring)."""

ENCODER_NAMES = ("lexical", "use", "e5", "st:NAME_OR_PATH")
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


def normalise_rows(x: NDArray[np.floating[Any]]) -> Vectors:
    """L2-normalise rows in float32; all-zero rows stay zero."""
    out = np.asarray(x, dtype=np.float32)
    norms = np.sqrt(np.einsum("ij,ij->i", out, out))
    norms[norms == 0.0] = 1.0
    out /= norms[:, None]
    return out


class SentenceCache:
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


def encode_cached(
    texts: Sequence[str],
    dim: int,
    cache: SentenceCache,
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
        vectors = normalise_rows(np.asarray(compute(missing), dtype=np.float32))
        for text, row in zip(missing, vectors, strict=True):
            out[todo[text]] = row
            cache.put(text, row)
    return out
