"""Each extraction rule on small synthetic sentences, with the negatives that keep it honest."""

from __future__ import annotations

import datetime as dt

import pytest

from _facts_helpers import facts_of, one
from storytrace.facts import extract, fold_key, same_date, same_entity
from storytrace.facts.lexicon import basic_fold, load, normalize_lang
from storytrace.facts.tokens import quote_spans
from storytrace.model import Name, Sentence

PUB = dt.date(2025, 12, 13)  # a Saturday


# --- numbers -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value", "unit"),
    [
        ("Support fell to 80% last month.", 80.0, "%"),
        ("Support fell to 80 percent.", 80.0, "%"),
        ("Support fell to 80 per cent.", 80.0, "%"),
        ("The city has 1.5 million residents.", 1_500_000.0, "residents"),
        ("The package is worth $20 billion.", 20e9, "USD"),
        ("The package is worth $20bn.", 20e9, "USD"),
        ("Kyiv asked for €5.5 billion.", 5.5e9, "EUR"),
        ("They paid 300 million hryvnias.", 300e6, "UAH"),
        ("At least 12 people were killed.", 12.0, "people"),
        ("Some 2,500 soldiers crossed.", 2500.0, "soldiers"),
        ("The front is 1,000 km long.", 1000.0, "km"),
        ("The 33-year-old actress left.", 33.0, "year-old"),
        ("He met two anonymous White House officials.", 2.0, "officials"),
        ("They were within 80m of the hut.", 80.0, "m"),
        ("The club paid £80m for him.", 80e6, "GBP"),
        ("The three met for lunch.", 3.0, None),
        ("At least 12 were arrested.", 12.0, None),
        ("Twenty-five buses arrived.", 25.0, "buses"),
        ("About a dozen ships were seized.", 12.0, "ships"),
        ("The fund holds one million dollars.", 1e6, "USD"),
    ],
)
def test_numbers(text: str, value: float, unit: str | None) -> None:
    numbers = one(text).numbers
    assert [(n.value, n.unit) for n in numbers] == [(value, unit)]
    n = numbers[0]
    assert text[n.start : n.end] == n.text


@pytest.mark.parametrize(
    "text",
    [
        "It invokes NATO Article 5 on collective defence.",  # identifier, kept as a name
        "An F-16 and a Su-25 were seen.",  # model names
        "The MH17 crash was investigated.",
        "The meeting starts at 11:47 local time.",  # time of day
        "The meeting starts at 3 p.m. on the dot.",
        "He finished 15th in the race.",  # ordinal
        "One of the officials left on the one hand.",  # 'one' is a pronoun here
        "The meeting is on December 15.",  # the day is part of a date
        "It happened in 2014.",  # the year is a date
        "COVID-19 spread fast.",
    ],
)
def test_not_numbers(text: str) -> None:
    assert one(text, PUB).numbers == ()


def test_article_5_is_a_name() -> None:
    names = one("It invokes NATO Article 5 on collective defence.").names
    assert [(n.text, n.key) for n in names] == [("NATO", "nato"), ("Article 5", "article 5")]


# --- dates ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("The meeting is on December 15.", "2025-12-15"),
        ("The meeting is on 15 December.", "2025-12-15"),
        ("The meeting is on Dec. 15.", "2025-12-15"),
        ("The meeting is on Dec 15, 2025.", "2025-12-15"),
        ("The meeting is on the 15th of December.", "2025-12-15"),
        ("The meeting is on December 15th.", "2025-12-15"),
        ("The talks resume on January 5.", "2026-01-05"),  # nearest, not same year
        ("It was signed on 2014-03-18.", "2014-03-18"),
        ("It was signed on 18.03.2014.", "2014-03-18"),
        ("It was annexed in March 2014.", "2014-03"),
        ("It was annexed in 2014.", "2014"),
        ("It happened in December.", "2025-12"),
        ("It will happen in March.", "2026-03"),
        ("It happened last March.", "2025-03"),
    ],
)
def test_explicit_dates(text: str, iso: str) -> None:
    dates = one(text, PUB).dates
    assert [d.iso for d in dates] == [iso]
    assert not dates[0].relative


def test_day_month_orders_normalise_equal() -> None:
    for pub in (PUB, None):
        a = one("A meeting on December 15 in Berlin.", pub).dates[0].iso
        b = one("A 15 December meeting in Berlin.", pub).dates[0].iso
        assert a == b
    assert one("A meeting on December 15.").dates[0].iso == "--12-15"
    assert one("A meeting in December.").dates[0].iso == "--12"


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("He spoke yesterday.", "2025-12-12"),
        ("He speaks today.", "2025-12-13"),
        ("He speaks tomorrow.", "2025-12-14"),
        ("He spoke three days ago.", "2025-12-10"),
        ("He spoke on Monday.", "2025-12-08"),  # nearest Monday on or before
        ("He spoke on Saturday.", "2025-12-13"),  # publication day itself
        ("He will speak on Monday.", "2025-12-15"),  # future tense
        ("He speaks next Monday.", "2025-12-15"),
        ("He spoke last Saturday.", "2025-12-06"),
        ("He spoke last week.", "2025-W49"),
        ("He spoke last month.", "2025-11"),
        ("He spoke last year.", "2024"),
        ("He spoke the day before.", "2025-12-12"),  # no earlier date: publication
    ],
)
def test_relative_dates(text: str, iso: str) -> None:
    dates = one(text, PUB).dates
    assert [(d.iso, d.relative) for d in dates] == [(iso, True)]


def test_relative_dates_without_a_publication_date_keep_their_offset() -> None:
    # a weekday is a weekday of some week (ISO 8601 truncated "-W-1"), "yesterday" and
    # "last week" an offset from the unknown publication date (ISO 8601 durations)
    dates = one("He spoke yesterday, on Monday and last week.").dates
    assert [(d.text, d.iso, d.relative) for d in dates] == [
        ("yesterday", "-P1D", True),
        ("Monday", "-W-1", True),
        ("last week", "-P1W", True),
    ]
    assert one("He was fired last Thursday.").dates[0].iso == "-W-4"
    # "the day before" needs a date to count from
    assert one("He spoke the day before.").dates == ()


def test_the_day_before_uses_the_last_explicit_date() -> None:
    first, second = facts_of(
        "A virtual meeting took place on December 12.",
        "Talks the day before showed progress.",
        published=PUB,
    )
    assert first.dates[0].iso == "2025-12-12"
    assert (second.dates[0].iso, second.dates[0].relative) == ("2025-12-11", True)
    # without a publication date an explicit full date still anchors it
    _, later = facts_of("It began on 2014-03-18.", "The day after, troops moved.")
    assert later.dates[0].iso == "2014-03-19"


def test_same_date() -> None:
    assert same_date("2025-12-15", "2025-12-15")
    assert same_date("--12-15", "2025-12-15")
    assert same_date("2024-12-15", "--12-15")
    assert same_date("--12", "2025-12")
    assert not same_date("--12-15", "2025-12-16")
    assert not same_date("--12-15", "--12-16")
    assert not same_date("2025", "--12")
    assert not same_date("2025-W49", "--12")


def test_may_month_and_may_hedge() -> None:
    f = one("Talks may resume on May 5.", PUB)
    assert [d.iso for d in f.dates] == ["2026-05-05"]
    assert [h.key for h in f.hedges] == ["may"]
    f = one("May 5 is the deadline.", PUB)
    assert [d.iso for d in f.dates] == ["2026-05-05"]
    assert f.hedges == ()
    f = one("Prime Minister Theresa May said the deal could pass.", PUB)
    assert f.dates == ()
    assert "theresa may" in {n.key for n in f.names}


def test_month_names_are_not_names() -> None:
    keys = {n.key for n in one("In December and on Monday, Kyiv said March was hard.", PUB).names}
    assert keys == {"kyiv"}


# --- names ---------------------------------------------------------------------------


def test_alias_folding() -> None:
    lex = load("en")
    assert fold_key("U.S.", lex) == fold_key("US", lex) == fold_key("USA", lex) == "united states"
    assert fold_key("United States", lex) == fold_key("America", lex) == "united states"
    assert (
        fold_key("U.K.", lex) == fold_key("Britain", lex) == fold_key("UK", lex) == "united kingdom"
    )
    assert fold_key("Kiev", lex) == fold_key("Kyiv", lex) == "kyiv"
    assert fold_key("European Union", lex) == fold_key("EU", lex)
    assert fold_key("United Nations", lex) == fold_key("UN", lex)
    for spelling in ("Zelenskyy", "Zelensky", "Zelenskiy", "Zelenski", "Zelenskyi", "Zelenskyy's"):
        assert fold_key(spelling, lex) == "zelensky", spelling
    assert fold_key("Mikhail Khodorkovsky", lex) == fold_key("Mihail Hodorkovsky", lex)
    assert fold_key("Türkiye", lex) == fold_key("Turkey", lex)
    assert fold_key("Axios'", lex) == "axios"
    assert fold_key("The Wall Street Journal", lex) == "wall street journal"


def test_cyrillic_keeps_its_letters() -> None:
    assert basic_fold("Зеленский") == "зеленский"  # й is a letter, not и + breve
    assert basic_fold("Орёл") == "орел"


def test_titles_split_off_the_person() -> None:
    names = one("US Special Envoy Steve Witkoff met Ukrainian President Volodymyr Zelenskyy.").names
    assert [(n.text, n.kind) for n in names] == [
        ("US", "place"),
        ("Steve Witkoff", "person"),
        ("Volodymyr Zelenskyy", "person"),
    ]


def test_and_never_joins_two_people() -> None:
    names = one("During the meeting, Witkoff and Kushner discussed the plan.").names
    assert [n.text for n in names] == ["Witkoff", "Kushner"]
    names = one("He visited Bosnia and Herzegovina and the Ministry of Trade and Industry.").names
    assert [(n.text, n.kind) for n in names] == [
        ("Bosnia and Herzegovina", "place"),
        ("Ministry of Trade and Industry", "organization"),
    ]


def test_initials_and_abbreviated_titles() -> None:
    f = one("W. Mark Felt helped bring down President Richard M. Nixon, said Mr. Nichols.")
    assert [(n.text, n.kind) for n in f.names] == [
        ("W. Mark Felt", "person"),
        ("Richard M. Nixon", "person"),
        ("Nichols", "person"),
    ]
    assert [(a.verb, a.source) for a in f.attributions] == [("said", "Mr. Nichols")]


def test_person_of_outlet_splits() -> None:
    names = one("He supplied Bob Woodward of The Washington Post with leads.").names
    assert [(n.text, n.kind) for n in names] == [
        ("Bob Woodward", "person"),
        ("Washington Post", "organization"),
    ]
    names = one("The Bank of America and the Gulf of Aden.").names
    assert [n.text for n in names] == ["Bank of America", "Gulf of Aden"]


def test_place_prefixes_and_titles_of_works() -> None:
    names = one("He lived in Santa Rosa and Fort Worth and loved American Pie.").names
    assert [(n.text, n.kind) for n in names] == [
        ("Santa Rosa", "place"),
        ("Fort Worth", "place"),
        ("American Pie", "other"),
    ]


def test_known_name_splits_off() -> None:
    names = one("He met the head of Ukraine Volodymyr Zelenskyy.").names
    assert [n.text for n in names] == ["Ukraine", "Volodymyr Zelenskyy"]


def test_organisation_cues_and_possessives() -> None:
    f = one(
        "Trump's son-in-law and Axios' sources cited the Office of the President and the Kyiv Post."
    )
    kinds = {n.text: n.kind for n in f.names}
    assert kinds == {
        "Trump": "person",
        "Axios": "organization",
        "Office of the President": "organization",
        "Kyiv Post": "organization",
    }


def test_hyphenated_compounds() -> None:
    names = one("Kremlin-backed forces attacked pro-Russian towns after Ukraine-U.S. talks.").names
    assert [n.text for n in names] == ["Kremlin", "Ukraine", "U.S."]


def test_sentence_initial_words_need_evidence() -> None:
    keys = {n.key for n in one("Negotiations resumed. Cells were searched.").names}
    assert keys == set()
    # evidence elsewhere in the article makes a sentence-initial word a name
    _, second = facts_of("Police named the suspect as Brian Nichols.", "Nichols fled.")
    assert [(n.text, n.kind) for n in second.names] == [("Nichols", "person")]


def test_title_case_headlines() -> None:
    headline, body = facts_of(
        "Lindsay Lohan Checks Into Rehab in Newport Beach",
        "Lindsay Lohan has checked into rehab in Newport Beach, Calif., a source said.",
    )
    assert [(n.text, n.kind) for n in headline.names] == [
        ("Lindsay Lohan", "person"),
        ("Newport Beach", "place"),
    ]
    assert [n.text for n in body.names] == ["Lindsay Lohan", "Newport Beach", "Calif"]


def test_same_entity() -> None:
    full = Name("Volodymyr Zelenskyy", "volodymyr zelensky", "person", 0, 19)
    short = Name("Zelensky", "zelensky", "person", 0, 8)
    initial = Name("V. Zelensky", "v zelensky", "person", 0, 11)
    other = Name("Oleksandr Zelensky", "oleksandr zelensky", "person", 0, 18)
    city = Name("Washington", "washington", "place", 0, 10)
    george = Name("George Washington", "george washington", "person", 0, 17)
    assert same_entity(full, short)
    assert same_entity(short, full)
    assert same_entity(full, initial)
    assert not same_entity(full, other)
    assert not same_entity(city, george)
    spelt = Name("Zelenskiy", "zelenskiy", "person", 0, 9)
    assert same_entity(short, spelt)  # one name spelt two ways
    wsj = Name("Wall Street Journal", "wall street journal", "organization", 0, 19)
    wsje = Name(
        "The Wall Street Journal Europe", "wall street journal europe", "organization", 0, 30
    )
    siemens = Name("Siemens AG", "siemens ag", "organization", 0, 10)
    bosch = Name("Bosch GmbH", "bosch gmbh", "organization", 0, 10)
    assert same_entity(wsj, wsje)
    assert not same_entity(siemens, bosch)


# --- quotes --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "quote", "speaker"),
    [
        (
            '"We will not give up our land," the official said.',
            "We will not give up our land",
            "the official",
        ),
        (
            '"We will not give up our land," said another administration official.',
            "We will not give up our land",
            "another administration official",
        ),
        (
            'One of Axios\' interlocutors stated: "The war will end next year."',
            "The war will end next year.",
            "One of Axios' interlocutors",
        ),
        (
            "“The war will end soon, very soon,” the media outlet reports.",
            "The war will end soon, very soon",
            "the media outlet",
        ),
        (
            "«The war will end soon, very soon», the outlet states.",
            "The war will end soon, very soon",
            "the outlet",
        ),
        (
            "„The war will end soon, very soon“, a source said.",
            "The war will end soon, very soon",
            "a source",
        ),
        ('"No," he said.', "No", "he"),
    ],
)
def test_quotes_and_speakers(text: str, quote: str, speaker: str) -> None:
    quotes = one(text).quotes
    assert [(q.text, q.speaker) for q in quotes] == [(quote, speaker)]
    assert text[quotes[0].start : quotes[0].end] == quote


def test_pronoun_speaker_resolves_to_last_person() -> None:
    _, second = facts_of(
        "Ukrainian President Volodymyr Zelenskyy spoke in Berlin.",
        '"We are ready for a referendum on the territory," he said.',
    )
    assert second.quotes[0].speaker == "Volodymyr Zelenskyy"


def test_scare_quotes_are_not_quotations() -> None:
    f = one('Washington offers to create a "free economic zone" or "demilitarized zone".')
    assert f.quotes == ()
    f = one('The question "will be answered by the people of Ukraine" in a vote.')
    assert [(q.text, q.speaker) for q in f.quotes] == [
        ("will be answered by the people of Ukraine", None)
    ]


def test_nested_and_unclosed_quotes() -> None:
    text = '«He said „no“ to the plan», a source said. "The movie only gets released when finished'
    spans = quote_spans(text)
    assert [text[s.open : s.close + 1] for s in spans] == [
        "«He said „no“ to the plan»",
        '"The movie only gets released when finished',
    ]
    assert quote_spans("It won’t happen, they’re sure.") == ()


# --- attributions --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "verb", "source", "anonymous"),
    [
        ("Axios claims that talks made progress.", "claims", "Axios", False),
        (
            "An unnamed senior U.S. official said that talks made progress.",
            "said",
            "An unnamed senior U.S. official",
            True,
        ),
        (
            "Talks made progress, according to a person familiar with the matter.",
            "according to",
            "a person familiar with the matter",
            True,
        ),
        ("Talks made progress, sources said.", "said", "sources", True),
        (
            "The media, citing two anonymous White House officials, wrote that talks went well.",
            "citing",
            "two anonymous White House officials",
            True,
        ),
        (
            "The Wall Street Journal previously reported on the visit.",
            "reported",
            "The Wall Street Journal",
            False,
        ),
        (
            "Earlier, the Ukrainian president said that talks went well.",
            "said",
            "the Ukrainian president",
            False,
        ),
        ("Zelenskyy indicated that talks went well.", "indicated", "Zelenskyy", False),
        (
            "Earlier about the visit to Berlin said an interviewer for The Wall Street Journal.",
            "said",
            "an interviewer for The Wall Street Journal",
            False,
        ),
        (
            "A White House official told Axios that talks went well.",
            "told",
            "A White House official",
            True,
        ),
        (
            "Judge James Bodiford on Saturday suggested that he serve time.",
            "suggested",
            "Judge James Bodiford",
            False,
        ),
        (
            "Foreign Ministry spokeswoman Maria Zakharova said that talks failed.",
            "said",
            "Foreign Ministry spokeswoman Maria Zakharova",
            False,
        ),
    ],
)
def test_attributions(text: str, verb: str, source: str, anonymous: bool) -> None:
    atts = {(a.verb, a.source): a.anonymous for a in one(text).attributions}
    assert atts[(verb, source)] is anonymous


def test_parenthetical_citation_leaves_the_subject() -> None:
    atts = [
        (a.verb, a.source)
        for a in one(
            "Axios media outlet, citing an unnamed official, declares that it is so."
        ).attributions
    ]
    assert atts == [("citing", "an unnamed official"), ("declares", "Axios media outlet")]


@pytest.mark.parametrize(
    "text",
    [
        "He is said to be ready.",  # passive: a hedge, not an attribution
        "Ketsoyan would not say what the star was treated for.",  # negated
        "He declined to say more.",  # infinitive
        "The office denied reports of a deal.",  # 'reports' is a noun
        '"They believe there could be a chance at peace and the rest," the aide said.',
    ],
)
def test_not_attributions(text: str) -> None:
    verbs = {a.verb for a in one(text).attributions}
    assert verbs <= {"denied", "said"}
    assert "reports" not in verbs
    assert "believe" not in verbs


# --- hedges and framing --------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("The army is allegedly ready.", "allegedly"),
        ("The army is reportedly ready.", "reportedly"),
        ("The army is purportedly ready.", "purportedly"),
        ("The army is supposedly ready.", "supposedly"),
        ("The army is apparently ready.", "apparently"),
        ("The army might be ready.", "might"),
        ("The army could be ready.", "could"),
        ("The army is said to be ready.", "said to"),
        ("The leaders are said to agree.", "said to"),
        ("A meeting is expected in Berlin.", "expected to"),
        ("The army is expected to be ready.", "expected to"),
        ("The army is likely to be ready.", "likely"),
        ("The army is possibly ready.", "possibly"),
        ("The army is believed to be ready.", "believed to"),
        ("The army is ready, according to unconfirmed reports.", "unconfirmed reports"),
        ("The source claimed the army was ready.", "claim"),
        ("The alleged attack happened.", "alleged"),
    ],
)
def test_hedges(text: str, key: str) -> None:
    assert [h.key for h in one(text).hedges] == [key]


def test_no_hedges_in_plain_statements() -> None:
    assert one("The army is ready, the minister said on May 5.").hedges == ()


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("It is not known whether the aggressor country, Russia, will agree.", "aggressor country"),
        ("The aggressor state shelled the city.", "aggressor country"),
        ("Moscow calls Russia a terrorist state target.", "terrorist state"),
        ("The Kyiv regime refused.", "regime"),
        ("Putin's regime refused.", "regime"),
        ("The so-called referendum was held.", "so-called"),
        ("The junta refused.", "junta"),
        ("The occupiers shelled the city.", "occupiers"),
        ("The illegal annexation of Crimea.", "illegal"),
        ("The heroic defenders held.", "heroic"),
        ("A brutal attack.", "brutal"),
        ("Moscow speaks of a special military operation.", "special military operation"),
        ("He called them neo-Nazis.", "nazi"),
    ],
)
def test_framing(text: str, key: str) -> None:
    assert [f.key for f in one(text).framing] == [key]


@pytest.mark.parametrize(
    "text",
    [
        "The sanctions regime was extended.",
        "A new security regime for the region.",
        "The regime change debate.",
        "Illegal parking is fined.",
    ],
)
def test_not_framing(text: str) -> None:
    assert one(text).framing == ()


# --- languages and the contract ------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_every_lexicon_pattern_compiles(lang: str) -> None:
    # patterns compile lazily, on first use: make sure none is broken
    lex = load(lang)
    for entry in (*lex.hedges, *lex.framing):
        assert entry.regex.pattern
        assert entry.triggers, f"{lang} {entry.key}: give triggers, or it runs on every sentence"
    for rel in lex.relative:
        assert rel.regex.pattern


def test_lang_tags_and_unknown_languages() -> None:
    assert normalize_lang(None) == "en"
    assert normalize_lang("en-US") == "en"
    assert normalize_lang("RU") == "ru"
    f = one("Die Regierung zahlte 80% und $20 am 2025-12-15.", lang="de")
    assert [(n.value, n.unit) for n in f.numbers] == [(80.0, "%"), (20.0, "USD")]
    assert [d.iso for d in f.dates] == ["2025-12-15"]
    assert f.hedges == ()
    assert f.framing == ()


def test_russian_start() -> None:
    first, second = facts_of(
        "Как сообщает Axios, 15 декабря в Берлине якобы состоится встреча.",
        "«Мы хотим дать украинцам гарантии безопасности», — сказал неназванный чиновник "
        "страны-агрессора.",
        published=PUB,
        lang="ru",
    )
    assert [d.iso for d in first.dates] == ["2025-12-15"]
    assert [h.key for h in first.hedges] == ["allegedly"]
    assert ("как сообщает", "Axios") in {(a.verb, a.source) for a in first.attributions}
    assert "berlin" in {n.key for n in first.names}
    assert [(q.speaker) for q in second.quotes] == ["неназванный чиновник страны-агрессора"]
    assert [f.key for f in second.framing] == ["aggressor country"]


def test_extract_keeps_sentences_and_order() -> None:
    sentences = (
        Sentence(0, "Axios said 80% agree.", 0, 21, 0),
        Sentence(1, "Nothing here.", 22, 35, 0),
    )
    out = extract(sentences, lang="en", published=None)
    assert [(s.i, s.text, s.start, s.end) for s in out] == [
        (0, sentences[0].text, 0, 21),
        (1, sentences[1].text, 22, 35),
    ]
    assert out[1].facts.is_empty()
    assert extract((), lang="en", published=None) == ()
