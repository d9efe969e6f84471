"""Domain values shared by every stage of the pipeline.

Everything here is a frozen, slotted dataclass: a stage receives values from the stage
before it and returns new values, never mutating what it was given. That keeps the data
flow one-directional (ingest -> clean -> segment -> facts -> ...) and makes values safe to
cache and to share across threads.

Offsets are always character offsets (Python ``str`` indexes), never byte offsets:
- ``RemovedSpan.start/end`` index into ``Article.text`` (the text as read, before cleaning);
- ``Paragraph`` and ``Sentence`` offsets index into ``Article.body`` (the cleaned text);
- offsets inside a fact (``Number.start`` ...) index into ``Sentence.text``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Literal, get_args

InputFormat = Literal["text", "html", "jsonl", "feed", "warc"]
"""The formats the readers understand; detected from content unless forced."""

INPUT_FORMATS: tuple[InputFormat, ...] = ("text", "html", "jsonl", "feed", "warc")

RemovedKind = Literal[
    "photo_credit",
    "caption",
    "editor_note",
    "dateline",
    "read_also",
    "share_prompt",
    "subscribe_prompt",
    "byline",
]
"""Kinds of in-body boilerplate that cleaning removes (and reports)."""

NameKind = Literal["person", "organization", "place", "other"]


@dataclass(frozen=True, slots=True)
class RawArticle:
    """One article as a reader found it: its text and whatever metadata the source gave.

    Readers produce these; ``storytrace.pipeline.analyze`` turns one into an ``Article``.

    Attributes:
        text: the article text as read (for HTML, the main text trafilatura extracted;
            for the seed header form, the text after the header line).
        source: where it came from (a path, ``path:line`` for JSONL, ``path#entry``...).
        format: the reader that produced it.
        id: an id given by the source (JSONL ``id``), kept everywhere; None to derive one.
        title, published, outlet, url, lang: metadata from the source, when it says.
    """

    text: str
    source: str
    format: InputFormat
    id: str | None = None
    title: str | None = None
    published: dt.date | None = None
    outlet: str | None = None
    url: str | None = None
    lang: str | None = None


@dataclass(frozen=True, slots=True)
class RemovedSpan:
    """A piece of in-body boilerplate that cleaning removed, kept so it can be shown.

    Diffs report these as removed boilerplate, never as dropped reporting.
    """

    kind: RemovedKind
    text: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Paragraph:
    """A paragraph of the cleaned body; ``body[start:end]`` is its text."""

    i: int
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Number:
    """A number in a sentence, with its unit when the text gives one.

    ``value`` is the numeric value as written ("1.5 million" -> 1_500_000.0, "80%" -> 80.0
    with unit "%"). ``unit`` is a normalised unit word ("%", "people", "km", "USD") or None.
    """

    text: str
    value: float
    unit: str | None
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class DateMention:
    """A date in a sentence, normalised to ISO 8601.

    ``iso`` is ``YYYY-MM-DD`` when the day is known, ``YYYY-MM`` or ``YYYY`` otherwise.
    ``relative`` is True when it was resolved from a relative phrase ("the day before").
    Without a publication date, a weekday takes the ISO 8601 truncated form ``-W-5`` (a
    Friday) and "yesterday" / "last week" their offset as a duration (``-P1D``, ``-P1W``).
    """

    text: str
    iso: str
    start: int
    end: int
    relative: bool = False


@dataclass(frozen=True, slots=True)
class Name:
    """A name of a person, organisation or place; ``key`` is the alias-folded form.

    Two mentions refer to the same entity when their keys are equal
    (Zelenskyy and Zelensky -> "zelensky"; U.S., US and United States -> "united states").
    """

    text: str
    key: str
    kind: NameKind
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Quote:
    """A quotation: the quoted words and, when the text says, who spoke them."""

    text: str
    speaker: str | None
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Attribution:
    """Who a statement is attributed to ("..., the official said"; "according to Axios").

    ``source`` is the phrase naming the source; ``anonymous`` is True for unnamed sources
    ("an unnamed senior U.S. official", "two anonymous White House officials").
    """

    verb: str
    source: str | None
    anonymous: bool
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Hedge:
    """A hedging word or phrase (allegedly, reportedly, may, is said to, expected to)."""

    text: str
    key: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Framing:
    """A loaded framing term from the language's lexicon ("the aggressor country")."""

    text: str
    key: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Facts:
    """Everything the fact extractor found in one sentence."""

    numbers: tuple[Number, ...] = ()
    dates: tuple[DateMention, ...] = ()
    names: tuple[Name, ...] = ()
    quotes: tuple[Quote, ...] = ()
    attributions: tuple[Attribution, ...] = ()
    hedges: tuple[Hedge, ...] = ()
    framing: tuple[Framing, ...] = ()

    def is_empty(self) -> bool:
        """True when no fact of any kind was found."""
        return not any(
            (
                self.numbers,
                self.dates,
                self.names,
                self.quotes,
                self.attributions,
                self.hedges,
                self.framing,
            )
        )


@dataclass(frozen=True, slots=True)
class Sentence:
    """A sentence of the cleaned body; ``body[start:end] == text``.

    Sentences never cross paragraphs. A quotation that runs over several sentences is
    kept whole in one sentence together with its attribution, because a quote is one
    statement to compare (see ``storytrace.segment``).
    """

    i: int
    text: str
    start: int
    end: int
    paragraph: int
    facts: Facts = field(default_factory=Facts)


@dataclass(frozen=True, slots=True)
class Article:
    """An article read, cleaned, segmented and with its facts extracted.

    Attributes:
        id: the source's id when it gave one, otherwise a content hash prefix.
        text: the text as read (before cleaning); ``removed`` spans index into it.
        body: the cleaned text; ``paragraphs`` and ``sentences`` index into it.
        content_hash: sha256 of ``body`` (hex); equal bodies are the same article.
    """

    id: str
    text: str
    body: str
    source: str
    format: InputFormat
    content_hash: str
    title: str | None = None
    published: dt.date | None = None
    outlet: str | None = None
    url: str | None = None
    lang: str | None = None
    lang_confidence: float | None = None
    removed: tuple[RemovedSpan, ...] = ()
    paragraphs: tuple[Paragraph, ...] = ()
    sentences: tuple[Sentence, ...] = ()


# --- comparison (diff) --------------------------------------------------------------

PairKind = Literal["identical", "reworded", "changed", "moved", "added", "dropped"]
"""How an aligned unit changed from A to B."""

PAIR_KINDS: tuple[PairKind, ...] = ("identical", "reworded", "changed", "moved", "added", "dropped")

ChangeType = Literal["number", "date", "name", "quote", "hedge", "attribution", "framing", "claim"]
"""The type of a fact difference inside an aligned unit. ``claim``: what the statement
is about changed (its object or agent: "will support it" -> "would support Zelenskyy")."""

RelationLabel = Literal[
    "update",
    "duplicate",
    "light_edit",
    "rewrite",
    "translation",
    "same_story",
    "related",
    "unrelated",
]
"""How two documents relate, from the closest to the farthest. ``update``: two versions
of one watched page (``storytrace watch``), the later deriving from the earlier; never
judged by ``compare``, only known from where the texts were fetched."""

RELATION_LABELS: tuple[RelationLabel, ...] = get_args(RelationLabel)

Direction = Literal["a_to_b", "b_to_a", "unknown"]


@dataclass(frozen=True, slots=True)
class Change:
    """One typed fact difference: what A says and what B says instead (None: absent).

    ``subtype`` narrows the type where it helps a reader: date (weekday, day, month,
    year, relative), name (person, organization, place), quote (wording: the quoted words
    differ, the statement is the same; substance: it says something else), attribution
    (changed, named_to_anonymous, anonymous_to_named), framing (term, qualifier,
    scare_quotes), number (qualifier: "more than 50" -> "fewer than 50"), claim (object).
    """

    type: ChangeType
    a: str | None
    b: str | None
    subtype: str | None = None


@dataclass(frozen=True, slots=True)
class AlignedPair:
    """An aligned unit: sentence indexes of A and of B, how it changed, and the changes.

    "added" units have no A sentences and "dropped" units no B sentences. Every sentence
    of each article belongs to exactly one unit.
    """

    a: tuple[int, ...]
    b: tuple[int, ...]
    kind: PairKind
    similarity: float
    changes: tuple[Change, ...] = ()
    same_statement: bool | None = None
    """Whether the two sides make the same statement, as a careful reader would judge
    (MSRP's "paraphrase"), whatever typed changes were found; None without both sides."""


@dataclass(frozen=True, slots=True)
class Evidence:
    """One piece of evidence for a judgement, with its weight (+ for, - against)."""

    name: str
    detail: str
    weight: float


@dataclass(frozen=True, slots=True)
class Relation:
    """The document relation with its score, direction and the evidence for both.

    ``score`` is the label's own confidence, on its own scale (identical share for a
    duplicate, coverage for a rewrite or translation, P(same story) for ``same_story``,
    P(related) for ``related`` and ``unrelated``): it ranks pairs of one label only.
    ``story_similarity`` is one graded score for every pair: P(the two report the same
    real-world event), 1.0 for a version of the same report, near 0 for unrelated ones.
    """

    label: RelationLabel
    score: float
    direction: Direction
    direction_confidence: float
    evidence: tuple[Evidence, ...] = ()
    direction_evidence: tuple[Evidence, ...] = ()
    story_similarity: float = 0.0


@dataclass(frozen=True, slots=True)
class Comparison:
    """Everything ``storytrace.compare`` found about two versions of a story.

    ``coverage_a`` is the fraction of A's sentences with a counterpart in B, and
    likewise ``coverage_b``. ``title_changes``: typed changes between the headlines,
    when one text derives from the other.
    ``storytrace.render.json.comparison_to_dict`` gives its JSON contract.
    """

    a: Article
    b: Article
    pairs: tuple[AlignedPair, ...]
    relation: Relation
    coverage_a: float
    coverage_b: float
    encoder: str
    title_changes: tuple[Change, ...] = ()
    """Typed changes between the two headlines (``storytrace.headline``)."""

    @property
    def story_similarity(self) -> float:
        """P(the two report the same event): ``relation.story_similarity``."""
        return self.relation.story_similarity
