"""Staff actions on a grievance. Each is one use case: validate, authorise, write events, audit, one unit.

Who may do what (need-to-know by assignment, as for defender cases):
- any signed-in staff (viewer+): the list and board, which carry categories and deadlines only;
- analysts assigned to the grievance, and admins: read the worker's words, contact and names (audited),
  triage, link a party, move the status, reply, plan remediation, mark a shareable excerpt, escalate;
- admins: assign and unassign staff.
Audit entries carry the grievance id and categories, never text.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from laborlens import audit
from laborlens.accounts import Forbidden, Principal
from laborlens.cases.common import choice, parse_day
from laborlens.errors import InputError, NotFound
from laborlens.grievances.models import Grievance, GrievanceAssignment
from laborlens.grievances.record import append, assigned, by_ref, derive, events
from laborlens.grievances.vocab import CLOSE_REASONS, FORCED_LABOUR, ISSUES, SEVERITIES, TRANSITIONS
from laborlens.service.context import Context
from laborlens.store.models import Party, User

MAX_STAFF_TEXT = 5000


def staff(ctx: Context, role: str) -> Principal:
    if ctx.principal.via == "public":
        raise Forbidden("staff only")
    return ctx.require(role)


def may_see(s: Session, who: Principal, g: Grievance) -> bool:
    return who.via != "public" and (who.role == "admin" or who.username in assigned(s, g))


def _handling(ctx: Context, s: Session, ref: str) -> Grievance:
    """The grievance, if the principal is an analyst assigned to it or an admin."""
    who = staff(ctx, "analyst")
    g = by_ref(s, ref)
    if not may_see(s, who, g):
        raise Forbidden(f"only staff assigned to {g.ref} (or an admin) may work on it")
    return g


def _text(text: str, column: str) -> str:
    t = (text or "").strip()
    if not t:
        raise InputError("write something", column=column)
    if len(t) > MAX_STAFF_TEXT:
        raise InputError(f"too long (at most {MAX_STAFF_TEXT} characters)", column=column)
    return t


def assign(ctx: Context, ref: str, username: str) -> None:
    """Give a staff member need-to-know access (admin only)."""
    who = staff(ctx, "admin")
    with ctx.unit_of_work() as s:
        g = by_ref(s, ref)
        u = s.execute(select(User).where(User.username == username)).scalar()
        if u is None:
            raise NotFound(f"no user {username!r}")
        if u.role == "viewer":
            raise InputError(
                "viewers cannot handle grievances; give the user the analyst role first", column="username"
            )
        if username not in assigned(s, g):
            s.add(
                GrievanceAssignment(
                    grievance_id=g.id,
                    username=username,
                    assigned_by=who.username,
                    assigned_at=ctx.clock.now(),
                )
            )
            s.flush()
            append(s, ctx, g, "assign", {"user": username})
        audit.record(s, who.username, "grievance.assign", g.ref, {"user": username})


def unassign(ctx: Context, ref: str, username: str) -> None:
    who = staff(ctx, "admin")
    with ctx.unit_of_work() as s:
        g = by_ref(s, ref)
        rows = list(
            s.execute(
                select(GrievanceAssignment).where(
                    GrievanceAssignment.grievance_id == g.id,
                    GrievanceAssignment.username == username,
                    GrievanceAssignment.revoked_at.is_(None),
                )
            ).scalars()
        )
        if not rows:
            raise NotFound(f"{username!r} is not assigned to {g.ref}")
        for r in rows:
            r.revoked_at = ctx.clock.now()
        append(s, ctx, g, "unassign", {"user": username})
        audit.record(s, who.username, "grievance.unassign", g.ref, {"user": username})


def triage(
    ctx: Context,
    ref: str,
    *,
    issues: list[str],
    severity: str,
    credible: bool | None,
    version: int | None = None,
) -> None:
    """Record the issue types, severity and whether the report is credible (replaces the last triage)."""
    cleaned = sorted({choice(i, tuple(ISSUES), "issues") for i in issues if i.strip()})
    sev = choice(severity, SEVERITIES, "severity")
    with ctx.unit_of_work() as s:
        g = _handling(ctx, s, ref)
        append(
            s, ctx, g, "triage", {"issues": cleaned, "severity": sev, "credible": credible}, expected=version
        )
        audit.record(
            s,
            ctx.principal.username,
            "grievance.triage",
            g.ref,
            {"issues": cleaned, "severity": sev, "credible": credible},
        )


def set_status(ctx: Context, ref: str, status: str, *, reason: str = "", version: int | None = None) -> str:
    """Move along received → acknowledged → investigating → remediation → closed (see vocab.TRANSITIONS)."""
    with ctx.unit_of_work() as s:
        g = _handling(ctx, s, ref)
        st = derive(events(s, g))
        target = (status or "").strip().lower()
        if target not in TRANSITIONS.get(st.status, ()):
            allowed = ", ".join(TRANSITIONS[st.status])
            raise InputError(f"{g.ref} is {st.status}; it can move to {allowed}", column="status")
        data = {"status": target}
        if target == "closed":
            data["reason"] = choice(reason or "other", CLOSE_REASONS, "reason")
        append(s, ctx, g, "status", data, expected=version)
        audit.record(s, ctx.principal.username, "grievance.status", g.ref, data)
        return target


def reply(ctx: Context, ref: str, text: str, version: int | None = None) -> None:
    """A message the worker reads with their receipt code (sealed like their own words)."""
    body = _text(text, "text")
    with ctx.unit_of_work() as s:
        g = _handling(ctx, s, ref)
        append(s, ctx, g, "reply", {}, body, expected=version)
        audit.record(s, ctx.principal.username, "grievance.reply", g.ref)


def note(ctx: Context, ref: str, text: str) -> None:
    """An internal note (sealed; never shown to the worker)."""
    body = _text(text, "text")
    with ctx.unit_of_work() as s:
        g = _handling(ctx, s, ref)
        append(s, ctx, g, "note", {}, body)
        audit.record(s, ctx.principal.username, "grievance.note", g.ref)


def plan(ctx: Context, ref: str, items: list[tuple[str, str | date, str]], version: int | None = None) -> int:
    """Add remediation steps ``(action, due YYYY-MM-DD, owner)``; returns how many steps the plan has."""
    if not items:
        raise InputError("give at least one step with a due date", column="items")
    rows = []
    for k, (action, due, owner) in enumerate(items, 1):
        a = (action or "").strip()
        if not a or len(a) > 500:
            raise InputError(f"step {k}: describe the action (at most 500 characters)", column="action")
        d = parse_day(due, "due")
        if d is None:
            raise InputError(f"step {k}: give a due date (YYYY-MM-DD)", column="due")
        rows.append({"action": a, "due": d.isoformat(), "owner": (owner or "").strip()[:100]})
    with ctx.unit_of_work() as s:
        g = _handling(ctx, s, ref)
        append(s, ctx, g, "plan", {"items": rows}, expected=version)
        audit.record(s, ctx.principal.username, "grievance.plan", g.ref, {"steps": len(rows)})
        return len(derive(events(s, g)).plan)


def step_done(ctx: Context, ref: str, item: int, on: str | date | None = None) -> None:
    with ctx.unit_of_work() as s:
        g = _handling(ctx, s, ref)
        st = derive(events(s, g))
        step = next((p for p in st.plan if p.n == item), None)
        if step is None:
            raise InputError(f"the plan has no step {item}", column="item")
        if step.done_on is not None:
            raise InputError(f"step {item} is already done", column="item")
        day = parse_day(on, "on") or ctx.clock.today()
        append(s, ctx, g, "plan_done", {"item": item, "on": day.isoformat()})
        audit.record(s, ctx.principal.username, "grievance.plan.done", g.ref, {"item": item})


def share_excerpt(ctx: Context, ref: str, excerpt: str) -> None:
    """Staff's own redacted excerpt that screening may show (empty text withdraws it). Stored in clear,
    on purpose: it is what may leave; the worker's words stay sealed."""
    t = (excerpt or "").strip()
    if len(t) > 500:
        raise InputError("an excerpt is at most 500 characters", column="excerpt")
    with ctx.unit_of_work() as s:
        g = _handling(ctx, s, ref)
        append(s, ctx, g, "excerpt", {"text": t})
        audit.record(s, ctx.principal.username, "grievance.excerpt", g.ref, {"shared": bool(t)})


def link_party(ctx: Context, ref: str, party_id: str) -> Party:
    """Link the grievance to a supplier or facility party already in the store."""
    with ctx.unit_of_work() as s:
        g = _handling(ctx, s, ref)
        p = s.get(Party, (party_id or "").strip())
        if p is None:
            raise NotFound("no party with that id in the store")
        g.party_id, g.party_name, g.party_country = p.id, p.name, p.country
        append(s, ctx, g, "party", {"party_id": p.id, "name": p.name, "country": p.country})
        audit.record(s, ctx.principal.username, "grievance.party", g.ref, {"party_id": p.id})
        return p


def create_party(
    ctx: Context, ref: str, *, name: str, country: str, address: str = "", party_id: str = ""
) -> Party:
    """A party the store does not know yet (a facility named by a worker), created and linked at once."""
    n = (name or "").strip()
    if not n:
        raise InputError("give the party's name", column="name")
    c = (country or "").strip().upper()
    if len(c) != 2 or not c.isalpha():
        raise InputError("give the country as a two-letter ISO code", column="country")
    with ctx.unit_of_work() as s:
        g = _handling(ctx, s, ref)
        pid = (party_id or "").strip() or f"GRV-PARTY-{g.ref[4:]}"
        if ">" in pid or len(pid) > 200:
            raise InputError(
                "a party id cannot contain '>' and has at most 200 characters", column="party_id"
            )
        if s.get(Party, pid) is not None:
            raise InputError(f"party {pid} already exists; link it instead", column="party_id")
        p = Party(id=pid, name=n, country=c, address=(address or "").strip())
        s.add(p)
        s.flush()
        g.party_id, g.party_name, g.party_country = p.id, p.name, p.country
        append(s, ctx, g, "party", {"party_id": p.id, "name": p.name, "country": p.country, "created": True})
        audit.record(s, ctx.principal.username, "party.create", p.id, {"grievance": g.ref})
        audit.record(s, ctx.principal.username, "grievance.party", g.ref, {"party_id": p.id})
        return p


def forced_labour_indicators(issues: list[str]) -> list[str]:
    return [i for i in issues if i in FORCED_LABOUR]
