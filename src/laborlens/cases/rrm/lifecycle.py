"""USMCA Annex 31-A Rapid Response Labor Mechanism cases: intake, append-only lifecycle, derived state.

A case is a head row (facility facts fixed at intake) plus events. The lifecycle (DOMAIN_NOTES §2):
filed -> ILC determination -> request for review -> Mexico agrees/declines -> review concluded ->
remediation plan (milestones) and/or panel -> remedy -> closed. Each append is checked against the state
derived from the events before it, and carries the version the writer read (see ``common.bump_version``).
Clocks and board: :mod:`laborlens.cases.rrm.clocks`, :mod:`laborlens.cases.rrm.board`; evidence custody:
:mod:`laborlens.cases.rrm.evidence`.

Milestones have one syntax wherever they come from (CLI option, web form line, API string):
``YYYY-MM-DD label``, e.g. ``2025-06-30 Reinstate the dismissed workers`` (:func:`parse_milestone`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from laborlens import audit
from laborlens.cases.common import (
    Principal,
    bump_version,
    events_in_order,
    get_or_missing,
    next_number,
    now,
    require_role,
)
from laborlens.cases.deadlines import UNKNOWN, PartialDate, exact, parse_partial_date
from laborlens.cases.models import RrmEvent, RrmPetition
from laborlens.errors import InputError

if TYPE_CHECKING:
    from laborlens.cases.rrm.evidence import Kept

KINDS: dict[str, str] = {
    "filed": "Petition filed with the Interagency Labor Committee",
    "ilc_determination": "ILC determination",
    "request_for_review": "US request for review sent to Mexico (Art. 31-A.4)",
    "liquidation_suspended": "Liquidation of the facility's entries suspended",
    "mexico_response": "Mexico's decision whether to conduct a review",
    "review_concluded": "Mexico's review concluded",
    "remediation_plan": "Course of remediation / remediation plan agreed",
    "milestone_done": "Remediation milestone completed",
    "ustr_certification": "USTR certified to Congress instead of requesting a panel",
    "panel_requested": "Rapid Response Labor Panel requested",
    "panel_constituted": "Panel constituted",
    "verification_requested": "Panel requested a verification",
    "verification": "Verification carried out",
    "panel_determination": "Panel determination",
    "remedy": "Remedy imposed",
    "liquidation_resumed": "Liquidation resumed",
    "closed": "Case closed",
    "evidence_added": "Evidence file added",
    "note": "Note",
}
RESULTS: dict[str, tuple[str, ...]] = {
    "ilc_determination": ("affirmative", "negative"),
    "mexico_response": ("agrees", "declines"),
    "review_concluded": ("denial", "no_denial"),
    "panel_determination": ("denial", "no_denial", "outside_scope"),
    "remedy": ("suspend_preferential_tariff", "penalties", "denial_of_entry"),
    "closed": ("resolved", "remediated", "no_denial", "negative_determination", "withdrawn", "other"),
}
COVERED = ("manufacturing", "services", "mining")
ALWAYS = ("note", "evidence_added")  # allowed in any state, even after closure

_MINING = re.compile(r"\b(min(e|es|ing|era|ero)|quarr\w*|extracti\w+)\b", re.IGNORECASE)
_MANUF = re.compile(
    r"(manufactur|factory|\bplant\b|assembl|auto|parts|tire|rubber|steel|garment|apparel|"
    r"textile|denim|leather|processed food|food processing|beverage|wine|ammunition|electronic|"
    r"chemical|component|casting|maquila)",
    re.IGNORECASE,
)
_AGRI = re.compile(
    r"(agricultur|\bfarm|crop|harvest|fishing|fisher|forestry|livestock|ranch|plantation)", re.IGNORECASE
)
_SERV = re.compile(
    r"(servic|call cent|logistic|transport|retail|hospitality|telecom|bank|\bbpo\b)", re.IGNORECASE
)


def classify_sector(text: str) -> str:
    """The Annex 31-A Priority Sector a description falls in, or InputError saying why it is not covered."""
    t = (text or "").strip()
    if t.lower() in COVERED:
        return t.lower()
    if _MINING.search(t):
        return "mining"
    if _MANUF.search(t):
        return "manufacturing"
    if _AGRI.search(t):
        raise InputError(
            "agriculture is not a Priority Sector under USMCA Annex 31-A: the RRM covers facilities "
            "that produce manufactured goods, supply services or involve mining",
            column="sector",
        )
    if _SERV.search(t):
        return "services"
    raise InputError(
        "cannot tell the Priority Sector; give one of manufacturing, services, mining "
        "(the RRM covers no other sector)",
        column="sector",
    )


@dataclass
class CaseFacts:
    """State derived by folding a case's events in order (never stored)."""

    filed: PartialDate = UNKNOWN
    self_initiated: bool = False
    ilc: tuple[str, PartialDate] | None = None
    request: PartialDate | None = None
    mexico: tuple[str, PartialDate] | None = None
    review: tuple[str, PartialDate] | None = None
    plan: PartialDate | None = None
    milestones: dict[str, tuple[str, str]] = field(default_factory=dict)  # key -> (label, due ISO date)
    milestones_done: dict[str, PartialDate] = field(default_factory=dict)
    certification: PartialDate | None = None
    panel_requested: PartialDate | None = None
    panel_constituted: PartialDate | None = None
    verification_requested: PartialDate | None = None
    verification: PartialDate | None = None
    panel_det: tuple[str, PartialDate] | None = None
    remedy: tuple[str, PartialDate] | None = None
    liquidation: str = ""
    closed: tuple[str, PartialDate] | None = None
    evidence: list[dict] = field(default_factory=list)

    @property
    def stage(self) -> str:
        if self.closed:
            return f"closed ({self.closed[0].replace('_', ' ')})"
        if self.remedy:
            return "remedy imposed"
        if self.panel_det:
            return f"panel found {self.panel_det[0].replace('_', ' ')}"
        if self.panel_constituted:
            return "panel proceedings"
        if self.panel_requested:
            return "panel requested"
        if self.plan:
            done = len(self.milestones_done)
            return (
                f"remediation ({done}/{len(self.milestones)} milestones)"
                if self.milestones
                else "remediation"
            )
        if self.review:
            return f"review concluded: {self.review[0].replace('_', ' ')}"
        if self.mexico:
            return "Mexico reviewing" if self.mexico[0] == "agrees" else "Mexico declined to review"
        if self.request:
            return "request for review sent"
        if self.ilc:
            return "ILC affirmative: awaiting request"
        return "self-initiated" if self.self_initiated else "petition before the ILC"


def event_date(ev: RrmEvent) -> PartialDate:
    return parse_partial_date(ev.on_date, ev.precision)


def derive(events: list[RrmEvent]) -> CaseFacts:
    f = CaseFacts()
    for ev in sorted(events, key=lambda e: e.seq):
        d, r = event_date(ev), (ev.data or {}).get("result", "")
        k = ev.kind
        if k == "filed":
            f.filed, f.self_initiated = d, bool(ev.data.get("self_initiated"))
        elif k == "ilc_determination":
            f.ilc = (r, d)
            if r == "negative":
                f.closed = ("negative_determination", d)
        elif k == "request_for_review":
            f.request = d
        elif k == "mexico_response":
            f.mexico = (r, d)
        elif k == "review_concluded":
            f.review = (r, d)
        elif k == "remediation_plan":
            f.plan = d
            f.milestones.update({m["key"]: (m["label"], m["due"]) for m in ev.data.get("milestones", [])})
        elif k == "milestone_done":
            f.milestones_done[ev.data["milestone"]] = d
        elif k == "ustr_certification":
            f.certification = d
        elif k in ("panel_requested", "panel_constituted", "verification_requested", "verification"):
            setattr(f, k, d)
        elif k == "panel_determination":
            f.panel_det = (r, d)
        elif k == "remedy":
            f.remedy = (r, d)
        elif k in ("liquidation_suspended", "liquidation_resumed"):
            f.liquidation = k.split("_")[1]
        elif k == "closed":
            f.closed = (r or "other", d)
        elif k == "evidence_added":
            f.evidence.append(dict(ev.data))
    return f


def _check_transition(f: CaseFacts, kind: str, data: dict) -> None:
    """Refuse steps the process does not allow from the current state (message says what is missing)."""
    if kind in ALWAYS:
        return
    if f.closed:
        raise InputError(
            f"the case is closed ({f.closed[0]}); only notes and evidence can be added", column="kind"
        )
    need: dict[str, tuple[bool, str]] = {
        "ilc_determination": (
            f.ilc is None and not f.self_initiated and f.request is None,
            "an ILC determination follows a petition and comes once, before any request",
        ),
        "request_for_review": (
            f.request is None and (f.ilc is None or f.ilc[0] == "affirmative"),
            "a request for review follows an affirmative determination and is sent once",
        ),
        "mexico_response": (f.request is not None and f.mexico is None, "needs a request for review first"),
        "review_concluded": (
            f.request is not None and f.review is None and not (f.mexico and f.mexico[0] == "declines"),
            "needs a request for review that Mexico has not declined",
        ),
        "remediation_plan": (f.request is not None, "needs a request for review first"),
        "milestone_done": (
            data.get("milestone") in f.milestones and data.get("milestone") not in f.milestones_done,
            "names no open milestone of the remediation plan",
        ),
        "ustr_certification": (
            f.ilc is not None or f.request is not None,
            "needs an ILC determination first",
        ),
        "panel_requested": (
            f.request is not None and f.panel_requested is None,
            "needs a request for review",
        ),
        "panel_constituted": (
            f.panel_requested is not None and f.panel_constituted is None,
            "needs a panel request",
        ),
        "verification_requested": (f.panel_constituted is not None, "needs a constituted panel"),
        "verification": (f.panel_constituted is not None, "needs a constituted panel"),
        "panel_determination": (
            f.panel_constituted is not None and f.panel_det is None,
            "needs a constituted panel",
        ),
        "remedy": (
            (f.panel_det is not None and f.panel_det[0] == "denial")
            or (f.review is not None and f.review[0] == "denial"),
            "needs a finding of denial",
        ),
        "liquidation_suspended": (f.request is not None, "needs a request for review"),
        "liquidation_resumed": (f.liquidation == "suspended", "liquidation is not suspended"),
        "closed": (True, ""),
    }
    ok, why = need.get(kind, (False, "not a step of this process"))
    if not ok:
        raise InputError(f"{kind} not allowed now (stage: {f.stage}): {why}", column="kind")


def get_petition(s: Session, case_id: str) -> RrmPetition:
    return get_or_missing(s, RrmPetition, case_id, "RRM case")


def events_of(s: Session, case_id: str) -> list[RrmEvent]:
    return events_in_order(s, RrmEvent, RrmEvent.petition_id, case_id)


def append_event(
    s: Session,
    who: Principal,
    case_id: str,
    kind: str,
    *,
    on: str | date | None = None,
    precision: str | None = None,
    result: str | None = None,
    note: str = "",
    data: dict | None = None,
    expected_version: int | None = None,
    strict: bool = True,
) -> RrmEvent:
    """Append one lifecycle event. ``strict=False`` (loading sources with gaps) skips the transition check."""
    require_role(who, "analyst")
    if kind not in KINDS or kind == "filed":
        raise InputError(f"kind must be one of {', '.join(k for k in KINDS if k != 'filed')}", column="kind")
    data = dict(data or {})
    if kind in RESULTS:
        if result not in RESULTS[kind]:
            raise InputError(f"{kind} needs a result: one of {', '.join(RESULTS[kind])}", column="result")
        data["result"] = result
    if kind == "remediation_plan":
        data["milestones"] = _milestones(data.get("milestones", []), required=strict)
    when = exact(on) if isinstance(on, date) else parse_partial_date(on, precision, column="on")
    get_petition(s, case_id)
    if strict:
        if not when.known and kind not in ALWAYS:
            raise InputError("give the date the step happened", column="on")
        _check_transition(derive(events_of(s, case_id)), kind, data)
    seq = bump_version(s, RrmPetition, case_id, expected_version, "RRM case")
    ev = RrmEvent(
        petition_id=case_id,
        seq=seq,
        kind=kind,
        on_date=when.text,
        precision=when.precision,
        data=data,
        note=note,
        actor=who.username,
        recorded_at=now(),
    )
    s.add(ev)
    s.flush()
    audit.record(s, who.username, f"rrm.{kind}", case_id, {"seq": seq})
    return ev


def parse_milestone(text: str, i: int = 1) -> dict[str, str]:
    """``YYYY-MM-DD label`` (the one milestone syntax) as ``{"label", "due"}``; the column is "milestones"."""
    due, _, label = (text or "").strip().partition(" ")
    if not label.strip():
        raise InputError(f"milestone {i} needs a label after its date (YYYY-MM-DD label)",
                         column="milestones")
    d = parse_partial_date(due, column="milestones")
    if d.exact is None:
        raise InputError(f"milestone {i} needs an exact due date first (YYYY-MM-DD label)",
                         column="milestones")
    return {"label": label.strip(), "due": d.text}


def parse_milestones(lines: str | list[str]) -> list[dict[str, str]]:
    """Milestones one a line (a text block or a list of lines); blank lines are skipped."""
    items = lines.splitlines() if isinstance(lines, str) else list(lines)
    return [parse_milestone(x, i) for i, x in enumerate((x for x in items if str(x).strip()), 1)]


def _milestones(raw: str | list[str], required: bool = True) -> list[dict]:
    out = [{"key": f"M{i}", **m} for i, m in enumerate(parse_milestones(raw), 1)]
    if not out and required:
        raise InputError(
            "a remediation plan needs at least one milestone (YYYY-MM-DD label)", column="milestones"
        )
    return out


def file_petition(
    s: Session,
    who: Principal,
    *,
    facility: str,
    sector: str,
    filed_on: str | date,
    company: str = "",
    municipality: str = "",
    state: str = "",
    country: str = "MX",
    petitioner: str = "",
    anonymous: bool = False,
    allegations: str = "",
    self_initiated: bool = False,
) -> RrmPetition:
    """Register a petition (or self-initiation); its clocks start from ``filed_on``. The case number comes
    from the year's counter row (``RRM-2026-001``, ``-002``...)."""
    require_role(who, "analyst")
    if not facility.strip():
        raise InputError("name the Covered Facility", column="facility")
    if country.upper() != "MX":
        raise InputError(
            "Annex 31-A covers facilities in Mexico (the RRM does not apply between the US and "
            "Canada; claims against US facilities are Mexico's to bring)",
            column="country",
        )
    covered = classify_sector(sector)
    when = exact(filed_on) if isinstance(filed_on, date) else parse_partial_date(filed_on, column="filed_on")
    if when.exact is None:
        raise InputError(
            "the filing date must be exact (YYYY-MM-DD): the ILC's 30 days run from it", column="filed_on"
        )
    year = when.exact.year
    case_id = f"RRM-{year}-{next_number(s, f'RRM-{year}-'):03d}"
    p = RrmPetition(
        id=case_id,
        facility=facility.strip(),
        company=company.strip(),
        municipality=municipality,
        state=state,
        country="MX",
        sector=covered,
        sector_detail=sector.strip(),
        petitioner="" if anonymous else petitioner,
        anonymous=anonymous,
        allegations=allegations,
        origin="filed",
        created_at=now(),
        created_by=who.username,
        version=0,
    )
    s.add(p)
    s.flush()
    start_case(s, who, case_id, when, self_initiated=self_initiated)
    return p


def start_case(s: Session, who: Principal, case_id: str, when: PartialDate, **data) -> RrmEvent:
    seq = bump_version(s, RrmPetition, case_id, 0, "RRM case")
    ev = RrmEvent(
        petition_id=case_id,
        seq=seq,
        kind="filed",
        on_date=when.text,
        precision=when.precision,
        data=data,
        actor=who.username,
        recorded_at=now(),
    )
    s.add(ev)
    s.flush()
    audit.record(s, who.username, "rrm.filed", case_id, {"seq": seq})
    return ev


def add_evidence(
    s: Session,
    who: Principal,
    case_id: str,
    kept: Kept,
    on: date,
    expected_version: int | None = None,
) -> RrmEvent:
    """Record an evidence file already in custody (:func:`laborlens.cases.rrm.evidence.take_custody`
    returns ``kept``: the stored copy's path, SHA-256, size and the name it was given)."""
    return append_event(
        s,
        who,
        case_id,
        "evidence_added",
        data={"path": str(kept.path), "sha256": kept.sha256, "size": kept.size, "name": kept.name},
        on=on,
        expected_version=expected_version,
    )
