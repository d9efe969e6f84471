"""Helpers for the fact-extraction tests: build Sentence values without segment.py."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from storytrace.facts import extract
from storytrace.model import Facts, Sentence

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "examples" / "seed-pair"
HEADER = re.compile(r"^\s*date \d{4}-\d{2}-\d{2} .*\n")


def paragraphs(text: str) -> tuple[Sentence, ...]:
    """One Sentence per non-empty line, offsets into ``text`` (the segmenter's stand-in)."""
    out = []
    for match in re.finditer(r"[^\n]+", text):
        line = match.group()
        stripped = line.strip()
        if not stripped:
            continue
        start = match.start() + line.index(stripped)
        out.append(Sentence(len(out), stripped, start, start + len(stripped), len(out)))
    return tuple(out)


def seed(name: str, published: dt.date | None) -> tuple[Sentence, ...]:
    """The seed article ``name`` (a.txt / b.txt), header line dropped, facts extracted."""
    text = HEADER.sub("", (SEED / name).read_text(encoding="utf-8"), count=1)
    return extract(paragraphs(text), lang="en", published=published)


def facts_of(*texts: str, published: dt.date | None = None, lang: str | None = "en") -> list[Facts]:
    """Facts of each text taken as one sentence of a single article, in order."""
    sentences = tuple(Sentence(i, t, 0, len(t), i) for i, t in enumerate(texts))
    return [s.facts for s in extract(sentences, lang=lang, published=published)]


def one(text: str, published: dt.date | None = None, lang: str | None = "en") -> Facts:
    """Facts of a single sentence."""
    return facts_of(text, published=published, lang=lang)[0]
