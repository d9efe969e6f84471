"""Plain text reader, including the seed header form ``date YYYY-MM-DD Title``."""

from __future__ import annotations

from ..model import RawArticle


def parse_text(text: str, *, source: str, **metadata: object) -> RawArticle:
    """Parse decoded text into a RawArticle (header form and headline detection)."""
    raise NotImplementedError
