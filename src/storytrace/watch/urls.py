"""Canonical page URLs: one key for the variants of one page.

Tracking parameters (``utm_*``, ``fbclid``, ``gclid`` ...) and the fragment are dropped,
the scheme and host lower-cased and a default port removed, so a link shared from a
newsletter and the same link from a feed fold into one page. The page's own
``<link rel=canonical>`` (read by the HTML extractor) wins when it names a page on the
same site.
"""

from __future__ import annotations

import urllib.parse

TRACKING_PREFIXES = ("utm_", "mc_", "pk_", "hsa_")
TRACKING_NAMES = frozenset(
    {"fbclid", "gclid", "dclid", "msclkid", "yclid", "igshid", "mkt_tok", "_hsenc", "_hsmi",
     "ref_src", "cmpid", "ocid", "smid", "sr_share", "at_medium", "at_campaign", "wt_mc"}
)  # fmt: skip


def canonical_url(url: str) -> str:
    """``url`` without tracking parameters and fragment, scheme and host lower-cased."""
    parts = urllib.parse.urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    port = parts.port
    if port is not None and (scheme, port) not in (("http", 80), ("https", 443)):
        host = f"{host}:{port}"
    query = [
        (name, value)
        for name, value in urllib.parse.parse_qsl(parts.query, keep_blank_values=True)
        if not _tracking(name)
    ]
    path = parts.path or "/"
    return urllib.parse.urlunsplit((scheme, host, path, urllib.parse.urlencode(query), ""))


def page_key(fetched_url: str, declared: str | None) -> str:
    """The canonical URL of a page: its declared canonical when on the same host, else
    the URL it was fetched from (a canonical pointing off-site is not trusted)."""
    base = canonical_url(fetched_url)
    if declared and declared.lower().startswith(("http://", "https://")):
        own = canonical_url(declared)
        if host_of(own) == host_of(base):
            return own
    return base


def host_of(url: str) -> str:
    """The host (and port) of ``url``, lower-cased."""
    return urllib.parse.urlsplit(url).netloc.lower()


def _tracking(name: str) -> bool:
    lowered = name.lower()
    return lowered in TRACKING_NAMES or lowered.startswith(TRACKING_PREFIXES)
