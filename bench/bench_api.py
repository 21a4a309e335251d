"""Events through the HTTP API: a real uvicorn server, a load generator on loopback.

    python -m bench api                          SQLite (and PostgreSQL when
                                                 LEADFLOW_TEST_DATABASE_URL is set)
    python -m bench.bench_api --postgres URL     PostgreSQL too, on that server
    python -m bench.bench_api --singles 3000 --batches 20 --concurrency 8

For each database: a fresh workspace (waterfall preset), an ingest key, ``leadflow
serve`` started as a child process (rate limit on but far above the load, access log
off), then

    batches   POST /events/batch, 500 events each, ``--batch-clients`` at a time
    singles   POST /events, one event each, ``--concurrency`` threads with keep-alive

Events are a realistic mix (page views, downloads, e-mail clicks, a few demo
requests) over 5,000 known people. The generator runs on the same machine and takes
CPU from the server: the figures are a floor, and depend on what else runs.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import httpx
from sqlalchemy import text

from leadflow.services.api_keys import Role, create_key
from leadflow.services.workspace import init_workspace
from leadflow.store.database import make_engine, normalise_url, session_factory

PEOPLE = 5000
TYPES = (
    ("page_view", 60),
    ("email_open", 15),
    ("email_click", 10),
    ("content_download", 10),
    ("webinar_registration", 3),
    ("demo_request", 2),
)


@dataclass(frozen=True)
class Figures:
    label: str
    events: int
    requests: int
    seconds: float
    latencies: list[float]
    server_cpu: float  # CPU seconds the server process used during the run
    client_cpu: float  # CPU seconds this process (the load generator) used meanwhile

    def show(self) -> str:
        ordered = sorted(self.latencies)
        p50 = statistics.median(ordered) * 1000
        p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000
        return (
            f"  {self.label:<26} {self.events / self.seconds:>9,.0f} events/s"
            f"  {self.requests / self.seconds:>8,.0f} req/s"
            f"  p50 {p50:6.1f} ms  p99 {p99:6.1f} ms"
            f"  server cpu {self.server_cpu / self.events * 1e6:,.0f} µs/event"
            f"  client cpu {self.client_cpu / self.requests * 1e6:,.0f} µs/request"
            f"  ({self.requests} requests)"
        )


def main(argv: list[str]) -> None:
    options = _options(argv)
    targets: list[tuple[str, str | None]] = [("sqlite", None)]
    postgres = options.postgres or os.environ.get("LEADFLOW_TEST_DATABASE_URL")
    if postgres:
        targets.append(("postgresql", postgres))
    for name, url in targets:
        with _server(url) as (base, key, pid):
            print(f"{name}: server {base}", flush=True)
            _warm_up(base, key)
            print(_batches(base, key, pid, options).show(), flush=True)
            print(_singles(base, key, pid, options).show(), flush=True)


def _options(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="bench api")
    parser.add_argument("--postgres", help="PostgreSQL URL (a schema is made and dropped)")
    parser.add_argument("--batches", type=int, default=40, help="batches of 500 events")
    parser.add_argument("--batch-clients", type=int, default=2)
    parser.add_argument("--singles", type=int, default=4000, help="single-event requests")
    parser.add_argument("--concurrency", type=int, default=8)
    return parser.parse_args(argv)


def _event(rng: random.Random) -> dict[str, object]:
    kinds, weights = zip(*TYPES, strict=True)
    kind = rng.choices(kinds, weights)[0]
    return {
        "type": kind,
        "email": _email(rng.randrange(PEOPLE)),
        "key": uuid.uuid4().hex,
        "at": datetime.now(UTC).isoformat(),
        "properties": {"url": "/pricing"} if kind == "page_view" else {"asset": "ebook"},
    }


def _email(person: int) -> str:
    return f"person{person}@company{person % 500}.example"


def _batches(base: str, key: str, pid: int, options: argparse.Namespace) -> Figures:
    rng = random.Random(3)
    count = options.batches
    bodies = [{"events": [_event(rng) for _ in range(500)]} for _ in range(count)]
    cpu, client = _cpu_seconds(pid), time.process_time()
    seconds, latencies = _drive(base, key, "/events/batch", bodies, options.batch_clients)
    used, client = _cpu_seconds(pid) - cpu, time.process_time() - client
    return Figures("batches of 500", count * 500, count, seconds, latencies, used, client)


def _singles(base: str, key: str, pid: int, options: argparse.Namespace) -> Figures:
    rng = random.Random(7)
    count = options.singles
    bodies = [_event(rng) for _ in range(count)]
    cpu, client = _cpu_seconds(pid), time.process_time()
    seconds, latencies = _drive(base, key, "/events", bodies, options.concurrency)
    used, client = _cpu_seconds(pid) - cpu, time.process_time() - client
    return Figures("single events", count, count, seconds, latencies, used, client)


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process (Linux /proc), to see past other load."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _drive(
    base: str, key: str, path: str, bodies: Sequence[Mapping[str, object]], workers: int
) -> tuple[float, list[float]]:
    """Send every body, ``workers`` at a time; (wall seconds, per-request latencies)."""
    host, _, port = base.removeprefix("http://").partition(":")
    latencies: list[float] = []
    failures: list[str] = []
    lock = threading.Lock()
    shares = [bodies[n::workers] for n in range(workers)]

    def work(share: Sequence[Mapping[str, object]]) -> None:
        # http.client with keep-alive: a load generator several times lighter than httpx
        # (it shares the machine's two cores with the server it measures).
        mine: list[float] = []
        connection = http.client.HTTPConnection(host, int(port), timeout=60)
        headers = {"X-API-Key": key, "Content-Type": "application/json"}
        try:
            for body in share:
                payload = json.dumps(body).encode()
                started = time.perf_counter()
                connection.request("POST", path, payload, headers)
                reply = connection.getresponse()
                text = reply.read()
                mine.append(time.perf_counter() - started)
                if reply.status >= 300:
                    failures.append(f"{reply.status} {text[:200]!r}")
        finally:
            connection.close()
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=work, args=(share,)) for share in shares]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    if failures:
        raise SystemExit(f"{len(failures)} requests failed, first: {failures[0]}")
    return elapsed, latencies


def _warm_up(base: str, key: str) -> None:
    """Create the people first, so both runs measure events for known contacts."""
    rng = random.Random(1)
    people = [{**_event(rng), "email": _email(n)} for n in range(PEOPLE)]
    bodies = [{"events": people[n : n + 500]} for n in range(0, PEOPLE, 500)]
    _drive(base, key, "/events/batch", bodies, 2)


@contextmanager
def _server(postgres: str | None) -> Iterator[tuple[str, str, int]]:
    folder = Path(tempfile.mkdtemp(prefix="leadflow-bench-api-"))
    schema = f"lf_bench_{uuid.uuid4().hex[:10]}" if postgres else None
    url = _database(folder, postgres, schema)
    env = {**os.environ, "LEADFLOW_WORKSPACE": str(folder), "LEADFLOW_DATABASE_URL": url}
    init_workspace(folder, preset="waterfall", database_url=url, now=datetime.now(UTC))
    engine = make_engine(url)
    with session_factory(engine)() as session:
        key = create_key(session, "bench", Role.INGEST, datetime.now(UTC)).secret
    engine.dispose()
    port = _free_port()
    command = [
        sys.executable,
        "-c",
        "from leadflow.cli import main; main()",
        "serve",
        "--port",
        str(port),
        "--rate-limit",
        "1000000",
        "--burst",
        "1000000",
        "--no-access-log",
    ]
    log = (folder / "server.log").open("wb")
    server = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(base, server, folder / "server.log")
        yield base, key, server.pid
    except BaseException:
        log.flush()
        print((folder / "server.log").read_text(errors="replace")[-3000:], file=sys.stderr)
        raise
    finally:
        server.terminate()
        server.wait(timeout=10)
        log.close()
        shutil.rmtree(folder, ignore_errors=True)
        if postgres and schema:
            _drop_schema(postgres, schema)


def _database(folder: Path, postgres: str | None, schema: str | None) -> str:
    if postgres is None or schema is None:
        return f"sqlite:///{folder / 'leadflow.db'}"
    admin = make_engine(postgres)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    admin.dispose()
    url = normalise_url(postgres).update_query_dict({"options": f"-csearch_path={schema}"})
    return url.render_as_string(hide_password=False)


def _drop_schema(postgres: str, schema: str) -> None:
    admin = make_engine(postgres)
    with admin.begin() as connection:
        connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    admin.dispose()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def _wait_until_up(base: str, server: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 120  # imports alone take seconds on a busy machine
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"the server stopped: {log.read_text()[-2000:]}")
        try:
            if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise SystemExit("the server did not answer /healthz within 120 s")


if __name__ == "__main__":
    main(sys.argv[1:])
