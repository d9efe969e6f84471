"""Names compared across languages and scripts on real WMT22 sentences (English source,
professional Russian or Ukrainian translation), with one name planted in the
translation to check each rule of ``changes.names_xl``."""

from __future__ import annotations

import pytest

from storytrace.comparison import compare
from storytrace.pipeline import from_text

SCHOLZ_EN = (
    "Scholz and Morawiecki are also to discuss complex bilateral relations under "
    "Germany's new government."
)
SCHOLZ_UK = (
    "Шольц та Моравецький також обговорять складні двосторонні відносини з новим урядом Німеччини."
)
MACRON_EN = (
    "On Friday, Scholz met with French President Emmanuel Macron in Paris and later with "
    "EU and NATO officials in Brussels."
)
MACRON_RU = (
    "В пятницу Шольц встретился с президентом Франции Эммануэлем Макроном в Париже и позже "
    "с представителями ЕС и НАТО в Брюсселе."
)
MACRON_UK = (
    "У п'ятницю Шольц зустрівся з президентом Франції Еммануелем Макроном у Парижі, а потім "
    "– з представниками ЄС та НАТО в Брюсселі."
)
RAISI_EN = (
    "Raisi said on Saturday that Tehran was serious in its nuclear talks in Vienna, the "
    "official IRNA news agency reported."
)
RAISI_RU = (
    "В субботу Раиси заявил, что позиция Тегерана на ядерных переговорах в Вене была "
    "окончательной, сообщило официальное агентство новостей IRNA."
)
DEBERRY_EN = (
    "They had gone out into the forest but ended up back in bounds (of the resort) where "
    'this slide occurred," DeBerry said'
)
DEBERRY_RU = (
    "Они вышли в лес, но в конце концов вернулись на территорию (курорта), где и произошла "
    "лавина», — сказал Деберри"
)
BIDEN_EN = (
    'Separately, Mr Biden has said he told Mr Putin that Russia would pay "a terrible '
    'price" and face devastating economic consequences if it invaded Ukraine.'
)
BIDEN_RU = (
    "Кроме того, Байден сказал, что сообщил Путину о том, что Россия заплатит «ужасную "
    "цену» и столкнется с разрушительными для экономики последствиями, если и она нападет "
    "на Украину."
)
BIDEN_UK = (
    "Байден окремо заявив, що попередив Путіна про те, що Росія заплатить «страшну ціну» "
    "і зіткнеться з руйнівними економічними наслідками, якщо нападе на Україну."
)


def _names(a: str, b: str) -> list[tuple[str | None, str | None]]:
    comparison = compare(from_text(a), from_text(b))
    return [(c.a, c.b) for p in comparison.pairs for c in p.changes if c.type == "name"]


@pytest.mark.parametrize(
    ("en", "translation"),
    [
        (SCHOLZ_EN, SCHOLZ_UK),
        (MACRON_EN, MACRON_RU),
        (MACRON_EN, MACRON_UK),
        (RAISI_EN, RAISI_RU),
        (DEBERRY_EN, DEBERRY_RU),
        (BIDEN_EN, BIDEN_RU),
        (BIDEN_EN, BIDEN_UK),
    ],
)
def test_names_in_case_forms_and_other_scripts_are_no_change(en: str, translation: str) -> None:
    """Declined and transliterated names ("Макроном", "Парижі", "Путину", "Деберри")
    find their English counterparts, either order."""
    assert _names(en, translation) == []
    assert _names(translation, en) == []


def test_a_surname_in_a_case_form_replaced() -> None:
    """ "Путину" -> "Трампу": the new surname, typed ``other`` by the extractor, has no
    counterpart, and Mr Putin none on the Russian side; either order."""
    edited = BIDEN_RU.replace("Путину", "Трампу")
    assert _names(BIDEN_EN, edited) == [("Putin", "Трампу")]
    assert _names(edited, BIDEN_EN) == [("Трампу", "Putin")]
    edited = BIDEN_UK.replace("Путіна", "Трампа")
    assert _names(BIDEN_EN, edited) == [("Putin", "Трампа")]


def test_a_new_name_where_a_speaker_stands() -> None:
    """Neither side's name is typed a person, but both stand where a speaker does."""
    edited = DEBERRY_RU.replace("Деберри", "Петров")
    assert _names(DEBERRY_EN, edited) == [("DeBerry", "Петров")]


def test_a_name_in_latin_letters_in_a_ukrainian_sentence() -> None:
    edited = BIDEN_UK.replace("Путіна", "Shiba Inu")
    assert _names(BIDEN_EN, edited) == [("Putin", "Shiba Inu")]


def test_a_capitalised_phrase_translated_is_no_name_change() -> None:
    """English runs of capitalised words the extractor takes for people ("Group of
    Seven") are translated, not transliterated: no evidence of a change."""
    en = "The Group of Seven leaders warned Russia on Sunday of massive consequences."
    ru = "В воскресенье лидеры Большой семерки предупредили Россию о серьезных последствиях."
    assert _names(en, ru) == []


TRUSS_EN = (
    'Ms Truss said: "The UK is providing vital humanitarian assistance in Afghanistan this winter.'
)
TRUSS_RU = (
    "Трасс заявила: «Этой зимой Великобритания предоставляет Афганистану необходимую "
    "гуманитарную помощь."
)


def test_a_speaker_replaced_by_a_word_opening_the_sentence() -> None:
    """The new speaker opens the sentence, so the extractor takes it for no name; it still
    stands where a speaker does, against an English speaker without counterpart."""
    assert _names(TRUSS_EN, TRUSS_RU) == []
    edited = TRUSS_RU.replace("Трасс", "Петрова")
    assert _names(TRUSS_EN, edited) == [("Truss", "Петрова")]
    assert _names(edited, TRUSS_EN) == [("Петрова", "Truss")]


PAUSE_EN = (
    "The current round of talks in Vienna follow a pause of five months after the election "
    "of a hardline anti-Westerner as Iran's president, Ebrahim Raisi."
)
PAUSE_RU = (
    "Этот цикл переговоров в Вене прервал паузу длиной в пять месяцев, которая последовала "
    "после избрания новым президентом Ирана жесткого антизападника Ибрахима Раиси."
)


def test_a_sound_code_extends_only_by_a_case_ending() -> None:
    """ "Раиси" planted as "Роджерс" (codes 62 / 626): the longer code is no case form of
    the shorter, so Raisi has no counterpart and the new name is reported."""
    en = f"{PAUSE_EN}\n\n{RAISI_EN}"
    ru = f"{PAUSE_RU}\n\n{RAISI_RU}"
    assert _names(en, ru) == []
    assert _names(en, ru.replace("В субботу Раиси", "В субботу Роджерс")) == [("Raisi", "Роджерс")]


@pytest.mark.parametrize(
    ("en", "ru"),
    [
        (  # a caron spelt out: "Kubiš" / "Кубиша"
            "The ability to demand the Libyan political class stick to the 24 December "
            "election date has been hampered by the appointment of a UN special envoy, Ján "
            "Kubiš, who resigned three weeks before the elections.",
            "Способность заставить политиков Ливии придерживаться даты выборов 24 декабря "
            "была подорвана назначением специального представителя ООН, Яна Кубиша, "
            "который подал в отставку за три недели до выборов.",
        ),
        (  # two words written as one: "Phnom Pehn" / "Пномпене"
            "It was reported earlier that in Phnom Pehn, the capital of Cambodia, a lion "
            "escaped from its owner and walked the city's streets.",
            "Ранее сообщалось, что в Пномпене, столице Камбоджи, лев сбежал от хозяина и "
            "разгуливал по улицам города.",
        ),
        (  # an adjective opens no person's name: "Дальнего Востока" is a place
            "She received the Award from the hands of the Minister of the Russian "
            "Federation for the Development of the Russian Far East and Arctic, Alexey "
            "Chekunkov.",
            "Она получила премию из рук министр РФ по развитию Дальнего Востока и Арктики "
            "Алексея Чекункова.",
        ),
    ],
)
def test_spellings_a_strict_sound_code_must_still_match(en: str, ru: str) -> None:
    assert _names(en, ru) == []
    assert _names(ru, en) == []
