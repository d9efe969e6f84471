"""ASGI middleware that guards every request before the app sees it.

Four checks, in order, each answered with the one error shape (``errors.py``):

1. **Host header** (loopback servers only): a request whose ``Host`` is not a loopback
   name is refused (400 ``HostNotAllowed``). A page on another site can make a browser
   resolve its own domain to 127.0.0.1 (DNS rebinding) and then talk to this server as
   if same-origin; checking ``Host`` stops that, as Jupyter and Starlette's
   ``TrustedHostMiddleware`` do.
2. **Origin of unsafe methods**: a POST whose ``Origin`` header names another origin
   (or ``null``) is refused (403 ``CrossOrigin``), so another site cannot submit a form
   to this server in a user's browser (CSRF). Clients that send no ``Origin`` (curl,
   scripts) are not affected; browsers always send it on POST.
3. **Body size**: a ``Content-Length`` over the limit gets 413 ``PayloadTooLarge``
   without a byte of the body being read; a chunked body is read up to the limit and
   refused as soon as it passes it, so memory stays bounded by ``max_body``.
4. **Response headers**: every response gets a Content-Security-Policy that allows no
   script at all (the UI needs none) and loads nothing from elsewhere, plus
   ``nosniff``, ``frame-ancestors 'none'`` and a same-origin referrer policy. If some
   article text ever slipped past escaping, the browser would still not run it.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .errors import error_bytes
from .options import human_size, is_loopback

CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
    "base-uri 'none'; frame-ancestors 'none'"
)
"""No script-src: no JavaScript runs on any page, inline or not."""

SECURITY_HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"content-security-policy", CSP.encode("ascii")),
    (b"x-content-type-options", b"nosniff"),
    # same-origin, not no-referrer: with no-referrer a browser sends "Origin: null" on
    # form posts, which check 2 must refuse.
    (b"referrer-policy", b"same-origin"),
    (b"x-frame-options", b"DENY"),
)

_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

HtmlRenderer = Callable[[int, str, str], str]
"""(status, type, message) -> an HTML error page, for requests that want HTML."""


def wants_html(headers: Headers, path: str) -> bool:
    """Whether to answer an error with a page: a browser asking for a page, not the API."""
    if path.startswith("/api/") or path == "/openapi.json":
        return False
    return "text/html" in headers.get("accept", "")


def host_name(host_header: str) -> str:
    """The name part of a ``Host`` header (``[::1]:8000`` -> ``::1``)."""
    host = host_header.strip()
    if host.startswith("["):
        return host[1 : host.find("]")] if "]" in host else host
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


class Guard:
    """The checks of the module docstring around an ASGI app.

    Args:
        app: the app to guard.
        max_body: the largest request body accepted, in bytes.
        loopback_only: refuse ``Host`` headers that are not loopback names.
        render_html: builds the error page for browsers (JSON otherwise).
    """

    def __init__(
        self,
        app: ASGIApp,
        *,
        max_body: int,
        loopback_only: bool,
        render_html: HtmlRenderer | None = None,
    ) -> None:
        self.app = app
        self.max_body = max_body
        self.loopback_only = loopback_only
        self.render_html = render_html

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        path: str = scope.get("path", "")

        async def refuse(status: int, type_name: str, message: str) -> None:
            await self._error(send, headers, path, status, type_name, message)

        host = headers.get("host", "")
        if self.loopback_only and not is_loopback(host_name(host)):
            await refuse(
                400,
                "HostNotAllowed",
                f"this server listens on loopback only and does not answer for host {host!r}",
            )
            return
        method = scope.get("method", "GET")
        origin = headers.get("origin")
        if method not in _SAFE_METHODS and origin is not None and not _same_origin(origin, host):
            await refuse(
                403, "CrossOrigin", f"a {method} from another origin ({origin}) is refused"
            )
            return
        length = headers.get("content-length")
        if length is not None:
            if not length.strip().isdigit():
                await refuse(400, "BadRequest", f"Content-Length {length!r} is not a number")
                return
            if int(length) > self.max_body:
                await refuse(413, "PayloadTooLarge", self._too_large(int(length)))
                return
            await self.app(scope, receive, _with_headers(send))
            return
        if method in _SAFE_METHODS:
            await self.app(scope, receive, _with_headers(send))
            return
        # A body without Content-Length (chunked): read it here, up to the limit.
        chunks: list[Message] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                chunks.append(message)
                break
            size += len(message.get("body", b""))
            if size > self.max_body:
                await refuse(413, "PayloadTooLarge", self._too_large(None))
                return
            chunks.append(message)
            if not message.get("more_body", False):
                break

        async def replay() -> Message:
            return chunks.pop(0) if chunks else await receive()

        await self.app(scope, replay, _with_headers(send))

    def _too_large(self, size: int | None) -> str:
        got = f" ({human_size(size)})" if size is not None else ""
        return (
            f"the request body{got} is over the server's limit of {human_size(self.max_body)}; "
            "send less, or start the server with a larger --max-body"
        )

    async def _error(
        self, send: Send, headers: Headers, path: str, status: int, type_name: str, message: str
    ) -> None:
        if self.render_html is not None and wants_html(headers, path):
            body = self.render_html(status, type_name, message).encode("utf-8")
            content_type = b"text/html; charset=utf-8"
        else:
            body = error_bytes(status, type_name, message)
            content_type = b"application/json"
        response_headers = [
            (b"content-type", content_type),
            (b"content-length", str(len(body)).encode("ascii")),
            # the body was not read: the connection cannot be reused
            (b"connection", b"close"),
            *SECURITY_HEADERS,
        ]
        await send({"type": "http.response.start", "status": status, "headers": response_headers})
        await send({"type": "http.response.body", "body": body})


def _same_origin(origin: str, host: str) -> bool:
    if origin == "null" or not host:
        return False
    parts = urlsplit(origin)
    return parts.scheme in ("http", "https") and parts.netloc.lower() == host.strip().lower()


def _with_headers(send: Send) -> Send:
    async def wrapped(message: Message) -> None:
        if message["type"] == "http.response.start":
            present = {name.lower() for name, _ in message.get("headers", [])}
            extra = [(k, v) for k, v in SECURITY_HEADERS if k not in present]
            message = {**message, "headers": [*message.get("headers", []), *extra]}
        await send(message)

    return wrapped


__all__ = ["CSP", "SECURITY_HEADERS", "Guard", "host_name", "wants_html"]
