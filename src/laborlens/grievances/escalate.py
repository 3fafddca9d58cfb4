"""Escalation through the case-work library: an RRM petition for a covered Mexican facility, a defender
case for a threatened person named in a grievance. Both run in the grievance's unit of work, so the new case
and the grievance's ``escalation`` event commit together or not at all.

Nothing the worker wrote is copied: the RRM allegations are the triaged issue types, the petition is
anonymous, and the defender's identity is what staff type in (sealed by the defender registry).
"""

from __future__ import annotations

from datetime import date

from laborlens import audit
from laborlens.cases import defenders
from laborlens.cases.rrm import lifecycle as rrm
from laborlens.errors import InputError
from laborlens.grievances.record import append, derive, events, ring
from laborlens.grievances.triage import _handling
from laborlens.grievances.vocab import ISSUES
from laborlens.service.context import Context


def to_rrm(
    ctx: Context,
    ref: str,
    *,
    sector: str,
    filed_on: str | date | None = None,
    state: str = "",
    municipality: str = "",
) -> str:
    """Open an anonymous RRM petition about the linked facility (must be in Mexico); returns its case id."""
    with ctx.unit_of_work() as s:
        g = _handling(ctx, s, ref)
        if not g.party_id:
            raise InputError("link the grievance to the facility first", column="party_id")
        if g.party_country.upper() not in ("MX", "MEX", "MEXICO"):
            raise InputError(
                "the RRM covers facilities in Mexico; this grievance's party is elsewhere", column="party_id"
            )
        st = derive(events(s, g))
        issues = "; ".join(ISSUES[i] for i in st.issues) or "not yet triaged"
        p = rrm.file_petition(
            s,
            ctx.principal,
            facility=g.party_name,
            sector=sector,
            filed_on=filed_on or ctx.clock.today(),
            state=state,
            municipality=municipality,
            anonymous=True,
            allegations=f"Draft from worker grievance {g.ref}. Issues: {issues}.",
        )
        append(s, ctx, g, "escalation", {"kind": "rrm", "case": p.id})
        audit.record(s, ctx.principal.username, "grievance.escalate", g.ref, {"kind": "rrm", "case": p.id})
        return p.id


def to_defender(
    ctx: Context, ref: str, *, person: str, country: str, threats: list[str], risk: str, role: str = "worker"
) -> str:
    """Open a defender case for a person the grievance says is threatened; returns its pseudonym."""
    with ctx.unit_of_work() as s:
        g = _handling(ctx, s, ref)
        ident = defenders.Identity(name=person, narrative=f"Named in worker grievance {g.ref}.")
        pseudonym = defenders.open_case(
            s,
            ring(ctx),
            ctx.principal,
            ident,
            country=country or g.party_country,
            threats=threats,
            risk=risk,
            role=role,
            on=ctx.clock.today(),
        )
        append(s, ctx, g, "escalation", {"kind": "defender", "case": pseudonym})
        audit.record(
            s, ctx.principal.username, "grievance.escalate", g.ref, {"kind": "defender", "case": pseudonym}
        )
        return pseudonym
