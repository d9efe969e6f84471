"""``storytrace batch``: the store's versions and stories for corpora too big for it.

The same stages as a store (``keys``, the stories stage's links, ``compare``, the
clustering), written as Parquet tables under one folder, by one of two engines:
``local`` (one process, no Spark) and ``spark`` (``pyspark``, the ``spark`` extra).
Design and running on a cluster: ``docs/batch.md``.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Protocol

from ..options import ReadOptions
from .options import ENGINES, BatchOptions, BatchReport, Engine, default_settings
from .resume import STAGES, Checkpoints, input_fingerprint
from .stages import input_files


def run_batch(
    inputs: Sequence[str | Path],
    out: str | Path,
    options: BatchOptions | None = None,
    *,
    on_stage: Callable[[str, float], None] | None = None,
    on_read: Callable[[int], None] | None = None,
) -> BatchReport:
    """Read ``inputs`` and write the batch tables under ``out`` (see the module docstring).

    A stage whose tables under ``out`` are complete for the same inputs and settings is
    skipped (``resume``; listed in ``BatchReport.resumed``). ``on_stage`` hears each
    stage computed and its seconds; ``on_read`` the number of records read so far, after
    each input file (the local engine only: Spark reads in its workers).

    Raises:
        MissingDependency: pyarrow (local) or pyspark (spark) is not installed.
        ConfigError: Spark cannot start (no Java), or the options contradict each other.
    """
    opts = options or BatchOptions()
    settings = opts.settings or default_settings()
    read_options = opts.read_options or ReadOptions()
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    files, walk_errors = input_files(inputs)
    checkpoints = Checkpoints.of(
        out, settings, read_options, input_fingerprint(files, [e.source for e in walk_errors])
    )
    engine: StageEngine
    if opts.engine == "spark":
        from .spark import SparkEngine

        engine = SparkEngine(files, walk_errors, out, settings, read_options, opts)
    else:
        from .local import LocalEngine

        engine = LocalEngine(files, walk_errors, out, settings, read_options, on_read)
    report = BatchReport(engine=opts.engine, inputs=len(files))
    try:
        for stage in STAGES:
            counts = checkpoints.complete(stage)
            if counts is not None:
                report.resumed.append(stage)
            else:
                if "startup" not in report.seconds:
                    start = time.perf_counter()
                    engine.prepare()
                    report.timed("startup", start)
                checkpoints.start(stage)
                start = time.perf_counter()
                counts = engine.run(stage)
                report.timed(stage, start)
                checkpoints.finish(stage, counts)
                if on_stage is not None:
                    on_stage(stage, report.seconds[stage])
            report.count(counts)
    finally:
        engine.close()
    meta = {"settings": asdict(settings), "report": asdict(report)}
    (out / "meta.json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    return report


class StageEngine(Protocol):
    """What runs the stages: ``local.LocalEngine`` or ``spark.SparkEngine``."""

    def prepare(self) -> None:
        """Start what the stages run on (Spark's session), before the first stage."""

    def run(self, stage: str) -> dict[str, int]:
        """Compute ``stage`` from the earlier stages' tables; its counts."""

    def close(self) -> None:
        """Release what the engine started."""


__all__ = ["ENGINES", "BatchOptions", "BatchReport", "Engine", "default_settings", "run_batch"]
