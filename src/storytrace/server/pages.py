"""The pages: server-rendered HTML over the same ``service`` functions as the API.

No page runs JavaScript (the Content-Security-Policy forbids it outright): forms post,
links link, and the story graph is an inline SVG whose edges are plain links.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.datastructures import UploadFile

from ..corpus import Store
from ..model import Article
from ..render.diff_view import DiffView, build_view
from ..render.story_graph import StoryGraph, article_href, layout
from ..stories import Story
from . import pasted, service
from .apidocs import reference
from .errors import HTTPProblem
from .schemas import CompareSide
from .state import ServerState, get_state

router = APIRouter(include_in_schema=False)

RECENT = 20
"""Articles listed on the start page, newest first (a "more" link pages on)."""

PAGE = 50
"""Rows of a listing page (stored articles, stories) unless ``limit`` says."""

Limit = Annotated[int, Query(ge=1, le=500, description="At most this many rows.")]
Offset = Annotated[int, Query(ge=0, description="Skip this many rows first.")]


async def _page(state: ServerState, template: str, **context: object) -> HTMLResponse:
    """Render on a worker thread: a long comparison's page takes milliseconds of CPU
    that would otherwise hold up every other request on the event loop."""
    html = await state.workers.read(
        lambda store: state.page(template, articles_count=len(store), **context)
    )
    return HTMLResponse(html)


def _recent(store: Store) -> list[Article]:
    return store.recent(RECENT + 1)  # one more says whether to offer "more"


@router.get("/favicon.ico", include_in_schema=False)
async def favicon() -> RedirectResponse:
    """Browsers ask for /favicon.ico on pages without a <link rel=icon> (raw JSON)."""
    return RedirectResponse("/static/favicon.svg", status_code=308)


@router.get("/", response_class=HTMLResponse)
async def home(request: Request) -> HTMLResponse:
    state = get_state(request)
    recent = await state.workers.read(_recent)
    return await _page(state, "home.html", recent=recent[:RECENT], more=len(recent) > RECENT)


@router.get("/articles", response_class=HTMLResponse)
async def articles(request: Request, limit: Limit = PAGE, offset: Offset = 0) -> HTMLResponse:
    """Every stored article, newest first, a page at a time."""
    state = get_state(request)
    rows, total = await state.workers.read(lambda store: (store.recent(limit, offset), len(store)))
    paging = service.Paging(total=total, offset=offset, limit=limit, shown=len(rows))
    return await _page(state, "articles.html", rows=rows, paging=paging)


@router.get("/compare", response_class=HTMLResponse)
async def compare_stored(
    request: Request,
    a: Annotated[str, Query(min_length=1, description="A stored article's id.")],
    b: Annotated[str, Query(min_length=1, description="Another stored article's id.")],
    encoder: str | None = None,
) -> HTMLResponse:
    """Two stored articles side by side (links from versions and story edges land here)."""
    state = get_state(request)
    chosen = state.encoder(encoder)
    view = await state.workers.read(
        lambda store: build_view(
            service.compare_sides(
                store,
                CompareSide(id=a),
                CompareSide(id=b),
                encoder=chosen,
                max_chars=state.options.max_compare,
            )
        )
    )
    return await _page(
        state,
        "compare.html",
        view=view,
        a_href=article_href(a),
        b_href=article_href(b),
        permalink=None,
    )


@router.post("/compare", response_class=HTMLResponse)
async def compare_posted(request: Request) -> HTMLResponse:
    """Two pasted or uploaded articles (the start page's form); nothing is stored."""
    state = get_state(request)
    limit = state.options.max_body
    inputs: list[tuple[str, bytes | str]] = []
    # closed on leaving the block: uploads over 1 MB are spooled to temporary files
    async with request.form(max_files=2, max_fields=8, max_part_size=limit) as form:
        token = form.get("token")
        header = request.headers.get("authorization", "")
        bearer = header[7:].strip() if header.lower().startswith("bearer ") else None
        state.check_token(bearer or (token if isinstance(token, str) else None))
        encoder_field = form.get("encoder")
        encoder = state.encoder(encoder_field if isinstance(encoder_field, str) else None)
        for side in ("a", "b"):
            upload = form.get(f"{side}_file")
            text = form.get(f"{side}_text")
            if isinstance(upload, UploadFile) and upload.filename:
                inputs.append((upload.filename, await upload.read()))
            elif isinstance(text, str) and text.strip():
                service.check_size(side.upper(), len(text), state.options.max_compare)
                inputs.append((f"pasted {side.upper()}", text))
            else:
                raise HTTPProblem(
                    400,
                    "MissingInput",
                    f"version {side.upper()} is missing: paste its text or choose a file",
                )

    view = await state.workers.compute(lambda: _pasted_view(state, inputs, encoder))
    key = pasted.keep(state.options.db, inputs, encoder)
    return await _page(
        state, "compare.html", view=view, a_href=None, b_href=None, permalink=_permalink(key)
    )


def _permalink(key: str | None) -> str | None:
    return None if key is None else f"/compare/p/{key}"


def _pasted_view(state: ServerState, inputs: list[pasted.Input], encoder: str | None) -> DiffView:
    limit = state.options.max_body
    articles = []
    for name, content in inputs:
        if isinstance(content, bytes):
            articles.append(service.article_from_upload(name, content, max_bytes=limit))
        else:
            articles.append(service.article_from_text(content, name=name))
    return build_view(
        service.compare_articles(
            articles[0], articles[1], encoder=encoder, max_chars=state.options.max_compare
        )
    )


@router.get("/compare/p/{key}", response_class=HTMLResponse)
async def compare_permalink(request: Request, key: str) -> HTMLResponse:
    """A pasted comparison again, by the permalink its page gave."""
    state = get_state(request)
    kept = pasted.load(state.options.db, key)
    if kept is None:
        raise HTTPProblem(404, "NotFound", f"no pasted comparison {key!r} is kept here")
    inputs, encoder = kept
    view = await state.workers.compute(lambda: _pasted_view(state, inputs, encoder))
    return await _page(
        state, "compare.html", view=view, a_href=None, b_href=None, permalink=_permalink(key)
    )


@router.get("/search", response_model=None)
async def search(request: Request, q: str = "") -> Response:
    """An id goes to its article page; a text lists its versions. (The start page's
    form posts instead, so a pasted article stays out of URLs and logs.)"""
    return await _search(get_state(request), q)


@router.post("/search", response_model=None)
async def search_posted(request: Request) -> Response:
    """The start page's search form: the query in the body, not in the URL."""
    limit = get_state(request).options.max_body
    async with request.form(max_files=0, max_fields=4, max_part_size=limit) as form:
        q = form.get("q")
    return await _search(get_state(request), q if isinstance(q, str) else "")


async def _search(state: ServerState, q: str) -> Response:
    if not q.strip():
        return RedirectResponse("/", status_code=303)
    outcome = await state.workers.read(lambda store: service.search(store, q))
    if outcome.article_id is not None:
        return RedirectResponse(article_href(outcome.article_id), status_code=303)
    return await _page(state, "search.html", query=q, result=outcome.result)


@router.post("/compare/text", response_class=HTMLResponse)
async def compare_text_with_stored(request: Request) -> HTMLResponse:
    """A searched text against one of the versions found (the search page's links)."""
    state = get_state(request)
    limit = state.options.max_body
    async with request.form(max_files=0, max_fields=4, max_part_size=limit) as form:
        text, b_id = form.get("a_text"), form.get("b_id")
    if not isinstance(text, str) or not text.strip() or not isinstance(b_id, str) or not b_id:
        raise HTTPProblem(400, "MissingInput", "give the text (a_text) and a stored id (b_id)")
    service.check_size("A", len(text), state.options.max_compare)
    view = await state.workers.read(
        lambda store: build_view(
            service.compare_sides(
                store,
                CompareSide(text=text),
                CompareSide(id=b_id),
                encoder=state.encoder(None),
                max_chars=state.options.max_compare,
            )
        )
    )
    return await _page(
        state, "compare.html", view=view, a_href=None, b_href=article_href(b_id), permalink=None
    )


@router.get("/articles/{article_id:path}", response_class=HTMLResponse)
async def article(request: Request, article_id: str) -> HTMLResponse:
    state = get_state(request)
    page = await state.workers.read(lambda store: service.article_page(store, article_id))
    return await _page(state, "article.html", page=page)


@router.get("/stories", response_class=HTMLResponse)
async def stories(
    request: Request, since: str = "", limit: Limit = PAGE, offset: Offset = 0
) -> HTMLResponse:
    state = get_state(request)
    day = _date(since)
    found, total = await state.workers.fresh(
        lambda store: (
            service.stories(store, day, limit=limit, offset=offset),
            service.story_count(store, day),
        )
    )
    paging = service.Paging(total=total, offset=offset, limit=limit, shown=len(found))
    return await _page(
        state,
        "stories.html",
        stories=found,
        since=day.isoformat() if day else "",
        paging=paging,
    )


@router.get("/stories/{story_id:path}", response_class=HTMLResponse)
async def story(request: Request, story_id: str) -> HTMLResponse:
    state = get_state(request)
    # the stories are brought up to date first (within a bound); the layout goes along,
    # off the event loop
    found, graph = await state.workers.fresh(
        lambda store: _with_layout(service.story(store, story_id))
    )
    return await _page(state, "story.html", story=found, graph=graph)


def _with_layout(story: Story) -> tuple[Story, StoryGraph]:
    return story, layout(story)


@router.get("/docs", response_class=HTMLResponse)
async def docs(request: Request) -> HTMLResponse:
    state = get_state(request)
    schema = request.app.openapi()
    operations, models = reference(schema)
    return await _page(
        state,
        "docs.html",
        operations=operations,
        models=models,
        openapi_version=schema.get("openapi", ""),
    )


def _date(value: str) -> dt.date | None:
    if not value.strip():
        return None
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise HTTPProblem(
            422, "ValidationError", f"since: {value!r} is not a date; use YYYY-MM-DD"
        ) from None
