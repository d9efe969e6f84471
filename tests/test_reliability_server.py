"""The server under a writer, a big request and a read-only store (issue 17): reads
never wait behind another process's writer, a comparison over the budget is refused
before any analysis, and a read-only store is served with writes refused in one line."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from _server_helpers import serving
from storytrace.corpus import Store, StoreOptions
from storytrace.store.lock import writer_lock

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "examples" / "seed-pair"
LEXICAL = StoreOptions(encoder="lexical")

pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def store(tmp_path: Path) -> Path:
    path = tmp_path / "share" / "s.db"
    with Store(path, options=LEXICAL) as opened:
        opened.add([SEED / "a.txt", SEED / "b.txt"])
    return path


async def test_stories_do_not_wait_for_another_processs_writer(store: Path) -> None:
    async with serving(store, stories_wait=30.0) as client:
        with writer_lock(store):  # as a long `storytrace add` in a shell holds it
            start = time.perf_counter()
            listing = await client.get("/api/stories")
            waited = time.perf_counter() - start
        assert listing.status_code == 200
        assert waited < 5.0  # not the 30 s bound: the update gave way at once
        fresh = await client.get("/api/stories")  # writer gone: brought up to date
        assert fresh.json()["count"] >= 1


async def test_a_comparison_over_the_budget_is_refused_before_analysis(store: Path) -> None:
    async with serving(store, max_compare=5_000) as client:
        text = "The storm hit the coast on Monday. " * 400
        response = await client.post(
            "/api/compare", json={"a": {"text": text}, "b": {"text": "A storm."}}
        )
        assert response.status_code == 413
        assert "at most 5,000" in response.json()["error"]["message"]


async def test_an_upload_of_many_records_is_refused_after_two(store: Path) -> None:
    records = "\n".join(
        json.dumps({"text": f"Report {n}. The storm hit the coast on Monday."})
        for n in range(20_000)
    )
    async with serving(store) as client:
        start = time.perf_counter()
        response = await client.post(
            "/compare",
            files={"a_file": ("many.jsonl", records.encode()), "b_file": ("b.txt", b"A storm.")},
        )
        assert response.status_code == 400
        assert "more than one article" in response.json()["error"]["message"]
        assert time.perf_counter() - start < 10


async def test_a_read_only_store_is_served_and_writes_refused(store: Path) -> None:
    folder = store.parent
    store.chmod(0o444)
    folder.chmod(0o555)
    try:
        before = sorted(p.name for p in folder.iterdir())
        async with serving(store) as client:
            health = await client.get("/api/health")
            assert health.json()["articles"] == 2
            listing = await client.get("/api/stories")
            assert listing.status_code == 200
            added = await client.post("/api/articles", json={"text": "A storm hit."})
            assert added.status_code == 409
            assert "read-only" in added.json()["error"]["message"]
        assert sorted(p.name for p in folder.iterdir()) == before
    finally:
        folder.chmod(0o755)
        store.chmod(0o644)
