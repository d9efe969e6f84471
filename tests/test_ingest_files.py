"""Files and folders: walking, format detection and override, gzip, size limits, and
one error per bad input while the others are read."""

from __future__ import annotations

import gzip
import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from storytrace.errors import BinaryInput, EmptyInput, InputError, MalformedInput, TooLarge
from storytrace.ingest import iter_raw
from storytrace.ingest.detect import detect_format
from storytrace.model import RawArticle
from storytrace.options import ReadOptions

ReadAll = Callable[..., tuple[list[RawArticle], list[InputError]]]
"""The ``read_all`` fixture (conftest.py): read a source fully into (articles, errors)."""
HtmlPage = Callable[..., str]
"""The ``html_page`` fixture (conftest.py): build a news page around paragraphs."""


@pytest.fixture
def corpus(tmp_path: Path, seed_dir: Path, html_page: HtmlPage) -> Path:
    """A folder of mixed inputs, nested, with hidden entries that must be skipped."""
    root = tmp_path / "corpus"
    (root / "ua" / "2025").mkdir(parents=True)
    (root / "us").mkdir()
    (root / ".git" / "objects").mkdir(parents=True)
    shutil.copy(seed_dir / "a.txt", root / "ua" / "2025" / "a.txt")
    shutil.copy(seed_dir / "b.txt", root / "us" / "b.txt")
    b_paras = (seed_dir / "b.txt").read_text(encoding="utf-8").split("\n")
    (root / "us" / "b-page").write_text(html_page("US guarantees", b_paras))  # no extension
    (root / "feed.jsonl").write_text(json.dumps({"id": "j1", "text": b_paras[0]}) + "\n")
    (root / ".git" / "objects" / "ab12").write_bytes(b"x\x01\x00 hidden binary")
    (root / ".DS_Store").write_bytes(b"\x00\x00\x00\x01Bud1")
    (root / "empty.txt").write_text("")
    return root


def test_folder_is_walked_recursively_in_sorted_order(corpus: Path, read_all: ReadAll) -> None:
    articles, errors = read_all(corpus)
    sources = [a.source for a in articles]
    assert sources == [
        str(corpus / "feed.jsonl") + ":1",
        str(corpus / "ua" / "2025" / "a.txt"),
        str(corpus / "us" / "b-page"),
        str(corpus / "us" / "b.txt"),
    ]
    assert [a.format for a in articles] == ["jsonl", "text", "html", "text"]
    # Hidden files are skipped, not reported; the empty file is one error.
    assert [(type(e), e.source) for e in errors] == [(EmptyInput, str(corpus / "empty.txt"))]
    again, _ = read_all(corpus)
    assert again == articles


def test_symlink_loop_does_not_hang(corpus: Path, read_all: ReadAll) -> None:
    os.symlink(corpus, corpus / "us" / "loop")
    articles, _ = read_all(corpus)
    assert len(articles) == 4


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes need POSIX")
def test_named_pipe_in_a_folder_is_reported_not_opened(corpus: Path, read_all: ReadAll) -> None:
    os.mkfifo(corpus / "us" / "pipe")
    articles, errors = read_all(corpus)
    assert len(articles) == 4
    assert any(e.source == str(corpus / "us" / "pipe") for e in errors)


def test_format_override_reads_html_as_text(
    tmp_path: Path, html_page: HtmlPage, read_all: ReadAll
) -> None:
    path = tmp_path / "page.html"
    path.write_text(html_page("A headline", ["The talks resume on Monday."]))
    (as_html,), _ = read_all(path)
    (as_text,), _ = read_all(path, format="text")
    assert as_html.format == "html"
    assert as_html.text == "The talks resume on Monday."
    assert as_text.format == "text"
    assert as_text.text.startswith("<!DOCTYPE html>")
    assert "TRACKER-SCRIPT-TEXT" in as_text.text


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (b"WARC/1.0\r\nWARC-Type: warcinfo\r\n", "warc"),
        (b'\n{"id": 1, "text": "Body."}\n{"text": "x"}\n', "jsonl"),
        (b'{"title": "no text field"}\n', "text"),
        (b'<?xml version="1.0"?>\n<rss version="2.0"><channel>', "feed"),
        (b'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom">', "feed"),
        (b'<?xml version="1.0"?><rdf:RDF xmlns:rdf="x">', "feed"),
        (b"<!DOCTYPE html>\n<html><head>", "html"),
        (b"  <html lang=en><body><p>x</p>", "html"),
        (b"<p>A fragment.</p>", "html"),
        (b"\xef\xbb\xbf<!doctype html><html>", "html"),
        ("<!DOCTYPE html><html>".encode("utf-16"), "html"),
        (b"The <body> of the text talks about <html> tags.", "text"),
        (b"Plain prose about rss feeds.", "text"),
    ],
)
def test_detect_format(head: bytes, expected: str) -> None:
    assert detect_format(head, "input") == expected


def test_nonexistent_path_is_one_error(tmp_path: Path, seed_dir: Path) -> None:
    missing = tmp_path / "no" / "such.txt"
    items = [*iter_raw(missing, ReadOptions()), *iter_raw(seed_dir / "b.txt", ReadOptions())]
    error, article = items
    assert isinstance(error, InputError)
    assert error.source == str(missing)
    assert error.reason == "no such file or directory"
    assert not isinstance(article, InputError)


def test_over_the_size_limit(tmp_path: Path, seed_dir: Path, read_all: ReadAll) -> None:
    articles, (error,) = read_all(seed_dir / "a.txt", max_bytes=1000)
    assert articles == []
    assert isinstance(error, TooLarge)
    assert error.source == str(seed_dir / "a.txt")
    assert "1,000 bytes" in error.reason
    assert "--max-size" in error.reason
    articles, errors = read_all(seed_dir / "a.txt", max_bytes=10_000)
    assert (len(articles), errors) == (1, [])


def test_gzipped_text(tmp_path: Path, seed_dir: Path, read_all: ReadAll) -> None:
    path = tmp_path / "a.txt.gz"
    path.write_bytes(gzip.compress((seed_dir / "a.txt").read_bytes()))
    (article,), errors = read_all(path)
    (plain,), _ = read_all(seed_dir / "a.txt")
    assert errors == []
    assert (article.text, article.title, article.published) == (
        plain.text,
        plain.title,
        plain.published,
    )


def test_gzip_bomb_is_stopped(tmp_path: Path, read_all: ReadAll) -> None:
    path = tmp_path / "bomb.txt.gz"
    path.write_bytes(gzip.compress(b"A" * 50_000_000, compresslevel=9))  # ~50 KB on disk
    articles, (error,) = read_all(path, max_bytes=1_000_000)
    assert articles == []
    assert isinstance(error, TooLarge)
    assert "decompressed" in error.reason


def test_gzip_bomb_in_a_stream_format_is_stopped_by_the_ratio(
    tmp_path: Path, read_all: ReadAll
) -> None:
    line = json.dumps({"text": "The talks resume on Monday. " * 10}).encode() + b"\n"
    path = tmp_path / "bomb.jsonl.gz"
    path.write_bytes(gzip.compress(line * 200_000, compresslevel=9))
    articles, errors = read_all(path, max_bytes=10_000)
    assert isinstance(errors[-1], TooLarge)
    assert "decompression bomb" in errors[-1].reason
    assert 0 < len(articles) < 200_000


def test_truncated_gzip_text_is_one_error(
    tmp_path: Path, seed_dir: Path, read_all: ReadAll
) -> None:
    data = gzip.compress((seed_dir / "a.txt").read_bytes())
    path = tmp_path / "cut.txt.gz"
    path.write_bytes(data[: len(data) // 2])
    articles, (error,) = read_all(path)
    assert articles == []
    assert isinstance(error, MalformedInput)
    assert "gzip" in error.reason


def test_one_bad_input_does_not_stop_the_others(
    tmp_path: Path, seed_dir: Path, read_all: ReadAll
) -> None:
    folder = tmp_path / "mixed"
    folder.mkdir()
    (folder / "1-empty.txt").write_text("")
    (folder / "2-binary.bin").write_bytes(bytes(range(256)) * 4)
    shutil.copy(seed_dir / "b.txt", folder / "3-good.txt")
    (folder / "4-feed.xml").write_text("<rss><channel><title>Cut short")
    articles, errors = read_all(folder)
    assert [a.source for a in articles] == [str(folder / "3-good.txt")]
    assert [type(e) for e in errors] == [EmptyInput, BinaryInput, MalformedInput]
    assert [e.source for e in errors] == [
        str(folder / "1-empty.txt"),
        str(folder / "2-binary.bin"),
        str(folder / "4-feed.xml"),
    ]
    assert all(e.reason for e in errors)


def test_unexpected_reader_failure_becomes_malformed_input(
    tmp_path: Path, seed_dir: Path, read_all: ReadAll, monkeypatch: pytest.MonkeyPatch
) -> None:
    import storytrace.ingest as ingest

    def explode(*args: object) -> None:
        raise RuntimeError("a bug in a reader")

    monkeypatch.setitem(ingest.READERS, "text", explode)
    articles, (error,) = read_all(seed_dir / "b.txt")
    assert articles == []
    assert isinstance(error, MalformedInput)
    assert error.source == str(seed_dir / "b.txt")
    assert "RuntimeError: a bug in a reader" in error.reason


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root reads anything")
def test_unreadable_file(tmp_path: Path, read_all: ReadAll) -> None:
    path = tmp_path / "secret.txt"
    path.write_text("Some text.")
    path.chmod(0)
    articles, (error,) = read_all(path)
    assert articles == []
    assert error.reason == "permission denied"
