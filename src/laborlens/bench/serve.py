"""``laborlens bench serve``: a bounded load test of the HTTP server on loopback.

It starts ``laborlens serve`` itself (127.0.0.1, a free port, a subprocess, a throw-away LABORLENS_HOME with
the bundled watchlists and an analyst with an API token) and drives it with httpx at a fixed concurrency:

1. single-name screening (``POST /api/screen/name``), distinct generated names with ~1% listed ones;
2. a mixed load on each store backend (SQLite in WAL mode; PostgreSQL 127.0.0.1:5432 db ``test`` in a
   throw-away schema, when reachable): reads of the decision history and name screenings beside writes of
   analyst decisions (each audited). Afterwards the store is opened directly and every acknowledged write
   (a 201 with its id) must be there with its audit event, and the audit chain must verify.

Latency is measured at the client (request sent to response read), so it includes the client's own work on
the same cores. Every request counts: a non-2xx answer or a transport error is an error, never dropped.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import httpx

PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
WARMUP = 30  # untimed requests first: the matcher is built and cached on the first one


@dataclass
class LoadFigures:
    name: str
    requests: int
    errors: int
    seconds: float
    latencies_ms: list[float] = field(default_factory=list, repr=False)
    server_cpu_s: float = 0.0  # CPU the server process used during the load (user + system)
    client_cpu_s: float = 0.0  # CPU this process (the load generator) used

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def pct(self, q: float) -> float:
        if not self.latencies_ms:
            return float("nan")
        xs = sorted(self.latencies_ms)
        return xs[min(len(xs) - 1, int(q / 100 * len(xs)))]

    def row(self) -> dict[str, Any]:
        return {"load": self.name, "requests": self.requests, "errors": self.errors,
                "seconds": round(self.seconds, 2), "rps": round(self.rps, 1),
                **{f"p{q}_ms": round(self.pct(q), 1) for q in (50, 95, 99)},
                "server_cpu_ms_per_req": round(1000 * self.server_cpu_s / max(1, self.requests), 2),
                "client_cpu_ms_per_req": round(1000 * self.client_cpu_s / max(1, self.requests), 2)}


@dataclass
class Integrity:
    backend: str
    acknowledged: int
    found: int
    audited: int
    chain_ok: bool
    chain_detail: str

    @property
    def lost(self) -> int:
        return self.acknowledged - self.found

    @property
    def ok(self) -> bool:
        return self.lost == 0 and self.audited == self.acknowledged and self.chain_ok


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def prepare_home(home: Path, db_url: str | None) -> str:
    """A store with the bundled lists and an analyst ``bench``; returns the analyst's API token."""
    from laborlens import accounts
    from laborlens.settings import Settings
    from laborlens.store import open_store

    store = open_store(Settings(home=home, db=db_url))
    with store.session() as s:
        user = accounts.add_user(s, "bench", "bench-password-" + uuid.uuid4().hex, "analyst", actor="bench")
        token = accounts.create_token(s, user, "bench serve")
    store.engine.dispose()
    return token


@dataclass(frozen=True)
class Server:
    base: str
    pid: int

    def cpu_seconds(self) -> float:
        import psutil

        t = psutil.Process(self.pid).cpu_times()
        return t.user + t.system


@contextmanager
def running_server(home: Path, db_url: str | None, log: Path) -> Iterator[Server]:
    """``laborlens serve`` on 127.0.0.1 and a free port, in its own process; stopped on exit."""
    port = free_port()
    env = {**os.environ, "LABORLENS_HOME": str(home)}
    env.pop("LABORLENS_DB", None)
    if db_url:
        env["LABORLENS_DB"] = db_url
    cmd = [sys.executable, "-c", "from laborlens.cli import main; main()", "serve", "--host", "127.0.0.1",
           "--port", str(port)]
    with log.open("wb") as fh:
        proc = subprocess.Popen(cmd, env=env, stdout=fh, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"the server exited ({proc.returncode}): {log.read_text()[-2000:]}")
            try:
                if httpx.get(base + "/api/me", timeout=1).status_code == 401:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("the server did not answer within 60 s")
            time.sleep(0.1)
        yield Server(base, proc.pid)
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


Op = Callable[[httpx.AsyncClient, int], Awaitable[bool]]


async def drive(server: Server, token: str, name: str, op: Op, count: int, duration: float,
                concurrency: int) -> LoadFigures:
    """Run ``op`` ``count`` times (or until ``duration`` seconds pass) from ``concurrency`` workers."""
    figures = LoadFigures(name, 0, 0, 0.0)
    base = server.base
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    headers = {"Authorization": f"Bearer {token}"}
    next_i = 0
    async with httpx.AsyncClient(base_url=base, headers=headers, limits=limits, timeout=30) as client:
        start, cpu0, own0 = time.perf_counter(), server.cpu_seconds(), time.process_time()
        stop = start + duration

        async def worker() -> None:
            nonlocal next_i
            while next_i < count and time.perf_counter() < stop:
                i, next_i = next_i, next_i + 1
                t = time.perf_counter()
                try:
                    ok = await op(client, i)
                except httpx.HTTPError:
                    ok = False
                figures.latencies_ms.append((time.perf_counter() - t) * 1000)
                figures.requests += 1
                figures.errors += not ok

        await asyncio.gather(*(worker() for _ in range(concurrency)))
        figures.seconds = time.perf_counter() - start
        figures.server_cpu_s = server.cpu_seconds() - cpu0
        figures.client_cpu_s = time.process_time() - own0
    return figures


def _names(n: int) -> list[str]:
    from laborlens.match.bench import generate_names
    from laborlens.refdata.bundled import bundled_entries

    return generate_names(n, list(bundled_entries("uflpa")), seed=23)


def screen_op(names: list[str]) -> Op:
    async def op(client: httpx.AsyncClient, i: int) -> bool:
        r = await client.post("/api/screen/name", json={"name": names[i % len(names)], "country": "CN"})
        return r.status_code == 200 and "decision" in r.json()

    return op


def mixed_op(names: list[str], acked: dict[int, str], write_every: int, run: str) -> Op:
    """Every ``write_every``-th operation records a decision; the others alternate two kinds of read."""

    async def op(client: httpx.AsyncClient, i: int) -> bool:
        if i % write_every == 0:
            party = f"bench {run} {i}"
            r = await client.post("/api/decisions", json={
                "party_name": party, "entity_id": "uflpa-001", "list_name": "uflpa", "verdict": "dismissed",
                "note": "bench serve"})
            if r.status_code == 201:
                acked[r.json()["id"]] = party
            return r.status_code == 201
        if i % 2:
            r = await client.get("/api/decisions", params={"limit": 20})
            return r.status_code == 200
        return (await screen_op(names)(client, i))

    return op


def check_integrity(backend: str, home: Path, db_url: str | None, acked: dict[int, str]) -> Integrity:
    """Open the store directly: every acknowledged decision present, audited once, and the chain valid."""
    from sqlalchemy import select

    from laborlens import audit
    from laborlens.settings import Settings
    from laborlens.store import open_store
    from laborlens.store.models import AuditEvent, Decision

    store = open_store(Settings(home=home, db=db_url))
    try:
        with store.session() as s:
            ids = list(acked)
            found = {d.id: d.party_name for d in s.scalars(select(Decision).where(Decision.id.in_(ids)))}
            present = sum(1 for k, v in acked.items() if found.get(k) == v)
            audited = {(e.detail or {}).get("decision_id") for e in
                       s.scalars(select(AuditEvent).where(AuditEvent.action.like("decision.%")))}
            check = audit.verify(s)
        detail = "ok" if check.ok else f"broken at event {check.first_bad_id}"
        return Integrity(backend, len(acked), present, len(audited & set(ids)), check.ok, detail)
    finally:
        store.engine.dispose()


@contextmanager
def postgres_schema() -> Iterator[str | None]:
    """A throw-away schema in 127.0.0.1:5432/test, or None when PostgreSQL is not reachable."""
    try:
        import psycopg

        conn = psycopg.connect("host=127.0.0.1 port=5432 dbname=test user=postgres", connect_timeout=3,
                               autocommit=True)
    except Exception:  # noqa: BLE001 - any failure means no usable server
        yield None
        return
    schema = f"ll_bench_{uuid.uuid4().hex[:10]}"
    conn.execute(f'CREATE SCHEMA "{schema}"')
    try:
        yield f"{PG_URL}?options=-csearch_path%3D{schema}"
    finally:
        conn.execute(f'DROP SCHEMA "{schema}" CASCADE')
        conn.close()


@dataclass
class BenchReport:
    loads: list[LoadFigures]
    integrity: list[Integrity]
    skipped: list[str]
    load_average: tuple[float, float, float] = (0.0, 0.0, 0.0)  # the machine's, when the bench started
    cores: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {"loads": [x.row() for x in self.loads],
                "integrity": [{**asdict(x), "lost": x.lost, "ok": x.ok} for x in self.integrity],
                "skipped": self.skipped, "load_average": self.load_average, "cores": self.cores}


def run(requests: int = 3000, mixed: int = 2000, duration: float = 60.0, concurrency: int = 8,
        write_every: int = 5, postgres: bool = True,
        progress: Callable[[str], None] | None = None) -> BenchReport:
    """The whole bench; each load stops at ``requests``/``mixed`` requests or ``duration`` seconds."""
    say = progress or (lambda _m: None)
    load_average, cores = os.getloadavg(), os.cpu_count() or 0
    names = _names(max(requests, mixed, WARMUP))
    loads: list[LoadFigures] = []
    integrity: list[Integrity] = []
    skipped: list[str] = []
    with tempfile.TemporaryDirectory(prefix="laborlens-bench-serve-") as tmp, postgres_schema() as pg:
        backends: list[tuple[str, str | None]] = [("sqlite", None)]
        if not postgres:
            skipped.append("postgresql: not asked for (--no-postgres)")
        elif pg is None:
            skipped.append("postgresql: 127.0.0.1:5432/test not reachable")
        else:
            backends.append(("postgresql", pg))
        for backend, url in backends:
            home = Path(tmp) / backend
            token = prepare_home(home, url)
            say(f"starting the server on {backend}")
            with running_server(home, url, Path(tmp) / f"{backend}.log") as server:
                asyncio.run(drive(server, token, "warm-up", screen_op(names), WARMUP, duration, concurrency))
                if backend == "sqlite":
                    say(f"single-name screening: {requests} requests at concurrency {concurrency}")
                    loads.append(asyncio.run(drive(server, token, "screen/name", screen_op(names), requests,
                                                   duration, concurrency)))
                say(f"mixed read/write on {backend}: {mixed} requests, one write in {write_every}")
                acked: dict[int, str] = {}
                loads.append(asyncio.run(drive(server, token, f"mixed ({backend})",
                                               mixed_op(names, acked, write_every, backend), mixed, duration,
                                               concurrency)))
            integrity.append(check_integrity(backend, home, url, acked))
    return BenchReport(loads, integrity, skipped, load_average, cores)
