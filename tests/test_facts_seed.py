"""Fact extraction on the seed pair: the facts a reader sees must be found in both."""

from __future__ import annotations

import datetime as dt

import pytest

from _facts_helpers import seed
from storytrace.facts import same_date, same_entity
from storytrace.model import Name, Sentence

PUB = dt.date(2025, 12, 13)


@pytest.fixture(scope="module")
def a() -> tuple[Sentence, ...]:
    return seed("a.txt", PUB)


@pytest.fixture(scope="module")
def b() -> tuple[Sentence, ...]:
    return seed("b.txt", PUB)


def _all(sentences: tuple[Sentence, ...], kind: str) -> list:  # type: ignore[type-arg]
    return [item for s in sentences for item in getattr(s.facts, kind)]


def test_offsets_point_into_sentence_text(a: tuple[Sentence, ...], b: tuple[Sentence, ...]) -> None:
    for sentence in a + b:
        f = sentence.facts
        for item in (*f.numbers, *f.dates, *f.names, *f.quotes, *f.hedges, *f.framing):
            assert sentence.text[item.start : item.end] == item.text
        for att in f.attributions:
            assert att.source is not None
            assert att.source in sentence.text[att.start : att.end]


def test_dates_resolved_against_publication(
    a: tuple[Sentence, ...], b: tuple[Sentence, ...]
) -> None:
    explicit_a = {d.iso for d in _all(a, "dates") if not d.relative}
    explicit_b = {d.iso for d in _all(b, "dates") if not d.relative}
    assert explicit_a == {"2025-12-15", "2025-12-12"}
    assert explicit_b == {"2025-12-15", "2025-12-12"}
    texts_b = {d.text: d.iso for d in _all(b, "dates")}
    assert texts_b["15 December"] == "2025-12-15"
    assert texts_b["12 December"] == "2025-12-12"


def test_the_day_before_counts_from_the_last_explicit_date(a: tuple[Sentence, ...]) -> None:
    relative = [d for d in _all(a, "dates") if d.relative]
    assert [(d.text, d.iso) for d in relative] == [("the day before", "2025-12-11")]


def test_month_day_without_year_and_without_publication_date() -> None:
    b = seed("b.txt", None)
    a = seed("a.txt", None)
    assert {d.iso for d in _all(b, "dates") if not d.relative} == {"--12-15", "--12-12"}
    assert {d.iso for d in _all(a, "dates") if not d.relative} == {"--12-15", "--12-12"}
    # "the day before" counts from "12 December" even without a year
    assert [d.iso for d in _all(b, "dates") if d.relative] == ["--12-11", "--12-11"]
    assert [d.iso for d in _all(a, "dates") if d.relative] == ["--12-11"]


def test_dates_compare_across_versions_with_and_without_a_year(a: tuple[Sentence, ...]) -> None:
    b_no_year = seed("b.txt", None)
    for da in _all(a, "dates"):
        assert any(same_date(da.iso, db.iso) for db in _all(b_no_year, "dates")), da


def test_percentage_in_both(a: tuple[Sentence, ...], b: tuple[Sentence, ...]) -> None:
    for article in (a, b):
        pct = [n for n in _all(article, "numbers") if n.unit == "%"]
        assert [(n.text, n.value) for n in pct] == [("80%", 80.0)]


def test_article_5_is_not_a_number(a: tuple[Sentence, ...], b: tuple[Sentence, ...]) -> None:
    for article in (a, b):
        assert 5.0 not in {n.value for n in _all(article, "numbers")}
        assert "article 5" in {n.key for n in _all(article, "names")}


def _quotes(article: tuple[Sentence, ...]) -> dict[str, str | None]:
    return {q.text.split()[0] + " " + q.text.split()[1]: q.speaker for q in _all(article, "quotes")}


def test_quotes_with_speakers(a: tuple[Sentence, ...], b: tuple[Sentence, ...]) -> None:
    qa, qb = _quotes(a), _quotes(b)
    assert qa["We want"] == qb["We want"] == "the official"
    assert qa["They [Witkoff"] == qb["They [Witkoff"] == "another administration official"
    assert qa["According to"] == "one of Axios' interlocutors"
    assert qb["Under the"] == "One Axios source"
    assert qa["The White"] == "the media outlet"
    assert qb["The White"] == "the outlet"


def test_scare_quotes_are_not_quotations(a: tuple[Sentence, ...]) -> None:
    texts = {q.text for q in _all(a, "quotes")}
    assert "demilitarized zone" not in texts
    assert "free economic zone" not in texts


def test_anonymous_sources(a: tuple[Sentence, ...], b: tuple[Sentence, ...]) -> None:
    atts_a = {att.source: att.anonymous for att in _all(a, "attributions")}
    atts_b = {att.source: att.anonymous for att in _all(b, "attributions")}
    for source in (
        "an unnamed senior U.S. official",
        "two anonymous White House officials",
        "An anonymous top US official",
        "The source",
        "the official",
        "a White House official",
        "another administration official",
        "one of Axios' interlocutors",
    ):
        assert atts_a[source] is True, source
    for source in (
        "an unnamed senior US official",
        "An anonymous senior US official",
        "A US official",
    ):
        assert atts_b[source] is True, source
    assert atts_a["Axios"] is False
    assert atts_a["the Ukrainian president"] is False
    assert atts_a["Zelenskyy"] is False
    assert atts_b["The Wall Street Journal"] is False
    assert atts_b["the Office of the President"] is False


def test_citing_and_according_to(a: tuple[Sentence, ...], b: tuple[Sentence, ...]) -> None:
    verbs_a = {(att.verb, att.source) for att in _all(a, "attributions")}
    assert ("citing", "an unnamed senior U.S. official") in verbs_a
    assert ("according to", "a White House official") in verbs_a
    assert ("declares", "Axios media outlet") in verbs_a
    assert ("said", "an interviewer for The Wall Street Journal") in verbs_a
    verbs_b = {(att.verb, att.source) for att in _all(b, "attributions")}
    assert ("according to", "Axios") in verbs_b
    assert ("reported", "Axios") in verbs_b


def test_allegedly_twice_in_a(a: tuple[Sentence, ...], b: tuple[Sentence, ...]) -> None:
    assert [h.key for h in _all(a, "hedges")].count("allegedly") == 2
    # b keeps one "allegedly", in its added closing sentence
    assert [h.key for h in _all(b, "hedges")].count("allegedly") == 1
    assert "reportedly" in {h.key for h in _all(b, "hedges")}


def test_framing_only_in_a(a: tuple[Sentence, ...], b: tuple[Sentence, ...]) -> None:
    terms = [(f.text, f.key) for f in _all(a, "framing") if not f.key.startswith("scare")]
    assert terms == [("the aggressor country", "aggressor country")]
    assert [f for f in _all(b, "framing") if not f.key.startswith("scare")] == []


def test_scare_quotes_are_framing(a: tuple[Sentence, ...], b: tuple[Sentence, ...]) -> None:
    # a quotes "demilitarized zone" twice and "free economic zone" once; b keeps only the
    # second sentence's quotes (its first mention is plain)
    scare_a = [f.key for f in _all(a, "framing") if f.key.startswith("scare_quotes:")]
    scare_b = [f.key for f in _all(b, "framing") if f.key.startswith("scare_quotes:")]
    assert scare_a.count("scare_quotes:demilitarized zone") == 2
    assert scare_b.count("scare_quotes:demilitarized zone") == 1
    assert "scare_quotes:free economic zone" in scare_b


def test_names(a: tuple[Sentence, ...], b: tuple[Sentence, ...]) -> None:
    for article in (a, b):
        keys = {n.key: n.kind for n in _all(article, "names")}
        assert keys["axios"] == "organization"
        assert keys["witkoff"] == "person"
        assert keys["kushner"] == "person"
        assert keys["donald trump"] == "person"
        assert keys["berlin"] == "place"
        assert keys["germany"] == "place"
        assert keys["france"] == "place"
        assert keys["united kingdom"] == "place"
        assert keys["white house"] == "organization"
        assert keys["zelensky"] == "person"
        assert keys["volodymyr zelensky"] == "person"
        assert keys["wall street journal"] == "organization"
    texts = {n.text: n.key for n in _all(a + b, "names")}
    assert texts["Zelenskyy"] == texts["Zelensky"] == "zelensky"
    assert texts["U.S."] == texts["US"] == texts["United States"] == "united states"
    assert texts["Britain"] == texts["United Kingdom"]


def test_no_month_or_sentence_starter_names(
    a: tuple[Sentence, ...], b: tuple[Sentence, ...]
) -> None:
    keys = {n.key for n in _all(a + b, "names")}
    for word in (
        "december",
        "earlier",
        "also",
        "however",
        "among",
        "according",
        "ukrainian",
        "ukrainians",
    ):
        assert word not in keys


def test_same_entity_surname(a: tuple[Sentence, ...]) -> None:
    names = _all(a, "names")
    full = next(n for n in names if n.text == "Volodymyr Zelenskyy")
    short = next(n for n in names if n.text == "Zelenskyy")
    assert same_entity(full, short)
    other = Name("Zelensky", "zelensky", "person", 0, 8)
    assert same_entity(other, full)
    assert not same_entity(full, next(n for n in names if n.text == "Donald Trump"))
