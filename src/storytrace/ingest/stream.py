"""Open one input file: transparent gzip, a head for format detection, size limits.

Single-article formats (text, HTML, feeds) are read whole, up to ``max_bytes``.
Collections (JSONL, WARC) are streamed, so a large archive never sits in memory; their
size limit applies per record. Gzip is inflated on the fly, in bounded steps, and a
stream that inflates far beyond what any real text compresses to is stopped as a likely
decompression bomb, whatever the format.

Gzip that is cut short or corrupt is not an error at the point of reading: the stream
simply ends, so the records before the damage are still read, and the damage is
reported once the reader is done (``Opened.take_error``). A truncated download of a
crawl thus yields every article it still holds, then one error.
"""

from __future__ import annotations

import io
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from ..errors import InputError, MalformedInput, TooLarge

if TYPE_CHECKING:
    from _typeshed import WriteableBuffer

GZIP_MAGIC = b"\x1f\x8b"

HEAD_BYTES = 64 * 1024
"""How much of the (decompressed) start of a file format detection looks at."""

MAX_GZIP_RATIO = 100
"""Gzip inflating past this many times its size is refused (unless within max_bytes).

News text compresses about 3-5 to 1, and WARC or JSONL with repeated markup about 10 to 1;
a gzip bomb inflates by a thousand or more.
"""

_CHUNK = 64 * 1024


def too_large(source: str, limit: int, *, what: str = "the input") -> TooLarge:
    """The one TooLarge message: the limit, and the flag that raises it."""
    return TooLarge(
        source, f"{what} is over the size limit of {human_size(limit)}; raise it with --max-size"
    )


def human_size(size: int) -> str:
    """A byte count as ``--max-size`` reads it (binary units: 1 MB = 1024 KB)."""
    for unit, factor in (("GB", 1024**3), ("MB", 1024**2), ("KB", 1024)):
        if size >= factor:
            return f"{size / factor:.1f} {unit} ({size:,} bytes)"
    return f"{size:,} bytes"


@dataclass(frozen=True, slots=True)
class Opened:
    """An input file ready to read.

    Attributes:
        stream: the content, inflated when the file is gzip, from its start.
        head: the first ``HEAD_BYTES`` of the content, for format detection.
        compressed: whether the file is gzip.
        source: names the file in errors.
    """

    stream: BinaryIO
    head: bytes
    compressed: bool
    source: str
    inflater: _Gunzip | None = None

    def read_all(self, max_bytes: int) -> bytes:
        """The whole content, or TooLarge when it is over ``max_bytes``.

        Reads one byte past the limit rather than trusting the file size: with gzip the
        size on disk says nothing about the size inflated.

        Raises:
            TooLarge: over the limit.
            MalformedInput: gzip that is cut short or corrupt.
        """
        data = self.stream.read(max_bytes + 1)
        if len(data) > max_bytes:
            what = "the decompressed input" if self.compressed else "the file"
            raise too_large(self.source, max_bytes, what=what)
        error = self.take_error()
        if error is not None:
            raise error
        return data

    @property
    def damaged(self) -> bool:
        """Whether gzip damage was found and not yet taken (see ``take_error``)."""
        return self.inflater is not None and self.inflater.error is not None

    def take_error(self) -> InputError | None:
        """The damage found in gzip data so far (once; later calls give None)."""
        if self.inflater is None:
            return None
        error, self.inflater.error = self.inflater.error, None
        return error


@contextmanager
def open_input(path: Path, source: str, max_bytes: int) -> Iterator[Opened]:
    """Open ``path`` for reading; see ``Opened``.

    Raises:
        OSError: the file cannot be opened (the caller names the reason).
    """
    with path.open("rb") as raw:
        if raw.read(2) != GZIP_MAGIC:
            raw.seek(0)
            head = raw.read(HEAD_BYTES)
            raw.seek(0)
            yield Opened(stream=raw, head=head, compressed=False, source=source)
            return
        raw.seek(0, io.SEEK_END)
        by_ratio = raw.tell() * MAX_GZIP_RATIO
        cap = max(max_bytes, by_ratio)
        what = "the decompressed input"
        if by_ratio > max_bytes:
            what += f" (over {MAX_GZIP_RATIO} times its gzip size: a likely decompression bomb)"
        raw.seek(0)
        head = io.BufferedReader(_Gunzip(raw, cap, source, what)).read(HEAD_BYTES)
        raw.seek(0)
        inflater = _Gunzip(raw, cap, source, what)
        stream = io.BufferedReader(inflater, buffer_size=_CHUNK)
        yield Opened(stream=stream, head=head, compressed=True, source=source, inflater=inflater)


class _Gunzip(io.RawIOBase):
    """Inflate gzip (any number of members) in bounded steps.

    Raises TooLarge past ``cap`` inflated bytes (``what`` says which limit that is).
    Damage (a cut-off member, corrupt data) ends the stream early and is kept in
    ``error`` instead of raised: raising from here would make the buffered reader above
    drop the good bytes it already holds.
    """

    def __init__(self, raw: BinaryIO, cap: int, source: str, what: str) -> None:
        super().__init__()
        self._raw = raw
        self._cap = cap
        self._source = source
        self._what = what
        self._inflater = zlib.decompressobj(wbits=31)
        self._pending = b""  # compressed bytes read but not yet inflated
        self._in_member = False
        self._output = memoryview(b"")
        self._total = 0
        self._done = False
        self.error: InputError | None = None

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: WriteableBuffer, /) -> int:
        while not self._output and not self._done:
            self._inflate_some()
        target = memoryview(buffer).cast("B")
        count = min(len(target), len(self._output))
        target[:count] = self._output[:count]
        self._output = self._output[count:]
        return count

    def _inflate_some(self) -> None:
        """Inflate at most one chunk of output, starting a new member when one ends."""
        if not self._in_member:
            # Some writers pad gzip files with NUL bytes after the last member.
            self._pending = self._pending.lstrip(b"\x00")
        if not self._pending:
            self._pending = self._raw.read(_CHUNK)
            if not self._in_member:
                self._pending = self._pending.lstrip(b"\x00")
            if not self._pending:
                if self._in_member:
                    self._fail("the file ends inside a compressed block (a truncated download?)")
                self._done = True
                return
        try:
            out = self._inflater.decompress(self._pending, _CHUNK)
        except zlib.error as err:
            self._fail(f"corrupt compressed data ({err})")
            return
        self._in_member = True
        self._pending = self._inflater.unconsumed_tail
        if self._inflater.eof:
            self._pending = self._inflater.unused_data + self._pending
            self._inflater = zlib.decompressobj(wbits=31)
            self._in_member = False
        self._total += len(out)
        if self._total > self._cap:
            raise too_large(self._source, self._cap, what=self._what)
        self._output = memoryview(out)

    def _fail(self, reason: str) -> None:
        self.error = MalformedInput(self._source, f"broken gzip data: {reason}")
        self._done = True
