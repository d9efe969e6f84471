"""Logistic models: every fitted weight set of storytrace, with where it came from.

The sentence decision, the relation and the event model are each a ``LogisticModel``
shipped as ``models/<name>.json`` and written by the benchmark that fitted it
(``--write``), so any probability can be traced to its data, command and metric
(``docs/models.md``). One sigmoid serves the whole project.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

FORMAT = "storytrace.logistic/1"
"""The ``format`` field of a model file."""

SHA256_OF = ("files", "feature matrix", "none")
"""What a provenance digest may cover: the data files, the fitted feature matrix and
labels (``sha256_matrix``), or nothing (hand-set weights)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Provenance:
    """How a model was fitted.

    Attributes:
        data: what it was fitted on (data set, split, size).
        sha256: digest of that data; empty when ``sha256_of`` is ``none``.
        sha256_of: what the digest covers, one of ``SHA256_OF``.
        command: the benchmark command that wrote the model.
        metric: the measure it reached, and how it was measured.
        value: that measure's value (None for hand-set weights).
        date: when it was fitted (ISO date).
        notes: anything else (e.g. "recorded after the fact").
    """

    data: str
    sha256: str
    sha256_of: str
    command: str
    metric: str
    value: float | None
    date: str
    notes: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class LogisticModel:
    """P = sigmoid(bias + weights . features), over named features.

    ``provenance`` is None only for models built in code (a user override, a fold of a
    cross-validation); every shipped model has one.
    """

    features: tuple[str, ...]
    weights: tuple[float, ...]
    bias: float
    provenance: Provenance | None = None

    def __post_init__(self) -> None:
        if len(self.features) != len(self.weights):
            raise ValueError(f"{len(self.features)} features but {len(self.weights)} weights")

    @property
    def coefficients(self) -> tuple[float, ...]:
        """The bias, then the weights in ``features`` order."""
        return (self.bias, *self.weights)

    def predict(self, matrix: ArrayLike) -> NDArray[np.float64]:
        """Probabilities for rows of features, shape ``(..., len(features))`` -> ``(...)``."""
        z = self.bias + np.asarray(matrix, dtype=np.float64) @ np.asarray(
            self.weights, dtype=np.float64
        )
        with np.errstate(over="ignore"):  # exp(-z) = inf gives the right limit, 0
            return np.asarray(1.0 / (1.0 + np.exp(-z)), dtype=np.float64)

    def probability(self, features: Mapping[str, float] | ArrayLike) -> float:
        """The probability for one row: values in ``features`` order, or by name."""
        if isinstance(features, Mapping):
            missing = [f for f in self.features if f not in features]
            if missing:
                raise ValueError(f"missing feature(s) {', '.join(missing)}")
            features = [features[f] for f in self.features]
        return float(self.predict(np.asarray(features, dtype=np.float64)[None, :])[0])

    def to_json(self) -> str:
        """The model file's text (weights by name, in feature order)."""
        data: dict[str, Any] = {
            "format": FORMAT,
            "bias": self.bias,
            "weights": dict(zip(self.features, self.weights, strict=True)),
            "provenance": asdict(self.provenance) if self.provenance else None,
        }
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"

    def save(self, path: Path) -> None:
        """Write the model file."""
        path.write_text(self.to_json(), "utf-8")

    @classmethod
    def from_json(cls, text: str, *, source: str) -> LogisticModel:
        """Parse a model file; ``source`` names it in the ValueError a malformed one raises."""
        try:
            return _parse(json.loads(text))
        except KeyError as exc:
            raise ValueError(f"{source}: not a valid logistic model file: no {exc}") from None
        except (ValueError, TypeError) as exc:
            raise ValueError(f"{source}: not a valid logistic model file: {exc}") from None


def read(path: Path) -> LogisticModel:
    """A model file anywhere on disk (a user's own fit)."""
    return LogisticModel.from_json(path.read_text("utf-8"), source=str(path))


@cache
def load(name: str) -> LogisticModel:
    """The shipped model ``storytrace/models/<name>.json`` (read once)."""
    if name not in available():
        raise ValueError(f"no shipped model {name!r}; there are: {', '.join(sorted(available()))}")
    resource = resources.files("storytrace").joinpath("models", f"{name}.json")
    return LogisticModel.from_json(resource.read_text("utf-8"), source=f"models/{name}.json")


@cache
def available() -> frozenset[str]:
    """The names of the shipped models."""
    folder = resources.files("storytrace").joinpath("models")
    return frozenset(p.name[: -len(".json")] for p in folder.iterdir() if p.name.endswith(".json"))


def sha256_files(paths: Iterable[Path]) -> str:
    """One digest over the bytes of the files, in the order given."""
    digest = hashlib.sha256()
    for path in paths:
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()


def sha256_matrix(x: ArrayLike, y: ArrayLike) -> str:
    """Digest of a feature matrix and its labels, as little-endian float64 (C order)."""
    digest = hashlib.sha256()
    for array in (x, y):
        digest.update(np.ascontiguousarray(array, dtype="<f8").tobytes())
    return digest.hexdigest()


def _parse(data: object) -> LogisticModel:
    if not isinstance(data, dict):
        raise ValueError("expected a JSON object")
    if data.get("format") != FORMAT:
        raise ValueError(f"format is {data.get('format')!r}, expected {FORMAT!r}")
    weights = data["weights"]
    if not isinstance(weights, dict) or not weights:
        raise ValueError("weights must be a non-empty object of feature: weight")
    raw = data["provenance"]
    provenance = None
    if raw is not None:
        if not isinstance(raw, dict):
            raise ValueError("provenance must be an object or null")
        provenance = Provenance(**raw)
        strings = [v for k, v in raw.items() if k != "value"]
        if not all(isinstance(v, str) for v in strings):
            raise ValueError("provenance fields other than value must be strings")
        if provenance.sha256_of not in SHA256_OF:
            raise ValueError(f"provenance sha256_of must be one of {', '.join(SHA256_OF)}")
        if provenance.value is not None:
            _number("provenance value", provenance.value)
    return LogisticModel(
        features=tuple(str(f) for f in weights),
        weights=tuple(_number(f"weight of {f}", w) for f, w in weights.items()),
        bias=_number("bias", data["bias"]),
        provenance=provenance,
    )


def _number(what: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ValueError(f"{what} must be a finite number, got {value!r}")
    return float(value)
