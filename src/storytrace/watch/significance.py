"""How much an update matters, from the typed changes of ``compare``.

The significance of an update is that of its most significant unit, on 0..1:

- a typed fact change (number, date, name, quote, hedge, attribution, claim): 1.0,
  a framing change 0.6;
- a sentence added or dropped (not churn): 0.7;
- a sentence reworded with no typed change: the share of its words that changed, at
  most 0.5; punctuation and case alone change no word and count 0 (a comma is no alert);
- identical or moved units: 0.

A change feed lists updates of significance ``DEFAULT_MIN`` and above unless asked
otherwise; an update of ``SUBSTANTIVE`` or more that the page does not declare
(``churn.declares_change``) is a stealth edit.
"""

from __future__ import annotations

import difflib
import re

from ..model import Comparison
from .churn import declares_change, is_churn
from .model import ChangeSummary, unit_text

FACT_WEIGHT = {"framing": 0.6}
"""Typed changes weigh 1.0 except these."""

SENTENCE_WEIGHT = 0.7
REWORDING_CAP = 0.5
DEFAULT_MIN = 0.1
"""The change feed's default minimum: a one-word fix in a long sentence stays out."""
SUBSTANTIVE = 0.5

_WORD = re.compile(r"\w+")


def summarize(comparison: Comparison) -> ChangeSummary:
    """The summary of the update from ``comparison.a`` to ``comparison.b``."""
    a, b = comparison.a, comparison.b
    score = 0.0
    types: set[str] = set()
    added = dropped = 0
    for unit in comparison.pairs:
        if unit.kind in ("added", "dropped"):
            side, indexes = (b, unit.b) if unit.kind == "added" else (a, unit.a)
            text = unit_text(side, indexes)
            if is_churn(text, side.lang):
                continue
            added += unit.kind == "added"
            dropped += unit.kind == "dropped"
            types.add(unit.kind)
            score = max(score, SENTENCE_WEIGHT)
        elif unit.changes:
            for change in unit.changes:
                types.add(change.type)
                score = max(score, FACT_WEIGHT.get(change.type, 1.0))
        elif unit.kind in ("changed", "reworded"):
            before = unit_text(a, unit.a)
            after = unit_text(b, unit.b)
            share = word_change_share(before, after)
            if share > 0:
                types.add("wording")
                score = max(score, min(REWORDING_CAP, share))
    if (a.title or "") != (b.title or "") and word_change_share(a.title or "", b.title or ""):
        types.add("title")
        score = max(score, SENTENCE_WEIGHT)
    return ChangeSummary(
        significance=round(score, 3),
        types=tuple(sorted(types)),
        added=added,
        dropped=dropped,
        declared=declares_change(a, b),
        substantive=score >= SUBSTANTIVE,
    )


def word_change_share(before: str, after: str) -> float:
    """The share of words (case and punctuation ignored) not kept from one to the other."""
    x = _WORD.findall(before.lower())
    y = _WORD.findall(after.lower())
    if not x and not y:
        return 0.0
    kept = sum(block.size for block in difflib.SequenceMatcher(a=x, b=y).get_matching_blocks())
    return 1.0 - kept / max(len(x), len(y))
