"""same_story vs related vs unrelated on ECB+ train/dev; fits ``models/relation-*.json``.

ECB+ topics each hold two real events of the same kind (two earthquakes, two arrests).
Pairs of documents of one subtopic report the same event (gold ``same_story``); pairs
across the two subtopics of a topic are the hard negatives (gold ``related``); pairs across
topics are ``unrelated``. Each pair goes through ``compare``; its document features feed
a logistic model P(same story), fitted here by cross-validation over topics (so no topic
is judged by weights fitted on it), and two thresholds split same_story / related /
unrelated.

    python bench/relation_ecb.py [--encoder lexical] [--unrelated 3000] [--write]

Prints the confusion table, per-class accuracy and the weights fitted on all pairs;
``--write`` saves them as ``models/relation-story.json`` and ``relation-related.json``,
the defaults of ``RelateOptions``.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import datasets
from msrp_sentence_decision import fit_logistic, predict, write_model
from storytrace import from_text
from storytrace.comparison import compare
from storytrace.encode import get_encoder
from storytrace.relate import RELATION_FEATURES, document_cosine, document_features

GOLD = ("same_story", "related", "unrelated")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--encoder", default=None)
    parser.add_argument("--unrelated", type=int, default=3000)
    parser.add_argument("--limit-topics", type=int, default=None)
    parser.add_argument("--write", action="store_true", help="write the two fitted models")
    args = parser.parse_args()
    docs = datasets.ecb_docs()
    if not docs:
        sys.exit("ECB+ not found in ../shared/data; nothing to measure")
    topics = sorted({int(d["topic"]) for d in docs})  # type: ignore[call-overload]
    if args.limit_topics:
        topics = topics[: args.limit_topics]
        docs = [d for d in docs if d["topic"] in topics]
    t0 = time.perf_counter()
    articles = {str(d["doc_id"]): from_text(str(d["text"]), source=str(d["doc_id"])) for d in docs}
    encoder = get_encoder(args.encoder)
    vectors = {k: encoder.encode([s.text for s in a.sentences]) for k, a in articles.items()}
    print(f"read and encoded {len(docs)} documents in {time.perf_counter() - t0:.1f}s")
    rng = random.Random(7)
    pairs: list[tuple[str, str, str, int]] = []
    for i, x in enumerate(docs):
        for y in docs[i + 1 :]:
            if x["topic"] == y["topic"]:
                gold = "same_story" if x["subtopic"] == y["subtopic"] else "related"
                pairs.append((str(x["doc_id"]), str(y["doc_id"]), gold, int(x["topic"])))  # type: ignore[call-overload]
    for _ in range(args.unrelated):
        x, y = rng.sample(docs, 2)
        if x["topic"] != y["topic"]:
            pairs.append((str(x["doc_id"]), str(y["doc_id"]), "unrelated", int(x["topic"])))  # type: ignore[call-overload]
    t0 = time.perf_counter()
    feats = []
    derived: list[str | None] = []
    for ka, kb, _, _ in pairs:
        c = compare(articles[ka], articles[kb], encoder=args.encoder)
        f = document_features(c.a, c.b, c.pairs, document_cosine(vectors[ka], vectors[kb]))
        feats.append((f.document_cosine, f.shared_facts, max(f.coverage_a, f.coverage_b)))
        # a derivation verdict (duplicate ... translation) is taken before the story model
        label = c.relation.label
        derived.append(label if label not in GOLD else None)
    print(f"compared {len(pairs)} pairs in {time.perf_counter() - t0:.1f}s")
    print(f"judged derived (copy, edit, rewrite, translation): {Counter(derived)}")
    x = np.array(feats)
    gold = np.array([g for _, _, g, _ in pairs])
    topic = np.array([t for _, _, _, t in pairs])
    y_story = (gold == "same_story").astype(float)
    y_related = (gold != "unrelated").astype(float)
    # Cross-validation by topic: 5 folds of topics.
    folds = np.array_split(np.array(topics), 5)
    predicted = np.empty(len(pairs), dtype=object)
    for fold in folds:
        test = np.isin(topic, fold)
        w = fit_logistic(x[~test], y_story[~test])
        w_rel = fit_logistic(x[~test], y_related[~test])
        p_story = predict(w, x[test])
        p_rel = predict(w_rel, x[test])
        predicted[test] = np.where(
            p_story > 0.5, "same_story", np.where(p_rel > 0.5, "related", "unrelated")
        )
    predicted = np.array(
        [d if d is not None else p for d, p in zip(derived, predicted, strict=True)], dtype=object
    )
    table = Counter(zip(gold, predicted, strict=True))
    print(f"\nECB+ train+dev, cross-validated by topic ({len(pairs)} pairs)")
    cols = (*GOLD, "derived")
    print(f"{'gold / predicted':<16}" + "".join(f"{g:>12}" for g in cols) + f"{'accuracy':>10}")
    for g in GOLD:
        row = [table[(g, p)] for p in GOLD] + [
            sum(v for (gg, p), v in table.items() if gg == g and p not in GOLD)
        ]
        acc = table[(g, g)] / max(sum(row), 1)
        print(f"{g:<16}" + "".join(f"{v:>12}" for v in row) + f"{acc:>10.3f}")
    overall = float(np.mean(gold == predicted))
    w = fit_logistic(x, y_story)
    w_rel = fit_logistic(x, y_related)
    print("\nweights (bias, cosine, shared facts, coverage)")
    print("  same_story:", np.round(w, 3).tolist())
    print("  related:   ", np.round(w_rel, 3).tolist())
    if args.write:
        for name, weights, what in (("story", w, "same story"), ("related", w_rel, "related")):
            write_model(
                f"relation-{name}",
                RELATION_FEATURES,
                weights,
                digits=3,
                data=f"ECB+ train+dev, {len(pairs)} document pairs ({len(topics)} topics; "
                f"{args.unrelated} random draws across topics), encoder {encoder.name}",
                files=[datasets.SHARED_DATA / datasets.ECB_TRAIN_DEV],
                metric="accuracy of same_story / related / unrelated (derivations judged "
                "first), 5-fold CV by topic",
                value=overall,
                notes=f"P({what}); the weights are fitted on all pairs after the CV.",
            )
    print(f"relation_accuracy={overall:.4f}")


if __name__ == "__main__":
    main()
