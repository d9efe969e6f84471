"""The ``storytrace`` command line: thin adapters over the library.

Each command parses its flags, calls one library function, formats the result and maps
``StorytraceError`` to one line on stderr and an exit code. No pipeline logic lives here.

Exit codes: 0 success; 2 bad input or usage (any input failed, the others were still
processed); 3 a missing optional extra; 1 anything unexpected.

Why ``--input-format`` and not ``--format`` for the reader override: ``inspect`` and
``diff`` already use ``--format`` for the *output* format (text|json|html), a contract
fixed for outside users, so the reader override needs its own name. ``add``, which has
no output format, accepts ``--format`` for it too.
"""

from __future__ import annotations

import datetime as dt
import sys
from dataclasses import replace
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape

from . import __version__, cli_watch
from .cli_help import HelpGroup, command_settings
from .cli_support import (
    _DEFAULT_SIZE,
    AddInputFormatOption,
    ColorChoice,
    ColorOption,
    DbOption,
    FetchOption,
    InputFormatOption,
    MaxSizeOption,
    OutputFormat,
    OutputOption,
    ReportFormat,
    StoriesFormatOption,
    consoles,
    emit,
    fail,
    handled,
    one_article,
    parse_size,
    read_options,
    report,
    say,
    warn,
)
from .errors import ConfigError, InputError, StorytraceError

app = typer.Typer(
    name="storytrace",
    cls=HelpGroup,
    help="Find every version of a news story and explain exactly how the versions differ.",
    epilog="Run storytrace COMMAND -h for a command's options and examples.",
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        consoles.out.print(f"storytrace {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Show the version."),
    ] = False,
    color: Annotated[
        ColorChoice,
        typer.Option(
            "--color",
            help="Colour the output: auto (in a terminal only), always or never. Without "
            "colour, diff marks changed words as [-old-]{+new+}.",
            case_sensitive=False,
            metavar="WHEN",
        ),
    ] = ColorChoice.auto,
) -> None:
    """Find every version of a news story and explain exactly how the versions differ."""
    consoles.configure(color)


MAX_LISTED_ERRORS = 10_000
"""Errors ``inspect --format json`` lists; beyond, one entry counts the rest."""


@app.command(**command_settings("inspect"))
def inspect(
    sources: Annotated[
        list[Path], typer.Argument(help="Files or folders (walked recursively).", metavar="PATH")
    ],
    format: Annotated[
        OutputFormat, typer.Option("--format", "-f", help="Output format.")
    ] = OutputFormat.text,
    input_format: InputFormatOption = None,
    max_size: MaxSizeOption = _DEFAULT_SIZE,
    fetch: FetchOption = False,
) -> None:
    """Show what storytrace reads from each article: metadata, removed boilerplate,
    sentences and their facts."""
    from .pipeline import read_many
    from .render.json import inspect_chunks
    from .render.terminal import print_article

    options = read_options(input_format, max_size, fetch)
    failures: list[InputError] = []
    failed = 0

    def on_error(err: InputError) -> None:
        nonlocal failed
        failed += 1
        if len(failures) < MAX_LISTED_ERRORS:  # memory stays bounded on any input
            failures.append(err)
        report(err)

    def errors() -> list[dict[str, str]]:
        listed = [{"source": e.source, "reason": e.reason} for e in failures]
        if failed > len(failures):
            more = f"{failed - len(failures):,} more errors, not listed (stderr names each)"
            listed.append({"source": "", "reason": more})
        return listed

    skipped: list[tuple[str, str]] = []
    with handled():
        articles = read_many(
            sources, options=options, on_error=on_error, on_skip=lambda p, r: skipped.append((p, r))
        )
        if format is OutputFormat.json:
            # streamed: each article written as it is read, whatever their number
            for chunk in inspect_chunks(articles, errors):
                sys.stdout.write(chunk)
        else:
            for article in articles:
                print_article(consoles.out, article)
    if skipped:
        from .display import skipped_phrase

        say(skipped_phrase(skipped))
    if failed:
        raise typer.Exit(2)


@app.command(**command_settings("diff"))
def diff(
    a: Annotated[Path, typer.Argument(help="The first version: a file.", metavar="A")],
    b: Annotated[Path, typer.Argument(help="The second version: a file.", metavar="B")],
    format: Annotated[ReportFormat, typer.Option("--format", "-f", help="Output format.")] = (
        ReportFormat.text
    ),
    encoder: Annotated[
        str | None,
        typer.Option(
            "--encoder",
            "-e",
            help="Sentence encoder: lexical (fastest), use (the default) or st:MODEL.",
            metavar="NAME",
        ),
    ] = None,
    output: OutputOption = None,
    input_format: InputFormatOption = None,
    max_size: MaxSizeOption = _DEFAULT_SIZE,
    color: ColorOption = None,
    every: Annotated[
        bool,
        typer.Option(
            "--all", help="Show every aligned unit; by default runs of identical ones are folded."
        ),
    ] = False,
) -> None:
    """Align two versions sentence by sentence, type every change, and judge the relation
    and which version came first."""
    from .comparison import compare

    if color is not None:
        consoles.configure(color)
    options = read_options(input_format, max_size, False)
    with handled():
        articles = [one_article(path, options, "diff") for path in (a, b)]
        comparison = compare(articles[0], articles[1], encoder=encoder)
        if format is ReportFormat.json:
            from .render.json import comparison_to_dict, dumps

            text = dumps(comparison_to_dict(comparison))
        elif format is ReportFormat.html:
            from .render.diff_html import comparison_to_html

            text = comparison_to_html(comparison)
        else:
            from .render.diff_terminal import print_comparison

            console = consoles.out if output is None else consoles.recording()
            print_comparison(console, comparison, every=every)
            if output is None:
                return
            text = console.export_text()
        emit(text, output)


@app.command(**command_settings("add"))
def add(
    sources: Annotated[
        list[Path], typer.Argument(help="Files or folders (walked recursively).", metavar="PATH")
    ],
    db: DbOption = Path("storytrace.db"),
    encoder: Annotated[
        str | None,
        typer.Option(
            "--encoder",
            "-e",
            help="Document-vector encoder of a new store (default: use).",
            metavar="NAME",
        ),
    ] = None,
    index: Annotated[
        str,
        typer.Option(
            "--index", help="Vector index of a new store: usearch or exact.", metavar="KIND"
        ),
    ] = "usearch",
    batch_size: Annotated[
        int, typer.Option("--batch-size", help="Articles per committed batch.", min=1, metavar="N")
    ] = 64,
    input_format: AddInputFormatOption = None,
    max_size: MaxSizeOption = _DEFAULT_SIZE,
    fetch: FetchOption = False,
) -> None:
    """Read articles into the store; an article already stored is skipped and said so."""
    from .cli_progress import add_with_progress
    from .corpus import Store, StoreOptions
    from .render.find_terminal import print_add

    options = read_options(input_format, max_size, fetch)
    with handled(db):
        store_options = StoreOptions(encoder=encoder, index=index, batch_size=batch_size)
        with Store(db, options=store_options) as store:
            added = add_with_progress(
                store,
                sources,
                console=consoles.err,
                add=lambda on_progress: store.add(
                    sources,
                    read_options=options,
                    on_error=report,
                    on_progress=on_progress,
                    on_wait=say,
                    batch_size=batch_size,
                ),
            )
            for source, existing in added.duplicates:
                say(f"already stored: {source} (id {existing})")
            print_add(consoles.out, added, str(db))
    if added.failed:
        raise typer.Exit(2)


@app.command(**command_settings("find"))
def find(
    article: Annotated[
        str | None, typer.Argument(help="A file holding the article to search for.", metavar="FILE")
    ] = None,
    article_id: Annotated[
        str | None,
        typer.Option("--id", help="Search for this stored article instead.", metavar="ID"),
    ] = None,
    db: DbOption = Path("storytrace.db"),
    limit: Annotated[
        int, typer.Option("--limit", "-n", help="At most this many.", min=1, metavar="N")
    ] = 10,
    include_stories: Annotated[
        bool,
        typer.Option(
            "--stories/--versions-only",
            help="Also list reports of the same event (same_story) and related ones.",
        ),
    ] = False,
    format: Annotated[OutputFormat, typer.Option("--format", "-f", help="Output format.")] = (
        OutputFormat.text
    ),
) -> None:
    """List every stored version of an article, best first, each with its relation."""
    from .corpus import Store
    from .find import STORY_RELATIONS, VERSION_RELATIONS
    from .render.find_terminal import print_find

    if (article is None) == (article_id is None):
        fail(ConfigError("give the article as a FILE or with --id ID (one of the two)"))
    with handled(db):
        with Store(db, create=False, read_only=True) as store:
            include = VERSION_RELATIONS + (STORY_RELATIONS if include_stories else ())
            if article_id is not None:
                result = store.find_id(article_id, limit=limit, include=include)
            else:
                query = one_article(Path(str(article)), None, "find")
                result = store.find(query, limit=limit, include=include)
        if format is OutputFormat.json:
            from .render.json import dumps, find_to_dict

            sys.stdout.write(dumps(find_to_dict(result)))
        else:
            for warning in result.warnings:
                warn(warning)
            print_find(consoles.out, replace(result, warnings=()))


def _parse_date(value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        fail(ConfigError(f"--since: cannot read {value!r} as a date; use YYYY-MM-DD"))


def _write_stories(
    stories: list[Any], format: ReportFormat, output: Path | None, *, title: str
) -> None:
    if format is ReportFormat.json:
        from .render.json import dumps, stories_to_dict

        text = dumps(stories_to_dict(stories))
    elif format is ReportFormat.html:
        from .render.stories_html import stories_to_html

        text = stories_to_html(stories, title=title)
    else:
        from .render.stories_terminal import print_stories

        if output is None:
            print_stories(consoles.out, stories)
            return
        console = consoles.recording()
        print_stories(console, stories)
        text = console.export_text()
    emit(text, output)


@app.command(**command_settings("stories"))
def stories(
    db: DbOption = Path("storytrace.db"),
    since: Annotated[
        str | None,
        typer.Option(
            "--since",
            help="Only stories with an article published on or after this date.",
            metavar="YYYY-MM-DD",
        ),
    ] = None,
    limit: Annotated[
        int | None,
        typer.Option("--limit", "-n", help="At most this many, largest first.", min=1, metavar="N"),
    ] = None,
    min_size: Annotated[
        int,
        typer.Option(
            "--min-size", help="Only stories of at least this many articles.", min=1, metavar="N"
        ),
    ] = 1,
    rebuild: Annotated[
        bool, typer.Option("--rebuild", help="Re-link and re-cluster every article.")
    ] = False,
    format: StoriesFormatOption = ReportFormat.text,
    output: OutputOption = None,
) -> None:
    """Group the stored articles into stories: timeline, version graph, derivation tree.

    Articles added since the last run join a story or start one; the rest stay put."""
    from .corpus import Store

    start = _parse_date(since)
    with handled(db), Store(db, create=False, read_only=None) as store:
        if _can_update(store):
            with consoles.err.status("grouping the stories…") as status:
                report = store.update_stories(
                    rebuild=rebuild,
                    on_wait=say,
                    on_stage=lambda stage: status.update(f"stories: {stage}…"),
                )
            if report.linked:
                consoles.err.print(
                    f"clustered {report.linked:,} new article(s) in {report.seconds:.1f}s: "
                    f"{report.stories:,} stories"
                )
        found = store.stories(start, limit=limit, min_size=min_size, update=False)
        _write_stories(found, format, output, title=f"storytrace stories: {db}")


def _can_update(store: Any) -> bool:
    """Whether the stories can be brought up to date; says so when they cannot."""
    if store.read_only:
        consoles.err.print(
            f"[yellow]warning:[/] {escape(str(store.path))} is read-only: the stories could "
            "not be updated; listing what is stored",
            markup=True,
        )
        return False
    return True


@app.command(**command_settings("story"))
def story(
    story_id: Annotated[
        str, typer.Argument(help="A story id, or the id of any of its articles.", metavar="ID")
    ],
    db: DbOption = Path("storytrace.db"),
    format: StoriesFormatOption = ReportFormat.text,
    output: OutputOption = None,
) -> None:
    """Show one story: its timeline, version graph and derivation tree."""
    from .corpus import Store

    with handled(db), Store(db, create=False, read_only=None) as store:
        found = store.story(story_id, update=_can_update(store))
        _write_stories([found], format, output, title=found.title)


@app.command(**command_settings("reindex"))
def reindex(db: DbOption = Path("storytrace.db")) -> None:
    """Rebuild every index of the store (LSH bands, fact keys, vector index file)."""
    from .corpus import Store

    with handled(db), Store(db, create=False) as store:
        done = store.reindex(on_wait=say)
        consoles.out.print(f"{escape(str(db))}: reindexed {done:,} article(s)")


@app.command(**command_settings("serve"))
def serve(
    db: DbOption = Path("storytrace.db"),
    host: Annotated[
        str,
        typer.Option(
            "--host",
            help="Address to listen on; any other than this computer needs --token.",
            metavar="ADDRESS",
        ),
    ] = "127.0.0.1",
    port: Annotated[
        int, typer.Option("--port", help="Port to listen on.", min=0, max=65535, metavar="PORT")
    ] = 8000,
    token: Annotated[
        str | None,
        typer.Option(
            "--token",
            envvar="STORYTRACE_TOKEN",
            help="A secret every request that changes something must send (as a Bearer token).",
            metavar="TOKEN",
        ),
    ] = None,
    max_body: Annotated[
        str,
        typer.Option(
            "--max-body", help="Refuse request bodies over this (e.g. 2MB).", metavar="SIZE"
        ),
    ] = "2MB",
    encoder: Annotated[
        str | None,
        typer.Option(
            "--encoder", "-e", help="Default sentence encoder of comparisons.", metavar="NAME"
        ),
    ] = None,
) -> None:
    """Serve the web UI and JSON API over a store (loopback only by default)."""
    from .server import ServerOptions
    from .server import serve as run_server

    with handled(db):
        try:
            limit = parse_size(max_body)
        except ConfigError:
            fail(ConfigError(f"--max-body: cannot read {max_body!r} as a size; use e.g. 2MB"))
        options = ServerOptions(
            db=db, host=host, port=port, token=token, max_body=limit, encoder=encoder
        )
        run_server(options, announce=say)


@app.command(**command_settings("batch"))
def batch(
    sources: Annotated[
        list[Path], typer.Argument(help="Files or folders (walked recursively).", metavar="PATH")
    ],
    out: Annotated[
        Path, typer.Option("--out", help="Folder of the Parquet tables.", metavar="FOLDER")
    ],
    engine: Annotated[
        str,
        typer.Option(
            "--engine",
            help="local (one process) or spark (the spark extra).",
            metavar="ENGINE",
        ),
    ] = "local",
    master: Annotated[
        str | None, typer.Option("--master", help="Spark master URL, e.g. local[2].", metavar="URL")
    ] = None,
    encoder: Annotated[
        str | None,
        typer.Option(
            "--encoder", "-e", help="Document-vector encoder (default: use).", metavar="NAME"
        ),
    ] = None,
    input_format: AddInputFormatOption = None,
    max_size: MaxSizeOption = _DEFAULT_SIZE,
) -> None:
    """Versions and stories of a whole corpus as Parquet tables (docs/batch.md)."""
    from .batch import BatchOptions, default_settings, run_batch
    from .cli_progress import batch_with_progress

    options = read_options(input_format, max_size, False)
    with handled():
        batch_options = BatchOptions(
            engine=engine,  # type: ignore[arg-type]  # checked by BatchOptions
            master=master,
            settings=default_settings(encoder),
            read_options=options,
        )
        done = batch_with_progress(
            sources,
            console=consoles.err,
            run=lambda on_read, on_stage: run_batch(
                sources, out, batch_options, on_stage=on_stage, on_read=on_read
            ),
        )
        consoles.out.print(
            f"{escape(str(out))}: {done.articles:,} article(s), {done.verified:,} verified "
            f"pair(s), {done.stories:,} stor(ies); {done.errors:,} error(s), "
            f"{done.duplicates:,} duplicate(s) (engine {done.engine})"
            + (f"; complete before, skipped: {', '.join(done.resumed)}" if done.resumed else "")
        )
    if done.errors:
        raise typer.Exit(2)


@app.command("import", **command_settings("import"))
def import_(
    folder: Annotated[Path, typer.Argument(help="The --out folder of a batch.", metavar="FOLDER")],
    db: DbOption = Path("storytrace.db"),
) -> None:
    """Load a batch's tables into a new store, for find, stories, story and serve."""
    from .batch.importer import import_batch

    with handled():
        done = import_batch(folder, db)
        consoles.out.print(
            f"{escape(str(db))}: imported {done.articles:,} article(s), {done.edges:,} "
            f"verified pair(s), {done.stories:,} stor(ies)"
        )


app.command(**command_settings("watch"))(cli_watch.watch)
app.command(**command_settings("history"))(cli_watch.history)


def main() -> None:
    """Console entry point: run the app, turning any StorytraceError into one line."""
    try:
        app()
    except StorytraceError as err:
        report(err)
        sys.exit(err.exit_code)


if __name__ == "__main__":
    main()
