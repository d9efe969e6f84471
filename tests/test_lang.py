"""Language identification on real text (storytrace.lang)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from storytrace.errors import ConfigError
from storytrace.lang import MIN_LETTERS, identify, supported_languages

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"
WMT = DATA / "wmt22_news" / "wmt22_news_docs_en_ru.jsonl"


def test_seed_article_is_english() -> None:
    for name in ("a.txt", "b.txt"):
        text = (ROOT / "examples" / "seed-pair" / name).read_text(encoding="utf-8")
        code, confidence = identify(text)
        assert code == "en"
        assert 0.9 < confidence <= 1.0


@pytest.mark.slow
@pytest.mark.skipif(not WMT.is_file(), reason="external data ../shared/data is absent")
def test_wmt_russian_document_is_russian() -> None:
    with WMT.open(encoding="utf-8") as f:
        doc = json.loads(next(f))
    russian = doc["ref_sentences"] if doc["ref_lang"] == "ru" else doc["src_sentences"]
    code, confidence = identify(" ".join(russian))
    assert code == "ru"
    assert confidence > 0.9


@pytest.mark.parametrize("text", ["", "   \n\t", "ok", "12:30 — 45%", "Putin says", "Привет"])
def test_too_short_is_unidentified(text: str) -> None:
    assert identify(text) == (None, 0.0)


def test_min_letters_boundary() -> None:
    assert identify("a" * (MIN_LETTERS - 1))[0] is None
    assert identify("The cat sat on the mat.")[0] == "en"


def test_codes_are_iso_639_1() -> None:
    codes = supported_languages()
    assert {"en", "ru", "uk"} <= set(codes)
    assert all(len(code) == 2 for code in codes)  # no 'pcm', 'zxx' ...


def test_candidates_restrict_the_answer() -> None:
    text = "Очаг залегал на глубине 92,5 км."  # Russian, read as Bulgarian unrestricted
    code, _ = identify(text, candidates={"en", "ru", "uk"})
    assert code == "ru"


def test_unknown_candidate_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="xx"):
        identify("The cat sat on the mat.", candidates={"en", "xx"})


def test_only_the_leading_sample_is_read() -> None:
    english = "The minister said the talks would resume next week in Berlin. " * 40
    russian = "Министр заявил, что переговоры возобновятся на следующей неделе. " * 40
    assert identify(english + russian)[0] == "en"


def test_the_inflated_model_is_cached_and_gives_the_same_answers(tmp_path: Path) -> None:
    """The first process inflates py3langid's model and keeps it in the cache folder; the
    next loads that copy; a damaged copy is rebuilt. Every process answers the same."""
    import os
    import subprocess
    import sys

    code = (
        "from storytrace.lang import identify\n"
        "for text in ('Ein Sturm traf am Montag die Küste, teilten Beamte mit.',\n"
        "             'Шторм обрушился на побережье в понедельник, сообщили власти.'):\n"
        "    print(*identify(text))\n"
    )
    env = {**os.environ, "STORYTRACE_CACHE": str(tmp_path)}

    def run() -> str:
        out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
        assert out.returncode == 0, out.stderr
        return out.stdout

    first = run()
    (cached_folder,) = tmp_path.glob("langid-*")
    cached = cached_folder / "ptc.npy"
    assert run() == first
    cached.write_bytes(b"not an npz")
    assert run() == first
    assert cached.stat().st_size > 1_000_000
    assert [line.split()[0] for line in first.splitlines()] == ["de", "ru"]
