"""``storytrace find`` and ``add`` in the terminal (rich)."""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from ..display import UNKNOWN, date_text, skipped_phrase, title_of
from ..find import FindResult
from ..indexing import AddReport
from .diff_view import GUESS_BELOW, relation_name

_RELATION_STYLE = {
    "update": "bold magenta",
    "duplicate": "bold green",
    "light_edit": "green",
    "rewrite": "yellow",
    "translation": "cyan",
    "same_story": "blue",
    "related": "dim",
    "unrelated": "dim",
}
_DIRECTION = {"a_to_b": "derives from the query", "b_to_a": "the query derives from it"}


_COLUMNS = ("relation", "score", "P(same event)", "direction", "id", "outlet", "published")
_GAP = 3
"""Characters each column adds to its text: a space either side and a rule."""
MIN_TITLE = 24
"""The title column never gets fewer characters than this (the table is wider then)."""


def print_find(console: Console, result: FindResult) -> None:
    """The query, then its versions best first, one row each.

    Ids, scores and dates are never wrapped or cut; the title takes the rest of the
    width and is shortened at a word with "…" (whole when the output is a pipe wide
    enough)."""
    query = result.query
    where = "stored" if result.stored else "not stored"
    first = query.sentences[0].text if query.sentences else ""
    head = title_of(query.title, first, query.id, limit=max(console.width - 40, MIN_TITLE))
    console.print(f"[bold]{escape(head)}[/]  [dim]{escape(query.id)} · {where}[/]")
    for warning in result.warnings:
        console.print(f"[yellow]warning:[/] {escape(warning)}")
    if not result.versions:
        console.print(
            f"no versions found ({result.candidates} candidates, {result.verified} verified)"
        )
        return
    rows = [
        (
            relation_name(v.relation),
            f"{v.score:.2f}",
            f"{v.story_similarity:.2f}",
            _direction(v.direction, v.direction_confidence),
            v.id,
            v.shown_outlet or UNKNOWN,
            date_text(v.published),
        )
        for v in result.versions
    ]
    widths = [max(len(c), *(len(r[k]) for r in rows)) for k, c in enumerate(_COLUMNS)]
    room = console.width - sum(widths) - _GAP * len(widths) - 1
    if room < MIN_TITLE:  # too narrow for a table: two lines a version
        _print_stacked(console, result, rows)
    else:
        table = Table(show_edge=False, pad_edge=False, expand=False)
        for column, width in zip(_COLUMNS, widths, strict=True):
            table.add_column(column, no_wrap=True, min_width=width)
        table.add_column("title", no_wrap=True, overflow="ellipsis", max_width=room)
        for v, row in zip(result.versions, rows, strict=True):
            style = _RELATION_STYLE.get(v.relation, "")
            cells = [Text(row[0], style=style), *(Text(cell) for cell in row[1:])]
            table.add_row(*cells, Text(title_of(v.title, v.lead, v.id, limit=room - 1)))
        console.print(table)
    console.print(
        f"[dim]{len(result.versions)} version(s); {result.candidates} candidates, "
        f"{result.verified} verified. P(same event): how likely the two report the same "
        "event (1.00 for a version); score: the relation label's own confidence. "
        "`storytrace diff` explains any pair.[/]"
    )


def _direction(direction: str, confidence: float) -> str:
    phrase = _DIRECTION.get(direction, "unknown")
    if direction in _DIRECTION and confidence < GUESS_BELOW:
        return "perhaps " + phrase
    return phrase


def _print_stacked(console: Console, result: FindResult, rows: Sequence[tuple[str, ...]]) -> None:
    """Each version on two lines: id, relation and figures, then its title (narrow
    terminals: the id is never cut, the title is shortened at a word)."""
    for v, row in zip(result.versions, rows, strict=True):
        relation, score, same, direction, ident, outlet, published = row
        line = Text()
        line.append(ident, style="bold")
        line.append(f"  {relation}", style=_RELATION_STYLE.get(v.relation, ""))
        line.append(f" {score} · P(same event) {same} · {direction} · {outlet} · {published}")
        console.print(line)  # wrapped at spaces: the id, first, is never split
        console.print(Text("  " + title_of(v.title, v.lead, v.id, limit=console.width - 3)))


def print_add(console: Console, report: AddReport, db: str) -> None:
    """One summary line: added, already stored, failed, rate, and the files of a folder
    that were skipped and why."""
    skipped = skipped_phrase(report.skipped)
    console.print(
        f"{db}: added {report.added:,} article(s), {len(report.duplicates):,} already stored, "
        f"{len(report.failed):,} failed ({report.rate:.1f} articles/s)"
        + (f"; {skipped}" if skipped else ""),
        soft_wrap=True,
        markup=False,
    )
