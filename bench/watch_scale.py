"""``storytrace watch`` at scale: one pass over 10,000 pages served locally.

    nice .venv/bin/python bench/watch_scale.py [--pages 10000] [--changed 0.01]

A threaded HTTP server on 127.0.0.1 serves a feed listing every page and the pages
themselves: news pages (navigation, a chrome line, related links, a footer) whose
articles are 8 real sentences each from the shared data's sentence pool
(``bench/corpus.py``'s ``load_sources``), with an ETag per version. The watcher runs
as a user runs it, through the CLI (``storytrace watch FEED --once``, defaults but
``--delay 0s``: the per-host politeness delay is a wait, not work, and would make any
local figure a measure of the delay), in a subprocess whose peak memory is read from
``getrusage``. Passes, each on the same store:

1. first: every page new (fetched, extracted, analysed, stored);
2. ``--changed`` of the pages edited (one sentence replaced by another), the rest 304;
3. nothing changed: every page answers 304;
4. every page edited: the cost of a pass over changed pages, for the 304 ratio.

The figures (pages/s, share of time per stage, peak memory) go in docs/watch.md.
"""

from __future__ import annotations

import argparse
import html
import os
import random
import re
import resource
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import corpus

SENTENCES = 8
PASS_LINE = re.compile(r"pass: .*")


class Pages:
    """The site: page ``i`` at version ``v[i]`` is made of seeded pool sentences."""

    def __init__(self, pool: tuple[str, ...], count: int) -> None:
        self.pool, self.count = pool, count
        self.version = [0] * count
        self.lock = threading.Lock()

    def sentences(self, i: int) -> list[str]:
        picked = random.Random(i).sample(self.pool, SENTENCES)
        v = self.version[i]
        if v:  # an edit: the first sentence replaced by another pool sentence
            picked[0] = self.pool[(i * 7919 + v * 104729) % len(self.pool)]
        return picked

    def body(self, i: int) -> bytes:
        s = self.sentences(i)
        title = corpus.title_from(s[0])
        paragraphs = "\n".join(
            f"<p>{html.escape(' '.join(s[k : k + 3]))}</p>" for k in range(0, SENTENCES, 3)
        )
        return (
            f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
            f"<title>{html.escape(title)}</title></head><body>"
            f'<nav><a href="/">Home</a> <a href="/world">World</a></nav>'
            f"<main><article><h1>{html.escape(title)}</h1>"
            f"<p>Updated {random.randint(1, 59)} minutes ago</p>{paragraphs}</article>"
            f'<aside><h2>Related</h2><a href="/r/{i}">More news</a></aside></main>'
            f"<footer>Copyright Example News.</footer></body></html>"
        ).encode()

    def feed(self, port: int) -> bytes:
        items = "".join(
            f"<item><title>Story {i}</title><link>http://127.0.0.1:{port}/p/{i}</link></item>"
            for i in range(self.count)
        )
        return (
            '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
            f"<title>Bench News</title><link>http://127.0.0.1:{port}/</link>"
            f"<description>bench</description>{items}</channel></rss>"
        ).encode()


def serve(pages: Pages) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.0"

        def log_message(self, *args: object) -> None:
            return None

        def do_GET(self) -> None:
            port = self.server.server_address[1]
            if self.path == "/feed.xml":
                tag, body, kind = '"feed"', pages.feed(port), "application/rss+xml"
            elif self.path.startswith("/p/"):
                i = int(self.path[3:])
                tag, kind = f'"{i}-{pages.version[i]}"', "text/html; charset=utf-8"
                body = b"" if self.headers.get("If-None-Match") == tag else pages.body(i)
            else:
                self.send_response(404)
                self.end_headers()
                return
            if self.headers.get("If-None-Match") == tag:
                self.send_response(304)
                self.send_header("ETag", tag)
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("ETag", tag)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def watch_pass(feed: str, db: Path) -> tuple[str, float, float]:
    """One ``storytrace watch FEED --once`` run: its pass line, wall seconds, and the
    peak resident memory (MB) of the children so far."""
    command = [sys.executable, "-c", "from storytrace.cli import main; main()"]
    start = time.perf_counter()
    done = subprocess.run(
        [*command, "watch", feed, "--db", str(db), "--once", "--delay", "0s"],
        capture_output=True,
        text=True,
        env={**os.environ, "NO_COLOR": "1", "COLUMNS": "400"},
        check=False,
    )
    seconds = time.perf_counter() - start
    found = PASS_LINE.search(done.stderr)
    if done.returncode != 0 or found is None:
        sys.exit(f"watch failed ({done.returncode}): {done.stderr[-2000:]}")
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return " ".join(found.group(0).split()), seconds, peak


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=10_000)
    parser.add_argument("--changed", type=float, default=0.01)
    args = parser.parse_args(argv)
    pool = corpus.load_sources().pool
    pages = Pages(pool, args.pages)
    server = serve(pages)
    feed = f"http://127.0.0.1:{server.server_address[1]}/feed.xml"
    rng = random.Random(7)
    rows: list[tuple[str, str, float, float]] = []
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "watch.db"
        line, seconds, peak = watch_pass(feed, db)
        rows.append(("first pass: all new", line, seconds, peak))
        for i in rng.sample(range(args.pages), max(1, int(args.pages * args.changed))):
            pages.version[i] += 1
        line, seconds, peak = watch_pass(feed, db)
        rows.append((f"{args.changed:.0%} changed, rest 304", line, seconds, peak))
        line, seconds, peak = watch_pass(feed, db)
        rows.append(("nothing changed: all 304", line, seconds, peak))
        for i in range(args.pages):
            pages.version[i] += 1
        line, seconds, peak = watch_pass(feed, db)
        rows.append(("all changed", line, seconds, peak))
    server.shutdown()
    print(f"storytrace watch over {args.pages:,} local pages (one feed; --delay 0s)\n")
    print("| pass | pages/s (in pass) | wall s | peak RSS MB | pass line |")
    print("|---|---|---|---|---|")
    rates = []
    for name, line, seconds, peak in rows:
        rate = re.search(r"([\d,]+) pages/s", line)
        rates.append(float(rate.group(1).replace(",", "")) if rate else 0.0)
        print(f"| {name} | {rates[-1]:,.0f} | {seconds:.1f} | {peak:.0f} | {line} |")
    ratio = rates[2] / rates[3] if rates[3] else float("inf")
    print(f"\nall-304 pass vs all-changed pass: {ratio:.0f}x faster per page (target >= 20x)")


if __name__ == "__main__":
    main()
