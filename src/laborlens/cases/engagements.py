"""High-level missions and negotiations, and labor-stakeholder engagement around them (memo §3(a)(i)).

The directive asks for consultation *before, during and after* each mission, including elected union
leaders and defenders. A mission is a head row; engagements are appended events. ``gaps`` reports, as of a
day, which phases are missing (only once they are due) and which key stakeholder groups were never met.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from laborlens import audit
from laborlens.accounts import role_at_least
from laborlens.cases.common import (
    Principal,
    bump_version,
    choice,
    events_in_order,
    get_or_missing,
    next_number,
    now,
    parse_day,
    require_role,
)
from laborlens.cases.common import today as _today
from laborlens.cases.crypto import KeyRing
from laborlens.cases.models import Mission, MissionEngagement
from laborlens.errors import InputError

PHASES = ("before", "during", "after")
STAKEHOLDERS = ("elected_union_leaders", "workers", "defenders", "employers", "civil_society")
KEY_STAKEHOLDERS = ("elected_union_leaders", "defenders")  # named in §3(a)(i)
MISSION_KINDS = ("mission", "negotiation")
AFTER_GRACE_DAYS = 30  # debriefs are due within this many days of the mission's end (a working default)


def phase_for(m: Mission, on: date) -> str:
    return "before" if on < m.starts_on else ("during" if on <= m.ends_on else "after")


def create_mission(
    s: Session,
    who: Principal,
    *,
    title: str,
    kind: str,
    starts_on: str | date,
    ends_on: str | date,
    country: str = "",
    agency: str = "",
) -> Mission:
    require_role(who, "analyst")
    if not title.strip():
        raise InputError("give the mission a title", column="title")
    start, end = parse_day(starts_on, "starts_on"), parse_day(ends_on, "ends_on")
    if start is None or end is None:
        raise InputError("give start and end dates", column="starts_on")
    if end < start:
        raise InputError("the mission ends before it starts", column="ends_on")
    mid = f"MIS-{next_number(s, 'MIS-'):04d}"
    m = Mission(
        id=mid,
        title=title.strip(),
        kind=choice(kind, MISSION_KINDS, "kind"),
        country=country,
        agency=agency,
        starts_on=start,
        ends_on=end,
        created_at=now(),
        created_by=who.username,
        version=0,
    )
    s.add(m)
    s.flush()
    audit.record(s, who.username, "mission.create", mid)
    return m


def get_mission(s: Session, mission_id: str) -> Mission:
    return get_or_missing(s, Mission, mission_id, "mission")


def engagements(s: Session, mission_id: str) -> list[MissionEngagement]:
    return events_in_order(s, MissionEngagement, MissionEngagement.mission_id, mission_id)


def record_engagement(
    s: Session,
    who: Principal,
    mission_id: str,
    *,
    stakeholder: str,
    on: str | date,
    summary: str = "",
    phase: str | None = None,
    expected_version: int | None = None,
    ring: KeyRing | None = None,
) -> MissionEngagement:
    """Append an engagement; the phase follows from its date, and a stated phase must agree with it. A
    summary (free text that may name a union leader or a defender) is sealed under ``ring``."""
    require_role(who, "analyst")
    if summary.strip() and ring is None:
        raise InputError("a summary is sealed: the key ring is needed to record it", column="summary")
    if len(summary) > 5000:
        raise InputError("too long (at most 5000 characters)", column="summary")
    m = get_mission(s, mission_id)
    day = parse_day(on, "on")
    if day is None:
        raise InputError("give the date of the engagement", column="on")
    derived = phase_for(m, day)
    if phase and choice(phase, PHASES, "phase") != derived:
        raise InputError(
            f"an engagement on {day} is {derived} the mission ({m.starts_on} to {m.ends_on})", column="phase"
        )
    who_met = choice(stakeholder, STAKEHOLDERS, "stakeholder")
    seq = bump_version(s, Mission, mission_id, expected_version, "mission")
    e = MissionEngagement(
        mission_id=mission_id,
        seq=seq,
        phase=derived,
        stakeholder=who_met,
        on_date=day,
        summary="",
        actor=who.username,
        recorded_at=now(),
    )
    if summary.strip() and ring is not None:
        e.summary_kid, e.summary_ct = ring.seal(summary.strip().encode(), _aad(mission_id, seq))
    s.add(e)
    s.flush()
    audit.record(s, who.username, "mission.engagement", mission_id, {"seq": seq, "phase": derived})
    return e


def _aad(mission_id: str, seq: int) -> str:
    return f"laborlens:mission:{mission_id}:engagement:{seq}"


@dataclass(frozen=True, slots=True)
class EngagementView:
    seq: int
    phase: str
    stakeholder: str
    on_date: date
    actor: str
    summary: str | None  # None: sealed, and the reader is below analyst
    sealed: bool


def engagement_views(s: Session, ring: KeyRing, who: Principal, mission_id: str) -> list[EngagementView]:
    """The mission's engagements; summaries opened for analysts and admins only, and that read audited."""
    rows = engagements(s, mission_id)
    may = role_at_least(who.role, "analyst")
    out = []
    for e in rows:
        text: str | None = e.summary
        if e.summary_ct is not None:
            text = ring.open(e.summary_kid, e.summary_ct, _aad(mission_id, e.seq)).decode() if may else None
        elif not may and e.summary:
            text = None
        out.append(EngagementView(e.seq, e.phase, e.stakeholder, e.on_date, e.actor, text,
                                  e.summary_ct is not None))
    if may and any(e.summary_ct is not None for e in rows):
        audit.record(s, who.username, "mission.summary.read", mission_id)
    return out


def reseal_summaries(s: Session, ring: KeyRing) -> int:
    """Re-seal every summary under ``ring.active``, sealing any clear one from before migration 0006."""
    n = 0
    for e in s.execute(select(MissionEngagement)).scalars():
        aad = _aad(e.mission_id, e.seq)
        if e.summary_ct is not None:
            plain = ring.open(e.summary_kid, e.summary_ct, aad)
        elif e.summary:
            plain, e.summary = e.summary.encode(), ""
        else:
            continue
        e.summary_kid, e.summary_ct = ring.seal(plain, aad)
        n += 1
    s.flush()
    return n


@dataclass(frozen=True, slots=True)
class MissionGaps:
    mission: Mission
    covered: dict[str, list[str]]  # phase -> stakeholder groups met
    missing_phases: list[tuple[str, str]]  # (phase, why it counts as missing now)
    upcoming_phases: list[tuple[str, str]]  # not yet due
    missing_stakeholders: list[str]

    @property
    def complete(self) -> bool:
        return not self.missing_phases and not self.missing_stakeholders


def mission_gaps(s: Session, m: Mission, today: date | None = None) -> MissionGaps:
    t = today or _today()
    covered: dict[str, list[str]] = {p: [] for p in PHASES}
    for e in engagements(s, m.id):
        if e.stakeholder not in covered[e.phase]:
            covered[e.phase].append(e.stakeholder)
    due = {"before": m.starts_on, "during": m.ends_on, "after": m.ends_on + timedelta(days=AFTER_GRACE_DAYS)}
    missing, upcoming = [], []
    for p in PHASES:
        if covered[p]:
            continue
        if (t > due[p]) if p == "during" else (t >= due[p]):
            missing.append((p, f"none recorded; was due by {due[p]}"))
        else:
            upcoming.append((p, f"due by {due[p]}"))
    met = {x for v in covered.values() for x in v}
    # Key groups count as missing only once the mission is over (they may still be met during it).
    absent = [k for k in KEY_STAKEHOLDERS if k not in met] if t > m.ends_on else []
    return MissionGaps(m, covered, missing, upcoming, absent)


def gaps_report(s: Session, today: date | None = None, only_gaps: bool = True) -> list[MissionGaps]:
    """Missions missing a phase (or a key stakeholder group), soonest start first."""
    ms = s.execute(select(Mission).order_by(Mission.starts_on, Mission.id)).scalars().all()
    out = [mission_gaps(s, m, today) for m in ms]
    return [g for g in out if not g.complete] if only_gaps else out
