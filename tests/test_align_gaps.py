"""Gaps across languages paired in order: a planted edit in a real WMT22 en-uk
translation must not break the alignment of the sentence next to it."""

from __future__ import annotations

from storytrace.comparison import compare
from storytrace.pipeline import from_text

AVALANCHE_EN = [
    "An avalanche swept through part of a Washington state ski resort used to access "
    "backcountry skiing on Saturday, killing a 60-year-old man and temporarily trapping "
    "five others.",
    "The avalanche was reported about 10:50 a.m. in the Silver Basin area of Crystal "
    "Mountain, which is located about 85 miles (137 kilometers) southeast of Seattle, said "
    "Pierce County Sheriff's Department Sgt. Darren Moss.",
    "The identity of the man who died hasn't been released, but authorities say he wasn't "
    "breathing after being pulled out of the snow and didn't survive despite CPR efforts "
    "by another skier.",
    "The other skiers in his group rescued themselves with the help of two witnesses who "
    "saw them get swept up by the snow.",
]
AVALANCHE_UK = [
    "У суботу лавина прокотилася частиною лижного курорту в штаті Вашингтон, яка "
    "використовується для доступу до позатрасового катання, вбивши 60-річного чоловіка та "
    "загнавши в тимчасову пастку ще п'ятьох людей.",
    "Лавина сталася приблизно о 10:50 ранку в районі Сілвер-Бейсін у Кристал-Маунтін, що "
    "приблизно на 85\xa0миль (137\xa0кілометрів) південно-східніше Сіетла, повідомив сержант "
    "Даррен Мосс із департаменту шерифа округу Пірс.",
    "Особу загиблого чоловіка не назвали, але влада каже, що коли його витягли з-під снігу, "
    "він не дихав і не вижив, незважаючи на спроби другого лижника зробити "
    "серцево-легеневу реанімацію.",
    "Інші лижники в цій групі врятувались самі завдяки двом свідкам, що бачили, як їх "
    "занесло снігом.",
]

PROMISE_EN = [
    '"So we have to act," he said.',
    "Biden said the first step was to save lives and care for the families who were "
    "affected by the storms.",
    '"I promise you.',
    "Whatever is needed.",
    'Whatever is needed, the federal government is going to supply it," Biden said.',
    "He said he would continue to monitor the storm recovery closely and do whatever was "
    "needed by the federal government.",
    '"I want folks in all these states to know.',
]
PROMISE_UK = [
    "«Отже, ми повинні діяти»,\xa0– сказав він.",
    "Байден заявив, що першим кроком є спасіння життів та турбота про родини тих, хто "
    "постраждав від торнадо.",
    "«Я вам обіцяю.",
    "Що б не було потрібно.",
    "Що б не було потрібно, федеральний уряд це надасть»,\xa0– прокоментував Байден.",
    "Він сказав, що продовжить уважно стежити за відновленням після торнадо та робити те, "
    "що має робити федеральний уряд.",
    "«Я хочу, щоб люди в усіх цих штатах знали.",
]


def _pairs(en: list[str], other: list[str]) -> list[tuple[tuple[int, ...], tuple[int, ...]]]:
    comparison = compare(from_text("\n\n".join(en)), from_text("\n\n".join(other)))
    return [(p.a, p.b) for p in comparison.pairs]


def _one_to_one(n: int) -> list[tuple[tuple[int, ...], tuple[int, ...]]]:
    return [((i,), (i,)) for i in range(n)]


def test_a_changed_number_does_not_unpair_the_next_sentence() -> None:
    """ "60" planted as "81": the first pair falls under the threshold, the second scores
    low on its own (times and units), and both stay paired in order."""
    edited = [AVALANCHE_UK[0].replace("60-", "81-"), *AVALANCHE_UK[1:]]
    assert _pairs(AVALANCHE_EN, AVALANCHE_UK) == _one_to_one(4)
    assert _pairs(AVALANCHE_EN, edited) == _one_to_one(4)


def test_a_changed_name_keeps_a_two_by_two_gap_in_order() -> None:
    """The speaker "Байден" planted as "Мосс": the sentence and the short one before it
    stay paired in order, not two dropped and two added."""
    edited = [*PROMISE_UK[:4], PROMISE_UK[4].replace("Байден", "Мосс"), *PROMISE_UK[5:]]
    assert _pairs(PROMISE_EN, PROMISE_UK) == _one_to_one(7)
    assert _pairs(PROMISE_EN, edited) == _one_to_one(7)
    changes = (
        compare(from_text("\n\n".join(PROMISE_EN)), from_text("\n\n".join(edited))).pairs[4].changes
    )
    assert [c.type for c in changes] == ["name"]


def test_a_deleted_sentence_is_not_paired_in_order() -> None:
    """Sentences on one side only: the gap is uneven, the deleted one stays dropped."""
    edited = [*PROMISE_UK[:2], *PROMISE_UK[3:]]
    pairs = _pairs(PROMISE_EN, edited)
    assert ((2,), ()) in pairs
    assert ((1,), (1,)) in pairs
    assert ((5,), (4,)) in pairs
