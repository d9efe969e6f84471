"""storytrace batch inputs: Parquet reads as JSON Lines does, and bad input (a truncated
WARC, a malformed JSONL line, a Parquet file without a ``text`` column, bad rows) gives
error rows naming the input and the reason while the rest is processed, in both engines."""

from __future__ import annotations

import datetime as dt
import html
import io
import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from _batch_helpers import table
from storytrace.batch import BatchOptions, run_batch
from storytrace.batch.tables import TABLES

pa = pytest.importorskip("pyarrow", reason="storytrace batch reads and writes Parquet")
pq = pytest.importorskip("pyarrow.parquet")

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "examples" / "ecbplus-sample" / "ecbplus-sample.jsonl"


def sample() -> list[dict[str, Any]]:
    """The ECB+ sample's records (real news articles)."""
    lines = SAMPLE.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def write_parquet(path: Path, records: list[dict[str, Any]], schema: Any = None) -> Path:
    columns = sorted({k for r in records for k in r})
    rows = [{c: r.get(c) for c in columns} for r in records]
    pq.write_table(pa.Table.from_pylist(rows, schema=schema), path, row_group_size=16)
    return path


def warc(pages: list[dict[str, Any]]) -> bytes:
    """A crawl of ``pages`` (sample records) as HTML responses."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    out = io.BytesIO()
    writer = WARCWriter(out, gzip=False)
    for n, page in enumerate(pages):
        body = "\n".join(f"<p>{html.escape(p)}</p>" for p in page["text"].split("\n"))
        data = (
            f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Report {n}'
            f"</title></head><body><article>{body}</article></body></html>"
        ).encode()
        headers = StatusAndHeaders(
            "200 OK",
            [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(data)))],
            protocol="HTTP/1.1",
        )
        record = writer.create_warc_record(
            f"https://news{n}.example.com/story",
            "response",
            payload=io.BytesIO(data),
            http_headers=headers,
            warc_headers_dict={"WARC-Date": "2025-12-14T08:00:00Z"},
        )
        writer.write_record(record)
    return out.getvalue()


def test_parquet_reads_as_the_same_records_in_json_lines(tmp_path: Path) -> None:
    records = sample()
    jsonl, parquet = tmp_path / "in.jsonl", tmp_path / "in.parquet"
    shutil.copy(SAMPLE, jsonl)
    write_parquet(parquet, records)
    run_batch([jsonl], tmp_path / "from-jsonl")
    run_batch([parquet], tmp_path / "from-parquet")
    same = ("seq", "id", "store_key", "lang", "published", "title", "signature", "bands")
    a, b = table(tmp_path / "from-jsonl", "articles"), table(tmp_path / "from-parquet", "articles")
    assert len(a) == len(records)
    assert [{k: r[k] for k in (*same, "vector", "evidence")} for r in b] == [
        {k: r[k] for k in (*same, "vector", "evidence")} for r in a
    ]
    assert b[0]["source"] == f"{parquet}#row=1"
    for name in ("candidates", "links", "versions", "stories"):
        assert table(tmp_path / "from-parquet", name) == table(tmp_path / "from-jsonl", name)


def test_parquet_typed_columns_read_as_their_json_values(tmp_path: Path) -> None:
    """A date column and integer ids (what a data frame writes) read as JSON's ISO dates
    and numbers written as JSON."""
    first, second = sample()[:2]
    schema = pa.schema([("id", pa.int64()), ("published", pa.date32()), ("text", pa.string())])
    path = write_parquet(
        tmp_path / "typed.parquet",
        [
            {"id": 7, "published": dt.date(2024, 3, 1), "text": first["text"]},
            {"id": 8, "published": None, "text": second["text"]},
        ],
        schema,
    )
    run_batch([path], tmp_path / "out")
    rows = table(tmp_path / "out", "articles")
    assert [(r["id"], r["published"]) for r in rows] == [("7", "2024-03-01"), ("8", None)]
    assert table(tmp_path / "out", "errors") == []


@pytest.fixture(scope="module")
def bad_inputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Good and bad inputs side by side (all real sample text)."""
    folder = tmp_path_factory.mktemp("bad-inputs")
    records = sample()
    rows = [
        *records[:6],
        {"id": "no-text", "title": "Nothing"},
        {**records[6], "published": "soon"},
    ]
    paths = {
        "rows": write_parquet(folder / "rows.parquet", rows),
        "column": write_parquet(
            folder / "column.parquet",
            [{"id": r["id"] + "-body", "body": r["text"]} for r in records[10:14]],
        ),
        "lines": folder / "lines.jsonl",
        "warc": folder / "cut.warc",
    }
    lines = [
        json.dumps(records[20]),
        '{"id": "broken", "text": "unterminated',
        json.dumps(records[21]),
    ]
    paths["lines"].write_text("\n".join(lines) + "\n", encoding="utf-8")
    data = warc(records[30:32])
    cut = data.index(b"<article>", data.index(b"https://news1.example.com")) + 200
    paths["warc"].write_bytes(data[:cut])
    return paths


@pytest.fixture(scope="module")
def bad_local(bad_inputs: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("bad-local")
    run_batch(list(bad_inputs.values()), out)
    return out


def test_bad_inputs_become_error_rows_and_the_rest_is_processed(
    bad_inputs: dict[str, Path], bad_local: Path
) -> None:
    records = sample()
    errors = {(e["source"], e["kind"]): e["reason"] for e in table(bad_local, "errors")}
    column = str(bad_inputs["column"])
    assert errors[(column, "error")].startswith('missing the required column "text"')
    assert "body" in errors[(column, "error")]
    assert sum(1 for source, _ in errors if source.startswith(column)) == 1
    rows = str(bad_inputs["rows"])
    assert errors[(f"{rows}#row=7", "error")] == 'missing the required field "text"'
    assert '"published" must be an ISO date' in errors[(f"{rows}#row=8", "error")]
    assert errors[(f"{bad_inputs['lines']}:2", "error")].startswith("invalid JSON")
    cut = [r for (s, _), r in errors.items() if s.startswith(str(bad_inputs["warc"]))]
    assert len(cut) == 1
    assert "truncated" in cut[0]
    assert len(errors) == 5
    articles = table(bad_local, "articles")
    ids = [r["id"] for r in articles]
    expected = [r["id"] for r in records[:6]] + [records[20]["id"], records[21]["id"]]
    assert [i for i in ids if i in expected] == expected
    warc_articles = [r for r in articles if r["source"].startswith(str(bad_inputs["warc"]))]
    assert len(warc_articles) == 1
    assert warc_articles[0]["title"] == "Report 0"
    assert len(table(bad_local, "stories")) == len(articles)


def test_spark_engine_gives_the_same_rows_on_bad_inputs(
    bad_inputs: dict[str, Path], bad_local: Path, tmp_path: Path
) -> None:
    pytest.importorskip("pyspark", reason="the Spark engine needs the spark extra")
    if shutil.which("java") is None:
        pytest.skip("the Spark engine needs Java 17+ on PATH")
    options = BatchOptions(engine="spark", master="local[2]", shuffle_partitions=2)
    run_batch(list(bad_inputs.values()), tmp_path, options)
    for name in TABLES:
        assert table(tmp_path, name) == table(bad_local, name), name
