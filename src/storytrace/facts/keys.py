"""Fact keys: an article's rare, specific facts as short strings, for blocking.

Two versions of a story share them even when their wording and language differ:
``p:`` alias-folded names, ``d:`` full ISO dates, ``n:`` measured or large numbers.
``find`` blocks candidates on them and the event model (``storytrace.events``) weighs
them as names and anchors.
"""

from __future__ import annotations

from ..changes import is_measure
from ..model import Article


def fact_keys(article: Article) -> set[str]:
    """The facts two versions of this article would share (see the module docstring).

    Small numbers (under 13: "two officials", "three times") and bare years are left out:
    they are everywhere. Names of every kind are kept; how common a key is across the
    store is counted at ingest, and ``find`` ignores the common ones.
    """
    keys: set[str] = set()
    for sentence in article.sentences:
        facts = sentence.facts
        for name in facts.names:
            if len(name.key) > 2:
                keys.add(f"p:{name.key}")
        for date in facts.dates:
            if len(date.iso) == 10:
                keys.add(f"d:{date.iso}")
        for number in facts.numbers:
            if is_measure(number) or (number.value >= 13 and not _year(number.value)):
                keys.add(f"n:{number.value:g}")
    return keys


def _year(value: float) -> bool:
    return value.is_integer() and 1900 <= value <= 2100
