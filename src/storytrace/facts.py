"""Extract facts from each sentence: numbers, dates, names, quotes, attributions, hedges, framing."""

from __future__ import annotations

import datetime as dt

from .model import Sentence


def extract(
    sentences: tuple[Sentence, ...], *, lang: str | None, published: dt.date | None
) -> tuple[Sentence, ...]:
    """Return the sentences with their ``facts`` filled in."""
    raise NotImplementedError
