"""The store and ``find`` on real text: idempotent adds, crashes, foreign files, versions."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from storytrace import InputError, NotFound
from storytrace.cli import app
from storytrace.corpus import Store, StoreOptions
from storytrace.errors import StoreError
from storytrace.model import Article
from storytrace.pipeline import read
from storytrace.store import repository
from storytrace.store.schema import STORE_ID

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "examples" / "seed-pair"
SHARED_DATA = ROOT.parent / "shared" / "data"
LEXICAL = StoreOptions(encoder="lexical")


def ecb_jsonl(tmp_path: Path, n: int) -> Path:
    """The first ``n`` ECB+ documents as a storytrace JSONL file (ids kept)."""
    source = SHARED_DATA / "ecbplus" / "ecbplus_docs_train_dev.jsonl"
    if not source.exists():
        pytest.skip(f"external data not found at {source}")
    out = tmp_path / f"ecb-{n}.jsonl"
    with source.open(encoding="utf-8") as lines, out.open("w", encoding="utf-8") as dst:
        for k, line in enumerate(lines):
            if k >= n:
                break
            doc = json.loads(line)
            dst.write(json.dumps({"id": doc["doc_id"], "text": doc["text"]}) + "\n")
    return out


def light_edit(tmp_path: Path) -> Path:
    text = (SEED / "a.txt").read_text(encoding="utf-8")
    edited = text.replace("80% of its territory", "75% of its territory").replace(
        "Earlier about Witkoff's visit to Berlin said an interviewer for The Wall Street "
        "Journal.\n\n",
        "",
    )
    path = tmp_path / "a-edited.txt"
    path.write_text(edited, encoding="utf-8")
    return path


def consistent(db_path: Path) -> dict[str, int]:
    """Integrity of a store file: every derived row belongs to a stored article."""
    db = sqlite3.connect(db_path)
    try:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        counts = {
            table: db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
            for table in ("articles", "signatures", "doc_vectors", "lsh")
        }
        assert counts["doc_vectors"] == counts["articles"]
        assert counts["signatures"] == counts["articles"]
        bands = int(db.execute("SELECT value FROM meta WHERE key = 'bands'").fetchone()[0])
        assert counts["lsh"] == bands * counts["signatures"]
        orphans = db.execute(
            "SELECT COUNT(*) FROM fact_keys WHERE article NOT IN (SELECT rowid FROM articles)"
        ).fetchone()[0]
        assert orphans == 0
        df_total = db.execute("SELECT COALESCE(SUM(n), 0) FROM fact_df").fetchone()[0]
        assert df_total == db.execute("SELECT COUNT(*) FROM fact_keys").fetchone()[0]
        return counts
    finally:
        db.close()


def test_add_is_idempotent_and_says_so(tmp_path: Path) -> None:
    with Store(tmp_path / "s.db", options=LEXICAL) as store:
        first = store.add([SEED])
        again = store.add([SEED / "a.txt", SEED / "b.txt"])
        assert first.added == 2
        assert again.added == 0
        assert sorted(s for s, _ in again.duplicates) == sorted(
            [str(SEED / "a.txt"), str(SEED / "b.txt")]
        )
        assert len(store) == 2
        a = store.get(again.duplicates[0][1])
        assert a.body == store.get(a.id).body
    consistent(tmp_path / "s.db")


def test_get_unknown_id_is_not_found(tmp_path: Path) -> None:
    with Store(tmp_path / "s.db", options=LEXICAL) as store, pytest.raises(NotFound, match="no"):
        store.get("nope")


def test_an_article_survives_the_store_whole(tmp_path: Path) -> None:
    import storytrace

    original = storytrace.read(SEED / "a.txt")
    with Store(tmp_path / "s.db", options=LEXICAL) as store:
        store.add([original])
        assert store.get(original.id) == original


def test_find_the_seed_rewrite_both_ways(tmp_path: Path) -> None:
    with Store(tmp_path / "s.db", options=LEXICAL) as store:
        store.add([SEED])
        ids = store.ids()
        forward = store.find(read(SEED / "a.txt"))
        assert forward.stored
        assert [(v.relation, v.id) for v in forward.versions] == [("rewrite", ids[1])]
        assert "vector" in forward.versions[0].found_by
        back = store.find_id(ids[1])
        assert [v.id for v in back.versions] == [ids[0]]
        assert back.query.id not in {v.id for v in back.versions}


def test_find_copies_and_light_edits_among_real_news(tmp_path: Path) -> None:
    jsonl = ecb_jsonl(tmp_path, 60)
    copy = tmp_path / "copy.txt"
    copy.write_text("Photo: Reuters\n\n" + (SEED / "a.txt").read_text(encoding="utf-8"))
    with Store(tmp_path / "s.db", options=LEXICAL) as store:
        store.add([jsonl, SEED / "a.txt", copy, light_edit(tmp_path)])
        result = store.find(read(SEED / "a.txt"))
        relations = {v.relation for v in result.versions}
        assert relations == {"duplicate", "light_edit"}
        assert all(v.relation != "unrelated" for v in result.versions)
        # an ECB+ document keeps its id and finds no version of itself among the others
        first = store.get("1_10ecb")
        assert first.id == "1_10ecb"


def test_find_a_translation_with_the_default_encoder(tmp_path: Path) -> None:
    source = SHARED_DATA / "wmt22_news" / "wmt22_news_docs_en_ru.jsonl"
    if not source.exists():
        pytest.skip(f"external data not found at {source}")
    docs = [json.loads(line) for line in source.read_text(encoding="utf-8").splitlines()]
    jsonl = tmp_path / "wmt.jsonl"
    with jsonl.open("w", encoding="utf-8") as out:
        for doc in docs[:8]:
            for side, lang in (("src", doc["src_lang"]), ("ref", doc["ref_lang"])):
                text = "\n\n".join(doc[f"{side}_sentences"])
                out.write(json.dumps({"id": f"{doc['doc_id']}.{side}", "text": text, "lang": lang}))
                out.write("\n")
    with Store(tmp_path / "s.db") as store:
        store.add([jsonl])
        doc_id = docs[0]["doc_id"]
        result = store.find_id(f"{doc_id}.src")
        assert [(v.id, v.relation) for v in result.versions] == [(f"{doc_id}.ref", "translation")]


def test_find_agrees_with_diff_on_every_pair(tmp_path: Path) -> None:
    from storytrace.comparison import compare

    copy = tmp_path / "copy.txt"
    copy.write_text("Read more: www.example.com\n\n" + (SEED / "b.txt").read_text("utf-8"))
    with Store(tmp_path / "s.db", options=LEXICAL) as store:
        store.add([SEED, copy, light_edit(tmp_path), ecb_jsonl(tmp_path, 20)])
        query = store.get(store.ids()[0])
        result = store.find_id(query.id)
        assert len(result.versions) == 3
        for version in result.versions:
            verdict = compare(query, store.get(version.id), encoder=version.encoder).relation
            assert (verdict.label, verdict.score, verdict.direction) == (
                version.relation,
                version.score,
                version.direction,
            )


def test_the_same_id_for_another_article_is_refused(tmp_path: Path) -> None:
    jsonl = tmp_path / "two.jsonl"
    a = (SEED / "a.txt").read_text(encoding="utf-8")
    b = (SEED / "b.txt").read_text(encoding="utf-8")
    jsonl.write_text(
        json.dumps({"id": "x1", "text": a}) + "\n" + json.dumps({"id": "x1", "text": b}) + "\n"
    )
    errors: list[InputError] = []
    with Store(tmp_path / "s.db", options=LEXICAL) as store:
        report = store.add([jsonl], on_error=errors.append)
        assert report.added == 1
        assert len(report.failed) == 1
        assert "x1" in str(report.failed[0])
        assert "already stored" in str(report.failed[0])


def test_a_crash_in_the_middle_of_a_batch_keeps_the_store_consistent(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    jsonl = ecb_jsonl(tmp_path, 30)
    db = tmp_path / "s.db"
    calls = {"n": 0}
    real_record = repository.article_to_record

    def crashing_record(article: Article) -> bytes:
        calls["n"] += 1
        if calls["n"] == 15:  # the fifth article of the second batch of ten
            raise KeyboardInterrupt("simulated crash")
        return real_record(article)

    monkeypatch.setattr(repository, "article_to_record", crashing_record)
    with Store(db, options=LEXICAL) as store, pytest.raises(KeyboardInterrupt):
        store.add([jsonl], batch_size=10)
    monkeypatch.undo()
    counts = consistent(db)
    assert counts["articles"] == 10
    with Store(db) as store:
        result = store.find_id("1_10ecb")
        assert any("reindex" in w for w in result.warnings)
        report = store.add([jsonl], batch_size=10)
        assert report.added == 20
        assert len(report.duplicates) == 10
        assert store.index_state().status == "ok"
    consistent(db)


def test_a_killed_add_leaves_a_store_that_opens(tmp_path: Path) -> None:
    jsonl = ecb_jsonl(tmp_path, 200)
    db = tmp_path / "s.db"
    script = (
        "import sys; from storytrace.corpus import Store, StoreOptions\n"
        "s = Store(sys.argv[1], options=StoreOptions(encoder='lexical'))\n"
        "s.add([sys.argv[2]], batch_size=5)\n"
    )
    proc = subprocess.Popen([sys.executable, "-c", script, str(db), str(jsonl)])
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        time.sleep(0.2)
        if db.exists() and _count(db) >= 20:
            break
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    counts = consistent(db)
    assert 20 <= counts["articles"] < 200
    with Store(db) as store:
        assert store.find_id("1_10ecb").query.id == "1_10ecb"
        store.add([jsonl])
        assert len(store) == 200
    consistent(db)


def _count(db: Path) -> int:
    try:
        con = sqlite3.connect(db, timeout=1)
        try:
            return int(con.execute("SELECT COUNT(*) FROM articles").fetchone()[0])
        finally:
            con.close()
    except sqlite3.Error:
        return 0


def test_two_adds_at_once_both_finish(tmp_path: Path) -> None:
    jsonl = ecb_jsonl(tmp_path, 80)
    lines = jsonl.read_text(encoding="utf-8").splitlines(keepends=True)
    first, second = tmp_path / "first.jsonl", tmp_path / "second.jsonl"
    first.write_text("".join(lines[:40]))
    second.write_text("".join(lines[40:]))
    db = tmp_path / "s.db"
    Store(db, options=LEXICAL).close()
    cli = [sys.executable, "-m", "storytrace.cli"]
    procs = [
        subprocess.Popen(
            [*cli, "add", str(part), "--db", str(db), "--batch-size", "4"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for part in (first, second)
    ]
    outputs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outputs
    assert consistent(db)["articles"] == 80
    with Store(db) as store:
        assert store.index_state().status == "ok"


def test_a_file_that_is_not_a_store_is_refused_untouched(tmp_path: Path) -> None:
    text_file = tmp_path / "notes.db"
    text_file.write_text("not a database at all\n" * 10)
    before = text_file.read_bytes()
    with pytest.raises(StoreError, match="not a storytrace store"):
        Store(text_file)
    assert text_file.read_bytes() == before

    other = tmp_path / "other.db"
    con = sqlite3.connect(other)
    con.execute("CREATE TABLE notes (body TEXT)")
    con.execute("INSERT INTO notes VALUES ('keep me')")
    con.commit()
    con.close()
    before = other.read_bytes()
    with pytest.raises(StoreError, match="another application"):
        Store(other)
    assert other.read_bytes() == before


def test_a_store_another_process_holds_open_is_recognised(tmp_path: Path) -> None:
    """Its header may still sit in the write-ahead log: the file's own bytes say 0."""
    from storytrace.store.schema import check_file

    path = tmp_path / "held.db"
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("PRAGMA journal_mode = WAL")
    holder.execute("PRAGMA wal_autocheckpoint = 0")
    holder.execute("CREATE TABLE t (x)")
    holder.execute(f"PRAGMA application_id = {STORE_ID}")
    holder.execute("INSERT INTO t VALUES (1)")
    try:
        assert int.from_bytes(path.read_bytes()[68:72], "big") != STORE_ID
        assert check_file(path)
        holder.execute("PRAGMA application_id = 7")
        with pytest.raises(StoreError, match="another application"):
            check_file(path)
    finally:
        holder.close()


def test_a_store_just_created_is_recognised_by_a_second_opener(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    with Store(db, options=LEXICAL) as first:
        first.add([SEED / "a.txt"])
        [stored] = first.ids()
        result = CliRunner().invoke(app, ["find", "--id", stored, "--db", str(db)])
        assert "another application" not in result.output
        assert result.exit_code == 0, result.output


def test_a_store_from_a_newer_version_is_refused(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    with Store(db, options=LEXICAL) as store:
        store.add([SEED / "a.txt"])
    con = sqlite3.connect(db)
    con.execute("PRAGMA user_version = 99")
    con.close()
    with pytest.raises(StoreError, match="newer storytrace"):
        Store(db)
    con = sqlite3.connect(db)
    assert con.execute("PRAGMA application_id").fetchone()[0] == STORE_ID
    assert con.execute("SELECT COUNT(*) FROM articles").fetchone()[0] == 1
    con.close()


def test_a_missing_vector_index_is_detected_and_reindex_mends_it(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    with Store(db, options=LEXICAL) as store:
        store.add([SEED])
        index_file = store.index_path
    index_file.unlink()
    with Store(db) as store:
        assert store.index_state().status == "missing"
        result = store.find(read(SEED / "a.txt"))
        assert result.versions  # still answered, from the vectors in the database
        assert any("reindex" in w for w in result.warnings)
        assert store.reindex() == 2
    with Store(db) as store:
        assert store.index_state().status == "ok"
        assert not store.find(read(SEED / "a.txt")).warnings
    consistent(db)


def test_a_store_keeps_its_encoder(tmp_path: Path) -> None:
    with Store(tmp_path / "s.db", options=LEXICAL):
        pass
    from storytrace import ConfigError

    with pytest.raises(ConfigError, match="lexical"):
        Store(tmp_path / "s.db", options=StoreOptions(encoder="use"))


def test_cli_add_find_reindex(tmp_path: Path) -> None:
    runner = CliRunner()
    db = str(tmp_path / "cli.db")
    result = runner.invoke(app, ["add", str(SEED), "--db", db, "--encoder", "lexical"])
    assert result.exit_code == 0, result.output
    assert "added 2 article(s)" in result.stdout
    result = runner.invoke(app, ["add", str(SEED / "a.txt"), "--db", db])
    assert result.exit_code == 0
    assert "already stored" in result.output
    result = runner.invoke(app, ["find", str(SEED / "b.txt"), "--db", db, "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert set(data["query"]) >= {"id", "title"}
    (version,) = data["versions"]
    assert set(version) >= {"id", "relation", "score", "direction", "title", "outlet", "published"}
    assert version["relation"] == "rewrite"
    assert version["title"].startswith("Anonymous top US official")
    text = runner.invoke(app, ["find", "--id", version["id"], "--db", db])
    assert text.exit_code == 0
    assert "rewrite" in text.stdout
    assert runner.invoke(app, ["reindex", "--db", db]).exit_code == 0


def test_cli_bad_inputs_and_unknown_store(tmp_path: Path) -> None:
    runner = CliRunner()
    db = str(tmp_path / "cli.db")
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    result = runner.invoke(
        app, ["add", str(SEED / "a.txt"), str(empty), "--db", db, "-e", "lexical"]
    )
    assert result.exit_code == 2
    assert "empty.txt" in result.output
    assert "added 1 article(s)" in result.stdout
    missing = runner.invoke(app, ["find", "--id", "x", "--db", str(tmp_path / "none.db")])
    assert missing.exit_code == 2
    assert "no storytrace store" in missing.output
    both = runner.invoke(app, ["find", str(SEED / "a.txt"), "--id", "x", "--db", db])
    assert both.exit_code == 2


def test_recent_lists_the_last_added_newest_first(tmp_path: Path) -> None:
    with Store(tmp_path / "s.db", options=LEXICAL) as store:
        store.add([SEED / "a.txt"])
        store.add([SEED / "b.txt"])
        ids = store.ids()
        assert [a.id for a in store.recent(5)] == ids[::-1]
        assert [a.id for a in store.recent(1)] == ids[-1:]


def test_find_takes_an_article_and_find_id_a_stored_id(tmp_path: Path) -> None:
    with Store(tmp_path / "s.db", options=LEXICAL) as store:
        store.add([SEED / "a.txt"])
        with pytest.raises(NotFound, match=r"no article with id 'nope' \(the store has 1 "):
            store.find_id("nope")
        with pytest.raises(TypeError, match="find_id"):
            store.find(SEED / "b.txt")  # type: ignore[arg-type]
        # an article that is not stored is searched for all the same
        result = store.find(read(SEED / "b.txt"))
        assert not result.stored
        assert [v.id for v in result.versions] == store.ids()


def test_the_stages_run_on_a_repository_without_the_facade(tmp_path: Path) -> None:
    from storytrace.find import find
    from storytrace.keys import Keyer
    from storytrace.store import Repository
    from storytrace.stories.load import load_story, story_key
    from storytrace.stories.update import update_stories

    db = tmp_path / "s.db"
    with Store(db, options=LEXICAL) as store:
        store.add([SEED])
        a, b = store.ids()
    with pytest.raises(NotFound, match="no storytrace store"):
        Repository(tmp_path / "none.db")
    with Repository(db) as repo:
        result = find(repo, Keyer(repo.settings), read(SEED / "a.txt"))
        assert result.stored
        assert [(v.id, v.relation) for v in result.versions] == [(b, "rewrite")]
        report = update_stories(repo)
        assert (report.linked, report.stories) == (2, 1)
        story = load_story(repo, story_key(repo, b))
        assert story.id == a
        assert {article.id for article in story.articles} == {a, b}
