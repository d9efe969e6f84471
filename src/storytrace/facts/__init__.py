"""Facts: per sentence, the numbers, dates, names, quotes, attributions, hedges and framing.

``extract`` is the stage function the pipeline calls. It is rule- and lexicon-based
(no models, no downloads) and fast: a 30-sentence article takes a few milliseconds of
one core. The rules for each kind of fact are documented in its module:

- ``numbers``     "80%" -> 80 "%", "$20 billion" -> 2e10 "USD", "two officials" -> 2
- ``dates``       ISO dates resolved against the publication date and the article;
                  ``same_date``: "--12-15" (no year known) matches "2025-12-15"
- ``names``       people, organisations, places; alias-folded keys; ``same_entity``
- ``quotes``      quotations (five words or more, or with a speaker) and their speakers
- ``attribution`` "X said", "according to X", "citing X"; anonymous sources
- ``hedges``      hedges ("allegedly", "may", "expected to") and loaded framing
- ``quotes.scare_quotes``  quoted terms that are no quotation ('the "protesters"'),
                  listed with the framing (key ``scare_quotes:<words>``)

Article-level context flows forward through the sentences: the last explicit date (for
"the day before"), the last person named (for "he said"), and the names capitalised
anywhere in the article (to tell a sentence-initial name from an ordinary word).

Language-specific words live in ``storytrace/lexicons/<lang>/*.json`` (see ``lexicon``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from ..model import Facts, Name, Sentence
from .dates import DateContext, find_dates, same_date
from .hedges import find_framing, find_hedges
from .lexicon import load
from .name_keys import fold_key, same_entity
from .names import Evidence, find_names, is_headline, refine_kinds
from .numbers import find_numbers
from .quotes import find_quotes, scare_quotes
from .tokens import quote_spans, tokenize

__all__ = ["extract", "fold_key", "same_date", "same_entity"]

_SCARE_MAX_WORDS = 4
"""A quoted span of at most this many words with no speaker is a scare quote or title."""


def extract(
    sentences: tuple[Sentence, ...], *, lang: str | None, published: dt.date | None
) -> tuple[Sentence, ...]:
    """Return the sentences with their ``facts`` filled in.

    Args:
        sentences: the article's sentences, in order (context flows from earlier ones).
        lang: the article's language ("en", "ru", ...); None is taken as English. A
            language without lexicon files gets only language-neutral facts.
        published: the publication date, used to resolve "December 15", "on Monday",
            "yesterday"; None leaves month-day dates without a year ("--12-15") and
            skips what cannot be resolved.

    Returns:
        New ``Sentence`` values (``dataclasses.replace``) with ``facts`` set; offsets in
        each fact index into that sentence's ``text``.
    """
    from .attribution import find_attributions

    lex = load(lang)
    texts = [s.text for s in sentences]
    spans = [quote_spans(t) for t in texts]
    abbreviations = lex.title_abbreviations
    tokens = [tokenize(t, q, abbreviations) for t, q in zip(texts, spans, strict=True)]
    headlines = [is_headline(tok) for tok in tokens]
    evidence = Evidence.collect(tokens, headlines)
    all_names = refine_kinds(
        [
            find_names(t, tok, lex, evidence, headline=h)
            for t, tok, h in zip(texts, tokens, headlines, strict=True)
        ]
    )
    ctx = DateContext(published)
    last_person: Name | None = None
    out: list[Sentence] = []
    for sentence, text, qspans, toks, names in zip(
        sentences, texts, spans, tokens, all_names, strict=True
    ):
        dates = find_dates(text, lex, ctx)
        date_spans = [(d.start, d.end) for d in dates]
        identifier_spans = [(n.start, n.end) for n in names if n.text[-1:].isdigit()]
        numbers = find_numbers(text, lex, date_spans + identifier_spans)
        found = find_attributions(text, toks, lex, qspans, names)
        quotes = find_quotes(text, qspans, found, lex, last_person, names)
        hedges = find_hedges(text, lex, date_spans)
        framing = find_framing(text, lex, date_spans)
        framing += scare_quotes(text, qspans, quotes, _SCARE_MAX_WORDS)
        framing.sort(key=lambda f: f.start)
        facts = Facts(
            numbers=tuple(numbers),
            dates=tuple(dates),
            names=tuple(names),
            quotes=tuple(quotes),
            attributions=tuple(f.attribution for f in found),
            hedges=tuple(hedges),
            framing=tuple(framing),
        )
        out.append(replace(sentence, facts=facts))
        persons = [n for n in names if n.kind == "person"]
        if persons:
            last_person = persons[-1]
    return tuple(out)
