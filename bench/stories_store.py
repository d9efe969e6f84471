"""Stories through the store, as ``storytrace stories`` runs them: ECB+ quality, 100k timing.

    .venv/bin/python bench/stories_store.py --ecb                  # ECB+ ARI via the store
    .venv/bin/python bench/stories_store.py --scale                # 100,000 articles

``--ecb``: the 772 ECB+ train+dev documents are added to a fresh store in file order and
``update_stories`` clusters them, exactly as a user's store would (lead-vector links to
the nearest stored articles, document frequencies of the moment), then once more with
``rebuild=True`` (every link re-scored at the final frequencies); and, in another store,
added in four parts (file order) with ``update_stories`` after each, as a store that
grows. Reports the adjusted Rand index against the gold events and its mean within
topics (the two events of one kind apart), next to ``bench/stories_ecb.py``'s figures
for the model itself.

``--scale``: a copy of the 100,000-article store ``bench/find_store.py`` builds (its
evidence is backfilled first, timed apart: in a store built by this version it is taken
at ingest, 2.5 ms an article); then the whole clustering from scratch, timed; then 1,000
new articles (another seed of ``bench/corpus.py``, ids prefixed ``n``) are added and
clustered incrementally, timed. Also the share of planted versions (copies, light edits,
rewrites, translations) that ended in their original's story. Targets: 100,000 in under
10 minutes; the 1,000 without re-clustering everything.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from collections import Counter, defaultdict
from math import comb
from pathlib import Path

import corpus
import datasets
from storytrace.corpus import Store

RESULTS = Path(__file__).resolve().parent / "results"


def adjusted_rand(x: list[str], y: list[str]) -> float:
    pairs = Counter(zip(x, y, strict=True))
    index = sum(comb(n, 2) for n in pairs.values())
    a = sum(comb(n, 2) for n in Counter(x).values())
    b = sum(comb(n, 2) for n in Counter(y).values())
    expected = a * b / comb(len(x), 2) if len(x) > 1 else 0.0
    top = (a + b) / 2
    return 1.0 if top == expected else (index - expected) / (top - expected)


def partition(store: Store) -> dict[str, str]:
    """Article id -> story id, straight from the store's table (fast at 100,000)."""
    return store.repository.stories.assignments()


def ecb(args: argparse.Namespace) -> None:
    docs = datasets.ecb_docs()
    if not docs:
        sys.exit("skipped: ECB+ not found in ../shared/data")
    gold = {str(d["doc_id"]): str(d["subtopic"]) for d in docs}
    topic = {str(d["doc_id"]): str(d["topic"]) for d in docs}
    with tempfile.TemporaryDirectory() as tmp:
        jsonl = write_docs(Path(tmp) / "ecb.jsonl", docs)
        with Store(Path(tmp) / "ecb.db") as store:
            store.add([jsonl])
            rows = []
            for rebuild in (False, True):
                t0 = time.perf_counter()
                store.update_stories(rebuild=rebuild)
                seconds = time.perf_counter() - t0
                found = partition(store)
                overall, within = scores(found, gold, topic)
                rows.append((rebuild, overall, within, len(set(found.values())), seconds))
        parts = in_parts(docs, Path(tmp), 4)
    events = len(set(gold.values()))
    print(f"ECB+ train+dev through the store: {len(gold)} documents, {events} events")
    print(f"{'run':<34} {'ARI':>6} {'within':>7} {'stories':>8} {'s':>6}")
    for rebuild, overall, within, stories, seconds in rows:
        name = "rebuild (final frequencies)" if rebuild else "incremental, as added"
        print(f"{name:<34} {overall:>6.3f} {within:>7.3f} {stories:>8} {seconds:>6.1f}")
    found, seconds = parts
    overall, within = scores(found, gold, topic)
    stories = len(set(found.values()))
    name = "4 parts, an update after each"
    print(f"{name:<34} {overall:>6.3f} {within:>7.3f} {stories:>8} {seconds:>6.1f}")
    print(f"store_ari={rows[0][1]:.4f} store_within_topic_ari={rows[0][2]:.4f}")


def scores(
    found: dict[str, str], gold: dict[str, str], topic: dict[str, str]
) -> tuple[float, float]:
    """ARI against the gold events, and its mean within topics."""
    keys = sorted(gold)
    overall = adjusted_rand([found[k] for k in keys], [gold[k] for k in keys])
    within = []
    for t in sorted(set(topic.values())):
        members = [k for k in keys if topic[k] == t]
        within.append(adjusted_rand([found[k] for k in members], [gold[k] for k in members]))
    return overall, sum(within) / len(within)


def write_docs(path: Path, docs: list[dict[str, object]]) -> Path:
    """The documents as JSON Lines (``id``, ``text``) at ``path``."""
    with path.open("w", encoding="utf-8") as out:
        for d in docs:
            out.write(json.dumps({"id": d["doc_id"], "text": d["text"]}) + "\n")
    return path


def in_parts(
    docs: list[dict[str, object]], folder: Path, parts: int
) -> tuple[dict[str, str], float]:
    """The stories of a store the documents were added to in ``parts`` runs, in file order,
    ``update_stories`` after each; and the seconds those updates took."""
    size = -(-len(docs) // parts)
    seconds = 0.0
    with Store(folder / "parts.db") as store:
        for n in range(parts):
            part = write_docs(folder / f"part{n}.jsonl", docs[n * size : (n + 1) * size])
            store.add([part])
            t0 = time.perf_counter()
            store.update_stories()
            seconds += time.perf_counter() - t0
        return partition(store), seconds


def scale(args: argparse.Namespace) -> None:
    source = RESULTS / "store-corpus-100000-s7-default.db"
    truth_path = RESULTS / "corpus-100000-s7.jsonl.truth.json"
    if not source.exists():
        sys.exit(f"no store at {source}; build it with bench/find_store.py --articles 100000")
    db = RESULTS / "stories-100k.db"
    for stale in RESULTS.glob("stories-100k.db*"):
        stale.unlink()
    shutil.copy(source, db)
    shutil.copy(source.with_name(source.name + ".usearch"), db.with_name(db.name + ".usearch"))
    truth = json.loads(truth_path.read_text(encoding="utf-8"))
    with Store(db) as store:
        from storytrace.stories.update import backfill_evidence

        t0 = time.perf_counter()
        backfill_evidence(store.repository)
        backfill = time.perf_counter() - t0
        print(f"evidence backfilled for {len(store):,} articles in {backfill:.0f}s", flush=True)
        t0 = time.perf_counter()
        report = store.update_stories()
        full = time.perf_counter() - t0
        print(f"clustered {report.linked:,} articles in {full:.0f}s: {report}", flush=True)
        found = partition(store)
        together = defaultdict(lambda: [0, 0])
        for t in truth:
            together[t["kind"]][1] += 1
            together[t["kind"]][0] += found.get(t["id"]) == found.get(t["original"])
        plan = corpus.plan_corpus(1000, seed=args.seed + 1)
        extra = RESULTS / "stories-extra-1000.jsonl"
        with extra.open("w", encoding="utf-8") as out:
            for record in plan.articles():
                record = dict(record, id="n" + str(record["id"]))
                out.write(json.dumps(record, ensure_ascii=False) + "\n")
        t0 = time.perf_counter()
        added = store.add([extra])
        add_seconds = time.perf_counter() - t0
        t0 = time.perf_counter()
        more = store.update_stories()
        incremental = time.perf_counter() - t0
        stories = len(set(partition(store).values()))
    print(f"\nstories over a store of {report.linked:,} articles ({db.name})")
    print(f"{'measure':<48} {'value':>10}")
    print(f"{'evidence backfill s (at ingest in new stores)':<48} {backfill:>10.0f}")
    print(f"{'clustering from scratch s':<48} {full:>10.0f}")
    print(f"{'  links':<48} {report.links:>10,}")
    print(f"{'  pairs verified with compare':<48} {report.verified:>10,}")
    print(f"{'  stories':<48} {report.stories:>10,}")
    for kind, (same, total) in sorted(together.items()):
        print(f"{'  planted ' + kind + ' in its original story':<48} {same / total:>10.3f}")
    print(f"{'add 1,000 articles s (ingest)':<48} {add_seconds:>10.1f}  ({added.added} added)")
    print(f"{'cluster those 1,000 incrementally s':<48} {incremental:>10.1f}")
    print(f"{'  components re-clustered':<48} {more.components:>10,}")
    print(f"{'stories after':<48} {stories:>10,}")
    print(f"stories_100k_s={full:.0f} incremental_1000_s={incremental:.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ecb", action="store_true")
    parser.add_argument("--scale", action="store_true")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    if not corpus.data_available(corpus.DATA_DIR):
        sys.exit(f"skipped: no external data at {corpus.DATA_DIR}")
    if args.ecb or not args.scale:
        ecb(args)
    if args.scale:
        scale(args)


if __name__ == "__main__":
    main()
