"""One error shape for every error the server answers, mapped in one place.

Every failure, whatever raised it, reaches the client as::

    {"error": {"type": "NotFound", "message": "...", "status": 404}}

``type`` is the storytrace exception class (``NotFound``, ``EmptyInput``...) for errors
the library raised on purpose, and a fixed name for the HTTP layer's own
(``InvalidJSON``, ``ValidationError``, ``PayloadTooLarge``, ``TokenRequired``,
``TokenInvalid``...). Pages get the same fields in an HTML page instead, when the
client asks for HTML (a browser does; an API client does not): see ``wants_html``.
The message of an unexpected exception is never sent (it may hold paths or data);
the client gets "internal error" and the log gets the traceback.

Modelled on datasette's ``handle_exception`` / ``error_body``: exceptions carry their
status, one handler renders them.
"""

from __future__ import annotations

import http
import json
import logging
from collections.abc import Sequence
from typing import Any

from ..errors import StorytraceError
from ..render.json import error_to_dict

log = logging.getLogger("storytrace.server")


class HTTPProblem(Exception):
    """An error of the HTTP layer with its status and type name (not a library error).

    Raised by guards and views; rendered by the same handler as ``StorytraceError``.
    """

    def __init__(
        self, status: int, type_name: str, message: str, headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.type_name = type_name
        self.message = message
        self.headers = headers or {}


def error_bytes(status: int, type_name: str, message: str) -> bytes:
    """The error shape encoded, for middleware that answers before the app runs."""
    return json.dumps(error_to_dict(status, type_name, message), ensure_ascii=False).encode("utf-8")


def status_type(status: int) -> str:
    """A type name for a bare HTTP status: 405 -> ``MethodNotAllowed``."""
    try:
        phrase = http.HTTPStatus(status).phrase
    except ValueError:
        return "HTTPError"
    return "".join(word.capitalize() for word in phrase.replace("-", " ").split())


def describe(exc: BaseException) -> tuple[int, str, str, dict[str, str]]:
    """(status, type, message, headers) of any exception the server may meet."""
    from starlette.exceptions import HTTPException

    if isinstance(exc, HTTPProblem):
        return exc.status, exc.type_name, exc.message, exc.headers
    if isinstance(exc, StorytraceError):
        return exc.status, type(exc).__name__, " ".join(str(exc).split()), {}
    if isinstance(exc, HTTPException):
        message = exc.detail if isinstance(exc.detail, str) else status_type(exc.status_code)
        if exc.status_code == 404 and message == "Not Found":
            message = "no such page or endpoint; the API is listed at /docs"
        return exc.status_code, status_type(exc.status_code), message, dict(exc.headers or {})
    log.error("unexpected error", exc_info=exc)
    return 500, "InternalError", "internal error; the server log has the details", {}


def validation_problem(errors: Sequence[Any]) -> HTTPProblem:
    """A request that failed validation, flattened to ``field: message`` parts.

    A body that is not JSON at all is 400 ``InvalidJSON``; JSON of the wrong shape is
    422 ``ValidationError`` (as FastAPI's own status, so clients see what they expect).
    """
    parts = []
    for error in errors:
        if not isinstance(error, dict):
            parts.append(str(error))
            continue
        if error.get("type") == "json_invalid":
            detail = (error.get("ctx") or {}).get("error", "cannot parse it")
            return HTTPProblem(400, "InvalidJSON", f"the request body is not valid JSON: {detail}")
        where = ".".join(str(p) for p in error.get("loc", ()) if p != "body")
        message = str(error.get("msg", "invalid"))
        parts.append(f"{where}: {message}" if where else message)
    return HTTPProblem(422, "ValidationError", "; ".join(parts) or "invalid request")
