"""One HTML toolkit: the Jinja2 environment of every page storytrace writes.

The standalone reports (``diff --format html``, ``stories --format html``) and the
server's pages render templates from ``render/templates`` with the one stylesheet in
``render/static``: the server serves it, a report inlines it so the file stands alone.
Article text is untrusted: the environment autoescapes every template, and attributes
take only values checked in ``diff_view`` (``lang_tag``, ``http_url``, ``kind_class``,
``change_class``). jinja2 is imported when a page is rendered, not when storytrace is
(``storytrace --help`` stays fast). See ``docs/web.md``.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from .. import __version__
from ..display import UNDATED, UNKNOWN, date_text, outlet_of, title_of
from ..model import RELATION_LABELS
from .diff_view import (
    DIRECTION_PHRASES,
    GUESS_BELOW,
    KIND_PHRASES,
    REMOVED_HEADING,
    Fragment,
    change_class,
    evidence_label,
    folded,
    format_indexes,
    http_url,
    kind_class,
    lang_tag,
    locate,
    percent,
    relation_name,
    shorten,
)
from .story_graph import article_href, compare_href

if TYPE_CHECKING:
    import jinja2
    from markupsafe import Markup

TEMPLATES = Path(__file__).with_name("templates")
STATIC = Path(__file__).with_name("static")
STYLESHEET = STATIC / "storytrace.css"

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
    """Group fragments so each ``<mark>`` wraps its edited parts (one label per change)."""
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


def bar_width(fraction: float) -> str:
    """A fraction as the width of a 0-100 bar, clamped."""
    return f"{max(0.0, min(1.0, fraction)) * 100:.0f}"


def article_title(article: Any, limit: int = 120) -> str:
    """The display title of an ``Article`` (``display.title_of``): its title, else its
    first sentence shortened at a word, else its id."""
    sentences = getattr(article, "sentences", ())
    first = sentences[0].text if sentences else getattr(article, "lead", "")
    return title_of(article.title, first, article.id, limit=limit)


def article_outlet(article: Any) -> str:
    """The outlet, else the URL's host, else "—"."""
    return outlet_of(article.outlet, getattr(article, "url", None)) or UNKNOWN


def order_phrase(direction: str, confidence: float) -> str:
    """Which came first, as a version row says it; below ``GUESS_BELOW`` a guess."""
    phrase = VERSION_DIRECTION.get(direction, "order unknown")
    if direction in ("a_to_b", "b_to_a") and confidence < GUESS_BELOW:
        return "perhaps " + phrase
    return phrase


def page_href(path: str, params: dict[str, Any], offset: int, limit: int) -> str:
    """A listing page's link: its filters (empty ones left out), ``offset`` and ``limit``."""
    from urllib.parse import urlencode

    query = {k: v for k, v in params.items() if v not in (None, "")}
    query.update(offset=offset, limit=limit)
    return f"{path}?{urlencode(query)}"


def join_nonempty(parts: Iterable[str | None], sep: str = " · ") -> str:
    """The parts that say something, joined."""
    return sep.join(p for p in parts if p)


@functools.cache
def environment() -> jinja2.Environment:
    """The one environment: autoescape on everywhere, undefined names an error."""
    import jinja2

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
        bar_width=bar_width,
        shorten=shorten,
        kind_class=kind_class,
        change_class=change_class,
        relation_class=relation_class,
        title=article_title,
        outlet=article_outlet,
        date=date_text,
        evidence_label=evidence_label,
        relation_name=relation_name,
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
        order_phrase=order_phrase,
        folded=folded,
        page_href=page_href,
        stylesheet=stylesheet,
        KIND_PHRASES=KIND_PHRASES,
        DIRECTION_PHRASES=DIRECTION_PHRASES,
        VERSION_DIRECTION=VERSION_DIRECTION,
        REMOVED_HEADING=REMOVED_HEADING,
        UNKNOWN=UNKNOWN,
        UNDATED=UNDATED,
    )
    return env


def stylesheet() -> Markup:
    """The stylesheet for a report's ``<style>``: our own file, so not escaped (quotes
    in it must stay quotes); it contains no ``</style>``."""
    from markupsafe import Markup

    return Markup(STYLESHEET.read_text(encoding="utf-8"))


def render(template: str, **context: Any) -> str:
    """``template`` rendered with ``context``."""
    return environment().get_template(template).render(context)
