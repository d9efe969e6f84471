"""Readable terminal output with rich.

rich is a core dependency of the CLI, but the library core never imports this module.
"""

from __future__ import annotations

from rich.console import Console, Group
from rich.markup import escape
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from ..model import Article, Facts


def _facts_summary(facts: Facts) -> Text:
    """One compact, labelled line per kind of fact found in a sentence."""
    lines: list[tuple[str, str]] = []
    if facts.numbers:
        lines.append(("numbers", ", ".join(n.text for n in facts.numbers)))
    if facts.dates:
        lines.append(("dates", ", ".join(f"{d.text} → {d.iso}" for d in facts.dates)))
    if facts.names:
        lines.append(("names", ", ".join(f"{n.text} [{n.kind}]" for n in facts.names)))
    for quote in facts.quotes:
        words = quote.text if len(quote.text) <= 60 else quote.text[:57] + "…"
        lines.append(("quote", f"“{words}” — {quote.speaker or 'speaker unknown'}"))
    for attribution in facts.attributions:
        who = attribution.source or "?"
        tag = " (anonymous)" if attribution.anonymous else ""
        lines.append(("source", f"{attribution.verb}: {who}{tag}"))
    if facts.hedges:
        lines.append(("hedges", ", ".join(h.text for h in facts.hedges)))
    if facts.framing:
        lines.append(("framing", ", ".join(f.text for f in facts.framing)))
    out = Text()
    for n, (label, value) in enumerate(lines):
        if n:
            out.append("\n")
        out.append(f"{label}: ", style="bold cyan")
        out.append(value)
    return out


def article_view(article: Article) -> Group:
    """Metadata, removed boilerplate, then every sentence with its facts."""
    meta = Table.grid(padding=(0, 2))
    meta.add_column(style="bold")
    meta.add_column()
    lang = article.lang or "unknown"
    if article.lang_confidence is not None:
        lang += f" ({article.lang_confidence:.2f})"
    for label, value in (
        ("title", article.title),
        ("id", article.id),
        ("source", f"{article.source} ({article.format})"),
        ("published", article.published.isoformat() if article.published else None),
        ("outlet", article.outlet),
        ("url", article.url),
        ("language", lang),
        ("size", f"{len(article.paragraphs)} paragraphs, {len(article.sentences)} sentences"),
    ):
        meta.add_row(label, escape(value) if value else Text("—", style="dim"))

    removed = Table(title="Removed by cleaning", title_justify="left", expand=True)
    removed.add_column("kind", style="magenta", no_wrap=True)
    removed.add_column("text")
    for span in article.removed:
        removed.add_row(span.kind, Text(span.text))
    if not article.removed:
        removed.add_row("—", Text("nothing removed", style="dim"))

    sentences = Table(title="Sentences and facts", title_justify="left", expand=True)
    sentences.add_column("#", justify="right", style="dim", no_wrap=True)
    sentences.add_column("sentence", ratio=3)
    sentences.add_column("facts", ratio=2)
    for sentence in article.sentences:
        sentences.add_row(str(sentence.i), Text(sentence.text), _facts_summary(sentence.facts))

    header = Text(article.title or article.source, style="bold")
    return Group(Panel(meta, title=header, title_align="left"), removed, sentences)


def print_article(console: Console, article: Article) -> None:
    """Print one article's inspection."""
    console.print(article_view(article))
