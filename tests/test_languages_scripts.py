"""Other languages and scripts (#15): sentence ends of Chinese and Japanese, numbers with
local separators and magnitude words, CJK weekdays, Czech and Croatian dates, and facts
compared across languages only where both languages can read them.

The real sentences are the hand-written development set ``bench/data/xl/<lang>.json``
(our translations of WMT22 English news); the English they render is read from
../shared when present.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from storytrace.changes import fact_changes
from storytrace.clean import clean
from storytrace.facts import extract
from storytrace.model import Sentence
from storytrace.pipeline import from_text
from storytrace.segment import segment

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
import datasets  # noqa: E402

LANGS = datasets.XL_LANGS


def _dev(lang: str, doc_id: str) -> list[str]:
    data = json.loads((datasets.XL_DIR / f"{lang}.json").read_text("utf-8"))
    return next(list(d["sentences"]) for d in data["docs"] if d["doc_id"] == doc_id)


def _sentences(texts: list[str], lang: str) -> tuple[Sentence, ...]:
    plain = tuple(Sentence(i, t, 0, len(t), i) for i, t in enumerate(texts))
    return extract(plain, lang=lang, published=None)


def _numbers(text: str, lang: str) -> list[tuple[float, str | None]]:
    return [(n.value, n.unit) for n in _sentences([text], lang)[0].facts.numbers]


def _dates(text: str, lang: str) -> list[str]:
    return [d.iso for d in _sentences([text], lang)[0].facts.dates]


# -- sentence ends -------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["ja", "zh"])
def test_a_paragraph_run_together_splits_at_full_width_ends(lang: str) -> None:
    sentences = _dev(lang, "euronews-en.19225")[1:7]
    _, found = segment("".join(sentences), lang=lang)
    assert [s.text for s in found] == sentences


def test_a_quotation_closed_after_its_full_stop_stays_with_its_attribution() -> None:
    text = "「時間は尽きつつある。」と外相は語った。次の文だ。"
    assert [s.text for s in segment(text, lang="ja")[1]] == [
        "「時間は尽きつつある。」と外相は語った。",
        "次の文だ。",
    ]
    zh = "她说：“我们不会抛下任何人。”她对记者说。下一句。"
    assert [s.text for s in segment(zh, lang="zh")[1]] == [
        "她说：“我们不会抛下任何人。”她对记者说。",
        "下一句。",
    ]


@pytest.mark.parametrize("lang", ["ja", "zh"])
def test_a_quotation_standing_alone_is_a_sentence_run_together_or_not(lang: str) -> None:
    sentences = _dev(lang, "egyptindependent.com.4763")[4:8]
    assert sentences[0][0] in "「“"  # the quotation alone ("It has shown in the last days...")
    _, found = segment("".join(sentences), lang=lang)
    assert [s.text for s in found] == sentences


def test_a_short_attribution_after_a_quotation_stays_with_it() -> None:
    assert [s.text for s in segment("「次だ」と首相は述べた。“好的。”她说。", lang="ja")[1]] == [
        "「次だ」と首相は述べた。",
        "“好的。”她说。",
    ]


@pytest.mark.parametrize("lang", ["ja", "zh"])
def test_lines_ending_in_a_full_stop_are_not_joined(lang: str) -> None:
    lines = _dev(lang, "stv.tv.1681")[1:8]
    article = from_text(_dev(lang, "stv.tv.1681")[0] + "\n\n" + "\n".join(lines))
    assert [s.text for s in article.sentences][-len(lines) :] == lines
    assert clean("\n".join(lines)).body.count("\n\n") == len(lines) - 1


# -- numbers -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "doc", "i", "expected"),
    [
        ("cs", "stv.tv.1681", 6, (100000.0, None)),
        ("de", "stv.tv.1681", 6, (100000.0, None)),
        ("hr", "stv.tv.1681", 7, (10000.0, None)),
        ("fr", "stv.tv.1681", 7, (10000.0, None)),
        ("ja", "stv.tv.1681", 6, (100000.0, None)),
        ("zh", "stv.tv.1681", 7, (10000.0, None)),
        ("cs", "lenta.ru.89760", 11, (25000.0, "USD")),
        ("hr", "lenta.ru.89760", 13, (5000.0, "USD")),
        ("de", "lenta.ru.89760", 9, (400000.0, "USD")),
        ("fr", "lenta.ru.89760", 14, (20000.0, "USD")),
        ("ja", "lenta.ru.89760", 11, (25000.0, "USD")),
        ("zh", "lenta.ru.89760", 11, (25000.0, "USD")),
        ("hr", "stv.tv.1681", 2, (85.0, "mph")),
        ("ja", "stv.tv.1681", 2, (85.0, "mph")),
        ("zh", "stv.tv.1681", 2, (85.0, "mph")),
        ("zh", "stv.tv.1681", 13, (90.0, "mph")),
    ],
)
def test_local_separators_and_magnitude_words(
    lang: str, doc: str, i: int, expected: tuple[float, str | None]
) -> None:
    assert expected in _numbers(_dev(lang, doc)[i], lang)


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        ("政府は1億2000万円を拠出する。", "ja", [(120000000.0, "JPY")]),
        ("政府将提供2000万欧元。", "zh", [(20000000.0, "EUR")]),
        ("Vláda poskytne 20 milionů eur a 3,5 procenta.", "cs", [(2e7, "EUR"), (3.5, "%")]),
        ("Die Regierung zahlt 1,5 Mrd. Euro.", "de", [(1.5e9, "EUR")]),
        ("Le gouvernement versera 20 millions d’euros.", "fr", [(2e7, "EUR")]),
        ("Vlada će dati 20 milijuna eura.", "hr", [(2e7, "EUR")]),
        (
            "El Gobierno dará 20 millones de euros a 10.000 familias.",
            "es",
            [(2e7, "EUR"), (1e4, None)],
        ),
        (
            "Il governo fornirà 20 milioni di euro, 20 mila a famiglia.",
            "it",
            [(2e7, "EUR"), (2e4, None)],
        ),
        ("Rząd przeznaczy 20 mln zł i pięć tysięcy dolarów.", "pl", [(2e7, "PLN"), (5e3, "USD")]),
    ],
)
def test_magnitude_words_and_currencies(
    text: str, lang: str, expected: list[tuple[float, str | None]]
) -> None:
    assert _numbers(text, lang) == expected


def test_a_lone_comma_before_three_digits_is_unsure_where_the_comma_is_decimal() -> None:
    assert _numbers("Más de 10,000 personas y un 3,5 % más.", "es") == [(3.5, "%")]
    assert _numbers("Mehr als 10,000 Menschen.", "de") == []
    assert _numbers("More than 10,000 people.", "en") == [(10000.0, "people")]


def test_date_and_clock_parts_beside_cjk_are_no_counts() -> None:
    assert _numbers("日曜午後9時から11月26日と27日まで７時間", "ja") == []
    assert _dates("11月26日と27日", "ja") == ["--11-26", "--11-27"]
    assert _dates("11月26日和27日", "zh") == ["--11-26", "--11-27"]


# -- dates ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "lang", "isos"),
    [
        ("ドイツの外相は土曜日、警告した。", "ja", ["-W-6"]),
        ("日曜午後から月曜正午まで続く。", "ja", ["-W-7", "-W-1"]),
        ("德国外长周六警告说。", "zh", ["-W-6"]),
        ("警报将于星期二生效。", "zh", ["-W-2"]),
        ("경보는 화요일에 발효된다.", "ko", ["-W-2"]),
        ("Ministryně v sobotu varovala.", "cs", ["-W-6"]),
        ("Ministrica je u subotu upozorila.", "hr", ["-W-6"]),
        ("bouře Arwen napáchala 26. a 27. listopadu", "cs", ["--11-26", "--11-27"]),
        ("oluja Arwen prouzročila 26. i 27. studenoga", "hr", ["--11-26", "--11-27"]),
        ("Sturm Arwen am 26. und 27. November", "de", ["--11-26", "--11-27"]),
    ],
)
def test_weekdays_months_and_ranges(text: str, lang: str, isos: list[str]) -> None:
    assert _dates(text, lang) == isos


def test_listopad_is_november_in_czech_and_october_in_croatian() -> None:
    assert _dates("Stalo se 7. listopadu.", "cs") == ["--11-07"]
    assert _dates("Dogodilo se 7. listopada.", "hr") == ["--10-07"]


# -- facts compared across languages -------------------------------------------------


def _changes(a: str, b: str, lang_a: str, lang_b: str) -> list[tuple[str, str | None, str | None]]:
    found = fact_changes(
        _sentences([a], lang_a),
        _sentences([b], lang_b),
        cross_lingual=True,
        lang=lang_a,
        lang_b=lang_b,
    )
    return [(c.type, c.a, c.b) for c in found]


def test_a_year_and_a_weekday_are_two_facts_not_one_changed() -> None:
    en = "Germany's foreign minister warned on Saturday about the 2015 deal."
    assert _changes(en, "Ministr varoval před dohodou z roku 2015.", "en", "cs") == []
    assert _changes(en, "外相は協定について警告した。", "en", "ja") == []


def test_a_language_without_a_numbers_lexicon_compares_no_numbers() -> None:
    en = "The government would provide 20 million euros in emergency aid."
    assert _changes(en, "Il governo fornirà 20 milioni di euro di aiuti.", "en", "it") == []
    assert _changes(en, "Vláda poskytne 30 milionů eur.", "en", "cs") == [
        ("number", "20 million euros", "30 milionů eur")
    ]


def test_a_measure_missing_where_numerals_are_not_read_is_no_change() -> None:
    en = "The charity had given $5,000 for the reward, about 20% of it."
    zh = "该慈善机构曾为悬赏出资五千美元，约占百分之二十。"
    assert _changes(en, zh, "en", "zh") == []
    assert _changes(zh, en, "zh", "en") == []
    assert _changes(en, "该慈善机构曾为悬赏出资6000美元，约占20%。", "en", "zh") == [
        ("number", "$5,000", "6000美元")
    ]


def test_names_are_compared_only_between_languages_with_a_names_lexicon() -> None:
    en = "The official said Raisi was serious about the talks in Vienna."
    de = "Die Gespräche in Wien seien ernst gemeint, sagte der Vertreter."
    assert _changes(en, de, "en", "de") == []


def _plant(sentence: str) -> str | None:
    """The sentence with the first digit of its first number raised by one (or 9 -> 8)."""
    for k, ch in enumerate(sentence):
        if ch.isdigit():
            new = chr(ord(ch) - 1) if ch in "9９" else chr(ord(ch) + 1)
            return sentence[:k] + new + sentence[k + 1 :]
    return None


def _gold_pairs(lang: str) -> list[tuple[str, str, str, str]]:
    pairs = []
    for doc in datasets.xl_docs(lang):
        src = [str(s) for s in doc["src_sentences"]]  # type: ignore[union-attr]
        ref = [str(s) for s in doc["ref_sentences"]]  # type: ignore[union-attr]
        pairs += [
            (a, b, str(doc["src_lang"]), str(doc["ref_lang"]))
            for a, b in zip(src, ref, strict=True)
        ]
    return pairs


@pytest.mark.parametrize("lang", LANGS)
def test_translated_sentences_give_no_fact_change_and_a_planted_number_is_found(
    lang: str,
) -> None:
    pairs = _gold_pairs(lang)
    if not pairs:
        pytest.skip("WMT22 documents not in ../shared/data")
    false = [(a, b, _changes(a, b, la, lb)) for a, b, la, lb in pairs if _changes(a, b, la, lb)]
    assert false == []
    planted = found = 0
    for a, b, la, lb in pairs:
        translated, code = (b, lb) if lb != "en" else (a, la)
        if not any(n.unit for n in _sentences([translated], code)[0].facts.numbers):
            continue  # only a measured number (money, a percentage, a speed) is planted
        edited = _plant(translated)
        assert edited is not None
        planted += 1
        a2, b2 = (a, edited) if lb != "en" else (edited, b)
        found += any(kind == "number" for kind, _, _ in _changes(a2, b2, la, lb))
    assert planted >= 3
    assert found == planted


@pytest.mark.parametrize("lang", ["ja", "zh"])
def test_a_headline_without_spaces_is_the_title(lang: str) -> None:
    sentences = _dev(lang, "euronews-en.19225")
    article = from_text(sentences[0] + "\n\n" + "\n".join(sentences[1:]))
    assert article.title == sentences[0]
    assert len(article.sentences) == len(sentences) - 1


@pytest.mark.parametrize("lang", ["ja", "zh"])
def test_an_english_article_and_its_translation_pasted_as_lines(lang: str) -> None:
    """The lead's probe: one line per sentence, as a user pastes an article."""
    from storytrace.comparison import compare

    doc = next((d for d in datasets.xl_docs(lang) if d["origlang"] == "en"), None)
    if doc is None:
        pytest.skip("WMT22 documents not in ../shared/data")
    en, xl = (list(doc[k]) for k in ("src_sentences", "ref_sentences"))  # type: ignore[call-overload]
    a = from_text(f"{en[0]}\n\n" + "\n".join(en[1:]))
    b = from_text(f"{xl[0]}\n\n" + "\n".join(xl[1:]))
    assert len(b.sentences) == len(a.sentences)
    comparison = compare(a, b)
    assert comparison.relation.label == "translation"
    assert [c for p in comparison.pairs for c in p.changes] == []
    assert sum(len(p.a) == len(p.b) == 1 for p in comparison.pairs) >= 0.9 * len(a.sentences)


@pytest.mark.parametrize(
    ("lang", "doc", "i"), [("ja", "egyptindependent.com.4763", 3), ("zh", "stv.tv.1681", 8)]
)
def test_a_latin_name_stops_where_the_cjk_words_begin(lang: str, doc: str, i: int) -> None:
    names = [n.text for n in _sentences([_dev(lang, doc)[i]], lang)[0].facts.names]
    assert names
    assert all(n.isascii() or n.isupper() for n in names)


def test_a_weekday_replaced_by_one_the_sentence_already_names_is_a_change() -> None:
    en = "The northwest will face gusts of up to 85mph overnight on Sunday into Monday morning."
    cs = _dev("cs", "stv.tv.1681")[2]
    assert "z neděle na pondělí" in cs
    assert _changes(en, cs, "en", "cs") == []
    edited = cs.replace("z neděle na pondělí", "z pondělí na pondělí")
    assert [(t, a) for t, a, _ in _changes(en, edited, "en", "cs")] == [("date", "Sunday")]
    assert (
        _changes(
            en,
            "Nárazy až 85 mil za hodinu přijdou v neděli a v neděli večer i v pondělí.",
            "en",
            "cs",
        )
        == []
    )
