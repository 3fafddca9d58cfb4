"""Runs are screening jobs in the store; a run may carry a human name (``run_names``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import select

from laborlens import jobs
from laborlens.errors import NotFound
from laborlens.screen.result import ScreenResult
from laborlens.store import Store
from laborlens.store.models import RunName


@dataclass(frozen=True, slots=True)
class RunRef:
    id: str
    name: str
    created_at: datetime
    actor: str
    status: str
    summary: dict

    @property
    def label(self) -> str:
        return f"{self.name} ({self.id})" if self.name else self.id

    def to_dict(self) -> dict:
        return {"id": self.id, "name": self.name, "created_at": self.created_at.isoformat(),
                "actor": self.actor, "status": self.status,
                "counts": {k: self.summary.get(k) for k in ("shipments", "presumption", "review", "clear")}}


def run_names(store: Store) -> dict[str, str]:
    with store.session() as s:
        return {r.job_id: r.name for r in s.scalars(select(RunName))}


def list_runs(store: Store, limit: int = 200, done_only: bool = False) -> list[RunRef]:
    """Runs newest first, with their names."""
    names = run_names(store)
    out = [RunRef(j.id, names.get(j.id, ""), j.created_at, j.actor, j.status, j.summary)
           for j in jobs.list_jobs(store, limit)]
    return [r for r in out if r.status == "done"] if done_only else out


def find_run(store: Store, ref: str) -> RunRef:
    """A run by its id or its name (names need not be unique: the newest run of that name wins)."""
    ref = ref.strip()
    for r in list_runs(store, limit=10_000):
        if r.id == ref or (r.name and r.name == ref):
            return r
    raise NotFound(f"no run {ref!r} (give a run id or name; `laborlens runs list` shows them)")


def load_run_result(store: Store, ref: str) -> tuple[RunRef, ScreenResult]:
    """A stored run's result, by run id or name."""
    run = find_run(store, ref)
    return run, ScreenResult.from_json(jobs.load_result(store, run.id))


def load_result_file(path: Path) -> tuple[RunRef, ScreenResult]:
    """The result.json in an output folder (``laborlens screen -o DIR``), for the CLI only: the API and web
    pages never read a path a caller names."""
    import json

    file = path / "result.json" if path.is_dir() else path
    if not file.is_file():
        raise NotFound(f"{path}: no result.json here")
    data = json.loads(file.read_text(encoding="utf-8"))
    gen = str((data.get("summary") or {}).get("generated_at") or "")
    try:
        at = datetime.fromisoformat(gen.replace("Z", "+00:00")).replace(tzinfo=None)
    except ValueError:
        at = datetime.min
    ref = RunRef(str(file.parent), "", at, "", "done", data.get("summary") or {})
    return ref, ScreenResult.from_json(data)
