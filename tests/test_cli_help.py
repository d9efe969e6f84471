"""Help and errors a CLI user understands (issue 18, items 4 and 5)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from storytrace.cli import app
from storytrace.cli_help import EXAMPLES, HELP

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "examples" / "seed-pair"
runner = CliRunner()
COMMANDS = sorted(HELP)


def _help(*args: str) -> str:
    result = runner.invoke(app, [*args, "-h"], env={"COLUMNS": "100"})
    assert result.exit_code == 0, result.output
    return result.stdout


def test_short_h_is_help() -> None:
    assert "Usage: storytrace [OPTIONS] COMMAND" in _help()
    assert _help() == runner.invoke(app, ["--help"], env={"COLUMNS": "100"}).stdout


@pytest.mark.parametrize("command", COMMANDS)
def test_each_command_has_readable_help_and_an_example(command: str) -> None:
    text = _help(command)
    assert "Examples" in text
    for example in EXAMPLES[command]:
        assert example in text
        assert example.split()[1] == command
    assert not re.search(r"<(bool|str|int|list\[Path\]|Path|path)>", text), text
    assert "{" not in text.split("\n", 3)[1]  # the usage line: PATH..., not {PATH}...
    assert HELP[command].endswith(".")


def test_completion_is_on() -> None:
    assert "--install-completion" in _help()


def test_a_folder_given_to_diff_names_the_fix_not_python() -> None:
    result = runner.invoke(app, ["diff", str(SEED), str(SEED / "b.txt")])
    assert result.exit_code == 2
    assert "is a folder" in result.stderr
    assert "storytrace diff A B" in result.stderr
    assert str(SEED / "a.txt") in result.stderr
    assert "read(" not in result.stderr
    assert "read_many" not in result.stderr


def test_a_collection_given_to_diff_says_how_to_compare_its_articles() -> None:
    jsonl = ROOT / "examples" / "ecbplus-sample" / "ecbplus-sample.jsonl"
    result = runner.invoke(app, ["diff", str(jsonl), str(SEED / "b.txt")])
    assert result.exit_code == 2
    assert "more than one article" in result.stderr
    assert "storytrace add" in result.stderr
    assert "read(" not in result.stderr


def test_an_unknown_story_does_not_blame_a_missing_run(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    assert runner.invoke(app, ["add", "--db", str(db), str(SEED / "a.txt")]).exit_code == 0
    assert runner.invoke(app, ["stories", "--db", str(db)]).exit_code == 0
    result = runner.invoke(app, ["story", "nosuch", "--db", str(db)])
    assert result.exit_code == 2
    assert "no story or article has the id 'nosuch'" in result.stderr
    assert "first)" not in result.stderr
