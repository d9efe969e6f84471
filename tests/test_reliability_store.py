"""A store survives every interruption and every damage with one clear line: kill -9
while it is made and while it grows, two first opens at once, damaged files, a
read-only folder, a full disk, ids given by the source (issue 17)."""

from __future__ import annotations

import contextlib
import json
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from storytrace.cli import app
from storytrace.corpus import Store, StoreOptions
from storytrace.errors import StoreError
from storytrace.store import db as store_db

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "examples" / "ecbplus-sample" / "ecbplus-sample.jsonl"
LEXICAL = StoreOptions(encoder="lexical")
CLI = [sys.executable, "-m", "storytrace.cli"]


def run(*args: str) -> Result:
    return CliRunner().invoke(app, list(args))


def no_traceback(result: Result) -> None:
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        result.exception,
        result.output,
    )
    assert "Traceback" not in result.output


def integrity(db: Path) -> str:
    with contextlib.closing(sqlite3.connect(db)) as conn:
        return str(conn.execute("PRAGMA integrity_check").fetchone()[0])


def stored_ids(db: Path) -> list[str]:
    with Store(db, create=False) as store:
        return store.ids()


def sample_ids() -> list[str]:
    return [json.loads(line)["id"] for line in SAMPLE.read_text("utf-8").splitlines()]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store of the 40 sample articles, closed (no WAL left)."""
    db = tmp_path_factory.mktemp("built") / "s.db"
    with Store(db, options=LEXICAL) as store:
        store.add([SAMPLE])
    return db


def copy_store(built: Path, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for path in built.parent.iterdir():
        if path.name.startswith(built.name) and not path.name.endswith(".lock"):
            shutil.copy(path, folder / path.name)
    return folder / built.name


# --- kill -9 ------------------------------------------------------------------------


def kill_add_at(db: Path, delay: float, *extra: str) -> None:
    process = subprocess.Popen(
        [*CLI, "add", "--db", str(db), "-e", "lexical", *extra, str(SAMPLE)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    time.sleep(delay)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=60)


def readd_completes(db: Path) -> None:
    result = subprocess.run(
        [*CLI, "add", "--db", str(db), "-e", "lexical", str(SAMPLE)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert integrity(db) == "ok"
    ids = stored_ids(db)
    assert sorted(ids) == sorted(set(sample_ids()))
    assert len(ids) == len(set(ids))


def test_kill_9_while_a_new_store_is_made_or_filled(tmp_path: Path) -> None:
    """Killed at random moments from start-up to the first batches: the next add opens
    the store (or makes it again) and completes it, with no article twice."""
    rng = random.Random(17)
    for n, delay in enumerate([rng.uniform(0.3, 1.2), rng.uniform(1.2, 2.5)]):
        db = tmp_path / f"new{n}.db"
        kill_add_at(db, delay, "--batch-size", "4")
        readd_completes(db)


def test_kill_9_while_an_existing_store_grows(built: Path, tmp_path: Path) -> None:
    db = copy_store(built, tmp_path / "grow")
    extra = tmp_path / "more.jsonl"
    lines = SAMPLE.read_text("utf-8").splitlines()
    extra.write_text(
        "\n".join(
            json.dumps({**json.loads(line), "id": "more-" + json.loads(line)["id"]})
            for line in lines
        )
        + "\n",
        "utf-8",
    )
    process = subprocess.Popen(
        [*CLI, "add", "--db", str(db), "--batch-size", "4", str(extra)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    time.sleep(random.Random(3).uniform(1.5, 2.5))
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=60)
    assert integrity(db) == "ok"
    before = set(stored_ids(db))
    assert set(sample_ids()) <= before  # nothing committed was lost
    result = subprocess.run(
        [*CLI, "add", "--db", str(db), str(extra)], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    ids = stored_ids(db)
    assert len(ids) == len(set(ids)) == 80


def test_two_first_adds_at_once_both_succeed_and_keep_everything(tmp_path: Path) -> None:
    lines = SAMPLE.read_text("utf-8").splitlines()
    halves = [tmp_path / "one.jsonl", tmp_path / "two.jsonl"]
    halves[0].write_text("\n".join(lines[:20]) + "\n", "utf-8")
    halves[1].write_text("\n".join(lines[20:]) + "\n", "utf-8")
    db = tmp_path / "new.db"
    processes = [
        subprocess.Popen(
            [*CLI, "add", "--db", str(db), "-e", "lexical", str(half)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for half in halves
    ]
    for process in processes:
        _, err = process.communicate(timeout=180)
        assert process.returncode == 0, err
        assert "Traceback" not in err
    assert sorted(stored_ids(db)) == sorted(set(sample_ids()))
    assert integrity(db) == "ok"


def test_a_store_whose_creation_was_cut_off_is_made_again(tmp_path: Path) -> None:
    """What a kill between the WAL switch and the creating transaction leaves."""
    db = tmp_path / "s.db"
    with contextlib.closing(sqlite3.connect(db)) as conn:
        conn.execute("PRAGMA journal_mode = WAL")
    with Store(db, options=LEXICAL) as store:
        assert len(store) == 0
        assert store.repository.settings.encoder == "lexical"


def test_a_half_made_store_of_an_older_version_is_named_then_completed(tmp_path: Path) -> None:
    """Older versions committed the schema before the settings: such a store is named
    by reading commands and completed by add."""
    db = tmp_path / "s.db"
    with Store(db, options=LEXICAL):
        pass
    with contextlib.closing(sqlite3.connect(db)) as conn:
        conn.execute("DELETE FROM meta")
        conn.commit()
    result = run("find", "--db", str(db), "--id", "x")
    no_traceback(result)
    assert result.exit_code == 2
    assert "half-made" in result.output
    result = run("add", "--db", str(db), "-e", "lexical", str(SAMPLE))
    assert result.exit_code == 0, result.output
    assert len(stored_ids(db)) == 40


# --- damage ---------------------------------------------------------------------------


def _truncate(db: Path, size: int) -> None:
    with db.open("r+b") as handle:
        handle.truncate(size)


def _overwrite(db: Path, offset: int, length: int, seed: int) -> None:
    data = random.Random(seed).randbytes(length)
    with db.open("r+b") as handle:
        handle.seek(offset)
        handle.write(data)


def _damage(kind: str, db: Path) -> None:
    size = db.stat().st_size
    if kind == "truncated to 50 bytes":
        _truncate(db, 50)
    elif kind == "truncated to half":
        _truncate(db, size // 2)
    elif kind == "header overwritten":
        _overwrite(db, 0, 100, 1)
    elif kind == "schema page overwritten":
        _overwrite(db, 100, 3000, 2)
    elif kind == "pages overwritten":
        for n in range(20):
            _overwrite(db, 4096 * (2 + n * 3) + 17, 900, n)
    elif kind == "WAL garbage":
        db.with_name(db.name + "-wal").write_bytes(random.Random(4).randbytes(50_000))
    elif kind == "foreign SQLite file":
        db.unlink()
        with contextlib.closing(sqlite3.connect(db)) as conn:
            conn.execute("CREATE TABLE t (x)")
            conn.commit()
    elif kind == "zero bytes of garbage":
        db.write_bytes(b"\0" * size)


DAMAGE = [
    "truncated to 50 bytes",
    "truncated to half",
    "header overwritten",
    "schema page overwritten",
    "pages overwritten",
    "WAL garbage",
    "foreign SQLite file",
    "zero bytes of garbage",
]


@pytest.mark.parametrize("kind", DAMAGE)
def test_every_command_on_a_damaged_store_says_one_line(
    kind: str, built: Path, tmp_path: Path
) -> None:
    db = copy_store(built, tmp_path / "damaged")
    _damage(kind, db)
    first = sample_ids()[0]
    for command in (
        ["find", "--db", str(db), "--id", first],
        ["stories", "--db", str(db)],
        ["story", "--db", str(db), first],
        ["reindex", "--db", str(db)],
        ["add", "--db", str(db), str(SAMPLE)],
    ):
        result = run(*command)
        no_traceback(result)
        if result.exit_code:
            lines = [line for line in result.output.splitlines() if line.startswith("error")]
            assert len(lines) == 1, result.output


def test_a_damaged_store_names_the_cause_and_the_remedy(built: Path, tmp_path: Path) -> None:
    db = copy_store(built, tmp_path / "damaged")
    _damage("truncated to half", db)
    result = run("stories", "--db", str(db))
    assert result.exit_code == 2
    assert "damaged" in result.output
    assert "integrity_check" in result.output


# --- read-only ------------------------------------------------------------------------


@contextlib.contextmanager
def read_only(folder: Path, db: Path) -> Iterator[None]:
    db.chmod(0o444)
    folder.chmod(0o555)
    try:
        yield
    finally:
        folder.chmod(0o755)
        db.chmod(0o644)


def test_a_store_in_a_read_only_folder_is_read_and_writes_are_refused(
    built: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "share"
    db = copy_store(built, folder)
    first = sample_ids()[0]
    with read_only(folder, db):
        before = sorted(p.name for p in folder.iterdir())
        found = run("find", "--db", str(db), "--id", first, "--format", "json")
        assert found.exit_code == 0, found.output
        assert json.loads(found.stdout)["query"]["id"] == first
        listed = run("stories", "--db", str(db))
        assert listed.exit_code == 0, listed.output
        assert "read-only" in listed.output
        assert "could not be updated" in listed.output
        added = run("add", "--db", str(db), str(SAMPLE))
        assert added.exit_code == 2
        assert "read-only" in added.output
        no_traceback(added)
        assert sorted(p.name for p in folder.iterdir()) == before  # nothing written


# --- disk full ------------------------------------------------------------------------


def test_a_full_disk_is_named_and_the_store_stays_whole(
    built: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = copy_store(built, tmp_path / "full")
    connect = store_db.connect

    def small_disk(path: Path, *, read_only: bool = False) -> sqlite3.Connection:
        conn = connect(path, read_only=read_only)
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
        conn.execute(f"PRAGMA max_page_count = {pages + 2}")
        return conn

    monkeypatch.setattr(store_db, "connect", small_disk)
    more = tmp_path / "more.jsonl"
    more.write_text(
        "\n".join(
            json.dumps({**json.loads(line), "id": "x-" + json.loads(line)["id"]})
            for line in SAMPLE.read_text("utf-8").splitlines()
        ),
        "utf-8",
    )
    result = run("add", "--db", str(db), str(more))
    no_traceback(result)
    assert result.exit_code == 2
    assert "disk is full" in result.output
    assert "no transaction" not in result.output
    monkeypatch.undo()
    assert integrity(db) == "ok"
    assert len(stored_ids(db)) == 40


def test_atomic_keeps_the_cause_when_sqlite_rolled_back_itself(tmp_path: Path) -> None:
    conn = sqlite3.connect(tmp_path / "x.db", isolation_level=None)
    conn.execute("CREATE TABLE t (x)")

    def fail_after_sqlite_rolled_back() -> None:
        with store_db.atomic(conn):
            conn.execute("INSERT INTO t VALUES (1)")
            conn.execute("ROLLBACK")  # as SQLite does on a full disk
            raise ZeroDivisionError

    with pytest.raises(ZeroDivisionError):
        fail_after_sqlite_rolled_back()


# --- ids given by the source ----------------------------------------------------------


def test_the_same_body_under_two_ids_is_kept_under_both(tmp_path: Path) -> None:
    body = json.loads(SAMPLE.read_text("utf-8").splitlines()[0])["text"]
    records = tmp_path / "r.jsonl"
    records.write_text(
        json.dumps({"id": "wire-1", "text": body})
        + "\n"
        + json.dumps({"id": "wire-2", "text": body})
        + "\n",
        "utf-8",
    )
    db = tmp_path / "s.db"
    assert run("add", "--db", str(db), "-e", "lexical", str(records)).exit_code == 0
    again = run("add", "--db", str(db), str(records))
    assert again.exit_code == 0
    assert "added 0 article(s), 2 already stored" in again.stdout
    found = run("find", "--db", str(db), "--id", "wire-2", "--format", "json")
    assert found.exit_code == 0, found.output
    versions = json.loads(found.stdout)["versions"]
    assert [(v["id"], v["relation"]) for v in versions] == [("wire-1", "duplicate")]


def test_every_id_collision_is_named_on_its_own_line(tmp_path: Path) -> None:
    records = tmp_path / "r.jsonl"
    lines = [json.loads(line) for line in SAMPLE.read_text("utf-8").splitlines()[:3]]
    records.write_text(
        "\n".join(json.dumps({"id": "same", "text": r["text"]}) for r in lines) + "\n", "utf-8"
    )
    result = run("add", "--db", str(tmp_path / "s.db"), "-e", "lexical", str(records))
    assert result.exit_code == 2
    errors = [line for line in result.output.splitlines() if line.startswith("error")]
    assert len(errors) == 2
    assert f"{records}:2" in errors[0]
    assert f"{records}:3" in errors[1]
    assert all("'same' is already stored" in e and f"{records}:1" in e for e in errors)


def test_a_read_only_store_refuses_writes_from_the_library(built: Path, tmp_path: Path) -> None:
    db = copy_store(built, tmp_path / "ro")
    with Store(db, create=False, read_only=True) as store:
        assert len(store) == 40
        with pytest.raises(StoreError, match="read-only"):
            store.add([SAMPLE])
