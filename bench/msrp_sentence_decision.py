"""The sentence decision on MSRP train, by cross-validation; fits ``models/similarity-*.json``.

Two decisions are measured. ``same_statement`` (what ``diff`` reports on every aligned
unit with both sides, ``models/same_statement-*.json``): a logistic model over
``statement.STATEMENT_FEATURES`` and hinges of the graded ones at their training quantiles,
whose first feature (the similarity model's logit) is refitted inside each fold. And the
older one, which calls two sentences a paraphrase when ``diff`` would align them as
identical or reworded: the texts are identical, or the similarity
model says "same statement" (p > 0.5) and no typed fact change (number, date, name,
quote, hedge, attribution, framing, claim) separates them. This script measures both
with k-fold cross-validation on MSRP train, next to the plain cosine-threshold baseline.

    python bench/msrp_sentence_decision.py --encoder use          # table
    python bench/msrp_sentence_decision.py --encoder use --write  # refit, write the model
    python bench/msrp_sentence_decision.py --encoder use --write-statement  # same_statement

The logistic weights are fitted on pairs with no detected fact change (where the label is
about wording alone), and the decision threshold is folded into the bias so that the
shipped model's 0.5 is the decision point the aligner uses.
"""

from __future__ import annotations

import argparse
import datetime
import math
import shlex
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import datasets
from storytrace import errors, from_text
from storytrace.changes import fact_changes
from storytrace.diff import normalise_text
from storytrace.encode import get_encoder
from storytrace.logistic import LogisticModel, Provenance, sha256_files
from storytrace.similarity import FEATURES, UnitSimilarity, similarity_model
from storytrace.statement import (
    FLAGS,
    STATEMENT_FEATURES,
    hinge_name,
    model_matrix,
    statement_features,
)

MODEL_DIR = Path(__file__).resolve().parents[1] / "src/storytrace/models"
"""Where ``--write`` puts the fitted models (``storytrace.logistic.load`` reads them)."""

HINGE_QUANTILES = (0.2, 0.4, 0.6, 0.8)
"""Where ``same_statement`` places the knots of each graded feature (training quantiles)."""

STATEMENT_L2 = 10.0
"""The ridge of the ``same_statement`` fit (1, 3, 10, 30 tried: 10 best with hinges)."""


def fit_logistic(x: np.ndarray, y: np.ndarray, l2: float = 1e-2) -> np.ndarray:
    """Newton-Raphson logistic regression with a small L2 penalty; returns [bias, w...]."""
    xb = np.hstack([np.ones((len(x), 1)), x])
    w = np.zeros(xb.shape[1])
    for _ in range(50):
        p = 1 / (1 + np.exp(-xb @ w))
        grad = xb.T @ (p - y) + l2 * np.r_[0, w[1:]]
        hess = (xb * (p * (1 - p))[:, None]).T @ xb + l2 * np.diag(np.r_[0, np.ones(len(w) - 1)])
        step = np.linalg.solve(hess, grad)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    return w


def write_model(
    name: str,
    features: Sequence[str],
    w: Sequence[float],
    *,
    digits: int,
    data: str,
    files: Sequence[Path],
    metric: str,
    value: float,
    notes: str = "",
) -> LogisticModel:
    """Save fitted weights ``w`` (bias first, rounded to ``digits``) as ``MODEL_DIR/<name>.json``
    with their provenance: the data files' sha256, this command line and today's date."""
    model = LogisticModel(
        features=tuple(features),
        weights=tuple(round(float(v), digits) for v in w[1:]),
        bias=round(float(w[0]), digits),
        provenance=Provenance(
            data=data,
            sha256=sha256_files(files),
            sha256_of="files",
            command=shlex.join(["python", *sys.argv]),
            metric=metric,
            value=round(value, 4),
            date=datetime.date.today().isoformat(),
            notes=notes,
        ),
    )
    model.save(MODEL_DIR / f"{name}.json")
    print(f"wrote {name}.json: bias {model.bias}, weights {model.weights}")
    return model


def predict(w: np.ndarray, x: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-(w[0] + x @ w[1:])))


def best_threshold(scores: np.ndarray, y: np.ndarray, forced: np.ndarray) -> float:
    """Threshold on scores maximising accuracy of: forced (identical) or score > t."""
    best_t, best_acc = 0.5, -1.0
    for t in np.unique(np.round(scores, 3)):
        acc = float(np.mean((forced | (scores > t)) == y))
        if acc > best_acc:
            best_t, best_acc = float(t), acc
    return best_t


def featurize(encoder_name: str, limit: int | None) -> dict[str, np.ndarray]:
    pairs = datasets.msrp_train()
    if not pairs:
        sys.exit("MSRP train not found in ../shared/data; nothing to measure")
    pairs = pairs[:limit] if limit else pairs
    encoder = get_encoder(encoder_name)
    model = similarity_model(encoder.name)
    t0 = time.perf_counter()
    articles = []
    for pair in pairs:
        try:
            articles.append((from_text(pair.a), from_text(pair.b)))
        except errors.InputError:
            articles.append((None, None))
    t_read = time.perf_counter() - t0
    texts = sorted({s.text for a, b in articles if a and b for s in (*a.sentences, *b.sentences)})
    t0 = time.perf_counter()
    vectors = encoder.encode(texts)
    t_encode = time.perf_counter() - t0
    index = {t: k for k, t in enumerate(texts)}
    feats, labels, changed, identical, statement = [], [], [], [], []
    for pair, (a, b) in zip(pairs, articles, strict=True):
        labels.append(pair.label)
        if a is None or b is None:
            feats.append(np.zeros(len(FEATURES)))
            changed.append(True)
            identical.append(False)
            statement.append(np.zeros(len(STATEMENT_FEATURES)))
            continue
        sim = UnitSimilarity(
            a=a.sentences,
            b=b.sentences,
            va=vectors[[index[s.text] for s in a.sentences]],
            vb=vectors[[index[s.text] for s in b.sentences]],
            model=model,
            cross_lingual=False,
        )
        feats.append(sim.features(range(len(a.sentences)), range(len(b.sentences))))
        changes = fact_changes(a.sentences, b.sentences, cross_lingual=False)
        changed.append(bool(changes))
        identical.append(normalise_text(a.body) == normalise_text(b.body))
        # the logit column is filled per fold, from the similarity model fitted there
        statement.append(statement_features(a.body, b.body, changes, 0.5, "en"))
    print(
        f"read {len(pairs)} pairs in {t_read:.1f}s; encoded {len(texts)} sentences with "
        f"{encoder.name} in {t_encode:.1f}s ({1000 * t_encode / max(len(texts), 1):.2f} ms each)"
    )
    x = np.array(feats)
    return {
        "x": x,
        "y": np.array(labels, dtype=float),
        "changed": np.array(changed),
        "identical": np.array(identical),
        "cosine": x[:, 0],
        "statement": np.array(statement),
    }


def cross_validate(d: dict[str, np.ndarray], folds: int) -> dict[str, list[float]]:
    rng = np.random.default_rng(13)
    order = rng.permutation(len(d["y"]))
    parts = np.array_split(order, folds)
    results: dict[str, list[float]] = {
        "cosine threshold": [],
        "same statement": [],
        "storytrace": [],
        "same_statement": [],
    }
    for k in range(folds):
        test = parts[k]
        train = np.concatenate([parts[j] for j in range(folds) if j != k])
        y_tr, y_te = d["y"][train], d["y"][test]
        no_forced = np.zeros(len(train), dtype=bool)
        t = best_threshold(d["cosine"][train], y_tr, no_forced)
        results["cosine threshold"].append(float(np.mean((d["cosine"][test] > t) == y_te)))
        w_all = fit_logistic(d["x"][train], y_tr)
        t = best_threshold(predict(w_all, d["x"][train]), y_tr, no_forced)
        results["same statement"].append(float(np.mean((predict(w_all, d["x"][test]) > t) == y_te)))
        w, t = fit_decision(d, train)
        results["storytrace"].append(float(np.mean(decide(d, test, w, t) == y_te)))
        ws = fit_statement(d, train, w_all)
        far = d["statement"][test][:, STATEMENT_FEATURES.index("number_far")] > 0
        guess = d["identical"][test] | ((statement_logits(d, test, w_all, ws) > 0) & ~far)
        results["same_statement"].append(float(np.mean(guess == y_te)))
    return results


def _with_logit(d: dict[str, np.ndarray], idx: np.ndarray, w_sim: np.ndarray) -> np.ndarray:
    """The statement features of ``idx`` with the logit of the similarity model ``w_sim``."""
    x = d["statement"][idx].copy()
    x[:, 0] = np.clip(w_sim[0] + d["x"][idx] @ w_sim[1:], -9.2, 9.2)
    return x


def statement_names(rows: np.ndarray) -> list[str]:
    """Every statement feature, then hinges of the graded ones at their quantiles in
    ``rows`` (the training rows): the columns of the ``same_statement`` model."""
    names = list(STATEMENT_FEATURES)
    for k, name in enumerate(STATEMENT_FEATURES):
        if name in FLAGS:
            continue
        knots = np.unique(np.round(np.quantile(rows[:, k], HINGE_QUANTILES), 4))
        names += [hinge_name(name, float(q)) for q in knots]
    return names


def fit_statement(
    d: dict[str, np.ndarray], idx: np.ndarray, w_sim: np.ndarray
) -> tuple[list[str], np.ndarray]:
    """``same_statement``: a logistic model over the statement features and their hinges
    (knots from ``idx``), threshold 0.5; returns the column names and [bias, w...]."""
    rows = _with_logit(d, idx, w_sim)
    names = statement_names(rows)
    return names, fit_logistic(model_matrix(names, rows), d["y"][idx], l2=STATEMENT_L2)


def statement_logits(
    d: dict[str, np.ndarray],
    idx: np.ndarray,
    w_sim: np.ndarray,
    fitted: tuple[list[str], np.ndarray],
) -> np.ndarray:
    names, w = fitted
    return np.asarray(w[0] + model_matrix(names, _with_logit(d, idx, w_sim)) @ w[1:])


def fit_decision(d: dict[str, np.ndarray], idx: np.ndarray) -> tuple[np.ndarray, float]:
    """Fit the weights on every pair (the model says "same statement", whatever the facts),
    then the threshold that makes the whole decision, fact changes included, most accurate."""
    w = fit_logistic(d["x"][idx], d["y"][idx])
    scores = np.where(d["changed"][idx], -1.0, predict(w, d["x"][idx]))
    t = best_threshold(scores, d["y"][idx], d["identical"][idx])
    return w, t


def decide(d: dict[str, np.ndarray], idx: np.ndarray, w: np.ndarray, t: float) -> np.ndarray:
    p = predict(w, d["x"][idx])
    return d["identical"][idx] | ((p > t) & ~d["changed"][idx])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--encoder", default="use")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--write", action="store_true", help="store the fitted weights")
    parser.add_argument(
        "--write-statement",
        action="store_true",
        help="store the same_statement weights (fitted on all of MSRP train)",
    )
    args = parser.parse_args()
    d = featurize(args.encoder, args.limit)
    results = cross_validate(d, args.folds)
    majority = max(d["y"].mean(), 1 - d["y"].mean())
    print(f"\nMSRP train, {args.folds}-fold cross-validation, encoder {args.encoder}")
    print(f"{'decision':<22} {'accuracy':>9} {'std':>7}")
    print(f"{'majority class':<22} {majority:>9.4f} {'':>7}")
    for name, accs in results.items():
        print(f"{name:<22} {np.mean(accs):>9.4f} {np.std(accs):>7.4f}")
    share = d["changed"].mean()
    print(
        f"\npairs with a typed fact change: {share:.1%} "
        f"(of which paraphrases per MSRP: {d['y'][d['changed']].mean():.1%})"
    )
    if args.write:
        w, t = fit_decision(d, np.arange(len(d["y"])))
        # Fold the threshold into the bias: p > t  <=>  sigmoid(z - logit(t)) > 0.5.
        t = min(max(t, 1e-3), 1 - 1e-3)
        w[0] -= math.log(t / (1 - t))
        write_model(
            f"similarity-{get_encoder(args.encoder).name}",
            FEATURES,
            w,
            digits=4,
            data=f"MSRP train (msr_paraphrase_train.txt), {len(d['y'])} sentence pairs",
            files=[datasets.SHARED_DATA / datasets.MSRP_TRAIN],
            metric="accuracy of the same-statement decision (model alone, best threshold), "
            f"{args.folds}-fold CV on MSRP train",
            value=float(np.mean(results["same statement"])),
            notes="The decision threshold that makes the whole storytrace decision (identical, "
            "or p > t and no typed fact change) most accurate is folded into the bias; that "
            f"decision's CV accuracy: {np.mean(results['storytrace']):.4f}.",
        )
    if args.write_statement:
        write_statement(d, args.encoder, float(np.mean(results["same_statement"])), args.folds)
    print(f"storytrace_accuracy={np.mean(results['storytrace']):.4f}")
    print(f"same_statement_accuracy={np.mean(results['same_statement']):.4f}")


def write_statement(
    d: dict[str, np.ndarray], encoder_name: str, accuracy: float, folds: int
) -> None:
    """Fit ``same_statement`` on all of MSRP train, with the logit of the shipped
    similarity model (what ``diff`` computes), and write ``same_statement-<encoder>``
    (and ``same_statement-generic`` from ``use``: the encoders never fitted)."""
    everything = np.arange(len(d["y"]))
    name = get_encoder(encoder_name).name
    model = similarity_model(name)
    w_sim = np.r_[model.bias, np.asarray(model.weights)]
    names, w = fit_statement(d, everything, w_sim)
    for target in [name] + (["generic"] if name == "use" else []):
        write_model(
            f"same_statement-{target}",
            names,
            w,
            digits=4,
            data=f"MSRP train (msr_paraphrase_train.txt), {len(d['y'])} sentence pairs",
            files=[datasets.SHARED_DATA / datasets.MSRP_TRAIN],
            metric=f"accuracy of same_statement (decision at 0.5), {folds}-fold CV on MSRP train",
            value=accuracy,
            notes=f"Logistic regression, L2 {STATEMENT_L2}, over the statement features and "
            "hinges max(0, feature - knot) of the graded ones at their quantiles "
            f"{', '.join(map(str, HINGE_QUANTILES))}; the first feature is the logit of the "
            f"encoder's similarity model. Fitted with the {name} encoder"
            + ("; 'generic' (encoders never fitted) copies it." if target == "generic" else "."),
        )


if __name__ == "__main__":
    main()
