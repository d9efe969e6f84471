"""Readers: turn files, folders, JSONL, feeds and WARC archives into RawArticles.

``iter_raw`` is the one entry point. For each file it opens the content (undoing gzip
with a size guard), tells the format from the first bytes unless the caller forces one,
and hands the file to that format's reader:

====== ================ ===========================================================
format module           one input yields
====== ================ ===========================================================
text   ``text.py``      one article; the ``date YYYY-MM-DD Title`` header is honoured
html   ``html.py``      one article, main text and metadata through trafilatura
jsonl  ``jsonl.py``     one article per line (``path:LINE``)
feed   ``feed.py``      one article per RSS/Atom entry (``path#entry=N``)
warc   ``warc.py``      one article per HTML page captured (``path#record=N``)
====== ================ ===========================================================

Every bad input, whole file or single record, is yielded as an ``InputError`` naming
it and the reason, and reading goes on with the rest.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Callable, Iterator
from pathlib import Path

from ..errors import EmptyInput, InputError, MalformedInput
from ..model import InputFormat, RawArticle
from ..options import ReadOptions
from .decode import scrub_surrogates
from .detect import detect_format
from .feed import read_feed
from .html import read_html
from .jsonl import read_jsonl
from .stream import Opened, open_input
from .text import read_text
from .walk import OnSkip, iter_files
from .warc import read_warc

Reader = Callable[[Opened, str, ReadOptions], Iterator[RawArticle | InputError]]
"""A format reader: the opened file, the name to report it by, the options."""

READERS: dict[InputFormat, Reader] = {
    "text": read_text,
    "html": read_html,
    "jsonl": read_jsonl,
    "feed": read_feed,
    "warc": read_warc,
}

__all__ = ["READERS", "Reader", "iter_raw"]


def iter_raw(
    source: str | Path, options: ReadOptions, on_skip: OnSkip | None = None
) -> Iterator[RawArticle | InputError]:
    """Yield every raw article in ``source``, or an InputError for each bad input.

    Errors are yielded, not raised, so one bad JSONL line or WARC record does not stop
    the rest of the source from being read.

    Args:
        source: a file, or a folder to walk recursively (sorted; hidden entries skipped).
        options: the format to force, the size limit, whether feeds may fetch links.
        on_skip: told of each file of a folder that is not read (hidden, or a README,
            LICENSE or like file: ``walk.PROJECT_FILES``) and why.
    """
    path = Path(source)
    if path.is_dir():
        for item in iter_files(path, on_skip):
            if isinstance(item, InputError):
                yield item
            else:
                yield from _read_file(item, scrub_surrogates(str(item)), options)
    else:
        yield from _read_file(path, scrub_surrogates(str(source)), options)


def _read_file(path: Path, name: str, options: ReadOptions) -> Iterator[RawArticle | InputError]:
    """Read one file with the reader for its format; turn every failure into a yield."""
    fmt: InputFormat | None = options.format
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            # opening a named pipe would block forever; devices and sockets hold no text
            yield InputError(name, "not a regular file (a pipe, socket or device)")
            return
        with open_input(path, name, options.max_bytes) as opened:
            fmt = fmt or detect_format(opened.head, name)
            for item in READERS[fmt](opened, name, options):
                yield _checked(item)
            # Damaged gzip ends the stream early rather than failing mid-read, so the
            # records before the damage are read; the damage is reported last.
            damage = opened.take_error()
            if damage is not None:
                yield damage
    except InputError as err:
        yield err
    except FileNotFoundError:
        yield InputError(name, "no such file or directory")
    except IsADirectoryError:
        yield InputError(name, "is a directory")
    except PermissionError:
        yield InputError(name, "permission denied")
    except OSError as err:
        if err.errno == errno.ELOOP:
            yield InputError(name, "a symbolic link loop")
        else:
            yield InputError(name, f"cannot read: {err.strerror or err}")
    except Exception as exc:  # the per-input boundary: no traceback may escape a reader
        what = f"{fmt} input" if fmt else "input"
        yield MalformedInput(name, f"unreadable {what} ({type(exc).__name__}: {exc})")


def _checked(item: RawArticle | InputError) -> RawArticle | InputError:
    """Never hand on an article without text: that is an EmptyInput for its source."""
    if isinstance(item, RawArticle) and not item.text.strip():
        return EmptyInput(item.source, "no article text")
    return item
