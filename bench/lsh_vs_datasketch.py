"""storytrace's MinHash + LSH index against datasketch's, side by side in one run.

    .venv/bin/python bench/lsh_vs_datasketch.py --docs 20000

Articles: ``--docs`` articles of 10-20 real sentences each, drawn (fixed seed) from the
MSRP train sentences, the STS-B train sentences and the ECB+ document texts (split into
sentences) in ``../shared/data``. Skips cleanly when that folder or datasketch is absent.

What is compared, for the same (bands, rows) = ``optimal_params(--threshold, 128)``:

- storytrace: ``MinHasher(128, seed=1).signatures`` + ``LSHIndex.insert_many``, in
  batches of ``--batch`` articles;
- datasketch: ``MinHash.generator`` (its bulk API: copies of one initialised MinHash,
  ``update_batch`` each) + ``MinHashLSH(num_perm=128, params=(bands, rows)).insert``.

Both get the *same* shingles, the 32-bit hashes of ``storytrace.fingerprint.shingles``
(word 5-grams), computed once before any timing: **shingle extraction and hashing are
excluded on both sides**. datasketch receives them as Python ints with
``hashfunc=int`` (the fastest input path its docs offer; its default SHA-1 of shingle
bytes is slower, shown on an informational row and not used in the ratio). With the same
32-bit inputs both produce bit-identical signatures (same permutation scheme and
parameters), which the table checks.

- insert throughput: articles a second, signature + LSH insert, best of ``--repeat``
  timed passes, the two libraries alternating;
- index memory: ``tracemalloc`` around building each index from signatures computed
  beforehand (ours: the ``(n, 128)`` array; datasketch: its MinHash objects), so only
  what the index itself keeps is counted on either side; "peak" includes transient
  merge buffers;
- recall: ``--copies`` articles get light edits (1-4% of their words substituted,
  deleted or inserted, at least 2); each edited copy is queried and counts as found
  when its original is among the candidates.

The last line is ``throughput_ratio=X memory_ratio=Y`` (storytrace over datasketch).
"""

from __future__ import annotations

import argparse
import gc
import json
import random
import re
import sys
import time
import tracemalloc
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from storytrace.fingerprint import MinHasher, shingles
from storytrace.lsh import LSHIndex, optimal_params

SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
NUM_PERM = 128
SEED = 1
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def load_sentences(root: Path) -> list[str]:
    """Distinct sentences of MSRP train, STS-B train and the ECB+ texts, in file order."""
    found: list[str] = []
    msrp = root / "msrp" / "msr_paraphrase_train.txt"
    if msrp.exists():  # BOM, CRLF, header, tab-separated; no CSV quoting
        for line in msrp.read_text("utf-8-sig").splitlines()[1:]:
            fields = line.split("\t")
            if len(fields) >= 5:
                found += [fields[3], fields[4]]
    sts = root / "stsbenchmark" / "sts-train.csv"
    if sts.exists():  # tab-separated, first seven fields only, no quoting
        for line in sts.read_text("utf-8").splitlines():
            fields = line.split("\t")
            if len(fields) >= 7:
                found += [fields[5], fields[6]]
    ecb = root / "ecbplus" / "ecbplus_docs_train_dev.jsonl"
    if ecb.exists():
        for line in ecb.read_text("utf-8").splitlines():
            if line.strip():
                found += _SENTENCE_END.split(str(json.loads(line)["text"]))
    seen: set[str] = set()
    sentences = []
    for sentence in found:
        sentence = sentence.strip()
        if len(sentence.split()) >= 3 and sentence not in seen:
            seen.add(sentence)
            sentences.append(sentence)
    return sentences


def make_articles(sentences: Sequence[str], count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    return [" ".join(rng.sample(sentences, rng.randint(10, 20))) for _ in range(count)]


def light_edit(text: str, rng: random.Random, vocabulary: Sequence[str]) -> str:
    """A few words substituted, deleted or inserted (1-4% of the words, at least 2)."""
    words = text.split()
    edits = max(2, round(len(words) * rng.uniform(0.01, 0.04)))
    for _ in range(edits):
        i = rng.randrange(len(words))
        kind = rng.choice(("substitute", "delete", "insert"))
        if kind == "substitute":
            words[i] = rng.choice(vocabulary)
        elif kind == "delete" and len(words) > 10:
            del words[i]
        else:
            words.insert(i, rng.choice(vocabulary))
    return " ".join(words)


def best_time(run: Callable[[], object], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - start)
    return best


def traced(build: Callable[[], object]) -> tuple[object, int, int]:
    """Build under tracemalloc; the result and the (current, peak) bytes it allocated."""
    gc.collect()
    tracemalloc.start()
    try:
        result = build()
        gc.collect()
        current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return result, current, peak


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=20000, help="articles to index")
    parser.add_argument("--copies", type=int, default=500, help="planted near-copies")
    parser.add_argument("--threshold", type=float, default=0.5, help="LSH Jaccard threshold")
    parser.add_argument("--batch", type=int, default=1000, help="storytrace batch size")
    parser.add_argument("--repeat", type=int, default=3, help="timed passes, best kept")
    parser.add_argument("--seed", type=int, default=7, help="corpus and edit seed")
    args = parser.parse_args(argv)

    if not SHARED_DATA.is_dir():
        print(f"skipped: no external data at {SHARED_DATA}")
        return 0
    try:
        import datasketch
        from datasketch import MinHash, MinHashLSH
    except ImportError:
        print("skipped: datasketch is not installed (pip install -e '.[dev]')")
        return 0
    sentences = load_sentences(SHARED_DATA)
    if len(sentences) < 100:
        print(f"skipped: too few sentences in {SHARED_DATA} ({len(sentences)})")
        return 0

    articles = make_articles(sentences, args.docs, args.seed)
    rng = random.Random(args.seed + 1)
    vocabulary = sorted({w for s in sentences[:5000] for w in s.split()})
    originals = rng.sample(range(len(articles)), min(args.copies, len(articles)))
    copies = [light_edit(articles[i], rng, vocabulary) for i in originals]

    # Shingles once, outside every timing, for both libraries.
    doc_shingles = [shingles(text) for text in articles]
    copy_shingles = [shingles(text) for text in copies]
    ds_inputs = [h.tolist() for h in doc_shingles]
    exact = [
        np.intersect1d(doc_shingles[i], c).size / np.union1d(doc_shingles[i], c).size
        for i, c in zip(originals, copy_shingles, strict=True)
    ]
    bands, rows = optimal_params(args.threshold, NUM_PERM)
    hasher = MinHasher(num_perm=NUM_PERM, seed=SEED)
    keys = np.arange(len(articles), dtype=np.int64)
    batches = [slice(lo, lo + args.batch) for lo in range(0, len(articles), args.batch)]

    times: dict[str, list[float]] = {"ours_sig": [], "ours_ins": [], "ds_sig": [], "ds_ins": []}
    last: dict[str, Any] = {}

    def ours() -> None:
        index = LSHIndex(bands, rows, NUM_PERM)
        sig_time = ins_time = 0.0
        for part in batches:
            t0 = time.perf_counter()
            sigs = hasher.signatures(doc_shingles[part])
            t1 = time.perf_counter()
            index.insert_many(keys[part], sigs)
            t2 = time.perf_counter()
            sig_time += t1 - t0
            ins_time += t2 - t1
        times["ours_sig"].append(sig_time)
        times["ours_ins"].append(ins_time)
        last["ours"] = index

    def theirs() -> None:
        lsh = MinHashLSH(num_perm=NUM_PERM, params=(bands, rows))
        sig_time = ins_time = 0.0
        for part in batches:
            t0 = time.perf_counter()
            minhashes = list(
                MinHash.generator(ds_inputs[part], num_perm=NUM_PERM, seed=SEED, hashfunc=int)
            )
            t1 = time.perf_counter()
            for key, minhash in enumerate(minhashes, start=part.start):
                lsh.insert(key, minhash)
            t2 = time.perf_counter()
            sig_time += t1 - t0
            ins_time += t2 - t1
        times["ds_sig"].append(sig_time)
        times["ds_ins"].append(ins_time)
        last["ds"] = lsh

    ours_best = ds_best = float("inf")
    for _ in range(args.repeat):  # alternate, so a noisy spell hits both
        ours_best = min(ours_best, best_time(ours, 1))
        ds_best = min(ds_best, best_time(theirs, 1))
    index: LSHIndex = last["ours"]
    lsh = last["ds"]

    # datasketch's out-of-the-box path (SHA-1 of every shingle string), informational.
    sample = articles[: min(2000, len(articles))]
    word = re.compile(r"\w+")

    def default_datasketch() -> None:
        lsh_default = MinHashLSH(num_perm=NUM_PERM, params=(bands, rows))
        for key, text in enumerate(sample):
            tokens = word.findall(text.casefold())
            grams = {" ".join(tokens[i : i + 5]) for i in range(max(1, len(tokens) - 4))}
            minhash = MinHash(num_perm=NUM_PERM, seed=SEED)
            minhash.update_batch([g.encode("utf-8") for g in grams])
            lsh_default.insert(key, minhash)

    default_time = best_time(default_datasketch, 1)

    # Memory: only what each index keeps; signatures are made before tracing starts.
    all_sigs = hasher.signatures(doc_shingles)
    ds_minhashes = list(MinHash.generator(ds_inputs, num_perm=NUM_PERM, seed=SEED, hashfunc=int))

    def build_ours() -> LSHIndex:
        built = LSHIndex(bands, rows, NUM_PERM)
        for part in batches:
            built.insert_many(keys[part], all_sigs[part])
        return built

    def build_theirs(minhashes: list[Any] = ds_minhashes) -> object:
        built = MinHashLSH(num_perm=NUM_PERM, params=(bands, rows))
        for key, minhash in enumerate(minhashes):
            built.insert(key, minhash)
        return built

    built_ours, ours_mem, ours_peak = traced(build_ours)
    assert isinstance(built_ours, LSHIndex)
    _, ds_mem, ds_peak = traced(build_theirs)
    identical = float(
        np.mean([np.array_equal(all_sigs[i], m.hashvalues) for i, m in enumerate(ds_minhashes)])
    )
    del ds_minhashes, build_theirs

    # Quality: query every planted copy in both indexes.
    copy_sigs = hasher.signatures(copy_shingles)
    copy_minhashes = list(
        MinHash.generator(
            [h.tolist() for h in copy_shingles], num_perm=NUM_PERM, seed=SEED, hashfunc=int
        )
    )
    t0 = time.perf_counter()
    ours_found = [index.query(sig) for sig in copy_sigs]
    ours_query = (time.perf_counter() - t0) / len(copies)
    t0 = time.perf_counter()
    batched = index.query_many(copy_sigs)
    ours_batched = (time.perf_counter() - t0) / len(copies)
    assert batched == ours_found
    t0 = time.perf_counter()
    ds_found = [lsh.query(m) for m in copy_minhashes]
    ds_query = (time.perf_counter() - t0) / len(copies)
    ours_recall = np.mean([o in f for o, f in zip(originals, ours_found, strict=True)])
    ds_recall = np.mean([o in f for o, f in zip(originals, ds_found, strict=True)])
    same_candidates = np.mean(
        [sorted(a) == sorted(b) for a, b in zip(ours_found, ds_found, strict=True)]
    )

    n = len(articles)
    ours_rate, ds_rate = n / ours_best, n / ds_best
    throughput_ratio = ours_rate / ds_rate
    memory_ratio = ours_mem / ds_mem
    mean_shingles = float(np.mean([h.size for h in doc_shingles]))
    print(
        f"storytrace vs datasketch {datasketch.__version__}: {n:,} articles "
        f"({mean_shingles:.0f} distinct word 5-grams on average), {len(copies)} planted "
        f"near-copies (exact Jaccard to their original: min {min(exact):.2f}, "
        f"median {float(np.median(exact)):.2f})"
    )
    print(
        f"num_perm={NUM_PERM}, threshold={args.threshold} -> bands={bands} rows={rows}; "
        f"storytrace batches of {args.batch}; best of {args.repeat} alternating passes; "
        "shingling excluded on both sides"
    )
    print()
    rows_out: list[tuple[str, str, str, str]] = [
        ("", "storytrace", "datasketch", "ratio"),
        (
            "insert throughput, docs/s (signature + LSH)",
            f"{ours_rate:,.0f}",
            f"{ds_rate:,.0f}",
            f"{throughput_ratio:.1f}x",
        ),
        (
            "  signature only, docs/s",
            f"{n / min(times['ours_sig']):,.0f}",
            f"{n / min(times['ds_sig']):,.0f}",
            f"{min(times['ds_sig']) / min(times['ours_sig']):.1f}x",
        ),
        (
            "  LSH insert only, docs/s",
            f"{n / min(times['ours_ins']):,.0f}",
            f"{n / min(times['ds_ins']):,.0f}",
            f"{min(times['ds_ins']) / min(times['ours_ins']):.1f}x",
        ),
        (
            "  datasketch default SHA-1 path, docs/s *",
            "",
            f"{len(sample) / default_time:,.0f}",
            "",
        ),
        (
            "index memory, bytes/article (tracemalloc)",
            f"{ours_mem / n:,.0f}",
            f"{ds_mem / n:,.0f}",
            f"{memory_ratio:.3f}",
        ),
        (
            "  peak while building, bytes/article",
            f"{ours_peak / n:,.0f}",
            f"{ds_peak / n:,.0f}",
            f"{ours_peak / ds_peak:.3f}",
        ),
        ("  arrays (LSHIndex.nbytes), bytes/article", f"{built_ours.nbytes / n:,.0f}", "", ""),
        (
            "query latency, us (one at a time)",
            f"{ours_query * 1e6:,.0f}",
            f"{ds_query * 1e6:,.0f}",
            "",
        ),
        ("  LSHIndex.query_many, us a query", f"{ours_batched * 1e6:,.1f}", "", ""),
        (
            "recall of planted near-copies",
            f"{ours_recall:.3f}",
            f"{ds_recall:.3f}",
            "",
        ),
        (
            "candidates per query (mean)",
            f"{np.mean([len(f) for f in ours_found]):.2f}",
            f"{np.mean([len(f) for f in ds_found]):.2f}",
            "",
        ),
        ("identical signatures / candidate sets", f"{identical:.3f}", f"{same_candidates:.3f}", ""),
    ]
    widths = [max(len(r[i]) for r in rows_out) for i in range(4)]
    for row in rows_out:
        print(
            f"{row[0]:<{widths[0]}}  {row[1]:>{widths[1]}}  {row[2]:>{widths[2]}}  "
            f"{row[3]:>{widths[3]}}"
        )
    print(f"* first {len(sample):,} articles, SHA-1 of each shingle string; not in the ratio")
    print(f"throughput_ratio={throughput_ratio:.2f} memory_ratio={memory_ratio:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
