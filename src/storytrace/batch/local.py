"""The local engine: every batch stage in one process, no Spark (the reference).

Each stage reads what it needs from the tables the stages before it wrote under
``--out`` (only the columns it uses), so a stage runs the same whether the earlier ones
ran in this process or in a run that was stopped (``resume``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from .._blas import one_blas_thread
from ..errors import InputError
from ..keys import Keyer
from ..options import ReadOptions
from . import stages as st
from .neighbours import Search, day_of
from .tables import arrow, write_parquet


class LocalEngine:
    """The four stages over one run's input files, in this process."""

    def __init__(
        self,
        files: list[str],
        walk_errors: list[InputError],
        out: Path,
        settings: st.BatchSettings,
        read_options: ReadOptions,
        on_read: Callable[[int], None] | None = None,
    ) -> None:
        self.pa, self.pq = arrow()
        self.files, self.walk_errors, self.out = files, walk_errors, out
        self.settings, self.read_options, self.on_read = settings, read_options, on_read
        self._keyer: Keyer | None = None

    @property
    def keyer(self) -> Keyer:
        """The key computer, built (and its encoder loaded) when first needed."""
        if self._keyer is None:
            self._keyer = Keyer(self.settings)
        return self._keyer

    def prepare(self) -> None:
        """Nothing to start: the encoder loads in the articles stage."""

    def run(self, stage: str) -> dict[str, int]:
        """Compute ``stage``, write its tables; returns its counts for the report."""
        with one_blas_thread():
            result: dict[str, int] = getattr(self, f"_{stage}")()
            return result

    def close(self) -> None:
        """Nothing to release."""

    # ---------------------------------------------------------------------- tables

    def write(self, name: str, rows: list[dict[str, Any]]) -> None:
        """Write ``rows`` as table ``name`` (one file, replacing what was there)."""
        folder = self.out / name
        folder.mkdir(parents=True, exist_ok=True)
        for old in folder.glob("*.parquet"):
            old.unlink()
        write_parquet(folder / "part-00000.parquet", name, rows)

    def read(self, name: str, *columns: str, filters: Any = None) -> list[dict[str, Any]]:
        """Columns of table ``name`` as rows, in ``seq`` (or ``a``, ``b``) order."""
        rows: list[dict[str, Any]] = self.pq.read_table(
            self.out / name, columns=list(columns), filters=filters
        ).to_pylist()
        return rows

    # ---------------------------------------------------------------------- stages

    def _articles(self) -> dict[str, int]:
        errors = [st.error_row(-1 - n, err) for n, err in enumerate(self.walk_errors)]
        rows: list[dict[str, Any]] = []
        for index, path in enumerate(self.files):
            for row in st.read_file(index, path, self.keyer, self.read_options):
                (rows if row["kind"] == "article" else errors).append(row)
            if self.on_read is not None:
                self.on_read(len(rows) + len(errors) - len(self.walk_errors))
        kept, dropped = st.dedup(rows)
        errors = sorted(errors + dropped, key=lambda r: r["seq"])
        self.write("articles", kept)
        self.write("errors", errors)
        duplicates = sum(1 for e in errors if e["kind"] == "duplicate")
        return {
            "inputs": len(self.files),
            "articles": len(kept),
            "duplicates": duplicates,
            "errors": len(errors) - duplicates,
        }

    def _candidates(self) -> dict[str, int]:
        kept = self.read("articles", "seq", "vector", "bands", "signature", "published")
        seqs = np.array([r["seq"] for r in kept], dtype=np.int64)
        days = np.array([day_of(r["published"]) for r in kept], dtype=np.int64)
        dim = len(kept[0]["vector"]) // 4 if kept else 1
        vectors = (
            np.stack([st.vector_of(r) for r in kept]) if kept else np.zeros((0, dim), np.float32)
        )
        found = Search.build(seqs, vectors, days)
        triples = [t for task in found.tasks() for t in found.search(task)]
        del vectors, found
        pairs = st.best_pairs(triples)
        buckets: dict[tuple[int, int], list[int]] = defaultdict(list)
        for r in kept:
            for band, value in enumerate(r["bands"] or ()):
                buckets[(band, value)].append(r["seq"])
        largest = max((len(b) for b in buckets.values()), default=0)
        lsh = sorted({pair for b in buckets.values() if len(b) > 1 for pair in st.lsh_pairs(b)})
        del buckets
        signature = {r["seq"]: r["signature"] for r in kept}
        lsh = [(a, b) for a, b in lsh if st.textual(signature[a], signature[b])]
        rows = [{"a": a, "b": b, "cosine": c, "kind": "story"} for a, b, c in pairs]
        rows += [{"a": a, "b": b, "cosine": None, "kind": "lsh"} for a, b in lsh]
        self.write("candidates", sorted(rows, key=st.candidate_order))
        return {"lsh_pairs": len(lsh), "largest_bucket": largest}

    def _links(self) -> dict[str, int]:
        candidates = self.read("candidates", "a", "b", "cosine", "kind")
        side = {r["seq"]: r for r in self.read("articles", "seq", "evidence", "lang")}
        stats = st.corpus_stats(r["evidence"] for r in side.values())
        scored = st.score_links(
            [
                {
                    "a": c["a"],
                    "b": c["b"],
                    "cosine": c["cosine"],
                    "lang_a": side[c["a"]]["lang"],
                    "lang_b": side[c["b"]]["lang"],
                }
                for c in candidates
                if c["kind"] == "story"
            ],
            {seq: r["evidence"] for seq, r in side.items()},
            stats,
        )
        del side, stats
        found: dict[tuple[int, int], set[str]] = defaultdict(set)
        for link in scored:
            if link["verify"]:
                found[(link["a"], link["b"])].add("story")
        for c in candidates:
            if c["kind"] == "lsh":
                found[(c["a"], c["b"])].add("lsh")
        wanted = sorted({s for pair in found for s in pair})
        records = (
            {
                r["seq"]: r["record"]
                for r in self.read("articles", "seq", "record", filters=[("seq", "in", wanted)])
            }
            if wanted
            else {}
        )
        versions = [
            v
            for (a, b), how in sorted(found.items())
            if (
                v := st.verify(
                    {
                        "a": a,
                        "b": b,
                        "rec_a": records[a],
                        "rec_b": records[b],
                        "found_by": ",".join(sorted(how)),
                    },
                    self.settings.encoder,
                )
            )
            is not None
        ]
        links = st.story_links(scored, versions)
        self.write("links", links)
        self.write("versions", versions)
        return {"links": len(links), "verified": len(versions)}

    def _stories(self) -> dict[str, int]:
        links = self.read("links", "a", "b", "p")
        ids = {r["seq"]: r["id"] for r in self.read("articles", "seq", "id")}
        component = st.components((r["a"], r["b"]) for r in links if st.strong(r["p"]))
        grouped: dict[int, list[tuple[int, int, float]]] = defaultdict(list)
        for r in links:
            ca, cb = component.get(r["a"]), component.get(r["b"])
            if ca is not None and ca == cb:
                grouped[ca].append((r["a"], r["b"], r["p"]))
        story = {s: s for s in ids}
        for edges in grouped.values():
            story.update(st.cluster_component(sorted(edges)))
        sizes: dict[int, int] = defaultdict(int)
        for c in component.values():
            sizes[c] += 1
        members = [{"seq": s, "id": ids[s], "story": ids[story[s]]} for s in sorted(ids)]
        self.write("stories", members)
        return {
            "stories": len(set(story.values())),
            "largest_component": max(sizes.values(), default=1 if ids else 0),
        }
