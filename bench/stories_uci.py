"""Story clustering on the UCI News Aggregator headlines (silver labels; report only).

    .venv/bin/python bench/stories_uci.py          # about 30 s

6,366 headlines from 10-12 March 2014 in 87 stories, ``STORY`` given by the aggregator's
own automatic clustering: silver, and coarser than one event (one "story" holds a whole
day of stock-market reports). Headlines only: every article is one line, far from the
ECB+ documents (16 sentences on average) the event model was fitted on. Nothing here is
tuned: the weights and the rule are ``storytrace.cluster``'s defaults, document
frequencies are counted over these headlines, candidates are each headline's ``--k``
nearest USE vectors. For context the table adds mean-link clustering on the USE cosine
alone at its best cut on these very headlines (flattered: the cut is chosen on them).
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from datasets import SHARED_DATA
from stories_ecb import adjusted_rand, knn_links
from storytrace import from_text
from storytrace.cluster import StoryRule, cluster_batch
from storytrace.encode import get_encoder
from storytrace.errors import InputError
from storytrace.events import CorpusStats, EventModel, event_evidence, event_features, weigh
from storytrace.keys import document_vectors

PATH = SHARED_DATA / "uci_news_aggregator" / "uci-news-aggregator_first6366rows.csv"


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--k", type=int, default=30, help="candidates per headline")
    parser.add_argument("--limit", type=int, default=None)
    args = parser.parse_args()
    if not PATH.exists():
        sys.exit(f"UCI headlines not found at {PATH}; nothing to measure")
    with PATH.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))[: args.limit]
    t0 = time.perf_counter()
    articles, kept, skipped = [], [], 0
    for row in rows:
        try:
            articles.append(from_text(row["TITLE"], source=row["ID"]))
            kept.append(row)
        except InputError:
            skipped += 1  # e.g. a headline that is only a date
    keys = [row["ID"] for row in kept]
    gold = [row["STORY"] for row in kept]
    vectors = document_vectors(articles, get_encoder("use"))
    evidence = [event_evidence(a) for a in articles]
    t_read = time.perf_counter() - t0
    stats = CorpusStats.of(evidence)
    weighted = [weigh(e, stats) for e in evidence]
    links = knn_links(vectors, args.k)
    t0 = time.perf_counter()
    p = EventModel().predict(np.array([event_features(weighted[i], weighted[j]) for i, j in links]))
    labels = cluster_batch(
        keys, [(keys[i], keys[j], float(q)) for (i, j), q in zip(links, p, strict=True)]
    )
    t_cluster = time.perf_counter() - t0
    ours = adjusted_rand([labels[k] for k in keys], gold)
    count = len(set(labels.values()))

    cosine = [(keys[i], keys[j], float(vectors[i] @ vectors[j])) for i, j in links]
    reference = []
    for t in (0.5, 0.55, 0.6, 0.65, 0.7):
        got = cluster_batch(keys, cosine, StoryRule(threshold=t, cohesion_ratio=0.0))
        reference.append((adjusted_rand([got[k] for k in keys], gold), t, len(set(got.values()))))
    best_ari, best_t, best_count = max(reference)

    print(
        f"UCI headlines: {len(keys)} read ({skipped} skipped: nothing left after cleaning), "
        f"{len(set(gold))} silver stories; {len(links)} candidate links (k={args.k}); "
        f"read+encode+evidence {t_read / len(keys) * 1e3:.1f} ms a headline"
    )
    print(f"\n{'method':<44}{'ARI':>7}{'stories':>9}{'time s':>8}")
    print(f"{'event model, defaults (not tuned here)':<44}{ours:>7.3f}{count:>9}{t_cluster:>8.2f}")
    print(
        f"{f'USE cosine mean link, best cut {best_t} (tuned)':<44}{best_ari:>7.3f}{best_count:>9}"
    )
    print(f"{'silver':<44}{'':>7}{len(set(gold)):>9}")
    print(f"uci_ari={ours:.4f}")


if __name__ == "__main__":
    main()
