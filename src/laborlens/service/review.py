"""Use cases of the review loop: decide queued list matches (one or many), assign them, name a run.

Each validates, authorises (analyst), writes and audits in one unit of work: a bulk decision of fifty
matches is fifty decisions and fifty audit entries, or none.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select

from laborlens import audit
from laborlens.decisions import VERDICTS, record_decision
from laborlens.errors import InputError, NotFound
from laborlens.names.normalize import name_key
from laborlens.service.context import Context
from laborlens.store.models import Job, ReviewAssignment, RunName, User

MAX_BULK = 1000


@dataclass(frozen=True, slots=True)
class Subject:
    """What a decision is about: the screened name (and its country) against one listed entity."""

    party_name: str
    entity_id: str
    list_name: str
    country: str = ""
    party_id: str = ""
    run_id: str = ""


def _check(subjects: Sequence[Subject]) -> None:
    if not subjects:
        raise InputError("choose at least one match", column="subjects")
    if len(subjects) > MAX_BULK:
        raise InputError(f"at most {MAX_BULK} matches at once", column="subjects")
    for i, sj in enumerate(subjects, 1):
        if not sj.party_name.strip() or not sj.entity_id.strip() or not sj.list_name.strip():
            raise InputError(f"match {i}: party name, entity id and list are required", row=i)


def decide(ctx: Context, subjects: Sequence[Subject], verdict: str, note: str) -> list[int]:
    """Confirm or dismiss one or many list matches with one note (required: it is what the next analyst,
    the evidence pack and the audit log show). Returns the decision ids."""
    who = ctx.require("analyst")
    if verdict not in VERDICTS:
        raise InputError(f"verdict must be one of {', '.join(VERDICTS)}", column="verdict")
    note = note.strip()
    if not note:
        raise InputError("a note is required: say why (e.g. 'different company, USCC 9133…')", column="note")
    _check(subjects)
    at = ctx.clock.now()
    with ctx.unit_of_work() as s:
        return [record_decision(s, who.username, sj.party_name, sj.entity_id, sj.list_name, verdict, note,
                                sj.country, at=at, party_id=sj.party_id, run_id=sj.run_id).id
                for sj in subjects]


def assign(ctx: Context, subjects: Sequence[Subject], assignee: str) -> int:
    """Give queued matches to an analyst ("" takes them back to the pool). Returns how many."""
    from laborlens.countries import iso2

    who = ctx.require("analyst")
    assignee = assignee.strip()
    _check(subjects)
    at = ctx.clock.now()
    with ctx.unit_of_work() as s:
        if assignee:
            u = s.scalar(select(User).where(User.username == assignee))
            if u is None or u.disabled:
                raise InputError(f"no active user {assignee!r}", column="assignee")
            if u.role not in ("analyst", "admin"):
                raise InputError(f"{assignee} is a {u.role}: only analysts and admins decide matches",
                                 column="assignee")
        for sj in subjects:
            s.add(ReviewAssignment(at=at, actor=who.username, name_key=name_key(sj.party_name),
                                   country=iso2(sj.country), entity_id=sj.entity_id, assignee=assignee))
            audit.record(s, who.username, "review.assign", sj.entity_id,
                         {"party_name": sj.party_name, "party_id": sj.party_id, "entity_id": sj.entity_id,
                          "assignee": assignee})
    return len(subjects)


def name_run(ctx: Context, job_id: str, name: str) -> str:
    """Give a run a name people can find it by ("" removes the name)."""
    who = ctx.require("analyst")
    name = " ".join(name.split())
    if len(name) > 200:
        raise InputError("a run name has at most 200 characters", column="name")
    with ctx.unit_of_work() as s:
        if s.get(Job, job_id) is None:
            raise NotFound(f"no run {job_id!r}")
        row = s.get(RunName, job_id)
        before = row.name if row else ""
        if not name:
            if row is not None:
                s.delete(row)
        elif row is None:
            s.add(RunName(job_id=job_id, name=name, named_at=ctx.clock.now(), actor=who.username))
        else:
            row.name, row.named_at, row.actor = name, ctx.clock.now(), who.username
        audit.record(s, who.username, "run.name", job_id, {"name": name, "before": before})
    return name


def record_run(ctx: Context, data_dir: str, out_dir: str, summary: dict, name: str = "") -> str:
    """Record a screening run made outside the job runner (``laborlens demo``, ``laborlens screen
    --record``) as a finished job, so the web UI, the review queue and run diffs see it. Returns its id."""
    import secrets

    who = ctx.require("analyst")
    job_id = secrets.token_hex(8)
    name = " ".join(name.split())[:200]
    with ctx.unit_of_work() as s:
        s.add(Job(id=job_id, created_at=ctx.clock.now(), actor=who.username, status="done", progress=1.0,
                  message="done", data_dir=str(data_dir), out_dir=str(out_dir), summary=dict(summary)))
        if name:
            s.add(RunName(job_id=job_id, name=name, named_at=ctx.clock.now(), actor=who.username))
        audit.record(s, who.username, "run.record", job_id, {"name": name, "counts": {
            k: summary.get(k) for k in ("shipments", "presumption", "review", "clear")}})
    from laborlens.review.index import index_run

    index_run(ctx.store, job_id)  # the review queue reads this run's matches from its index
    return job_id
