"""The batch's story neighbours: one index built once over every kept article, the HNSW
search close to the exact one on real vectors, past the exact limit the search blocked by
publication date and exact within its window, the same neighbours run after run and on
both engines."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from numpy.typing import NDArray

from storytrace.batch import BatchOptions, run_batch
from storytrace.batch import neighbours as nb
from storytrace.encode import get_encoder
from storytrace.store.vectors import ExactIndex

pq = pytest.importorskip("pyarrow.parquet", reason="storytrace batch writes Parquet (pyarrow)")

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "examples" / "ecbplus-sample" / "ecbplus-sample.jsonl"
SEED = ROOT / "examples" / "seed-pair"
STS = ROOT.parent / "shared" / "data" / "stsbenchmark" / "sts-train.csv"


@pytest.fixture(scope="module")
def real_vectors(ecb_path: Path) -> NDArray[np.float32]:
    """The default encoder's vectors of real news text at the store's precision: every
    ECB+ document's first paragraph, then STS-B sentences, 4,000 in all."""
    texts = [
        json.loads(line)["text"].strip().split("\n")[0]
        for line in ecb_path.read_text(encoding="utf-8").splitlines()
    ]
    if STS.exists():
        for line in STS.read_text(encoding="utf-8").splitlines():
            texts.extend(line.split("\t")[5:7])
    texts = list(dict.fromkeys(t for t in texts if t.strip()))[:4000]
    vectors = get_encoder(None).encode(texts)
    return vectors.astype(np.float16).astype(np.float32)


def test_hnsw_neighbours_match_the_exact_ones(real_vectors: NDArray[np.float32]) -> None:
    seqs = np.arange(len(real_vectors), dtype=np.int64) * 3 + 1
    exact = nb.Neighbours.build(seqs, real_vectors)
    hnsw = nb.Neighbours.build(seqs, real_vectors, exact_max=0)
    assert isinstance(exact.index, ExactIndex)
    assert isinstance(hnsw.index, nb.BroadIndex)
    assert hnsw.chunks == exact.chunks == 2
    want = {(a, b) for c in range(exact.chunks) for a, b, _ in exact.search(c)}
    got = {(a, b) for c in range(hnsw.chunks) for a, b, _ in hnsw.search(c)}
    assert len(want) > 30 * len(seqs) // 2  # pairs found from both sides count once
    assert len(want & got) / len(want) >= 0.99


def test_hnsw_neighbours_are_the_same_after_a_rebuild_and_a_reload(
    real_vectors: NDArray[np.float32], tmp_path: Path
) -> None:
    vectors = real_vectors[:2500]
    seqs = np.arange(len(vectors), dtype=np.int64)
    first = nb.Neighbours.build(seqs, vectors, exact_max=0)
    found = [first.search(c) for c in range(first.chunks)]
    again = nb.Neighbours.build(seqs, vectors, exact_max=0)
    assert [again.search(c) for c in range(again.chunks)] == found
    first.save(tmp_path / "index")
    loaded = nb.Neighbours.load(tmp_path / "index")
    assert isinstance(loaded.index, nb.BroadIndex)
    assert loaded.index._index.connectivity == nb.CONNECTIVITY  # the batch's denser graph
    assert [loaded.search(c) for c in range(loaded.chunks)] == found


def test_exact_neighbours_survive_a_reload(
    real_vectors: NDArray[np.float32], tmp_path: Path
) -> None:
    vectors = real_vectors[:500]
    seqs = np.arange(len(vectors), dtype=np.int64)
    built = nb.Neighbours.build(seqs, vectors)
    built.save(tmp_path / "index")
    loaded = nb.Neighbours.load(tmp_path / "index")
    assert isinstance(loaded.index, ExactIndex)
    assert loaded.search(0) == built.search(0)


def spread_days(n: int, span: int) -> NDArray[np.int64]:
    """``n`` publication days spread at random over ``span`` days from 2023-01-01."""
    start = nb.day_of("2023-01-01")
    return start + np.random.default_rng(7).integers(0, span, n).astype(np.int64)


def brute_force(
    seqs: NDArray[np.int64], vectors: NDArray[np.float32], days: NDArray[np.int64]
) -> set[tuple[int, int]]:
    """Every article's STORY_K nearest among those published within the window, from
    the whole score matrix."""
    scores = vectors @ vectors.T
    scores[np.abs(days[:, None] - days[None, :]) > nb.WINDOW_DAYS] = -np.inf
    np.fill_diagonal(scores, -np.inf)
    pairs = set()
    for i, row in enumerate(scores):
        for j in np.argsort(-row)[: nb.STORY_K]:
            if np.isfinite(row[j]):
                pairs.add((int(min(seqs[i], seqs[j])), int(max(seqs[i], seqs[j]))))
    return pairs


def test_past_the_limit_the_search_is_exact_within_the_publication_window(
    real_vectors: NDArray[np.float32], tmp_path: Path
) -> None:
    vectors = real_vectors[:3000]
    seqs = np.arange(len(vectors), dtype=np.int64) * 5 + 2
    days = spread_days(len(vectors), 90)
    days[:40] = nb.UNDATED
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(nb, "BLOCKED_PAST", 1000)
        search = nb.Search.build(seqs, vectors, days)
    assert search.whole is not None
    assert len(search.whole.seqs) == 40
    assert len(search.sizes) == len({int(d) // nb.WINDOW_DAYS for d in days[40:]}) >= 7
    found = [t for task in search.tasks() for t in search.search(task)]
    day = dict(zip(seqs.tolist(), days.tolist(), strict=True))
    dated = [(a, b) for a, b, _ in found if day[a] != nb.UNDATED]
    assert all(day[b] != nb.UNDATED for a, b in dated)  # the undated are a block apart
    gaps = [abs(day[a] - day[b]) for a, b in dated]
    assert max(gaps) == nb.WINDOW_DAYS  # across slab boundaries, never past the window
    assert set(dated) == brute_force(seqs[40:], vectors[40:], days[40:])
    search.save(tmp_path / "search")
    opened = nb.Search.open(tmp_path / "search")
    assert opened.tasks() == search.tasks()
    assert [t for task in opened.tasks() for t in opened.search(task)] == found


def test_up_to_the_limit_dates_do_not_block(real_vectors: NDArray[np.float32]) -> None:
    vectors = real_vectors[:1500]
    seqs = np.arange(len(vectors), dtype=np.int64)
    assert len(vectors) <= nb.BLOCKED_PAST
    search = nb.Search.build(seqs, vectors, spread_days(len(vectors), 400))
    one = nb.Neighbours.build(seqs, vectors)
    assert search.sizes == {}
    assert search.tasks() == [(None, 0)]
    assert search.search((None, 0)) == one.search(0)


def candidates(out: Path) -> list[dict[str, Any]]:
    rows = pq.read_table(out / "candidates").to_pylist()
    return sorted(rows, key=lambda r: (r["a"], r["b"], r["kind"]))


@pytest.fixture(scope="module")
def hnsw_local(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int]:
    """A local batch of the ECB+ sample and the seed pair past the exact limit (set to
    0): the dated articles searched in their windows, the undated in one HNSW index,
    counting how often that index was built."""
    out = tmp_path_factory.mktemp("hnsw-local")
    builds: list[int] = []
    original = nb.BroadIndex.add

    def counted(self: nb.BroadIndex, keys: Any, vectors: Any) -> None:
        builds.append(len(keys))
        original(self, keys, vectors)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(nb, "BLOCKED_PAST", 0)
        mp.setattr(nb, "EXACT_MAX", 0)
        mp.setattr(nb.BroadIndex, "add", counted)
        report = run_batch([SAMPLE, SEED], out, BatchOptions(engine="local"))
    published = pq.read_table(out / "articles", columns=["published"]).column(0).to_pylist()
    undated = published.count(None)
    assert 0 < undated < report.articles  # the sample mixes dated and undated
    assert builds == [undated]  # one build, over the undated articles
    return out, report.articles


def test_local_batch_builds_the_index_once_and_repeats_its_neighbours(
    hnsw_local: tuple[Path, int], tmp_path: Path
) -> None:
    out, articles = hnsw_local
    story = [r for r in candidates(out) if r["kind"] == "story"]
    assert len(story) >= articles  # every article has neighbours
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(nb, "BLOCKED_PAST", 0)
        mp.setattr(nb, "EXACT_MAX", 0)
        run_batch([SAMPLE, SEED], tmp_path, BatchOptions(engine="local"))
    assert candidates(tmp_path) == candidates(out)


def test_spark_searches_the_local_engines_index(
    hnsw_local: tuple[Path, int], tmp_path: Path
) -> None:
    pytest.importorskip("pyspark", reason="the Spark engine needs the spark extra")
    if shutil.which("java") is None:
        pytest.skip("the Spark engine needs Java 17+ on PATH")
    out, _ = hnsw_local
    with pytest.MonkeyPatch.context() as mp:
        # the driver builds the index, so the limits set here reach the tasks
        mp.setattr(nb, "BLOCKED_PAST", 0)
        mp.setattr(nb, "EXACT_MAX", 0)
        run_batch(
            [SAMPLE, SEED],
            tmp_path,
            BatchOptions(engine="spark", master="local[2]", shuffle_partitions=2),
        )
    assert candidates(tmp_path) == candidates(out)
    assert not (tmp_path / "candidates-index").exists()  # removed with the stage done


def test_spark_writes_and_searches_the_slabs_of_a_dated_corpus(tmp_path: Path) -> None:
    """Every article dated (no whole index at all): the Spark tasks write the slabs the
    search reads, and find what the local engine finds."""
    pytest.importorskip("pyspark", reason="the Spark engine needs the spark extra")
    if shutil.which("java") is None:
        pytest.skip("the Spark engine needs Java 17+ on PATH")
    dated = tmp_path / "dated.jsonl"
    rows = [json.loads(line) for line in SAMPLE.read_text(encoding="utf-8").splitlines()]
    days = spread_days(len(rows), 45)
    start = nb.dt.date(1970, 1, 1)
    for row, day in zip(rows, days.tolist(), strict=True):
        row["published"] = (start + nb.dt.timedelta(days=day)).isoformat()
    dated.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(nb, "BLOCKED_PAST", 0)
        outs = {"local": tmp_path / "local", "spark": tmp_path / "spark"}
        run_batch([dated], outs["local"], BatchOptions(engine="local"))
        spark = BatchOptions(engine="spark", master="local[2]", shuffle_partitions=2)
        run_batch([dated], outs["spark"], spark)
    story = [r for r in candidates(outs["local"]) if r["kind"] == "story"]
    assert len(story) >= len(rows)
    assert candidates(outs["spark"]) == candidates(outs["local"])
