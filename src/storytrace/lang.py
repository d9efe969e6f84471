"""Language identification: which language is an article (or a sentence) written in?

py3langid (naive Bayes over byte n-grams, model inside the package) over every language
it knows with an ISO 639-1 code, normalised probabilities, the first ``SAMPLE_CHARS``
characters only, and ``(None, 0.0)`` below ``MIN_LETTERS`` letters: a confident wrong
label is worse than none. py3langid ships its model LZMA-compressed (0.3 s to inflate at
every start); the inflated arrays are kept in the user's cache folder (``cache_folder``)
and loaded from there in about a tenth of that. Why each choice, with figures:
``docs/reading.md``.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Collection
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from .errors import ConfigError

if TYPE_CHECKING:
    from py3langid.langid import LanguageIdentifier

SAMPLE_CHARS = 2000
"""How many leading characters are classified; enough for 100% on the document sets."""

MIN_LETTERS = 12
"""Texts with fewer letters than this are too short to identify (``None``)."""

__all__ = ["MIN_LETTERS", "SAMPLE_CHARS", "identify", "supported_languages"]


@cache
def _identifier(candidates: frozenset[str] | None) -> LanguageIdentifier:
    """Load py3langid's bundled model once per candidate set.

    Each candidate set gets its own identifier because ``set_languages`` mutates the
    identifier; sharing one and switching sets would race between threads.
    """
    from py3langid.langid import LanguageIdentifier

    ptc, pc, classes, nextmove, output, row = _model()
    identifier = LanguageIdentifier(ptc, pc, classes, nextmove, output, norm_probs=True, tk_row=row)
    iso1 = [code for code in identifier.labels if len(code) == 2]
    if candidates is not None:
        unknown = sorted(candidates - set(iso1))
        if unknown:
            raise ConfigError(
                f"unknown language code(s) {', '.join(unknown)}; "
                f"choose ISO 639-1 codes among: {', '.join(sorted(iso1))}"
            )
    identifier.set_languages(iso1 if candidates is None else sorted(candidates))
    # set_languages keeps the chosen columns as a strided view, which makes the per-text
    # row gather in _sparse_score ~30% slower; a contiguous copy (15 MB) restores it.
    identifier.nb_ptc = np.ascontiguousarray(identifier.nb_ptc)
    return identifier


def cache_folder() -> Path:
    """Where storytrace keeps files it can rebuild: ``$STORYTRACE_CACHE``, else
    ``$XDG_CACHE_HOME/storytrace``, else ``~/.cache/storytrace``."""
    explicit = os.environ.get("STORYTRACE_CACHE")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "storytrace"


def _model() -> tuple[Any, ...]:
    """py3langid's model as ``LanguageIdentifier`` takes it: from the inflated copy in
    the cache folder when there is one for this model file, else inflated from the
    package (and the copy written, best effort: a read-only home only costs speed)."""
    import array
    import hashlib

    from py3langid.langid import MODEL_DIR, MODEL_FILE
    from py3langid.modelio import load_model

    packaged = Path(MODEL_DIR) / MODEL_FILE
    info = packaged.stat()
    tag = hashlib.sha256(f"{packaged}:{info.st_size}:{info.st_mtime_ns}".encode()).hexdigest()
    cached = cache_folder() / f"langid-{tag[:16]}.npz"
    try:
        with np.load(cached) as stored:
            nextmove = array.array("I", stored["nextmove"].tobytes())
            row = array.array("H", stored["row"].tobytes())
            classes = [str(c) for c in stored["classes"]]
            return stored["ptc"], stored["pc"], classes, nextmove, stored["output"].tolist(), row
    except (OSError, KeyError, ValueError):
        pass  # no copy yet, or a damaged one: inflate and (re)write it
    ptc, pc, classes, nextmove, row, output = load_model(packaged)
    with contextlib.suppress(OSError):
        cached.parent.mkdir(parents=True, exist_ok=True)
        partial = cached.with_suffix(f".{os.getpid()}.tmp")
        with partial.open("wb") as out:
            np.savez(
                out,
                ptc=np.asarray(ptc),
                pc=np.asarray(pc),
                classes=np.array(classes),
                nextmove=np.frombuffer(nextmove, np.uint32),
                row=np.frombuffer(row, np.uint16),
                output=np.array(output, np.int32),
            )
        partial.replace(cached)  # atomic: a reader never sees half a file
    return np.asarray(ptc), np.asarray(pc), list(classes), nextmove, list(output), row


def _has_letters(text: str, n: int) -> bool:
    """True when ``text`` holds at least ``n`` letters; stops as soon as it has seen them."""
    seen = 0
    for ch in text:
        if ch.isalpha():
            seen += 1
            if seen >= n:
                return True
    return False


def supported_languages() -> tuple[str, ...]:
    """The ISO 639-1 codes ``identify`` can return, sorted."""
    labels: list[Any] = _identifier(None).labels
    return tuple(sorted(str(code) for code in labels))


def identify(text: str, *, candidates: Collection[str] | None = None) -> tuple[str | None, float]:
    """Identify the language of ``text``.

    Args:
        text: an article or a sentence. Only the first ``SAMPLE_CHARS`` characters are
            read.
        candidates: restrict the answer to these ISO 639-1 codes (for a corpus known to
            hold only some languages); default: every language in ``supported_languages``.

    Returns:
        ``(code, confidence)``: an ISO 639-1 code and the classifier's normalised
        probability for it, in 0..1. ``(None, 0.0)`` when the text has fewer than
        ``MIN_LETTERS`` letters.

    Raises:
        ConfigError: ``candidates`` holds a code the identifier does not know.

    Examples:
        >>> identify("The president said on Monday that talks would resume next week.")[0]
        'en'
        >>> identify("ok")
        (None, 0.0)
    """
    sample = text[:SAMPLE_CHARS]
    if not _has_letters(sample, MIN_LETTERS):
        return None, 0.0
    key = None if candidates is None else frozenset(candidates)
    code, confidence = _identifier(key).classify(sample)
    return str(code), min(max(float(confidence), 0.0), 1.0)
