"""Text made safe for a terminal: escape sequences and control characters removed.

Article text is data from anywhere; printed raw, ``ESC [ 2 J`` clears the screen and an
OSC sequence can retitle the window or write a link. ``printable`` removes whole escape
sequences (CSI, OSC, two-byte ESC) and then every other C0/C1 control character except
newline and tab. ``SafeConsole`` applies it to every piece of text a rich console writes
or records (rich's own styling is added after, so colours survive).
"""

from __future__ import annotations

import re

from rich.console import Console
from rich.segment import Segment

_ESCAPES = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"  # CSI: ESC [ params intermediates final
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?"  # OSC, ended by BEL or ST (or cut off)
    r"|\x9b[0-?]*[ -/]*[@-~]"  # 8-bit CSI
    r"|\x1b[@-_]?"  # any other ESC, with its one byte
)
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def printable(text: str) -> str:
    """``text`` without escape sequences or control characters (newline and tab kept)."""
    if not _CONTROLS.search(text):
        return text
    return _CONTROLS.sub("", _ESCAPES.sub("", text))


class SafeConsole(Console):
    """A rich ``Console`` whose every text segment goes through ``printable`` before it
    is written (or recorded for ``export_text``); rich's control segments (cursor moves
    of a progress display) pass as they are."""

    def _check_buffer(self) -> None:
        buffer = self._buffer
        for n, segment in enumerate(buffer):
            if segment.control is None and _CONTROLS.search(segment.text):
                buffer[n] = Segment(printable(segment.text), segment.style, None)
        super()._check_buffer()
