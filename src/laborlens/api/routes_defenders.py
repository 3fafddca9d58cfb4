"""Defender case work over HTTP under ``/api/cases/defenders``: parse, call one use case, shape JSON.

Cases are addressed by pseudonym only. Writes also need the caller assigned to the case (or an admin),
and identities are in an answer only on that condition (each such read audited), both by the library.
Bodies default every field, so a validation error never has a whole body (with a name in it) to echo.
"""

from __future__ import annotations

from dataclasses import asdict

from fastapi import APIRouter
from fastapi.responses import PlainTextResponse

from laborlens.api.case_models import AssignIn, DefenderEventIn, DefenderIn, SearchIn
from laborlens.api.deps import AdminCtx, AnalystCtx, ViewerCtx
from laborlens.cases import defenders as dfn
from laborlens.errors import InputError
from laborlens.service import defenders as dfn_service

router = APIRouter(prefix="/api/cases/defenders", tags=["case work: defenders"])


def defender_json(v: dfn.DefenderView) -> dict:
    return {
        **asdict(v.summary),
        "identity": asdict(v.identity) if v.identity else None,
        "may_see_identity": v.may_see_identity,
        "assigned": v.assigned,
        "events": [asdict(e) for e in v.events],
    }


@router.get("")
def defenders_list(ctx: ViewerCtx) -> list[dict]:
    """Pseudonymous list of every case (search with ``POST /api/cases/defenders/search``)."""
    return [asdict(c) for c in dfn_service.list_cases(ctx)]


@router.post("/search")
def defenders_search(body: SearchIn, ctx: ViewerCtx) -> list[dict]:
    """Cases whose pseudonym or country matches ``q`` (identities are sealed and never searched). A POST, so
    whatever is typed (someone may type a name) stays out of URLs and server logs."""
    return [asdict(c) for c in dfn_service.list_cases(ctx, body.q)]


@router.post("", status_code=201)
def defenders_open(body: DefenderIn, ctx: AnalystCtx) -> dict:
    """Open a case (analyst+); the caller is assigned to it. Returns the pseudonym only."""
    ident = dfn.Identity(body.name, body.organisation, body.contact, body.narrative, body.sex, body.age_group)
    pid = dfn_service.open_case(ctx, ident, country=body.country, threats=body.threats, risk=body.risk,
                                consent_to_publicity=body.consent_to_publicity, role=body.role,
                                sector=body.sector)
    return {"pseudonym": pid, "version": 1}


@router.get("/export", response_class=PlainTextResponse)
def defenders_export(ctx: AnalystCtx, format: str = "json") -> PlainTextResponse:
    """Redacted export for a partner government (identities only with consent to publicity)."""
    text = dfn_service.export_redacted(ctx, format)
    return PlainTextResponse(text, media_type="application/json" if format == "json" else "text/csv")


@router.get("/{pseudonym}")
def defenders_get(pseudonym: str, ctx: ViewerCtx) -> dict:
    """The pseudonymous case (``identity`` is null; ``may_see_identity`` says whether you may reveal it)."""
    return defender_json(dfn_service.get_case(ctx, pseudonym))


@router.post("/{pseudonym}/reveal")
def defenders_reveal(pseudonym: str, ctx: ViewerCtx) -> dict:
    """The case with its identity and notes decrypted: assigned staff and admins only (403 otherwise); each
    reveal is audited. Nothing is decrypted unless asked for here."""
    return defender_json(dfn_service.get_case(ctx, pseudonym, reveal=True))


@router.post("/{pseudonym}/events", status_code=201)
def defenders_event(pseudonym: str, body: DefenderEventIn, ctx: AnalystCtx) -> dict:
    """Record a threat, action, risk, consent or status change (assigned staff or admins)."""
    if body.version is None:
        raise InputError("send the version you read", column="version")
    v = dfn_service.record_event(
        ctx, pseudonym, body.kind, version=body.version, on=body.on, threat=body.threat,
        perpetrator=body.perpetrator, action=body.action, support=body.support, risk=body.risk,
        consent=body.consent, status=body.status, note=body.note)
    return {"pseudonym": pseudonym.upper(), "version": v}


@router.post("/{pseudonym}/assignments", status_code=201)
def defenders_assign(pseudonym: str, body: AssignIn, ctx: AdminCtx) -> dict:
    """Assign a staff member to the case (admin)."""
    dfn_service.assign(ctx, pseudonym, body.username)
    return {"pseudonym": pseudonym.upper(), "assigned": body.username}


@router.delete("/{pseudonym}/assignments/{username}")
def defenders_unassign(pseudonym: str, username: str, ctx: AdminCtx) -> dict:
    """End a staff member's assignment (admin)."""
    dfn_service.unassign(ctx, pseudonym, username)
    return {"pseudonym": pseudonym.upper(), "unassigned": username}
