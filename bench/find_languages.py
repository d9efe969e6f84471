"""``find`` across languages: a store of English articles and their Ukrainian
translations (WMT22 en-uk dev, both sides) with the ECB+ sample as distractors; each side
is queried by id and should list the other as ``translation``. Also the ingest rate of
the English and of the Ukrainian sides, each into a fresh store in a fresh process.

    python bench/find_languages.py [--distractors 300]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import datasets
from storytrace.corpus import Store


def _rate(path: Path) -> float:
    """Articles per second adding ``path`` to a fresh store, in a fresh process."""
    code = (
        "import sys, tempfile, pathlib; from storytrace.corpus import Store\n"
        "with tempfile.TemporaryDirectory() as tmp:\n"
        "    with Store(pathlib.Path(tmp) / 'r.db') as store:\n"
        f"        report = store.add([{str(path)!r}])\n"
        "    print(report.rate)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return float(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--distractors", type=int, default=300, help="ECB+ documents added")
    args = parser.parse_args()
    docs = datasets.wmt_docs("en-uk")
    ecb = datasets.ecb_docs()[: args.distractors]
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        sides = {"en": root / "en.jsonl", "uk": root / "uk.jsonl"}
        for lang, key in (("en", "src_sentences"), ("uk", "ref_sentences")):
            with sides[lang].open("w", encoding="utf-8") as out:
                for d in docs:
                    text = "\n\n".join(str(s) for s in d[key])  # type: ignore[attr-defined]
                    out.write(json.dumps({"id": f"{d['doc_id']}.{lang}", "text": text}) + "\n")
        distract = root / "ecb.jsonl"
        with distract.open("w", encoding="utf-8") as out:
            for e in ecb:
                out.write(json.dumps({"id": f"ecb.{e['doc_id']}", "text": e["text"]}) + "\n")
        with Store(root / "store.db") as store:
            store.add([distract, sides["en"], sides["uk"]])
            print(f"store: {len(docs)} en + {len(docs)} uk + {len(ecb)} ECB+ distractors")
            print(
                f"{'query':<6} {'n':>3} {'found':>6} {'as translation':>14} {'false':>5} {'ms':>6}"
            )
            for q, other in (("en", "uk"), ("uk", "en")):
                found = translation = false = 0
                t0 = time.perf_counter()
                for d in docs:
                    result = store.find_id(f"{d['doc_id']}.{q}")
                    by_id = {v.id: v for v in result.versions}
                    hit = by_id.get(f"{d['doc_id']}.{other}")
                    found += hit is not None
                    translation += hit is not None and hit.relation == "translation"
                    false += sum(1 for v in result.versions if not v.id.startswith(d["doc_id"]))
                ms = 1000 * (time.perf_counter() - t0) / len(docs)
                print(
                    f"{q}->{other:<2} {len(docs):>3} {found / len(docs):>6.3f} "
                    f"{translation / len(docs):>14.3f} {false:>5} {ms:>6.0f}"
                )
        for lang in ("en", "uk"):
            print(f"ingest {lang}: {_rate(sides[lang]):.1f} articles/s (fresh process)")


if __name__ == "__main__":
    main()
