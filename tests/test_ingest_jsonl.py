"""JSON Lines: one article per line, ids kept, bad lines reported as path:LINE."""

from __future__ import annotations

import datetime as dt
import gzip
import json
from collections.abc import Callable
from pathlib import Path

import pytest

from storytrace.errors import EmptyInput, InputError, MalformedInput, TooLarge
from storytrace.ingest.text import _is_date_line
from storytrace.model import RawArticle

ReadAll = Callable[..., tuple[list[RawArticle], list[InputError]]]
"""The ``read_all`` fixture (conftest.py): read a source fully into (articles, errors)."""


@pytest.fixture
def seed_records(seed_dir: Path) -> list[dict[str, object]]:
    a = (seed_dir / "a.txt").read_text(encoding="utf-8").split("\n", 1)[1].strip()
    b = (seed_dir / "b.txt").read_text(encoding="utf-8")
    return [
        {
            "id": "ukr-a",
            "text": a,
            "title": "Anonymous top US official says security guarantee for Ukraine",
            "published": "2025-12-13",
            "outlet": "Example Ukraine",
            "url": "https://example.com/a",
            "lang": "en",
        },
        {"id": 1017, "text": b, "published": "2025-12-13T18:45:00+02:00", "extra": [1, 2]},
    ]


def _write(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_records_with_all_fields(
    seed_records: list[dict[str, object]], tmp_path: Path, read_all: ReadAll
) -> None:
    path = _write(tmp_path / "articles.jsonl", [json.dumps(r) for r in seed_records])
    (a, b), errors = read_all(path)
    assert errors == []
    assert (a.source, b.source) == (f"{path}:1", f"{path}:2")
    assert a.id == "ukr-a"
    assert a.title == "Anonymous top US official says security guarantee for Ukraine"
    assert a.published == dt.date(2025, 12, 13)
    assert (a.outlet, a.url, a.lang, a.format) == (
        "Example Ukraine",
        "https://example.com/a",
        "en",
        "jsonl",
    )
    assert a.text == seed_records[0]["text"]
    # A numeric id is kept as given, as a string; the date of a datetime is taken as written.
    assert b.id == "1017"
    assert b.published == dt.date(2025, 12, 13)
    assert b.title is None
    assert b.text == seed_records[1]["text"]


def test_malformed_lines_are_reported_and_the_rest_read(
    seed_records: list[dict[str, object]], tmp_path: Path, read_all: ReadAll
) -> None:
    good_a, good_b = (json.dumps(r) for r in seed_records)
    path = _write(
        tmp_path / "mixed.jsonl",
        [
            good_a,
            '{"text": "unterminated',
            "",
            '["an", "array"]',
            '{"title": "no text field"}',
            '{"text": "Fine text.", "published": "last Tuesday"}',
            '{"text": "Fine text.", "id": {"nested": 1}}',
            '{"text": "   "}',
            good_b,
        ],
    )
    articles, errors = read_all(path)
    assert [a.source for a in articles] == [f"{path}:1", f"{path}:9"]
    assert [e.source for e in errors] == [f"{path}:{n}" for n in (2, 4, 5, 6, 7, 8)]
    reasons = [e.reason for e in errors]
    assert "invalid JSON" in reasons[0]
    assert "expected a JSON object, got an array" in reasons[1]
    assert 'missing the required field "text"' in reasons[2]
    assert "last Tuesday" in reasons[3]
    assert '"id" must be a string or a number' in reasons[4]
    assert isinstance(errors[5], EmptyInput)
    assert all(isinstance(e, MalformedInput) for e in errors[:5])


def test_detected_without_the_extension(
    seed_records: list[dict[str, object]], tmp_path: Path, read_all: ReadAll
) -> None:
    path = _write(tmp_path / "export.txt", [json.dumps(r) for r in seed_records])
    articles, _ = read_all(path)
    assert [a.format for a in articles] == ["jsonl", "jsonl"]


def test_broken_first_line_with_jsonl_extension_is_still_jsonl(
    seed_records: list[dict[str, object]], tmp_path: Path, read_all: ReadAll
) -> None:
    path = _write(tmp_path / "a.jsonl", ['{"text": broken', json.dumps(seed_records[1])])
    articles, (error,) = read_all(path)
    assert error.source == f"{path}:1"
    assert [a.source for a in articles] == [f"{path}:2"]


def test_gzipped_jsonl(
    seed_records: list[dict[str, object]], tmp_path: Path, read_all: ReadAll
) -> None:
    path = tmp_path / "articles.jsonl.gz"
    path.write_bytes(gzip.compress("\n".join(json.dumps(r) for r in seed_records).encode()))
    articles, errors = read_all(path)
    assert errors == []
    assert [a.id for a in articles] == ["ukr-a", "1017"]


def test_size_limit_applies_per_line(
    seed_records: list[dict[str, object]], tmp_path: Path, read_all: ReadAll
) -> None:
    long = {"text": "The minister said the talks would resume. " * 100}
    short = {"text": "Short article text."}
    path = _write(tmp_path / "big.jsonl", [json.dumps(short), json.dumps(long), json.dumps(short)])
    articles, (error,) = read_all(path, max_bytes=1000)
    assert [a.source for a in articles] == [f"{path}:1", f"{path}:3"]
    assert isinstance(error, TooLarge)
    assert error.source == f"{path}:2"
    assert "--max-size" in error.reason


def test_forced_jsonl_on_an_empty_file(tmp_path: Path, read_all: ReadAll) -> None:
    path = tmp_path / "none.jsonl"
    path.write_text("\n\n")
    articles, (error,) = read_all(path, format="jsonl")
    assert articles == []
    assert isinstance(error, EmptyInput)


@pytest.mark.slow
def test_the_ecbplus_corpus_reads_whole(ecb_path: Path, read_all: ReadAll) -> None:
    articles, errors = read_all(ecb_path)
    assert errors == []
    with ecb_path.open(encoding="utf-8") as lines:
        records = [json.loads(line) for line in lines if line.strip()]
    assert len(articles) == len(records)
    for article, record in zip(articles, records, strict=True):
        if article.title is None:
            assert article.text == record["text"]
        else:
            # a headline first line becomes the title, as in a plain-text file; under a
            # date line, the headline below it does and the date line stays in the text
            first, _, rest = record["text"].partition("\n")
            if _is_date_line(first):
                second, _, rest = rest.partition("\n")
                assert article.title == second.strip()
                assert article.text == first + "\n" + rest
            else:
                assert article.title == first.strip()
                assert article.text == rest.lstrip("\n")
    assert sum(a.title is not None for a in articles) > len(articles) // 5
    assert articles[-1].source == f"{ecb_path}:{len(records)}"


def test_a_given_title_still_lets_the_header_line_give_the_date(
    tmp_path: Path, read_all: ReadAll
) -> None:
    """The record's title wins; the text's seed-style header is consumed, not kept."""
    path = tmp_path / "a.jsonl"
    text = "date 2025-12-13 Another headline\n\nThe talks resume on Monday."
    path.write_text(json.dumps({"title": "Talks resume", "text": text}) + "\n")
    (article,), errors = read_all(path)
    assert errors == []
    assert article.title == "Talks resume"
    assert article.published == dt.date(2025, 12, 13)
    assert article.text == "The talks resume on Monday."
