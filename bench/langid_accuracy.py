"""Accuracy and speed of ``storytrace.lang.identify`` on the external development data.

    .venv/bin/python bench/langid_accuracy.py

Sets: ECB+ documents (all English), WMT22 English and Russian documents (each joined
from its sentences) and sentences (each alone). Prints one row per set; skips cleanly
when ``../shared/data`` is absent.
"""

from __future__ import annotations

import sys
import time
from collections import Counter
from typing import Any

import datasets
from storytrace.lang import identify


def _sides(doc: dict[str, Any]) -> dict[str, list[str]]:
    """A WMT22 document as {language: sentences}, whichever side was the source."""
    return {doc["src_lang"]: doc["src_sentences"], doc["ref_lang"]: doc["ref_sentences"]}


def _row(name: str, texts: list[str], gold: str) -> None:
    identify(texts[0])  # load the model outside the timing
    passes = []
    for _ in range(3):  # best of three: the machine is shared, the minimum is the cost
        start = time.perf_counter()
        found = [identify(text)[0] for text in texts]
        passes.append(time.perf_counter() - start)
    ms = min(passes) / len(texts) * 1e3
    right = sum(code == gold for code in found)
    errors = Counter(str(code) for code in found if code != gold).most_common(4)
    shown = ", ".join(f"{code}x{n}" for code, n in errors) or "-"
    print(f"| {name:<22} | {len(texts):>5} | {right / len(texts):8.2%} | {ms:8.3f} | {shown} |")


def main() -> int:
    if not datasets.SHARED_DATA.is_dir():
        print(f"skipped: no external data at {datasets.SHARED_DATA}")
        return 0
    docs = [_sides(d) for d in datasets.wmt_docs(pair=None)]
    print("| set                    |     n | accuracy | ms/item | errors |")
    print("|------------------------|-------|----------|---------|--------|")
    _row("ECB+ documents (en)", [str(d["text"]) for d in datasets.ecb_docs()], "en")
    _row("WMT22 documents en", [" ".join(d["en"]) for d in docs], "en")
    _row("WMT22 documents ru", [" ".join(d["ru"]) for d in docs], "ru")
    _row("WMT22 sentences en", [s for d in docs for s in d["en"]], "en")
    _row("WMT22 sentences ru", [s for d in docs for s in d["ru"]], "ru")
    return 0


if __name__ == "__main__":
    sys.exit(main())
