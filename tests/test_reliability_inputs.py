"""Bad inputs met in the field, made here: each gives one clear error naming the input,
and the good input beside it is still read (no traceback, no hang)."""

from __future__ import annotations

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
