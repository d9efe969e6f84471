"""The local engine: every batch stage in one process, no Spark (the reference)."""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from .._blas import one_blas_thread
from ..keys import Keyer
from ..options import ReadOptions
from ..stories.update import CHUNK
from . import stages as st
from .options import BatchOptions, BatchReport
from .tables import TABLES, ColumnType, arrow


def run_local(
    inputs: Sequence[str | Path],
    out: Path,
    settings: st.BatchSettings,
    options: BatchOptions,
    *,
    on_stage: Callable[[str, float], None] | None = None,
    on_read: Callable[[int], None] | None = None,
) -> BatchReport:
    """Run every stage over ``inputs`` and write the tables under ``out``; ``on_read``
    hears how many records were read so far, after each file."""
    pa, pq = arrow()
    report = BatchReport(engine="local")
    keyer = Keyer(settings)
    read_options = options.read_options or ReadOptions()

    def write(name: str, rows: list[dict[str, Any]]) -> None:
        columns = TABLES[name]
        schema = pa.schema([(c, _ARROW[t](pa)) for c, t in columns])
        table = pa.Table.from_pylist([{c: r.get(c) for c, _ in columns} for r in rows], schema)
        folder = out / name
        folder.mkdir(parents=True, exist_ok=True)
        for old in folder.glob("*.parquet"):
            old.unlink()
        pq.write_table(table, folder / "part-00000.parquet")

    def done(stage: str, start: float) -> float:
        now = report.timed(stage, start)
        if on_stage is not None:
            on_stage(stage, report.seconds[stage])
        return now

    start = time.perf_counter()
    with one_blas_thread():
        files, walk_errors = st.input_files(inputs)
        report.inputs = len(files)
        errors = [st.error_row(-1 - n, err) for n, err in enumerate(walk_errors)]
        rows: list[dict[str, Any]] = []
        for index, path in enumerate(files):
            for row in st.read_file(index, path, keyer, read_options):
                (rows if row["kind"] == "article" else errors).append(row)
            if on_read is not None:
                on_read(len(rows) + len(errors) - len(walk_errors))
        kept, dropped = st.dedup(rows)
        errors = sorted(errors + dropped, key=lambda r: r["seq"])
        write("articles", kept)
        write("errors", errors)
        report.articles = len(kept)
        report.duplicates = sum(1 for e in errors if e["kind"] == "duplicate")
        report.errors = len(errors) - report.duplicates
        start = done("articles", start)

        by_seq = {r["seq"]: r for r in kept}
        seqs = np.array([r["seq"] for r in kept], dtype=np.int64)
        vectors = (
            np.stack([st.vector_of(r) for r in kept])
            if kept
            else np.zeros((0, keyer.encoder.dim), np.float32)
        )
        triples = [
            t
            for chunk in range((len(kept) + CHUNK - 1) // CHUNK)
            for t in st.story_neighbours(seqs, vectors, chunk)
        ]
        pairs = st.best_pairs(triples)
        buckets: dict[tuple[int, int], list[int]] = defaultdict(list)
        for r in kept:
            for band, value in enumerate(r["bands"] or ()):
                buckets[(band, value)].append(r["seq"])
        report.largest_bucket = max((len(b) for b in buckets.values()), default=0)
        lsh = sorted(
            {
                pair
                for bucket in buckets.values()
                if len(bucket) > 1
                for pair in st.lsh_pairs(bucket)
            }
        )
        lsh = [(a, b) for a, b in lsh if st.textual(by_seq[a]["signature"], by_seq[b]["signature"])]
        report.lsh_pairs = len(lsh)
        start = done("candidates", start)

        stats = st.corpus_stats(r["evidence"] for r in kept)
        scored = st.score_links(
            [
                {
                    "a": a,
                    "b": b,
                    "cosine": c,
                    "ev_a": by_seq[a]["evidence"],
                    "ev_b": by_seq[b]["evidence"],
                    "lang_a": by_seq[a]["lang"],
                    "lang_b": by_seq[b]["lang"],
                }
                for a, b, c in pairs
            ],
            stats,
        )
        found: dict[tuple[int, int], set[str]] = defaultdict(set)
        for link in scored:
            if link["verify"]:
                found[(link["a"], link["b"])].add("story")
        for pair in lsh:
            found[pair].add("lsh")
        versions = [
            v
            for (a, b), how in sorted(found.items())
            if (
                v := st.verify(
                    {
                        "a": a,
                        "b": b,
                        "rec_a": by_seq[a]["record"],
                        "rec_b": by_seq[b]["record"],
                        "found_by": ",".join(sorted(how)),
                    },
                    settings.encoder,
                )
            )
            is not None
        ]
        links = st.story_links(scored, versions)
        write("links", links)
        write("versions", versions)
        report.links = len(links)
        report.verified = len(versions)
        start = done("links", start)

        component = st.components((r["a"], r["b"]) for r in links if st.strong(r["p"]))
        grouped: dict[int, list[tuple[int, int, float]]] = defaultdict(list)
        for r in links:
            ca, cb = component.get(r["a"]), component.get(r["b"])
            if ca is not None and ca == cb:
                grouped[ca].append((r["a"], r["b"], r["p"]))
        story = {s: s for s in seqs.tolist()}
        for edges in grouped.values():
            story.update(st.cluster_component(sorted(edges)))
        sizes: dict[int, int] = defaultdict(int)
        for c in component.values():
            sizes[c] += 1
        report.largest_component = max(sizes.values(), default=1 if kept else 0)
        members = [
            {"seq": s, "id": by_seq[s]["id"], "story": by_seq[story[s]]["id"]}
            for s in seqs.tolist()
        ]
        write("stories", members)
        report.stories = len(set(story.values()))
        done("stories", start)
    return report


_ARROW: dict[ColumnType, Callable[[Any], Any]] = {
    "long": lambda pa: pa.int64(),
    "double": lambda pa: pa.float64(),
    "string": lambda pa: pa.string(),
    "binary": lambda pa: pa.binary(),
    "longs": lambda pa: pa.list_(pa.int64()),
}
