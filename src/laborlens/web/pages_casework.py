"""Pages: missions and engagements, safeguard reviews and scores, the progress review and directives."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from starlette.responses import HTMLResponse, Response

from laborlens.api.deps import AnalystCtx, ViewerCtx
from laborlens.cases import engagements as eng
from laborlens.cases import progress, safeguards
from laborlens.errors import NotFound
from laborlens.service import Context
from laborlens.service import missions as mission_service
from laborlens.service import progress as progress_service
from laborlens.service import safeguards as sg_service
from laborlens.web.case_forms import BASE, Posted, attempt, done, posted, show, whole_number
from laborlens.web.printing import report_fields

router = APIRouter(prefix=BASE)
Form = Annotated[Posted, Depends(posted)]


def _status(failed: dict | None) -> int:
    return (failed or {}).get("status", 200)


def _directive_no(no: str) -> int:
    if not no.isdigit():
        raise NotFound(f"no such directive (the memorandum has {len(progress.directives())})")
    return int(no)


# -- missions ------------------------------------------------------------------------------------------------

def missions_page(request: Request, ctx: Context, failed: dict | None = None,
                  as_of: date | None = None) -> HTMLResponse:
    day = as_of or ctx.today()
    return show(request, ctx, "cases/missions.html", "missions", failed, _status(failed),
                gaps=mission_service.gaps(ctx, as_of=day, only_gaps=False), phases=eng.PHASES,
                kinds=eng.MISSION_KINDS, as_of=day)


def mission_page(request: Request, ctx: Context, mission_id: str, failed: dict | None = None,
                 as_of: date | None = None) -> HTMLResponse:
    day = as_of or ctx.today()
    g, events = mission_service.mission(ctx, mission_id, day)
    return show(request, ctx, "cases/mission.html", "missions", failed, _status(failed), g=g, events=events,
                phases=eng.PHASES, stakeholders=eng.STAKEHOLDERS, as_of=day)


@router.get("/missions")
def missions(request: Request, ctx: ViewerCtx, as_of: date | None = None) -> Response:
    return missions_page(request, ctx, None, as_of)


@router.get("/missions/{mission_id}")
def mission(mission_id: str, request: Request, ctx: ViewerCtx, as_of: date | None = None) -> Response:
    return mission_page(request, ctx, mission_id, None, as_of)


@router.post("/missions")
def mission_add(request: Request, f: Form, ctx: AnalystCtx) -> Response:
    def write() -> Response:
        m = mission_service.create_mission(
            ctx, title=f.get("title"), kind=f.get("kind") or "mission", starts_on=f.text("starts_on"),
            ends_on=f.text("ends_on"), country=f.text("country"), agency=f.text("agency")).mission
        return done(request, f"Added {m.id}: {m.title}.", f"{BASE}/missions/{m.id}")

    return attempt(f, "mission", write, lambda failed: missions_page(request, ctx, failed))


@router.post("/missions/{mission_id}/engagements")
def mission_engage(mission_id: str, request: Request, f: Form, ctx: AnalystCtx) -> Response:
    def write() -> Response:
        e = mission_service.record_engagement(
            ctx, mission_id, stakeholder=f.get("stakeholder"), on=f.text("on"), summary=f.text("summary"),
            phase=f.text("phase") or None, version=f.version())
        who = e.stakeholder.replace("_", " ")
        return done(request, f"{mission_id}: recorded an engagement with {who} ({e.phase}).",
                    f"{BASE}/missions/{e.mission_id}")

    return attempt(f, "engagement", write, lambda failed: mission_page(request, ctx, mission_id, failed))


# -- safeguard reviews ---------------------------------------------------------------------------------------

def reviews_page(request: Request, ctx: Context, failed: dict | None = None) -> HTMLResponse:
    return show(request, ctx, "cases/safeguards.html", "safeguards", failed, _status(failed),
                reviews=sg_service.reviews(ctx), frameworks=safeguards.FRAMEWORKS)


def review_page(request: Request, ctx: Context, review_id: str, failed: dict | None = None) -> HTMLResponse:
    return show(request, ctx, "cases/safeguard_review.html", "safeguards", failed, _status(failed),
                s=sg_service.review(ctx, review_id), labels=safeguards.SCORE_LABELS, as_of=ctx.today(),
                weight=safeguards.PRIORITY_WEIGHT)


@router.get("/safeguards")
def reviews(request: Request, ctx: ViewerCtx) -> Response:
    return reviews_page(request, ctx)


@router.get("/safeguards/{review_id}")
def review(review_id: str, request: Request, ctx: ViewerCtx) -> Response:
    return review_page(request, ctx, review_id)


@router.post("/safeguards")
def review_start(request: Request, f: Form, ctx: AnalystCtx) -> Response:
    def write() -> Response:
        rv = sg_service.create_review(ctx, project=f.get("project"), bank=f.get("bank"),
                                      framework=f.get("framework"), project_ref=f.text("project_ref"),
                                      country=f.text("country")).review
        return done(request, f"Started review {rv.id}: score each item with its evidence.",
                    f"{BASE}/safeguards/{rv.id}")

    return attempt(f, "review", write, lambda failed: reviews_page(request, ctx, failed))


@router.post("/safeguards/{review_id}/scores")
def review_score(review_id: str, request: Request, f: Form, ctx: AnalystCtx) -> Response:
    def write() -> Response:
        version = f.version()
        row, _ = sg_service.score_item(ctx, review_id, f.get("item"), whole_number(f.get("score"), "score"),
                                       f.get("evidence"), version)
        label = safeguards.SCORE_LABELS[row.score]
        return done(request, f"{review_id}: scored {row.item} {row.score} ({label}).",
                    f"{BASE}/safeguards/{row.review_id}")

    return attempt(f, "score", write, lambda failed: review_page(request, ctx, review_id, failed))


# -- progress review -----------------------------------------------------------------------------------------

def directive_page(request: Request, ctx: Context, no: int, failed: dict | None = None) -> HTMLResponse:
    return show(request, ctx, "cases/directive.html", "review", failed, _status(failed),
                r=progress_service.directive(ctx, no), statuses=progress.STATUSES, today=ctx.today())


@router.get("/review")
def review_report(request: Request, ctx: ViewerCtx, period: str | None = None,
                  as_of: date | None = None) -> Response:
    report = progress_service.report(ctx, period, as_of)
    return show(request, ctx, "cases/progress_report.html", "review", links=True, **report_fields(report))


@router.get("/review/directives/{no}")
def directive(no: str, request: Request, ctx: ViewerCtx) -> Response:
    return directive_page(request, ctx, _directive_no(no))


@router.post("/review/directives/{no}/updates")
def directive_update(no: str, request: Request, f: Form, ctx: AnalystCtx) -> Response:
    n = _directive_no(no)

    def write() -> Response:
        version = f.version()
        u = progress_service.update_directive(ctx, n, f.get("status"), f.get("evidence"),
                                              f.text("due_on") or None, version)
        return done(request, f"Directive {n}: {u.status.replace('_', ' ')}.", f"{BASE}/review/directives/{n}")

    return attempt(f, "directive", write, lambda failed: directive_page(request, ctx, n, failed))
