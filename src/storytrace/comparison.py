"""``compare``: the whole diff of two versions.

encode -> similarity -> align -> diff (labels, typed changes) -> relate.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from . import align as _align
from . import diff as _diff
from . import relate as _relate
from ._blas import one_blas_thread
from .encode import get_encoder
from .errors import EmptyInput
from .model import Article, Comparison
from .similarity import UnitSimilarity, similarity_model

ArticleLike = Article | Path | str


def as_article(value: ArticleLike, *, name: str) -> Article:
    """An Article as given, read from a path, or analysed from a string of text.

    A string is taken as a path only when it names an existing file; otherwise it is the
    article's text (so a one-line text that happens to be a file name is read as a file).
    """
    from .pipeline import from_text, read

    if isinstance(value, Article):
        return value
    if isinstance(value, Path):
        return read(value)
    if "\n" not in value and len(value) < 4096 and Path(value).is_file():
        return read(value)
    return from_text(value, source=name)


def compare(
    a: ArticleLike,
    b: ArticleLike,
    *,
    encoder: str | None = None,
    vectors: tuple[np.ndarray, np.ndarray] | None = None,
    align_options: _align.AlignOptions | None = None,
    relate_options: _relate.RelateOptions | None = None,
) -> Comparison:
    """Align two versions sentence by sentence, type every change, judge the relation.

    Args:
        a, b: Articles, paths, or strings of article text.
        encoder: ``lexical``, ``use`` or ``st:NAME_OR_PATH``; None for the default.
        vectors: the two articles' sentence vectors from ``encoder``, when the caller
            has them (the store caches them, so a pair verified before costs no
            encoding); None to encode here.

    Raises:
        InputError: an input cannot be read or is empty after cleaning.
        MissingDependency: the encoder needs an extra that is not installed.
    """
    with one_blas_thread():
        return _compare(
            as_article(a, name="<a>"),
            as_article(b, name="<b>"),
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
    enc = get_encoder(encoder)
    if vectors is None:
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
        units, art_a.sentences, art_b.sentences, cross_lingual=cross_lingual, lang=art_a.lang
    )
    features = _relate.document_features(art_a, art_b, pairs, _relate.document_cosine(va, vb))
    relation = _relate.judge(art_a, art_b, pairs, features, options=relate_options)
    return Comparison(
        a=art_a,
        b=art_b,
        pairs=pairs,
        relation=relation,
        coverage_a=round(features.coverage_a, 4),
        coverage_b=round(features.coverage_b, 4),
        encoder=enc.name,
    )
