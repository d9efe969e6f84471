"""storytrace's MinHash + LSH, as the store runs it, against datasketch's, in one run.

    .venv/bin/python bench/lsh_vs_datasketch.py --docs 20000

Articles: ``--docs`` articles of 10-20 real sentences (fixed seed) from MSRP train, STS-B
train and ECB+ in ``../shared/data``; both sides get the same word 5-gram hashes
(``fingerprint.shingles``, computed before any timing: shingling is excluded) and the
store's banding (``optimal_params(StoreOptions().lsh_threshold, 128)``). Skips when the
data or datasketch is absent.

- ours: ``MinHasher.signatures`` + ``BandHasher.hashes`` + the rows inserted into the
  ``lsh`` table of a temporary store database (the store's own migrations, WAL, one
  ``BEGIN IMMEDIATE`` transaction per batch, one ``executemany`` per article as
  ``Store._insert_keys``);
  query: the band hashes + ``Store.lsh_candidates``'s ``SELECT DISTINCT``;
- datasketch: ``MinHash.generator`` (``hashfunc=int``) + ``MinHashLSH.insert``; ``query``.

Throughput is articles a second (best of ``--repeat`` alternating passes); recall is over
``--copies`` light-edited copies. The last line is ``throughput_ratio=X memory_ratio=Y``:
ours over datasketch, where memory is ours = bytes on disk of the ``lsh`` table and its
two indexes per article, datasketch = bytes of its in-memory index per article
(tracemalloc). Design notes and figures: ``docs/lsh.md``.
"""

from __future__ import annotations

import argparse
import gc
import json
import random
import re
import sqlite3
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from storytrace.corpus import StoreOptions
from storytrace.fingerprint import MinHasher, shingles
from storytrace.lsh import BandHasher, optimal_params
from storytrace.store.schema import migrate

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


def open_database(path: Path) -> sqlite3.Connection:
    """A database with the store's schema and connection settings."""
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("PRAGMA synchronous = NORMAL")
    migrate(db, str(path))
    return db


def insert_batch(db: sqlite3.Connection, keys: range, band_hashes: NDArray[np.int64]) -> None:
    """One transaction, one ``executemany`` an article: what ``Store`` does per batch."""
    db.execute("BEGIN IMMEDIATE")
    for key, hashes in zip(keys, band_hashes.tolist(), strict=True):
        db.executemany(
            "INSERT INTO lsh (band_hash, article) VALUES (?, ?)", [(h, key) for h in hashes]
        )
    db.execute("COMMIT")


def candidates(db: sqlite3.Connection, band_hashes: Sequence[int]) -> set[int]:
    """``Store.lsh_candidates`` once the band hashes are known."""
    marks = ",".join("?" * len(band_hashes))
    rows = db.execute(
        f"SELECT DISTINCT article FROM lsh WHERE band_hash IN ({marks})", list(band_hashes)
    )
    return {int(r[0]) for r in rows}


def lsh_bytes(db: sqlite3.Connection) -> int:
    """Bytes on disk of the ``lsh`` table and its two indexes (SQLite's ``dbstat``)."""
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    names = ("lsh", "lsh_band_hash", "lsh_article")
    row = db.execute("SELECT SUM(pgsize) FROM dbstat WHERE name IN (?, ?, ?)", names).fetchone()
    return int(row[0])


def traced(build: Callable[[], object]) -> tuple[object, int, int]:
    """Run under tracemalloc; the result and the (current, peak) Python bytes it holds."""
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
    parser.add_argument(
        "--threshold", type=float, default=StoreOptions().lsh_threshold, help="LSH threshold"
    )
    parser.add_argument("--batch", type=int, default=1000, help="articles a transaction")
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
    doc_shingles = [shingles(text) for text in articles]
    copy_shingles = [shingles(text) for text in copies]
    ds_inputs = [h.tolist() for h in doc_shingles]
    exact = [
        np.intersect1d(doc_shingles[i], c).size / np.union1d(doc_shingles[i], c).size
        for i, c in zip(originals, copy_shingles, strict=True)
    ]
    bands, rows = optimal_params(args.threshold, NUM_PERM)
    hasher = MinHasher(num_perm=NUM_PERM, seed=SEED)
    band_hasher = BandHasher(bands, rows, NUM_PERM)
    batches = [
        range(lo, min(lo + args.batch, len(articles))) for lo in range(0, len(articles), args.batch)
    ]
    folder = Path(tempfile.mkdtemp(prefix="storytrace-lsh-"))

    times: dict[str, list[float]] = {k: [] for k in ("sig", "band", "ins", "ds_sig", "ds_ins")}
    built: dict[str, Any] = {}

    def ours() -> None:
        for leftover in folder.iterdir():
            leftover.unlink()
        db = open_database(folder / "store.db")
        spent = dict.fromkeys(("sig", "band", "ins"), 0.0)
        for part in batches:
            t0 = time.perf_counter()
            sigs = hasher.signatures(doc_shingles[part.start : part.stop])
            t1 = time.perf_counter()
            hashes = band_hasher.hashes(sigs).astype(np.int64)
            t2 = time.perf_counter()
            insert_batch(db, part, hashes)
            t3 = time.perf_counter()
            spent["sig"] += t1 - t0
            spent["band"] += t2 - t1
            spent["ins"] += t3 - t2
        for key, seconds in spent.items():
            times[key].append(seconds)
        if "ours" in built:
            built["ours"].close()
        built["ours"] = db

    def theirs() -> None:
        lsh = MinHashLSH(num_perm=NUM_PERM, params=(bands, rows))
        sig_time = ins_time = 0.0
        for part in batches:
            t0 = time.perf_counter()
            minhashes = list(
                MinHash.generator(
                    ds_inputs[part.start : part.stop], num_perm=NUM_PERM, seed=SEED, hashfunc=int
                )
            )
            t1 = time.perf_counter()
            for key, minhash in zip(part, minhashes, strict=True):
                lsh.insert(key, minhash)
            t2 = time.perf_counter()
            sig_time += t1 - t0
            ins_time += t2 - t1
        times["ds_sig"].append(sig_time)
        times["ds_ins"].append(ins_time)
        built["ds"] = lsh

    for _ in range(args.repeat):  # alternate, so a noisy spell hits both
        built.pop("ds", None)
        gc.collect()
        ours()
        gc.collect()
        theirs()
    ours_total = min(
        s + b + i for s, b, i in zip(times["sig"], times["band"], times["ins"], strict=True)
    )
    ds_total = min(s + i for s, i in zip(times["ds_sig"], times["ds_ins"], strict=True))
    db: sqlite3.Connection = built["ours"]
    lsh = built.pop("ds")
    disk = lsh_bytes(db)
    file_size = sum(p.stat().st_size for p in folder.iterdir())

    # Memory of each side's index alone: signatures and MinHashes made before tracing.
    all_sigs = hasher.signatures(doc_shingles)
    del lsh
    ds_minhashes = list(MinHash.generator(ds_inputs, num_perm=NUM_PERM, seed=SEED, hashfunc=int))

    def build_ours() -> None:
        path = folder / "traced.db"
        traced_db = open_database(path)
        for part in batches:
            hashes = band_hasher.hashes(all_sigs[part.start : part.stop]).astype(np.int64)
            insert_batch(traced_db, part, hashes)
        traced_db.close()

    def build_theirs() -> object:
        index = MinHashLSH(num_perm=NUM_PERM, params=(bands, rows))
        for key, minhash in enumerate(ds_minhashes):
            index.insert(key, minhash)
        return index

    _, _, ours_peak = traced(build_ours)
    lsh, ds_mem, ds_peak = traced(build_theirs)
    assert isinstance(lsh, MinHashLSH)
    identical = float(
        np.mean([np.array_equal(all_sigs[i], m.hashvalues) for i, m in enumerate(ds_minhashes)])
    )

    copy_sigs = hasher.signatures(copy_shingles)
    copy_minhashes = list(
        MinHash.generator(
            [h.tolist() for h in copy_shingles], num_perm=NUM_PERM, seed=SEED, hashfunc=int
        )
    )
    t0 = time.perf_counter()
    ours_found = [
        candidates(db, band_hasher.hashes(sig[None, :])[0].astype(np.int64).tolist())
        for sig in copy_sigs
    ]
    ours_query = (time.perf_counter() - t0) / len(copies)
    t0 = time.perf_counter()
    ds_found = [set(lsh.query(m)) for m in copy_minhashes]
    ds_query = (time.perf_counter() - t0) / len(copies)
    db.close()
    for leftover in folder.iterdir():
        leftover.unlink()
    folder.rmdir()
    ours_recall = np.mean([o in f for o, f in zip(originals, ours_found, strict=True)])
    ds_recall = np.mean([o in f for o, f in zip(originals, ds_found, strict=True)])
    same_candidates = np.mean([a == b for a, b in zip(ours_found, ds_found, strict=True)])

    n = len(articles)
    ours_rate, ds_rate = n / ours_total, n / ds_total
    throughput_ratio = ours_rate / ds_rate
    memory_ratio = disk / ds_mem
    mean_shingles = float(np.mean([h.size for h in doc_shingles]))
    print(
        f"storytrace (SQLite lsh table) vs datasketch {datasketch.__version__}: {n:,} articles "
        f"({mean_shingles:.0f} distinct word 5-grams on average), {len(copies)} light-edited "
        f"copies (Jaccard to their original: min {min(exact):.2f}, "
        f"median {float(np.median(exact)):.2f})"
    )
    print(
        f"num_perm={NUM_PERM}, threshold={args.threshold} -> bands={bands} rows={rows}; "
        f"{args.batch} articles a transaction; best of {args.repeat} alternating passes; "
        f"shingling excluded on both sides; SQLite {sqlite3.sqlite_version}; "
        "ratio = storytrace / datasketch"
    )
    print()
    best = {key: min(seconds) for key, seconds in times.items()}

    def rate(seconds: float) -> str:
        return f"{n / seconds:,.0f}"

    table: list[tuple[str, str, str, str]] = [
        ("", "storytrace", "datasketch", "ratio"),
        (
            "insert throughput, articles/s",
            rate(ours_total),
            rate(ds_total),
            f"{throughput_ratio:.2f}",
        ),
        (
            "  signatures",
            rate(best["sig"]),
            rate(best["ds_sig"]),
            f"{best['ds_sig'] / best['sig']:.2f}",
        ),
        ("  band hashes", rate(best["band"]), "", ""),
        (
            "  LSH insert",
            rate(best["ins"]),
            rate(best["ds_ins"]),
            f"{best['ds_ins'] / best['ins']:.2f}",
        ),
        (
            "index, bytes/article",
            f"{disk / n:,.0f} disk",
            f"{ds_mem / n:,.0f} RAM",
            f"{memory_ratio:.3f}",
        ),
        ("  database files, bytes/article", f"{file_size / n:,.0f} disk", "", ""),
        (
            "  Python peak building, bytes/article",
            f"{ours_peak / n:,.0f}",
            f"{ds_peak / n:,.0f}",
            f"{ours_peak / ds_peak:.3f}",
        ),
        (
            "query time, us (one at a time)",
            f"{ours_query * 1e6:,.0f}",
            f"{ds_query * 1e6:,.0f}",
            f"{ours_query / ds_query:.2f}",
        ),
        ("recall of light-edited copies", f"{ours_recall:.3f}", f"{ds_recall:.3f}", ""),
        (
            "candidates a query (mean)",
            f"{np.mean([len(f) for f in ours_found]):.2f}",
            f"{np.mean([len(f) for f in ds_found]):.2f}",
            "",
        ),
        ("identical signatures / candidate sets", f"{identical:.3f}", f"{same_candidates:.3f}", ""),
    ]
    widths = [max(len(r[i]) for r in table) for i in range(4)]
    for row in table:
        print(
            f"{row[0]:<{widths[0]}}  {row[1]:>{widths[1]}}  {row[2]:>{widths[2]}}  "
            f"{row[3]:>{widths[3]}}"
        )
    print(
        "database files: the whole store file (its other tables empty); Python peak: what "
        "tracemalloc sees (SQLite's own page cache, 2 MB by default, is not traced)"
    )
    print(f"throughput_ratio={throughput_ratio:.2f} memory_ratio={memory_ratio:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
