"""Walk a folder for input files: recursive, sorted, hidden entries skipped.

The order is the sorted order of names at each level, the same on every machine and
file system, so reading a folder twice gives the same articles in the same order.
Hidden files and folders (``.git``, ``.DS_Store``) are never inputs, nor are a project's
own files (``README.md``, ``LICENSE``, ``CHANGELOG``: ``PROJECT_FILES``), which a folder
of articles often carries and which are not news; ``on_skip`` hears of each. A file
named on its own is always read, whatever its name. Symbolic links to folders are
followed once: a folder already visited (a link cycle) is not entered again.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

from ..errors import InputError

PROJECT_FILES = frozenset(
    {
        "readme",
        "license",
        "licence",
        "copying",
        "notice",
        "changelog",
        "changes",
        "history",
        "news",
        "authors",
        "contributors",
        "contributing",
        "code_of_conduct",
        "security",
    }
)
"""Names (before the first dot, any case) of the files a project keeps beside its data."""

HIDDEN = "hidden"
PROJECT_FILE = "not news (a README, LICENSE, CHANGELOG or like file)"
"""The reasons ``on_skip`` is given."""

OnSkip = Callable[[str, str], None]
"""Called with a skipped path and the reason (``HIDDEN`` or ``PROJECT_FILE``)."""


def is_project_file(name: str) -> bool:
    """Whether a file name is a project's own file (``README.md``, ``LICENSE.txt``)."""
    return name.split(".", 1)[0].casefold() in PROJECT_FILES


def iter_files(root: Path, on_skip: OnSkip | None = None) -> Iterator[Path | InputError]:
    """Every input file under ``root``, depth first, in sorted order: hidden entries and
    project files are left out (and passed to ``on_skip``).

    A folder that cannot be listed is yielded as an InputError, and the walk goes on.
    """
    yield from _walk(root, set(), on_skip or _ignore)


def _ignore(path: str, reason: str) -> None:
    return None


def _walk(folder: Path, seen: set[str], on_skip: OnSkip) -> Iterator[Path | InputError]:
    real = os.path.realpath(folder)
    if real in seen:
        return
    seen.add(real)
    try:
        with os.scandir(folder) as listing:
            entries = sorted(listing, key=lambda entry: entry.name)
    except OSError as err:
        yield InputError(str(folder), f"cannot list the folder: {err.strerror or err}")
        return
    for entry in entries:
        if entry.name.startswith("."):
            on_skip(entry.path, HIDDEN)
            continue
        try:
            is_dir = entry.is_dir()
        except OSError:
            is_dir = False
        try:
            is_file = entry.is_file() or entry.is_symlink()
        except OSError:  # a link loop: reading it says so
            is_file = True
        if is_dir:
            yield from _walk(Path(entry.path), seen, on_skip)
        elif is_file and is_project_file(entry.name):
            on_skip(entry.path, PROJECT_FILE)
        elif is_file:
            # Files, and dangling links too: reading one reports what is wrong with it.
            yield Path(entry.path)
        else:
            # Opening a named pipe would block forever; devices and sockets hold no text.
            yield InputError(entry.path, "not a regular file (a pipe, socket or device)")
