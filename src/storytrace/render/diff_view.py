"""A view model of a ``Comparison``, shared by the terminal and HTML diff renderers.

The pipeline says *what* changed (aligned units, kinds, typed fact changes); this module
decides *how a reader sees it*: which rows come in which order, and which characters of
each sentence are highlighted. Keeping those decisions here, in plain frozen values with
no rich or HTML in sight, means the terminal, the HTML file and the web UI show the
same thing, and the decisions are tested once.

Decisions, and why:

- **Reading order is B's.** Rows follow the first B sentence of each unit, because B is
  the version a reader checks against its source. A dropped unit (no B sentence) has no
  B position, so it follows the row of the closest earlier A sentence that kept its
  place in B (a unit with both sides whose kind is not ``moved``: a moved unit sits at
  its new place in B, far from its A neighbours). With no such sentence it opens the
  list. Several dropped units after the same row keep their A order.
- **Inline highlighting is word-level.** Words and punctuation marks are tokens; a
  ``difflib.SequenceMatcher`` (longest matching blocks first, which reads better than a
  bare LCS that matches stray "the"s) marks deleted tokens in A and inserted ones in B.
  A single short token left equal between two edits, one of them a replacement ("a",
  "of", a comma), is folded into the edit, so a rewritten clause shows as one struck run
  instead of confetti; between a pure insertion and a pure deletion it stays, which
  keeps "is [allegedly] ready" exact.
- **No word diff where it would be noise.** When the two sides share too few words
  (``WORD_DIFF_MIN_RATIO``) or are in different languages, every word would be marked;
  the row says ``word_diff=False`` and renderers show the texts plain.
- **Typed changes are marked where they are.** ``Change.a`` is looked up in the A text
  and ``Change.b`` in the B text, case-insensitively and on word boundaries (so a number
  change "5" does not light up inside "15"); every occurrence in the unit is marked, so
  "allegedly" is visibly flagged as a hedge even inside a struck run.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal, get_args

from ..display import shorten
from ..model import (
    PAIR_KINDS,
    AlignedPair,
    Article,
    Change,
    ChangeType,
    Comparison,
    Direction,
    Evidence,
    Facts,
    PairKind,
    RelationLabel,
    RemovedSpan,
)
from .word_diff import (
    WORD_DIFF_MIN_RATIO,
    Atom,
    Fragment,
    WordOp,
    find_all,
    fragments,
    word_diff_ops,
    word_diff_spans,
)

__all__ = [
    "CHANGE_TYPES",
    "DIRECTION_PHRASES",
    "EVIDENCE_LABELS",
    "GUESS_BELOW",
    "KIND_PHRASES",
    "RELATION_PHRASES",
    "REMOVED_HEADING",
    "WORD_DIFF_KINDS",
    "WORD_DIFF_MIN_RATIO",
    "ChangeView",
    "DiffView",
    "Fragment",
    "Row",
    "Side",
    "Summary",
    "WordOp",
    "build_view",
    "change_class",
    "direction_phrase",
    "evidence_label",
    "find_all",
    "format_indexes",
    "fragments",
    "http_url",
    "kind_class",
    "lang_tag",
    "locate",
    "percent",
    "reading_order",
    "relation_name",
    "shorten",
    "word_diff_ops",
    "word_diff_spans",
]

Side = Literal["a", "b"]

CHANGE_TYPES: tuple[ChangeType, ...] = get_args(ChangeType)
"""Change types in the model's order; summaries group changes in this order."""

# Values that HTML attributes take from a comparison, checked in one place for every
# HTML output (the self-contained diff file and the server's pages).
_KIND_CLASS: dict[str, str] = {kind: kind.replace("_", "-") for kind in PAIR_KINDS}
_CHANGE_CLASS: dict[str, str] = {t: t for t in CHANGE_TYPES}
_LANG_TAG = re.compile(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*")
_HTTP_URL = re.compile(r"https?://[^\s\x00-\x1f\x7f]+", re.IGNORECASE)


def kind_class(kind: str) -> str:
    """A CSS class for a pair kind; unknown kinds get one fixed class."""
    return _KIND_CLASS.get(kind, "unknown")


def change_class(change_type: str) -> str:
    """A CSS class for a change type; unknown types get one fixed class."""
    return _CHANGE_CLASS.get(change_type, "other")


def lang_tag(lang: str | None) -> str | None:
    """``lang`` for an attribute when it is a language tag, else None."""
    if lang and _LANG_TAG.fullmatch(lang):
        return lang
    return None


def http_url(url: str | None) -> str | None:
    """An article url fit for ``href``: http(s) only, so no ``javascript:`` or ``data:``.

    Not escaped: the caller escapes for its output (the templates autoescape)."""
    if url and _HTTP_URL.fullmatch(url):
        return url
    return None


WORD_DIFF_KINDS: frozenset[PairKind] = frozenset({"identical", "reworded", "changed", "moved"})
"""Kinds with text on both sides; identical is included because "identical" may be
judged after normalisation (quotes, spacing), and showing that residue is honest."""

RELATION_PHRASES: dict[RelationLabel, str] = {
    "update": "a later version of the same page",
    "duplicate": "the same text",
    "light_edit": "the same text with small edits",
    "rewrite": "the same report, rewritten",
    "translation": "the same report in another language",
    "same_story": "the same event, reported separately",
    "related": "related coverage",
    "unrelated": "unrelated",
}
"""One plain phrase per relation label, so no renderer invents its own wording."""

DIRECTION_PHRASES: dict[Direction, str] = {
    "a_to_b": "A → B: B derives from A",
    "b_to_a": "B → A: A derives from B",
    "unknown": "unknown: the evidence does not say which came first",
}

KIND_PHRASES: dict[PairKind, str] = {
    "identical": "the same sentence in both",
    "reworded": "the same statement in other words",
    "changed": "a fact differs (number, date, name, quote, hedge, source or framing)",
    "moved": "kept, but at another place in B",
    "added": "only in B",
    "dropped": "only in A",
}
"""Legend text for each kind of aligned unit."""

REMOVED_HEADING = "removed boilerplate, not dropped reporting"

EVIDENCE_LABELS: dict[str, str] = {
    "coverage_a": "A covered",
    "coverage_b": "B covered",
    "identical": "identical sentences",
    "languages": "languages",
    "document_similarity": "similar wording",
    "shared_facts": "shared facts",
    "published": "publication dates",
    "material": "extra material",
    "hedges_and_framing": "hedges and loaded terms",
    "credit": "credits the other",
}
"""Reader-facing names of the evidence ``relate`` weighs (its internal names are keys)."""

GUESS_BELOW = 0.6
"""A direction with less confidence than this is worded as a guess ("perhaps ...")."""


def evidence_label(name: str) -> str:
    """The reader-facing name of a piece of evidence; unknown names, spaced."""
    return EVIDENCE_LABELS.get(name, name.replace("_", " "))


def relation_name(label: str) -> str:
    """A relation label as words ("light_edit" reads "light edit")."""
    return label.replace("_", " ")


def direction_phrase(direction: Direction, confidence: float) -> str:
    """Which version came first, worded as a guess below ``GUESS_BELOW``."""
    if direction == "a_to_b" and confidence < GUESS_BELOW:
        return "A → B: B perhaps derives from A"
    if direction == "b_to_a" and confidence < GUESS_BELOW:
        return "B → A: A perhaps derives from B"
    return DIRECTION_PHRASES.get(direction, direction)


@dataclass(frozen=True, slots=True)
class ChangeView:
    """A typed change with where it occurs.

    Attributes:
        change: the change as the pipeline reported it.
        pair: index of its unit in ``Comparison.pairs``; -1 for a headline change.
        a_at, b_at: sentence indexes where ``change.a`` / ``change.b`` was found; when a
            side's text is absent or was not found verbatim, the unit's sentences.
        found_a, found_b: whether that side's text was found verbatim (False when None).
    """

    change: Change
    pair: int
    a_at: tuple[int, ...]
    b_at: tuple[int, ...]
    found_a: bool
    found_b: bool


@dataclass(frozen=True, slots=True)
class Row:
    """One aligned unit as shown: its sentences, kind, and highlighted texts.

    Attributes:
        pair: index of the unit in ``Comparison.pairs`` (stable anchor for links).
        a, b: the unit's sentence indexes in A and in B (empty for added / dropped).
        a_fragments, b_fragments: the unit's text on each side (sentences joined by a
            space), cut into highlighted runs; empty when that side has no sentence.
        word_diff: False when the word-level diff was skipped (see module docstring).
        changes: the unit's typed changes, in the pipeline's order.
    """

    pair: int
    kind: PairKind
    similarity: float
    a: tuple[int, ...]
    b: tuple[int, ...]
    a_fragments: tuple[Fragment, ...]
    b_fragments: tuple[Fragment, ...]
    word_diff: bool
    changes: tuple[ChangeView, ...]
    a_atoms: tuple[Atom, ...] = ()
    b_atoms: tuple[Atom, ...] = ()
    """The fact mentions of each side's text (``fact_atoms``), for ``word_diff_ops``."""

    @property
    def a_text(self) -> str:
        """The unit's A text, plain."""
        return "".join(f.text for f in self.a_fragments)

    @property
    def b_text(self) -> str:
        """The unit's B text, plain."""
        return "".join(f.text for f in self.b_fragments)


@dataclass(frozen=True, slots=True)
class Summary:
    """What a reader needs before the sentences: verdict, evidence, counts, changes.

    Evidence lists are sorted by weight magnitude, strongest first, so "top evidence" is
    a prefix. ``counts`` has every kind, in ``PAIR_KINDS`` order, zeros included.
    """

    relation: RelationLabel
    relation_phrase: str
    score: float
    direction: Direction
    direction_phrase: str
    direction_confidence: float
    evidence: tuple[Evidence, ...]
    direction_evidence: tuple[Evidence, ...]
    coverage_a: float
    coverage_b: float
    counts: tuple[tuple[PairKind, int], ...]
    changes: tuple[ChangeView, ...]
    removed_a: tuple[RemovedSpan, ...]
    removed_b: tuple[RemovedSpan, ...]
    encoder: str

    def changes_by_type(self) -> tuple[tuple[ChangeType, tuple[ChangeView, ...]], ...]:
        """The changes grouped by type, types in ``CHANGE_TYPES`` order, empty ones left out."""
        groups = []
        for change_type in CHANGE_TYPES:
            group = tuple(c for c in self.changes if c.change.type == change_type)
            if group:
                groups.append((change_type, group))
        known = set(CHANGE_TYPES)
        stray = tuple(c for c in self.changes if c.change.type not in known)
        if stray:  # a type the model does not know yet: show it rather than hide it
            groups.append((stray[0].change.type, stray))
        return tuple(groups)


@dataclass(frozen=True, slots=True)
class DiffView:
    """Everything a diff renderer shows, in the order it shows it."""

    a: Article
    b: Article
    summary: Summary
    rows: tuple[Row, ...]


# --- building --------------------------------------------------------------------


def build_view(comparison: Comparison) -> DiffView:
    """Turn a comparison into rows in reading order and a summary.

    Raises:
        ValueError: a unit names a sentence index its article does not have (a bug
            upstream; better said plainly than rendered as a blank row).
    """
    a_sentences = _sentence_texts(comparison.a, "a")
    b_sentences = _sentence_texts(comparison.b, "b")
    facts: dict[tuple[Side, int], Facts] = {("a", s.i): s.facts for s in comparison.a.sentences}
    facts.update({("b", s.i): s.facts for s in comparison.b.sentences})
    same_language = not (
        comparison.a.lang and comparison.b.lang and comparison.a.lang != comparison.b.lang
    )
    rows_by_pair = [
        _row(n, pair, a_sentences, b_sentences, facts, word_diff_allowed=same_language)
        for n, pair in enumerate(comparison.pairs)
    ]
    order = reading_order(comparison.pairs)
    rows = tuple(rows_by_pair[n] for n in order)
    relation = comparison.relation
    counts = dict.fromkeys(PAIR_KINDS, 0)
    for pair in comparison.pairs:
        counts[pair.kind] = counts.get(pair.kind, 0) + 1
    summary = Summary(
        relation=relation.label,
        relation_phrase=RELATION_PHRASES.get(relation.label, relation.label),
        score=relation.score,
        direction=relation.direction,
        direction_phrase=direction_phrase(relation.direction, relation.direction_confidence),
        direction_confidence=relation.direction_confidence,
        evidence=_strongest_first(relation.evidence),
        direction_evidence=_strongest_first(relation.direction_evidence),
        coverage_a=comparison.coverage_a,
        coverage_b=comparison.coverage_b,
        counts=tuple(counts.items()),
        changes=_headline_changes(comparison) + tuple(c for row in rows for c in row.changes),
        removed_a=comparison.a.removed,
        removed_b=comparison.b.removed,
        encoder=comparison.encoder,
    )
    return DiffView(a=comparison.a, b=comparison.b, summary=summary, rows=rows)


COLLAPSE_RUN = 3
"""This many identical units in a row or more are folded into one line (or a
closed ``<details>``): a light edit's eighteen unchanged sentences are not the news."""


@dataclass(frozen=True, slots=True)
class Folded:
    """A run of identical units shown folded: how many, and where."""

    rows: tuple[Row, ...]

    @property
    def where(self) -> str:
        a = [i for row in self.rows for i in row.a]
        b = [i for row in self.rows for i in row.b]
        return locate(a, b)


def folded(rows: Sequence[Row], run: int = COLLAPSE_RUN) -> list[Row | Folded]:
    """``rows`` with each run of at least ``run`` identical units as one ``Folded``."""
    out: list[Row | Folded] = []
    pending: list[Row] = []

    def flush() -> None:
        if len(pending) >= run:
            out.append(Folded(tuple(pending)))
        else:
            out.extend(pending)
        pending.clear()

    for row in rows:
        if row.kind == "identical" and not row.changes:
            pending.append(row)
        else:
            flush()
            out.append(row)
    flush()
    return out


def reading_order(pairs: Sequence[AlignedPair]) -> list[int]:
    """Indexes of ``pairs`` in reading order (see the module docstring for the rule)."""
    with_b = sorted((n for n, p in enumerate(pairs) if p.b), key=lambda n: (min(pairs[n].b), n))
    dropped = sorted(
        (n for n, p in enumerate(pairs) if not p.b),
        key=lambda n: (min(pairs[n].a, default=-1), n),
    )
    anchors = [n for n in with_b if pairs[n].a and pairs[n].kind != "moved"]
    after: dict[int | None, list[int]] = {}
    for n in dropped:
        first = min(pairs[n].a, default=-1)
        earlier = [m for m in anchors if max(pairs[m].a) < first]
        anchor = max(earlier, key=lambda m: max(pairs[m].a)) if earlier else None
        after.setdefault(anchor, []).append(n)
    order = list(after.get(None, []))
    for n in with_b:
        order.append(n)
        order.extend(after.get(n, []))
    return order


def _sentence_texts(article: Article, side: Side) -> dict[int, str]:
    texts = {s.i: s.text for s in article.sentences}
    if len(texts) != len(article.sentences):
        raise ValueError(f"article {side.upper()} ({article.source}) repeats a sentence index")
    return texts


def _lookup(texts: dict[int, str], indexes: Iterable[int], side: Side, pair: int) -> list[str]:
    out = []
    for i in indexes:
        if i not in texts:
            raise ValueError(
                f"unit {pair} names sentence {side}#{i}, but {side.upper()} has sentences "
                f"0..{len(texts) - 1}"
            )
        out.append(texts[i])
    return out


def _strongest_first(evidence: Iterable[Evidence]) -> tuple[Evidence, ...]:
    return tuple(sorted(evidence, key=lambda e: -abs(e.weight)))


def _row(
    n: int,
    pair: AlignedPair,
    a_sentences: dict[int, str],
    b_sentences: dict[int, str],
    facts: dict[tuple[Side, int], Facts],
    *,
    word_diff_allowed: bool,
) -> Row:
    a_parts = _lookup(a_sentences, pair.a, "a", n)
    b_parts = _lookup(b_sentences, pair.b, "b", n)
    a_text = " ".join(a_parts)
    b_text = " ".join(b_parts)

    a_atoms = fact_atoms([facts.get(("a", i)) for i in pair.a], a_parts)
    b_atoms = fact_atoms([facts.get(("b", i)) for i in pair.b], b_parts)
    a_edited: list[tuple[int, int]] = []
    b_edited: list[tuple[int, int]] = []
    word_diff = False
    if pair.kind in WORD_DIFF_KINDS and a_parts and b_parts and word_diff_allowed:
        diff = word_diff_spans(a_text, b_text, a_atoms, b_atoms)
        if diff is not None:
            a_edited, b_edited = diff
            word_diff = True

    a_marks: list[tuple[int, int, ChangeType]] = []
    b_marks: list[tuple[int, int, ChangeType]] = []
    views = []
    for change in pair.changes:
        found_a = _mark(a_text, change.a, change.type, a_marks)
        found_b = _mark(b_text, change.b, change.type, b_marks)
        views.append(
            ChangeView(
                change=change,
                pair=n,
                a_at=_where(change.a, pair.a, a_parts),
                b_at=_where(change.b, pair.b, b_parts),
                found_a=found_a,
                found_b=found_b,
            )
        )
    return Row(
        pair=n,
        kind=pair.kind,
        similarity=pair.similarity,
        a=pair.a,
        b=pair.b,
        a_fragments=fragments(a_text, a_edited, a_marks),
        b_fragments=fragments(b_text, b_edited, b_marks),
        word_diff=word_diff,
        changes=tuple(views),
        a_atoms=a_atoms,
        b_atoms=b_atoms,
    )


def fact_atoms(facts: Sequence[Facts | None], parts: Sequence[str]) -> tuple[Atom, ...]:
    """The date, number and name mentions of a unit's sentences (joined by a space) as
    word-diff atoms, keyed by what the fact layer says they are: a date by its ISO day,
    a number by its value and unit, a name by its key (aliases share one)."""
    atoms: list[Atom] = []
    offset = 0
    for sentence_facts, part in zip(facts, parts, strict=True):
        if sentence_facts is not None:
            for d in sentence_facts.dates:
                atoms.append((offset + d.start, offset + d.end, _date_key(d.text, d.iso)))
            for x in sentence_facts.numbers:
                atoms.append((offset + x.start, offset + x.end, f"number:{x.value:g}:{x.unit}"))
            for name in sentence_facts.names:
                atoms.append((offset + name.start, offset + name.end, f"name:{name.key}"))
        offset += len(part) + 1
    return tuple(_outermost(atoms))


_YEAR = re.compile(r"\d{4}")


def _date_key(text: str, iso: str) -> str:
    """A date mention's key: its ISO day; by month and day alone when the text names no
    year, so "December 12" in a dated article and "12 December" in an undated one (the
    year taken from context, or none) are the same fact, as the fact layer judges."""
    if not _YEAR.search(text) and len(iso) >= 5 and iso[-3] == "-":
        return f"date:{iso[-5:]}"
    return f"date:{iso}"


def _outermost(atoms: list[Atom]) -> list[Atom]:
    """Overlapping mentions (a number inside a date) keep the first, longest one."""
    kept: list[Atom] = []
    for atom in sorted(atoms, key=lambda t: (t[0], -t[1])):
        if kept and atom[0] < kept[-1][1]:
            continue
        kept.append(atom)
    return kept


def _mark(
    text: str,
    needle: str | None,
    change_type: ChangeType,
    marks: list[tuple[int, int, ChangeType]],
) -> bool:
    spans = find_all(text, needle) if needle else []
    marks.extend((start, end, change_type) for start, end in spans)
    return bool(spans)


def _where(needle: str | None, indexes: tuple[int, ...], parts: list[str]) -> tuple[int, ...]:
    if needle:
        hits = tuple(i for i, part in zip(indexes, parts, strict=True) if find_all(part, needle))
        if hits:
            return hits
    return indexes


# --- shared wording ----------------------------------------------------------------


def format_indexes(side: Side, indexes: Sequence[int]) -> str:
    """``a#2``, ``a#3-4`` for a run, ``a#3,5`` otherwise; ``—`` for none."""
    if not indexes:
        return "—"
    ordered = sorted(indexes)
    contiguous = ordered == list(range(ordered[0], ordered[-1] + 1))
    if len(ordered) > 1 and contiguous:
        return f"{side}#{ordered[0]}-{ordered[-1]}"
    return f"{side}#" + ",".join(str(i) for i in ordered)


def _headline_changes(comparison: Comparison) -> tuple[ChangeView, ...]:
    """The typed changes between the headlines (``Comparison.title_changes``), first: no
    unit holds them, so they sit at no sentence (``pair`` -1)."""
    return tuple(
        ChangeView(change=c, pair=-1, a_at=(), b_at=(), found_a=False, found_b=False)
        for c in comparison.title_changes
    )


def locate(a: Sequence[int], b: Sequence[int]) -> str:
    """Where a unit or change sits: ``a#2 → b#2``; one side only for added / dropped;
    ``headline`` for a change between the two headlines (no sentence on either side)."""
    if not a and not b:
        return "headline"
    if not a:
        return format_indexes("b", b)
    if not b:
        return format_indexes("a", a)
    return f"{format_indexes('a', a)} → {format_indexes('b', b)}"


def percent(value: float) -> str:
    """A fraction as a whole percentage ("94%")."""
    return f"{round(value * 100)}%"
