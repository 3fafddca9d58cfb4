"""Background screening jobs: a small thread pool runs ``screen_dir`` into ``LABORLENS_HOME/jobs/<id>/out``.

The Job row is the only shared state: the worker updates its status and progress in short units of work,
and the API and pages read it back. A server restart cannot resume a thread, so jobs left ``queued`` or
``running`` by a previous process are marked failed when the runner starts (``recover``).
"""

from __future__ import annotations

import json
import secrets
import shutil
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select

from laborlens import audit
from laborlens.errors import LaborlensError, NotFound
from laborlens.fsutil import private_dir
from laborlens.settings import Settings
from laborlens.store import Store
from laborlens.store.models import Job

ScreenFn = Callable[..., dict]
STATUSES = ("queued", "running", "done", "failed")
_PROGRESS_EVERY = 0.5  # seconds between progress writes: a busy screen must not hammer the store


@dataclass(frozen=True, slots=True)
class JobInfo:
    id: str
    created_at: datetime
    actor: str
    status: str
    progress: float
    message: str
    summary: dict

    @property
    def done(self) -> bool:
        return self.status == "done"

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "created_at": self.created_at.isoformat(), "actor": self.actor,
                "status": self.status, "progress": round(self.progress, 4), "message": self.message,
                "summary": self.summary}


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None, microsecond=0)


def _info(j: Job) -> JobInfo:
    return JobInfo(j.id, j.created_at, j.actor, j.status, j.progress or 0.0, j.message or "", j.summary or {})


def jobs_root(settings: Settings) -> Path:
    return settings.home / "jobs"


def new_job_dir(settings: Settings) -> tuple[str, Path]:
    """A fresh job id and its (empty) input folder, for an upload to stream into."""
    job_id = secrets.token_hex(8)
    data_dir = jobs_root(settings) / job_id / "in"
    private_dir(data_dir)  # 0700 down from LABORLENS_HOME/jobs: uploads name parties
    return job_id, data_dir


def discard_job_dir(settings: Settings, job_id: str) -> None:
    """Remove the folder of a job that was never started (a rejected upload)."""
    if job_id.isalnum():
        shutil.rmtree(jobs_root(settings) / job_id, ignore_errors=True)


def get_job(store: Store, job_id: str) -> JobInfo:
    with store.session() as s:
        j = s.get(Job, job_id)
        if j is None:
            raise NotFound(f"no job {job_id!r}")
        return _info(j)


def list_jobs(store: Store, limit: int = 50) -> list[JobInfo]:
    with store.session() as s:
        return [_info(j) for j in s.scalars(select(Job).order_by(Job.created_at.desc(), Job.id).limit(limit))]


def output_dir(store: Store, job_id: str) -> Path:
    with store.session() as s:
        j = s.get(Job, job_id)
        if j is None:
            raise NotFound(f"no job {job_id!r}")
        return Path(j.out_dir)


_result_cache: dict[Path, tuple[float, dict]] = {}
_cache_lock = threading.Lock()


def load_result(store: Store, job_id: str) -> dict:
    """The job's ``result.json`` (parsed once per file version; results are read far more than written)."""
    job = get_job(store, job_id)
    if job.status != "done":
        raise NotFound(f"job {job_id} has no results yet (status: {job.status})")
    path = output_dir(store, job_id) / "result.json"
    if not path.exists():
        raise NotFound(f"job {job_id} finished without a result.json")
    mtime = path.stat().st_mtime
    with _cache_lock:
        hit = _result_cache.get(path)
        if hit and hit[0] == mtime:
            return hit[1]
    data = json.loads(path.read_text(encoding="utf-8"))
    with _cache_lock:
        if len(_result_cache) > 16:
            _result_cache.clear()
        _result_cache[path] = (mtime, data)
    return data


def _screen_dir() -> ScreenFn:
    from laborlens.screen import screen_dir

    return screen_dir


class JobRunner:
    """Runs screening jobs in background threads. ``screen`` defaults to :func:`laborlens.screen.screen_dir`
    (imported lazily); tests may pass a stand-in with the same signature."""

    def __init__(self, store: Store, settings: Settings, workers: int = 2, screen: ScreenFn | None = None):
        self.store, self.settings = store, settings
        self._screen = screen
        self._pool = ThreadPoolExecutor(max_workers=max(1, workers), thread_name_prefix="laborlens-job")

    def recover(self) -> int:
        """Mark jobs a previous process left unfinished as failed; returns how many."""
        with self.store.session() as s:
            stale = list(s.scalars(select(Job).where(Job.status.in_(("queued", "running")))))
            for j in stale:
                j.status, j.message = "failed", "interrupted: the server stopped before the job finished"
        return len(stale)

    def start(self, job_id: str, actor: str, data_dir: Path, files: dict[str, dict]) -> JobInfo:
        """Record the job (and an audit event) in one unit of work, then queue it."""
        out_dir = data_dir.parent / "out"
        with self.store.session() as s:
            j = Job(id=job_id, created_at=_now(), actor=actor, status="queued", progress=0.0,
                    message="queued", data_dir=str(data_dir), out_dir=str(out_dir), summary={"files": files})
            s.add(j)
            audit.record(s, actor, "job.start", job_id, {"files": files})
            s.flush()
            info = _info(j)
        self._pool.submit(self._run, job_id, data_dir, out_dir, files)
        return info

    def _update(self, job_id: str, **values: Any) -> None:
        with self.store.session() as s:
            j = s.get(Job, job_id)
            if j is not None:
                for k, v in values.items():
                    setattr(j, k, v)

    def _run(self, job_id: str, data_dir: Path, out_dir: Path, files: dict[str, dict]) -> None:
        started = time.monotonic()
        last = [0.0]

        def progress(fraction: float, message: str = "") -> None:
            now = time.monotonic()
            if now - last[0] >= _PROGRESS_EVERY or fraction >= 1.0:
                last[0] = now
                self._update(job_id, progress=max(0.0, min(1.0, float(fraction))), message=message[:500])

        try:
            self._update(job_id, status="running", message="starting")
            private_dir(out_dir)
            screen = self._screen or _screen_dir()
            summary = screen(data_dir, out_dir, settings=self.settings, progress=progress, pdf=True) or {}
            summary = {**summary, "files": files, "elapsed_s": round(time.monotonic() - started, 2)}
            self._update(job_id, status="done", progress=1.0, message="done", summary=summary)
        except LaborlensError as exc:
            # Messages name file:row:column; the server's folder layout is no business of the user's.
            message = str(exc).replace(f"{data_dir}/", "").replace(str(data_dir), "upload")
            self._update(job_id, status="failed", message=message[:4000])
        except Exception as exc:  # noqa: BLE001 - a job must end in a state a user can see
            self._update(job_id, status="failed", message=f"internal error: {type(exc).__name__}: {exc}"[:4000])

    def shutdown(self, wait: bool = False) -> None:
        self._pool.shutdown(wait=wait, cancel_futures=not wait)
