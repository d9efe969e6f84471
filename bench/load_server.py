"""A bounded load test of ``storytrace serve`` on loopback: compare and versions latency.

    .venv/bin/python bench/load_server.py [--compare 200] [--versions 500] [--concurrency 4]
                                          [--encoder lexical|use]

It builds a store in a temporary folder (the seed pair and the 40 ECB+ articles of
``examples/``), starts the real server as its own process (``storytrace serve`` on a
free 127.0.0.1 port), and sends a fixed number of requests with a small, fixed
concurrency, then stops the server and prints a table. Nothing but 127.0.0.1 is ever
contacted, and the run ends by itself: every request has a timeout and the whole run
a deadline (``--deadline``).

- ``compare``: ``POST /api/compare``, cycling through stored-id pairs (the seed pair
  and same-topic ECB+ pairs) and the seed pair pasted as texts, so both of the
  endpoint's paths are measured;
- ``versions``: ``GET /api/articles/{id}/versions`` (``find``), cycling through every
  stored id.

- ``stories``, ``article``: ``GET /api/stories`` and ``GET /api/articles/{id}``
  (``--stories``, ``--articles``), so the reads are mixed;
- ``--add N``: while the requests run, a ``storytrace add`` of N ECB+ articles (from
  ../shared/data/ecbplus, each document under two ids) writes to the same store from a
  shell process: reads must not wait behind it (issue 17).

One request per distinct compare pair is sent first as a warm-up and not counted: it
pays for the encoder's first use of those sentences, which a long-running server pays
once. The last line is for scripts:
``compare_p50_ms=... compare_p99_ms=... versions_p50_ms=... versions_p99_ms=... errors=0``.
The exit code is 1 when any request failed.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import numpy as np

from storytrace.corpus import Store, StoreOptions

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "examples" / "seed-pair"
ECB = ROOT / "examples" / "ecbplus-sample" / "ecbplus-sample.jsonl"


Job = tuple[str, str, str, dict[str, Any] | None]
"""(endpoint name, method, path, JSON body)."""


@dataclass
class Tally:
    """Latencies (seconds) and failures of one endpoint."""

    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def row(self, name: str, wall: float) -> str:
        ms = np.asarray(self.latencies) * 1000 if self.latencies else np.zeros(1)
        p50, p99 = np.percentile(ms, [50, 99])
        rate = len(self.latencies) / wall if wall else 0.0
        return (
            f"{name:<10} {len(self.latencies) + len(self.errors):>8} {len(self.errors):>7} "
            f"{p50:>8.1f} {p99:>8.1f} {ms.mean():>8.1f} {ms.max():>8.1f} {rate:>8.1f}"
        )

    def percentile(self, q: float) -> float:
        return float(np.percentile(np.asarray(self.latencies) * 1000, q)) if self.latencies else 0.0


def build_store(folder: Path, encoder: str) -> tuple[Path, list[str]]:
    db = folder / "load.db"
    with Store(db, options=StoreOptions(encoder=encoder)) as store:
        report = store.add([SEED / "a.txt", SEED / "b.txt", ECB])
        if report.failed:
            raise SystemExit(f"could not build the store: {report.failed[0]}")
        return db, store.ids()


def compare_bodies(ids: list[str]) -> list[dict[str, Any]]:
    """The seed pair by id and by text, and same-topic ECB+ pairs by id."""
    bodies: list[dict[str, Any]] = [
        {"a": {"id": ids[0]}, "b": {"id": ids[1]}},
        {
            "a": {"text": (SEED / "a.txt").read_text(encoding="utf-8")},
            "b": {"text": (SEED / "b.txt").read_text(encoding="utf-8")},
        },
    ]
    ecb = [json.loads(line)["id"] for line in ECB.read_text(encoding="utf-8").splitlines()]
    by_topic: dict[str, list[str]] = {}
    for doc_id in ecb:
        by_topic.setdefault(doc_id.split("_")[0], []).append(doc_id)
    for members in by_topic.values():
        for a, b in itertools.islice(itertools.pairwise(members), 3):
            bodies.append({"a": {"id": a}, "b": {"id": b}})
    return bodies


ECB_FULL = ROOT.parent / "shared" / "data" / "ecbplus" / "ecbplus_docs_train_dev.jsonl"


def start_add(db: Path, folder: Path, count: int) -> tuple[subprocess.Popen[bytes], float]:
    """``storytrace add`` of ``count`` ECB+ records as its own process (a shell user's)."""
    docs = [json.loads(line) for line in ECB_FULL.read_text(encoding="utf-8").splitlines()]
    records = folder / "more.jsonl"
    with records.open("w", encoding="utf-8") as out:
        for n in range(count):
            doc = docs[n % len(docs)]
            round_ = n // len(docs)
            out.write(json.dumps({"id": f"load-{round_}-{doc['doc_id']}", "text": doc["text"]}))
            out.write("\n")
    command = [sys.executable, "-m", "storytrace.cli", "add", "--db", str(db), str(records)]
    log = (folder / "add.log").open("wb")
    return subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT), time.perf_counter()


def wait_add(adder: tuple[subprocess.Popen[bytes], float]) -> float:
    process, start = adder
    if process.wait(timeout=1800) != 0:
        raise SystemExit(f"the concurrent add failed ({process.returncode})")
    return time.perf_counter() - start


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(db: Path, port: int, encoder: str, log: Path) -> subprocess.Popen[bytes]:
    """``storytrace serve`` as its own process; its log goes to a file (a pipe left
    unread would fill and stall the server)."""
    command = [sys.executable, "-m", "storytrace.cli", "serve", "--db", str(db)]
    command += ["--host", "127.0.0.1", "--port", str(port), "--encoder", encoder]
    with log.open("wb") as out:
        return subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)


def wait_ready(
    base: str, server: subprocess.Popen[bytes], log: Path, timeout: float = 60.0
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            tail = log.read_text(errors="replace").strip()[-2000:]
            raise SystemExit(f"the server exited ({server.returncode}): {tail}")
        try:
            if httpx.get(base + "/api/health", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise SystemExit(f"the server did not answer within {timeout:.0f} s")


async def run(
    base: str,
    jobs: Sequence[Job],
    concurrency: int,
    deadline: float,
) -> tuple[dict[str, Tally], float]:
    """Send every job, ``concurrency`` at a time; returns tallies and the wall time."""
    tallies: dict[str, Tally] = {}
    queue: Iterator[Job] = iter(jobs)
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=base, timeout=60.0, limits=limits) as client:

        async def worker() -> None:
            for name, method, path, body in queue:
                tally = tallies.setdefault(name, Tally())
                if time.monotonic() > deadline:
                    tally.errors.append("deadline passed")
                    continue
                start = time.perf_counter()
                try:
                    response = await client.request(method, path, json=body)
                except httpx.HTTPError as err:
                    tally.errors.append(f"{type(err).__name__}: {err}")
                    continue
                elapsed = time.perf_counter() - start
                if response.status_code >= 400:
                    tally.errors.append(f"{response.status_code}: {response.text[:200]}")
                else:
                    tally.latencies.append(elapsed)

        start = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        return tallies, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--compare", type=int, default=200, help="compare requests")
    parser.add_argument("--versions", type=int, default=500, help="versions requests")
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--encoder", default="lexical", help="the server's compare encoder")
    parser.add_argument("--store-encoder", default="lexical", help="the store's vectors")
    parser.add_argument("--deadline", type=float, default=900.0, help="seconds for the run")
    parser.add_argument("--stories", type=int, default=0, help="GET /api/stories requests")
    parser.add_argument("--articles", type=int, default=0, help="GET /api/articles/{id}")
    parser.add_argument("--add", type=int, default=0, help="articles a concurrent add stores")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="storytrace-load-") as tmp:
        db, ids = build_store(Path(tmp), args.store_encoder)
        bodies = compare_bodies(ids)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        log = Path(tmp) / "server.log"
        server = start_server(db, port, args.encoder, log)
        try:
            wait_ready(base, server, log)
            warm: list[Job] = [("warm-up", "POST", "/api/compare", body) for body in bodies]
            deadline = time.monotonic() + args.deadline
            asyncio.run(run(base, warm, 1, deadline))
            jobs: list[Job] = []
            compares = itertools.cycle(bodies)
            stored = itertools.cycle(ids)
            for k in range(max(args.compare, args.versions, args.stories, args.articles)):
                if k < args.compare:
                    jobs.append(("compare", "POST", "/api/compare", next(compares)))
                if k < args.versions:
                    jobs.append(("versions", "GET", f"/api/articles/{next(stored)}/versions", None))
                if k < args.stories:
                    jobs.append(("stories", "GET", "/api/stories", None))
                if k < args.articles:
                    jobs.append(("article", "GET", f"/api/articles/{next(stored)}", None))
            adder = start_add(db, Path(tmp), args.add) if args.add else None
            tallies, wall = asyncio.run(run(base, jobs, args.concurrency, deadline))
            if adder is not None:
                add_seconds = wait_add(adder)
                with Store(db, create=False) as store:
                    stored_after = len(store)
        finally:
            server.terminate()
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
        problems = [
            line
            for line in log.read_text(errors="replace").splitlines()
            if not line.startswith("INFO:")
        ]

    compare = tallies.get("compare", Tally())
    versions = tallies.get("versions", Tally())
    every_error = [e for tally in tallies.values() for e in tally.errors]
    errors = len(every_error)
    print(
        f"storytrace serve on loopback: {len(ids)} stored articles, {len(bodies)} compare "
        f"pairs, encoder {args.encoder}, concurrency {args.concurrency}, {wall:.1f} s"
    )
    if args.add:
        print(
            f"a concurrent `storytrace add` of {args.add} articles ran {add_seconds:.1f} s; "
            f"the store holds {stored_after} articles after it"
        )
    print(
        f"{'endpoint':<10} {'requests':>8} {'errors':>7} {'p50 ms':>8} {'p99 ms':>8} "
        f"{'mean ms':>8} {'max ms':>8} {'req/s':>8}"
    )
    for name in ("compare", "versions", "stories", "article"):
        if name in tallies:
            print(tallies[name].row(name, wall))
    reads = Tally(
        latencies=[
            x for n in ("versions", "stories", "article") for x in tallies.get(n, Tally()).latencies
        ]
    )
    print(reads.row("all reads", wall))
    for message in every_error[:5]:
        print(f"error: {message}")
    if errors:
        print("server log, error lines:", *problems[-20:], sep="\n  ")
    print(
        f"compare_p50_ms={compare.percentile(50):.1f} compare_p99_ms={compare.percentile(99):.1f} "
        f"versions_p50_ms={versions.percentile(50):.1f} "
        f"versions_p99_ms={versions.percentile(99):.1f} "
        f"reads_p99_ms={reads.percentile(99):.1f} errors={errors}"
    )
    sys.exit(1 if errors else 0)


if __name__ == "__main__":
    main()
