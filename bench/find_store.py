"""``find`` on a large store: latency, recall per kind of version, precision; ingest rate.

    .venv/bin/python bench/find_store.py --articles 100000            # build (once) + measure
    .venv/bin/python bench/find_store.py --articles 2000 --fresh      # a quick run

The corpus is ``bench/corpus.py``'s: real sentences from ../shared/data recombined into
articles, with planted copies, light edits, rewrites (MSRP/STS paraphrases swapped in)
and translations (WMT22 en-ru). The store is built with the default settings (USE lead
vectors, usearch index) unless ``--encoder`` says otherwise, and kept under
``bench/results/`` so later runs only measure.

Queries: the original of every planted version, plus ``--random`` articles with no
planted version (which should find none). Every query runs twice; the second pass is the
one timed for p50/p95 (warm caches, as in a server), the first pass is reported too.
Recall of a kind: the share of planted versions of that kind listed for their original.
Precision: the share of listed versions that are planted versions of the query's base
article (a copy and a light edit of one base count as versions of each other).

Ingest rate is measured separately on the first ``--ingest-sample`` articles, into fresh
stores, with the default settings and with ``--encoder lexical``. Target: default >= 20
articles/s; find p95 <= 50 ms at 100,000 articles; recall >= 0.99 for copies and light
edits, >= 0.95 for rewrites and translations.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import corpus
from storytrace.corpus import Store, StoreOptions

RESULTS = Path(__file__).resolve().parent / "results"


def ingest_rate(path: Path, n: int, encoder: str | None) -> float:
    """Articles per second adding the first ``n`` lines of ``path`` to a fresh store."""
    with tempfile.TemporaryDirectory() as tmp:
        sample = Path(tmp) / "sample.jsonl"
        with path.open(encoding="utf-8") as src, sample.open("w", encoding="utf-8") as out:
            for k, line in enumerate(src):
                if k >= n:
                    break
                out.write(line)
        with Store(Path(tmp) / "rate.db", options=StoreOptions(encoder=encoder)) as store:
            store.encoder.encode(["warm up the encoder"])
            report = store.add([sample])
        return report.rate


def build(args: argparse.Namespace) -> tuple[Path, Path, list[dict[str, str]]]:
    RESULTS.mkdir(exist_ok=True)
    name = f"corpus-{args.articles}-s{args.seed}"
    corpus_path = RESULTS / f"{name}.jsonl"
    truth_path = RESULTS / f"{name}.jsonl.truth.json"
    if args.fresh or not corpus_path.exists():
        corpus.write_corpus(corpus.plan_corpus(args.articles, seed=args.seed), corpus_path)
    truth = json.loads(truth_path.read_text(encoding="utf-8"))
    db = RESULTS / f"store-{name}-{args.encoder or 'default'}.db"
    if args.fresh:
        for stale in RESULTS.glob(db.name + "*"):
            stale.unlink()
    if not db.exists():
        t0 = time.perf_counter()
        with Store(db, options=StoreOptions(encoder=args.encoder)) as store:
            last = [0.0]

            def progress(report: object) -> None:
                now = time.perf_counter()
                if now - last[0] > 60:
                    last[0] = now
                    print(f"  ... {report.added:,} added, {report.rate:.1f}/s", flush=True)  # type: ignore[attr-defined]

            report = store.add([corpus_path], on_progress=progress, batch_size=256)
        print(
            f"built {db.name}: {report.added:,} articles in {time.perf_counter() - t0:.0f}s "
            f"({report.rate:.1f} articles/s)"
        )
    return corpus_path, db, truth


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--encoder", default=None)
    parser.add_argument("--random", type=int, default=300)
    parser.add_argument("--ingest-sample", type=int, default=1000)
    parser.add_argument("--fresh", action="store_true", help="rebuild corpus and store")
    args = parser.parse_args()
    if not corpus.data_available(corpus.DATA_DIR):
        sys.exit(f"skipped: no external data at {corpus.DATA_DIR}")
    corpus_path, db, truth = build(args)

    group: dict[str, str] = {}
    for t in truth:
        group[t["id"]] = t["original"]
        group[t["original"]] = t["original"]
    originals = sorted({t["original"] for t in truth})
    with Store(db, create=False) as store:
        rng = random.Random(args.seed)
        others = [i for i in store.ids() if i not in group]
        queries = originals + rng.sample(others, min(args.random, len(others)))
        store.find_id(queries[0])  # load encoders and the vector index
        first: list[float] = []
        timed: list[float] = []
        listed: dict[str, set[str]] = {}
        for pass_times in (first, timed):
            for q in queries:
                t0 = time.perf_counter()
                result = store.find_id(q)
                pass_times.append(1000 * (time.perf_counter() - t0))
                listed[q] = {v.id for v in result.versions}
        n_articles = len(store)

    found: Counter[str] = Counter()
    total: Counter[str] = Counter()
    for t in truth:
        total[t["kind"]] += 1
        found[t["kind"]] += t["id"] in listed[t["original"]]
    right = wrong = 0
    false_examples: list[tuple[str, str]] = []
    for q, ids in listed.items():
        for v in ids:
            if group.get(v) is not None and group.get(v) == group.get(q):
                right += 1
            else:
                wrong += 1
                false_examples.append((q, v))
    precision = right / (right + wrong) if right + wrong else 1.0
    timed.sort()
    first.sort()

    def pct(values: list[float], q: float) -> float:
        return values[min(int(q * len(values)), len(values) - 1)]

    print(f"\nfind on a store of {n_articles:,} articles ({db.name}); {len(queries)} queries")
    print(f"{'measure':<40} {'value':>10}")
    print(f"{'find p50 ms (warm)':<40} {statistics.median(timed):>10.1f}")
    print(f"{'find p95 ms (warm)':<40} {pct(timed, 0.95):>10.1f}")
    print(f"{'find p95 ms (first pass)':<40} {pct(first, 0.95):>10.1f}")
    for kind in ("copy", "light_edit", "rewrite", "translation"):
        if total[kind]:
            print(f"{'recall ' + kind:<40} {found[kind] / total[kind]:>10.3f}  ({total[kind]})")
    print(f"{'precision (listed versions)':<40} {precision:>10.3f}  ({right + wrong} listed)")
    for q, v in false_examples[:5]:
        print(f"  not a planted version: {q} -> {v}")
    rates = {}
    if args.ingest_sample:
        for name in (None, "lexical"):
            rates[name or "default"] = ingest_rate(corpus_path, args.ingest_sample, name)
            label = f"ingest articles/s ({name or 'default: use'})"
            print(f"{label:<40} {rates[name or 'default']:>10.1f}")
    recall = " ".join(
        f"recall_{k}={found[k] / total[k]:.3f}"
        for k in ("copy", "light_edit", "rewrite", "translation")
        if total[k]
    )
    print(
        f"find_p50_ms={statistics.median(timed):.1f} find_p95_ms={pct(timed, 0.95):.1f} "
        f"{recall} precision={precision:.3f} "
        + " ".join(f"ingest_{k}={v:.1f}" for k, v in rates.items())
    )


if __name__ == "__main__":
    main()
