"""Robustness table: bad inputs, interruptions, damage and attacks, each counted.

    .venv/bin/python bench/robustness.py [--kills 6] [--fuzz 300] [--seed 17]

Per category, how many cases were tried and how each ended: a clean error (one line,
an InputError or StoreError, an HTTP 4xx), accepted (read, stored or answered), a
traceback (any other exception, an HTTP 5xx), a hang (over the case's time bound) or
data lost (a committed article missing, a good input beside a bad one not read). Every
case is made here, in a temporary folder; nothing but 127.0.0.1 is contacted. The
traceback, hang and data-lost columns must be 0 (exit code 1 otherwise).

- readers: hand-made bad inputs, each read beside a good file;
- fuzz: seeded random damage to a valid input of every format, read through the
  whole pipeline;
- kill -9 (new / existing store): ``storytrace add`` killed at a random moment, then
  integrity_check, a re-add, and the ids counted;
- concurrent first use: two ``storytrace add`` racing to make the same new store;
- corrupted stores: damage patterns x commands;
- read-only stores: a store in a read-only folder and a read-only file, x commands;
- disk full: ``add`` into a store on a small tmpfs (when this process may mount one;
  else SQLite's ``max_page_count``);
- server attacks: requests a hostile client sends to ``storytrace serve``.
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import io
import json
import os
import random
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "examples" / "ecbplus-sample" / "ecbplus-sample.jsonl"
SEED = ROOT / "examples" / "seed-pair"
CLI = [sys.executable, "-m", "storytrace.cli"]
GOOD = "A storm hit the coast on Monday, officials said. Thousands of homes lost power."


@dataclass
class Row:
    tried: int = 0
    clean: int = 0
    accepted: int = 0
    tracebacks: int = 0
    hangs: int = 0
    lost: int = 0
    notes: str = ""

    def add(self, outcome: str, lost: bool = False) -> None:
        self.tried += 1
        if outcome == "clean":
            self.clean += 1
        elif outcome == "accepted":
            self.accepted += 1
        elif outcome == "traceback":
            self.tracebacks += 1
        elif outcome == "hang":
            self.hangs += 1
        if lost:
            self.lost += 1


def with_timeout(work: Callable[[], str], seconds: float) -> str:
    """``work()``'s outcome, "traceback" on an unexpected exception, "hang" when it
    does not end within ``seconds`` (the thread is left behind, daemonic)."""
    result: list[str] = []

    def run() -> None:
        from storytrace.errors import StorytraceError

        try:
            result.append(work())
        except StorytraceError:
            result.append("clean")
        except Exception as err:
            print(f"  traceback: {type(err).__name__}: {err}"[:300], flush=True)
            result.append("traceback")

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(seconds)
    return result[0] if result else "hang"


# --- readers --------------------------------------------------------------------------


def bad_inputs(folder: Path) -> dict[str, Path]:
    """Hand-made bad inputs (the issue's list and more)."""
    cases: dict[str, bytes | None] = {
        "empty.txt": b"",
        "spaces.txt": b"   \n\n\t  ",
        "binary.txt": bytes(range(256)) * 50,
        "nul.html": b"<html>\x00\x00\x00</html>",
        "latin1.txt": "Caf\xe9 in Z\xfcrich. ".encode("latin-1") * 20,
        "utf16.txt": ("A storm. " * 50).encode("utf-16"),
        "surrogate.jsonl": b'{"text": "Storm \\ud800 hit.", "id": "x\\udc00"}\n',
        "huge-int.jsonl": b'{"text": "A storm.", "n": ' + b"9" * 5000 + b"}\n",
        "deep.jsonl": b'{"text": ' + b"[" * 100000 + b"}\n",
        "not-object.jsonl": b"[1, 2, 3]\n",
        "no-text.jsonl": b'{"title": "x"}\n',
        "bad-date.jsonl": b'{"text": "A storm.", "published": "soon"}\n',
        "long-title.jsonl": json.dumps({"title": "T" * 10000, "text": GOOD}).encode() + b"\n",
        "long-line.jsonl": b'{"text": "' + b"a" * 6_000_000 + b'"}\n',
        "dots.txt": b"x" + b"." * 100_000 + b"y",
        "marks.txt": b"x" + "!?…".encode() * 30_000,
        "escapes.txt": ("\x1b[2J\x1b]0;pwned\x07 " + GOOD + " ").encode() * 20,
        "broken.html": b"<html><body><p>" + b"<div>" * 50000,
        "entity-bomb.xml": (
            b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa">'
            b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
            b'<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>'
            b"<rss><channel><item><description>&c;</description></item></channel></rss>"
        ),
        "broken-feed.xml": b'<?xml version="1.0"?><rss><channel><item><title>x',
        "warc-garbage.warc": b"WARC/1.0\r\nWARC-Type: response\r\n\r\n" + os.urandom(5000),
        "gzip-cut.txt.gz": gzip.compress(GOOD.encode() * 100)[:60],
        "gzip-garbage.txt.gz": b"\x1f\x8b\x08\x00" + os.urandom(2000),
        "gzip-bomb.jsonl.gz": gzip.compress(
            json.dumps({"text": GOOD}).encode()
            + b"\n"
            + (b'{"text": "' + b"a" * 1_000_000 + b'"}\n') * 150,
            9,
        ),
        "bad-name-\udcff.txt": GOOD.encode(),
    }
    paths: dict[str, Path] = {}
    for name, data in cases.items():
        path = folder / name
        if data is not None:
            path.write_bytes(data)
        paths[name] = path
    fifo = folder / "pipe"
    os.mkfifo(fifo)
    paths["fifo"] = fifo
    loop = folder / "loop"
    loop.symlink_to("loop")
    paths["symlink loop"] = loop
    dangling = folder / "dangling"
    dangling.symlink_to(folder / "nowhere")
    paths["dangling link"] = dangling
    (folder / "device").symlink_to("/dev/zero")
    paths["device"] = folder / "device"
    return paths


def readers(row: Row, tmp: Path) -> None:
    import storytrace

    folder = tmp / "bad"
    folder.mkdir()
    good = tmp / "good.txt"
    good.write_text(f"Report. {GOOD}", "utf-8")
    for name, path in bad_inputs(folder).items():
        got: list[object] = []

        def work(path: Path = path, got: list[object] = got) -> str:
            errors: list[object] = []
            articles = list(storytrace.read_many([path, good], on_error=errors.append))
            got.extend(articles)
            for article in articles:
                article.body.encode("utf-8")
            return "clean" if errors else "accepted"

        outcome = with_timeout(work, 60)
        lost = outcome in ("clean", "accepted") and not any(
            getattr(a, "source", "") == str(good) for a in got
        )
        if outcome in ("traceback", "hang") or lost:
            print(f"  readers: {name}: {outcome}{' (good file lost)' if lost else ''}")
        row.add(outcome, lost)


# --- fuzz -----------------------------------------------------------------------------


def valid_inputs() -> dict[str, bytes]:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    a = (SEED / "a.txt").read_bytes()
    b = (SEED / "b.txt").read_text("utf-8")
    page = (
        "<!DOCTYPE html><html><head><title>T</title></head><body>"
        + "".join(f"<p>{p}</p>" for p in b.split("\n"))
        + "</body></html>"
    ).encode()
    out = io.BytesIO()
    writer = WARCWriter(out, gzip=True)
    headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
    writer.write_record(
        writer.create_warc_record(
            "https://example.com/1", "response", payload=io.BytesIO(page), http_headers=headers
        )
    )
    feed = (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>'
        + "".join(
            f"<item><title>S{n}</title><description>{p}</description></item>"
            for n, p in enumerate(b.split("\n")[:4])
        )
        + "</channel></rss>"
    ).encode()
    jsonl = "\n".join(
        json.dumps({"id": n, "text": p}) for n, p in enumerate(b.split("\n"))
    ).encode()
    return {
        "txt": a,
        "txt.gz": gzip.compress(a),
        "html": page,
        "warc.gz": out.getvalue(),
        "xml": feed,
        "jsonl": jsonl,
    }


def fuzz(row: Row, tmp: Path, count: int, rng: random.Random) -> None:
    import storytrace

    valid = valid_inputs()
    kinds = sorted(valid)
    for n in range(count):
        kind = kinds[n % len(kinds)]
        data = bytearray(valid[kind])
        for _ in range(rng.randint(0, 8)):
            at = rng.randrange(len(data))
            data[at] = rng.randrange(256)
        if rng.random() < 0.3:
            at = rng.randrange(len(data))
            data[at:at] = rng.choice([b"\x1b[2J", b"\\ud800", b"." * 3000, b"9" * 5000, b"\x00"])
        data = data[: rng.randint(1, len(data))]
        path = tmp / f"fuzz{n}.{kind}"
        path.write_bytes(bytes(data))

        def work(path: Path = path) -> str:
            errors: list[object] = []
            list(storytrace.read_many([path], on_error=errors.append))
            return "clean" if errors else "accepted"

        row.add(with_timeout(work, 30))
        path.unlink()


# --- stores ---------------------------------------------------------------------------


def sample_ids() -> set[str]:
    return {json.loads(line)["id"] for line in SAMPLE.read_text("utf-8").splitlines()}


def cli(*args: str, timeout: float = 300) -> tuple[str, int, str]:
    """(outcome, exit code, stderr) of one CLI run."""
    try:
        result = subprocess.run([*CLI, *args], capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return "hang", -1, ""
    if "Traceback" in result.stderr or result.returncode == 1:
        print(f"  traceback: {' '.join(args)[:120]}: {result.stderr.strip()[-300:]}")
        return "traceback", result.returncode, result.stderr
    return ("accepted" if result.returncode == 0 else "clean"), result.returncode, result.stderr


def store_state(db: Path) -> tuple[str, list[str]]:
    with contextlib.closing(sqlite3.connect(db)) as conn:
        check = str(conn.execute("PRAGMA integrity_check").fetchone()[0])
        ids = [r[0] for r in conn.execute("SELECT id FROM articles")]
    return check, ids


def kill_new(row: Row, tmp: Path, count: int, rng: random.Random) -> None:
    for n in range(count):
        db = tmp / f"kill-new{n}.db"
        process = subprocess.Popen(
            [*CLI, "add", "--db", str(db), "--batch-size", "4", str(SAMPLE)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(rng.uniform(0.5, 4.0))
        process.send_signal(signal.SIGKILL)
        process.wait()
        outcome, _, _ = cli("add", "--db", str(db), str(SAMPLE))
        check, ids = store_state(db)
        lost = check != "ok" or set(ids) != sample_ids() or len(ids) != len(set(ids))
        row.add(outcome, lost)


def kill_existing(row: Row, tmp: Path, built: Path, count: int, rng: random.Random) -> None:
    more = tmp / "more.jsonl"
    more.write_text(
        "\n".join(
            json.dumps({**json.loads(line), "id": "more-" + json.loads(line)["id"]})
            for line in SAMPLE.read_text("utf-8").splitlines()
        )
        + "\n",
        "utf-8",
    )
    expected = sample_ids() | {"more-" + i for i in sample_ids()}
    for n in range(count):
        db = copy_store(built, tmp / f"kill-old{n}")
        for verb in (
            ["add", "--db", str(db), "--batch-size", "4", str(more)],
            ["stories", "--db", str(db)],
        ):
            process = subprocess.Popen(
                [*CLI, *verb], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
            )
            time.sleep(rng.uniform(0.8, 3.0))
            process.send_signal(signal.SIGKILL)
            process.wait()
            check, ids = store_state(db)
            if check != "ok" or not sample_ids() <= set(ids):
                row.add("clean", lost=True)
        outcome, _, _ = cli("add", "--db", str(db), str(more))
        outcome2, _, _ = cli("stories", "--db", str(db))
        check, ids = store_state(db)
        lost = check != "ok" or set(ids) != expected or len(ids) != len(set(ids))
        row.add(outcome if outcome2 != "traceback" else outcome2, lost)


def concurrent_first_use(row: Row, tmp: Path, count: int) -> None:
    lines = SAMPLE.read_text("utf-8").splitlines()
    halves = [tmp / "half1.jsonl", tmp / "half2.jsonl"]
    halves[0].write_text("\n".join(lines[:20]) + "\n", "utf-8")
    halves[1].write_text("\n".join(lines[20:]) + "\n", "utf-8")
    for n in range(count):
        db = tmp / f"race{n}.db"
        processes = [
            subprocess.Popen(
                [*CLI, "add", "--db", str(db), str(h)],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for h in halves
        ]
        outcomes = []
        for process in processes:
            _, err = process.communicate(timeout=300)
            bad = "Traceback" in err or process.returncode != 0
            outcomes.append("traceback" if bad else "accepted")
            if bad:
                print(f"  race: {err.strip()[-300:]}")
        check, ids = store_state(db)
        lost = check != "ok" or set(ids) != sample_ids() or len(ids) != len(set(ids))
        row.add("traceback" if "traceback" in outcomes else "accepted", lost)


def copy_store(built: Path, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for path in built.parent.iterdir():
        if path.name.startswith(built.name) and not path.name.endswith(".lock"):
            shutil.copy(path, folder / path.name)
    return folder / built.name


def damage(kind: str, db: Path, rng: random.Random) -> None:
    size = db.stat().st_size

    def overwrite(offset: int, length: int) -> None:
        with db.open("r+b") as handle:
            handle.seek(offset)
            handle.write(rng.randbytes(length))

    if kind.startswith("truncated"):
        fraction = {
            "truncated 50 B": 0.0,
            "truncated 1/4": 0.25,
            "truncated 1/2": 0.5,
            "truncated 3/4": 0.75,
        }[kind]
        with db.open("r+b") as handle:
            handle.truncate(max(50, int(size * fraction)) if fraction else 50)
    elif kind == "header random":
        overwrite(0, 100)
    elif kind == "header magic":
        overwrite(0, 16)
    elif kind == "header page size":
        overwrite(16, 2)
    elif kind == "application id":
        overwrite(68, 4)
    elif kind == "schema page":
        overwrite(100, 3500)
    elif kind == "pages (few)":
        for _ in range(3):
            overwrite(rng.randrange(4096, size - 1000), 500)
    elif kind == "pages (many)":
        for _ in range(60):
            overwrite(rng.randrange(4096, size - 200), 200)
    elif kind == "last page":
        overwrite(size - 4096, 4096)
    elif kind == "zeroed":
        db.write_bytes(b"\0" * size)
    elif kind == "WAL garbage":
        db.with_name(db.name + "-wal").write_bytes(rng.randbytes(100_000))
    elif kind == "WAL header only":
        db.with_name(db.name + "-wal").write_bytes(
            bytes.fromhex("377f0682002de218") + rng.randbytes(24)
        )
    elif kind == "foreign SQLite":
        db.unlink()
        with contextlib.closing(sqlite3.connect(db)) as conn:
            conn.execute("CREATE TABLE t (x)")
            conn.commit()
    elif kind == "vector file garbage":
        for path in db.parent.glob(db.name + ".usearch"):
            path.write_bytes(rng.randbytes(5000))


DAMAGE = [
    "truncated 50 B",
    "truncated 1/4",
    "truncated 1/2",
    "truncated 3/4",
    "header random",
    "header magic",
    "header page size",
    "application id",
    "schema page",
    "pages (few)",
    "pages (many)",
    "last page",
    "zeroed",
    "WAL garbage",
    "WAL header only",
    "foreign SQLite",
    "vector file garbage",
]


def corrupted(row: Row, tmp: Path, built: Path, rng: random.Random) -> None:
    first = sorted(sample_ids())[0]
    for kind in DAMAGE:
        for command in (
            lambda db: ["find", "--db", str(db), "--id", first],
            lambda db: ["stories", "--db", str(db)],
            lambda db: ["story", "--db", str(db), first],
            lambda db: ["add", "--db", str(db), str(SEED / "a.txt")],
        ):
            db = copy_store(built, tmp / f"damaged-{len(os.listdir(tmp))}")
            damage(kind, db, rng)
            outcome, _, _ = cli(*command(db))
            row.add(outcome)


def read_only_stores(row: Row, tmp: Path, built: Path) -> None:
    first = sorted(sample_ids())[0]
    for where in ("folder", "file"):
        folder = tmp / f"ro-{where}"
        db = copy_store(built, folder)
        db.chmod(0o444)
        if where == "folder":
            folder.chmod(0o555)
        try:
            for args, should_work in (
                (["find", "--db", str(db), "--id", first], True),
                (["stories", "--db", str(db)], True),
                (["story", "--db", str(db), first], True),
                (["add", "--db", str(db), str(SEED / "a.txt")], False),
                (["reindex", "--db", str(db)], False),
            ):
                outcome, code, err = cli(*args)
                wrong = (should_work and code != 0) or (not should_work and "read-only" not in err)
                if wrong:
                    print(f"  read-only {where}: {args[0]}: {code} {err.strip()[-200:]}")
                row.add("traceback" if wrong and outcome != "hang" else outcome)
        finally:
            folder.chmod(0o755)
            db.chmod(0o644)


SMALL_DISK = """
import sys
from storytrace.store import db as d
connect = d.connect
def small(path, **options):
    conn = connect(path, **options)
    conn.execute("PRAGMA max_page_count = 700")
    return conn
d.connect = small
from storytrace.cli import main
main()
"""
"""``storytrace`` with every connection capped at 700 pages (2.8 MB): a full disk."""


def disk_full(row: Row, tmp: Path) -> None:
    mount = tmp / "small"
    mount.mkdir()
    mounted = (
        subprocess.run(
            ["mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", str(mount)], capture_output=True
        ).returncode
        == 0
    )
    row.notes = "tmpfs of 3 MB" if mounted else "max_page_count"
    try:
        docs = [
            json.loads(line)
            for line in (
                ROOT.parent / "shared" / "data" / "ecbplus" / "ecbplus_docs_train_dev.jsonl"
            )
            .read_text("utf-8")
            .splitlines()
        ]
        records = tmp / "many.jsonl"
        records.write_text(
            "\n".join(json.dumps({"id": d["doc_id"], "text": d["text"]}) for d in docs[:400])
            + "\n",
            "utf-8",
        )
        for n in range(3):
            db = mount / f"full{n}.db" if mounted else tmp / f"full{n}.db"
            if not mounted:
                code = SMALL_DISK
                command = [
                    sys.executable,
                    "-c",
                    code,
                    "add",
                    "--db",
                    str(db),
                    "--batch-size",
                    str(16 * (n + 1)),
                    str(records),
                ]
            else:
                command = [
                    *CLI,
                    "add",
                    "--db",
                    str(db),
                    "--batch-size",
                    str(16 * (n + 1)),
                    str(records),
                ]
            result = subprocess.run(command, capture_output=True, text=True, timeout=600)
            bad = "Traceback" in result.stderr or result.returncode == 1
            named = "disk is full" in result.stderr and "no transaction" not in result.stderr
            outcome = (
                "traceback"
                if bad
                else ("clean" if named else ("accepted" if result.returncode == 0 else "clean"))
            )
            if bad or (result.returncode and not named):
                print(f"  disk full: {result.stderr.strip()[-300:]}")
            lost = False
            if db.exists():
                check, ids = store_state(db)
                lost = check != "ok" or len(ids) != len(set(ids))
            row.add(outcome, lost)
            for path in db.parent.glob(db.name + "*"):
                path.unlink()
    finally:
        if mounted:
            subprocess.run(["umount", str(mount)], check=False)


# --- server ---------------------------------------------------------------------------


def raw(port: int, path: str, body: bytes, length: str) -> Any:
    """A request sent byte by byte, Content-Length as given (true or not); the answer's
    status, or a 408-like 499 when the server waits for the body it was promised and
    closes the connection at its own timeout."""
    import httpx

    head = (
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {length}\r\n\r\n"
    ).encode()
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(head + body)
        try:
            reply = sock.recv(65536)
        except TimeoutError:
            reply = b""
    status = int(reply.split(b" ", 2)[1]) if reply.startswith(b"HTTP/") else 499
    return httpx.Response(status)


def server_attacks(row: Row, tmp: Path, built: Path) -> None:
    import httpx

    db = copy_store(built, tmp / "served")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    log = (tmp / "server.log").open("wb")
    server = subprocess.Popen(
        [*CLI, "serve", "--db", str(db), "--port", str(port), "-e", "lexical"],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):
            with contextlib.suppress(httpx.TransportError):
                if httpx.get(base + "/api/health", timeout=2).status_code == 200:
                    break
            time.sleep(0.1)
        first = sorted(sample_ids())[0]
        big = "The storm hit the coast on Monday. " * 20000
        many = "\n".join(json.dumps({"text": f"Report {n}. {GOOD}"}) for n in range(30000)).encode()
        bomb = gzip.compress(b'{"text": "' + b"a" * 50_000_000 + b'"}\n', 9)
        attacks: list[tuple[str, Callable[[httpx.Client], httpx.Response]]] = [
            ("huge content-length", lambda c: raw(port, "/api/compare", b"x", str(10**12))),
            ("lying content-length", lambda c: raw(port, "/api/compare", b"{}", "abc")),
            ("short content-length", lambda c: raw(port, "/api/compare", b"{}", "900")),
            (
                "chunked over limit",
                lambda c: c.post("/api/compare", content=iter([b"x" * 1_000_000] * 5)),
            ),
            (
                "compare over budget",
                lambda c: c.post(
                    "/api/compare", json={"a": {"text": big[:1_900_000]}, "b": {"text": GOOD}}
                ),
            ),
            (
                "upload of many records",
                lambda c: c.post(
                    "/compare",
                    files={
                        "a_file": ("m.jsonl", many[:1_900_000]),
                        "b_file": ("b.txt", GOOD.encode()),
                    },
                ),
            ),
            (
                "upload of a gzip bomb",
                lambda c: c.post(
                    "/compare",
                    files={"a_file": ("b.jsonl.gz", bomb), "b_file": ("b.txt", GOOD.encode())},
                ),
            ),
            (
                "not JSON",
                lambda c: c.post(
                    "/api/compare", content=b"{{{", headers={"content-type": "application/json"}
                ),
            ),
            ("wrong shape", lambda c: c.post("/api/compare", json={"a": 1})),
            (
                "escape sequences stored",
                lambda c: c.post("/api/articles", json={"text": "Storm \x1b[2J hits. " + GOOD}),
            ),
            (
                "script in text",
                lambda c: c.post(
                    "/api/compare",
                    json={"a": {"text": "<script>alert(1)</script> " + GOOD}, "b": {"text": GOOD}},
                ),
            ),
            ("path traversal id", lambda c: c.get("/api/articles/../../etc/passwd")),
            ("id that is a file", lambda c: c.get("/api/articles/%2Fetc%2Fpasswd/versions")),
            ("unknown story", lambda c: c.get("/api/stories/nope")),
            ("bad since", lambda c: c.get("/api/stories?since=soon")),
            (
                "cross-origin POST",
                lambda c: c.post(
                    "/api/articles", json={"text": GOOD}, headers={"origin": "http://evil.example"}
                ),
            ),
            ("foreign Host", lambda c: c.get("/api/health", headers={"host": "evil.example"})),
            (
                "st: encoder",
                lambda c: c.post(
                    "/api/compare",
                    json={"a": {"id": first}, "b": {"id": first}, "encoder": "st:/etc"},
                ),
            ),
            (
                "non-UTF-8 body",
                lambda c: c.post(
                    "/api/compare",
                    content=b'{"a": {"text": "\xff\xfe"}}',
                    headers={"content-type": "application/json"},
                ),
            ),
            ("huge query", lambda c: c.get("/search", params={"q": "x" * 30_000})),
            ("stories during load", lambda c: c.get("/api/stories")),
        ]
        with httpx.Client(base_url=base, timeout=120) as client:
            for name, attack in attacks:
                try:
                    response = attack(client)
                except httpx.TimeoutException:
                    row.add("hang")
                    print(f"  server: {name}: hang")
                    continue
                except httpx.TransportError as err:  # the server closed on us: a refusal
                    row.add("clean")
                    print(f"  server: {name}: connection closed ({err})")
                    continue
                if response.status_code >= 500:
                    print(f"  server: {name}: {response.status_code} {response.text[:200]}")
                    row.add("traceback")
                elif response.status_code >= 400:
                    row.add("clean")
                else:
                    row.add("accepted")
            alive = client.get("/api/health").status_code == 200
        if not alive:
            row.add("traceback")
    finally:
        server.terminate()
        server.wait(timeout=30)
    errors = [
        line
        for line in (tmp / "server.log").read_text(errors="replace").splitlines()
        if "Traceback" in line
    ]
    if errors:
        print(f"  server log holds {len(errors)} traceback(s)")


def line(name: str, *cells: object) -> str:
    widths = (6, 13, 9, 11, 6, 10)
    return f"{name:<26}" + "".join(f" {cell!s:>{w}}" for cell, w in zip(cells, widths, strict=True))


def build(tmp: Path) -> Path:
    from storytrace.corpus import Store

    db = tmp / "built" / "s.db"
    with Store(db) as store:
        store.add([SAMPLE])
        store.update_stories()
    return db


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kills", type=int, default=6, help="kill -9 runs per store kind")
    parser.add_argument("--races", type=int, default=4, help="concurrent first-use runs")
    parser.add_argument("--fuzz", type=int, default=300, help="fuzzed reads")
    parser.add_argument("--seed", type=int, default=17)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    rows: dict[str, Row] = {}
    start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="storytrace-robust-") as folder:
        tmp = Path(folder)
        built = build(tmp)
        steps: list[tuple[str, Callable[[Row], None]]] = [
            ("readers", lambda r: readers(r, tmp)),
            ("fuzz", lambda r: fuzz(r, tmp, args.fuzz, rng)),
            ("kill -9, new store", lambda r: kill_new(r, tmp, args.kills, rng)),
            ("kill -9, existing store", lambda r: kill_existing(r, tmp, built, args.kills, rng)),
            ("concurrent first use", lambda r: concurrent_first_use(r, tmp, args.races)),
            ("corrupted stores", lambda r: corrupted(r, tmp / "damaged", built, rng)),
            ("read-only stores", lambda r: read_only_stores(r, tmp, built)),
            ("disk full", lambda r: disk_full(r, tmp)),
            ("server attacks", lambda r: server_attacks(r, tmp, built)),
        ]
        (tmp / "damaged").mkdir()
        for name, step in steps:
            t0 = time.perf_counter()
            row = rows.setdefault(name, Row())
            step(row)
            print(f"{name}: done in {time.perf_counter() - t0:.0f} s", flush=True)
    total = Row()
    for row in rows.values():
        for field in ("tried", "clean", "accepted", "tracebacks", "hangs", "lost"):
            setattr(total, field, getattr(total, field) + getattr(row, field))
    print()
    print(line("category", "tried", "clean errors", "accepted", "tracebacks", "hangs", "data lost"))
    for name, row in [*rows.items(), ("total", total)]:
        note = f"  ({row.notes})" if row.notes else ""
        counts = (row.tried, row.clean, row.accepted, row.tracebacks, row.hangs, row.lost)
        print(line(name, *counts) + note)
    print(f"wall {time.perf_counter() - start:.0f} s")
    return 1 if total.tracebacks or total.hangs or total.lost else 0


if __name__ == "__main__":
    sys.exit(main())
