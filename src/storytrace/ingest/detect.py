"""Tell the format of an input from its first bytes (after gzip is undone).

Content decides, not the file name: crawls save pages as ``.txt`` or with no extension,
and feeds arrive as ``.xml``, ``.php`` or nothing at all. The one use of the name is a
tie-break: a ``.jsonl`` file whose first line is broken JSON is still JSON Lines, so its
bad line is reported as such instead of the whole file being read as prose.
"""

from __future__ import annotations

import codecs
import json
import re

from ..model import InputFormat
from .decode import strip_bom
from .stream import HEAD_BYTES

_JSONL_SUFFIXES = (".jsonl", ".ndjson", ".jsonl.gz", ".ndjson.gz")

# Feeds: the root element of RSS 0.9x/2.0, Atom and RSS 1.0 (RDF).
_FEED_RE = re.compile(r"<(?:rss|feed|rdf:rdf)[\s>/]", re.IGNORECASE)

# HTML: a doctype or one of the elements every page (or page fragment) starts with.
_HTML_RE = re.compile(
    r"<!doctype\s+html|<(?:html|head|body|article|main|meta|title|div|p|h1|section)[\s>/]",
    re.IGNORECASE,
)

SNIFF_CHARS = 4096
"""Feed and HTML markers are looked for this far into the text."""


def detect_format(head: bytes, name: str) -> InputFormat:
    """The format of an input whose content starts with ``head``.

    Checked in order of how specific the marker is: ``WARC/1.`` at the start; a first
    line that is a JSON object with ``text``; markup whose root is a feed; markup with
    HTML elements; anything else is plain text.
    """
    text = _head_text(head).lstrip()
    if text.startswith("WARC/1."):
        return "warc"
    # A head shorter than HEAD_BYTES is the whole file, so its first line is complete.
    if _is_jsonl(text, complete=len(head) < HEAD_BYTES):
        return "jsonl"
    if text.startswith("<"):
        window = text[:SNIFF_CHARS]
        if _FEED_RE.search(window):
            return "feed"
        if _HTML_RE.search(window):
            return "html"
    if name.lower().endswith(_JSONL_SUFFIXES) and text.startswith("{"):
        return "jsonl"
    return "text"


def _head_text(head: bytes) -> str:
    """The head as text, good enough to look for markers in.

    A UTF-16 or UTF-32 byte-order mark is honoured (an HTML page saved from Word);
    anything else is read as UTF-8 with replacement, since every marker is ASCII.
    """
    body, encoding = strip_bom(head)
    decoder = codecs.getincrementaldecoder(encoding or "utf-8")(errors="replace")
    # The incremental decoder leaves a multi-byte character cut at the end undecoded.
    return decoder.decode(body)


def _is_jsonl(text: str, *, complete: bool) -> bool:
    """True when the first non-empty line is a JSON object with a ``text`` field.

    A first line longer than the head cannot be parsed; it counts when it opens a JSON
    object and names ``"text"`` early on.
    """
    if not text.startswith("{"):
        return False
    line, newline, _ = text.partition("\n")
    if not newline and not complete:
        return '"text"' in line
    try:
        record = json.loads(line)
    except (ValueError, RecursionError):
        return False
    return isinstance(record, dict) and "text" in record
