"""The shipped logistic models: they load, carry their provenance, and round-trip."""

from __future__ import annotations

import json
from dataclasses import fields
from pathlib import Path

import numpy as np
import pytest

from storytrace.logistic import SHA256_OF, LogisticModel, Provenance, available, load, read

SHIPPED = sorted(available())


def test_every_fitted_weight_set_is_shipped() -> None:
    assert {
        "event",
        "relation-story",
        "relation-related",
        "similarity-use",
        "similarity-use-xl",
        "similarity-lexical",
        "similarity-generic",
        "similarity-generic-xl",
    } <= set(SHIPPED)


@pytest.mark.parametrize("name", SHIPPED)
def test_shipped_model_has_its_provenance(name: str) -> None:
    model = load(name)
    assert model.features
    assert len(model.features) == len(model.weights)
    prov = model.provenance
    assert prov is not None
    for f in fields(Provenance):
        if f.name not in ("value", "notes", "sha256"):
            assert getattr(prov, f.name), f"{name}: empty provenance {f.name}"
    assert prov.sha256_of in SHA256_OF
    if prov.sha256_of == "none":
        assert prov.sha256 == ""
        assert prov.value is None
    else:
        assert len(prov.sha256) == 64
        assert int(prov.sha256, 16) >= 0
        assert prov.value is not None


@pytest.mark.parametrize("name", SHIPPED)
def test_predict_equals_probability_row_wise(name: str) -> None:
    model = load(name)
    rows = np.random.default_rng(3).normal(size=(20, len(model.features)))
    predicted = model.predict(rows)
    assert predicted.shape == (20,)
    for row, p in zip(rows, predicted, strict=True):
        assert model.probability(row) == pytest.approx(p, abs=1e-15)
        assert model.probability(dict(zip(model.features, row, strict=True))) == pytest.approx(
            p, abs=1e-15
        )


def test_predict_keeps_leading_axes_and_saturates() -> None:
    model = load("similarity-use")
    grid = np.zeros((3, 4, len(model.features)))
    assert model.predict(grid).shape == (3, 4)
    extreme = LogisticModel(features=("x",), weights=(1.0,), bias=0.0)
    assert extreme.predict([[-1e4], [1e4]]).tolist() == [0.0, 1.0]


def test_probability_names_a_missing_feature() -> None:
    with pytest.raises(ValueError, match="coverage"):
        load("relation-story").probability({"document_cosine": 0.5, "shared_facts": 0.1})


def test_save_and_read_round_trip(tmp_path: Path) -> None:
    for name in SHIPPED:
        path = tmp_path / f"{name}.json"
        load(name).save(path)
        assert read(path) == load(name)
    own = LogisticModel(features=("a", "b"), weights=(0.5, -2.0), bias=0.25)
    own.save(tmp_path / "own.json")
    assert read(tmp_path / "own.json") == own


GOOD = {"format": "storytrace.logistic/1", "bias": 0, "weights": {"a": 1}, "provenance": None}


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("{not json", "Expecting property name"),
        ("[]", "expected a JSON object"),
        (json.dumps(GOOD | {"format": "other"}), "format"),
        (json.dumps({k: v for k, v in GOOD.items() if k != "bias"}), "no 'bias'"),
        (json.dumps(GOOD | {"weights": {}}), "weights"),
        (json.dumps(GOOD | {"weights": {"a": "1"}}), "weight of a"),
        (json.dumps(GOOD | {"bias": True}), "bias"),
        (json.dumps(GOOD | {"provenance": {"data": "x"}}), "missing"),
    ],
)
def test_malformed_file_names_itself(tmp_path: Path, text: str, reason: str) -> None:
    path = tmp_path / "broken.json"
    path.write_text(text, "utf-8")
    with pytest.raises(ValueError, match=reason) as caught:
        read(path)
    assert str(path) in str(caught.value)


def test_bad_provenance_digest_kind_is_rejected(tmp_path: Path) -> None:
    data = json.loads(load("event").to_json())
    data["provenance"]["sha256_of"] = "vibes"
    path = tmp_path / "event.json"
    path.write_text(json.dumps(data), "utf-8")
    with pytest.raises(ValueError, match="sha256_of"):
        read(path)


def test_unknown_model_lists_the_shipped_ones() -> None:
    with pytest.raises(ValueError, match="similarity-use"):
        load("no-such-model")
