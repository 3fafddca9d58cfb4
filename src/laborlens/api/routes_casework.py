"""Missions, safeguard reviews and the progress review over HTTP under ``/api/cases``."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date

from fastapi import APIRouter

from laborlens.api.case_models import (
    DirectiveIn,
    EngagementIn,
    MissionIn,
    ReviewIn,
    ScoreIn,
    mission_json,
    review_json,
)
from laborlens.api.deps import AnalystCtx, ViewerCtx
from laborlens.cases import safeguards
from laborlens.service import missions as mission_service
from laborlens.service import progress as progress_service
from laborlens.service import safeguards as sg_service

router = APIRouter(prefix="/api/cases", tags=["case work: missions, safeguards, progress"])


@router.get("/missions")
def missions_list(ctx: ViewerCtx, as_of: date | None = None) -> list[dict]:
    """All missions with the engagement phases covered and missing."""
    return [mission_json(g) for g in mission_service.gaps(ctx, as_of=as_of, only_gaps=False)]


@router.get("/missions/gaps")
def missions_gaps(ctx: ViewerCtx, as_of: date | None = None) -> list[dict]:
    """Missions missing a phase of engagement or a key stakeholder group."""
    return [mission_json(g) for g in mission_service.gaps(ctx, as_of=as_of)]


@router.post("/missions", status_code=201)
def missions_create(body: MissionIn, ctx: AnalystCtx) -> dict:
    return mission_json(mission_service.create_mission(ctx, **body.model_dump()), [])


@router.get("/missions/{mission_id}")
def missions_get(mission_id: str, ctx: ViewerCtx, as_of: date | None = None) -> dict:
    return mission_json(*mission_service.mission(ctx, mission_id, as_of))


@router.post("/missions/{mission_id}/engagements", status_code=201)
def missions_engage(mission_id: str, body: EngagementIn, ctx: AnalystCtx) -> dict:
    """Record an engagement; send the mission ``version`` you read."""
    mission_service.record_engagement(ctx, mission_id, stakeholder=body.stakeholder, on=body.on,
                                      summary=body.summary, phase=body.phase, version=body.version)
    return mission_json(*mission_service.mission(ctx, mission_id))


@router.get("/safeguards/checklist")
def safeguards_checklist(ctx: ViewerCtx, framework: str | None = None) -> list[dict]:
    return [{**asdict(i), "weight": i.weight} for i in safeguards.checklist(framework)]


@router.get("/safeguards")
def safeguards_list(ctx: ViewerCtx) -> list[dict]:
    return [review_json(r) for r in sg_service.reviews(ctx)]


@router.post("/safeguards", status_code=201)
def safeguards_create(body: ReviewIn, ctx: AnalystCtx) -> dict:
    return review_json(sg_service.create_review(ctx, **body.model_dump()))


@router.get("/safeguards/{review_id}")
def safeguards_get(review_id: str, ctx: ViewerCtx) -> dict:
    return review_json(sg_service.review(ctx, review_id))


@router.post("/safeguards/{review_id}/scores", status_code=201)
def safeguards_score(review_id: str, body: ScoreIn, ctx: AnalystCtx) -> dict:
    """Score one checklist item 0-2 with evidence; send the review ``version`` you read."""
    _, summary = sg_service.score_item(ctx, review_id, body.item, body.score, body.evidence, body.version)
    return review_json(summary)


@router.get("/directives")
def directives_list(ctx: ViewerCtx, as_of: date | None = None) -> list[dict]:
    """The 22 directives with their current status, evidence, due date and version."""
    t = as_of or ctx.today()
    return [{**asdict(row.directive), "status": row.status, "evidence": row.evidence,
             "due_on": row.due_on.isoformat() if row.due_on else None, "version": row.version,
             "overdue": row.overdue(t), "updated_by": row.actor} for row in progress_service.tracker(ctx)]


@router.post("/directives/{no}/updates", status_code=201)
def directives_update(no: int, body: DirectiveIn, ctx: AnalystCtx) -> dict:
    """Append a status update; send the directive ``version`` you read."""
    u = progress_service.update_directive(ctx, no, body.status, body.evidence, body.due_on, body.version)
    return {"no": no, "status": u.status, "version": u.seq}
