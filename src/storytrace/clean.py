"""Remove in-body boilerplate and keep every removed span with its kind and offsets.

``clean(text)`` returns the cleaned body and the removed spans. A removed span indexes
the ORIGINAL text (``text[span.start:span.end] == span.text``), so a viewer can show it
in place; the body is new text, built paragraph by paragraph, paragraphs separated by
one blank line. Rules live in ``storytrace._boilerplate``, their words in
``lexicons/<lang>/clean_boilerplate.json``. A rule matches a whole short line, a clearly
delimited parenthetical or a dateline prefix, never a phrase inside a sentence: missing
boilerplate is cheap, removing reporting would hide a real difference. The kinds
removed and the paragraph rules: ``docs/reading.md``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from . import _boilerplate
from ._boilerplate import Cut, Rules
from ._spans import strip_span
from .model import RemovedSpan

WRAP_WIDTH = 100
"""Lines of hard-wrapped text are at most this long (mail and wire text wrap at 72-80)."""

SHORT_LINE = 0.6
"""In a hard-wrapped block, a line shorter than this fraction of the longest line ends
its paragraph (a heading, or the last line of a paragraph): wrapped lines run full."""

_LINE = re.compile(r"[^\n\r\u2028\u2029]+")
_BREAK = re.compile(r"\r\n|[\n\r\u2028\u2029]")
_ENDS_SENTENCE = re.compile(r"[.!?…:;。！？：；][\"'”’»)\]」』）]*\Z")
"""A line that ends a sentence, in any script (full-width "。！？" for Chinese and Japanese)."""
_NO_STOP_BEFORE = frozenset(".!?…:;,–—-。！？：；、，")
_GLUE_AFTER = frozenset(",.;:!?)]…")
_CLOSING_QUOTES = "\"'”’»」』"


@dataclass(frozen=True, slots=True)
class Cleaned:
    """The cleaned body and what was removed (offsets into the original text)."""

    body: str
    removed: tuple[RemovedSpan, ...]


@dataclass(frozen=True, slots=True)
class _Line:
    """One non-blank line of the original text, stripped: ``text[start:end]``."""

    start: int
    end: int


def clean(text: str, *, lang: str | None = None) -> Cleaned:
    """Strip boilerplate from ``text``; never remove reporting.

    Args:
        text: the article text as read (after any metadata header).
        lang: ISO 639-1 code choosing the boilerplate lexicon; English rules always
            apply too, and every shipped lexicon applies when ``lang`` is None or unknown.

    Returns:
        The body (paragraphs separated by one blank line) and the removed spans, in
        text order, each with ``text[span.start:span.end] == span.text``.

    Examples:
        >>> cleaned = clean("Photo: Reuters\\n\\nWASHINGTON — The talks ended.")
        >>> cleaned.body
        'The talks ended.'
        >>> [(r.kind, r.text) for r in cleaned.removed]
        [('photo_credit', 'Photo: Reuters'), ('dateline', 'WASHINGTON —')]
    """
    rules = _boilerplate.rules(lang)
    cuts: list[Cut] = []
    paragraphs: list[str] = []
    for block in _blocks(text):
        kept = []
        for line in block:
            kind = rules.line_kind(text[line.start : line.end])
            if kind is None:
                kept.append(line)
            else:
                cuts.append(Cut(kind, line.start, line.end))
        for lines in _paragraph_lines(text, kept):
            paragraph = _clean_paragraph(text, lines, rules, cuts)
            if paragraph:
                paragraphs.append(paragraph)
    cuts.sort(key=lambda cut: cut.start)
    removed = tuple(RemovedSpan(c.kind, text[c.start : c.end], c.start, c.end) for c in cuts)
    return Cleaned(body="\n\n".join(paragraphs), removed=removed)


def _blocks(text: str) -> list[list[_Line]]:
    """Non-blank lines grouped by blank lines; one line per group when there are none."""
    blocks: list[list[_Line]] = []
    previous_end = 0
    has_blank = False
    for run in _LINE.finditer(text):
        start, end = strip_span(text, run.start(), run.end())
        if start == end:
            continue
        blank_before = bool(blocks) and len(_BREAK.findall(text, previous_end, start)) >= 2
        if not blocks or blank_before:
            blocks.append([])
        has_blank = has_blank or blank_before
        blocks[-1].append(_Line(start, end))
        previous_end = end
    if not has_blank:
        return [[line] for block in blocks for line in block]
    return blocks


def _paragraph_lines(text: str, lines: list[_Line]) -> list[list[_Line]]:
    """The kept lines of one blank-line block, grouped into paragraphs (see module doc)."""
    if len(lines) < 2:
        return [lines] if lines else []
    lengths = [line.end - line.start for line in lines]
    if max(lengths) > WRAP_WIDTH or all(
        _ENDS_SENTENCE.search(text, line.start, line.end) for line in lines[:-1]
    ):
        return [[line] for line in lines]
    short = SHORT_LINE * max(lengths)
    groups = [[lines[0]]]
    for length, line in zip(lengths, lines[1:], strict=False):
        if length < short:
            groups.append([line])
        else:
            groups[-1].append(line)
    return groups


def _clean_paragraph(text: str, lines: list[_Line], rules: Rules, cuts: list[Cut]) -> str:
    """One paragraph's text with its dateline and parentheticals removed (cuts recorded)."""
    pieces: list[str] = []
    for line in lines:
        found = list(rules.parentheticals(text, line.start, line.end))
        dateline_end = rules.dateline_end(text, line.start, line.end) if not pieces else None
        if dateline_end is not None:
            dateline = Cut("dateline", line.start, dateline_end)
            found = [dateline, *(cut for cut in found if cut.start >= dateline_end)]
        cuts.extend(found)
        piece = _cut_line(text, line, found, rules)
        if piece:
            pieces.append(piece)
    return " ".join(pieces)


def _cut_line(text: str, line: _Line, found: list[Cut], rules: Rules) -> str:
    """The line's text without the ``found`` spans, re-joined as prose (see module doc)."""
    parts: list[str] = []
    pos = line.start
    removed = ""
    for cut in found:
        _append(parts, text, pos, cut.start, removed, rules)
        removed = text[cut.start : cut.end]
        pos = strip_span(text, cut.end, line.end)[0]
    _append(parts, text, pos, line.end, removed, rules)
    return "".join(parts)


def _append(parts: list[str], text: str, start: int, end: int, removed: str, rules: Rules) -> None:
    """Append ``text[start:end]`` (stripped) to ``parts``, joined across a removed span.

    The joiner is nothing before punctuation or a closing quote ("hand, but"), ". "
    when the text before lacks a full stop and the text after opens a sentence, and a
    single space otherwise.
    """
    chunk = text[start:end].rstrip()
    if not chunk:
        return
    if parts:
        if _glues(text, start, end):
            joiner = ""
        elif _needs_full_stop(parts[-1]) and rules.starts_sentence(chunk, removed):
            joiner = ". "
        else:
            joiner = " "
        parts.append(joiner)
    parts.append(chunk)


def _glues(text: str, at: int, end: int) -> bool:
    """Whether the text at ``at`` attaches to the word before it without a space.

    Punctuation does ("hand, but"), and so does a closing quotation mark: ``”``, ``»``,
    or a straight one followed by punctuation, space or the end ("ФПГ", - добавил").
    """
    mark = text[at]
    if mark in _GLUE_AFTER or mark in "”»’":
        return True
    return mark in "\"'" and (at + 1 == end or not text[at + 1].isalnum())


def _needs_full_stop(before: str) -> bool:
    """True when ``before`` does not already end with sentence punctuation."""
    last = before.rstrip(_CLOSING_QUOTES)[-1:] or before[-1:]
    return last not in _NO_STOP_BEFORE
