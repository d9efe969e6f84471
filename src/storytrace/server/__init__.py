"""``storytrace serve``: a web UI and JSON API over a store (the ``server`` extra).

Importing this package is cheap and needs no web framework: ``ServerOptions`` and
``serve`` are plain; ``create_app`` imports FastAPI when first asked for, so a missing
extra is reported by ``serve`` as one line naming ``pip install 'storytrace[server]'``.

    from storytrace.server import ServerOptions, create_app
    app = create_app(ServerOptions(db=Path("storytrace.db")))   # an ASGI app
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .options import DEFAULT_MAX_BODY, ServerOptions, is_loopback
from .run import check_extra, serve

if TYPE_CHECKING:
    from .app import create_app

__all__ = ["DEFAULT_MAX_BODY", "ServerOptions", "check_extra", "create_app", "is_loopback", "serve"]


def __getattr__(name: str) -> Any:
    if name == "create_app":
        check_extra()
        from .app import create_app

        return create_app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
