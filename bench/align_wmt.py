"""Sentence alignment on WMT22 en-ru documents (gold: src_sentences[i] ~ ref_sentences[i]).

Each document is given to the aligner as its gold sentences (so segmentation errors do
not count against alignment), English against Russian. A predicted unit links every A
sentence in it to every B sentence in it; precision, recall and F1 are over those links
against the gold 1:1 links (the strict measure Bertalign and Vecalign report). The same
documents are also read whole through the full pipeline and judged: the relation should
be ``translation``.

    python bench/align_wmt.py [--encoder use] [--pair en-ru]
    python bench/align_wmt.py --fit    # refit the cross-lingual weights ('/xl')

``--fit`` fits the cross-lingual sentence decision (``models/similarity-<encoder>-xl.json``)
on these documents: every gold pair is a positive, and for each English
sentence its most similar wrong Russian sentence and one random wrong one are negatives
(balanced classes, hard negatives included), so that p = 0.5 separates "this is its
translation" from "this is a neighbouring sentence".
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import datasets
from storytrace import facts
from storytrace.comparison import compare
from storytrace.model import Article, Paragraph, Sentence
from storytrace.pipeline import from_text


def article_from_sentences(sentences: list[str], lang: str, name: str) -> Article:
    """An Article whose sentences are exactly the given ones (one paragraph each)."""
    body = "\n\n".join(sentences)
    out, paragraphs, pos = [], [], 0
    for i, text in enumerate(sentences):
        out.append(Sentence(i=i, text=text, start=pos, end=pos + len(text), paragraph=i))
        paragraphs.append(Paragraph(i=i, start=pos, end=pos + len(text)))
        pos += len(text) + 2
    with_facts = facts.extract(tuple(out), lang=lang, published=None)
    digest = hashlib.sha256(body.encode()).hexdigest()
    return Article(
        id=name,
        text=body,
        body=body,
        source=name,
        format="text",
        content_hash=digest,
        lang=lang,
        paragraphs=tuple(paragraphs),
        sentences=with_facts,
    )


def fit_cross_lingual(docs: list[dict[str, object]], encoder_name: str | None) -> None:
    """Fit and write the cross-lingual model of the sentence decision (see the docstring)."""
    import random

    import numpy as np

    from msrp_sentence_decision import fit_logistic, predict, write_model
    from storytrace.encode import get_encoder
    from storytrace.similarity import FEATURES, UnitSimilarity, similarity_model

    encoder = get_encoder(encoder_name)
    rng = random.Random(5)
    xs, ys = [], []
    for doc in docs:
        src = [str(s) for s in doc["src_sentences"]]  # type: ignore[union-attr]
        ref = [str(s) for s in doc["ref_sentences"]]  # type: ignore[union-attr]
        a = article_from_sentences(src, str(doc["src_lang"]), "a")
        b = article_from_sentences(ref, str(doc["ref_lang"]), "b")
        sim = UnitSimilarity(
            a=a.sentences,
            b=b.sentences,
            va=encoder.encode(src),
            vb=encoder.encode(ref),
            model=similarity_model(encoder.name, cross_lingual=True),
            cross_lingual=True,
            lang_a=str(doc["src_lang"]),
            lang_b=str(doc["ref_lang"]),
        )
        f = sim.matrix_features()
        n = min(len(src), len(ref))
        for i in range(n):
            xs.append(f[:, i, i])
            ys.append(1.0)
            wrong = [j for j in range(len(ref)) if j != i]
            if wrong:
                hardest = max(wrong, key=lambda j: f[0, i, j])
                for j in {hardest, rng.choice(wrong)}:
                    xs.append(f[:, i, j])
                    ys.append(0.0)
    used = [k for k, name in enumerate(FEATURES) if name in ("cosine", "anchor", "length")]
    x = np.array(xs)[:, used]
    y = np.array(ys)
    w = fit_logistic(x, y)
    write_model(
        f"similarity-{encoder.name}-xl",
        [FEATURES[k] for k in used],
        w,
        digits=4,
        data=f"WMT22 news en-ru documents, {len(ys)} sentence pairs: each gold pair, its "
        "hardest and a random wrong partner",
        files=[datasets.SHARED_DATA / datasets.WMT_EN_RU],
        metric="accuracy of p > 0.5 on the fitted pairs (in-sample)",
        value=float(np.mean((predict(w, x) > 0.5) == y)),
        notes="The alignment F1 with this model is what the script prints without --fit.",
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--encoder", default=None)
    parser.add_argument("--pair", default="en-ru")
    parser.add_argument("--fit", action="store_true", help="refit the cross-lingual weights")
    args = parser.parse_args()
    docs = datasets.wmt_docs(args.pair)
    if not docs:
        sys.exit("WMT22 documents not found in ../shared/data; nothing to measure")
    if args.fit:
        fit_cross_lingual(docs, args.encoder)
        return
    tp = fp = fn = 0
    labels: Counter[str] = Counter()
    t0 = time.perf_counter()
    for doc in docs:
        src = [str(s) for s in doc["src_sentences"]]  # type: ignore[union-attr]
        ref = [str(s) for s in doc["ref_sentences"]]  # type: ignore[union-attr]
        a = article_from_sentences(src, str(doc["src_lang"]), f"{doc['doc_id']}.src")
        b = article_from_sentences(ref, str(doc["ref_lang"]), f"{doc['doc_id']}.ref")
        comparison = compare(a, b, encoder=args.encoder)
        predicted = {(i, j) for p in comparison.pairs for i in p.a for j in p.b}
        gold = {(i, i) for i in range(min(len(src), len(ref)))}
        tp += len(predicted & gold)
        fp += len(predicted - gold)
        fn += len(gold - predicted)
        whole = compare(
            from_text("\n\n".join(src)), from_text("\n\n".join(ref)), encoder=args.encoder
        )
        labels[whole.relation.label] += 1
    elapsed = time.perf_counter() - t0
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    print(f"WMT22 {args.pair}: {len(docs)} documents, {tp + fn} gold links, {elapsed:.1f}s")
    print(f"{'precision':>10} {'recall':>8} {'f1':>8}")
    print(f"{precision:>10.4f} {recall:>8.4f} {f1:>8.4f}")
    print("relation of the whole documents: " + ", ".join(f"{k} {v}" for k, v in labels.items()))
    print(f"alignment_f1={f1:.4f}")


if __name__ == "__main__":
    main()
