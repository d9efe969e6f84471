"""``find`` across a language pair the store's encoder does not cover (USE and Ukrainian):
the lead cosine is no evidence there, so such candidates are ranked by their facts and the
best few verified (``FindOptions.cross_verify``); the translation is listed both ways."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from storytrace.corpus import Store
from storytrace.encode import covers_pair
from storytrace.pipeline import from_text

SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"

EN = (
    "Ukraine's president met the German chancellor in Kyiv on Tuesday, 14 March 2023.\n\n"
    "They discussed air defence and the reconstruction of the energy grid.\n\n"
    "The chancellor promised 500 million euros in new aid for the winter.\n\n"
    "Russia has apparently moved more troops to the border, officials said."
)
UK = (
    "Президент України у вівторок, 14 березня 2023 року, зустрівся з канцлером Німеччини "
    "у Києві.\n\n"
    "Вони обговорили протиповітряну оборону та відбудову енергомережі.\n\n"
    "Канцлер пообіцяв 500 мільйонів євро нової допомоги на зиму.\n\n"
    "Росія, очевидно, перекинула більше військ до кордону, заявили посадовці."
)
DISTRACTORS = {
    "en.grain": (
        "Grain exports from Odesa resumed on Friday after a week of talks in Istanbul.\n\n"
        "Ships loaded 420,000 tonnes of wheat and maize, the port authority said.\n\n"
        "Prices on world markets fell by 3 percent on the news."
    ),
    "en.match": (
        "The national football team won 2-1 in Lviv on Sunday evening.\n\n"
        "The coach praised the defence and said the team would travel to Madrid next."
    ),
    "uk.weather": (
        "Синоптики попереджають про сильні морози на заході країни наступного тижня.\n\n"
        "Температура вночі може знизитися до мінус 18 градусів."
    ),
}


def _store(path: Path) -> Store:
    store = Store(path)
    articles = [from_text(EN, source="en.visit"), from_text(UK, source="uk.visit")]
    articles += [from_text(text, source=key) for key, text in DISTRACTORS.items()]
    store.add(articles)
    return store


def test_covers_pair() -> None:
    assert covers_pair("use", "en", "ru")
    assert covers_pair(None, "en", "en")
    assert not covers_pair("use", "en", "uk")
    assert not covers_pair(None, "uk", "de")
    assert covers_pair("use", "uk", "uk")  # one language
    assert covers_pair("use", None, "uk")  # unknown: no guess
    assert covers_pair("e5", "en", "uk")


def test_find_a_ukrainian_translation_both_ways(tmp_path: Path) -> None:
    with _store(tmp_path / "s.db") as store:
        ids = {a.source: a.id for a in store.recent(10)}
        for query, other in (("en.visit", "uk.visit"), ("uk.visit", "en.visit")):
            result = store.find_id(ids[query])
            assert [(v.id, v.relation, v.encoder) for v in result.versions] == [
                (ids[other], "translation", "e5")
            ]


def test_an_uncovered_pair_is_verified_whatever_its_lead_cosine(tmp_path: Path) -> None:
    # floors no candidate reaches: only the cross-language budget verifies anything
    floors = {"min_cosine": 1.01, "min_fact_weight": 1e9, "min_jaccard": 1.01}
    with _store(tmp_path / "s.db") as store:
        ids = {a.source: a.id for a in store.recent(10)}
        found = store.find_id(ids["uk.visit"], **floors)
        assert [v.id for v in found.versions] == [ids["en.visit"]]
        assert found.verified <= 2
        assert not store.find_id(ids["uk.visit"], cross_verify=0, **floors).versions
        # English candidates of an English query are not across languages: floors hold
        assert store.find_id(ids["en.grain"], **floors).verified == 0


def test_find_wmt22_en_uk_translations(tmp_path: Path) -> None:
    source = SHARED_DATA / "wmt22_news" / "wmt22_news_docs_en_uk_dev.jsonl"
    if not source.exists():
        pytest.skip(f"external data not found at {source}")
    docs = [json.loads(line) for line in source.read_text(encoding="utf-8").splitlines() if line]
    docs = sorted(docs, key=lambda d: len(d["src_sentences"]))[:2]  # the shortest: e5 is slow
    jsonl = tmp_path / "wmt.jsonl"
    with jsonl.open("w", encoding="utf-8") as out:
        for doc in docs:
            for side, lang in (("src", "en"), ("ref", "uk")):
                text = "\n\n".join(doc[f"{side}_sentences"])
                out.write(json.dumps({"id": f"{doc['doc_id']}.{lang}", "text": text}) + "\n")
    with Store(tmp_path / "s.db") as store:
        store.add([jsonl])
        for doc in docs:
            for query, other in (("en", "uk"), ("uk", "en")):
                result = store.find_id(f"{doc['doc_id']}.{query}")
                assert [(v.id, v.relation) for v in result.versions] == [
                    (f"{doc['doc_id']}.{other}", "translation")
                ]
