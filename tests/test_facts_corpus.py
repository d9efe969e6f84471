"""Fact extraction over real news text: no errors, sane offsets, and a speed budget.

Uses the external data in ../shared/data (ECB+ and MSRP); skipped where it is absent.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from _facts_helpers import paragraphs
from storytrace.facts import extract
from storytrace.model import Sentence

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
ECB = DATA / "ecbplus" / "ecbplus_docs_train_dev.jsonl"
MSRP = DATA / "msrp" / "msr_paraphrase_train.txt"

# A generous ceiling for CI machines (2 shared cores); measured here: about 6-10 ms under
# load from other jobs, which is some 2.5x slower than an idle desktop.
BUDGET_MS_PER_30_SENTENCES = 20.0


def _check(sentences: tuple[Sentence, ...]) -> int:
    count = 0
    for sentence in sentences:
        f = sentence.facts
        for item in (*f.numbers, *f.dates, *f.names, *f.quotes, *f.hedges, *f.framing):
            assert sentence.text[item.start : item.end] == item.text, item
            count += 1
        for att in f.attributions:
            assert att.source is not None
            assert att.source in sentence.text[att.start : att.end]
            count += 1
        for name in f.names:
            assert name.key
            assert name.key == name.key.lower()
    return count


@pytest.mark.slow
def test_ecbplus_all_documents() -> None:
    if not ECB.exists():
        pytest.skip(f"{ECB} not present")
    docs = [json.loads(line) for line in ECB.read_text(encoding="utf-8").splitlines() if line]
    articles = [paragraphs(d["text"]) for d in docs]
    extract(articles[0], lang="en", published=None)  # load the lexicon outside the timing
    start = time.process_time()
    results = [extract(a, lang="en", published=None) for a in articles]
    elapsed = time.process_time() - start
    facts = sum(_check(r) for r in results)
    n_sentences = sum(len(a) for a in articles)
    per_30 = elapsed / n_sentences * 30 * 1000
    print(
        f"\nECB+: {len(docs)} docs, {n_sentences} sentences, {facts} facts in {elapsed:.2f}s "
        f"CPU: {facts / elapsed:.0f} facts/s, {per_30:.2f} ms per 30 sentences"
    )
    assert facts > 20000
    assert per_30 < BUDGET_MS_PER_30_SENTENCES


@pytest.mark.slow
def test_msrp_sentences() -> None:
    if not MSRP.exists():
        pytest.skip(f"{MSRP} not present")
    lines = MSRP.read_text(encoding="utf-8-sig").splitlines()[1:]  # CRLF folded on read
    texts = [field for line in lines if line for field in line.split("\t")[3:5]]
    sentences = tuple(Sentence(i, t, 0, len(t), i) for i, t in enumerate(texts))
    # one sentence per "article" would hide the context bugs; feed them in blocks of 30
    total = 0
    for i in range(0, len(sentences), 30):
        total += _check(extract(sentences[i : i + 30], lang="en", published=None))
    assert total > 10000
