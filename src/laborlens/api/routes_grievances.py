"""Staff API for grievances under ``/api/grievances``: parse, call one use case, format.

Reads of a grievance return the worker's words, contact and names only to assigned staff and admins (and
the library audits each such read); everyone else gets the categories. Nothing identifying is ever in a
URL: grievances are addressed by their random id (GRV-XXXXXX).
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request
from pydantic import BaseModel, Field
from starlette.responses import Response

from laborlens.api import auth
from laborlens.api.auth import Principal
from laborlens.grievances import escalate, parties, triage, views
from laborlens.service.context import Context

router = APIRouter(prefix="/api/grievances", tags=["grievances"])
Viewer = Annotated[Principal, Depends(auth.viewer)]
Analyst = Annotated[Principal, Depends(auth.analyst)]
Admin = Annotated[Principal, Depends(auth.admin)]
Ref = Annotated[str, Path(pattern=r"^GRV-[0-9A-Fa-f]{6}$")]
# the least role of each route (checked by tests/test_authz_matrix.py); sealed text needs assignment too
_P = "/api/grievances"
ROUTE_ROLES: dict[tuple[str, str], str] = {
    ("GET", _P): "viewer", ("GET", f"{_P}/board"): "viewer", ("GET", f"{_P}/{{ref}}"): "viewer",
    ("GET", f"{_P}/export"): "analyst", ("GET", f"{_P}/parties"): "analyst",
    ("POST", f"{_P}/{{ref}}/assign"): "admin", ("POST", f"{_P}/{{ref}}/unassign"): "admin",
    **{("POST", f"{_P}/{{ref}}/{a}"): "analyst" for a in (
        "triage", "status", "reply", "note", "plan", "plan/done", "excerpt", "party", "escalate/rrm",
        "escalate/defender")},
}


def context(request: Request, who: Principal) -> Context:
    """The use-case context for one request (the keyring is loaded by the library when it is needed)."""
    return Context(request.app.state.settings, request.app.state.store, who)


class AssignIn(BaseModel):
    username: str = Field(max_length=100)


class TriageIn(BaseModel):
    issues: list[str] = Field(default_factory=list, max_length=20)
    severity: str = Field(max_length=20)
    credible: bool | None = None
    version: int | None = None


class StatusIn(BaseModel):
    status: str = Field(max_length=20)
    reason: str = Field("", max_length=40)
    version: int | None = None


class TextIn(BaseModel):
    text: str = Field(max_length=5000)
    version: int | None = None


class StepIn(BaseModel):
    action: str = Field(max_length=500)
    due: date
    owner: str = Field("", max_length=100)


class PlanIn(BaseModel):
    items: list[StepIn] = Field(max_length=50)
    version: int | None = None


class StepDoneIn(BaseModel):
    item: int
    on: date | None = None


class ExcerptIn(BaseModel):
    excerpt: str = Field("", max_length=500)


class PartyIn(BaseModel):
    party_id: str = Field("", max_length=200)
    name: str = Field("", max_length=400)
    country: str = Field("", max_length=2)
    address: str = Field("", max_length=1000)


class RrmIn(BaseModel):
    sector: str = Field(max_length=200)
    filed_on: date | None = None
    state: str = Field("", max_length=100)
    municipality: str = Field("", max_length=200)


class DefenderIn(BaseModel):
    person: str = Field(max_length=500)
    country: str = Field("", max_length=100)
    threats: list[str] = Field(max_length=10)
    risk: str = Field(max_length=20)
    role: str = Field("worker", max_length=30)


def _ok(**extra: Any) -> dict:
    return {"ok": True, **extra}


@router.get("")
def list_grievances(
    request: Request, who: Viewer, status: Annotated[str, Query(max_length=20)] = "", mine: bool = False
) -> list[dict]:
    """Every grievance: categories, party, assignees and deadlines (no words, contact or names)."""
    return [views.as_dict(x) for x in views.list_grievances(context(request, who), status=status, mine=mine)]


@router.get("/board")
def board(request: Request, who: Viewer, include_closed: bool = False) -> list[dict]:
    """Open grievances, the most urgent deadline first."""
    return [views.as_dict(x) for x in views.board(context(request, who), include_closed)]


@router.get("/export")
def export(
    request: Request, who: Analyst, format: Annotated[str, Query(pattern="^(json|csv)$")] = "json"
) -> Response:
    """Redacted export: categories, party and staff's shareable excerpts only."""
    body = views.export_redacted(context(request, who), format)
    media = "application/json" if format == "json" else "text/csv"
    return Response(
        body,
        media_type=media,
        headers={"Content-Disposition": f'attachment; filename="grievances-redacted.{format}"'},
    )


@router.get("/parties")
def search_parties(
    request: Request,
    who: Analyst,
    q: Annotated[str, Query(max_length=300)],
    country: Annotated[str, Query(max_length=2)] = "",
) -> list[dict]:
    """Store parties whose name matches ``q`` (through the matcher), best first."""
    return [asdict(c) for c in parties.search_parties(context(request, who), q, country)]


@router.get("/{ref}")
def get_grievance(request: Request, who: Viewer, ref: Ref) -> dict:
    """One grievance; ``events[].text``, ``contact`` and ``names`` are null unless you may see them."""
    v = views.get_grievance(context(request, who), ref)
    return {
        "summary": views.as_dict(v.summary),
        "may_see": v.may_see,
        "contact": v.contact,
        "names": v.names,
        "events": [asdict(e) for e in v.events],
    }


@router.post("/{ref}/assign")
def assign(request: Request, who: Admin, ref: Ref, body: AssignIn) -> dict:
    triage.assign(context(request, who), ref, body.username)
    return _ok()


@router.post("/{ref}/unassign")
def unassign(request: Request, who: Admin, ref: Ref, body: AssignIn) -> dict:
    triage.unassign(context(request, who), ref, body.username)
    return _ok()


@router.post("/{ref}/triage")
def triage_grievance(request: Request, who: Analyst, ref: Ref, body: TriageIn) -> dict:
    triage.triage(
        context(request, who),
        ref,
        issues=body.issues,
        severity=body.severity,
        credible=body.credible,
        version=body.version,
    )
    return _ok()


@router.post("/{ref}/status")
def set_status(request: Request, who: Analyst, ref: Ref, body: StatusIn) -> dict:
    return _ok(
        status=triage.set_status(
            context(request, who), ref, body.status, reason=body.reason, version=body.version
        )
    )


@router.post("/{ref}/reply")
def reply(request: Request, who: Analyst, ref: Ref, body: TextIn) -> dict:
    """A reply the worker reads with their receipt code."""
    triage.reply(context(request, who), ref, body.text, body.version)
    return _ok()


@router.post("/{ref}/note")
def note(request: Request, who: Analyst, ref: Ref, body: TextIn) -> dict:
    triage.note(context(request, who), ref, body.text)
    return _ok()


@router.post("/{ref}/plan")
def plan(request: Request, who: Analyst, ref: Ref, body: PlanIn) -> dict:
    n = triage.plan(
        context(request, who), ref, [(i.action, i.due, i.owner) for i in body.items], body.version
    )
    return _ok(steps=n)


@router.post("/{ref}/plan/done")
def step_done(request: Request, who: Analyst, ref: Ref, body: StepDoneIn) -> dict:
    triage.step_done(context(request, who), ref, body.item, body.on)
    return _ok()


@router.post("/{ref}/excerpt")
def excerpt(request: Request, who: Analyst, ref: Ref, body: ExcerptIn) -> dict:
    """Staff's redacted excerpt that screening may show (empty withdraws it)."""
    triage.share_excerpt(context(request, who), ref, body.excerpt)
    return _ok()


@router.post("/{ref}/party")
def party(request: Request, who: Analyst, ref: Ref, body: PartyIn) -> dict:
    """Link an existing party (``party_id``) or create one (``name`` and ``country``)."""
    ctx = context(request, who)
    if body.name:
        p = triage.create_party(
            ctx, ref, name=body.name, country=body.country, address=body.address, party_id=body.party_id
        )
    else:
        p = triage.link_party(ctx, ref, body.party_id)
    return _ok(party_id=p.id)


@router.post("/{ref}/escalate/rrm")
def escalate_rrm(request: Request, who: Analyst, ref: Ref, body: RrmIn) -> dict:
    """Open an anonymous RRM petition about the linked Mexican facility."""
    return _ok(
        case=escalate.to_rrm(
            context(request, who),
            ref,
            sector=body.sector,
            filed_on=body.filed_on,
            state=body.state,
            municipality=body.municipality,
        )
    )


@router.post("/{ref}/escalate/defender")
def escalate_defender(request: Request, who: Analyst, ref: Ref, body: DefenderIn) -> dict:
    """Open a defender case for a threatened person named in the grievance; returns its pseudonym."""
    return _ok(
        case=escalate.to_defender(
            context(request, who),
            ref,
            person=body.person,
            country=body.country,
            threats=body.threats,
            risk=body.risk,
            role=body.role,
        )
    )
