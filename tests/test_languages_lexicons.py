"""Hedge, attribution and framing lexicons outside English (uk, ru, de, fr, es, pl):
each finds its facts in a news-like sentence, and across languages a hedge on both
sides is no change, a hedge lost is one, and a modal of ability is no hedge."""

from __future__ import annotations

import pytest

from storytrace.comparison import compare
from storytrace.pipeline import from_text

EN_HEDGED = (
    "The minister allegedly received large payments from the construction company "
    "before the contract was signed last year."
)
EN_PLAIN = (
    "The minister received large payments from the construction company before the "
    "contract was signed last year."
)
EN_ABILITY = (
    "The new bridge can carry up to forty trucks at once, the engineers explained to the "
    "city council on Monday."
)

HEDGED = {
    "uk": "Міністр нібито отримав великі виплати від будівельної компанії до того, як "
    "торік було підписано контракт.",
    "ru": "Министр якобы получил крупные выплаты от строительной компании до того, как в "
    "прошлом году был подписан контракт.",
    "de": "Der Minister hat angeblich hohe Zahlungen von der Baufirma erhalten, bevor der "
    "Vertrag im vergangenen Jahr unterzeichnet wurde.",
    "fr": "Le ministre aurait prétendument reçu d'importants paiements de l'entreprise de "
    "construction avant la signature du contrat l'année dernière.",
    "es": "El ministro supuestamente recibió grandes pagos de la empresa constructora antes "
    "de que se firmara el contrato el año pasado.",
    "pl": "Minister rzekomo otrzymał duże płatności od firmy budowlanej, zanim w zeszłym "
    "roku podpisano umowę.",
}
ABILITY = {
    "uk": "Новий міст може витримати до сорока вантажівок одночасно, пояснили інженери "
    "міській раді в понеділок.",
    "ru": "Новый мост может выдержать до сорока грузовиков одновременно, объяснили инженеры "
    "городскому совету в понедельник.",
    "de": "Die neue Brücke kann bis zu vierzig Lastwagen gleichzeitig tragen, erklärten die "
    "Ingenieure dem Stadtrat am Montag.",
    "fr": "Le nouveau pont peut supporter jusqu'à quarante camions à la fois, ont expliqué "
    "les ingénieurs au conseil municipal lundi.",
    "es": "El nuevo puente puede soportar hasta cuarenta camiones a la vez, explicaron los "
    "ingenieros al ayuntamiento el lunes.",
    "pl": "Nowy most może utrzymać do czterdziestu ciężarówek jednocześnie, wyjaśnili "
    "inżynierowie radzie miasta w poniedziałek.",
}
ATTRIBUTED = {
    "uk": ("Зеленський заявив, що Київ не піде на жодні поступки щодо своїх територій.", "say"),
    "ru": ("Песков заявил, что Кремль пока не получал никаких предложений от Вашингтона.", "say"),
    "de": ("Scholz sagte, Berlin werde der Ukraine weitere Luftabwehrsysteme liefern.", "say"),
    "fr": ("Macron a déclaré que Paris livrera de nouveaux systèmes de défense aérienne.", "say"),
    "es": ("Sánchez dijo que Madrid enviará nuevos sistemas de defensa aérea a Kiev.", "say"),
    "pl": ("Tusk powiedział, że Warszawa przekaże Kijowowi kolejne systemy obrony.", "say"),
}
ANONYMOUS = {
    "uk": "За словами анонімного джерела в уряді, переговори триватимуть до кінця тижня.",
    "de": "Nach Angaben einer anonymen Quelle in der Regierung dauern die Gespräche an.",
    "fr": "Selon une source anonyme au sein du gouvernement, les négociations continuent.",
    "es": "Según fuentes anónimas del gobierno, las negociaciones continúan esta semana.",
    "pl": "Według anonimowego źródła w rządzie rozmowy potrwają do końca tygodnia.",
}
FRAMED = {
    "uk": ("Так звана спеціальна військова операція триває вже третій рік.", "so-called"),
    "ru": ("Так называемая специальная военная операция идет уже третий год.", "so-called"),
    "de": ("Die sogenannte militärische Spezialoperation dauert schon drei Jahre.", "so-called"),
    "fr": ("La soi-disant opération militaire spéciale dure depuis trois ans.", "so-called"),
    "es": ("La autodenominada operación militar especial dura ya tres años.", "so-called"),
    "pl": ("Tak zwana specjalna operacja wojskowa trwa już trzeci rok.", "so-called"),
}


def _changes(a: str, b: str) -> list[tuple[str, str | None, str | None]]:
    comparison = compare(from_text(a), from_text(b))
    assert any(p.a and p.b for p in comparison.pairs), "the sentences are not aligned"
    return [(c.type, c.a, c.b) for p in comparison.pairs for c in p.changes]


def _hedges(a: str, b: str) -> list[tuple[str | None, str | None]]:
    comparison = compare(from_text(a), from_text(b))
    assert any(p.a and p.b for p in comparison.pairs), "the sentences are not aligned"
    return [(c.a, c.b) for p in comparison.pairs for c in p.changes if c.type == "hedge"]


@pytest.mark.parametrize("lang", sorted(HEDGED))
def test_a_hedge_on_both_sides_is_no_change(lang: str) -> None:
    assert from_text(HEDGED[lang]).lang == lang
    assert _hedges(EN_HEDGED, HEDGED[lang]) == []


@pytest.mark.parametrize("lang", sorted(HEDGED))
def test_a_hedge_gained_in_translation_is_a_change(lang: str) -> None:
    changes = _hedges(EN_PLAIN, HEDGED[lang])
    assert len(changes) == 1
    assert changes[0][0] is None


@pytest.mark.parametrize("lang", sorted(ABILITY))
def test_a_modal_of_ability_is_no_hedge(lang: str) -> None:
    assert _hedges(EN_ABILITY, ABILITY[lang]) == []


@pytest.mark.parametrize("lang", sorted(ATTRIBUTED))
def test_attribution_verbs(lang: str) -> None:
    text, _ = ATTRIBUTED[lang]
    found = [a for s in from_text(text).sentences for a in s.facts.attributions]
    assert [(a.source, a.anonymous) for a in found] == [(text.split()[0], False)]


@pytest.mark.parametrize("lang", sorted(ANONYMOUS))
def test_anonymous_sources(lang: str) -> None:
    found = [a for s in from_text(ANONYMOUS[lang]).sentences for a in s.facts.attributions]
    assert found
    assert all(a.anonymous for a in found)


@pytest.mark.parametrize("lang", sorted(FRAMED))
def test_framing_terms_share_the_english_key(lang: str) -> None:
    text, key = FRAMED[lang]
    keys = {f.key for s in from_text(text).sentences for f in s.facts.framing}
    assert {key, "special military operation"} <= keys


def test_german_sollen_is_hearsay_only_before_a_perfect() -> None:
    """ "Er soll das Geld genommen haben" reports hearsay; "Die Regierung soll handeln" is
    an obligation."""
    said = from_text("Der Minister soll das Geld von der Baufirma genommen haben.")
    must = from_text("Die Regierung soll nun schnell handeln, fordern die Verbände.")
    assert [h.key for s in said.sentences for h in s.facts.hedges] == ["said to"]
    assert [h.key for s in must.sentences for h in s.facts.hedges] == []


@pytest.mark.parametrize(
    ("text", "isos"),
    [
        (
            "Am Freitag, dem 15. März 2024, traf der Kanzler in Warschau ein, gestern war er "
            "noch in Paris.",
            ["-W-5", "2024-03-15", "-P1D"],
        ),
        (
            "Le vendredi 15 mars 2024, le président est arrivé à Varsovie ; hier il était "
            "encore à Paris.",
            ["-W-5", "2024-03-15", "-P1D"],
        ),
        (
            "El viernes 15 de marzo de 2024 el presidente llegó a Varsovia; ayer estaba "
            "todavía en París.",
            ["-W-5", "2024-03-15", "-P1D"],
        ),
        (
            "W piątek 15 marca 2024 roku premier przyjechał do Warszawy, a w środę był "
            "jeszcze w Paryżu.",
            ["-W-5", "2024-03-15", "-W-3"],
        ),
    ],
)
def test_dates_in_german_french_spanish_polish(text: str, isos: list[str]) -> None:
    """Weekdays, month names (Polish in its cases) and relative days; "15. März" is a
    day with its ordinal period, not the end of a sentence."""
    article = from_text(text)
    assert len(article.sentences) == 1
    assert [d.iso for s in article.sentences for d in s.facts.dates] == isos


def test_a_weekday_changed_in_a_german_translation() -> None:
    en = "On Friday the chancellor met the Polish prime minister in Warsaw to discuss aid."
    de = "Am Freitag traf der Kanzler den polnischen Ministerpräsidenten in Warschau."
    assert [c for c in _changes(en, de) if c[0] == "date"] == []
    edited = de.replace("Freitag", "Dienstag")
    assert [c for c in _changes(en, edited) if c[0] == "date"] == [("date", "Friday", "Dienstag")]


@pytest.mark.parametrize(
    "text",
    [
        "Der Kanzler sagte: „Wir werden die Ukraine weiter unterstützen.“",
        "Der Kanzler sagte: »Wir werden die Ukraine weiter unterstützen.«",
        "Premier powiedział: „Nie oddamy ani metra naszej ziemi”.",
        "Le président a déclaré : « Nous ne céderons pas un mètre » hier soir.",
        "Le président a déclaré : ‹ Nous ne céderons pas un mètre › hier soir.",
        "Зеленський заявив: «Ми не віддамо жодного метра землі».",
    ],
)
def test_quotation_marks_of_every_language(text: str) -> None:
    quotes = [q.text for s in from_text(text).sentences for q in s.facts.quotes]
    assert len(quotes) == 1
    assert not any(mark in quotes[0] for mark in "„“”«»‹›")
