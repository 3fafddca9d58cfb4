"""Pages: the RRM board and one case, with the petition, event and evidence forms (:mod:`.case_forms`)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from starlette.responses import HTMLResponse, Response

from laborlens.api.deps import AnalystCtx, ViewerCtx
from laborlens.api.routes_rrm import receive_evidence
from laborlens.cases.common import Conflict
from laborlens.cases.deadlines import PRECISIONS
from laborlens.cases.rrm import lifecycle as rrm
from laborlens.cases.rrm.board import timeline
from laborlens.cases.rrm.lifecycle import COVERED
from laborlens.errors import InputError, NotFound
from laborlens.service import Context
from laborlens.service import rrm as rrm_service
from laborlens.web.case_forms import BASE, Posted, attempt, done, message, posted, show

router = APIRouter(prefix=BASE)
Form = Annotated[Posted, Depends(posted)]
# Choices offered by the forms, all from the library (which checks them again).
EVENT_KINDS = {k: v for k, v in rrm.KINDS.items() if k not in ("filed", "evidence_added")}
RESULTS = tuple(dict.fromkeys(r for rs in rrm.RESULTS.values() for r in rs))


def board_page(request: Request, ctx: Context, failed: dict | None = None, include_closed: bool = False,
               as_of: date | None = None) -> HTMLResponse:
    day = as_of or ctx.today()
    return show(request, ctx, "cases/rrm_board.html", "rrm", failed, (failed or {}).get("status", 200),
                views=rrm_service.board(ctx, include_closed=include_closed, as_of=day),
                clocks=rrm_service.clock_table(ctx), include_closed=include_closed, as_of=day,
                sectors=COVERED)


def case_page(request: Request, ctx: Context, case_id: str, failed: dict | None = None,
              as_of: date | None = None) -> HTMLResponse:
    v = rrm_service.case(ctx, case_id, as_of)
    return show(request, ctx, "cases/rrm_case.html", "rrm", failed, (failed or {}).get("status", 200),
                v=v, entries=timeline(v), kinds=EVENT_KINDS, results=RESULTS, results_by_kind=rrm.RESULTS,
                precisions=[p for p in PRECISIONS if p != "unknown"])


@router.get("/rrm")
def rrm_board(request: Request, ctx: ViewerCtx, include_closed: bool = False,
              as_of: date | None = None) -> Response:
    return board_page(request, ctx, None, include_closed, as_of)


@router.get("/rrm/{case_id}")
def rrm_case(case_id: str, request: Request, ctx: ViewerCtx, as_of: date | None = None) -> Response:
    return case_page(request, ctx, case_id, None, as_of)


@router.post("/rrm")
def rrm_file(request: Request, f: Form, ctx: AnalystCtx) -> Response:
    def write() -> Response:
        v = rrm_service.file_petition(
            ctx, facility=f.get("facility"), sector=f.get("sector"), filed_on=f.text("filed_on"),
            company=f.get("company"), municipality=f.text("municipality"), state=f.text("state"),
            petitioner=f.text("petitioner"), anonymous=f.flag("anonymous"), allegations=f.text("allegations"),
            self_initiated=f.flag("self_initiated"))
        pid = v.petition.id
        return done(request, f"Filed {pid}: its clocks have started.", f"{BASE}/rrm/{pid}")

    return attempt(f, "petition", write, lambda failed: board_page(request, ctx, failed))


@router.post("/rrm/{case_id}/events")
def rrm_event(case_id: str, request: Request, f: Form, ctx: AnalystCtx) -> Response:
    def write() -> Response:
        version = f.version()
        kind = f.text("kind")
        ev, _ = rrm_service.record_event(
            ctx, case_id, kind, version=version, on=f.text("on") or None,
            precision=f.text("precision") or None, result=f.text("result") or None, note=f.text("note"),
            milestones=f.get("milestones") if kind == "remediation_plan" else None,
            milestone=f.text("milestone") if kind == "milestone_done" else None)
        label = rrm.KINDS.get(ev.kind, ev.kind)
        return done(request, f"{case_id}: recorded “{label}”.", f"{BASE}/rrm/{ev.petition_id}")

    return attempt(f, "event", write, lambda failed: case_page(request, ctx, case_id, failed))


@router.post("/rrm/{case_id}/evidence")
async def rrm_evidence(case_id: str, request: Request, ctx: AnalystCtx) -> Response:
    """The evidence form: streamed through the one upload path (25 MB), kept and hashed by the library."""
    try:
        ev, _ = await receive_evidence(request, ctx, case_id)
    except (InputError, Conflict, NotFound) as exc:
        failed = {"form": "evidence", "message": message(exc), "values": {}, "status": exc.http_status}
        return case_page(request, ctx, case_id, failed)
    name = ev.data.get("name", "")
    return done(request, f"{case_id}: kept {name} (sha256 {ev.data['sha256'][:16]}…).",
                f"{BASE}/rrm/{ev.petition_id}")
