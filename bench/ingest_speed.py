"""Ingest speed as a user meets it: ``storytrace add`` with the default settings into a
fresh store, in a fresh process (start-up, model loading and every cache cold), timed
from launch to exit. English: the first ``--english`` ECB+ documents; Ukrainian: the
WMT22 en-uk development translations (all there are: 14, so start-up weighs more; the
"after start-up" column takes off the time of ``add`` given one article).

Each tree given with ``--tree`` (a checkout; its ``src`` goes first on PYTHONPATH) runs
in turn, ``--rounds`` times interleaved, and the median is printed, so two commits are
compared side by side on the same busy machine (ratios, not absolute figures):

    python bench/ingest_speed.py [--tree /work/main --tree /work/wt-old] [--rounds 3]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import datasets

HERE = Path(__file__).resolve().parent.parent


def _write_inputs(root: Path, english: int) -> dict[str, tuple[Path, int]]:
    """JSONL inputs per language: path and article count."""
    inputs: dict[str, tuple[Path, int]] = {}
    ecb = datasets.ecb_docs()[:english]
    path = root / "en.jsonl"
    with path.open("w", encoding="utf-8") as out:
        for doc in ecb:
            out.write(json.dumps({"id": f"ecb.{doc['doc_id']}", "text": doc["text"]}) + "\n")
    inputs["en"] = (path, len(ecb))
    docs = datasets.wmt_docs("en-uk")
    path = root / "uk.jsonl"
    with path.open("w", encoding="utf-8") as out:
        for d in docs:
            text = "\n\n".join(str(s) for s in d["ref_sentences"])  # type: ignore[attr-defined]
            out.write(json.dumps({"id": f"{d['doc_id']}.uk", "text": text}) + "\n")
    inputs["uk"] = (path, len(docs))
    path = root / "one.jsonl"
    path.write_text((root / "en.jsonl").read_text(encoding="utf-8").splitlines()[0] + "\n")
    inputs["one"] = (path, 1)  # start-up, the encoder loaded, one article, exit
    return inputs


def _run(tree: Path, source: Path, root: Path) -> float:
    """Seconds from launch to exit of ``storytrace add`` into a new store."""
    db = Path(tempfile.mkdtemp(dir=root)) / "ingest.db"
    env = dict(os.environ, PYTHONPATH=str(tree / "src"))
    launch = "from storytrace.cli import main; main()"  # the console script, by this Python
    cmd = [sys.executable, "-c", launch, "add", "--db", str(db), str(source)]
    t0 = time.perf_counter()
    subprocess.run(cmd, env=env, check=True, capture_output=True)
    return time.perf_counter() - t0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tree", action="append", type=Path, help="checkout(s) to time")
    parser.add_argument("--english", type=int, default=300, help="ECB+ documents")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    trees = [t.resolve() for t in (args.tree or [HERE])]
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        inputs = _write_inputs(root, args.english)
        seconds: dict[tuple[Path, str], list[float]] = {}
        for _ in range(args.rounds):
            for lang, (path, _n) in inputs.items():
                for tree in trees:
                    seconds.setdefault((tree, lang), []).append(_run(tree, path, root))
        print(
            f"{'tree':<28} {'lang':<4} {'articles':>8} {'median s':>9} {'articles/s':>10}"
            f" {'after start-up':>14}"
        )
        for (tree, lang), runs in seconds.items():
            n = inputs[lang][1]
            median = statistics.median(runs)
            one = statistics.median(seconds[(tree, "one")])
            rate = n / median
            warm = (n - 1) / (median - one) if n > 1 and median > one else 0.0
            print(
                f"{str(tree)[-28:]:<28} {lang:<4} {n:>8} {median:>9.2f} {rate:>10.1f} {warm:>14.1f}"
            )
        for lang, (_path, n) in inputs.items():
            if n == 1:
                continue
            rates = {t: n / statistics.median(seconds[(t, lang)]) for t in trees}
            line = " ".join(f"{t.name}={r:.1f}" for t, r in rates.items())
            print(f"ingest_{lang}_articles_per_s {line}")


if __name__ == "__main__":
    main()
