"""The FastAPI app of ``storytrace serve``: routes, the one error handler, the guards.

``create_app(options)`` builds a ready app (the store is opened once here, and
created when missing, so a bad ``--db`` fails before the server listens). Layers, from
the outside in:

- ``guard.Guard``: host check, cross-origin check, body size limit, security headers;
- the error handler: every exception becomes the one error shape (``errors.py``),
  JSON for the API and for clients that do not ask for HTML, a page for browsers;
- the routes: ``api.py`` (JSON, in the OpenAPI schema) and ``pages.py`` (HTML);
- ``workers.StoreWorkers``: the store work, off the event loop.

The OpenAPI schema is served at ``/openapi.json`` and described at ``/docs`` by a page
rendered here (``apidocs.py`` says why not Swagger UI).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.utils import get_openapi
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from .. import __version__
from ..corpus import Store
from ..errors import ConfigError, StorytraceError
from ..render.html import STATIC, TEMPLATES, environment
from ..render.json import error_to_dict
from . import api, changes, pages
from .errors import HTTPProblem, describe, validation_problem
from .guard import Guard, wants_html
from .options import ServerOptions
from .state import ServerState, get_state
from .workers import StoreWorkers

DESCRIPTION = (
    "Find every version of a news story and explain exactly how the versions differ. "
    'Every error answers {"error": {"type", "message", "status"}}.'
)


def create_app(options: ServerOptions | None = None) -> FastAPI:
    """The app over ``options.db`` (created, empty, when missing).

    Raises:
        StoreError: the file is not a storytrace store, or a newer one.
    """
    opts = options or ServerOptions()
    if not (TEMPLATES / "base.html").is_file():
        # a wheel built without the package data: say so instead of failing per page
        raise ConfigError(
            f"the web UI's templates are missing from this installation ({TEMPLATES}); "
            "install storytrace with them (pip install -e . from a checkout)"
        )
    # creates the store when missing; refuses a file that is not one; a store that
    # cannot be written is served read-only
    with Store(opts.db, read_only=None) as store:
        read_only = store.read_only
    workers = StoreWorkers(
        opts.db, readers=opts.workers, read_only=read_only, stories_wait=opts.stories_wait
    )
    state = ServerState(options=opts, workers=workers, env=environment())

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        # One BLAS thread for the whole process, set once: storytrace's per-call limit
        # (``_blas.one_blas_thread``) restores the previous setting on exit, and with
        # calls overlapping on several threads "previous" would be anyone's.
        from threadpoolctl import threadpool_limits

        limits = threadpool_limits(limits=1, user_api="blas")
        try:
            yield
        finally:
            workers.close()
            limits.restore_original_limits()

    app = FastAPI(
        title="storytrace",
        version=__version__,
        description=DESCRIPTION,
        docs_url=None,
        redoc_url=None,
        openapi_url="/openapi.json",
        lifespan=lifespan,
    )
    app.state.storytrace = state
    app.include_router(api.router)
    app.include_router(changes.router)
    app.include_router(pages.router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    for exc_class in (
        StorytraceError,
        HTTPProblem,
        StarletteHTTPException,
        RequestValidationError,
        Exception,
    ):
        app.add_exception_handler(exc_class, _handle)
    app.add_middleware(
        Guard,
        max_body=opts.max_body,
        loopback_only=opts.loopback,
        render_html=state.error_page,
    )

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = _openapi(app)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
    return app


async def _handle(request: Request, exc: Exception) -> Response:
    """The one error handler: any exception to the one shape (page or JSON)."""
    if isinstance(exc, RequestValidationError):
        exc = validation_problem(exc.errors())
    status, type_name, message, headers = describe(exc)
    state = get_state(request)
    # the library names the store by its path; a client needs no more than its name
    message = message.replace(str(state.options.db), state.options.db.name)
    if wants_html(request.headers, request.url.path):
        page = state.error_page(status, type_name, message)
        return HTMLResponse(page, status_code=status, headers=headers)
    return JSONResponse(
        error_to_dict(status, type_name, message), status_code=status, headers=headers
    )


def _openapi(app: FastAPI) -> dict[str, Any]:
    """FastAPI's schema, with its 422 body replaced by the server's one error shape."""
    schema = get_openapi(
        title=app.title, version=app.version, description=app.description, routes=app.routes
    )
    error_ref = {"$ref": "#/components/schemas/ErrorBody"}
    for item in schema.get("paths", {}).values():
        for operation in item.values():
            responses = operation.get("responses", {})
            if "422" in responses:
                responses["422"] = {
                    "description": "The body or a parameter has the wrong shape",
                    "content": {"application/json": {"schema": error_ref}},
                }
    components = schema.get("components", {}).get("schemas", {})
    for unused in ("HTTPValidationError", "ValidationError"):
        components.pop(unused, None)
    return schema
