"""Threatened labor-rights defenders (memorandum §3(b)): cases, need-to-know access, redacted export.

Why it is built this way: a leak can get a person hurt. So
- identifying fields (name, organisation, contact, narrative, sex, age group) are one AES-GCM blob and
  free-text notes on events are sealed too; only pseudonym, country and coarse categories are in clear,
  and only those can be searched;
- identities are shown only to admins and staff assigned to the case; every read is audited with the
  pseudonym alone; everyone else works with the pseudonymous case;
- messages, audit details and URLs carry the pseudonym, never a name;
- a partner government gets a redacted export: identities only where the person consented to publicity.
"""

from __future__ import annotations

import io
import json
import os
import re
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from laborlens import audit, csvout
from laborlens.cases.common import Principal, bump_version, choice, now, require_role, today
from laborlens.cases.crypto import KeyRing
from laborlens.cases.models import DefenderAssignment, DefenderCase, DefenderEvent
from laborlens.errors import InputError, NotFound
from laborlens.store.models import User

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


def _aad(pseudonym: str, part: str) -> str:
    return f"laborlens:defender:{pseudonym}:{part}"


_PSEUDONYM = re.compile(r"^DEF-[0-9A-F]{4,12}$")


def _case(s: Session, pseudonym: str) -> DefenderCase:
    # Whatever was typed is echoed only if it has the shape of a pseudonym: someone may type a name here.
    p = pseudonym.strip().upper()
    if not _PSEUDONYM.match(p):
        raise NotFound("no such defender case (cases are addressed by pseudonym, e.g. DEF-7F3A)")
    c = s.execute(select(DefenderCase).where(DefenderCase.pseudonym == p)).scalar()
    if c is None:
        raise NotFound(f"no defender case {p}")
    return c


def _events(s: Session, case: DefenderCase) -> list[DefenderEvent]:
    return list(
        s.execute(
            select(DefenderEvent).where(DefenderEvent.case_id == case.id).order_by(DefenderEvent.seq)
        ).scalars()
    )


def assigned_users(s: Session, case: DefenderCase) -> list[str]:
    return sorted(
        s.execute(
            select(DefenderAssignment.username).where(
                DefenderAssignment.case_id == case.id, DefenderAssignment.revoked_at.is_(None)
            )
        ).scalars()
    )


def may_see(s: Session, who: Principal, case: DefenderCase) -> bool:
    """Need-to-know: admins, and staff currently assigned to this case."""
    return who.role == "admin" or who.username in assigned_users(s, case)


def _summary(case: DefenderCase, evs: list[DefenderEvent]) -> DefenderSummary:
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


def _new_pseudonym(s: Session, ring: KeyRing) -> str:
    for _ in range(50):
        p = ring.pseudonym(os.urandom(32))
        if s.execute(select(DefenderCase.id).where(DefenderCase.pseudonym == p)).first() is None:
            return p
    raise InputError("could not find a free pseudonym; try again")  # pragma: no cover - 65k namespace


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
    pseudonym = _new_pseudonym(s, ring)
    kid, blob = ring.seal(json.dumps(asdict(identity)).encode(), _aad(pseudonym, "identity"))
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
    return [_summary(c, _events(s, c)) for c in s.execute(stmt).scalars()]


def get_case(s: Session, ring: KeyRing, who: Principal, pseudonym: str) -> DefenderView:
    """The case; with identity and notes only for admins and assigned staff (and then audited)."""
    require_role(who, "viewer")
    case = _case(s, pseudonym)
    evs = _events(s, case)
    allowed = may_see(s, who, case)
    view = DefenderView(_summary(case, evs), [], may_see_identity=allowed)
    if allowed:
        view.identity = Identity(
            **json.loads(ring.open(case.identity_kid, case.identity_ct, _aad(case.pseudonym, "identity")))
        )
        view.assigned = assigned_users(s, case)
        audit.record(s, who.username, "defender.identity.read", case.pseudonym)
    for e in evs:
        note = None
        if allowed:
            note = (
                ""
                if e.note_ct is None
                else ring.open(e.note_kid, e.note_ct, _aad(case.pseudonym, f"event:{e.seq}")).decode()
            )
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
    case = _case(s, pseudonym)
    if not may_see(s, who, case):
        from laborlens.accounts import Forbidden

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
        ev.note_kid, ev.note_ct = ring.seal(note.encode(), _aad(case.pseudonym, f"event:{seq}"))
    s.add(ev)
    s.flush()
    audit.record(s, who.username, f"defender.{kind}", case.pseudonym, {"seq": seq})
    return seq


def assign(s: Session, who: Principal, pseudonym: str, username: str) -> None:
    """Give a staff member need-to-know access (admin only)."""
    require_role(who, "admin")
    case = _case(s, pseudonym)
    if s.execute(select(User.id).where(User.username == username)).first() is None:
        raise NotFound(f"no user {username!r}")
    if username not in assigned_users(s, case):
        s.add(
            DefenderAssignment(
                case_id=case.id, username=username, assigned_by=who.username, assigned_at=now()
            )
        )
        s.flush()
    audit.record(s, who.username, "defender.assign", case.pseudonym, {"user": username})


def unassign(s: Session, who: Principal, pseudonym: str, username: str) -> None:
    require_role(who, "admin")
    case = _case(s, pseudonym)
    rows = (
        s.execute(
            select(DefenderAssignment).where(
                DefenderAssignment.case_id == case.id,
                DefenderAssignment.username == username,
                DefenderAssignment.revoked_at.is_(None),
            )
        )
        .scalars()
        .all()
    )
    if not rows:
        raise NotFound(f"{username!r} is not assigned to {case.pseudonym}")
    for r in rows:
        r.revoked_at = now()
    audit.record(s, who.username, "defender.unassign", case.pseudonym, {"user": username})


EXPORT_COLUMNS = (
    "case",
    "country",
    "role",
    "sector",
    "threats",
    "risk",
    "status",
    "actions",
    "consent_to_publicity",
    "name",
    "organisation",
)


def export_redacted(s: Session, ring: KeyRing, who: Principal, fmt: str = "json") -> str:
    """For a partner government: categories and actions only; name and organisation only with consent.

    Contact details, narrative, notes, sex and age group never leave. Each identity exported is audited."""
    require_role(who, "analyst")
    fmt = choice(fmt, ("json", "csv"), "format")
    rows: list[dict[str, Any]] = []
    for case in s.execute(select(DefenderCase).order_by(DefenderCase.id)).scalars():
        sm = _summary(case, _events(s, case))
        row = {
            "case": sm.pseudonym,
            "country": sm.country,
            "role": sm.role,
            "sector": sm.sector,
            "threats": sm.threats,
            "risk": sm.risk,
            "status": sm.status,
            "actions": sm.actions,
            "consent_to_publicity": sm.consent_to_publicity,
            "name": "",
            "organisation": "",
        }
        if sm.consent_to_publicity:
            ident = Identity(
                **json.loads(ring.open(case.identity_kid, case.identity_ct, _aad(case.pseudonym, "identity")))
            )
            row["name"], row["organisation"] = ident.name, ident.organisation
            audit.record(s, who.username, "defender.identity.export", case.pseudonym)
        rows.append(row)
    audit.record(s, who.username, "defender.export", "", {"cases": len(rows), "format": fmt})
    if fmt == "json":
        return json.dumps({"redacted": True, "cases": rows}, ensure_ascii=False, indent=2)
    buf = io.StringIO()
    w = csvout.DictWriter(buf, fieldnames=EXPORT_COLUMNS)
    w.writeheader()
    for r in rows:
        w.writerow({**r, "threats": ";".join(r["threats"]), "actions": ";".join(r["actions"])})
    return buf.getvalue()


def reseal_all(s: Session, ring: KeyRing) -> int:
    """Re-encrypt every sealed field under ``ring.active`` (used by key rotation, inside one transaction)."""
    n = 0
    for case in s.execute(select(DefenderCase)).scalars():
        aad = _aad(case.pseudonym, "identity")
        plain = ring.open(case.identity_kid, case.identity_ct, aad)
        case.identity_kid, case.identity_ct = ring.seal(plain, aad)
        n += 1
        for e in _events(s, case):
            if e.note_ct is not None:
                aad_e = _aad(case.pseudonym, f"event:{e.seq}")
                e.note_kid, e.note_ct = ring.seal(ring.open(e.note_kid, e.note_ct, aad_e), aad_e)
                n += 1
    s.flush()
    return n
