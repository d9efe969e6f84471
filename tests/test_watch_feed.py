"""The change feed (``/changes.atom``, ``/api/changes``) and the history page, over a
store filled by ``storytrace watch`` from a local news site."""

from __future__ import annotations

import re
from pathlib import Path

import feedparser
import pytest

from _server_helpers import serving
from _watch_site import Route, serve_site
from test_watch import Story, ecb_stories, edited, page, seed_story, watch_once

pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(scope="module")
def watched(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, str]:
    """A store where the seed page had its number and hedge edited, and an ECB+ page had
    one comma removed; returns the store and the two pages' URLs."""
    db = tmp_path_factory.mktemp("feed") / "news.db"
    seed = seed_story()
    other = ecb_stories(1)[0]
    # a sentence whose text must come out escaped (it changes too)
    marked = Story(seed.title, [*seed.paragraphs, "Readers wrote <script>alert(1)</script> back."])
    with serve_site() as site:
        site.routes["/seed"] = Route(page(marked))
        site.routes["/other"] = Route(page(other))
        sources = [site.url("/seed"), site.url("/other")]
        watch_once(db, sources)
        changed, *_ = edited(marked)
        paragraphs = [p.replace("alert(1)", "alert(2)") for p in changed.paragraphs]
        site.routes["/seed"] = Route(page(Story(changed.title, paragraphs)))
        index = next(i for i, p in enumerate(other.paragraphs) if "," in p)
        paragraphs = list(other.paragraphs)
        paragraphs[index] = paragraphs[index].replace(",", "", 1)
        site.routes["/other"] = Route(page(Story(other.title, paragraphs)))
        report, errors = watch_once(db, sources)
        assert (report.new_versions, errors) == (2, [])
        return db, site.url("/seed"), site.url("/other")


async def test_the_atom_feed_validates_and_carries_the_changes(
    watched: tuple[Path, str, str],
) -> None:
    db, seed_url, other_url = watched
    async with serving(db) as client:
        answer = await client.get("/changes.atom")
        everything = await client.get("/changes.atom", params={"min_significance": 0})
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("application/atom+xml")
    feed = feedparser.parse(answer.content)
    assert not feed.bozo, feed.get("bozo_exception")
    # the comma-only change is no alert by default
    assert len(feed.entries) == 1
    (entry,) = feed.entries
    assert "number" in entry.title
    assert "hedge" in entry.title
    content = entry.content[0].value
    assert "<del>" in content
    assert "<ins>" in content
    assert "stealth edit" in content
    assert "<script>" not in content
    assert "&lt;script&gt;" in content
    assert entry.link.endswith("#v2")
    assert "/history/" in entry.link
    assert {e.links[1].href for e in feedparser.parse(everything.content).entries} == {
        seed_url,
        other_url,
    }


async def test_api_changes_pages_and_filters(watched: tuple[Path, str, str]) -> None:
    db, seed_url, other_url = watched
    async with serving(db) as client:
        default = (await client.get("/api/changes")).json()
        every = (
            await client.get("/api/changes", params={"min_significance": 0, "limit": 1})
        ).json()
        second = (
            await client.get(
                "/api/changes", params={"min_significance": 0, "limit": 1, "offset": 1}
            )
        ).json()
        hedges = (await client.get("/api/changes", params={"type": "hedge"})).json()
        elsewhere = (await client.get("/api/changes", params={"host": "example.org"})).json()
        bad = await client.get("/api/changes", params={"min_significance": 2})
    assert [c["page"] for c in default["changes"]] == [seed_url]
    (change,) = default["changes"]
    assert (change["relation"], change["version"]) == ("update", 2)
    assert {"number", "hedge"} <= set(change["change_types"])
    assert (every["total"], every["count"], every["next_offset"]) == (2, 1, 1)
    assert every["changes"][0]["page"] == other_url  # newest first
    # a comma changes no word: a version, of significance 0, with no change type
    assert (every["changes"][0]["change_types"], every["changes"][0]["significance"]) == ([], 0)
    assert second["changes"][0]["page"] == seed_url
    assert second["next_offset"] is None
    assert [c["page"] for c in hedges["changes"]] == [seed_url]
    assert elsewhere["total"] == 0
    assert bad.status_code == 422 or bad.status_code == 400


async def test_the_history_page_shows_each_step_and_the_article_links_to_it(
    watched: tuple[Path, str, str],
) -> None:
    db, seed_url, _ = watched
    async with serving(db) as client:
        changes = (await client.get("/api/changes")).json()["changes"]
        latest = changes[0]["id"]
        history = await client.get(f"/history/{latest}")
        article = await client.get(f"/articles/{changes[0]['previous']}")
        missing = await client.get("/history/no-such-id")
    assert history.status_code == 200
    text = history.text
    assert 'id="v1"' in text
    assert 'id="v2"' in text
    assert "stealth edit" in text
    assert re.search(r"<del>[^<]*</del>", text)
    assert re.search(r"<ins>[^<]*</ins>", text)
    assert "<script>alert(1)</script>" not in text
    assert "&lt;script&gt;" in text
    assert seed_url in text
    assert f'href="/history/{changes[0]["previous"]}"' in article.text
    assert missing.status_code == 404
