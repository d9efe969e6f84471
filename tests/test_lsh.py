"""The LSH index: near-copies of the seed article are found, its rewrite is not."""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pytest
from numpy.typing import NDArray

from storytrace.errors import ConfigError
from storytrace.fingerprint import MinHasher, shingles
from storytrace.lsh import LSHIndex, optimal_params

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
    """Unrelated signatures, for structural checks at a size that exercises the runs."""
    return np.random.default_rng(seed).integers(0, 2**32, (count, 128), dtype=np.uint32)


def test_the_rewrite_is_not_a_candidate_but_a_light_edit_is(text_a: str, text_b: str) -> None:
    index = LSHIndex.for_threshold(0.5)
    index.insert(1, signature(text_a))
    index.insert(2, signature(text_b))
    assert index.query(signature(light_edit(text_a))) == [1]
    assert index.query(signature(light_edit(text_b, (30, 200, 350)))) == [2]
    assert 1 not in index.query(signature(text_b))
    assert 2 not in index.query(signature(text_a))


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


def test_every_article_finds_itself_and_candidates_are_symmetric(
    corpus_signatures: NDArray[np.uint32],
) -> None:
    index = LSHIndex.for_threshold(0.5)
    index.insert_many(range(len(corpus_signatures)), corpus_signatures)
    results = index.query_many(corpus_signatures)
    for key, found in enumerate(results):
        assert key in found
        for other in found:
            assert key in results[other]


def test_pairs_become_candidates_along_the_s_curve(
    corpus_signatures: NDArray[np.uint32],
) -> None:
    """Pairs well above the threshold are found, pairs well below are not."""
    index = LSHIndex.for_threshold(0.5)
    index.insert_many(range(len(corpus_signatures)), corpus_signatures)
    found_at: dict[str, list[bool]] = {"high": [], "low": []}
    for key, found in enumerate(index.query_many(corpus_signatures)):
        for other in range(key + 1, len(corpus_signatures)):
            agree = float(np.mean(corpus_signatures[key] == corpus_signatures[other]))
            if agree >= 0.7:
                found_at["high"].append(other in found)
            elif agree <= 0.15:
                found_at["low"].append(other in found)
    assert len(found_at["high"]) >= 20
    assert len(found_at["low"]) >= 1000
    assert np.mean(found_at["high"]) > 0.95  # P(candidate | J = 0.7) = 0.99
    assert np.mean(found_at["low"]) < 0.01  # P(candidate | J = 0.15) = 0.002


def test_insert_many_equals_repeated_insert() -> None:
    signatures = random_signatures(2500, seed=5)  # 62,500 entries: runs and the buffer
    keys = np.arange(10_000, 12_500)
    one_by_one = LSHIndex(25, 5)
    for key, row in zip(keys.tolist(), signatures, strict=True):
        one_by_one.insert(key, row)
    batched = LSHIndex(25, 5)
    for lo in (0, 10, 700, 1500):  # a small batch, then runs of several sizes
        hi = {0: 10, 10: 700, 700: 1500, 1500: 2500}[lo]
        batched.insert_many(keys[lo:hi], signatures[lo:hi])
    assert len(one_by_one) == len(batched) == 2500
    queries = np.concatenate([signatures[::50], random_signatures(20, seed=6)])
    expected = [one_by_one.query(q) for q in queries]
    assert batched.query_many(queries) == expected
    assert [batched.query(q) for q in queries] == expected
    assert expected[0] == [10_000]
    assert expected[-1] == []


def test_near_copies_sharing_a_band_are_found_from_buffer_and_runs() -> None:
    base = random_signatures(1000, seed=7)
    index = LSHIndex(25, 5)
    index.insert_many(np.arange(1000), base)  # 25,000 entries: a sorted run
    near = base[:3].copy()
    near[:, 5:] = random_signatures(3, seed=8)[:, 5:]  # share only the first band
    index.insert_many([5000, 5001, 5002], near)  # stays in the insert buffer
    assert index.query(base[0]) == [0, 5000]
    assert index.query(near[2]) == [2, 5002]
    assert index.query_many(near) == [[0, 5000], [1, 5001], [2, 5002]]


def test_interleaved_inserts_and_queries_see_each_other() -> None:
    """The insert buffer's lookup is brought up to date by every query, across flushes."""
    base = random_signatures(400, seed=15)
    near = base.copy()
    near[:, 5:] = random_signatures(400, seed=16)[:, 5:]  # each shares band 0 with base
    index = LSHIndex(25, 5)
    for i in range(400):  # 2 x 400 x 25 = 20,000 entries: the buffer flushes twice
        index.insert(i, base[i])
        assert index.query(near[i]) == [i]
        index.insert(1000 + i, near[i])
        assert index.query(base[i]) == [i, 1000 + i]
    index.remove(399)
    assert index.query(near[399]) == [1399]
    assert index.query(base[0]) == [0, 1000]
    assert len(index) == 799


def test_equal_values_in_different_bands_do_not_pair() -> None:
    """All bands share one table; per-band multipliers keep band 0 and band 1 apart."""
    first, second = random_signatures(2, seed=14)
    second[5:10] = first[0:5]  # second's band 1 holds first's band 0
    second[0:5] = first[5:10]  # and the other way round
    index = LSHIndex(25, 5)
    index.insert(1, first)
    assert index.query(second) == []
    second[10:15] = first[10:15]  # now band 2 really is shared
    assert index.query(second) == [1]


def test_persistence_round_trip(corpus_signatures: NDArray[np.uint32], text_a: str) -> None:
    index = LSHIndex.for_threshold(0.5)
    index.insert_many(range(100), corpus_signatures[:100])
    index.insert(500, signature(text_a))
    before = index.query_many(corpus_signatures)
    data = index.to_bytes()
    assert len(data) == 40 + 8 * (101 + 2 * 101 * index.bands)
    loaded = LSHIndex.from_bytes(data)
    assert (loaded.bands, loaded.rows, loaded.num_perm, len(loaded)) == (
        index.bands,
        index.rows,
        128,
        101,
    )
    assert loaded.query_many(corpus_signatures) == before
    assert loaded.query(signature(light_edit(text_a))) == index.query(signature(light_edit(text_a)))
    # a loaded index keeps working: inserts, duplicate checks, a second round trip
    loaded.insert_many(range(100, 120), corpus_signatures[100:120])
    with pytest.raises(ValueError, match="already"):
        loaded.insert(500, corpus_signatures[0])
    again = LSHIndex.from_bytes(bytearray(loaded.to_bytes()))
    assert again.query_many(corpus_signatures) == loaded.query_many(corpus_signatures)
    assert LSHIndex.from_bytes(LSHIndex(4, 8).to_bytes()).query(corpus_signatures[0]) == []


def test_damaged_bytes_are_refused(corpus_signatures: NDArray[np.uint32]) -> None:
    index = LSHIndex.for_threshold(0.5)
    index.insert_many(range(10), corpus_signatures[:10])
    data = index.to_bytes()
    with pytest.raises(ValueError, match="damaged"):
        LSHIndex.from_bytes(data[:-8])
    with pytest.raises(ValueError, match="magic"):
        LSHIndex.from_bytes(b"NOTANIDX" + data[8:])
    with pytest.raises(ValueError, match="too short"):
        LSHIndex.from_bytes(data[:10])
    # swap two band hashes: the arrays are no longer sorted
    header, keys = 40, 8 * 10
    hashes = bytearray(data[header + keys : header + keys + 8 * 10 * index.bands])
    hashes[:8], hashes[8:16] = hashes[8:16], hashes[:8]
    swapped = data[: header + keys] + bytes(hashes) + data[header + keys + len(hashes) :]
    with pytest.raises(ValueError, match="not sorted"):
        LSHIndex.from_bytes(swapped)


def test_duplicate_keys_are_refused() -> None:
    signatures = random_signatures(700, seed=9)
    index = LSHIndex(25, 5)
    index.insert_many(np.arange(700), signatures)  # a run
    index.insert(900, signatures[0])  # the buffer
    with pytest.raises(ValueError, match="key 3 is already"):
        index.insert(3, signatures[1])
    with pytest.raises(ValueError, match="key 900 is already"):
        index.insert_many([901, 900], signatures[:2])
    with pytest.raises(ValueError, match="more than once"):
        index.insert_many([950, 950], signatures[:2])
    assert len(index) == 701
    assert 3 in index
    assert 900 in index
    assert 950 not in index
    assert "3" not in index


def test_remove_from_runs_and_buffer() -> None:
    signatures = random_signatures(800, seed=10)
    index = LSHIndex(25, 5)
    index.insert_many(np.arange(700), signatures[:700])
    index.insert_many(np.arange(700, 800), signatures[700:])
    index.remove(5)
    index.remove(750)
    assert index.query(signatures[5]) == []
    assert index.query(signatures[750]) == []
    assert index.query(signatures[6]) == [6]
    assert index.query(signatures[751]) == [751]
    assert len(index) == 798
    assert 5 not in index
    assert 750 not in index
    with pytest.raises(KeyError):
        index.remove(5)
    index.insert(5, signatures[5])  # a removed key can come back
    assert index.query(signatures[5]) == [5]
    assert LSHIndex.from_bytes(index.to_bytes()).query(signatures[5]) == [5]


def test_memory_is_a_few_hundred_bytes_an_article() -> None:
    index = LSHIndex(25, 5)
    index.insert_many(np.arange(2000), random_signatures(2000, seed=11))
    index.compact()
    assert index.nbytes == 2000 * (16 * 25 + 8)


def test_bad_parameters_and_shapes() -> None:
    with pytest.raises(ConfigError, match="at most num_perm=128"):
        LSHIndex(20, 7)
    with pytest.raises(ConfigError, match="threshold"):
        optimal_params(1.0)
    with pytest.raises(ConfigError, match="weights"):
        optimal_params(0.5, 128, 0.0, 0.0)
    index = LSHIndex(16, 8)
    with pytest.raises(ValueError, match="128 values"):
        index.insert(1, np.zeros(64, np.uint32))
    with pytest.raises(ValueError, match="2 keys for 3"):
        index.insert_many([1, 2], random_signatures(3, seed=12))
    with pytest.raises(ValueError, match="integers"):
        index.insert_many(["a"], random_signatures(1, seed=12))
    assert len(index) == 0
    assert index.query(random_signatures(1, seed=13)[0]) == []
