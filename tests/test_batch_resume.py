"""storytrace batch resumes: a complete stage is skipped, a stage stopped half-way is
computed again from where it stopped, changed inputs or settings recompute."""

from __future__ import annotations

import json
import shutil
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from storytrace.batch import BatchOptions, default_settings, run_batch
from storytrace.batch import stages as st
from storytrace.batch.resume import MARKERS, STAGES
from storytrace.batch.tables import TABLES
from storytrace.cli import app

pq = pytest.importorskip("pyarrow.parquet", reason="storytrace batch writes Parquet (pyarrow)")

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "examples" / "ecbplus-sample" / "ecbplus-sample.jsonl"
SEED = ROOT / "examples" / "seed-pair"


def tables(out: Path) -> dict[str, list[dict[str, Any]]]:
    return {name: pq.read_table(out / name).to_pylist() for name in TABLES}


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    folder = tmp_path_factory.mktemp("resume-input")
    shutil.copy(SAMPLE, folder / "sample.jsonl")
    shutil.copytree(SEED, folder / "seed")
    return [folder / "sample.jsonl", folder / "seed"]


@pytest.fixture(scope="module")
def fresh(inputs: list[Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("resume-fresh")
    report = run_batch(inputs, out)
    assert report.resumed == []
    return out


def test_a_complete_run_is_skipped_whole(inputs: list[Path], fresh: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    shutil.copytree(fresh, out)
    before = tables(out)
    heard: list[str] = []
    report = run_batch(inputs, out, on_stage=lambda stage, _: heard.append(stage))
    assert report.resumed == list(STAGES)
    assert heard == []
    assert tables(out) == before
    first = json.loads((fresh / "meta.json").read_text())["report"]
    assert (report.articles, report.verified, report.stories, report.errors) == (
        first["articles"],
        first["verified"],
        first["stories"],
        first["errors"],
    )
    marker = json.loads((out / MARKERS / "articles.json").read_text())
    assert marker["settings"] == json.loads((fresh / "meta.json").read_text())["settings"]
    assert [Path(p).name for p, _, _ in marker["inputs"]] == ["sample.jsonl", "a.txt", "b.txt"]


def test_a_run_stopped_during_a_stage_resumes_from_that_stage(
    inputs: list[Path], fresh: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    verify, calls = st.verify, []

    def stopped(row: dict[str, Any], encoder: str) -> dict[str, Any] | None:
        calls.append(row)
        if len(calls) == 3:  # Ctrl-C (or a lost worker) in the middle of the links stage
            raise KeyboardInterrupt
        return verify(row, encoder)

    monkeypatch.setattr(st, "verify", stopped)
    with pytest.raises(KeyboardInterrupt):
        run_batch(inputs, out)
    monkeypatch.setattr(st, "verify", verify)
    unfinished = CliRunner().invoke(app, ["import", str(out), "--db", str(tmp_path / "s.db")])
    assert unfinished.exit_code != 0
    assert "did not finish" in unfinished.output
    assert sorted(p.stem for p in (out / MARKERS).iterdir()) == ["articles", "candidates"]
    # a half-written table of the stopped stage, as a killed process leaves it
    (out / "links").mkdir(exist_ok=True)
    (out / "links" / "part-00000.parquet").write_bytes(b"PAR1 half written")
    heard: list[str] = []
    report = run_batch(inputs, out, on_stage=lambda stage, _: heard.append(stage))
    assert report.resumed == ["articles", "candidates"]
    assert heard == ["links", "stories"]
    assert tables(out) == tables(fresh)


def test_changed_inputs_or_settings_recompute(
    inputs: list[Path], fresh: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    shutil.copytree(fresh, out)
    changed = [tmp_path / "sample.jsonl", inputs[1]]
    lines = inputs[0].read_text(encoding="utf-8").splitlines()
    changed[0].write_text("\n".join(lines[:-1]) + "\n", encoding="utf-8")  # one record less
    report = run_batch(changed, out)
    assert report.resumed == []
    assert (
        report.articles == json.loads((fresh / "meta.json").read_text())["report"]["articles"] - 1
    )
    again = run_batch(changed, out)
    assert again.resumed == list(STAGES)
    settings = replace(default_settings(), bands=16, rows=8)
    other = run_batch(changed, out, BatchOptions(settings=settings))
    assert other.resumed == []
    assert json.loads((out / MARKERS / "stories.json").read_text())["settings"]["bands"] == 16
