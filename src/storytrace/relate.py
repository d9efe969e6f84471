"""Judge how two documents relate, and which one came first.

Relation, from the closest to the farthest:

- ``duplicate``: (nearly) every sentence identical on both sides;
- ``light_edit``: most sentences identical, a few edited, added or dropped;
- ``rewrite``: one is derived from the other (most of the shorter side's sentences have a
  counterpart) but few sentences are identical;
- ``translation``: a derivation across languages;
- ``same_story``: not derived sentence by sentence, but reporting the same event (shared
  specific facts: names, places, dates, numbers; similar content);
- ``related``: the same kind of topic, a different event;
- ``unrelated``.

The thresholds and the two story-level models (``same_story``, ``related``:
``models/relation-*.json``) live in ``RelateOptions``; where they come from is in
``docs/models.md``.

Direction is a signed sum of evidence, each item antisymmetric (swapping A and B flips
its sign): publication dates, material one side carries that the other lacks, hedges and
framing lost on the way (claims lose their hedges as they travel), and credits (a text
crediting the other's outlet). Weak evidence gives ``unknown``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import partial

import numpy as np

from .logistic import LogisticModel, load
from .model import AlignedPair, Article, Direction, Evidence, Relation, RelationLabel
from .similarity import anchor_keys, jaccard
from .wording import substance


@dataclass(frozen=True, slots=True, kw_only=True)
class RelateOptions:
    """Decision thresholds and the story-level models (``docs/models.md``).

    The models default to the shipped files; pass your own ``LogisticModel`` over
    ``RELATION_FEATURES`` (e.g. ``storytrace.logistic.read(path)``) to override them.
    """

    duplicate_identical: float = 0.95
    light_edit_identical: float = 0.5
    derived_coverage: float = 0.5
    translation_coverage: float = 0.5
    same_story_score: float = 0.5
    related_score: float = 0.5
    direction_min_confidence: float = 0.3
    story_model: LogisticModel = field(default_factory=partial(load, "relation-story"))
    """P(same story) over ``RELATION_FEATURES``: ``models/relation-story.json``."""
    related_model: LogisticModel = field(default_factory=partial(load, "relation-related"))
    """P(related: the same kind of topic, or closer): ``models/relation-related.json``."""


RELATION_FEATURES = ("document_cosine", "shared_facts", "coverage")
"""What the story and related models read (``coverage``: the larger of the two sides')."""


@dataclass(frozen=True, slots=True)
class DocumentFeatures:
    """What the relation is decided from; each is also reported as evidence."""

    coverage_a: float
    coverage_b: float
    identical_share: float
    same_language: bool
    document_cosine: float
    shared_facts: float
    shared_fact_count: int
    title_cosine: float = 0.0
    stem_cosine: float = 0.0
    """Cosine of the two sets of content stems (title and sentences, binary)."""
    long_stem_cosine: float = 0.0
    """The same over stems of ``LONG_STEM`` characters or more: the rarer words, a
    stand-in for document frequencies where no corpus is at hand."""


LONG_STEM = 6
"""Stems this long or longer count in ``long_stem_cosine`` (SemEval-2022 Task 8 and ECB+:
``docs/models.md``)."""


def document_features(
    a: Article,
    b: Article,
    pairs: Sequence[AlignedPair],
    doc_cosine: float,
    title_cosine: float = 0.0,
) -> DocumentFeatures:
    """Coverage, identical share, languages, document and title similarity, shared facts."""
    n_a, n_b = len(a.sentences), len(b.sentences)
    covered_a = sum(len(p.a) for p in pairs if p.a and p.b)
    covered_b = sum(len(p.b) for p in pairs if p.a and p.b)
    identical = sum(len(p.a) + len(p.b) for p in pairs if p.kind == "identical")
    facts_a = frozenset().union(*(anchor_keys(s.facts) for s in a.sentences))
    facts_b = frozenset().union(*(anchor_keys(s.facts) for s in b.sentences))
    stems_a, stems_b = _stems(a), _stems(b)
    long_a = frozenset(s for s in stems_a if len(s) >= LONG_STEM)
    long_b = frozenset(s for s in stems_b if len(s) >= LONG_STEM)
    return DocumentFeatures(
        coverage_a=covered_a / n_a if n_a else 0.0,
        coverage_b=covered_b / n_b if n_b else 0.0,
        identical_share=identical / (n_a + n_b) if n_a + n_b else 0.0,
        same_language=(a.lang or "") == (b.lang or "") or not (a.lang and b.lang),
        document_cosine=doc_cosine,
        shared_facts=jaccard(facts_a, facts_b),
        shared_fact_count=len(facts_a & facts_b),
        title_cosine=title_cosine,
        stem_cosine=_set_cosine(stems_a, stems_b),
        long_stem_cosine=_set_cosine(long_a, long_b),
    )


def _stems(article: Article) -> frozenset[str]:
    """The content stems of the title and every sentence (``wording.substance``, memoised
    per sentence, so the ones the alignment took cost nothing more)."""
    lang = (article.lang or "en").split("-")[0]
    texts = [s.text for s in article.sentences]
    if article.title:
        texts.append(article.title)
    return frozenset().union(*(substance(t, lang) for t in texts))


def _set_cosine(a: frozenset[str], b: frozenset[str]) -> float:
    """|a & b| / sqrt(|a| |b|); 0 when either is empty."""
    return len(a & b) / math.sqrt(len(a) * len(b)) if a and b else 0.0


def judge(
    a: Article,
    b: Article,
    pairs: Sequence[AlignedPair],
    features: DocumentFeatures,
    *,
    options: RelateOptions | None = None,
    similarity_model: LogisticModel | None = None,
) -> Relation:
    """The relation label, its score, ``story_similarity`` (with ``similarity_model``, the
    encoder's ``story_similarity_model`` by default: the lexical one), and the direction
    with its evidence."""
    opts = options or RelateOptions()
    label, score = _label(features, opts)
    similarity = story_similarity(
        label, features, similarity_model or story_similarity_model("lexical")
    )
    evidence = _relation_evidence(features)
    direction, confidence, direction_evidence = _direction(a, b, pairs, label, opts)
    return Relation(
        label=label,
        score=round(score, 4),
        direction=direction,
        direction_confidence=round(confidence, 4),
        evidence=evidence,
        direction_evidence=direction_evidence,
        story_similarity=round(similarity, 4),
    )


DERIVED_LABELS: frozenset[RelationLabel] = frozenset(
    ("duplicate", "light_edit", "rewrite", "translation")
)
"""One text derived from the other: a version of the same report (story similarity 1.0)."""

STORY_SIMILARITY_FEATURES = (
    "document_cosine",
    "title_cosine",
    "shared_facts",
    "coverage",
    "stem_cosine",
    "long_stem_cosine",
)
"""What the story-similarity models read (``coverage``: the larger of the two sides')."""


def story_similarity_model(encoder: str) -> LogisticModel:
    """P(same event) for pairs compared with ``encoder``: ``models/story-similarity-lexical``
    for the lexical encoder, ``models/story-similarity-use`` for every other (cosines of
    meaning, not of words); ``docs/models.md``."""
    return load("story-similarity-lexical" if encoder == "lexical" else "story-similarity-use")


def story_features(f: DocumentFeatures) -> dict[str, float]:
    """The features ``story_similarity``'s model reads, by name."""
    return {
        "document_cosine": f.document_cosine,
        "title_cosine": f.title_cosine,
        "shared_facts": f.shared_facts,
        "coverage": max(f.coverage_a, f.coverage_b),
        "stem_cosine": f.stem_cosine,
        "long_stem_cosine": f.long_stem_cosine,
    }


def story_similarity(label: RelationLabel, f: DocumentFeatures, model: LogisticModel) -> float:
    """How likely the two report the same real-world event, 0..1: 1.0 for a version of
    the same report (a derived label), else the calibrated ``model``."""
    if label in DERIVED_LABELS:
        return 1.0
    return model.probability(story_features(f))


def _relation_features(f: DocumentFeatures) -> dict[str, float]:
    return {
        "document_cosine": f.document_cosine,
        "shared_facts": f.shared_facts,
        "coverage": max(f.coverage_a, f.coverage_b),
    }


def story_probability(f: DocumentFeatures, opts: RelateOptions) -> float:
    """P(the two documents report the same event), from document-level features."""
    return opts.story_model.probability(_relation_features(f))


def related_probability(f: DocumentFeatures, opts: RelateOptions) -> float:
    """P(the two documents are about the same kind of topic, or closer)."""
    return opts.related_model.probability(_relation_features(f))


def _label(f: DocumentFeatures, opts: RelateOptions) -> tuple[RelationLabel, float]:
    derived = max(f.coverage_a, f.coverage_b)
    if not f.same_language and derived >= opts.translation_coverage:
        return "translation", derived
    if f.same_language and derived >= opts.derived_coverage:
        if f.identical_share >= opts.duplicate_identical and min(f.coverage_a, f.coverage_b) > 0.9:
            return "duplicate", f.identical_share
        if f.identical_share >= opts.light_edit_identical:
            return "light_edit", (derived + f.identical_share) / 2
        return "rewrite", derived
    story = story_probability(f, opts)
    if story >= opts.same_story_score:
        return "same_story", story
    related = related_probability(f, opts)
    if related >= opts.related_score:
        return "related", related
    return "unrelated", related


def _relation_evidence(f: DocumentFeatures) -> tuple[Evidence, ...]:
    return (
        Evidence(
            "coverage_a", f"{f.coverage_a:.0%} of A's sentences have a counterpart", f.coverage_a
        ),
        Evidence(
            "coverage_b", f"{f.coverage_b:.0%} of B's sentences have a counterpart", f.coverage_b
        ),
        Evidence("identical", f"{f.identical_share:.0%} of sentences identical", f.identical_share),
        Evidence(
            "languages",
            "same language" if f.same_language else "different languages",
            1.0 if f.same_language else 0.0,
        ),
        Evidence(
            "document_similarity", f"document cosine {f.document_cosine:.2f}", f.document_cosine
        ),
        Evidence(
            "shared_facts",
            f"{f.shared_fact_count} shared names, dates and numbers (Jaccard {f.shared_facts:.2f})",
            f.shared_facts,
        ),
    )


def _direction(
    a: Article,
    b: Article,
    pairs: Sequence[AlignedPair],
    label: RelationLabel,
    opts: RelateOptions,
) -> tuple[Direction, float, tuple[Evidence, ...]]:
    """Signed evidence (+ means A came first) summed into a direction and confidence."""
    evidence: list[Evidence] = []
    if label in ("same_story", "related", "unrelated"):
        return "unknown", 0.0, ()
    if a.published and b.published and a.published != b.published:
        days = (b.published - a.published).days
        weight = 1.0 if days > 0 else -1.0
        first = "A" if days > 0 else "B"
        evidence.append(
            Evidence("published", f"{first} was published {abs(days)} day(s) earlier", weight)
        )
    if label == "translation":
        # across languages only publication times say which came first: material, hedges
        # and credits differ by translation habit, and a wrong direction misleads
        return _decided(evidence, opts)
    added = sum(len(p.b) for p in pairs if p.kind == "added")
    dropped = sum(len(p.a) for p in pairs if p.kind == "dropped")
    if added != dropped:
        total = max(len(a.sentences) + len(b.sentences), 1)
        weight = 1.5 * (added - dropped) / total
        later = "B" if added > dropped else "A"
        evidence.append(
            Evidence(
                "material",
                f"{later} carries {abs(added - dropped)} more sentence(s) of material the other "
                "lacks (later versions add updates)",
                weight,
            )
        )
    lost_a = _lost(pairs, "hedge") + _lost(pairs, "framing")
    if lost_a:
        weight = 0.15 * lost_a
        side = "B" if lost_a > 0 else "A"
        evidence.append(
            Evidence(
                "hedges_and_framing",
                f"{side} lacks {abs(lost_a)} hedge(s) or loaded term(s) the other has "
                "(hedges tend to be lost as a claim travels)",
                weight,
            )
        )
    credit = _credit(a, b) - _credit(b, a)
    if credit:
        who = "B credits A's outlet" if credit > 0 else "A credits B's outlet"
        evidence.append(Evidence("credit", who, 1.5 * credit))
    return _decided(evidence, opts)


def _decided(
    evidence: list[Evidence], opts: RelateOptions
) -> tuple[Direction, float, tuple[Evidence, ...]]:
    signed = float(sum(e.weight for e in evidence))
    confidence = math.tanh(abs(signed))
    if confidence < opts.direction_min_confidence:
        return "unknown", confidence, tuple(evidence)
    return ("a_to_b" if signed > 0 else "b_to_a"), confidence, tuple(evidence)


def _lost(pairs: Sequence[AlignedPair], change_type: str) -> int:
    """Items of a type present in A only minus those present in B only (+: B lost them)."""
    net = 0
    for pair in pairs:
        for change in pair.changes:
            if change.type == change_type:
                net += (change.a is not None) - (change.b is not None)
    return net


def _credit(origin: Article, copy: Article) -> int:
    """1 when ``copy`` names ``origin``'s outlet as its source, else 0."""
    if not origin.outlet:
        return 0
    outlet = origin.outlet.casefold()
    if copy.outlet and copy.outlet.casefold() == outlet:
        return 0
    return int(outlet in copy.body.casefold())


def document_cosine(va: np.ndarray, vb: np.ndarray) -> float:
    """Cosine of the mean sentence vectors of two documents."""
    if not len(va) or not len(vb):
        return 0.0
    ma, mb = va.mean(axis=0), vb.mean(axis=0)
    norm = float(np.linalg.norm(ma) * np.linalg.norm(mb))
    return float(ma @ mb) / norm if norm else 0.0
