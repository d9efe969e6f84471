"""storytrace: find every version of a news story and explain how the versions differ.

The public API is small on purpose::

    import storytrace
    article = storytrace.read("examples/seed-pair/a.txt")
    for article in storytrace.read_many(["feeds/", "archive.warc.gz"]):
        ...
    comparison = storytrace.compare(article, storytrace.read("b.txt"))  # the diff
    storytrace.to_dict(comparison)                       # its JSON contract
    with storytrace.Store("storytrace.db") as store:     # add / find / get / stories
        store.add(["feeds/"])
        result = store.find(storytrace.read("a.txt"))

``read``, ``compare``, ``Store`` and the rest of the pipeline are imported on first use
(PEP 562), so ``import storytrace`` stays cheap: no numpy-heavy stage loads until it is
needed (the command line's ``--help`` relies on this).
"""

from __future__ import annotations

import logging
import os
from typing import TYPE_CHECKING

from ._version import __version__
from .errors import (
    ConfigError,
    InputError,
    MissingDependency,
    NotFound,
    StorytraceError,
)
from .model import Article, Comparison, RawArticle, RemovedSpan, Sentence
from .options import ReadOptions

# Idle OpenMP threads sleep instead of spinning. A process that finds across languages
# holds two OpenMP runtimes (usearch's and the e5 engine's); on a busy 2-core machine
# their spinning made `find` 25-35x slower (bench/omp_wait.py). Each runtime reads this
# when it loads, so it is set here, before any stage loads one; a user's value is kept.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

if TYPE_CHECKING:  # the real names, for type checkers; at run time see __getattr__
    from .comparison import compare
    from .corpus import Store, StoreOptions
    from .find import FindOptions
    from .pipeline import analyze, from_text, read, read_many
    from .render.json import to_dict

__all__ = [
    "Article",
    "Comparison",
    "ConfigError",
    "FindOptions",
    "InputError",
    "MissingDependency",
    "NotFound",
    "RawArticle",
    "ReadOptions",
    "RemovedSpan",
    "Sentence",
    "Store",
    "StoreOptions",
    "StorytraceError",
    "__version__",
    "analyze",
    "compare",
    "from_text",
    "read",
    "read_many",
    "to_dict",
]

_LAZY = {
    "analyze": ("storytrace.pipeline", "analyze"),
    "from_text": ("storytrace.pipeline", "from_text"),
    "read": ("storytrace.pipeline", "read"),
    "read_many": ("storytrace.pipeline", "read_many"),
    "compare": ("storytrace.comparison", "compare"),
    "Store": ("storytrace.corpus", "Store"),
    "StoreOptions": ("storytrace.corpus", "StoreOptions"),
    "FindOptions": ("storytrace.find", "FindOptions"),
    "to_dict": ("storytrace.render.json", "to_dict"),
}


def __getattr__(name: str) -> object:
    """Load the pipeline, ``compare`` and the store on first use (see the module docstring)."""
    if name in _LAZY:
        import importlib

        module, attribute = _LAZY[name]
        value = getattr(importlib.import_module(module), attribute)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'storytrace' has no attribute {name!r}")


# A library never configures logging; it only makes sure nothing is printed by default.
logging.getLogger(__name__).addHandler(logging.NullHandler())
