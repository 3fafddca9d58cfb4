"""Request bodies and JSON shapes of the case-work API (kept apart so the routers read in one sitting).

Defender bodies default every field: a validation error then never has a whole body (with a name in it) to
echo back; the library checks the values and its messages name fields, not what was typed.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import BaseModel, Field

from laborlens.cases import engagements as eng
from laborlens.cases import safeguards
from laborlens.cases.deadlines import Deadline, PartialDate
from laborlens.cases.rrm import board as rrm_board
from laborlens.cases.rrm import lifecycle as rrm

# -- request bodies ----------------------------------------------------------------------------------------


class PetitionIn(BaseModel):
    facility: str
    sector: str
    filed_on: str
    company: str = ""
    municipality: str = ""
    state: str = ""
    country: str = "MX"
    petitioner: str = ""
    anonymous: bool = False
    allegations: str = ""
    self_initiated: bool = False


class RrmEventIn(BaseModel):
    kind: str
    version: int
    on: str | None = None
    precision: str | None = None
    result: str | None = None
    note: str = ""
    milestones: list[str] = Field(
        default_factory=list, description="Remediation plan milestones, each `YYYY-MM-DD label`."
    )
    milestone: str | None = Field(None, description="For milestone_done: the milestone's key (M1, M2...).")


class ClockIn(BaseModel):
    days: int
    business: bool | None = None
    holiday_calendar: str | None = None


class DefenderIn(BaseModel):
    name: str = ""
    organisation: str = ""
    contact: str = ""
    narrative: str = ""
    sex: str = ""
    age_group: str = ""
    country: str = ""
    threats: list[str] = Field(default_factory=list)
    risk: str = ""
    consent_to_publicity: bool = False
    role: str = "trade_unionist"
    sector: str = ""


class DefenderEventIn(BaseModel):
    kind: str = ""
    version: int | None = None
    on: date | None = None
    threat: str = ""
    perpetrator: str = ""
    action: str = ""
    support: list[str] = Field(default_factory=list)
    risk: str = ""
    consent: bool | None = None
    status: str = ""
    note: str = ""


class SearchIn(BaseModel):
    q: str = Field("", max_length=200, description="A pseudonym (DEF-7F3A) or part of a country name.")


class AssignIn(BaseModel):
    username: str


class MissionIn(BaseModel):
    title: str
    kind: str = "mission"
    starts_on: date
    ends_on: date
    country: str = ""
    agency: str = ""


class EngagementIn(BaseModel):
    version: int
    stakeholder: str
    on: date
    summary: str = ""
    phase: str | None = None


class ReviewIn(BaseModel):
    project: str
    bank: str
    framework: str
    project_ref: str = ""
    country: str = ""


class ScoreIn(BaseModel):
    version: int
    item: str
    score: int
    evidence: str


class DirectiveIn(BaseModel):
    version: int
    status: str
    evidence: str = ""
    due_on: date | None = None


# -- shapes ------------------------------------------------------------------------------------------------


def _pd(p: PartialDate | None) -> dict | None:
    return None if p is None else {"text": p.text, "precision": p.precision, "description": p.describe()}


def deadline_json(d: Deadline) -> dict:
    return {
        "clock": d.clock.key,
        "label": d.clock.label,
        "rule": d.clock.describe(),
        "verified": d.clock.verified,
        "source": d.clock.source,
        "status": d.status,
        "start": _pd(d.start),
        "due": d.due.isoformat() if d.due else None,
        "window": [d.window[0].isoformat(), d.window[1].isoformat()] if d.window else None,
        "done": _pd(d.done),
        "note": d.note,
    }


def case_json(v: rrm_board.CaseView, full: bool = True) -> dict:
    p = v.petition
    out: dict[str, Any] = {
        "id": p.id,
        "facility": p.facility,
        "company": p.company,
        "municipality": p.municipality,
        "state": p.state,
        "sector": p.sector,
        "sector_detail": p.sector_detail,
        "origin": p.origin,
        "petitioner": "" if p.anonymous else p.petitioner,
        "anonymous": p.anonymous,
        "stage": v.facts.stage,
        "open": v.is_open,
        "version": v.version,
        "as_of": v.as_of.isoformat(),
        "next_deadline": deadline_json(v.next_deadline) if v.next_deadline else None,
        "alerts": [deadline_json(d) for d in v.alerts],
    }
    if full:
        out |= {
            "allegations": p.allegations,
            "sources": p.sources,
            "notes": p.notes,
            "deadlines": [deadline_json(d) for d in v.deadlines],
            "evidence": v.facts.evidence,
            "events": [
                {
                    "seq": e.seq,
                    "kind": e.kind,
                    "label": rrm.KINDS.get(e.kind, e.kind),
                    "on": _pd(rrm.event_date(e)),
                    "data": e.data,
                    "note": e.note,
                    "actor": e.actor,
                }
                for e in v.events
            ],
        }
    return out


def mission_json(g: eng.MissionGaps, events: list | None = None) -> dict:
    m = g.mission
    out = {
        "id": m.id,
        "title": m.title,
        "kind": m.kind,
        "country": m.country,
        "agency": m.agency,
        "starts_on": m.starts_on.isoformat(),
        "ends_on": m.ends_on.isoformat(),
        "version": m.version,
        "covered": g.covered,
        "missing_phases": [p for p, _ in g.missing_phases],
        "missing": [{"phase": p, "why": w} for p, w in g.missing_phases],
        "missing_stakeholders": g.missing_stakeholders,
        "complete": g.complete,
    }
    if events is not None:
        out["engagements"] = [
            {
                "seq": e.seq,
                "phase": e.phase,
                "stakeholder": e.stakeholder,
                "on": e.on_date.isoformat(),
                "summary": e.summary,
                "actor": e.actor,
            }
            for e in events
        ]
    return out


def review_json(sm: safeguards.ReviewSummary) -> dict:
    r = sm.review
    return {
        "id": r.id,
        "project": r.project,
        "bank": r.bank,
        "framework": r.framework,
        "country": r.country,
        "project_ref": r.project_ref,
        "version": r.version,
        "rating": sm.rating,
        "weighted_pct": sm.weighted_pct,
        "coverage": sm.coverage,
        "critical_gaps": [i.item.key for i in sm.critical_gaps],
        "items": [
            {
                "key": i.item.key,
                "no": i.item.no,
                "item": i.item.item,
                "weight": i.item.weight,
                "score": i.score,
                "evidence": i.evidence,
            }
            for i in sm.items
        ],
    }
