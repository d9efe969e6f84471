"""The command line as a new user meets it (issue 18): piped output, colour, titles,
widths, a folder's README, and the display rules every command shares."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from storytrace.cli import app
from storytrace.display import (
    UNDATED,
    date_text,
    outlet_of,
    shorten,
    skipped_phrase,
    title_of,
)
from storytrace.render.word_diff import word_diff_ops

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "examples" / "seed-pair"
ECB = ROOT / "examples" / "ecbplus-sample"
runner = CliRunner()


def _marked(a: str, b: str) -> str:
    ops = word_diff_ops(a, b)
    assert ops is not None
    marks = {"equal": "{}", "delete": "[-{}-]", "insert": "{{+{}+}}"}
    return "".join(marks[kind].format(text) for kind, text in ops)


# --- display rules ------------------------------------------------------------------


def test_shorten_cuts_at_a_word_with_an_ellipsis() -> None:
    assert shorten("Esther Williams, swimming star, dies at 91", 30) == "Esther Williams, swimming…"
    assert shorten("short", 30) == "short"
    assert len(shorten("word " * 50, 40)) <= 40


def test_title_rule_title_else_first_sentence_else_fallback() -> None:
    assert title_of("  A  headline ", "First sentence.", "id1") == "A headline"
    long = "Perennial party girl Tara Reid checked herself into Promises Treatment Center today."
    shown = title_of(None, long, "id1", limit=40)
    assert shown.endswith("…")
    assert long.startswith(shown[:-1])
    assert title_of(None, "", "id1") == "id1"


def test_outlet_from_the_url_host_and_one_spelling_of_undated() -> None:
    assert outlet_of(None, "https://www.nbcnews.com/a/b") == "nbcnews.com"
    assert outlet_of("NBC News", "https://www.nbcnews.com/a") == "NBC News"
    assert outlet_of(None, None) is None
    assert outlet_of(None, "not a url") is None
    assert date_text(None) == UNDATED == "undated"
    assert date_text(dt.date(2013, 6, 7)) == "2013-06-07"


def test_skipped_phrase_counts_and_names() -> None:
    assert skipped_phrase([]) == ""
    phrase = skipped_phrase([("x/README.md", "not news (a README)"), ("x/.DS_Store", "hidden")])
    assert phrase == "skipped 2 files: 1 not news (README.md), 1 hidden (.DS_Store)"


# --- word diff as text ----------------------------------------------------------------


def test_word_diff_markers_read_as_git_word_diff() -> None:
    assert _marked("the big dog barked.", "the small dog barked.") == (
        "the [-big-]{+small+} dog barked."
    )
    assert _marked("the dog barked.", "the big dog barked.") == "the {+big+} dog barked."
    assert _marked("the big dog barked.", "the dog barked.") == "the [-big-] dog barked."
    assert _marked("one two", "one two three four") == "one two {+three four+}"


def test_piped_diff_keeps_every_word_change_and_never_wraps_a_unit() -> None:
    result = runner.invoke(
        app, ["diff", "--encoder", "lexical", str(SEED / "a.txt"), str(SEED / "b.txt")]
    )
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "\x1b[" not in out  # no colour in a pipe
    assert "[-" in out
    assert "{+" in out
    assert "{+Zelenskyy previously disclosed+}" in out
    unit_lines = [line for line in out.splitlines() if line.startswith("  ") and "{+" in line]
    assert any(len(line) > 200 for line in unit_lines)  # whole, not wrapped at 80


def test_color_always_and_never() -> None:
    args = ["diff", "--encoder", "lexical", str(SEED / "a.txt"), str(SEED / "b.txt")]
    always = runner.invoke(app, ["--color", "always", *args])
    assert always.exit_code == 0, always.output
    assert "\x1b[" in always.stdout
    assert "[-" not in always.stdout  # colour shows the changes
    never = runner.invoke(app, [*args, "--color", "never"])
    assert never.exit_code == 0, never.output
    assert "\x1b[" not in never.stdout
    assert "[-" in never.stdout
    bad = runner.invoke(app, ["--color", "sometimes", *args])
    assert bad.exit_code == 2


def test_diff_output_file_is_plain_text_with_markers(tmp_path: Path) -> None:
    out = tmp_path / "diff.txt"
    args = ["diff", "-e", "lexical", str(SEED / "a.txt"), str(SEED / "b.txt"), "-o", str(out)]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert "{+" in text
    assert "\x1b[" not in text


def test_diff_titles_an_untitled_version_by_its_first_sentence() -> None:
    result = runner.invoke(app, ["diff", "-e", "lexical", str(SEED / "a.txt"), str(SEED / "b.txt")])
    assert "B          American media outlet Axios reports" in result.stdout
    assert "undated" in result.stdout


# --- a folder's README ------------------------------------------------------------------


def test_add_the_examples_folder_stores_exactly_its_40_articles(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    result = runner.invoke(app, ["add", "--db", str(db), str(ECB)])
    assert result.exit_code == 0, result.output
    assert "added 40 article(s)" in result.stdout
    assert "skipped 1 file: 1 not news (README.md)" in result.stdout
    import sqlite3

    with sqlite3.connect(db) as con:
        assert con.execute("SELECT COUNT(*) FROM articles").fetchone()[0] == 40
        titles = [t for (t,) in con.execute("SELECT title FROM articles") if t]
    assert not any("ECB+ sample" in t for t in titles)


def test_inspect_skips_hidden_and_project_files_and_says_so(tmp_path: Path) -> None:
    (tmp_path / "LICENSE").write_text(
        "Permission is hereby granted, free of charge, to any person."
    )
    (tmp_path / "CHANGELOG.md").write_text("# Changes\n\nVersion 2 fixed the parser and more.")
    (tmp_path / ".notes.txt").write_text("Hidden notes that are not an article at all here.")
    (tmp_path / "story.txt").write_text((SEED / "a.txt").read_text(encoding="utf-8"))
    result = runner.invoke(app, ["inspect", str(tmp_path), "-f", "json"])
    assert result.exit_code == 0, result.output
    assert len(json.loads(result.stdout)["articles"]) == 1
    assert "skipped 3 files: 1 hidden (.notes.txt), 2 not news (CHANGELOG.md, LICENSE)" in (
        result.stderr
    )
    alone = runner.invoke(app, ["inspect", str(tmp_path / "LICENSE"), "-f", "json"])
    assert alone.exit_code == 0  # a file named on its own is always read


# --- find and stories at any width ----------------------------------------------------------


@pytest.fixture(scope="module")
def sample_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("store") / "s.db"
    result = runner.invoke(app, ["add", "--db", str(db), str(ECB)])
    assert result.exit_code == 0, result.output
    return db


def _run(args: list[str], columns: int | None) -> str:
    env = {k: v for k, v in os.environ.items() if k != "COLUMNS"}
    if columns:
        env["COLUMNS"] = str(columns)
    command = [sys.executable, "-m", "storytrace.cli", *args]
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.mark.parametrize("columns", [None, 80, 200])
def test_find_never_splits_an_id(sample_db: Path, columns: int | None) -> None:
    out = _run(["find", "--db", str(sample_db), "--id", "1_10ecb", "--stories"], columns)
    ids = [f"1_{n}ecb" for n in (1, 11, 13, 14, 15, 17, 18, 19)]
    for ident in ids:
        assert ident in out, out
    width = columns or 160
    assert all(len(line) <= width for line in out.splitlines()[:-3])
    assert "(no title)" not in out
    assert "Tara Reid" in out  # untitled versions show their first sentence


@pytest.mark.parametrize("columns", [None, 70])
def test_stories_fit_the_width_and_name_outlets_from_urls(sample_db: Path, columns: int) -> None:
    out = _run(["story", "--db", str(sample_db), "4_1ecbplus"], columns)
    assert "10 outlets" in out
    assert "nbcnews.com" in out or columns
    width = columns or 160
    assert all(len(line) <= width for line in out.splitlines())
    assert "4_10ecbplus" in out
    assert "Friday, June 7, 2013" not in out


def test_a_story_with_no_known_outlet_does_not_count_zero(sample_db: Path) -> None:
    # the ECB+ "ecb" documents carry no source or URL: no outlet is known, none counted
    out = _run(["story", "--db", str(sample_db), "4_10ecb"], None)
    assert "4_10ecb" in out
    assert "article(s)" in out
    assert "0 outlets" not in out


# --- a word diff that knows facts ---------------------------------------------------------


def test_the_same_fact_written_another_way_is_not_marked() -> None:
    a = "Talks were held on December 12 in Berlin with U.S. officials."
    b = "Talks were held on 12 December in Berlin with US officials."
    atoms_a = [(19, 30, "date:12-12")]
    atoms_b = [(19, 30, "date:12-12")]
    assert _marked_atoms(a, b, atoms_a, atoms_b) == b
    # a different fact is still marked
    c = "Talks were held on 13 December in Berlin with US officials."
    marked = _marked_atoms(a, c, atoms_a, [(19, 30, "date:12-13")])
    assert "{+13+}" in marked
    assert "[-12-]" in marked


def test_the_seed_pair_date_in_another_order_is_unmarked_in_the_diff() -> None:
    result = runner.invoke(app, ["diff", "-e", "lexical", str(SEED / "a.txt"), str(SEED / "b.txt")])
    assert "virtual meeting on 12 December," in result.stdout
    assert "[-12-]" not in result.stdout
    assert "Zelensky may have" in result.stdout  # Zelenskyy / Zelensky: one name


def _marked_atoms(
    a: str, b: str, atoms_a: list[tuple[int, int, str]], atoms_b: list[tuple[int, int, str]]
) -> str:
    ops = word_diff_ops(a, b, atoms_a, atoms_b)
    assert ops is not None
    marks = {"equal": "{}", "delete": "[-{}-]", "insert": "{{+{}+}}"}
    return "".join(marks[kind].format(text) for kind, text in ops)


# --- unchanged units folded ----------------------------------------------------------------

_SAME = [
    "The council met on Monday to discuss the new budget for the city library.",
    "Members agreed that the reading room needs new lighting before winter.",
    "The mayor thanked the volunteers who run the Saturday reading club.",
    "A decision on the opening hours was postponed until the next meeting.",
    "The library has served the town since it opened in the old station.",
]


def test_runs_of_identical_units_are_folded_and_all_shows_them(tmp_path: Path) -> None:
    a = tmp_path / "a.txt"
    b = tmp_path / "b.txt"
    a.write_text(" ".join([*_SAME, "The budget grows by 5 percent next year."]))
    b.write_text(" ".join([*_SAME, "The budget grows by 7 percent next year."]))
    args = ["diff", "-e", "lexical", str(a), str(b)]
    folded = runner.invoke(app, args).stdout
    assert "= 5 identical units  a#0-4 → b#0-4  (diff --all shows them)" in folded
    assert _SAME[2] not in folded
    assert "[-5-]{+7+}" in folded
    every = runner.invoke(app, [*args, "--all"]).stdout
    assert all(sentence in every for sentence in _SAME)
    page = tmp_path / "diff.html"
    assert runner.invoke(app, [*args, "-f", "html", "-o", str(page)]).exit_code == 0
    html = page.read_text(encoding="utf-8")
    assert "<details><summary>5 identical sentences" in html
    assert _SAME[2] in html  # inside the closed <details>, one click away


# --- progress of add ---------------------------------------------------------------------


def test_the_total_is_counted_first_when_cheap(tmp_path: Path) -> None:
    from storytrace.cli_progress import count_articles

    assert count_articles([ECB]) == 40  # the JSONL's lines; the README is not news
    assert count_articles([SEED, SEED / "a.txt"]) == 3
    (tmp_path / "feed.xml").write_text("<rss></rss>")
    assert count_articles([tmp_path]) is None  # a feed holds any number
    assert count_articles([tmp_path / "missing"]) == 0


def test_add_loads_the_model_before_counting_the_rate(tmp_path: Path) -> None:
    """The rate is of reading and storing: the model load is a step of its own."""
    db = tmp_path / "s.db"
    result = runner.invoke(app, ["add", "--db", str(db), str(SEED / "a.txt")])
    assert result.exit_code == 0, result.output
    rate = float(result.stdout.split("failed (")[1].split(" articles/s")[0])
    assert rate > 2.0, result.stdout


def test_grouping_the_stories_names_its_stages(tmp_path: Path) -> None:
    from storytrace.corpus import Store, StoreOptions

    stages: list[str] = []
    with Store(tmp_path / "s.db", options=StoreOptions(encoder="lexical")) as store:
        store.add([ECB])
        store.update_stories(on_stage=stages.append)
    assert stages[0] == "reading the articles' event evidence"
    assert stages[1] == "finding the neighbours of 40 new article(s)"
    assert stages[-1] == "clustering into stories"
    assert any(s.startswith("comparing ") for s in stages)
