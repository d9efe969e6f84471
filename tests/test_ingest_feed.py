"""RSS and Atom feeds: entries to articles, HTML to text, unsafe XML refused, no network."""

from __future__ import annotations

import datetime as dt
import html
import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from storytrace.errors import EmptyInput, InputError, MalformedInput
from storytrace.ingest import fetch
from storytrace.model import RawArticle

ReadAll = Callable[..., tuple[list[RawArticle], list[InputError]]]
"""The ``read_all`` fixture (conftest.py): read a source fully into (articles, errors)."""
HtmlPage = Callable[..., str]
"""The ``html_page`` fixture (conftest.py): build a news page around paragraphs."""


@pytest.fixture
def stories(seed_dir: Path) -> list[tuple[str, list[str]]]:
    """Two stories as (title, paragraphs): the seed pair."""
    a = (seed_dir / "a.txt").read_text(encoding="utf-8").split("\n", 1)[1]
    b = (seed_dir / "b.txt").read_text(encoding="utf-8")
    return [
        ("Security guarantee for Ukraine", [p for p in a.split("\n") if p.strip()]),
        ("US ready to offer guarantees", [p for p in b.split("\n") if p.strip()]),
    ]


def _html(paragraphs: list[str]) -> str:
    return "".join(f"<p>{html.escape(p)}</p>\n" for p in paragraphs)


def rss(stories: list[tuple[str, list[str]]], *, full: bool = True) -> str:
    items = []
    for n, (title, paragraphs) in enumerate(stories):
        body = (
            f"<content:encoded><![CDATA[{_html(paragraphs)}"
            "<script>alert('FEED-SCRIPT')</script>]]></content:encoded>"
            if full
            else ""
        )
        items.append(
            f"""<item><title>{html.escape(title)}</title>
<link>https://news.example.com/story-{n}</link>
<guid>https://news.example.com/story-{n}</guid>
<pubDate>Sat, 13 Dec 2025 1{n}:30:00 +0200</pubDate>
<description>{html.escape(paragraphs[0][:60])}…</description>
{body}</item>"""
            if full
            else f"""<item><title>{html.escape(title)}</title>
<link>https://news.example.com/story-{n}</link></item>"""
        )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel><title>Example World News</title><link>https://news.example.com/</link>
<description>World news</description><language>en-us</language>
{"".join(items)}
</channel></rss>"""


def atom(stories: list[tuple[str, list[str]]]) -> str:
    title0, paras0 = stories[0]
    title1, paras1 = stories[1]
    return f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en">
  <title>Example Atom Wire</title>
  <id>urn:uuid:60a76c80-d399-11d9-b93C-0003939e0af6</id>
  <updated>2025-12-14T09:00:00Z</updated>
  <entry>
    <title type="html">{html.escape(title0 + " &amp; more")}</title>
    <link href="https://wire.example.org/a"/>
    <id>urn:uuid:1225c695-cfb8-4ebb-aaaa-80da344efa6a</id>
    <updated>2025-12-13T20:00:00Z</updated>
    <summary>Short teaser.</summary>
    <content type="html">{html.escape(_html(paras0))}</content>
  </entry>
  <entry>
    <title>{html.escape(title1)}</title>
    <link href="https://wire.example.org/b"/>
    <id>urn:uuid:1225c695-cfb8-4ebb-aaaa-80da344efa6b</id>
    <published>2025-12-14T08:00:00Z</published>
    <updated>2025-12-14T09:00:00Z</updated>
    <content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">{_html(paras1)}</div></content>
  </entry>
</feed>"""


def test_rss_entries(
    stories: list[tuple[str, list[str]]], tmp_path: Path, read_all: ReadAll
) -> None:
    path = tmp_path / "world.xml"
    path.write_text(rss(stories), encoding="utf-8")
    articles, errors = read_all(path)
    assert errors == []
    assert [a.source for a in articles] == [f"{path}#entry=1", f"{path}#entry=2"]
    for article, (title, paragraphs), n in zip(articles, stories, range(2), strict=True):
        assert article.format == "feed"
        assert article.title == title
        assert article.outlet == "Example World News"
        assert article.url == f"https://news.example.com/story-{n}"
        assert article.published == dt.date(2025, 12, 13)
        assert article.lang == "en"
        # The full content, not the teaser, with paragraphs kept and no script.
        assert article.text == "\n\n".join(paragraphs)
        assert "FEED-SCRIPT" not in article.text


def test_entry_date_is_the_day_the_feed_wrote(tmp_path: Path, read_all: ReadAll) -> None:
    # 00:30 in Kyiv is still the day before in UTC; the story ran on the 13th.
    path = tmp_path / "late.rss"
    path.write_text(
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Kyiv Night Desk</title>'
        "<item><title>Overnight strikes</title><pubDate>Sat, 13 Dec 2025 00:30:00 +0200</pubDate>"
        "<description>Air defence was active over the capital overnight, officials said."
        "</description></item></channel></rss>",
        encoding="utf-8",
    )
    (article,), errors = read_all(path)
    assert errors == []
    assert article.published == dt.date(2025, 12, 13)
    assert article.text == "Air defence was active over the capital overnight, officials said."


def test_atom_entries(
    stories: list[tuple[str, list[str]]], tmp_path: Path, read_all: ReadAll
) -> None:
    path = tmp_path / "wire.atom"
    path.write_text(atom(stories), encoding="utf-8")
    (a, b), errors = read_all(path)
    assert errors == []
    assert a.title == stories[0][0] + " & more"
    assert a.published == dt.date(2025, 12, 13)  # updated, when there is no published
    assert b.published == dt.date(2025, 12, 14)
    assert (a.url, b.url) == ("https://wire.example.org/a", "https://wire.example.org/b")
    assert a.outlet == "Example Atom Wire"
    assert a.text == "\n\n".join(stories[0][1])
    assert b.text == "\n\n".join(stories[1][1])
    assert a.lang == "en"


def test_real_articles_through_a_feed(
    ecb_articles: list[dict[str, str]], tmp_path: Path, read_all: ReadAll
) -> None:
    stories = [(d["doc_id"], d["text"].split("\n")) for d in ecb_articles]
    path = tmp_path / "ecb.rss"
    path.write_text(rss(stories), encoding="utf-8")
    articles, errors = read_all(path)
    assert errors == []
    assert [a.text for a in articles] == [
        "\n\n".join(p for p in paragraphs if p.strip()) for _, paragraphs in stories
    ]


def test_entries_without_text_are_not_fetched_by_default(
    stories: list[tuple[str, list[str]]],
    tmp_path: Path,
    read_all: ReadAll,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def no_network(*args: object, **kwargs: object) -> None:
        raise AssertionError("the reader tried to fetch a link")

    monkeypatch.setattr(fetch, "fetch_url", no_network)
    monkeypatch.setattr("urllib.request.urlopen", no_network)
    path = tmp_path / "links.rss"
    path.write_text(rss(stories, full=False), encoding="utf-8")
    articles, errors = read_all(path)
    assert articles == []
    assert [e.source for e in errors] == [f"{path}#entry=1", f"{path}#entry=2"]
    assert all(isinstance(e, EmptyInput) for e in errors)
    assert all("--fetch" in e.reason for e in errors)


class _CannedResponse(io.BytesIO):
    """Just enough of an HTTP response for ``fetch_url``."""

    def __init__(self, body: bytes, url: str) -> None:
        super().__init__(body)
        self.status, self.url = 200, url

        class Headers:
            @staticmethod
            def get_content_charset() -> str:
                return "utf-8"

            @staticmethod
            def items() -> list[tuple[str, str]]:
                return [("Content-Type", "text/html; charset=utf-8")]

        self.headers = Headers()


def test_fetch_reads_the_linked_page_from_a_canned_response(
    stories: list[tuple[str, list[str]]],
    html_page: HtmlPage,
    tmp_path: Path,
    read_all: ReadAll,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    requested: list[str] = []

    class Opener:
        def open(self, request: Any, timeout: float) -> _CannedResponse:
            requested.append(request.full_url)
            assert timeout > 0
            title, paragraphs = stories[len(requested) - 1]
            page = html_page(title, paragraphs, site="Example Site").encode()
            return _CannedResponse(page, request.full_url)

    monkeypatch.setattr(fetch, "_opener", Opener)
    path = tmp_path / "links.rss"
    path.write_text(rss(stories, full=False), encoding="utf-8")
    articles, errors = read_all(path, fetch=True)
    assert errors == []
    assert requested == ["https://news.example.com/story-0", "https://news.example.com/story-1"]
    assert [a.text for a in articles] == ["\n\n".join(p) for _, p in stories]
    assert all(a.format == "feed" for a in articles)
    assert articles[0].outlet == "Example Site"


def test_a_failed_fetch_names_the_url_and_the_status_with_its_meaning(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import urllib.error

    class Opener:
        def open(self, request: Any, timeout: float) -> None:
            raise urllib.error.HTTPError(request.full_url, 404, "Gone \x1b[2J", {}, None)  # type: ignore[arg-type]

    monkeypatch.setattr(fetch, "_opener", Opener)
    url = "https://news.example.com/story-9"
    with pytest.raises(InputError) as caught:
        fetch.fetch_url(url, source="links.rss#entry=3", max_bytes=1000)
    assert str(caught.value) == f"links.rss#entry=3: could not fetch {url}: HTTP 404 Not Found"
    assert fetch.status_text(599) == "HTTP 599"


def test_fetch_refuses_other_schemes() -> None:
    with pytest.raises(InputError, match="http"):
        fetch.fetch_url("file:///etc/passwd", source="f#entry=1", max_bytes=1000)


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE rss [
  <!ENTITY lol "lol">
  <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
  <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
  <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
  <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
  <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
  <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
  <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<rss version="2.0"><channel><title>Bomb</title>
<item><title>Laughs</title><description>&lol9;</description></item>
</channel></rss>"""

EXTERNAL_ENTITY = """<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<rss version="2.0"><channel><title>Leak</title>
<item><title>x</title><description>&secret;</description></item></channel></rss>"""


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("bomb.xml", BILLION_LAUGHS),
        ("external.xml", EXTERNAL_ENTITY),
        # The same bomb, not well-formed (the loose parser's territory) and in UTF-16.
        ("bomb16.xml", BILLION_LAUGHS.replace("</rss>", "")),
    ],
)
def test_entity_declarations_are_refused(
    name: str, content: str, tmp_path: Path, read_all: ReadAll
) -> None:
    path = tmp_path / name
    path.write_bytes(content.encode("utf-16" if "16" in name else "utf-8"))
    articles, (error,) = read_all(path, format="feed")
    assert articles == []
    assert isinstance(error, MalformedInput)
    assert error.source == str(path)
    assert "entit" in error.reason
    assert "root:" not in error.reason


def test_doctype_without_entities_is_fine(
    stories: list[tuple[str, list[str]]], tmp_path: Path, read_all: ReadAll
) -> None:
    doctype = (
        '<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN" '
        '"http://my.netscape.com/publish/formats/rss-0.91.dtd">\n'
    )
    path = tmp_path / "old.rss"
    path.write_text(rss(stories).replace("<rss ", doctype + "<rss ", 1), encoding="utf-8")
    articles, errors = read_all(path)
    assert errors == []
    assert len(articles) == 2


@pytest.mark.parametrize(
    "content",
    [
        # Cut off in the channel header, before any entry.
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Half',
        # Not XML at all behind a feed-looking start.
        "<rss><<<>>> &&& \x01",
    ],
)
def test_malformed_feed_is_one_error(content: str, tmp_path: Path, read_all: ReadAll) -> None:
    path = tmp_path / "broken.rss"
    path.write_text(content, encoding="utf-8")
    articles, (error,) = read_all(path)
    assert articles == []
    assert isinstance(error, MalformedInput | EmptyInput)
    assert error.source == str(path)
    assert "feed" in error.reason


def test_feed_without_entries(tmp_path: Path, read_all: ReadAll) -> None:
    path = tmp_path / "empty.rss"
    path.write_text(
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Quiet</title></channel></rss>'
    )
    articles, (error,) = read_all(path)
    assert articles == []
    assert isinstance(error, EmptyInput)
    assert "no entries" in error.reason


def test_truncated_feed_keeps_the_entries_before_the_cut(
    stories: list[tuple[str, list[str]]], tmp_path: Path, read_all: ReadAll
) -> None:
    text = rss(stories)
    path = tmp_path / "cut.rss"
    path.write_text(text[: text.index("</item>") + len("</item>") + 20], encoding="utf-8")
    articles, _ = read_all(path)
    assert articles
    assert articles[0].text == "\n\n".join(stories[0][1])


def test_malformed_feed_error_names_the_line(tmp_path: Path, read_all: ReadAll) -> None:
    path = tmp_path / "typo.rss"
    path.write_text("<rss>\n<channel><title>Typo</titl></channel></rss>\n", encoding="utf-8")
    _, (error,) = read_all(path)
    assert isinstance(error, MalformedInput)
    assert "line 2, column" in error.reason


@pytest.mark.parametrize(
    ("fragment", "text"),
    [
        ("<p>One.</p><p>Two.</p>", "One.\n\nTwo."),
        (
            "First line<br>same paragraph<br/><br />New paragraph.",
            "First line\nsame paragraph\n\nNew paragraph.",
        ),
        (
            "<div>Kyiv,\n   December   13</div>\n<ul><li>a</li><li>b</li></ul>",
            "Kyiv, December 13\n\na\n\nb",
        ),
        ("Text <script>var x = '<p>no</p>';</script>more <style>p{}</style>text", "Text more text"),
        ("Caf&eacute; &amp; bar &#8212; &lt;b&gt;", "Café & bar — <b>"),
        ("<p>Unclosed <b>bold <i>and", "Unclosed bold and"),
    ],
)
def test_fragment_to_text(fragment: str, text: str) -> None:
    from storytrace.ingest.fragment import fragment_to_text

    assert fragment_to_text(fragment) == text
