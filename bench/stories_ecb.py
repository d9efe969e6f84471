"""Story clustering on ECB+ train+dev: the event model, the clustering, the baseline.

    .venv/bin/python bench/stories_ecb.py            # the table (about 35 s)
    .venv/bin/python bench/stories_ecb.py --write    # also write models/event.json
    .venv/bin/python bench/stories_ecb.py --scale 100000   # + 100k-article timing (~9 min)

The last line, ``ari=... within_topic_ari=...``, is the honest (nested) estimate; the line
before it gives the defaults on all topics, in-sample for the two clustering knobs.

ECB+ topics each hold two real events of one kind (two earthquakes, two rehab stays);
``subtopic`` is the gold event. Every document is read with ``storytrace.from_text``, its
lead vector computed as the store does (mean USE vector of the first 5 sentences), its
``EventEvidence`` taken, and document frequencies counted over the 772 documents (what a
store holding them would have). The candidate graph links each document to its ``--k``
nearest lead vectors (the store's vector index), both directions.

Weights are fitted by cross-validation BY TOPIC: 5 folds of topics; a link inside fold f
gets its probability from the model fitted without f, a link between folds f and g from
the model fitted without both, so no topic is judged by weights fitted on it. The two
clustering knobs (``StoryRule``: threshold, cohesion ratio) are chosen by nested CV over
the same folds: each fold's topics are read from the clustering whose rule scored best
(mean within-topic ARI) on the other four folds' topics; that composite is the honest
row. The defaults' row (the rule chosen on all topics) and the whole grid are printed for
reading. Everything is clustered together; "within topic" is the ARI restricted to each
topic's documents, averaged over topics.

Baseline, in the same run: TF-IDF cosine (log-TF x IDF over the same content stems) over
ALL pairs, average link (UPGMA), at its best threshold on these very documents (so the
baseline is flattered, not us).

Incremental vs batch: (1) exact: the same links added article by article in a shuffled
order must give the identical partition (checked); (2) as a store would run it: each
article on arrival links to its k nearest among those already added, with probabilities
from the document frequencies of that moment; its ARI against the batch result is
reported, and again with the final document frequencies to tell the two causes apart.

``--scale N`` times the whole computation on N synthetic articles built from the ECB+
evidence (see ``synthetic``): kNN, weighing, probabilities, batch clustering, and the
first 20,000 incremental adds checked against batch.
"""

from __future__ import annotations

import argparse
import math
import random
import resource
import sys
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import datasets
from msrp_sentence_decision import fit_logistic, write_model
from storytrace import from_text
from storytrace.cluster import MemoryGraph, StoryRule, add_to_stories, cluster_batch
from storytrace.encode import get_encoder
from storytrace.events import (
    FEATURES,
    CorpusStats,
    EventEvidence,
    EventModel,
    event_evidence,
    event_features,
    evidence_matrix,
    link_probabilities,
    weigh,
)
from storytrace.keys import document_vectors
from storytrace.model import Article
from storytrace.wording import substance

FOLDS = 5


def adjusted_rand(a: Sequence[object], b: Sequence[object]) -> float:
    """Adjusted Rand index of two labelings (Hubert & Arabie), numpy only."""
    _, ia = np.unique(np.asarray(a, dtype=object).astype(str), return_inverse=True)
    _, ib = np.unique(np.asarray(b, dtype=object).astype(str), return_inverse=True)
    table = np.zeros((ia.max() + 1, ib.max() + 1))
    np.add.at(table, (ia, ib), 1)

    def pairs(x: np.ndarray) -> float:
        return float((x * (x - 1) / 2).sum())

    index, rows, cols = pairs(table), pairs(table.sum(1)), pairs(table.sum(0))
    total = len(ia) * (len(ia) - 1) / 2
    expected = rows * cols / total if total else 0.0
    top = (rows + cols) / 2 - expected
    return 1.0 if top == 0 else (index - expected) / top


def knn_links(vectors: np.ndarray, k: int) -> list[tuple[int, int]]:
    """Pairs (i < j) where j is among i's k nearest by cosine, or i among j's."""
    sims = vectors @ vectors.T
    np.fill_diagonal(sims, -np.inf)
    k = min(k, len(vectors) - 1)
    nearest = np.argpartition(-sims, k - 1, axis=1)[:, :k] if k > 0 else np.zeros((0, 0), int)
    return sorted(
        {(min(i, int(j)), max(i, int(j))) for i in range(len(vectors)) for j in nearest[i]}
    )


THRESHOLDS = (0.4, 0.5, 0.6)
RATIOS = (0.0, 0.6, 0.7, 0.75, 0.8, 0.85)
RULE_GRID = tuple(StoryRule(t, r) for t in THRESHOLDS for r in RATIOS)


def topic_aris(
    labels: dict[str, str], keys: list[str], gold: list[str], topic: list[int]
) -> dict[int, float]:
    """ARI restricted to each topic's documents."""
    out = {}
    for t in sorted(set(topic)):
        idx = [i for i, x in enumerate(topic) if x == t]
        out[t] = adjusted_rand([labels[keys[i]] for i in idx], [gold[i] for i in idx])
    return out


def scores(
    labels: dict[str, str], keys: list[str], gold: list[str], topic: list[int]
) -> tuple[float, float, int]:
    """Overall ARI, mean within-topic ARI, number of stories."""
    pred = [labels[k] for k in keys]
    overall = adjusted_rand(pred, gold)
    within = []
    for t in sorted(set(topic)):
        idx = [i for i, x in enumerate(topic) if x == t]
        within.append(adjusted_rand([pred[i] for i in idx], [gold[i] for i in idx]))
    return overall, float(np.mean(within)), len(set(pred))


def tfidf_similarities(articles: list[Article]) -> np.ndarray:
    """All-pairs TF-IDF cosine: log-TF x IDF over the content stems of every sentence."""
    bags = []
    for a in articles:
        counts: Counter[str] = Counter()
        for s in a.sentences:
            counts.update(substance(s.text, a.lang or "en"))
        bags.append(counts)
    df: Counter[str] = Counter()
    for bag in bags:
        df.update(bag.keys())
    vocab = {t: i for i, t in enumerate(df)}
    n = len(bags)
    m = np.zeros((n, len(vocab)))
    for r, bag in enumerate(bags):
        for t, c in bag.items():
            m[r, vocab[t]] = (1 + math.log(c)) * (math.log((n + 1) / (df[t] + 1)) + 1)
    m /= np.linalg.norm(m, axis=1, keepdims=True) + 1e-12
    return np.asarray(m @ m.T)


def upgma_merges(sims: np.ndarray, floor: float) -> list[tuple[float, int, int]]:
    """Textbook all-pairs UPGMA down to ``floor``: the merges (height, a, b), in order.

    UPGMA heights never increase, so cutting at any threshold >= floor is replaying the
    merges whose height reaches it.
    """
    n = len(sims)
    s = sims.astype(np.float64).copy()
    np.fill_diagonal(s, -np.inf)
    size = np.ones(n)
    merges = []
    for _ in range(n - 1):
        flat = int(np.argmax(s))
        a, b = sorted(divmod(flat, n))
        if s[a, b] < floor:
            break
        merges.append((float(s[a, b]), a, b))
        row = (s[a] * size[a] + s[b] * size[b]) / (size[a] + size[b])
        s[a], s[:, a] = row, row
        s[a, a] = -np.inf
        s[b], s[:, b] = -np.inf, -np.inf
        size[a] += size[b]
    return merges


def cut(merges: list[tuple[float, int, int]], keys: list[str], threshold: float) -> dict[str, str]:
    """The UPGMA clusters at ``threshold``, each named by its first key."""
    parent = list(range(len(keys)))
    for height, a, b in merges:
        if height < threshold:
            break
        parent[b] = a

    def root(i: int) -> int:
        while parent[i] != i:
            i = parent[i]
        return i

    return {k: keys[root(i)] for i, k in enumerate(keys)}


def fold_probabilities(
    x: np.ndarray, y: np.ndarray, fold_i: np.ndarray, fold_j: np.ndarray
) -> tuple[np.ndarray, list[np.ndarray]]:
    """Cross-validated P for every link, and the fitted weights of each fold model."""
    p = np.zeros(len(y))
    fitted = []
    for f in range(FOLDS):
        for g in range(f, FOLDS):
            held = ((fold_i == f) & (fold_j == g)) | ((fold_i == g) & (fold_j == f))
            if not held.any():
                continue
            train = ~np.isin(fold_i, [f, g]) & ~np.isin(fold_j, [f, g])
            w = fit_logistic(x[train], y[train])
            fitted.append(w)
            p[held] = EventModel(tuple(float(v) for v in w)).predict(x[held])
    return p, fitted


def pair_auc(score: np.ndarray, positive: np.ndarray) -> float:
    """Probability that a random positive pair outscores a random negative one."""
    order = np.argsort(score, kind="stable")
    ranks = np.empty(len(score))
    ranks[order] = np.arange(1, len(score) + 1)
    pos = int(positive.sum())
    neg = len(score) - pos
    return float((ranks[positive].sum() - pos * (pos + 1) / 2) / (pos * neg))


def incremental_earlier_only(
    order: list[int],
    evidence: list[EventEvidence],
    vectors: np.ndarray,
    k: int,
    model: EventModel,
    keys: list[str],
    fixed_stats: CorpusStats | None = None,
) -> tuple[dict[str, str], float]:
    """Each article, on arrival, links to its k nearest among those already added (the
    store before it linked both ways: ``stories.update.nearest_neighbours``); both
    sides weighed with the document frequencies of that moment (or ``fixed_stats``, to
    isolate the effect of the candidates)."""
    stats = CorpusStats()
    graph = MemoryGraph()
    arrival = {i: step for step, i in enumerate(order)}  # nodes are numbered as they arrive
    t0 = time.perf_counter()
    for step, i in enumerate(order):
        stats.add(evidence[i])
        now = fixed_stats or stats
        mine = weigh(evidence[i], now)
        links: list[tuple[int, int, float]] = []
        if step:
            earlier = np.array(order[:step])
            sims = vectors[earlier] @ vectors[i]
            for j in earlier[np.argsort(-sims)[:k]].tolist():
                links.append((arrival[j], step, model.probability(mine, weigh(evidence[j], now))))
        add_to_stories(graph, [step], links)
    elapsed = time.perf_counter() - t0
    return {keys[i]: keys[order[graph.story[arrival[i]]]] for i in order}, elapsed


def synthetic(
    n: int, evidence: list[EventEvidence], vectors: np.ndarray, seed: int
) -> tuple[list[EventEvidence], np.ndarray, list[int]]:
    """``n`` articles shaped like ECB+ ones, in events of 1 to ~300 articles.

    Each event takes an ECB+ document as its template ("an earthquake") and makes 80%
    of its keys its own (suffixed with the event id), so events of one template share
    ~20% of their keys, as two earthquakes share "quake", "magnitude"; each article keeps
    70% of its event's keys; vectors are the template's plus event and article noise.
    Sizes: 1 + geometric(0.25) (mean 4), and one event in 200 has 100-300 articles.
    Only for timing: cost depends on evidence sizes, k and component sizes, not on words.
    """
    rng = np.random.default_rng(seed)
    out: list[EventEvidence] = []
    vecs = np.zeros((n, vectors.shape[1]), np.float32)
    event_of: list[int] = []
    event = 0
    while len(out) < n:
        t = int(rng.integers(len(evidence)))
        size = int(rng.integers(100, 301)) if rng.random() < 0.005 else 1 + int(rng.geometric(0.25))
        own = {
            key: (f"{key}#{event}" if rng.random() < 0.8 else key) for key in evidence[t].all_keys()
        }
        centre = vectors[t] + 0.6 * rng.standard_normal(vectors.shape[1]).astype(np.float32) / 22
        for _ in range(min(size, n - len(out))):
            kept = [v for v in own.values() if rng.random() < 0.7]
            out.append(
                EventEvidence(
                    stems=frozenset(v for v in kept if v.startswith("s:")),
                    names=frozenset(v for v in kept if v.startswith("p:")),
                    anchors=frozenset(v for v in kept if v[:2] in ("d:", "n:")),
                )
            )
            v = centre + 0.4 * rng.standard_normal(vectors.shape[1]).astype(np.float32) / 22
            vecs[len(out) - 1] = v / np.linalg.norm(v)
            event_of.append(event)
        event += 1
    return out, vecs, event_of


def scale_run(
    n: int,
    k: int,
    evidence: list[EventEvidence],
    vectors: np.ndarray,
    seed: int,
    incremental: int = 20_000,
) -> None:
    """Time the whole ``stories`` computation on ``n`` synthetic articles."""
    from usearch.index import Index

    t0 = time.perf_counter()
    syn, vecs, events = synthetic(n, evidence, vectors, seed)
    print(
        f"\nscale: {n} synthetic articles, {len(set(events))} events "
        f"(made in {time.perf_counter() - t0:.0f} s)",
        flush=True,
    )
    t0 = time.perf_counter()
    index = Index(ndim=vecs.shape[1], metric="cos", dtype="f16")
    index.add(np.arange(n), vecs)
    found = index.search(vecs, k + 1)
    pairs = set()
    for i in range(n):
        for j in found.keys[i][: found.counts[i]]:
            if int(j) != i:
                pairs.add((min(i, int(j)), max(i, int(j))))
    links = sorted(pairs)
    t_knn = time.perf_counter() - t0
    print(f"  knn: {t_knn:.1f} s", flush=True)
    t0 = time.perf_counter()
    stats = CorpusStats.of(syn)
    matrix = evidence_matrix(syn, stats)
    t_weigh = time.perf_counter() - t0
    print(f"  weigh: {t_weigh:.1f} s", flush=True)
    t0 = time.perf_counter()
    p = link_probabilities(matrix, np.array(links))
    t_prob = time.perf_counter() - t0
    print(f"  prob: {t_prob:.1f} s", flush=True)
    keys = [f"a{i}" for i in range(n)]
    edges = [(keys[i], keys[j], float(q)) for (i, j), q in zip(links, p, strict=True)]
    t0 = time.perf_counter()
    batch = cluster_batch(keys, edges)
    t_batch = time.perf_counter() - t0
    print(f"  batch: {t_batch:.1f} s", flush=True)
    # incremental: the first ``m`` articles one by one, each with its links to earlier
    # ones, against the batch clustering of the same articles and links
    m = min(n, incremental)
    adjacency: dict[int, list[tuple[int, int, float]]] = {i: [] for i in range(m)}
    for (i, j), q in zip(links, p, strict=True):
        if j < m:
            adjacency[j].append((int(i), int(j), float(q)))  # i < j: i is added first
    graph = MemoryGraph()
    t0 = time.perf_counter()
    slowest = 0.0
    for i in range(m):
        t1 = time.perf_counter()
        add_to_stories(graph, [i], adjacency[i])
        slowest = max(slowest, time.perf_counter() - t1)
    t_inc = time.perf_counter() - t0
    first = cluster_batch(
        keys[:m],
        [(keys[i], keys[j], float(q)) for (i, j), q in zip(links, p, strict=True) if j < m],
    )
    same = {keys[i]: keys[graph.story[i]] for i in range(m)} == first
    total = t_knn + t_weigh + t_prob + t_batch
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"  kNN (usearch, k={k}) {t_knn:.1f} s; weigh {t_weigh:.1f} s; features+P for "
        f"{len(links)} links {t_prob:.1f} s ({t_prob / len(links) * 1e6:.1f} us a link); "
        f"batch clustering {t_batch:.1f} s; total {total:.1f} s; peak memory {peak:.0f} MB"
    )
    print(
        f"  incremental: {m} adds in {t_inc:.1f} s ({t_inc / m * 1e3:.2f} ms an add, "
        f"slowest {slowest * 1e3:.0f} ms); "
        f"identical to batch: {same}; stories {len(set(batch.values()))}, "
        f"ARI vs synthetic events {adjusted_rand([batch[k_] for k_ in keys], events):.3f}"
    )


def read_ecb(limit_topics: int | None) -> tuple[list[dict[str, object]], list[Article]]:
    docs = datasets.ecb_docs()
    if not docs:
        sys.exit("ECB+ not found in ../shared/data; nothing to measure")
    if limit_topics:
        keep = sorted({int(str(d["topic"])) for d in docs})[:limit_topics]
        docs = [d for d in docs if int(str(d["topic"])) in keep]
    articles = [from_text(str(d["text"]), source=str(d["doc_id"])) for d in docs]
    return docs, articles


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--k", type=int, default=30, help="candidates per article")
    parser.add_argument("--write", action="store_true", help="write models/event.json")
    parser.add_argument("--limit-topics", type=int, default=None)
    parser.add_argument("--scale", type=int, default=0, help="also time N synthetic articles")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    t0 = time.perf_counter()
    docs, articles = read_ecb(args.limit_topics)
    t_read = time.perf_counter() - t0
    keys = [str(d["doc_id"]) for d in docs]
    gold = [str(d["subtopic"]) for d in docs]
    topic = [int(str(d["topic"])) for d in docs]
    n = len(docs)

    t0 = time.perf_counter()
    evidence = [event_evidence(a) for a in articles]
    t_evidence = time.perf_counter() - t0
    t0 = time.perf_counter()
    vectors = document_vectors(articles, get_encoder("use"))
    t_vectors = time.perf_counter() - t0
    stats = CorpusStats.of(evidence)
    weighted = [weigh(e, stats) for e in evidence]

    t0 = time.perf_counter()
    links = knn_links(vectors, args.k)
    t_knn = time.perf_counter() - t0
    t0 = time.perf_counter()
    x = np.array([event_features(weighted[i], weighted[j]) for i, j in links])
    t_features = time.perf_counter() - t0
    li = np.array([i for i, _ in links])
    lj = np.array([j for _, j in links])
    y = np.array([gold[i] == gold[j] for i, j in links])
    all_same = sum(c * (c - 1) // 2 for c in Counter(gold).values())

    topics = sorted(set(topic))
    fold_of = {t: f for f, ts in enumerate(np.array_split(np.array(topics), FOLDS)) for t in ts}
    fold_i = np.array([fold_of[topic[i]] for i in li])
    fold_j = np.array([fold_of[topic[j]] for j in lj])
    p_cv, fitted = fold_probabilities(x, y.astype(float), fold_i, fold_j)
    within_pairs = np.array([topic[i] == topic[j] for i, j in links])

    print(
        f"ECB+ train+dev: {n} documents, {len(topics)} topics, {len(set(gold))} events; "
        f"{len(links)} candidate links (k={args.k}), holding "
        f"{int(y.sum())}/{all_same} = {y.sum() / all_same:.3f} of same-event pairs"
    )
    print(
        f"per article: read {t_read / n * 1e3:.1f} ms, evidence {t_evidence / n * 1e3:.2f} ms, "
        f"USE lead vector {t_vectors / n * 1e3:.1f} ms; per link: features "
        f"{t_features / len(links) * 1e6:.1f} us; kNN (exact, numpy) {t_knn:.2f} s"
    )
    print(
        f"pair AUC (cross-validated P): all links {pair_auc(p_cv, y):.3f}, "
        f"within-topic links {pair_auc(p_cv[within_pairs], y[within_pairs]):.3f}"
    )
    for c, name in enumerate(FEATURES):
        alone = pair_auc(x[within_pairs, c], y[within_pairs])
        print(f"  {name:<14} alone: within-topic AUC {alone:.3f}")
    tfidf = tfidf_similarities(articles)
    plain = np.array([tfidf[i, j] for i, j in links])
    lead = np.array([float(vectors[i] @ vectors[j]) for i, j in links])
    plain_auc = pair_auc(plain[within_pairs], y[within_pairs])
    lead_auc = pair_auc(lead[within_pairs], y[within_pairs])
    print(f"  for comparison: TF-IDF cosine {plain_auc:.3f}, USE lead cosine {lead_auc:.3f}")
    spread = np.array(fitted)
    print(
        "fold weights (bias, "
        + ", ".join(FEATURES)
        + "): "
        + " | ".join(
            f"{lo:.2f}..{hi:.2f}" for lo, hi in zip(spread.min(0), spread.max(0), strict=True)
        )
    )

    edges = [(keys[i], keys[j], float(p)) for (i, j), p in zip(links, p_cv, strict=True)]
    rows: list[tuple[str, float, float, int, float]] = []
    # every rule of the grid, clustered once over all documents
    runs: dict[StoryRule, dict[str, str]] = {}
    t0 = time.perf_counter()
    for rule in RULE_GRID:
        runs[rule] = cluster_batch(keys, edges, rule)
    t_cluster = (time.perf_counter() - t0) / len(RULE_GRID)
    per_topic = {rule: topic_aris(labels, keys, gold, topic) for rule, labels in runs.items()}
    # nested: each fold's topics are read from the run whose rule scored best on the
    # other folds' topics (mean within-topic ARI)
    composite: dict[str, str] = {}
    chosen = []
    folds = np.array_split(np.array(topics), FOLDS)
    for fold in folds:
        held = {int(t) for t in fold}
        rule = max(
            RULE_GRID,
            key=lambda r: float(np.mean([a for t, a in per_topic[r].items() if t not in held])),
        )
        chosen.append(rule)
        for k, t in zip(keys, topic, strict=True):
            if t in held:
                composite[k] = f"{chosen.index(rule)}:{runs[rule][k]}"
    nested = scores(composite, keys, gold, topic)
    rows.append(("event model, rule chosen by nested CV", *nested, t_cluster))
    default = StoryRule()
    ours = runs.get(default) or cluster_batch(keys, edges, default)
    rows.append(
        (
            f"event model, defaults ({default.threshold}, {default.cohesion_ratio})",
            *scores(ours, keys, gold, topic),
            t_cluster,
        )
    )
    no_gate = StoryRule(cohesion_ratio=0.0)
    rows.append(
        (
            f"  without the cohesion check ({no_gate.threshold})",
            *scores(runs.get(no_gate) or cluster_batch(keys, edges, no_gate), keys, gold, topic),
            t_cluster,
        )
    )

    t0 = time.perf_counter()
    merges = upgma_merges(tfidf, floor=0.05)
    t_upgma = time.perf_counter() - t0
    baseline = []
    for t in (0.05, 0.075, 0.1, 0.125, 0.15, 0.2, 0.25, 0.3):
        baseline.append((t, *scores(cut(merges, keys, t), keys, gold, topic)))
    t_best, *best = max(baseline, key=lambda r: r[1] + r[2])
    rows.append((f"TF-IDF all pairs, UPGMA {t_best} (best cut)", *best, t_upgma))

    # incremental vs batch
    rng = random.Random(args.seed)
    order = list(range(n))
    rng.shuffle(order)
    graph = MemoryGraph()
    arrival = {i: step for step, i in enumerate(order)}  # nodes are numbered as they arrive
    adjacency: dict[int, dict[int, float]] = {i: {} for i in range(n)}
    for (i, j), p in zip(links, p_cv, strict=True):
        adjacency[i][j] = float(p)
        adjacency[j][i] = float(p)
    t0 = time.perf_counter()
    for step, i in enumerate(order):
        earlier = [(arrival[j], step, p) for j, p in adjacency[i].items() if arrival[j] < step]
        add_to_stories(graph, [step], earlier)
    t_incremental = time.perf_counter() - t0
    incremental = {keys[i]: keys[order[graph.story[arrival[i]]]] for i in order}
    shuffled_batch = cluster_batch([keys[i] for i in order], edges)
    exact = incremental == shuffled_batch
    same_partition = adjusted_rand([incremental[k] for k in keys], [ours[k] for k in keys])

    full_model = EventModel(tuple(float(v) for v in fit_logistic(x, y.astype(float))))
    batch_full = cluster_batch(
        keys,
        [(keys[i], keys[j], p) for (i, j), p in zip(links, full_model.predict(x), strict=True)],
    )
    as_store, t_store = incremental_earlier_only(order, evidence, vectors, args.k, full_model, keys)
    store_vs_batch = adjusted_rand([as_store[k] for k in keys], [batch_full[k] for k in keys])
    final_df, _ = incremental_earlier_only(
        order, evidence, vectors, args.k, full_model, keys, stats
    )
    final_df_vs_batch = adjusted_rand([final_df[k] for k in keys], [batch_full[k] for k in keys])

    print(f"\n{'method':<38}{'ARI':>7}{'within':>8}{'stories':>9}{'time s':>8}")
    for name, overall, within, count, seconds in rows:
        print(f"{name:<38}{overall:>7.3f}{within:>8.3f}{count:>9}{seconds:>8.2f}")
    print(f"{'gold':<38}{'':>7}{'':>8}{len(set(gold)):>9}")
    print(
        "\nnested CV chose (threshold, cohesion ratio) per fold: "
        + ", ".join(f"({r.threshold}, {r.cohesion_ratio})" for r in chosen)
    )
    print("every rule of the grid on all topics (threshold: cohesion ratio -> ARI/within):")
    for t in THRESHOLDS:
        cells = []
        for ratio in RATIOS:
            got = scores(runs[StoryRule(t, ratio)], keys, gold, topic)
            cells.append(f"{ratio}: {got[0]:.3f}/{got[1]:.3f}")
        print(f"  {t}  " + "  ".join(cells))
    print(
        f"\nincremental, same links, shuffled order: identical to batch: {exact} "
        f"(ARI vs batch in file order {same_partition:.3f}); "
        f"{t_incremental / n * 1e3:.2f} ms an add"
    )
    full_scores = scores(batch_full, keys, gold, topic)
    store_scores = scores(as_store, keys, gold, topic)
    print(
        f"incremental, k nearest among earlier articles only (the store before it linked "
        f"both ways and re-scored at powers of two), DF of the moment; "
        f"weights fitted on all topics): ARI vs batch {store_vs_batch:.3f}; "
        f"batch {full_scores[0]:.3f}/{full_scores[1]:.3f}, incremental "
        f"{store_scores[0]:.3f}/{store_scores[1]:.3f} (ARI/within), "
        f"{t_store / n * 1e3:.1f} ms an add incl. features"
    )
    print(
        f"  the same with the final document frequencies throughout: ARI vs batch "
        f"{final_df_vs_batch:.3f} (so the rest of the gap is the document frequencies)"
    )
    if args.write:
        write_model(
            "event",
            FEATURES,
            full_model.weights,
            digits=3,
            data=f"ECB+ train+dev, {n} documents, {len(set(topic))} topics; {len(links)} "
            f"candidate links (each document's {args.k} nearest lead vectors, both directions)",
            files=[datasets.SHARED_DATA / datasets.ECB_TRAIN_DEV],
            metric="pair AUC of within-topic links (same event against the other event of "
            f"the same kind), {FOLDS}-fold CV by topic",
            value=pair_auc(p_cv[within_pairs], y[within_pairs]),
        )
    if args.scale:
        scale_run(args.scale, args.k, evidence, vectors, args.seed)
    print(f"defaults_ari={rows[1][1]:.4f} defaults_within_topic_ari={rows[1][2]:.4f}")
    print(f"ari={nested[0]:.4f} within_topic_ari={nested[1]:.4f}")


if __name__ == "__main__":
    main()
