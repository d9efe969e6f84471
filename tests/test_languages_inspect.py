"""``inspect`` on a real Ukrainian news document (a WMT22 professional translation):
the same facts as for its English source, in keys both languages share."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from storytrace.cli import app

runner = CliRunner()
DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
WMT_UK = DATA / "wmt22_news" / "wmt22_news_docs_en_uk_dev.jsonl"


def _inspect(path: Path) -> dict[str, object]:
    result = runner.invoke(app, ["inspect", str(path), "-f", "json"])
    assert result.exit_code == 0, result.output
    article: dict[str, object] = json.loads(result.stdout)["articles"][0]
    return article


def _facts(article: dict[str, object], kind: str) -> list[dict[str, str]]:
    sentences = article["sentences"]
    assert isinstance(sentences, list)
    return [f for s in sentences for f in s["facts"][kind]]


@pytest.fixture(scope="module")
def pair(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, object], dict[str, object]]:
    """The first document of the set whose source names a person and a place and gives a
    weekday, inspected in English and in Ukrainian."""
    if not WMT_UK.exists():
        pytest.skip(f"external data not found at {WMT_UK}")
    folder = tmp_path_factory.mktemp("wmt")
    for line in WMT_UK.read_text(encoding="utf-8").splitlines():
        doc = json.loads(line)
        (folder / "en.txt").write_text("\n\n".join(doc["src_sentences"]), encoding="utf-8")
        (folder / "uk.txt").write_text("\n\n".join(doc["ref_sentences"]), encoding="utf-8")
        en = _inspect(folder / "en.txt")
        kinds = {n["kind"] for n in _facts(en, "names")}
        if {"person", "place"} <= kinds and any(
            d["iso"].startswith("-W-") for d in _facts(en, "dates")
        ):
            return en, _inspect(folder / "uk.txt")
    pytest.skip("no document with a person, a place and a weekday")


def test_inspect_reads_ukrainian_as_ukrainian(
    pair: tuple[dict[str, object], dict[str, object]],
) -> None:
    en, uk = pair
    assert en["lang"] == "en"
    assert uk["lang"] == "uk"
    assert len(uk["sentences"]) >= len(en["sentences"]) - 1  # type: ignore[arg-type]


def test_inspect_shows_ukrainian_facts_in_shared_keys(
    pair: tuple[dict[str, object], dict[str, object]],
) -> None:
    """Weekdays resolve to the same ISO forms, places and people fold to the keys the
    English names have (romanised, aliases), and every kind of name is typed."""
    en, uk = pair
    weekdays_en = {d["iso"] for d in _facts(en, "dates") if d["iso"].startswith("-W-")}
    weekdays_uk = {d["iso"] for d in _facts(uk, "dates") if d["iso"].startswith("-W-")}
    assert weekdays_en & weekdays_uk
    places_en = {n["key"] for n in _facts(en, "names") if n["kind"] == "place"}
    places_uk = {n["key"] for n in _facts(uk, "names") if n["kind"] == "place"}
    assert len(places_en & places_uk) >= len(places_en) / 2
    people_uk = [n for n in _facts(uk, "names") if n["kind"] == "person"]
    assert people_uk
    assert all(n["key"].isascii() for n in people_uk)
