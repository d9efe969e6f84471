"""Quotations compared across languages (``changes.quotes_xl``): real WMT22 documents
with a quotation reversed in meaning or replaced by another claim, the translators'
idioms that are no reversal, and the negation lexicons of every shipped language."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from storytrace.changes.negation import has_lexicon, negations, reversed_polarity
from storytrace.comparison import compare
from storytrace.facts.tokens import quote_spans
from storytrace.pipeline import from_text

WMT_EN_UK = (
    Path(__file__).resolve().parents[1].parent
    / "shared"
    / "data"
    / "wmt22_news"
    / "wmt22_news_docs_en_uk_dev.jsonl"
)
CAA_EN = [
    "Mr Bhattacharya said the anti-CAA agitation will once again be a pan-Northeast one "
    "like in 2019.",
    "Singer-music composer Zubeen Garg, who had taken a leading role in the 2019 protests, "
    "also paid his tributes at the programme organised by the AASU.",
    "\"We won't accept the CAA and that is for sure.",
    "The government is trying to confuse us, but we won't allow them to make us accept "
    'it," he said.',
    'Several organisations, including AASU, had observed "black day" on December 11 to '
    "mark two years of the passage of CAA in Parliament.",
]
CAA_RU = [
    "Бхаттачарья сообщил, что агитация против поправок к закону о гражданстве, как и в 2019 "
    "году, пройдет на северо-востоке страны.",
    "Певец-композитор Зубин Гарг, который занял роль лидера протестов 2019 года, также "
    "воздал почести погибшим на программе, организованной AASU.",
    "«Мы не примем поправок к закону о гражданстве, это точно.",
    "Правительство пытается запутать нас, но они не смогут заставить нас принять его», — "
    "сказал он.",
    "Несколько организаций, в том числе AASU, объявили траур 11 декабря, чтобы отметить два "
    "года с передачи поправок к закону о гражданстве в парламент.",
]
SNOW_EN = [
    "The avalanche came amid the season's first major snowfall.",
    "The area is under a winter storm warning until Sunday morning, with the National "
    "Weather Service saying 12 to 15 inches (38 centimeters) of snow is possible for areas "
    "above 2,000 feet (610 meters).",
    "\"We've had a late start to the season and now we've gone from virtually no snow to a "
    "giant snow storm.",
    'People got excited," DeBerry said.',
    '"We all have to remember that it\'s a sport that carries risk."',
]
SNOW_RU = [
    "Лавина пришлась на первый крупный снегопад сезона.",
    "В области объявлено зимнее штормовое предупреждение, действующее до утра воскресенья, "
    "и Национальная метеорологическая служба сообщает о возможных снегопадах от 12 до 15 "
    "дюймов (38 сантиметров) на высотах более 2000 футов (610 метров).",
    "«Сезон начался поздно, и теперь мы переходим от почти полного отсутствия снега к "
    "гигантской снежной буре.",
    "Люди взбудоражены», — сказал Деберри.",
    "«Мы все должны помнить, что этот спорт связан с риском».",
]
DE_KLERK_EN = [
    "Mandela then became South Africa's first black president after his African National "
    "Congress party won the 1994 election.",
    '"He was often misunderstood due to his over-correctness," De Klerk\'s widow Elita '
    "Georgiadis told around 200 attendees.",
    "I shall never forget this man who mesmerized me, who made me want to help him achieve "
    "this huge task ahead of him.",
]
DE_KLERK_RU = [
    "Мандела затем стал первым чернокожим президентом Южной Африки после того, как его "
    "партия Африканского национального конгресса выиграла выборы 1994 года.",
    "«Его часто не понимали из-за того, что он был чрезвычайно тактичен», — сказала вдова "
    "де Клерка, Элита Гиоргадес, в присутствии 200 человек.",
    "Я никогда не забуду этого человека, который по-настоящему очаровал меня, который "
    "вдохновил помогать ему двигаться к его великой цели.",
]
YAHYA_EN = [
    "Police were called to the scene by the ambulance service.",
    "Despite the best efforts of paramedics, Yahya, from Nechells, was confirmed dead at the "
    "scene.",
    "A post-mortem revealed he died from a stab wound to the chest.",
    'A statement released on behalf of his family said: "We cannot believe that Yahya has '
    'disappeared from our eyes."',
]
YAHYA_RU = [
    "Полицию вызвали на место преступления сотрудники скорой помощи.",
    "Несмотря на все приложенные усилия врачей, Яхья из Нешелса был объявлен мертвым на "
    "месте преступления.",
    "Вскрытие показало, что он умер от ножевого ранения в грудь.",
    "В заявлении, выпущенном от имени его семьи, говорится: «Мы не можем поверить, что "
    "больше не увидим Яхью».",
]
PROMISE_EN = [
    '"So we have to act," he said.',
    "Biden said the first step was to save lives and care for the families who were "
    "affected by the storms.",
    "He said he would continue to monitor the storm recovery closely and do whatever was "
    "needed by the federal government.",
    '"I want folks in all these states to know," Biden said.',
]
PROMISE_UK = [
    "«Отже, ми повинні діяти»,\xa0– сказав він.",
    "Байден заявив, що першим кроком є спасіння життів та турбота про родини тих, хто "
    "постраждав від торнадо.",
    "Він сказав, що продовжить уважно стежити за відновленням після торнадо та робити те, "
    "що має робити федеральний уряд.",
    "«Я хочу, щоб люди в усіх цих штатах знали»,\xa0– сказав Байден.",
]


def _quote_changes(en: list[str], other: list[str]) -> list[tuple[str | None, str | None]]:
    comparison = compare(from_text("\n\n".join(en)), from_text("\n\n".join(other)))
    return [
        (c.a, c.b)
        for p in comparison.pairs
        for c in p.changes
        if c.type == "quote" and c.subtype == "substance"
    ]


def _edit(sentences: list[str], old: str, new: str) -> list[str]:
    edited = [s.replace(old, new) for s in sentences]
    assert edited != sentences
    return edited


@pytest.mark.parametrize(
    ("en", "other"),
    [(CAA_EN, CAA_RU), (SNOW_EN, SNOW_RU), (DE_KLERK_EN, DE_KLERK_RU)],
)
def test_professional_translations_have_no_quote_change(en: list[str], other: list[str]) -> None:
    """ "no snow" / "отсутствия снега", "misunderstood" / "не понимали": idioms."""
    assert _quote_changes(en, other) == []
    assert _quote_changes(other, en) == []


def test_negation_taken_out_of_a_quotation_is_reported() -> None:
    edited = _edit(CAA_RU, "«Мы не примем", "«Мы примем")
    found = _quote_changes(CAA_EN, edited)
    assert len(found) == 1
    assert "Мы примем" in str(found[0][1])


def test_negation_taken_out_of_one_clause_is_reported() -> None:
    """The other clause keeps its "не" (the translator's for "disappeared"): the two
    quotations split into as many clauses, compared clause by clause."""
    assert _quote_changes(YAHYA_EN, YAHYA_RU) == []
    edited = _edit(YAHYA_RU, "«Мы не можем", "«Мы можем")
    assert [b for _, b in _quote_changes(YAHYA_EN, edited)] == [
        "Мы можем поверить, что больше не увидим Яхью"
    ]


def test_negation_put_into_a_quotation_is_reported() -> None:
    edited = _edit(SNOW_RU, "«Мы все должны помнить", "«Мы все не должны помнить")
    found = _quote_changes(SNOW_EN, edited)
    assert [b for _, b in found] == ["Мы все не должны помнить, что этот спорт связан с риском"]
    assert [a for a, _ in _quote_changes(edited, SNOW_EN)] == [found[0][1]]


def test_negation_put_into_a_ukrainian_quotation_is_reported() -> None:
    edited = _edit(PROMISE_UK, "«Я хочу,", "«Я не хочу,")
    assert _quote_changes(PROMISE_EN, PROMISE_UK) == []
    assert [b for _, b in _quote_changes(PROMISE_EN, edited)] == [
        "Я не хочу, щоб люди в усіх цих штатах знали"
    ]


def test_quotation_replaced_by_another_claim_is_reported() -> None:
    """By meaning: the encoder finds the new quotation no closer to the English one than
    the article's other sentences are (a real quotation of another WMT22 document)."""
    other_claim = "Люди переходят от комнатных растений в спальне к изящно украшенным деревьям"
    edited = _edit(CAA_RU, "Мы не примем поправок к закону о гражданстве, это точно.", other_claim)
    found = _quote_changes(CAA_EN, edited)
    assert [b for _, b in found] == [other_claim]


@pytest.mark.skipif(not WMT_EN_UK.is_file(), reason="external data ../shared/data is absent")
def test_ukrainian_quotation_replaced_by_another_claim_is_reported() -> None:
    """The same through e5 (USE does not cover Ukrainian), on the whole WMT22 en-uk
    document: e5 puts unrelated sentences close (0.75), the margin over the article's
    other sentences decides. (In an excerpt of 10 sentences or fewer the margin misses
    this edit: docs/languages.md.)"""
    with WMT_EN_UK.open(encoding="utf-8") as f:
        docs = [json.loads(line) for line in f]
    doc = next(d for d in docs if any("I want folks" in x for x in d["src_sentences"]))
    en, uk = list(doc["src_sentences"]), list(doc["ref_sentences"])
    assert _quote_changes(en, uk) == []
    other_claim = "Уся виручка буде відправлена відповідачам, аби вони могли сходити випити пива"
    edited = _edit(uk, "Я хочу, щоб люди в усіх цих штатах знали", other_claim)
    assert [b for _, b in _quote_changes(en, edited)] == [other_claim + "."]


@pytest.mark.parametrize(
    ("lang", "negated", "plain"),
    [
        ("en", "We will not win this war.", "We will win this war."),
        ("en", "We won't win this war.", "We will win this war."),
        ("ru", "Мы не выиграем эту войну.", "Мы выиграем эту войну."),
        ("uk", "Ми не виграємо цю війну.", "Ми виграємо цю війну."),
        ("de", "Wir werden diesen Krieg nicht gewinnen.", "Wir werden diesen Krieg gewinnen."),
        ("fr", "Nous ne gagnerons pas cette guerre.", "Nous gagnerons cette guerre."),
        ("fr", "On gagnera pas cette guerre.", "On gagnera cette guerre."),
        ("es", "No ganaremos esta guerra.", "Ganaremos esta guerra."),
        ("pl", "Nie wygramy tej wojny.", "Wygramy tę wojnę."),
    ],
)
def test_a_verb_negation_in_every_shipped_language(lang: str, negated: str, plain: str) -> None:
    assert has_lexicon(lang)
    assert negations(negated, lang) == (1, 0)
    assert negations(plain, lang) == (0, 0)
    assert reversed_polarity("We will win this war.", "en", negated, lang)


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "We went from virtually no snow to a storm."),
        ("en", "He was often misunderstood."),
        ("en", "They came without their families."),
        ("ru", "От почти полного отсутствия снега к буре."),
        ("ru", "Сейчас это непонятно никому."),
        ("uk", "Від майже повної відсутності снігу до бурі."),
        ("de", "Sie kamen ohne ihre Familien."),
        ("fr", "Ils sont venus sans leurs familles."),
        ("es", "Vinieron sin sus familias."),
        ("pl", "Przyszli bez swoich rodzin."),
    ],
)
def test_lexical_negation_is_no_verb_negation(lang: str, text: str) -> None:
    """What translators trade for "not" counts as a negation, so it is never the "none"
    side of a reversal."""
    counted = negations(text, lang)
    assert counted is not None
    assert counted[0] == 0
    assert counted[1] >= 1
    assert not reversed_polarity(text, lang, "Мы не выиграем эту войну.", "ru")


def test_words_that_only_look_negated() -> None:
    assert negations("На следующей неделе несколько немецких компаний начнут работу.", "ru") == (
        0,
        0,
    )
    assert negations("The union will meet until Sunday under the new rules.", "en") == (0, 0)


def test_a_closing_mark_from_an_earlier_sentence_opens_no_quotation() -> None:
    """WMT22 en-uk: the quotation opened in the sentence before; the stray closing mark
    made the rest of the sentence a quotation, compared with the Ukrainian one. WMT22
    ru-en: straight quotes nested in straight quotes."""
    en = (
        'May this Christmas bring peace to Ukraine," the pope told thousands of people in '
        "St Peter's Square for his noon blessing and address."
    )
    assert quote_spans(en) == ()
    assert len(quote_spans('He said: "We will win," and left.')) == 1
    nested = (
        '"Под "созданием условий" подразумевается создание резиденций", - разъяснили в Минцифры.'
    )
    assert [nested[s.open + 1 : s.close] for s in quote_spans(nested)] == [
        'Под "созданием условий" подразумевается создание резиденций'
    ]
