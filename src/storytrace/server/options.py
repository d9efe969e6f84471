"""Settings of ``storytrace serve``, checked once, with no web framework imported.

Kept apart from the app so the CLI can build and check them (and fail with one line)
before FastAPI is even imported, and so tests can build apps with any settings.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from ..errors import ConfigError

DEFAULT_MAX_BODY = 2 * 1024 * 1024
"""Request bodies over 2 MB are refused (413) before they are read in full."""

DEFAULT_MAX_COMPARE = 200_000
"""Characters of text per side of a comparison (about 1,500 news sentences): the
alignment is quadratic in sentences, so a larger pair is refused before analysis."""

TOKEN_ENV = "STORYTRACE_TOKEN"
"""The environment variable ``--token`` falls back to (kept out of the process list)."""

ApiEncoder = Literal["lexical", "use"]
"""Encoders a request may ask for. ``st:NAME_OR_PATH`` is left out on purpose: over
HTTP it would let a caller make the server load any model folder on its disk."""

API_ENCODERS: tuple[ApiEncoder, ...] = ("lexical", "use")

_LOOPBACK_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost"})


def is_loopback(host: str) -> bool:
    """True for ``localhost`` and any 127.0.0.0/8 or ::1 address (brackets allowed).

    ``0.0.0.0`` and ``::`` are not loopback: they bind every interface.
    """
    name = host.strip().strip("[]").lower()
    if name in _LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True, slots=True, kw_only=True)
class ServerOptions:
    """How the server runs.

    Attributes:
        db: the store (an SQLite file); created, empty, when missing.
        host, port: where to listen; 127.0.0.1 by default.
        token: the token write endpoints require (``Authorization: Bearer TOKEN``).
            Required when ``host`` is not a loopback address; when given on loopback it
            is enforced there too.
        max_body: request bodies larger than this many bytes get 413.
        encoder: the sentence encoder of comparisons when a request names none
            (None: the library default, as ``storytrace diff``).
        workers: threads that run store reads and comparisons (each keeps its own
            store connection); writes always go through one more, single, thread.
        stories_wait: seconds a stories request waits for the stories to be brought up
            to date before it lists what is stored (the update goes on regardless).
        max_compare: characters of text per side a comparison accepts; a larger side is
            refused (413) before any analysis.
    """

    db: Path = Path("storytrace.db")
    host: str = "127.0.0.1"
    port: int = 8000
    token: str | None = None
    max_body: int = DEFAULT_MAX_BODY
    encoder: str | None = None
    workers: int = 2
    stories_wait: float = 2.0
    max_compare: int = DEFAULT_MAX_COMPARE

    def __post_init__(self) -> None:
        if self.token is not None and not self.token.strip():
            raise ConfigError("--token is empty; give a token, or leave the option out")
        if self.token is None and not is_loopback(self.host):
            raise ConfigError(
                f"--host {self.host} is not a loopback address, so writes need a token: "
                f"start with --token TOKEN (or set {TOKEN_ENV}), or bind --host 127.0.0.1"
            )
        if self.max_body < 1:
            raise ConfigError(f"--max-body must be positive, got {self.max_body} bytes")
        if not 0 <= self.port <= 65535:
            raise ConfigError(f"--port must be between 0 and 65535, got {self.port}")
        if self.workers < 1:
            raise ConfigError(f"workers must be at least 1, got {self.workers}")

    @property
    def loopback(self) -> bool:
        """Whether the server listens on loopback only."""
        return is_loopback(self.host)

    @property
    def token_required(self) -> bool:
        """Whether write endpoints ask for the token (whenever one is set)."""
        return self.token is not None


def human_size(size: int) -> str:
    """2097152 -> ``2 MB`` (for messages and pages)."""
    for unit, factor in (("GB", 1024**3), ("MB", 1024**2), ("KB", 1024)):
        if size >= factor:
            return (
                f"{size // factor} {unit}" if size % factor == 0 else f"{size / factor:.1f} {unit}"
            )
    return f"{size} bytes"
