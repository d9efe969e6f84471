"""``storytrace stories --format html``: one self-contained page, timeline and tree.

No script, no external resource: the tree is nested lists, the timeline a table. Every
piece of article text goes through ``html.escape``.
"""

from __future__ import annotations

import html

from ..stories import Story
from .stories_view import tree_rows

_CSS = """
body { font: 15px/1.45 system-ui, sans-serif; margin: 2rem auto; max-width: 70rem; color: #222 }
h1 { font-size: 1.4rem } h2 { font-size: 1.15rem; margin-top: 2.2rem }
.meta { color: #666; font-size: .9rem }
table { border-collapse: collapse; width: 100%; margin: .6rem 0 }
td, th { border-bottom: 1px solid #e3e3e3; padding: .3rem .5rem; text-align: left;
  vertical-align: top }
th { font-size: .8rem; color: #555; text-transform: uppercase }
ul.tree, ul.tree ul { list-style: none; padding-left: 1.4rem;
  border-left: 2px solid #d8d8d8; margin: .2rem 0 }
ul.tree { border-left: none; padding-left: 0 }
.rel { display: inline-block; font-size: .75rem; padding: 0 .4rem; border-radius: .6rem;
  background: #fff3c4; margin-right: .3rem }
.origin { background: #d9f2dd }
code { font-size: .85rem; color: #444 }
"""


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _story(story: Story) -> str:
    rows = []
    for article in story.articles:
        rows.append(
            "<tr>"
            f"<td>{_e(article.published or 'undated')}</td>"
            f"<td>{_e(article.outlet or '—')}</td>"
            f"<td>{_e(article.lang or '?')}</td>"
            f"<td><code>{_e(article.id)}</code></td>"
            f"<td>{_e(article.heading)}</td>"
            f"<td>{_e(article.relation or '')}"
            f"{' of <code>' + _e(article.parent) + '</code>' if article.parent else ''}</td>"
            "</tr>"
        )
    origins = set(story.origins)
    items: list[str] = []
    previous = -1
    for row in tree_rows(story):
        if row.depth > previous:
            items.append("<ul>" * (row.depth - previous))
        else:
            items.append("</li>" + "</ul></li>" * (previous - row.depth))
        previous = row.depth
        a = row.article
        badge = (
            f'<span class="rel">{_e(a.relation)}</span>'
            if a.relation
            else ('<span class="rel origin">origin</span>' if a.id in origins else "")
        )
        items.append(
            f"<li>{badge}<code>{_e(a.id)}</code> {_e(a.published or 'undated')} "
            f"{_e(a.outlet or '')} — {_e(a.heading)}"
        )
    if previous >= 0:
        items.append("</li>" + "</ul></li>" * previous + "</ul>")
    tree = "".join(items).replace("<ul>", '<ul class="tree">', 1)
    langs = ", ".join(story.languages) or "?"
    return (
        f'<section id="story-{_e(story.id)}"><h2>{_e(story.title)}</h2>'
        f'<p class="meta">story <code>{_e(story.id)}</code> · {len(story.articles)} '
        f"article(s) · {_e(langs)} · {len(story.outlets)} outlet(s)</p>"
        "<h3>Derivation tree</h3>"
        f"{tree}"
        "<h3>Timeline</h3><table><tr><th>published</th><th>outlet</th><th>lang</th>"
        f"<th>id</th><th>title</th><th>derives as</th></tr>{''.join(rows)}</table></section>"
    )


def stories_to_html(stories: list[Story], *, title: str = "storytrace stories") -> str:
    """The page: every story with its tree and timeline."""
    body = "".join(_story(s) for s in stories) or "<p>No stories.</p>"
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{_e(title)}</title><style>{_CSS}</style></head>"
        f"<body><h1>{_e(title)}</h1><p class='meta'>{len(stories)} story(ies)</p>{body}"
        "</body></html>\n"
    )
