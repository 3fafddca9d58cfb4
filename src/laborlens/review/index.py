"""The review queue's index: per run, the candidate list matches the queue needs, so that a queue request
does not parse every run's ``result.json`` (a 10,000-party run's result is tens of megabytes).

A run's entry is keyed by its ``result.json`` (path, size and modification time in nanoseconds): a run
whose result is rewritten is indexed again, a new run is indexed when it is first needed, and
:func:`index_run` builds the entry at the end of a run (the job runner and ``record_run`` call it) so the
first queue request after a run does not pay for it either. Entries live in two layers: in this process
(no file read at all on a repeat request) and as a small JSON file per run under
``LABORLENS_HOME/index/review-queue`` (0600, as the results it is taken from), shared by every web process
and worker on the same home. Removing that folder is always safe: it is rebuilt from the results.

Per request the queue then costs one query for the runs' folders and one ``stat`` per run, plus reading
the small index files this process has not seen yet.
"""

from __future__ import annotations

import contextlib
import json
import os
import threading
from pathlib import Path
from typing import Any

from sqlalchemy import select

from laborlens.fsutil import private_dir, write_private
from laborlens.review.queue import QueueItem, items_of
from laborlens.review.runs import RunRef
from laborlens.screen.result import ScreenResult
from laborlens.store import Store
from laborlens.store.models import Job, RunName

VERSION = 1  # bump when the indexed fields change: older entries are then rebuilt
FIELDS = ("party_id", "party_name", "country", "entity_id", "entity_name", "list_name", "edition", "rule",
          "severity", "score", "explanation", "importers", "importer_ids", "sectors", "shipments")
Stamp = tuple[int, int]  # (st_mtime_ns, st_size) of result.json

_memo: dict[str, tuple[Stamp, list[dict[str, Any]]]] = {}
_lock = threading.Lock()
_MEMO_MAX = 5000
stats = {"parsed": 0, "file_hits": 0, "memo_hits": 0}  # for tests and the bench: where entries came from


def _folder(store: Store) -> Path | None:
    settings = getattr(store, "settings", None)
    home = getattr(settings, "home", None)
    return Path(home) / "index" / "review-queue" if home else None


def _stamp(path: Path) -> Stamp | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return st.st_mtime_ns, st.st_size


def out_dirs(store: Store, run_ids: list[str]) -> dict[str, Path]:
    """run id → its output folder, in one query."""
    out: dict[str, Path] = {}
    with store.session() as s:
        for i in range(0, len(run_ids), 500):
            chunk = run_ids[i:i + 500]
            for job_id, out_dir in s.execute(select(Job.id, Job.out_dir).where(Job.id.in_(chunk))):
                out[job_id] = Path(out_dir)
    return out


def _rows(run: RunRef, result_file: Path) -> list[dict[str, Any]]:
    r = ScreenResult.from_json(json.loads(result_file.read_text(encoding="utf-8")))
    return [{"key": list(it.key), **{k: getattr(it, k) for k in FIELDS}} for it in items_of(run, r)]


def _read_file(file: Path, stamp: Stamp) -> list[dict[str, Any]] | None:
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if data.get("version") != VERSION or tuple(data.get("result") or ()) != stamp:
        return None
    items = data.get("items")
    return items if isinstance(items, list) else None


def _write_file(file: Path, stamp: Stamp, rows: list[dict[str, Any]]) -> None:
    private_dir(file.parent)
    tmp = file.with_name(f".{file.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    body = json.dumps({"version": VERSION, "result": list(stamp), "items": rows}, ensure_ascii=False)
    write_private(tmp, body.encode("utf-8"))
    os.replace(tmp, file)  # readers see the old entry or the new one, never half of one


def _entry(store: Store, run: RunRef, result_file: Path) -> list[dict[str, Any]] | None:
    stamp = _stamp(result_file)
    if stamp is None:
        return None
    key = str(result_file)
    with _lock:
        hit = _memo.get(key)
    if hit is not None and hit[0] == stamp:
        stats["memo_hits"] += 1
        return hit[1]
    folder = _folder(store)
    file = folder / f"{run.id}.json" if folder is not None else None
    rows = _read_file(file, stamp) if file is not None and file.exists() else None
    if rows is not None:
        stats["file_hits"] += 1
    else:
        try:
            rows = _rows(run, result_file)
        except Exception:  # noqa: BLE001 - a run whose result cannot be read must not hide the others
            return None
        stats["parsed"] += 1
        if _stamp(result_file) != stamp:  # rewritten while we read it: do not keep a stale entry
            return rows
        if file is not None:
            with contextlib.suppress(OSError):  # a read-only home still gets a working (slower) queue
                _write_file(file, stamp, rows)
    with _lock:
        if len(_memo) >= _MEMO_MAX:
            _memo.clear()
        _memo[key] = (stamp, rows)
    return rows


def run_items(store: Store, run: RunRef, out_dir: Path | None = None) -> list[QueueItem]:
    """The run's queue items (fresh objects: callers set assignee, decision and counts on them)."""
    if out_dir is None:
        out_dir = out_dirs(store, [run.id]).get(run.id)
    if out_dir is None:
        return []
    rows = _entry(store, run, out_dir / "result.json") or []
    out = []
    for d in rows:
        k0, k1, k2 = d["key"]
        values: dict[str, Any] = {k: (list(d[k]) if isinstance(d[k], list) else d[k]) for k in FIELDS}
        out.append(QueueItem(key=(k0, k1, k2), run=run, **values))
    return out


def index_run(store: Store, run_id: str) -> int:
    """Build the run's entry now (at the end of a run); returns how many candidate matches it holds."""
    with store.session() as s:
        j = s.get(Job, run_id)
        if j is None or j.status != "done":
            return 0
        named = s.get(RunName, run_id)
        run = RunRef(j.id, named.name if named else "", j.created_at, j.actor, j.status, j.summary or {})
        out_dir = Path(j.out_dir)
    return len(_entry(store, run, out_dir / "result.json") or [])


def forget() -> None:
    """Drop this process's entries (tests; the files stay)."""
    with _lock:
        _memo.clear()
