"""The batch stages as plain functions over rows (dicts), shared by both engines.

Each function is what one Spark task runs on its share of the rows, and what the local
engine runs on all of them; each calls the store's own stage functions (``pipeline``,
``keys.compute_keys``, ``events``, ``stories.update``, ``comparison.compare``,
``cluster.cluster_batch``), so a result never depends on the engine.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from .. import cluster as _cluster
from ..comparison import compare
from ..encode import get_encoder
from ..errors import InputError
from ..events import (
    CorpusStats,
    decode_evidence,
    encode_evidence,
    evidence_matrix,
    link_probabilities,
)
from ..find import FindOptions
from ..fingerprint import jaccard
from ..ingest import iter_raw
from ..ingest.walk import iter_files
from ..keys import Keyer, KeySettings
from ..model import Article
from ..options import ReadOptions
from ..pipeline import analyze
from ..store.db import from_f16, to_f16
from ..store.records import article_from_record, article_to_record
from ..stories.model import DERIVED
from ..stories.update import link_pairs, worth_verifying
from ..verify import pair_encoder
from .neighbours import day_of
from .parquet import is_parquet, read_parquet
from .tables import SEQ_BITS

Row = dict[str, Any]

KEY_BATCH = 64
"""Articles per ``compute_keys`` call (the store's batch size), in each file's order."""

MAX_BUCKET = 100
"""An LSH bucket holding more articles than this yields star edges (its first article to
each other one), never all pairs: one boilerplate band shared by thousands of pages must
not become millions of pairs (text-dedup#20)."""

LSH_MIN_JACCARD = FindOptions().min_jaccard
"""LSH pairs at this estimated 5-gram Jaccard or more are verified, as ``find`` verifies
every textual match."""


@dataclass(frozen=True, slots=True)
class BatchSettings:
    """The key settings of a batch (a store's defaults unless told): ``KeySettings``."""

    encoder: str
    num_perm: int
    bands: int
    rows: int

    @classmethod
    def of(cls, settings: KeySettings) -> BatchSettings:
        """The settings a store with ``settings`` would use."""
        return cls(settings.encoder, settings.num_perm, settings.bands, settings.rows)


# ------------------------------------------------------------------------------- inputs


def input_files(inputs: Sequence[str | Path]) -> tuple[list[str], list[InputError]]:
    """The files to read, in ``add``'s order (folders walked sorted), and the folders
    that could not be listed."""
    files: list[str] = []
    errors: list[InputError] = []
    for source in inputs:
        path = Path(source)
        if path.is_dir():
            for item in iter_files(path):
                if isinstance(item, InputError):
                    errors.append(item)
                else:
                    files.append(str(item))
        else:
            files.append(str(source))
    return files, errors


def error_row(seq: int, err: InputError, kind: str = "error") -> Row:
    """An ``errors`` row for a failed input."""
    return {"seq": seq, "source": err.source, "kind": kind, "reason": err.reason}


def read_file(index: int, path: str, keyer: Keyer, options: ReadOptions) -> Iterator[Row]:
    """Every article of one input file (any format ``add`` reads, or Parquet) as an
    ``articles`` row with its keys (``kind`` "article"), and every bad record as an
    ``errors`` row (``kind`` "error")."""
    base = index << SEQ_BITS
    # the encoder's sentence cache hands a sentence seen before the vector computed in
    # another batch (equal to an ulp): each file starts from an empty one, so its vectors
    # do not depend on which files the same process read before
    cache = getattr(keyer.encoder, "cache", None)
    if cache is not None:
        cache.clear()
    batch: list[tuple[int, Article]] = []
    parquet = options.format is None and is_parquet(path)
    items = read_parquet(path, options) if parquet else iter_raw(path, options)
    for n, item in enumerate(items):
        seq = base | n
        try:
            if isinstance(item, InputError):
                raise item
            batch.append((seq, analyze(item)))
        except InputError as err:
            yield error_row(seq, err)
        if len(batch) >= KEY_BATCH:
            yield from _keyed(batch, keyer)
            batch = []
    if batch:
        yield from _keyed(batch, keyer)


def _keyed(batch: list[tuple[int, Article]], keyer: Keyer) -> Iterator[Row]:
    keys = keyer.compute([a for _, a in batch])
    for (seq, article), k in zip(batch, keys, strict=True):
        yield {
            "kind": "article",
            "seq": seq,
            "id": article.id,
            "store_key": k.store_key,
            "source": article.source,
            "lang": article.lang,
            "published": article.published.isoformat() if article.published else None,
            "title": article.title,
            "record": article_to_record(article),
            "signature": k.signature.astype("<u4").tobytes() if k.signature is not None else None,
            "bands": [int(b) for b in k.bands] if k.bands is not None else None,
            "vector": k.vector.astype("<f4").tobytes(),
            "evidence": encode_evidence(k.evidence),
        }


def refused(row: Row, kept_id: str | None, reason: str) -> Row:
    """The ``errors`` row of an article dropped at dedup (see ``dedup``)."""
    if reason == "duplicate":
        return {
            "seq": row["seq"],
            "source": row["source"],
            "kind": "duplicate",
            "reason": f"the same publication as {kept_id}",
        }
    return {
        "seq": row["seq"],
        "source": row["source"],
        "kind": "error",
        "reason": f"id {row['id']!r} is already stored for a different article; "
        "give this one another id",
    }


def dedup(rows: Iterable[Row]) -> tuple[list[Row], list[Row]]:
    """The articles ``add`` would store, in ``seq`` order, and the errors rows of the rest:
    the first of each publication (store key), then the first of each id among those."""
    by_key: dict[str, Row] = {}
    dropped: list[Row] = []
    for row in sorted(rows, key=lambda r: r["seq"]):
        first = by_key.get(row["store_key"])
        if first is None:
            by_key[row["store_key"]] = row
        else:
            dropped.append(refused(row, first["id"], "duplicate"))
    kept: list[Row] = []
    ids: set[str] = set()
    for row in by_key.values():
        if row["id"] in ids:
            dropped.append(refused(row, None, "id"))
        else:
            ids.add(row["id"])
            kept.append(row)
    return kept, sorted(dropped, key=lambda r: r["seq"])


# ------------------------------------------------------------------------------ links


def vector_of(row: Row) -> NDArray[np.float32]:
    """An article row's lead vector at the store's precision: a store keeps document
    vectors as float16 and links stories on those, so the batch does too."""
    return from_f16(to_f16(np.frombuffer(row["vector"], dtype="<f4")))


def read_lead_vectors(
    folder: Path, *, undated_only: bool = False
) -> tuple[NDArray[np.int64], NDArray[np.float32], NDArray[np.int64]]:
    """Every kept article's ``seq``, lead vector (``stages.vector_of``) and publication
    day (``neighbours.day_of``), in ``seq`` order (only the undated articles' if
    ``undated_only``), read from an ``articles`` table folder with pyarrow a batch at a
    time into arrays made once (the Spark driver's way: collected through the JVM, they
    were a Spark job, pickled rows and all of them in the JVM's heap at once, 2 KB an
    article)."""
    import pyarrow.dataset as ds

    table = ds.dataset(folder, format="parquet")
    where = ds.field("published").is_null() if undated_only else None
    total = table.count_rows(filter=where)
    seqs = np.zeros(total, dtype=np.int64)
    days = np.zeros(total, dtype=np.int64)
    vectors: NDArray[np.float32] | None = None
    filled = 0
    for batch in table.to_batches(columns=["seq", "vector", "published"], filter=where):
        for seq, blob, published in zip(*(c.to_pylist() for c in batch.columns), strict=True):
            vector = vector_of({"vector": blob})
            if vectors is None:
                vectors = np.zeros((total, len(vector)), np.float32)
            seqs[filled], vectors[filled] = seq, vector
            days[filled] = day_of(published)
            filled += 1
    if vectors is None:
        return seqs, np.zeros((0, 1), np.float32), days
    order = np.argsort(seqs, kind="stable")
    return seqs[order], vectors[order], days[order]


def best_pairs(triples: Iterable[tuple[int, int, float]]) -> list[tuple[int, int, float]]:
    """Distinct pairs (earlier, later) with their best cosine (``link_pairs``)."""
    neighbours: dict[int, list[tuple[int, float]]] = {}
    for a, b, cosine in triples:
        neighbours.setdefault(b, []).append((a, cosine))
    pairs, cosines = link_pairs(neighbours)
    return [(a, b, c) for (a, b), c in zip(pairs, cosines, strict=True)]


def corpus_stats(evidences: Iterable[bytes]) -> CorpusStats:
    """The document frequencies of the kept articles' evidence (``CorpusStats``)."""
    return CorpusStats.of(decode_evidence(e) for e in evidences)


def score_links(
    links: Sequence[Row], evidence: Mapping[int, bytes], stats: CorpusStats
) -> list[Row]:
    """P(same event) of links (a, b, cosine, lang_a, lang_b), as the stories stage scores
    them, from each article's encoded evidence (``evidence``: ``seq`` -> blob, decoded
    once per article, however many links it has); ``verify`` says whether ``compare``
    should judge the pair."""
    if not links:
        return []
    involved = sorted({s for row in links for s in (row["a"], row["b"])})
    position = {seq: n for n, seq in enumerate(involved)}
    matrix = evidence_matrix((decode_evidence(evidence[s]) for s in involved), stats)
    index = np.array([(position[r["a"]], position[r["b"]]) for r in links], dtype=np.int64)
    out: list[Row] = []
    for row, p in zip(links, link_probabilities(matrix, index).tolist(), strict=True):
        out.append(
            {
                "a": row["a"],
                "b": row["b"],
                "cosine": row["cosine"],
                "p": float(p),
                "verify": worth_verifying(p, row["cosine"], row["lang_a"], row["lang_b"]),
            }
        )
    return out


def score_partition(rows: Iterable[Row], stats: CorpusStats) -> list[Row]:
    """``score_links`` over one Spark partition holding two kinds of rows: links (a, b,
    cosine, lang_a, lang_b; ``seq`` None) and the evidence of every article they
    involve (``seq``, ``evidence``), shipped once per partition rather than per link."""
    links: list[Row] = []
    evidence: dict[int, bytes] = {}
    for row in rows:
        if row["seq"] is None:
            links.append(row)
        else:
            evidence[row["seq"]] = bytes(row["evidence"])
    return score_links(links, evidence, stats)


def lsh_pairs(bucket: Sequence[int]) -> Iterator[tuple[int, int]]:
    """The candidate pairs of one LSH bucket (its ``seq``s): all pairs, or star edges
    from its first article when it holds more than ``MAX_BUCKET``."""
    members = sorted(set(bucket))
    if len(members) > MAX_BUCKET:
        first = members[0]
        for other in members[1:]:
            yield first, other
        return
    for i, a in enumerate(members):
        for b in members[i + 1 :]:
            yield a, b


def candidate_order(row: Row) -> tuple[int, int, str]:
    """The order of the ``candidates`` table: (a, b, kind)."""
    return row["a"], row["b"], row["kind"]


def textual(sig_a: bytes | None, sig_b: bytes | None) -> bool:
    """Whether an LSH pair reaches ``LSH_MIN_JACCARD`` by its signatures."""
    if sig_a is None or sig_b is None:
        return False
    x = np.frombuffer(sig_a, dtype="<u4")
    y = np.frombuffer(sig_b, dtype="<u4")
    return bool(jaccard(x, y) >= LSH_MIN_JACCARD)


def verify(row: Row, store_encoder: str) -> Row | None:
    """``compare``'s verdict on a pair (a, b, rec_a, rec_b, found_by) as a ``versions``
    row, by the encoder the store would use (``verify.pair_encoder``); None for a pair
    with an article without sentences."""
    x, y = article_from_record(row["rec_a"]), article_from_record(row["rec_b"])
    if not x.sentences or not y.sentences:
        return None
    encoder = pair_encoder(x, y, store_encoder)
    enc = get_encoder(encoder)
    vectors = (enc.encode([s.text for s in x.sentences]), enc.encode([s.text for s in y.sentences]))
    relation = compare(x, y, encoder=encoder, vectors=vectors).relation
    return {
        "a": row["a"],
        "b": row["b"],
        "a_id": x.id,
        "b_id": y.id,
        "relation": relation.label,
        "score": float(relation.score),
        "direction": relation.direction,
        "confidence": float(relation.direction_confidence),
        "found_by": row["found_by"],
        "story_similarity": float(relation.story_similarity),
    }


def story_links(links: Iterable[Row], versions: Iterable[Row]) -> list[Row]:
    """The links the stories are clustered on: a story link ``compare`` found derived
    becomes certain (1.0), as in the stories stage; LSH-only verdicts change nothing."""
    certain = {
        (v["a"], v["b"])
        for v in versions
        if v["relation"] in DERIVED and "story" in v["found_by"].split(",")
    }
    return [
        {**link, "p": 1.0 if (link["a"], link["b"]) in certain else link["p"]} for link in links
    ]


# ----------------------------------------------------------------------------- stories


def strong(p: float) -> bool:
    """Whether a link joins components (``cluster.is_strong``)."""
    return _cluster.is_strong(p)


def strong_min() -> float:
    """The least P(same event) of a strong link (``strong``), for a SQL filter: the
    same double the store compares with, so ``p >= strong_min()`` is ``strong(p)``."""
    return _cluster.strong_floor()


def components(edges: Iterable[tuple[int, int]]) -> dict[int, int]:
    """Each node of ``edges`` -> its component, named by its smallest node
    (``cluster.merge_components``, the store's union-find)."""
    pairs = list(edges)
    moved = _cluster.merge_components({}, pairs)
    return {n: moved.get(n, n) for pair in pairs for n in pair}


def cluster_component(links: Sequence[tuple[int, int, float]]) -> dict[int, int]:
    """``cluster.cluster_batch`` over one strong-link component's links: each member's
    story, named by its first member (by ``seq``)."""
    members = sorted({n for a, b, _ in links for n in (a, b)})
    keys = [str(n) for n in members]
    stories = _cluster.cluster_batch(keys, [(str(a), str(b), p) for a, b, p in links])
    return {int(k): int(v) for k, v in stories.items()}
