"""Split a cleaned body into paragraphs and sentences with character offsets."""

from __future__ import annotations

from .model import Paragraph, Sentence


def segment(body: str, *, lang: str | None = None) -> tuple[tuple[Paragraph, ...], tuple[Sentence, ...]]:
    """Return the paragraphs and sentences of ``body`` (sentences have empty facts)."""
    raise NotImplementedError
