"""Read side of RRM case work: one case's view and timeline, the board of open cases, and alerts.

Everything here is derived on read from the append-only events, the clock table and ``today`` (passed in,
so tests and reports can ask "as of" any day).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from laborlens.cases.common import today as _today
from laborlens.cases.deadlines import Deadline, PartialDate
from laborlens.cases.models import RrmEvent, RrmPetition
from laborlens.cases.rrm.clocks import clock_table, deadlines_for
from laborlens.cases.rrm.lifecycle import KINDS, CaseFacts, derive, event_date, events_of, get_petition

_URGENCY = {"overdue": 0, "due-soon": 1, "pending": 2, "approximate": 3}


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    when: PartialDate
    what: str
    detail: str
    kind: str  # event | deadline
    seq: int = 0
    status: str = ""


@dataclass(frozen=True)
class CaseView:
    petition: RrmPetition
    events: list[RrmEvent]
    facts: CaseFacts
    deadlines: list[Deadline]
    as_of: date

    @property
    def version(self) -> int:
        return self.petition.version

    @property
    def is_open(self) -> bool:
        return self.facts.closed is None

    @property
    def alerts(self) -> list[Deadline]:
        return [d for d in self.deadlines if d.is_alert]

    @property
    def next_deadline(self) -> Deadline | None:
        """The most urgent open clock: overdue first, then soonest due, then approximate."""
        live = [d for d in self.deadlines if d.status in _URGENCY]
        if not live:
            return None
        return min(live, key=lambda d: (_URGENCY[d.status], d.due or (d.window[0] if d.window else date.max)))


def _clocks(s: Session) -> dict:
    return {r.clock.key: r.clock for r in clock_table(s)}


def case_view(
    s: Session, case_id: str, today: date | None = None, soon_days: int = 7, clocks: dict | None = None
) -> CaseView:
    p = get_petition(s, case_id)
    evs = events_of(s, case_id)
    facts = derive(evs)
    as_of = today or _today()
    return CaseView(p, evs, facts, deadlines_for(facts, clocks or _clocks(s), as_of, soon_days), as_of)


def _describe(ev: RrmEvent) -> str:
    d = ev.data or {}
    bits = []
    if "result" in d:
        bits.append(d["result"].replace("_", " "))
    if ev.kind == "filed" and d.get("self_initiated"):
        bits.append("self-initiated")
    if ev.kind == "remediation_plan":
        bits.append("; ".join(f"{m['key']} {m['label']} by {m['due']}" for m in d.get("milestones", [])))
    if ev.kind == "milestone_done":
        bits.append(d.get("milestone", ""))
    if ev.kind == "evidence_added":
        bits.append(f"{d.get('name', '')} sha256 {d.get('sha256', '')[:16]}...")
    if ev.note:
        bits.append(ev.note)
    return " | ".join(b for b in bits if b)


def timeline(view: CaseView) -> list[TimelineEntry]:
    """Events in recorded order, each clock's due date placed after the event that started it."""
    out = [
        TimelineEntry(event_date(ev), KINDS.get(ev.kind, ev.kind), _describe(ev), "event", ev.seq)
        for ev in view.events
    ]
    for d in view.deadlines:
        label = f"due: {d.clock.label} ({d.clock.describe()}{'' if d.clock.verified else ', unverified'})"
        when = PartialDate(
            d.due_text(),
            "exact" if d.due else "approx",
            d.due or (d.window[0] if d.window else None),
            d.due or (d.window[1] if d.window else None),
        )
        out.append(TimelineEntry(when, label, d.note, "deadline", status=d.status))
    # Stable sort by day; undated entries keep their recorded place after dated ones before them.
    last = date.min
    keyed = []
    for i, e in enumerate(out):
        if e.kind == "event" and e.when.earliest:
            last = e.when.earliest
        keyed.append(((e.when.earliest or last), i, e))
    return [e for _, _, e in sorted(keyed, key=lambda k: (k[0], k[1]))]


@dataclass(frozen=True, slots=True)
class BoardRow:
    view: CaseView

    @property
    def urgency(self) -> tuple:
        v, nd = self.view, self.view.next_deadline
        if nd is None:
            return (not v.is_open, 9, date.max, v.petition.id)
        return (
            not v.is_open,
            _URGENCY[nd.status],
            nd.due or (nd.window[0] if nd.window else date.max),
            v.petition.id,
        )


def board(
    s: Session, today: date | None = None, soon_days: int = 7, include_closed: bool = False, q: str = ""
) -> list[CaseView]:
    """Open cases (all with ``include_closed``), most urgent first; ``q`` filters by id, name or place."""
    clocks = _clocks(s)
    ids = s.execute(select(RrmPetition.id).order_by(RrmPetition.id)).scalars().all()
    views = [case_view(s, i, today, soon_days, clocks) for i in ids]
    if not include_closed:
        views = [v for v in views if v.is_open]
    if q:
        ql = q.lower()
        views = [
            v
            for v in views
            if ql
            in f"{v.petition.id} {v.petition.facility} {v.petition.company} "
            f"{v.petition.state} {v.petition.municipality}".lower()
        ]
    return [r.view for r in sorted((BoardRow(v) for v in views), key=lambda r: r.urgency)]


@dataclass(frozen=True, slots=True)
class Alert:
    case_id: str
    facility: str
    deadline: Deadline


def alerts(s: Session, today: date | None = None, soon_days: int = 7) -> list[Alert]:
    """Overdue and due-soon clocks across open cases, overdue first."""
    out = [Alert(v.petition.id, v.petition.facility, d) for v in board(s, today, soon_days) for d in v.alerts]
    return sorted(out, key=lambda a: (a.deadline.status != "overdue", a.deadline.due or date.max, a.case_id))
