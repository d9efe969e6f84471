"""Fetch one linked page, only when the user asked for it (``ReadOptions.fetch``, watch).

storytrace never touches the network on its own; this exists for feeds that carry only
titles and links, and for ``storytrace watch``. It fetches http(s) only, follows
redirects only to http(s) (urllib stops a loop after 10 hops or 4 visits to one URL),
stops at the size limit and at a timeout, and reports any failure as an InputError naming
the URL, so one dead link does not stop a feed. ``fetch_response`` hands back every HTTP
status (a 304, a 404, a 429 with its Retry-After) for callers that act on it.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import IO, TYPE_CHECKING

from ..errors import InputError
from .stream import too_large

if TYPE_CHECKING:
    import http.client
    import urllib.request

FETCH_TIMEOUT = 20.0
"""Seconds to wait for a linked page to connect or to send more data."""

USER_AGENT = "storytrace (+https://pypi.org/project/storytrace/)"


@dataclass(frozen=True, slots=True)
class Fetched:
    """One HTTP answer: status, the URL after redirects, headers (lower-case names),
    the body (empty for a 304 or an error status) and the charset it declares."""

    status: int
    url: str
    headers: Mapping[str, str] = field(default_factory=dict)
    body: bytes = b""
    charset: str | None = None


def fetch_url(url: str, *, source: str, max_bytes: int) -> tuple[bytes, str | None]:
    """The body of ``url`` and the charset its Content-Type declares.

    Raises:
        InputError: not an http(s) URL, or the fetch failed (the reason says how).
        TooLarge: the page is over ``max_bytes``.
    """
    got = fetch_response(url, source=source, max_bytes=max_bytes)
    if got.status >= 400:
        raise InputError(source, f"could not fetch {url}: {status_text(got.status)}")
    return got.body, got.charset


def status_text(status: int) -> str:
    """ "HTTP 404 Not Found": the code with its standard phrase (not the server's, which
    is untrusted text), or the bare code when it has none."""
    import http

    try:
        return f"HTTP {status} {http.HTTPStatus(status).phrase}"
    except ValueError:
        return f"HTTP {status}"


def fetch_response(
    url: str,
    *,
    source: str,
    max_bytes: int,
    headers: Mapping[str, str] | None = None,
    timeout: float = FETCH_TIMEOUT,
    user_agent: str = USER_AGENT,
) -> Fetched:
    """GET ``url`` with ``headers`` (e.g. If-None-Match); any HTTP status is an answer.

    Raises:
        InputError: not an http(s) URL, a redirect loop, a timeout or a network error.
        TooLarge: the body is over ``max_bytes``.
    """
    # Imported here: urllib.request pulls in http.client, ssl and email, which reading
    # local files never needs.
    import http.client
    import urllib.error
    import urllib.request

    if not url.lower().startswith(("http://", "https://")):
        raise InputError(source, f"will only fetch http(s) links, not {url!r}")
    sent = {"User-Agent": user_agent, **(headers or {})}
    request = urllib.request.Request(url, headers=sent)
    try:
        with _opener().open(request, timeout=timeout) as response:
            data: bytes = response.read(max_bytes + 1)
            if len(data) > max_bytes:
                raise too_large(source, max_bytes, what=f"the page at {url}")
            return Fetched(
                status=int(response.status),
                url=str(response.url),
                headers={k.lower(): v for k, v in response.headers.items()},
                body=data,
                charset=response.headers.get_content_charset(),
            )
    except urllib.error.HTTPError as err:
        if 300 <= err.code < 400 and err.code != 304:
            # urllib's reason spans lines ("... infinite loop.\nThe last 30x error ...")
            reason = "too many redirects (a redirect loop)"
            raise InputError(source, f"could not fetch {url}: {reason}") from None
        answer = {k.lower(): v for k, v in (err.headers or {}).items()}
        return Fetched(status=err.code, url=url, headers=answer)
    except urllib.error.URLError as err:
        raise InputError(source, f"could not fetch {url}: {err.reason}") from None
    except (OSError, http.client.HTTPException, ValueError) as err:
        reason = "timed out" if isinstance(err, TimeoutError) else str(err)
        raise InputError(source, f"could not fetch {url}: {reason}") from None


@functools.cache
def _opener() -> urllib.request.OpenerDirector:
    """An opener whose redirects go to http(s) only; urllib would also follow ftp://.
    Built once: building one costs a third of a 304's round trip on a local server."""
    import urllib.request

    class HttpOnlyRedirects(urllib.request.HTTPRedirectHandler):
        def redirect_request(
            self,
            req: urllib.request.Request,
            fp: IO[bytes],
            code: int,
            msg: str,
            headers: http.client.HTTPMessage,
            newurl: str,
        ) -> urllib.request.Request | None:
            if not newurl.lower().startswith(("http://", "https://")):
                return None
            return super().redirect_request(req, fp, code, msg, headers, newurl)

    return urllib.request.build_opener(HttpOnlyRedirects())
