"""Start the server: check the extra is installed, build the app, run uvicorn."""

from __future__ import annotations

import importlib.util
from collections.abc import Callable

from ..errors import MissingDependency
from .options import ServerOptions

REQUIRED: tuple[tuple[tuple[str, ...], str], ...] = (
    (("fastapi",), "fastapi"),
    (("uvicorn",), "uvicorn"),
    # python-multipart (form posts) is imported as python_multipart since 0.0.13
    (("python_multipart", "multipart"), "python-multipart"),
)
"""(import names, package) of the ``server`` extra."""


def check_extra() -> None:
    """Raise ``MissingDependency`` naming ``storytrace[server]`` if a package is missing.

    Looked up without importing, so the check is cheap and says which one is absent.
    """
    for modules, package in REQUIRED:
        if not any(importlib.util.find_spec(m) is not None for m in modules):
            raise MissingDependency("storytrace serve", "server", package)


def serve(options: ServerOptions, *, announce: Callable[[str], None] | None = None) -> None:
    """Serve ``options.db`` until interrupted (Ctrl-C).

    Args:
        options: where and how to serve.
        announce: hears one line once the app is built, before it listens.

    Raises:
        MissingDependency: the ``server`` extra is not installed.
        StoreError: ``options.db`` is not a storytrace store.
    """
    check_extra()
    import uvicorn

    from ..corpus import Store
    from ..encode import get_encoder
    from .app import create_app

    # Load the comparisons' encoder now: an unknown name fails here, as one line, and
    # the first request does not wait seconds for USE's weights.
    get_encoder(options.encoder)
    app = create_app(options)
    if announce is not None:
        with Store(options.db, create=False) as store:
            count = len(store)
        where = f"http://{_url_host(options.host)}:{options.port}"
        token = "; POSTs need the token" if options.token_required else ""
        announce(
            f"serving {options.db} ({count:,} article{'' if count == 1 else 's'}) at {where}"
            f"{token} · API at {where}/docs · Ctrl-C to stop"
        )
    config = uvicorn.Config(
        app,
        host=options.host,
        port=options.port,
        log_level="info",
        server_header=False,
        proxy_headers=False,
        # beyond this many open connections uvicorn answers 503 rather than queueing
        limit_concurrency=128,
        timeout_graceful_shutdown=10,
    )
    uvicorn.Server(config).run()


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host and not host.startswith("[") else host
