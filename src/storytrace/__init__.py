"""storytrace: find every version of a news story and explain how the versions differ.

The public API is small on purpose::

    import storytrace
    article = storytrace.read("examples/seed-pair/a.txt")
    for article in storytrace.read_many(["feeds/", "archive.warc.gz"]):
        ...
"""

from __future__ import annotations

import logging

from .errors import (
    ConfigError,
    InputError,
    MissingDependency,
    NotFound,
    StorytraceError,
)
from .model import Article, RawArticle, RemovedSpan, Sentence
from .options import ReadOptions
from .pipeline import analyze, from_text, read, read_many

__all__ = [
    "Article",
    "ConfigError",
    "InputError",
    "MissingDependency",
    "NotFound",
    "RawArticle",
    "ReadOptions",
    "RemovedSpan",
    "Sentence",
    "StorytraceError",
    "analyze",
    "from_text",
    "read",
    "read_many",
]
__version__ = "0.1.0"

# A library never configures logging; it only makes sure nothing is printed by default.
logging.getLogger(__name__).addHandler(logging.NullHandler())
