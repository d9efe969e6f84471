"""Numbers and weekdays planted into the hand-written development set (ja, zh, cs, de, hr,
fr): recall and precision of the typed changes across languages and scripts.

The counterpart of ``bench/planted_translations.py`` for ``bench/data/xl`` (what the set
is and what its figures mean: docs/languages.md). In each document the side that is not
English is edited, one edit of each kind where the text allows it, by a generator that
works from the facts the reader found (never from strings of the data):

- ``number``: the first digit of the first number (not a year) raised by one (9 -> 8),
  in the first sentence that has one after the headline;
- ``weekday``: the first weekday read moved one day on: a CJK weekday letter (土 -> 日,
  六 -> 日) or, in a language with ``dates.json``, the lexicon's form of the next day
  with the longest ending in common (case forms: "sobotu" -> "neděli").

The English document is compared with the unedited one (baseline) and each edited one
through ``compare``'s defaults, both read whole as ``align_langs`` lays them out; a change
not in the baseline is "new". Recall: share of edits with a new change of that type;
precision: share of the new changes on documents planted with that kind that are of
that type.

    python bench/planted_langs.py [--lang ja,zh,cs,de,hr,fr]
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import datasets
from align_langs import news_layout
from storytrace import facts
from storytrace.comparison import compare
from storytrace.facts.lexicon import load
from storytrace.model import Article, Sentence
from storytrace.pipeline import from_text
from storytrace.segment import segment

_JA_NEXT = dict(zip("月火水木金土日", "火水木金土日月", strict=True))
_ZH_NEXT = dict(zip("一二三四五六日天", "二三四五六日一一", strict=True))


def _read(sentences: list[str], lang: str) -> Article:
    return from_text(news_layout(sentences, lang))


def _changes(a: Article, b: Article) -> Counter[tuple[str, str | None, str | None]]:
    comparison = compare(a, b)
    found = [c for p in comparison.pairs for c in p.changes] + list(comparison.title_changes)
    return Counter((c.type, c.a, c.b) for c in found)


def _sentences(sentence: str, lang: str) -> tuple[Sentence, ...]:
    """The sentence as the reader segments it, with its facts."""
    return facts.extract(segment(sentence, lang=lang)[1], lang=lang, published=None)


def plant_number(sentence: str, lang: str) -> str | None:
    """The sentence with its first number (not a year) changed, None when it has none."""
    for s in _sentences(sentence, lang):
        for n in s.facts.numbers:
            if len(n.text) == 4 and n.text.isdigit() and n.unit is None:
                continue
            k = next((i for i, ch in enumerate(n.text) if ch.isdigit()), None)
            if k is None:
                continue  # a number in words
            ch = n.text[k]
            new = chr(ord(ch) - 1) if ch in "9９" else chr(ord(ch) + 1)
            start = s.start + n.start + k
            return sentence[:start] + new + sentence[start + 1 :]
    return None


def plant_weekday(sentence: str, lang: str) -> str | None:
    """The sentence with its first weekday moved one day on, None when it has none."""
    for s in _sentences(sentence, lang):
        for d in s.facts.dates:
            if not d.iso.startswith("-W-"):
                continue
            start = s.start + d.start
            text = sentence[start : s.start + d.end]
            if "曜" in text:  # Japanese: the letter before 曜
                at = start + text.index("曜") - 1
                return sentence[:at] + _JA_NEXT[sentence[at]] + sentence[at + 1 :]
            if text[-1] in _ZH_NEXT:  # Chinese: the letter after 周 / 星期
                at = start + len(text) - 1
                return sentence[:at] + _ZH_NEXT[sentence[at]] + sentence[at + 1 :]
            weekdays = load(lang).weekdays
            word = text.split()[-1]
            target = (weekdays.get(word.lower(), -1) + 1) % 7
            forms = [w for w, i in weekdays.items() if i == target]
            if word.lower() not in weekdays or not forms:
                continue
            best = max(forms, key=lambda w: _common_ending(w, word.lower()))
            best = best.capitalize() if word[:1].isupper() else best
            at = start + text.rindex(word)
            return sentence[:at] + best + sentence[at + len(word) :]
    return None


def _common_ending(x: str, y: str) -> int:
    n = 0
    while n < min(len(x), len(y)) and x[-1 - n] == y[-1 - n]:
        n += 1
    return n


KINDS = {"number": plant_number, "weekday": plant_weekday}
_TYPE = {"number": "number", "weekday": "date"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lang", default=",".join(datasets.XL_LANGS), help="comma-separated")
    parser.add_argument("-v", "--verbose", action="store_true", help="list each edit")
    args = parser.parse_args()
    langs = [code.strip() for code in args.lang.split(",") if code.strip()]
    by_lang = {lang: datasets.xl_docs(lang) for lang in langs}
    if not any(by_lang.values()):
        sys.exit("WMT22 documents not found in ../shared/data; nothing to measure")
    print(f"{'lang':<5}{'kind':<9}{'planted':>8}{'recall':>8}{'precision':>10}")
    for lang, docs in by_lang.items():
        for kind, plant in KINDS.items():
            planted = found = right = new_total = 0
            for doc in docs:
                src = [str(s) for s in doc["src_sentences"]]  # type: ignore[union-attr]
                ref = [str(s) for s in doc["ref_sentences"]]  # type: ignore[union-attr]
                ours_is_ref = doc["ref_lang"] == lang
                ours = ref if ours_is_ref else src
                english = src if ours_is_ref else ref
                english_article = _read(english, "en")
                baseline = _changes(english_article, _read(ours, lang))
                for i in range(1, len(ours)):
                    edited = plant(ours[i], lang)
                    if edited is None:
                        continue
                    version = [*ours[:i], edited, *ours[i + 1 :]]
                    new = _changes(english_article, _read(version, lang)) - baseline
                    planted += 1
                    hits = sum(n for (kind_, _, _), n in new.items() if kind_ == _TYPE[kind])
                    found += hits > 0
                    right += hits
                    new_total += sum(new.values())
                    if args.verbose:
                        print(f"  {doc['doc_id']} {kind} {edited!r}: {sorted(new)}")
                    break
            recall = found / planted if planted else 0.0
            precision = right / new_total if new_total else 1.0
            print(f"{lang:<5}{kind:<9}{planted:>8}{recall:>8.3f}{precision:>10.3f}")


if __name__ == "__main__":
    main()
