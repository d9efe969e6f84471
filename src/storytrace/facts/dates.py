"""Dates, normalised to ISO 8601 and resolved against the publication date.

Rules (each chosen so that two versions of one story normalise a date equally however
they write it):

- "December 15", "15 December", "Dec. 15", "15th of December" without a year take the
  year that puts the date nearest the publication date (an article of 2025-12-28 saying
  "January 5" means 2026-01-05). Without a publication date they get the ISO 8601 form
  without a year, "--12-15", so "December 15" and "15 December" still compare equal.
- "Dec 15, 2025", "15 December 2025", "2025-12-15", "15.12.2025" are taken as written.
  Slash dates ("12/15/2025") are skipped: day and month order differ by country.
- "March 2014" -> "2014-03"; "in 2014" -> "2014" (a bare four-digit number is a year
  only after a cue such as "in", "since", "the"; otherwise it is a number).
- "in December" -> the nearest December ("YYYY-MM"; "--12" without a publication date);
  "last December"/"next December" pick the one before/after.
- "on Monday": the nearest Monday on or before publication, or on or after it when the
  sentence speaks of the future before it ("will", "is expected", "scheduled"); "next
  Monday"/"last Monday" strictly after/before. Skipped without a publication date.
- "yesterday", "today", "tomorrow", "N days ago" resolve against the publication date;
  "last week" -> the ISO week ("2025-W49"), "last month" -> "YYYY-MM", "last year" ->
  "YYYY". Skipped without a publication date.
- "the day before", "the previous day", "the next day" resolve against the most recent
  explicit full date mentioned earlier in the article (or earlier in the same sentence),
  else the publication date, else they are skipped: "a meeting on December 12 ... talks
  the day before" means December 11.

Every resolved-from-relative date has ``relative=True``.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass

from ..model import DateMention
from .lexicon import Lexicon, RelativeDate
from .tokens import word_set

_NO_YEAR = 2001
"""Stands in for the unknown year of "--12-12" in day arithmetic (not a leap year)."""


@dataclass(slots=True)
class DateContext:
    """Article-level state: the publication date and the last explicit day mentioned.

    ``last_explicit`` may carry the stand-in year ``_NO_YEAR`` when the article gave a
    day without a year and has no publication date ("on 12 December"); "the day before"
    then resolves to "--12-11", which still compares equal to the other version's
    "2025-12-11" through ``same_date``.
    """

    published: dt.date | None
    last_explicit: dt.date | None = None
    last_has_year: bool = True

    @property
    def anchor(self) -> dt.date | None:
        """What "the day before" counts from."""
        return self.last_explicit or self.published


def same_date(a: str, b: str) -> bool:
    """True when two ISO strings from ``DateMention.iso`` can name the same date.

    A date without a year ("--12-15", "--12") matches any year with that month and day
    ("2025-12-15"), so a version without a publication date still agrees with one that
    has it.

    Examples:
        >>> same_date("--12-15", "2025-12-15"), same_date("--12-15", "2025-12-16")
        (True, False)
    """
    if a == b:
        return True
    if a.startswith("--") == b.startswith("--"):
        return False
    full, partial = (b, a) if a.startswith("--") else (a, b)
    return len(full) >= 5 and full[4] == "-" and full[4:] == partial[1:]


@dataclass(frozen=True, slots=True)
class _Patterns:
    """Date patterns of one language, each tried only where it can start.

    Month names, weekdays and years are found first with cheap word and digit scans;
    the patterns are then matched anchored at those places (or searched in a short
    window just before them for "15 December", "in December", "last Monday"). Scanning
    whole sentences with alternations of every month name and cue word was the single
    largest cost of fact extraction.
    """

    md: re.Pattern[str]
    my: re.Pattern[str]
    day_before: re.Pattern[str]
    dm: re.Pattern[str]
    month_cue_before: re.Pattern[str] | None
    year_cue_before: re.Pattern[str] | None
    weekday: re.Pattern[str]
    weekday_cue_before: re.Pattern[str]
    future: re.Pattern[str] | None
    """Words that put a weekday in the future ("will", "is expected")."""


_DIGIT = re.compile(r"\d")
_WORDS = re.compile(r"[^\W\d_]+(?:['’ʼ](?![sS]\b)[^\W\d_]+)*")
"""Words, an apostrophe inside allowed (Ukrainian "п’ятницю"), but not before a possessive
"s": "Friday's" is the weekday (reading it whole cost the ECB+ stories their dates)."""
_ISO = re.compile(r"(?<![\w-])(\d{4})-(\d{2})-(\d{2})(?![\w-])")
_DOTTED = re.compile(r"(?<![\w.])(\d{1,2})\.(\d{1,2})\.(\d{4})(?!\d)")
_CJK = re.compile(r"(?:(?P<y>\d{4})\s*[年년]\s*)?(?P<m>\d{1,2})\s*[月월]\s*(?P<d>\d{1,2})\s*[日일]")
"""Chinese, Japanese and Korean dates ("2024年12月10日", "１２月１０日", "12월 10일"), in
every language: digits of any width (``\\d`` and ``int`` read full-width ones)."""
_CJK_RANGE_AFTER = re.compile(r"\s*[と和及至、~～〜\-–]\s*(\d{1,2})\s*[日일]")
"""The other day of a CJK range: "11月26日と27日", "11月26日和27日"."""
_CJK_WEEKDAY = re.compile(
    r"(?:星期|礼拜|禮拜|周|週)(?P<z>[一二三四五六日天])|(?P<j>[月火水木金土日])曜日?"
    r"|(?P<k>[월화수목금토일])요일"
)
"""Chinese (周二, 星期二), Japanese (火曜日, 火曜) and Korean (화요일) weekdays, in every
language: no word boundary separates them from the text around."""
_CJK_WEEKDAY_INDEX = {
    **{c: i for i, c in enumerate("一二三四五六")},
    **{c: i for i, c in enumerate("月火水木金土日")},
    "天": 6,
    **{c: i for i, c in enumerate("월화수목금토일")},
}
_YEAR = re.compile(r"(?<![\w,.])(?:1[5-9]|20)\d{2}(?!\w|[,.]\d)")
_PERCENT_AFTER = re.compile(r"\s*(?:%|percent\b|per cent\b)")
_DIGIT_AFTER = re.compile(r"\.?\s*\d")
_RANGE_WORDS = r"(?:[-–—,&]|and|to|и|і|та|й|до|по|und|bis|et|au|y|al|i|a|do)"
_RANGE_AFTER = re.compile(
    rf"\s*{_RANGE_WORDS}\s*(\d{{1,2}})(?![\d%]|[.,:]\d|\s+[^\W\d_]*[a-zа-яіїєґ])"
)
_RANGE_BEFORE = re.compile(rf"(?<![\w.,])(\d{{1,2}})\.?\s*{_RANGE_WORDS}\s*$")
"""The other day of a range: "November 26 and 27", "26 и 27 ноября", "26–27 листопада",
"26. a 27. listopadu" (the ordinal period of Czech, Croatian and German)."""
_WINDOW = 30
"""How far before a month, weekday or year to look for its day number or cue word."""


def _alt(words: list[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


@functools.cache
def _patterns(lang: str) -> _Patterns | None:
    from .lexicon import load

    lex = load(lang)
    if not lex.months:
        return None
    month = rf"(?P<m>{_alt(list(lex.months))})\.?"
    ords = lex.ordinal_suffix
    day = rf"(?P<d>\d{{1,2}})(?:{ords})?" if ords else r"(?P<d>\d{1,2})"
    joiners = rf"(?:(?:{_alt(list(lex.day_month_joiners))})\s+)?" if lex.day_month_joiners else ""
    year = rf"(?:,?\s+{joiners}(?P<y>\d{{4}})(?!\d))?"  # "15 de marzo de 2024"
    flags = re.IGNORECASE
    not_quantity = r"(?![\d%]|[.,:]\d|\s*(?:%|percent|per cent))"
    cues = [*lex.weekday_past_cues, *lex.weekday_future_cues, "this"]
    return _Patterns(
        md=re.compile(rf"{month}\s+{day}{not_quantity}{year}", flags),
        my=re.compile(rf"{month},?\s+(?P<y>\d{{4}})(?!\d)", flags),
        day_before=re.compile(rf"(?<![\w.,]){day}\s+{joiners}$", flags),
        dm=re.compile(rf"{day}\s+{joiners}{month}(?![\w]){year}", flags),
        month_cue_before=(
            re.compile(rf"(?<![\w])(?P<cue>{_alt(list(lex.month_cues))})[\s-]+$", flags)
            if lex.month_cues
            else None
        ),
        year_cue_before=(
            re.compile(rf"(?<![\w])(?:{_alt(list(lex.year_cues))})[\s-]+$", flags)
            if lex.year_cues
            else None
        ),
        weekday=re.compile(
            rf"(?P<w>{_alt(list(lex.weekdays) or ['-'])})(?P<dot>[.,])?(?![\w])", flags
        ),
        weekday_cue_before=re.compile(rf"(?<![\w])(?P<cue>{_alt(cues)})\s+$", flags),
        future=(
            re.compile(rf"(?<!\w)(?:{_alt(list(lex.future_markers))})(?!\w)", flags)
            if lex.future_markers
            else None
        ),
    )


def _valid(y: int, m: int, d: int) -> dt.date | None:
    try:
        return dt.date(y, m, d)
    except ValueError:
        return None


def _nearest_year(month: int, day: int, published: dt.date) -> dt.date | None:
    candidates = [
        _valid(y, month, day) for y in (published.year - 1, published.year, published.year + 1)
    ]
    dates = [c for c in candidates if c is not None]
    if not dates:
        return None
    return min(dates, key=lambda c: (abs((c - published).days), c > published))


def _month_shift(d: dt.date, months: int) -> tuple[int, int]:
    total = d.year * 12 + (d.month - 1) + months
    return total // 12, total % 12 + 1


@dataclass(frozen=True, slots=True)
class _Found:
    start: int
    end: int
    iso: str
    relative: bool
    explicit_day: dt.date | None
    """A full date written out (not relative): it becomes the anchor for "the day before"."""
    priority: int


def _month_ok(word: str, lex: Lexicon) -> bool:
    """Month words count when capitalised where the language capitalises them.

    An ambiguous word ("May", "March") always needs its capital: "may 5" is no date.
    """
    if not lex.capitalised_names or word[:1].isupper():
        return True
    return word.rstrip(".").lower() not in lex.ambiguous_months


def _month_day(
    match: re.Match[str], lex: Lexicon, pub: dt.date | None, start: int
) -> _Found | None:
    month = lex.months[match.group("m").rstrip(".").lower()]
    day = int(match.group("d"))
    year = match.group("y")
    if year:
        d = _valid(int(year), month, day)
        return _Found(start, match.end(), d.isoformat(), False, d, 1) if d else None
    if _valid(2000, month, day) is None:  # 2000 is a leap year: "--02-29" is fine
        return None
    if pub is None:
        stand_in = _valid(_NO_YEAR, month, day)  # None for --02-29: it anchors nothing
        return _Found(start, match.end(), f"--{month:02d}-{day:02d}", False, stand_in, 1)
    d = _nearest_year(month, day, pub)
    return _Found(start, match.end(), d.isoformat(), False, d, 1) if d else None


def _numeric_month_day(match: re.Match[str], pub: dt.date | None) -> _Found | None:
    """A date written with a numeric month (``_CJK``): as ``_month_day`` resolves one."""
    month, day = int(match["m"]), int(match["d"])
    if match["y"]:
        d = _valid(int(match["y"]), month, day)
        return _Found(match.start(), match.end(), d.isoformat(), False, d, 0) if d else None
    if _valid(2000, month, day) is None:
        return None
    if pub is None:
        stand_in = _valid(_NO_YEAR, month, day)
        return _Found(match.start(), match.end(), f"--{month:02d}-{day:02d}", False, stand_in, 1)
    d = _nearest_year(month, day, pub)
    return _Found(match.start(), match.end(), d.isoformat(), False, d, 1) if d else None


def _cjk_weekday(match: re.Match[str], pub: dt.date | None) -> _Found:
    """A Chinese, Japanese or Korean weekday, resolved as ``_weekday`` resolves one with no
    cue: "-W-n" without a publication date, else the nearest such day before it."""
    letter = match["z"] or match["j"] or match["k"]
    target = _CJK_WEEKDAY_INDEX[letter]
    if pub is None:
        return _Found(match.start(), match.end(), f"-W-{target + 1}", True, None, 5)
    d = pub - dt.timedelta(days=(pub.weekday() - target) % 7)
    return _Found(match.start(), match.end(), d.isoformat(), True, None, 5)


def _range_day(item: _Found, match: re.Match[str]) -> list[_Found]:
    """The other day of a range, in the month (and year) of ``item``."""
    day = int(match.group(1))
    iso = f"{item.iso[:-2]}{day:02d}"
    year = _NO_YEAR if iso.startswith("--") else int(iso[:4])
    if _valid(year, int(iso[-5:-3]), day) is None:
        return []
    return [_Found(match.start(1), match.end(1), iso, False, None, 1)]


def _bare_month(month: int, cue: str, lex: Lexicon, pub: dt.date | None) -> str:
    """ "in December" -> the nearest December; "last"/"next" pick the one before/after."""
    if pub is None:
        return f"--{month:02d}"
    pub_index = pub.year * 12 + pub.month - 1
    options = [(pub.year + k) * 12 + month - 1 - pub_index for k in (-1, 0, 1)]
    if cue in lex.weekday_past_cues:
        offset = max(o for o in options if o < 0)
    elif cue in lex.weekday_future_cues:
        offset = min(o for o in options if o > 0)
    elif cue == "this":
        offset = month - pub.month
    else:
        offset = min(options, key=lambda o: (abs(o), o > 0))
    year, mon = divmod(pub_index + offset, 12)
    return f"{year}-{mon + 1:02d}"


def find_dates(text: str, lex: Lexicon, ctx: DateContext) -> list[DateMention]:
    """The dates in one sentence, resolved; updates ``ctx.last_explicit`` as it goes."""
    pats = _patterns(lex.lang)
    found: list[_Found] = []
    pub = ctx.published
    lowered = text.lower()
    has_digit = _DIGIT.search(text) is not None

    if has_digit:
        for match in _ISO.finditer(text):
            d = _valid(int(match[1]), int(match[2]), int(match[3]))
            if d:
                found.append(_Found(match.start(), match.end(), d.isoformat(), False, d, 0))
        for match in _DOTTED.finditer(text):
            d = _valid(int(match[3]), int(match[2]), int(match[1]))
            if d:
                found.append(_Found(match.start(), match.end(), d.isoformat(), False, d, 0))
        for match in _CJK.finditer(text):
            item = _numeric_month_day(match, pub)
            if item:
                found.append(item)
                other = _CJK_RANGE_AFTER.match(text, match.end())
                if other:
                    found += _range_day(item, other)
    found += [_cjk_weekday(match, pub) for match in _CJK_WEEKDAY.finditer(text)]

    words = word_set(text) if pats is not None else frozenset()
    if pats is not None and not words.isdisjoint(lex.months):
        for word in _WORDS.finditer(text):
            low = word.group().lower()
            if low not in lex.months or not _month_ok(word.group(), lex):
                continue
            p = word.start()
            if has_digit:
                md = pats.md.match(text, p)
                if md:
                    item = _month_day(md, lex, pub, p)
                    if item:
                        found.append(item)
                        other = _RANGE_AFTER.match(text, md.end("d"))
                        if other and not md.group("y"):
                            found += _range_day(item, other)
                    continue
                before = pats.day_before.search(text, max(0, p - _WINDOW), p)
                dm = pats.dm.match(text, before.start()) if before else None
                if dm and dm.start("m") == p:
                    item = _month_day(dm, lex, pub, dm.start())
                    if item:
                        found.append(item)
                        other = _RANGE_BEFORE.search(text, max(0, dm.start() - 12), dm.start())
                        if other:
                            found += _range_day(item, other)
                    continue
                my = pats.my.match(text, p)
                if my:
                    iso = f"{my['y']}-{lex.months[low]:02d}"
                    found.append(_Found(p, my.end(), iso, False, None, 2))
                    continue
            if pats.month_cue_before is None or _DIGIT_AFTER.match(text, word.end()):
                continue
            cue = pats.month_cue_before.search(text, max(0, p - _WINDOW), p)
            if cue and (word.group()[:1].isupper() or not lex.capitalised_names):
                iso = _bare_month(lex.months[low], cue.group("cue").lower(), lex, pub)
                end = word.end() + (1 if text[word.end() : word.end() + 1] == "." else 0)
                found.append(_Found(p, end, iso, False, None, 3))

    if has_digit and pats is not None and pats.year_cue_before is not None:
        for match in _YEAR.finditer(text):
            s = match.start()
            if _PERCENT_AFTER.match(text, match.end()):
                continue
            if pats.year_cue_before.search(text, max(0, s - _WINDOW), s):
                found.append(_Found(s, match.end(), match.group(), False, None, 4))

    if pats is not None and not words.isdisjoint(lex.weekdays):
        for word in _WORDS.finditer(text):
            if word.group().lower() not in lex.weekdays:
                continue
            found_day = _weekday(text, word.start(), pats, lex, pub)
            if found_day:
                found.append(found_day)

    for index in lex.relative_triggers.candidates(lowered):
        rel = lex.relative[index]
        for match in rel.regex.finditer(text):
            if rel.lowercase_only and match.group()[:1].isupper() and text[: match.start()].strip():
                continue
            if rel.anchor == "context":
                # resolved below, in order, against the running anchor
                found.append(_Found(match.start(), match.end(), "", True, None, 6))
                continue
            count = _count(match, lex)
            if pub is None:
                iso = _duration(rel.days, rel.weeks, rel.months, rel.years, count)
            else:
                iso = _offset(pub, rel.days, rel.weeks, rel.months, rel.years, count)
            found.append(_Found(match.start(), match.end(), iso, True, None, 6))

    # keep the longest, most explicit match where matches overlap
    found.sort(key=lambda f: (f.start, -(f.end - f.start), f.priority))
    kept: list[_Found] = []
    for f in found:
        if kept and f.start < kept[-1].end:
            continue
        kept.append(f)

    out: list[DateMention] = []
    for f in kept:
        iso = f.iso
        if f.relative and not iso:
            anchor = ctx.anchor
            if anchor is None:
                continue
            resolved = _context_match(text[f.start : f.end], lex)
            if resolved is None:
                continue
            rel, rel_match = resolved
            count = _count(rel_match, lex)
            iso = _offset(anchor, rel.days, rel.weeks, rel.months, rel.years, count)
            if ctx.last_explicit is not None and not ctx.last_has_year:
                if rel.weeks is not None or rel.years is not None:
                    continue  # "the week before --12-12" has no year to name
                iso = "--" + iso[5:]
        if f.explicit_day is not None:
            ctx.last_explicit = f.explicit_day
            ctx.last_has_year = f.explicit_day.year != _NO_YEAR or f.iso[:2] != "--"
        out.append(DateMention(text[f.start : f.end], iso, f.start, f.end, f.relative))
    return out


def _weekday(
    text: str, p: int, pats: _Patterns, lex: Lexicon, pub: dt.date | None
) -> _Found | None:
    """ "on Monday" -> the nearest Monday before publication (after it for the future)."""
    match = pats.weekday.match(text, p)
    if match is None:
        return None
    word = match.group("w")
    if lex.capitalised_names and not word[:1].isupper():
        return None
    short = lex.weekday_full_only and len(word) <= 4 and not match.group("dot")
    if short and word.lower() not in ("monday", "friday", "sunday"):
        return None  # "Sat", "Sun", "Wed" in prose are other words
    target = lex.weekdays[word.lower()]
    cue_match = pats.weekday_cue_before.search(text, max(0, p - _WINDOW), p)
    cue = cue_match.group("cue").lower() if cue_match else ""
    if cue in lex.weekday_past_cues:
        direction, strict = -1, True
    elif cue in lex.weekday_future_cues:
        direction, strict = 1, True
    else:
        future = pats.future is not None and pats.future.search(text, 0, p) is not None
        direction, strict = (1 if future else -1), False
    start = cue_match.start("cue") if cue_match else p
    if pub is None:
        # ISO 8601 truncated form: "-W-5" is a Friday of some week
        return _Found(start, match.end("w"), f"-W-{target + 1}", True, None, 5)
    ahead = (target - pub.weekday()) % 7
    delta = ahead if direction > 0 else -((pub.weekday() - target) % 7)
    if strict and delta == 0:
        delta = 7 * direction
    d = pub + dt.timedelta(days=delta)
    return _Found(start, match.end("w"), d.isoformat(), True, None, 5)


def _context_match(span: str, lex: Lexicon) -> tuple[RelativeDate, re.Match[str]] | None:
    for rel in lex.relative:
        if rel.anchor == "context":
            m = rel.regex.fullmatch(span)
            if m:
                return rel, m
    return None


def _count(match: re.Match[str], lex: Lexicon) -> int:
    if "n" not in match.re.groupindex or match.group("n") is None:
        return 1
    raw = match.group("n").lower()
    if raw.isdigit():
        return int(raw)
    return lex.date_number_words.get(raw, 1)


def _duration(
    days: int, weeks: int | None, months: int | None, years: int | None, count: int
) -> str:
    """The offset from an unknown publication date as an ISO 8601 duration ("-P1D")."""
    if years is not None:
        amount, unit = years * count, "Y"
    elif months is not None:
        amount, unit = months * count, "M"
    elif weeks is not None:
        amount, unit = weeks * count, "W"
    else:
        amount, unit = days * count, "D"
    return f"{'-' if amount < 0 else ''}P{abs(amount)}{unit}"


def _offset(
    base: dt.date,
    days: int,
    weeks: int | None,
    months: int | None,
    years: int | None,
    count: int,
) -> str:
    if years is not None:
        return str(base.year + years * count)
    if months is not None:
        y, m = _month_shift(base, months * count)
        return f"{y}-{m:02d}"
    if weeks is not None:
        y, w, _ = (base + dt.timedelta(weeks=weeks * count)).isocalendar()
        return f"{y}-W{w:02d}"
    return (base + dt.timedelta(days=days * count)).isoformat()
