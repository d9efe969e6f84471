"""``storytrace batch``: the store's versions and stories for corpora too big for it.

The same stages as a store (``keys``, the stories stage's links, ``compare``, the
clustering), written as Parquet tables under one folder, by one of two engines:
``local`` (one process, no Spark) and ``spark`` (``pyspark``, the ``spark`` extra).
Design and running on a cluster: ``docs/batch.md``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import asdict
from pathlib import Path

from .options import ENGINES, BatchOptions, BatchReport, Engine, default_settings


def run_batch(
    inputs: Sequence[str | Path],
    out: str | Path,
    options: BatchOptions | None = None,
    *,
    on_stage: Callable[[str, float], None] | None = None,
    on_read: Callable[[int], None] | None = None,
) -> BatchReport:
    """Read ``inputs`` and write the batch tables under ``out`` (see the module docstring).

    ``on_stage`` hears each finished stage and its seconds; ``on_read`` the number of
    records read so far, after each input file (the local engine only: Spark reads in its
    workers).

    Raises:
        MissingDependency: pyarrow (local) or pyspark (spark) is not installed.
        ConfigError: Spark cannot start (no Java), or the options contradict each other.
    """
    opts = options or BatchOptions()
    settings = opts.settings or default_settings()
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    if opts.engine == "spark":
        from .spark import run_spark

        report = run_spark(inputs, out, settings, opts, on_stage=on_stage)
    else:
        from .local import run_local

        report = run_local(inputs, out, settings, opts, on_stage=on_stage, on_read=on_read)
    meta = {"settings": asdict(settings), "report": asdict(report)}
    (out / "meta.json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    return report


__all__ = ["ENGINES", "BatchOptions", "BatchReport", "Engine", "default_settings", "run_batch"]
