"""Tests for storytrace.segment: the seed pair, abbreviations, quotations, Russian, the
gold sentence boundaries of WMT22 news, speed on ECB+, and offset properties."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from storytrace.clean import clean
from storytrace.model import Paragraph, Sentence
from storytrace.segment import segment

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "examples" / "seed-pair"
DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"


def _texts(body: str, lang: str | None = "en") -> list[str]:
    return [s.text for s in segment(body, lang=lang)[1]]


def _assert_offsets(
    body: str, paragraphs: tuple[Paragraph, ...], sentences: tuple[Sentence, ...]
) -> None:
    previous_end = 0
    for i, para in enumerate(paragraphs):
        assert para.i == i
        assert previous_end <= para.start < para.end <= len(body)
        text = body[para.start : para.end]
        assert text == text.strip()
        assert not re.search(r"[\n\r\u2028\u2029]", text)
        previous_end = para.end
    previous_end = 0
    for i, sent in enumerate(sentences):
        assert sent.i == i
        assert body[sent.start : sent.end] == sent.text
        assert sent.text
        assert sent.text == sent.text.strip()
        assert sent.start >= previous_end
        para = paragraphs[sent.paragraph]
        assert para.start <= sent.start < sent.end <= para.end
        assert sent.facts.is_empty()
        previous_end = sent.end
    # Every non-space character of a paragraph is in exactly one sentence.
    covered = sum(len(re.sub(r"\s", "", s.text)) for s in sentences)
    assert covered == sum(len(re.sub(r"\s", "", body[p.start : p.end])) for p in paragraphs)


# --- the seed pair ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def a_body() -> str:
    raw = (SEED / "a.txt").read_text(encoding="utf-8")
    return clean(raw.split("\n", 1)[1].lstrip("\n"), lang="en").body


@pytest.fixture(scope="module")
def b_body() -> str:
    return clean((SEED / "b.txt").read_text(encoding="utf-8"), lang="en").body


def test_seed_sentence_counts(a_body: str, b_body: str) -> None:
    a_paras, a_sents = segment(a_body, lang="en")
    b_paras, b_sents = segment(b_body, lang="en")
    print(f"\na.txt: {len(a_paras)} paragraphs, {len(a_sents)} sentences; "
          f"b.txt: {len(b_paras)} paragraphs, {len(b_sents)} sentences")  # fmt: skip
    assert (len(a_paras), len(a_sents)) == (16, 20)
    assert (len(b_paras), len(b_sents)) == (15, 22)
    assert [s.text for s in b_sents if s.paragraph == 0] == [
        "American media outlet Axios reports that the US administration is prepared to offer "
        "Ukraine security guarantees based on NATO's Article 5, citing an unnamed senior US "
        "official.",
        "However, the plan reportedly includes Ukraine withdrawing its forces from Donbas and "
        "establishing a demilitarized zone there.",
    ]
    _assert_offsets(a_body, a_paras, a_sents)
    _assert_offsets(b_body, b_paras, b_sents)


def test_seed_multi_sentence_quotes_stay_whole_with_their_attribution(
    a_body: str, b_body: str
) -> None:
    a = _texts(a_body)
    assert (
        '"We want to give the Ukrainians a security guarantee that will not be a blank check '
        "on the one hand, but will be strong enough on the other hand. We are willing to send "
        'it to Congress to vote on it," the official said.'
    ) in a
    assert any(
        t.startswith('"The White House is pushing') and t.endswith("the media outlet reports.")
        for t in a
    )
    b = _texts(b_body)
    assert any(t.startswith('"We want to give') and t.endswith('," the official said.') for t in b)
    # A sentence before the quote in the same paragraph stays apart from it.
    assert "The negotiations aim to reach agreement on the US peace plan, Axios reports." in b
    assert any(t.startswith('"The White House') and t.endswith('," the outlet states.') for t in b)


# --- abbreviations, numbers, punctuation ----------------------------------------------------

SPLITS = [
    ("The U.S. and the U.K. signed on Dec. 13 at 5 p.m. local time. Mr. Smith left.",
     ["The U.S. and the U.K. signed on Dec. 13 at 5 p.m. local time.", "Mr. Smith left."]),
    ("Dr. J. Smith met Gen. Milley at No. 10 Downing St. on Jan. 5. They talked.",
     ["Dr. J. Smith met Gen. Milley at No. 10 Downing St. on Jan. 5.", "They talked."]),
    ("He was born in the U.S. He moved to Kyiv later.",
     ["He was born in the U.S.", "He moved to Kyiv later."]),
    ("U.S. President Joe Biden spoke. He left.",
     ["U.S. President Joe Biden spoke.", "He left."]),
    ("Apple Inc. said so. The company, Apple Inc., said more.",
     ["Apple Inc. said so.", "The company, Apple Inc., said more."]),
    ("It opens at 9 a.m. The doors close at 5 p.m. Tickets are sold out.",
     ["It opens at 9 a.m.", "The doors close at 5 p.m.", "Tickets are sold out."]),
    ("Growth was 3.5 percent... Then it fell. Prices rose 2.4%.",
     ["Growth was 3.5 percent...", "Then it fell.", "Prices rose 2.4%."]),
    ("Wait… What happened? Nobody knows! It is unclear.",
     ["Wait…", "What happened?", "Nobody knows!", "It is unclear."]),
    ("The rate was 1.25 on Dec. 1. 2.5 was expected.",
     ["The rate was 1.25 on Dec. 1.", "2.5 was expected."]),
    ("The quake measured magnitude 5. 9 on Sunday. Nobody died.",
     ["The quake measured magnitude 5. 9 on Sunday.", "Nobody died."]),
    ("1. The first point. 2. The second point.",
     ["1. The first point.", "2. The second point."]),
    ("The ratings rose (14.1 rating. 33 share. Best in years) and then fell.",
     ["The ratings rose (14.1 rating. 33 share. Best in years) and then fell."]),
    ("He quit (he said he was tired.) Then he left.",
     ["He quit (he said he was tired.)", "Then he left."]),
    ('"Why?" he asked. "Because." Fine.', ['"Why?" he asked.', '"Because."', "Fine."]),
    ("the end.lower case next", ["the end.lower case next"]),
]  # fmt: skip


@pytest.mark.parametrize(("body", "expected"), SPLITS)
def test_english_boundaries(body: str, expected: list[str]) -> None:
    assert _texts(body, "en") == expected


RUSSIAN = [
    ("Путин встретился с г. Ивановым 5 янв. 2022 г. в Москве. Т.е. встреча состоялась.",
     ["Путин встретился с г. Ивановым 5 янв. 2022 г. в Москве.", "Т.е. встреча состоялась."]),
    ("В 2021 г. рост составил 4,7%. Это много. В 2021 г. Путин заявил об этом.",
     ["В 2021 г. рост составил 4,7%.", "Это много.", "В 2021 г. Путин заявил об этом."]),
    ("Выборы прошли в 2021 г. В Москве явка была высокой.",
     ["Выборы прошли в 2021 г.", "В Москве явка была высокой."]),
    ("В. В. Путин приехал. Он ушёл.", ["В. В. Путин приехал.", "Он ушёл."]),
    ("Премия им. В. К. Арсеньева вручена. Это важно.",
     ["Премия им. В. К. Арсеньева вручена.", "Это важно."]),
    ("Он сказал: «Мы готовы. Это важно». Потом ушёл.",
     ["Он сказал: «Мы готовы. Это важно».", "Потом ушёл."]),
    ("Он сказал: „Мы готовы. Это важно“. Потом ушёл.",
     ["Он сказал: „Мы готовы. Это важно“.", "Потом ушёл."]),
    ("«Мы готовы. Это важно», — заявил министр. Он уехал.",
     ["«Мы готовы. Это важно», — заявил министр.", "Он уехал."]),
    ("Цены выросли на 5 млн. руб. за год. Это рекорд.",
     ["Цены выросли на 5 млн. руб. за год.", "Это рекорд."]),
]  # fmt: skip


@pytest.mark.parametrize(("body", "expected"), RUSSIAN)
def test_russian_boundaries(body: str, expected: list[str]) -> None:
    assert _texts(body, "ru") == expected


# --- quotations ---------------------------------------------------------------------------


def test_quote_over_several_sentences_is_one_sentence_with_its_attribution() -> None:
    body = 'Talks went on. "We are ready. We will sign. It is final," the minister said. Next.'
    assert _texts(body) == [
        "Talks went on.",
        '"We are ready. We will sign. It is final," the minister said.',
        "Next.",
    ]


def test_curly_quotes_and_a_closing_quote_before_the_attribution() -> None:
    body = "“We are ready. We will sign,” the minister said. It may offer a path,” he added."
    # The second closing mark has no opener: the paragraph is unbalanced, so it is
    # split as if it had no quotes.
    assert _texts(body) == [
        "“We are ready.",
        "We will sign,” the minister said.",
        "It may offer a path,” he added.",
    ]
    assert _texts("“We are ready. We will sign,” the minister said. Next.") == [
        "“We are ready. We will sign,” the minister said.",
        "Next.",
    ]


def test_unbalanced_quote_does_not_swallow_the_paragraph() -> None:
    body = 'He said "no. Never. Then he left. The talks ended.'
    assert _texts(body) == ['He said "no.', "Never.", "Then he left.", "The talks ended."]


def test_quote_ending_a_sentence_then_a_new_sentence() -> None:
    assert _texts('He said: "It is over." The talks ended.') == [
        'He said: "It is over."',
        "The talks ended.",
    ]


def test_tokenised_spacing_of_closing_quotes() -> None:
    # ECB+ text is rebuilt from tokens: a closing quote may stand apart.
    body = "She lived with her “ partner. ” Of course it was no coincidence."
    assert _texts(body) == ["She lived with her “ partner. ”", "Of course it was no coincidence."]


def test_sentences_never_cross_paragraphs() -> None:
    body = '"We are ready.\n\nWe will sign," he said.'
    paras, sents = segment(body)
    assert len(paras) == 2
    assert [s.paragraph for s in sents] == [0, 1]


# --- real corpora ----------------------------------------------------------------------------

_TERMINAL = re.compile(r"[.!?…][\"'”’»)\]]*$")


def _jsonl(path: Path) -> list[dict[str, object]]:
    if not path.exists():
        pytest.skip(f"external data not found at {path}")
    with path.open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines]


def _boundary_scores(documents: list[list[str]], lang: str) -> dict[str, float]:
    """Sentence-boundary precision, recall and F1 against gold one-sentence-per-line text.

    Each gold document is joined with spaces into one paragraph. ``f1`` counts every gold
    boundary; ``f1_punctuated`` only those after a gold sentence ending in ``. ! ? …``
    (no splitter can find the end of a headline that has no full stop).
    """
    tp = fp = fn = tp_p = fn_p = gold_n = pred_n = 0
    for sentences in documents:
        sentences = [s.strip() for s in sentences if s.strip()]
        text = " ".join(sentences)
        gold, punctuated, offset = set(), set(), 0
        for k, sentence in enumerate(sentences):
            if k:
                gold.add(offset)
                if _TERMINAL.search(sentences[k - 1]):
                    punctuated.add(offset)
            offset += len(sentence) + 1
        found = segment(text, lang=lang)[1]
        predicted = {s.start for s in found[1:]}
        tp += len(gold & predicted)
        fp += len(predicted - gold)
        fn += len(gold - predicted)
        tp_p += len(punctuated & predicted)
        fn_p += len(punctuated - predicted)
        gold_n += len(sentences)
        pred_n += len(found)
    p, r = tp / (tp + fp), tp / (tp + fn)
    pp, rp = tp_p / (tp_p + fp), tp_p / (tp_p + fn_p)
    return {
        "precision": p,
        "recall": r,
        "f1": 2 * p * r / (p + r),
        "f1_punctuated": 2 * pp * rp / (pp + rp),
        "gold_sentences": gold_n,
        "sentences": pred_n,
    }


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["en", "ru"])
def test_wmt_news_boundary_f1(lang: str) -> None:
    """Against WMT22 professional sentence segmentation (English and Russian sides).

    Recall is below 1 by design: a quotation of several sentences is one sentence here
    and several in the gold; precision errors are mostly gold segments that hold two
    sentences. Measured: en P 0.987 R 0.863 F1 0.921 (punctuated 0.970); ru P 0.990
    R 0.858 F1 0.919 (punctuated 0.969). Without quote merging F1 is 0.993 on both.
    """
    docs = _jsonl(DATA / "wmt22_news" / "wmt22_news_docs_en_ru.jsonl")
    documents = [list(d["src_sentences"]) for d in docs if d["src_lang"] == lang]  # type: ignore[call-overload]
    documents += [list(d["ref_sentences"]) for d in docs if d["ref_lang"] == lang]  # type: ignore[call-overload]
    scores = _boundary_scores(documents, lang)
    print(f"\nWMT22 {lang}: " + ", ".join(f"{k} {v:.3f}" for k, v in scores.items()))
    assert scores["precision"] >= 0.97
    assert scores["f1_punctuated"] >= 0.95
    assert 0.8 <= scores["sentences"] / scores["gold_sentences"] <= 1.05


@pytest.mark.slow
def test_ecbplus_speed_and_sanity() -> None:
    docs = _jsonl(DATA / "ecbplus" / "ecbplus_docs_train_dev.jsonl")
    bodies = [clean(str(d["text"]), lang="en").body for d in docs]
    words = sum(len(b.split()) for b in bodies)
    segment(bodies[0], lang="en")  # load the lexicon outside the timing
    started = time.perf_counter()
    results = [segment(b, lang="en") for b in bodies]
    elapsed = time.perf_counter() - started
    n_sentences = sum(len(sents) for _, sents in results)
    per_600_words_ms = elapsed / words * 600 * 1000
    print(
        f"\nECB+: {len(docs)} docs, {n_sentences} sentences in {elapsed:.3f}s = "
        f"{n_sentences / elapsed:,.0f} sentences/s, {per_600_words_ms:.2f} ms per 600 words"
    )
    assert per_600_words_ms < 5.0
    for body, (paras, sents) in zip(bodies, results, strict=True):
        _assert_offsets(body, paras, sents)


# --- properties --------------------------------------------------------------------------------

_PIECES = st.sampled_from(
    [
        ".", ". ", "? ", "! ", "...", "…", " ", "\n", "\n\n", "\r\n", "\u2028", '"', "“", "”",
        "«", "»", "„", "'", "(", ")", "[", "]", "U.S.", "Mr.", "Dr. ", "J. ", "г. ", "т.е.",
        "No. 5", "3.5", "5. 9", "The", "he", "Он", "said", "1.", "\u00a0", "\t", "é", "ß",
    ]
)  # fmt: skip
_TEXT = st.lists(st.one_of(_PIECES, st.text(max_size=6)), max_size=60).map("".join)


@settings(max_examples=500, deadline=None)
@given(body=_TEXT, lang=st.sampled_from([None, "en", "ru", "de"]))
def test_offsets_always_slice_back(body: str, lang: str | None) -> None:
    paragraphs, sentences = segment(body, lang=lang)
    _assert_offsets(body, paragraphs, sentences)
