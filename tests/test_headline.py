"""Headlines compared across languages: real WMT22 headlines and lead sentences, with
edits planted in the translation's headline."""

from __future__ import annotations

from storytrace import to_dict
from storytrace.comparison import compare
from storytrace.pipeline import from_text

AVALANCHE_EN = (
    "Avalanche at Washington state ski resort kills 1, traps 5\n\n"
    "An avalanche swept through part of a Washington state ski resort used to access "
    "backcountry skiing on Saturday, killing a 60-year-old man and temporarily trapping "
    "five others.\n\n"
    "All were wearing avalanche beacons."
)
AVALANCHE_UK = (
    "Лавина на лижному курорті в штаті Вашингтон забрала життя однієї людини, п'ять людей "
    "опинилися в пастці\n\n"
    "У суботу лавина прокотилася частиною лижного курорту в штаті Вашингтон, яка "
    "використовується для доступу до позатрасового катання, вбивши 60-річного чоловіка та "
    "загнавши в тимчасову пастку ще п'ятьох людей.\n\n"
    "Усі мали лавинні датчики."
)

RICE_EN = (
    "'Interview with the Vampire' author Anne Rice dies at age 80\n\n"
    'Anne Rice, the gothic novelist whose best-known work, "Interview with the Vampire," '
    "spawned a lucrative franchise, has died.\n\n"
    "She was 80."
)
RICE_RU = (
    "Автор «Интервью с вампиром» Энн Райс умерла в возрасте 80 лет\n\n"
    "Энн Райс, автор готических романов, самое известное произведение которой, «Интервью "
    "с вампиром», породило прибыльную франшизу, скончалась.\n\n"
    "Ей было 80 лет."
)


def _title_changes(a: str, b: str) -> list[tuple[str, str | None, str | None]]:
    comparison = compare(from_text(a), from_text(b))
    return [(c.type, c.a, c.b) for c in comparison.title_changes]


def test_unedited_headlines_have_no_changes() -> None:
    assert from_text(AVALANCHE_UK).title is not None
    assert _title_changes(AVALANCHE_EN, AVALANCHE_UK) == []
    assert _title_changes(RICE_EN, RICE_RU) == []


def test_a_number_changed_in_a_translated_headline() -> None:
    """ "five" planted as "seven" in words, in the Ukrainian headline only."""
    edited = AVALANCHE_UK.replace("п'ять людей", "сім людей", 1)
    changes = _title_changes(AVALANCHE_EN, edited)
    assert [c[0] for c in changes] == ["number"]
    comparison = compare(from_text(AVALANCHE_EN), from_text(edited))
    assert to_dict(comparison)["title_changes"][0]["lang_b"] == "uk"
    # the body is untouched: no pair reports it
    assert not [c for p in comparison.pairs for c in p.changes if c.type == "number"]


def test_a_headline_the_other_side_keeps_as_its_first_sentence() -> None:
    """The Russian first line opens like a byline ("Автор"), so it stays a sentence; the
    English headline is compared with it, and a changed age is found."""
    assert from_text(RICE_RU).title is None
    edited = RICE_RU.replace("в возрасте 80 лет", "в возрасте 85 лет", 1)
    assert ("number", "80", "85") in _title_changes(RICE_EN, edited)


def test_a_headline_change_is_listed_in_the_text_and_html_diff() -> None:
    """A changed number in the translation's headline shows in the diff's change list,
    placed at the headline (no unit holds it), in the terminal and the HTML report."""
    from storytrace.render.diff_html import comparison_to_html
    from storytrace.render.diff_terminal import plain_changes
    from storytrace.render.diff_view import build_view

    edited = AVALANCHE_UK.replace("однієї людини", "двох людей", 1)
    comparison = compare(from_text(AVALANCHE_EN), from_text(edited))
    assert [c.type for c in comparison.title_changes] == ["number"]
    lines = plain_changes(build_view(comparison))
    assert any(line.startswith("  number") and line.endswith("(headline)") for line in lines)
    page = comparison_to_html(comparison)
    assert ">headline</td>" in page
    assert 'href="#u-1"' not in page
