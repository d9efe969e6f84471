"""Fetch one linked page, only when the user asked for it (``ReadOptions.fetch``).

storytrace never touches the network on its own; this exists for feeds that carry only
titles and links. It fetches http(s) only, follows redirects only to http(s), stops at
the size limit and at a timeout, and reports any failure as an InputError for that
entry, so one dead link does not stop a feed.
"""

from __future__ import annotations

from typing import IO, TYPE_CHECKING

from ..errors import InputError
from .stream import too_large

if TYPE_CHECKING:
    import http.client
    import urllib.request

FETCH_TIMEOUT = 20.0
"""Seconds to wait for a linked page to connect or to send more data."""

USER_AGENT = "storytrace (+https://pypi.org/project/storytrace/)"


def fetch_url(url: str, *, source: str, max_bytes: int) -> tuple[bytes, str | None]:
    """The body of ``url`` and the charset its Content-Type declares.

    Raises:
        InputError: not an http(s) URL, or the fetch failed (the reason says how).
        TooLarge: the page is over ``max_bytes``.
    """
    # Imported here: urllib.request pulls in http.client, ssl and email, which reading
    # local files never needs.
    import http.client
    import urllib.error
    import urllib.request

    if not url.lower().startswith(("http://", "https://")):
        raise InputError(source, f"will only fetch http(s) links, not {url!r}")
    opener = _opener()
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    try:
        with opener.open(request, timeout=FETCH_TIMEOUT) as response:
            data: bytes = response.read(max_bytes + 1)
            charset: str | None = response.headers.get_content_charset()
    except urllib.error.HTTPError as err:
        raise InputError(source, f"could not fetch {url}: HTTP {err.code} {err.reason}") from None
    except urllib.error.URLError as err:
        raise InputError(source, f"could not fetch {url}: {err.reason}") from None
    except (OSError, http.client.HTTPException, ValueError) as err:
        raise InputError(source, f"could not fetch {url}: {err}") from None
    if len(data) > max_bytes:
        raise too_large(source, max_bytes, what=f"the page at {url}")
    return data, charset


def _opener() -> urllib.request.OpenerDirector:
    """An opener whose redirects go to http(s) only; urllib would also follow ftp://."""
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
