"""``storytrace watch`` against a local news site: versions, churn, 304s, failures."""

from __future__ import annotations

import json
import os
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pytest

import storytrace
from _watch_site import Route, Site, news_page, rss, serve_site
from storytrace.corpus import Store
from storytrace.errors import InputError
from storytrace.options import ReadOptions
from storytrace.watch.fetcher import Politeness
from storytrace.watch.history import page_history
from storytrace.watch.report import PassReport
from storytrace.watch.run import Watcher, WatchOptions

ROOT = Path(__file__).resolve().parents[1]
SEED_A = ROOT / "examples" / "seed-pair" / "a.txt"
ECB_SAMPLE = ROOT / "examples" / "ecbplus-sample" / "ecbplus-sample.jsonl"

FAST = Politeness(delay=0.0, timeout=1.0, max_bytes=300_000)


@dataclass
class Story:
    """A real article as a title and paragraphs."""

    title: str
    paragraphs: list[str]


def seed_story() -> Story:
    """The seed article a.txt (its ``date YYYY-MM-DD Title`` header line as the title)."""
    head, _, rest = SEED_A.read_text(encoding="utf-8").partition("\n")
    title = head.split(" ", 2)[2]
    return Story(title, [p.strip() for p in rest.split("\n\n") if p.strip()])


def ecb_stories(n: int) -> list[Story]:
    """``n`` ECB+ sample articles of several paragraphs (first line as the title)."""
    out = []
    for line in ECB_SAMPLE.read_text(encoding="utf-8").splitlines():
        lines = [p for p in json.loads(line)["text"].split("\n") if p.strip()]
        if len(lines) >= 5:
            out.append(Story(lines[0], lines[1:]))
        if len(out) == n:
            break
    return out


def edited(story: Story) -> tuple[Story, str, str, str]:
    """The story with its first number changed and its first hedge (in another sentence)
    dropped; returns the edit, the old and new number text, and the hedge."""
    article = storytrace.from_text("\n\n".join(story.paragraphs))
    numbered = next(
        s for s in article.sentences if any(re.search(r"\d", n.text) for n in s.facts.numbers)
    )
    number = next(n for n in numbered.facts.numbers if re.search(r"\d", n.text))
    hedged = next(s for s in article.sentences if s.facts.hedges and s is not numbered)
    hedge = hedged.facts.hedges[0]
    new_number = re.sub(r"\d+", lambda m: str(int(m.group()) + 7), number.text, count=1)
    new_numbered = numbered.text[: number.start] + new_number + numbered.text[number.end :]
    unhedged = hedged.text[: hedge.start] + hedged.text[hedge.end :]
    unhedged = re.sub(r"\s{2,}", " ", unhedged)
    paragraphs = [
        p.replace(numbered.text, new_numbered).replace(hedged.text, unhedged)
        for p in story.paragraphs
    ]
    assert paragraphs != story.paragraphs
    return Story(story.title, paragraphs), number.text, new_number, hedge.text


def page(
    story: Story, *, updated: str = "5 minutes ago", shares: int = 120, related: int = 0
) -> bytes:
    """The story as a news page with chrome around it and, as many sites print it, a
    chrome line inside the article too (extraction keeps that one)."""
    titles = ["Markets close higher", "Weather warning issued", "Election results due"]
    chrome = f"Updated {updated}. {shares} shares."
    paragraphs = [*story.paragraphs[:2], chrome, *story.paragraphs[2:]]
    return news_page(
        story.title, paragraphs, updated=updated, shares=shares, related=titles[related:]
    )


@pytest.fixture
def site() -> Iterator[Site]:
    with serve_site() as served:
        yield served


def watch_once(
    db: Path, sources: list[str], **politeness: Any
) -> tuple[PassReport, list[InputError]]:
    """One pass over ``sources`` into the store at ``db``: its report and error lines."""
    errors: list[InputError] = []
    policy = replace(FAST, **politeness)
    options = WatchOptions(politeness=policy, read_options=ReadOptions(max_bytes=policy.max_bytes))
    with Store(db) as store:
        report = Watcher(store, sources, options, on_error=errors.append).run_pass()
    return report, errors


def test_a_changed_number_and_a_dropped_hedge_make_one_version_churn_none(
    site: Site, tmp_path: Path
) -> None:
    seed = seed_story()
    steady, churning = ecb_stories(2)
    site.routes["/news/seed"] = Route(page(seed))
    site.routes["/news/steady"] = Route(
        page(steady), last_modified="Mon, 01 Dec 2025 10:00:00 GMT", etag=False
    )
    site.routes["/news/churn"] = Route(page(churning))
    feed = [
        (s.title, site.url(p))
        for s, p in ((seed, "/news/seed"), (steady, "/news/steady"), (churning, "/news/churn"))
    ]
    site.routes["/feed.xml"] = Route(rss("Local News", feed), content_type="application/rss+xml")
    db = tmp_path / "watch.db"

    first, errors = watch_once(db, [site.url("/feed.xml")])
    assert errors == []
    assert (first.new_pages, first.new_versions) == (3, 0)

    new_seed, old_number, new_number, hedge = edited(seed)
    site.routes["/news/seed"] = Route(page(new_seed))
    # the chrome alone changes: time since the update, share count, related links
    site.routes["/news/churn"] = Route(
        page(churning, updated="12 minutes ago", shares=135, related=1)
    )
    second, errors = watch_once(db, [site.url("/feed.xml")])
    assert errors == []
    assert second.new_versions == 1
    assert second.unchanged == 1  # the churning page: fetched, no new version
    assert second.not_modified == 2  # the feed (ETag) and the steady page (Last-Modified)
    assert site.statuses("/news/steady")[304] == 1
    assert site.statuses("/feed.xml")[304] == 1

    with Store(db) as store:
        found = page_history(store.repository, site.url("/news/seed"))
        assert [v.number for v in found.versions] == [1, 2]
        summary = found.versions[1].summary
        comparison = found.versions[1].comparison
        assert summary is not None
        assert comparison is not None
        changes = [c for unit in comparison.pairs for c in unit.changes]
        assert any(c.type == "number" and c.a == old_number and c.b == new_number for c in changes)
        assert any(
            c.type == "hedge" and c.a is not None and hedge in c.a and c.b is None for c in changes
        )
        assert {"number", "hedge"} <= set(summary.types)
        assert summary.stealth_edit  # no correction notice on the page
        for path in ("/news/steady", "/news/churn"):
            assert len(page_history(store.repository, site.url(path)).versions) == 1
        # the chrome line was stored with the text: only the fingerprint leaves it out
        kept = page_history(store.repository, site.url("/news/churn")).versions[0].article
        assert "5 minutes ago" in kept.body
        assert "120 shares" in kept.body


def test_a_declared_correction_is_no_stealth_edit(site: Site, tmp_path: Path) -> None:
    seed = seed_story()
    site.routes["/a"] = Route(page(seed))
    db = tmp_path / "watch.db"
    watch_once(db, [site.url("/a")])
    changed, *_ = edited(seed)
    notice = "Correction: an earlier version of this article misstated a figure."
    site.routes["/a"] = Route(page(Story(changed.title, [*changed.paragraphs, notice])))
    report, errors = watch_once(db, [site.url("/a")])
    assert (report.new_versions, errors) == (1, [])
    with Store(db) as store:
        summary = page_history(store.repository, site.url("/a")).versions[1].summary
    assert summary is not None
    assert summary.declared
    assert not summary.stealth_edit


def test_failing_sources_give_one_line_each_and_the_others_go_on(
    site: Site, tmp_path: Path
) -> None:
    good = ecb_stories(1)[0]
    site.routes["/good"] = Route(page(good))
    site.routes["/loop"] = Route(status=302, location="/loop")
    site.routes["/slow"] = Route(page(good), delay=2.0)
    site.routes["/big"] = Route(b"<html><body>" + b"<p>word</p>" * 40_000 + b"</body></html>")
    site.routes["/bad.xml"] = Route(
        b'<?xml version="1.0"?><rss version="2.0"><channel><title>Broken & cut</tit',
        content_type="application/rss+xml",
    )
    bad = ["/gone", "/loop", "/slow", "/big", "/bad.xml"]
    sources = [site.url(p) for p in bad[:3]] + [site.url("/good")] + [site.url(p) for p in bad[3:]]
    report, errors = watch_once(tmp_path / "watch.db", sources, timeout=0.5)
    assert report.new_pages == 1  # /good, between the failures
    assert report.removed == 1  # /gone: a 404 is a removed page
    lines = [str(e) for e in errors]
    assert len(lines) == 5, lines
    for path, reason in [
        ("/gone", "removed (HTTP 404)"),
        ("/loop", "redirect"),
        ("/slow", "timed out"),
        ("/big", "over the size limit"),
        ("/bad.xml", "feed"),
    ]:
        (line,) = [x for x in lines if x.startswith(site.url(path))]
        assert reason in line, line
        assert "\n" not in line


def test_a_page_that_disappears_is_recorded_removed_and_kept(site: Site, tmp_path: Path) -> None:
    story = ecb_stories(1)[0]
    site.routes["/a"] = Route(page(story))
    db = tmp_path / "watch.db"
    watch_once(db, [site.url("/a")])
    site.routes["/a"] = Route(status=410)
    report, errors = watch_once(db, [site.url("/a")])
    assert report.removed == 1
    assert [e.reason for e in errors] == ["removed (HTTP 410); its versions are kept"]
    with Store(db) as store:
        found = page_history(store.repository, site.url("/a"))
        assert found.status == "removed"
        assert len(found.versions) == 1
        assert len(store) == 1


def test_robots_txt_is_obeyed_unless_ignored(site: Site, tmp_path: Path) -> None:
    story = ecb_stories(1)[0]
    site.routes["/robots.txt"] = Route(
        b"User-agent: *\nDisallow: /private/\n", content_type="text/plain"
    )
    site.routes["/private/a"] = Route(page(story))
    report, errors = watch_once(tmp_path / "a.db", [site.url("/private/a")])
    assert report.new_pages == 0
    assert len(errors) == 1
    assert "robots.txt" in str(errors[0])
    assert site.statuses("/private/a") == {}
    report, errors = watch_once(tmp_path / "b.db", [site.url("/private/a")], respect_robots=False)
    assert (report.new_pages, errors) == (1, [])


def test_tracking_parameters_fold_into_one_page(site: Site, tmp_path: Path) -> None:
    story = ecb_stories(1)[0]
    site.routes["/a"] = Route(page(story), etag=False)
    db = tmp_path / "watch.db"
    report, _ = watch_once(db, [site.url("/a?utm_source=news&fbclid=x1"), site.url("/a#top")])
    assert (report.new_pages, report.unchanged) == (1, 1)


def test_429_retry_after_is_honoured_and_a_long_one_defers_the_host(
    site: Site, tmp_path: Path
) -> None:
    first, second = ecb_stories(2)
    site.routes["/busy"] = Route(status=429, headers={"Retry-After": "1"})
    site.routes["/next"] = Route(page(first))
    start = time.monotonic()
    report, errors = watch_once(tmp_path / "a.db", [site.url("/busy"), site.url("/next")])
    assert time.monotonic() - start >= 1.0  # waited the Retry-After before /next
    assert [e.source for e in errors] == [site.url("/busy")]
    assert "HTTP 429" in str(errors[0])
    assert report.new_pages == 1

    site.routes["/busy"] = Route(status=503, headers={"Retry-After": "3600"})
    site.routes["/later"] = Route(page(second))
    report, errors = watch_once(tmp_path / "b.db", [site.url("/busy"), site.url("/later")])
    assert len(errors) == 2
    assert "back off" in str(errors[1])
    assert report.deferred == 1
    assert site.statuses("/later") == {}  # never asked while the host backs off


def test_a_local_folder_is_read_again_only_when_a_file_changes(tmp_path: Path) -> None:
    folder = tmp_path / "articles"
    folder.mkdir()
    seed = seed_story()
    path = folder / "story.txt"
    path.write_text(seed.title + "\n\n" + "\n\n".join(seed.paragraphs), encoding="utf-8")
    db = tmp_path / "watch.db"
    first, _ = watch_once(db, [str(folder)])
    again, _ = watch_once(db, [str(folder)])
    changed, *_ = edited(seed)
    path.write_text(changed.title + "\n\n" + "\n\n".join(changed.paragraphs), encoding="utf-8")
    os.utime(path, ns=(time.time_ns(), time.time_ns() + 10**9))
    last, errors = watch_once(db, [str(folder)])
    assert (first.new_pages, again.not_modified, last.new_versions, errors) == (1, 1, 1, [])
    _missing, errors = watch_once(db, [str(tmp_path / "nowhere")])
    assert len(errors) == 1
    assert "no such file or folder" in str(errors[0])


def test_a_declared_canonical_url_on_the_same_site_folds_two_addresses(
    site: Site, tmp_path: Path
) -> None:
    story = ecb_stories(1)[0]
    link = f'<link rel="canonical" href="{site.url("/news/story")}">'.encode()
    body = page(story).replace(b"</head>", link + b"</head>")
    site.routes["/news/story"] = Route(body)
    site.routes["/amp/story"] = Route(body)
    db = tmp_path / "watch.db"
    report, errors = watch_once(db, [site.url("/amp/story"), site.url("/news/story")])
    assert (report.new_pages, report.unchanged, errors) == (1, 1, [])
    with Store(db) as store:
        found = page_history(store.repository, site.url("/amp/story"))
    assert found.canonical == site.url("/news/story")


def test_an_unreadable_robots_txt_defers_the_host_after_one_request(
    site: Site, tmp_path: Path
) -> None:
    first, second = ecb_stories(2)
    site.routes["/robots.txt"] = Route(status=500)
    site.routes["/a"] = Route(page(first))
    site.routes["/b"] = Route(page(second))
    report, errors = watch_once(tmp_path / "watch.db", [site.url("/a"), site.url("/b")])
    assert (report.new_pages, report.deferred) == (0, 2)
    assert [str(e).count("robots.txt") for e in errors] == [1, 1]
    assert all("HTTP 500" in str(e) and "wait 10 min" in str(e) for e in errors)
    assert site.statuses("/robots.txt") == {500: 1}
    assert site.statuses("/a") == site.statuses("/b") == {}
