"""``storytrace watch`` and ``storytrace history``: the adapters of ``storytrace.watch``.

``watch`` installs SIGINT/SIGTERM handlers that only set a stop event: the page in hand
is finished (or, stopped inside its transaction, rolled back) and the command exits 0
with a last summary line. ``--once`` makes one pass and exits 2 when a source failed.
"""

from __future__ import annotations

import re
import signal
import threading
from pathlib import Path
from types import FrameType
from typing import Annotated

import typer
from rich.markup import escape

from .cli_support import (
    _DEFAULT_SIZE,
    DbOption,
    MaxSizeOption,
    OutputFormat,
    consoles,
    emit,
    fail,
    handled,
    parse_size,
    report,
    say,
)
from .errors import ConfigError, InputError

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|m|h|d)?\s*$", re.IGNORECASE)
_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_duration(value: str) -> float:
    """Seconds of ``15m``, ``1h``, ``90s`` or ``90`` (seconds)."""
    match = _DURATION.match(value)
    if not match:
        raise ConfigError(f"cannot read {value!r} as a duration; use e.g. 90s, 15m, 1h")
    return float(match.group(1)) * _SECONDS[(match.group(2) or "s").lower()]


def watch(
    sources: Annotated[
        list[str],
        typer.Argument(help="Feed URLs, article URLs, files or folders.", metavar="SOURCE"),
    ],
    db: DbOption = Path("storytrace.db"),
    every: Annotated[
        str, typer.Option("--every", help="Time between passes (e.g. 15m, 1h).", metavar="TIME")
    ] = "15m",
    once: Annotated[bool, typer.Option("--once", help="Make one pass and exit.")] = False,
    ignore_robots: Annotated[
        bool, typer.Option("--ignore-robots", help="Do not read robots.txt (your own sites).")
    ] = False,
    delay: Annotated[
        str,
        typer.Option("--delay", help="Least time between two requests to a host.", metavar="TIME"),
    ] = "1s",
    timeout: Annotated[
        str,
        typer.Option("--timeout", help="Give up on a silent server after this.", metavar="TIME"),
    ] = "20s",
    max_size: MaxSizeOption = _DEFAULT_SIZE,
) -> None:
    """Keep every version of the pages of feeds, URLs, files and folders."""
    from .corpus import Store
    from .options import ReadOptions
    from .watch.fetcher import Politeness
    from .watch.run import Watcher, WatchOptions

    failed: list[InputError] = []

    def on_error(err: InputError) -> None:
        failed.append(err)
        report(err)

    stop = threading.Event()

    def stopping(signum: int, frame: FrameType | None) -> None:
        say(f"stopping after the page in hand ({signal.Signals(signum).name})")
        stop.set()

    with handled(db):
        try:
            limit = parse_size(max_size)
            politeness = Politeness(
                delay=parse_duration(delay),
                timeout=parse_duration(timeout),
                max_bytes=limit,
                respect_robots=not ignore_robots,
            )
            options = WatchOptions(
                politeness=politeness,
                every=parse_duration(every),
                read_options=ReadOptions(max_bytes=limit),
            )
        except ConfigError as err:
            fail(err)
        previous = {s: signal.signal(s, stopping) for s in (signal.SIGINT, signal.SIGTERM)}
        try:
            with Store(db) as store:
                watcher = Watcher(store, sources, options, on_error=on_error, stop=stop)
                if once:
                    say(watcher.run_pass().line())
                else:
                    watcher.run(lambda done: say(done.line()))
        finally:
            for signum, handler in previous.items():
                signal.signal(signum, handler)
    if once and failed and not stop.is_set():
        raise typer.Exit(2)


def history(
    page: Annotated[
        str, typer.Argument(help="A watched page's URL, or a version's id.", metavar="URL_OR_ID")
    ],
    db: DbOption = Path("storytrace.db"),
    format: Annotated[OutputFormat, typer.Option("--format", "-f", help="Output format.")] = (
        OutputFormat.text
    ),
) -> None:
    """Every version of a watched page, each with what changed from the one before."""
    from .corpus import Store
    from .render.json import dumps, history_to_dict
    from .render.printable import printable
    from .watch.history import page_history
    from .watch.model import unit_text

    with handled(db), Store(db, create=False, read_only=None) as store:
        found = page_history(store.repository, page)
        if format is OutputFormat.json:
            emit(dumps(history_to_dict(found)), None)
            return
        status = f" ({found.status})" if found.status else ""
        lines = [f"{found.canonical}{status}: {len(found.versions)} version(s)"]
        for version in found.versions:
            title = version.article.title or ""
            lines.append(
                f"\nv{version.number}  {version.first_seen}  {version.article.id}  {title}"
            )
            summary, comparison = version.summary, version.comparison
            if summary is None or comparison is None:
                continue
            flags = " declared" if summary.declared else ""
            flags += " STEALTH EDIT" if summary.stealth_edit else ""
            kinds = ", ".join(summary.types) or "nothing"
            lines.append(f"  update: significance {summary.significance:.2f}; {kinds}{flags}")
            for unit in comparison.pairs:
                for change in unit.changes:
                    lines.append(f"  {change.type}: {change.a!r} -> {change.b!r}")
                if unit.kind == "added":
                    lines.append(f"  + {unit_text(comparison.b, unit.b)}")
                elif unit.kind == "dropped":
                    lines.append(f"  - {unit_text(comparison.a, unit.a)}")
        consoles.out.print(escape(printable("\n".join(lines))), highlight=False)
