"""What a batch run is given (``BatchOptions``, the key settings) and what it reports."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Literal

from ..encode import DEFAULT_ENCODER, get_encoder
from ..errors import ConfigError
from ..lsh import optimal_params
from ..options import ReadOptions
from .stages import BatchSettings

Engine = Literal["local", "spark"]
ENGINES: tuple[Engine, ...] = ("local", "spark")


@dataclass(slots=True)
class BatchReport:
    """What one batch run did: counts and seconds per stage."""

    engine: str = "local"
    inputs: int = 0
    articles: int = 0
    errors: int = 0
    duplicates: int = 0
    links: int = 0
    lsh_pairs: int = 0
    verified: int = 0
    stories: int = 0
    largest_bucket: int = 0
    largest_component: int = 0
    seconds: dict[str, float] = field(default_factory=dict)
    resumed: list[str] = field(default_factory=list)

    def count(self, counts: dict[str, int]) -> None:
        """Take a stage's counts (from its run, or from its completion marker)."""
        for name, value in counts.items():
            if name in _COUNTS:
                setattr(self, name, int(value))

    def timed(self, stage: str, start: float) -> None:
        """Record the seconds since ``start`` for ``stage``."""
        self.seconds[stage] = round(time.perf_counter() - start, 3)


_COUNTS = frozenset(
    [
        "inputs",
        "articles",
        "errors",
        "duplicates",
        "links",
        "lsh_pairs",
        "verified",
        "stories",
        "largest_bucket",
        "largest_component",
    ]
)
"""The report fields a stage's counts may set."""


@dataclass(frozen=True, slots=True, kw_only=True)
class BatchOptions:
    """How a batch runs.

    Attributes:
        engine: "local" (one process) or "spark".
        master: the Spark master URL (``local[2]``, ``spark://host:7077``, ``yarn``);
            None for ``local[*]`` or what ``spark-submit`` set.
        settings: the key settings; None for a new store's defaults (``StoreOptions``).
        read_options: how inputs are read, as for ``add``.
        shuffle_partitions: Spark's shuffle partitions; None to size them from the input.
    """

    engine: Engine = "local"
    master: str | None = None
    settings: BatchSettings | None = None
    read_options: ReadOptions | None = None
    shuffle_partitions: int | None = None

    def __post_init__(self) -> None:
        if self.engine not in ENGINES:
            raise ConfigError(f"unknown engine {self.engine!r}; choose one of {', '.join(ENGINES)}")
        if self.master is not None and self.engine != "spark":
            raise ConfigError("--master only applies to --engine spark")


NUM_PERM = 128
LSH_THRESHOLD = 0.4


def default_settings(encoder: str | None = None) -> BatchSettings:
    """The key settings of a new store with default options (``corpus.StoreOptions``:
    128 permutations, bands tuned for Jaccard 0.4; a test keeps the two equal)."""
    bands, rows = optimal_params(LSH_THRESHOLD, NUM_PERM)
    return BatchSettings(get_encoder(encoder or DEFAULT_ENCODER).name, NUM_PERM, bands, rows)
