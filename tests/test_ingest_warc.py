"""WARC archives: HTML responses become articles; broken archives keep what was read."""

from __future__ import annotations

import datetime as dt
import gzip
import io
from collections.abc import Callable
from pathlib import Path

import pytest

from storytrace.errors import EmptyInput, InputError, MalformedInput, TooLarge
from storytrace.model import RawArticle

ReadAll = Callable[..., tuple[list[RawArticle], list[InputError]]]
"""The ``read_all`` fixture (conftest.py): read a source fully into (articles, errors)."""
HtmlPage = Callable[..., str]
"""The ``html_page`` fixture (conftest.py): build a news page around paragraphs."""


@pytest.fixture
def pages(seed_dir: Path, html_page: HtmlPage) -> list[tuple[str, bytes, list[str]]]:
    """(url, page bytes, paragraphs) for the two seed articles; only b's page has a date."""
    a = (seed_dir / "a.txt").read_text(encoding="utf-8").split("\n", 1)[1]
    b = (seed_dir / "b.txt").read_text(encoding="utf-8")
    a_paras = [p for p in a.split("\n") if p.strip()]
    b_paras = [p for p in b.split("\n") if p.strip()]
    return [
        ("https://ua.example.com/a", html_page("Guarantee for Ukraine", a_paras).encode(), a_paras),
        (
            "https://us.example.com/b",
            html_page("US guarantees", b_paras, date="2025-12-13", site="US Example").encode(),
            b_paras,
        ),
    ]


def build_warc(pages: list[tuple[str, bytes, list[str]]], *, gzip_records: bool) -> bytes:
    """An archive as a crawler writes it: warcinfo, then per page a request and a
    response, with an image, a redirect and a metadata record in between."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    out = io.BytesIO()
    writer = WARCWriter(out, gzip=gzip_records)
    writer.write_record(writer.create_warcinfo_record("crawl.warc", {"software": "test"}))

    def response(url: str, status: str, content_type: str, body: bytes) -> None:
        headers = StatusAndHeaders(
            status,
            [("Content-Type", content_type), ("Content-Length", str(len(body)))],
            protocol="HTTP/1.1",
        )
        record = writer.create_warc_record(
            url,
            "response",
            payload=io.BytesIO(body),
            http_headers=headers,
            warc_headers_dict={"WARC-Date": "2025-12-14T08:00:00Z"},
        )
        writer.write_record(record)

    for url, body, _ in pages:
        request = StatusAndHeaders(
            "GET / HTTP/1.1", [("Host", "example.com")], is_http_request=True
        )
        writer.write_record(writer.create_warc_record(url, "request", http_headers=request))
        response(url, "200 OK", "text/html; charset=utf-8", body)
        response(url + "/photo.jpg", "200 OK", "image/jpeg", b"\xff\xd8\xff\xe0" + bytes(300))
        response(url + "/old", "301 Moved Permanently", "text/html", b"<html>moved</html>")
        writer.write_record(
            writer.create_warc_record(
                url,
                "metadata",
                payload=io.BytesIO(b"outlinks: none"),
                warc_content_type="text/plain",
            )
        )
    return out.getvalue()


@pytest.mark.parametrize("layout", ["plain", "per-record gzip", "whole-file gzip"])
def test_html_responses_become_articles(
    layout: str, pages: list[tuple[str, bytes, list[str]]], tmp_path: Path, read_all: ReadAll
) -> None:
    data = build_warc(pages, gzip_records=layout == "per-record gzip")
    if layout == "whole-file gzip":
        data = gzip.compress(data)
    path = tmp_path / ("crawl.warc.gz" if "gzip" in layout else "crawl.warc")
    path.write_bytes(data)
    (a, b), errors = read_all(path)
    assert errors == []
    assert a.source.startswith(f"{path}#record=")
    assert (a.format, b.format) == ("warc", "warc")
    assert (a.url, b.url) == ("https://ua.example.com/a", "https://us.example.com/b")
    assert a.text == "\n\n".join(pages[0][2])
    assert b.text == "\n\n".join(pages[1][2])
    # The capture date stands in only when the page has no date of its own.
    assert a.published == dt.date(2025, 12, 14)
    assert b.published == dt.date(2025, 12, 13)
    assert b.outlet == "US Example"


def test_truncated_archive_keeps_the_articles_before_the_cut(
    pages: list[tuple[str, bytes, list[str]]], tmp_path: Path, read_all: ReadAll
) -> None:
    data = build_warc(pages, gzip_records=False)
    # Cut the archive in the middle of the second page.
    cut = data.index(pages[1][1]) + len(pages[1][1]) // 2
    path = tmp_path / "cut.warc"
    path.write_bytes(data[:cut])
    (article,), (error,) = read_all(path)
    assert article.url == "https://ua.example.com/a"
    assert isinstance(error, MalformedInput)
    assert error.source.startswith(f"{path}#record=")
    assert "truncated" in error.reason


def test_truncated_gzip_archive(
    pages: list[tuple[str, bytes, list[str]]], tmp_path: Path, read_all: ReadAll
) -> None:
    data = build_warc(pages, gzip_records=True)
    path = tmp_path / "cut.warc.gz"
    path.write_bytes(data[: len(data) * 3 // 4])
    articles, (error,) = read_all(path)
    assert [a.url for a in articles] == ["https://ua.example.com/a"]
    assert isinstance(error, MalformedInput)
    assert error.source.startswith(str(path))


def test_garbage_between_records(
    pages: list[tuple[str, bytes, list[str]]], tmp_path: Path, read_all: ReadAll
) -> None:
    first = build_warc(pages[:1], gzip_records=False)
    second = build_warc(pages[1:], gzip_records=False)
    path = tmp_path / "garbage.warc"
    path.write_bytes(first + b"this is not a WARC record\r\n\r\n" + second)
    articles, (error,) = read_all(path)
    assert [a.url for a in articles] == ["https://ua.example.com/a"]
    assert isinstance(error, MalformedInput)
    assert error.source == str(path)
    assert "broken WARC archive" in error.reason


def test_page_over_the_limit_is_skipped_with_an_error(
    pages: list[tuple[str, bytes, list[str]]],
    tmp_path: Path,
    read_all: ReadAll,
    html_page: HtmlPage,
) -> None:
    big: tuple[str, bytes, list[str]] = (
        "https://big.example.com/",
        html_page("Big", ["A long paragraph of text. " * 400]).encode(),
        [],
    )
    path = tmp_path / "big.warc"
    path.write_bytes(build_warc([pages[0], big, pages[1]], gzip_records=False))
    articles, (error,) = read_all(path, max_bytes=8000)
    assert [a.url for a in articles] == ["https://ua.example.com/a", "https://us.example.com/b"]
    assert isinstance(error, TooLarge)
    assert "--max-size" in error.reason


def test_archive_without_pages(tmp_path: Path, read_all: ReadAll) -> None:
    path = tmp_path / "images.warc"
    path.write_bytes(build_warc([], gzip_records=False))
    articles, (error,) = read_all(path)
    assert articles == []
    assert isinstance(error, EmptyInput)
    assert "no HTML pages" in error.reason


def test_forced_warc_on_text(seed_dir: Path, read_all: ReadAll) -> None:
    articles, (error,) = read_all(seed_dir / "b.txt", format="warc")
    assert articles == []
    assert isinstance(error, MalformedInput)
    assert error.source == str(seed_dir / "b.txt")


def test_wrong_content_length_is_reported_not_printed(
    pages: list[tuple[str, bytes, list[str]]],
    tmp_path: Path,
    read_all: ReadAll,
    capfd: pytest.CaptureFixture[str],
) -> None:
    data = build_warc(pages, gzip_records=False)
    # The warcinfo record claims 5 bytes fewer than it holds.
    header_end = data.index(b"\r\n\r\n")
    start = data.index(b"Content-Length: ") + len(b"Content-Length: ")
    end = data.index(b"\r\n", start)
    assert end <= header_end
    length = int(data[start:end])
    path = tmp_path / "bad-length.warc"
    path.write_bytes(data[:start] + str(length - 5).encode() + data[end:])
    _, errors = read_all(path)
    assert errors
    assert errors[0].source == f"{path}#record=1"
    assert "Content-Length" in errors[0].reason
    assert capfd.readouterr().err == ""
