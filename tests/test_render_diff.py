"""The diff renderers (terminal and self-contained HTML) and the view model they share.

The comparisons here are built from the real seed pair. The articles come from
``storytrace.from_text`` when the early stages are in place; until then (they raise
``NotImplementedError``) the fixture segments the seed texts itself. The aligned units
are hand-built to mirror what the real ``compare`` must find on this pair: the hedge
"allegedly" dropped twice, the framing "the aggressor country" dropped, both quotes
reworded, a closing sentence added. The seed pair has no identical, moved or dropped
sentence, so a second comparison pits A against a light edit of itself (one paragraph
dropped, one moved, "80%" changed) to cover those kinds on real sentences too.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import io
import re
from collections.abc import Iterable
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from rich.console import Console

import storytrace
from storytrace.model import (
    AlignedPair,
    Article,
    Change,
    Comparison,
    Evidence,
    PairKind,
    Paragraph,
    Relation,
    RemovedSpan,
    Sentence,
)
from storytrace.render.diff_html import comparison_to_html
from storytrace.render.diff_terminal import print_comparison
from storytrace.render.diff_view import (
    Fragment,
    build_view,
    find_all,
    fragments,
    locate,
    reading_order,
    word_diff_spans,
)
from storytrace.render.html import STYLESHEET

SEED = Path(__file__).resolve().parents[1] / "examples" / "seed-pair"
A_TEXT = (SEED / "a.txt").read_text(encoding="utf-8")
B_TEXT = (SEED / "b.txt").read_text(encoding="utf-8")


# --- building articles -------------------------------------------------------------

_HEADER = re.compile(r"\A\s*date (\d{4}-\d{2}-\d{2}) ([^\n]+)\n")
_PHOTO = re.compile(r"^[^\n]*\(Photo: [^)\n]*\)[^\n]*\n?", re.MULTILINE)
_ED_NOTE = re.compile(r" ?\([^()]*– Ed\.\)")
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"”]?\s+(?=[\"“A-Z])")


def _hand_article(text: str, source: str) -> Article:
    """Clean and segment the seed texts well enough to test renderers.

    Used only while ``storytrace.from_text`` is not implemented. Header line, photo
    credit and "– Ed." notes are removed as cleaning would; sentences end at [.!?]
    before a capital or an opening quote, never inside a quotation.
    """
    title, published = None, None
    header = _HEADER.match(text)
    if header:
        published = dt.date.fromisoformat(header.group(1))
        title = header.group(2).strip()
        text = text[header.end() :]
    removed = [
        RemovedSpan("photo_credit", m.group().strip(), m.start(), m.end())
        for m in _PHOTO.finditer(text)
    ]
    removed += [
        RemovedSpan("editor_note", m.group().strip(), m.start(), m.end())
        for m in _ED_NOTE.finditer(text)
    ]
    removed.sort(key=lambda span: span.start)
    body, cursor = "", 0
    for span in removed:
        body += text[cursor : span.start]
        cursor = span.end
    body = (body + text[cursor:]).strip()
    return _article_from_body(
        body, source=source, title=title, published=published, removed=removed
    )


def _article_from_body(body: str, *, source: str, **metadata: object) -> Article:
    paragraphs: list[Paragraph] = []
    sentences: list[Sentence] = []
    for p_match in re.finditer(r"[^\n]+", body):
        p_start, p_text = p_match.start(), p_match.group()
        if not p_text.strip():
            continue
        paragraphs.append(Paragraph(len(paragraphs), p_start, p_match.end()))
        start = 0
        for cut in _SENTENCE_END.finditer(p_text):
            candidate = p_text[start : cut.start() + len(cut.group().rstrip())]
            if candidate.count('"') % 2:  # inside a quotation: keep going
                continue
            end = start + len(candidate)
            sentences.append(_sentence(len(sentences), p_text, start, end, p_start, paragraphs))
            start = cut.end()
        sentences.append(_sentence(len(sentences), p_text, start, len(p_text), p_start, paragraphs))
    return Article(
        id=hashlib.sha256(body.encode()).hexdigest()[:16],
        text=body,
        body=body,
        source=source,
        format="text",
        content_hash=hashlib.sha256(body.encode()).hexdigest(),
        paragraphs=tuple(paragraphs),
        sentences=tuple(sentences),
        **{"lang": "en", **metadata},  # type: ignore[arg-type]
    )


def _sentence(
    i: int, p_text: str, start: int, end: int, offset: int, paragraphs: list[Paragraph]
) -> Sentence:
    return Sentence(i, p_text[start:end], offset + start, offset + end, len(paragraphs) - 1)


def _article(text: str, source: str) -> Article:
    try:
        return storytrace.from_text(text, source=source)
    except NotImplementedError:
        return _hand_article(text, source)


# --- building comparisons ----------------------------------------------------------


def _index(article: Article, snippet: str) -> int:
    hits = [s.i for s in article.sentences if snippet.lower() in s.text.lower()]
    assert hits, f"no sentence of {article.source} contains {snippet!r}"
    return hits[0]


def _words(text: str) -> set[str]:
    return set(re.findall(r"\w+", text.lower()))


def _units(
    a: Article,
    b: Article,
    anchored: Iterable[tuple[list[str], list[str], PairKind, tuple[Change, ...]]],
) -> tuple[AlignedPair, ...]:
    """Anchored units (sentences named by a snippet), then the rest paired by word overlap."""
    pairs: list[AlignedPair] = []
    used_a: set[int] = set()
    used_b: set[int] = set()
    for a_snips, b_snips, kind, changes in anchored:
        ia = tuple(sorted({_index(a, s) for s in a_snips} - used_a))
        ib = tuple(sorted({_index(b, s) for s in b_snips} - used_b))
        if (a_snips and not ia) or (b_snips and not ib):
            continue  # the segmenter merged it into an earlier unit
        used_a.update(ia)
        used_b.update(ib)
        pairs.append(AlignedPair(ia, ib, kind, 0.0 if not (ia and ib) else 0.74, changes))
    free_b = [s for s in b.sentences if s.i not in used_b]
    for sa in (s for s in a.sentences if s.i not in used_a):
        scored = [
            (len(_words(sa.text) & _words(sb.text)) / len(_words(sa.text) | _words(sb.text)), sb)
            for sb in free_b
        ]
        best = max(scored, key=lambda t: t[0], default=(0.0, None))
        if best[1] is not None and best[0] >= 0.25:
            sb = best[1]
            free_b.remove(sb)
            same: PairKind = "identical" if sa.text == sb.text else "reworded"
            pairs.append(AlignedPair((sa.i,), (sb.i,), same, round(0.5 + best[0] / 2, 2)))
        else:
            pairs.append(AlignedPair((sa.i,), (), "dropped", 0.0))
    pairs.extend(AlignedPair((), (sb.i,), "added", 0.0) for sb in free_b)
    return tuple(pairs)


def _comparison(
    a: Article, b: Article, pairs: tuple[AlignedPair, ...], relation: Relation
) -> Comparison:
    def coverage(side: str, article: Article) -> float:
        kept = {i for p in pairs if p.a and p.b for i in getattr(p, side)}
        return len(kept) / len(article.sentences)

    return Comparison(a, b, pairs, relation, coverage("a", a), coverage("b", b), "lexical")


_QUOTE_1_A = (
    "We want to give the Ukrainians a security guarantee that will not be a blank check on "
    "the one hand"
)
_QUOTE_1_B = (
    "We want to give the Ukrainians a security guarantee that on the one hand is not a blank check"
)
_QUOTE_2_A = (
    "The White House is pushing Ukraine hard to approve its plan but the territorial concessions"
)
_QUOTE_2_B = (
    "The White House is pushing Ukraine hard to approve its plan, but the territorial concessions"
)


def seed_comparison() -> Comparison:
    """A vs B of the seed pair: a rewrite, with the changes a reader must be told about."""
    a, b = _article(A_TEXT, "a.txt"), _article(B_TEXT, "b.txt")
    anchored: list[tuple[list[str], list[str], PairKind, tuple[Change, ...]]] = [
        (
            ["declares that the American administration is allegedly ready"],
            ["American media outlet Axios reports"],
            "changed",
            (Change("hedge", "allegedly", None),),
        ),
        (
            ["the US administration Donald Trump is allegedly ready"],
            [
                "told the outlet that President Donald Trump's administration",
                "The source claimed this guarantee",
            ],
            "changed",
            (
                Change("hedge", "allegedly", None),
                Change(
                    "name",
                    "the US administration Donald Trump",
                    "President Donald Trump's administration",
                ),
            ),
        ),
        (
            ["However, the media points out that this plan"],
            ["However, the plan reportedly includes"],
            "changed",
            (Change("hedge", None, "reportedly"),),
        ),
        (
            ["We want to give the Ukrainians"],
            ["We want to give the Ukrainians"],
            "changed",
            (Change("quote", _QUOTE_1_A, _QUOTE_1_B),),
        ),
        (
            ["The White House is pushing Ukraine hard"],
            ["The White House is pushing Ukraine hard"],
            "changed",
            (Change("quote", _QUOTE_2_A, _QUOTE_2_B),),
        ),
        (
            ["a meeting of the US president's special envoy is expected in Berlin on December 15"],
            ["a 15 December meeting is expected in Berlin", "Leaders from Germany, France"],
            "reworded",
            (),
        ),
        (
            ["It is not yet known whether the aggressor country"],
            ["It remains unknown whether Russia"],
            "changed",
            (Change("framing", "the aggressor country", None),),
        ),
        ([], ["the Office of the President denied reports"], "added", ()),
    ]
    relation = Relation(
        label="rewrite",
        score=0.78,
        direction="a_to_b",
        direction_confidence=0.71,
        evidence=(
            Evidence("sentence coverage", "94% of A's sentences have a counterpart in B", 0.35),
            Evidence("word overlap", "5-gram Jaccard 0.10: not a copy", -0.2),
            Evidence("semantic similarity", "document cosine 0.91", 0.4),
        ),
        direction_evidence=(
            Evidence(
                "hedges dropped",
                'B drops "allegedly" twice; hedges are added late, dropped in rewrites',
                0.3,
            ),
            Evidence("added update", "B ends with a later denial A does not have", 0.25),
        ),
    )
    return _comparison(a, b, _units(a, b, anchored), relation)


_DROPPED_P = (
    "Earlier about Witkoff's visit to Berlin said an interviewer for The Wall Street Journal."
)
_MOVED_P = (
    "The talks will be held to try to reach an agreement on the US peace plan, Axios reports."
)


def light_edit_comparison() -> Comparison:
    """A vs a light edit of A: one paragraph dropped, one moved to the end, 80% -> 75%."""
    a = _article(A_TEXT, "a.txt")
    edited = A_TEXT.replace(_DROPPED_P + "\n\n", "").replace(_MOVED_P + "\n\n", "")
    edited = edited.rstrip("\n") + "\n\n" + _MOVED_P + "\n"
    edited = edited.replace("80% of its territory", "75% of its territory")
    b = _article(edited, "a-edited.txt")
    anchored: list[tuple[list[str], list[str], PairKind, tuple[Change, ...]]] = [
        (
            ["80% of its territory"],
            ["75% of its territory"],
            "changed",
            (Change("number", "80%", "75%"),),
        ),
        ([_MOVED_P], [_MOVED_P], "moved", ()),
        ([_DROPPED_P], [], "dropped", ()),
    ]
    relation = Relation("light_edit", 0.93, "unknown", 0.2)
    return _comparison(a, b, _units(a, b, anchored), relation)


@pytest.fixture(scope="module")
def seed() -> Comparison:
    return seed_comparison()


@pytest.fixture(scope="module")
def light_edit() -> Comparison:
    return light_edit_comparison()


# --- helpers over the rendered output ----------------------------------------------


class _Page(HTMLParser):
    """Every start tag with its attributes, all text, and the text of each diff cell."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.text: list[str] = []
        self.cells: dict[tuple[str, str], str] = {}  # (row id, "a"|"b") -> cell text
        self.row_classes: dict[str, str] = {}
        self.summary_text: list[str] = []
        self._row: str | None = None
        self._cell: str | None = None
        self._depth = 0
        self._in_summary = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))
        attr = dict(attrs)
        classes = (attr.get("class") or "").split()
        if self._in_summary:
            self._in_summary += 1
        elif tag == "section" and "summary" in classes:
            self._in_summary = 1
        if tag == "tr" and "unit" in classes:
            self._row = attr["id"]
            self.row_classes[attr["id"] or ""] = attr.get("class") or ""
        if tag == "td" and "t" in classes and "empty" not in classes and self._row:
            self._cell = "a" if "a" in classes else "b"
            self._depth = 0
            self.cells[(self._row, self._cell)] = ""
        elif self._cell:
            self._depth += 1

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))

    def handle_endtag(self, tag: str) -> None:
        if self._in_summary:
            self._in_summary -= 1
        if self._cell:
            if self._depth == 0 and tag == "td":
                self._cell = None
            else:
                self._depth -= 1

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if self._in_summary:
            self.summary_text.append(data)
        if self._cell and self._row:
            self.cells[(self._row, self._cell)] += data


def _parse(page: str) -> _Page:
    parser = _Page()
    parser.feed(page)
    parser.close()
    return parser


def _assert_inert(page: str) -> _Page:
    """No script, no event handler, nothing loaded, links only in-page or http(s)."""
    parsed = _parse(page)
    for tag, attrs in parsed.tags:
        assert tag not in {"script", "iframe", "object", "embed", "link", "img", "base", "form"}
        for name, value in attrs:
            assert not name.startswith("on"), (tag, name, value)
            assert name not in {"src", "srcdoc", "formaction"}, (tag, name)
            if name == "href":
                assert value is not None
                assert value.startswith("#") or re.match(r"https?://", value), value
            assert "javascript:" not in (value or "").lower(), (tag, name, value)
    assert "url(" not in page
    return parsed


def _flat(text: str) -> str:
    return " ".join(text.split())


def _render_text(comparison: Comparison, width: int = 120) -> str:
    """The colour layout (a terminal), recorded as text."""
    console = Console(record=True, width=width, file=io.StringIO(), force_terminal=True)
    print_comparison(console, comparison)
    return console.export_text()


def _sentence_column(output: str) -> str:
    """The sign and text columns of the aligned units, unwrapped (the labels cut away).

    rich lays out the whole grid with one set of column widths, so the sentence column
    starts at the same offset on every line; the first unit's first line shows where.
    """
    lines = output.split("\n")
    start = next(n for n, line in enumerate(lines) if line.startswith("Aligned sentences"))
    first = lines[start + 1]
    offset = len(first) - len(first[first.index(" ") :].lstrip())  # the sign column
    return _flat(" ".join(line[offset:] for line in lines[start + 1 :]))


def _texts(article: Article, indexes: Iterable[int]) -> str:
    return " ".join(article.sentences[i].text for i in indexes)


# --- the fixture itself ------------------------------------------------------------


@pytest.mark.parametrize("name", ["seed", "light_edit"])
def test_fixture_is_a_valid_comparison(name: str, request: pytest.FixtureRequest) -> None:
    """Every sentence of each article sits in exactly one unit, as the contract says."""
    comparison: Comparison = request.getfixturevalue(name)
    a_seen = sorted(i for p in comparison.pairs for i in p.a)
    b_seen = sorted(i for p in comparison.pairs for i in p.b)
    assert a_seen == [s.i for s in comparison.a.sentences]
    assert b_seen == [s.i for s in comparison.b.sentences]
    for pair in comparison.pairs:
        assert (pair.kind == "added") == (not pair.a)
        assert (pair.kind == "dropped") == (not pair.b)


# --- view model --------------------------------------------------------------------


def test_reading_order_follows_b_and_keeps_dropped_units_by_their_a_neighbours() -> None:
    pairs = [
        AlignedPair((1,), (0,), "identical", 1.0),  # 0
        AlignedPair((0,), (), "dropped", 0.0),  # 1: nothing kept before it in A -> first
        AlignedPair((2,), (), "dropped", 0.0),  # 2: after unit 0 (a#1)
        AlignedPair((3,), (3,), "moved", 0.9),  # 3: moved to B's end
        AlignedPair((4,), (1,), "reworded", 0.8),  # 4
        AlignedPair((5,), (), "dropped", 0.0),  # 5: after unit 4 (a#4), not the moved a#3
        AlignedPair((), (2,), "added", 0.0),  # 6
    ]
    assert reading_order(pairs) == [1, 0, 2, 4, 5, 6, 3]


@pytest.mark.parametrize("name", ["seed", "light_edit"])
def test_every_unit_is_one_row(name: str, request: pytest.FixtureRequest) -> None:
    comparison: Comparison = request.getfixturevalue(name)
    view = build_view(comparison)
    assert sorted(row.pair for row in view.rows) == list(range(len(comparison.pairs)))
    for row in view.rows:
        pair = comparison.pairs[row.pair]
        assert row.a_text == _texts(comparison.a, pair.a)
        assert row.b_text == _texts(comparison.b, pair.b)
    b_rows = [min(row.b) for row in view.rows if row.b]
    assert b_rows == sorted(b_rows), "rows with B sentences follow B's order"


def test_word_diff_marks_only_the_changed_words() -> None:
    spans = word_diff_spans(
        "the war will end with Ukraine keeping", "the war would end with Ukraine retaining"
    )
    assert spans is not None
    a_spans, b_spans = spans
    a_text, b_text = (
        "the war will end with Ukraine keeping",
        "the war would end with Ukraine retaining",
    )
    assert [a_text[s:e] for s, e in a_spans] == ["will", "keeping"]
    assert [b_text[s:e] for s, e in b_spans] == ["would", "retaining"]


def test_word_diff_keeps_a_pure_deletion_exact() -> None:
    """ "is allegedly ready" -> "is ready": only the hedge is struck, not its neighbours."""
    a_text = "the US administration Donald Trump is allegedly ready to provide"
    b_text = "President Donald Trump's administration is ready to provide"
    spans = word_diff_spans(a_text, b_text)
    assert spans is not None
    assert "allegedly" in [a_text[s:e] for s, e in spans[0]]
    assert "is allegedly" not in [a_text[s:e] for s, e in spans[0]]


_WORDS = st.sampled_from(["the", "war", "will", "end", "80%", "allegedly", "Kyiv", ",", ".", "a"])


@given(st.lists(_WORDS, max_size=14), st.lists(_WORDS, max_size=14))
def test_word_diff_keeps_a_common_subsequence(a_words: list[str], b_words: list[str]) -> None:
    """What is left unmarked reads the same on both sides, and no character is lost."""
    a_text, b_text = " ".join(a_words), " ".join(b_words)
    spans = word_diff_spans(a_text, b_text)
    if spans is None:  # too little in common to diff word by word
        return
    a_parts = fragments(a_text, spans[0], [])
    b_parts = fragments(b_text, spans[1], [])
    assert "".join(p.text for p in a_parts) == a_text
    assert "".join(p.text for p in b_parts) == b_text

    def kept(parts: tuple[Fragment, ...]) -> list[str]:
        return re.findall(r"\w+|[^\w\s]", " ".join(p.text for p in parts if not p.edited))

    assert kept(a_parts) == kept(b_parts)
    if a_text == b_text:
        assert not any(p.edited for p in a_parts + b_parts)


def test_word_diff_is_skipped_when_the_sides_share_almost_nothing() -> None:
    assert word_diff_spans("Совет безопасности собрался", "The security council met") is None


def test_find_all_is_case_insensitive_and_respects_word_boundaries() -> None:
    text = "In 15 days 5 people died; Allegedly, he said it allegedly."
    assert [text[s:e] for s, e in find_all(text, "5")] == ["5"]
    assert [text[s:e] for s, e in find_all(text, "allegedly")] == ["Allegedly", "allegedly"]
    assert find_all("80% of its territory", "80%") == [(0, 3)]
    assert find_all("it said “We want peace”", '"We want') == [(8, 16)]


def test_fragments_reassemble_the_text_and_first_mark_wins() -> None:
    text = "the aggressor country, Russia"
    parts = fragments(text, [(0, 21)], [(0, 21, "framing"), (4, 13, "name")])
    assert "".join(p.text for p in parts) == text
    assert parts[0] == Fragment("the aggressor country", edited=True, change="framing")
    assert parts[1] == Fragment(", Russia")


def test_locate_formats_units_and_runs() -> None:
    assert locate((2,), (2,)) == "a#2 → b#2"
    assert locate((), (6, 7)) == "b#6-7"
    assert locate((3, 5), ()) == "a#3,5"


def test_seed_view_marks_the_hedge_and_the_framing_inline(seed: Comparison) -> None:
    view = build_view(seed)
    marked = {
        (f.change, f.text.lower())
        for row in view.rows
        for f in row.a_fragments
        if f.change is not None
    }
    assert ("hedge", "allegedly") in marked
    assert ("framing", "the aggressor country") in marked
    hedges = [c for c in view.summary.changes if c.change.type == "hedge" and c.change.a]
    assert len(hedges) == 2, "the hedge 'allegedly' is dropped twice"
    assert all(c.found_a for c in hedges)
    assert {t for t, _ in view.summary.changes_by_type()} >= {"hedge", "framing", "quote"}
    # The hedge is struck (deleted) in A and the B side has no trace of it.
    for row in view.rows:
        if any(c.change.type == "hedge" and c.change.a for c in row.changes):
            assert any(f.edited and f.change == "hedge" for f in row.a_fragments)
            assert "allegedly" not in row.b_text.lower()


def test_seed_view_counts_and_removed_boilerplate(seed: Comparison) -> None:
    view = build_view(seed)
    counts = dict(view.summary.counts)
    assert counts["added"] >= 1
    assert sum(counts.values()) == len(seed.pairs)
    assert [row.kind for row in view.rows][-1] == "added"
    assert "Office of the President denied" in view.rows[-1].b_text
    assert view.summary.removed_a == seed.a.removed
    kinds = {span.kind for span in view.summary.removed_a}
    assert {"photo_credit", "editor_note"} <= kinds


def test_a_unit_naming_a_missing_sentence_is_reported(seed: Comparison) -> None:
    broken = Comparison(
        seed.a,
        seed.b,
        (*seed.pairs, AlignedPair((999,), (), "dropped", 0.0)),
        seed.relation,
        seed.coverage_a,
        seed.coverage_b,
        seed.encoder,
    )
    with pytest.raises(ValueError, match="a#999"):
        build_view(broken)


# --- HTML --------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["seed", "light_edit"])
def test_html_is_self_contained_and_shows_every_sentence(
    name: str, request: pytest.FixtureRequest
) -> None:
    comparison: Comparison = request.getfixturevalue(name)
    page = comparison_to_html(comparison)
    assert page.startswith("<!DOCTYPE html>")
    assert '<meta charset="utf-8">' in page
    assert (
        '<meta http-equiv="Content-Security-Policy" content="default-src &#x27;none&#x27;; '
        "style-src &#x27;unsafe-inline&#x27;; base-uri &#x27;none&#x27;; "
        'form-action &#x27;none&#x27;">'
    ) in page
    parsed = _assert_inert(page)
    for n, pair in enumerate(comparison.pairs):
        if pair.a:
            assert parsed.cells[(f"u{n}", "a")] == _texts(comparison.a, pair.a)
        if pair.b:
            assert parsed.cells[(f"u{n}", "b")] == _texts(comparison.b, pair.b)
        assert f"k-{pair.kind}" in parsed.row_classes[f"u{n}"]
    # Whole sentences with no highlighting are in the page verbatim, escaped.
    for pair in comparison.pairs:
        if not pair.a or not pair.b:
            for s in (comparison.b.sentences[i] for i in pair.b):
                assert html.escape(s.text, quote=True) in page


def test_html_highlights_typed_changes_inline(seed: Comparison) -> None:
    page = comparison_to_html(seed)
    assert '<mark class="change c-hedge" data-type="hedge"><del>allegedly</del></mark>' in page
    assert (
        '<mark class="change c-framing" data-type="framing"><del>the aggressor country</del></mark>'
        in page
    )
    assert '<mark class="change c-hedge" data-type="hedge"><ins>reportedly</ins></mark>' in page
    assert page.count('data-type="quote"') >= 4  # both quotes, both sides


def test_html_summary_lists_every_typed_change_and_the_verdict(seed: Comparison) -> None:
    parsed = _parse(comparison_to_html(seed))
    summary = _flat(" ".join(parsed.summary_text))
    assert "rewrite — the same report, rewritten (score 0.78)" in summary
    assert "A → B: B derives from A (confidence 0.71)" in summary
    assert 'B drops "allegedly" twice' in summary
    for pair in seed.pairs:
        for change in pair.changes:
            assert change.type in summary
            for side in (change.a, change.b):
                if side is not None:
                    assert _flat(side) in summary
    assert "Removed boilerplate, not dropped reporting" in summary
    for span in seed.a.removed:
        assert _flat(span.text) in summary


def test_html_shows_the_added_sentence_as_added(seed: Comparison) -> None:
    page = comparison_to_html(seed)
    parsed = _parse(page)
    added = [n for n, p in enumerate(seed.pairs) if p.kind == "added"]
    last = next(n for n in added if "Office of the President" in _texts(seed.b, seed.pairs[n].b))
    assert "k-added" in parsed.row_classes[f"u{last}"]
    assert (f"u{last}", "a") not in parsed.cells  # the A side is empty
    row_html = page[page.index(f'id="u{last}"') :].split("</tr>")[0]
    assert '<span class="badge k-added">added</span>' in row_html
    assert "not in A" in row_html


def test_html_light_edit_shows_moved_dropped_and_number_change(light_edit: Comparison) -> None:
    page = comparison_to_html(light_edit)
    parsed = _parse(page)
    kinds = {p.kind for p in light_edit.pairs}
    assert {"identical", "moved", "dropped", "changed"} <= kinds
    dropped = next(n for n, p in enumerate(light_edit.pairs) if p.kind == "dropped")
    assert (f"u{dropped}", "b") not in parsed.cells
    assert parsed.cells[(f"u{dropped}", "a")] == _DROPPED_P
    # The number is marked whole; the word diff strikes only the digits that changed.
    assert 'data-type="number"><del>80</del>%</mark>' in page
    assert 'data-type="number"><ins>75</ins>%</mark>' in page


_EVIL = "<script>alert(1)</script> <img src=x onerror=alert(1)> \"quoted\" & 'single'"


def _evil_article(side: str, sentences: list[str], **metadata: object) -> Article:
    body = "\n".join(sentences)
    article = _article_from_body(body, source=f"<b>{side}</b>.txt", **metadata)
    assert [s.text for s in article.sentences] == sentences
    return article


@pytest.fixture
def evil() -> Comparison:
    """Article text built to break out of HTML: in sentences, titles, removed spans..."""
    a = _evil_article(
        "a",
        [
            f"Officials said {_EVIL} today.",
            f"A dropped line {_EVIL}.",
            "[bold]x[/bold] and [red]y[/].",
        ],
        title=_EVIL,
        outlet='"><script>alert(2)</script>',
        url="javascript:alert(1)",
        lang='en" onmouseover="alert(1)',
        removed=(RemovedSpan("caption", f"Photo: {_EVIL}", 0, 10),),
    )
    b = _evil_article(
        "b",
        [f"Officials said {_EVIL} yesterday.", "[bold]x[/bold] and [red]y[/].", f"Added {_EVIL}."],
        title=f"B {_EVIL}",
        url='https://example.org/story?id=1&x="><script>alert(3)</script>',
        removed=(RemovedSpan("editor_note", f"(Ed. {_EVIL})", 0, 10),),
    )
    pairs = (
        AlignedPair(
            (0,),
            (0,),
            "changed",
            0.9,
            (Change("date", "today", "yesterday"), Change("quote", _EVIL, _EVIL)),
        ),
        AlignedPair((1,), (), "dropped", 0.0),
        AlignedPair((2,), (1,), "identical", 1.0),
        AlignedPair((), (2,), "added", 0.0),
    )
    relation = Relation(
        "light_edit",
        0.9,
        "a_to_b",
        0.6,
        evidence=(Evidence(_EVIL, _EVIL, 0.5),),
        direction_evidence=(Evidence("x", _EVIL, -0.1),),
    )
    return Comparison(a, b, pairs, relation, 2 / 3, 2 / 3, _EVIL)


def test_html_escapes_hostile_article_text(evil: Comparison) -> None:
    page = comparison_to_html(evil)
    parsed = _assert_inert(page)
    assert "<script" not in page.lower()
    assert "onerror=" not in " ".join(f"{n}={v}" for _, attrs in parsed.tags for n, v in attrs)
    text = "".join(parsed.text)
    # The hostile text is shown, as text, everywhere it came from.
    assert text.count("<script>alert(1)</script>") >= 8
    assert "<img src=x onerror=alert(1)>" in text
    assert '"><script>alert(2)</script>' in text  # outlet
    assert "javascript:alert(1)" in text  # shown, but not as a link
    links = [
        dict(attrs)
        for tag, attrs in parsed.tags
        if tag == "a" and not (dict(attrs).get("href") or "").startswith("#")
    ]
    assert [link["href"] for link in links] == [
        'https://example.org/story?id=1&x="><script>alert(3)</script>'
    ]
    langs = {dict(attrs).get("lang") for _, attrs in parsed.tags} - {None}
    assert langs == {"en"}  # the page's own; the malformed article lang is dropped
    assert parsed.cells[("u0", "a")] == evil.a.sentences[0].text
    assert parsed.cells[("u3", "b")] == evil.b.sentences[2].text


def test_html_inlines_the_one_stylesheet(seed: Comparison) -> None:
    """The report carries the server's stylesheet inside the file, unescaped."""
    page = comparison_to_html(seed)
    css = STYLESHEET.read_text(encoding="utf-8")
    assert f"<style>{css}</style>" in page
    assert page.count("<style>") == 1


# --- terminal ----------------------------------------------------------------------


def test_terminal_shows_verdict_changes_and_sentences(seed: Comparison) -> None:
    output = _render_text(seed)
    flat = _flat(output)
    assert "relation rewrite — the same report, rewritten (score 0.78)" in flat
    assert "direction A → B: B derives from A (confidence 0.71)" in flat
    assert 'B drops "allegedly" twice' in flat
    for change_type in ("hedge", "framing", "quote", "name"):
        assert change_type in flat
    assert 'hedge a: "allegedly" b: — (a#0 → b#0)' in flat
    assert 'framing a: "the aggressor country" b: —' in flat
    assert "Removed boilerplate, not dropped reporting" in flat
    for span in seed.a.removed:
        assert _flat(span.text) in flat
    column = _sentence_column(output)
    for article in (seed.a, seed.b):
        for sentence in article.sentences:
            assert _flat(sentence.text) in column, sentence.text
    added = next(s.text for s in seed.b.sentences if "Office of the President" in s.text)
    assert f"+ {_flat(added)}" in column


def test_terminal_light_edit_signs_each_kind(light_edit: Comparison) -> None:
    output = _render_text(light_edit)
    column = _sentence_column(output)
    assert f"- {_DROPPED_P}" in column
    assert f"↕ {_MOVED_P}" in column
    assert 'number: "80%" → "75%"' in column
    assert {"identical", "moved", "dropped", "changed"} <= set(output.split())


def test_terminal_styles_the_inline_highlighting(seed: Comparison) -> None:
    console = Console(
        record=True, width=120, file=io.StringIO(), force_terminal=True, color_system="standard"
    )
    print_comparison(console, seed)
    ansi = console.export_text(styles=True)
    codes = re.findall(r"\x1b\[([0-9;]*)mallegedly", ansi)
    assert any({"7", "9"} <= set(c.split(";")) for c in codes), codes  # reverse + strike
    codes = re.findall(r"\x1b\[([0-9;]*)mthe aggressor country", ansi)
    assert any({"7", "9"} <= set(c.split(";")) for c in codes), codes


def test_terminal_prints_markup_in_articles_literally(evil: Comparison) -> None:
    output = _render_text(evil)
    flat = _flat(output)
    assert "[bold]x[/bold] and [red]y[/]." in flat
    assert "<script>alert(1)</script>" in flat


# --- the real pipeline, once it is in place ----------------------------------------


def test_renderers_on_the_real_comparison_of_the_seed_pair() -> None:
    a, b = storytrace.read(SEED / "a.txt"), storytrace.read(SEED / "b.txt")
    comparison = storytrace.compare(a, b, encoder="lexical")
    page = comparison_to_html(comparison)
    parsed = _assert_inert(page)
    for n, pair in enumerate(comparison.pairs):
        if pair.a:
            assert parsed.cells[(f"u{n}", "a")] == _texts(comparison.a, pair.a)
        if pair.b:
            assert parsed.cells[(f"u{n}", "b")] == _texts(comparison.b, pair.b)
    output = _render_text(comparison)
    assert comparison.relation.label in output
    column = _sentence_column(output)
    for sentence in comparison.b.sentences:
        assert _flat(sentence.text) in column
