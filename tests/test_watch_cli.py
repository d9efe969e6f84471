"""``storytrace watch`` and ``history`` end to end: the command line, the JSON contract,
update links in find and stories, and a SIGTERM in the middle of a pass."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from typer.testing import CliRunner

from _watch_site import Route, rss, serve_site
from storytrace.cli import app
from storytrace.corpus import Store
from test_watch import ecb_stories, edited, page, seed_story

runner = CliRunner()


def _watch(db: Path, *sources: str) -> str:
    result = runner.invoke(
        app, ["watch", *sources, "--db", str(db), "--once", "--delay", "0s", "--timeout", "2s"]
    )
    assert result.exit_code == 0, result.output
    return result.output


def test_watch_twice_then_history_shows_the_update_and_its_changes(tmp_path: Path) -> None:
    seed = seed_story()
    db = tmp_path / "news.db"
    with serve_site() as site:
        site.routes["/story"] = Route(page(seed))
        site.routes["/feed.xml"] = Route(
            rss("Local", [(seed.title, site.url("/story"))]), content_type="application/rss+xml"
        )
        assert "1 new page(s)" in _watch(db, site.url("/feed.xml"))
        changed, old, new, hedge = edited(seed)
        site.routes["/story"] = Route(page(changed))
        assert "1 new version(s)" in _watch(db, site.url("/feed.xml"))
        url = site.url("/story")

    result = runner.invoke(app, ["history", url, "--db", str(db), "--format", "json"])
    assert result.exit_code == 0, result.output
    found = json.loads(result.output)
    first, second = found["versions"]
    assert (first["version"], first["relation"]) == (1, None)
    assert (second["relation"], second["direction"]) == ("update", "a_to_b")
    assert second["previous"] == first["id"]
    assert any(c["type"] == "number" and (c["a"], c["b"]) == (old, new) for c in second["changes"])
    assert any(c["type"] == "hedge" and hedge in (c["a"] or "") for c in second["changes"])
    assert second["declared"] is False
    assert second["stealth_edit"] is True

    text = runner.invoke(app, ["history", second["id"], "--db", str(db)])
    assert text.exit_code == 0, text.output
    assert "2 version(s)" in text.output
    assert "STEALTH EDIT" in text.output

    with Store(db) as store:
        versions = store.find_id(second["id"]).versions
        assert [(v.id, v.relation, v.direction) for v in versions][:1] == [
            (first["id"], "update", "b_to_a")
        ]
        story = store.story(first["id"])
        edges = {(e.a, e.b): (e.relation, e.direction) for e in story.edges}
        assert edges[(first["id"], second["id"])] == ("update", "a_to_b")
        child = next(a for a in story.articles if a.id == second["id"])
        assert (child.parent, child.relation) == (first["id"], "update")


def test_history_of_an_unknown_page_is_one_line(tmp_path: Path) -> None:
    db = tmp_path / "news.db"
    Store(db).close()
    result = runner.invoke(app, ["history", "https://example.com/nothing", "--db", str(db)])
    assert result.exit_code != 0
    assert "no watched page" in result.output


def test_sigterm_during_a_pass_leaves_the_store_consistent(tmp_path: Path) -> None:
    stories = ecb_stories(6)
    db = tmp_path / "news.db"
    with serve_site() as site:
        for i, story in enumerate(stories):
            site.routes[f"/s/{i}"] = Route(page(story), delay=0.25)
        sources = [site.url(f"/s/{i}") for i in range(len(stories))]
        command = [sys.executable, "-c", "from storytrace.cli import main; main()"]
        process = subprocess.Popen(
            [*command, "watch", *sources, "--db", str(db), "--delay", "0s", "--ignore-robots"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "NO_COLOR": "1"},
        )
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and len(site.answers) < 3:
            time.sleep(0.05)
        process.send_signal(signal.SIGTERM)
        _, err = process.communicate(timeout=20)
    assert process.returncode == 0, err
    assert "stopping after the page in hand" in err
    assert "pass:" in err
    with sqlite3.connect(db) as raw:
        assert raw.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        orphans = raw.execute(
            "SELECT COUNT(*) FROM page_versions WHERE article NOT IN (SELECT rowid FROM articles)"
        ).fetchone()[0]
        unlisted = raw.execute(
            "SELECT COUNT(*) FROM articles WHERE rowid NOT IN (SELECT article FROM page_versions)"
        ).fetchone()[0]
        versions = raw.execute("SELECT COUNT(*) FROM page_versions").fetchone()[0]
    assert (orphans, unlisted) == (0, 0)
    assert 1 <= versions < len(stories)  # stopped part way, every page stored whole
    with Store(db) as store:
        assert len(store) == versions
        assert store.index_state().status == "ok"
