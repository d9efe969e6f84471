"""Time to diff the seed pair with each encoder, once the encoder is loaded.

    .venv/bin/python bench/diff_speed.py [--repeat 20]

The articles are read once (reading is measured by ``bench/read_speed.py``); each row is
``compare`` alone: encode both sides, align, label, judge. "cold" clears the encoder's
sentence cache before every run (the first diff of a new pair), "warm" keeps it (a pair
seen before, as in ``find``'s verification). Target: lexical under 50 ms.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

import storytrace
from storytrace.comparison import compare
from storytrace.encode import get_encoder
from storytrace.errors import MissingDependency

SEED = Path(__file__).resolve().parents[1] / "examples" / "seed-pair"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--st", default=None, help="also time st:NAME_OR_PATH")
    args = parser.parse_args()
    a = storytrace.read(SEED / "a.txt")
    b = storytrace.read(SEED / "b.txt")
    names = ["lexical", "use"] + ([f"st:{args.st}"] if args.st else [])
    print(f"{'encoder':<24} {'load s':>7} {'cold ms':>8} {'warm ms':>8}  relation")
    for name in names:
        t0 = time.perf_counter()
        try:
            encoder = get_encoder(name)
        except MissingDependency as err:
            print(f"{name:<24} skipped: {err}")
            continue
        load = time.perf_counter() - t0
        cold, warm = [], []
        label = ""
        for _ in range(args.repeat):
            cache = getattr(encoder, "cache", None)
            if cache is not None:
                cache.clear()
            t0 = time.perf_counter()
            label = compare(a, b, encoder=name).relation.label
            cold.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            compare(a, b, encoder=name)
            warm.append(time.perf_counter() - t0)
        print(
            f"{name:<24} {load:>7.2f} {1000 * statistics.median(cold):>8.1f} "
            f"{1000 * statistics.median(warm):>8.1f}  {label}"
        )


if __name__ == "__main__":
    main()
