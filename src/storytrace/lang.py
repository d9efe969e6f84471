"""Language identification: which language is an article (or a sentence) written in?

py3langid (naive Bayes over byte n-grams, model inside the package) over every language
it knows with an ISO 639-1 code, normalised probabilities, the first ``SAMPLE_CHARS``
characters only, and ``(None, 0.0)`` below ``MIN_LETTERS`` letters: a confident wrong
label is worse than none. py3langid ships its model LZMA-compressed (0.3 s to inflate at
every start); the inflated arrays, restricted to the ISO 639-1 languages, are kept in the
user's cache folder (``cache_folder``) and memory-mapped from there in a few
milliseconds. Why each choice, with figures: ``docs/reading.md``.
"""

from __future__ import annotations

import array
import contextlib
import hashlib
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
    if candidates is not None:  # else: the cached model holds exactly the ISO 639-1 columns
        identifier.set_languages(sorted(candidates))
        # set_languages keeps the chosen columns as a strided view, which makes the
        # per-text row gather in _sparse_score ~30% slower; a contiguous copy restores it.
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


_CACHE_FORMAT = 2
"""Bumped when the layout of the cached model changes (2: one ``.npy`` per array,
memory-mapped, columns already restricted to ISO 639-1 codes)."""

_ARRAYS = ("ptc", "pc", "classes", "nextmove", "row", "output")


def _model() -> tuple[Any, ...]:
    """py3langid's model as ``LanguageIdentifier`` takes it, restricted to the languages
    with an ISO 639-1 code: memory-mapped from the inflated copy in the cache folder when
    there is one for this model file, else inflated from the package (and the copy
    written, best effort: a read-only home only costs speed).

    Memory-mapped, a start costs a few milliseconds: classifying a text reads only the
    rows of the n-grams it holds, never the whole 28 MB table."""
    from py3langid.langid import MODEL_DIR, MODEL_FILE

    packaged = Path(MODEL_DIR) / MODEL_FILE
    info = packaged.stat()
    key = f"{packaged}:{info.st_size}:{info.st_mtime_ns}:{_CACHE_FORMAT}"
    tag = hashlib.sha256(key.encode()).hexdigest()
    cached = cache_folder() / f"langid-{tag[:16]}"
    try:
        return _mapped(cached)
    except (OSError, KeyError, ValueError, TypeError):
        pass  # no copy yet, or a damaged one: inflate and (re)write it
    arrays = _inflated(packaged)
    with contextlib.suppress(OSError):
        _write(cached, arrays)
        return _mapped(cached)
    return _as_identifier_input(arrays)


def _inflated(packaged: Path) -> dict[str, Any]:
    """The packaged model, inflated, its columns restricted to ISO 639-1 codes."""
    from py3langid.modelio import load_model

    ptc, pc, classes, nextmove, row, output = load_model(packaged)
    keep = [i for i, code in enumerate(classes) if len(code) == 2]
    return {
        "ptc": np.ascontiguousarray(np.asarray(ptc)[:, keep]),
        "pc": np.asarray(pc)[keep],
        "classes": np.array([classes[i] for i in keep]),
        "nextmove": np.frombuffer(nextmove, np.uint32),
        "row": np.frombuffer(row, np.uint16),
        "output": np.array(output, np.int32),
    }


def _write(folder: Path, arrays: dict[str, Any]) -> None:
    """Write one ``.npy`` per array into ``folder``, atomically: a reader never sees
    half a copy (a damaged one is replaced)."""
    import shutil

    folder.parent.mkdir(parents=True, exist_ok=True)
    partial = folder.with_name(f"{folder.name}.{os.getpid()}.tmp")
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir()
    for name, value in arrays.items():
        np.save(partial / f"{name}.npy", value, allow_pickle=False)
    if folder.exists():
        shutil.rmtree(folder, ignore_errors=True)
    try:
        partial.rename(folder)
    except OSError:  # another process renamed its copy first: use that one
        shutil.rmtree(partial, ignore_errors=True)


def _mapped(folder: Path) -> tuple[Any, ...]:
    """The cached copy, memory-mapped; ValueError when it is damaged."""
    arrays = {
        name: np.load(folder / f"{name}.npy", mmap_mode="r", allow_pickle=False) for name in _ARRAYS
    }
    ptc, pc, classes = arrays["ptc"], arrays["pc"], arrays["classes"]
    if not (ptc.ndim == 2 and ptc.shape[1] == len(pc) == len(classes) > 0):
        raise ValueError(f"{folder}: inconsistent model")
    if len(arrays["row"]) != len(arrays["output"]):
        raise ValueError(f"{folder}: inconsistent model")
    return _as_identifier_input(arrays)


def _as_identifier_input(arrays: dict[str, Any]) -> tuple[Any, ...]:
    """``(ptc, pc, classes, nextmove, output, row)``, the big tables as views of the map
    (``_settle`` copies them once a process has classified many texts)."""
    return (
        np.asarray(arrays["ptc"]),  # a plain view of the map: gathers as fast as an array
        np.asarray(arrays["pc"]),
        [str(code) for code in arrays["classes"]],
        _view(arrays["nextmove"], np.uint32, "I"),
        np.asarray(arrays["output"]).tolist(),
        _view(arrays["row"], np.uint16, "H"),
    )


def _view(values: Any, dtype: Any, code: str) -> memoryview:
    """A flat memoryview of ``values`` whose items are Python ints (format ``code``)."""
    contiguous: Any = np.ascontiguousarray(values, dtype)
    raw: Any = memoryview(contiguous).cast("B")
    view: memoryview = raw.cast(code)
    return view


SETTLE_AFTER = 64
"""Texts classified before the mapped tables are copied into memory (``_settle``)."""

_USES: dict[frozenset[str] | None, int] = {}


def _settle(identifier: LanguageIdentifier) -> None:
    """Copy the memory-mapped tables into process memory (about 40 ms, 60 MB).

    Read through the map, a text costs about 0.5 ms instead of 0.4: nothing for a
    command that reads two articles, worth the copy for one that reads thousands.
    Each attribute is replaced whole, so a thread classifying meanwhile is unaffected."""
    identifier.tk_nextmove = array.array("I", bytes(identifier.tk_nextmove))
    identifier.nb_ptc = np.array(identifier.nb_ptc)


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
    identifier = _identifier(key)
    _USES[key] = uses = _USES.get(key, 0) + 1
    if uses == SETTLE_AFTER:
        _settle(identifier)
    code, confidence = identifier.classify(sample)
    return str(code), min(max(float(confidence), 0.0), 1.0)
