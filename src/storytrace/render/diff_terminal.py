"""The diff of two versions in a terminal, with rich.

Layout: a summary panel (the verdict a reader wants first), the typed fact changes
grouped by type, the boilerplate cleaning removed (kept apart so it is never mistaken
for dropped reporting), then the aligned units as a stacked list in B's reading order
(see ``diff_view``). Stacked rather than side by side because news sentences are long:
two 55-column halves wrap a sentence into many short lines, and a stacked A line over
its B line keeps the word-level highlighting readable at any width.

Article text only ever enters rich as ``Text`` built with ``append`` (never as a markup
string), so an article containing "[bold]" or "[/]" prints literally and cannot break
or restyle the output. Colour is never the only signal: every unit carries its kind as
a word and a sign, and every typed change is also listed in words under its unit.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Console, Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from ..display import date_text, outlet_of, title_of
from ..model import Article, Comparison, Evidence, PairKind, RemovedSpan
from .diff_view import (
    REMOVED_HEADING,
    ChangeView,
    DiffView,
    Folded,
    Fragment,
    Row,
    Side,
    build_view,
    evidence_label,
    folded,
    locate,
    percent,
    relation_name,
    shorten,
    word_diff_ops,
)

KIND_STYLES: dict[PairKind, str] = {
    "identical": "dim",
    "reworded": "yellow",
    "changed": "bold dark_orange",
    "moved": "cyan",
    "added": "green",
    "dropped": "red",
}
"""Badge colour per kind of unit (identical dim, reworded yellow, changed orange ...)."""

KIND_SIGNS: dict[PairKind, str] = {
    "identical": "=",
    "reworded": "~",
    "changed": "!",
    "moved": "↕",
    "added": "+",
    "dropped": "-",
}
"""A one-character sign per kind, so the kind survives without colour (pipes, logs)."""

TEXT_STYLES: dict[PairKind, str] = {"identical": "dim", "added": "green", "dropped": "red"}
"""Style of the whole sentence text for kinds shown without a word diff."""

DELETED_STYLE = "red strike"
INSERTED_STYLE = "green underline"
CHANGE_STYLE = "bold reverse"
TOP_EVIDENCE = 3
"""How many evidence lines the summary shows for the relation and for the direction."""

CHANGE_TEXT_LIMIT = 90
"""Change texts under a unit are cut to this length; the summary shows them whole."""


def plain(console: Console) -> bool:
    """Whether ``console`` shows no colour (``--color never``, ``NO_COLOR``, a pipe or a
    file): then word-level changes are written as ``[-old-]{+new+}`` markers."""
    return console.no_color or console.color_system is None


def print_comparison(console: Console, comparison: Comparison, *, every: bool = False) -> None:
    """Print the summary, the typed changes, removed boilerplate and the aligned units.

    Without colour, each unit is written as ``git diff --word-diff`` writes a line:
    ``[-deleted-]{+inserted+}`` inside the text, one unit a line, never wrapped. Runs of
    identical units are folded into one line unless ``every``."""
    if not plain(console):
        console.print(comparison_view(comparison, every=every))
        return
    view = build_view(comparison)
    console.print(_summary(view))
    console.print()
    console.print(_heading("Fact changes", len(view.summary.changes)))
    for line in plain_changes(view):
        console.print(line, soft_wrap=True, markup=False, highlight=False)
    console.print()
    console.print(_heading(REMOVED_HEADING.capitalize(), None))
    console.print(_removed(view))
    console.print()
    console.print(_heading("Aligned sentences, in B's reading order", len(view.rows)))
    if not view.rows:
        console.print("  no sentences")
    for n, item in enumerate(view.rows if every else folded(view.rows)):
        if n:
            console.print()
        lines = plain_unit(item) if isinstance(item, Row) else [_folded_line(item)]
        for line in lines:
            console.print(line, soft_wrap=True, markup=False, highlight=False)


def comparison_view(comparison: Comparison, *, every: bool = False) -> Group:
    """The whole diff as one renderable (for callers that compose their own output)."""
    view = build_view(comparison)
    if every:
        return Group(
            _head(view),
            _heading("Aligned sentences, in B's reading order", len(view.rows)),
            _rows(view.rows),
        )
    return Group(
        _head(view),
        _heading("Aligned sentences, in B's reading order", len(view.rows)),
        _rows(folded(view.rows)),
    )


def _head(view: DiffView) -> Group:
    """Everything before the aligned units: summary, fact changes, removed boilerplate."""
    return Group(
        _summary(view),
        Text(""),
        _heading("Fact changes", len(view.summary.changes)),
        _changes(view),
        Text(""),
        _heading(REMOVED_HEADING.capitalize(), None),
        _removed(view),
        Text(""),
    )


# --- summary -----------------------------------------------------------------------


def _summary(view: DiffView) -> Panel:
    summary = view.summary
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column()
    grid.add_row("A", _article_line(view.a))
    grid.add_row("B", _article_line(view.b))

    relation = Text()
    relation.append(relation_name(summary.relation), style="bold magenta")
    relation.append(f" — {summary.relation_phrase}  (score {summary.score:.2f})")
    grid.add_row("relation", relation)
    if summary.evidence:
        grid.add_row("", _evidence(summary.evidence[:TOP_EVIDENCE]))

    direction = Text()
    direction.append(summary.direction_phrase, style="bold")
    direction.append(f"  (confidence {summary.direction_confidence:.2f})")
    grid.add_row("direction", direction)
    if summary.direction_evidence:
        grid.add_row("", _evidence(summary.direction_evidence[:TOP_EVIDENCE]))

    grid.add_row(
        "coverage",
        Text(
            f"A {percent(summary.coverage_a)} of its sentences have a counterpart in B · "
            f"B {percent(summary.coverage_b)} in A"
        ),
    )
    units = Text()
    for n, (kind, count) in enumerate(summary.counts):
        if n:
            units.append(" · ", style="dim")
        units.append(f"{count} {kind}", style=KIND_STYLES.get(kind, "") if count else "dim")
    grid.add_row("units", units)
    grid.add_row("encoder", Text(summary.encoder, style="dim"))
    return Panel(
        grid, title=Text("storytrace diff", style="bold"), title_align="left", expand=False
    )


def _article_line(article: Article) -> Text:
    line = Text()
    first = article.sentences[0].text if article.sentences else None
    line.append(title_of(article.title, first, article.source, limit=80), style="bold")
    details = [
        article.source,
        outlet_of(article.outlet, article.url),
        date_text(article.published),
        article.lang,
        f"{len(article.sentences)} sentences",
    ]
    line.append("  " + " · ".join(d for d in details if d), style="dim")
    return line


def _evidence(evidence: Sequence[Evidence]) -> Text:
    out = Text()
    for n, item in enumerate(evidence):
        if n:
            out.append("\n")
        out.append(f"{item.weight:+.2f} ", style="green" if item.weight >= 0 else "red")
        out.append(evidence_label(item.name), style="bold")
        out.append(": ")
        out.append(item.detail)
    return out


def _heading(title: str, count: int | None) -> Text:
    heading = Text(title, style="bold underline")
    if count is not None:
        heading.append(f" ({count})", style="dim")
    return heading


# --- typed changes and removed boilerplate -----------------------------------------


def _quoted(text: str | None, limit: int | None = None) -> Text:
    if text is None:
        return Text("—", style="dim")
    return Text(f'"{shorten(text, limit) if limit else text}"')


def _changes(view: DiffView) -> RenderableType:
    groups = view.summary.changes_by_type()
    if not groups:
        return Text("  no typed fact changes", style="dim")
    table = Table.grid(padding=(0, 2))
    table.add_column(no_wrap=True)
    table.add_column(style="magenta", no_wrap=True)
    table.add_column(style="dim magenta", no_wrap=True)
    table.add_column(ratio=1)
    table.add_column(ratio=1)
    table.add_column(no_wrap=True, style="dim")
    for change_type, changes in groups:
        for n, item in enumerate(changes):
            table.add_row(
                "",
                change_type if n == 0 else "",
                item.change.subtype or "",
                Text("a: ").append_text(_quoted(item.change.a)),
                Text("b: ").append_text(_quoted(item.change.b)),
                f"({locate(item.a_at, item.b_at)})",
            )
    return table


def plain_changes(view: DiffView) -> list[str]:
    """The typed changes as plain lines, whole: ``type (subtype): "a" → "b"  (where)``."""
    lines = []
    for change_type, changes in view.summary.changes_by_type():
        for item in changes:
            subtype = f" ({item.change.subtype})" if item.change.subtype else ""
            a = f'"{item.change.a}"' if item.change.a else "—"
            b = f'"{item.change.b}"' if item.change.b else "—"
            where = locate(item.a_at, item.b_at)
            lines.append(f"  {change_type}{subtype}: {a} → {b}  ({where})")
    return lines or ["  no typed fact changes"]


def _removed(view: DiffView) -> RenderableType:
    table = Table.grid(padding=(0, 2))
    table.add_column(no_wrap=True)
    table.add_column(style="bold", no_wrap=True)
    table.add_column(style="magenta", no_wrap=True)
    table.add_column(ratio=1)
    for side, spans in (("A", view.summary.removed_a), ("B", view.summary.removed_b)):
        if not spans:
            table.add_row("", side, Text("—", style="dim"), Text("nothing removed", style="dim"))
        for span in spans:
            table.add_row("", side, span.kind, _removed_text(span))
    return table


def _removed_text(span: RemovedSpan) -> Text:
    return Text(" ".join(span.text.split()))


# --- aligned units -----------------------------------------------------------------


def _folded_line(item: Folded) -> str:
    return f"= {len(item.rows)} identical units  {item.where}  (diff --all shows them)"


def _rows(rows: Sequence[Row | Folded]) -> RenderableType:
    if not rows:
        return Text("  no sentences", style="dim")
    table = Table.grid(padding=(0, 1))
    table.add_column(no_wrap=True, min_width=10)
    table.add_column(no_wrap=True, width=1)
    table.add_column(ratio=1)
    for n, row in enumerate(rows):
        if n:
            table.add_row("", "", "")
        if isinstance(row, Folded):
            label = Text(f"{len(row.rows)} identical", style="dim")
            table.add_row(label, Text("=", style="dim"), Text(_folded_line(row)[2:], style="dim"))
        else:
            _add_unit(table, row)
    return table


def _label(row: Row) -> Text:
    style = KIND_STYLES.get(row.kind, "")
    label = Text(row.kind, style=style)
    label.append("\n")
    label.append(locate(row.a, row.b), style="dim")
    if row.a and row.b and row.kind != "identical":
        label.append(f"\nsim {row.similarity:.2f}", style="dim")
    return label


def _add_unit(table: Table, row: Row) -> None:
    style = KIND_STYLES.get(row.kind, "")
    sign = KIND_SIGNS.get(row.kind, "?")
    label = _label(row)
    if not row.a or not row.b:  # added or dropped: one side, one line
        text = _styled(row.b_fragments or row.a_fragments, "b" if row.b else "a", row)
        table.add_row(label, Text(sign, style=style), text)
    elif row.a_text == row.b_text:  # identical, or moved unchanged: say it once
        table.add_row(label, Text(sign, style=style), _styled(row.b_fragments, "b", row))
    else:
        table.add_row(label, Text("A", style="bold"), _styled(row.a_fragments, "a", row))
        table.add_row("", Text("B", style="bold"), _styled(row.b_fragments, "b", row))
    for change in row.changes:
        table.add_row("", Text("↳", style="magenta"), _change_line(change))


def _styled(fragments: Sequence[Fragment], side: Side, row: Row) -> Text:
    """The unit's text on one side, each run styled by its highlighting."""
    base = TEXT_STYLES.get(row.kind, "")
    edited_style = DELETED_STYLE if side == "a" else INSERTED_STYLE
    text = Text()
    for fragment in fragments:
        parts = [base]
        if fragment.edited:
            parts.append(edited_style)
        if fragment.change is not None:
            parts.append(CHANGE_STYLE)
        text.append(fragment.text, style=" ".join(p for p in parts if p))
    return text


def _change_line(item: ChangeView) -> Text:
    line = Text()
    line.append(item.change.type, style="magenta")
    if item.change.subtype:
        line.append(f" ({item.change.subtype})", style="dim magenta")
    line.append(": ")
    line.append_text(_quoted(item.change.a, CHANGE_TEXT_LIMIT))
    line.append(" → ")
    line.append_text(_quoted(item.change.b, CHANGE_TEXT_LIMIT))
    return line


# --- plain text (no colour) ----------------------------------------------------------

DELETED_MARKS = ("[-", "-]")
INSERTED_MARKS = ("{+", "+}")
"""``git diff --word-diff`` markers around deleted and inserted words."""


def plain_unit(row: Row) -> list[str]:
    """One unit as plain lines: its sign, kind and place, then its text with the word
    changes marked ``[-old-]{+new+}`` (or its two texts when no word diff is shown),
    then its typed changes."""
    sign = KIND_SIGNS.get(row.kind, "?")
    head = f"{sign} {row.kind}  {locate(row.a, row.b)}"
    if row.a and row.b and row.kind != "identical":
        head += f"  sim {row.similarity:.2f}"
    lines = [head]
    ops = word_diff_ops(row.a_text, row.b_text, row.a_atoms, row.b_atoms) if row.word_diff else None
    if not row.a or not row.b or row.a_text == row.b_text:
        lines.append("  " + (row.b_text or row.a_text))
    elif ops is not None:
        lines.append("  " + "".join(_marked(kind, text) for kind, text in ops))
    else:
        lines.append(f"  A: {row.a_text}")
        lines.append(f"  B: {row.b_text}")
    for item in row.changes:
        subtype = f" ({item.change.subtype})" if item.change.subtype else ""
        a = f'"{shorten(item.change.a, CHANGE_TEXT_LIMIT)}"' if item.change.a else "—"
        b = f'"{shorten(item.change.b, CHANGE_TEXT_LIMIT)}"' if item.change.b else "—"
        lines.append(f"  ↳ {item.change.type}{subtype}: {a} → {b}")
    return lines


def _marked(kind: str, text: str) -> str:
    if kind == "delete":
        return DELETED_MARKS[0] + text + DELETED_MARKS[1]
    if kind == "insert":
        return INSERTED_MARKS[0] + text + INSERTED_MARKS[1]
    return text
