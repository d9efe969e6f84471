"""The one exception tree of storytrace.

Every error storytrace raises on purpose derives from ``StorytraceError``. Adapters map
the tree once: the CLI turns it into one line and an exit code (``cli.py``), the web
service into one JSON error shape. Each class carries structured fields so a caller can
learn *why* without parsing the message.

    StorytraceError
    ├── InputError                 a source could not be read          (exit 2, HTTP 400)
    │   ├── EmptyInput             nothing to read, or nothing left after cleaning
    │   ├── BinaryInput            the bytes are not text
    │   ├── DecodeError            text in an encoding we cannot decode
    │   ├── TooLarge               over the size limit
    │   ├── MalformedInput         broken HTML, feed, JSONL line or WARC record
    │   └── UnsupportedFormat      a format name we do not know
    ├── StoreError                 a store that cannot be opened or written  (exit 2, HTTP 409)
    ├── NotFound                   a path or stored id that does not exist (exit 2, HTTP 404)
    ├── ConfigError                an option value that cannot work         (exit 2, HTTP 400)
    └── MissingDependency          an optional extra is not installed       (exit 3, HTTP 501)
"""

from __future__ import annotations


class StorytraceError(Exception):
    """Root of every error storytrace raises on purpose."""

    status: int = 500
    """The HTTP status the web service answers with."""

    exit_code: int = 1
    """The exit code the CLI ends with."""


class InputError(StorytraceError):
    """A source could not be read. ``source`` names it, ``reason`` says why."""

    status = 400
    exit_code = 2

    def __init__(self, source: str, reason: str) -> None:
        super().__init__(f"{source}: {reason}")
        self.source = source
        self.reason = reason


class EmptyInput(InputError):
    """The source holds no text, or nothing is left once boilerplate is removed."""


class BinaryInput(InputError):
    """The bytes are not text in any encoding we read (NUL bytes, control codes)."""


class DecodeError(InputError):
    """Text that cannot be decoded; the message names the encodings tried."""


class TooLarge(InputError):
    """The source is over the size limit; the message gives the limit and the flag."""


class MalformedInput(InputError):
    """A broken HTML page, feed, JSONL line or WARC record."""


class UnsupportedFormat(InputError):
    """A format name we do not know; the message lists the valid ones."""


class StoreError(StorytraceError):
    """A store that cannot be opened or written: not a store, a newer schema, locked.

    ``path`` names the database file, ``reason`` says why; nothing in it was changed.
    """

    status = 409
    exit_code = 2

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


class NotFound(StorytraceError):
    """A path or stored id that does not exist."""

    status = 404
    exit_code = 2


class ConfigError(StorytraceError):
    """An option value that cannot work; the message says which values can."""

    status = 400
    exit_code = 2


class MissingDependency(StorytraceError):
    """An optional feature was asked for but its extra is not installed."""

    status = 501
    exit_code = 3

    def __init__(self, feature: str, extra: str, module: str) -> None:
        super().__init__(
            f"{feature} needs the optional package {module!r}: pip install 'storytrace[{extra}]'"
        )
        self.feature = feature
        self.extra = extra
        self.module = module
