"""Loaders for the labelled sets in ../shared/data (never committed to this repository).

Every loader returns [] when its file is absent, so benchmarks and tests can skip cleanly.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"

MSRP_TRAIN = Path("msrp/msr_paraphrase_train.txt")
WMT_EN_RU = Path("wmt22_news/wmt22_news_docs_en_ru.jsonl")
WMT_EN_UK = Path("wmt22_news/wmt22_news_docs_en_uk_dev.jsonl")
ECB_TRAIN_DEV = Path("ecbplus/ecbplus_docs_train_dev.jsonl")
"""Data files under ``SHARED_DATA``, named here for the loaders and for the sha256 in the
provenance of the models fitted on them."""


@dataclass(frozen=True)
class SentencePair:
    """A labelled sentence pair (MSRP: label 1 = paraphrase)."""

    label: int
    a: str
    b: str


def msrp_train(root: Path = SHARED_DATA) -> list[SentencePair]:
    """MSRP train: tab-separated, BOM, CRLF; no CSV quoting (strings hold stray quotes)."""
    path = root / MSRP_TRAIN
    if not path.exists():
        return []
    pairs = []
    for line in path.read_text("utf-8-sig").splitlines()[1:]:
        fields = line.split("\t")
        if len(fields) >= 5:
            pairs.append(SentencePair(int(fields[0]), fields[3], fields[4]))
    return pairs


def sts(split: str = "train", root: Path = SHARED_DATA) -> list[tuple[str, float, str, str]]:
    """STS-B rows as (genre, score, s1, s2); only the first seven fields are read."""
    path = root / "stsbenchmark" / f"sts-{split}.csv"
    if not path.exists():
        return []
    rows = []
    for line in path.read_text("utf-8").splitlines():
        fields = line.split("\t")
        if len(fields) >= 7:
            rows.append((fields[0], float(fields[4]), fields[5], fields[6]))
    return rows


def wmt_docs(pair: str | None = "en-ru", root: Path = SHARED_DATA) -> list[dict[str, object]]:
    """WMT22 documents: src_sentences[i] translates to ref_sentences[i].

    ``pair`` is ``en-ru``, ``ru-en``, ``en-uk`` (the development documents), ``all``, or
    None for the en-ru and ru-en documents (what every caller read before en-uk came).
    """
    files = WMT_FILES if pair == "all" else (WMT_EN_UK,) if pair == "en-uk" else (WMT_EN_RU,)
    docs: list[dict[str, object]] = []
    for name in files:
        path = root / name
        if path.exists():
            docs += [json.loads(line) for line in path.read_text("utf-8").splitlines() if line]
    return [d for d in docs if pair in (None, "all") or d["pair"] == pair]


WMT_FILES = (WMT_EN_RU, WMT_EN_UK)
"""Every WMT22 document file, in the order ``wmt_docs`` reads them."""

XL_DIR = Path(__file__).resolve().parent / "data" / "xl"
XL_LANGS = ("ja", "zh", "cs", "de", "hr", "fr")
"""Languages of the hand-written development set (``bench/data/xl/<lang>.json``)."""


def xl_docs(lang: str, root: Path = SHARED_DATA) -> list[dict[str, object]]:
    """The hand-written development set of ``lang`` as WMT-shaped documents.

    ``bench/data/xl/<lang>.json`` holds only our own text, keyed to a WMT22 document id:
    sentences[i] renders that document's English sentence i. English originals (the
    ``en-ru`` sources) become ``en-<lang>`` documents; a document written as an original
    in ``lang`` (content from a ``ru-en`` document's English reference) becomes
    ``<lang>-en``, its English rendering the reference. [] when ../shared is absent.
    """
    path = XL_DIR / f"{lang}.json"
    by_id = {str(d["doc_id"]): d for d in wmt_docs("all", root)}
    if not by_id or not path.exists():
        return []
    docs: list[dict[str, object]] = []
    for item in json.loads(path.read_text("utf-8"))["docs"]:
        wmt = by_id[item["doc_id"]]
        english = wmt["src_sentences"] if wmt["src_lang"] == "en" else wmt["ref_sentences"]
        ours = list(item["sentences"])
        if len(ours) != len(english):  # type: ignore[arg-type]
            raise ValueError(f"{path.name} {item['doc_id']}: sentence count differs")
        original = item["origlang"]
        src, ref = (english, ours) if original == "en" else (ours, english)
        src_lang, ref_lang = ("en", lang) if original == "en" else (lang, "en")
        docs.append(
            {
                "pair": f"{src_lang}-{ref_lang}",
                "doc_id": item["doc_id"],
                "origlang": original,
                "src_lang": src_lang,
                "ref_lang": ref_lang,
                "src_sentences": src,
                "ref_sentences": ref,
            }
        )
    return docs


def ecb_docs(root: Path = SHARED_DATA) -> list[dict[str, object]]:
    """ECB+ train+dev documents with topic, subtopic (gold event) and text."""
    path = root / ECB_TRAIN_DEV
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]


def iter_lines(path: Path) -> Iterator[str]:
    """Lines of a UTF-8 file without their newline."""
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            yield line.rstrip("\n")


SEMEVAL_TR_AR_DEV = Path("semeval2022_task8/tr_ar_pairs_dev.jsonl")
"""SemEval-2022 Task 8 development pairs, Turkish and Arabic (the other half is held out)."""


def semeval_pairs(root: Path = SHARED_DATA) -> list[dict[str, object]]:
    """SemEval-2022 Task 8 pairs: ``title1``/``text1``, ``title2``/``text2``, their
    languages, and the annotators' graded scores (``Overall``: 1 very similar .. 4 very
    dissimilar)."""
    path = root / SEMEVAL_TR_AR_DEV
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]
