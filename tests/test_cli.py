"""End-to-end CLI tests: exit codes, one-line errors, JSON shapes, on the seed pair."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from storytrace.cli import app

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "examples" / "seed-pair"
runner = CliRunner()


def test_inspect_json_on_the_seed_pair() -> None:
    result = runner.invoke(app, ["inspect", str(SEED / "a.txt"), str(SEED / "b.txt"), "-f", "json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    a, b = payload["articles"]
    assert payload["errors"] == []
    assert a["published"] == "2025-12-13"
    assert a["title"].startswith("Anonymous top US official says security guarantee")
    assert [r["kind"] for r in a["removed"]].count("editor_note") == 2
    assert b["removed"] == []
    assert all(s["text"] for s in a["sentences"])
    assert any(d["iso"] == "2025-12-15" for s in a["sentences"] for d in s["facts"]["dates"])


def test_inspect_text_shows_title_and_removed_boilerplate() -> None:
    result = runner.invoke(app, ["inspect", str(SEED / "a.txt")])
    assert result.exit_code == 0, result.output
    assert "Removed by cleaning" in result.stdout
    assert "editor_note" in result.stdout
    assert "Anonymous top US official" in result.stdout


def test_bad_inputs_get_one_line_each_and_exit_2(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    binary = tmp_path / "blob.bin"
    binary.write_bytes(bytes(range(256)) * 8)
    missing = tmp_path / "missing.txt"
    result = runner.invoke(
        app, ["inspect", str(empty), str(SEED / "b.txt"), str(binary), str(missing), "-f", "json"]
    )
    assert result.exit_code == 2
    payload = json.loads(result.stdout)
    assert len(payload["articles"]) == 1  # b.txt was still read
    sources = [e["source"] for e in payload["errors"]]
    assert sources == [str(empty), str(binary), str(missing)]
    assert "Traceback" not in result.output
    error_lines = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(error_lines) == 3
    assert all(str(tmp_path) in line for line in error_lines)


def test_over_the_size_limit_names_the_flag(tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    big.write_text("The minister said the talks would resume on Monday. " * 200)
    result = runner.invoke(app, ["inspect", str(big), "--max-size", "1KB"])
    assert result.exit_code == 2
    assert "--max-size" in result.stderr
    assert "Traceback" not in result.output


def test_bad_max_size_value_is_a_usage_error() -> None:
    result = runner.invoke(app, ["inspect", str(SEED / "a.txt"), "--max-size", "lots"])
    assert result.exit_code == 2
    assert "--max-size" in result.stderr


def test_input_format_overrides_detection(tmp_path: Path) -> None:
    """The ECB+ sample is JSONL (40 articles); read as plain text it is one article."""
    sample = ROOT / "examples/ecbplus-sample/ecbplus-sample.jsonl"
    detected = runner.invoke(app, ["inspect", str(sample), "-f", "json"])
    forced = runner.invoke(app, ["inspect", str(sample), "--input-format", "text", "-f", "json"])
    assert detected.exit_code == 0
    assert forced.exit_code == 0
    articles = json.loads(detected.stdout)["articles"]
    assert len(articles) == 40
    assert {a["format"] for a in articles} == {"jsonl"}
    [article] = json.loads(forced.stdout)["articles"]
    assert article["format"] == "text"


def test_add_takes_format_as_the_reader_override(tmp_path: Path) -> None:
    sample = ROOT / "examples/ecbplus-sample/ecbplus-sample.jsonl"
    db = tmp_path / "s.db"
    result = runner.invoke(app, ["add", str(sample), "--db", str(db), "--format", "text"])
    assert result.exit_code == 0, result.output
    from storytrace.corpus import Store

    with Store(db) as store:
        assert len(store) == 1
