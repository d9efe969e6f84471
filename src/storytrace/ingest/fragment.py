"""HTML fragments (feed entry bodies) to plain text, keeping paragraphs.

A feed entry's ``content`` is a fragment, not a page: trafilatura's page extractor drops
short fragments as boilerplate and wants a whole document, so fragments get this small
converter instead. It is built on the standard library's tolerant ``HTMLParser``, which
never fetches anything and never expands entities beyond HTML's own named references.
Script, style and other non-text elements are dropped with their content.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

# Elements whose content is never article text.
_SKIP = frozenset(
    {"script", "style", "noscript", "template", "iframe", "object", "svg", "math", "head"}
)

# Elements that start a new paragraph.
_BLOCK = frozenset(
    {
        "p",
        "div",
        "section",
        "article",
        "main",
        "header",
        "footer",
        "aside",
        "blockquote",
        "pre",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "ul",
        "ol",
        "li",
        "dl",
        "dt",
        "dd",
        "table",
        "tr",
        "figure",
        "figcaption",
        "hr",
        "address",
        "details",
        "summary",
    }
)

_SPACES_RE = re.compile(r"[ \t\f\v\u00a0\u200b]+")


def fragment_to_text(fragment: str) -> str:
    """Plain text of an HTML fragment: paragraphs separated by blank lines.

    Whitespace inside a paragraph is collapsed as a browser would; ``<br>`` keeps a line
    break, and two ``<br>`` in a row (a common stand-in for ``<p>``) end the paragraph.
    """
    parser = _TextParser()
    parser.feed(fragment)
    parser.close()
    return parser.text()


class _TextParser(HTMLParser):
    """Collect text into paragraphs of lines; see ``fragment_to_text``."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self._paragraphs: list[list[str]] = []
        self._lines: list[str] = []
        self._line: list[str] = []
        self._skip_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP:
            self._skip_depth += 1
        elif tag == "br":
            self._break_line()
        elif tag in _BLOCK:
            self._break_paragraph()

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        # A self-closed tag (<br/>, <script/>) opens no region to skip.
        if tag == "br":
            self._break_line()
        elif tag in _BLOCK:
            self._break_paragraph()

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP:
            self._skip_depth = max(0, self._skip_depth - 1)
        elif tag in _BLOCK:
            self._break_paragraph()

    def handle_data(self, data: str) -> None:
        if not self._skip_depth:
            self._line.append(data)

    def _break_line(self) -> None:
        line = _SPACES_RE.sub(" ", " ".join("".join(self._line).split("\n"))).strip()
        self._line = []
        if line:
            self._lines.append(line)
        elif self._lines:
            # An empty line after text: two <br> in a row end the paragraph.
            self._break_paragraph()

    def _break_paragraph(self) -> None:
        if self._line:
            self._break_line()
        if self._lines:
            self._paragraphs.append(self._lines)
            self._lines = []

    def text(self) -> str:
        """The collected text; call after ``close``."""
        self._break_paragraph()
        return "\n\n".join("\n".join(lines) for lines in self._paragraphs)
