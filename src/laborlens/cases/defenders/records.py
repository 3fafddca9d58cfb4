"""Defender case records: vocabularies, the sealed identity, opening a case, its events and its views.

Only pseudonym, country and coarse categories are stored in clear; identities and notes go through
:mod:`laborlens.cases.defenders.sealing`; who may see them is :mod:`laborlens.cases.defenders.access`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from laborlens import audit
from laborlens.accounts import Forbidden
from laborlens.cases.common import Principal, bump_version, choice, events_in_order, now, require_role, today
from laborlens.cases.crypto import KeyRing
from laborlens.cases.defenders.access import assigned_users, may_see
from laborlens.cases.defenders.sealing import (
    new_pseudonym,
    open_identity,
    open_note,
    seal_identity,
    seal_note,
)
from laborlens.cases.models import DefenderAssignment, DefenderCase, DefenderEvent
from laborlens.errors import InputError, NotFound

THREATS = ("harassment", "arrest", "violence", "spurious_lawsuit", "blacklisting", "gender_based_violence")
RISKS = ("low", "medium", "high", "critical")
ACTIONS = (
    "public_statement",
    "demarche",
    "visa_restriction_recommendation",
    "protection_support",
    "partner_coordination",
)
SUPPORT = (
    "physical_security",
    "digital_security",
    "communications",
    "security_training",
    "safe_transport",
    "legal",
    "medical_psychosocial",
    "family_humanitarian",
    "relocation",
    "urgent_advocacy",
)
DEFENDER_ROLES = ("trade_unionist", "labor_defender", "worker", "journalist", "other")
PERPETRATORS = ("state", "employer", "private_security", "armed_group", "unknown", "other")
EVENT_KINDS = ("threat", "action", "risk", "consent", "status", "note")
IDENTITY_FIELDS = ("name", "organisation", "contact", "narrative", "sex", "age_group")


@dataclass
class Identity:
    """The sealed part of a case. Its repr hides the values, so they cannot leak into logs or tracebacks."""

    name: str
    organisation: str = ""
    contact: str = ""
    narrative: str = ""
    sex: str = ""
    age_group: str = ""

    def __repr__(self) -> str:
        return "Identity(<sealed>)"

    __str__ = __repr__

    def validate(self) -> Identity:
        if not self.name.strip():
            raise InputError("a defender case needs the person's name or alias", column="name")
        for f in IDENTITY_FIELDS:
            if len(getattr(self, f)) > 5000:
                raise InputError("too long (at most 5000 characters)", column=f)
        return self


@dataclass
class DefenderEventView:
    seq: int
    kind: str
    on: date | None
    data: dict
    actor: str
    note: str | None  # None when the reader may not see notes


@dataclass
class DefenderSummary:
    pseudonym: str
    country: str
    role: str
    sector: str
    threats: list[str]
    risk: str
    consent_to_publicity: bool
    status: str
    actions: list[str]
    opened_on: date | None
    version: int


@dataclass
class DefenderView:
    summary: DefenderSummary
    events: list[DefenderEventView]
    identity: Identity | None = None
    may_see_identity: bool = False
    assigned: list[str] = field(default_factory=list)


_PSEUDONYM = re.compile(r"^DEF-[0-9A-F]{4,12}$")


def find_case(s: Session, pseudonym: str) -> DefenderCase:
    # Whatever was typed is echoed only if it has the shape of a pseudonym: someone may type a name here.
    p = pseudonym.strip().upper()
    if not _PSEUDONYM.match(p):
        raise NotFound("no such defender case (cases are addressed by pseudonym, e.g. DEF-7F3A)")
    c = s.execute(select(DefenderCase).where(DefenderCase.pseudonym == p)).scalar()
    if c is None:
        raise NotFound(f"no defender case {p}")
    return c


def case_events(s: Session, case: DefenderCase) -> list[DefenderEvent]:
    return events_in_order(s, DefenderEvent, DefenderEvent.case_id, case.id)


def summarise(case: DefenderCase, evs: list[DefenderEvent]) -> DefenderSummary:
    threats: list[str] = []
    risk, consent, status, actions, opened = "", False, "open", [], None
    for e in evs:
        d = e.data or {}
        if e.kind == "opened":
            threats += d.get("threats", [])
            risk, consent, opened = d.get("risk", ""), bool(d.get("consent")), e.on_date
        elif e.kind == "threat" and d.get("threat") not in threats:
            threats.append(d["threat"])
        elif e.kind == "risk":
            risk = d["risk"]
        elif e.kind == "consent":
            consent = bool(d["consent"])
        elif e.kind == "status":
            status = d["status"]
        elif e.kind == "action":
            actions.append(d["action"])
    return DefenderSummary(
        case.pseudonym,
        case.country,
        case.role,
        case.sector,
        sorted(set(threats)),
        risk,
        consent,
        status,
        actions,
        opened,
        case.version,
    )


def open_case(
    s: Session,
    ring: KeyRing,
    who: Principal,
    identity: Identity,
    *,
    country: str,
    threats: list[str],
    risk: str,
    consent_to_publicity: bool = False,
    role: str = "trade_unionist",
    sector: str = "",
    on: date | None = None,
) -> str:
    """Open a case (analyst+); the creator is assigned. Returns the pseudonym, the case's only handle."""
    require_role(who, "analyst")
    identity.validate()
    if not country.strip():
        raise InputError("give the country", column="country")
    threats = sorted({choice(t, THREATS, "threats") for t in threats})
    if not threats:
        raise InputError(f"name at least one threat: {', '.join(THREATS)}", column="threats")
    risk = choice(risk, RISKS, "risk")
    pseudonym = new_pseudonym(s, ring)
    kid, blob = seal_identity(ring, pseudonym, identity)
    case = DefenderCase(
        pseudonym=pseudonym,
        country=country.strip(),
        role=choice(role, DEFENDER_ROLES, "role"),
        sector=sector.strip(),
        identity_kid=kid,
        identity_ct=blob,
        created_at=now(),
        created_by=who.username,
        version=1,
    )
    s.add(case)
    s.flush()
    s.add(
        DefenderEvent(
            case_id=case.id,
            seq=1,
            kind="opened",
            on_date=on or today(),
            actor=who.username,
            data={"threats": threats, "risk": risk, "consent": bool(consent_to_publicity)},
            recorded_at=now(),
        )
    )
    s.add(
        DefenderAssignment(
            case_id=case.id, username=who.username, assigned_by=who.username, assigned_at=now()
        )
    )
    s.flush()
    audit.record(s, who.username, "defender.open", pseudonym)
    return pseudonym


def list_cases(s: Session, who: Principal, q: str = "") -> list[DefenderSummary]:
    """Pseudonymous list for any signed-in role. ``q`` matches pseudonym or country only, never identities."""
    require_role(who, "viewer")
    stmt = select(DefenderCase).order_by(DefenderCase.id)
    if q.strip():
        t = q.strip()
        stmt = stmt.where((DefenderCase.pseudonym == t.upper()) | (DefenderCase.country.ilike(f"%{t}%")))
    return [summarise(c, case_events(s, c)) for c in s.execute(stmt).scalars()]


def get_case(s: Session, ring: KeyRing, who: Principal, pseudonym: str, reveal: bool = False) -> DefenderView:
    """The pseudonymous case. With ``reveal`` (admins and assigned staff only, else :class:`Forbidden`) the
    identity and the notes are decrypted too, and that read is audited: nothing is opened unless asked."""
    require_role(who, "viewer")
    case = find_case(s, pseudonym)
    evs = case_events(s, case)
    allowed = may_see(s, who, case)
    if reveal and not allowed:
        raise Forbidden(f"only staff assigned to {case.pseudonym} (or admins) can reveal its identity")
    view = DefenderView(summarise(case, evs), [], may_see_identity=allowed)
    if allowed:
        view.assigned = assigned_users(s, case)
    if reveal:
        view.identity = Identity(**open_identity(ring, case))
        audit.record(s, who.username, "defender.identity.read", case.pseudonym)
    for e in evs:
        note = None
        if reveal:
            note = open_note(ring, case.pseudonym, e)
        view.events.append(DefenderEventView(e.seq, e.kind, e.on_date, dict(e.data or {}), e.actor, note))
    return view


def add_event(
    s: Session,
    ring: KeyRing,
    who: Principal,
    pseudonym: str,
    kind: str,
    *,
    expected_version: int | None,
    on: date | None = None,
    threat: str = "",
    perpetrator: str = "",
    action: str = "",
    support: list[str] | None = None,
    risk: str = "",
    consent: bool | None = None,
    status: str = "",
    note: str = "",
) -> int:
    """Append an event (analyst+, assigned or admin); the note is sealed. Returns the new version."""
    require_role(who, "analyst")
    case = find_case(s, pseudonym)
    if not may_see(s, who, case):
        raise Forbidden(f"only staff assigned to {case.pseudonym} (or admins) can add to it")
    kind = choice(kind, EVENT_KINDS, "kind")
    data: dict = {}
    if kind == "threat":
        data = {
            "threat": choice(threat, THREATS, "threat"),
            "perpetrator": choice(perpetrator or "unknown", PERPETRATORS, "perpetrator"),
        }
    elif kind == "action":
        data = {
            "action": choice(action, ACTIONS, "action"),
            "support": sorted({choice(x, SUPPORT, "support") for x in support or []}),
        }
    elif kind == "risk":
        data = {"risk": choice(risk, RISKS, "risk")}
    elif kind == "consent":
        if consent is None:
            raise InputError("say whether the person consents to publicity", column="consent")
        data = {"consent": bool(consent)}
    elif kind == "status":
        data = {"status": choice(status, ("open", "closed"), "status")}
    elif not note.strip():
        raise InputError("a note needs text", column="note")
    seq = bump_version(s, DefenderCase, case.id, expected_version, f"defender case {case.pseudonym}")
    ev = DefenderEvent(
        case_id=case.id,
        seq=seq,
        kind=kind,
        on_date=on or today(),
        data=data,
        actor=who.username,
        recorded_at=now(),
    )
    if note.strip():
        ev.note_kid, ev.note_ct = seal_note(ring, case.pseudonym, seq, note)
    s.add(ev)
    s.flush()
    audit.record(s, who.username, f"defender.{kind}", case.pseudonym, {"seq": seq})
    return seq


