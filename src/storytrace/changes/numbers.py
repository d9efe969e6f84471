"""Number and date changes: values at the precision of the less precise side, with
their qualifiers ("nearly 3 million"); weekdays, relative dates and years as dates."""

from __future__ import annotations

import functools
import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from ..model import Change, Number, Sentence
from ..similarity import date_key
from .common import change_words


@functools.cache
def _measure_units() -> frozenset[str]:
    """Units that make a number a measured quantity: %, currencies and measures.

    Read from every shipped numbers lexicon, so a new language's units count too. Any
    other unit is a counted noun ("people", "allegations"), which rewrites drop freely.
    """
    from .. import _lexicons
    from ..facts.lexicon import load

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


def reads_number_words(lang: str | None) -> bool:
    """Whether numbers written in words are read in ``lang`` (not in Chinese or Japanese,
    whose numerals are not read): only then is a measure missing on its side evidence."""
    from ..facts.lexicon import load

    return bool(load(lang).number_words)


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
def _qualifier_pattern(lang: str) -> tuple[re.Pattern[str] | None, dict[str, str]]:
    table: dict[str, str] = dict(change_words(lang).get("number_qualifiers", {}))
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


def number_changes(
    a: Sequence[Sentence],
    b: Sequence[Sentence],
    lang: str,
    *,
    lost: bool = True,
    gained: bool = True,
) -> list[Change]:
    """Numbers replaced, requalified, and measures only one side has.

    ``lost`` (``gained``) False: a measure of A (B) with no counterpart is no change,
    because the other side may write it in words this reader cannot read (Chinese
    "五千美元", "百分之二十").
    """
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
    out += [Change("number", x.text, None) for x in left_a if lost and _measure(x.number)]
    out += [Change("number", None, y.text) for y in left_b if gained and _measure(y.number)]
    return out


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


def date_changes(a: Sequence[Sentence], b: Sequence[Sentence]) -> list[Change]:
    """Dates replaced by other dates, compared by month-day when a year is missing.

    A weekday counts even when the full date is unknown ("on Friday" -> "on Thursday":
    ``-W-5`` and ``-W-4``), and so does a relative date ("yesterday" -> "last week").
    """
    items_a, items_b = _date_items(a), _date_items(b)
    only_a = [x for x in items_a if not any(_date_match(x.key, o.key) for o in items_b)]
    only_b = [y for y in items_b if not any(_date_match(y.key, o.key) for o in items_a)]
    # "Sunday into Monday" -> "Monday into Monday": a date one side names once more than
    # the other stands in for the other side's unmatched one
    if only_a and not only_b:
        only_b = _surplus(items_b, items_a)
    elif only_b and not only_a:
        only_a = _surplus(items_a, items_b)
    out: list[Change] = []
    for x in only_a:
        y = next((y for y in only_b if _comparable(x, y)), None)
        if y is not None:
            only_b.remove(y)
            out.append(Change("date", x.text, y.text, _date_subtype(x, y)))
    return out


def _surplus(items: list[_Date], others: list[_Date]) -> list[_Date]:
    """The later mentions of a date ``items`` names more often than ``others`` do."""
    seen: Counter[str] = Counter()
    have = Counter(o.key for o in others)
    out = []
    for x in items:
        seen[x.key] += 1
        if have[x.key] and seen[x.key] > have[x.key]:
            out.append(x)
    return out


def _comparable(x: _Date, y: _Date) -> bool:
    """Whether one date may have replaced the other: not a bare year and a weekday or
    another relative date ("2015" and "Saturday" are two facts, not one changed)."""
    x_year, y_year = _YEAR_LIKE.match(x.iso) is not None, _YEAR_LIKE.match(y.iso) is not None
    return not ((x_year and y.relative) or (y_year and x.relative))


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
    from .. import _lexicons
    from ..facts.lexicon import load

    words: set[str] = set()
    for lang in _lexicons.available("dates"):
        words.update(load(lang).weekdays)
    return frozenset(words)


def _date_match(x: str, y: str) -> bool:
    """Same date, or one is a coarser form of the other ("2025-12" and "2025-12-15")."""
    return x == y or x.startswith(y) or y.startswith(x)
