"""Many-to-many sentence alignment between two versions of an article.

The method is the one Bertalign and Vecalign use for translations, adapted to rewrites:

1. a monotonic dynamic programme over the 1:1 probability matrix (from
   ``similarity.UnitSimilarity``) that may also take 1:2 and 2:1 units and skip sentences
   on either side (added / dropped). A unit earns ``(p - threshold) * weight``, where the
   weight grows with the number of sentences it covers, so a merge wins only when the
   merged statement matches better than its parts would; every part of a merge must be
   related on its own (``part_threshold``), which keeps an unrelated neighbour out;
2. gaps are filled: where the programme left sentences unmatched on both sides between
   two matched units (or between a matched unit and the start or end), a sentence pair
   that is the best match of both its row and its column inside the gap is taken at a
   lower threshold (``gap_threshold``). Its neighbours vouch for it: in WMT22 en-ru
   translations, 5% of the gold pairs score under 0.5 on their own (short sentences,
   idioms: "Things are really taking off!") yet sit alone in a gap with no rival;
3. then sentences left over on both sides are paired greedily, best first, when they are
   clearly the same statement (``moved_threshold``): those units are "moved", because
   the order-preserving pass could not take them.

The result covers every sentence of each side exactly once.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Literal

import numpy as np

from .align_band import Band, Dense, outside_max
from .model import Sentence
from .similarity import UnitSimilarity
from .wording import words

UnitKind = Literal["match", "moved", "dropped", "added"]


@dataclass(frozen=True, slots=True, kw_only=True)
class AlignOptions:
    """Thresholds of the aligner, all on the probability scale of ``similarity``.

    Attributes:
        threshold: a 1:1 or merged unit is taken when its probability exceeds this.
        part_threshold: each sentence of a 1:2 / 2:1 unit must reach this alone...
        part_containment: ... or have this share of its substance words on the other side.
        moved_threshold: an out-of-order pair is taken as "moved" above this.
        gap_threshold: a pair alone in a gap between matched units, best in its row and
            column there, is taken above this...
        gap_min_coverage: ... when the matched units cover this share of the shorter side.
        merge_bonus: extra weight per additional sentence in a merge (0.5: a 1:2 unit
            weighs 1.5 times a 1:1 unit).
    """

    threshold: float = 0.5
    part_threshold: float = 0.2
    part_containment: float = 0.6
    moved_threshold: float = 0.6
    gap_threshold: float = 0.1
    gap_min_coverage: float = 0.5
    merge_bonus: float = 0.5


@dataclass(frozen=True, slots=True)
class Unit:
    """One aligned unit before labelling: sentence indexes of A and B."""

    a: tuple[int, ...]
    b: tuple[int, ...]
    kind: UnitKind
    probability: float


_MERGES: tuple[tuple[int, int], ...] = ((1, 2), (2, 1))

EXACT_PAIRS = 4_500_000
"""Up to this many sentence pairs (about 2,120 x 2,120) the programme reads the whole
probability matrix; above, a band around a coarse path (``align_band``)."""

_UP, _LEFT, _MATCH, _M12, _M21 = 0, 1, 2, 3, 4
_STEPS = ((1, 0), (0, 1), (1, 1), (1, 2), (2, 1))

Grid = Dense | Band


def align(sim: UnitSimilarity, *, options: AlignOptions | None = None) -> list[Unit]:
    """Align the sentences of ``sim.a`` and ``sim.b``; see the module docstring."""
    opts = options or AlignOptions()
    n, m = len(sim.a), len(sim.b)
    grid: Grid = Dense(sim.matrix()) if n * m <= EXACT_PAIRS else Band(sim)
    units = _monotonic(sim, grid, opts)
    units = _fill_gaps(units, grid, opts, sim)
    used_a = {i for u in units for i in u.a}
    used_b = {j for u in units for j in u.b}
    units.extend(_moved(grid, used_a, used_b, opts))
    used_a = {i for u in units for i in u.a}
    used_b = {j for u in units for j in u.b}
    units.extend(Unit((i,), (), "dropped", 0.0) for i in range(n) if i not in used_a)
    units.extend(Unit((), (j,), "added", 0.0) for j in range(m) if j not in used_b)
    return units


def _take(row: tuple[int, np.ndarray] | None, c0: int, c1: int) -> np.ndarray:
    """Columns ``c0..c1`` (inclusive) of a programme row held as (first column, values);
    -inf outside it."""
    out = np.full(c1 - c0 + 1, -np.inf)
    if row is not None:
        lo, values = row
        a, b = max(c0, lo), min(c1, lo + len(values) - 1)
        if a <= b:
            out[a - c0 : b - c0 + 1] = values[a - lo : b - lo + 1]
    return out


def _monotonic(sim: UnitSimilarity, grid: Grid, opts: AlignOptions) -> list[Unit]:
    """The order-preserving dynamic programme; returns its matched units.

    One row at a time in numpy: a cell takes the best of skipping (from above or the
    left), a 1:1 unit and the 1:2 / 2:1 merges; ties prefer, in that order, skipping to
    matching. Left skips are a running maximum. Each cell keeps only its step (one
    byte) for the way back; merges are scored in Python where a part is related.
    """
    n, m = grid.n, grid.m
    t = opts.threshold
    weights = [1.0 + opts.merge_bonus * (di + dj - 2) for di, dj in _MERGES]
    bounds = [(0, grid.span(0)[1] if n else m)] + [grid.span(r) for r in range(n)]
    merged: dict[tuple[int, int, int, int], float] = {}
    steps: list[np.ndarray] = []
    prev2: tuple[int, np.ndarray] | None = None
    prev: tuple[int, np.ndarray] | None = None
    for i, (lo, hi) in enumerate(bounds):
        width = hi - lo + 1
        if i == 0:
            values = np.zeros(width)
            code = np.full(width, _LEFT, dtype=np.uint8)
            prev2, prev = prev, (lo, values)
            steps.append(code)
            continue
        r = i - 1
        above = _take(prev, lo, hi)
        pr = grid.row_at(r, lo - 1, hi)
        match = np.where(pr > t, _take(prev, lo - 1, hi - 1) + pr - t, -np.inf)
        if lo == 0:
            match[0] = -np.inf
        related = grid.row_at(r, lo - 2, hi) >= opts.part_threshold
        gates = (
            (related[1:] | related[:-1]) & (np.arange(lo, hi + 1) >= 2),
            (related[1:] | (grid.row_at(r - 1, lo - 1, hi) >= opts.part_threshold))
            & (np.arange(lo, hi + 1) >= 1),
        )
        merges = []
        for (di, dj), gate, weight, base in zip(
            _MERGES, gates, weights, (prev, prev2), strict=True
        ):
            value = np.full(width, -np.inf)
            if i >= di:
                for k in np.flatnonzero(gate):
                    j = lo + int(k)
                    unit = _merge_probability(sim, grid, i - di, j - dj, di, dj, opts, merged)
                    if unit is None or unit <= t:
                        continue
                    value[k] = float(_take(base, j - dj, j - dj)[0]) + (unit - t) * weight
            merges.append(value)
        best = np.maximum.accumulate(np.maximum.reduce([above, match, *merges]))
        left = np.concatenate(([-np.inf], best[:-1]))
        code = np.full(width, _M21, dtype=np.uint8)
        for c, candidate in ((_M12, merges[0]), (_MATCH, match), (_LEFT, left), (_UP, above)):
            code[candidate == best] = c
        steps.append(code)
        prev2, prev = prev, (lo, best)
    units: list[Unit] = []
    i, j = n, m
    while i > 0 or j > 0:
        di, dj = _STEPS[steps[i][j - bounds[i][0]]]
        if di and dj:
            unit_p = grid.value(i - 1, j - 1) if di == dj else merged[(i - di, j - dj, di, dj)]
            units.append(Unit(tuple(range(i - di, i)), tuple(range(j - dj, j)), "match", unit_p))
        i, j = i - di, j - dj
    units.reverse()
    return units


def _fill_gaps(
    units: list[Unit], grid: Grid, opts: AlignOptions, sim: UnitSimilarity | None = None
) -> list[Unit]:
    """Take 1:1 pairs inside the gaps between matched units (see the module docstring).

    Across languages a gap of as many sentences on each side (up to three) is paired in
    order, whatever the scores (if each pair's lengths agree within a factor of two), and
    so is such a sub-gap left between the pairs the scores took:
    a translation keeps the order, and a sentence whose one number, date or name was
    changed scores low on the anchors it no longer shares ("19 игроков" for "13").

    A pair left over in a gap is also taken, whatever its score, when both sentences
    quote someone inside the same frame (the words outside the quotation marks mostly
    the same: 'The US ambassador, Richard Norland, said "..."'): a quotation reworded
    from end to end is one changed statement, not a dropped and an added one.

    Only between versions of one text: when the programme matched less than
    ``gap_min_coverage`` of the shorter side, the two are at most reports of the same
    event, whose sentences sit in similar places without one deriving from the other,
    and a weak pair is just a weak pair.
    """
    n, m = grid.n, grid.m
    matched = sum(len(u.a) for u in units)
    if not units or matched < opts.gap_min_coverage * min(n, m):
        return units
    bounds = [(0, 0)] + [(u.a[-1] + 1, u.b[-1] + 1) for u in units]
    starts = [(u.a[0], u.b[0]) for u in units] + [(n, m)]
    filled: list[Unit] = []
    for k, ((a0, b0), (a1, b1)) in enumerate(zip(bounds, starts, strict=True)):
        if k > 0:
            filled.append(units[k - 1])
        if a1 <= a0 or b1 <= b0:
            continue
        gap = grid.rect(a0, a1, b0, b1)
        in_order = _in_order(sim, a0, a1, b0, b1)
        if in_order:
            filled.extend(
                Unit((i,), (j,), "match", float(gap[i - a0, j - b0])) for i, j in in_order
            )
            continue
        taken: list[tuple[int, int]] = []
        for i in range(a1 - a0):
            j = int(np.argmax(gap[i]))
            score = float(gap[i, j])
            if score > opts.gap_threshold and int(np.argmax(gap[:, j])) == i:
                taken.append((a0 + i, b0 + j))
        # between the pairs just taken, a sub-gap of as many sentences on each side is
        # paired in order too (a changed number dropped the neighbour's anchor pair)
        taken.sort()
        edges = [(a0 - 1, b0 - 1), *taken, (a1, b1)]
        for (i0, j0), (i1, j1) in itertools.pairwise(edges):
            if i1 > i0 and j1 > j0:
                taken.extend(_in_order(sim, i0 + 1, i1, j0 + 1, j1))
        for i, j in taken:
            filled.append(Unit((i,), (j,), "match", float(gap[i - a0, j - b0])))
        if sim is not None and (grid.exact or gap.size <= _QUOTE_CELLS):
            taken_a = {u.a[0] for u in filled if a0 <= u.a[0] < a1}
            taken_b = {u.b[0] for u in filled if b0 <= u.b[0] < b1}
            for i in range(a0, a1):
                for j in range(b0, b1):
                    if i in taken_a or j in taken_b:
                        continue
                    if _same_quote_frame(sim.a[i], sim.b[j]):
                        taken_a.add(i)
                        taken_b.add(j)
                        filled.append(Unit((i,), (j,), "match", float(gap[i - a0, j - b0])))
    # keep the order monotonic: a gap may yield crossing pairs, keep the first of each
    filled.sort(key=lambda u: (u.a[0], u.b[0]))
    out: list[Unit] = []
    for unit in filled:
        if out and unit.b[0] <= out[-1].b[-1]:
            continue
        out.append(unit)
    return out


_IN_ORDER_MAX = 3
"""Largest gap (sentences a side) that is paired in order across languages."""


def _in_order(
    sim: UnitSimilarity | None, a0: int, a1: int, b0: int, b1: int
) -> list[tuple[int, int]]:
    """Across languages, a gap of as many sentences on each side (up to
    ``_IN_ORDER_MAX``) is the same statements in the same order when each pair's
    lengths agree within a factor of two (a fragment left over is no translation);
    the pairs, or none."""
    k = a1 - a0
    if sim is None or not sim.cross_lingual or k != b1 - b0 or not 0 < k <= _IN_ORDER_MAX:
        return []
    pairs = [(a0 + d, b0 + d) for d in range(k)]
    for i, j in pairs:
        size_a, size_b = len(sim.a[i].text), len(sim.b[j].text)
        if max(size_a, size_b) > 2 * min(size_a, size_b):
            return []
    return pairs


_QUOTE_CELLS = 100_000
"""A banded alignment looks for quotation frames in gaps up to this size."""

_FRAME_SHARE = 0.6
"""Share of the words outside the quotation marks two sentences must have in common
(Jaccard) to be one quotation frame."""


def _same_quote_frame(a: Sentence, b: Sentence) -> bool:
    """Both sentences quote someone, and the words around the quotations agree."""
    if not a.facts.quotes or not b.facts.quotes:
        return False
    frame_a, frame_b = _frame_words(a), _frame_words(b)
    union = frame_a | frame_b
    return (
        len(frame_a) >= 2
        and len(frame_b) >= 2
        and len(frame_a & frame_b) / len(union) >= (_FRAME_SHARE)
    )


def _frame_words(sentence: Sentence) -> frozenset[str]:
    text = sentence.text
    for quote in sorted(sentence.facts.quotes, key=lambda q: -q.start):
        text = text[: quote.start] + " " + text[quote.end :]
    return frozenset(words(text))


def _merge_probability(
    sim: UnitSimilarity,
    grid: Grid,
    i0: int,
    j0: int,
    di: int,
    dj: int,
    opts: AlignOptions,
    cache: dict[tuple[int, int, int, int], float],
) -> float | None:
    """Probability of the merged unit A[i0:i0+di] ~ B[j0:j0+dj], None if it cannot be one.

    Every part must belong: related on its own (``part_threshold``), or, when it is a
    fragment too short to score well alone ("Leaders from Germany, France and the United
    Kingdom are also expected to participate."), most of its words said by the other side
    (``part_containment``).
    """
    rows_a, rows_b = range(i0, i0 + di), range(j0, j0 + dj)
    # at least one sentence pair of the unit must be related on its own: the statement
    # the fragment belongs to (this also keeps the containment checks off unrelated cells)
    prob = {(i, j): grid.value(i, j) for i in rows_a for j in rows_b}
    if all(prob[i, j] < opts.part_threshold for i in rows_a for j in rows_b):
        return None
    for i in rows_a:
        if all(prob[i, j] < opts.part_threshold for j in rows_b) and (
            sim.contained("a", i, rows_b) < opts.part_containment
        ):
            return None
    for j in rows_b:
        if all(prob[i, j] < opts.part_threshold for i in rows_a) and (
            sim.contained("b", j, rows_a) < opts.part_containment
        ):
            return None
    # a sentence with a better counterpart outside the unit (one related on its own)
    # belongs there, not here
    # ('"We\'re not aware of anything," he said.' next to the statement it echoes)
    # (the largest outside from each line's three best: one of them is outside)
    for i in rows_a:
        inside = max(prob[i, j] for j in rows_b)
        if outside_max(grid.top_row(), i, rows_b) > max(inside, opts.part_threshold):
            return None
    for j in rows_b:
        inside = max(prob[i, j] for i in rows_a)
        if outside_max(grid.top_col(), j, rows_a) > max(inside, opts.part_threshold):
            return None
    key = (i0, j0, di, dj)
    if key not in cache:
        cache[key] = sim.score(range(i0, i0 + di), range(j0, j0 + dj))
    # the merged statement must explain the other side better than its best pair alone,
    # unless every other sentence of it is said by the other side (a fragment split off:
    # "Leaders from Germany, France and the United Kingdom are also expected to
    # participate."); a short sentence of its own ('"What happens next?" she asked.')
    # is not absorbed into its neighbour's unit
    best = max(((i, j) for i in rows_a for j in rows_b), key=lambda ij: prob[ij])
    if cache[key] <= prob[best]:
        for i in rows_a:
            if i != best[0] and sim.contained("a", i, rows_b) < opts.part_containment:
                return None
        for j in rows_b:
            if j != best[1] and sim.contained("b", j, rows_a) < opts.part_containment:
                return None
    return cache[key]


def _moved(grid: Grid, used_a: set[int], used_b: set[int], opts: AlignOptions) -> list[Unit]:
    """Pair leftover sentences that are clearly the same statement, best first."""
    free_a = [i for i in range(grid.n) if i not in used_a]
    free_b = [j for j in range(grid.m) if j not in used_b]
    candidates = sorted(grid.above(opts.moved_threshold, free_a, free_b), reverse=True)
    taken_a: set[int] = set()
    taken_b: set[int] = set()
    units: list[Unit] = []
    for prob, i, j in candidates:
        if i in taken_a or j in taken_b:
            continue
        taken_a.add(i)
        taken_b.add(j)
        units.append(Unit((i,), (j,), "moved", prob))
    return units
