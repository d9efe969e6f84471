"""Bad inputs met in the field, made here: each gives one clear error naming the input,
and the good input beside it is still read (no traceback, no hang)."""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

import storytrace
from storytrace.cli import app
from storytrace.errors import InputError

GOOD = "A storm hit the coast on Monday, officials said. Thousands of homes lost power."


def read_all(*sources: Path) -> tuple[list[storytrace.Article], list[InputError]]:
    errors: list[InputError] = []
    articles = list(storytrace.read_many(list(sources), on_error=errors.append))
    return articles, errors


def test_a_lone_surrogate_in_jsonl_text_and_id_is_replaced(tmp_path: Path) -> None:
    path = tmp_path / "records.jsonl"
    path.write_text(
        '{"id": "x\\udc00", "text": "Storm \\ud800 hit the coast on Monday, officials said."}\n',
        "utf-8",
    )
    (article,), errors = read_all(path)
    assert not errors
    assert article.id == "x\ufffd"
    assert "Storm \ufffd hit" in article.body
    article.body.encode("utf-8")  # writable everywhere downstream
    for command in (["inspect", str(path)], ["add", "--db", str(tmp_path / "s.db"), str(path)]):
        result = CliRunner().invoke(app, command)
        assert result.exit_code == 0, result.output
        assert "Traceback" not in result.output


def test_a_huge_integer_skips_its_record_and_names_it(tmp_path: Path) -> None:
    path = tmp_path / "records.jsonl"
    lines = ['{"text": "A storm hit.", "n": ' + "9" * 5000 + "}"]
    lines += [f'{{"text": "Report {i}. {GOOD}"}}' for i in range(5)]
    path.write_text("\n".join(lines) + "\n", "utf-8")
    articles, errors = read_all(path)
    assert len(articles) == 5
    assert [e.source for e in errors] == [f"{path}:1"]
    assert "4300 digits" in errors[0].reason


def test_a_symbolic_link_loop_is_named_and_the_folder_still_read(tmp_path: Path) -> None:
    folder = tmp_path / "inbox"
    folder.mkdir()
    (folder / "loop").symlink_to("loop")
    (folder / "good.txt").write_text(GOOD, "utf-8")
    articles, errors = read_all(folder)
    assert len(articles) == 1
    assert [(Path(e.source).name, e.reason) for e in errors] == [("loop", "a symbolic link loop")]


def test_a_named_pipe_given_directly_is_refused_not_opened(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    code = (
        "import sys, storytrace; errors = []; "
        "list(storytrace.read_many([sys.argv[1]], on_error=errors.append)); "
        "print(errors[0].reason)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, str(fifo)], capture_output=True, text=True, timeout=60
    )
    assert result.stdout.strip() == "not a regular file (a pipe, socket or device)"


@pytest.mark.skipif(sys.platform == "darwin", reason="macOS refuses non-UTF-8 file names")
def test_a_file_name_that_is_not_utf8_is_stored_under_a_readable_name(tmp_path: Path) -> None:
    folder = tmp_path / "inbox"
    folder.mkdir()
    (folder / os.fsdecode(b"bad\xffname.txt")).write_text(GOOD, "utf-8")
    (folder / "good.txt").write_text("Another report. " + GOOD, "utf-8")
    db = tmp_path / "s.db"
    result = CliRunner().invoke(app, ["add", "--db", str(db), str(folder)])
    assert result.exit_code == 0, result.output
    with storytrace.Store(db, create=False) as store:
        assert len(store) == 2
        sources = {store.get(i).source for i in store.ids()}
    assert any("bad\ufffdname.txt" in s for s in sources)


@pytest.mark.parametrize("run", [".", "!?", "…"])
def test_long_runs_of_punctuation_are_split_in_linear_time(run: str) -> None:
    """100,000 marks in a row took minutes (the sentence-end pattern was retried at every
    mark); a fresh process with a generous bound shows it no longer hangs."""
    code = (
        "from storytrace.segment import segment; "
        f"segment('x' + {run!r} * 100000 + 'y'); segment('x' + {run + ' '!r} * 20000)"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)


ESCAPES = "\x1b[2J\x1b]0;owned\x07\x9b31m\x07\x08"


def test_escape_sequences_in_article_text_never_reach_the_terminal(tmp_path: Path) -> None:
    a = tmp_path / "a.txt"
    b = tmp_path / "b.txt"
    more = " ".join(f"Report {n}. {GOOD}" for n in range(8))  # mostly text, not binary
    a.write_text(f"Storm {ESCAPES}hits the coast. {more}", "utf-8")
    b.write_text(f"Storm {ESCAPES}hit the coast. {more}", "utf-8")
    db = tmp_path / "s.db"
    commands = [
        ["inspect", str(a)],
        ["diff", str(a), str(b), "-e", "lexical"],
        ["add", "--db", str(db), "-e", "lexical", str(a), str(b)],
        ["find", "--db", str(db), str(a)],
        ["stories", "--db", str(db)],
    ]
    for command in commands:
        result = CliRunner().invoke(app, command)
        assert result.exit_code == 0, result.output
        assert not any(c in result.output for c in "\x1b\x07\x08\x9b"), command


def test_printable_keeps_text_and_drops_controls() -> None:
    from storytrace.render.printable import printable

    assert printable(f"a{ESCAPES}b\tc\nd") == "ab\tc\nd"
    assert printable("plain — text") == "plain — text"


def test_an_over_long_field_skips_its_record_and_names_it(tmp_path: Path) -> None:
    path = tmp_path / "records.jsonl"
    lines = [json.dumps({"title": "T" * 5000, "text": GOOD})]
    lines += [json.dumps({"text": f"Report {i}. {GOOD}"}) for i in range(3)]
    path.write_text("\n".join(lines) + "\n", "utf-8")
    articles, errors = read_all(path)
    assert len(articles) == 3
    assert [e.source for e in errors] == [f"{path}:1"]
    assert '"title" is 5,000 characters long' in errors[0].reason


def test_inspect_json_is_one_valid_document_written_as_it_reads(tmp_path: Path) -> None:
    path = tmp_path / "records.jsonl"
    lines = [json.dumps({"text": f"Report {i}. {GOOD}"}) for i in range(30)] + ["{broken"]
    path.write_text("\n".join(lines) + "\n", "utf-8")
    result = CliRunner().invoke(app, ["inspect", "--format", "json", str(path)])
    assert result.exit_code == 2
    document = json.loads(result.stdout)
    assert len(document["articles"]) == 30
    assert [e["source"] for e in document["errors"]] == [f"{path}:31"]


def test_read_refuses_a_second_record_before_analysing_any(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from storytrace import pipeline

    path = tmp_path / "records.jsonl"
    path.write_text("\n".join(json.dumps({"text": GOOD}) for _ in range(1000)) + "\n", "utf-8")
    analysed: list[object] = []
    monkeypatch.setattr(pipeline, "analyze", lambda raw: analysed.append(raw))
    with pytest.raises(InputError, match="more than one article"):
        storytrace.read(path)
    assert analysed == []


def test_a_gzip_bomb_is_stopped_with_one_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "bomb.jsonl.gz"
    good = (json.dumps({"text": GOOD}) + "\n").encode()
    huge = (json.dumps({"text": "a" * 50_000}) + "\n").encode()
    path.write_bytes(gzip.compress(good + huge * 200, 9))  # 10 MB from about 10 KB
    command = ["inspect", "--format", "json", "--max-size", "20KB", str(path)]
    result = CliRunner().invoke(app, command)
    assert result.exit_code == 2
    assert "likely decompression bomb" in result.output
    document = json.loads(result.stdout)
    assert document["articles"]  # what came before the cap was read and written


def test_a_diff_over_the_pair_limit_is_one_line_not_a_memory_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from storytrace import comparison

    monkeypatch.setattr(comparison, "MAX_PAIRS", 4)
    a = tmp_path / "a.txt"
    a.write_text(" ".join(f"Report {n}. {GOOD}" for n in range(3)), "utf-8")
    result = CliRunner().invoke(app, ["diff", str(a), str(a), "-e", "lexical"])
    assert result.exit_code == 2
    assert "sentence pairs one comparison aligns" in result.output
