"""The aligner's grids: the exact one's shortcuts, and the band used for long texts."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from storytrace import align as _align
from storytrace.align_band import Band, Dense, outside_max
from storytrace.encode import get_encoder
from storytrace.pipeline import from_text
from storytrace.similarity import UnitSimilarity, similarity_model

SEED = Path(__file__).resolve().parents[1] / "examples" / "seed-pair"


def test_outside_max_from_three_best_equals_the_whole_line_with_ties() -> None:
    rng = np.random.default_rng(7)
    for _ in range(300):
        n, m = int(rng.integers(1, 6)), int(rng.integers(1, 7))
        p = rng.integers(0, 4, size=(n, m)) / 4  # many ties
        grid = Dense(p)
        for i in range(n):
            for j0 in range(m):
                for width in (1, 2):
                    inside = range(j0, min(m, j0 + width))
                    rest = [p[i, j] for j in range(m) if j not in inside]
                    assert outside_max(grid.top_row(), i, inside) == max(rest, default=-np.inf)
        for j in range(m):
            inside = range(min(n, 2))
            rest = [p[i, j] for i in range(n) if i not in inside]
            assert outside_max(grid.top_col(), j, inside) == max(rest, default=-np.inf)


def similarity(text_a: str, text_b: str) -> UnitSimilarity:
    a, b = from_text(text_a, source="a"), from_text(text_b, source="b")
    enc = get_encoder("lexical")
    return UnitSimilarity(
        a=a.sentences,
        b=b.sentences,
        va=enc.encode([s.text for s in a.sentences]),
        vb=enc.encode([s.text for s in b.sentences]),
        model=similarity_model(enc.name),
        cross_lingual=False,
    )


def shape(units: list[_align.Unit]) -> set[tuple[tuple[int, ...], tuple[int, ...], str]]:
    return {(u.a, u.b, u.kind) for u in units}


def test_the_band_covers_every_sentence_once_and_agrees_with_the_exact_aligner(
    ecb_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Forty ECB+ documents against the same with one replaced and one moved to the end:
    the banded programme, forced on, finds what the whole matrix finds."""
    with ecb_path.open(encoding="utf-8") as lines:
        docs = [json.loads(line)["text"] for _, line in zip(range(41), lines, strict=False)]
    kept = docs[:10] + docs[11:20] + [docs[40]] + docs[21:40] + docs[10:11]
    sim = similarity("\n\n".join(docs[:40]), "\n\n".join(kept))
    exact = _align.align(sim)
    monkeypatch.setattr(_align, "EXACT_PAIRS", 0)
    band = _align.align(sim)
    for side, size in (("a", len(sim.a)), ("b", len(sim.b))):
        covered = sorted(i for u in band for i in getattr(u, side))
        assert covered == list(range(size))
    agree = len(shape(exact) & shape(band)) / len(shape(exact))
    assert agree >= 0.95, agree
    assert sum(u.kind == "moved" for u in band) >= 0.9 * sum(u.kind == "moved" for u in exact)


def test_a_band_stays_narrow_around_a_long_diagonal() -> None:
    """Memory grows with (n + m) times the chunk size, not with n x m."""
    text = (SEED / "a.txt").read_text("utf-8")
    sim = similarity("\n\n".join([text] * 12), "\n\n".join([text] * 12))
    band = Band(sim)
    cells = sum(block.size for block in band.blocks)
    assert cells < 6 * band.k * (len(sim.a) + len(sim.b))
    assert cells < len(sim.a) * len(sim.b) / 3
