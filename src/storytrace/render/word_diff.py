"""Word-level highlighting of two versions of a unit, shared by every diff renderer.

Words and punctuation marks are tokens; a ``difflib.SequenceMatcher`` marks deleted
tokens in A and inserted ones in B (see ``diff_view``'s docstring for the rules). The
same edits come out as character spans (``word_diff_spans``, for colour and HTML) or as
one reading-order sequence of runs (``word_diff_ops``, for ``[-old-]{+new+}`` text).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from ..model import ChangeType

WORD_DIFF_MIN_RATIO = 0.2
"""Below this share of matching words, a word diff marks nearly everything: skip it."""


@dataclass(frozen=True, slots=True)
class Fragment:
    """A run of a unit's text with one highlighting.

    Attributes:
        text: the characters, exactly as in the sentence text.
        edited: deleted from A (on the A side) or inserted in B (on the B side).
        change: the type of the typed change this run is the text of, if any.
    """

    text: str
    edited: bool = False
    change: ChangeType | None = None


_TOKEN = re.compile(r"(?:[^\W\d_]\.){2,}|\w+|[^\w\s]", re.UNICODE)
"""Words, punctuation marks, and dotted abbreviations ("U.S.") as one token."""

_ABBREVIATION = re.compile(r"(?:[^\W\d_]\.){2,}")

Atom = tuple[int, int, str]
"""A fact mention as the word diff sees it: ``(start, end, key)``; two mentions with
the same key are the same fact ("December 12" and "12 December", "U.S." and "US")."""

_QUOTE_FOLD = str.maketrans({"“": '"', "”": '"', "„": '"', "«": '"', "»": '"', "‘": "'", "’": "'"})


def _fold(text: str) -> str:
    """Lower-case and straighten quotes, one character for one, so offsets still hold.

    ``str.lower`` can lengthen a string ("İ" becomes two characters), which would shift
    every offset after it; such characters are kept as they are.
    """
    folded = (c.lower() if len(c.lower()) == 1 else c for c in text)
    return "".join(folded).translate(_QUOTE_FOLD)


def find_all(text: str, needle: str) -> list[tuple[int, int]]:
    """Every case-insensitive occurrence of ``needle`` in ``text`` on word boundaries.

    A boundary is only required at an end of the needle that is a word character, so
    "80%" and '"We want' still match where they stand. Overlapping hits are skipped.
    """
    needle = needle.strip()
    if not needle:
        return []
    hay, pin = _fold(text), _fold(needle)
    spans = []
    start = hay.find(pin)
    while start != -1:
        end = start + len(pin)
        left_ok = not pin[0].isalnum() or start == 0 or not hay[start - 1].isalnum()
        right_ok = not pin[-1].isalnum() or end == len(hay) or not hay[end].isalnum()
        if left_ok and right_ok:
            spans.append((start, end))
            start = hay.find(pin, end)
        else:
            start = hay.find(pin, start + 1)
    return spans


def word_diff_spans(
    a_text: str, b_text: str, a_atoms: Sequence[Atom] = (), b_atoms: Sequence[Atom] = ()
) -> tuple[list[tuple[int, int]], list[tuple[int, int]]] | None:
    """Character spans of deleted words in A and inserted words in B.

    Returns None when the texts share too few words for a word diff to be readable
    (ratio below ``WORD_DIFF_MIN_RATIO``). Consecutive edited tokens give one span,
    the space between them included, so a run reads as one highlight.

    ``a_atoms`` and ``b_atoms`` are the fact mentions of each text: a mention whose key
    the other side also has is one token compared by its key, so the same fact written
    another way ("12 December" for "December 12") is not marked (``fact_atoms``).
    """
    flagged = _edited_tokens(a_text, b_text, a_atoms, b_atoms)
    if flagged is None:
        return None
    a_tokens, a_flags, b_tokens, b_flags = flagged
    return _runs(a_tokens, a_flags), _runs(b_tokens, b_flags)


WordOp = tuple[Literal["equal", "delete", "insert"], str]


def word_diff_ops(
    a_text: str, b_text: str, a_atoms: Sequence[Atom] = (), b_atoms: Sequence[Atom] = ()
) -> list[WordOp] | None:
    """The two texts as one sequence of equal, deleted and inserted runs, in reading
    order (a deletion before the insertion that replaces it), as ``git diff
    --word-diff`` shows them; the same edits as ``word_diff_spans``, None when it is.
    Equal runs and the spaces between runs are B's text."""
    flagged = _edited_tokens(a_text, b_text, a_atoms, b_atoms)
    if flagged is None:
        return None
    a_tokens, a_flags, b_tokens, b_flags = flagged
    ops: list[WordOp] = []
    i = j = at = 0  # A token, B token, B character not yet written

    def gap_to_next_b() -> None:
        nonlocal at
        stop = b_tokens[j][0] if j < len(b_tokens) else len(b_text)
        if stop > at:
            ops.append(("equal", b_text[at:stop]))
            at = stop

    while i < len(a_tokens) or j < len(b_tokens):
        if i < len(a_tokens) and a_flags[i]:
            start = i
            while i < len(a_tokens) and a_flags[i]:
                i += 1
            gap_to_next_b()
            spaced_before = a_tokens[start][0] > 0 and a_text[a_tokens[start][0] - 1].isspace()
            if spaced_before and ops and not ops[-1][1][-1:].isspace():
                ops.append(("equal", " "))
            ops.append(("delete", a_text[a_tokens[start][0] : a_tokens[i - 1][1]]))
            insertion_next = j < len(b_tokens) and b_flags[j]
            spaced_after = a_text[a_tokens[i - 1][1] : a_tokens[i - 1][1] + 1].isspace()
            if spaced_after and not insertion_next and j < len(b_tokens):
                ops.append(("equal", " "))
        elif j < len(b_tokens) and b_flags[j]:
            if not (ops and ops[-1][0] == "delete"):
                gap_to_next_b()
            start = j
            while j < len(b_tokens) and b_flags[j]:
                j += 1
            ops.append(("insert", b_text[b_tokens[start][0] : b_tokens[j - 1][1]]))
            at = b_tokens[j - 1][1]
        else:  # an equal token on both sides
            end = b_tokens[j][1]
            if ops and ops[-1][0] == "delete" and ops[-1][1] and at < b_tokens[j][0]:
                at = b_tokens[j][0]  # the space after a deletion is already written
            ops.append(("equal", b_text[at:end]))
            at = end
            i += 1
            j += 1
    if at < len(b_text):
        ops.append(("equal", b_text[at:]))
    return [op for op in ops if op[1]]


def _edited_tokens(
    a_text: str, b_text: str, a_atoms: Sequence[Atom] = (), b_atoms: Sequence[Atom] = ()
) -> tuple[list[tuple[int, int]], list[bool], list[tuple[int, int]], list[bool]] | None:
    """Token spans of both texts and which are edited; None below the minimum ratio."""
    shared = {key for _, _, key in a_atoms} & {key for _, _, key in b_atoms}
    a_tokens, a_keys = _tokens(a_text, [t for t in a_atoms if t[2] in shared])
    b_tokens, b_keys = _tokens(b_text, [t for t in b_atoms if t[2] in shared])
    a_words = [a_text[s:e] for s, e in a_tokens]
    matcher = difflib.SequenceMatcher(None, a_keys, b_keys, autojunk=False)
    if a_keys and b_keys and matcher.ratio() < WORD_DIFF_MIN_RATIO:
        return None
    a_flags = [True] * len(a_keys)
    b_flags = [True] * len(b_keys)
    for block in matcher.get_matching_blocks():
        for k in range(block.size):
            a_flags[block.a + k] = False
            b_flags[block.b + k] = False
    _absorb_chaff(a_flags, b_flags, matcher, a_words)
    return a_tokens, a_flags, b_tokens, b_flags


def _tokens(text: str, atoms: Sequence[Atom]) -> tuple[list[tuple[int, int]], list[str]]:
    """The tokens of ``text`` and the key each is compared by: the tokens inside an atom
    become one token keyed by the fact; a dotted abbreviation is keyed without its
    dots ("U.S." as "US"); any other token by its text."""
    spans: list[tuple[int, int]] = []
    keys: list[str] = []
    ordered = sorted(atoms)
    k = 0
    for match in _TOKEN.finditer(text):
        start, end = match.span()
        while k < len(ordered) and ordered[k][1] <= start:
            k += 1
        if k < len(ordered) and ordered[k][0] <= start and end <= ordered[k][1]:
            key = "\x00" + ordered[k][2]
            if keys and keys[-1] == key and spans[-1][0] >= ordered[k][0]:
                spans[-1] = (spans[-1][0], end)  # the same mention goes on
                continue
            spans.append((start, end))
            keys.append(key)
            continue
        word = match.group()
        spans.append((start, end))
        keys.append(word.replace(".", "") if _ABBREVIATION.fullmatch(word) else word)
    return spans, keys


def _absorb_chaff(
    a_flags: list[bool],
    b_flags: list[bool],
    matcher: difflib.SequenceMatcher[str],
    a_words: list[str],
) -> None:
    """Fold a lone short equal token into the edits around it, on both sides.

    Only next to a replacement: between a pure insertion and a pure deletion the token
    is where the edits meet ("Trump['s administration] is [allegedly] ready"), not chaff.
    """
    opcodes = matcher.get_opcodes()
    for k in range(1, len(opcodes) - 1):
        tag, i1, i2, j1, _ = opcodes[k]
        flanked = "replace" in (opcodes[k - 1][0], opcodes[k + 1][0])
        if tag == "equal" and flanked and i2 - i1 == 1 and len(a_words[i1]) <= 3:
            a_flags[i1] = True
            b_flags[j1] = True


def _runs(tokens: list[tuple[int, int]], flags: list[bool]) -> list[tuple[int, int]]:
    """Merge flagged tokens that follow each other into one span (spaces between included)."""
    spans: list[tuple[int, int]] = []
    previous = -2
    for k, ((start, end), flag) in enumerate(zip(tokens, flags, strict=True)):
        if not flag:
            continue
        if previous == k - 1:
            spans[-1] = (spans[-1][0], end)
        else:
            spans.append((start, end))
        previous = k
    return spans


def fragments(
    text: str,
    edited: Iterable[tuple[int, int]],
    marks: Iterable[tuple[int, int, ChangeType]],
) -> tuple[Fragment, ...]:
    """Cut ``text`` into runs of equal highlighting.

    Where typed-change marks overlap, the first one given wins: a character carries
    at most one change type, which keeps every renderer's nesting simple.
    """
    if not text:
        return ()
    edit_flags = [False] * len(text)
    for start, end in edited:
        for k in range(max(start, 0), min(end, len(text))):
            edit_flags[k] = True
    change_at: list[ChangeType | None] = [None] * len(text)
    for start, end, change_type in marks:
        for k in range(max(start, 0), min(end, len(text))):
            if change_at[k] is None:
                change_at[k] = change_type
    out: list[Fragment] = []
    run_start = 0
    for k in range(1, len(text) + 1):
        if k == len(text) or (edit_flags[k], change_at[k]) != (
            edit_flags[run_start],
            change_at[run_start],
        ):
            out.append(Fragment(text[run_start:k], edit_flags[run_start], change_at[run_start]))
            run_start = k
    return tuple(out)
