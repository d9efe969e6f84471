"""``compare``: the whole diff of two versions.

encode -> similarity -> align -> diff (labels, typed changes) -> relate.
"""

from __future__ import annotations

import numpy as np

from . import align as _align
from . import diff as _diff
from . import relate as _relate
from ._blas import one_blas_thread
from .encode import Encoder, encoder_for_pair, get_encoder
from .errors import EmptyInput, TooLarge
from .headline import headline_changes
from .model import Article, Comparison
from .similarity import UnitSimilarity, similarity_model
from .span_meaning import SpanMeaning

MAX_PAIRS = 4_000_000_000
"""Sentence pairs one comparison takes on (about 63,000 x 63,000, some 7 MB of news a
side). Above ``align.EXACT_PAIRS`` the aligner keeps a band, O((n + m) sqrt(n m)) pairs,
not every pair (docs/reliability.md, "Long diffs"); a larger pair of texts, whose
reading alone takes minutes, is refused at once, before encoding."""


def compare(
    a: Article,
    b: Article,
    *,
    encoder: str | None = None,
    vectors: tuple[np.ndarray, np.ndarray] | None = None,
    align_options: _align.AlignOptions | None = None,
    relate_options: _relate.RelateOptions | None = None,
) -> Comparison:
    """Align two versions sentence by sentence, type every change, judge the relation.

    Args:
        a, b: two analysed Articles (``storytrace.read(path)`` for a file,
            ``storytrace.from_text(text)`` for text in hand).
        encoder: ``lexical``, ``use``, ``e5`` or ``st:NAME_OR_PATH``; None for the
            default. A pair across languages that ``use`` does not cover is compared
            with ``e5`` (``encode.encoder_for_pair``).
        vectors: the two articles' sentence vectors from ``encoder``, when the caller
            has them (the store caches them, so a pair verified before costs no
            encoding); None to encode here.

    Raises:
        TypeError: ``a`` or ``b`` is not an Article (a path or a string of text: read it
            first; guessing which one a string is would read a file named like a text).
        InputError: an article is empty after cleaning; TooLarge: over ``MAX_PAIRS``.
        MissingDependency: the encoder needs an extra that is not installed.
    """
    for name, value in (("a", a), ("b", b)):
        if not isinstance(value, Article):
            raise TypeError(
                f"compare() takes two Articles, got {type(value).__name__} for {name}; "
                "use storytrace.read(path) or storytrace.from_text(text) first"
            )
    with one_blas_thread():
        return _compare(
            a,
            b,
            encoder=encoder,
            vectors=vectors,
            align_options=align_options,
            relate_options=relate_options,
        )


def _compare(
    art_a: Article,
    art_b: Article,
    *,
    encoder: str | None,
    align_options: _align.AlignOptions | None,
    relate_options: _relate.RelateOptions | None,
    vectors: tuple[np.ndarray, np.ndarray] | None = None,
) -> Comparison:
    for art in (art_a, art_b):
        if not art.sentences:
            raise EmptyInput(art.source, "no sentences left once boilerplate is removed")
    pairs_needed = len(art_a.sentences) * len(art_b.sentences)
    if pairs_needed > MAX_PAIRS:
        raise TooLarge(
            f"{art_a.source} and {art_b.source}",
            f"{len(art_a.sentences):,} x {len(art_b.sentences):,} sentences is over the "
            f"{MAX_PAIRS:,} sentence pairs one comparison aligns (about 7 MB of news a "
            "side); compare parts of the texts",
        )
    name = encoder_for_pair(encoder, art_a.lang, art_b.lang)
    enc = get_encoder(name)
    if vectors is None or name != encoder_for_pair(encoder, None, None):
        # vectors given are the requested encoder's; a pair routed elsewhere re-encodes
        va = enc.encode([s.text for s in art_a.sentences])
        vb = enc.encode([s.text for s in art_b.sentences])
    else:
        va, vb = vectors
    cross_lingual = bool(art_a.lang and art_b.lang and art_a.lang != art_b.lang)
    sim = UnitSimilarity(
        a=art_a.sentences,
        b=art_b.sentences,
        va=va,
        vb=vb,
        model=similarity_model(enc.name, cross_lingual=cross_lingual),
        cross_lingual=cross_lingual,
        lang_a=art_a.lang or "en",
        lang_b=art_b.lang or "en",
    )
    units = _align.align(sim, options=align_options)
    pairs = _diff.label(
        units,
        art_a.sentences,
        art_b.sentences,
        cross_lingual=cross_lingual,
        lang=art_a.lang,
        encoder=enc.name,
        lang_b=art_b.lang,
        meaning=SpanMeaning(enc, va, vb) if cross_lingual else None,
    )
    features = _relate.document_features(
        art_a,
        art_b,
        pairs,
        _relate.document_cosine(va, vb),
        title_cosine(enc, art_a, art_b, va, vb),
    )
    relation = _relate.judge(
        art_a,
        art_b,
        pairs,
        features,
        options=relate_options,
        similarity_model=_relate.story_similarity_model(enc.name),
    )
    return Comparison(
        a=art_a,
        b=art_b,
        pairs=pairs,
        relation=relation,
        coverage_a=round(features.coverage_a, 4),
        coverage_b=round(features.coverage_b, 4),
        encoder=enc.name,
        title_changes=(
            headline_changes(art_a, art_b, pairs, cross_lingual=cross_lingual)
            # only when one text derives from the other: two reports of one event
            # title it each in their own way
            if relation.label in _relate.DERIVED_LABELS
            else ()
        ),
    )


def title_cosine(enc: Encoder, a: Article, b: Article, va: np.ndarray, vb: np.ndarray) -> float:
    """Cosine of the two headlines; an untitled side stands in with its first sentence."""
    titles = [t for t in (a.title, b.title) if t]
    encoded = iter(enc.encode(titles)) if titles else iter(())
    x = next(encoded) if a.title else va[0]
    y = next(encoded) if b.title else vb[0]
    norm = float(np.linalg.norm(x) * np.linalg.norm(y))
    return float(x @ y) / norm if norm else 0.0
