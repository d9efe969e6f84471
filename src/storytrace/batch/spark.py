"""The Spark engine: the batch stages as Spark jobs, each Python step through ``stages``.

Reading and keys run one task per input file, the story neighbours one task of
``neighbours.Search`` each (one index the driver built, or past ``BLOCKED_PAST`` slabs
of dates that tasks write), link scoring and
``compare`` per partition of pairs, the clustering one task per strong-link component;
grouping, dedup, joins and the components of the strong links (star joins) are Spark SQL.
The read, search and scoring tasks write their rows as Parquet, which Spark reads natively
(no pickled rows into the JVM); the stages' counts are read from the written tables.
"""

from __future__ import annotations

import os
import shutil
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..errors import ConfigError, InputError, MissingDependency
from ..events import CorpusStats
from ..options import ReadOptions
from ..stories.model import DERIVED
from . import neighbours as nb
from . import spark_tasks as tasks
from . import stages as st
from .options import BatchOptions
from .tables import TABLES, Columns, ColumnType, arrow, write_columns, write_parquet

DRIVER_EDGES = 1_000_000
"""Up to this many strong links, their components are found on the driver by the
store's union-find (about 100 MB of Python tuples at the limit, under a second); past
it, by star joins (``components``), which collect nothing but cost a few Spark jobs a
round (8 CPU s of JVM work at 2,000 articles, against 0.1 s on the driver)."""


class SparkEngine:
    """The four stages as Spark jobs; the session starts when a stage first needs it,
    so a rerun whose stages are all complete starts no Spark."""

    def __init__(
        self,
        files: list[str],
        walk_errors: list[InputError],
        out: Path,
        settings: st.BatchSettings,
        read_options: ReadOptions,
        options: BatchOptions,
    ) -> None:
        self.files, self.walk_errors, self.out = files, walk_errors, out
        self.settings, self.read_options, self.options = settings, read_options, options
        self._spark: Any = None
        require_spark()

    @property
    def spark(self) -> Any:
        """The session, started once."""
        if self._spark is None:
            partitions = self.options.shuffle_partitions or _partitions(self.files)
            self._spark = session(self.options.master, partitions)
        return self._spark

    def prepare(self) -> None:
        """Start the session (timed apart from the stages: 10-25 s here)."""
        self.spark  # noqa: B018  (the property starts it once)

    def run(self, stage: str) -> dict[str, int]:
        """Compute ``stage`` from the earlier stages' tables; its counts."""
        job = {"articles": _articles, "candidates": _candidates, "links": _links}
        result: dict[str, int] = job.get(stage, _stories)(self)
        return result

    def close(self) -> None:
        """Stop the session if one was started."""
        if self._spark is not None:
            self._spark.stop()
            self._spark = None

    def frame(self, name: str, rdd: Any) -> Any:
        """An RDD of row dicts as a DataFrame of table ``name``."""
        # the rows are ours, typed by ``stages``: checking each against the schema in
        # Python costs more than converting it
        return self.spark.createDataFrame(
            rdd.map(_tuple(name)), _schema(TABLES[name]), verifySchema=False
        )

    def write(self, name: str, df: Any) -> None:
        """Write ``df`` as table ``name``."""
        df.write.mode("overwrite").parquet(str(self.out / name))

    def rows(self, name: str) -> int:
        """How many rows table ``name`` has, from its Parquet footers (no Spark job, no
        column read)."""
        import pyarrow.dataset as ds

        return int(ds.dataset(self.out / name, format="parquet").count_rows())

    def column(self, name: str, column: str) -> list[Any]:
        """One column of table ``name`` as written, read on the driver with pyarrow: for
        the stage's counts, each a Spark job of its own otherwise."""
        _, pq = arrow()
        values: list[Any] = (
            pq.read_table(self.out / name, columns=[column]).column(column).to_pylist()
        )
        return values

    def read(self, name: str) -> Any:
        """Table ``name`` as an earlier stage wrote it."""
        return self.parquet(self.out / name, TABLES[name])

    def parquet(self, folder: Path, columns: Columns) -> Any:
        """The Parquet files under ``folder``, of ``columns``: told the schema, Spark runs
        no job to read it from a file's footer."""
        return self.spark.read.schema(_schema(columns, read=True)).parquet(str(folder))


def require_spark() -> None:
    """Fail early, before any work, when Spark cannot run here.

    Raises:
        MissingDependency: pyspark is not installed.
        ConfigError: no Java to run Spark with.
    """
    try:
        import pyspark  # noqa: F401
    except ImportError:
        raise MissingDependency("batch --engine spark", "spark", "pyspark") from None
    if not os.environ.get("JAVA_HOME") and shutil.which("java") is None:
        raise ConfigError(
            "--engine spark needs Java 17 or later (none on PATH and no JAVA_HOME); "
            "install a JDK (e.g. apt-get install openjdk-17-jre-headless) or use --engine local"
        )


STAGING = "articles-read"
"""The folder under ``--out`` where the read tasks write their rows before dedup
(removed when the articles stage completes)."""

_JVM_OPTIONS = "spark.driver.defaultJavaOptions"

LOCAL_JVM = "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC"
"""The JVM's options in local mode (driver and executor in one JVM): the client compiler
only and one collector thread. A batch's JVM work is many short jobs; the optimising
compiler and a parallel collector cost more CPU than they save there (at 2,000 articles
the JVM took 34 CPU s without these, 16 with them: docs/batch.md, "Speed"). Set as
Spark's ``defaultJavaOptions``, to which a user's ``spark.driver.extraJavaOptions`` are
appended, so a flag of theirs still wins."""


def session(master: str | None, partitions: int) -> Any:
    """A Spark session for a batch: workers run this Python, small jobs stay small.

    Raises:
        MissingDependency: pyspark is not installed.
        ConfigError: no Java to run Spark with.
    """
    require_spark()
    from pyspark import SparkConf
    from pyspark.sql import SparkSession

    # workers start `python3` from PATH otherwise: another interpreter, without storytrace
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    conf = SparkConf()
    builder = SparkSession.builder.appName("storytrace batch")
    if master is None and not conf.contains("spark.master"):
        master = "local[*]"
    if master is not None:
        builder = builder.master(master)
    if master is not None and master.startswith("local") and not conf.contains(_JVM_OPTIONS):
        builder = builder.config(_JVM_OPTIONS, LOCAL_JVM)
    return (
        builder.config("spark.sql.shuffle.partitions", str(partitions))
        .config("spark.default.parallelism", str(partitions))
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .getOrCreate()
    )


def _partitions(files: list[str]) -> int:
    """Shuffle partitions from the input size: one per 32 MB, 2 to 200 (Spark's default
    200 makes a small job crawl)."""
    size = 0
    for path in files:
        try:
            size += os.path.getsize(path)
        except OSError:
            continue
    return max(2, min(200, size // (32 << 20) + 1))


def _schema(columns: Columns, *, read: bool = False) -> Any:
    """The Spark schema of ``columns``; ``read``: as Spark reads it from Parquet (list
    items nullable, as pyarrow and Spark write them)."""
    from pyspark.sql import types as t

    kinds: dict[ColumnType, Any] = {
        "long": t.LongType(),
        "double": t.DoubleType(),
        "string": t.StringType(),
        "binary": t.BinaryType(),
        "longs": t.ArrayType(t.LongType(), containsNull=read),
        "boolean": t.BooleanType(),
    }
    return t.StructType([t.StructField(c, kinds[k], True) for c, k in columns])


def _tuple(name: str) -> Callable[[dict[str, Any]], tuple[Any, ...]]:
    columns = [c for c, _ in TABLES[name]]
    return lambda row: tuple(row.get(c) for c in columns)


def _articles(engine: SparkEngine) -> dict[str, int]:
    """Read, analyse and key every article, one task per file; dedup in SQL."""
    from pyspark.sql import Window
    from pyspark.sql import functions as f

    spark, settings, read_options = engine.spark, engine.settings, engine.read_options
    sc = spark.sparkContext
    files = engine.files
    # each task writes its file's rows as Parquet (pyarrow, as the local engine writes),
    # which Spark reads natively: the rows (record blobs and all) never cross the
    # Python-JVM boundary as pickles
    staging = engine.out / STAGING
    shutil.rmtree(staging, ignore_errors=True)
    sc.parallelize(list(enumerate(files)), max(1, len(files))).foreach(
        lambda task: tasks.read_to_parquet(task[0], task[1], staging, settings, read_options)
    )
    for name in ("articles", "errors"):
        if not (staging / name).exists():  # no input file at all
            write_parquet(staging / name / "part-empty.parquet", name, [])
    raw = engine.parquet(staging / "articles", TABLES["articles"])
    failed = engine.parquet(staging / "errors", TABLES["errors"])
    # dedup ranks only the narrow key columns, so the records are never shuffled, and
    # the kept rows stay in file order (seq order)
    keys = raw.select("seq", "store_key", "id", "source")
    by_key = Window.partitionBy("store_key").orderBy("seq")
    ranked = keys.withColumn("n", f.row_number().over(by_key)).withColumn(
        "kept_id", f.first("id").over(by_key)
    )
    by_id = Window.partitionBy("id").orderBy("seq")
    unique = ranked.filter("n = 1").withColumn("m", f.row_number().over(by_id))
    duplicates = ranked.filter("n > 1").rdd.map(
        lambda r: st.refused(r.asDict(), r["kept_id"], "duplicate")
    )
    clashes = unique.filter("m > 1").rdd.map(lambda r: st.refused(r.asDict(), None, "id"))
    walked = sc.parallelize(
        [st.error_row(-1 - n, err) for n, err in enumerate(engine.walk_errors)], 1
    )
    dropped = engine.frame("errors", duplicates.union(clashes).union(walked)).persist()
    gone = dropped.select("seq")
    columns = [c for c, _ in TABLES["articles"]]
    engine.write(
        "articles",
        raw.join(f.broadcast(gone), "seq", "left_anti")
        .select(*columns)
        .sortWithinPartitions("seq"),
    )
    engine.write("errors", failed.unionByName(dropped).orderBy("seq"))
    dropped.unpersist()
    shutil.rmtree(staging, ignore_errors=True)
    kinds = Counter(engine.column("errors", "kind"))
    return {
        "inputs": len(files),
        "articles": engine.rows("articles"),
        "duplicates": int(kinds.get("duplicate", 0)),
        "errors": int(kinds.get("error", 0)),
    }


NEIGHBOURS = "candidates-index"
"""The folder under ``--out`` holding the story-neighbour index while ``candidates`` runs."""


def _save_search(engine: SparkEngine, articles: Any, folder: Path) -> None:
    """``neighbours.Search`` saved under ``folder`` for the tasks. Up to ``BLOCKED_PAST``
    articles the driver builds the one index (from the Parquet, never through the JVM);
    past it the slabs are written by Spark tasks and the driver holds only the undated
    articles' vectors."""
    from pyspark.sql import functions as f

    total = engine.rows("articles")
    if total <= nb.BLOCKED_PAST:
        seqs, vectors, days = st.read_lead_vectors(engine.out / "articles")
        nb.Search.build(seqs, vectors, days).save(folder)
        return
    folder.mkdir(parents=True)
    seqs, vectors, days = st.read_lead_vectors(engine.out / "articles", undated_only=True)
    if len(seqs):
        nb.Neighbours.build(seqs, vectors).save(folder / nb.WHOLE)
    del vectors
    day = f.datediff(f.to_date(f.substring("published", 1, 10)), f.to_date(f.lit("1970-01-01")))
    dated = (
        articles.filter(f.col("published").isNotNull())
        .select("seq", day.alias("day"), "vector")
        .withColumn("slab", f.floor(f.col("day") / nb.WINDOW_DAYS).cast("long"))
    )
    sizes = {int(r[0]): int(r[1]) for r in dated.groupBy("slab").count().collect()}
    where = str(folder)
    by_slab = dated.repartition(max(1, len(sizes)), "slab").sortWithinPartitions(
        "slab", "day", "seq"
    )
    by_slab.foreachPartition(lambda rows: tasks.write_slabs(rows, where))
    nb.write_manifest(folder, sizes, whole=len(seqs))


def _candidates(engine: SparkEngine) -> dict[str, int]:
    """Story neighbours per task of ``neighbours.Search``; LSH buckets in SQL."""
    from pyspark.sql import functions as f

    spark = engine.spark
    sc = spark.sparkContext
    articles = engine.read("articles")
    folder = engine.out / NEIGHBOURS
    shutil.rmtree(folder, ignore_errors=True)
    _save_search(engine, articles, folder)
    # each search task writes its (a, b, cosine) as Parquet, which Spark reads natively:
    # 500,000 of them at 10,000 articles no longer cross into the JVM as pickled rows
    found = engine.out / tasks.FOUND
    shutil.rmtree(found, ignore_errors=True)
    work = list(enumerate(nb.Search.open(folder).tasks()))
    where = str(folder)
    sc.parallelize(work, max(1, len(work))).foreach(
        lambda t: tasks.search_to_parquet(t[0], t[1], where, found)
    )
    if not found.exists():  # no article at all
        write_columns(found / "part-empty.parquet", tasks.FOUND_COLUMNS, [])
    pairs = (
        engine.parquet(found, tasks.FOUND_COLUMNS)
        .groupBy("a", "b")
        .agg(f.max("cosine").alias("cosine"))
        .withColumn("kind", f.lit("story"))
    )
    bands = articles.select("seq", f.posexplode("bands").alias("band", "hash"))
    sizes = bands.groupBy("band", "hash").agg(
        f.count("*").alias("size"), f.min("seq").alias("first")
    )
    largest = int(sizes.agg(f.max("size")).collect()[0][0] or 0)
    members = bands.join(sizes.filter("size > 1"), ["band", "hash"])
    small = (
        members.filter(f.col("size") <= st.MAX_BUCKET)
        .groupBy("band", "hash")
        .agg(f.collect_list("seq").alias("bucket"))
        .rdd.flatMap(lambda r: st.lsh_pairs(r["bucket"]))
    )
    # an oversized bucket: star edges from its first article, never collected in one list
    star = (
        members.filter(f.col("size") > st.MAX_BUCKET)
        .filter(f.col("seq") != f.col("first"))
        .select(f.col("first").alias("a"), f.col("seq").alias("b"))
    )
    signatures = articles.select("seq", "signature")
    lsh = (
        spark.createDataFrame(small, "a long, b long", verifySchema=False)
        .unionByName(star)
        .distinct()
        .join(signatures.withColumnsRenamed({"seq": "a", "signature": "sig_a"}), "a")
        .join(signatures.withColumnsRenamed({"seq": "b", "signature": "sig_b"}), "b")
        .rdd.filter(lambda r: st.textual(r["sig_a"], r["sig_b"]))
        .map(lambda r: (r["a"], r["b"], None, "lsh"))
    )
    lsh_df = spark.createDataFrame(
        lsh, "a long, b long, cosine double, kind string", verifySchema=False
    )
    engine.write("candidates", pairs.unionByName(lsh_df).orderBy("a", "b", "kind"))
    shutil.rmtree(folder, ignore_errors=True)
    shutil.rmtree(found, ignore_errors=True)
    return {
        "lsh_pairs": engine.column("candidates", "kind").count("lsh"),
        "largest_bucket": largest,
    }


def _links(engine: SparkEngine) -> dict[str, int]:
    """P(same event) per partition at the corpus's frequencies; ``compare`` on the pairs
    the stories stage verifies and the textual LSH pairs."""
    from pyspark import StorageLevel
    from pyspark.sql import functions as f

    spark = engine.spark
    sc = spark.sparkContext
    partitions = int(spark.conf.get("spark.sql.shuffle.partitions"))
    articles = engine.read("articles")
    candidates = engine.read("candidates")
    pairs = candidates.filter("kind = 'story'").select("a", "b", "cosine")
    lsh_df = candidates.filter("kind = 'lsh'").select("a", "b", f.col("kind").alias("found_by"))
    # one Counter per partition, merged on the driver: a (key, 1) pair per key through
    # Python and a shuffle cost ten times as much; the rows counted in the same pass
    documents, df = (
        articles.select("evidence")
        .rdd.mapPartitions(tasks.frequencies)
        .fold((0, Counter()), lambda x, y: (x[0] + y[0], x[1] + y[1]))
    )
    stats = sc.broadcast(CorpusStats(documents=documents, df=df))
    # each scoring task writes its links as Parquet (as the read tasks write articles),
    # which Spark reads natively: 250,000 scored links at 10,000 articles never cross
    # into the JVM as pickled rows; the verify filter and the certain links' p = 1.0
    # are SQL on them, not more passes through Python
    staging = engine.out / tasks.SCORED
    shutil.rmtree(staging, ignore_errors=True)
    _scoring_rows(pairs, articles, partitions).rdd.mapPartitionsWithIndex(
        lambda index, rows: tasks.score_to_parquet(index, rows, staging, stats.value)
    ).count()
    if not staging.exists():  # no partition at all
        write_columns(staging / "part-empty.parquet", tasks.SCORED_COLUMNS, [])
    scored = engine.parquet(staging, tasks.SCORED_COLUMNS)
    story_verify = scored.filter("verify").select("a", "b", f.lit("story").alias("found_by"))
    records = articles.select("seq", "record")
    todo = (
        story_verify.unionByName(lsh_df)
        .groupBy("a", "b")
        .agg(f.concat_ws(",", f.sort_array(f.collect_set("found_by"))).alias("found_by"))
        .join(records.withColumnsRenamed({"seq": "a", "record": "rec_a"}), "a")
        .join(records.withColumnsRenamed({"seq": "b", "record": "rec_b"}), "b")
        .repartition(partitions, "a", "b")
    )
    encoder = engine.settings.encoder
    verdicts = todo.rdd.mapPartitions(
        lambda rows: tasks.single(
            lambda: (
                v for r in tasks.rows_as_dicts(rows) if (v := st.verify(r, encoder)) is not None
            )
        )
    )
    # the sort samples its input in a job of its own: without the cache, every pair
    # would be compared twice (once to sample, once to write)
    judged = engine.frame("versions", verdicts).persist(StorageLevel.MEMORY_AND_DISK)
    engine.write("versions", judged.orderBy("a", "b"))
    versions = engine.read("versions")
    judged.unpersist()
    # a story link compare found derived becomes certain (``stages.story_links``)
    certain = (
        versions.filter(f.col("relation").isin(*sorted(DERIVED)))
        .filter(f.array_contains(f.split("found_by", ","), "story"))
        .select("a", "b", f.lit(True).alias("certain"))
    )
    p = f.when(f.col("certain"), f.lit(1.0)).otherwise(f.col("p")).alias("p")
    engine.write(
        "links",
        scored.join(certain, ["a", "b"], "left").select("a", "b", "cosine", p).orderBy("a", "b"),
    )
    shutil.rmtree(staging, ignore_errors=True)
    return {
        "links": engine.rows("links"),
        "verified": engine.rows("versions"),
    }


def _scoring_rows(pairs: Any, articles: Any, partitions: int) -> Any:
    """The story links (a, b, cosine, lang_a, lang_b) and, in the same partition, the
    evidence of each article they involve, once per partition: joined per link, two
    evidence blobs crossed into Python (and were decoded) for every link."""
    from pyspark.sql import functions as f

    langs = articles.select("seq", "lang")
    links = (
        pairs.withColumn("part", f.pmod(f.xxhash64("a"), f.lit(partitions)))
        .join(langs.withColumnsRenamed({"seq": "a", "lang": "lang_a"}), "a")
        .join(langs.withColumnsRenamed({"seq": "b", "lang": "lang_b"}), "b")
    )
    needed = (
        links.select("part", f.col("a").alias("seq"))
        .unionByName(links.select("part", f.col("b").alias("seq")))
        .distinct()
        .join(articles.select("seq", "evidence"), "seq")
    )
    return links.unionByName(needed, allowMissingColumns=True).repartition(partitions, "part")


def _stories(engine: SparkEngine) -> dict[str, int]:
    """Components of the strong links by star joins, then each component clustered."""
    from pyspark.sql import functions as f

    spark = engine.spark
    articles, links = engine.read("articles"), engine.read("links")
    strong = links.filter(f.col("p") >= f.lit(st.strong_min())).select("a", "b").persist()
    if strong.count() <= DRIVER_EDGES:
        edges = ((int(r["a"]), int(r["b"])) for r in strong.toLocalIterator())
        owner = spark.createDataFrame(
            sorted(st.components(edges).items()), "node long, component long"
        )
    else:
        owner = components(strong)
    sizes = owner.groupBy("component").count()
    largest = sizes.agg(f.max("count")).collect()[0][0]
    by_a = owner.withColumnsRenamed({"node": "a", "component": "ca"})
    by_b = owner.withColumnsRenamed({"node": "b", "component": "cb"})
    stories = (
        links.join(by_a, "a")
        .join(by_b, "b")
        .filter("ca = cb")
        .rdd.map(lambda r: (r["ca"], (int(r["a"]), int(r["b"]), r["p"])))
        .groupByKey()
        .flatMap(lambda kv: tasks.single(lambda: st.cluster_component(sorted(kv[1])).items()))
    )
    # cached: the sort below samples its input in a job of its own, which would cluster
    # every component twice
    assigned = spark.createDataFrame(stories, "seq long, story_seq long", verifySchema=False)
    assigned = assigned.persist()
    ids = articles.select("seq", "id")
    members = (
        ids.join(assigned, "seq", "left")
        .withColumn("story_seq", f.coalesce("story_seq", "seq"))
        .join(ids.withColumnsRenamed({"seq": "story_seq", "id": "story"}), "story_seq")
        .select("seq", "id", "story")
        .orderBy("seq")
    )
    engine.write("stories", members)
    strong.unpersist()
    assigned.unpersist()
    stories = engine.column("stories", "story")
    return {
        "stories": len(set(stories)),
        "largest_component": int(largest) if largest is not None else (1 if stories else 0),
    }


def components(edges: Any) -> Any:
    """The connected components of an edge frame (a, b) as (node, component), each
    component named by its smallest node, as the store's union-find names it: large-star
    and small-star joins in turn (Kiveris et al. 2014) until the edges stop changing,
    when every component is a star around its smallest node. Nothing is collected on
    the driver; a round is a few joins, and rounds grow as log² of the longest path."""
    from pyspark.sql import functions as f

    def ordered(df: Any, x: str, y: str) -> Any:
        return df.select(f.least(x, y).alias("a"), f.greatest(x, y).alias("b")).filter("a != b")

    current = ordered(edges, "a", "b").distinct().localCheckpoint()
    while True:
        # large star: each node's larger neighbours join its smallest neighbour (or itself)
        both = current.unionByName(current.select(f.col("b").alias("a"), f.col("a").alias("b")))
        low = both.groupBy("a").agg(f.least(f.min("b"), f.first("a")).alias("m"))
        large = ordered(both.join(low, "a").filter("b > a"), "b", "m").distinct()
        # small star: each node and its smaller neighbours join the smallest of them
        low = large.groupBy("b").agg(f.min("a").alias("m"))
        small = ordered(large.join(low, "b"), "a", "m").unionByName(ordered(low, "b", "m"))
        small = small.distinct().localCheckpoint()
        # both are sets: equal sizes and one inside the other is equality
        if small.count() == current.count() and small.exceptAll(current).isEmpty():
            break
        current = small
    return (
        current.select(f.col("b").alias("node"), f.col("a").alias("component"))
        .unionByName(current.select(f.col("a").alias("node"), f.col("a").alias("component")))
        .distinct()
    )
