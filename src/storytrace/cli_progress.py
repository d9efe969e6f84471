"""Progress of long commands on stderr: what ``add`` is doing, how far it is and how long
it will take.

The total is counted first when that is cheap (files in the folders, lines of JSON Lines
files; a feed or an archive makes it unknown and the bar a spinner). The encoder's model
is loaded as its own step before the first article, so the rate and the time left count
reading and storing only, never the seconds of a model load.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from .ingest.walk import iter_files

UNCOUNTED = (".warc", ".gz", ".xml", ".rss", ".atom", ".feed")
"""Files that may hold any number of articles (an archive, a feed, a compressed file):
their presence makes the total unknown."""


def count_articles(sources: Iterable[str | Path]) -> int | None:
    """How many articles ``sources`` hold, when it is cheap to say: one per file, one per
    line of a ``.jsonl`` file; None when a source may hold any number."""
    total = 0
    for source in sources:
        path = Path(source)
        if path.is_dir():
            files: Iterable[Any] = iter_files(path)
        elif path.is_file():
            files = [path]
        else:
            continue  # reading it says what is wrong
        for item in files:
            if not isinstance(item, Path):
                continue
            name = item.name.lower()
            if name.endswith(".jsonl"):
                total += _lines(item)
            elif name.endswith(UNCOUNTED):
                return None
            else:
                total += 1
    return total


def _lines(path: Path) -> int:
    count = 0
    try:
        with path.open("rb") as lines:
            for line in lines:
                count += bool(line.strip())
    except OSError:
        return 1
    return count


def batch_with_progress(
    sources: list[Path],
    *,
    console: Console,
    run: Callable[[Callable[[int], None], Callable[[str, float], None]], Any],
) -> Any:
    """Run ``run(on_read, on_stage)`` under a bar of the records read (total, rate, time
    left when the total is known), then a line a finished stage; returns its report."""
    total = count_articles(sources)
    columns: list[Any] = [SpinnerColumn(), TextColumn("{task.description}")]
    if total is not None:
        columns += [BarColumn(), MofNCompleteColumn(), TextColumn("·")]
    columns += [
        TextColumn("{task.fields[rate]:.1f} records/s"),
        TimeRemainingColumn() if total is not None else TimeElapsedColumn(),
    ]
    progress = Progress(*columns, console=console, transient=True)
    with progress:
        task = progress.add_task("reading and analysing", rate=0.0, total=total)
        started = time.perf_counter()

        def on_read(count: int) -> None:
            elapsed = time.perf_counter() - started
            progress.update(
                task,
                completed=count,
                total=None if total is None else max(total, count),
                rate=count / elapsed if elapsed > 0 else 0.0,
            )

        def on_stage(stage: str, seconds: float) -> None:
            progress.console.print(f"{stage}: {seconds:.1f} s")
            following = {"articles": "candidates and links", "links": "stories"}.get(stage)
            if following:
                progress.update(task, description=following, total=None, rate=0.0)

        return run(on_read, on_stage)


def add_with_progress(
    store: Any,
    sources: list[Path],
    *,
    console: Console,
    add: Callable[[Callable[[Any], None]], Any],
) -> Any:
    """Load the store's encoder as a step of its own, then run ``add(on_progress)`` under
    a bar with the total (when known), the rate and the time left; returns its report."""
    total = count_articles(sources)
    with console.status(f"loading the {store.keyer.encoder_name} encoder…", spinner="dots"):
        store.encoder  # noqa: B018  (the property loads the model once)
    columns: list[Any] = [SpinnerColumn(), TextColumn("adding")]
    if total is not None:
        columns += [BarColumn(), MofNCompleteColumn(), TextColumn("·")]
    columns += [
        TextColumn("{task.fields[added]:,} added · {task.fields[seen]:,} already stored"),
        TextColumn("· {task.fields[rate]:.1f} articles/s"),
        TimeRemainingColumn() if total is not None else TimeElapsedColumn(),
    ]
    progress = Progress(*columns, console=console, transient=True)
    with progress:
        task = progress.add_task("add", added=0, seen=0, rate=0.0, total=total)

        def on_progress(report: Any) -> None:
            done = report.added + len(report.duplicates) + len(report.failed)
            progress.update(
                task,
                completed=done,
                total=None if total is None else max(total, done),
                added=report.added,
                seen=len(report.duplicates),
                rate=report.rate,
            )

        return add(on_progress)
