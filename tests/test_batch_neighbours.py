"""The batch's story neighbours: one index built once over every kept article, the HNSW
search close to the exact one on real vectors, the same neighbours run after run and on
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


def candidates(out: Path) -> list[dict[str, Any]]:
    rows = pq.read_table(out / "candidates").to_pylist()
    return sorted(rows, key=lambda r: (r["a"], r["b"], r["kind"]))


@pytest.fixture(scope="module")
def hnsw_local(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int]:
    """A local batch of the ECB+ sample and the seed pair through the HNSW index (the
    exact limit set to 0), counting how often the index was built."""
    out = tmp_path_factory.mktemp("hnsw-local")
    builds: list[int] = []
    original = nb.BroadIndex.add

    def counted(self: nb.BroadIndex, keys: Any, vectors: Any) -> None:
        builds.append(len(keys))
        original(self, keys, vectors)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(nb, "EXACT_MAX", 0)
        mp.setattr(nb.BroadIndex, "add", counted)
        report = run_batch([SAMPLE, SEED], out, BatchOptions(engine="local"))
    assert builds == [report.articles]  # one build, over every kept article
    return out, report.articles


def test_local_batch_builds_the_index_once_and_repeats_its_neighbours(
    hnsw_local: tuple[Path, int], tmp_path: Path
) -> None:
    out, articles = hnsw_local
    story = [r for r in candidates(out) if r["kind"] == "story"]
    assert len(story) >= articles  # every article has neighbours
    with pytest.MonkeyPatch.context() as mp:
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
        # the driver builds the index, so the limit set here reaches the tasks
        mp.setattr(nb, "EXACT_MAX", 0)
        run_batch(
            [SAMPLE, SEED],
            tmp_path,
            BatchOptions(engine="spark", master="local[2]", shuffle_partitions=2),
        )
    assert candidates(tmp_path) == candidates(out)
    assert not (tmp_path / "candidates-index").exists()  # removed with the stage done
