"""The find stage: every stored version of an article, ranked, each verified by ``compare``.

Candidates come from three sources, unioned, because each catches what the others miss:
MinHash LSH over word 5-grams (copies and light edits), the nearest lead vectors in the
vector index (rewrites and translations) and fact blocking on rare names, dates and
numbers (versions whose wording and language both changed). The best candidates by a
cheap pre-score are verified with ``compare`` (``verify``); only verified relations are
listed. A candidate in a language the store's encoder cannot compare with the query's
(``encode.covers_pair``) is ranked by its facts instead of its lead cosine, and the best
few such are verified on their own budget (``cross_verify``). It reads the store through
``Repository`` and computes keys with ``keys``. Design, measurements and what was
tried: ``docs/find.md``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from . import events as _events
from .comparison import compare
from .display import outlet_of, title_of
from .encode import covers_pair
from .errors import ConfigError, EmptyInput, NotFound
from .facts.keys import fact_keys
from .fingerprint import jaccard as signature_jaccard
from .keys import Keyer, store_key
from .model import RELATION_LABELS, Article, RelationLabel
from .store.repository import Repository
from .verify import pair_encoder, sentence_vectors

VERSION_RELATIONS: tuple[RelationLabel, ...] = (
    "update",
    "duplicate",
    "light_edit",
    "rewrite",
    "translation",
)
"""The relations ``find`` lists by default: one text derived from the other (``update``:
a later version of the same watched page, ``storytrace watch``)."""

STORY_RELATIONS: tuple[RelationLabel, ...] = ("same_story", "related")
"""Added to ``include`` when reports of the same event are asked for too."""

_RANK = {label: rank for rank, label in enumerate(RELATION_LABELS)}
_RANK["translation"] = _RANK["rewrite"]


@dataclass(frozen=True, slots=True, kw_only=True)
class FindOptions:
    """How ``find`` searches and what it lists.

    Attributes:
        limit: at most this many versions.
        include: the relations to list (``VERSION_RELATIONS`` by default; add
            "same_story" and "related" to see reports of the same event).
        vector_k: nearest document vectors to take as candidates.
        fact_k: best fact-blocking candidates to take.
        max_fact_df: fact keys held by more articles than this are too common to block on.
        window_days: fact-blocking candidates published further apart are left out
            (None: no window).
        min_jaccard, min_cosine, min_fact_weight: a candidate is verified when it reaches
            one of these (estimated 5-gram Jaccard, document cosine, fact weight).
        verify_per_source: of the candidates only the vectors or only the facts found,
            the best this many (by cosine, by fact weight) are verified: a version is
            nearly always the nearest (on the planted 2,000-article corpus the true
            rewrite or translation was the nearest lead vector every time), while the
            next neighbours are merely topical (cosine 0.6-0.8 for unrelated leads).
        max_verify: at most this many candidates are verified, best pre-score first.
        depth: when reports of the same event are asked for (``include`` holds
            "same_story" or "related"): candidates taken per source; None for
            ``story_depth(limit)``, in proportion to what ``limit`` asks for. Such a
            search verifies every candidate in the order of the event model's
            probability, up to ``2 * depth``, and stops once ``patience`` verified
            candidates in a row could not enter the first ``limit`` (``docs/find.md``).
        patience: see ``depth``; None for ``story_patience(limit)``.
        cross_verify: candidates across a language pair the store's encoder does not
            cover (``encode.covers_pair``: USE and Ukrainian, say), where the lead cosine
            is no evidence (USE puts English leads and their Ukrainian translations at
            0.30-0.67): they are left out of the floors above, and the best this many by
            ``cross_priority`` (fact weight, then lead cosine) that share a rare fact or
            reach ``min_cross_cosine`` are verified; None for ``cross_depth(limit)``.
        min_cross_cosine: see ``cross_verify``.
    """

    limit: int = 10
    include: tuple[str, ...] = VERSION_RELATIONS
    vector_k: int = 20
    fact_k: int = 20
    verify_per_source: int = 2
    max_fact_df: int = 200
    window_days: int | None = 30
    min_jaccard: float = 0.2
    min_cosine: float = 0.6
    min_fact_weight: float = 12.0
    max_verify: int = 20
    depth: int | None = None
    patience: int | None = None
    cross_verify: int | None = None
    min_cross_cosine: float = 0.3

    def __post_init__(self) -> None:
        if self.depth is not None and self.depth < 1:
            raise ConfigError(f"depth must be at least 1, got {self.depth}")
        if self.patience is not None and self.patience < 1:
            raise ConfigError(f"patience must be at least 1, got {self.patience}")
        if self.cross_verify is not None and self.cross_verify < 0:
            raise ConfigError(f"cross_verify must be at least 0, got {self.cross_verify}")
        if self.limit < 1:
            raise ConfigError(f"limit must be at least 1, got {self.limit}")
        unknown = [r for r in self.include if r not in RELATION_LABELS]
        if unknown:
            raise ConfigError(
                f"unknown relation {unknown[0]!r}; choose from {', '.join(RELATION_LABELS)}"
            )


STORY_DEPTH_MIN = 40
"""Candidates per source a same-event search takes at the least (``story_depth``)."""


STORY_MISS = 0.5
"""A verified candidate less likely than this to report the query's event counts as a miss
for ``patience``, even when it is listed (as "related")."""


def story_depth(limit: int) -> int:
    """Candidates per source for a same-event search listing ``limit``: twice the limit,
    at least ``STORY_DEPTH_MIN`` (ECB+: events of up to 19 reports among 772, measured in
    ``docs/find.md``)."""
    return max(STORY_DEPTH_MIN, 2 * limit)


def story_patience(limit: int) -> int:
    """Verified candidates in a row that fail to enter the first ``limit`` before a
    same-event search stops: half the limit, at least 10."""
    return max(10, limit // 2)


def cross_depth(limit: int) -> int:
    """Candidates across an uncovered language pair verified for ``limit`` versions: a
    fifth of the limit, at least 2 (the translation ranked first by ``cross_priority``
    for all 28 queries of ``bench/find_languages.py``)."""
    return max(2, limit // 5)


def searches_stories(include: tuple[str, ...]) -> bool:
    """Whether ``include`` asks for reports of the same event, not only versions."""
    return any(r in STORY_RELATIONS for r in include)


@dataclass(frozen=True, slots=True)
class Version:
    """One version of the query found in the store, with its verified relation."""

    id: str
    relation: RelationLabel
    score: float
    direction: str
    direction_confidence: float
    title: str | None
    outlet: str | None
    published: str | None
    lang: str | None
    found_by: tuple[str, ...]
    jaccard: float
    cosine: float
    encoder: str
    story_similarity: float = 0.0
    """P(the two report the same event): 1.0 for a version (``Relation.story_similarity``)."""
    lead: str = ""
    """The first sentence, shown in the title's place when there is no title."""
    url: str | None = None

    @property
    def heading(self) -> str:
        """The title a reader sees (``display.title_of``)."""
        return title_of(self.title, self.lead, self.id)

    @property
    def shown_outlet(self) -> str | None:
        """The outlet, else the URL's host (``display.outlet_of``)."""
        return outlet_of(self.outlet, self.url)


@dataclass(frozen=True, slots=True)
class FindResult:
    """The query, its versions (best first) and how the search went."""

    query: Article
    stored: bool
    versions: tuple[Version, ...]
    candidates: int
    verified: int
    warnings: tuple[str, ...] = ()


@dataclass(slots=True)
class _Candidate:
    rowid: int
    found_by: set[str] = field(default_factory=set)
    jaccard: float = 0.0
    cosine: float = 0.0
    facts: float = 0.0

    def worth(self, opts: FindOptions) -> bool:
        return (
            self.jaccard >= opts.min_jaccard
            or self.cosine >= opts.min_cosine
            or self.facts >= opts.min_fact_weight
        )

    @property
    def priority(self) -> float:
        return max(2 * self.jaccard, self.cosine, min(self.facts / 30.0, 1.0))

    @property
    def cross_priority(self) -> float:
        """Rank across an uncovered language pair: the fact weight (saturating at 30, as
        in ``priority``), the lead cosine only a tie-breaker's weight."""
        return min(self.facts / 30.0, 1.0) + 0.1 * self.cosine


def find(
    repo: Repository, keyer: Keyer, article: Article, *, options: FindOptions | None = None
) -> FindResult:
    """Every stored version of ``article``, stored or not (see the module docstring).

    Raises:
        EmptyInput: the article has no sentence to search with.
    """
    rowid = repo.rowid_of(store_key(article))
    return _search(repo, keyer, article, rowid, options or FindOptions())


def find_stored(
    repo: Repository, keyer: Keyer, article_id: str, *, options: FindOptions | None = None
) -> FindResult:
    """Every stored version of the stored article with this id.

    Raises:
        NotFound: no article has this id.
    """
    try:
        stored = repo.get(article_id)
    except NotFound:
        raise NotFound(
            f"{repo.path}: no article with id {article_id!r} (the store has {len(repo):,} articles)"
        ) from None
    return _search(repo, keyer, stored.article, stored.rowid, options or FindOptions())


def _search(
    repo: Repository, keyer: Keyer, article: Article, rowid: int | None, opts: FindOptions
) -> FindResult:
    """The search itself, for an article and its row when it is stored."""
    if not article.sentences:
        raise EmptyInput(article.source, "no sentences to search with")
    warnings: list[str] = []
    candidates: dict[int, _Candidate] = {}
    stories = searches_stories(opts.include)
    depth = (opts.depth or story_depth(opts.limit)) if stories else 0
    vector_k = max(opts.vector_k, depth)
    fact_k = max(opts.fact_k, depth)

    def candidate(row: int, source: str) -> _Candidate:
        entry = candidates.setdefault(row, _Candidate(row))
        entry.found_by.add(source)
        return entry

    signature = repo.signatures_of([rowid]).get(rowid) if rowid is not None else None
    if signature is None:
        signature = keyer.signature(article)
    if signature is not None:
        for row in repo.lsh_candidates(keyer.bands(signature)):
            if row != rowid:
                candidate(row, "lsh")

    vector = repo.document_vectors_of([rowid]).get(rowid) if rowid is not None else None
    if vector is None:
        vector = keyer.document_vector(article)
    index, state = repo.vector_index()
    if state.status != "ok":
        warnings.append(f"{state.message}; run `storytrace reindex --db {repo.path}`")
    for row, cosine in index.search(vector, vector_k + 1):
        if row != rowid:
            candidate(row, "vector").cosine = cosine

    weights = _fact_weights(repo, fact_keys(article), max_df=opts.max_fact_df, exclude=rowid)
    for row, _ in sorted(weights.items(), key=lambda kv: -kv[1])[:fact_k]:
        candidate(row, "facts")  # its weight is filled in with every other pre-score

    pages = repo.pages.versions_beside(rowid) if rowid is not None else {}
    for row in pages:
        if row != rowid:
            candidate(row, "page")

    _fill_scores(repo, candidates, signature, vector, weights)
    meta = repo.meta_of(list(candidates))
    if stories:
        ordered = _story_order(repo, article, rowid, candidates)
        listed, verified = _verify_stories(repo, article, rowid, ordered, meta, opts, depth)
        return FindResult(
            query=article,
            stored=rowid is not None,
            versions=tuple(listed[: opts.limit]),
            candidates=len(candidates),
            verified=verified,
            warnings=tuple(warnings),
        )
    cross = _uncovered(repo, article, candidates, meta, opts)
    worth = [
        c
        for c in candidates.values()
        if c.rowid in pages
        or (
            c.rowid not in cross
            and c.worth(opts)
            and _in_window(article, meta.get(c.rowid), c, opts)
        )
    ]
    if set(opts.include) <= set(VERSION_RELATIONS):
        # a derived version keeps its lead: a fact-only match far from the query's lead
        # can be a report of the same event, not a version (measured: planted rewrites
        # and translations have lead cosine 0.58 and up on the bench corpus)
        worth = [
            c for c in worth if c.jaccard >= opts.min_jaccard or c.cosine >= 0.5 or c.rowid in pages
        ]
    chosen = _choose(worth, opts) + _choose_cross(
        [c for c in cross.values() if _in_window(article, meta.get(c.rowid), c, opts)], opts
    )
    versions = _verify(repo, article, rowid, chosen, meta, opts, pages)
    versions.sort(key=lambda v: (_RANK[v.relation], -v.score))
    return FindResult(
        query=article,
        stored=rowid is not None,
        versions=tuple(versions[: opts.limit]),
        candidates=len(candidates),
        verified=len(chosen),
        warnings=tuple(warnings),
    )


def _story_order(
    repo: Repository, article: Article, rowid: int | None, candidates: dict[int, _Candidate]
) -> list[_Candidate]:
    """Every candidate, most likely the same event first: the event model's probability
    (``events``: rare stems, names, dates and numbers shared, weighed by the store's
    document frequencies), textual matches (likely versions) before all."""
    rows = sorted(candidates)
    query = next(iter(repo.stories.evidence_of([rowid]))) if rowid is not None else None
    if query is None or not query.all_keys():
        query = _events.event_evidence(article)
    others = list(repo.stories.evidence_of(rows))
    keys = set(query.all_keys()).union(*(e.all_keys() for e in others))
    stats = repo.stories.corpus_stats_for(keys)
    mine = _events.weigh(query, stats)
    model = _events.EventModel()
    p = {
        row: model.probability(mine, _events.weigh(e, stats))
        for row, e in zip(rows, others, strict=True)
    }
    return sorted(candidates.values(), key=lambda c: (-max(p[c.rowid], 2 * c.jaccard), c.rowid))


def _choose(worth: list[_Candidate], opts: FindOptions) -> list[_Candidate]:
    """The candidates to verify: every textual match, the best few of the rest."""
    textual = [c for c in worth if c.jaccard >= opts.min_jaccard]
    rest = [c for c in worth if c.jaccard < opts.min_jaccard]
    by_vector = sorted(rest, key=lambda c: -c.cosine)[: opts.verify_per_source]
    by_facts = sorted(rest, key=lambda c: -c.facts)[: opts.verify_per_source]
    chosen = {c.rowid: c for c in (*textual, *by_vector, *by_facts)}
    return sorted(chosen.values(), key=lambda c: -c.priority)[: opts.max_verify]


def _uncovered(
    repo: Repository,
    article: Article,
    candidates: dict[int, _Candidate],
    meta: dict[int, dict[str, Any]],
    opts: FindOptions,
) -> dict[int, _Candidate]:
    """The candidates whose lead cosine is no evidence: in another language than the
    query, one the store's encoder does not cover with it, and no textual match."""
    encoder = repo.settings.encoder
    return {
        row: c
        for row, c in candidates.items()
        if c.jaccard < opts.min_jaccard
        and not covers_pair(encoder, article.lang, meta.get(row, {}).get("lang"))
    }


def _choose_cross(cross: list[_Candidate], opts: FindOptions) -> list[_Candidate]:
    """The candidates across an uncovered language pair to verify: those sharing a rare
    fact or reaching ``min_cross_cosine``, the best ``cross_verify`` by ``cross_priority``."""
    budget = cross_depth(opts.limit) if opts.cross_verify is None else opts.cross_verify
    evidence = [c for c in cross if c.facts > 0 or c.cosine >= opts.min_cross_cosine]
    return sorted(evidence, key=lambda c: (-c.cross_priority, c.rowid))[:budget]


def _fact_weights(
    repo: Repository, keys: set[str], *, max_df: int, exclude: int | None
) -> dict[int, float]:
    """Articles sharing rare fact keys (held by at most ``max_df``) with their weight: the
    sum of ``log(N / df)`` over the keys they share."""
    if not keys:
        return {}
    total = max(repo.cached_count(), 1)
    rare = repo.fact_counts(keys, max_count=max_df)
    if not rare:
        return {}
    weight = {key: float(np.log(total / n)) for key, n in rare.items() if n}
    scores: dict[int, float] = {}
    for key, rowid in repo.fact_holders(rare):
        if rowid != exclude:
            scores[rowid] = scores.get(rowid, 0.0) + weight.get(key, 0.0)
    return scores


def _fill_scores(
    repo: Repository,
    candidates: dict[int, _Candidate],
    signature: np.ndarray | None,
    vector: np.ndarray,
    weights: dict[int, float],
) -> None:
    """Every pre-score of every candidate, whichever source found it."""
    rows = list(candidates)
    if signature is not None:
        for row, other in repo.signatures_of(rows).items():
            candidates[row].jaccard = signature_jaccard(signature, other)
    missing = [row for row in rows if "vector" not in candidates[row].found_by]
    for row, other_vector in repo.document_vectors_of(missing).items():
        candidates[row].cosine = float(other_vector @ vector)
    for row in rows:
        candidates[row].facts = weights.get(row, 0.0)


def _in_window(
    article: Article, meta: dict[str, Any] | None, c: _Candidate, opts: FindOptions
) -> bool:
    """Fact-only candidates must be close in time; textual evidence needs no window."""
    if opts.window_days is None or meta is None or c.found_by != {"facts"}:
        return True
    if article.published is None or not meta.get("published"):
        return True
    other = dt.date.fromisoformat(meta["published"])
    return abs((other - article.published).days) <= opts.window_days


def _verify_stories(
    repo: Repository,
    article: Article,
    rowid: int | None,
    ordered: list[_Candidate],
    meta: dict[int, dict[str, Any]],
    opts: FindOptions,
    depth: int,
) -> tuple[list[Version], int]:
    """Verify ``ordered`` candidates in turn, keeping the best ``limit`` by story
    similarity; stop after ``patience`` in a row that could not enter them or are
    unlikely the same event (``STORY_MISS``), or ``2 * depth`` in all. Listed best
    first: story similarity, then the relation's rank."""
    patience = opts.patience or story_patience(opts.limit)
    listed: list[Version] = []
    misses = verified = 0
    for c in ordered[: 2 * depth]:
        found = _verify(repo, article, rowid, [c], meta, opts)
        floor = listed[opts.limit - 1].story_similarity if len(listed) >= opts.limit else -1.0
        if found and found[0].story_similarity > floor:
            listed.append(found[0])
            listed.sort(key=_story_rank)
        if found and found[0].story_similarity > max(floor, STORY_MISS):
            misses = 0
        else:
            misses += 1
        verified += 1
        if misses >= patience:
            break
    return listed, verified


def _story_rank(v: Version) -> tuple[float, int, float]:
    return (-v.story_similarity, _RANK[v.relation], -v.score)


def _verify(
    repo: Repository,
    article: Article,
    rowid: int | None,
    chosen: list[_Candidate],
    meta: dict[int, dict[str, Any]],
    opts: FindOptions,
    pages: dict[int, int] | None = None,
) -> list[Version]:
    """``compare`` each chosen candidate; another version of the query's watched page
    (``pages``: row -> version number) is an ``update``, its direction known."""
    pages = pages or {}
    stored = repo.articles_by_rowid([c.rowid for c in chosen])
    query_vectors: dict[str, Any] = {}
    versions: list[Version] = []
    for c in chosen:
        other = stored.get(c.rowid)
        if other is None or not other.sentences:
            continue
        encoder = pair_encoder(article, other, repo.settings.encoder)
        if encoder not in query_vectors:
            query_vectors[encoder] = sentence_vectors(repo, rowid, article, encoder)
        other_vectors = sentence_vectors(repo, c.rowid, other, encoder)
        comparison = compare(
            article, other, encoder=encoder, vectors=(query_vectors[encoder], other_vectors)
        )
        relation = comparison.relation
        if rowid is not None and c.rowid in pages and rowid in pages:
            later = pages[c.rowid] > pages[rowid]
            relation = replace(
                relation,
                label="update",
                direction="a_to_b" if later else "b_to_a",
                direction_confidence=1.0,
            )
        if relation.label not in opts.include:
            continue
        info = meta.get(c.rowid, {})
        versions.append(
            Version(
                id=other.id,
                relation=relation.label,
                score=relation.score,
                direction=relation.direction,
                direction_confidence=relation.direction_confidence,
                title=other.title,
                outlet=other.outlet,
                published=info.get("published"),
                lang=other.lang,
                found_by=tuple(sorted(c.found_by)),
                jaccard=c.jaccard,
                cosine=c.cosine,
                encoder=comparison.encoder,
                story_similarity=relation.story_similarity,
                lead=other.sentences[0].text,
                url=other.url,
            )
        )
    return versions
