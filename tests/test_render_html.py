"""The HTML toolkit: the stories report file, and what every report shares.

The diff report has its own tests (test_render_diff.py); the server's pages are tested
through the server (test_server_api.py, test_server_browser.py).
"""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from html.parser import HTMLParser

from storytrace.render.html import STYLESHEET
from storytrace.render.stories_html import stories_to_html
from storytrace.stories import Member, StoryEdge, build_story

EVIL = "<script>alert(1)</script> <img src=x onerror=alert(2)> \"quoted\" & 'single'"


class _Tags(HTMLParser):
    """Every start tag with its attributes, and all text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def test_stories_report_is_inert_and_shows_hostile_text_as_text() -> None:
    day = dt.date(2025, 12, 13)
    members = [
        Member(0, f'a"{EVIL}', EVIL, "", day, '"><script>alert(3)</script>', "en"),
        Member(1, "b/../c?d=1", None, f"Lead {EVIL}", None, None, 'en" onclick="alert(4)'),
    ]
    edges = [StoryEdge(members[0].id, members[1].id, "rewrite", 0.9, "a_to_b", 0.8)]
    page = stories_to_html([build_story(f"s{EVIL}", members, edges)], title=f"T {EVIL}")
    parser = _Tags()
    parser.feed(page)
    parser.close()
    for tag, attrs in parser.tags:
        assert tag not in {"script", "iframe", "object", "embed", "link", "img", "base", "form"}
        assert tag != "a", attrs  # the file stands alone: no links at all
        for name in attrs:
            assert not name.startswith("on"), (tag, name)
    assert "<script" not in page.lower()
    langs = {attrs["lang"] for _, attrs in parser.tags if "lang" in attrs}
    assert langs == {"en"}  # the page's own; the malformed article lang is dropped
    text = "".join(parser.text)
    assert text.count("<script>alert(1)</script>") >= 4  # title, story, heading, lead
    assert '"><script>alert(3)</script>' in text  # the outlet
    ids = {attrs.get("data-id") for _, attrs in parser.tags} - {None}
    assert ids == {f'a"{EVIL}', "b/../c?d=1"}  # attribute values round-trip, escaped


def test_reports_inline_the_one_stylesheet() -> None:
    page = stories_to_html([])
    css = STYLESHEET.read_text(encoding="utf-8")
    assert f"<style>{css}</style>" in page
    assert "No stories." in page


def test_help_does_not_import_jinja() -> None:
    code = (
        "import sys; from storytrace.cli import main; sys.argv = ['storytrace', '--help']\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in ('jinja2', 'markupsafe') if m in sys.modules), file=sys.stderr)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "Usage" in out.stdout
    assert out.stderr.strip().splitlines()[-1] == "[]"


def test_the_diff_report_names_each_change_kind_on_the_seed_pair() -> None:
    """The typed changes' subtypes (a quotation reworded, scare quotes dropped, a place
    qualifier dropped) are shown next to their type, as in the text output."""
    from pathlib import Path

    import storytrace
    from storytrace.render.diff_html import comparison_to_html

    seed = Path(__file__).resolve().parents[1] / "examples" / "seed-pair"
    comparison = storytrace.compare(
        storytrace.read(seed / "a.txt"), storytrace.read(seed / "b.txt"), encoder="lexical"
    )
    subtypes = {c.subtype for p in comparison.pairs for c in p.changes if c.subtype}
    assert {"scare_quotes", "qualifier"} <= subtypes
    parser = _Tags()
    parser.feed(comparison_to_html(comparison))
    text = " ".join(parser.text)
    for subtype in subtypes:
        assert subtype.replace("_", " ") in text
