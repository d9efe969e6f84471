"""Quotation changes, ``wording`` or ``substance``, and quotations on one side only."""

from __future__ import annotations

import re
from collections.abc import Sequence

from rapidfuzz.distance import Indel

from ..model import Change, Sentence
from ..wording import MODALS, NEGATIONS, holds_run, substance

_QUOTE_SAME_SHARE = 0.5
"""Two versions of a quotation say the same thing (``wording``) when at least this share
of their substance words (stemmed content words, spelling variants folded, modals left
out) is common to both; below it the quotation says something else (``substance``):
"The state kills" / "The state lies" share 1 of 3, the seed pair's reworded quotations
more than 0.6. A negation or a number on one side only is always substance ("No one was
hurt" / "Some of them were hurt"); a modal alone ("there could be a chance" / "there is
a chance") is wording."""

_QUOTE_COVERED = 0.5
"""A quotation on one side only is not a change when the other side says at least this
share of its substance words unquoted (the quote became reported speech)."""


def _quote_differs(x: str, y: str, lang: str) -> bool:
    """True when two versions of a quotation say something else (see above)."""
    sx = {w for w in substance(x, lang) if w not in MODALS}
    sy = {w for w in substance(y, lang) if w not in MODALS}
    if any(w in NEGATIONS or w.isdigit() for w in sx ^ sy):
        return True
    only_x = [w for w in sx - sy if not any(_spelling_variant(w, v) for v in sy - sx)]
    only_y = [w for w in sy - sx if not any(_spelling_variant(w, v) for v in sx - sy)]
    common = len(sx) - len(only_x)
    union = common + len(only_x) + len(only_y)
    if not union or (not only_x and not only_y):
        return False
    wx, wy = _quote_words(x), _quote_words(y)
    if holds_run(wx, wy) or holds_run(wy, wx):
        return False  # one quotes more or less of the same words (a longer or cut extract)
    return common / union < _QUOTE_SAME_SHARE


def _spelling_variant(x: str, y: str) -> bool:
    """ "stabilis" / "stabil", "zelenskyy" / "zelenski", "resolut" / "resolv": one word
    spelt (or derived) two ways."""
    if Indel.normalized_similarity(x, y) >= 0.8:
        return True
    prefix = 0
    for cx, cy in zip(x, y, strict=False):
        if cx != cy:
            break
        prefix += 1
    return prefix >= 5


def _quote_words(text: str) -> list[str]:
    return re.findall(r"\w+", text.casefold())


def quote_changes(a: Sequence[Sentence], b: Sequence[Sentence], lang: str) -> list[Change]:
    """Quotations paired in order; every change to the quoted words is reported.

    ``substance`` when the quotation says something else (``_quote_differs``),
    ``wording`` when only the words differ. A quotation cut shorter or quoted at more
    length (one side's words a run inside the other's) is the same quotation.
    """
    quotes_a = [q for s in a for q in s.facts.quotes]
    quotes_b = [q for s in b for q in s.facts.quotes]
    out: list[Change] = []
    for n in range(max(len(quotes_a), len(quotes_b))):
        qa = quotes_a[n] if n < len(quotes_a) else None
        qb = quotes_b[n] if n < len(quotes_b) else None
        if qa and qb:
            if _quote_differs(qa.text, qb.text, lang):
                out.append(Change("quote", qa.text, qb.text, "substance"))
                continue
            wa, wb = _quote_words(qa.text), _quote_words(qb.text)
            if wa != wb and not (holds_run(wa, wb) or holds_run(wb, wa)):
                out.append(Change("quote", qa.text, qb.text, "wording"))
            continue
        one = qa or qb
        assert one is not None
        words_one = substance(one.text, lang)
        other = substance(" ".join(s.text for s in (b if qa else a)), lang)
        if words_one and len(words_one & other) / len(words_one) < _QUOTE_COVERED:
            out.append(
                Change("quote", qa.text if qa else None, qb.text if qb else None, "substance")
            )
    return out
