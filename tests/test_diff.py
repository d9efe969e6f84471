"""``compare`` / ``storytrace diff`` end to end on real text: the seed pair, ECB+, WMT22."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

import storytrace
from storytrace.cli import app
from storytrace.comparison import compare
from storytrace.model import Comparison
from storytrace.pipeline import from_text, read
from storytrace.render.json import to_dict

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "examples" / "seed-pair"
SHARED_DATA = ROOT.parent / "shared" / "data"


@pytest.fixture(scope="module")
def seed() -> Comparison:
    return compare(read(SEED / "a.txt"), read(SEED / "b.txt"))


def changes_of(comparison: Comparison, kind: str) -> list[tuple[str | None, str | None]]:
    return [(c.a, c.b) for p in comparison.pairs for c in p.changes if c.type == kind]


def test_seed_is_a_rewrite(seed: Comparison) -> None:
    assert seed.relation.label == "rewrite"
    assert 0.0 <= seed.relation.score <= 1.0


def test_seed_aligns_at_least_90_percent_of_a(seed: Comparison) -> None:
    aligned = {i for p in seed.pairs if p.a and p.b for i in p.a}
    assert len(aligned) / len(seed.a.sentences) >= 0.9
    assert seed.coverage_a >= 0.9


def test_seed_closing_denial_is_added(seed: Comparison) -> None:
    last = len(seed.b.sentences) - 1
    assert "Office of the President" in seed.b.sentences[last].text
    (unit,) = [p for p in seed.pairs if last in p.b]
    assert unit.kind == "added"
    assert unit.a == ()


def test_seed_reports_allegedly_dropped_twice(seed: Comparison) -> None:
    dropped = [a for a, b in changes_of(seed, "hedge") if a == "allegedly" and b is None]
    assert len(dropped) == 2


def test_seed_reports_the_framing(seed: Comparison) -> None:
    assert ("the aggressor country", None) in changes_of(seed, "framing")


def test_seed_reports_both_officials_quotes_as_reworded(seed: Comparison) -> None:
    quotes = changes_of(seed, "quote")
    starts = [a[:25] for a, b in quotes if a and b]
    assert "We want to give the Ukrai" in starts
    assert "They [Witkoff and Kushner" in starts


def test_seed_reports_what_a_reader_finds(seed: Comparison) -> None:
    typed = [(c.type, c.subtype, c.a, c.b) for p in seed.pairs for c in p.changes]
    assert ("framing", "qualifier", "the Ukrainian Donbas", "Donbas") in typed
    assert ("framing", "scare_quotes", '"demilitarized zone"', "demilitarized zone") in typed
    attribution = [(s, a, b) for t, s, a, b in typed if t == "attribution"]
    assert ("changed", "an interviewer for The Wall Street Journal", "The Wall Street Journal") in (
        attribution
    )
    assert ("claim", "object", "support it", "support Zelenskyy") in typed
    # the two officials' quotations are reworded, not changed in substance
    assert {s for t, s, *_ in typed if t == "quote"} == {"wording"}
    # every unit with both sides says whether it makes the same statement
    assert all((p.same_statement is None) == (not (p.a and p.b)) for p in seed.pairs)


def test_seed_dates_percent_and_names_are_not_changes(seed: Comparison) -> None:
    assert changes_of(seed, "date") == []
    assert not any("80" in (a or "") + (b or "") for a, b in changes_of(seed, "number"))
    names = changes_of(seed, "name")
    assert not any("Zelensk" in (a or "") + (b or "") for a, b in names)


def test_seed_boilerplate_is_removed_not_dropped(seed: Comparison) -> None:
    kinds = sorted(span.kind for span in seed.a.removed)
    assert kinds == ["editor_note", "editor_note", "photo_credit"]
    assert seed.b.removed == ()
    assert not [p for p in seed.pairs if p.kind == "dropped"]
    body = " ".join(s.text for s in seed.a.sentences)
    assert "AARON SCHWARTZ" not in body
    assert "– Ed." not in body


def test_every_sentence_is_in_exactly_one_pair(seed: Comparison) -> None:
    a_seen = sorted(i for p in seed.pairs for i in p.a)
    b_seen = sorted(j for p in seed.pairs for j in p.b)
    assert a_seen == list(range(len(seed.a.sentences)))
    assert b_seen == list(range(len(seed.b.sentences)))


def test_an_article_against_itself_is_a_duplicate() -> None:
    same = compare(read(SEED / "a.txt"), read(SEED / "a.txt"))
    assert same.relation.label == "duplicate"
    assert {p.kind for p in same.pairs} == {"identical"}
    assert all(p.changes == () for p in same.pairs)


def test_swapping_swaps_added_and_dropped_and_flips_direction(seed: Comparison) -> None:
    back = compare(read(SEED / "b.txt"), read(SEED / "a.txt"))
    added = sorted(j for p in seed.pairs if p.kind == "added" for j in p.b)
    dropped = sorted(i for p in back.pairs if p.kind == "dropped" for i in p.a)
    assert added == dropped
    assert seed.relation.direction == "a_to_b"
    assert back.relation.direction == "b_to_a"
    hedges = sorted(repr((b, a)) for a, b in changes_of(seed, "hedge"))
    assert sorted(repr(c) for c in changes_of(back, "hedge")) == hedges


def test_a_light_edit_shows_a_number_change_and_a_dropped_sentence() -> None:
    text = (SEED / "a.txt").read_text(encoding="utf-8")
    edited = text.replace("80% of its territory", "75% of its territory")
    edited = edited.replace(
        "Earlier about Witkoff's visit to Berlin said an interviewer for The Wall Street "
        "Journal.\n\n",
        "",
    )
    result = compare(from_text(text), from_text(edited))
    assert result.relation.label == "light_edit"
    assert ("80%", "75%") in changes_of(result, "number")
    dropped = [p for p in result.pairs if p.kind == "dropped"]
    assert len(dropped) == 1
    assert "Wall Street Journal" in result.a.sentences[dropped[0].a[0]].text


def test_to_dict_is_the_json_contract(seed: Comparison) -> None:
    data = to_dict(seed)
    for side in ("a", "b"):
        assert {"title", "published", "lang", "sentences", "removed"} <= set(data[side])
        first = data[side]["sentences"][0]
        assert {"i", "text", "start", "end"} <= set(first)
    assert set(data["relation"]) >= {"label", "score", "direction"}
    assert set(data["coverage"]) == {"a", "b"}
    for pair in data["pairs"]:
        assert set(pair) >= {"a", "b", "kind", "similarity", "changes", "same_statement"}
        for change in pair["changes"]:
            assert set(change) == {"type", "a", "b", "subtype", "lang_a", "lang_b"}
    json.dumps(data)


def test_cli_diff_json_and_html(tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(
        app, ["diff", str(SEED / "a.txt"), str(SEED / "b.txt"), "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["relation"]["label"] == "rewrite"
    out = tmp_path / "diff.html"
    result = runner.invoke(
        app, ["diff", str(SEED / "a.txt"), str(SEED / "b.txt"), "--format", "html", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") or page.lower().startswith("<!doctype html>")
    assert "the aggressor country" in page
    assert "http://" not in page.replace("http://www.w3.org", "")
    assert "https://" not in page


def test_cli_diff_text_with_the_lexical_encoder() -> None:
    result = CliRunner().invoke(
        app, ["diff", str(SEED / "a.txt"), str(SEED / "b.txt"), "--encoder", "lexical"]
    )
    assert result.exit_code == 0, result.output
    assert "rewrite" in result.stdout
    assert "allegedly" in result.stdout


def test_cli_diff_bad_inputs(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_text("", encoding="utf-8")
    only_boilerplate = tmp_path / "credit.txt"
    only_boilerplate.write_text("Donald Trump (Photo: AARON SCHWARTZ/EPA)\n", encoding="utf-8")
    runner = CliRunner()
    for bad in (empty, only_boilerplate, tmp_path / "missing.txt"):
        result = runner.invoke(app, ["diff", str(SEED / "a.txt"), str(bad)])
        assert result.exit_code == 2, (bad, result.output)
        lines = [line for line in result.output.splitlines() if line.strip()]
        assert len(lines) == 1, result.output
        assert bad.name in lines[0]
        assert "Traceback" not in result.output


def test_compare_an_article_empty_after_cleaning_is_a_clear_error() -> None:
    with pytest.raises(storytrace.InputError, match="boilerplate"):
        compare(read(SEED / "a.txt"), from_text("Donald Trump (Photo: AARON SCHWARTZ/EPA)\n"))


def test_compare_takes_articles_and_says_how_to_make_them() -> None:
    """A string could be a path or a text; compare does not guess."""
    with pytest.raises(TypeError, match=r"storytrace\.read\(path\) or storytrace\.from_text"):
        compare(str(SEED / "a.txt"), read(SEED / "b.txt"))  # type: ignore[arg-type]


def test_unknown_encoder_is_a_config_error() -> None:
    with pytest.raises(storytrace.ConfigError, match="lexical"):
        compare(read(SEED / "a.txt"), read(SEED / "b.txt"), encoder="nope")


# --- external data -------------------------------------------------------------------


def _jsonl(path: Path) -> list[dict[str, object]]:
    if not path.exists():
        pytest.skip(f"external data not found at {path}")
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def test_a_wmt_en_ru_document_is_a_translation() -> None:
    docs = _jsonl(SHARED_DATA / "wmt22_news" / "wmt22_news_docs_en_ru.jsonl")
    doc = next(d for d in docs if d["pair"] == "en-ru")
    src = "\n\n".join(str(s) for s in doc["src_sentences"])  # type: ignore[attr-defined]
    ref = "\n\n".join(str(s) for s in doc["ref_sentences"])  # type: ignore[attr-defined]
    result = compare(from_text(src), from_text(ref))
    assert (result.a.lang, result.b.lang) == ("en", "ru")
    assert result.relation.label == "translation"
    assert result.coverage_a >= 0.9


def test_ecb_same_event_is_same_story_and_other_event_is_not() -> None:
    docs = {
        str(d["doc_id"]): d
        for d in _jsonl(SHARED_DATA / "ecbplus" / "ecbplus_docs_train_dev.jsonl")
    }

    def article(doc_id: str) -> storytrace.Article:
        return storytrace.from_text(str(docs[doc_id]["text"]), source=doc_id)

    # topic 1: two reports of Tara Reid entering rehab (1_ecb) and one of Lindsay Lohan (1_ecbplus)
    reid_a, reid_b, lohan = article("1_10ecb"), article("1_11ecb"), article("1_10ecbplus")
    assert compare(reid_a, reid_b).relation.label == "same_story"
    assert compare(reid_a, lohan).relation.label in ("related", "unrelated")
