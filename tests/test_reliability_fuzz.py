"""Every reader, through the whole pipeline (read, clean, segment, facts), on hostile
content: whatever hypothesis writes into a text, an HTML page, a JSONL record, a feed
or a WARC record, ``read_many`` yields Articles and InputErrors, never an exception."""

from __future__ import annotations

import gzip
import io
import json
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import storytrace
from storytrace.errors import InputError
from storytrace.options import ReadOptions

HOSTILE = st.one_of(
    st.text(max_size=300),
    st.sampled_from(
        [
            "\x1b[2J\x1b]0;owned\x07",
            "\ud800",
            "." * 5000,
            "!?" * 2000,
            "…" * 3000,
            "9" * 5000,
            "[" * 3000,
            "<" * 2000,
            "\x00\x01\x02",
            "\u202e\u2066",
            "&#0; &#xD800; &#99999999;",
        ]
    ),
)
LEAD = "A storm hit the coast on Monday, officials said."


def _html(text: str) -> bytes:
    return (
        "<!DOCTYPE html><html><head><title>"
        + text[:80]
        + "</title></head><body><article><p>"
        + LEAD
        + "</p><p>"
        + text
        + "</p></article></body></html>"
    ).encode("utf-8", "surrogatepass")


def _jsonl(text: str) -> bytes:
    record = {"id": text[:40], "title": text[:60], "text": f"{LEAD} {text}"}
    lines = [json.dumps(record), '{"text": ' + json.dumps(text) + ', "n": ' + "1" * 10 + "}"]
    return ("\n".join(lines) + "\n").encode("utf-8")


def _feed(text: str) -> bytes:
    escaped = text.replace("&", "&amp;").replace("<", "&lt;")
    return (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>T</title><item><title>'
        + escaped[:60]
        + "</title><description>"
        + LEAD
        + " "
        + escaped
        + "</description></item></channel></rss>"
    ).encode("utf-8", "surrogatepass")


def _warc(text: str) -> bytes:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    page = _html(text)
    out = io.BytesIO()
    writer = WARCWriter(out, gzip=True)
    headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
    writer.write_record(
        writer.create_warc_record(
            "https://example.com/a", "response", payload=io.BytesIO(page), http_headers=headers
        )
    )
    return out.getvalue()


MAKERS = {
    "text": lambda t: f"{LEAD}\n\n{t}\n".encode("utf-8", "surrogatepass"),
    "text.gz": lambda t: gzip.compress(f"{LEAD} {t}".encode("utf-8", "surrogatepass")),
    "html": _html,
    "jsonl": _jsonl,
    "feed": _feed,
    "warc.gz": _warc,
}


@settings(deadline=None, max_examples=120, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(sorted(MAKERS)), HOSTILE, st.integers(0, 3))
def test_no_exception_escapes_any_reader(kind: str, text: str, flips: int) -> None:
    data = bytearray(MAKERS[kind](text))
    for n in range(flips):  # and a little damage
        data[(n * 7919) % len(data)] ^= 0x5A
    errors: list[InputError] = []
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"input.{kind}"
        path.write_bytes(bytes(data))
        articles = list(storytrace.read_many([path], options=ReadOptions(), on_error=errors.append))
    for article in articles:
        article.body.encode("utf-8")  # writable to a store, a terminal, JSON
        assert article.sentences
    for error in errors:
        assert error.reason
        assert error.source.startswith(str(path))
