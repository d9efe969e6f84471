"""Shared fixtures: the seed pair, the external corpus under ../shared/data, read helpers."""

from __future__ import annotations

import html
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from storytrace.errors import InputError
from storytrace.ingest import iter_raw
from storytrace.model import RawArticle
from storytrace.options import ReadOptions

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "examples" / "seed-pair"
# CI checks out ../shared beside the clone; locally it sits at the same place.
SHARED_DATA = ROOT.parent / "shared" / "data"

ReadAll = Callable[..., tuple[list[RawArticle], list[InputError]]]
HtmlPage = Callable[..., str]


@pytest.fixture
def seed_dir() -> Path:
    """The folder holding the seed pair a.txt and b.txt."""
    return SEED


@pytest.fixture
def read_all() -> ReadAll:
    """``read_all(source, **ReadOptions fields)`` -> (articles, errors), fully consumed."""

    def read(source: str | Path, **options: Any) -> tuple[list[RawArticle], list[InputError]]:
        articles: list[RawArticle] = []
        errors: list[InputError] = []
        for item in iter_raw(source, ReadOptions(**options)):
            if isinstance(item, InputError):
                errors.append(item)
            else:
                articles.append(item)
        return articles, errors

    return read


@pytest.fixture(scope="session")
def ecb_path() -> Path:
    """The ECB+ corpus as JSON Lines (real news articles); skips when absent."""
    path = SHARED_DATA / "ecbplus" / "ecbplus_docs_train_dev.jsonl"
    if not path.exists():
        pytest.skip(f"external data not found at {path}")
    return path


@pytest.fixture(scope="session")
def ecb_articles(ecb_path: Path) -> list[dict[str, str]]:
    """A few multi-paragraph ECB+ articles: doc_id, text, source_url."""
    path = ecb_path
    docs = []
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            doc = json.loads(line)
            # Multi-paragraph articles only: they show whether paragraphs survive.
            if doc["text"].count("\n") >= 4 and len(doc["text"]) > 800:
                docs.append(doc)
            if len(docs) == 8:
                break
    return docs


@pytest.fixture
def html_page() -> HtmlPage:
    """``html_page(title, paragraphs, date=, site=, url=, lang=, extra_body=)``: a news
    page with navigation, a script, a footer and the article among them."""

    def page(
        title: str,
        paragraphs: list[str],
        *,
        date: str | None = None,
        site: str | None = None,
        url: str | None = None,
        lang: str | None = "en",
        extra_body: str = "",
    ) -> str:
        meta = []
        if date:
            meta.append(f'<meta property="article:published_time" content="{date}">')
        if site:
            meta.append(f'<meta property="og:site_name" content="{html.escape(site)}">')
        if url:
            meta.append(f'<link rel="canonical" href="{html.escape(url)}">')
        body = "\n".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
        lang_attr = f' lang="{lang}"' if lang else ""
        return f"""<!DOCTYPE html>
<html{lang_attr}><head><meta charset="utf-8"><title>{html.escape(title)}</title>
{"".join(meta)}
<script>window.tracker = "TRACKER-SCRIPT-TEXT";</script>
<style>.x {{ color: red }}</style></head>
<body><nav><ul><li><a href="/">Home</a></li><li><a href="/world">World</a></li>
<li><a href="/sport">Sport</a></li></ul></nav>
<main><article><h1>{html.escape(title)}</h1>
{body}
<script>document.write("INLINE-SCRIPT-TEXT")</script>
{extra_body}
</article></main>
<footer><p>Copyright 2025. All rights reserved. Terms of use. Privacy policy.</p></footer>
</body></html>"""

    return page
