"""What every ``storytrace`` command shares: the consoles, the option types, and turning
a ``StorytraceError`` into one line on stderr and an exit code (see ``cli``)."""

from __future__ import annotations

import io
import os
import re
import sqlite3
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from rich.markup import escape

from .errors import ConfigError, InputError, StorytraceError
from .model import InputFormat
from .options import DEFAULT_MAX_BYTES, ReadOptions
from .render.printable import SafeConsole


class ColorChoice(StrEnum):
    """When to colour the output (``--color``)."""

    auto = "auto"
    always = "always"
    never = "never"


PIPE_WIDTH = 160
"""Columns of output written to a pipe or a file when ``COLUMNS`` does not say: wide
enough that ids and titles are not folded; sentence lines are never wrapped at all."""


def make_console(color: ColorChoice = ColorChoice.auto, *, to_stderr: bool = False) -> SafeConsole:
    """A console for ``color``: in a pipe (or with ``never``) no colour and
    ``PIPE_WIDTH`` columns; in a terminal, its own width."""
    stream = sys.stderr if to_stderr else sys.stdout
    try:
        tty = stream.isatty()
    except (AttributeError, ValueError):
        tty = False
    piped = not tty and color is not ColorChoice.always
    return SafeConsole(
        stderr=to_stderr,
        highlight=False,
        soft_wrap=to_stderr,  # an error stays one line however long the path
        force_terminal=True if color is ColorChoice.always else None,
        no_color=color is ColorChoice.never,
        width=PIPE_WIDTH if piped and "COLUMNS" not in os.environ else None,
    )


class Consoles:
    """The command line's two consoles (SafeConsole: article text never reaches the
    terminal with escape sequences in it), made again by ``--color``."""

    def __init__(self) -> None:
        self.color = ColorChoice.auto
        self.out = make_console()
        self.err = make_console(to_stderr=True)

    def configure(self, color: ColorChoice) -> None:
        self.color = color
        self.out = make_console(color)
        self.err = make_console(color, to_stderr=True)

    def recording(self) -> SafeConsole:
        """A console that records what ``--output`` writes: plain, ``PIPE_WIDTH`` wide."""
        return SafeConsole(
            record=True, highlight=False, file=io.StringIO(), width=PIPE_WIDTH, no_color=True
        )


consoles = Consoles()


_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([kmg]?)i?b?\s*$", re.IGNORECASE)
_UNITS = {"": 1, "k": 1024, "m": 1024**2, "g": 1024**3}


def parse_size(value: str) -> int:
    """Parse a size such as ``5MB``, ``500k`` or ``1048576`` into bytes."""
    match = _SIZE.match(value)
    if not match:
        raise ConfigError(f"--max-size: cannot read {value!r} as a size; use e.g. 5MB, 500KB")
    return int(float(match.group(1)) * _UNITS[match.group(2).lower()])


def fail(err: StorytraceError) -> NoReturn:
    """Print one line for an error and exit with its code (no traceback)."""
    report(err)
    raise typer.Exit(err.exit_code)


def report(err: StorytraceError) -> None:
    """Print one line naming the input (when there is one) and the reason."""
    consoles.err.print(f"[bold red]error:[/] {_one_line(str(err))}", markup=True, highlight=False)


def warn(message: str) -> None:
    """One ``warning:`` line on stderr."""
    consoles.err.print(f"[yellow]warning:[/] {escape(message)}", markup=True, highlight=False)


def say(message: str) -> None:
    """One plain line on stderr (progress, a file written)."""
    consoles.err.print(escape(message), highlight=False)


@contextmanager
def handled(db: Path | None = None) -> Iterator[None]:
    """Turn a StorytraceError raised inside a command into one line and its exit code.

    Commands run inside this so that both the console entry point and ``CliRunner``
    tests see the same behaviour: never a traceback for an error we raised on purpose.
    With ``db``, an SQLite or OS error (a damaged store, a full disk, no permission)
    becomes one line naming the store and the cause too.
    """
    try:
        yield
    except StorytraceError as err:
        fail(err)
    except (sqlite3.Error, OSError) as err:
        if db is None:
            raise
        from .corpus import store_error

        fail(store_error(db, err))


def _one_line(message: str) -> str:
    return escape(" ".join(message.split()))


def read_options(input_format: InputFormatChoice | None, max_size: str, fetch: bool) -> ReadOptions:
    """The single mapper from CLI flags to ``ReadOptions``."""
    fmt: InputFormat | None = input_format.value if input_format else None
    try:
        return ReadOptions(format=fmt, max_bytes=parse_size(max_size), fetch=fetch)
    except ConfigError as err:
        fail(err)


class OutputFormat(StrEnum):
    """Output formats of ``inspect`` and ``find``."""

    text = "text"
    json = "json"


class ReportFormat(StrEnum):
    """Output formats of ``diff``, ``stories`` and ``story``: text, JSON or an HTML file."""

    text = "text"
    json = "json"
    html = "html"


class InputFormatChoice(StrEnum):
    """Reader override choices (mirrors ``model.INPUT_FORMATS``)."""

    text = "text"
    html = "html"
    jsonl = "jsonl"
    feed = "feed"
    warc = "warc"


InputFormatOption = Annotated[
    InputFormatChoice | None,
    typer.Option(
        "--input-format",
        help="Read every source as this format (text, html, jsonl, feed or warc) instead "
        "of detecting it from content.",
        metavar="FORMAT",
        case_sensitive=False,
    ),
]
# ``add`` has no output format, so there the reader override also answers to the
# ``--format`` the foundation issue names.
AddInputFormatOption = Annotated[
    InputFormatChoice | None,
    typer.Option(
        "--input-format",
        "--format",
        help="Read every source as this format (text, html, jsonl, feed or warc) instead "
        "of detecting it from content.",
        metavar="FORMAT",
        case_sensitive=False,
    ),
]
MaxSizeOption = Annotated[
    str,
    typer.Option(
        "--max-size", help="Reject inputs larger than this (e.g. 5MB, 500KB).", metavar="SIZE"
    ),
]
OutputOption = Annotated[
    Path | None,
    typer.Option(
        "--output", "-o", help="Write to this file instead of the terminal.", metavar="FILE"
    ),
]
FetchOption = Annotated[
    bool,
    typer.Option(
        "--fetch/--no-fetch",
        help="Let feed entries without text fetch their link (network). Off by default.",
    ),
]
_DEFAULT_SIZE = f"{DEFAULT_MAX_BYTES // (1024 * 1024)}MB"


def emit(text: str, output: Path | None) -> None:
    """Write a command's rendered output to stdout, or to ``output`` and say so."""
    if output is None:
        sys.stdout.write(text)
    else:
        output.write_text(text, encoding="utf-8")
        say(f"wrote {output}")


DbOption = Annotated[
    Path,
    typer.Option(
        "--db", help="The store: an SQLite file, created by add when missing.", metavar="FILE"
    ),
]


StoriesFormatOption = Annotated[ReportFormat, typer.Option("--format", "-f", help="Output format.")]


ColorOption = Annotated[
    ColorChoice | None,
    typer.Option(
        "--color",
        help="Colour the output: auto, always or never (as storytrace --color).",
        case_sensitive=False,
        metavar="WHEN",
    ),
]


_FIXES = {
    "diff": "diff compares two files, one article each: storytrace diff A B",
    "find": "find searches for one article: give a file holding one, or --id ID",
}


def one_article(path: Path, options: ReadOptions | None, command: str) -> Any:
    """The one article in ``path`` for ``command``; a folder or a collection gets an
    error naming the input and what to give instead."""
    from .pipeline import read

    if path.is_dir():
        example = _a_file_in(path)
        hint = f" (e.g. {example})" if example else ""
        raise InputError(str(path), f"is a folder; {_FIXES[command]}{hint}")
    try:
        return read(path, options=options)
    except InputError as err:
        if "more than one article" not in err.reason:
            raise
        raise InputError(
            str(path),
            f"holds more than one article (JSON Lines, a feed or an archive); "
            f"{_FIXES[command]}. To compare articles of a collection, store it with "
            "storytrace add and use storytrace find --id ID",
        ) from None


def _a_file_in(folder: Path) -> Path | None:
    """The first file of ``folder`` that could be an article, to name in a hint."""
    from .ingest.walk import is_project_file

    try:
        names = sorted(p for p in folder.iterdir() if p.is_file())
    except OSError:
        return None
    return next(
        (p for p in names if not p.name.startswith(".") and not is_project_file(p.name)), None
    )
