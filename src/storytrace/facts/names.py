"""Names of people, organisations and places, with alias folding.

A name is a run of capitalised tokens, allowing lowercase connectors inside ("Bank of
America", "Office of the President"). Runs are then cut where the text packs several
names together without punctuation, which news prose does all the time:

- a title splits off the person after it and is dropped ("US Special Envoy Steve
  Witkoff" -> "US" + "Steve Witkoff"; "President Donald Trump" -> "Donald Trump");
- a known name at the start splits off ("Ukraine Volodymyr Zelenskyy", "NATO Article 5");
- a nationality adjective at the start is dropped ("Ukrainian Donbas" -> "Donbas")
  unless a kind cue ends the run ("Ukrainian Armed Forces" stays whole);
- "and" joins only inside organisation names and lexicon entries ("Ministry of Trade and
  Industry", "Bosnia and Herzegovina"), never two people ("Witkoff and Kushner").

A capitalised word that starts a sentence or quotation is a name only with evidence: a
lexicon entry, the same word capitalised elsewhere in the article, an acronym, or more
capitalised words after it. Month and weekday names, sentence starters ("However",
"According") and nationality adjectives on their own ("Ukrainian", "Russians") are not
names.

An identifier number belongs to the name before it ("Article 5", "Flight 17"): it names
a thing, it does not count one, so it is not a ``Number``.

Keys fold aliases and transliterations so that different spellings of one entity
compare equal: lowercase, no diacritics or punctuation, no leading "the", possessive
dropped, the alias table ("U.S." = "US" = "United States" = "America"; "Kiev" = "Kyiv"),
then for words not in the lexicon a conservative transliteration fold (Slavic endings
-skyy/-skiy/-skyi/-ski -> -sky, -yy/-iy/-ii/-yi -> -y, "kh" -> "h"), so "Zelenskyy",
"Zelensky", "Zelenskiy" and "Zelenski" share the key "zelensky". ``same_entity`` also
matches a surname mention with the full name ("Zelensky" ~ "Volodymyr Zelenskyy").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import NamedTuple

from ..model import Name, NameKind
from .lexicon import Lexicon, basic_fold
from .name_keys import fold_key, strip_possessive
from .tokens import Token

_QUANTITY_AFTER = re.compile(
    r"\s*(?:%|[.,:]\d|-\w|\s*(?:percent|per cent|million|billion|thousand)\b)", re.IGNORECASE
)
_WORD_AFTER = re.compile(r"\s*([^\W\d_]+)")
_HYPHENS = re.compile(r"[-‐]")
_INITIAL = re.compile(r"^[A-Z]$")
_DIGITS = re.compile(r"^\d{1,4}[A-Za-z]?$")


class _Tok(NamedTuple):
    """A name-building token: a word, or part of a hyphenated compound."""

    text: str
    start: int
    end: int
    initial: bool
    closed_left: bool = False
    closed_right: bool = False

    @property
    def fold(self) -> str:
        return basic_fold(self.text)


_SENTENCE_END = frozenset('.!?"”»…')

_BREAK = _Tok("", -1, -1, False, True, True)
"""Stands for a lowercase word or punctuation: it ends any name run."""


@dataclass(slots=True)
class Evidence:
    """Article-level hints: the words the article capitalises where capitals mean something.

    A sentence-initial capitalised word is taken as a name only when the article also
    capitalises it mid-sentence, or opens a sentence with it followed by another
    capitalised word ("Tara Reid said"), or a lexicon knows it.
    """

    capitalised: set[str]

    @classmethod
    def collect(
        cls, token_lists: list[tuple[Token, ...]], headlines: list[bool] | None = None
    ) -> Evidence:
        """Gather capitalised mid-sentence words from every sentence of an article."""
        caps: set[str] = set()
        flags = headlines if headlines is not None else [is_headline(t) for t in token_lists]
        for tokens, headline in zip(token_lists, flags, strict=True):
            if headline:
                continue  # "Lohan Checks Into Rehab": its capitals say nothing
            for i, tok in enumerate(tokens):
                if not tok.is_cap:
                    continue
                if not tok.initial:
                    caps.add(strip_possessive(tok.text))
                elif (
                    i + 1 < len(tokens)
                    and tokens[i + 1].is_cap
                    and tokens[i + 1].start == tok.end + 1
                ):
                    # "Tara Reid ..." opening a sentence: a name goes on, a starter does not
                    caps.add(tok.text)
        return cls(caps)


def is_headline(tokens: tuple[Token, ...]) -> bool:
    """A title-case line ("Lindsay Lohan Checks Into Rehab"): most words capitalised.

    A sentence dense with names ("US Special Envoy Steve Witkoff met Ukrainian President
    Volodymyr Zelenskyy.") is capitalised as much, but ends with a full stop; a headline
    seldom does.
    """
    if not tokens or tokens[-1].text in _SENTENCE_END:
        return False
    words = [t.is_cap for t in tokens if t.is_word]
    return len(words) >= 4 and words.count(True) >= 0.75 * len(words)


def _split_compound(tok: Token, lex: Lexicon) -> list[_Tok]:
    """Split a hyphenated compound into the parts that can be names.

    "Kremlin-backed" -> "Kremlin"; "pro-Russian" -> "Russian"; "Ukraine-U.S." -> "Ukraine",
    "U.S." (both known); "Al-Qaeda", "Rostov-on-Don" stay whole.
    """
    raw = tok.text
    if "-" not in raw and "'" not in raw and "’" not in raw and "‐" not in raw:
        return [_Tok(raw, tok.start, tok.end, tok.initial)]
    text = strip_possessive(raw)
    closed = text != raw
    if "-" not in text and "‐" not in text:
        return [_Tok(text, tok.start, tok.start + len(text), tok.initial, closed_right=closed)]
    if basic_fold(text) in lex.known_kinds:
        return [_Tok(text, tok.start, tok.start + len(text), tok.initial, closed_right=closed)]
    parts: list[tuple[str, int]] = []
    offset = tok.start
    for part in _HYPHENS.split(text):
        parts.append((part, offset))
        offset += len(part) + 1
    caps = [p[:1].isupper() for p, _ in parts]
    if all(caps):
        if len(parts) > 1 and all(basic_fold(p) in lex.known_kinds for p, _ in parts):
            return [
                _Tok(p, s, s + len(p), tok.initial and i == 0, closed_left=i > 0, closed_right=True)
                for i, (p, s) in enumerate(parts)
            ]
        return [_Tok(text, tok.start, tok.start + len(text), tok.initial, closed_right=closed)]
    if caps[0]:
        n = caps.index(False)
        piece = text[: parts[n - 1][1] + len(parts[n - 1][0]) - tok.start]
        return [_Tok(piece, tok.start, tok.start + len(piece), tok.initial, closed_right=True)]
    if caps[-1]:
        n = len(caps) - caps[::-1].index(False)
        s = parts[n][1]
        piece = text[s - tok.start :]
        return [_Tok(piece, s, s + len(piece), False, closed_left=True, closed_right=closed)]
    return []


@dataclass(frozen=True, slots=True)
class _Segment:
    toks: tuple[_Tok, ...]
    titled: bool


class _Finder:
    """Finds the names in one sentence; holds the lexicon and the article evidence."""

    def __init__(
        self,
        text: str,
        tokens: tuple[Token, ...],
        lex: Lexicon,
        ev: Evidence,
        headline: bool | None = None,
    ) -> None:
        self.text = text
        self.lex = lex
        self.ev = ev
        self.toks = tokens
        self.connectors = lex.connectors | lex.and_connectors
        self.headline = is_headline(tokens) if headline is None else headline

    # --- token classes ---------------------------------------------------------------

    def _is_month_or_weekday(self, fold: str) -> bool:
        return fold in self.lex.months or fold in self.lex.weekdays

    def _cap_candidate(self, i: int, toks: list[_Tok]) -> bool:
        tok = toks[i]
        if not tok.text[:1].isupper():
            return False
        fold = tok.fold
        if fold in self.lex.weekdays and len(tok.text) > 3:
            return False
        if fold in self.lex.months:
            # "May" after a name is a surname (Theresa May), never before a day number.
            prev_ok = i > 0 and toks[i - 1].text[:1].isupper() and self._adjacent(toks[i - 1], tok)
            nxt = self.text[tok.end : tok.end + 3].lstrip(". ")
            return fold in self.lex.ambiguous_months and prev_ok and not nxt[:1].isdigit()
        return True

    def _keeps_period(self, tok: _Tok) -> bool:
        return tok is not _BREAK and (
            bool(_INITIAL.match(tok.text)) or (tok.fold in self.lex.titles and len(tok.text) <= 4)
        )

    def _adjacent(self, left: _Tok, right: _Tok) -> bool:
        gap = self.text[left.end : right.start]
        if gap.isspace():
            return "\n" not in gap
        # "Mr. Nichols", "John F. Kennedy": a title abbreviation or an initial with its period.
        if gap.startswith(".") and gap[1:].isspace() and gap.count("\n") == 0:
            return left.fold in self.lex.titles or bool(_INITIAL.match(left.text))
        return False

    # --- main ------------------------------------------------------------------------

    def find(self) -> list[Name]:
        toks: list[_Tok] = []
        append, extend = toks.append, toks.extend
        connectors = self.connectors
        make = tuple.__new__  # NamedTuple's own __new__ is Python-level; this loop is hot
        headline = self.headline
        for tok in self.toks:
            text = tok.text
            if headline and tok.is_cap and not self._has_evidence(tok):
                append(_BREAK)  # in a title-case line only known or attested words count
            elif tok.is_cap:
                if "-" in text or "'" in text or "’" in text or "‐" in text:
                    extend(_split_compound(tok, self.lex))
                else:
                    append(make(_Tok, (text, tok.start, tok.end, tok.initial, False, False)))
            elif tok.is_word:
                if text in connectors:
                    append(make(_Tok, (text, tok.start, tok.end, tok.initial, False, False)))
                elif "-" in text and not text.islower():
                    extend(_split_compound(tok, self.lex))
                else:
                    append(_BREAK)  # lowercase words and punctuation only end runs
            elif text == "." and toks and self._keeps_period(toks[-1]):
                continue  # "W. Mark Felt", "Mr. Nichols": the period stays inside the name
            elif text in ("'", "’") or (text[0].isdigit() and _DIGITS.match(text)):
                append(make(_Tok, (text, tok.start, tok.end, tok.initial, False, False)))
            else:
                append(_BREAK)
        # a possessive apostrophe after a word ("Axios'") closes that word
        if "'" in self.text or "’" in self.text:
            for i in range(1, len(toks)):
                cur, prev = toks[i], toks[i - 1]
                if cur.text in ("'", "’") and cur.start == prev.end and prev.text.endswith("s"):
                    toks[i - 1] = prev._replace(closed_right=True)
        names: list[Name] = []
        i = 0
        n = len(toks)
        while i < n:
            if toks[i] is _BREAK or not self._cap_candidate(i, toks):
                i += 1
                continue
            run = [i]
            j = i
            while not toks[j].closed_right:
                k = j + 1
                between: list[int] = []
                while (
                    k < n
                    and toks[k].text in self.connectors
                    and self._adjacent(toks[k - 1], toks[k])
                ):
                    between.append(k)
                    k += 1
                if (
                    k < n
                    and self._adjacent(toks[k - 1], toks[k])
                    and self._cap_candidate(k, toks)
                    and not toks[k].closed_left
                    and not toks[k].initial
                ):
                    run.extend([*between, k])
                    j = k
                    continue
                # an identifier number after its head: "Article 5", "Flight 17"
                if (
                    not between
                    and k < n
                    and _DIGITS.match(toks[k].text)
                    and self._adjacent(toks[j], toks[k])
                    and self._is_identifier_head(toks[j])
                    and self._number_is_bare(toks[k])
                ):
                    run.append(k)
                    j = k
                break
            names.extend(self._process_run([toks[x] for x in run], titled=False))
            i = j + 1
        return names

    def _is_identifier_head(self, tok: _Tok) -> bool:
        return tok.fold in self.lex.identifier_heads or (
            tok.text.isupper() and 2 <= len(tok.text) <= 5 and tok.text.isalpha()
        )

    def _number_is_bare(self, tok: _Tok) -> bool:
        """A number that is not a quantity, a date part or a decimal ("Article 5 of ...")."""
        if _QUANTITY_AFTER.match(self.text, tok.end):
            return False
        word = _WORD_AFTER.match(self.text, tok.end)
        return not (word and word.group(1).lower() in self.lex.months)

    # --- splitting a run into names --------------------------------------------------

    def _process_run(self, run: list[_Tok], *, titled: bool) -> list[Name]:
        run = self._trim(run)
        if not run:
            return []
        if any(t.text.lower() in self.lex.and_connectors and t.text != "&" for t in run):
            parts = self._split_and(run)
            if len(parts) > 1:
                out: list[Name] = []
                for part in parts:
                    out.extend(self._process_run(part, titled=titled))
                return out
        of_split = self._split_of(run)
        if of_split is not None:
            head, tail = of_split
            return self._process_run(head, titled=titled) + self._process_run(tail, titled=False)
        # a title splits off the person named after it
        cut = self._title_cut(run)
        if cut is not None:
            left, right = run[: cut[0]], run[cut[1] :]
            while left and (
                left[-1].fold in self.lex.title_modifiers or left[-1].fold in self.lex.titles
            ):
                left = left[:-1]
            return self._process_run(left, titled=False) + self._process_run(right, titled=True)
        # a known name or a nationality adjective at the start splits off
        if len(run) > 1 and not self._ends_with_kind_cue(run):
            whole = basic_fold(self._span_text(run))
            if whole not in self.lex.known_kinds:
                for p in range(len(run) - 1, 0, -1):
                    head = run[:p]
                    if head[-1].text.lower() in self.lex.connectors:
                        continue
                    if basic_fold(self._span_text(head)) in self.lex.known_kinds:
                        return self._process_run(head, titled=False) + self._process_run(
                            run[p:], titled=titled
                        )
                rest = run[1:]
                rest_known = basic_fold(self._span_text(rest)) in self.lex.known_kinds
                if run[0].fold in self.lex.demonyms and (rest_known or len(rest) > 1):
                    # "Ukrainian Donbas" -> "Donbas"; "American Pie" stays a title
                    return self._process_run(rest, titled=titled)
        name = self._make(run, titled=titled)
        return [name] if name else []

    def _split_of(self, run: list[_Tok]) -> tuple[list[_Tok], list[_Tok]] | None:
        """Cut "Bob Woodward of the Washington Post" into the person and the outlet.

        "X of Y" stays whole when X is one word ("Bank of America", "Gulf of Aden"), an
        organisation head ("Central Bank of Russia"), a title ("Secretary of State") or
        when the lexicon knows the whole.
        """
        for i, tok in enumerate(run):
            if tok.text != "of" or i < 2:
                continue
            head = run[:i]
            lex = self.lex
            if head[0].fold in lex.org_prefix_cues or any(t.fold in lex.titles for t in head):
                return None
            if basic_fold(self._span_text(run)) in lex.known_kinds:
                return None
            if (
                self._ends_with_kind_cue(head)
                or basic_fold(self._span_text(head)) in lex.known_kinds
            ):
                return None
            tail = run[i + 1 :]
            while tail and tail[0].text in self.connectors:
                tail = tail[1:]
            return (head, tail) if tail else None
        return None

    def _split_and(self, run: list[_Tok]) -> list[list[_Tok]]:
        """Cut a run at "and", then re-join the parts that form one name.

        "A and B" stays one name when the lexicon knows it ("Bosnia and Herzegovina") or
        when A is an organisation head and B a bare word ("Ministry of Trade and
        Industry"); otherwise they are two names ("Witkoff and Kushner").
        """
        parts: list[list[_Tok]] = [[]]
        joiners: list[_Tok] = []
        for tok in run:
            if tok.text.lower() in self.lex.and_connectors and tok.text != "&":
                parts.append([])
                joiners.append(tok)
            else:
                parts[-1].append(tok)
        merged: list[list[_Tok]] = [parts[0]]
        for joiner, part in zip(joiners, parts[1:], strict=True):
            current = self._trim(list(merged[-1]))
            nxt = part
            if current and nxt:
                joined = [*current, joiner, *nxt]
                known = basic_fold(self._span_text(joined)) in self.lex.known_kinds
                org = (
                    current[0].fold in self.lex.org_prefix_cues
                    and nxt[0].text.lower() not in self.connectors
                    and len(nxt) <= 2
                )
                if known or org:
                    merged[-1] = [*merged[-1], joiner, *nxt]
                    continue
            merged.append(part)
        return merged

    def _trim(self, run: list[_Tok]) -> list[_Tok]:
        """Drop leading sentence starters and connectors, and trailing connectors."""
        connectors = self.connectors
        while run:
            first = run[0]
            low = first.text.lower()
            if (
                low in connectors
                or first.text[:1].islower()
                or (
                    self._is_stopword(first)
                    and not (
                        len(run) == 1 and not first.initial and first.fold in self.lex.known_kinds
                    )
                )
            ):
                run = run[1:]
            elif first.initial and len(run) > 1 and not self._has_evidence(first):
                # "Negotiations Chief ..." - a sentence-initial ordinary word before a name
                if first.fold in self.lex.known_kinds or first.fold in self.lex.titles:
                    break
                if first.fold in self.lex.demonyms or first.fold in self.lex.title_modifiers:
                    break
                if basic_fold(self._span_text(run)) in self.lex.known_kinds:
                    break
                if self._ends_with_cue(run) or (len(run) >= 2 and run[1].text[:1].isupper()):
                    break
                run = run[1:]
            else:
                break
        while run and run[-1].text.lower() in connectors:
            run = run[:-1]
        return run

    def _title_cut(self, run: list[_Tok]) -> tuple[int, int] | None:
        """(start, end) of the last title that has a name after it, or None."""
        for t in range(len(run) - 2, -1, -1):
            if run[t].fold in self.lex.titles:
                rest = [x for x in run[t + 1 :] if x.text.lower() not in self.lex.connectors]
                rest = [x for x in rest if x.fold not in self.lex.title_modifiers]
                if rest and all(
                    x.text[:1].isupper() and x.fold not in self.lex.titles for x in rest
                ):
                    if self._ends_with_cue(run[t + 1 :]):
                        return None
                    end = t + 1
                    while end < len(run) and (
                        run[end].text.lower() in self.lex.connectors
                        or run[end].fold in self.lex.title_modifiers
                    ):
                        end += 1
                    return (t, end)
        return None

    def _ends_with_cue(self, run: list[_Tok]) -> bool:
        last = run[-1].fold
        lex = self.lex
        if _DIGITS.match(run[-1].text):
            return True
        if (
            last in lex.org_suffix_cues
            or last in lex.place_suffix_cues
            or last in lex.other_suffix_cues
        ):
            return True
        return (
            len(run) > 2
            and run[0].fold in lex.org_prefix_cues
            and run[1].text.lower() in lex.connectors
        )

    def _is_stopword(self, tok: _Tok) -> bool:
        """A sentence starter or function word; acronyms ("US", "IT") never are."""
        text = tok.text
        if len(text) >= 2 and text.isupper():
            return text in self.lex.caps_stopwords
        return text.lower() in self.lex.stopwords

    def _ends_with_kind_cue(self, run: list[_Tok]) -> bool:
        """Ends with an organisation or place cue: "Kyiv Post", "Kherson Region" stay whole."""
        last = run[-1].fold
        return last in self.lex.org_suffix_cues or last in self.lex.place_suffix_cues

    def _has_evidence(self, tok: _Tok | Token) -> bool:
        text = strip_possessive(tok.text)
        return (
            text in self.ev.capitalised
            or basic_fold(text) in self.lex.known_kinds
            or (len(text) >= 2 and text.isupper())
            or any(c.isupper() for c in text[1:])
        )

    def _span_text(self, run: list[_Tok]) -> str:
        return self.text[run[0].start : run[-1].end]

    def _make(self, run: list[_Tok], *, titled: bool) -> Name | None:
        lex = self.lex
        if len(run) == 1:
            tok = run[0]
            fold = tok.fold
            if self._is_stopword(tok) and not (not tok.initial and fold in lex.known_kinds):
                return None
            if fold in lex.titles or (fold in lex.title_modifiers and not titled):
                return None
            if fold in lex.demonyms or (fold.endswith("s") and fold[:-1] in lex.demonyms):
                return None
            if fold.endswith("ns") and fold[:-1] in lex.demonyms:
                return None
            if tok.initial and not titled and not self._has_evidence(tok):
                return None
            if not tok.text[:1].isalpha():
                return None
        text = self._span_text(run)
        key = fold_key(text, lex)
        if not key:
            return None
        return Name(text, key, self._kind(run, key, titled=titled), run[0].start, run[-1].end)

    def _kind(self, run: list[_Tok], key: str, *, titled: bool) -> NameKind:
        lex = self.lex
        fold = basic_fold(self._span_text(run))
        for candidate in (fold, key):
            kind = lex.known_kinds.get(candidate)
            if kind in ("person", "organization", "place"):
                return kind  # type: ignore[return-value]
        if titled:
            return "person"
        last = run[-1].fold
        if _DIGITS.match(run[-1].text) or last in lex.other_suffix_cues:
            return "other"
        if last in lex.org_suffix_cues:
            return "organization"
        if (
            len(run) > 2
            and run[0].fold in lex.org_prefix_cues
            and run[1].text.lower() in lex.connectors
        ):
            return "organization"
        if last in lex.place_suffix_cues or (len(run) > 1 and run[0].fold in lex.place_prefix_cues):
            return "place"
        if len(run) == 1:
            text = run[0].text
            if text.isupper() and 2 <= len(text) <= 6:
                return "organization"
            return "other"
        words = [t for t in run if t.text.lower() not in lex.connectors]
        cues = lex.not_person_words
        fixed = ("place", "organization")
        if any(t.fold in cues or lex.known_kinds.get(t.fold) in fixed for t in words):
            return "other"
        if 2 <= len(words) <= 4 and all(
            (t.text[:1].isupper() and t.text[1:2].islower()) or _INITIAL.match(t.text)
            for t in words
        ):
            return "person"
        return "other"


def find_names(
    text: str,
    tokens: tuple[Token, ...],
    lex: Lexicon,
    evidence: Evidence,
    *,
    headline: bool | None = None,
) -> list[Name]:
    """The names in one sentence, in order of appearance (kinds before article context).

    ``headline`` says whether the sentence is a title-case line (computed when None).
    """
    return _Finder(text, tokens, lex, evidence, headline).find()


def refine_kinds(per_sentence: list[list[Name]]) -> list[list[Name]]:
    """Type one-word mentions of people named in full elsewhere in the article.

    "Witkoff" alone is typed "person" when the article also says "Steve Witkoff"; so is
    "Tara" after "Tara Reid".
    """
    surnames: set[str] = set()
    for names in per_sentence:
        for name in names:
            if name.kind == "person":
                words = name.key.split()
                surnames.add(words[-1])
                if len(words) > 1 and len(words[0]) > 1:
                    surnames.add(words[0])  # "Tara" after "Tara Reid"
    out: list[list[Name]] = []
    for names in per_sentence:
        out.append(
            [
                replace(n, kind="person")
                if n.kind == "other" and " " not in n.key and n.key in surnames
                else n
                for n in names
            ]
        )
    return out
