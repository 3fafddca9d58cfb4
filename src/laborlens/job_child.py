"""A screening job in a child process of the web server (``python -m laborlens.job_child JOB_ID``).

Why a child process rather than the server's own thread: a process pool forked from the server holds a
copy of its listening socket and, after a ``kill -9`` of the server, keeps running and keeps the port
(issue 11.5). This child is started with ``close_fds`` (sockets are not inherited), in a session of its own
(its process pool shares its process group), and asks the kernel for SIGTERM when the server dies
(``PR_SET_PDEATHSIG``, Linux); on SIGTERM it kills its whole process group, pool included.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import subprocess
import sys

from laborlens.settings import Settings

_PARENT = "LABORLENS_JOB_PARENT"
PR_SET_PDEATHSIG = 1


def spawn(settings: Settings, job_id: str) -> subprocess.Popen:
    """Start the child for ``job_id`` with the server's settings (home and store URL)."""
    env = {**os.environ, "LABORLENS_HOME": str(settings.home), _PARENT: str(os.getpid())}
    if settings.db:
        env["LABORLENS_DB"] = settings.db
    else:
        env.pop("LABORLENS_DB", None)
    env.pop("LABORLENS_QUEUE", None)
    log = (settings.home / "jobs" / job_id / "job.log").open("ab")  # tracebacks land here, never in a URL
    try:
        return subprocess.Popen([sys.executable, "-m", "laborlens.job_child", job_id], env=env,
                                stdin=subprocess.DEVNULL, stdout=log, stderr=log, close_fds=True,
                                start_new_session=True)
    finally:
        log.close()


def _die_with_group(_signum: int, _frame: object) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(0, signal.SIGKILL)
    os._exit(1)


def _bind_to_parent() -> None:
    signal.signal(signal.SIGTERM, _die_with_group)
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    expected = os.environ.get(_PARENT)
    if expected and os.getppid() != int(expected):  # the server died before the prctl took effect
        _die_with_group(signal.SIGTERM, None)


def main(argv: list[str]) -> int:
    _bind_to_parent()
    from laborlens.jobs import execute
    from laborlens.store import open_store

    settings = Settings()
    execute(open_store(settings), settings, argv[0])
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
