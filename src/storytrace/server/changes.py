"""The change feed and the history pages (``storytrace watch``'s results on the web).

=============================== ========================================================
``GET /api/changes``            detected updates, newest first, as JSON, a page at a time
``GET /changes.atom``           the same as an Atom feed, the word diff in each entry
``GET /history/{id}``           the history page of the page a stored version belongs to
=============================== ========================================================

Filters: ``source`` (the watched source), ``host``, ``type`` (a change type: number,
hedge, added, wording ...) and ``min_significance`` (default
``watch.significance.DEFAULT_MIN``: a comma is no alert unless asked for).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from ..corpus import Store
from ..render.change_feed import atom_feed, unit_diffs
from ..render.json import change_to_dict
from ..store.page_tables import ChangeFilter
from ..watch.history import changes, page_history
from ..watch.model import ChangeEntry
from ..watch.significance import DEFAULT_MIN
from .state import get_state

router = APIRouter()

Source = Annotated[str | None, Query(description="Only updates from this watched source.")]
Host = Annotated[str | None, Query(description="Only pages on this host.")]
ChangeType = Annotated[
    str | None, Query(description="Only updates with this change type (number, hedge, ...).")
]
MinSignificance = Annotated[
    float, Query(ge=0.0, le=1.0, description="Only updates at least this significant.")
]
Limit = Annotated[int, Query(ge=1, le=200, description="At most this many updates.")]
Offset = Annotated[int, Query(ge=0, description="Skip this many updates first.")]


def change_filter(
    source: Source = None,
    host: Host = None,
    type: ChangeType = None,
    min_significance: MinSignificance = DEFAULT_MIN,
) -> ChangeFilter:
    """The filter query parameters both feeds take."""
    return ChangeFilter(source, host, type, min_significance)


Filter = Annotated[ChangeFilter, Depends(change_filter)]


def _changes(
    store: Store, which: ChangeFilter, limit: int, offset: int
) -> tuple[list[ChangeEntry], int]:
    return changes(store.repository, which, limit=limit, offset=offset)


@router.get(
    "/api/changes",
    tags=["api"],
    summary="Detected page updates, newest first (storytrace watch)",
    description=(
        "Each update is a later version of a watched page with its typed changes, "
        "significance, sentences added and dropped, and whether the page declared it."
    ),
    response_model=None,
)
async def changes_endpoint(
    request: Request,
    which: Filter,
    limit: Limit = 50,
    offset: Offset = 0,
) -> JSONResponse:
    state = get_state(request)
    entries, total = await state.workers.read(lambda store: _changes(store, which, limit, offset))
    following = offset + limit if offset + limit < total else None
    return JSONResponse(
        {
            "changes": [change_to_dict(e) for e in entries],
            "count": len(entries),
            "total": total,
            "limit": limit,
            "offset": offset,
            "next_offset": following,
        }
    )


@router.get("/changes.atom", include_in_schema=False)
async def changes_atom(
    request: Request,
    which: Filter,
    limit: Limit = 50,
) -> Response:
    state = get_state(request)
    entries, _ = await state.workers.read(lambda store: _changes(store, which, limit, 0))
    base = str(request.base_url).rstrip("/")
    feed = atom_feed(entries, base_url=base, self_url=str(request.url))
    return Response(feed, media_type="application/atom+xml; charset=utf-8")


@router.get("/history/{article_id:path}", response_class=HTMLResponse, include_in_schema=False)
async def history_page(request: Request, article_id: str) -> HTMLResponse:
    """Every version of the page a stored version belongs to, on a timeline, each
    step's word diff."""
    state = get_state(request)

    def render(store: Store) -> str:
        found = page_history(store.repository, article_id)
        steps = [
            (v, unit_diffs(v.comparison) if v.comparison is not None else [])
            for v in found.versions
        ]
        return state.page("history.html", history=found, steps=steps, articles_count=len(store))

    return HTMLResponse(await state.workers.read(render))
