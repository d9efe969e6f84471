"""Sentence alignment on WMT22 documents (gold: src_sentences[i] ~ ref_sentences[i]).

Each document is given to the aligner as its gold sentences (so segmentation errors do
not count against alignment), source against translation. A predicted unit links every A
sentence in it to every B sentence in it; precision, recall and F1 are over those links
against the gold 1:1 links (the strict measure Bertalign and Vecalign report). The same
documents are also read whole through the full pipeline and judged: the relation should
be ``translation``, and every typed change reported between a professional translation
and its source is counted (per 50 source sentences; nearly all are false).

    python bench/align_wmt.py [--encoder use] [--pair en-ru,ru-en,en-uk]
    python bench/align_wmt.py --fit [--encoder e5] [--pair en-ru,ru-en]

One table row per pair, each pair also given in reverse (translation first) as ``uk-en*``
when ``--both-orders``. ``--fit`` fits the cross-lingual sentence decision
(``models/similarity-<encoder>-xl.json``) on the documents of ``--pair``: every gold pair
is a positive, and for each source sentence its most similar wrong translated sentence
and one random wrong one are negatives (balanced classes, hard negatives included), so
that p = 0.5 separates "this is its translation" from "this is a neighbouring sentence".
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import time
from collections.abc import Callable
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
    pairs = sorted({str(d["pair"]) for d in docs})
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
        data=f"WMT22 news {'+'.join(pairs)} documents, {len(ys)} sentence pairs: each gold "
        "pair, its hardest and a random wrong partner",
        files=[datasets.SHARED_DATA / datasets.WMT_EN_RU]
        + ([datasets.SHARED_DATA / datasets.WMT_EN_UK] if "en-uk" in pairs else []),
        metric="accuracy of p > 0.5 on the fitted pairs (in-sample)",
        value=float(np.mean((predict(w, x) > 0.5) == y)),
        notes="The alignment F1 with this model is what the script prints without --fit. "
        "Length is the relative letter count (similarity._Side.sizes).",
    )


def measure(
    docs: list[dict[str, object]],
    encoder: str | None,
    *,
    reverse: bool = False,
    verbose: bool = False,
    layout: Callable[[list[str], str], str] | None = None,
) -> dict[str, float]:
    """Alignment P/R/F1, the share judged ``translation`` and typed changes per 50
    source sentences; ``reverse`` gives each translation as A and its source as B.
    ``layout`` writes a document's sentences as the text read whole (default: one
    paragraph each)."""
    tp = fp = fn = 0
    translation = changes = sentences = wrong_direction = 0
    write = layout or (lambda sentences, _lang: "\n\n".join(sentences))
    for doc in docs:
        src = [str(s) for s in doc["src_sentences"]]  # type: ignore[union-attr]
        ref = [str(s) for s in doc["ref_sentences"]]  # type: ignore[union-attr]
        langs = (str(doc["src_lang"]), str(doc["ref_lang"]))
        if reverse:
            src, ref, langs = ref, src, (langs[1], langs[0])
        a = article_from_sentences(src, langs[0], f"{doc['doc_id']}.a")
        b = article_from_sentences(ref, langs[1], f"{doc['doc_id']}.b")
        comparison = compare(a, b, encoder=encoder)
        predicted = {(i, j) for p in comparison.pairs for i in p.a for j in p.b}
        gold = {(i, i) for i in range(min(len(src), len(ref)))}
        tp += len(predicted & gold)
        fp += len(predicted - gold)
        fn += len(gold - predicted)
        whole = compare(
            from_text(write(src, langs[0])), from_text(write(ref, langs[1])), encoder=encoder
        )
        translation += whole.relation.label == "translation"
        # the source is the original: A when given first, B when reversed
        stated = whole.relation.direction
        wrong_direction += stated != "unknown" and stated != ("b_to_a" if reverse else "a_to_b")
        changes += sum(len(p.changes) for p in whole.pairs)
        if verbose:
            for p in whole.pairs:
                for c in p.changes:
                    print(f"  {doc['doc_id']} {c.type}/{c.subtype}: {c.a!r} -> {c.b!r}")
        sentences += len(src)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "docs": len(docs),
        "links": tp + fn,
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "translation": translation / len(docs) if docs else 0.0,
        "changes_per_50": 50 * changes / sentences if sentences else 0.0,
        "direction_wrong": wrong_direction / len(docs) if docs else 0.0,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--encoder", default=None)
    parser.add_argument("--pair", default="en-ru,ru-en,en-uk", help="comma-separated pairs")
    parser.add_argument("--both-orders", action="store_true", help="also translation first")
    parser.add_argument("--fit", action="store_true", help="refit the cross-lingual weights")
    parser.add_argument(
        "-v", "--verbose", action="store_true", help="list every typed change reported"
    )
    args = parser.parse_args()
    pairs = [p.strip() for p in args.pair.split(",") if p.strip()]
    by_pair = {pair: datasets.wmt_docs(pair) for pair in pairs}
    if not any(by_pair.values()):
        sys.exit("WMT22 documents not found in ../shared/data; nothing to measure")
    if args.fit:
        fit_cross_lingual([d for docs in by_pair.values() for d in docs], args.encoder)
        return
    print(
        f"{'pair':<7} {'docs':>4} {'links':>5} {'precision':>9} {'recall':>7} {'f1':>7} "
        f"{'translation':>11} {'changes/50':>10} {'s':>6}"
    )
    f1s = []
    for pair, docs in by_pair.items():
        for reverse in (False, True) if args.both_orders else (False,):
            t0 = time.perf_counter()
            m = measure(docs, args.encoder, reverse=reverse, verbose=args.verbose)
            name = "-".join(pair.split("-")[::-1]) + "*" if reverse else pair
            print(
                f"{name:<7} {m['docs']:>4.0f} {m['links']:>5.0f} {m['precision']:>9.4f} "
                f"{m['recall']:>7.4f} {m['f1']:>7.4f} {m['translation']:>11.2f} "
                f"{m['changes_per_50']:>10.2f} {time.perf_counter() - t0:>6.1f}"
            )
            f1s.append(m["f1"])
    print("* translation given first, its source second")
    print(f"alignment_f1_mean={sum(f1s) / len(f1s):.4f}")


if __name__ == "__main__":
    main()
