"""The web pages and the API as a reader and a script meet them (issue 18, item 6):
paging, search by POST, a Compare link on every result, the "more" link, one title
rule, readable labels, a low-confidence direction worded as a guess."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("fastapi", reason="the server extra is not installed")
pytest.importorskip("httpx", reason="httpx is not installed")


from _server_helpers import serving
from storytrace.corpus import Store, StoreOptions

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "examples" / "seed-pair"
ECB = ROOT / "examples" / "ecbplus-sample" / "ecbplus-sample.jsonl"
pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("ux") / "store.db"
    with Store(path, options=StoreOptions(encoder="lexical")) as store:
        store.add([SEED / "a.txt", SEED / "b.txt", ECB])
    return path


async def test_api_lists_page_with_limit_and_offset(db: Path) -> None:
    async with serving(db) as client:
        two = (await client.get("/api/stories?limit=2")).json()
        assert len(two["stories"]) == 2
        assert two["count"] == 2
        assert two["total"] > 2
        assert two["next_offset"] == 2
        rest = (await client.get(f"/api/stories?limit=2&offset={two['total'] - 1}")).json()
        assert rest["count"] == 1
        assert rest["next_offset"] is None
        ids = {s["id"] for s in two["stories"]}
        assert not ids & {s["id"] for s in rest["stories"]}
        articles = (await client.get("/api/articles?limit=5&offset=40")).json()
        assert articles["total"] == 42
        assert articles["count"] == 2
        assert all(a["display_title"] for a in articles["articles"])
        bad = await client.get("/api/stories?limit=0")
        assert bad.status_code == 422


async def test_home_offers_more_and_pages_page_on(db: Path) -> None:
    async with serving(db) as client:
        home = (await client.get("/")).text
        assert 'href="/articles?offset=20"' in home
        assert "(no title)" not in home
        assert 'method="post" action="/search"' in home
        page = (await client.get("/articles?offset=20&limit=20")).text
        assert "21–40 of 42" in page
        assert 'rel="next" href="/articles?offset=40&amp;limit=20"' in page
        assert 'rel="prev" href="/articles?offset=0&amp;limit=20"' in page
        stories = (await client.get("/stories?limit=3")).text
        assert stories.count('data-label="Story"') == 3
        assert 'rel="next"' in stories


async def test_search_by_post_lists_versions_each_with_a_compare_link(db: Path) -> None:
    text = (SEED / "b.txt").read_text(encoding="utf-8")
    async with serving(db) as client:
        found = await client.post("/search", data={"q": text})
        assert found.status_code == 200
        page = found.text
        assert "Versions of the text you gave" in page
        assert page.count('action="/compare/text"') >= 1
        versions = page.count('class="version-row"')
        assert versions == page.count('action="/compare/text"')
        first = page.index('name="b_id" value="') + len('name="b_id" value="')
        b_id = page[first : page.index('"', first)]
        compared = await client.post("/compare/text", data={"a_text": text, "b_id": b_id})
        assert compared.status_code == 200
        assert 'id="relation"' in compared.text
        by_id = await client.post("/search", data={"q": b_id})
        assert by_id.status_code == 303


async def test_untitled_articles_are_titled_by_their_first_sentence_everywhere(db: Path) -> None:
    async with serving(db) as client:
        home = (await client.get("/articles?limit=50")).text
        assert 'class="untitled">Perennial party girl Tara Reid' in home
        article = (await client.get("/articles/1_10ecb")).text
        assert "(no title)" not in article
        assert "Perennial party girl Tara Reid" in article.split("</h1>")[0]
        story = (await client.get("/stories/1_10ecb")).text
        assert "no date" not in story
        assert "undated" in story


async def test_a_low_confidence_direction_reads_as_a_guess(db: Path) -> None:
    async with serving(db) as client:
        ids = [a["id"] for a in (await client.get("/api/articles?limit=50")).json()["articles"]]
        seed_a, seed_b = ids[-1], ids[-2]
        page = (await client.get(f"/compare?a={seed_a}&b={seed_b}")).text
        diff = await client.post("/api/compare", json={"a": {"id": seed_a}, "b": {"id": seed_b}})
        confidence = diff.json()["relation"]["direction_confidence"]
        if confidence < 0.6:
            assert "perhaps derives from" in page
        assert "hedges_and_framing" not in page
        assert "coverage_a" not in page


async def test_csv_downloads_of_the_lists(db: Path) -> None:
    import csv
    import io

    async with serving(db) as client:
        response = await client.get("/api/stories?limit=3&format=csv")
        assert response.status_code == 200
        assert "attachment" in response.headers["content-disposition"]
        rows = list(csv.DictReader(io.StringIO(response.text)))
        assert len(rows) == 3
        assert all(int(r["articles"]) >= 1 for r in rows)
        articles = list(
            csv.DictReader(
                io.StringIO((await client.get("/api/articles?format=csv&limit=500")).text)
            )
        )
        assert len(articles) == 42
        versions = await client.get("/api/articles/1_10ecb/versions?stories=true&format=csv")
        assert versions.text.startswith("id,relation,score")
        assert (await client.get("/api/stories?format=xml")).status_code == 422


def test_a_formula_in_a_cell_is_never_run_by_a_spreadsheet() -> None:
    from storytrace.server.export import csv_response

    body = bytes(
        csv_response([{"id": "=HYPERLINK(1)", "title": "-2+3"}], ("id", "title"), "x").body
    )
    assert body.decode().splitlines()[1] == "'=HYPERLINK(1),'-2+3"


async def test_a_pasted_comparison_has_a_permalink(tmp_path: Path) -> None:
    db = tmp_path / "store.db"
    with Store(db, options=StoreOptions(encoder="lexical")) as store:
        store.add([SEED / "a.txt"])
    a_text = (SEED / "a.txt").read_text(encoding="utf-8")
    b_text = (SEED / "b.txt").read_text(encoding="utf-8")
    async with serving(db) as client:
        posted = await client.post("/compare", data={"a_text": a_text, "b_text": b_text})
        assert posted.status_code == 200
        start = posted.text.index('id="permalink" href="') + len('id="permalink" href="')
        link = posted.text[start : posted.text.index('"', start)]
        assert link.startswith("/compare/p/")
        again = await client.get(link)
        assert again.status_code == 200
        assert 'id="relation">rewrite<' in again.text
        assert link in again.text
        same = await client.post("/compare", data={"a_text": a_text, "b_text": b_text})
        assert link in same.text  # the same texts, the same link
        assert (await client.get("/compare/p/0123456789abcdef")).status_code == 404
        assert (await client.get("/compare/p/..%2F..%2Fetc")).status_code == 404
    with Store(db) as store:
        assert len(store) == 1  # nothing pasted was stored
