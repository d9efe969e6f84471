"""``storytrace stories|story --format html``: one self-contained page of stories.

Each story is the server's story view (``templates/_story.html``: the derivation tree as
an inline SVG, the timeline, the other verified links) with its links to the server
left out, in a page that inlines the stylesheet and runs no script.
"""

from __future__ import annotations

from ..stories import Story
from .html import render
from .story_graph import layout


def stories_to_html(stories: list[Story], *, title: str = "storytrace stories") -> str:
    """The page: every story with its tree and timeline."""
    return render("stories_report.html", title=title, stories=[(s, layout(s)) for s in stories])
