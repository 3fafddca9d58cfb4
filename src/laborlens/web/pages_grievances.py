"""Staff pages for grievances: the board (deadlines first) and one grievance with its triage forms.

Handlers parse the form, call one use case and redirect back with a flash message. The worker's words are
shown only to assigned staff and admins (the library decides and audits); URLs carry the random id only.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Path, Query, Request
from starlette.responses import Response

from laborlens.accounts import ROLES
from laborlens.api import auth
from laborlens.api.auth import Principal
from laborlens.api.routes_grievances import context
from laborlens.cases.defenders import RISKS, THREATS
from laborlens.grievances import escalate, parties, triage, views
from laborlens.grievances.i18n import LANGUAGES
from laborlens.grievances.vocab import CLOSE_REASONS, FORCED_LABOUR, OTHER_ISSUES, SEVERITIES, TRANSITIONS
from laborlens.web.render import flash, redirect, render

router = APIRouter()
Viewer = Annotated[Principal, Depends(auth.viewer)]
Analyst = Annotated[Principal, Depends(auth.analyst)]
Admin = Annotated[Principal, Depends(auth.admin)]
Ref = Annotated[str, Path(pattern=r"^GRV-[0-9A-Fa-f]{6}$")]
Short = Annotated[str, Form(max_length=200)]
Long = Annotated[str, Form(max_length=5000)]
ROUTE_ROLES: dict[tuple[str, str], str] = {
    ("GET", "/grievances"): "viewer", ("GET", "/grievances/{ref}"): "viewer",
    ("POST", "/grievances/{ref}/assign"): "admin",
    **{("POST", f"/grievances/{{ref}}/{a}"): "analyst" for a in (
        "triage", "status", "reply", "plan", "plan/done", "excerpt", "party", "escalate/rrm",
        "escalate/defender")},
}


def _back(ref: str) -> Response:
    return redirect(f"/grievances/{ref.upper()}")


@router.get("/grievances")
def board_page(request: Request, who: Viewer, closed: bool = False) -> Response:
    rows = views.board(context(request, who), include_closed=closed)
    return render(
        request,
        "grievances/board.html",
        active="grievances",
        rows=rows,
        closed=closed,
        issues={**FORCED_LABOUR, **OTHER_ISSUES},
        languages=LANGUAGES,
        ack_days=request.app.state.settings.grievance_ack_days,
    )


@router.get("/grievances/{ref}")
def grievance_page(
    request: Request, who: Viewer, ref: Ref, q: Annotated[str, Query(max_length=300)] = ""
) -> Response:
    ctx = context(request, who)
    view = views.get_grievance(ctx, ref)
    found = parties.search_parties(ctx, q, view.summary.party_country[:2]) if q and who.can("analyst") else []
    return render(
        request,
        "grievances/detail.html",
        active="grievances",
        v=view,
        s=view.summary,
        q=q,
        found=found,
        forced=FORCED_LABOUR,
        other=OTHER_ISSUES,
        severities=SEVERITIES,
        next_statuses=TRANSITIONS[view.summary.status],
        reasons=CLOSE_REASONS,
        threats=THREATS,
        risks=RISKS,
        languages=LANGUAGES,
        roles=ROLES,
        may_handle=view.may_see and who.can("analyst"),
        is_admin=who.can("admin"),
    )


@router.post("/grievances/{ref}/assign")
def assign(request: Request, who: Admin, ref: Ref, username: Short, action: Short = "assign") -> Response:
    ctx = context(request, who)
    if action == "unassign":
        triage.unassign(ctx, ref, username)
        flash(request, f"{username} no longer handles {ref.upper()}.")
    else:
        triage.assign(ctx, ref, username)
        flash(request, f"{username} now handles {ref.upper()}.")
    return _back(ref)


@router.post("/grievances/{ref}/triage")
async def triage_form(request: Request, who: Analyst, ref: Ref) -> Response:
    form = await request.form()
    issues = [str(x) for x in form.getlist("issues")][:20]
    credible = {"yes": True, "no": False}.get(str(form.get("credible", "")))
    version = str(form.get("version", "")).strip()
    triage.triage(
        context(request, who),
        ref,
        issues=issues,
        severity=str(form.get("severity", ""))[:20],
        credible=credible,
        version=int(version) if version.isdigit() else None,
    )
    flash(request, "Triage recorded.")
    return _back(ref)


@router.post("/grievances/{ref}/status")
def status_form(
    request: Request,
    who: Analyst,
    ref: Ref,
    status: Short,
    reason: Short = "",
    version: Annotated[int | None, Form()] = None,
) -> Response:
    new = triage.set_status(context(request, who), ref, status, reason=reason, version=version)
    flash(request, f"{ref.upper()} is now {new}.")
    return _back(ref)


@router.post("/grievances/{ref}/reply")
def reply_form(request: Request, who: Analyst, ref: Ref, text: Long, kind: Short = "reply") -> Response:
    ctx = context(request, who)
    if kind == "note":
        triage.note(ctx, ref, text)
        flash(request, "Internal note added.")
    else:
        triage.reply(ctx, ref, text)
        flash(request, "Reply sent: the worker reads it with their receipt code.")
    return _back(ref)


@router.post("/grievances/{ref}/plan")
def plan_form(
    request: Request,
    who: Analyst,
    ref: Ref,
    action: Annotated[str, Form(max_length=500)],
    due: Short,
    owner: Short = "",
) -> Response:
    n = triage.plan(context(request, who), ref, [(action, due, owner)])
    flash(request, f"Remediation plan has {n} step{'s' if n != 1 else ''}.")
    return _back(ref)


@router.post("/grievances/{ref}/plan/done")
def step_done_form(
    request: Request, who: Analyst, ref: Ref, item: Annotated[int, Form(ge=1, le=1000)]
) -> Response:
    triage.step_done(context(request, who), ref, item)
    flash(request, f"Step {item} done.")
    return _back(ref)


@router.post("/grievances/{ref}/excerpt")
def excerpt_form(
    request: Request, who: Analyst, ref: Ref, excerpt: Annotated[str, Form(max_length=500)] = ""
) -> Response:
    triage.share_excerpt(context(request, who), ref, excerpt)
    flash(request, "Shareable excerpt saved." if excerpt.strip() else "Shareable excerpt withdrawn.")
    return _back(ref)


@router.post("/grievances/{ref}/party")
def party_form(
    request: Request,
    who: Analyst,
    ref: Ref,
    party_id: Short = "",
    name: Short = "",
    country: Short = "",
    address: Short = "",
) -> Response:
    ctx = context(request, who)
    if name.strip():
        p = triage.create_party(ctx, ref, name=name, country=country, address=address, party_id=party_id)
        flash(request, f"Created party {p.id} and linked it.")
    else:
        p = triage.link_party(ctx, ref, party_id)
        flash(request, f"Linked to {p.id} {p.name}.")
    return _back(ref)


@router.post("/grievances/{ref}/escalate/rrm")
def rrm_form(request: Request, who: Analyst, ref: Ref, sector: Short, state: Short = "") -> Response:
    case = escalate.to_rrm(context(request, who), ref, sector=sector, state=state)
    flash(request, f"Opened RRM case {case} (anonymous petitioner).")
    return _back(ref)


@router.post("/grievances/{ref}/escalate/defender")
async def defender_form(request: Request, who: Analyst, ref: Ref) -> Response:
    form = await request.form()
    pseudonym = escalate.to_defender(
        context(request, who),
        ref,
        person=str(form.get("person", ""))[:500],
        country=str(form.get("country", ""))[:100],
        threats=[str(x) for x in form.getlist("threats")][:10],
        risk=str(form.get("risk", ""))[:20],
    )
    flash(request, f"Opened defender case {pseudonym}.")
    return _back(ref)
