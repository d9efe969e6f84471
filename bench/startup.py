"""Cold start-up of the command line: wall time of fresh ``storytrace`` processes.

    .venv/bin/python bench/startup.py [--runs 5]

Each row is the median of ``--runs`` fresh processes (plus one untimed warm-up run that
fills the OS file cache, the bytecode cache and storytrace's own cache folder, as any
second use of an installed storytrace would), on
the seed pair, output to /dev/null. Targets of issue 18 on 2 cores: ``--help`` <= 0.25 s,
lexical seed diff <= 0.5 s, default-encoder seed diff <= 1.5 s.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "examples" / "seed-pair"
A, B = str(SEED / "a.txt"), str(SEED / "b.txt")

COMMANDS: list[tuple[str, list[str], float | None]] = [
    ("storytrace --help", ["--help"], 0.25),
    ("storytrace inspect a.txt", ["inspect", A], None),
    ("storytrace diff --encoder lexical a.txt b.txt", ["diff", "--encoder", "lexical", A, B], 0.5),
    ("storytrace diff a.txt b.txt", ["diff", A, B], 1.5),
]


def executable() -> list[str]:
    """The installed entry point beside this interpreter, else ``python -m``."""
    script = Path(sys.executable).with_name("storytrace")
    if script.exists():
        return [str(script)]
    found = shutil.which("storytrace")
    return [found] if found else [sys.executable, "-m", "storytrace.cli"]


def wall(command: list[str]) -> float:
    """Seconds one fresh process takes, start to exit."""
    env = dict(os.environ, COLUMNS="100")
    # an installed package has its bytecode compiled: let the warm-up run write it
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    start = time.perf_counter()
    done = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed: {done.stderr.decode()[-500:]}")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="fresh processes per command")
    args = parser.parse_args()
    base = executable()
    print(f"{'command':<48} {'median s':>9} {'min s':>7} {'target s':>9}")
    missed = 0
    for label, argv, target in COMMANDS:
        wall(base + argv)  # warm-up: OS file cache, storytrace's cache folder
        times = [wall(base + argv) for _ in range(args.runs)]
        median = statistics.median(times)
        ok = target is None or median <= target
        missed += not ok
        shown = "" if target is None else f"{target:.2f}{'' if ok else ' MISSED'}"
        print(f"{label:<48} {median:>9.2f} {min(times):>7.2f} {shown:>9}")
    print(f"({os.cpu_count()} cores, load {os.getloadavg()[0]:.2f}, {args.runs} runs each)")
    sys.exit(1 if missed else 0)


if __name__ == "__main__":
    main()
