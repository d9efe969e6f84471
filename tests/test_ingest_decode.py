"""Encodings: the same article in every common encoding reads to the same text; binary
and undecodable bytes are rejected with a reason."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from storytrace.errors import BinaryInput, DecodeError, EmptyInput, InputError
from storytrace.ingest.decode import decode_bytes
from storytrace.model import RawArticle

ReadAll = Callable[..., tuple[list[RawArticle], list[InputError]]]
"""The ``read_all`` fixture (conftest.py): read a source fully into (articles, errors)."""


def _curly(text: str) -> str:
    """Straight double quotes made typographic, alternating open and close."""
    quotes = iter(["“", "”"] * text.count('"'))
    return re.sub('"', lambda _: next(quotes), text)


@pytest.fixture
def typographic_article(seed_dir: Path) -> str:
    """Seed article a, with curly quotes and its en dashes: cp1252 but not latin-1."""
    text = _curly((seed_dir / "a.txt").read_text(encoding="utf-8"))
    assert "“" in text
    assert "–" in text
    return text


@pytest.fixture
def western_article(seed_dir: Path) -> str:
    """Seed article b with accented names and a pound sign: encodable in latin-1."""
    return (seed_dir / "b.txt").read_text(encoding="utf-8") + (
        "\n\nIn Zürich, Élysée officials said the café meeting cost £5,000 «at most»;"
        " Señor Muñoz and Ms Ødegård declined to comment.\n"
    )


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "cp1252"])
def test_typographic_article_in_every_encoding(
    encoding: str, typographic_article: str, tmp_path: Path, read_all: ReadAll
) -> None:
    path = tmp_path / f"a.{encoding}.txt"
    path.write_bytes(typographic_article.encode(encoding))
    (article,), errors = read_all(path)
    assert errors == []
    reference, _ = read_all(Path(__file__).parents[1] / "examples" / "seed-pair" / "a.txt")
    assert article.text == _curly(reference[0].text)
    assert article.title == reference[0].title
    assert article.published == reference[0].published


@pytest.mark.parametrize(
    "encoding", ["utf-8", "utf-8-sig", "utf-16", "utf-16-be", "utf-32", "cp1252", "latin-1"]
)
def test_western_article_in_every_encoding(
    encoding: str, western_article: str, tmp_path: Path, read_all: ReadAll
) -> None:
    path = tmp_path / "b.txt"
    path.write_bytes(western_article.encode(encoding))
    (article,), errors = read_all(path)
    assert errors == []
    assert article.text == western_article


def test_windows_newlines_are_normalised(
    western_article: str, tmp_path: Path, read_all: ReadAll
) -> None:
    path = tmp_path / "crlf.txt"
    path.write_bytes(western_article.replace("\n", "\r\n").encode("cp1252"))
    (article,), _ = read_all(path)
    assert article.text == western_article


@pytest.mark.parametrize(
    ("text", "encoding"),
    [
        (
            "Władza w Polsce już zdecydowała, że źdźbło i żółć są ważne dla wszystkich. " * 3,
            "cp1250",
        ),
        (
            "Президент Украины Владимир Зеленский заявил, что переговоры о гарантиях "
            "безопасности продолжаются. Американская сторона считает, что остальные "
            "вопросы близки к решению. " * 2,
            "cp1251",
        ),
        (
            "Президент Украины Владимир Зеленский заявил, что переговоры о гарантиях "
            "безопасности продолжаются. Американская сторона считает, что остальные "
            "вопросы близки к решению. " * 2,
            "koi8-r",
        ),
        ("Ο πρωθυπουργός δήλωσε ότι οι διαπραγματεύσεις συνεχίζονται στο Βερολίνο. " * 3, "cp1253"),
    ],
)
def test_other_legacy_code_pages(text: str, encoding: str) -> None:
    assert decode_bytes(text.encode(encoding), "x") == text


def test_bom_less_utf16_is_recognised(western_article: str) -> None:
    assert decode_bytes(western_article.encode("utf-16-le"), "x") == western_article


def test_binary_file(tmp_path: Path, read_all: ReadAll, seed_dir: Path) -> None:
    blob = tmp_path / "photo.jpg"
    blob.write_bytes(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01" + bytes(range(256)) * 20)
    articles, (error,) = read_all(blob)
    assert articles == []
    assert isinstance(error, BinaryInput)
    assert error.source == str(blob)
    assert "binary" in error.reason


def test_control_characters_without_nul_are_binary() -> None:
    with pytest.raises(BinaryInput, match="control"):
        decode_bytes(b"\x01\x02\x03\x04 some text \x05\x06\x07\x08" * 20, "x")


def test_undecodable_text_names_the_encodings_tried(tmp_path: Path, read_all: ReadAll) -> None:
    # UTF-8 text with a stray latin-1 byte: not UTF-8, and every single-byte reading
    # turns its curly quotes into mojibake ("Donâ€™t").
    mixed = ("Don’t panic — it’s fine, the minister said on Tuesday. " * 6).encode() + b" caf\xe9"
    path = tmp_path / "mixed.txt"
    path.write_bytes(mixed)
    articles, (error,) = read_all(path)
    assert articles == []
    assert isinstance(error, DecodeError)
    assert error.source == str(path)
    assert "not UTF-8" in error.reason
    assert "cp1252" in error.reason
    assert "convert it to UTF-8" in error.reason


def test_bad_bytes_after_a_bom() -> None:
    with pytest.raises(DecodeError, match="byte-order mark"):
        decode_bytes(b"\xef\xbb\xbfGood start \xff\xfe bad", "x")


@pytest.mark.parametrize("content", [b"", b"   \n\t\r\n  ", "\ufeff\n".encode()])
def test_empty_and_blank_files(content: bytes, tmp_path: Path, read_all: ReadAll) -> None:
    path = tmp_path / "empty.txt"
    path.write_bytes(content)
    articles, (error,) = read_all(path)
    assert articles == []
    assert isinstance(error, EmptyInput)
    assert error.source == str(path)
