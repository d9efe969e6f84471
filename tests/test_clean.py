"""Tests for storytrace.clean: the seed pair, each boilerplate kind, what must be kept,
the real corpora under ../shared/data, and properties over arbitrary text."""

from __future__ import annotations

import itertools
import json
import re
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from storytrace.clean import WRAP_WIDTH, clean
from storytrace.model import RemovedSpan
from storytrace.segment import segment

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "examples" / "seed-pair"
DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"


def _after_header(raw: str) -> str:
    """The seed text as the text reader hands it to clean(): without its header line."""
    return raw.split("\n", 1)[1].lstrip("\n")


@pytest.fixture(scope="module")
def a_text() -> str:
    return _after_header((SEED / "a.txt").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def b_text() -> str:
    return (SEED / "b.txt").read_text(encoding="utf-8")


def _assert_spans_slice(text: str, removed: tuple[RemovedSpan, ...]) -> None:
    for span in removed:
        assert text[span.start : span.end] == span.text
    starts = [span.start for span in removed]
    assert starts == sorted(starts)
    for first, second in itertools.pairwise(removed):
        assert first.end <= second.start


# --- the seed pair --------------------------------------------------------------------


def test_seed_a_removes_exactly_the_photo_line_and_two_editor_notes(a_text: str) -> None:
    cleaned = clean(a_text, lang="en")
    assert [(r.kind, r.text) for r in cleaned.removed] == [
        ("photo_credit", "Donald Trump (Photo: AARON SCHWARTZ/EPA)"),
        (
            "editor_note",
            "(an attack on one member of the Alliance is considered an attack on all "
            "members – Ed.)",
        ),
        ("editor_note", "(an unlimited commitment on the part of the United States – Ed.)"),
    ]
    _assert_spans_slice(a_text, cleaned.removed)


def test_seed_b_removes_nothing(b_text: str) -> None:
    cleaned = clean(b_text, lang="en")
    assert cleaned.removed == ()
    assert cleaned.body.split("\n\n") == b_text.strip().split("\n")


def test_seed_a_removal_leaves_no_broken_sentence(a_text: str) -> None:
    body = clean(a_text, lang="en").body
    assert "on collective security. The source claimed" in body
    assert "on the one hand, but will be strong enough" in body
    assert "Ed.)" not in body
    assert "  " not in body
    _, sentences = segment(body, lang="en")
    texts = [s.text for s in sentences]
    at = next(i for i, t in enumerate(texts) if "collective security" in t)
    assert texts[at].endswith("collective security.")
    assert texts[at + 1].startswith("The source claimed")


def test_seed_a_keeps_paragraphs_and_drops_the_emptied_one(a_text: str) -> None:
    body = clean(a_text, lang="en").body
    paragraphs = body.split("\n\n")
    assert len(paragraphs) == a_text.count("\n\n")  # 17 blocks, the photo line gone
    assert paragraphs[0].startswith("Axios media outlet")
    assert "\n\n\n" not in body
    assert all(p and p == p.strip() and "\n" not in p for p in paragraphs)


# --- each kind, English and Russian ------------------------------------------------------

REMOVED_LINES = [
    ("photo_credit", "Photo: Reuters", "en"),
    ("photo_credit", "PHOTO: Jane Doe/Reuters", "en"),
    ("photo_credit", "Image: John Doe / Getty Images", "en"),
    ("photo_credit", "Credit: AP", "en"),
    ("photo_credit", "Photos by Jane Doe", "en"),
    ("photo_credit", "AARON SCHWARTZ/EPA", "en"),
    ("photo_credit", "REUTERS/Kevin Lamarque", "en"),
    ("photo_credit", "AP Photo/Evan Vucci", "en"),
    ("photo_credit", "Getty Images", "en"),
    ("photo_credit", "Zelensky and Trump at the White House (Photo: Reuters)", "en"),
    ("photo_credit", "Фото: РИА Новости", "ru"),
    ("caption", "Pictured: Joe Biden at the White House", "en"),
    ("caption", "На фото: Владимир Зеленский", "ru"),
    ("editor_note", "Editor's note: This story has been updated with a statement.", "en"),
    ("editor_note", "EDITOR’S NOTE: An earlier version misspelled a name.", "en"),
    ("read_also", "Read also: Zelensky meets Trump in Berlin", "en"),
    ("read_also", "READ MORE", "en"),
    ("read_also", "Read more: Markets fall after the talks", "en"),
    ("read_also", "See also Ukraine war live", "en"),
    ("read_also", "Related: Ukraine talks", "en"),
    ("read_also", "Читайте также: Путин провел совещание", "ru"),
    ("share_prompt", "Share this article", "en"),
    ("share_prompt", "Share on Facebook", "en"),
    ("share_prompt", "Tweet", "en"),
    ("share_prompt", "Поделиться", "ru"),
    ("subscribe_prompt", "Follow us on Telegram", "en"),
    ("subscribe_prompt", "Subscribe to our newsletter", "en"),
    ("subscribe_prompt", "Sign up for our daily briefing", "en"),
    ("subscribe_prompt", "Подписывайтесь на наш Telegram-канал", "ru"),
    ("byline", "By John Smith", "en"),
    ("byline", "By John Smith, Reuters", "en"),
    ("byline", "By JOHN SMITH and JANE DOE | CNN", "en"),
    ("byline", "By The Associated Press", "en"),
    ("byline", "(Reporting by John Smith in London; Editing by Jane Doe)", "en"),
    ("byline", "Автор: Иван Иванов", "ru"),
    ("dateline", "Posted: May 24, 2005", "en"),
    ("dateline", "UPDATED: FRIDAY, MAY 3, 2013, 9: 56 AM", "en"),
    ("dateline", "WASHINGTON, DC, April 28, 2009", "en"),
]


@pytest.mark.parametrize(("kind", "line", "lang"), REMOVED_LINES)
def test_boilerplate_line_is_removed_with_its_kind(kind: str, line: str, lang: str) -> None:
    text = f"{line}\n\nThe talks ended on Friday without a deal.\n"
    cleaned = clean(text, lang=lang)
    assert [(r.kind, r.text) for r in cleaned.removed] == [(kind, line)]
    assert cleaned.body == "The talks ended on Friday without a deal."
    _assert_spans_slice(text, cleaned.removed)


DATELINES = [
    ("KYIV, Dec 13 (Reuters) -", "Ukraine said on Saturday it was ready.", "en"),
    ("WASHINGTON —", "The White House said the talks would go on.", "en"),
    ("LONDON (AP) —", "Britain's government fell on Tuesday.", "en"),
    ("NEW YORK, N.Y. (AP) —", "Stocks rose.", "en"),
    ("Washington (CNN) —", "Lawmakers met.", "en"),
    ("(CNN) —", "The storm hit the coast.", "en"),
    ("ALASKA -", "Shortly after 3:30 Tuesday morning someone called 911.", "en"),
    ("МОСКВА, 13 дек — РИА Новости.", "Президент провел совещание.", "ru"),
    ("МОСКВА, 13 декабря. /ТАСС/.", "Президент провел совещание.", "ru"),
]


@pytest.mark.parametrize(("dateline", "sentence", "lang"), DATELINES)
def test_dateline_prefix_is_removed_and_the_sentence_kept(
    dateline: str, sentence: str, lang: str
) -> None:
    text = f"Headline\n\n{dateline} {sentence}\n\nMore text follows here."
    cleaned = clean(text, lang=lang)
    assert [(r.kind, r.text) for r in cleaned.removed] == [("dateline", dateline)]
    assert cleaned.body.split("\n\n") == ["Headline", sentence, "More text follows here."]
    _assert_spans_slice(text, cleaned.removed)


@pytest.mark.parametrize(
    ("text", "kind", "body"),
    [
        ("The plan (a blank check — Ed.) is fine.", "editor_note", "The plan is fine."),
        ("The plan (a blank check - Ed.). Next one.", "editor_note", "The plan. Next one."),
        ("An attack (on all — Ed.) They agreed.", "editor_note", "An attack. They agreed."),
        ("The deal (Editor's note: signed in 1994) held.", "editor_note", "The deal held."),
        ("He said (Ed. note: he meant Kyiv) that.", "editor_note", "He said that."),
        ("It ended (Photo: EPA) and all left.", "photo_credit", "It ended and all left."),
        ('"Hit FIG (groups – Ed.) ", he said.', "editor_note", '"Hit FIG", he said.'),
        ('He said "the FIG (groups – Ed.)" did it.', "editor_note", 'He said "the FIG" did it.'),
        ('He said (the FIG – Ed.) "no" to it.', "editor_note", 'He said "no" to it.'),
        ("Компания Meta (признана экстремистской — прим. ред.) заявила.", "editor_note",
         "Компания Meta заявила."),
        ("Компания (финансово-промышленными группами. - Ред.) заявила.", "editor_note",
         "Компания заявила."),
    ],
)  # fmt: skip
def test_parenthetical_is_removed_without_breaking_the_sentence(
    text: str, kind: str, body: str
) -> None:
    cleaned = clean(text)
    assert [r.kind for r in cleaned.removed] == [kind]
    assert cleaned.body == body
    _assert_spans_slice(text, cleaned.removed)


def test_dateline_and_parentheticals_in_one_paragraph() -> None:
    text = "LONDON (Reuters) - The plan (a note – Ed.) is fine (Photo: AP)."
    cleaned = clean(text)
    assert [(r.kind, r.text) for r in cleaned.removed] == [
        ("dateline", "LONDON (Reuters) -"),
        ("editor_note", "(a note – Ed.)"),
        ("photo_credit", "(Photo: AP)"),
    ]
    assert cleaned.body == "The plan is fine."


def test_full_stop_is_inserted_only_before_a_new_sentence() -> None:
    # No full stop: the note does not end in "." and "Kushner" is no sentence opener.
    assert clean("met Witkoff (the envoy – Ed) Kushner and Zelensky.").body == (
        "met Witkoff Kushner and Zelensky."
    )
    # Already punctuated: nothing doubled.
    assert clean("It ended. (a truce – Ed.) The talks resumed.").body == (
        "It ended. The talks resumed."
    )


# --- what must be kept -------------------------------------------------------------------

KEPT_LINES = [
    "By 1952, Page was breaking taboos.",
    "By then, with tracking suggesting a huge opening weekend, Ross was in no hurry.",
    "By Monday, the deal was off.",
    "Photos show the entire two - story building seeming to go up in flames at once.",
    "Photos by the dozen were posted online.",
    "Reuters/Ipsos poll shows Biden ahead by 5 points.",
    "SKY - TV reports that the 3 bank employees were burnt to death.",
    "A FIRE - BOMB attack on a bank in Athens left at least three people dead.",
    "BREAKING NEWS - 3 DEAD due to Molotov cocktail at Bank",
    "NATO — The alliance said it would respond.",
    "Related stories were published by several outlets.",
    "Subscribers will get a discount, the company said.",
    "Sources: Sox May Not Be Out Of Teixeira Chase",
    "In a related story, 1,300 biologists sent letters to the Interior Department.",
    "Hiller had run-ins with co-workers (see related story).",
    "(Personal note: Somebody on the coaching staff needs to put leg chains on Wylie.)",
    "Автор «Интервью с вампиром» Энн Райс умерла в возрасте 80 лет",
    "На фото в The Sunday Mirror Джонсон изображен с двумя сотрудниками.",
    "Об этом сообщила радиостанция RTHK со ссылкой на уведомление, передает ТАСС.",
    "Agnieszka Lada-Konefal, the deputy director of the institute, expects dialogue.",
    "The 2007 Oscars stand as the top rated in adults (14. 1 rating / 33 share).",
]


@pytest.mark.parametrize("line", KEPT_LINES)
def test_reporting_is_kept(line: str) -> None:
    cleaned = clean(f"{line}\nThe talks ended.", lang="en")
    assert cleaned.removed == ()
    assert cleaned.body == f"{line}\n\nThe talks ended."


# --- paragraphs ----------------------------------------------------------------------------


def test_hard_wrapped_block_is_joined_into_one_paragraph() -> None:
    text = (
        "By John Smith\n"
        "LONDON (Reuters) - The government said on\n"
        "Monday that it would raise taxes, a move\n"
        "that surprised markets.\n\n"
        "A second paragraph.\n"
    )
    cleaned = clean(text)
    assert [r.kind for r in cleaned.removed] == ["byline", "dateline"]
    assert cleaned.body == (
        "The government said on Monday that it would raise taxes, a move that surprised "
        "markets.\n\nA second paragraph."
    )


def test_block_of_long_lines_keeps_one_paragraph_per_line() -> None:
    long_line = "The talks, which lasted for more than nine hours, ended " * 3
    assert len(long_line) > WRAP_WIDTH
    text = f"Background\n{long_line.strip()}\n\nEnd."
    assert clean(text).body.split("\n\n") == ["Background", long_line.strip(), "End."]


def test_text_without_blank_lines_has_one_paragraph_per_line() -> None:
    assert clean("One line here\nTwo.\r\nThree.").body == "One line here\n\nTwo.\n\nThree."


def test_emptied_paragraphs_leave_no_blank_lines() -> None:
    text = "\n\nShare this article\n\n\n\nFirst.\n\nPhoto: AP\n\nSecond.\n\nRead more\n\n"
    assert clean(text).body == "First.\n\nSecond."


def test_empty_and_blank_text() -> None:
    assert clean("").body == clean("  \n\n ").body == ""
    only_boilerplate = clean("Share this article")
    assert only_boilerplate.body == ""
    assert [r.kind for r in only_boilerplate.removed] == ["share_prompt"]


# --- real corpora ----------------------------------------------------------------------------


def _jsonl(path: Path) -> list[dict[str, object]]:
    if not path.exists():
        pytest.skip(f"external data not found at {path}")
    with path.open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines]


_DATE_ONLY = re.compile(r"\d")


@pytest.mark.slow
def test_ecbplus_removes_only_boilerplate() -> None:
    """On all 772 ECB+ documents, nothing that reads like reporting is removed.

    ECB+ carries timestamps on lines of their own ("Posted: May 24, 2005") and the odd
    dateline ("ALASKA -"); it has no credits, notes or prompts.
    """
    docs = _jsonl(DATA / "ecbplus" / "ecbplus_docs_train_dev.jsonl")
    kinds: Counter[str] = Counter()
    removed_chars = total_chars = 0
    for doc in docs:
        text = str(doc["text"])
        cleaned = clean(text, lang="en")
        _assert_spans_slice(text, cleaned.removed)
        total_chars += len(text)
        for span in cleaned.removed:
            kinds[span.kind] += 1
            removed_chars += len(span.text)
            # A timestamp or dateline: short, and it carries a number (a date or time)
            # unless it is a bare place before a dash.
            assert span.kind == "dateline", span
            assert len(span.text.split()) <= 12, span
            assert _DATE_ONLY.search(span.text) or span.text.endswith(("-", "—")), span
    print(f"\nECB+: {len(docs)} docs, removed {sum(kinds.values())} spans {dict(kinds)}, "
          f"{removed_chars / total_chars:.2%} of the characters")  # fmt: skip
    assert len(docs) == 772
    assert removed_chars / total_chars < 0.02


@pytest.mark.slow
def test_wmt_news_removes_only_the_editor_notes() -> None:
    docs = _jsonl(DATA / "wmt22_news" / "wmt22_news_docs_en_ru.jsonl")
    found = []
    for doc in docs:
        for lang_key, sentences_key in (
            ("src_lang", "src_sentences"),
            ("ref_lang", "ref_sentences"),
        ):
            text = "\n".join(doc[sentences_key])  # type: ignore[arg-type]
            cleaned = clean(text, lang=str(doc[lang_key]))
            _assert_spans_slice(text, cleaned.removed)
            found += [(span.kind, span.text) for span in cleaned.removed]
    print(f"\nWMT22: removed {found}")
    assert {kind for kind, _ in found} <= {"editor_note"}
    assert ("editor_note", '("disease severity" — Ed.)') in found
    assert len(found) <= 8


# --- properties --------------------------------------------------------------------------------

_PIECES = st.sampled_from(
    [
        "Photo: Reuters", "(Photo: EPA)", "(a note – Ed.)", "(Editor's note: x)", "By John Smith",
        "Read also: x", "Share this article", "WASHINGTON —", "KYIV, Dec 13 (Reuters) - ",
        "МОСКВА, 13 дек — РИА Новости. ", "Posted: May 24, 2005", "(", ")", "[", "]", "\n",
        "\n\n", "\r\n", " ", ".", ",", "The", "talks", "Mr.", "U.S.", "«", "»", '"', "é", "\u2028",
        "\u00a0", "\t", "Ed.)", "–",
    ]
)  # fmt: skip
_TEXT = st.lists(st.one_of(_PIECES, st.text(max_size=8)), max_size=40).map("".join)


@settings(max_examples=400, deadline=None)
@given(text=_TEXT, lang=st.sampled_from([None, "en", "ru", "xx"]))
def test_clean_never_raises_and_spans_slice_back(text: str, lang: str | None) -> None:
    cleaned = clean(text, lang=lang)
    _assert_spans_slice(text, cleaned.removed)
    body = cleaned.body
    assert body == body.strip()
    assert "\n\n\n" not in body
    assert all(p.strip() == p and p for p in body.split("\n\n")) or body == ""
