"""The ``st:NAME_OR_PATH`` encoder: any sentence-transformers model (extra
``storytrace[transformers]``), never downloaded unless asked."""

from __future__ import annotations

import contextlib
import importlib
import os
from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..errors import ConfigError, MissingDependency
from .base import Device, SentenceCache, Vectors, encode_cached

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
        self.cache = SentenceCache(cache_size)

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
        return encode_cached(texts, self.dim, self.cache, self._compute)
