"""Language identification: which language is an article (or a sentence) written in?

py3langid (naive Bayes over byte n-grams, model inside the package) over every language
it knows with an ISO 639-1 code, normalised probabilities, the first ``SAMPLE_CHARS``
characters only, and ``(None, 0.0)`` below ``MIN_LETTERS`` letters: a confident wrong
label is worse than none. Why each choice, with figures: ``docs/reading.md``.
"""

from __future__ import annotations

from collections.abc import Collection
from functools import cache
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
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
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
