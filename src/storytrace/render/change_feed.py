"""The change feed: detected page updates as Atom, each carrying its changes inline.

Each entry names the page and what changed (significance, typed changes, sentences
added and dropped, whether the page declared the change), and carries the word diff of
every changed sentence as HTML (``<del>``/``<ins>``), every text escaped, so a feed
reader shows the edit itself rather than a bare link; the entry links to the page's
history in the web UI. ``unit_diffs`` is the same word diff for the history page.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import quote
from xml.sax.saxutils import escape, quoteattr

from ..model import Change, Comparison
from ..watch.model import ChangeEntry, unit_text
from .word_diff import WordOp, word_diff_ops


@dataclass(frozen=True, slots=True)
class UnitDiff:
    """One changed unit as a word diff: its kind, its runs and its typed changes."""

    kind: str
    ops: tuple[WordOp, ...]
    changes: tuple[Change, ...] = ()


def unit_diffs(comparison: Comparison) -> list[UnitDiff]:
    """The units of a comparison that changed, in reading order, as word diffs."""
    out: list[UnitDiff] = []
    for unit in comparison.pairs:
        before = unit_text(comparison.a, unit.a)
        after = unit_text(comparison.b, unit.b)
        if unit.kind == "added":
            out.append(UnitDiff("added", (("insert", after),)))
        elif unit.kind == "dropped":
            out.append(UnitDiff("dropped", (("delete", before),)))
        elif before != after or unit.changes:
            ops = word_diff_ops(before, after) or [("delete", before), ("insert", after)]
            out.append(UnitDiff(unit.kind, tuple(ops), unit.changes))
    return out


def history_href(article_id: str, number: int) -> str:
    """The history page of the page a version belongs to, at that version."""
    return f"/history/{quote(article_id, safe='')}#v{number}"


def entry_html(entry: ChangeEntry) -> str:
    """An entry's content: the summary, the typed changes and the word diff, as HTML
    with every text escaped."""
    version = entry.version
    summary, comparison = version.summary, version.comparison
    if summary is None or comparison is None:
        return ""
    flags = "declared" if summary.declared else ("stealth edit" if summary.stealth_edit else "")
    parts = [
        f"<p>Significance {summary.significance:.2f}: {html.escape(', '.join(summary.types))}"
        f"{' (' + flags + ')' if flags else ''}</p>"
    ]
    changes = [c for unit in comparison.pairs for c in unit.changes]
    if changes:
        items = "".join(
            f"<li>{html.escape(c.type)}: {html.escape(c.a or '—')} → {html.escape(c.b or '—')}</li>"
            for c in changes
        )
        parts.append(f"<ul>{items}</ul>")
    for diff in unit_diffs(comparison):
        runs = "".join(_run(op, text) for op, text in diff.ops)
        parts.append(f"<p>{runs}</p>")
    return "".join(parts)


def _run(op: str, text: str) -> str:
    if op == "delete":
        return f"<del>{html.escape(text)}</del>"
    if op == "insert":
        return f"<ins>{html.escape(text)}</ins>"
    return html.escape(text)


def atom_feed(entries: Sequence[ChangeEntry], *, base_url: str, self_url: str) -> str:
    """The Atom document of ``entries`` (newest first); links are made absolute on
    ``base_url`` (the server's own address, no trailing slash)."""
    updated = entries[0].version.first_seen if entries else _now()
    lines = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<feed xmlns="http://www.w3.org/2005/Atom">',
        "<title>storytrace: detected updates</title>",
        f"<id>{escape(base_url + '/changes.atom')}</id>",
        f'<link rel="self" href={quoteattr(self_url)}/>',
        f"<updated>{escape(updated)}</updated>",
        "<author><name>storytrace</name></author>",
        "<generator>storytrace</generator>",
    ]
    for entry in entries:
        version = entry.version
        article = version.article
        types = ", ".join(version.summary.types) if version.summary else ""
        title = f"{article.title or entry.canonical} (v{version.number}: {types or 'changed'})"
        href = base_url + history_href(article.id, version.number)
        lines += [
            "<entry>",
            f"<title>{escape(title)}</title>",
            f"<id>{escape(f'urn:storytrace:update:{entry.seq}:{article.id}')}</id>",
            f'<link rel="alternate" type="text/html" href={quoteattr(href)}/>',
            f'<link rel="related" href={quoteattr(entry.canonical)}/>',
            f"<updated>{escape(version.first_seen)}</updated>",
            f"<summary>{escape(_summary(entry))}</summary>",
            f'<content type="html">{escape(entry_html(entry))}</content>',
            "</entry>",
        ]
    lines.append("</feed>")
    return "\n".join(lines) + "\n"


def _summary(entry: ChangeEntry) -> str:
    summary = entry.version.summary
    if summary is None:
        return entry.canonical
    return (
        f"{entry.canonical}: significance {summary.significance:.2f}; "
        f"{summary.added} sentence(s) added, {summary.dropped} dropped"
        + ("; declared" if summary.declared else "; not declared")
    )


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
