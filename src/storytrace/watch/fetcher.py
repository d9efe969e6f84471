"""The polite fetcher: one engine for every request ``storytrace watch`` makes.

What a site operator would accept, and what it costs:

- conditional requests: the ETag and Last-Modified of the last answer are sent back
  (If-None-Match, If-Modified-Since), so an unchanged page answers 304 with no body;
- one request at a time per host (the watcher fetches in one thread) and at least
  ``delay`` seconds between two requests to one host;
- backoff: after a 429 or 503 the host is left alone for its Retry-After (seconds or an
  HTTP date), after a server error or a network failure for ``delay * 2**failures``
  (capped at ``max_backoff``); a host still backing off is skipped for this pass rather
  than waited for when the wait is long;
- robots.txt read once per host (``urllib.robotparser``) and obeyed unless
  ``respect_robots`` is off (for one's own sites); a robots.txt that cannot be fetched
  (5xx, network) blocks the host until it can, as search engines do;
- a User-Agent that names the tool and where to read about it, timeouts, a size limit
  and http(s)-only redirects with urllib's loop limit (``ingest.fetch``).

An engine: it knows HTTP and hosts, nothing of articles or stores.
"""

from __future__ import annotations

import email.utils
import time
import urllib.parse
import urllib.robotparser
from collections.abc import Callable
from dataclasses import dataclass, field

from ..errors import InputError
from ..ingest.fetch import USER_AGENT, Fetched, fetch_response

WATCH_USER_AGENT = USER_AGENT.replace("storytrace", "storytrace-watch", 1)
"""Says who is asking: site operators can match it in robots.txt (``storytrace-watch``)."""

ROBOTS_MAX_BYTES = 512 * 1024
"""Google reads the first 500 KiB of a robots.txt; so do we."""

ROBOTS_RETRY = 600.0
"""Seconds before a robots.txt that could not be read is asked for again; the host's
pages are deferred meanwhile (not one failed robots.txt request per page)."""

LONG_WAIT = 60.0
"""A host backing off for longer than this is skipped for the pass, not waited for."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Politeness:
    """How the fetcher treats a site (see the module docstring)."""

    delay: float = 1.0
    timeout: float = 20.0
    max_bytes: int = 10 * 1024 * 1024
    respect_robots: bool = True
    max_backoff: float = 6 * 3600.0
    user_agent: str = WATCH_USER_AGENT


@dataclass(slots=True)
class _Host:
    """What the fetcher remembers of one host."""

    next_time: float = 0.0
    failures: int = 0
    robots: urllib.robotparser.RobotFileParser | None = None
    robots_retry: float = 0.0
    """When to try a robots.txt that could not be read again (until then: Deferred)."""
    robots_error: str = ""
    """Why the robots.txt could not be read, naming it (said with each deferred page)."""


class Deferred(InputError):
    """Not fetched now: the host is backing off or its robots.txt could not be read."""


class Refused(InputError):
    """robots.txt disallows the page for this User-Agent."""


@dataclass(slots=True)
class PoliteFetcher:
    """Conditional, rate-limited, robots-aware GETs (see the module docstring)."""

    policy: Politeness = field(default_factory=Politeness)
    clock: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] = time.sleep
    hosts: dict[str, _Host] = field(default_factory=dict)

    def get(
        self,
        url: str,
        *,
        source: str,
        etag: str | None = None,
        last_modified: str | None = None,
    ) -> Fetched:
        """GET ``url`` politely; any HTTP status is an answer (304: not modified).

        Raises:
            Deferred: the host is backing off (for longer than ``LONG_WAIT``), or its
                robots.txt could not be read.
            Refused: robots.txt disallows the page.
            InputError: a network failure, a timeout, a redirect loop; TooLarge.
        """
        origin = _origin(url)
        host = self.hosts.setdefault(origin, _Host())
        if self.policy.respect_robots:
            self._check_robots(url, origin, host, source)
        headers: dict[str, str] = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        return self._request(url, host, source, headers, self.policy.max_bytes)

    def _request(
        self, url: str, host: _Host, source: str, headers: dict[str, str], max_bytes: int
    ) -> Fetched:
        """One request after the host's wait, and the host's next wait from its answer."""
        wait = host.next_time - self.clock()
        if wait > LONG_WAIT:
            raise Deferred(source, f"{_origin(url)} asked us to back off; retrying in {wait:.0f}s")
        if wait > 0:
            self.sleep(wait)
        try:
            got = fetch_response(
                url,
                source=source,
                max_bytes=max_bytes,
                headers=headers,
                timeout=self.policy.timeout,
                user_agent=self.policy.user_agent,
            )
        except InputError:
            self._failed(host, None)
            raise
        if got.status == 429 or got.status >= 500:
            self._failed(host, retry_after(got.headers.get("retry-after")))
        else:
            host.failures = 0
            host.next_time = self.clock() + self.policy.delay
        return got

    def _failed(self, host: _Host, asked: float | None) -> None:
        """Back off: the server's Retry-After, or exponentially in the failures."""
        host.failures += 1
        backoff = min(self.policy.delay * 2**host.failures, self.policy.max_backoff)
        wait = min(max(asked or 0.0, backoff), self.policy.max_backoff)
        host.next_time = self.clock() + wait

    def _check_robots(self, url: str, origin: str, host: _Host, source: str) -> None:
        if host.robots is None and self.clock() >= host.robots_retry:
            host.robots = self._robots(origin, host, source)
            if host.robots is None:
                host.robots_retry = self.clock() + ROBOTS_RETRY
        if host.robots is None:
            raise Deferred(
                source,
                f"{host.robots_error}; the host's pages "
                f"wait {ROBOTS_RETRY / 60:.0f} min (--ignore-robots for your own sites)",
            )
        if not host.robots.can_fetch(self.policy.user_agent, url):
            raise Refused(source, f"{origin}/robots.txt disallows {url} (--ignore-robots)")

    def _robots(
        self, origin: str, host: _Host, source: str
    ) -> urllib.robotparser.RobotFileParser | None:
        """The host's robots rules; None while they cannot be read (5xx, network)."""
        parser = urllib.robotparser.RobotFileParser(f"{origin}/robots.txt")
        try:
            got = self._request(f"{origin}/robots.txt", host, source, {}, ROBOTS_MAX_BYTES)
        except InputError as err:
            host.robots_error = err.reason
            return None
        if got.status >= 500 or got.status == 429:
            host.robots_error = f"could not read {origin}/robots.txt: HTTP {got.status}"
            return None
        if got.status in (401, 403):
            parser.parse(["User-agent: *", "Disallow: /"])
        elif got.status >= 400:
            parser.parse([])
        else:
            text = got.body.decode(got.charset or "utf-8", errors="replace")
            parser.parse(text.splitlines())
        return parser


def retry_after(value: str | None) -> float | None:
    """Seconds a Retry-After header asks for (a number or an HTTP date); None if none."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def _origin(url: str) -> str:
    parts = urllib.parse.urlsplit(url)
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}"
