"""Property tests: no input, however broken, makes a reader raise or hang."""

from __future__ import annotations

import gzip
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from storytrace.errors import InputError
from storytrace.ingest import iter_raw
from storytrace.ingest.fragment import fragment_to_text
from storytrace.ingest.text import parse_text
from storytrace.model import INPUT_FORMATS, RawArticle
from storytrace.options import ReadOptions

# Each format's opening, so arbitrary bytes after it reach that format's reader.
MAGIC = [
    b"",
    b"\x1f\x8b",
    b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff",
    b"WARC/1.0\r\n",
    b"WARC/1.0\r\nWARC-Type: response\r\nContent-Type: application/http; msgtype=response\r\n",
    b"<rss",
    b'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><entry><content type="html">',
    b'{"text":',
    b'{"text": "A line.", "published": ',
    b"<!DOCTYPE html><html><body><p>",
    b"date 2025-12-13 ",
    b"\xff\xfe",
    b"\xef\xbb\xbf",
]

SETTINGS = settings(
    deadline=2000,
    max_examples=200,
    suppress_health_check=[HealthCheck.too_slow],
)


def _read(data: bytes, name: str = "input", **options: Any) -> list[RawArticle | InputError]:
    """Write ``data`` to a fresh file and read it through ``iter_raw``."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        items = list(iter_raw(path, ReadOptions(**options)))
    for item in items:
        assert isinstance(item, RawArticle | InputError)
        if isinstance(item, RawArticle):
            assert item.text.strip()
            assert item.source.startswith(str(path))
        else:
            assert item.source.startswith(str(path))
            assert item.reason
    return items


@SETTINGS
@given(st.binary(max_size=4096))
def test_arbitrary_bytes_never_raise(data: bytes) -> None:
    _read(data)


@SETTINGS
@given(st.sampled_from(MAGIC), st.binary(max_size=2048))
def test_arbitrary_bytes_after_a_format_magic_never_raise(magic: bytes, data: bytes) -> None:
    _read(magic + data)


@SETTINGS
@given(st.sampled_from(INPUT_FORMATS), st.binary(max_size=2048))
def test_every_forced_reader_survives_arbitrary_bytes(fmt: str, data: bytes) -> None:
    _read(data, format=fmt)


@SETTINGS
@given(st.text(max_size=2000))
def test_arbitrary_text_in_gzip_reads_like_the_plain_file(text: str) -> None:
    plain = _read(text.encode("utf-8"))
    packed = _read(gzip.compress(text.encode("utf-8")))
    assert [type(item) for item in plain] == [type(item) for item in packed]
    assert [item.text for item in plain if isinstance(item, RawArticle)] == [
        item.text for item in packed if isinstance(item, RawArticle)
    ]


@SETTINGS
@given(st.text(max_size=2000))
def test_parse_text_keeps_every_body_line(text: str) -> None:
    raw = parse_text(text, source="s")
    normalised = text.replace("\r\n", "\n").replace("\r", "\n")
    # The text is what is left after removing a header or headline from the top.
    assert raw.text == "" or normalised.endswith(raw.text)
    assert "\r" not in raw.text


@SETTINGS
@given(st.text(max_size=2000))
def test_fragment_to_text_never_raises_and_never_keeps_script(text: str) -> None:
    out = fragment_to_text(f"<p>{text}</p><script>SECRET{text}</script>")
    assert "SECRET" not in out or "SECRET" in text


def _valid_inputs() -> dict[str, bytes]:
    """One valid input per format, built from the seed pair, to damage."""
    import io
    import json

    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    seed = Path(__file__).resolve().parents[1] / "examples" / "seed-pair"
    a = (seed / "a.txt").read_bytes()
    b = (seed / "b.txt").read_text(encoding="utf-8")
    page = (
        "<!DOCTYPE html><html lang='en'><head><title>US guarantees</title></head><body>"
        + "".join(f"<p>{p}</p>" for p in b.split("\n"))
        + "</body></html>"
    ).encode()
    out = io.BytesIO()
    writer = WARCWriter(out, gzip=True)
    for url in ("https://example.com/1", "https://example.com/2"):
        headers = StatusAndHeaders(
            "200 OK",
            [("Content-Type", "text/html"), ("Content-Length", str(len(page)))],
            protocol="HTTP/1.1",
        )
        writer.write_record(
            writer.create_warc_record(
                url, "response", payload=io.BytesIO(page), http_headers=headers
            )
        )
    feed = (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>'
        + "".join(
            f"<item><title>Story {n}</title><description>{p}</description></item>"
            for n, p in enumerate(b.split("\n")[:4])
        )
        + "</channel></rss>"
    ).encode()
    jsonl = "\n".join(
        json.dumps({"id": n, "text": p}) for n, p in enumerate(b.split("\n"))
    ).encode()
    return {
        "text": a,
        "text.gz": gzip.compress(a),
        "html": page,
        "warc.gz": out.getvalue(),
        "feed": feed,
        "jsonl": jsonl,
    }


VALID = _valid_inputs()


@settings(deadline=2000, max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(sorted(VALID)), st.data())
def test_damaged_valid_inputs_never_raise(kind: str, data: st.DataObject) -> None:
    original = VALID[kind]
    damaged = bytearray(original)
    for _ in range(data.draw(st.integers(0, 4), label="flips")):
        at = data.draw(st.integers(0, len(damaged) - 1), label="at")
        damaged[at] = data.draw(st.integers(0, 255), label="byte")
    cut = data.draw(st.integers(1, len(damaged)), label="cut")
    _read(bytes(damaged[:cut]))
