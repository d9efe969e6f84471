"""Per-language lexicons: JSON files under ``storytrace/lexicons/<lang>/``, loaded lazily.

Every language-specific word the extractors use lives in data files, not in code, so a
language is added by adding a folder of JSON files (any file may be missing: its part of
the lexicon is then empty and that extractor finds nothing language-specific). Files:

    dates.json        month and weekday names, relative date phrases, cue words
    numbers.json      number words, multipliers, units, currencies
    names.json        sentence starters, connectors, titles, kind cues, demonyms
    places.json       countries, cities, regions (typed "place")
    orgs.json         organisations, media outlets (typed "organization"), known persons
    aliases.json      alias folding ("u s" -> "united states", "kiev" -> "kyiv")
    attribution.json  reporting verbs, "according to", anonymous-source cues
    hedges.json       hedges with canonical keys and patterns
    framing.json      loaded framing terms with canonical keys and patterns

Loading parses JSON and compiles regular expressions, so it happens on first use for a
language and is cached (``functools.cache``); importing storytrace stays cheap.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from .. import _lexicons

DEFAULT_LANG = "en"
"""Language assumed when the caller does not know (``lang=None``)."""


@dataclass(frozen=True, slots=True)
class PatternEntry:
    """A lexicon entry matched by regular expression (hedges, framing)."""

    key: str
    source: str
    flags: int
    lowercase_only: bool
    triggers: tuple[str, ...]
    """Lowercase substrings, one of which must occur for the regex to be tried (empty: always)."""

    @property
    def regex(self) -> re.Pattern[str]:
        """The compiled pattern, compiled on first use (most entries never match)."""
        return _compiled(self.source, self.flags)


@dataclass(frozen=True, slots=True)
class RelativeDate:
    """A relative date phrase and how to resolve it.

    ``anchor`` is "published" (resolved against the publication date) or "context" (the
    last explicit date earlier in the article, else the publication date). Exactly one of
    the offsets is used; a named group ``n`` in the pattern multiplies it.
    """

    source: str
    anchor: str
    days: int
    weeks: int | None
    months: int | None
    years: int | None
    lowercase_only: bool
    triggers: tuple[str, ...]

    @property
    def regex(self) -> re.Pattern[str]:
        """The compiled pattern, compiled on first use."""
        return _compiled(self.source, re.IGNORECASE)


@functools.lru_cache(maxsize=1024)
def _compiled(source: str, flags: int) -> re.Pattern[str]:
    return re.compile(source, flags)


class TriggerSet:
    """The triggers of a list of entries, looked up in a sentence at once.

    A substring test per trigger (C speed) is far cheaper than trying every entry's
    regex, whose lookbehinds defeat the regex engine's literal-prefix search; a single
    regex alternation of the triggers is slower still (Python's engine tries every
    branch at every position). ``candidates`` then names the few entries worth trying.
    """

    __slots__ = ("_always", "_by_trigger", "_triggers")

    def __init__(self, triggers_per_entry: list[tuple[str, ...]]) -> None:
        by_trigger: dict[str, list[int]] = {}
        always: list[int] = []
        for index, triggers in enumerate(triggers_per_entry):
            if not triggers:
                always.append(index)
            for trigger in triggers:
                by_trigger.setdefault(trigger, []).append(index)
        self._triggers = tuple(sorted(by_trigger))
        self._by_trigger = {t: tuple(v) for t, v in by_trigger.items()}
        self._always = tuple(always)

    def candidates(self, lowered: str) -> list[int]:
        """Indexes, in order, of the entries whose triggers occur in ``lowered``."""
        hits = [t for t in self._triggers if t in lowered]
        if not hits:
            return list(self._always)
        found = set(self._always)
        for trigger in hits:
            found.update(self._by_trigger[trigger])
        return sorted(found)


@dataclass(frozen=True, slots=True)
class Lexicon:
    """Everything language-specific the extractors need, for one language."""

    lang: str
    # dates
    months: dict[str, int]
    ambiguous_months: frozenset[str]
    weekdays: dict[str, int]
    weekday_full_only: bool
    capitalised_names: bool
    """Month and weekday names are capitalised in this language (English yes, Russian no)."""
    day_month_joiners: tuple[str, ...]
    ordinal_suffix: str
    month_cues: tuple[str, ...]
    year_cues: tuple[str, ...]
    weekday_past_cues: tuple[str, ...]
    weekday_future_cues: tuple[str, ...]
    future_markers: tuple[str, ...]
    date_number_words: dict[str, int]
    relative: tuple[RelativeDate, ...]
    # numbers
    decimal: str
    group: str
    number_words: dict[str, float]
    number_words_multiplier_only: dict[str, float]
    tens: frozenset[str]
    multipliers: dict[str, float]
    attached_only_multipliers: frozenset[str]
    compound_multipliers: frozenset[str]
    """Multipliers of myriad arithmetic (万, 億): digits after them add on."""
    per_hour_prefixes: tuple[str, ...]
    """Words before a number that make the distance after it a speed ("時速", "每小时")."""
    per_hour_units: dict[str, str]
    percent: tuple[str, ...]
    currency_symbols: dict[str, str]
    currency_words: dict[str, str]
    units: dict[str, str]
    counted_noun_skip: frozenset[str]
    adjective_suffixes: tuple[str, ...]
    time_suffixes: tuple[str, ...]
    not_counted: frozenset[str]
    verb_suffixes: tuple[str, ...]
    # names
    stopwords: frozenset[str]
    """Function words plus common sentence starters: never a name when Titlecase."""
    function_words: frozenset[str]
    caps_stopwords: frozenset[str]
    """All-caps words that are no acronym of a name ("GMT", "PM", "UPDATED")."""
    connectors: frozenset[str]
    and_connectors: frozenset[str]
    titles: frozenset[str]
    title_abbreviations: frozenset[str]
    """Titles short enough to be abbreviated with a period ("mr", "gen", "dr")."""
    title_modifiers: frozenset[str]
    org_suffix_cues: frozenset[str]
    org_prefix_cues: frozenset[str]
    place_suffix_cues: frozenset[str]
    place_prefix_cues: frozenset[str]
    other_suffix_cues: frozenset[str]
    identifier_heads: frozenset[str]
    demonyms: frozenset[str]
    not_person_words: frozenset[str]
    """Titles, kind cues and demonyms: a run holding one of them is no person's name."""
    role_words: tuple[str, ...]
    known_kinds: dict[str, str]
    """Folded name -> kind, from places.json and orgs.json (aliases folded too)."""
    aliases: dict[str, str]
    # attribution
    verbs: dict[str, str]
    prefixes: dict[str, str]
    noun_forms: frozenset[str]
    noun_triggers: frozenset[str]
    passive_markers: frozenset[str]
    anonymous_markers: frozenset[str]
    anonymous_heads: frozenset[str]
    pronouns: frozenset[str]
    personal_pronouns: frozenset[str]
    boundary: frozenset[str]
    np_inner: frozenset[str]
    np_after_stop: frozenset[str]
    adverbs: frozenset[str]
    relative_triggers: TriggerSet
    # hedges and framing
    hedges: tuple[PatternEntry, ...]
    hedge_triggers: TriggerSet
    framing: tuple[PatternEntry, ...]
    framing_triggers: TriggerSet


def normalize_lang(lang: str | None) -> str:
    """Reduce a language tag to the folder name: ``None`` -> "en", "en-US" -> "en"."""
    if not lang:
        return DEFAULT_LANG
    return re.split(r"[-_]", lang.strip().lower(), maxsplit=1)[0] or DEFAULT_LANG


@functools.lru_cache(maxsize=8192)
def strip_diacritics(text: str) -> str:
    """Remove accents from Latin letters ("Türkiye" -> "Turkiye", "Orbán" -> "Orban").

    Only Latin letters lose their marks: in Cyrillic the breve makes a different letter
    ("й" is not "и"), so Cyrillic keeps it; "ё" folds to "е" as Russian writing does.
    """
    if text.isascii():
        return text
    out = []
    for ch in text:
        if ch in "ёЁ":
            out.append("е" if ch == "ё" else "Е")
        elif ord(ch) < 0x250:
            out.extend(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c))
        else:
            out.append(ch)
    return "".join(out)


_FOLD_PUNCT = re.compile(r"[.'’`´ʼ\"“”«»„()\[\],]")
_FOLD_SPACE = re.compile(r"[\s\-‐‑–—/]+")


@functools.lru_cache(maxsize=65536)
def basic_fold(text: str) -> str:
    """Lowercase, strip diacritics and punctuation, hyphens to spaces, drop a leading "the".

    This is the lexicon-lookup form of a name; ``names.fold_key`` adds aliases and
    transliteration folding on top of it.
    """
    folded = strip_diacritics(text).lower()
    folded = _FOLD_PUNCT.sub("", folded)
    folded = _FOLD_SPACE.sub(" ", folded).strip()
    if folded.startswith("the "):
        folded = folded[4:]
    return folded


def _compile_entries(raw: list[dict[str, Any]]) -> tuple[PatternEntry, ...]:
    entries = []
    for item in raw:
        body = "|".join(f"(?:{p})" for p in item["patterns"])
        flags = 0 if item.get("case_sensitive") else re.IGNORECASE
        source = rf"(?<![\w-])(?:{body})(?![\w-])"
        triggers = tuple(str(t).lower() for t in item.get("triggers", ()))
        lowercase_only = bool(item.get("lowercase_only"))
        entries.append(PatternEntry(str(item["key"]), source, flags, lowercase_only, triggers))
    return tuple(entries)


def _compile_relative(raw: list[dict[str, Any]]) -> tuple[RelativeDate, ...]:
    out = []
    for item in raw:
        out.append(
            RelativeDate(
                source=rf"(?<![\w-])(?:{item['pattern']})(?![\w-])",
                anchor=str(item.get("anchor", "published")),
                days=int(item.get("days", 0)),
                weeks=item.get("weeks"),
                months=item.get("months"),
                years=item.get("years"),
                lowercase_only=bool(item.get("lowercase_only")),
                triggers=tuple(str(t).lower() for t in item.get("triggers", ())),
            )
        )
    return tuple(out)


def _lower_set(values: Any) -> frozenset[str]:
    return frozenset(str(v).lower() for v in values or ())


@functools.cache
def load(lang: str | None) -> Lexicon:
    """The lexicon for ``lang`` (a tag such as "en" or "ru-RU"; None means English).

    A language without a folder gets an empty lexicon: only language-neutral extraction
    (digits, currency symbols, ISO dates, quotation marks, capitalised names) then works.
    """
    code = normalize_lang(lang)
    dates = _lexicons.read(code, "dates")
    numbers = _lexicons.read(code, "numbers")
    names = _lexicons.read(code, "names")
    places = _lexicons.read(code, "places")
    orgs = _lexicons.read(code, "orgs")
    aliases_raw = _lexicons.read(code, "aliases").get("aliases", {})
    attribution = _lexicons.read(code, "attribution")
    hedges = _lexicons.read(code, "hedges")
    framing = _lexicons.read(code, "framing")

    aliases = {basic_fold(k): basic_fold(v) for k, v in aliases_raw.items()}
    known: dict[str, str] = {}
    for group in ("countries", "cities", "regions"):
        for item in places.get(group, ()):
            known.setdefault(basic_fold(item), "place")
    for group in ("organizations", "media"):
        for item in orgs.get(group, ()):
            known.setdefault(basic_fold(item), "organization")
    for item in orgs.get("persons", ()):
        known.setdefault(basic_fold(item), "person")
    for alias, target in list(aliases.items()):
        kind = known.get(alias) or known.get(target)
        if kind:
            known.setdefault(alias, kind)
            known.setdefault(target, kind)

    relative = _compile_relative(dates.get("relative", []))

    def folded(key: str) -> frozenset[str]:
        return frozenset(basic_fold(t) for t in names.get(key, ()))

    titles = folded("titles")
    org_prefix = folded("org_prefix_cues")
    place_suffix = folded("place_suffix_cues")
    other_suffix = folded("other_suffix_cues")
    demonyms = folded("demonyms")
    hedge_entries = _compile_entries(hedges.get("entries", []))
    framing_entries = _compile_entries(framing.get("entries", []))
    return Lexicon(
        lang=code,
        months={k.lower(): int(v) for k, v in dates.get("months", {}).items()},
        ambiguous_months=_lower_set(dates.get("ambiguous_months")),
        weekdays={k.lower(): int(v) for k, v in dates.get("weekdays", {}).items()},
        weekday_full_only=bool(dates.get("weekday_full_only", False)),
        capitalised_names=bool(dates.get("capitalised_names", False)),
        day_month_joiners=tuple(dates.get("day_month_joiners", ())),
        ordinal_suffix=str(dates.get("ordinal_suffix", "")),
        month_cues=tuple(dates.get("month_cues", ())),
        year_cues=tuple(dates.get("year_cues", ())),
        weekday_past_cues=tuple(dates.get("weekday_past_cues", ())),
        weekday_future_cues=tuple(dates.get("weekday_future_cues", ())),
        future_markers=tuple(dates.get("future_markers", ())),
        date_number_words={k.lower(): int(v) for k, v in dates.get("number_words", {}).items()},
        relative=relative,
        decimal=str(numbers.get("decimal", ".")),
        group=str(numbers.get("group", ",")),
        number_words={k.lower(): float(v) for k, v in numbers.get("words", {}).items()},
        number_words_multiplier_only={
            k.lower(): float(v) for k, v in numbers.get("words_with_multiplier_only", {}).items()
        },
        tens=_lower_set(numbers.get("tens")),
        multipliers={k.lower(): float(v) for k, v in numbers.get("multipliers", {}).items()},
        attached_only_multipliers=_lower_set(numbers.get("attached_only_multipliers")),
        compound_multipliers=_lower_set(numbers.get("compound_multipliers")),
        per_hour_prefixes=tuple(numbers.get("per_hour", {}).get("prefixes", ())),
        per_hour_units=dict(numbers.get("per_hour", {}).get("units", {})),
        percent=tuple(numbers.get("percent", ("%",))),
        currency_symbols=dict(numbers.get("currency_symbols", {})),
        currency_words={k.lower(): v for k, v in numbers.get("currency_words", {}).items()},
        units={k.lower(): v for k, v in numbers.get("units", {}).items()},
        counted_noun_skip=_lower_set(numbers.get("counted_noun_skip")),
        adjective_suffixes=tuple(numbers.get("adjective_suffixes", ())),
        time_suffixes=tuple(s.lower() for s in numbers.get("time_suffixes", ())),
        not_counted=_lower_set(numbers.get("not_counted")),
        verb_suffixes=tuple(numbers.get("verb_suffixes", ())),
        stopwords=_lower_set(names.get("stopwords")) | _lower_set(names.get("sentence_starters")),
        function_words=_lower_set(names.get("stopwords")),
        caps_stopwords=frozenset(str(w) for w in names.get("caps_stopwords", ())),
        connectors=_lower_set(names.get("connectors")),
        and_connectors=_lower_set(names.get("and_connectors")),
        titles=titles,
        title_abbreviations=frozenset(
            basic_fold(t) for t in names.get("titles", ()) if len(t) <= 4 and " " not in t
        ),
        title_modifiers=frozenset(basic_fold(t) for t in names.get("title_modifiers", ())),
        org_suffix_cues=frozenset(basic_fold(t) for t in names.get("org_suffix_cues", ())),
        org_prefix_cues=org_prefix,
        place_suffix_cues=place_suffix,
        place_prefix_cues=frozenset(basic_fold(t) for t in names.get("place_prefix_cues", ())),
        other_suffix_cues=other_suffix,
        identifier_heads=frozenset(basic_fold(t) for t in names.get("identifier_heads", ())),
        demonyms=demonyms,
        not_person_words=frozenset().union(
            titles, org_prefix, place_suffix, other_suffix, demonyms
        ),
        role_words=tuple(names.get("role_words", ())),
        known_kinds=known,
        aliases=aliases,
        verbs={k.lower(): v for k, v in attribution.get("verbs", {}).items()},
        prefixes={k.lower(): v for k, v in attribution.get("prefixes", {}).items()},
        noun_forms=_lower_set(attribution.get("noun_forms")),
        noun_triggers=_lower_set(attribution.get("noun_triggers")),
        passive_markers=_lower_set(attribution.get("passive_markers")),
        anonymous_markers=_lower_set(attribution.get("anonymous_markers")),
        anonymous_heads=_lower_set(attribution.get("anonymous_heads")),
        pronouns=_lower_set(attribution.get("pronouns")),
        personal_pronouns=_lower_set(attribution.get("personal_pronouns")),
        boundary=_lower_set(attribution.get("boundary")),
        np_inner=_lower_set(attribution.get("np_inner")),
        np_after_stop=_lower_set(attribution.get("np_after_stop")),
        adverbs=_lower_set(attribution.get("adverbs")),
        relative_triggers=TriggerSet([r.triggers for r in relative]),
        hedges=hedge_entries,
        hedge_triggers=TriggerSet([e.triggers for e in hedge_entries]),
        framing=framing_entries,
        framing_triggers=TriggerSet([e.triggers for e in framing_entries]),
    )
