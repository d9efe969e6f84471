"""Edits planted into professional translations (WMT22 en->uk dev, en->ru): recall and
precision of each kind of typed change across languages.

For every English document and its Ukrainian or Russian translation, one edit of each
kind is planted into the translation, where the text allows it, by a generator that
works from the text and the language's lexicons (never from strings of the data):

- ``number``: a number the English sentence also gives is changed (digits);
- ``date``: a weekday word of the lexicon swapped for another weekday of the same
  ending (case), else the day of a month-day date the English sentence also gives;
- ``name``: a person's name the English sentence also names replaced by a person's name
  from another document of the same language;
- ``hedge+``: a hearsay hedge of the lexicon (one word, e.g. "нібито") put after the
  first word of a sentence neither side hedges;
- ``hedge-``: a hedge that means hearsay or uncertainty dropped where the English
  sentence hedges too;
- ``deleted``: a sentence of six words or more (not the first) deleted;
- ``quote!``: a quotation that aligns to a quotation in the English sentence reversed in
  meaning: its first verb negator of the language's negation lexicon ("не") taken out,
  or, when it has none, one put before its first verb-like word (by the language's verb
  endings; the first word when none looks like a verb);
- ``quote~``: such a quotation replaced by another claim: a quotation of the same
  language from another document, of a similar length; neither names a number, date or
  name (those would be reported as changes of their own type).

The English article is compared with the unedited translation (baseline) and with each
edited one; a change not in the baseline is "new". Recall of a kind: share of planted
edits of that kind for which a new change of that type is reported (for ``deleted``, a
new dropped unit). Precision of a type: share of new changes of that type reported on
documents planted with an edit of that type. The ``quote`` row adds up ``quote!`` and
``quote~``.

    python bench/planted_translations.py [--pair en-uk,en-ru] [--limit N] [-v]
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import datasets
from align_wmt import article_from_sentences
from storytrace import _lexicons
from storytrace.changes.names import sound_keys
from storytrace.comparison import Comparison, compare
from storytrace.facts.lexicon import load
from storytrace.model import Article
from storytrace.pipeline import from_text

KINDS = ("number", "date", "name", "hedge+", "hedge-", "deleted", "quote!", "quote~")
TYPE_OF = {"hedge+": "hedge", "hedge-": "hedge", "deleted": "dropped"}
TYPE_OF.update({"quote!": "quote", "quote~": "quote"})
VERB_ENDINGS = {
    "ru": ("ть", "ет", "ют", "ут", "ит", "ят", "ем", "им", "ал", "ла", "ло", "ли", "ся", "сь"),
    "uk": ("ти", "є", "ють", "уть", "ить", "ать", "ять", "ав", "ив", "ла", "ло", "ли", "ся", "мо"),
}
"""Endings of verb forms (infinitive, present, past, reflexive) for ``quote!``; a word
with one is taken for a verb, wrongly at times (the edit is still a negation)."""
_DIGITS = re.compile(r"\d+")
_PLAIN_WORD = re.compile(r"^[^\W\d_]+$")

Edit = Callable[[list[str], Article, Article, random.Random], list[str] | None]


def _candidates(a: Article, b: Article) -> list[int]:
    n = min(len(a.sentences), len(b.sentences))
    return list(range(n))


def plant_number(src: list[str], a: Article, b: Article, rng: random.Random) -> list[str] | None:
    options = []
    for j in _candidates(a, b):
        values_a = {n.value for n in a.sentences[j].facts.numbers}
        for n in b.sentences[j].facts.numbers:
            digits = _DIGITS.findall(n.text)
            if len(digits) == 1 and n.value in values_a:
                options.append((j, n.start, n.end, n.text, digits[0]))
    if not options:
        return None
    j, start, end, text, digits = rng.choice(options)
    old = int(digits)
    new = old + max(1, old // 3) + rng.randint(1, 3)
    edited = text.replace(digits, str(new), 1)
    s = b.sentences[j].text
    out = list(src)
    out[j] = s[:start] + edited + s[end:]
    return out


def plant_date(src: list[str], a: Article, b: Article, rng: random.Random) -> list[str] | None:
    lex = load(b.lang or "en")
    weekday_options, day_options = [], []
    for j in _candidates(a, b):
        if not a.sentences[j].facts.dates:
            continue
        s = b.sentences[j].text
        for d in b.sentences[j].facts.dates:
            for word in re.finditer(r"[^\W\d_]+", d.text):
                if word.group().lower() in lex.weekdays:
                    weekday_options.append((j, d.start + word.start(), d.start + word.end()))
            isos = {x.iso[-5:] for x in a.sentences[j].facts.dates}
            digits = _DIGITS.findall(d.text)
            if len(d.iso) >= 5 and d.iso[-5:] in isos and digits and int(digits[0]) <= 31:
                day_options.append((j, d.start, d.end, digits[0]))
    out = list(src)
    if weekday_options:
        j, start, end = rng.choice(weekday_options)
        s = b.sentences[j].text
        word = s[start:end]
        index = lex.weekdays[word.lower()]
        same_case = [
            w for w, i in lex.weekdays.items() if i != index and w[-1:] == word.lower()[-1:]
        ] or [w for w, i in lex.weekdays.items() if i != index]
        new = rng.choice(sorted(same_case))
        new = new.capitalize() if word[:1].isupper() else new
        out[j] = s[:start] + new + s[end:]
        return out
    if day_options:
        j, start, end, digits = rng.choice(day_options)
        s = b.sentences[j].text
        new = str(int(digits) % 27 + 1)
        out[j] = s[:start] + s[start:end].replace(digits, new, 1) + s[end:]
        return out
    return None


def plant_name(
    src: list[str], a: Article, b: Article, rng: random.Random, pool: list[str]
) -> list[str] | None:
    from storytrace.model import Name

    options = []
    for j in _candidates(a, b):
        people_a = [n for n in a.sentences[j].facts.names if n.kind == "person"]
        for n in b.sentences[j].facts.names:
            if n.kind != "person" or " " in n.text:
                continue
            if any(sound_keys(n) & sound_keys(x) for x in people_a):
                options.append((j, n))
    if not options or not pool:
        return None
    j, n = rng.choice(options)
    others = [
        p
        for p in pool
        if not sound_keys(Name(p, p.lower(), "person", 0, len(p))) & sound_keys(n)
        and p not in b.text
    ]
    if not others:
        return None
    s = b.sentences[j].text
    out = list(src)
    out[j] = s[: n.start] + rng.choice(others) + s[n.end :]
    return out


def _hedge_words(lang: str, meanings: tuple[str, ...]) -> list[str]:
    entries = _lexicons.read(lang, "hedges").get("entries", [])
    return [
        str(p)
        for e in entries
        if e.get("meaning") in meanings
        for p in e.get("patterns", [])
        if _PLAIN_WORD.match(str(p))
    ]


def plant_hedge_added(
    src: list[str], a: Article, b: Article, rng: random.Random
) -> list[str] | None:
    words = _hedge_words(b.lang or "en", ("hearsay",))
    options = [
        j
        for j in _candidates(a, b)[1:]
        if not a.sentences[j].facts.hedges
        and not b.sentences[j].facts.hedges
        and not b.sentences[j].facts.quotes
        and re.match(r"[^\W\d_]+ [^\W\d_]", b.sentences[j].text)
    ]
    if not options or not words:
        return None
    j = rng.choice(options)
    s = b.sentences[j].text
    first = s.index(" ")
    out = list(src)
    out[j] = f"{s[:first]} {rng.choice(words)}{s[first:]}"
    return out


def plant_hedge_dropped(
    src: list[str], a: Article, b: Article, rng: random.Random
) -> list[str] | None:
    from storytrace.changes.framing import hedge_meanings

    _, meanings = hedge_meanings()
    options = []
    for j in _candidates(a, b):
        if not any(meanings.get(h.key) for h in a.sentences[j].facts.hedges):
            continue
        meant = [h for h in b.sentences[j].facts.hedges if meanings.get(h.key)]
        if len(meant) == 1 and len(b.sentences[j].facts.hedges) == 1:
            options.append((j, meant[0]))
    if not options:
        return None
    j, h = rng.choice(options)
    s = b.sentences[j].text
    before = s[: h.start].rstrip()
    after = s[h.end :].lstrip()
    before = before[:-1].rstrip() if before.endswith(",") else before
    after = after[1:].lstrip() if after.startswith(",") else after
    joined = f"{before} {after}".strip() if before else after[:1].upper() + after[1:]
    out = list(src)
    out[j] = joined
    return out


def plant_deleted(src: list[str], a: Article, b: Article, rng: random.Random) -> list[str] | None:
    options = [j for j in _candidates(a, b)[1:] if len(b.sentences[j].text.split()) >= 6]
    if not options:
        return None
    out = list(src)
    del out[rng.choice(options)]
    return out


def _quote_options(a: Article, b: Article) -> list[tuple[int, int, int, str, bool]]:
    """(sentence, start, end, text, plain) of each translated quotation paired with an
    English one; ``plain``: it names no number, date or name."""
    options = []
    for j in _candidates(a, b):
        qa, qb = a.sentences[j].facts.quotes, b.sentences[j].facts.quotes
        if qa and len(qa) == len(qb):
            f = b.sentences[j].facts
            spans = [(x.start, x.end) for x in (*f.numbers, *f.dates, *f.names)]
            for q in qb:
                plain = not _DIGITS.search(q.text) and not any(
                    q.start <= x < q.end or q.start < y <= q.end for x, y in spans
                )
                options.append((j, q.start, q.end, q.text, plain))
    return options


def plant_quote_reversed(
    src: list[str], a: Article, b: Article, rng: random.Random
) -> list[str] | None:
    lang = b.lang or "en"
    negation = _lexicons.read(lang, "negation")
    negators = negation.get("syntactic", [])
    options = _quote_options(a, b)
    if not options or not negators:
        return None
    j, start, end, text, _ = rng.choice(options)
    words = list(re.finditer(r"[^\W\d_]+", text))
    present = [w for w in words if w.group().lower() in negators]
    not_verbs = {str(w) for key in ("determiners", "lexical") for w in negation.get(key, [])}
    if present:
        w = present[0]
        after = text[w.end() :].lstrip()
        edited = text[: w.start()] + after
    else:
        verbs = [
            w
            for w in words
            if w.group().lower().endswith(VERB_ENDINGS.get(lang, ()))
            and w.group().lower() not in not_verbs
        ]
        w = (verbs or words or [None])[0]
        if w is None:
            return None
        word = w.group()
        negator = negators[0]
        new = (
            f"{negator.capitalize()} {word.lower()}"
            if w.start() == 0 and word[:1].isupper()
            else f"{negator} {word}"
        )
        edited = text[: w.start()] + new + text[w.end() :]
    s = b.sentences[j].text
    out = list(src)
    out[j] = s[:start] + edited + s[end:]
    return out


def plant_quote_replaced(
    src: list[str], a: Article, b: Article, rng: random.Random, pool: list[tuple[str, str]]
) -> list[str] | None:
    options = [o for o in _quote_options(a, b) if o[4]]
    if not options:
        return None
    j, start, end, text, _ = rng.choice(options)
    others = [q for doc, q in pool if doc != b.id and q != text]
    if not others:
        return None
    size = len(text)
    close = [q for q in others if 2 / 3 <= len(q) / size <= 3 / 2] or sorted(
        others, key=lambda q: abs(len(q) - size)
    )[:3]
    s = b.sentences[j].text
    out = list(src)
    out[j] = s[:start] + rng.choice(sorted(close)) + s[end:]
    return out


def _reported(comparison: Comparison) -> Counter[tuple[str, str | None, str | None]]:
    out: Counter[tuple[str, str | None, str | None]] = Counter(
        (c.type, c.a, c.b) for c in comparison.title_changes
    )
    for p in comparison.pairs:
        for c in p.changes:
            out[(c.type, c.a, c.b)] += 1
        if p.a and not p.b:
            text = " ".join(comparison.a.sentences[i].text for i in p.a)
            out[("dropped", text, None)] += 1
    return out


def run(pairs: list[str], limit: int | None, verbose: bool) -> None:
    gens: dict[str, Edit] = {
        "number": plant_number,
        "date": plant_date,
        "hedge+": plant_hedge_added,
        "hedge-": plant_hedge_dropped,
        "deleted": plant_deleted,
        "quote!": plant_quote_reversed,
    }
    print(f"{'lang':<4} {'kind':<8} {'planted':>7} {'recall':>7} {'precision':>9}")
    for pair in pairs:
        docs = datasets.wmt_docs(pair)[:limit]
        lang = pair.split("-")[1]
        parsed = []
        for doc in docs:
            src = [str(s) for s in doc["src_sentences"]]  # type: ignore[union-attr]
            ref = [str(s) for s in doc["ref_sentences"]]  # type: ignore[union-attr]
            a = article_from_sentences(src, "en", "a")
            b = article_from_sentences(ref, lang, str(doc["doc_id"]))
            parsed.append((doc, src, ref, a, b))
        # names the translation gives for a person the English sentence names too
        pool = sorted(
            {
                n.text
                for _, _, _, a, b in parsed
                for sa, sb in zip(a.sentences, b.sentences, strict=False)
                for n in sb.facts.names
                if n.kind == "person"
                and " " not in n.text
                and any(
                    x.kind == "person" and sound_keys(n) & sound_keys(x) for x in sa.facts.names
                )
            }
        )
        quotes = sorted(
            {(b.id, q[3]) for _, _, _, a, b in parsed for q in _quote_options(a, b) if q[4]}
        )
        planted: Counter[str] = Counter()
        found: Counter[str] = Counter()
        new_by_type: Counter[str] = Counter()
        right_by_type: Counter[str] = Counter()
        t0 = time.perf_counter()
        for doc, src, ref, a, b in parsed:
            text_a = from_text("\n\n".join(src))
            base = _reported(compare(text_a, from_text("\n\n".join(ref))))
            for kind in KINDS:
                rng = random.Random(f"{doc['doc_id']}:{kind}")
                if kind == "name":
                    edited = plant_name(ref, a, b, rng, pool)
                elif kind == "quote~":
                    edited = plant_quote_replaced(ref, a, b, rng, quotes)
                else:
                    edited = gens[kind](ref, a, b, rng)
                if edited is None:
                    continue
                planted[kind] += 1
                new = _reported(compare(text_a, from_text("\n\n".join(edited)))) - base
                want = TYPE_OF.get(kind, kind)
                if any(t == want for t, _, _ in new):
                    found[kind] += 1
                for (t, x, y), count in new.items():
                    new_by_type[t] += count
                    right_by_type[t] += count if t == want else 0
                    if verbose and (t != want):
                        print(f"  {doc['doc_id']} {kind}: false {t}: {x!r} -> {y!r}")
                if verbose and not any(t == want for t, _, _ in new):
                    changed = [s for s in edited if s not in ref]
                    print(f"  {doc['doc_id']} {kind}: missed {changed[:1]}")
        planted["quote"] = planted["quote!"] + planted["quote~"]
        found["quote"] = found["quote!"] + found["quote~"]
        for kind in (*KINDS, "quote"):
            want = TYPE_OF.get(kind, kind)
            rec = found[kind] / planted[kind] if planted[kind] else float("nan")
            prec = right_by_type[want] / new_by_type[want] if new_by_type[want] else float("nan")
            print(f"{lang:<4} {kind:<8} {planted[kind]:>7} {rec:>7.3f} {prec:>9.3f}")
        print(f"# {pair}: {len(parsed)} documents, {time.perf_counter() - t0:.0f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pair", default="en-uk,en-ru")
    parser.add_argument("--limit", type=int, default=None, help="documents per pair")
    parser.add_argument("-v", "--verbose", action="store_true", help="list misses and errors")
    args = parser.parse_args()
    run([p.strip() for p in args.pair.split(",") if p.strip()], args.limit, args.verbose)


if __name__ == "__main__":
    main()
