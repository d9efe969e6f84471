"""LSH banding: near-copies of the seed article share a band, its rewrite does not."""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pytest
from numpy.typing import NDArray

from storytrace.errors import ConfigError
from storytrace.fingerprint import MinHasher, shingles
from storytrace.lsh import BandHasher, optimal_params

SEED = Path(__file__).resolve().parents[1] / "examples" / "seed-pair"
HASHER = MinHasher()


def signature(text: str) -> NDArray[np.uint32]:
    return HASHER.signature(shingles(text))


def light_edit(text: str, positions: tuple[int, ...] = (40, 160, 300, 450)) -> str:
    words = text.split()
    for i in positions:
        words[i] = "zzyzx"
    return " ".join(words)


@pytest.fixture(scope="module")
def text_a() -> str:
    return (SEED / "a.txt").read_text("utf-8")


@pytest.fixture(scope="module")
def text_b() -> str:
    return (SEED / "b.txt").read_text("utf-8")


@pytest.fixture(scope="module")
def corpus(text_a: str, text_b: str) -> list[str]:
    """80 articles drawn from the seed pair's sentences, then 40 near-copies of some.

    Fixed seed. The articles overlap (one pool of sentences), so the pairs spread from
    unrelated to near-copy; a near-copy drops one sentence and changes two words.
    """
    sentences = [s for s in (text_a + " " + text_b).replace("\n", " ").split(". ") if s.strip()]
    rng = random.Random(3)
    articles = [rng.sample(sentences, rng.randint(6, 14)) for _ in range(80)]
    texts = [". ".join(article) for article in articles]
    for article in articles[:40]:
        copy = article[:]
        del copy[rng.randrange(len(copy))]
        words = ". ".join(copy).split()
        for _ in range(2):
            words[rng.randrange(len(words))] = "zzyzx"
        texts.append(" ".join(words))
    return texts


@pytest.fixture(scope="module")
def corpus_signatures(corpus: list[str]) -> NDArray[np.uint32]:
    return HASHER.signatures([shingles(text) for text in corpus])


def random_signatures(count: int, seed: int) -> NDArray[np.uint32]:
    """Unrelated signatures, for structural checks."""
    return np.random.default_rng(seed).integers(0, 2**32, (count, 128), dtype=np.uint32)


def candidates(bands: BandHasher, signatures: NDArray[np.uint32]) -> list[set[int]]:
    """Each row's candidates: the rows sharing one of its band hashes (as the store's
    ``lsh`` table answers)."""
    hashes = bands.hashes(signatures)
    table: dict[int, set[int]] = {}
    for row, values in enumerate(hashes):
        for value in values:
            table.setdefault(int(value), set()).add(row)
    return [set().union(*(table[int(v)] for v in values)) for values in hashes]


def shares_band(bands: BandHasher, x: NDArray[np.uint32], y: NDArray[np.uint32]) -> bool:
    hx, hy = bands.hashes(np.stack([x, y]))
    return bool(set(hx.tolist()) & set(hy.tolist()))


def test_the_rewrite_is_not_a_candidate_but_a_light_edit_is(text_a: str, text_b: str) -> None:
    bands = BandHasher.for_threshold(0.5)
    a, b = signature(text_a), signature(text_b)
    assert shares_band(bands, a, signature(light_edit(text_a)))
    assert shares_band(bands, b, signature(light_edit(text_b, (30, 200, 350))))
    assert not shares_band(bands, a, b)


def test_optimal_params_agree_with_datasketch() -> None:
    lsh = pytest.importorskip("datasketch.lsh")
    for threshold, weights in ((0.5, (0.5, 0.5)), (0.8, (0.3, 0.7))):
        ours = optimal_params(threshold, 128, *weights)
        assert ours == lsh._optimal_param(threshold, 128, *weights)
    bands, rows = optimal_params(0.5, 128)
    assert bands * rows <= 128
    # the S-curve crosses 1/2 near the threshold
    crossing = (1 - (1 - 0.5**rows) ** bands, 1 - (1 - 0.3**rows) ** bands)
    assert crossing[0] > 0.5 > crossing[1]


def test_pairs_become_candidates_along_the_s_curve(
    corpus_signatures: NDArray[np.uint32],
) -> None:
    """Pairs well above the threshold share a band, pairs well below do not."""
    found = candidates(BandHasher.for_threshold(0.5), corpus_signatures)
    found_at: dict[str, list[bool]] = {"high": [], "low": []}
    for key in range(len(corpus_signatures)):
        assert key in found[key]
        for other in range(key + 1, len(corpus_signatures)):
            agree = float(np.mean(corpus_signatures[key] == corpus_signatures[other]))
            if agree >= 0.7:
                found_at["high"].append(other in found[key])
            elif agree <= 0.15:
                found_at["low"].append(other in found[key])
    assert len(found_at["high"]) >= 20
    assert len(found_at["low"]) >= 1000
    assert np.mean(found_at["high"]) > 0.95  # P(candidate | J = 0.7) = 0.99
    assert np.mean(found_at["low"]) < 0.01  # P(candidate | J = 0.15) = 0.002


def test_equal_values_in_different_bands_do_not_pair() -> None:
    """All bands share one table; per-band multipliers keep band 0 and band 1 apart."""
    first, second = random_signatures(2, seed=14)
    second[5:10] = first[0:5]  # second's band 1 holds first's band 0
    second[0:5] = first[5:10]  # and the other way round
    bands = BandHasher(25, 5)
    assert not shares_band(bands, first, second)
    second[10:15] = first[10:15]  # now band 2 really is shared
    assert shares_band(bands, first, second)


def test_hashes_are_the_same_in_another_process() -> None:
    """The constants depend on (num_perm, bands, rows) alone: stored hashes stay valid."""
    import subprocess
    import sys

    signatures = random_signatures(2, seed=15)
    code = (
        "import sys, numpy as np; from storytrace.lsh import BandHasher; "
        "s = np.array([int(v) for v in sys.argv[1].split(',')], np.uint32).reshape(2, 128); "
        "print(','.join(str(int(v)) for v in BandHasher(25, 5).hashes(s).ravel()))"
    )
    arg = ",".join(str(int(v)) for v in signatures.ravel())
    out = subprocess.run([sys.executable, "-c", code, arg], capture_output=True, text=True)
    theirs = [int(v) for v in out.stdout.strip().split(",")]
    assert theirs == [int(v) for v in BandHasher(25, 5).hashes(signatures).ravel()]


def test_bad_parameters_and_shapes() -> None:
    with pytest.raises(ConfigError, match="at most num_perm=128"):
        BandHasher(20, 7)
    with pytest.raises(ConfigError, match="threshold"):
        optimal_params(1.0)
    with pytest.raises(ConfigError, match="weights"):
        optimal_params(0.5, 128, 0.0, 0.0)
    bands = BandHasher(16, 8)
    with pytest.raises(ValueError, match="128 values"):
        bands.hashes(np.zeros((1, 64), np.uint32))
    with pytest.raises(ValueError, match="uint32"):
        bands.hashes(np.full((1, 128), -1, np.int64))
