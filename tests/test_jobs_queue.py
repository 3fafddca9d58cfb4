"""Background jobs: cancel and retry, the server's job processes (issue 11.5: they never hold the
listening socket and die with the server), and RQ workers on the machine's Redis, run as real processes."""

from __future__ import annotations

import os
import signal
import socket
import time

import httpx
import psutil
import pytest
from conftest import need_service
from fastapi.testclient import TestClient
from jobs_helpers import big_upload, free_port, laborlens, stop, wait_port
from webapp_helpers import accounts_by_role, bearer, demo_files, fake_screen, make_app, wait_done

from laborlens import accounts
from laborlens.settings import Settings
from laborlens.store import open_store

REDIS_URL = "redis://127.0.0.1:6379/11"  # a database of its own: nothing else on the server is touched


def slow_screen(data_dir, out_dir, settings=None, progress=None, **kw):
    """fake_screen, slowed down (reporting progress) while a ``slow`` marker is in the upload folder."""
    step = 0
    while (data_dir / "slow").exists() and step < 600:
        progress(min(0.9, step / 100), f"step {step}")
        time.sleep(0.02)
        step += 1
    return fake_screen(data_dir, out_dir, settings, progress, **kw)


def _wait(client, job_id, headers, pred, timeout=60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = client.get(f"/api/jobs/{job_id}", headers=headers).json()
        if pred(job):
            return job
        time.sleep(0.05)
    raise AssertionError(f"job {job_id} never reached the state wanted: {job}")


def test_cancel_and_retry_in_process(settings):
    app = make_app(settings, screen=slow_screen)
    users = accounts_by_role(app)
    h = bearer(users, "analyst")
    with TestClient(app) as c:
        job = c.post("/api/jobs", files=demo_files(), headers=h).json()["id"]
        (settings.home / "jobs" / job / "in" / "slow").touch()
        running = _wait(c, job, h, lambda j: j["status"] == "running" and j["progress"] > 0)
        assert running["message"].startswith("step")
        assert c.post(f"/api/jobs/{job}/retry", headers=h).status_code == 409  # still running
        assert c.post(f"/api/jobs/{job}/cancel", headers=bearer(users, "viewer")).status_code == 403
        r = c.post(f"/api/jobs/{job}/cancel", headers=h)
        assert r.status_code == 200 and r.json()["status"] == "cancelled"
        time.sleep(1.0)  # the job notices at its next progress write and stops
        after = c.get(f"/api/jobs/{job}", headers=h).json()
        assert after["status"] == "cancelled" and "cancelled by analyst" in after["message"]
        assert not (settings.home / "jobs" / job / "out" / "result.json").exists()
        assert c.post(f"/api/jobs/{job}/cancel", headers=h).status_code == 409
        (settings.home / "jobs" / job / "in" / "slow").unlink()
        r = c.post(f"/api/jobs/{job}/retry", headers=h)
        assert r.status_code == 202 and r.json()["status"] == "queued"
        done = wait_done(c, job, h)
        assert done["status"] == "done" and done["summary"]["attempt"] == 2
        actions = [e["action"] for e in c.get("/api/audit", headers=bearer(users, "admin")).json()["events"]]
        assert {"job.cancel", "job.retry"} <= set(actions)


def _token(home) -> str:
    store = open_store(Settings(home=home))
    with store.session() as s:
        u = accounts.add_user(s, "ana", "correct horse battery", "analyst")
        return accounts.create_token(s, u, "test")


def _holds_port(proc: psutil.Process, port: int) -> bool:
    try:
        return any(c.laddr and c.laddr.port == port for c in proc.net_connections(kind="tcp"))
    except psutil.NoSuchProcess:
        return False


def test_job_processes_never_hold_the_port_and_die_with_the_server(tmp_path):
    """kill -9 of ``serve`` in the middle of a job: its job process and that process's pool go too, none
    of them ever held the listening socket, and the server starts again on the same port."""
    home = tmp_path / "home"
    token = _token(home)
    port = free_port()
    server = laborlens("serve", "--port", str(port), home=home, log=tmp_path / "serve.log")
    try:
        wait_port(port, server)
        h = {"Authorization": f"Bearer {token}"}
        base = f"http://127.0.0.1:{port}"
        r = httpx.post(f"{base}/api/jobs", files=big_upload(40_000), headers=h, timeout=60)
        assert r.status_code == 202, r.text
        job = r.json()["id"]
        me = psutil.Process(server.pid)
        deadline, seen = time.monotonic() + 120, []
        while time.monotonic() < deadline and len(seen) < 2:  # the job's processes: itself and its pool
            seen = me.children(recursive=True)
            status = httpx.get(f"{base}/api/jobs/{job}", headers=h).json()["status"]
            assert status in ("queued", "running"), f"job ended ({status}) before its pool started"
            time.sleep(0.05)
        assert len(seen) >= 2, f"expected the job process and its pool, saw {seen}"
        time.sleep(0.3)
        seen = me.children(recursive=True)
        assert not any(_holds_port(p, port) for p in seen), "a job process holds the server's socket"
        os.kill(server.pid, signal.SIGKILL)
        server.wait(10)
        gone, alive = psutil.wait_procs(seen, timeout=15)
        assert not alive, f"job processes outlived the server: {alive}"
        with socket.socket() as s:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind(("127.0.0.1", port))  # free again
    finally:
        stop(server)
    again = laborlens("serve", "--port", str(port), home=home, log=tmp_path / "serve2.log")
    try:
        wait_port(port, again)
        job_now = httpx.get(f"http://127.0.0.1:{port}/api/jobs/{job}", headers=h).json()
        assert job_now["status"] == "failed" and "interrupted" in job_now["message"]
    finally:
        stop(again)


# --- RQ on Redis -------------------------------------------------------------------------------------------

@pytest.fixture()
def redis_url():
    try:
        import redis

        conn = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
        conn.ping()
    except Exception as exc:  # noqa: BLE001
        need_service("Redis", f"{REDIS_URL}: {exc}")
    yield REDIS_URL
    from rq import Queue

    Queue("laborlens", connection=conn).empty()  # what this test left queued
    conn.close()


def test_rq_worker_runs_cancels_and_retries(settings, redis_url, tmp_path, monkeypatch):
    monkeypatch.setenv("LABORLENS_QUEUE", redis_url)
    qsettings = Settings()
    app = make_app(qsettings)
    assert app.state.runner.kind == "queue"
    users = accounts_by_role(app)
    h = bearer(users, "analyst")
    with TestClient(app) as c:
        # queued while no worker runs: cancel it, then a worker must leave it cancelled
        first = c.post("/api/jobs", files=demo_files(), headers=h).json()["id"]
        assert c.get(f"/api/jobs/{first}", headers=h).json()["status"] == "queued"
        assert c.post(f"/api/jobs/{first}/cancel", headers=h).json()["status"] == "cancelled"
        worker = laborlens("worker", "--queue", redis_url, home=qsettings.home, log=tmp_path / "worker.log")
        try:
            second = c.post("/api/jobs", files=demo_files(), headers=h).json()["id"]
            done = wait_done(c, second, h, timeout=120)
            assert done["status"] == "done", (done, (tmp_path / "worker.log").read_text()[-3000:])
            assert done["summary"]["shipments"] == 0 and done["summary"]["parties"] == 1
            assert c.get(f"/api/jobs/{first}", headers=h).json()["status"] == "cancelled"
            # retry the cancelled one: the worker runs it now
            assert c.post(f"/api/jobs/{first}/retry", headers=h).status_code == 202
            assert wait_done(c, first, h, timeout=120)["summary"]["attempt"] == 2
            # a running job: progress is visible, and cancel stops the worker's work horse at once
            big = c.post("/api/jobs", files=big_upload(30_000), headers=h).json()["id"]
            running = _wait(c, big, h, lambda j: j["status"] == "running" and j["progress"] > 0, 120)
            assert 0 < running["progress"] < 1 and running["message"]
            assert c.post(f"/api/jobs/{big}/cancel", headers=h).json()["status"] == "cancelled"
            from rq.job import Job as RqJob

            from laborlens.jobqueue import rq_job_id

            rq_job = RqJob.fetch(rq_job_id(big, 1), connection=app.state.runner.redis)
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline and rq_job.get_status(refresh=True) == "started":
                time.sleep(0.1)
            assert rq_job.get_status(refresh=True) in ("stopped", "failed", "canceled")
            assert worker.poll() is None  # the worker itself lives on for the next job
            time.sleep(1.0)
            assert c.get(f"/api/jobs/{big}", headers=h).json()["status"] == "cancelled"
        finally:
            stop(worker)


def test_worker_needs_a_queue(cli, monkeypatch):
    monkeypatch.delenv("LABORLENS_QUEUE", raising=False)
    r = cli("worker")
    assert r.exit_code == 2 and "LABORLENS_QUEUE" in r.output
