"""Background jobs on a real queue: RQ on Redis (``LABORLENS_QUEUE=redis://127.0.0.1:6379/0``), run by
``laborlens worker`` processes apart from the web process, on this machine or others.

The Job row in the store stays the one record of a job (status, progress, message, summary), so the web
process reads progress the same way whichever runner ran the job; Redis only carries the work. Workers
need the same store (``LABORLENS_DB``, PostgreSQL for a team) and the same job folders (``LABORLENS_HOME``
on a shared volume) as the web process. A web restart does not interrupt queued or running jobs.
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any

from laborlens.jobs import JobInfo, execute, prepare_retry, record_job, request_cancel
from laborlens.service.context import Context
from laborlens.settings import Settings, load_settings
from laborlens.store import Store, open_store

QUEUE_NAME = "laborlens"
JOB_TIMEOUT = 6 * 3600  # seconds; a 10M-link screening fits well inside
RESULT_TTL = 7 * 86400


def _redis(url: str) -> Any:
    from redis import Redis

    return Redis.from_url(url)


def rq_job_id(job_id: str, attempt: int) -> str:
    return f"laborlens-{job_id}-{attempt}"


def run_queued_job(job_id: str) -> str:
    """What a worker runs: the job recorded in the store named by the worker's own settings."""
    settings = load_settings()
    return execute(open_store(settings), settings, job_id)


class QueueRunner:
    """Same interface as :class:`laborlens.jobs.JobRunner`, with the work on an RQ queue."""

    kind = "queue"

    def __init__(self, store: Store, settings: Settings, url: str) -> None:
        from rq import Queue

        self.store, self.settings, self.url = store, settings, url
        self.redis = _redis(url)
        self.queue = Queue(QUEUE_NAME, connection=self.redis)

    def recover(self) -> int:
        return 0  # queued and running jobs belong to the workers: a web restart leaves them be

    def _enqueue(self, job_id: str, attempt: int) -> None:
        self.queue.enqueue(run_queued_job, job_id, job_id=rq_job_id(job_id, attempt),
                           job_timeout=JOB_TIMEOUT, result_ttl=RESULT_TTL, failure_ttl=RESULT_TTL,
                           description=f"screening job {job_id}")

    def start(self, job_id: str, actor: str, data_dir: Path, files: dict[str, dict]) -> JobInfo:
        info = record_job(self.store, job_id, actor, data_dir, files)
        self._enqueue(job_id, 1)
        return info

    def cancel(self, ctx: Context, job_id: str) -> JobInfo:
        from rq.command import send_stop_job_command
        from rq.exceptions import InvalidJobOperation, NoSuchJobError
        from rq.job import Job as RqJob

        info = request_cancel(ctx, job_id)
        rid = rq_job_id(job_id, int(info.summary.get("attempt", 1)))
        with contextlib.suppress(NoSuchJobError, InvalidJobOperation):
            job = RqJob.fetch(rid, connection=self.redis)
            if job.get_status() == "started":
                send_stop_job_command(self.redis, rid)  # the worker kills the work horse at once
            else:
                job.cancel()
        return info

    def retry(self, ctx: Context, job_id: str) -> JobInfo:
        info = prepare_retry(ctx, job_id)
        self._enqueue(job_id, int(info.summary.get("attempt", 2)))
        return info

    def shutdown(self, wait: bool = False) -> None:
        with contextlib.suppress(Exception):
            self.redis.close()


def work(url: str, burst: bool = False, name: str | None = None) -> None:
    """Run an RQ worker on the laborlens queue until stopped (or, with ``burst``, until it is empty)."""
    from rq import Worker

    Worker([QUEUE_NAME], connection=_redis(url), name=name).work(burst=burst, with_scheduler=False)
