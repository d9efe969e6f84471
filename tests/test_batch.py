"""storytrace batch: the local engine gives the store's stories and version graph, the
Spark engine the local engine's tables exactly, bad input becomes error rows."""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from typer.testing import CliRunner

from _batch_helpers import table
from storytrace.batch import BatchOptions, default_settings, run_batch
from storytrace.batch import stages as st
from storytrace.batch.tables import TABLES
from storytrace.cli import app
from storytrace.corpus import Store, StoreOptions
from storytrace.errors import MissingDependency

pq = pytest.importorskip("pyarrow.parquet", reason="storytrace batch writes Parquet (pyarrow)")

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "examples" / "ecbplus-sample" / "ecbplus-sample.jsonl"
SEED = ROOT / "examples" / "seed-pair"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """The ECB+ sample and the seed pair, plus a file with a copy of a sample article,
    another article under a taken id, and a malformed line."""
    folder = tmp_path_factory.mktemp("batch-input")
    first = json.loads(SAMPLE.read_text(encoding="utf-8").splitlines()[0])
    extra = folder / "extra.jsonl"
    clash = {"id": first["id"], "text": "An entirely different report.\nIt has two lines."}
    extra.write_text(
        json.dumps(first) + "\n" + "{not json\n" + json.dumps(clash) + "\n", encoding="utf-8"
    )
    return [SAMPLE, SEED, extra]


@pytest.fixture(scope="module")
def local_out(corpus: list[Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("batch-local")
    run_batch(corpus, out, BatchOptions(engine="local"))
    return out


def test_local_batch_equals_the_store(corpus: list[Path], local_out: Path, tmp_path: Path) -> None:
    with Store(tmp_path / "s.db", options=StoreOptions(index="exact")) as store:
        added = store.add(corpus)
        store.update_stories()
        repo = store.repository
        assignment = repo.stories.assignments()
        rowids = {repo.get(i).rowid: i for i in store.ids()}
        edges = {
            (rowids[a], rowids[b], relation, round(score, 9), direction, round(confidence, 9))
            for a, b, relation, score, direction, confidence in repo.stories.edges_among(
                sorted(rowids)
            )
        }
    stories = {r["id"]: r["story"] for r in table(local_out, "stories")}
    assert stories == assignment
    assert len(set(stories.values())) < len(stories)  # some stories hold several articles
    versions = table(local_out, "versions")
    verified = {
        (v["a_id"], v["b_id"], v["relation"], round(v["score"], 9), v["direction"], conf)
        for v in versions
        if (conf := round(v["confidence"], 9)) is not None
        if "story" in v["found_by"].split(",")
    }
    assert verified == edges
    assert any(v["found_by"] == "lsh" for v in versions)  # LSH finds versions stories miss
    assert len(table(local_out, "articles")) == added.added
    errors = table(local_out, "errors")
    assert [e["kind"] for e in errors] == ["duplicate", "error", "error"]
    assert "already stored for a different article" in errors[2]["reason"]
    assert len(added.duplicates) == 1
    assert len(added.failed) == 2


def test_default_settings_are_a_new_stores() -> None:
    settings = StoreOptions().settings()
    assert default_settings() == st.BatchSettings.of(settings)


def test_lsh_bucket_over_the_limit_gives_star_edges() -> None:
    members = list(range(st.MAX_BUCKET + 5, 0, -1))
    pairs = list(st.lsh_pairs(members))
    assert len(pairs) == len(members) - 1
    assert {a for a, _ in pairs} == {1}
    assert len(list(st.lsh_pairs([3, 1, 2]))) == 3


def test_links_scored_per_partition_equal_scored_together(local_out: Path) -> None:
    """The Spark engine scores each partition's links with only the evidence of the
    articles they involve: every P(same event) and verify flag is bit-identical to
    scoring all the links at once, as the local engine does."""
    articles = {r["seq"]: r for r in table(local_out, "articles")}
    links = [
        {"a": c["a"], "b": c["b"], "cosine": c["cosine"], "seq": None}
        | {"lang_a": articles[c["a"]]["lang"], "lang_b": articles[c["b"]]["lang"]}
        for c in table(local_out, "candidates")
        if c["kind"] == "story"
    ]
    assert len(links) > 100
    stats = st.corpus_stats(r["evidence"] for r in articles.values())
    together = st.score_links(links, {s: r["evidence"] for s, r in articles.items()}, stats)
    assert sum(r["verify"] for r in together) > 0
    apart: list[dict[str, Any]] = []
    for part in range(3):
        mine = [r for r in links if r["a"] % 3 == part]
        needed = {s for r in mine for s in (r["a"], r["b"])}
        evidence = [{"seq": s, "evidence": articles[s]["evidence"]} for s in sorted(needed)]
        apart += st.score_partition(evidence + mine, stats)
    key = lambda r: (r["a"], r["b"])  # noqa: E731
    assert sorted(apart, key=key) == sorted(together, key=key)


def test_strong_link_floor_is_the_stores_rule(local_out: Path) -> None:
    """The Spark engine keeps the strong links by ``p >= strong_min()`` in SQL: the
    floor is where the store's ``is_strong`` turns, and it splits the real links as
    ``is_strong`` does."""
    floor = st.strong_min()
    assert st.strong(floor)
    assert not st.strong(float(np.nextafter(floor, -np.inf)))
    links = table(local_out, "links")
    assert any(st.strong(r["p"]) for r in links)
    assert not all(st.strong(r["p"]) for r in links)
    assert [r["p"] >= floor for r in links] == [st.strong(r["p"]) for r in links]


def test_cli_batch_reports_and_exits_2_on_bad_input(corpus: list[Path], tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["batch", *map(str, corpus[1:]), "--out", str(tmp_path)])
    assert result.exit_code == 2, result.output
    assert "3 article(s)" in result.output
    assert {p.name for p in tmp_path.iterdir()} >= {*TABLES, "meta.json"}
    again = CliRunner().invoke(app, ["batch", *map(str, corpus[1:]), "--out", str(tmp_path)])
    assert again.exit_code == 2, again.output
    assert "skipped: articles, candidates, links, stories" in again.output
    assert "3 article(s)" in again.output


def test_spark_engine_missing_says_which_extra(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setitem(sys.modules, "pyspark", None)
    with pytest.raises(MissingDependency, match=r"storytrace\[spark\]"):
        run_batch([SEED], tmp_path, BatchOptions(engine="spark"))


def test_spark_engine_gives_the_local_tables(
    corpus: list[Path], local_out: Path, tmp_path: Path
) -> None:
    pytest.importorskip("pyspark", reason="the Spark engine needs the spark extra")
    if shutil.which("java") is None:
        pytest.skip("the Spark engine needs Java 17+ on PATH")
    report = run_batch(
        corpus, tmp_path, BatchOptions(engine="spark", master="local[2]", shuffle_partitions=2)
    )
    assert report.articles == len(table(local_out, "articles"))
    for name in TABLES:
        assert table(tmp_path, name) == table(local_out, name), name
    assert not (tmp_path / "articles-read").exists()  # the read tasks' files, removed
    assert not (tmp_path / "links-scored").exists()  # the scoring tasks' files, removed
    assert not (tmp_path / "candidates-found").exists()  # the search tasks' files, removed
    # the counts are read from the tables as written
    kinds = [r["kind"] for r in table(local_out, "errors")]
    assert (report.errors, report.duplicates) == (kinds.count("error"), kinds.count("duplicate"))
    assert report.duplicates > 0
    assert report.lsh_pairs == [r["kind"] for r in table(local_out, "candidates")].count("lsh")
    assert report.links == len(table(local_out, "links"))
    assert report.verified == len(table(local_out, "versions")) > 0
    assert report.stories == len({r["story"] for r in table(local_out, "stories")})
    again = run_batch(corpus, tmp_path, BatchOptions(engine="spark", master="local[2]"))
    assert again.resumed == ["articles", "candidates", "links", "stories"]
    assert again.articles == report.articles


def test_import_gives_a_store_that_finds_and_tells_stories(
    corpus: list[Path], local_out: Path, tmp_path: Path
) -> None:
    db = tmp_path / "imported.db"
    result = CliRunner().invoke(app, ["import", str(local_out), "--db", str(db)])
    assert result.exit_code == 0, result.output
    with Store(tmp_path / "added.db", options=StoreOptions(index="exact")) as added:
        added.add(corpus)
        expected = [(s.id, [a.id for a in s.articles], len(s.edges)) for s in added.stories()]
        copy = added.find(added.get("4_1ecbplus"))
    with Store(db, create=False) as store:
        assert len(store) == len(table(local_out, "articles"))
        stories = [(s.id, [a.id for a in s.articles], len(s.edges)) for s in store.stories()]
        assert stories == expected
        found = store.find_id("4_1ecbplus")
        assert [v.id for v in found.versions] == [v.id for v in copy.versions]
        assert any(v.id == "4_2ecbplus" for v in found.versions)
    again = CliRunner().invoke(app, ["import", str(local_out), "--db", str(db)])
    assert again.exit_code == 2
    assert "import into a new --db" in again.output


def test_import_keeps_the_story_similarity_of_verified_pairs(
    corpus: list[Path], local_out: Path, tmp_path: Path
) -> None:
    """``stories --format json`` of an imported store carries the ``story_similarity`` of
    each story edge that a store built with ``add`` carries (not null)."""
    runner = CliRunner()
    imported, added = tmp_path / "imported.db", tmp_path / "added.db"
    assert runner.invoke(app, ["import", str(local_out), "--db", str(imported)]).exit_code == 0
    assert runner.invoke(app, ["add", *map(str, corpus), "--db", str(added)]).exit_code == 2

    def similarities(db: Path) -> dict[tuple[str, str], Any]:
        out = db.with_suffix(".json")
        args = ["stories", "--db", str(db), "--format", "json", "--output", str(out)]
        result = runner.invoke(app, args)
        assert result.exit_code == 0, result.output
        stories = json.loads(out.read_text(encoding="utf-8"))["stories"]
        return {(e["a"], e["b"]): e["story_similarity"] for s in stories for e in s["edges"]}

    expected = similarities(added)
    assert expected
    assert all(v is not None for v in expected.values())
    assert similarities(imported) == expected


def test_import_reads_a_batch_written_before_story_similarity(
    local_out: Path, tmp_path: Path
) -> None:
    """An older batch's versions table has no ``story_similarity``: the import still
    gives the batch's stories, with the similarity unknown (null)."""
    old = tmp_path / "old"
    shutil.copytree(local_out, old)
    for part in (old / "versions").glob("*.parquet"):
        pq.write_table(pq.read_table(part).drop_columns(["story_similarity"]), part)
    db = tmp_path / "old.db"
    result = CliRunner().invoke(app, ["import", str(old), "--db", str(db)])
    assert result.exit_code == 0, result.output
    with Store(db, create=False) as store:
        edges = [e for s in store.stories() for e in s.edges]
    assert edges
    assert all(e.story_similarity is None for e in edges)


def test_local_batch_reports_the_records_it_has_read(tmp_path: Path) -> None:
    """The progress hook hears a growing count after each file, ending at every record
    read (the CLI's bar shows it against the counted total)."""
    heard: list[int] = []
    stages: list[str] = []
    report = run_batch(
        [SAMPLE, SEED],
        tmp_path / "out",
        BatchOptions(engine="local"),
        on_read=heard.append,
        on_stage=lambda stage, _: stages.append(stage),
    )
    assert heard == sorted(heard)
    assert len(heard) >= 2
    assert heard[-1] == report.articles + report.errors + report.duplicates
    assert stages == ["articles", "candidates", "links", "stories"]


def test_spark_star_join_components_equal_union_find() -> None:
    """The Spark engine's components (large-star/small-star joins) name each node's
    component as the store's union-find does, on a long path (the most rounds) and a
    random forest of small components."""
    pytest.importorskip("pyspark", reason="the Spark engine needs the spark extra")
    if shutil.which("java") is None:
        pytest.skip("the Spark engine needs Java 17+ on PATH")
    import random

    from storytrace.batch.spark import components, session

    rng = random.Random(3)
    path = [(n, n + 1) for n in range(1000, 1020)]
    rng.shuffle(path)
    edges = path + [(rng.randrange(300), rng.randrange(300)) for _ in range(200)]
    edges = [(a, b) for a, b in edges if a != b]
    spark = session("local[2]", 2)
    try:
        found = components(spark.createDataFrame(edges, "a long, b long")).collect()
        jvm = _java_child_arguments()
    finally:
        spark.stop()
    assert {int(r["node"]): int(r["component"]) for r in found} == st.components(edges)
    # in local mode the JVM runs the client compiler and the serial collector
    assert {"-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"} <= set(jvm)


def _java_child_arguments() -> list[str]:
    """The command line of this process's child JVM (Spark's driver in local mode)."""
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            args = (entry / "cmdline").read_bytes().decode().split("\0")
        except OSError:
            continue
        parent = int(stat[stat.rindex(")") + 2 :].split()[1])
        if parent == os.getpid() and Path(args[0]).name == "java":
            return args
    return []
