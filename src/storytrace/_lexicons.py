"""The one reader of ``storytrace/lexicons/<lang>/<name>.json``.

Rules are code; the words they look for are data, one JSON file per language and
purpose, so a new language is a new folder rather than new code. ``read`` gives a
file's JSON object (the fact extractors' lexicon, ``facts.lexicon``, builds on it);
``load`` gives a file's word lists (cleaning and segmentation: an object whose values
are lists of strings, keys starting with ``_`` are comments). Files are read lazily, on
first use, and cached for the process.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable
from importlib import resources
from typing import Any

WordLists = dict[str, tuple[str, ...]]

_PACKAGE = "storytrace"
_FALLBACK = "en"
"""English boilerplate and abbreviations turn up in articles of every language."""


@functools.cache
def available(name: str) -> tuple[str, ...]:
    """The languages that ship ``<name>.json``, sorted, English first."""
    root = resources.files(_PACKAGE).joinpath("lexicons")
    langs = [d.name for d in root.iterdir() if d.joinpath(f"{name}.json").is_file()]
    return tuple(sorted(langs, key=lambda lang: (lang != _FALLBACK, lang)))


@functools.cache
def read(lang: str, name: str) -> dict[str, Any]:
    """The JSON object of one language's ``<name>.json``; empty when it has none.

    Raises:
        ValueError: the file does not hold a JSON object (a packaging bug).
    """
    path = resources.files(_PACKAGE).joinpath("lexicons", lang, f"{name}.json")
    if not path.is_file():
        return {}
    data = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise ValueError(f"lexicons/{lang}/{name}.json: expected a JSON object")
    return data


@functools.cache
def load(lang: str, name: str) -> WordLists:
    """The word lists of one language's ``<name>.json``; empty when it has none.

    Raises:
        ValueError: the file is not an object of string lists (a packaging bug).
    """
    data = read(lang, name)
    lists: WordLists = {}
    for key, value in data.items():
        if key.startswith("_"):
            continue
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ValueError(f"lexicons/{lang}/{name}.json: {key!r} must be a list of strings")
        lists[key] = tuple(value)
    return lists


def languages_for(lang: str | None, name: str) -> tuple[str, ...]:
    """Which languages' lists apply to text in ``lang``.

    The language's own lists plus English (wire copy, share buttons and "U.S." appear in
    every language); every shipped language when ``lang`` is unknown or has no lists, so
    a missing language guess costs a little speed, never a rule. ``lang`` may be a
    locale ("en-US", "ru_RU"); only its language part counts.
    """
    shipped = available(name)
    code = (lang or "").split("-")[0].split("_")[0].lower()
    if code not in shipped:
        return shipped
    return tuple(dict.fromkeys((code, _FALLBACK) if _FALLBACK in shipped else (code,)))


def merged(langs: Iterable[str], name: str, key: str) -> tuple[str, ...]:
    """The union of one list over several languages, first occurrence order kept."""
    words: dict[str, None] = {}
    for lang in langs:
        words.update(dict.fromkeys(load(lang, name).get(key, ())))
    return tuple(words)
