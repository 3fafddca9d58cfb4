"""The RRM clocks (DOMAIN_NOTES §2) and how each applies to one case's derived facts.

Verified clocks (19 U.S.C. 4646; USTR releases on Annex 31-A) are fixed in code with their source.
Unverified ones are defaults that an administrator may override in ``rrm_clock_overrides``; they are always
shown with ``verified = False`` so a team never treats them as law.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from laborlens import audit
from laborlens.cases.common import Principal, now, require_role
from laborlens.cases.deadlines import BusinessCalendar, Clock, Deadline, PartialDate, evaluate, exact
from laborlens.cases.models import RrmClockOverride
from laborlens.errors import InputError, NotFound

CLOCKS: tuple[Clock, ...] = (
    Clock(
        "ilc_determination",
        "ILC decides on sufficient, credible evidence",
        30,
        False,
        True,
        "19 U.S.C. 4646(b)(1)",
        "the petition's submission",
    ),
    Clock(
        "mexico_decides",
        "Mexico decides whether to conduct a review",
        10,
        False,
        True,
        "USMCA Annex 31-A.4; USTR releases",
        "the request for review",
    ),
    Clock(
        "mexico_review",
        "Mexico completes its review",
        45,
        False,
        True,
        "USMCA Annex 31-A.4; USTR releases",
        "the request for review",
    ),
    Clock(
        "ustr_panel_decision",
        "USTR decides on a panel request or certifies to Congress",
        60,
        False,
        True,
        "19 U.S.C. 4646(b)(4)",
        "the affirmative ILC determination",
    ),
    Clock(
        "remediation_consultations",
        "Consultations on a course of remediation",
        10,
        False,
        False,
        "course file (unverified)",
        "Mexico's finding of a denial",
    ),
    Clock(
        "panel_constitution",
        "Panel constituted (chosen by lot)",
        3,
        True,
        False,
        "course file (unverified)",
        "the panel request",
    ),
    Clock(
        "verification_request",
        "Panel may request a verification",
        5,
        True,
        False,
        "course file (unverified)",
        "the panel's constitution",
        optional=True,
    ),
    Clock(
        "verification_reply",
        "Respondent replies to the verification request",
        7,
        False,
        False,
        "course file (unverified)",
        "the verification request",
    ),
    Clock(
        "panel_determination",
        "Panel determination",
        30,
        False,
        False,
        "course file (unverified)",
        "the verification, or the panel's constitution if there is none",
    ),
    Clock(
        "remedy_notice",
        "Notice before remedies take effect",
        5,
        True,
        False,
        "course file (unverified)",
        "a panel determination of denial",
        optional=True,
    ),
)
BY_KEY = {c.key: c for c in CLOCKS}


@dataclass(frozen=True, slots=True)
class ClockRow:
    clock: Clock
    default: Clock
    set_by: str = ""

    @property
    def overridden(self) -> bool:
        return self.clock != self.default


def clock_table(s: Session) -> list[ClockRow]:
    """Every clock as it applies now: code defaults with any overrides of unverified clocks."""
    overrides = {o.key: o for o in s.execute(select(RrmClockOverride)).scalars()}
    rows = []
    for c in CLOCKS:
        o = overrides.get(c.key)
        if o is None or c.verified:
            rows.append(ClockRow(c, c))
        else:
            rows.append(
                ClockRow(
                    replace(c, days=o.days, business=o.business, holiday_calendar=o.holiday_calendar),
                    c,
                    o.set_by,
                )
            )
    return rows


def set_clock(
    s: Session,
    who: Principal,
    key: str,
    days: int,
    business: bool | None = None,
    holiday_calendar: str | None = None,
) -> ClockRow:
    """Override an unverified clock (admin). Verified clocks are statute: change them in code, with source."""
    require_role(who, "admin")
    c = BY_KEY.get(key)
    if c is None:
        raise NotFound(f"no clock {key!r}; clocks: {', '.join(BY_KEY)}")
    if c.verified:
        raise InputError(f"clock {key} is verified against {c.source} and cannot be overridden", column="key")
    if not 1 <= days <= 365:
        raise InputError("days must be between 1 and 365", column="days")
    cal = BusinessCalendar(holiday_calendar or c.holiday_calendar).name
    row = s.get(RrmClockOverride, key)
    if row is None:
        row = RrmClockOverride(key=key)
        s.add(row)
    row.days, row.business, row.holiday_calendar = days, c.business if business is None else business, cal
    row.set_by, row.set_at = who.username, now()
    audit.record(
        s,
        who.username,
        "rrm.clock.set",
        key,
        {"days": days, "business": row.business, "holiday_calendar": cal},
    )
    s.flush()
    return next(r for r in clock_table(s) if r.clock.key == key)


def deadlines_for(facts, clocks: dict[str, Clock], today: date, soon_days: int = 7) -> list[Deadline]:
    """Apply every clock to a case's facts (``laborlens.cases.rrm.CaseFacts``), in process order."""
    f = facts
    closed = f.closed is not None
    out: list[Deadline] = []

    def ev(
        key: str,
        start: PartialDate | None,
        done: PartialDate | None = None,
        superseded: str = "",
        note: str = "",
    ) -> None:
        if start is None or not start.known:
            return  # nothing can be computed from a step whose date no source gives
        d = evaluate(
            clocks[key], start, today, done=done, superseded=superseded, closed=closed, soon_days=soon_days
        )
        out.append(replace(d, note=note) if note and d.done is not None else d)

    # ILC: a request for review implies an affirmative determination by the day it was sent.
    if not f.self_initiated:
        ilc_done = f.ilc[1] if f.ilc else None
        sup = implied = ""
        if ilc_done is None and f.request is not None:
            due = clocks["ilc_determination"].due(f.filed.exact) if f.filed.exact else None
            if f.request.exact and due and f.request.exact <= due:
                ilc_done, implied = f.request, "implied by the request for review sent that day"
            elif f.request.exact and due:
                sup = (
                    f"request for review sent {(f.request.exact - due).days} days after the 30-day mark; "
                    "the determination's own date is not recorded"
                )
            else:
                sup = f"request for review recorded ({f.request.describe()}); determination date not recorded"
        ev("ilc_determination", f.filed, ilc_done, sup, implied)
    if f.request is not None:
        later = f.review or f.plan or f.panel_requested or f.certification
        ev(
            "mexico_decides",
            f.request,
            f.mexico[1] if f.mexico else None,
            "" if f.mexico or not later else "the case moved on; Mexico's decision is not recorded",
        )
        if not (f.mexico and f.mexico[0] == "declines"):
            ev(
                "mexico_review",
                f.request,
                f.review[1] if f.review else None,
                ""
                if f.review or not (f.plan or f.panel_requested)
                else "the case moved on; the review's conclusion is not recorded",
            )
    if f.ilc and f.ilc[0] == "affirmative":
        done = f.panel_requested or f.certification
        ev("ustr_panel_decision", f.ilc[1], done)
    if f.review and f.review[0] == "denial":
        ev("remediation_consultations", f.review[1], f.plan or f.panel_requested)
    if f.panel_requested is not None:
        ev("panel_constitution", f.panel_requested, f.panel_constituted)
    if f.panel_constituted is not None:
        nxt = f.verification or f.panel_det
        ev(
            "verification_request",
            f.panel_constituted,
            f.verification_requested,
            "" if f.verification_requested or not nxt else "panel went on without a recorded request",
        )
        ev(
            "panel_determination",
            f.verification or f.panel_constituted,
            f.panel_det[1] if f.panel_det else None,
        )
    if f.verification_requested is not None:
        ev("verification_reply", f.verification_requested, f.verification)
    if f.panel_det and f.panel_det[0] == "denial":
        ev("remedy_notice", f.panel_det[1], f.remedy[1] if f.remedy else None)
    for key, (label, due) in f.milestones.items():
        ms = Clock(
            f"milestone:{key}",
            f"Remediation milestone: {label}",
            0,
            False,
            True,
            "the agreed remediation plan",
            "its due date",
        )
        out.append(
            evaluate(
                ms,
                exact(date.fromisoformat(due)),
                today,
                done=f.milestones_done.get(key),
                closed=closed,
                soon_days=soon_days,
            )
        )
    return out
