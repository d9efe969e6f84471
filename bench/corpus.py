"""A deterministic benchmark corpus of news-like articles, with planted versions.

The ``find`` benchmark (recall per kind of version, precision, latency on a 100,000-article
store) and the ingest-rate benchmark need many articles that look like news, made of real
sentences, where the versions of each story are known. Nothing like that exists at this
scale with labels, so this module builds one from the real sentences in ``../shared/data``
(ECB+, MSRP, STS-B, UCI headlines, WMT22) and plants versions of known kinds::

    python bench/corpus.py --articles 100000 --out bench/results/corpus-100k.jsonl --seed 7
    python bench/corpus.py --articles 2000 --out bench/results/corpus-2k.jsonl --check

Output: JSON Lines, one article per line, readable by ``storytrace.read_many`` (fields
``id``, ``title``, ``published``, ``outlet``, ``lang``, ``text``; plus ``origin``, the
provenance, which storytrace's reader ignores), in date order; and ``<out>.truth.json``,
a list of ``{"id", "original", "kind"}``, one per planted version. Ids are ``c000123``
and ``c000123-copy``: they name the kind, so a benchmark must not feed ids to the method
it measures. The same arguments give byte-identical files. The output is made of the
shared data's sentences, so, like that data, it is not to be committed.

Base articles (what the versions are versions *of*, and the distractors):

- whole ECB+ documents (headline as title, timestamps and sub-heads dropped, token
  spacing repaired by ``detok``, at most 20 sentences): 497, after dropping 75 that
  reprint an earlier kept one (5-gram Jaccard > 0.15 or containment > 0.3; kept, they
  would be unlabelled copies). ECB+ documents of one ``subtopic`` report one event and
  may share a quote: they are ``same_story``, not versions (``origin`` names the
  subtopic, so precision can tell them apart);
- *pooled* articles, pieces of the lines of an affine plane over a pool of 12,410
  standalone sentences (ECB+, MSRP, STS-B news; no two of them near-duplicates, 5-gram
  containment >= 0.5 counting as one) laid on a 109 x 109 grid (see ``_Design``): each
  slope is one shuffled pass over the pool without replacement, and two points share
  exactly one line, so **any two base articles share at most one sentence** (whole
  ECB+ documents sit in columns, so this holds against them too; only same-event ECB+
  documents share more, as real coverage does). The price of 100,000 articles from
  ~12k sentences: 94 passes, so each pooled sentence recurs in 94 unrelated articles
  (at most once with any given article). The design holds up to ~115,000 articles;
  past that the grid is reshuffled and the run reports how many articles lie beyond;
- rewrite bases: the same design over the first sentences of 2,290 paraphrase pairs
  (MSRP Quality 1, STS-B news scored >= 4.0; pairs worded nearly alike, word 3-gram
  Jaccard > 0.5, left out), 6-12 sentences; 1,000 of them use each pair ~4 times;
- WMT22 documents (source side; English or Russian);
- titles: the source's headline where it has one, otherwise an unused UCI/STS headline
  (on up to half the pooled articles; unrelated to the text) or the first ~10 words of
  the lead (the least-used lead of the piece, so such titles repeat as little as they
  can).

Planted versions (``--planted-share`` of the corpus each, default 1%; one per base,
dated 0-3 days after it, from another outlet):

- ``copy``: the same text; maybe a new title ("UPDATE: ...", "... | Outlet"), a dateline
  ("LONDON (Reuters) - "), a photo credit, a "Read more:" link, a share prompt or a
  reporting credit (storytrace's cleaner removes all of them: on the check, every copy's
  cleaned body equals its original's);
- ``light_edit``: 1-3 sentences get 1-2 word edits each (a synonym, a number or weekday
  changed, "reportedly"/"allegedly"/"also" inserted, an adverb or hedge deleted), and
  maybe one sentence dropped or one added (added ones come from pool sentences the grid
  left out, so they repeat nothing in the bases);
- ``rewrite``: every sentence replaced by its paraphrase, the order kept save maybe one
  adjacent swap, maybe one sentence dropped or added, paragraphs redrawn, a new title;
- ``translation``: a WMT22 document's other side (the professional translation), so
  Russian of English or English of Russian. Only WMT22 documents with 6+ sentences after
  the headline qualify: 102 of the 111, used once each, so translations are capped at
  102 whatever the share asks.

Measured (seed 7, 100,000 articles; ``--overlap-sample`` prints these for any run):

- 96,898 bases (95,299 pooled, 1,000 rewrite bases, 497 ECB+, 102 WMT22) + 1,000 copy,
  1,000 light_edit, 1,000 rewrite, 102 translation; 99,898 en, 102 ru; 6-20 sentences,
  mean 11.6. Reading the data ~3.5 s, planning ~3.5 s, writing 160.7 MB ~3.5 s; ~10 s
  and 170 MB of memory in all (2,000 articles: ~4 s). ``--check`` re-reads 2,000 lines
  through storytrace with no errors.
- random base pairs (2,000 sampled bases, all 2.0M pairs): max word 5-gram Jaccard
  0.17, and 2.5% of pairs share any 5-gram (stock phrases: "the Dow Jones industrial
  average"); the high end is one shared 40-word sentence between two 6-sentence
  articles. Most-overlapping other base anywhere in the corpus (300 sampled bases):
  max 1 shared sentence, max 5-gram Jaccard 0.15.
- planted pairs, 5-gram Jaccard median (min): copy 1.00 (1.00), light_edit 0.86 (0.48),
  rewrite 0.11 (0.02); the seed pair's rewrite is 0.10.

If ``../shared/data`` is absent, the CLI and ``build_corpus`` print a message and raise
``SystemExit(0)``, so benchmarks built on this skip cleanly (``data_available`` tests it
without exiting).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import functools
import json
import random
import re
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import datasets

DATA_DIR = Path(__file__).resolve().parents[1].parent / "shared" / "data"
"""Where the labelled sets live: ``../shared/data`` beside the repository."""

KINDS = ("copy", "light_edit", "rewrite", "translation")
"""The kinds of planted version, as written in the truth file."""

MIN_SENTENCES = 6
MAX_SENTENCES = 20
"""Every article has 6-20 sentences (the builder's own sentences, not storytrace's split)."""

LENGTHS = (MIN_SENTENCES, MAX_SENTENCES, 8)
"""Pooled article lengths: triangular low, high, mode (mean ~11)."""

WINDOW_START = dt.date(2023, 1, 1)
WINDOW_DAYS = 730
"""Originals are dated uniformly over two years; versions 0-3 days after their original."""

OUTLETS_EN = (
    "Daily Ledger",
    "Northern Courier",
    "Metro Wire",
    "Harbor Times",
    "Evening Dispatch",
    "Capital Post",
    "Riverside Herald",
    "Global Sentinel",
)
OUTLETS_RU = ("Вечерний вестник", "Северный курьер", "Столичная газета", "Новости дня")

_NEAR_DUP_DOC = 0.15
"""ECB+ documents over this 5-gram Jaccard with a kept one are reprints, so are dropped."""

_REPRINT_CONTAINMENT = 0.3
"""... or holding this share of the smaller one's 5-grams (a short reprint inside a long one).

Documents of one event below these share a quote or two, as real coverage does."""

_NEAR_DUP_SENTENCE = 0.5
"""A sentence sharing this share of its 5-grams with a pooled one is the same sentence."""

_MAX_POOLED_WORDS = 45
"""Longer sentences are left out of the pool: one shared 60-word sentence alone makes two
short unrelated articles look 20% alike by 5-grams."""

_PARAPHRASE_MAX_OVERLAP = 0.5
"""Paraphrase pairs over this word 3-gram Jaccard differ too little to make a rewrite."""


# --- text helpers -------------------------------------------------------------------

_WORD = re.compile(r"\w+")
_END = re.compile(r"[.!?…][\"'”’»)\]]*$")
_DASH_NEIGHBOURS = frozenset(
    "a an and as at but by for from he her his i if in is it it's its of on or she so that "  # noqa: SIM905
    "the their them then there they this to was we were which who with you nor".split()
)
_STAMP = re.compile(r"(?:posted|published|updated|last updated|first published)\b", re.I)


def detok(text: str) -> str:
    """Repair the spacing of ECB+ text rebuilt from tokens.

    ECB+ split hyphens, clitics, initials, times, thousands and closing quotes into
    tokens and joined them with spaces ("a 90 - day court - mandated stint", "hadn ’ t",
    "U. S.", "5: 03", "$300, 000", "said. \""); left so, every pooled article would carry the
    artefacts, and readers (storytrace's sentence splitter among them) would see
    a different text than news has.
    """
    s = " ".join(text.split())
    s = re.sub(r"(?<=\w) ([’']) ?(?=(?:s|t|d|m|re|ll|ve)\b)", r"\1", s)
    s = re.sub(r"\b([A-Za-z])\. (?=[A-Za-z]\.)", r"\1.", s)
    s = re.sub(r"(?<=\d): (?=\d\d(?!\d))", ":", s)
    s = re.sub(r"(?<=\d) / (?=\d)", "/", s)
    s = re.sub(r"\((\d*)\. (?=\d)", r"(\1.", s)
    s = re.sub(r"- -", "--", s)
    s = re.sub(r"(?<=\d), (?=\d{3}(?!\d))", ",", s)
    s = re.sub(r"\b(\w+) - (and|or|in|to|by|on|of|the|a) - (\w+)", r"\1-\2-\3", s)
    s = re.sub(r"([\w’']+) - (?=([\w’']+))", _hyphen, s)
    s = re.sub(r"“ ", "“", s)
    s = re.sub(r" ”", "”", s)
    s = re.sub(r"‘ ", "‘", s)
    s = re.sub(r" ’(?=$|\s|[.,;:!?])", "’", s)
    s = re.sub(r"(?<=[.,!?;:…]) \"(?=\s|$)", '"', s)
    return _straight_quotes(s)


def _hyphen(match: re.Match[str]) -> str:
    """ "court - mandated" is a compound; "a while - at least" is a dash, kept spaced."""
    left, right = match.group(1), match.group(2)
    if left.lower() in _DASH_NEIGHBOURS or right.lower() in _DASH_NEIGHBOURS:
        return f"{left} - "
    return f"{left}-"


def _straight_quotes(s: str) -> str:
    """Attach each spaced ``"`` to its word: opening after it, closing before it.

    A quote with a space on both sides is told apart by parity (the first of the
    sentence's quotes opens); a quote touching a word on one side is already right.
    """
    if '"' not in s:
        return s
    out: list[str] = []
    seen = 0
    i = 0
    while i < len(s):
        ch = s[i]
        if ch != '"':
            out.append(ch)
            i += 1
            continue
        before = s[i - 1] if i else " "
        after = s[i + 1] if i + 1 < len(s) else " "
        if before == " " and after == " ":
            if seen % 2 == 0:  # opening: drop the space after
                out.append('"')
                i += 2
            else:  # closing: drop the space before
                if out and out[-1] == " ":
                    out.pop()
                out.append('"')
                i += 1
        else:
            out.append('"')
            i += 1
        seen += 1
    return "".join(out)


def words(text: str) -> list[str]:
    """Lower-cased word tokens, the unit of the overlap measures."""
    return _WORD.findall(text.lower())


def ngrams(text: str, n: int = 5) -> set[tuple[str, ...]]:
    """Word n-grams of a text (a text shorter than n gives its one whole-text gram)."""
    toks = words(text)
    if len(toks) < n:
        return {tuple(toks)} if toks else set()
    return {tuple(toks[i : i + n]) for i in range(len(toks) - n + 1)}


def jaccard(a: set[tuple[str, ...]], b: set[tuple[str, ...]]) -> float:
    """Jaccard of two gram sets (0 for two empty sets)."""
    if not a and not b:
        return 0.0
    return len(a & b) / len(a | b)


def _ends(s: str) -> bool:
    return bool(_END.search(s))


def _date_like(s: str) -> bool:
    """A timestamp or dateline ("May 2, 2013 1:35 pm."), not a sentence of reporting."""
    toks = s.split()
    if len(toks) > 12:
        return False
    prose = [
        w
        for w in (t.strip(".,;:!?\"'()") for t in toks)
        if len(w) >= 3 and w.isalpha() and w.islower() and w not in ("edt", "est", "gmt")
    ]
    return bool(_STAMP.match(s)) or (any(c.isdigit() for c in s) and len(prose) < 2)


def _balance_quotes(s: str) -> str:
    """Close a quotation a sentence opens (or open one it closes) so it stands alone.

    ECB+ splits multi-sentence quotes into sentences with one quote mark each; pooled
    apart, each would leave a quote hanging in a random article.
    """
    if s.count('"') == 1:
        if s.startswith('"'):
            return s + '"'
        if s.endswith('"'):
            return '"' + s
    if s.count("“") + s.count("”") == 1:
        if s.startswith("“"):
            return s + "”"
        if s.endswith("”"):
            return "“" + s
    return s


def _standalone(s: str) -> bool:
    """Whether a sentence can sit in any article: complete, one sentence, quotes closed."""
    toks = s.split()
    return (
        5 <= len(toks) <= _MAX_POOLED_WORDS
        and _ends(s)
        and bool(re.match(r"[\"“‘'(A-Z0-9]", s))
        and any(c.islower() for c in s)
        and s.count('"') % 2 == 0
        and s.count("“") == s.count("”")
        and s.count("(") == s.count(")")
        and not _date_like(s)
    )


_WEAK_END = frozenset("a an and as at by for from in of on or that the to with".split())  # noqa: SIM905


def title_from(sentence: str, max_words: int = 10) -> str:
    """A headline from a lead sentence: its first ~10 words, without a dangling end."""
    toks = sentence.split()
    cut = toks[:max_words] if len(toks) > max_words + 2 else toks
    while len(cut) > 3 and cut[-1].lower().strip(",;:") in _WEAK_END:
        cut.pop()
    title = " ".join(cut).rstrip(" ,;:.!?")
    if title.count('"') % 2:
        title = title.replace('"', "")
    if title.count("“") != title.count("”"):
        title = title.replace("“", "").replace("”", "")
    return title.strip() or sentence[:80]


# --- the sources ----------------------------------------------------------------------


@dataclass(frozen=True)
class SourceDoc:
    """A whole document kept as an article: title, body sentences, provenance."""

    origin: str
    title: str
    sentences: tuple[str, ...]


@dataclass(frozen=True)
class WmtDoc:
    """A WMT22 document and its translation, sentence i of one rendering sentence i."""

    doc_id: str
    src_lang: str
    ref_lang: str
    src_title: str
    ref_title: str
    src: tuple[str, ...]
    ref: tuple[str, ...]


@dataclass(frozen=True)
class Sources:
    """Everything the planner draws from, deduplicated."""

    ecb_docs: tuple[SourceDoc, ...]
    pool: tuple[str, ...]
    paraphrases: tuple[tuple[str, str], ...]
    wmt: tuple[WmtDoc, ...]
    headlines: tuple[str, ...]
    dropped_ecb: int


def data_available(data_dir: Path | None = None) -> bool:
    """Whether the shared data folder is there (benchmarks skip without it)."""
    root = data_dir or DATA_DIR
    return (root / "ecbplus" / "ecbplus_docs_train_dev.jsonl").exists()


def require_data(data_dir: Path | None = None) -> Path:
    """The data folder, or a message and ``SystemExit(0)``: a missing folder is a skip."""
    root = data_dir or DATA_DIR
    if not data_available(root):
        print(
            f"corpus: the labelled data is not at {root} (see ../shared/data/README.md); "
            "skipping: nothing to build",
            file=sys.stderr,
        )
        raise SystemExit(0)
    return root


class _Registry:
    """Sentences accepted so far, with a 5-gram index to refuse near-duplicates."""

    def __init__(self) -> None:
        self.keys: set[str] = set()
        self.index: dict[tuple[str, ...], list[int]] = defaultdict(list)
        self.sizes: list[int] = []

    def near(self, sentence: str) -> bool:
        """Whether the sentence is already here, or shares half its 5-grams with one."""
        if " ".join(words(sentence)) in self.keys:
            return True
        grams = ngrams(sentence)
        hits: Counter[int] = Counter()
        for g in grams:
            hits.update(self.index.get(g, ()))
        return any(
            c >= _NEAR_DUP_SENTENCE * min(len(grams), self.sizes[i]) for i, c in hits.items()
        )

    def add(self, sentence: str) -> None:
        self.keys.add(" ".join(words(sentence)))
        grams = ngrams(sentence)
        sid = len(self.sizes)
        self.sizes.append(len(grams))
        for g in grams:
            self.index[g].append(sid)


def _ecb_document(doc: dict[str, object]) -> tuple[str | None, list[str], list[str]]:
    """(headline, body sentences, all candidate sentences) of one ECB+ document."""
    raw = doc["sentences"]
    assert isinstance(raw, list)
    texts = [detok(str(s["text"])) for s in raw]
    headline: str | None = None
    body: list[str] = []
    for s in texts:
        toks = s.split()
        if not body and not _ends(s):
            if headline is None and 3 <= len(toks) <= 25 and not _date_like(s):
                headline = s
            continue
        if _ends(s) and len(toks) >= 3 and any(c.islower() for c in s) and not _date_like(s):
            body.append(s)
    return headline, body, texts


def _uci_titles(root: Path) -> list[str]:
    path = root / "uci_news_aggregator" / "uci-news-aggregator_first6366rows.csv"
    if not path.exists():
        return []
    with path.open(encoding="utf-8", newline="") as handle:
        return [row["TITLE"].strip() for row in csv.DictReader(handle) if row.get("TITLE")]


@functools.lru_cache(maxsize=2)
def load_sources(data_dir: Path | None = None) -> Sources:
    """Read and deduplicate every source (through ``bench/datasets.py``'s loaders).

    Cached: a benchmark that builds corpora of several sizes reads the data once.
    """
    root = require_data(data_dir)
    registry = _Registry()

    # Paraphrase pairs first: their sentences are reserved for rewrites, so no pooled
    # article can hold a sentence (or its paraphrase) that a rewrite also holds.
    candidates: list[tuple[str, str]] = [
        (p.a.strip(), p.b.strip()) for p in datasets.msrp_train(root) if p.label == 1
    ]
    for split in ("train", "dev"):
        for _genre, score, a, b in datasets.sts(split, root):
            if score >= 4.0 and _genre == "main-news" and _ends(a.strip()):
                candidates.append((a.strip(), b.strip()))
    paraphrases: list[tuple[str, str]] = []
    leftovers: list[str] = []
    for a, b in candidates:
        if not (_standalone(a) and _standalone(b)):
            continue
        if jaccard(ngrams(a, 3), ngrams(b, 3)) > _PARAPHRASE_MAX_OVERLAP:
            leftovers.append(a)  # too close to be a rewrite; one side may still be pooled
            continue
        if registry.near(a) or registry.near(b):
            continue
        registry.add(a)
        registry.add(b)
        paraphrases.append((a, b))

    # ECB+ documents: whole ones become articles; every good sentence joins the pool.
    ecb_docs: list[SourceDoc] = []
    kept_grams: list[set[tuple[str, ...]]] = []
    doc_index: dict[tuple[str, ...], list[int]] = defaultdict(list)
    pool_candidates: list[str] = []
    dropped = 0
    for doc in datasets.ecb_docs(root):
        headline, body, texts = _ecb_document(doc)
        pool_candidates.extend(texts)
        if len(body) < MIN_SENTENCES:
            continue
        body = body[:MAX_SENTENCES]
        grams = ngrams(" ".join(body))
        shared: Counter[int] = Counter()
        for g in grams:
            shared.update(doc_index.get(g, ()))
        if any(
            c / len(grams | kept_grams[i]) > _NEAR_DUP_DOC
            or c / min(len(grams), len(kept_grams[i])) > _REPRINT_CONTAINMENT
            for i, c in shared.items()
        ):
            dropped += 1
            continue
        for g in grams:
            doc_index[g].append(len(kept_grams))
        kept_grams.append(grams)
        title = headline or title_from(body[0])
        ecb_docs.append(SourceDoc(f"ecb+:{doc['subtopic']}/{doc['doc_id']}", title, tuple(body)))

    pairs_other = [
        s for p in datasets.msrp_train(root) if p.label == 0 for s in (p.a.strip(), p.b.strip())
    ]
    sts_other = [
        s
        for split in ("train", "dev")
        for genre, score, a, b in datasets.sts(split, root)
        if genre == "main-news" and score < 4.0
        for s in (a.strip(), b.strip())
    ]
    pool: list[str] = []
    for s in [*pool_candidates, *pairs_other, *leftovers, *sts_other]:
        s = _balance_quotes(s)
        if _standalone(s) and not registry.near(s):
            registry.add(s)
            pool.append(s)

    wmt: list[WmtDoc] = []
    for d in datasets.wmt_docs(None, root):
        src = [str(x).strip() for x in d["src_sentences"]]  # type: ignore[attr-defined]
        ref = [str(x).strip() for x in d["ref_sentences"]]  # type: ignore[attr-defined]
        if len(src) != len(ref) or not src:
            continue
        if _ends(src[0]):
            src_title, ref_title, start = title_from(src[0]), title_from(ref[0]), 0
        else:
            src_title, ref_title, start = src[0], ref[0].rstrip(" ."), 1
        src_body, ref_body = src[start : start + MAX_SENTENCES], ref[start : start + MAX_SENTENCES]
        if len(src_body) < MIN_SENTENCES:
            continue
        wmt.append(
            WmtDoc(
                str(d["doc_id"]),
                str(d["src_lang"]),
                str(d["ref_lang"]),
                src_title,
                ref_title,
                tuple(src_body),
                tuple(ref_body),
            )
        )

    headline_keys: set[str] = set()
    headlines: list[str] = []
    sts_headlines = [
        s
        for split in ("train", "dev")
        for _genre, _score, a, b in datasets.sts(split, root)
        if not _ends(a.strip())
        for s in (a.strip(), b.strip())
    ]
    for title in [*_uci_titles(root), *sts_headlines]:
        key = " ".join(words(title))
        if 4 <= len(title.split()) <= 16 and key not in headline_keys and title[:1].isupper():
            headline_keys.add(key)
            headlines.append(title)

    return Sources(
        tuple(ecb_docs), tuple(pool), tuple(paraphrases), tuple(wmt), tuple(headlines), dropped
    )


# --- planning -------------------------------------------------------------------------


def _largest_prime_square(n: int) -> int:
    """The largest prime p with p * p <= n (the side of the affine design's grid)."""
    p = int(n**0.5)
    while p > 2 and any(p % d == 0 for d in range(2, int(p**0.5) + 1)):
        p -= 1
    return max(p, 2)


class _Design:
    """Articles as pieces of the lines of an affine plane, so two share at most one sentence.

    The sentences are the points of a p x p grid (p prime). A line of slope ``a`` and
    intercept ``c`` is the p points (x, (a*x + c) mod p); two points lie on exactly one
    line, so when every article is a piece of a distinct line, two articles share at
    most one sentence, and never a run of two. The lines of one slope partition the grid,
    so dealing slope after slope is dealing the pool in shuffled passes without
    replacement. Each line is shuffled and cut into pieces of the wanted lengths.

    Whole documents go into columns (x = const, the one slope never dealt): every dealt
    line meets a column once, so a dealt article shares at most one sentence with a
    whole document too. A pool of p*p sentences gives p passes (p slopes) of p*p/mean
    articles each; past that the grid is reshuffled and the guarantee lapses (counted in
    ``beyond_capacity``).
    """

    def __init__(
        self,
        ids: Sequence[int],
        rng: random.Random,
        lengths: tuple[int, int, int],
        columns: Sequence[Sequence[int]] = (),
    ) -> None:
        self.p = _largest_prime_square(len(ids))
        self.rng = rng
        self.lengths = lengths
        p = self.p
        placed = {i for col in columns for i in col}
        rest = [i for i in ids if i not in placed]
        rng.shuffle(rest)
        grid: list[int] = []
        for col in columns:
            if len(col) > p:
                raise ValueError(f"a document of {len(col)} sentences exceeds the grid side {p}")
        # first-fit: documents packed into columns, the columns' free cells filled after
        cols: list[list[int]] = []
        for col in sorted(columns, key=len, reverse=True):
            for target in cols:
                if len(target) + len(col) <= p:
                    target.extend(col)
                    break
            else:
                cols.append(list(col))
        if len(cols) > p:
            raise ValueError("too many document sentences for the grid")
        for x in range(p):
            column = cols[x] if x < len(cols) else []
            need = p - len(column)
            column = column + rest[:need]
            rest = rest[need:]
            rng.shuffle(column)
            grid.extend(column)
        self.grid = grid
        self.leftover = rest
        self.passes = 0
        self.beyond_capacity = 0
        self.reshuffled = False
        self._pieces: list[list[int]] = []
        self._lines = self._line_order()

    def _line_order(self) -> Iterator[tuple[int, int]]:
        while True:
            slopes = list(range(self.p))
            self.rng.shuffle(slopes)
            for a in slopes:
                self.passes += 1
                intercepts = list(range(self.p))
                self.rng.shuffle(intercepts)
                for c in intercepts:
                    yield a, c
            # every slope dealt: reshuffle the grid (pairs may now repeat)
            self.rng.shuffle(self.grid)
            self.reshuffled = True

    def draw(self) -> list[int]:
        """The next article: a piece of the next line."""
        if not self._pieces:
            a, c = next(self._lines)
            p, grid = self.p, self.grid
            line = [grid[x * p + (a * x + c) % p] for x in range(p)]
            self.rng.shuffle(line)
            self._pieces = self._cut(line)
        self.beyond_capacity += self.reshuffled
        return self._pieces.pop()

    def _cut(self, line: list[int]) -> list[list[int]]:
        """Pieces of ``lengths`` (low, high, mode), every piece within low..high."""
        low, high, mode = self.lengths
        pieces: list[list[int]] = []
        left = len(line)
        while left >= low:
            size = left if left <= high else _length(self.rng, low, high, mode)
            if 0 < left - size < low:
                size = left - low
            pieces.append(line[left - size : left])
            left -= size
        pieces.reverse()
        return pieces


def _paragraphs(n: int, rng: random.Random) -> tuple[int, ...]:
    """Paragraph sizes (1-3 sentences, lead often alone) summing to n."""
    sizes: list[int] = []
    left = n
    while left:
        r = rng.random()
        size = 1 if (not sizes and r < 0.5) or r < 0.35 else 2 if r < 0.8 else 3
        size = min(size, left)
        sizes.append(size)
        left -= size
    return tuple(sizes)


def _length(rng: random.Random, low: int, high: int, mode: int) -> int:
    return max(low, min(high, round(rng.triangular(low, high, mode))))


@dataclass(slots=True)
class Spec:
    """One article as planned: what ``render`` turns into a JSON record."""

    key: int
    kind: str  # "base" or one of KINDS
    origin: str
    lang: str
    title: str
    day: int
    outlet: str
    sentences: list[str]
    paragraphs: tuple[int, ...]
    head: tuple[str, ...] = ()
    tail: tuple[str, ...] = ()
    dateline: str = ""
    original: int | None = None
    id: str = ""


@dataclass
class CorpusPlan:
    """The planned corpus: specs in output order, truth, and how it was made."""

    specs: list[Spec]
    truth: list[dict[str, str]]
    counts: dict[str, int]
    pool_size: int
    paraphrase_pairs: int
    pool_passes: int
    paraphrase_passes: int
    grid: int
    beyond_capacity: int
    seconds: float
    sources: Sources = field(repr=False)

    def articles(self) -> Iterator[dict[str, str]]:
        """The articles as JSON-ready dicts, rendered one at a time (streamable)."""
        for spec in self.specs:
            yield render(spec)

    def by_key(self) -> dict[int, Spec]:
        return {s.key: s for s in self.specs}


def render(spec: Spec) -> dict[str, str]:
    """The JSON record of one planned article."""
    paras: list[str] = []
    i = 0
    for size in spec.paragraphs:
        paras.append(" ".join(spec.sentences[i : i + size]))
        i += size
    if spec.dateline and paras:
        paras[0] = spec.dateline + paras[0]
    return {
        "id": spec.id,
        "title": spec.title,
        "published": (WINDOW_START + dt.timedelta(days=spec.day)).isoformat(),
        "outlet": spec.outlet,
        "lang": spec.lang,
        "text": "\n\n".join([*spec.head, *paras, *spec.tail]),
        "origin": spec.origin,
    }


def plan_corpus(
    n_articles: int,
    *,
    seed: int,
    planted_share: float = 0.01,
    data_dir: Path | None = None,
    sources: Sources | None = None,
) -> CorpusPlan:
    """Plan the whole corpus (cheap: references to sentences); ``render`` makes the text.

    Raises:
        ValueError: a share outside 0-0.2, or too few articles for the planted versions.
    """
    started = time.perf_counter()
    if not 0 <= planted_share <= 0.2:
        raise ValueError(f"planted_share must be within 0-0.2, got {planted_share}")
    src = sources or load_sources(data_dir)
    rng = random.Random(seed)
    per_kind = round(n_articles * planted_share)
    wanted = dict.fromkeys(KINDS, per_kind)
    wanted["translation"] = min(per_kind, len(src.wmt))
    n_bases = n_articles - sum(wanted.values())
    if n_bases < sum(wanted.values()) + 10:
        raise ValueError(f"{n_articles} articles are too few for {sum(wanted.values())} versions")

    table: list[str] = []
    ids: dict[str, int] = {}

    def sid(sentence: str) -> int:
        found = ids.get(sentence)
        if found is None:
            found = ids[sentence] = len(table)
            table.append(sentence)
        return found

    bases: list[Spec] = []

    def base(origin: str, lang: str, title: str, sentences: list[str]) -> Spec:
        outlets = OUTLETS_RU if lang == "ru" else OUTLETS_EN
        spec = Spec(
            key=len(bases),
            kind="base",
            origin=origin,
            lang=lang,
            title=title,
            day=rng.randrange(WINDOW_DAYS),
            outlet=rng.choice(outlets),
            sentences=sentences,
            paragraphs=_paragraphs(len(sentences), rng),
        )
        bases.append(spec)
        return spec

    # 1. WMT22 documents: the ones chosen to be translated first, then (room allowing)
    # the others, as plain English or Russian articles.
    wmt = list(src.wmt)
    rng.shuffle(wmt)
    wmt = wmt[: min(len(wmt), max(wanted["translation"], n_bases // 20))]
    translation_bases: list[tuple[Spec, WmtDoc]] = []
    for i, doc in enumerate(wmt):
        spec = base(f"wmt22:{doc.doc_id}:src", doc.src_lang, doc.src_title, list(doc.src))
        if i < wanted["translation"]:
            translation_bases.append((spec, doc))

    # 2. Rewrite bases: pieces of a design over the paraphrase pairs' first sentences.
    s2_of = {sid(a): b for a, b in src.paraphrases}
    para_design = _Design(list(s2_of), rng, (MIN_SENTENCES, 12, 8))
    rewrite_bases: list[Spec] = []
    for _ in range(wanted["rewrite"]):
        sentences = [table[i] for i in para_design.draw()]
        rewrite_bases.append(base("paraphrase-pool", "en", title_from(sentences[0]), sentences))

    # 3. Whole ECB+ documents; their pooled sentences become columns of the pool design.
    docs = list(src.ecb_docs)
    rng.shuffle(docs)
    room = n_bases - len(bases)
    docs = docs[: max(0, min(len(docs), room - room // 4))]
    pool_ids = [sid(s) for s in src.pool]
    in_pool = set(pool_ids)
    doc_ids = [[i for i in (sid(s) for s in doc.sentences) if i in in_pool] for doc in docs]
    seen_in_docs = Counter(i for col in doc_ids for i in col)
    shared = {i for i, c in seen_in_docs.items() if c > 1}  # a quote two reports carry
    columns = [[i for i in col if i not in shared] for col in doc_ids]
    design = _Design([i for i in pool_ids if i not in shared], rng, LENGTHS, columns)
    editable = [base(doc.origin, "en", doc.title, list(doc.sentences)) for doc in docs]

    # 4. Pooled articles for the rest.
    n_pooled = n_bases - len(bases)
    deck = list(src.headlines)
    rng.shuffle(deck)
    headline_share = min(0.5, len(deck) / max(1, n_pooled))
    leads = [0] * len(table)
    for _ in range(n_pooled):
        chosen = design.draw()
        # the least-used lead goes first, so titles made from leads repeat least
        lead = min(range(len(chosen)), key=lambda k: leads[chosen[k]])
        chosen[0], chosen[lead] = chosen[lead], chosen[0]
        leads[chosen[0]] += 1
        sentences = [table[i] for i in chosen]
        title = deck.pop() if deck and rng.random() < headline_share else title_from(sentences[0])
        editable.append(base("pool", "en", title, sentences))

    # 5. Planted versions, each of a distinct base. Inserted sentences come from the
    # pool sentences the grid left out, so they repeat nothing in the bases.
    spare = [table[i] for i in design.leftover] or [table[i] for i in pool_ids]
    rng.shuffle(spare)
    spare_at = [0]

    def fresh() -> str:
        spare_at[0] += 1
        return spare[spare_at[0] % len(spare)]

    versions: list[Spec] = []
    picks = rng.sample(editable, wanted["copy"] + wanted["light_edit"])
    for spec in picks[: wanted["copy"]]:
        versions.append(_copy(spec, rng, len(bases) + len(versions), editable))
    for spec in picks[wanted["copy"] :]:
        versions.append(_light_edit(spec, rng, len(bases) + len(versions), fresh))
    for spec in rewrite_bases:
        rewritten = [s2_of[ids[s]] for s in spec.sentences]
        versions.append(_rewrite(spec, rewritten, rng, len(bases) + len(versions), fresh))
    for spec, doc in translation_bases:
        version = _version(spec, "translation", rng, len(bases) + len(versions), lang=doc.ref_lang)
        version.title = doc.ref_title
        version.sentences = list(doc.ref)
        versions.append(version)

    specs = bases + versions
    specs.sort(key=lambda s: (s.day, s.kind != "base", s.key))
    width = max(6, len(str(len(bases))))
    serial = 0
    for spec in specs:
        if spec.kind == "base":
            spec.id = f"c{serial:0{width}d}"
            serial += 1
    keyed = {s.key: s for s in bases}
    truth: list[dict[str, str]] = []
    for spec in specs:
        if spec.original is not None:
            spec.id = f"{keyed[spec.original].id}-{spec.kind}"
            truth.append({"id": spec.id, "original": keyed[spec.original].id, "kind": spec.kind})

    counts = Counter(s.kind for s in specs)
    counts.update(f"base:{s.origin.split(':')[0]}" for s in bases)
    counts.update(f"lang:{s.lang}" for s in specs)
    return CorpusPlan(
        specs=specs,
        truth=truth,
        counts=dict(sorted(counts.items())),
        pool_size=len(src.pool),
        paraphrase_pairs=len(src.paraphrases),
        pool_passes=design.passes,
        paraphrase_passes=para_design.passes,
        grid=design.p,
        beyond_capacity=design.beyond_capacity + para_design.beyond_capacity,
        seconds=time.perf_counter() - started,
        sources=src,
    )


def build_corpus(
    n_articles: int,
    *,
    seed: int,
    planted_share: float = 0.01,
    data_dir: Path | None = None,
) -> tuple[Iterator[dict[str, str]], list[dict[str, str]]]:
    """(articles, truth): the articles as a lazy iterator of JSON-ready dicts, in date
    order, and one ``{"id", "original", "kind"}`` per planted version.

    Deterministic for given arguments. Prints a message and raises ``SystemExit(0)``
    when the data folder is absent (check ``data_available`` first to avoid that).
    """
    plan = plan_corpus(n_articles, seed=seed, planted_share=planted_share, data_dir=data_dir)
    return plan.articles(), plan.truth


# --- the versions ---------------------------------------------------------------------

_AGENCIES = ("Reuters", "AP", "AFP", "Getty Images", "EPA", "Bloomberg")
_CITIES = ("LONDON", "NEW YORK", "WASHINGTON", "PARIS", "BERLIN", "CHICAGO", "SYDNEY")
_PEOPLE = ("Jane Doe", "Mark Hill", "Ana Ruiz", "Tom Baker", "Priya Shah", "Leo Marsh")


def _version(
    spec: Spec, kind: str, rng: random.Random, key: int, *, lang: str | None = None
) -> Spec:
    """A version of ``spec``: same text to start with, another outlet, 0-3 days later."""
    lang = lang or spec.lang
    outlets = [o for o in (OUTLETS_RU if lang == "ru" else OUTLETS_EN) if o != spec.outlet]
    return Spec(
        key=key,
        kind=kind,
        origin=spec.origin.replace(":src", ":ref") if kind == "translation" else spec.origin,
        lang=lang,
        title=spec.title,
        day=spec.day + rng.randint(0, 3),
        outlet=rng.choice(outlets),
        sentences=list(spec.sentences),
        paragraphs=spec.paragraphs,
        original=spec.key,
    )


def _copy(spec: Spec, rng: random.Random, key: int, others: Sequence[Spec]) -> Spec:
    """A reprint: same text, maybe a new title and the boilerplate a reprint picks up."""
    v = _version(spec, "copy", rng, key)
    roll = rng.random()
    if roll < 0.2:
        v.title = f"UPDATE: {spec.title}"
    elif roll < 0.4:
        v.title = f"{spec.title} | {v.outlet}"
    head: list[str] = []
    tail: list[str] = []
    for _ in range(rng.choice((0, 1, 1, 2))):
        choice = rng.randrange(5)
        agency = rng.choice(_AGENCIES)
        if choice == 0:
            head.append(f"Photo: {agency}")
        elif choice == 1:
            tail.append(f"Read more: {rng.choice(others).title}")
        elif choice == 2:
            tail.append("Share this article")
        elif choice == 3:
            a, b = rng.sample(_PEOPLE, 2)
            tail.append(f"(Reporting by {a}; Editing by {b})")
        else:
            v.dateline = f"{rng.choice(_CITIES)} ({rng.choice(('Reuters', 'AP', 'AFP'))}) - "
    v.head, v.tail = tuple(head), tuple(tail)
    return v


_SWAPS = {
    "said": "stated",
    "says": "states",
    "about": "around",
    "around": "about",
    "big": "large",
    "large": "big",
    "start": "begin",
    "started": "began",
    "began": "started",
    "buy": "purchase",
    "bought": "purchased",
    "help": "assist",
    "helped": "assisted",
    "showed": "revealed",
    "many": "numerous",
    "nearly": "almost",
    "almost": "nearly",
    "percent": "per cent",
    "officials": "authorities",
    "police": "officers",
    "car": "vehicle",
    "announced": "declared",
    "chief": "head",
    "killed": "slain",
    "attack": "assault",
    "quickly": "rapidly",
    "because": "as",
    "would": "will",
    "told": "informed",
    "think": "believe",
    "important": "significant",
}
_SWAP_RE = re.compile(r"\b(" + "|".join(sorted(_SWAPS, key=len, reverse=True)) + r")\b", re.I)
_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_DAY_RE = re.compile(r"\b(" + "|".join(_DAYS) + r")\b")
_NUMBER_RE = re.compile(r"(?<![\d.,:/$-])\d{1,4}(?![\d]|[.,:/]\d)")
_AUX_RE = re.compile(r"\b(was|were|is|are|has|had|have|will)\b")
_DELETABLE_RE = re.compile(
    r" (?:also|very|just|still|now|reportedly|allegedly|really|only|even|[a-z]{3,}ly)(?= )"
)


def _edit_sentence(sentence: str, rng: random.Random) -> str:
    """A few words changed, inserted or deleted (at least one edit is made)."""
    ops = [_op_swap, _op_number, _op_day, _op_insert, _op_delete]
    rng.shuffle(ops)
    edits = rng.choice((1, 1, 2))
    out = sentence
    for op in ops:
        changed = op(out, rng)
        if changed is not None and changed != out:
            out = changed
            edits -= 1
            if not edits:
                break
    if out == sentence:
        out = _op_drop_word(sentence, rng)
    return out


def _op_swap(s: str, rng: random.Random) -> str | None:
    found = list(_SWAP_RE.finditer(s))
    if not found:
        return None
    m = rng.choice(found)
    word = _SWAPS[m.group(1).lower()]
    if m.group(1)[0].isupper():
        word = word[0].upper() + word[1:]
    return s[: m.start()] + word + s[m.end() :]


def _op_number(s: str, rng: random.Random) -> str | None:
    found = list(_NUMBER_RE.finditer(s))
    if not found:
        return None
    m = rng.choice(found)
    n = int(m.group())
    delta = 1 if 1900 <= n <= 2030 else max(1, n // 10) * rng.randint(1, 3)
    new = n + delta if n < 2 or rng.random() < 0.5 else n - delta
    return s[: m.start()] + str(max(new, 0) if new != n else n + 1) + s[m.end() :]


def _op_day(s: str, rng: random.Random) -> str | None:
    found = list(_DAY_RE.finditer(s))
    if not found:
        return None
    m = rng.choice(found)
    day = rng.choice([d for d in _DAYS if d != m.group()])
    return s[: m.start()] + day + s[m.end() :]


def _op_insert(s: str, rng: random.Random) -> str | None:
    found = list(_AUX_RE.finditer(s))
    if not found:
        return None
    m = rng.choice(found)
    word = rng.choice(("reportedly", "allegedly", "also", "still", "now"))
    return s[: m.end()] + " " + word + s[m.end() :]


def _op_delete(s: str, rng: random.Random) -> str | None:
    found = list(_DELETABLE_RE.finditer(s))
    if not found:
        return None
    m = rng.choice(found)
    return s[: m.start()] + s[m.end() :]


def _op_drop_word(s: str, rng: random.Random) -> str:
    """The fallback edit: drop one lower-case word inside the sentence."""
    toks = s.split(" ")
    inner = [i for i in range(1, len(toks) - 1) if toks[i].isalpha() and toks[i].islower()]
    if not inner:
        return s.rstrip(".!?") + ", officials said."
    del toks[rng.choice(inner)]
    return " ".join(toks)


def _drop(sentences: list[str], paragraphs: tuple[int, ...], at: int) -> tuple[int, ...]:
    """Remove sentence ``at``; the paragraph holding it shrinks (or goes)."""
    del sentences[at]
    sizes = list(paragraphs)
    pos = 0
    for p, size in enumerate(sizes):
        if at < pos + size:
            sizes[p] -= 1
            break
        pos += size
    return tuple(s for s in sizes if s)


def _insert(
    sentences: list[str], paragraphs: tuple[int, ...], at: int, sentence: str
) -> tuple[int, ...]:
    """Insert a sentence at ``at``; it joins the paragraph that holds that position."""
    sentences.insert(at, sentence)
    sizes = list(paragraphs)
    pos = 0
    for p, size in enumerate(sizes):
        if at <= pos + size:
            sizes[p] += 1
            return tuple(sizes)
        pos += size
    sizes.append(1)
    return tuple(sizes)


def _light_edit(spec: Spec, rng: random.Random, key: int, fresh: Callable[[], str]) -> Spec:
    """A few words edited in 1-3 sentences; maybe one sentence dropped or added."""
    v = _version(spec, "light_edit", rng, key)
    n = len(v.sentences)
    for i in rng.sample(range(n), min(n, rng.choice((1, 2, 2, 3)))):
        v.sentences[i] = _edit_sentence(v.sentences[i], rng)
    roll = rng.random()
    if roll < 0.3 and n > MIN_SENTENCES:
        v.paragraphs = _drop(v.sentences, v.paragraphs, rng.randrange(1, n))
    elif roll < 0.6 and n < MAX_SENTENCES:
        v.paragraphs = _insert(v.sentences, v.paragraphs, rng.randrange(1, n + 1), fresh())
    if rng.random() < 0.2:
        for op in (_op_swap, _op_number, _op_day):
            edited = op(v.title, rng)
            if edited is not None:
                v.title = edited
                break
    return v


def _rewrite(
    spec: Spec, rewritten: list[str], rng: random.Random, key: int, fresh: Callable[[], str]
) -> Spec:
    """Every sentence paraphrased; order kept save one adjacent swap; maybe +-1 sentence."""
    v = _version(spec, "rewrite", rng, key)
    sentences = list(rewritten)
    if rng.random() < 0.3:
        i = rng.randrange(1, len(sentences) - 1)
        sentences[i], sentences[i + 1] = sentences[i + 1], sentences[i]
    roll = rng.random()
    if roll < 0.25 and len(sentences) > MIN_SENTENCES:
        del sentences[rng.randrange(1, len(sentences))]
    elif roll < 0.5 and len(sentences) < MAX_SENTENCES:
        sentences.insert(rng.randrange(1, len(sentences) + 1), fresh())
    v.sentences = sentences
    v.paragraphs = _paragraphs(len(sentences), rng)
    v.title = title_from(sentences[0])
    return v


# --- measuring and checking -----------------------------------------------------------


def _text(spec: Spec) -> str:
    return " ".join(spec.sentences)


def measure_overlap(
    plan: CorpusPlan, *, sample: int = 2000, neighbours: int = 300, seed: int = 0
) -> dict[str, float]:
    """How much unrelated base articles overlap, and how much planted pairs do.

    Random pairs: every pair among ``sample`` random bases, by word 5-gram Jaccard (an
    inverted index finds the pairs sharing any 5-gram). Nearest other base: for
    ``neighbours`` random bases, the corpus-wide base that shares most sentences with it
    (pooled sentences are never near-duplicates, so that is where 5-gram overlap can come
    from), by shared sentences and by 5-gram Jaccard.
    """
    rng = random.Random(seed)
    bases = [s for s in plan.specs if s.kind == "base"]
    chosen = rng.sample(bases, min(sample, len(bases)))
    grams = [ngrams(_text(s)) for s in chosen]
    index: dict[tuple[str, ...], list[int]] = defaultdict(list)
    for i, g in enumerate(grams):
        for x in g:
            index[x].append(i)
    shared: Counter[tuple[int, int]] = Counter()
    for members in index.values():
        if 1 < len(members) < 200:
            for a_i, a in enumerate(members):
                for b in members[a_i + 1 :]:
                    shared[a, b] += 1
    pair_j = [(c / len(grams[a] | grams[b]), a, b) for (a, b), c in shared.items()]
    n_pairs = len(chosen) * (len(chosen) - 1) // 2
    result: dict[str, float] = {
        "random_pairs": n_pairs,
        "random_max_jaccard5": max((j for j, _, _ in pair_j), default=0.0),
        "random_max_jaccard5_not_same_event": max(
            (j for j, a, b in pair_j if not _same_event(chosen[a], chosen[b])), default=0.0
        ),
        "random_share_any_5gram": len(pair_j) / max(1, n_pairs),
    }

    by_sentence: dict[str, list[int]] = defaultdict(list)
    for i, spec in enumerate(bases):
        for s in spec.sentences:
            by_sentence[s].append(i)
    probe = rng.sample(range(len(bases)), min(neighbours, len(bases)))
    best_shared: list[int] = []
    best_j: list[float] = []
    worst_other = 0
    worst_other_j = 0.0
    for i in probe:
        counts: Counter[int] = Counter()
        for s in bases[i].sentences:
            counts.update(j for j in by_sentence[s] if j != i)
        if not counts:
            best_shared.append(0)
            best_j.append(0.0)
            continue
        top = counts.most_common(5)
        best_shared.append(top[0][1])
        mine = ngrams(_text(bases[i]))
        js = [(jaccard(mine, ngrams(_text(bases[j]))), j, c) for j, c in top]
        best_j.append(max(j for j, _, _ in js))
        for jac, j, c in js:
            if not _same_event(bases[i], bases[j]):
                worst_other = max(worst_other, c)
                worst_other_j = max(worst_other_j, jac)
    best_shared.sort()
    result.update(
        {
            "neighbour_probes": len(probe),
            "neighbour_median_shared_sentences": best_shared[len(best_shared) // 2],
            "neighbour_max_shared_sentences": best_shared[-1] if best_shared else 0,
            "neighbour_max_jaccard5": max(best_j, default=0.0),
            "neighbour_max_shared_sentences_not_same_event": worst_other,
            "neighbour_max_jaccard5_not_same_event": worst_other_j,
        }
    )

    keyed = plan.by_key()
    per_kind: dict[str, list[float]] = defaultdict(list)
    for spec in plan.specs:
        if spec.original is not None and spec.kind != "translation":
            original = ngrams(_text(keyed[spec.original]))
            per_kind[spec.kind].append(jaccard(original, ngrams(_text(spec))))
    for kind, values in per_kind.items():
        values.sort()
        result[f"{kind}_median_jaccard5"] = values[len(values) // 2]
        result[f"{kind}_min_jaccard5"] = values[0]
    return result


def _same_event(a: Spec, b: Spec) -> bool:
    """Two ECB+ documents of one subtopic report one event: shared lines are real there."""
    if not (a.origin.startswith("ecb+:") and b.origin.startswith("ecb+:")):
        return False
    return a.origin.split("/")[0] == b.origin.split("/")[0]


def write_corpus(plan: CorpusPlan, out: Path) -> tuple[int, float]:
    """Write the JSONL (streamed) and ``<out>.truth.json``; (bytes written, seconds)."""
    started = time.perf_counter()
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8", newline="\n") as handle:
        for record in plan.articles():
            handle.write(json.dumps(record, ensure_ascii=False))
            handle.write("\n")
    truth_path = out.with_name(out.name + ".truth.json")
    rows = ",\n".join(json.dumps(entry, ensure_ascii=False) for entry in plan.truth)
    truth_path.write_text(f"[\n{rows}\n]\n", "utf-8")
    return out.stat().st_size, time.perf_counter() - started


def check_corpus(out: Path, *, sample: int = 2000, seed: int = 0) -> dict[str, object]:
    """Re-read the written corpus: every line structurally, a sample through storytrace.

    Structure (all lines): JSON objects with the fields, unique ids, every truth entry's
    version and original present, versions dated 0-3 days after their original. Then
    ``sample`` lines go through ``storytrace.read_many`` (the whole reader, cleaner and
    segmenter) and every error is counted: both sides of random planted pairs (a fifth of
    the sample, so the copies' cleaned bodies can be compared) and random other lines.
    """
    import storytrace

    truth = json.loads(out.with_name(out.name + ".truth.json").read_text("utf-8"))
    dates: dict[str, dt.date] = {}
    line_of: dict[str, int] = {}
    problems: list[str] = []
    n_lines = 0
    with out.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            n_lines += 1
            record = json.loads(line)
            fields = ("id", "title", "published", "outlet", "lang", "text")
            missing = [k for k in fields if not record.get(k)]
            if missing:
                problems.append(f"line {number}: missing {missing}")
            if record["id"] in dates:
                problems.append(f"line {number}: duplicate id {record['id']}")
            dates[record["id"]] = dt.date.fromisoformat(record["published"])
            line_of[record["id"]] = number - 1
    for entry in truth:
        if entry["id"] not in dates or entry["original"] not in dates:
            problems.append(f"truth entry without its articles: {entry}")
            continue
        gap = (dates[entry["id"]] - dates[entry["original"]]).days
        if not 0 <= gap <= 3:
            problems.append(f"{entry['id']} is dated {gap} days after its original")

    rng = random.Random(seed)
    picked: set[int] = set()
    for entry in rng.sample(truth, min(len(truth), sample // 10)):
        if entry["id"] in line_of and entry["original"] in line_of:
            picked.update((line_of[entry["id"]], line_of[entry["original"]]))
    rest = [i for i in range(n_lines) if i not in picked]
    picked.update(rng.sample(rest, min(len(rest), max(0, sample - len(picked)))))
    kinds = {e["id"]: e["kind"] for e in truth}
    errors: list[str] = []
    seen: Counter[str] = Counter()
    sentences: list[int] = []
    bodies: dict[str, str] = {}
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        part = Path(tmp) / "sample.jsonl"
        with out.open(encoding="utf-8") as src, part.open("w", encoding="utf-8") as dst:
            for number, line in enumerate(src):
                if number in picked:
                    dst.write(line)
        for article in storytrace.read_many([part], on_error=lambda e: errors.append(str(e))):
            seen["articles"] += 1
            seen[f"lang:{article.lang}"] += 1
            seen[kinds.get(article.id, "base")] += 1
            sentences.append(len(article.sentences))
            bodies[article.id] = " ".join(article.body.split())
    sentences.sort()
    copies = [e for e in truth if e["kind"] == "copy" and e["id"] in bodies]
    copies = [e for e in copies if e["original"] in bodies]
    same = sum(bodies[e["id"]] == bodies[e["original"]] for e in copies)
    return {
        "lines": n_lines,
        "structural_problems": problems[:20],
        "n_structural_problems": len(problems),
        "truth": dict(Counter(e["kind"] for e in truth)),
        "storytrace_read": dict(sorted(seen.items())),
        "storytrace_errors": errors[:20],
        "n_storytrace_errors": len(errors),
        "storytrace_sentences_min_median_max": (
            (sentences[0], sentences[len(sentences) // 2], sentences[-1]) if sentences else ()
        ),
        "copies_with_the_original_body_after_clean": f"{same}/{len(copies)}",
        "storytrace_seconds": round(time.perf_counter() - started, 1),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=2000, help="corpus size (default 2000)")
    parser.add_argument("--out", type=Path, default=Path("bench/results/corpus-2k.jsonl"))
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--planted-share", type=float, default=0.01, help="per kind (0.01)")
    parser.add_argument("--data-dir", type=Path, default=None)
    parser.add_argument(
        "--overlap-sample", type=int, default=2000, help="bases for the overlap measure (0: skip)"
    )
    parser.add_argument(
        "--check", action="store_true", help="re-read the output, a sample through storytrace"
    )
    parser.add_argument("--check-sample", type=int, default=2000)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    plan = plan_corpus(
        args.articles, seed=args.seed, planted_share=args.planted_share, data_dir=args.data_dir
    )
    src = plan.sources
    print(
        f"sources: {len(src.ecb_docs)} whole ECB+ documents ({src.dropped_ecb} reprints "
        f"dropped), pool of {plan.pool_size} sentences, {plan.paraphrase_pairs} paraphrase "
        f"pairs, {len(src.wmt)} WMT22 documents, {len(src.headlines)} headlines"
    )
    print(
        f"planned {len(plan.specs)} articles in {plan.seconds:.1f}s "
        f"(pool grid {plan.grid}x{plan.grid} dealt in {plan.pool_passes} passes, paraphrases "
        f"in {plan.paraphrase_passes}; articles past the design's capacity: "
        f"{plan.beyond_capacity})"
    )
    for name, count in plan.counts.items():
        print(f"  {name:<16} {count:>7}")
    size, seconds = write_corpus(plan, args.out)
    print(f"wrote {args.out} ({size / 1e6:.1f} MB) and its .truth.json in {seconds:.1f}s")
    if args.overlap_sample:
        measuring = time.perf_counter()
        overlap = measure_overlap(plan, sample=args.overlap_sample, seed=args.seed)
        print(f"overlap ({time.perf_counter() - measuring:.1f}s):")
        for name, value in overlap.items():
            print(f"  {name:<46} {value:.4g}")
    if args.check:
        report = check_corpus(args.out, sample=args.check_sample, seed=args.seed)
        print("check:")
        for name, item in report.items():
            print(f"  {name:<44} {item}")
        if report["n_structural_problems"] or report["n_storytrace_errors"]:
            raise SystemExit(1)
    print(f"total {time.perf_counter() - started:.1f}s")


if __name__ == "__main__":
    main()
