"""Word-shingle sets and MinHash signatures on the seed pair and edits of it."""

from __future__ import annotations

import os
import random
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from numpy.typing import NDArray

from storytrace.errors import ConfigError
from storytrace.fingerprint import (
    MinHasher,
    jaccard,
    shingles,
    signature_from_bytes,
    signature_to_bytes,
)

SEED = Path(__file__).resolve().parents[1] / "examples" / "seed-pair"


@pytest.fixture(scope="module")
def text_a() -> str:
    return (SEED / "a.txt").read_text("utf-8")


@pytest.fixture(scope="module")
def text_b() -> str:
    return (SEED / "b.txt").read_text("utf-8")


def light_edit(text: str, positions: tuple[int, ...] = (40, 160, 300, 450)) -> str:
    """The text with a few words replaced by a word it does not contain."""
    words = text.split()
    for i in positions:
        words[i] = "zzyzx"
    return " ".join(words)


def exact_jaccard(a: NDArray[np.uint32], b: NDArray[np.uint32]) -> float:
    return np.intersect1d(a, b).size / np.union1d(a, b).size


def paragraph_mixes(text: str, count: int, seed: int) -> list[tuple[str, str]]:
    """Pairs of documents made of overlapping random subsets of the text's paragraphs."""
    paragraphs = [p for p in text.splitlines() if len(p.split()) > 10]
    rng = random.Random(seed)
    pairs = []
    for _ in range(count):
        a = rng.sample(paragraphs, rng.randint(3, len(paragraphs)))
        b = rng.sample(paragraphs, rng.randint(3, len(paragraphs)))
        pairs.append(("\n\n".join(a), "\n\n".join(b)))
    return pairs


def test_shingles_are_a_sorted_set_of_word_5grams(text_a: str) -> None:
    hashes = shingles(text_a)
    assert hashes.dtype == np.uint32
    assert np.all(np.diff(hashes.astype(np.int64)) > 0)  # sorted, no repeats
    windows = len(re.findall(r"\w+", text_a)) - 4
    # one hash per distinct 5-gram: at most one per window, and prose rarely repeats
    assert 0.95 * windows <= hashes.size <= windows


def test_shingles_ignore_case_punctuation_and_spacing() -> None:
    assert np.array_equal(
        shingles("The President said, on Monday: talks resumed."),
        shingles("the   president SAID on monday talks resumed"),
    )


def test_shingles_casefold_rather_than_lowercase() -> None:
    assert np.array_equal(
        shingles("Die Straße ist gesperrt", k=2), shingles("DIE STRASSE IST GESPERRT", k=2)
    )


def test_shingles_depend_on_word_order() -> None:
    assert not np.array_equal(shingles("a b c d e f"), shingles("f e d c b a"))


def test_short_text_gives_one_shingle_of_all_words() -> None:
    three = shingles("Kyiv under attack")
    assert three.size == 1
    assert not np.array_equal(three, shingles("attack under Kyiv"))
    # and it is not the shingle of a longer text starting with those words
    assert three[0] not in shingles("Kyiv under attack again today")


def test_unicode_words_are_tokens() -> None:
    cyrillic = shingles("Київ заявив про нову атаку дронів", k=2)
    assert cyrillic.size == 5
    assert np.array_equal(cyrillic, shingles("КИЇВ заявив, про нову атаку дронів!", k=2))


def test_shingles_are_stable_across_processes(text_a: str) -> None:
    """Shingle hashes are stored: Python's salted hash() would change them per process."""
    code = (
        "import sys\n"
        "from storytrace.fingerprint import MinHasher, shingles, signature_to_bytes\n"
        "text = open(sys.argv[1], encoding='utf-8').read()\n"
        "print(signature_to_bytes(MinHasher().signature(shingles(text))).hex())\n"
    )
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    result = subprocess.run(
        [sys.executable, "-c", code, str(SEED / "a.txt")],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    here = signature_to_bytes(MinHasher().signature(shingles(text_a))).hex()
    assert result.stdout.strip() == here


def test_the_seed_rewrite_shares_few_5grams(text_a: str, text_b: str) -> None:
    a, b = shingles(text_a), shingles(text_b)
    exact = exact_jaccard(a, b)
    assert 0.05 < exact < 0.2
    hasher = MinHasher()
    assert abs(hasher.jaccard(hasher.signature(a), hasher.signature(b)) - exact) < 0.1


def test_a_light_edit_keeps_most_5grams(text_a: str) -> None:
    a, edited = shingles(text_a), shingles(light_edit(text_a))
    exact = exact_jaccard(a, edited)
    assert 0.85 < exact < 1.0
    hasher = MinHasher()
    assert abs(jaccard(hasher.signature(a), hasher.signature(edited)) - exact) < 0.1


def test_estimates_track_exact_jaccard_on_many_pairs(text_a: str, text_b: str) -> None:
    """The error behaves like the binomial ideal sqrt(J(1 - J) / num_perm), unbiased."""
    hasher = MinHasher(num_perm=128)
    pairs = paragraph_mixes(text_a, 20, seed=1) + paragraph_mixes(text_b, 20, seed=2)
    left = [shingles(a) for a, _ in pairs]
    right = [shingles(b) for _, b in pairs]
    sig_left, sig_right = hasher.signatures(left), hasher.signatures(right)
    exact = np.array([exact_jaccard(x, y) for x, y in zip(left, right, strict=True)])
    estimate = np.array([jaccard(x, y) for x, y in zip(sig_left, sig_right, strict=True)])
    assert exact.min() < 0.3  # a spread of similarities
    assert exact.max() > 0.7
    errors = estimate - exact
    ideal = np.sqrt(np.mean(exact * (1 - exact) / 128))
    assert np.sqrt(np.mean(errors**2)) < 1.35 * ideal
    assert abs(errors.mean()) < 0.03
    assert np.mean(np.abs(errors) < 0.1) >= 0.9


def test_identical_sets_estimate_one_and_signatures_are_deterministic(text_a: str) -> None:
    hashes = shingles(text_a)
    first = MinHasher(num_perm=64, seed=3).signature(hashes)
    again = MinHasher(num_perm=64, seed=3).signature(shingles(text_a))
    assert first.shape == (64,)
    assert np.array_equal(first, again)
    assert jaccard(first, again) == 1.0
    other_seed = MinHasher(num_perm=64, seed=4).signature(hashes)
    assert jaccard(first, other_seed) < 0.2


def test_batch_equals_one_by_one_even_across_blocks(text_a: str, text_b: str) -> None:
    rng = np.random.default_rng(0)
    # one document much larger than a block (2**20 values / 128 = 8,192 shingles)
    big = np.unique(rng.integers(0, 2**32, 30_000, dtype=np.uint64)).astype(np.uint32)
    documents = [shingles(text_a), big, shingles("one two"), shingles(text_b)]
    hasher = MinHasher()
    batch = hasher.signatures(documents)
    assert batch.shape == (4, 128)
    assert batch.flags.c_contiguous
    for row, document in zip(batch, documents, strict=True):
        assert np.array_equal(row, hasher.signature(document))
    # the minimum over a set does not depend on order or repeats
    shuffled = np.concatenate([big[::-1], big[:100]])
    assert np.array_equal(hasher.signature(shuffled), batch[1])


def test_signatures_match_datasketch_bit_for_bit(text_a: str, text_b: str) -> None:
    datasketch = pytest.importorskip("datasketch")
    rng = np.random.default_rng(1)
    big = rng.integers(0, 2**32, 12_000, dtype=np.uint64).astype(np.uint32)  # > 1 block
    documents = [shingles(text_a), shingles(text_b), big]
    for num_perm, seed in ((128, 1), (64, 7)):
        ours = MinHasher(num_perm=num_perm, seed=seed).signatures(documents)
        for row, document in zip(ours, documents, strict=True):
            theirs = datasketch.MinHash(num_perm=num_perm, seed=seed, hashfunc=int)
            theirs.update_batch(document.tolist())
            assert np.array_equal(row, theirs.hashvalues)


def test_empty_text_has_no_shingles_and_no_signature() -> None:
    assert shingles("").size == 0
    assert shingles(" ... !!! — ").size == 0
    hasher = MinHasher()
    with pytest.raises(ValueError, match="no shingles"):
        hasher.signature(shingles(""))
    with pytest.raises(ValueError, match="documents 1, 3 "):
        hasher.signatures([shingles("a b c"), [], shingles("d e f"), shingles("?")])
    assert hasher.signatures([]).shape == (0, 128)


def test_hashes_must_fit_in_32_bits() -> None:
    hasher = MinHasher()
    with pytest.raises(ValueError, match="32 bits"):
        hasher.signature(np.array([1, 2**32], dtype=np.uint64))
    with pytest.raises(ValueError, match="32 bits"):
        hasher.signature([-1, 5])
    with pytest.raises(ValueError, match="integers"):
        hasher.signature([1.5, 2.5])
    # plain Python ints in range are fine
    assert np.array_equal(hasher.signature([7, 9]), hasher.signature(np.array([9, 7], np.uint32)))


def test_options_are_checked() -> None:
    with pytest.raises(ConfigError, match="num_perm"):
        MinHasher(num_perm=0)
    with pytest.raises(ConfigError, match="seed"):
        MinHasher(seed=-1)
    with pytest.raises(ConfigError, match="k must be"):
        shingles("some words here", k=0)
    with pytest.raises(AttributeError):
        MinHasher().num_perm = 64  # type: ignore[misc]


def test_jaccard_needs_equal_lengths() -> None:
    with pytest.raises(ValueError, match="equal length"):
        jaccard(np.zeros(128, np.uint32), np.zeros(64, np.uint32))
    with pytest.raises(ValueError, match="128 values"):
        MinHasher().jaccard(np.zeros(64, np.uint32), np.zeros(64, np.uint32))


def test_signature_bytes_round_trip_little_endian(text_a: str) -> None:
    signature = MinHasher().signature(shingles(text_a))
    data = signature_to_bytes(signature)
    assert len(data) == 4 * 128
    assert int.from_bytes(data[:4], "little") == int(signature[0])
    assert int.from_bytes(data[-4:], "little") == int(signature[-1])
    back = signature_from_bytes(data, num_perm=128)
    assert back.dtype == np.uint32
    assert back.flags.writeable
    assert np.array_equal(back, signature)
    with pytest.raises(ValueError, match="expected 256 bytes"):
        signature_from_bytes(data, num_perm=64)
    with pytest.raises(ValueError, match="multiple of 4"):
        signature_from_bytes(data[:-1])
    with pytest.raises(ValueError, match="uint32"):
        signature_to_bytes(signature.astype(np.int64))
