"""What one pass of ``storytrace watch`` did, and its one summary line."""

from __future__ import annotations

from dataclasses import dataclass, field

STAGES = ("fetching", "cleaning", "analysis", "storing")
"""Where a pass spends its time: the HTTP request, the extraction of the article from
the page (trafilatura), the analysis (cleaning, segmentation, facts), and storing
(fingerprint, compare with the version before, keys, the transaction)."""


@dataclass(slots=True)
class PassReport:
    """Counts of one pass (see ``line``) and its seconds per stage."""

    new_pages: int = 0
    new_versions: int = 0
    unchanged: int = 0
    not_modified: int = 0
    removed: int = 0
    failed: int = 0
    deferred: int = 0
    seconds: float = 0.0
    stage_seconds: dict[str, float] = field(default_factory=lambda: dict.fromkeys(STAGES, 0.0))

    @property
    def pages(self) -> int:
        """Pages answered (every outcome but a deferral)."""
        return (
            self.new_pages
            + self.new_versions
            + self.unchanged
            + self.not_modified
            + self.removed
            + self.failed
        )

    def line(self) -> str:
        """One line: ``pass: 3 new version(s), 2 new page(s), 40 unchanged, ... (12.0s,
        85 pages/s; fetching 40%, cleaning 30%, analysis 20%, storing 10%)``."""
        rate = self.pages / self.seconds if self.seconds else 0.0
        shares = ", ".join(f"{stage} {share:.0%}" for stage, share in self.shares().items())
        return (
            f"pass: {self.new_versions:,} new version(s), {self.new_pages:,} new page(s), "
            f"{self.unchanged:,} unchanged, {self.not_modified:,} not modified (304), "
            f"{self.removed:,} removed, {self.failed:,} failed, {self.deferred:,} deferred "
            f"({self.seconds:.1f}s, {rate:,.0f} pages/s; {shares})"
        )

    def shares(self) -> dict[str, float]:
        """The share of the pass's time in each stage (the rest: bookkeeping)."""
        total = self.seconds or 1.0
        return {stage: self.stage_seconds.get(stage, 0.0) / total for stage in STAGES}
