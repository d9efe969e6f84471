"""Readers: turn files, folders, JSONL, feeds and WARC archives into RawArticles."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from ..errors import InputError
from ..model import RawArticle
from ..options import ReadOptions


def iter_raw(source: str | Path, options: ReadOptions) -> Iterator[RawArticle | InputError]:
    """Yield every raw article in ``source``, or an InputError for each bad input.

    Errors are yielded, not raised, so one bad JSONL line or WARC record does not stop
    the rest of the source from being read.
    """
    raise NotImplementedError
