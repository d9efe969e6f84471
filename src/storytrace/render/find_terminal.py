"""``storytrace find`` and ``add`` in the terminal (rich)."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from ..find import FindResult
from ..indexing import AddReport

_RELATION_STYLE = {
    "duplicate": "bold green",
    "light_edit": "green",
    "rewrite": "yellow",
    "translation": "cyan",
    "same_story": "blue",
    "related": "dim",
    "unrelated": "dim",
}
_DIRECTION = {"a_to_b": "derives from the query", "b_to_a": "the query derives from it"}


def print_find(console: Console, result: FindResult) -> None:
    """The query, then its versions best first, one row each."""
    query = result.query
    where = "stored" if result.stored else "not stored"
    title = escape(query.title or query.sentences[0].text[:80])
    console.print(f"[bold]{title}[/]  [dim]{escape(query.id)} · {where}[/]")
    for warning in result.warnings:
        console.print(f"[yellow]warning:[/] {escape(warning)}")
    if not result.versions:
        console.print(
            f"no versions found ({result.candidates} candidates, {result.verified} verified)"
        )
        return
    table = Table(show_edge=False, pad_edge=False, expand=False)
    for column in (
        "relation",
        "label score",
        "P(same event)",
        "direction",
        "id",
        "outlet",
        "published",
        "title",
    ):
        table.add_column(column, overflow="fold")
    for v in result.versions:
        style = _RELATION_STYLE.get(v.relation, "")
        table.add_row(
            f"[{style}]{v.relation}[/]",
            f"{v.score:.2f}",
            f"{v.story_similarity:.2f}",
            _DIRECTION.get(v.direction, "unknown"),
            escape(v.id),
            escape(v.outlet or "—"),
            v.published or "—",
            escape((v.title or "")[:70]),
        )
    console.print(table)
    console.print(
        f"[dim]{len(result.versions)} version(s); {result.candidates} candidates, "
        f"{result.verified} verified. P(same event): how likely the two report the same "
        "event (1.00 for a version); label score: the relation label's own confidence. "
        "`storytrace diff` explains any pair.[/]"
    )


def print_add(console: Console, report: AddReport, db: str) -> None:
    """One summary line: added, already stored, failed, rate."""
    console.print(
        f"{db}: added {report.added:,} article(s), {len(report.duplicates):,} already stored, "
        f"{len(report.failed):,} failed ({report.rate:.1f} articles/s)",
        soft_wrap=True,
    )
