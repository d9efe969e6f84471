"""The JSON API: the CLI's jobs over HTTP, each a thin adapter over ``service``.

=================================== ===================================================
``POST /api/compare``               ``storytrace diff --format json`` (ids or texts)
``POST /api/articles``              ``storytrace add`` of one article (token when set)
``GET /api/articles/{id}``          ``storytrace inspect --format json`` of a stored one
``GET /api/articles/{id}/versions`` ``storytrace find --id ID --format json``
``GET /api/stories``                the store's stories
``GET /api/stories/{id}``           one story, its timeline and derivation tree
``GET /api/health``                 liveness and the number of stored articles
=================================== ===================================================

Every POST needs the token when the server has one (always, off loopback), including
``/api/compare``: a comparison of two pasted 2 MB texts costs seconds of CPU, which an
open endpoint would let anyone spend. GETs read what the store's owner put there and
stay open. Ids may hold any character (a JSONL id can be a URL), hence the ``:path``
converters; ``.../versions`` is declared before the bare article route so it wins.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Query, Request, Security
from fastapi.responses import JSONResponse, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from ..display import title_of
from ..render.json import article_to_dict, comparison_to_dict, find_to_dict, story_to_dict
from . import service
from .export import (
    ARTICLE_COLUMNS,
    STORY_COLUMNS,
    VERSION_COLUMNS,
    FormatQuery,
    csv_response,
    story_row,
)
from .schemas import AddArticle, AddResult, CompareRequest, ErrorBody, Health
from .state import get_state

bearer = HTTPBearer(
    auto_error=False,
    description="The token the server was started with (--token or STORYTRACE_TOKEN).",
)


async def require_token(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Security(bearer)],
) -> None:
    """Refuse a write without the right token, when the server has one."""
    get_state(request).check_token(credentials.credentials if credentials else None)


def _errors(*statuses: int) -> dict[int | str, dict[str, Any]]:
    described = {
        400: "Bad input: the body is not JSON, or an article cannot be read",
        401: "A token is required (Authorization: Bearer TOKEN)",
        403: "The token is wrong",
        404: "No stored article or story has this id",
        413: "The request body is over the size limit",
        501: "Needs a feature this server does not have",
    }
    return {s: {"model": ErrorBody, "description": described[s]} for s in statuses}


_JSON_OBJECT: dict[str, Any] = {"application/json": {"schema": {"type": "object"}}}

_ALREADY_STORED: dict[int | str, dict[str, Any]] = {
    200: {"model": AddResult, "description": "Already stored: nothing was written"}
}

router = APIRouter(prefix="/api", tags=["api"])


@router.post(
    "/compare",
    summary="Compare two versions: the diff JSON contract",
    description=(
        'Each side is a stored article ({"id": ...}) or a text ({"text": ..., '
        '"title": ..., ...}). Returns exactly what storytrace diff --format json prints: '
        "relation, direction and their evidence, coverage, and every aligned unit with its "
        "typed changes."
    ),
    response_model=None,
    responses={
        200: {"description": "The diff JSON contract", "content": _JSON_OBJECT},
        **_errors(400, 401, 403, 404, 413, 501),
    },
    dependencies=[Depends(require_token)],
)
async def compare_endpoint(body: CompareRequest, request: Request) -> JSONResponse:
    state = get_state(request)
    encoder = state.encoder(body.encoder)
    # the dict is built on the worker too: it is CPU work, kept off the event loop
    diff = await state.workers.read(
        lambda store: comparison_to_dict(
            service.compare_sides(
                store, body.a, body.b, encoder=encoder, max_chars=state.options.max_compare
            )
        )
    )
    return JSONResponse(diff)


@router.post(
    "/articles",
    summary="Store an article",
    description=(
        "Reads the text (a first line date YYYY-MM-DD Title is read as date and title), stores it "
        "and answers 201 with its id; an article stored before is not stored again: 200 "
        "with the existing id and already_stored true."
    ),
    status_code=201,
    response_model=AddResult,
    responses={**_ALREADY_STORED, **_errors(400, 401, 403, 413)},
    dependencies=[Depends(require_token)],
)
async def add_endpoint(body: AddArticle, request: Request) -> JSONResponse:
    state = get_state(request)
    added = await state.workers.write(lambda store: service.add_article(store, body))
    result = AddResult(
        id=added.id,
        already_stored=added.already_stored,
        title=added.title,
        url=service_url(added.id),
    )
    return JSONResponse(result.model_dump(), status_code=200 if added.already_stored else 201)


def service_url(article_id: str) -> str:
    """The API address of a stored article."""
    return "/api/articles/" + quote(article_id, safe="")


@router.get(
    "/articles/{article_id:path}/versions",
    summary="Every stored version of a stored article (find)",
    description="What storytrace find --id ID --format json prints, best first.",
    response_model=None,
    responses={200: {"description": "The find JSON", "content": _JSON_OBJECT}, **_errors(404)},
)
async def versions_endpoint(
    article_id: str,
    request: Request,
    limit: Annotated[int, Query(ge=1, le=100, description="At most this many.")] = 10,
    stories: Annotated[
        bool, Query(description="Also list reports of the same event and related ones.")
    ] = False,
    format: FormatQuery = "json",
) -> Response:
    state = get_state(request)
    found = await state.workers.read(
        lambda store: find_to_dict(
            service.versions(store, article_id, limit=limit, stories=stories)
        )
    )
    if format == "csv":
        return csv_response(found["versions"], VERSION_COLUMNS, f"versions-{article_id}")
    return JSONResponse(found)


@router.get(
    "/articles/{article_id:path}",
    summary="A stored article with its facts",
    description="Metadata, removed boilerplate, sentences and their facts (as inspect).",
    response_model=None,
    responses={200: {"description": "The article", "content": _JSON_OBJECT}, **_errors(404)},
)
async def article_endpoint(article_id: str, request: Request) -> JSONResponse:
    state = get_state(request)
    article = await state.workers.read(lambda store: article_to_dict(store.get(article_id)))
    return JSONResponse(article)


@router.get(
    "/stories",
    summary="The stories of the store",
    response_model=None,
    responses={
        200: {"description": '{"stories": [...], "count": n}', "content": _JSON_OBJECT},
        **_errors(501),
    },
)
async def stories_endpoint(
    request: Request,
    since: Annotated[
        dt.date | None, Query(description="Only stories with an article since this date.")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=500, description="At most this many stories.")] = 100,
    offset: Annotated[int, Query(ge=0, description="Skip this many stories first.")] = 0,
    format: FormatQuery = "json",
) -> Response:
    state = get_state(request)
    found, total = await state.workers.fresh(  # brought up to date first, within a bound
        lambda store: (
            [story_to_dict(s) for s in service.stories(store, since, limit=limit, offset=offset)],
            service.story_count(store, since),
        )
    )
    if format == "csv":
        return csv_response([story_row(s) for s in found], STORY_COLUMNS, "stories")
    return JSONResponse(_page_of("stories", found, total, limit, offset))


def _page_of(key: str, items: list[Any], total: int, limit: int, offset: int) -> dict[str, Any]:
    """One page of a list: its items, how many there are, and where the next page is."""
    following = offset + limit if offset + limit < total else None
    return {
        key: items,
        "count": len(items),
        "total": total,
        "limit": limit,
        "offset": offset,
        "next_offset": following,
    }


@router.get(
    "/articles",
    summary="The stored articles, newest first",
    response_model=None,
    responses={200: {"description": '{"articles": [...], "total": n}', "content": _JSON_OBJECT}},
)
async def articles_endpoint(
    request: Request,
    limit: Annotated[int, Query(ge=1, le=500, description="At most this many articles.")] = 50,
    offset: Annotated[int, Query(ge=0, description="Skip this many articles first.")] = 0,
    format: FormatQuery = "json",
) -> Response:
    state = get_state(request)
    rows, total = await state.workers.read(
        lambda store: ([listing(a) for a in store.recent(limit, offset)], len(store))
    )
    if format == "csv":
        return csv_response(rows, ARTICLE_COLUMNS, "articles")
    return JSONResponse(_page_of("articles", rows, total, limit, offset))


def listing(article: Any) -> dict[str, Any]:
    """An article as a list shows it: metadata and links, not its sentences."""
    return {
        "id": article.id,
        "title": article.title,
        "display_title": title_of(
            article.title, article.sentences[0].text if article.sentences else "", article.id
        ),
        "published": article.published.isoformat() if article.published else None,
        "outlet": article.outlet,
        "url": article.url,
        "lang": article.lang,
        "href": service_url(article.id),
    }


@router.get(
    "/stories/{story_id:path}",
    summary="One story: its timeline and derivation tree",
    response_model=None,
    responses={200: {"description": "The story", "content": _JSON_OBJECT}, **_errors(404, 501)},
)
async def story_endpoint(story_id: str, request: Request) -> JSONResponse:
    state = get_state(request)
    found = await state.workers.fresh(lambda store: story_to_dict(service.story(store, story_id)))
    return JSONResponse(found)


@router.get("/health", summary="Liveness and the number of stored articles")
async def health_endpoint(request: Request) -> Health:
    state = get_state(request)
    count = await state.workers.read(len)
    return Health(status="ok", articles=count)
