"""Walk a folder for input files: recursive, sorted, hidden entries skipped.

The order is the sorted order of names at each level, the same on every machine and
file system, so reading a folder twice gives the same articles in the same order.
Hidden files and folders (``.git``, ``.DS_Store``) are never inputs. Symbolic links to
folders are followed once: a folder already visited (a link cycle) is not entered again.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

from ..errors import InputError


def iter_files(root: Path) -> Iterator[Path | InputError]:
    """Every non-hidden file under ``root``, depth first, in sorted order.

    A folder that cannot be listed is yielded as an InputError, and the walk goes on.
    """
    yield from _walk(root, set())


def _walk(folder: Path, seen: set[str]) -> Iterator[Path | InputError]:
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
            yield from _walk(Path(entry.path), seen)
        elif is_file:
            # Files, and dangling links too: reading one reports what is wrong with it.
            yield Path(entry.path)
        else:
            # Opening a named pipe would block forever; devices and sockets hold no text.
            yield InputError(entry.path, "not a regular file (a pipe, socket or device)")
