"""Numbers with their units: "80%", "$20 billion", "1.5 million", "12 people", "two officials".

Rules:

- ``value`` is the number as meant: "1.5 million" -> 1_500_000, "$20bn" -> 2e10.
- ``unit`` is "%" for percentages (%, percent, per cent), an ISO currency code for money
  ("$" -> USD, "euros" -> EUR, "hryvnias" -> UAH), a normalised measure ("km", "t"),
  the hyphenated measure of a compound ("33-year-old" -> "year-old"), or else the noun
  counted, lowercase as written ("12 people" -> "people"; adjectives and capitalised
  words between are skipped: "two anonymous White House officials" -> "officials").
  ``text`` covers the number with its symbol, multiplier and explicit unit words, not
  the counted noun.
- Written numbers count from "two" up ("two anonymous officials" -> 2), with "twenty-five"
  and "a dozen". "one" and "a" count only before a multiplier ("one million"): alone
  they are mostly pronouns and determiners ("one of", "on the one hand").
- Not numbers: anything inside a date (day of month, year), times ("11:47", "3 p.m."),
  ordinals ("15th"), identifiers after a head word or an acronym ("Article 5", "Flight
  17", "MH17", "F-16", "COVID-19"): they name a thing, they do not count one, and the
  name extractor keeps "Article 5" as a name.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from .._scripts import CJK_LETTERS
from ..model import Number
from .lexicon import Lexicon
from .tokens import word_set

_WORD_AFTER = re.compile(r"\s*(\S+)")
_LETTER_HYPHEN_BEFORE = re.compile(r"[^\W\d_]-$")
_WORD_BEFORE = re.compile(r"([^\W\d_][\w.]*)\s$")
_CLOCK_AFTER = re.compile(r"\s?:\s?\d")
_CLOCK_BEFORE = re.compile(r":\s?$")
_ORDINAL_AFTER = re.compile(r"(?:st|nd|rd|th)(?![\w])", re.IGNORECASE)
_COMPOUND_UNIT = re.compile(r"-([^\W\d_]+(?:-[^\W\d_]+)*)")
_GROUP_SPACES = re.compile(r"[ \u00a0\u202f]")
_A_OR_ONE_BEFORE = re.compile(r"\b(?:a|one)\s+$", re.IGNORECASE)
_TENS_SPLIT = re.compile(r"[-\s]")
_DIGIT = re.compile(r"\d")
_UNSPACED = re.compile(f"[{CJK_LETTERS}]")
"""Scripts written without spaces between a number and its words (Chinese, Japanese;
Korean attaches its counters): a letter of these next to a digit does not make an
identifier ("で１２月", "３００人")."""


_END = rf"(?![^\W\d_{CJK_LETTERS}])"
"""The end of a multiplier or unit word: no letter follows, except one of a script written
without spaces ("2000万ユーロ", "20万美元"), and digits may ("２万５０００")."""
_DATE_OR_TIME_AFTER = re.compile(r"\s?[月日时時分秒点點号號월일시분초]")
"""A number before one of these is a date or clock part ("27日", "午後9時"), not a count
("2015年" stays a number, which the number and date comparisons take for a year)."""
_ONE_COMMA_GROUP = re.compile(r"\d{1,3},\d{3}")
_GROUPED = {" ": "[ \u00a0\u202f]", ".": r"\.", ",": ","}

_EDGE_PUNCT = "\"'“”‘’«»()[]{},.;:!?…"


@dataclass(frozen=True, slots=True)
class _Patterns:
    digits: re.Pattern[str]
    currency_before: re.Pattern[str]
    time_after: re.Pattern[str] | None
    after: re.Pattern[str]
    words: re.Pattern[str] | None
    word_triggers: frozenset[str]
    """Words whose presence means ``words`` may match (number words, "a", "one")."""


NEUTRAL_CURRENCY_SYMBOLS = {
    "$": "USD",
    "€": "EUR",
    "£": "GBP",
    "¥": "JPY",
    "₴": "UAH",
    "₽": "RUB",
    "₹": "INR",
}
"""Currency symbols read the same in every language; a lexicon may add or override."""


def _symbols(lex: Lexicon) -> dict[str, str]:
    return {**NEUTRAL_CURRENCY_SYMBOLS, **lex.currency_symbols}


def _alt(words: list[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


@functools.cache
def _patterns(lang: str) -> _Patterns:
    from .lexicon import load

    lex = load(lang)
    if lex.decimal == ",":
        group = "|".join(_GROUPED[g] for g in dict.fromkeys(lex.group + " ") if g in _GROUPED)
        num = rf"\d{{1,3}}(?:(?:{group})\d{{3}})+(?:,\d+)?|\d+(?:,\d+)?"
    else:
        num = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
    symbols = _alt(list(_symbols(lex)))
    attached = [m for m in lex.multipliers if m in lex.attached_only_multipliers]
    spaced = [m for m in lex.multipliers if m not in lex.attached_only_multipliers]
    mult_parts = []
    if attached:
        mult_parts.append(rf"(?P<matt>{_alt(attached)}){_END}")
    if spaced:
        mult_parts.append(rf"\s?(?P<mult>{_alt(spaced)}){_END}")
    mult = f"(?:{'|'.join(mult_parts)})?" if mult_parts else ""
    # the number alone is scanned for; a currency symbol is looked for just before it
    # (an alternation of symbols tried at every position cost more than the rest)
    # no lookbehind at the start: a pattern that begins with a digit class lets the regex
    # engine skip ahead to digits; the character before is checked in find_numbers
    digits = re.compile(rf"(?P<num>{num})(?![\d])(?!,\d)(?!\.\d){mult}", re.IGNORECASE)
    suffixes = _alt(list(lex.time_suffixes)) if lex.time_suffixes else None
    time_after = re.compile(rf"\s*(?:{suffixes})(?![^\W\d_])", re.IGNORECASE) if suffixes else None
    currency_before = re.compile(rf"(?<![^\W\d_])(?P<cur>{symbols})\s?$")
    unit_words = (
        list(lex.percent) + list(lex.currency_words) + list(lex.units) + list(lex.currency_symbols)
    )
    after = re.compile(rf"\s?(?P<u>{_alt(unit_words)}){_END}", re.IGNORECASE)
    words = None
    if lex.number_words:
        simple = _alt(list(lex.number_words))
        tens = _alt(list(lex.tens)) if lex.tens else None
        ones = _alt([w for w, v in lex.number_words.items() if 1 <= v <= 9])
        compound = rf"(?:{tens})[-\s](?:{ones}|one)" if tens else None
        only_mult = (
            _alt(list(lex.number_words_multiplier_only))
            if lex.number_words_multiplier_only
            else None
        )
        spaced_alt = _alt(spaced) if spaced else None
        alts = []
        if compound:
            alts.append(rf"(?P<wc>{compound})")
        alts.append(rf"(?P<ws>{simple})")
        body = "|".join(alts)
        pattern = rf"(?<![\w-])(?:{body})"
        if spaced_alt:
            pattern += rf"(?:\s+(?P<wm>{spaced_alt}))?"
        pattern += r"(?![\w-])"
        if only_mult and spaced_alt:
            with_multiplier = (
                rf"(?<![\w-])(?P<wo>{only_mult})\s+(?P<wom>{spaced_alt}|dozen|hundred)(?![\w-])"
            )
            pattern = f"{with_multiplier}|{pattern}"
        words = re.compile(pattern, re.IGNORECASE)
    triggers: set[str] = set()
    for phrase in [*lex.number_words, *lex.number_words_multiplier_only, *lex.tens]:
        triggers.update(phrase.lower().split())
    triggers -= {"a", "an"}  # "a million" also holds "million", which is a trigger too
    triggers.update(m.lower() for m in lex.multipliers)
    return _Patterns(digits, currency_before, time_after, after, words, frozenset(triggers))


def _parse(num: str, lex: Lexicon) -> float | None:
    if lex.decimal == ",":
        raw = _GROUP_SPACES.sub("", num).replace(".", "").replace(",", ".")
    else:
        raw = num.replace(",", "")
    try:
        return float(raw)
    except ValueError:
        return None


def _overlaps(start: int, end: int, spans: list[tuple[int, int]]) -> bool:
    return any(start < e and s < end for s, e in spans)


def _counted_noun(text: str, pos: int, lex: Lexicon) -> str | None:
    """The noun a number counts: the next lowercase word that is not an adjective."""
    if not lex.function_words:
        return None  # a language without a lexicon: no way to tell nouns from the rest
    skipped = 0
    for _ in range(5):
        match = _WORD_AFTER.match(text, pos)
        if not match:
            return None
        raw = match.group(1)
        core = raw.strip(_EDGE_PUNCT)
        if not core or not core[0].isalpha():
            return None
        low = core.lower()
        ends = raw.rstrip(_EDGE_PUNCT) != raw
        if core[0].isupper():
            skipped += 1
        elif low in lex.not_counted or low in lex.function_words:
            return None
        elif low in lex.counted_noun_skip or (
            low.endswith(lex.adjective_suffixes) and len(low) > 5
            if lex.adjective_suffixes
            else False
        ):
            skipped += 1
        elif lex.verb_suffixes and low.endswith(lex.verb_suffixes):
            return None  # "ten died", "12 arrested": a verb, no noun counted
        else:
            return low
        if ends or skipped > 3:
            return None
        pos = match.end()
    return None


def _joined(char: str) -> bool:
    """True for a letter or digit that would make a digit part of a word ("MH17", "5G");
    not for a character of a script written without spaces."""
    return char.isalnum() and _UNSPACED.match(char) is None


def _is_identifier(text: str, start: int, lex: Lexicon) -> bool:
    """True after a head word or acronym ("Article 5", "G 7") or a letter-hyphen ("F-16")."""
    before = text[max(0, start - 30) : start]
    if _LETTER_HYPHEN_BEFORE.search(before):
        return True
    match = _WORD_BEFORE.search(before)
    if not match:
        return False
    word = match.group(1).rstrip(".")
    low = word.lower()
    if low in lex.months or low in lex.function_words or low in lex.currency_words:
        return False
    if word in lex.currency_symbols:
        return False
    from .lexicon import basic_fold

    if basic_fold(word) in lex.identifier_heads:
        return True
    return word.isupper() and 2 <= len(word) <= 5 and word.isalpha()


def _is_time(text: str, start: int, end: int, pats: _Patterns) -> bool:
    if _CLOCK_AFTER.match(text, end) or _CLOCK_BEFORE.search(text, max(0, start - 2), start):
        return True
    if _ORDINAL_AFTER.match(text, end):
        return True
    return pats.time_after is not None and pats.time_after.match(text, end) is not None


def find_numbers(text: str, lex: Lexicon, exclude: list[tuple[int, int]]) -> list[Number]:
    """The numbers in one sentence, skipping spans in ``exclude`` (dates, identifiers)."""
    pats = _patterns(lex.lang)
    out: list[Number] = []
    taken: list[tuple[int, int]] = list(exclude)
    has_digit = _DIGIT.search(text) is not None
    has_word = pats.words is not None and not word_set(text).isdisjoint(pats.word_triggers)

    for match in pats.digits.finditer(text) if has_digit else ():
        start, end = match.start(), match.end()
        if start and (text[start - 1] in ".," or _joined(text[start - 1])):
            continue  # inside "3.5", "1,000" or "MH17": not the start of a number
        num_start, num_end = match.start("num"), match.end("num")
        if _overlaps(num_start, num_end, taken):
            continue
        if _is_time(text, num_start, num_end, pats) or _DATE_OR_TIME_AFTER.match(text, num_end):
            continue
        cur = pats.currency_before.search(text, max(0, start - 4), start)
        if cur is None and _is_identifier(text, num_start, lex):
            continue
        if lex.decimal == "," and _ONE_COMMA_GROUP.fullmatch(match.group("num")):
            continue  # "10,000" where the comma is the decimal mark: 10 or 10,000? unsure
        value = _parse(match.group("num"), lex)
        if value is None:
            continue
        unit: str | None = None
        if cur is not None:
            start = cur.start()
            unit = _symbols(lex).get(cur.group("cur"))
        mult_word = match.groupdict().get("mult")
        attached = match.groupdict().get("matt")
        if attached and unit is not None:
            # "$5m" is five million dollars; "80m" alone is eighty metres
            mult_word = attached
        elif attached:
            end = match.start("matt")
        if mult_word:
            value *= lex.multipliers[mult_word.lower()]
            if mult_word.lower() in lex.compound_multipliers:
                value, end = _compound_rest(text, end, value, mult_word.lower(), lex)
        before_unit = end
        end = _take_unit(text, end, lex, pats, unit_holder := [unit])
        unit = unit_holder[0]
        if end == before_unit and _joined(text[end : end + 1]):
            continue  # "30s", "1990s", "76ers", "5G": not a count of anything
        if unit is None and lex.per_hour_units:
            unit, end = _per_hour(text, start, end, lex)
        if unit is None:
            compound = _COMPOUND_UNIT.match(text, num_end)
            if compound and match.end() == num_end:
                unit = compound.group(1).lower()
            else:
                unit = _counted_noun(text, end, lex)
        out.append(Number(text[start:end].strip(), value, unit, start, end))
        taken.append((start, end))

    if pats.words is not None and has_word:
        for match in pats.words.finditer(text):
            start, end = match.start(), match.end()
            if _overlaps(start, end, taken):
                continue
            groups = match.groupdict()
            if groups.get("wo"):
                base = lex.number_words_multiplier_only[groups["wo"].lower()]
                mult_word = groups["wom"].lower()
                factor = lex.multipliers.get(mult_word) or lex.number_words.get(mult_word, 1.0)
                value = base * factor
            elif groups.get("wc"):
                tens_word, ones_word = _TENS_SPLIT.split(groups["wc"].lower())
                value = lex.number_words[tens_word] + lex.number_words.get(ones_word, 1.0)
            else:
                word = groups["ws"].lower()
                value = lex.number_words[word]
                if word == "hundred" and not _A_OR_ONE_BEFORE.search(text, 0, start):
                    continue
            if groups.get("wm"):
                value *= lex.multipliers[groups["wm"].lower()]
            holder: list[str | None] = [None]
            end = _take_unit(text, end, lex, pats, holder)
            unit = holder[0] or _counted_noun(text, end, lex)
            out.append(Number(text[start:end], value, unit, start, end))
            taken.append((start, end))

    out.sort(key=lambda n: n.start)
    return out


@functools.cache
def _rest_pattern(lang: str) -> re.Pattern[str]:
    from .lexicon import load

    return re.compile(rf"(\d+)({_alt(list(load(lang).compound_multipliers))})?")


def _compound_rest(text: str, end: int, value: float, mult: str, lex: Lexicon) -> tuple[float, int]:
    """Myriad arithmetic: digits written straight after a compound multiplier add on with
    their own smaller multiplier ("1億2000万" = 120,000,000, "２万５０００" = 25,000)."""
    factor = lex.multipliers[mult]
    rest = _rest_pattern(lex.lang)
    while (match := rest.match(text, end)) is not None:
        sub = lex.multipliers.get((match.group(2) or "").lower(), 1.0)
        if sub >= factor:
            break
        value += float(match.group(1)) * sub
        end, factor = match.end(), sub
    return value, end


@functools.cache
def _per_hour_pattern(lang: str) -> re.Pattern[str]:
    from .lexicon import load

    units = _alt(list(load(lang).per_hour_units))
    return re.compile(rf"(?P<range>\s?[～〜~\-–至到]\s?\d+)?\s?(?P<u>{units})")


def _per_hour(text: str, start: int, end: int, lex: Lexicon) -> tuple[str | None, int]:
    """A speed written around the number: "時速85マイル", "每小时90英里" (mph, km/h): the
    rate word before it, the distance after it (past the other end of a range, which
    stays a number of its own); (None, end) when it is not one."""
    before = text[max(0, start - 6) : start]
    if not any(before.endswith(p) for p in lex.per_hour_prefixes):
        return None, end
    match = _per_hour_pattern(lex.lang).match(text, end)
    if match is None:
        return None, end
    return lex.per_hour_units[match["u"]], end if match["range"] else match.end()


def _take_unit(text: str, end: int, lex: Lexicon, pats: _Patterns, holder: list[str | None]) -> int:
    """Extend ``end`` over an explicit unit word after the number and store the unit."""
    match = pats.after.match(text, end)
    if not match:
        return end
    word = match.group("u")
    low = word.lower()
    if word in lex.percent or low in (p.lower() for p in lex.percent):
        holder[0] = "%"
    elif low in lex.currency_words:
        if holder[0] is None:
            holder[0] = lex.currency_words[low]
    elif word in lex.currency_symbols:
        if holder[0] is None:
            holder[0] = lex.currency_symbols[word]
    elif low in lex.units:
        if holder[0] is not None:
            return end
        holder[0] = lex.units[low]
    else:
        return end
    return match.end()
