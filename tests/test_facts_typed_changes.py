"""Typed changes on synthetic variants of news text: one rule per test, real text.

Each test edits a short news article the way a later version might and checks what
``compare`` reports for the edited unit, with the lexical encoder (fast, and the rules
under test do not depend on the encoder).
"""

from __future__ import annotations

import pytest

from storytrace.comparison import compare
from storytrace.model import AlignedPair, Comparison
from storytrace.pipeline import from_text

ARTICLE = """\
A bomb exploded outside a bank in the town centre, killing two police officers, officials said.

The explosion occurred on Friday afternoon, about 30 miles south of the capital.

Police chief Scott Russell said the device had been left in bushes near the entrance.

"We have never received a threat like this," said police spokesman John Reid.

Investigators said the bank had signed a security deal with Siemens AG last year.

The talks on the investigation took place in Geneva with officials from three countries.

About 40,000 people attended a vigil for the officers, the organisers said.

The town council approved the emergency budget yesterday.

In 2014, a similar attack destroyed a post office in the same street.

The protesters marched to the town hall after the vigil.

Troops were sent from the Ukrainian Donbas to guard the border.

Lieutenant Hastings said he did not know of any grudges against the bank.

"What happens next?" she asked.

The bank will stay closed until further notice.
"""


def diff(edits: list[tuple[str, str]], *, base: str = ARTICLE) -> Comparison:
    edited = base
    for old, new in edits:
        assert old in edited, old
        edited = edited.replace(old, new)
    return compare(from_text(base), from_text(edited), encoder="lexical")


def unit_with(comparison: Comparison, text: str) -> AlignedPair:
    (i,) = [s.i for s in comparison.a.sentences if text in s.text]
    (pair,) = [p for p in comparison.pairs if i in p.a]
    return pair


def typed(pair: AlignedPair) -> list[tuple[str, str | None, str | None, str | None]]:
    return [(c.type, c.subtype, c.a, c.b) for c in pair.changes]


def only_unit_with_changes(comparison: Comparison) -> AlignedPair:
    (pair,) = [p for p in comparison.pairs if p.changes]
    return pair


@pytest.mark.parametrize(
    ("old", "new", "subtype"),
    [
        ("on Friday afternoon", "on Thursday afternoon", "weekday"),
        (
            "approved the emergency budget yesterday",
            "approved the emergency budget last week",
            "relative",
        ),
        ("In 2014, a similar", "In 2015, a similar", "year"),
    ],
)
def test_dates_without_a_publication_date(old: str, new: str, subtype: str) -> None:
    pair = only_unit_with_changes(diff([(old, new)]))
    assert pair.kind == "changed"
    assert [(t, s) for t, s, _, _ in typed(pair)] == [("date", subtype)]


def test_a_year_is_never_a_number() -> None:
    result = diff([("In 2014, a similar", "In 2015, a similar")])
    assert not [c for p in result.pairs for c in p.changes if c.type == "number"]


@pytest.mark.parametrize(
    ("old", "new", "subtype"),
    [
        ("a security deal with Siemens AG", "a security deal with Bosch GmbH", "organization"),
        ("took place in Geneva", "took place in Vienna", "place"),
        ("Police chief Scott Russell", "Police chief Mark Donovan", "person"),
    ],
)
def test_names_of_every_kind_swapped(old: str, new: str, subtype: str) -> None:
    pair = only_unit_with_changes(diff([(old, new)]))
    assert [(t, s) for t, s, _, _ in typed(pair)] == [("name", subtype)]


def test_a_surname_alone_swapped() -> None:
    result = diff([("Lieutenant Hastings said", "Lieutenant Fielding said")])
    assert [t for t, *_ in typed(only_unit_with_changes(result))] == ["name"]


def test_aliases_and_spellings_stay_equal() -> None:
    base = "Zelenskyy met U.S. officials in Kiev on Monday.\n\nThe talks went on for hours.\n"
    result = diff(
        [("Zelenskyy met U.S. officials in Kiev", "Zelensky met US officials in Kyiv")], base=base
    )
    assert all(p.changes == () for p in result.pairs)


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("About 40,000 people", "About 35,000 people"),
        ("about 30 miles south", "about 40 miles south"),
    ],
)
def test_numbers_with_qualifiers(old: str, new: str) -> None:
    pair = only_unit_with_changes(diff([(old, new)]))
    assert [t for t, *_ in typed(pair)] == ["number"]


def test_a_rounder_number_said_to_be_approximate_is_the_same() -> None:
    base = "Turnout reached 2.8 million voters, officials said.\n\nPolls closed at 8 p.m.\n"
    result = diff([("reached 2.8 million", "reached nearly 3 million")], base=base)
    assert not [c for p in result.pairs for c in p.changes if c.type == "number"]
    base = "Nearly 3 million voters registered, officials said.\n\nPolls closed at 8 p.m.\n"
    result = diff([("Nearly 3 million", "Nearly 2.5 million")], base=base)
    assert [c.type for p in result.pairs for c in p.changes] == ["number"]


def test_named_source_becomes_anonymous() -> None:
    result = diff([("said police spokesman John Reid", "said a witness at the scene")])
    pair = unit_with(result, "We have never received")
    assert ("attribution", "named_to_anonymous") in [(t, s) for t, s, _, _ in typed(pair)]


def test_anonymous_source_becomes_named() -> None:
    base = "The fire spread quickly, a soldier at the scene said.\n\nRoads were closed for hours.\n"
    result = diff([("a soldier at the scene said", "army spokesman Peter Hale said")], base=base)
    kinds = [(c.type, c.subtype) for p in result.pairs for c in p.changes]
    assert ("attribution", "anonymous_to_named") in kinds


def test_scare_quotes_added_and_dropped() -> None:
    added = diff([("The protesters marched", 'The "protesters" marched')])
    pair = only_unit_with_changes(added)
    assert typed(pair) == [("framing", "scare_quotes", "protesters", '"protesters"')]
    dropped = compare(added.b, added.a, encoder="lexical")
    assert [(t, s) for t, s, _, _ in typed(only_unit_with_changes(dropped))] == [
        ("framing", "scare_quotes")
    ]


def test_a_national_qualifier_dropped_is_framing() -> None:
    pair = only_unit_with_changes(diff([("from the Ukrainian Donbas", "from Donbas")]))
    assert typed(pair) == [("framing", "qualifier", "the Ukrainian Donbas", "Donbas")]


def test_a_loaded_term_added_is_framing() -> None:
    pair = only_unit_with_changes(
        diff([("The protesters marched", "The rioters and so-called protesters marched")])
    )
    assert ("framing", "term") in [(t, s) for t, s, _, _ in typed(pair)]


def test_quote_substance_and_wording() -> None:
    substance = diff(
        [("We have never received a threat like this", "We have received threats in the past")]
    )
    pair = unit_with(substance, "We have never received")
    assert pair.kind == "changed"
    assert [(t, s) for t, s, _, _ in typed(pair)] == [("quote", "substance")]
    wording = diff(
        [("We have never received a threat like this", "We have never had a threat like this")]
    )
    pair = unit_with(wording, "We have never received")
    assert [(t, s) for t, s, _, _ in typed(pair)] == [("quote", "wording")]


def test_a_fully_reworded_quotation_stays_one_changed_unit() -> None:
    result = diff(
        [
            (
                '"We have never received a threat like this," said police spokesman John Reid.',
                '"Nobody could have predicted an attack of this kind," said police spokesman '
                "John Reid.",
            )
        ]
    )
    pair = unit_with(result, "We have never received")
    assert pair.kind == "changed"
    assert pair.b
    assert ("quote", "substance") in [(t, s) for t, s, _, _ in typed(pair)]
    assert not [p for p in result.pairs if p.kind in ("added", "dropped")]


def test_a_short_quotation_sentence_deleted_is_dropped_not_merged() -> None:
    result = diff([('"What happens next?" she asked.\n\n', "")])
    pair = unit_with(result, "What happens next?")
    assert pair.kind == "dropped"
    assert all(not p.changes for p in result.pairs)


def test_a_short_sentence_with_its_own_counterpart_is_not_absorbed() -> None:
    result = diff([('"What happens next?" she asked.', '"What comes next?" she asked.')])
    pair = unit_with(result, "What happens next?")
    assert len(pair.a) == 1
    assert len(pair.b) == 1


def test_what_is_supported_changed_is_a_claim() -> None:
    base = (
        "European partners said that if the president proposes a referendum, they will "
        "support it.\n\nThe meeting lasted two hours.\n"
    )
    result = diff([("they will support it.", "they would support Zelenskyy.")], base=base)
    pair = only_unit_with_changes(result)
    assert pair.kind == "changed"
    assert ("claim", "object", "support it", "support Zelenskyy") in typed(pair)


def test_a_paraphrase_is_reworded_and_the_same_statement() -> None:
    result = diff(
        [
            (
                "Lieutenant Hastings said he did not know of any grudges against the bank.",
                "Lieutenant Hastings said he was not aware of any grudge against the bank.",
            )
        ]
    )
    pair = unit_with(result, "Lieutenant Hastings")
    assert pair.kind == "reworded"
    assert pair.same_statement is True


def test_same_statement_is_false_when_a_number_changes() -> None:
    result = diff([("About 40,000 people", "About 4,000 people")])
    pair = unit_with(result, "About 40,000")
    assert pair.same_statement is False
    assert all(p.same_statement is None for p in result.pairs if not (p.a and p.b))
    assert all(p.same_statement is not None for p in result.pairs if p.a and p.b)
