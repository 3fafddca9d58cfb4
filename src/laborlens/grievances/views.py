"""Read side for staff: the list and board (categories and deadlines only), one grievance (its sealed parts
only for assigned staff and admins, each read audited), and the redacted export.

Deadlines are derived on read from the events and ``today`` (the context's clock): acknowledge within
``grievance_ack_days`` of receipt, start investigating within ``grievance_investigate_days`` of
acknowledgement, and every remediation step by its due date.
"""

from __future__ import annotations

import io
import json
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from laborlens import audit, csvout
from laborlens.cases.common import choice
from laborlens.grievances.models import Grievance
from laborlens.grievances.record import PlanItem, State, assigned, by_ref, derive, events, open_text
from laborlens.grievances.triage import may_see, staff
from laborlens.grievances.vocab import FORCED_LABOUR, ISSUES, STATUSES
from laborlens.service.context import Context

SOON_DAYS = 2
_URGENCY = {"overdue": 0, "due-soon": 1, "pending": 2}


@dataclass(frozen=True)
class Due:
    label: str
    due: date
    done_on: date | None
    status: str  # done | done-late | overdue | due-soon | pending


def due_status(due: date, done_on: date | None, today: date, soon_days: int = SOON_DAYS) -> str:
    if done_on is not None:
        return "done" if done_on <= due else "done-late"
    if today > due:
        return "overdue"
    if (due - today).days <= soon_days:
        return "due-soon"
    return "pending"


def deadlines(st: State, received_on: date, today: date, ack_days: int, investigate_days: int) -> list[Due]:
    out = []
    ack_due = received_on + timedelta(days=ack_days)
    acked = st.status_on.get("acknowledged") or (
        st.status_on.get("closed") if "acknowledged" not in st.status_on else None
    )
    out.append(Due("acknowledge", ack_due, acked, due_status(ack_due, acked, today)))
    if "acknowledged" in st.status_on:
        inv_due = st.status_on["acknowledged"] + timedelta(days=investigate_days)
        inv = st.status_on.get("investigating") or (
            st.status_on.get("closed") if "investigating" not in st.status_on else None
        )
        out.append(Due("start investigating", inv_due, inv, due_status(inv_due, inv, today)))
    for p in st.plan:
        out.append(Due(f"step {p.n}: {p.action}", p.due, p.done_on, due_status(p.due, p.done_on, today)))
    if not st.is_open:  # a closed grievance has nothing left to chase
        out = [
            d if d.done_on or d.status in ("done", "done-late") else Due(d.label, d.due, d.done_on, "closed")
            for d in out
        ]
    return out


@dataclass
class GrievanceSummary:
    ref: str
    received_on: date
    language: str
    channel: str
    status: str
    close_reason: str
    issues: list[str]
    forced_labour: list[str]
    severity: str
    credible: bool | None
    party_id: str
    party_name: str
    party_country: str
    has_contact: bool
    assigned: list[str]
    replies: int
    worker_messages: int
    last_worker_on: date | None
    plan: list[PlanItem]
    escalations: list[dict]
    shared_excerpt: str
    deadlines: list[Due]
    version: int

    @property
    def next_deadline(self) -> Due | None:
        live = [d for d in self.deadlines if d.status in _URGENCY]
        return min(live, key=lambda d: (_URGENCY[d.status], d.due)) if live else None

    @property
    def alerts(self) -> list[Due]:
        return [d for d in self.deadlines if d.status in ("overdue", "due-soon")]


@dataclass
class EventView:
    seq: int
    kind: str
    on: date
    actor: str
    data: dict
    text: str | None  # None: sealed and the reader may not see it


@dataclass
class GrievanceView:
    summary: GrievanceSummary
    events: list[EventView] = field(default_factory=list)
    may_see: bool = False
    contact: str | None = None
    names: str | None = None


def _summary(ctx: Context, s: Session, g: Grievance, today: date) -> GrievanceSummary:
    st = derive(events(s, g))
    return GrievanceSummary(
        g.ref,
        g.received_on,
        g.language,
        g.channel,
        st.status,
        st.close_reason,
        st.issues,
        [i for i in st.issues if i in FORCED_LABOUR],
        st.severity,
        st.credible,
        g.party_id,
        g.party_name,
        g.party_country,
        g.has_contact,
        assigned(s, g),
        st.replies,
        st.worker_messages,
        st.last_worker_on,
        st.plan,
        st.escalations,
        st.excerpt,
        deadlines(
            st, g.received_on, today, ctx.settings.grievance_ack_days, ctx.settings.grievance_investigate_days
        ),
        g.version,
    )


def list_grievances(
    ctx: Context, *, status: str = "", include_closed: bool = True, mine: bool = False
) -> list[GrievanceSummary]:
    """Every grievance, categories only (any staff role)."""
    who = staff(ctx, "viewer")
    if status:
        status = choice(status, STATUSES, "status")
    today = ctx.clock.today()
    with ctx.unit_of_work() as s:
        out = [
            _summary(ctx, s, g, today) for g in s.execute(select(Grievance).order_by(Grievance.id)).scalars()
        ]
    if status:
        out = [x for x in out if x.status == status]
    if not include_closed:
        out = [x for x in out if x.status != "closed"]
    if mine:
        out = [x for x in out if who.username in x.assigned]
    return out


def board(ctx: Context, include_closed: bool = False) -> list[GrievanceSummary]:
    """Open grievances, most urgent deadline first (overdue, then due soon, then by due date)."""
    rows = list_grievances(ctx, include_closed=include_closed)
    far = date.max

    def key(x: GrievanceSummary) -> tuple:
        nd = x.next_deadline
        return (_URGENCY[nd.status] if nd else 9, nd.due if nd else far, x.ref)

    return sorted(rows, key=key)


def get_grievance(ctx: Context, ref: str) -> GrievanceView:
    """One grievance; its sealed text only for assigned staff and admins, and then the read is audited."""
    who = staff(ctx, "viewer")
    with ctx.unit_of_work() as s:
        g = by_ref(s, ref)
        allowed = may_see(s, who, g)
        view = GrievanceView(_summary(ctx, s, g, ctx.clock.today()), may_see=allowed)
        for e in events(s, g):
            text = None
            if e.text_ct is not None and allowed:
                text = open_text(ctx, g, e)
            if e.kind == "contact":
                view.contact = text
                continue
            if e.kind == "names":
                view.names = text
                continue
            view.events.append(
                EventView(
                    e.seq,
                    e.kind,
                    e.recorded_on,
                    e.actor,
                    dict(e.data or {}),
                    text if e.text_ct is not None else "",
                )
            )
        if allowed:
            audit.record(s, who.username, "grievance.read", g.ref)
    return view


EXPORT_COLUMNS = (
    "grievance",
    "received_on",
    "language",
    "channel",
    "status",
    "issues",
    "severity",
    "credible",
    "party_id",
    "party_name",
    "party_country",
    "shared_excerpt",
)


def export_redacted(ctx: Context, fmt: str = "json") -> str:
    """Categories, party and staff's shareable excerpt only: never words, contact, names or replies."""
    who = staff(ctx, "analyst")
    fmt = choice(fmt, ("json", "csv"), "format")
    rows: list[dict[str, Any]] = [
        {
            "grievance": x.ref,
            "received_on": x.received_on.isoformat(),
            "language": x.language,
            "channel": x.channel,
            "status": x.status,
            "issues": x.issues,
            "severity": x.severity,
            "credible": x.credible,
            "party_id": x.party_id,
            "party_name": x.party_name,
            "party_country": x.party_country,
            "shared_excerpt": x.shared_excerpt,
        }
        for x in list_grievances(ctx)
    ]
    with ctx.unit_of_work() as s:
        audit.record(s, who.username, "grievance.export", "", {"grievances": len(rows), "format": fmt})
    if fmt == "json":
        return json.dumps({"redacted": True, "grievances": rows}, ensure_ascii=False, indent=2)
    buf = io.StringIO()
    w = csvout.DictWriter(buf, fieldnames=EXPORT_COLUMNS)  # neutralises formulas (party names, excerpts)
    w.writeheader()
    for r in rows:
        w.writerow({**r, "issues": ";".join(r["issues"] or [])})  # type: ignore[arg-type]
    return buf.getvalue()


def issue_labels() -> dict[str, str]:
    return dict(ISSUES)


def as_dict(x: GrievanceSummary) -> dict:
    d = asdict(x)
    d["next_deadline"] = asdict(x.next_deadline) if x.next_deadline else None
    return d
