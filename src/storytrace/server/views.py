"""The Jinja2 environment of the pages and the small helpers their templates call.

Escaping is Jinja2's job and it is never turned off: the environment has
``autoescape=True`` for every template (not only ``.html`` ones), and no template
marks article-derived text ``|safe``. What goes into attributes is limited further,
as in ``render/diff_html.py``: an article's url becomes an ``href`` only when it is a
plain http(s) address (``safe_href``), ``lang`` only when it is a language tag
(``lang_tag``), and class names come from closed sets (``kind_class``,
``change_class``), never from the values themselves. Ids go into URLs quoted
(``path_id``), since an id may be anything a JSONL file said, a URL included.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import jinja2

from .. import __version__
from ..model import RELATION_LABELS
from ..render.diff_view import (
    DIRECTION_PHRASES,
    KIND_PHRASES,
    REMOVED_HEADING,
    Fragment,
    change_class,
    format_indexes,
    http_url,
    kind_class,
    lang_tag,
    locate,
    percent,
    shorten,
)
from .graph import article_href, compare_href

TEMPLATES = Path(__file__).with_name("templates")
STATIC = Path(__file__).with_name("static")

_RELATION_CLASS: dict[str, str] = {r: r.replace("_", "-") for r in RELATION_LABELS}

_FACT_LABELS = {
    "numbers": "number",
    "dates": "date",
    "names": "name",
    "quotes": "quote",
    "attributions": "attribution",
    "hedges": "hedge",
    "framing": "framing",
}
"""``Facts`` fields and the change type each is shown as (the same colours)."""

VERSION_DIRECTION: dict[str, str] = {
    "a_to_b": "derives from this article",
    "b_to_a": "this article derives from it",
    "unknown": "order unknown",
}
"""``find`` reports direction as compare(query, version): phrased for the article page."""


@dataclass(frozen=True, slots=True)
class Run:
    """Consecutive fragments under one typed-change mark (or none)."""

    change: str | None
    css: str
    parts: tuple[Fragment, ...]


def runs(fragments: Sequence[Fragment]) -> list[Run]:
    """Group fragments so each ``<mark>`` wraps its edited parts (``diff_html._fragments``)."""
    out = []
    for change, group in itertools.groupby(fragments, key=lambda f: f.change):
        out.append(Run(change, change_class(change) if change else "", tuple(group)))
    return out


def quote_id(article_id: str) -> str:
    """An id as one URL path segment ("/" and all else quoted)."""
    return quote(article_id, safe="")


def relation_class(label: str | None) -> str:
    """A CSS class for a relation label."""
    return _RELATION_CLASS.get(label or "", "unknown")


def fact_items(facts: Any) -> list[tuple[str, str]]:
    """A sentence's facts as (kind, text) pairs, for a compact list."""
    out: list[tuple[str, str]] = []
    for kind, label in _FACT_LABELS.items():
        for item in getattr(facts, kind, ()):
            if kind == "dates":
                text = f"{item.text} = {item.iso}"
            elif kind == "attributions":
                who = item.source or "?"
                text = f"{item.verb}: {who}" + (" (anonymous)" if item.anonymous else "")
            elif kind == "quotes":
                text = shorten(item.text, 90) + (f" — {item.speaker}" if item.speaker else "")
            else:
                text = item.text
            out.append((label, text))
    return out


def join_nonempty(parts: Iterable[str | None], sep: str = " · ") -> str:
    return sep.join(p for p in parts if p)


def environment() -> jinja2.Environment:
    """The pages' environment: autoescape on everywhere, undefined names an error."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(
        path_id=article_href,
        quote_id=quote_id,
        safe_href=http_url,
        lang_tag=lang_tag,
        pct=percent,
        shorten=shorten,
        kind_class=kind_class,
        change_class=change_class,
        relation_class=relation_class,
    )
    env.globals.update(
        version=__version__,
        runs=runs,
        fact_items=fact_items,
        compare_href=compare_href,
        article_href=article_href,
        format_indexes=format_indexes,
        locate=locate,
        join_nonempty=join_nonempty,
        KIND_PHRASES=KIND_PHRASES,
        DIRECTION_PHRASES=DIRECTION_PHRASES,
        VERSION_DIRECTION=VERSION_DIRECTION,
        REMOVED_HEADING=REMOVED_HEADING,
    )
    return env
