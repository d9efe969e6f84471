"""The diff of two versions as ONE self-contained HTML file (``diff --format html``).

The file is mailed to editors, attached to fact-checks and archived, so it must open
anywhere, years later, and be safe to open: inline CSS only, no script, nothing loaded
from elsewhere, and a Content-Security-Policy that forbids loading anything. It is the
server's compare view (``templates/_compare.html``) in a standalone page; see
``docs/web.md`` for the layout and the escaping rules.
"""

from __future__ import annotations

from ..model import Comparison
from .diff_view import build_view
from .html import render


def comparison_to_html(comparison: Comparison) -> str:
    """The whole diff as one self-contained, script-free HTML document."""
    return render("diff_report.html", view=build_view(comparison))
