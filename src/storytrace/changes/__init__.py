"""Typed fact differences between two aligned runs of sentences.

``diff`` labels a unit "changed" when this module finds at least one difference, so every
rule here is tuned for precision: a change is something a fact-checker would act on, not
a detail a rewrite happened to leave out. Facts are compared by normalised keys, so
"December 15" = "15 December", "Zelenskyy" = "Zelensky" and "80%" = "80 percent" never
show as changes.

What counts, per type (and why):

- ``number``: a number replaced by another ("80%" -> "75%"). Values are compared at the
  precision of the less precise side ("34.75 million" = "34.7 million"), and a counted
  noun does not make two numbers differ ("142 allegations" = "142"); a measure unit does
  ("80%" != "80 km"). A number on one side only is a change when it is a measured
  quantity (a percentage, money, a unit): "80% of its territory" losing its "80%" matters,
  "NATO Article 5" gaining a "5" in a longer sentence does not.
- ``date``: a date replaced by another; a date only one side gives is left out, as a
  detail (rewrites add "on Tuesday" freely).
- ``name``: a person's name replaced by another person's; a name merely left out
  ("Axios" -> "the outlet") is not a change.
- ``quote``: the quoted words differ in substance: content words (stemmed, so tense and
  number do not count), modals, negations or numbers. "We are declaring war" vs "We have
  declared war" is the same quotation; "there could be a chance" vs "there is a chance"
  is not. A quotation cut shorter or quoted at more length (one side's words a subset of
  the other's) is not reworded. A quotation on one side only is a change when the other
  side does not say the same words unquoted. Across languages (``changes.quotes_xl``)
  only ``substance``: a quotation reversed in polarity or, by the encoder, saying
  something else.
- ``hedge``: a hedge added or dropped, compared by strength class, so "may" -> "might" is
  no change but "allegedly" -> nothing is.
- ``attribution``: a named source that became anonymous or another source, or the
  reverse.
- ``framing``: a loaded term added or dropped.

Measured on MSRP train (``bench/msrp_sentence_decision.py``), where "changed" counts as
"not a paraphrase": the first rule set, which reported every one-sided number, date and
quote, flagged 54% of the pairs, 62% of which MSRP calls paraphrases.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..model import Change, Sentence
from .attribution import attribution_changes
from .claims import claim_changes
from .framing import SCARE_PREFIX, framing_changes, has_lexicon, hedge_changes
from .names import name_changes
from .names_xl import cross_name_changes
from .numbers import date_changes, is_measure, number_changes, reads_number_words
from .quotes import quote_changes
from .quotes_xl import QuoteMeaning, cross_quote_changes

__all__ = ["SCARE_PREFIX", "QuoteMeaning", "fact_changes", "is_measure"]


def fact_changes(
    a: Sequence[Sentence],
    b: Sequence[Sentence],
    *,
    cross_lingual: bool,
    lang: str | None = None,
    lang_b: str | None = None,
    meaning: QuoteMeaning | None = None,
) -> tuple[Change, ...]:
    """Every typed fact difference between two runs of sentences (see the module doc).

    ``lang`` is A's language, ``lang_b`` B's (None: the same). Across languages, numbers,
    names, hedges and framing are compared only when both languages have those lexicons
    (a language without one reads them unsurely: "10 000" as 10, "Die" as a name), and
    quotations by ``meaning`` when given (``span_meaning.SpanMeaning``).
    """
    changes: list[Change] = []
    code = (lang or "en").split("-")[0]
    both = (lang, lang_b if lang_b is not None else lang)
    if not cross_lingual or all(has_lexicon(x, "numbers") for x in both):
        # a measure missing on a side whose number words are not read is no evidence
        lost = not cross_lingual or reads_number_words(both[1])
        gained = not cross_lingual or reads_number_words(both[0])
        changes += number_changes(a, b, code, lost=lost, gained=gained)
    changes += date_changes(a, b)
    if cross_lingual:
        code_b = (lang_b or code).split("-")[0]
        if all(has_lexicon(x, "names") for x in both):
            changes += cross_name_changes(a, b, code, code_b)
        changes += cross_quote_changes(a, b, code, code_b, meaning)
    else:
        changes += name_changes(a, b)
        changes += quote_changes(a, b, code)
    if not cross_lingual or all(has_lexicon(x, "hedges") for x in both):
        changes += hedge_changes(a, b, cross_lingual=cross_lingual)
    changes += attribution_changes(a, b, cross_lingual=cross_lingual)
    if not cross_lingual or all(has_lexicon(x, "framing") for x in both):
        changes += framing_changes(a, b, code, cross_lingual=cross_lingual)
    if not cross_lingual:
        changes += claim_changes(a, b, code)
    return tuple(_without_restated(changes))


def _without_restated(changes: list[Change]) -> list[Change]:
    """Drop a source swap that a name change already reports: "Peskov said" -> "Lavrov
    said" is one change of name, not also one of attribution."""
    names = [c for c in changes if c.type == "name"]

    def restated(c: Change) -> bool:
        return c.type == "attribution" and any(
            n.a and n.b and c.a and c.b and n.a in c.a and n.b in c.b for n in names
        )

    return [c for c in changes if not restated(c)]
