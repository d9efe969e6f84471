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

from dataclasses import dataclass
from typing import Literal

import numpy as np

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


def align(sim: UnitSimilarity, *, options: AlignOptions | None = None) -> list[Unit]:
    """Align the sentences of ``sim.a`` and ``sim.b``; see the module docstring."""
    opts = options or AlignOptions()
    n, m = len(sim.a), len(sim.b)
    p = sim.matrix()
    units = _monotonic(sim, p, opts)
    units = _fill_gaps(units, p, opts, sim)
    used_a = {i for u in units for i in u.a}
    used_b = {j for u in units for j in u.b}
    units.extend(_moved(p, used_a, used_b, opts))
    used_a = {i for u in units for i in u.a}
    used_b = {j for u in units for j in u.b}
    units.extend(Unit((i,), (), "dropped", 0.0) for i in range(n) if i not in used_a)
    units.extend(Unit((), (j,), "added", 0.0) for j in range(m) if j not in used_b)
    return units


def _monotonic(sim: UnitSimilarity, p: np.ndarray, opts: AlignOptions) -> list[Unit]:
    """The order-preserving dynamic programme; returns its matched units.

    Plain Python lists, not numpy, inside the loop: indexing a list is several times
    faster than indexing an array element by element.
    """
    n, m = p.shape
    prob = p.tolist()
    # a merge needs one of its sentence pairs related on its own (_merge_probability);
    # checking that here, on a boolean copy, keeps the DP's inner loop cheap
    related = (p >= opts.part_threshold).tolist()
    best = [[0.0] * (m + 1) for _ in range(n + 1)]
    back: dict[tuple[int, int], tuple[int, int, float]] = {}
    merged: dict[tuple[int, int, int, int], float] = {}
    threshold = opts.threshold
    for i in range(n + 1):
        row, above = best[i], best[i - 1] if i else None
        for j in range(m + 1):
            if i == 0 and j == 0:
                continue
            # Skips first, so that ties prefer leaving sentences unmatched to weak matches.
            cand = -1e18
            step = (0, 0, 0.0)
            if above is not None and above[j] > cand:
                cand, step = above[j], (1, 0, 0.0)
            if j > 0 and row[j - 1] > cand:
                cand, step = row[j - 1], (0, 1, 0.0)
            if i and j:
                p11 = prob[i - 1][j - 1]
                if p11 > threshold and best[i - 1][j - 1] + p11 - threshold > cand:
                    cand, step = best[i - 1][j - 1] + p11 - threshold, (1, 1, p11)
                for di, dj in _MERGES:
                    if i < di or j < dj:
                        continue
                    if not (related[i - 1][j - 1] or related[i - di][j - dj]):
                        continue
                    unit = _merge_probability(sim, prob, i - di, j - dj, di, dj, opts, merged)
                    if unit is None or unit <= threshold:
                        continue
                    weight = 1.0 + opts.merge_bonus * (di + dj - 2)
                    value = best[i - di][j - dj] + (unit - threshold) * weight
                    if value > cand:
                        cand, step = value, (di, dj, unit)
            row[j] = cand
            back[(i, j)] = step
    units: list[Unit] = []
    i, j = n, m
    while i > 0 or j > 0:
        di, dj, unit_p = back[(i, j)]
        if di and dj:
            units.append(Unit(tuple(range(i - di, i)), tuple(range(j - dj, j)), "match", unit_p))
        i, j = i - di, j - dj
    units.reverse()
    return units


def _fill_gaps(
    units: list[Unit], p: np.ndarray, opts: AlignOptions, sim: UnitSimilarity | None = None
) -> list[Unit]:
    """Take 1:1 pairs inside the gaps between matched units (see the module docstring).

    A pair left over in a gap is also taken, whatever its score, when both sentences
    quote someone inside the same frame (the words outside the quotation marks mostly
    the same: 'The US ambassador, Richard Norland, said "..."'): a quotation reworded
    from end to end is one changed statement, not a dropped and an added one.

    Only between versions of one text: when the programme matched less than
    ``gap_min_coverage`` of the shorter side, the two are at most reports of the same
    event, whose sentences sit in similar places without one deriving from the other,
    and a weak pair is just a weak pair.
    """
    n, m = p.shape
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
        gap = p[a0:a1, b0:b1]
        for i in range(a1 - a0):
            j = int(np.argmax(gap[i]))
            score = float(gap[i, j])
            if score > opts.gap_threshold and int(np.argmax(gap[:, j])) == i:
                filled.append(Unit((a0 + i,), (b0 + j,), "match", score))
        if sim is not None:
            taken_a = {u.a[0] for u in filled if a0 <= u.a[0] < a1}
            taken_b = {u.b[0] for u in filled if b0 <= u.b[0] < b1}
            for i in range(a0, a1):
                for j in range(b0, b1):
                    if i in taken_a or j in taken_b:
                        continue
                    if _same_quote_frame(sim.a[i], sim.b[j]):
                        taken_a.add(i)
                        taken_b.add(j)
                        filled.append(Unit((i,), (j,), "match", float(p[i, j])))
    # keep the order monotonic: a gap may yield crossing pairs, keep the first of each
    filled.sort(key=lambda u: (u.a[0], u.b[0]))
    out: list[Unit] = []
    for unit in filled:
        if out and unit.b[0] <= out[-1].b[-1]:
            continue
        out.append(unit)
    return out


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
    prob: list[list[float]],
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
    if all(prob[i][j] < opts.part_threshold for i in rows_a for j in rows_b):
        return None
    for i in rows_a:
        if all(prob[i][j] < opts.part_threshold for j in rows_b) and (
            sim.contained("a", i, rows_b) < opts.part_containment
        ):
            return None
    for j in rows_b:
        if all(prob[i][j] < opts.part_threshold for i in rows_a) and (
            sim.contained("b", j, rows_a) < opts.part_containment
        ):
            return None
    # a sentence with a better counterpart outside the unit (one related on its own)
    # belongs there, not here
    # ('"We\'re not aware of anything," he said.' next to the statement it echoes)
    n, m = len(prob), len(prob[0])
    for i in rows_a:
        inside = max(prob[i][j] for j in rows_b)
        if any(prob[i][j] > max(inside, opts.part_threshold) for j in range(m) if j not in rows_b):
            return None
    for j in rows_b:
        inside = max(prob[i][j] for i in rows_a)
        if any(prob[i][j] > max(inside, opts.part_threshold) for i in range(n) if i not in rows_a):
            return None
    key = (i0, j0, di, dj)
    if key not in cache:
        cache[key] = sim.score(range(i0, i0 + di), range(j0, j0 + dj))
    # the merged statement must explain the other side better than its best pair alone,
    # unless every other sentence of it is said by the other side (a fragment split off:
    # "Leaders from Germany, France and the United Kingdom are also expected to
    # participate."); a short sentence of its own ('"What happens next?" she asked.')
    # is not absorbed into its neighbour's unit
    best = max(((i, j) for i in rows_a for j in rows_b), key=lambda ij: prob[ij[0]][ij[1]])
    if cache[key] <= prob[best[0]][best[1]]:
        for i in rows_a:
            if i != best[0] and sim.contained("a", i, rows_b) < opts.part_containment:
                return None
        for j in rows_b:
            if j != best[1] and sim.contained("b", j, rows_a) < opts.part_containment:
                return None
    return cache[key]


def _moved(p: np.ndarray, used_a: set[int], used_b: set[int], opts: AlignOptions) -> list[Unit]:
    """Pair leftover sentences that are clearly the same statement, best first."""
    free_a = [i for i in range(p.shape[0]) if i not in used_a]
    free_b = [j for j in range(p.shape[1]) if j not in used_b]
    candidates = sorted(
        ((float(p[i, j]), i, j) for i in free_a for j in free_b if p[i, j] > opts.moved_threshold),
        reverse=True,
    )
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
