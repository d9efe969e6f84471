"""The web service in-process: every endpoint and every error, on the seed pair and ECB+.

The app runs inside the test through httpx's ASGI transport (no socket), with its
lifespan entered as a server would, so the worker threads and their store
connections are the real ones. Stores are built once per module with the lexical
encoder (fast); tests that write get a store of their own.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("fastapi", reason="the server extra is not installed")
pytest.importorskip("httpx", reason="httpx is not installed")

import httpx
from starlette.types import Message
from typer.testing import CliRunner

from storytrace import NotFound
from storytrace.cli import app as cli_app
from storytrace.comparison import compare
from storytrace.corpus import Store, StoreOptions
from storytrace.errors import ConfigError
from storytrace.find import VERSION_RELATIONS
from storytrace.pipeline import read
from storytrace.render.json import comparison_to_dict, find_to_dict
from storytrace.server import ServerOptions, create_app
from storytrace.server import service as server_service
from storytrace.stories import Member, Story, StoryEdge, build_story

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "examples" / "seed-pair"
ECB = ROOT / "examples" / "ecbplus-sample" / "ecbplus-sample.jsonl"
LEXICAL = StoreOptions(encoder="lexical")
DENIAL = "The day before, the Office of the President denied"
MALICIOUS_TITLE = "<script>window.pwned=1</script> Breaking"
MALICIOUS_TEXT = (
    'Officials said <img src=x onerror="window.pwned=2"> the bridge reopened on Monday. '
    "The <script>window.pwned=1</script> repairs took four months and cost 2 million euros."
)

pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@dataclass(frozen=True)
class Corpus:
    """A store holding the seed pair and the 40 ECB+ articles."""

    path: Path
    a: str
    b: str


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Corpus:
    path = tmp_path_factory.mktemp("server") / "store.db"
    with Store(path, options=LEXICAL) as store:
        report = store.add([SEED / "a.txt", SEED / "b.txt", ECB])
        assert report.added == 42
        assert not report.failed
        ids = store.ids()
    return Corpus(path=path, a=ids[0], b=ids[1])


@pytest.fixture
def fresh_store(tmp_path: Path) -> Path:
    """A store of its own (the seed pair only), for tests that write."""
    path = tmp_path / "fresh.db"
    with Store(path, options=LEXICAL) as store:
        store.add([SEED / "a.txt", SEED / "b.txt"])
    return path


@asynccontextmanager
async def serving(
    db: Path, *, raise_app_exceptions: bool = True, **options: Any
) -> AsyncIterator[httpx.AsyncClient]:
    """A client of a freshly built app over ``db``, lifespan entered as uvicorn does."""
    options.setdefault("encoder", "lexical")
    app = create_app(ServerOptions(db=db, **options))
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=raise_app_exceptions)
        async with httpx.AsyncClient(
            transport=transport, base_url="http://127.0.0.1:8000", timeout=60
        ) as client:
            yield client


def assert_error(response: httpx.Response, status: int, type_name: str) -> str:
    """The one error shape, with this status and type; returns the message."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"type", "message", "status"}
    assert body["error"]["type"] == type_name
    assert body["error"]["status"] == status
    message: str = body["error"]["message"]
    assert message
    return message


def seed_text(name: str) -> str:
    return (SEED / name).read_text(encoding="utf-8")


def check_seed_diff(diff: dict[str, Any]) -> None:
    """What ``storytrace diff`` says of the seed pair, in the JSON contract."""
    assert diff["relation"]["label"] == "rewrite"
    assert diff["relation"]["direction"] == "a_to_b"
    changes = [c for p in diff["pairs"] for c in p["changes"]]
    dropped_hedges = [c for c in changes if c["type"] == "hedge" and c["a"] == "allegedly"]
    assert len(dropped_hedges) == 2
    assert all(c["b"] is None for c in dropped_hedges)
    framing = [(c["type"], c["a"], c["b"]) for c in changes if c["type"] == "framing"]
    assert ("framing", "the aggressor country", None) in framing
    added = [p for p in diff["pairs"] if p["kind"] == "added"]
    texts = {s["i"]: s["text"] for s in diff["b"]["sentences"]}
    assert any(texts[i].startswith(DENIAL) for p in added for i in p["b"])
    assert all(p["a"] == [] for p in added)
    # every sentence of each article in exactly one pair
    for side in ("a", "b"):
        seen = sorted(i for p in diff["pairs"] for i in p[side])
        assert seen == [s["i"] for s in diff[side]["sentences"]]
    for key in ("a", "b", "relation", "coverage", "pairs"):
        assert key in diff


# --- POST /api/compare -----------------------------------------------------------


async def test_compare_two_stored_ids_is_the_diff_contract(corpus: Corpus) -> None:
    async with serving(corpus.path) as client:
        response = await client.post(
            "/api/compare", json={"a": {"id": corpus.a}, "b": {"id": corpus.b}}
        )
    assert response.status_code == 200, response.text
    diff = response.json()
    check_seed_diff(diff)
    # exactly what the library (and so `storytrace diff --format json`) says
    expected = comparison_to_dict(
        compare(read(SEED / "a.txt"), read(SEED / "b.txt"), encoder="lexical")
    )
    assert diff["pairs"] == expected["pairs"]
    assert diff["relation"] == expected["relation"]
    assert diff["coverage"] == expected["coverage"]


async def test_compare_two_pasted_texts(corpus: Corpus) -> None:
    body = {"a": {"text": seed_text("a.txt")}, "b": {"text": seed_text("b.txt")}}
    async with serving(corpus.path) as client:
        response = await client.post("/api/compare", json=body)
    assert response.status_code == 200, response.text
    diff = response.json()
    check_seed_diff(diff)
    assert diff["a"]["title"].startswith("Anonymous top US official")  # the header line
    assert diff["a"]["published"] == "2025-12-13"
    assert [r["kind"] for r in diff["a"]["removed"]].count("editor_note") == 2
    assert diff["encoder"] == "lexical"


async def test_compare_a_stored_id_with_a_text_and_its_metadata(corpus: Corpus) -> None:
    body = {
        "a": {"id": corpus.a},
        "b": {"text": seed_text("b.txt"), "title": "The rewrite", "outlet": "Outlet B"},
        "encoder": "lexical",
    }
    async with serving(corpus.path) as client:
        response = await client.post("/api/compare", json=body)
    assert response.status_code == 200, response.text
    diff = response.json()
    check_seed_diff(diff)
    assert diff["b"]["title"] == "The rewrite"
    assert diff["b"]["outlet"] == "Outlet B"


async def test_compare_uses_the_library_default_encoder_when_none_is_set(corpus: Corpus) -> None:
    body = {"a": {"text": seed_text("a.txt")}, "b": {"text": seed_text("b.txt")}}
    async with serving(corpus.path, encoder=None) as client:
        response = await client.post("/api/compare", json=body)
    assert response.status_code == 200, response.text
    diff = response.json()
    assert diff["encoder"] == "use"  # as `storytrace diff` without --encoder
    check_seed_diff(diff)


async def test_compare_errors_have_the_one_shape(corpus: Corpus) -> None:
    async with serving(corpus.path) as client:
        unknown = await client.post(
            "/api/compare", json={"a": {"id": corpus.a}, "b": {"id": "no-such-id"}}
        )
        assert "no-such-id" in assert_error(unknown, 404, "NotFound")

        bad_json = await client.post(
            "/api/compare", content=b'{"a": {"id": ', headers={"content-type": "application/json"}
        )
        assert "not valid JSON" in assert_error(bad_json, 400, "InvalidJSON")

        missing = await client.post("/api/compare", json={"a": {"id": corpus.a}})
        assert "b: Field required" in assert_error(missing, 422, "ValidationError")

        both = await client.post(
            "/api/compare",
            json={"a": {"id": corpus.a, "text": "x"}, "b": {"id": corpus.b}},
        )
        assert "either id" in assert_error(both, 422, "ValidationError")

        extra = await client.post(
            "/api/compare", json={"a": {"id": corpus.a}, "b": {"id": corpus.b}, "bogus": 1}
        )
        assert "bogus" in assert_error(extra, 422, "ValidationError")

        # st:PATH would let a caller load any model folder: not offered over HTTP
        encoder = await client.post(
            "/api/compare",
            json={"a": {"id": corpus.a}, "b": {"id": corpus.b}, "encoder": "st:/etc"},
        )
        assert_error(encoder, 422, "ValidationError")

        empty = await client.post(
            "/api/compare", json={"a": {"text": "   \n  "}, "b": {"id": corpus.b}}
        )
        assert_error(empty, 400, "EmptyInput")

        not_json = await client.post(
            "/api/compare", content=b"a=1", headers={"content-type": "text/plain"}
        )
        assert not_json.status_code in (400, 422)
        assert not_json.json()["error"]["status"] == not_json.status_code


# --- size limit -------------------------------------------------------------------


async def test_oversized_body_is_refused_before_it_is_read(corpus: Corpus) -> None:
    app = create_app(ServerOptions(db=corpus.path, max_body=1000))
    received: list[Any] = []
    sent: list[Message] = []

    async def receive() -> Message:
        received.append(True)
        raise AssertionError("the body was read")

    async def send(message: Message) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/api/articles",
        "raw_path": b"/api/articles",
        "query_string": b"",
        "root_path": "",
        "headers": [
            (b"host", b"127.0.0.1:8000"),
            (b"content-type", b"application/json"),
            (b"content-length", str(10 * 1024 * 1024).encode()),
        ],
        "client": ("127.0.0.1", 5000),
        "server": ("127.0.0.1", 8000),
    }
    await app(scope, receive, send)
    assert not received
    assert sent[0]["status"] == 413
    body = json.loads(b"".join(m.get("body", b"") for m in sent[1:]))
    assert body["error"]["type"] == "PayloadTooLarge"
    assert "--max-body" in body["error"]["message"]


async def test_oversized_bodies_get_413_with_and_without_content_length(corpus: Corpus) -> None:
    big = json.dumps({"a": {"text": "word " * 600}, "b": {"id": corpus.b}}).encode()
    assert len(big) > 2000

    async def chunks() -> AsyncIterator[bytes]:
        for start in range(0, len(big), 512):
            yield big[start : start + 512]

    async with serving(corpus.path, max_body=2000) as client:
        sized = await client.post(
            "/api/compare", content=big, headers={"content-type": "application/json"}
        )
        assert "limit of 2.0 KB" in assert_error(sized, 413, "PayloadTooLarge")
        chunked = await client.post(
            "/api/compare", content=chunks(), headers={"content-type": "application/json"}
        )
        assert_error(chunked, 413, "PayloadTooLarge")
        small = {"a": {"id": corpus.a}, "b": {"id": corpus.b}}
        assert (await client.post("/api/compare", json=small)).status_code == 200


async def test_default_limit_is_2mb(corpus: Corpus) -> None:
    text = "The council met again. " * (2 * 1024 * 1024 // 23 + 10)
    async with serving(corpus.path) as client:
        response = await client.post("/api/articles", json={"text": text})
    assert "2 MB" in assert_error(response, 413, "PayloadTooLarge")


# --- POST /api/articles and GET /api/articles/{id} ---------------------------------


async def test_add_an_article_then_again_then_read_it(fresh_store: Path) -> None:
    body = {
        "text": MALICIOUS_TEXT,
        "title": "Bridge reopens",
        "published": "2025-03-04",
        "outlet": "Local Paper",
        "url": "https://example.org/bridge",
    }
    async with serving(fresh_store) as client:
        first = await client.post("/api/articles", json=body)
        assert first.status_code == 201, first.text
        added = first.json()
        assert added["already_stored"] is False
        assert added["title"] == "Bridge reopens"
        again = await client.post("/api/articles", json=body)
        assert again.status_code == 200
        assert again.json() == {**added, "already_stored": True}

        got = await client.get(added["url"])
        assert got.status_code == 200
        article = got.json()
        assert article["id"] == added["id"]
        assert article["published"] == "2025-03-04"
        assert article["outlet"] == "Local Paper"
        numbers = [n for s in article["sentences"] for n in s["facts"]["numbers"]]
        assert any(n["value"] == 2_000_000 for n in numbers)
        health = await client.get("/api/health")
        assert health.json() == {"status": "ok", "articles": 3}
    with Store(fresh_store, create=False) as store:
        assert len(store) == 3  # stored once


async def test_add_keeps_a_given_id_even_one_that_is_a_url(fresh_store: Path) -> None:
    odd = "https://news.example/2025/03/bridge?id=7"
    async with serving(fresh_store) as client:
        added = await client.post(
            "/api/articles", json={"id": odd, "text": seed_text("a.txt") + "\nUpdate: more."}
        )
        assert added.status_code == 201, added.text
        assert added.json()["id"] == odd
        got = await client.get(added.json()["url"])
        assert got.status_code == 200
        assert got.json()["id"] == odd
        versions = await client.get(added.json()["url"] + "/versions")
        assert versions.status_code == 200, versions.text
        assert versions.json()["query"]["id"] == odd
        page = await client.get(
            "/articles/" + added.json()["url"].rsplit("/", 1)[1], headers={"accept": "text/html"}
        )
        assert page.status_code == 200


async def test_add_errors(fresh_store: Path) -> None:
    async with serving(fresh_store) as client:
        with Store(fresh_store, create=False) as store:
            taken = store.ids()[0]
        clash = await client.post("/api/articles", json={"id": taken, "text": MALICIOUS_TEXT})
        assert "already stored for a different article" in assert_error(clash, 400, "InputError")
        bad_date = await client.post(
            "/api/articles", json={"text": MALICIOUS_TEXT, "published": "yesterday"}
        )
        assert "published" in assert_error(bad_date, 400, "ConfigError")
        assert_error(await client.post("/api/articles", json={"text": ""}), 422, "ValidationError")
        blank = await client.post("/api/articles", json={"text": " \n\t "})
        assert_error(blank, 400, "EmptyInput")
        assert_error(
            await client.post(
                "/api/articles", content=b"[1,", headers={"content-type": "application/json"}
            ),
            400,
            "InvalidJSON",
        )
        assert_error(await client.get("/api/articles/not-there"), 404, "NotFound")


async def test_get_an_ecb_article_with_its_facts(corpus: Corpus) -> None:
    async with serving(corpus.path) as client:
        response = await client.get("/api/articles/1_10ecb")
    assert response.status_code == 200
    article = response.json()
    assert article["id"] == "1_10ecb"
    assert article["sentences"][0]["text"].startswith("Perennial party girl Tara Reid")
    names = {n["text"] for s in article["sentences"] for n in s["facts"]["names"]}
    assert "Tara Reid" in names


# --- GET /api/articles/{id}/versions -------------------------------------------------


async def test_versions_mirror_find(corpus: Corpus) -> None:
    async with serving(corpus.path) as client:
        seed = await client.get(f"/api/articles/{corpus.a}/versions")
        ecb = await client.get("/api/articles/1_10ecb/versions", params={"stories": "true"})
        limited = await client.get("/api/articles/1_10ecb/versions?stories=true&limit=1")
        assert_error(await client.get("/api/articles/nope/versions"), 404, "NotFound")
        bad = await client.get(f"/api/articles/{corpus.a}/versions?limit=0")
        assert "limit" in assert_error(bad, 422, "ValidationError")
    assert seed.status_code == 200
    found = seed.json()
    assert found["query"]["id"] == corpus.a
    assert found["query"]["stored"] is True
    assert [(v["id"], v["relation"]) for v in found["versions"]] == [(corpus.b, "rewrite")]
    with Store(corpus.path, create=False) as store:
        expected = find_to_dict(
            store.find_id(
                "1_10ecb",
                limit=10,
                include=VERSION_RELATIONS + server_service.STORY_RELATIONS,
            )
        )
    assert ecb.json()["versions"] == expected["versions"]
    relations = {v["relation"] for v in ecb.json()["versions"]}
    assert "same_story" in relations
    assert len(limited.json()["versions"]) == 1


async def test_an_id_is_never_read_as_a_file_on_the_server(corpus: Corpus, tmp_path: Path) -> None:
    secret = tmp_path / "private-notes.txt"
    secret.write_text("Private notes. The combination is 4711. Nobody may read this.\n")
    quoted = str(secret).replace("/", "%2F")
    async with serving(corpus.path) as client:
        for path in (f"/api/articles/{quoted}/versions", f"/api/articles/{quoted}"):
            response = await client.get(path)
            assert_error(response, 404, "NotFound")
            assert "4711" not in response.text
        compared = await client.post(
            "/api/compare", json={"a": {"id": str(secret)}, "b": {"id": corpus.b}}
        )
        message = assert_error(compared, 404, "NotFound")
    assert "4711" not in compared.text
    # the store is named, not where it lives on the server's disk
    assert str(corpus.path.parent) not in message
    assert corpus.path.name in message


# --- stories -------------------------------------------------------------------------

needs_stories = pytest.mark.skipif(
    not hasattr(Store, "stories"), reason="Store.stories not available yet"
)


@needs_stories
async def test_stories_endpoints_on_the_real_store(corpus: Corpus) -> None:
    async with serving(corpus.path) as client:
        listing = await client.get("/api/stories")
        assert listing.status_code == 200, listing.text
        stories = listing.json()["stories"]
        assert listing.json()["count"] == len(stories) > 0
        seed_story = next(s for s in stories if corpus.a in {a["id"] for a in s["articles"]})
        assert corpus.b in {a["id"] for a in seed_story["articles"]}
        one = await client.get(f"/api/stories/{seed_story['id']}")
        assert one.status_code == 200
        assert one.json()["id"] == seed_story["id"]
        assert_error(await client.get("/api/stories/no-such-story"), 404, "NotFound")
        since = await client.get("/api/stories", params={"since": "2100-01-01"})
        assert since.status_code == 200
        assert_error(await client.get("/api/stories?since=soon"), 422, "ValidationError")
        page = await client.get(f"/stories/{seed_story['id']}", headers={"accept": "text/html"})
        assert page.status_code == 200
        assert "<svg" in page.text


def fake_story(a: str, b: str) -> Story:
    """A hand-made story with a malicious title, built by the real ``build_story``: the
    page's escaping and edge links under test, whatever the clustering would find."""
    day = dt.date(2025, 12, 13)
    members = [
        Member(0, a, "Seed A", "", day, "Outlet A", "en"),
        Member(1, b, MALICIOUS_TITLE, "", day + dt.timedelta(days=1), "Outlet B", "en"),
        Member(2, "1_10ecb", "Tara", "", day + dt.timedelta(days=2), None, "en"),
    ]
    edges = [
        StoryEdge(a, b, "rewrite", 0.93, "a_to_b", 0.9),
        StoryEdge(b, "1_10ecb", "same_story", 0.41, "unknown", 0.0),
        StoryEdge(a, "1_10ecb", "related", 0.2, "unknown", 0.0),
    ]
    story = build_story("story/1", members, edges)
    return replace(story, title="Security guarantee " + MALICIOUS_TITLE)


@pytest.fixture
def fake_stories(monkeypatch: pytest.MonkeyPatch, corpus: Corpus) -> Story:
    """Store.stories / Store.story answering one story, whatever the store has."""
    story = fake_story(corpus.a, corpus.b)

    def stories(self: Store, since: Any = None, **options: Any) -> list[Story]:
        return [story]

    def one(self: Store, story_id: str, **options: Any) -> Story:
        if story_id != story.id:
            raise NotFound(f"no story with id {story_id!r}")
        return story

    monkeypatch.setattr(Store, "stories", stories, raising=False)
    monkeypatch.setattr(Store, "story", one, raising=False)
    return story


async def test_story_page_draws_the_tree_with_edges_to_compare(
    corpus: Corpus, fake_stories: Story
) -> None:
    html_headers = {"accept": "text/html"}
    async with serving(corpus.path) as client:
        api = await client.get("/api/stories")
        assert api.json()["count"] == 1
        one = await client.get("/api/stories/story%2F1")
        assert one.status_code == 200
        assert one.json()["id"] == "story/1"
        listing = await client.get("/stories", headers=html_headers)
        page = await client.get("/stories/story%2F1", headers=html_headers)
        missing = await client.get("/stories/nope", headers=html_headers)
    assert listing.status_code == 200
    assert "/stories/story%2F1" in listing.text
    assert page.status_code == 200
    svg = page.text[page.text.index("<svg") : page.text.index("</svg>")]
    edges = re.findall(r'<a href="([^"]+)" class="edge', svg)
    # only derived relations make the tree; same_story/related links are listed apart
    assert edges == [f"/compare?a={corpus.a}&amp;b={corpus.b}"]
    assert svg.count('class="node') == 3
    assert "<script>" not in page.text
    assert "&lt;script&gt;window.pwned=1" in page.text
    assert 'class="timeline"' in page.text
    assert "Other verified links" in page.text  # the links to 1_10ecb, not tree edges
    assert missing.status_code == 404
    assert "<!DOCTYPE html>" in missing.text


async def test_stories_answer_501_when_the_store_cannot_group(
    corpus: Corpus, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delattr(Store, "stories", raising=False)
    async with serving(corpus.path) as client:
        assert_error(await client.get("/api/stories"), 501, "NotImplemented")
        assert_error(await client.get("/api/stories/x"), 501, "NotImplemented")


# --- the token ------------------------------------------------------------------------


async def test_writes_need_the_token_when_there_is_one(fresh_store: Path) -> None:
    body = {"text": MALICIOUS_TEXT}
    compare_body = {"a": {"text": seed_text("a.txt")}, "b": {"text": seed_text("b.txt")}}
    async with serving(fresh_store, token="s3cret-token") as client:
        missing = await client.post("/api/articles", json=body)
        assert "Bearer" in assert_error(missing, 401, "TokenRequired")
        assert missing.headers["www-authenticate"].startswith("Bearer")
        wrong = await client.post(
            "/api/articles", json=body, headers={"authorization": "Bearer nope"}
        )
        assert_error(wrong, 403, "TokenInvalid")
        basic = await client.post(
            "/api/articles", json=body, headers={"authorization": "Basic czNjcmV0"}
        )
        assert_error(basic, 401, "TokenRequired")
        assert_error(await client.post("/api/compare", json=compare_body), 401, "TokenRequired")
        good = {"authorization": "Bearer s3cret-token"}
        assert (await client.post("/api/articles", json=body, headers=good)).status_code == 201
        assert (
            await client.post("/api/compare", json=compare_body, headers=good)
        ).status_code == 200
        # reads stay open
        assert (await client.get("/api/health")).status_code == 200
        form = await client.post(
            "/compare", data={"a_text": seed_text("a.txt"), "b_text": seed_text("b.txt")}
        )
        assert_error(form, 401, "TokenRequired")
        form_ok = await client.post(
            "/compare",
            data={
                "a_text": seed_text("a.txt"),
                "b_text": seed_text("b.txt"),
                "token": "s3cret-token",
            },
        )
        assert form_ok.status_code == 200


def test_a_non_loopback_host_needs_a_token() -> None:
    with pytest.raises(ConfigError, match="--token"):
        ServerOptions(host="0.0.0.0")
    with pytest.raises(ConfigError, match="--token"):
        ServerOptions(host="192.0.2.7")
    with pytest.raises(ConfigError, match="empty"):
        ServerOptions(token="  ")
    assert ServerOptions(host="0.0.0.0", token="t").token_required
    assert not ServerOptions(host="::1").token_required
    assert ServerOptions(host="localhost").loopback
    assert ServerOptions(host="127.8.9.10").loopback
    assert not ServerOptions(host="0.0.0.0", token="t").loopback


async def test_a_non_loopback_server_answers_any_host_but_writes_need_the_token(
    fresh_store: Path,
) -> None:
    async with serving(fresh_store, host="0.0.0.0", token="t0ken") as client:
        other_host = {"host": "newsroom.example:8000"}
        assert (await client.get("/api/health", headers=other_host)).status_code == 200
        response = await client.post(
            "/api/articles", json={"text": MALICIOUS_TEXT}, headers=other_host
        )
        assert_error(response, 401, "TokenRequired")


async def test_loopback_server_refuses_foreign_hosts_and_cross_origin_posts(
    corpus: Corpus,
) -> None:
    async with serving(corpus.path) as client:
        rebinding = await client.get("/api/health", headers={"host": "attacker.example"})
        assert_error(rebinding, 400, "HostNotAllowed")
        for host in ("localhost:8000", "127.0.0.1", "[::1]:8000"):
            assert (await client.get("/api/health", headers={"host": host})).status_code == 200
        body = {"a": {"id": corpus.a}, "b": {"id": corpus.b}}
        cross = await client.post(
            "/api/compare", json=body, headers={"origin": "https://attacker.example"}
        )
        assert_error(cross, 403, "CrossOrigin")
        null = await client.post("/api/compare", json=body, headers={"origin": "null"})
        assert_error(null, 403, "CrossOrigin")
        same = await client.post(
            "/api/compare", json=body, headers={"origin": "http://127.0.0.1:8000"}
        )
        assert same.status_code == 200


# --- the pages -------------------------------------------------------------------------

HTML = {"accept": "text/html"}


async def test_pages_carry_a_policy_that_forbids_scripts(corpus: Corpus) -> None:
    async with serving(corpus.path) as client:
        home = await client.get("/", headers=HTML)
        css = await client.get("/static/storytrace.css")
    assert home.status_code == 200
    policy = home.headers["content-security-policy"]
    assert "default-src 'none'" in policy
    assert "script-src" not in policy
    assert home.headers["x-content-type-options"] == "nosniff"
    assert "<script" not in home.text
    assert 'action="/compare"' in home.text
    assert 'action="/search"' in home.text
    assert "4_9ecbplus" in home.text  # the last one stored comes first
    assert css.status_code == 200
    assert "mark.change" in css.text


async def test_compare_page_of_two_stored_ids(corpus: Corpus) -> None:
    async with serving(corpus.path) as client:
        page = await client.get("/compare", params={"a": corpus.a, "b": corpus.b}, headers=HTML)
        missing = await client.get(f"/compare?a={corpus.a}", headers=HTML)
        missing_json = await client.get(f"/compare?a={corpus.a}")
        unknown = await client.get(f"/compare?a={corpus.a}&b=zzz", headers=HTML)
    assert page.status_code == 200
    text = page.text
    added_rows = re.findall(r'<tr id="u\d+" class="unit k-added".*?</tr>', text, re.S)
    assert len(added_rows) == 1
    assert DENIAL in added_rows[0]
    hedges = re.findall(r'<tr class="change-row" data-type="hedge">.*?</tr>', text, re.S)
    assert sum("allegedly" in row for row in hedges) == 2
    assert '<strong class="label rel-rewrite" id="relation">rewrite</strong>' in text
    assert 'data-direction="a_to_b"' in text
    assert "the aggressor country" in text
    assert "PHOTO" in text.upper()
    assert "Removed boilerplate" in text
    assert f'href="/articles/{corpus.a}"' in text
    assert missing.status_code == 422
    assert "<!DOCTYPE html>" in missing.text
    assert_error(missing_json, 422, "ValidationError")
    assert unknown.status_code == 404
    assert "zzz" in unknown.text


async def test_compare_form_with_pasted_texts_and_uploads(corpus: Corpus) -> None:
    async with serving(corpus.path) as client:
        pasted = await client.post(
            "/compare",
            data={"a_text": seed_text("a.txt"), "b_text": seed_text("b.txt"), "encoder": ""},
            headers=HTML,
        )
        uploaded = await client.post(
            "/compare",
            files={
                "a_file": ("a.txt", (SEED / "a.txt").read_bytes(), "text/plain"),
                "b_file": ("b.txt", (SEED / "b.txt").read_bytes(), "text/plain"),
            },
            data={"encoder": "lexical"},
            headers=HTML,
        )
        missing = await client.post("/compare", data={"a_text": "Only one side."})
        bad_encoder = await client.post(
            "/compare", data={"a_text": "x y.", "b_text": "y z.", "encoder": "st:/tmp"}
        )
    for page in (pasted, uploaded):
        assert page.status_code == 200, page.text[:500]
        assert DENIAL in page.text
        assert 'class="unit k-added"' in page.text
        assert '<strong class="label rel-rewrite" id="relation">rewrite</strong>' in page.text
    assert "a.txt" in uploaded.text
    assert "version B is missing" in assert_error(missing, 400, "MissingInput")
    assert_error(bad_encoder, 422, "ValidationError")


async def test_article_page_shows_metadata_boilerplate_facts_and_versions(
    corpus: Corpus,
) -> None:
    async with serving(corpus.path) as client:
        page = await client.get(f"/articles/{corpus.a}", headers=HTML)
        missing = await client.get("/articles/nope", headers=HTML)
    assert page.status_code == 200
    text = page.text
    assert "Anonymous top US official says security guarantee" in text
    assert "2025-12-13" in text
    assert "AARON SCHWARTZ/EPA" in text  # the removed photo credit
    assert 'class="ctype c-hedge">hedge</span> allegedly' in text
    assert f'href="/compare?a={corpus.a}&amp;b={corpus.b}"' in text
    assert 'data-relation="rewrite"' in text
    assert missing.status_code == 404
    assert "NotFound" in missing.text


async def test_search_by_id_redirects_and_by_text_lists_versions(corpus: Corpus) -> None:
    async with serving(corpus.path) as client:
        by_id = await client.get("/search", params={"q": f"  {corpus.a} "}, headers=HTML)
        by_text = await client.get("/search", params={"q": seed_text("b.txt")}, headers=HTML)
        empty = await client.get("/search?q=", headers=HTML)
    assert by_id.status_code == 303
    assert by_id.headers["location"] == f"/articles/{corpus.a}"
    assert by_text.status_code == 200
    assert f'href="/articles/{corpus.a}"' in by_text.text
    assert 'data-relation="rewrite"' in by_text.text
    assert empty.status_code == 303
    assert empty.headers["location"] == "/"


async def test_article_text_is_escaped_in_every_page(fresh_store: Path) -> None:
    async with serving(fresh_store) as client:
        added = await client.post(
            "/api/articles",
            json={
                "text": MALICIOUS_TEXT,
                "title": MALICIOUS_TITLE,
                "outlet": '"><script>window.pwned=4</script>',
                "url": "javascript:window.pwned=5",
                "lang": '"><b>',
            },
        )
        article_id = added.json()["id"]
        pages = [
            await client.get(f"/articles/{article_id}", headers=HTML),
            await client.get("/", headers=HTML),
            await client.post(
                "/compare",
                data={
                    "a_text": MALICIOUS_TITLE + "\n\n" + MALICIOUS_TEXT,
                    "b_text": MALICIOUS_TEXT,
                },
                headers=HTML,
            ),
            await client.get("/search", params={"q": MALICIOUS_TEXT}, headers=HTML),
        ]
    for page in pages:
        assert page.status_code == 200, page.text[:300]
        assert "<script" not in page.text
        assert "<img" not in page.text
        assert "javascript:" not in page.text.replace("javascript:window.pwned=5</", "")
        assert 'href="javascript' not in page.text
        assert "&lt;script&gt;window.pwned=1&lt;/script&gt;" in page.text
    assert "onerror=&#34;window.pwned=2&#34;" in pages[2].text


def test_no_template_turns_escaping_off() -> None:
    folder = ROOT / "src" / "storytrace" / "render" / "templates"
    templates = list(folder.glob("*.html"))
    assert templates
    for template in templates:
        source = template.read_text(encoding="utf-8")
        assert not re.search(r"\|\s*safe\b", source), template.name
        assert "autoescape false" not in source, template.name
        assert "<script" not in source, template.name


# --- docs, unknown routes, internal errors ----------------------------------------------


async def test_openapi_and_the_local_docs_page(corpus: Corpus) -> None:
    async with serving(corpus.path) as client:
        schema = (await client.get("/openapi.json")).json()
        docs = await client.get("/docs", headers=HTML)
        assert (await client.get("/redoc")).status_code == 404
    paths = set(schema["paths"])
    assert paths == {
        "/api/compare",
        "/api/articles",
        "/api/articles/{article_id}/versions",
        "/api/articles/{article_id}",
        "/api/stories",
        "/api/stories/{story_id}",
        "/api/health",
        "/api/changes",
    }
    compare_op = schema["paths"]["/api/compare"]["post"]
    assert compare_op["responses"]["422"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ErrorBody"
    }
    assert "HTTPValidationError" not in schema["components"]["schemas"]
    assert docs.status_code == 200
    for path in paths:
        assert path in docs.text
    assert "<script" not in docs.text
    assert not re.search(r'(src|href)="https?://', docs.text)  # nothing from a CDN


async def test_unknown_routes_and_methods_have_the_one_shape(corpus: Corpus) -> None:
    async with serving(corpus.path) as client:
        assert_error(await client.get("/api/nothing-here"), 404, "NotFound")
        assert_error(await client.delete("/api/compare"), 405, "MethodNotAllowed")
        page = await client.get("/no/such/page", headers=HTML)
    assert page.status_code == 404
    assert "<!DOCTYPE html>" in page.text


async def test_an_unexpected_error_says_nothing_of_its_cause(
    corpus: Corpus, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("secret detail /home/someone/private.db")

    monkeypatch.setattr(server_service, "versions", broken)
    async with serving(corpus.path, raise_app_exceptions=False) as client:
        response = await client.get(f"/api/articles/{corpus.a}/versions")
    message = assert_error(response, 500, "InternalError")
    assert "secret" not in response.text
    assert "server log" in message


# --- threads, connections, the CLI ------------------------------------------------------


async def test_concurrent_reads_and_a_write(fresh_store: Path) -> None:
    with Store(fresh_store, create=False) as store:
        a, b = store.ids()
    async with serving(fresh_store, workers=2) as client:
        body = {"a": {"id": a}, "b": {"id": b}}
        jobs = [client.post("/api/compare", json=body) for _ in range(6)]
        jobs += [client.get(f"/api/articles/{a}/versions") for _ in range(6)]
        jobs += [client.post("/api/articles", json={"text": MALICIOUS_TEXT})]
        responses = await asyncio.gather(*jobs)
        assert [r.status_code for r in responses] == [200] * 12 + [201]
        assert (await client.get("/api/health")).json()["articles"] == 3


async def test_shutdown_closes_every_store_connection(corpus: Corpus) -> None:
    app = create_app(ServerOptions(db=corpus.path, encoder="lexical"))
    state = app.state.storytrace
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as client:
            await asyncio.gather(*(client.get("/api/health") for _ in range(8)))
        opened = list(state.workers._opened)
        assert 1 <= len(opened) <= 2  # one per reader thread, not one per request
    assert not state.workers._opened
    for store in opened:
        with pytest.raises(Exception, match="closed"):
            len(store)


runner = CliRunner()


def test_serve_without_the_extra_says_how_to_install_it(
    monkeypatch: pytest.MonkeyPatch, corpus: Corpus
) -> None:
    import importlib.util

    real = importlib.util.find_spec

    def find_spec(name: str, *args: Any) -> Any:
        return None if name == "fastapi" else real(name, *args)

    monkeypatch.setattr(importlib.util, "find_spec", find_spec)
    result = runner.invoke(cli_app, ["serve", "--db", str(corpus.path)])
    assert result.exit_code == 3
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1
    assert "pip install 'storytrace[server]'" in lines[0]


def test_serve_refuses_a_public_host_without_a_token(corpus: Corpus) -> None:
    result = runner.invoke(
        cli_app,
        ["serve", "--db", str(corpus.path), "--host", "0.0.0.0"],
        env={"STORYTRACE_TOKEN": ""},
    )
    assert result.exit_code == 2
    assert "--token" in result.stderr
    assert "Traceback" not in result.output


def test_serve_rejects_a_bad_size_and_a_bad_store(tmp_path: Path) -> None:
    size = runner.invoke(cli_app, ["serve", "--db", str(tmp_path / "s.db"), "--max-body", "lots"])
    assert size.exit_code == 2
    assert "--max-body" in size.stderr
    not_a_store = tmp_path / "notes.db"
    not_a_store.write_text("just some notes, not SQLite", encoding="utf-8")
    bad = runner.invoke(cli_app, ["serve", "--db", str(not_a_store), "-e", "lexical"])
    assert bad.exit_code == 2
    assert "notes.db" in bad.stderr
