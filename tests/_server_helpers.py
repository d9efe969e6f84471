"""An in-process client of the web server over a store, for the server tests."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx

from storytrace.server import ServerOptions, create_app


@asynccontextmanager
async def serving(db: Path, **options: Any) -> AsyncIterator[httpx.AsyncClient]:
    """The app over ``db`` (lexical encoder), started, with an ASGI client to it."""
    app = create_app(ServerOptions(db=db, encoder="lexical", **options))
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(
            transport=transport, base_url="http://127.0.0.1:8000", timeout=60
        ) as client:
            yield client
