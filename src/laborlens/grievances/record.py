"""Internal: find a grievance, seal and open its text, append events, derive current state from events.

State is never stored: status, issues, severity, credibility, plan and replies are read back from the
append-only events every time (``derive``).
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from laborlens.cases.common import bump_version, events_in_order
from laborlens.cases.crypto import KeyRing
from laborlens.errors import NotFound
from laborlens.grievances.models import Grievance, GrievanceAssignment, GrievanceEvent
from laborlens.service.context import Context

_REF = re.compile(r"^GRV-[0-9A-F]{6}$")
WORKER_ACTOR = "worker"


def ring(ctx: Context) -> KeyRing:
    """The keyring sealing worker text: the defenders' keyring (same key, same rotation)."""
    if ctx.keyring is None:
        ctx.keyring = KeyRing.load(ctx.settings.home)
    return ctx.keyring


def aad(ref: str, seq: int) -> str:
    return f"laborlens:grievance:{ref}:event:{seq}"


def new_ref(s: Session) -> str:
    # random, so the id says nothing about how many reports came in or in what order
    for _ in range(50):
        ref = "GRV-" + secrets.token_hex(3).upper()
        if s.execute(select(Grievance.id).where(Grievance.ref == ref)).first() is None:
            return ref
    raise RuntimeError("could not find a free grievance id")  # pragma: no cover - 16M namespace


def by_ref(s: Session, ref: str) -> Grievance:
    # echo what was typed only if it has the shape of an id: someone may have typed a name here
    r = (ref or "").strip().upper()
    if not _REF.match(r):
        raise NotFound("no such grievance (grievances are addressed by id, e.g. GRV-7F3A9C)")
    g = s.execute(select(Grievance).where(Grievance.ref == r)).scalar()
    if g is None:
        raise NotFound(f"no grievance {r}")
    return g


def by_receipt(s: Session, receipt_sha256: str) -> Grievance | None:
    return s.execute(select(Grievance).where(Grievance.receipt_sha256 == receipt_sha256)).scalar()


def events(s: Session, g: Grievance) -> list[GrievanceEvent]:
    return events_in_order(s, GrievanceEvent, GrievanceEvent.grievance_id, g.id)


def append(
    s: Session,
    ctx: Context,
    g: Grievance,
    kind: str,
    data: dict | None = None,
    text: str | None = None,
    actor: str | None = None,
    expected: int | None = None,
) -> GrievanceEvent:
    """Append one event (compare-and-swap on the version: a stale writer gets Conflict)."""
    seq = bump_version(s, Grievance, g.id, expected, "grievance")
    kid, blob = ("", None)
    if text is not None:
        kid, blob = ring(ctx).seal(text.encode("utf-8"), aad(g.ref, seq))
    worker = actor == WORKER_ACTOR
    ev = GrievanceEvent(
        grievance_id=g.id,
        seq=seq,
        kind=kind,
        data=data or {},
        text_kid=kid,
        text_ct=blob,
        actor=actor or ctx.principal.username,
        recorded_on=ctx.clock.today(),
        # the worker's events carry a day only: a time could be matched against server logs
        recorded_at=None if worker else ctx.clock.now(),
    )
    s.add(ev)
    s.flush()
    return ev


def open_text(ctx: Context, g: Grievance, ev: GrievanceEvent) -> str:
    if ev.text_ct is None:
        return ""
    return ring(ctx).open(ev.text_kid, ev.text_ct, aad(g.ref, ev.seq)).decode("utf-8")


def assigned(s: Session, g: Grievance) -> list[str]:
    return sorted(
        s.execute(
            select(GrievanceAssignment.username).where(
                GrievanceAssignment.grievance_id == g.id, GrievanceAssignment.revoked_at.is_(None)
            )
        ).scalars()
    )


@dataclass
class PlanItem:
    n: int
    action: str
    due: date
    owner: str
    done_on: date | None = None


@dataclass
class State:
    """What the events add up to."""

    status: str = "received"
    status_on: dict[str, date] = field(default_factory=dict)  # first day each status was reached
    close_reason: str = ""
    issues: list[str] = field(default_factory=list)
    severity: str = ""
    credible: bool | None = None
    plan: list[PlanItem] = field(default_factory=list)
    replies: int = 0
    worker_messages: int = 0
    last_worker_on: date | None = None
    excerpt: str = ""
    escalations: list[dict] = field(default_factory=list)

    @property
    def is_open(self) -> bool:
        return self.status != "closed"


def derive(evs: list[GrievanceEvent]) -> State:
    st = State()
    for e in evs:
        d = e.data or {}
        if e.kind == "report":
            st.status_on.setdefault("received", e.recorded_on)
            st.worker_messages += 1
            st.last_worker_on = e.recorded_on
        elif e.kind == "info":
            st.worker_messages += 1
            st.last_worker_on = e.recorded_on
        elif e.kind == "status":
            st.status = d["status"]
            st.status_on.setdefault(st.status, e.recorded_on)
            st.close_reason = d.get("reason", "") if st.status == "closed" else ""
        elif e.kind == "triage":
            st.issues, st.severity = list(d.get("issues", [])), d.get("severity", "")
            st.credible = d.get("credible")
        elif e.kind == "reply":
            st.replies += 1
        elif e.kind == "plan":
            for it in d.get("items", []):
                st.plan.append(
                    PlanItem(
                        len(st.plan) + 1, it["action"], date.fromisoformat(it["due"]), it.get("owner", "")
                    )
                )
        elif e.kind == "plan_done":
            for it in st.plan:
                if it.n == d["item"]:
                    it.done_on = date.fromisoformat(d["on"])
        elif e.kind == "excerpt":
            st.excerpt = d.get("text", "")
        elif e.kind == "escalation":
            st.escalations.append(dict(d))
    return st


def stamp(ctx: Context) -> datetime:
    return ctx.clock.now()
