"""``find`` across languages with e5 in a process that holds a usearch store: idle OpenMP
threads sleeping (storytrace's default) against spinning (libgomp's default, as before).

Each row runs in a fresh process: a store with the default usearch index holds the
WMT22 en-uk development documents (English and Ukrainian sides), and every Ukrainian
side is queried with ``find_id`` (e5 verifies each uk-en pair) and timed, while
``--load`` busy processes share the machine (a shared 2-core machine is where spinning
hurts: unloaded, both policies run alike). The rows alternate; the ratio is the figure.

    python bench/omp_wait.py [--repeats 3] [--load 2]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import datasets
from storytrace.corpus import Store

CHILD = """
import sys, time, pathlib
from storytrace.corpus import Store
folder = pathlib.Path(sys.argv[1])
with Store(folder / "store.db") as store:
    start = time.perf_counter()
    for line in (folder / "queries.txt").read_text().split():
        store.find_id(line)
    print(time.perf_counter() - start)
"""

POLICIES = {
    "passive (default now)": None,
    # an empty value is libgomp's default policy (spin, then sleep) with a warning
    "spinning (as before)": "",
}


def _run(folder: Path, policy: str | None) -> float:
    env = {k: v for k, v in os.environ.items() if k != "OMP_WAIT_POLICY"}
    if policy is not None:
        env["OMP_WAIT_POLICY"] = policy
    out = subprocess.run(
        [sys.executable, "-c", CHILD, str(folder)],
        capture_output=True,
        text=True,
        check=True,
        env=env,
    )
    return float(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3, help="fresh processes per row")
    parser.add_argument("--load", type=int, default=2, help="busy processes running meanwhile")
    args = parser.parse_args()
    docs = datasets.wmt_docs("en-uk")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        corpus = folder / "docs.jsonl"
        with corpus.open("w", encoding="utf-8") as out:
            for d in docs:
                for lang, key in (("en", "src_sentences"), ("uk", "ref_sentences")):
                    text = "\n\n".join(str(s) for s in d[key])  # type: ignore[attr-defined]
                    out.write(json.dumps({"id": f"{d['doc_id']}.{lang}", "text": text}) + "\n")
        (folder / "queries.txt").write_text("\n".join(f"{d['doc_id']}.uk" for d in docs))
        with Store(folder / "store.db") as store:
            store.add([corpus])
        _run(folder, None)  # builds the index file beside the store; not timed
        times: dict[str, list[float]] = {name: [] for name in POLICIES}
        busy = [
            subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(args.load)
        ]
        try:
            for _ in range(args.repeats):
                for name, policy in POLICIES.items():
                    times[name].append(_run(folder, policy))
        finally:
            for process in busy:
                process.kill()
    print(
        f"find_id of {len(docs)} Ukrainian articles (e5) in a usearch store, fresh processes, "
        f"{args.load} busy processes"
    )
    print(f"{'OpenMP idle threads':<24} {'median s':>9} {'ms/query':>9}   runs")
    for name, values in times.items():
        median = statistics.median(values)
        runs = " ".join(f"{v:.2f}" for v in values)
        print(f"{name:<24} {median:>9.2f} {1000 * median / len(docs):>9.0f}   {runs}")
    now, before = (statistics.median(v) for v in times.values())
    print(f"speed-up: {now and before / now:.1f}x")


if __name__ == "__main__":
    main()
