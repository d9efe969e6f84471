"""What counts as a change of a page: its cleaned sentences, less the page's churn.

A page is refetched to learn whether its *story* changed, so its version is identified
by a fingerprint of what a reader reads: the title and the cleaned sentences
(``pipeline.analyze``: trafilatura has already dropped navigation, share bars, related
links and footers, and ``clean`` the bylines and timestamps it knows), whitespace and
quote styles normalised, and without the churn that survives extraction: sentences made
only of chrome words, numbers, dates and times ("Updated 5 minutes ago", "1,204
shares", "Posted 10:32 GMT"; ``lexicons/<lang>/watch.json``). Any other difference,
down to a comma, is a new version (it is stored; whether it is worth an alert is the
significance's business, ``watch.significance``).

A page *declares* a change when a sentence new in the later version carries a
correction or update notice ("Correction:", "An earlier version of this article ...",
"Mise à jour :"), in any language with a ``watch.json``.
"""

from __future__ import annotations

import functools
import hashlib
import re
import unicodedata
from collections.abc import Iterable

from .. import _lexicons
from ..model import Article

_LETTERS = re.compile(r"[^\W\d_]+")
_SPACE = re.compile(r"\s+")
_QUOTES = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"', "«": '"', "»": '"'})


@functools.cache
def _words(lang: str | None, key: str) -> frozenset[str]:
    """The churn or notice words of ``lang`` and the fallbacks; built once per language
    (``is_churn`` asks for every sentence of every fetched page)."""
    return frozenset(_lexicons.merged(_lexicons.languages_for(lang, "watch"), "watch", key))


def normalize(sentence: str) -> str:
    """A sentence as compared across fetches: NFKC, one quote style, single spaces."""
    text = unicodedata.normalize("NFKC", sentence).translate(_QUOTES)
    return _SPACE.sub(" ", text).strip()


def is_churn(sentence: str, lang: str | None) -> bool:
    """Whether a sentence is page chrome: no word outside the churn words (numbers,
    dates and times have no letters, or are churn words themselves)."""
    churn = _words(lang, "churn")
    return all(word in churn for word in _LETTERS.findall(sentence.lower()))


def content(article: Article) -> list[str]:
    """The sentences that make a version: normalised, churn left out."""
    return [normalize(s.text) for s in article.sentences if not is_churn(s.text, article.lang)]


def fingerprint(article: Article) -> str:
    """The identity of a page's content: equal fingerprints, no new version."""
    digest = hashlib.sha256(normalize(article.title or "").encode("utf-8"))
    for sentence in content(article):
        digest.update(b"\x1f" + sentence.encode("utf-8"))
    return digest.hexdigest()


def declares_change(before: Article, after: Article) -> bool:
    """Whether ``after`` carries a correction or update notice that ``before`` did not."""
    old = set(content(before)) | {normalize(before.title or "")}
    notices = _words(after.lang, "notices")
    return any(
        _has_notice(sentence.lower(), notices)
        for sentence in [normalize(after.title or ""), *content(after)]
        if sentence not in old
    )


def _has_notice(text: str, notices: Iterable[str]) -> bool:
    return any(notice in text for notice in notices)
