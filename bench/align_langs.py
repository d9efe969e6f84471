"""Alignment, relation and false typed changes in other languages and scripts (#15).

The same measure and table as ``bench/align_wmt.py`` on the hand-written development set
``bench/data/xl/<lang>.json`` (ja, zh, cs, de, hr, fr; docs/languages.md says what it is
and what that means for the figures): English WMT22 news rendered in each language, and
one document per language written as the original with the WMT22 English reference as
its translation, so both directions are present. Each pair is measured in both orders
(``*`` = the translation given first), through the defaults a user gets (``compare``
with ``encoder=None``: the encoder ``encode.encoder_for_pair`` picks for the pair).

Documents are read whole as a news page lays them out: the headline, then paragraphs of
up to three sentences, run together with no space in Chinese and Japanese (so the
segmenter must find "。" ends) and with one elsewhere.

``direction`` counts the documents whose relation states a direction and states it
wrong (the target is <= 5%); without publication times the product says ``unknown``.

    python bench/align_langs.py [--lang ja,zh,cs,de,hr,fr] [-v]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import datasets
from align_wmt import measure

_UNSPACED = ("ja", "zh")


def news_layout(sentences: list[str], lang: str) -> str:
    """The headline, a blank line, then paragraphs of up to three sentences."""
    joiner = "" if lang in _UNSPACED else " "
    body = sentences[1:]
    paragraphs = [joiner.join(body[i : i + 3]) for i in range(0, len(body), 3)]
    return "\n\n".join([sentences[0], *paragraphs])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lang", default=",".join(datasets.XL_LANGS), help="comma-separated")
    parser.add_argument("--encoder", default=None, help="None: the encoder a user gets")
    parser.add_argument(
        "-v", "--verbose", action="store_true", help="list every typed change reported"
    )
    args = parser.parse_args()
    langs = [code.strip() for code in args.lang.split(",") if code.strip()]
    by_lang = {lang: datasets.xl_docs(lang) for lang in langs}
    if not any(by_lang.values()):
        sys.exit("WMT22 documents not found in ../shared/data; nothing to measure")
    print(
        f"{'pair':<7} {'docs':>4} {'links':>5} {'precision':>9} {'recall':>7} {'f1':>7} "
        f"{'translation':>11} {'changes/50':>10} {'direction':>9} {'s':>6}"
    )
    per_lang: dict[str, list[float]] = {}
    for lang, docs in by_lang.items():
        pairs = sorted({str(d["pair"]) for d in docs}, key=lambda p: not p.startswith("en"))
        for pair in pairs:
            group = [d for d in docs if d["pair"] == pair]
            for reverse in (False, True):
                t0 = time.perf_counter()
                m = measure(
                    group, args.encoder, reverse=reverse, verbose=args.verbose, layout=news_layout
                )
                name = "-".join(pair.split("-")[::-1]) + "*" if reverse else pair
                print(
                    f"{name:<7} {m['docs']:>4.0f} {m['links']:>5.0f} {m['precision']:>9.4f} "
                    f"{m['recall']:>7.4f} {m['f1']:>7.4f} {m['translation']:>11.2f} "
                    f"{m['changes_per_50']:>10.2f} {m['direction_wrong']:>9.2f} "
                    f"{time.perf_counter() - t0:>6.1f}"
                )
                per_lang.setdefault(lang, []).append(m["f1"])
    print("* translation given first, its source second")
    means = {lang: sum(f) / len(f) for lang, f in per_lang.items()}
    print(" ".join(f"{lang}_f1={value:.4f}" for lang, value in means.items()))
    print(f"alignment_f1_mean={sum(means.values()) / len(means):.4f}")


if __name__ == "__main__":
    main()
