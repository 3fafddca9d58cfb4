"""Background screening jobs: ``screen_dir`` runs into ``LABORLENS_HOME/jobs/<id>/out``.

The Job row is the only shared state: whoever runs the job updates its status and progress in short units
of work, and the API and pages read it back. Two runners share :func:`execute`:

- :class:`JobRunner` (the default for ``serve``): a small thread pool in the web process, each job screened
  in a child process of its own (:mod:`laborlens.job_child`) that never holds the server's listening socket
  and dies with the server, its process pool included. A restart cannot resume a job, so jobs left
  ``queued`` or ``running`` by a previous process are marked failed when it starts (``recover``).
- :class:`laborlens.jobqueue.QueueRunner` (``LABORLENS_QUEUE=redis://…``): jobs go on an RQ queue and
  ``laborlens worker`` processes, apart from the web process, run them.

Cancelling is cooperative (the job checks its row at every progress write) and, where the runner owns the
process, immediate. A failed or cancelled job can be retried: same id, same uploaded files.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import signal
import subprocess
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
from laborlens.service.context import Context
from laborlens.settings import Settings
from laborlens.store import Store
from laborlens.store.models import Job

ScreenFn = Callable[..., dict]
STATUSES = ("queued", "running", "done", "failed", "cancelled")
ACTIVE = ("queued", "running")
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



class JobStateError(LaborlensError):
    """The job is not in a state that allows this (cancel a finished job, retry a running one)."""

    exit_code = 2
    http_status = 409


class JobCancelled(Exception):
    """Raised inside a running job when its row says it was cancelled."""


def _screen_dir() -> ScreenFn:
    from laborlens.screen import screen_dir

    return screen_dir


def _update(store: Store, job_id: str, **values: Any) -> None:
    with store.session() as s:
        j = s.get(Job, job_id)
        if j is not None:
            for k, v in values.items():
                setattr(j, k, v)


def _status(store: Store, job_id: str) -> str:
    with store.session() as s:
        j = s.get(Job, job_id)
        return j.status if j is not None else "cancelled"


def record_job(store: Store, job_id: str, actor: str, data_dir: Path, files: dict[str, dict]) -> JobInfo:
    """Record a new queued job (and its audit event) in one unit of work."""
    out_dir = data_dir.parent / "out"
    with store.session() as s:
        j = Job(id=job_id, created_at=_now(), actor=actor, status="queued", progress=0.0,
                message="queued", data_dir=str(data_dir), out_dir=str(out_dir),
                summary={"files": files, "attempt": 1})
        s.add(j)
        audit.record(s, actor, "job.start", job_id, {"files": files})
        s.flush()
        return _info(j)


def execute(store: Store, settings: Settings, job_id: str, screen: ScreenFn | None = None) -> str:
    """Run one recorded job to its end state (``done``, ``failed`` or ``cancelled``), which it returns.
    Every runner calls this: a web-process thread, a job child process, an RQ work horse."""
    with store.session() as s:
        j = s.get(Job, job_id)
        if j is None:
            raise NotFound(f"no job {job_id!r}")
        if j.status != "queued":
            return j.status  # cancelled while it waited, or already taken by another worker
        j.status, j.message = "running", "starting"
        data_dir, out_dir, files = Path(j.data_dir), Path(j.out_dir), dict(j.summary or {})
    started = time.monotonic()
    from laborlens.screen.stages import Stages

    last_at, last_stage = [0.0], [""]  # time and stage of the last write

    def progress(fraction: float, message: str = "") -> None:
        # A write at most every _PROGRESS_EVERY seconds, and at every new stage, so the stored list of
        # stages never skips one however fast it went; the row's summary carries the stages so far.
        now = time.monotonic()
        # (a stage whose total is only now known counts as new: its first count is written at once)
        cur = f"{stages.history[-1].key}/{stages.history[-1].total}" if stages.history else ""
        if now - last_at[0] >= _PROGRESS_EVERY or fraction >= 1.0 or cur != last_stage[0]:
            last_at[0], last_stage[0] = now, cur
            if _status(store, job_id) == "cancelled":
                raise JobCancelled()
            _update(store, job_id, progress=max(0.0, min(1.0, float(fraction))), message=message[:500],
                    summary={**files, "stages": stages.snapshot()})

    stages = Stages(progress)
    try:
        private_dir(out_dir)
        from laborlens.report.render import pdf_support

        summary = (screen or _screen_dir())(data_dir, out_dir, settings=settings, progress=stages,
                                            pdf=not pdf_support()) or {}  # the PDF when WeasyPrint is installed
        if _status(store, job_id) == "cancelled":
            return "cancelled"
        summary = {**summary, "files": files.get("files", {}), "attempt": files.get("attempt", 1),
                   "elapsed_s": round(time.monotonic() - started, 2), "stages": stages.snapshot()}
        _update(store, job_id, status="done", progress=1.0, message="done", summary=summary)
        _index(store, job_id)
        return "done"
    except JobCancelled:
        return "cancelled"
    except LaborlensError as exc:
        # Messages name file:row:column; the server's folder layout is no business of the user's.
        message = str(exc).replace(f"{data_dir}/", "").replace(str(data_dir), "upload")
        _update(store, job_id, status="failed", message=message[:4000])
    except Exception as exc:  # noqa: BLE001 - a job must end in a state a user can see
        _update(store, job_id, status="failed", message=f"internal error: {type(exc).__name__}: {exc}"[:4000])
    return "failed"


def _index(store: Store, job_id: str) -> None:
    """Index the finished run for the review queue now, so no queue request has to parse its result."""
    from laborlens.review.index import index_run

    with contextlib.suppress(Exception):  # the queue builds a missing entry itself; the run is done
        index_run(store, job_id)


def request_cancel(ctx: Context, job_id: str) -> JobInfo:
    """Mark a queued or running job cancelled (analysts; audited). The runner then stops it."""
    ctx.require("analyst")
    with ctx.unit_of_work() as s:
        j = s.get(Job, job_id)
        if j is None:
            raise NotFound(f"no job {job_id!r}")
        if j.status not in ACTIVE:
            raise JobStateError(f"job {job_id} is {j.status}: only a queued or running job can be cancelled")
        j.status, j.message = "cancelled", f"cancelled by {ctx.principal.username}"
        audit.record(s, ctx.principal.username, "job.cancel", job_id, {})
        s.flush()
        return _info(j)


def prepare_retry(ctx: Context, job_id: str) -> JobInfo:
    """Queue a failed or cancelled job again on the same uploaded files (analysts; audited)."""
    ctx.require("analyst")
    with ctx.unit_of_work() as s:
        j = s.get(Job, job_id)
        if j is None:
            raise NotFound(f"no job {job_id!r}")
        if j.status not in ("failed", "cancelled"):
            raise JobStateError(f"job {job_id} is {j.status}: only a failed or cancelled job can be retried")
        attempt = int((j.summary or {}).get("attempt", 1)) + 1
        shutil.rmtree(j.out_dir, ignore_errors=True)
        j.status, j.progress, j.message = "queued", 0.0, f"queued again (attempt {attempt})"
        j.summary = {"files": (j.summary or {}).get("files", {}), "attempt": attempt}
        audit.record(s, ctx.principal.username, "job.retry", job_id, {"attempt": attempt})
        s.flush()
        return _info(j)


class JobRunner:
    """Runs screening jobs from the web process. By default each job is screened in a child process
    (:mod:`laborlens.job_child`); ``screen`` (tests) replaces :func:`laborlens.screen.screen_dir` and then
    runs in the pool's thread instead."""

    kind = "local"

    def __init__(self, store: Store, settings: Settings, workers: int = 2, screen: ScreenFn | None = None):
        self.store, self.settings = store, settings
        self._screen = screen
        self._pool = ThreadPoolExecutor(max_workers=max(1, workers), thread_name_prefix="laborlens-job")
        self._children: dict[str, subprocess.Popen] = {}
        self._lock = threading.Lock()

    def recover(self) -> int:
        """Mark jobs a previous process left unfinished as failed; returns how many."""
        with self.store.session() as s:
            stale = list(s.scalars(select(Job).where(Job.status.in_(ACTIVE))))
            for j in stale:
                j.status, j.message = "failed", "interrupted: the server stopped before the job finished"
        return len(stale)

    def start(self, job_id: str, actor: str, data_dir: Path, files: dict[str, dict]) -> JobInfo:
        info = record_job(self.store, job_id, actor, data_dir, files)
        self._pool.submit(self._run, job_id)
        return info

    def cancel(self, ctx: Context, job_id: str) -> JobInfo:
        info = request_cancel(ctx, job_id)
        with self._lock:
            child = self._children.get(job_id)
        if child is not None and child.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(child.pid, signal.SIGTERM)  # the child takes its process pool down with it
        return info

    def retry(self, ctx: Context, job_id: str) -> JobInfo:
        info = prepare_retry(ctx, job_id)
        self._pool.submit(self._run, job_id)
        return info

    def _run(self, job_id: str) -> None:
        if self._screen is not None:
            execute(self.store, self.settings, job_id, self._screen)
            return
        from laborlens.job_child import spawn

        child = spawn(self.settings, job_id)
        with self._lock:
            self._children[job_id] = child
        try:
            code = child.wait()
        finally:
            with self._lock:
                self._children.pop(job_id, None)
        if code != 0 and _status(self.store, job_id) in ACTIVE:
            _update(self.store, job_id, status="failed",
                    message=f"internal error: the screening process ended unexpectedly (exit {code})")

    def shutdown(self, wait: bool = False) -> None:
        with self._lock:
            children = list(self._children.values())
        for child in children:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(child.pid, signal.SIGTERM)
        self._pool.shutdown(wait=wait, cancel_futures=not wait)


def runner_for(store: Store, settings: Settings, workers: int = 2, screen: ScreenFn | None = None):
    """The queue runner when ``LABORLENS_QUEUE`` is set, else the in-process runner."""
    if settings.queue:
        from laborlens.jobqueue import QueueRunner

        return QueueRunner(store, settings, settings.queue)
    return JobRunner(store, settings, workers, screen)
