"""A local news site for the watch tests: a threaded HTTP server on 127.0.0.1 whose
pages the test changes between passes, with ETag / Last-Modified validators."""

from __future__ import annotations

import hashlib
import html
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Route:
    """What a path answers: a body (with an ETag and/or a Last-Modified validator), a
    status, a redirect, or a delay before answering."""

    body: bytes = b""
    status: int = 200
    content_type: str = "text/html; charset=utf-8"
    etag: bool = True
    last_modified: str | None = None
    location: str | None = None
    delay: float = 0.0
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Site:
    """The routes, and what was answered: (path, status) per request."""

    routes: dict[str, Route] = field(default_factory=dict)
    answers: list[tuple[str, int]] = field(default_factory=list)
    port: int = 0

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def statuses(self, path: str) -> Counter[int]:
        return Counter(status for p, status in self.answers if p == path)


def _handler(site: Site) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:  # quiet
            return None

        def do_GET(self) -> None:
            route = site.routes.get(self.path.split("?")[0])
            if route is None:
                return self._answer(404, b"not found", {})
            if route.delay:
                time.sleep(route.delay)
            headers: dict[str, str] = {"Content-Type": route.content_type, **route.headers}
            if route.location is not None:
                headers["Location"] = route.location
                return self._answer(route.status, b"", headers)
            tag = '"' + hashlib.sha1(route.body).hexdigest()[:16] + '"'
            if route.etag:
                headers["ETag"] = tag
            if route.last_modified:
                headers["Last-Modified"] = route.last_modified
            fresh = (route.etag and self.headers.get("If-None-Match") == tag) or (
                route.last_modified is not None
                and self.headers.get("If-Modified-Since") == route.last_modified
            )
            if fresh and route.status == 200:
                return self._answer(304, b"", headers)
            return self._answer(route.status, route.body, headers)

        def _answer(self, status: int, body: bytes, headers: dict[str, str]) -> None:
            site.answers.append((self.path, status))
            try:
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                pass

    return Handler


@contextmanager
def serve_site() -> Iterator[Site]:
    """A ``Site`` served on 127.0.0.1 (a free port) for the block."""
    site = Site()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(site))
    server.daemon_threads = True
    site.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield site
    finally:
        server.shutdown()
        server.server_close()


def news_page(
    title: str, paragraphs: list[str], *, updated: str, shares: int, related: list[str]
) -> bytes:
    """A news page: navigation, a chrome line with the time since the last update and
    a share count, the article, related links and a footer."""
    body = "\n".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
    links = "".join(
        f'<li><a href="/r/{i}">{html.escape(t)}</a></li>' for i, t in enumerate(related)
    )
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title></head>
<body><nav><ul><li><a href="/">Home</a></li><li><a href="/world">World</a></li></ul></nav>
<main><article><h1>{html.escape(title)}</h1>
<div class="meta"><span>Updated {html.escape(updated)}</span> <span>{shares} shares</span></div>
{body}
</article>
<aside><h2>Related</h2><ul>{links}</ul></aside></main>
<footer><p>Copyright 2025. All rights reserved. Terms of use.</p></footer>
</body></html>""".encode()


def rss(title: str, links: list[tuple[str, str]]) -> bytes:
    """An RSS feed whose entries carry a title and a link only."""
    items = "".join(
        f"<item><title>{html.escape(t)}</title><link>{html.escape(u)}</link></item>"
        for t, u in links
    )
    return (
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>{html.escape(title)}</title><link>http://127.0.0.1/</link>"
        f"<description>News</description>{items}</channel></rss>"
    ).encode()
