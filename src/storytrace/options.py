"""Options objects: stage settings grouped, keyword-only, resolved once.

The CLI maps its flags onto these in one place (``cli.py``); library callers build them
directly. Defaults here are the documented defaults.
"""

from __future__ import annotations

from dataclasses import dataclass

from .errors import ConfigError
from .model import INPUT_FORMATS, InputFormat

DEFAULT_MAX_BYTES = 5 * 1024 * 1024
"""Default size limit for one input's text: 5 MB (``--max-size`` to change)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class ReadOptions:
    """How sources are read.

    Attributes:
        format: force a reader instead of detecting the format from content.
        max_bytes: inputs larger than this (after decompression) are rejected.
        fetch: allow feed readers to fetch an entry's link when the feed carries no text.
            Off by default: storytrace never touches the network unless asked.
    """

    format: InputFormat | None = None
    max_bytes: int = DEFAULT_MAX_BYTES
    fetch: bool = False

    def __post_init__(self) -> None:
        if self.format is not None and self.format not in INPUT_FORMATS:
            raise ConfigError(
                f"unknown format {self.format!r}; choose one of {', '.join(INPUT_FORMATS)}"
            )
        if self.max_bytes <= 0:
            raise ConfigError(f"max_bytes must be positive, got {self.max_bytes}")
