"""Plain text: the seed header form, headline detection, caller metadata."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path

import pytest

from storytrace import from_text
from storytrace.errors import ConfigError, EmptyInput, InputError
from storytrace.ingest.text import parse_text
from storytrace.model import RawArticle

ReadAll = Callable[..., tuple[list[RawArticle], list[InputError]]]
"""The ``read_all`` fixture (conftest.py): read a source fully into (articles, errors)."""

SEED_TITLE = (
    "Anonymous top US official says security guarantee for Ukraine will be approved by Congress"
)


def test_seed_a_has_its_date_and_exact_title(seed_dir: Path, read_all: ReadAll) -> None:
    (article,), errors = read_all(seed_dir / "a.txt")
    assert errors == []
    assert article.published == dt.date(2025, 12, 13)
    assert article.title == SEED_TITLE
    assert article.format == "text"
    assert article.source == str(seed_dir / "a.txt")
    # The header line is gone and the text starts at the first line after the blank one.
    assert article.text.startswith("Donald Trump (Photo: AARON SCHWARTZ/EPA)\n\nAxios media")
    assert "date 2025-12-13" not in article.text
    assert SEED_TITLE not in article.text


def test_seed_b_has_no_title_no_date_and_unchanged_text(seed_dir: Path, read_all: ReadAll) -> None:
    (article,), errors = read_all(seed_dir / "b.txt")
    assert errors == []
    assert article.title is None
    assert article.published is None
    raw = (seed_dir / "b.txt").read_bytes().decode("utf-8")
    assert article.text == raw.replace("\r\n", "\n").replace("\r", "\n")


@pytest.mark.parametrize(
    "first_line",
    [
        "date 2025-12-13 Talks resume in Berlin",
        " date 2025-12-13 Talks resume in Berlin",
        "Date: 2025-12-13 Talks resume in Berlin",
        "DATE 2025-12-13   Talks resume in Berlin  ",
        "\n\n  date: 2025-12-13 Talks resume in Berlin",
        "\ufeffdate 2025-12-13 Talks resume in Berlin",
    ],
)
def test_header_form_variants(first_line: str) -> None:
    raw = parse_text(f"{first_line}\n\nThe talks resume on Monday.\n", source="s")
    assert raw.published == dt.date(2025, 12, 13)
    assert raw.title == "Talks resume in Berlin"
    assert raw.text == "The talks resume on Monday.\n"


def test_header_with_windows_newlines() -> None:
    raw = parse_text("date 2025-12-13 Talks resume\r\n\r\nFirst.\r\nSecond.\r\n", source="s")
    assert raw.title == "Talks resume"
    assert raw.text == "First.\nSecond.\n"


def test_header_without_title_then_headline() -> None:
    raw = parse_text("date 2025-01-02\n\nTalks Resume In Berlin\n\nThe talks resume.", source="s")
    assert raw.published == dt.date(2025, 1, 2)
    assert raw.title == "Talks Resume In Berlin"
    assert raw.text == "The talks resume."


def test_header_with_impossible_date_keeps_the_title() -> None:
    raw = parse_text("date 2025-13-45 Talks resume\n\nBody.", source="s")
    assert raw.published is None
    assert raw.title == "Talks resume"
    assert raw.text == "Body."


@pytest.mark.parametrize(
    ("text", "title"),
    [
        # A short line, no final period, a blank line, then text: a headline.
        (
            "Talks on Ukraine resume in Berlin\n\nThe talks resume on Monday.",
            "Talks on Ukraine resume in Berlin",
        ),
        # A question may end a headline.
        ("Is the war about to end?\n\nDiplomats say talks resume.", "Is the war about to end?"),
        # Title Case with no blank line is still clearly a title.
        (
            "Tara Reid Checks Into Rehab Center\nThe actress checked in on Tuesday.",
            "Tara Reid Checks Into Rehab Center",
        ),
    ],
)
def test_headline_becomes_the_title(text: str, title: str) -> None:
    raw = parse_text(text, source="s")
    assert raw.title == title
    assert title not in raw.text


@pytest.mark.parametrize(
    "text",
    [
        # A sentence ending with a period.
        "The talks resume on Monday in Berlin.\n\nDiplomats confirmed it.",
        # Too long for a headline.
        " ".join(["word"] * 25) + "\n\nMore text follows here.",
        # Nothing follows it.
        "Talks resume in Berlin\n\n",
        # A byline and a photo credit are not headlines.
        "By Jane Doe\n\nThe talks resume on Monday.",
        "Photo: AARON SCHWARTZ/EPA\n\nThe talks resume on Monday.",
        # Lower case running on into the next line: a wrapped sentence, not a title.
        "the talks that were meant to resume\non Monday were delayed again.",
        # One word is a section label, not a headline.
        "WORLD\n\nThe talks resume on Monday.",
    ],
)
def test_no_headline(text: str) -> None:
    raw = parse_text(text, source="s")
    assert raw.title is None
    assert raw.text == text.lstrip("\n")


def test_caller_metadata_wins_and_is_checked() -> None:
    raw = parse_text(
        "date 2025-12-13 From the header\n\nBody text.",
        source="s",
        title="Given title",
        published="2024-05-06T10:00:00+02:00",
        id=42,
        lang="en-GB",
        outlet=" Example  News ",
        url="https://example.com/a",
    )
    assert raw.title == "Given title"
    assert raw.published == dt.date(2024, 5, 6)
    assert raw.id == "42"
    assert raw.lang == "en"
    assert raw.outlet == "Example News"
    assert raw.url == "https://example.com/a"
    assert raw.text == "Body text."


def test_given_title_removes_only_a_repeated_first_line() -> None:
    kept = parse_text("Another Line Here\n\nBody text.", source="s", title="Given")
    assert kept.text == "Another Line Here\n\nBody text."
    dropped = parse_text("Given  title\n\nBody text.", source="s", title="Given title")
    assert dropped.text == "Body text."


def test_bad_caller_metadata() -> None:
    with pytest.raises(TypeError, match="author"):
        parse_text("Body.", source="s", author="x")
    with pytest.raises(TypeError, match="title must be a string"):
        parse_text("Body.", source="s", title=3)
    with pytest.raises(ConfigError, match="published"):
        parse_text("Body.", source="s", published="yesterday")


def test_header_only_file_is_empty(tmp_path: Path, read_all: ReadAll) -> None:
    path = tmp_path / "header.txt"
    path.write_text("date 2025-12-13 Just a title\n\n\n")
    articles, (error,) = read_all(path)
    assert articles == []
    assert isinstance(error, EmptyInput)
    assert error.source == str(path)
    assert "header" in error.reason


ECB_SAMPLE = Path(__file__).resolve().parents[1] / "examples/ecbplus-sample/ecbplus-sample.jsonl"


def _ecb_text(doc_id: str) -> str:
    for line in ECB_SAMPLE.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        if record["id"] == doc_id:
            return str(record["text"])
    raise AssertionError(doc_id)


def test_a_sentence_case_headline_over_a_date_line_is_the_title() -> None:
    """ECB+ 1_10ecbplus: "Lindsay Lohan checks into Betty Ford Center" / "May 03, 2013"."""
    article = from_text(_ecb_text("1_10ecbplus"))
    assert article.title == "Lindsay Lohan checks into Betty Ford Center"
    assert article.published == dt.date(2013, 5, 3)
    assert [(r.kind, r.text) for r in article.removed] == [("dateline", "May 03, 2013")]
    assert article.sentences[0].text.startswith("After skipping out")


def test_the_first_date_line_dates_the_article_not_the_update() -> None:
    text = (
        "Quake hits the coast\nPublished: Thursday, May 2, 2013, 1:32 PM\n"
        "Updated: Friday, May 3, 2013, 9:56 AM\n\nA strong earthquake struck on Thursday."
    )
    article = from_text(text)
    assert article.title == "Quake hits the coast"
    assert article.published == dt.date(2013, 5, 2)
    [sentence] = article.sentences
    assert [d.iso for d in sentence.facts.dates] == ["2013-05-02"]


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("Quake hits the coast\n05 / 02 / 2013\n\nA strong earthquake struck.", "numeric"),
        ("Quake hits the coast\n\nA strong earthquake struck.\n\nMore.\n\nMay 2, 2013", "late"),
    ],
)
def test_ambiguous_or_distant_date_lines_give_no_date(text: str, why: str) -> None:
    assert from_text(text).published is None, why


def test_a_given_date_wins_over_the_date_line() -> None:
    article = from_text("Quake hits the coast\nMay 2, 2013\n\nIt struck.", published="2013-05-04")
    assert article.published == dt.date(2013, 5, 4)
