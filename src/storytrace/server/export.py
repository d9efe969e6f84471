"""Every table of the pages as a download: the API's lists also answer ``format=csv``
(one row per item, the columns a spreadsheet wants), beside their JSON."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Annotated, Any, Literal

from fastapi import Query
from fastapi.responses import Response

FormatQuery = Annotated[
    Literal["json", "csv"], Query(description="json (the default), or csv to download a table.")
]

ARTICLE_COLUMNS = ("id", "display_title", "title", "published", "outlet", "url", "lang")
STORY_COLUMNS = (
    "id",
    "title",
    "articles",
    "first_published",
    "last_published",
    "outlets",
    "languages",
)
VERSION_COLUMNS = (
    "id",
    "relation",
    "score",
    "story_similarity",
    "direction",
    "direction_confidence",
    "title",
    "outlet",
    "published",
    "lang",
)


def story_row(story: dict[str, Any]) -> dict[str, Any]:
    """A story's JSON as one CSV row."""
    dates = sorted(a["published"] for a in story.get("articles", []) if a.get("published"))
    return {
        "id": story["id"],
        "title": story.get("title"),
        "articles": len(story.get("articles", [])),
        "first_published": dates[0] if dates else None,
        "last_published": dates[-1] if dates else None,
        "outlets": "; ".join(story.get("outlets", [])),
        "languages": "; ".join(story.get("languages", [])),
    }


def csv_response(rows: Iterable[dict[str, Any]], columns: Sequence[str], name: str) -> Response:
    """``rows`` as a CSV attachment named ``name``.csv (UTF-8, a header row first)."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(columns), extrasaction="ignore")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: _cell(row.get(k)) for k in columns})
    safe = "".join(c if c.isalnum() or c in "-_" else "_" for c in name)[:80] or "table"
    return Response(
        out.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{safe}.csv"'},
    )


def _cell(value: Any) -> Any:
    """A value for a spreadsheet: a formula-looking text is quoted so that no
    spreadsheet runs it (CSV injection), lists joined."""
    if isinstance(value, list | tuple):
        value = "; ".join(str(v) for v in value)
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value
