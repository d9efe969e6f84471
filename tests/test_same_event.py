"""Reports of the same event: ``story_similarity`` and ``find --stories`` on real text."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from typer.testing import CliRunner

from storytrace import compare, from_text, read
from storytrace.cli import app
from storytrace.corpus import Store
from storytrace.find import STORY_RELATIONS, VERSION_RELATIONS
from storytrace.render.json import comparison_to_dict

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "examples" / "seed-pair"
SAMPLE = ROOT / "examples" / "ecbplus-sample" / "ecbplus-sample.jsonl"
runner = CliRunner()


def _sample() -> dict[str, dict[str, str]]:
    rows = [json.loads(line) for line in SAMPLE.read_text("utf-8").splitlines() if line.strip()]
    return {r["id"]: r for r in rows}


def test_story_similarity_is_one_for_a_version_and_in_the_json() -> None:
    comparison = compare(read(SEED / "a.txt"), read(SEED / "b.txt"), encoder="lexical")
    assert comparison.relation.label in VERSION_RELATIONS
    assert comparison.story_similarity == comparison.relation.story_similarity == 1.0
    relation = comparison_to_dict(comparison)["relation"]
    assert relation["story_similarity"] == 1.0
    assert {"label", "score", "direction", "direction_confidence"} <= set(relation)


def test_story_similarity_ranks_same_event_over_other_event_over_unrelated() -> None:
    docs = _sample()
    art = {k: from_text(v["text"], source=k) for k, v in docs.items()}
    same = compare(art["1_10ecb"], art["1_11ecb"], encoder="lexical").story_similarity
    other = compare(art["1_10ecb"], art["1_10ecbplus"], encoder="lexical").story_similarity
    unrelated = compare(art["1_10ecb"], art["4_10ecb"], encoder="lexical").story_similarity
    assert same > 0.5 > unrelated
    assert same > other > unrelated
    assert unrelated < 0.15


def test_find_stories_lists_the_reports_of_the_same_event(tmp_path: Path) -> None:
    docs = _sample()
    db = tmp_path / "s.db"
    with Store(db, options=None) as store:
        store.add([SAMPLE])
        query = "1_10ecb"
        result = store.find_id(query, include=VERSION_RELATIONS + STORY_RELATIONS)
        plain = store.find_id(query)
    event = docs[query]["event"]
    top = [v.id for v in result.versions[:9]]
    hits = Counter(docs[i]["event"] == event for i in top)
    assert hits[True] >= 8, top
    assert len(result.versions) > len(plain.versions)
    similarities = [v.story_similarity for v in result.versions]
    assert similarities == sorted(similarities, reverse=True)
    cli = runner.invoke(
        app, ["find", "--id", query, "--db", str(db), "--stories", "-n", "5", "-f", "json"]
    )
    assert cli.exit_code == 0, cli.output
    listed = json.loads(cli.stdout)["versions"]
    assert len(listed) == 5
    assert all("story_similarity" in v for v in listed)
    text = runner.invoke(app, ["find", "--id", query, "--db", str(db), "--stories", "-n", "3"])
    assert "P(same event)" in text.stdout


@pytest.mark.parametrize("limit", [1, 3])
def test_find_stories_respects_the_limit(tmp_path: Path, limit: int) -> None:
    with Store(tmp_path / "s.db") as store:
        store.add([SAMPLE])
        result = store.find_id("4_10ecb", limit=limit, include=VERSION_RELATIONS + STORY_RELATIONS)
    assert len(result.versions) == limit
    assert result.verified <= result.candidates


def test_a_date_line_is_read_as_the_date_never_as_the_title() -> None:
    text = (
        "Friday, June 7, 2013\n"
        "Hollywood's mermaid Esther Williams dies\n"
        "Champion swimmer turned top box-office draw in 40s and 50s\n"
        "Esther Williams, the swimming champion who became a Hollywood star, died on "
        "Thursday at her home in Beverly Hills. She was 91.\n"
    )
    article = from_text(text)
    assert article.title != "Friday, June 7, 2013"
    assert article.published is not None
    assert article.published.isoformat() == "2013-06-07"
    lohan = from_text(
        "May 2, 2013, 1:12 PM\nLawyer: Lindsay Lohan checks into rehab facility\n\n"
        "Lindsay Lohan's attorney said Thursday the actress checked into a rehab facility.\n"
    )
    assert lohan.title == "Lawyer: Lindsay Lohan checks into rehab facility"
    assert lohan.published is not None
    assert lohan.published.isoformat() == "2013-05-02"
