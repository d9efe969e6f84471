"""What every view needs, kept on the app: settings, the workers, the page renderer."""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from typing import Any, cast

import jinja2
from starlette.requests import Request

from .errors import HTTPProblem
from .options import API_ENCODERS, ServerOptions, human_size
from .workers import StoreWorkers


@dataclass(frozen=True, slots=True)
class ServerState:
    """The server's settings and machinery (one per app)."""

    options: ServerOptions
    workers: StoreWorkers
    env: jinja2.Environment

    def page(self, template: str, **context: Any) -> str:
        """A page rendered with the context every page shares."""
        base = {
            "articles_count": None,
            "token_required": self.options.token_required,
            "max_body": human_size(self.options.max_body),
            "default_encoder": self.options.encoder,
            "db_name": self.options.db.name,
        }
        return self.env.get_template(template).render({**base, **context})

    def error_page(self, status: int, type_name: str, message: str) -> str:
        """The HTML twin of the JSON error shape."""
        return self.page("error.html", status=status, type=type_name, message=message)

    def check_token(self, given: str | None) -> None:
        """Let a write through, or refuse it: 401 without a token, 403 with a wrong one.

        Compared in constant time (``hmac.compare_digest``), so response timing does
        not reveal how much of a guess was right.
        """
        token = self.options.token
        if token is None:
            return
        if not given:
            raise HTTPProblem(
                401,
                "TokenRequired",
                "this server requires a token for this request: send "
                "'Authorization: Bearer TOKEN' (the token the server was started with)",
                headers={"WWW-Authenticate": 'Bearer realm="storytrace"'},
            )
        if not hmac.compare_digest(given.encode("utf-8"), token.encode("utf-8")):
            raise HTTPProblem(403, "TokenInvalid", "the token is not the one this server uses")

    def encoder(self, asked: str | None) -> str | None:
        """The encoder of a comparison: the one asked for, else the server's default."""
        if asked is None or not asked.strip():
            return self.options.encoder
        if asked not in API_ENCODERS:
            raise HTTPProblem(
                422,
                "ValidationError",
                f"encoder: unknown encoder {asked!r}; choose one of {', '.join(API_ENCODERS)}",
            )
        return asked


def get_state(request: Request) -> ServerState:
    """The state of the app serving ``request``."""
    return cast(ServerState, request.app.state.storytrace)


__all__ = ["ServerState", "get_state"]
