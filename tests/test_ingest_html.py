"""HTML pages through trafilatura: text with paragraphs, metadata, no scripts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest

from storytrace.errors import EmptyInput, InputError
from storytrace.ingest.html import parse_html
from storytrace.model import RawArticle

ReadAll = Callable[..., tuple[list[RawArticle], list[InputError]]]
"""The ``read_all`` fixture (conftest.py): read a source fully into (articles, errors)."""
HtmlPage = Callable[..., str]
"""The ``html_page`` fixture (conftest.py): build a news page around paragraphs."""


@pytest.fixture
def seed_b_paragraphs(seed_dir: Path) -> list[str]:
    return (seed_dir / "b.txt").read_text(encoding="utf-8").split("\n")


def test_page_text_and_metadata(
    html_page: HtmlPage, seed_b_paragraphs: list[str], tmp_path: Path, read_all: ReadAll
) -> None:
    path = tmp_path / "story.html"
    path.write_text(
        html_page(
            "US ready to offer Ukraine security guarantees",
            seed_b_paragraphs,
            date="2025-12-13T10:00:00Z",
            site="Example News",
            url="https://example.com/world/ukraine-guarantees",
            lang="en-GB",
        ),
        encoding="utf-8",
    )
    (article,), errors = read_all(path)
    assert errors == []
    assert article.format == "html"
    assert article.source == str(path)
    assert article.title == "US ready to offer Ukraine security guarantees"
    assert article.published == dt.date(2025, 12, 13)
    assert article.outlet == "Example News"
    assert article.url == "https://example.com/world/ukraine-guarantees"
    assert article.lang == "en"
    # Every paragraph, in order, separated by blank lines; the headline is not repeated.
    assert article.text == "\n\n".join(seed_b_paragraphs)


def test_scripts_navigation_and_footer_never_reach_the_text(
    html_page: HtmlPage, seed_b_paragraphs: list[str]
) -> None:
    page = html_page(
        "A headline",
        seed_b_paragraphs,
        extra_body='<script type="text/javascript">var leak = "EXTRA-SCRIPT";</script>',
    )
    article = parse_html(page.encode(), "page.html")
    for leak in ("SCRIPT", "tracker", "document.write", "color: red", "Copyright", "Home"):
        assert leak not in article.text


def test_real_articles_keep_their_paragraphs(
    html_page: HtmlPage, ecb_articles: list[dict[str, str]]
) -> None:
    for doc in ecb_articles:
        paragraphs = [line for line in doc["text"].split("\n") if line.strip()]
        article = parse_html(html_page("Headline", paragraphs).encode(), doc["doc_id"])
        got = article.text.split("\n\n")
        # trafilatura may drop a short line it judges to be boilerplate, but never adds,
        # merges or reorders paragraphs.
        assert len(got) >= len(paragraphs) - 2, doc["doc_id"]
        positions = [paragraphs.index(p) for p in got]
        assert positions == sorted(positions), doc["doc_id"]


def test_no_date_in_the_page_means_no_date(
    html_page: HtmlPage, seed_b_paragraphs: list[str]
) -> None:
    # The text talks about "12 December" and "15 December": those are not publication dates.
    article = parse_html(html_page("Headline", seed_b_paragraphs).encode(), "p.html")
    assert article.published is None
    fallback = parse_html(
        html_page("Headline", seed_b_paragraphs).encode(),
        "p.html",
        fallback_date=dt.date(2025, 12, 14),
    )
    assert fallback.published == dt.date(2025, 12, 14)


def test_declared_legacy_charset_is_honoured(html_page: HtmlPage) -> None:
    paragraphs = [
        "Le président a déclaré à l’Élysée que les négociations reprendraient lundi à Genève.",
        "« Nous sommes prêts », a-t-il ajouté devant les journalistes réunis au palais.",
        "Les discussions porteront sur les garanties de sécurité et sur la zone démilitarisée.",
    ]
    page = html_page("Négociations à Genève", paragraphs, lang="fr").replace(
        '<meta charset="utf-8">',
        '<meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1">',
    )
    # Declared latin-1, written as cp1252 (the curly apostrophe), as browsers expect.
    article = parse_html(page.encode("cp1252"), "fr.html")
    assert article.text == "\n\n".join(paragraphs)
    assert article.title == "Négociations à Genève"
    assert article.lang == "fr"


def test_bare_fragment_is_read_as_a_page(tmp_path: Path, read_all: ReadAll) -> None:
    path = tmp_path / "fragment.html"
    path.write_text(
        "<p>The talks resume on Monday in Berlin, officials said.</p>\n"
        "<p>Delegations from both sides are expected to attend the meeting.</p>"
    )
    (article,), errors = read_all(path)
    assert errors == []
    assert article.format == "html"
    assert "Delegations" in article.text


@pytest.mark.parametrize(
    "page",
    [
        # Cut off inside a tag: nothing to extract.
        '<!DOCTYPE html><html><head><title>Broken</title></head><body><div class="',
        # Markup with no text at all.
        "<html><head><title></title></head><body><div><span></span></div></body></html>",
        # Only navigation and scripts.
        "<html><body><nav><a href='/'>Home</a></nav><script>var a = 1;</script></body></html>",
    ],
)
def test_malformed_or_textless_html_is_one_error(
    page: str, tmp_path: Path, read_all: ReadAll, seed_dir: Path
) -> None:
    path = tmp_path / "broken.html"
    path.write_text(page)
    articles, (error,) = read_all(path)
    assert articles == []
    assert isinstance(error, InputError)
    assert error.source == str(path)
    assert "HTML" in error.reason


def test_empty_html_bytes() -> None:
    with pytest.raises(EmptyInput):
        parse_html(b"  \n ", "blank.html")
