"""Resuming a batch: a stage whose output is complete and current is not computed again.

Each stage, once every one of its tables is written, writes a completion marker last:
``DIR/_complete/<stage>.json`` with the fingerprint it was computed from (storytrace's
version, the key settings, the read options, each input file's path, size and
modification time, and the previous stage's fingerprint) and its counts. A rerun skips
a stage whose marker carries the fingerprint the run would compute; a stage that starts
removes its own marker and the later stages' first, so a run killed during a stage
reruns from that stage, and changed inputs or settings recompute the first stage they
touch and everything after it.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from .._version import __version__
from ..options import ReadOptions
from .stages import BatchSettings

STAGES = ("articles", "candidates", "links", "stories")
"""The stages, in order; each reads the tables of the ones before it."""

MARKERS = "_complete"
"""The folder of completion markers under ``--out``."""


def input_fingerprint(files: Sequence[str], unlisted: Sequence[str]) -> list[list[Any]]:
    """Each input file's path, size and modification time (ns); None for one that cannot
    be read (it becomes an error row, so it belongs in the fingerprint too)."""
    found: list[list[Any]] = []
    for path in files:
        try:
            info = os.stat(path)
            found.append([path, info.st_size, info.st_mtime_ns])
        except OSError:
            found.append([path, None, None])
    return found + [[name, None, None] for name in unlisted]


@dataclass(frozen=True, slots=True)
class Checkpoints:
    """The completion markers of one ``--out`` folder for one run's settings and inputs."""

    folder: Path
    basis: dict[str, Any]
    fingerprints: dict[str, str]

    @classmethod
    def of(
        cls,
        out: Path,
        settings: BatchSettings,
        read_options: ReadOptions,
        inputs: list[list[Any]],
    ) -> Checkpoints:
        """The fingerprint each stage of this run would carry."""
        basis: dict[str, Any] = {
            "version": __version__,
            "settings": asdict(settings),
            "read_options": asdict(read_options),
            "inputs": inputs,
        }
        previous = _digest(basis)
        fingerprints: dict[str, str] = {}
        for stage in STAGES:
            previous = fingerprints[stage] = _digest({"stage": stage, "after": previous})
        return cls(out / MARKERS, basis, fingerprints)

    def complete(self, stage: str) -> dict[str, Any] | None:
        """The counts of ``stage`` when its output is complete and current, else None."""
        try:
            marker = json.loads((self.folder / f"{stage}.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(marker, dict) or marker.get("fingerprint") != self.fingerprints[stage]:
            return None
        counts = marker.get("counts")
        return counts if isinstance(counts, dict) else None

    def start(self, stage: str) -> None:
        """Forget ``stage`` and every later stage before ``stage`` writes anything."""
        for later in STAGES[STAGES.index(stage) :]:
            (self.folder / f"{later}.json").unlink(missing_ok=True)

    def finish(self, stage: str, counts: dict[str, Any]) -> None:
        """Mark ``stage`` complete: written last, atomically (a rename)."""
        self.folder.mkdir(parents=True, exist_ok=True)
        marker = {
            "stage": stage,
            "fingerprint": self.fingerprints[stage],
            **self.basis,
            "counts": counts,
        }
        path = self.folder / f"{stage}.json"
        partial = path.with_suffix(".partial")
        partial.write_text(json.dumps(marker, indent=2) + "\n", encoding="utf-8")
        os.replace(partial, path)


def _digest(value: Any) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True).encode()).hexdigest()
