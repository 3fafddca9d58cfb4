"""RRM case work over HTTP under ``/api/cases/rrm``: parse, call one use case, shape JSON.

Each route's least role is its ``ViewerCtx`` / ``AnalystCtx`` / ``AdminCtx`` dependency (declared once).
Errors come from the app-wide table (:mod:`laborlens.api.errors`): a stale ``version`` is 409.
"""

from __future__ import annotations

import secrets
import shutil
from dataclasses import asdict
from datetime import date

from fastapi import APIRouter, Request

from laborlens.api.case_models import ClockIn, PetitionIn, RrmEventIn, case_json, deadline_json
from laborlens.api.deps import AdminCtx, AnalystCtx, ViewerCtx
from laborlens.api.uploads import receive_files
from laborlens.errors import InputError
from laborlens.fsutil import private_dir
from laborlens.service import Context
from laborlens.service import rrm as rrm_service

router = APIRouter(prefix="/api/cases/rrm", tags=["case work: RRM"])
EVIDENCE_BODY = {"requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
    "type": "object", "required": ["file", "version"],
    "properties": {"file": {"type": "string", "format": "binary"}, "version": {"type": "integer"}}}}}}}


@router.get("")
def rrm_list(ctx: ViewerCtx, include_closed: bool = False, as_of: date | None = None, soon_days: int = 7,
             q: str = "") -> list[dict]:
    """Board of RRM cases, most urgent first (open cases unless ``include_closed``)."""
    views = rrm_service.board(ctx, include_closed=include_closed, as_of=as_of, soon_days=soon_days, q=q)
    return [case_json(v, full=False) for v in views]


@router.get("/alerts")
def rrm_alerts(ctx: ViewerCtx, as_of: date | None = None, soon_days: int = 7) -> list[dict]:
    """Overdue and due-soon clocks across open cases."""
    return [{"case": a.case_id, "facility": a.facility, **deadline_json(a.deadline)}
            for a in rrm_service.alerts(ctx, as_of=as_of, soon_days=soon_days)]


@router.get("/clocks")
def rrm_clock_list(ctx: ViewerCtx) -> list[dict]:
    """Every clock with its rule, verification status and source."""
    return [{**asdict(row.clock), "overridden": row.overridden, "default_days": row.default.days,
             "set_by": row.set_by} for row in rrm_service.clock_table(ctx)]


@router.put("/clocks/{key}")
def rrm_clock_set(key: str, body: ClockIn, ctx: AdminCtx) -> dict:
    """Override an unverified clock (admin)."""
    row = rrm_service.set_clock(ctx, key, body.days, body.business, body.holiday_calendar)
    return {**asdict(row.clock), "overridden": row.overridden}


@router.post("", status_code=201)
def rrm_file(body: PetitionIn, ctx: AnalystCtx) -> dict:
    """File a petition; its clocks start at once."""
    return case_json(rrm_service.file_petition(ctx, **body.model_dump()))


@router.post("/load-real")
def rrm_load_real(ctx: AdminCtx) -> dict:
    """Load the 26 real cases shipped with laborlens (admin; idempotent)."""
    res = rrm_service.load_real_cases(ctx)
    return {"added": res.added, "skipped": res.skipped}


@router.get("/{case_id}")
def rrm_get(case_id: str, ctx: ViewerCtx, as_of: date | None = None) -> dict:
    """One case: facts, events, every clock and its status."""
    return case_json(rrm_service.case(ctx, case_id, as_of))


@router.post("/{case_id}/events", status_code=201)
def rrm_event(case_id: str, body: RrmEventIn, ctx: AnalystCtx) -> dict:
    """Append a lifecycle event; send the ``version`` you read (409 if someone wrote since). Remediation
    plans carry ``milestones`` as ``YYYY-MM-DD label`` strings."""
    _, view = rrm_service.record_event(
        ctx, case_id, body.kind, version=body.version, on=body.on, precision=body.precision,
        result=body.result, note=body.note, milestones=body.milestones, milestone=body.milestone)
    return case_json(view)


async def receive_evidence(request: Request, ctx: Context, case_id: str, version: str | None = None):
    """Stream one evidence upload (25 MB limit, CSRF checked for browser sessions) and hand it to the
    library, which hashes it and keeps the copy. Shared by this route and the case page's form."""
    ctx.require("analyst")
    tmp = private_dir(ctx.settings.ensure_home() / "evidence" / ".incoming" / secrets.token_hex(8))
    try:
        got = await receive_files(request, tmp, {"file": ()})
        if "file" not in got.files:
            raise InputError("choose the evidence file", column="file")
        v = (got.fields.get("version") if version is None else version) or ""
        if not v.strip().isdigit():
            raise InputError("send the version you read", column="version")
        return rrm_service.add_evidence(ctx, case_id, got.files["file"], name=got.filenames["file"],
                                        version=int(v), move=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


@router.post("/{case_id}/evidence", status_code=201, openapi_extra=EVIDENCE_BODY)
async def rrm_evidence(case_id: str, request: Request, ctx: AnalystCtx) -> dict:
    """Upload an evidence file (multipart ``file`` and ``version``, up to 25 MB); laborlens keeps a copy
    under its data folder and records it by path and SHA-256."""
    _, view = await receive_evidence(request, ctx, case_id)
    return case_json(view)
