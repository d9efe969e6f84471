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
  side does not say the same words unquoted.
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

import functools
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from rapidfuzz.distance import Indel

from .model import Change, Name, Number, Sentence
from .similarity import date_key
from .wording import MODALS, NEGATIONS, stem, stopwords, substance

# --- numbers --------------------------------------------------------------------------


@functools.cache
def _measure_units() -> frozenset[str]:
    """Units that make a number a measured quantity: %, currencies and measures.

    Read from every shipped numbers lexicon, so a new language's units count too. Any
    other unit is a counted noun ("people", "allegations"), which rewrites drop freely.
    """
    from . import _lexicons
    from .facts.lexicon import load

    units = {"%"}
    for lang in _lexicons.available("numbers"):
        lex = load(lang)
        units.update(lex.currency_symbols.values())
        units.update(lex.currency_words.values())
        units.update(lex.units.values())
    return frozenset(units)


def _measure(number: Number) -> str | None:
    """The number's measure unit, None when it only counts something (or nothing)."""
    return number.unit if number.unit in _measure_units() else None


def is_measure(number: Number) -> bool:
    """True for a measured quantity: a percentage, money, a unit ("80%", "$5 million")."""
    return _measure(number) is not None


def _significant_digits(text: str) -> int:
    """How precisely a number was written: "34.75 million" 4, "34.7 million" 3, "80%" 2.

    Trailing zeros count ("80" is not "a number near 100"); leading zeros do not.
    """
    digits = re.sub(r"\D", "", text)
    return max(len(digits.lstrip("0")), 1)


_ROUNDING_SHARE = 0.02
"""Two numbers within half a step of the less precise one's last digit are one number
written at two precisions when they are this close ("34.75 million" = "34.7 million"),
or when the rounder one says it is approximate and the other does not ("2.8 million" =
"nearly 3 million"); otherwise they differ ("nearly 3 million" != "nearly 2.5 million")."""


@dataclass(frozen=True, slots=True)
class _Num:
    """A number with the qualifier written before it ("nearly", "more than")."""

    number: Number
    qualifier: str
    qualifier_class: str | None

    @property
    def text(self) -> str:
        return self.number.text

    @property
    def phrase(self) -> str:
        return f"{self.qualifier} {self.number.text}" if self.qualifier else self.number.text


def _same_value(x: _Num, y: _Num) -> bool:
    """Equal, or the same number at two precisions (see ``_ROUNDING_SHARE``)."""
    vx, vy = x.number.value, y.number.value
    if vx == vy:
        return True
    if vx == 0 or vy == 0:
        return False
    px, py = _significant_digits(x.number.text), _significant_digits(y.number.text)
    precision = min(px, py)
    scale = max(abs(vx), abs(vy))
    step = 10.0 ** (math.floor(math.log10(scale)) - precision + 1)
    if abs(vx - vy) > step / 2 + 1e-9 * scale:
        return False
    if abs(vx - vy) <= _ROUNDING_SHARE * scale:
        return True
    rounder, precise = (x, y) if px < py else (y, x)
    return rounder.qualifier_class is not None and precise.qualifier_class is None


def _compatible(x: Number, y: Number) -> bool:
    """Measure units agree, or at least one side measures nothing in particular."""
    ux, uy = _measure(x), _measure(y)
    return ux is None or uy is None or ux == uy


_YEAR_LIKE = re.compile(r"^(?:1[5-9]|20)\d\d$")


def _is_year(number: Number) -> bool:
    """A bare four-digit number from 1500 to 2099 with nothing counted: a year."""
    return number.unit is None and _YEAR_LIKE.match(number.text) is not None


@functools.cache
def _change_words(lang: str) -> dict[str, Any]:
    from . import _lexicons

    return _lexicons.read(lang, "changes") or _lexicons.read("en", "changes")


@functools.cache
def _qualifier_pattern(lang: str) -> tuple[re.Pattern[str] | None, dict[str, str]]:
    table: dict[str, str] = dict(_change_words(lang).get("number_qualifiers", {}))
    if not table:
        return None, table
    alt = "|".join(re.escape(w) for w in sorted(table, key=len, reverse=True))
    return re.compile(rf"(?<!\w)({alt})\s+$", re.IGNORECASE), table


def _qualified(sentence: Sentence, number: Number, lang: str) -> _Num:
    pattern, table = _qualifier_pattern(lang)
    if pattern is None:
        return _Num(number, "", None)
    match = pattern.search(sentence.text, max(0, number.start - 24), number.start)
    if match is None:
        return _Num(number, "", None)
    word = match.group(1)
    return _Num(number, word, table.get(word.lower()))


def _numbers(a: Sequence[Sentence], b: Sequence[Sentence], lang: str) -> list[Change]:
    nums_a = [_qualified(s, n, lang) for s in a for n in s.facts.numbers if not _is_year(n)]
    nums_b = [_qualified(s, n, lang) for s in b for n in s.facts.numbers if not _is_year(n)]
    left_b = list(nums_b)
    left_a: list[_Num] = []
    out: list[Change] = []
    for x in nums_a:
        match = next(
            (y for y in left_b if _same_value(x, y) and _compatible(x.number, y.number)), None
        )
        if match is None:
            left_a.append(x)
            continue
        left_b.remove(match)
        qx, qy = x.qualifier_class, match.qualifier_class
        if qx and qy and qx != qy and {qx, qy} != {"below", "max"} and "approx" not in (qx, qy):
            # "more than 50" -> "fewer than 50": the same number bounded the other way
            out.append(Change("number", x.phrase, match.phrase, "qualifier"))
    for x in list(left_a):
        # a substitution keeps the measure: 80% -> 75%, $5 million -> $7 million
        match = next((y for y in left_b if _measure(x.number) == _measure(y.number)), None)
        if match is not None:
            left_a.remove(x)
            left_b.remove(match)
            out.append(Change("number", x.text, match.text))
    out += [Change("number", x.text, None) for x in left_a if _measure(x.number)]
    out += [Change("number", None, y.text) for y in left_b if _measure(y.number)]
    return out


# --- dates ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Date:
    key: str
    iso: str
    text: str
    relative: bool


def _date_items(run: Sequence[Sentence]) -> list[_Date]:
    items = [_Date(date_key(d.iso), d.iso, d.text, d.relative) for s in run for d in s.facts.dates]
    # a year the extractor read as a number ("the 2014 annexation") is still a year
    items += [
        _Date(n.text, n.text, n.text, False) for s in run for n in s.facts.numbers if _is_year(n)
    ]
    return items


def _dates(a: Sequence[Sentence], b: Sequence[Sentence]) -> list[Change]:
    """Dates replaced by other dates, compared by month-day when a year is missing.

    A weekday counts even when the full date is unknown ("on Friday" -> "on Thursday":
    ``-W-5`` and ``-W-4``), and so does a relative date ("yesterday" -> "last week").
    """
    items_a, items_b = _date_items(a), _date_items(b)
    only_a = [x for x in items_a if not any(_date_match(x.key, o.key) for o in items_b)]
    only_b = [y for y in items_b if not any(_date_match(y.key, o.key) for o in items_a)]
    return [
        Change("date", x.text, y.text, _date_subtype(x, y))
        for x, y in zip(only_a, only_b, strict=False)
    ]


_WEEKDAY_ISO = re.compile(r"^-W-\d$")


def _date_parts(iso: str) -> tuple[str | None, str | None, str | None]:
    """Year, month and day of an ISO date ("--12-15" has no year), None where absent."""
    if iso.startswith("--"):
        rest = iso[2:].split("-")
        return None, rest[0], rest[1] if len(rest) > 1 else None
    parts = iso.split("-")
    return parts[0], parts[1] if len(parts) > 1 else None, parts[2] if len(parts) > 2 else None


def _date_subtype(x: _Date, y: _Date) -> str:
    """weekday, relative, year, month or day: what kind of date changed."""
    words = {w.lower() for w in re.findall(r"[^\W\d_]+", f"{x.text} {y.text}")}
    if _WEEKDAY_ISO.match(x.iso) or _WEEKDAY_ISO.match(y.iso) or words & _weekday_words():
        return "weekday"
    if x.relative or y.relative or "W" in x.iso + y.iso or "P" in x.iso + y.iso:
        return "relative"
    (yx, mx, dx), (yy, my, dy) = _date_parts(x.iso), _date_parts(y.iso)
    if yx and yy and yx != yy:
        return "year"
    if mx is None or my is None:
        return "year"
    if mx != my:
        return "month"
    return "day" if dx or dy else "month"


@functools.cache
def _weekday_words() -> frozenset[str]:
    from . import _lexicons
    from .facts.lexicon import load

    words: set[str] = set()
    for lang in _lexicons.available("dates"):
        words.update(load(lang).weekdays)
    return frozenset(words)


def _date_match(x: str, y: str) -> bool:
    """Same date, or one is a coarser form of the other ("2025-12" and "2025-12-15")."""
    return x == y or x.startswith(y) or y.startswith(x)


# --- names ----------------------------------------------------------------------------


def _same_entity(x: Name, y: Name) -> bool:
    """Same key, one person's key is the other's surname ("Zelensky" in full name), or
    one name spelt two ways ("Zelenskiy" / "Zelenskyy", "Grigoropoulos" / "Grigoropulos")."""
    if x.key == y.key:
        return True
    tx, ty = x.key.split(), y.key.split()
    if (x.kind == "person" or y.kind == "person") and tx and ty and tx[-1] == ty[-1]:
        return True
    if len(x.key) >= 5 and len(y.key) >= 5 and Indel.normalized_similarity(x.key, y.key) >= 0.85:
        return True
    # "Wall Street Journal" ~ "The Wall Street Journal Europe": one key inside the other
    return bool(tx and ty) and (_contains(tx, ty) or _contains(ty, tx))


def _contains(long: list[str], short: list[str]) -> bool:
    if len(short) >= len(long):
        return False
    return any(long[k : k + len(short)] == short for k in range(len(long) - len(short) + 1))


def _same_script(xs: Sequence[Name], ys: Sequence[Name]) -> bool:
    """True when both sides write names in Latin letters (keys are comparable)."""
    return all(n.key.isascii() for n in (*xs, *ys))


_NAME_CONTEXT = re.compile(r"[^\W_]+(?:['’][^\W_]+)?", re.UNICODE)


def _context(sentence: Sentence, name: Name) -> tuple[str, str]:
    """The word before and the word after a name, casefolded ("" at either end)."""
    before = _NAME_CONTEXT.findall(sentence.text[: name.start])
    after = _NAME_CONTEXT.findall(sentence.text[name.end :])
    return (before[-1].casefold() if before else "", after[0].casefold() if after else "")


def _names(a: Sequence[Sentence], b: Sequence[Sentence], *, cross_lingual: bool) -> list[Change]:
    """Substitutions: a name replaced by another of its kind (person, organisation, place).

    A name merely left out ("Axios" -> "the outlet") or added is not a change. Two people
    are a substitution wherever they stand; an organisation or place, or a name whose
    kind the extractor could not tell, only where the other name stands in the same
    place (the same word right before or right after it: "a deal with Siemens AG" ->
    "a deal with Bosch GmbH", "where Grigoropoulos was shot" -> "where Papadopoulos was
    shot"), because a rewrite moves places and organisations about freely ("Kyiv" as the
    government, "Ukraine" as the state).
    """
    names_a = [(s, n) for s in a for n in s.facts.names]
    names_b = [(s, n) for s in b for n in s.facts.names]
    if cross_lingual and not _same_script([n for _, n in names_a], [n for _, n in names_b]):
        return []
    only_a = [(s, x) for s, x in names_a if not any(_same_entity(x, y) for _, y in names_b)]
    only_b = [(s, y) for s, y in names_b if not any(_same_entity(x, y) for _, x in names_a)]
    out: list[Change] = []
    used: set[int] = set()
    for sx, x in only_a:
        cx = _context(sx, x)
        for k, (sy, y) in enumerate(only_b):
            if k in used:
                continue
            cy = _context(sy, y)
            same_place = (cx[0] and cx[0] == cy[0]) or (cx[1] and cx[1] == cy[1])
            persons = x.kind == "person" and y.kind == "person"
            kinds_agree = x.kind == y.kind or "other" in (x.kind, y.kind)
            if persons or (kinds_agree and same_place):
                used.add(k)
                kind = x.kind if x.kind != "other" else y.kind
                if kind == "other" and "said" in (cx[0], cx[1]):
                    kind = "person"
                subtype = kind if kind != "other" else None
                out.append(Change("name", x.text, y.text, subtype))
                break
    return out


# --- quotes ---------------------------------------------------------------------------

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
    if _contains(wx, wy) or _contains(wy, wx):
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


def _quotes(a: Sequence[Sentence], b: Sequence[Sentence], lang: str) -> list[Change]:
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
            if wa != wb and not (_contains(wa, wb) or _contains(wb, wa)):
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


# --- hedges and framing ---------------------------------------------------------------

_HEDGE_CLASS = {
    "may": "possibility",
    "might": "possibility",
    "could": "possibility",
    "possibly": "possibility",
    "likely": "probability",
    "probably": "probability",
    "expected to": "probability",
    "allegedly": "allegation",
    "alleged": "allegation",
    "purportedly": "allegation",
    "supposedly": "allegation",
    "said to": "allegation",
}
"""Hedges of the same strength: swapping one for another ("may" -> "might") is no change."""


def _keyed_difference(
    a: Sequence[tuple[str, str]],
    b: Sequence[tuple[str, str]],
    kind: str,
    subtype: str | None = None,
) -> list[Change]:
    """Multiset difference of (key, text) items; leftovers are paired in order."""
    left_b = list(b)
    only_a: list[str] = []
    for key, text in a:
        match = next((item for item in left_b if item[0] == key), None)
        if match is None:
            only_a.append(text)
        else:
            left_b.remove(match)
    only_b = [text for _, text in left_b]
    out: list[Change] = []
    for n in range(max(len(only_a), len(only_b))):
        left = only_a[n] if n < len(only_a) else None
        right = only_b[n] if n < len(only_b) else None
        out.append(Change(kind, left, right, subtype))  # type: ignore[arg-type]
    return out


def _present_difference(
    a: Sequence[tuple[str, str]],
    b: Sequence[tuple[str, str]],
    kind: str,
    subtype: str | None = None,
) -> list[Change]:
    """Keys present on one side only (each once), leftovers paired in order.

    Presence, not counts: a unit that merges two sentences may repeat a hedge ("is
    expected in Berlin" ... "are also expected to participate") that the other side
    says once, and the statement is no more or less hedged for it.
    """
    keys_a = {k for k, _ in a}
    keys_b = {k for k, _ in b}
    first_a = dict(reversed(a))
    first_b = dict(reversed(b))
    only_a = [(k, first_a[k]) for k in dict.fromkeys(k for k, _ in a) if k not in keys_b]
    only_b = [(k, first_b[k]) for k in dict.fromkeys(k for k, _ in b) if k not in keys_a]
    return _keyed_difference(only_a, only_b, kind, subtype)


def _hedges(a: Sequence[Sentence], b: Sequence[Sentence]) -> list[Change]:
    def items(run: Sequence[Sentence]) -> list[tuple[str, str]]:
        return [(_HEDGE_CLASS.get(h.key, h.key), h.text) for s in run for h in s.facts.hedges]

    return _present_difference(items(a), items(b), "hedge")


SCARE_PREFIX = "scare_quotes:"
"""Key prefix of the scare quotes ``facts`` lists with the framing terms."""


def _framing(a: Sequence[Sentence], b: Sequence[Sentence], lang: str) -> list[Change]:
    """Loaded terms added or dropped (``term``), a national or possessive qualifier of a
    place added, dropped or changed (``qualifier``: "the Ukrainian Donbas" -> "Donbas"),
    and scare quotes put around or taken off a term the other side also uses
    (``scare_quotes``: 'the protesters' -> 'the "protesters"')."""

    def items(run: Sequence[Sentence]) -> list[tuple[str, str]]:
        return [
            (f.key, f.text)
            for s in run
            for f in s.facts.framing
            if not f.key.startswith(SCARE_PREFIX)
        ]

    out = _present_difference(items(a), items(b), "framing", "term")
    out += _qualifiers(a, b, lang)
    out += _scare_quotes(a, b)
    return out


def _scare_quotes(a: Sequence[Sentence], b: Sequence[Sentence]) -> list[Change]:
    def scare(run: Sequence[Sentence]) -> dict[str, str]:
        return {
            f.key[len(SCARE_PREFIX) :]: f.text
            for s in run
            for f in s.facts.framing
            if f.key.startswith(SCARE_PREFIX)
        }

    def plain(run: Sequence[Sentence]) -> str:
        return " " + " ".join(re.findall(r"\w+", " ".join(s.text for s in run).casefold())) + " "

    sa, sb = scare(a), scare(b)
    out: list[Change] = []
    for words, text in sa.items():
        if words not in sb and f" {words} " in plain(b):
            out.append(Change("framing", text, text.strip("\"“”«»„'‘’ "), "scare_quotes"))
    for words, text in sb.items():
        if words not in sa and f" {words} " in plain(a):
            out.append(Change("framing", text.strip("\"“”«»„'‘’ "), text, "scare_quotes"))
    return out


_QUALIFIER_BEFORE = re.compile(r"(?:\b(?:the)\s+)?([^\W\d_][\w-]*(?:['’]s?)?)\s+$", re.I)


def _place_qualifiers(run: Sequence[Sentence], lang: str) -> dict[str, tuple[str, str]]:
    """Per place key: its qualifier (a demonym or a possessive place) and the phrase."""
    from .facts.lexicon import basic_fold, load

    lex = load(lang)
    places: dict[str, str] = {}
    for s in run:
        for n in s.facts.names:
            if n.kind == "place":
                places.setdefault(n.key, n.text)
    out: dict[str, tuple[str, str]] = {}
    for s in run:
        for n in s.facts.names:
            if n.kind != "place":
                continue
            match = _QUALIFIER_BEFORE.search(s.text, max(0, n.start - 40), n.start)
            qualifier = ""
            if match:
                word = match.group(1)
                bare = re.sub(r"['’]s?$", "", word)
                if basic_fold(word) in lex.demonyms or (
                    bare != word and basic_fold(bare) in {basic_fold(p) for p in places.values()}
                ):
                    qualifier = basic_fold(word)
            phrase = s.text[match.start() : n.end] if qualifier and match else n.text
            if qualifier or n.key not in out:
                out[n.key] = (qualifier, phrase)
    return out


def _qualifiers(a: Sequence[Sentence], b: Sequence[Sentence], lang: str) -> list[Change]:
    qa, qb = _place_qualifiers(a, lang), _place_qualifiers(b, lang)
    out: list[Change] = []
    for key, (qual_a, phrase_a) in qa.items():
        if key in qb and qb[key][0] != qual_a:
            out.append(Change("framing", phrase_a, qb[key][1], "qualifier"))
    return out


# --- attribution ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Sources:
    """The sources a run of sentences cites.

    ``named`` maps the name keys a source phrase contains to the phrase; ``unresolved``
    counts named sources with no recognised name in them ("the outlet", "the Ukrainian
    president"), which refer back to someone named elsewhere; ``anonymous`` lists the
    phrases of unnamed sources.
    """

    named: dict[frozenset[str], str]
    unresolved: int
    anonymous: list[str]
    name_text: dict[frozenset[str], str]
    """The name as the source phrase writes it, per key set."""

    @property
    def any(self) -> bool:
        return bool(self.named or self.unresolved or self.anonymous)


def _sources(run: Sequence[Sentence]) -> _Sources:
    named: dict[frozenset[str], str] = {}
    name_text: dict[frozenset[str], str] = {}
    anonymous: list[str] = []
    unresolved = 0
    for sentence in run:
        for attr in sentence.facts.attributions:
            if attr.source is None:
                continue
            if attr.anonymous:
                anonymous.append(attr.source)
                continue
            inside = [n for n in sentence.facts.names if n.text in attr.source]
            keys = frozenset(n.key for n in inside)
            if keys:
                named.setdefault(keys, attr.source)
                name_text.setdefault(keys, inside[0].text)
            else:
                unresolved += 1
    return _Sources(named, unresolved, anonymous, name_text)


def _attributions(
    a: Sequence[Sentence], b: Sequence[Sentence], *, cross_lingual: bool
) -> list[Change]:
    """A named source that became anonymous or another source, or the reverse.

    Rules, for precision: a named source missing on the other side is a change when the
    other side names someone else instead (substitution), or cites only anonymous
    sources where this side cited none (named -> anonymous). A source that is simply not
    repeated is not a change: rewrites move the attribution to a neighbouring sentence
    or leave it implied (on MSRP, two thirds of such pairs are paraphrases). An outlet
    credited on one side only ("Axios also reported, citing two anonymous officials")
    while both sides keep the same anonymous source is not a change, nor is a reference
    back to a source named elsewhere ("the outlet"), nor a source named in full on one
    side and by surname on the other.
    """
    if cross_lingual:
        return []
    sa, sb = _sources(a), _sources(b)
    text_a = " ".join(s.text for s in a).casefold()
    text_b = " ".join(s.text for s in b).casefold()
    lost = [t for keys, t in sa.named.items() if not _cited(keys, t, sb.named, text_b)]
    gained = [t for keys, t in sb.named.items() if not _cited(keys, t, sa.named, text_a)]
    out: list[Change] = []
    while lost and gained:
        out.append(Change("attribution", lost.pop(0), gained.pop(0), "changed"))
    out += _one_sided(lost, sa, sb, reverse=False)
    out += _one_sided(gained, sb, sa, reverse=True)
    out += _outlet_or_reporter(sa, sb)
    return out


_FOR_SOMEONE = re.compile(r"^(?:\w+\s+){0,3}?(\w+)\s+(?:for|of|at|from|with)\s*$")


def _role(phrase: str, keys_text: str) -> str | None:
    """The person standing for a named organisation in a source phrase: "an interviewer
    for The Wall Street Journal" -> "interviewer"; None when the phrase is the name."""
    at = phrase.find(keys_text)
    if at <= 0:
        return None
    before = re.sub(r"^(?:the|a|an|one|another)\s+", "", phrase[:at].strip().casefold())
    before = re.sub(r"\bthe\s*$", "", before).strip()
    match = _FOR_SOMEONE.match(before + " ")
    return match.group(1) if match else None


def _outlet_or_reporter(sa: _Sources, sb: _Sources) -> list[Change]:
    """The same organisation credited, once as itself and once through one of its
    people ("an interviewer for The Wall Street Journal" / "The Wall Street Journal
    reported"): who said it changed."""
    out: list[Change] = []
    for keys, phrase_a in sa.named.items():
        phrase_b = sb.named.get(keys)
        if phrase_b is None or phrase_a == phrase_b:
            continue
        name_a = sa.name_text.get(keys, "")
        name_b = sb.name_text.get(keys, "")
        role_a, role_b = _role(phrase_a, name_a), _role(phrase_b, name_b)
        if (role_a is None) != (role_b is None):
            out.append(Change("attribution", phrase_a, phrase_b, "changed"))
    return out


def _surnames(keys: frozenset[str]) -> set[str]:
    return {key.split()[-1] for key in keys if key.split()}


def _cited(
    keys: frozenset[str], phrase: str, other: dict[frozenset[str], str], other_text: str
) -> bool:
    """Whether the other side cites the same source: a shared name or surname, or the
    source's name written anywhere in the other side ("said Bennett" / "Carolyn Greene
    Bennett, the town recorder, said")."""
    if any(keys & k or _surnames(keys) & _surnames(k) for k in other):
        return True
    return any(surname in other_text for surname in _surnames(keys)) or (
        phrase.casefold() in other_text
    )


def _one_sided(
    missing: list[str], here: _Sources, there: _Sources, *, reverse: bool
) -> list[Change]:
    """Changes for named sources of ``here`` that ``there`` lacks, substitution aside."""
    out: list[Change] = []
    for text in missing:
        if there.unresolved:
            continue
        if not there.anonymous or here.anonymous:
            continue
        other = there.anonymous[0]
        out.append(
            Change("attribution", other, text, "anonymous_to_named")
            if reverse
            else Change("attribution", text, other, "named_to_anonymous")
        )
    return out


# --- claims ---------------------------------------------------------------------------


def _claims(a: Sequence[Sentence], b: Sequence[Sentence], lang: str) -> list[Change]:
    """What a statement is about changed: a thing referred to by a pronoun on one side is
    a named person or organisation on the other, after the same verb ("they will support
    it" -> "they would support Zelenskyy"). A pronoun for a person resolved to that
    person's name ("thanked him" -> "thanked Smith") is no change, so only pronouns
    for things count (``thing_pronouns``)."""
    pronouns = frozenset(_change_words(lang).get("thing_pronouns", ()))
    if not pronouns:
        return []
    out: list[Change] = []
    for here, there, forward in ((a, b, True), (b, a, False)):
        there_names = [n for s in there for n in s.facts.names]
        for sentence in here:
            for name in sentence.facts.names:
                if name.kind not in ("person", "organization"):
                    continue
                if any(_same_entity(name, other) for other in there_names):
                    continue
                before = _NAME_CONTEXT.findall(sentence.text[: name.start])
                if not before:
                    continue
                verb = before[-1].casefold()
                if verb in stopwords() or len(verb) < 3:
                    continue
                verb_stem = stem(verb, lang)
                for other in there:
                    words = _NAME_CONTEXT.findall(other.text)
                    for k in range(len(words) - 1):
                        nxt = words[k + 1].casefold()
                        if nxt in pronouns and stem(words[k].casefold(), lang) == verb_stem:
                            pair = (f"{words[k]} {words[k + 1]}", f"{before[-1]} {name.text}")
                            a_text, b_text = pair if not forward else pair[::-1]
                            out.append(Change("claim", a_text, b_text, "object"))
                            break
    return out


# --- all together ---------------------------------------------------------------------


def fact_changes(
    a: Sequence[Sentence],
    b: Sequence[Sentence],
    *,
    cross_lingual: bool,
    lang: str | None = None,
) -> tuple[Change, ...]:
    """Every typed fact difference between two runs of sentences (see the module doc)."""
    changes: list[Change] = []
    code = (lang or "en").split("-")[0]
    changes += _numbers(a, b, code)
    changes += _dates(a, b)
    changes += _names(a, b, cross_lingual=cross_lingual)
    if not cross_lingual:
        # Quoted words always differ across languages; comparing them says nothing.
        changes += _quotes(a, b, code)
    changes += _hedges(a, b)
    changes += _attributions(a, b, cross_lingual=cross_lingual)
    changes += _framing(a, b, code)
    if not cross_lingual:
        changes += _claims(a, b, code)
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
