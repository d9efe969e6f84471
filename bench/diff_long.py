"""Where the memory of a long ``diff`` goes: peak memory and time per stage.

    .venv/bin/python bench/diff_long.py --sentences 2000 [--encoder lexical|use]
    .venv/bin/python bench/diff_long.py --megabytes 5 --limit-gb 6

Above ``align.EXACT_PAIRS`` the aligner reads a band (``align_band.Band``), not the
whole matrix: the "similarity band" stage stands for the matrix then.

Two long "versions" are made of real news (ECB+ documents, ../shared/data/ecbplus):
A is documents in corpus order, B the same documents with every fifth one replaced by
another and every seventh one moved to the end, so the aligner meets matches, drops,
additions and moves. Each stage's time and its peak resident memory above where it
started (sampled from /proc every 5 ms) are printed; the process runs under an
address-space limit (``--limit-gb``), so a stage that would need more ends in
MemoryError, reported, instead of exhausting the machine.
"""

from __future__ import annotations

import argparse
import json
import re
import resource
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
ECB = ROOT.parent / "shared" / "data" / "ecbplus" / "ecbplus_docs_train_dev.jsonl"


_SENTENCE_END = re.compile(r"[.!?][\"'”’)]?\s")


def documents() -> list[str]:
    with ECB.open(encoding="utf-8") as lines:
        return [json.loads(line)["text"] for line in lines]


def versions(*, sentences: int | None, megabytes: float | None) -> tuple[str, str]:
    """A and B as described in the module docstring, cut to size."""
    docs = documents()
    chosen: list[str] = []
    size = 0
    approx_sentences = 0
    k = 0
    while True:
        doc = docs[k % len(docs)]
        k += 1
        chosen.append(doc)
        size += len(doc.encode("utf-8"))
        approx_sentences += len(_SENTENCE_END.findall(doc)) + 1
        if megabytes is not None and size >= megabytes * 1024 * 1024:
            break
        if sentences is not None and approx_sentences >= sentences:
            break
    a = "\n\n".join(chosen)
    kept = [d for n, d in enumerate(chosen) if n % 5 != 4]
    kept += [docs[(k + n) % len(docs)] for n in range(len(chosen) - len(kept))]
    moved = [d for n, d in enumerate(kept) if n % 7 == 6]
    b = "\n\n".join([d for n, d in enumerate(kept) if n % 7 != 6] + moved)
    return a, b


def rss() -> int:
    """Resident memory of this process now, in bytes."""
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * resource.getpagesize()


def stage(name: str, work: Callable[[], Any], table: list[str]) -> Any:
    """Run one stage; its time, and its peak resident memory above where it started
    (sampled every 5 ms by a thread)."""
    base = rss()
    peak = [base]
    done = threading.Event()

    def sample() -> None:
        while not done.wait(0.005):
            peak[0] = max(peak[0], rss())

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    start = time.perf_counter()
    try:
        out = work()
    except MemoryError:
        table.append(f"{name:<26} MemoryError (over the address-space limit)")
        raise
    finally:
        done.set()
        sampler.join()
    seconds = time.perf_counter() - start
    grown = (max(peak[0], rss()) - base) / 2**20
    table.append(f"{name:<26} {seconds:>8.2f} s {grown:>10.1f} MiB")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sentences", type=int, default=None)
    parser.add_argument("--megabytes", type=float, default=None)
    parser.add_argument("--encoder", default="lexical")
    parser.add_argument("--limit-gb", type=float, default=6.0)
    args = parser.parse_args(argv)
    if args.sentences is None and args.megabytes is None:
        args.sentences = 2000
    limit = int(args.limit_gb * 2**30)
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    from storytrace import align as _align
    from storytrace import diff as _diff
    from storytrace.comparison import compare
    from storytrace.encode import get_encoder
    from storytrace.pipeline import from_text
    from storytrace.similarity import UnitSimilarity, similarity_model

    text_a, text_b = versions(sentences=args.sentences, megabytes=args.megabytes)
    table = [f"{'stage':<26} {'time':>10} {'peak above start':>16}"]
    status = 0
    start = time.perf_counter()
    try:
        art_a = stage("read A", lambda: from_text(text_a, source="A"), table)
        art_b = stage("read B", lambda: from_text(text_b, source="B"), table)
        print(
            f"A: {len(text_a) / 2**20:.2f} MB, {len(art_a.sentences):,} sentences; "
            f"B: {len(text_b) / 2**20:.2f} MB, {len(art_b.sentences):,} sentences",
            flush=True,
        )
        enc = get_encoder(args.encoder)
        va = stage("encode", lambda: enc.encode([s.text for s in art_a.sentences]), table)
        vb = stage("encode B", lambda: enc.encode([s.text for s in art_b.sentences]), table)
        sim = UnitSimilarity(
            a=art_a.sentences,
            b=art_b.sentences,
            va=va,
            vb=vb,
            model=similarity_model(enc.name),
            cross_lingual=False,
        )
        if len(art_a.sentences) * len(art_b.sentences) <= _align.EXACT_PAIRS:
            p = stage("similarity matrix", sim.matrix, table)
            del p
        else:  # what align reads instead of the matrix for long texts
            band = stage("similarity band", lambda: _align.Band(sim), table)
            del band
        units = stage("align (DP, gaps, moves)", lambda: _align.align(sim), table)
        stage(
            "label (diff)",
            lambda: _diff.label(units, art_a.sentences, art_b.sentences, cross_lingual=False),
            table,
        )
        stage(
            "compare (whole, from read)",
            lambda: compare(art_a, art_b, encoder=args.encoder, vectors=(va, vb)),
            table,
        )
    except MemoryError:
        status = 1
    peak_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print("\n".join(table))
    print(f"process peak RSS {peak_rss:,.0f} MiB; wall {time.perf_counter() - start:.1f} s")
    return status


if __name__ == "__main__":
    sys.exit(main())
