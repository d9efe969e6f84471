"""The words of ``storytrace --help``: each command's help as whole sentences, and an
example or two under it (the epilog), kept apart from the code so both stay readable.

Examples run as written from a clone of the repository (``tests/test_cli_help.py``
checks that each command has one and that every command they name exists).
"""

from __future__ import annotations

from functools import partial
from typing import Any

from typer.core import TyperArgument, TyperCommand, TyperGroup

HELP: dict[str, str] = {
    "inspect": (
        "Show what storytrace reads from each article: its metadata, the boilerplate "
        "cleaning removed, and every sentence with the facts found in it. A folder is "
        "read whole, except hidden files and its README, LICENSE or CHANGELOG."
    ),
    "diff": (
        "Compare two versions of an article: align them sentence by sentence, name every "
        "changed fact, and judge how they relate and which came first. In a terminal "
        "changed words are coloured; in a pipe or a file they are marked [-old-]{+new+}."
    ),
    "add": (
        "Read articles into the store (created when missing). An article already stored "
        "is skipped and said so; a folder's hidden files and its README, LICENSE or "
        "CHANGELOG are skipped and counted."
    ),
    "find": (
        "List every stored version of an article, best first, each with its relation, "
        "its score and which version derives from which."
    ),
    "stories": (
        "Group the stored articles into stories and show each as a tree: which version "
        "derives from which, on a timeline. Articles added since the last run join a "
        "story or start one; the rest stay where they are."
    ),
    "story": "Show one story as a tree: its articles on a timeline and which derives from which.",
    "reindex": (
        "Rebuild every index of the store (LSH bands, fact keys, the vector index file) "
        "from the stored articles."
    ),
    "serve": (
        "Serve the web pages and the JSON API over a store. Only this computer can "
        "connect unless --host says otherwise, and then --token is required."
    ),
    "batch": (
        "Find the versions and stories of a whole corpus at once and write them as "
        "Parquet tables (see docs/batch.md)."
    ),
    "import": "Load the tables of a batch into a new store, for find, stories, story and serve.",
    "watch": (
        "Keep every version of the pages of feeds, URLs, files and folders. Each pass reads "
        "them again: a changed text is stored as an update of the version before, page "
        "chrome churn is not. Polite: conditional requests, a delay per host, backoff, "
        "robots.txt."
    ),
    "history": (
        "Show every version of a watched page, oldest first. Each comes with the typed "
        "changes from the one before and whether the page declared them (else: a stealth "
        "edit)."
    ),
}
"""One paragraph per command: the first sentence is its line in ``storytrace --help``."""

EXAMPLES: dict[str, list[str]] = {
    "inspect": [
        "storytrace inspect examples/seed-pair/a.txt",
        "storytrace inspect examples/ecbplus-sample -f json > articles.json",
    ],
    "diff": [
        "storytrace diff examples/seed-pair/a.txt examples/seed-pair/b.txt",
        "storytrace diff a.txt b.txt --color never | less",
        "storytrace diff a.txt b.txt -f html -o diff.html",
    ],
    "add": [
        "storytrace add examples/ecbplus-sample",
        "storytrace add --db news.db feeds/ archive.warc.gz",
    ],
    "find": [
        "storytrace find examples/seed-pair/a.txt",
        "storytrace find --id 1_10ecb --stories -n 20",
    ],
    "stories": [
        "storytrace stories -n 5",
        "storytrace stories --since 2013-06-01 -f html -o stories.html",
    ],
    "story": ["storytrace story 1_10ecb", "storytrace story 1_10ecb -f json"],
    "reindex": ["storytrace reindex --db news.db"],
    "serve": ["storytrace serve --db news.db", "storytrace serve --port 8080"],
    "batch": ["storytrace batch corpus/ --out tables/"],
    "import": ["storytrace import tables/ --db news.db"],
    "watch": [
        "storytrace watch examples/seed-pair --once",
        "storytrace watch https://example.com/feed.xml --db news.db --every 15m",
    ],
    "history": ["storytrace history https://example.com/news/story --format json"],
}
"""Each command's examples, shown under its help."""


def epilog(command: str) -> str:
    """The examples of ``command`` as help text: one per line."""
    lines = "\n".join(f"  $ {example}" for example in EXAMPLES[command])
    return f"[bold]Examples[/bold]\n\n\b\n{lines}"


def command_settings(command: str) -> dict[str, Any]:
    """Everything ``app.command`` needs for ``command``'s help."""
    return {
        "cls": HelpCommand,
        "help": HELP[command],
        "short_help": HELP[command].split(". ", 1)[0].rstrip(".") + ".",
        "epilog": epilog(command),
    }


def _blank_flag_types(params: list[Any]) -> list[Any]:
    """Help as a reader wants it: flags take no value, so they show no type (typer would
    print ``<bool>``); an argument is named by its metavar alone (not ``<list[Path]>``),
    and the usage line reads ``PATH...``, not ``{PATH}...``."""
    for param in params:
        if getattr(param, "is_flag", False) and param.metavar is None:
            param.metavar = ""
        elif isinstance(param, TyperArgument) and param.metavar is not None:
            name = param.metavar + ("..." if param.nargs != 1 else "")
            usage = name if param.required else f"[{name}]"
            # instance attributes shadow typer's methods for this parameter only
            setattr(param, "display_type_rich", _no_type)  # noqa: B010
            setattr(param, "_usage_display_name", partial(str, usage))  # noqa: B010
    return params


def _no_type(ctx: Any) -> None:
    return None


class HelpCommand(TyperCommand):
    """A command whose flags show no ``<bool>`` in its help."""

    def get_params(self, ctx: Any) -> list[Any]:
        return _blank_flag_types(super().get_params(ctx))


class HelpGroup(TyperGroup):
    """The ``storytrace`` group, its flags shown without ``<bool>`` too."""

    def get_params(self, ctx: Any) -> list[Any]:
        return _blank_flag_types(super().get_params(ctx))
