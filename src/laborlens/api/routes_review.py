"""The review loop over HTTP: the queue across runs, assignment, bulk decisions, run names and run diffs.
Routes parse, call one use case of :mod:`laborlens.service.review` (or a reader of :mod:`laborlens.review`)
and format."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response
from pydantic import BaseModel, Field

from laborlens import exports
from laborlens.api import auth
from laborlens.api.auth import Principal
from laborlens.api.deps import AnalystCtx, StoreDep
from laborlens.review import QueueFilter, diff_results, export_table, list_runs, load_run_result, paginate, review_queue
from laborlens.service import review as uc

router = APIRouter(prefix="/api", tags=["review queue, runs"])
ROUTE_ROLES = {("GET", "/api/review/queue"): "viewer", ("GET", "/api/review/queue.{fmt}"): "viewer",
               ("POST", "/api/review/decisions"): "analyst",
               ("POST", "/api/review/assign"): "analyst", ("GET", "/api/runs"): "viewer",
               ("POST", "/api/runs/{run_id}/name"): "analyst", ("GET", "/api/runs/{a}/diff/{b}"): "viewer",
               ("GET", "/api/search"): "viewer", ("GET", "/api/entities/{entity_id}"): "viewer"}
Viewer = Annotated[Principal, Depends(auth.viewer)]
Analyst = Annotated[Principal, Depends(auth.analyst)]


class SubjectIn(BaseModel):
    party_name: str = Field(min_length=1, max_length=500, description="The screened name the match is about.")
    entity_id: str = Field(min_length=1, max_length=100)
    list_name: str = Field(min_length=1, max_length=100)
    country: str = Field("", max_length=100, description="The party's country (the decision holds there).")
    party_id: str = Field("", max_length=200)
    run_id: str = Field("", max_length=40)

    def subject(self) -> uc.Subject:
        return uc.Subject(self.party_name, self.entity_id, self.list_name, self.country, self.party_id,
                          self.run_id)


class BulkDecisionIn(BaseModel):
    subjects: list[SubjectIn] = Field(min_length=1, max_length=uc.MAX_BULK)
    verdict: Literal["confirmed", "dismissed"]
    note: str = Field(min_length=1, max_length=2000, description="Required: why (shown with the match).")


class AssignIn(BaseModel):
    subjects: list[SubjectIn] = Field(min_length=1, max_length=uc.MAX_BULK)
    assignee: str = Field("", max_length=100, description='Username; "" returns the matches to the pool.')


class RunNameIn(BaseModel):
    name: str = Field(max_length=200)


def queue_filter(rule: str = "", list: str = "", sector: str = "", importer: str = "", assignee: str = "",
                 decided: bool = False) -> QueueFilter:
    return QueueFilter(rule=rule, list_name=list, sector=sector, importer=importer, assignee=assignee,
                       include_decided=decided)


@router.get("/review/queue")
def get_queue(user: Viewer, store: StoreDep, flt: Annotated[QueueFilter, Depends(queue_filter)],
              page: Annotated[int, Query(ge=1)] = 1,
              per_page: Annotated[int, Query(ge=1, le=1000)] = 50) -> dict[str, Any]:
    """List matches awaiting a decision across every run, newest evidence first. Filters: ``rule``
    (list_match, presumption or review), ``list``, ``sector``, ``importer`` (id or name, part of it),
    ``assignee`` (a username, or ``-`` for unassigned); ``decided=true`` includes decided matches."""
    p = paginate(review_queue(store, flt), page, per_page)
    return {"total": p.total, "page": p.page, "pages": p.pages, "per_page": p.per_page,
            "items": [it.to_dict() for it in p.rows]}


@router.get("/review/queue.{fmt}", response_class=Response,
            responses={200: {"content": {t: {} for t in exports.MEDIA_TYPES.values()}}})
def get_queue_export(user: Viewer, store: StoreDep, fmt: Literal["csv", "xlsx"],
                     flt: Annotated[QueueFilter, Depends(queue_filter)]) -> Response:
    """Every queue row the filters admit (all pages) as CSV or XLSX; formula-like cells written as text."""
    body = exports.to_bytes(export_table(review_queue(store, flt)), fmt)
    return Response(body, media_type=exports.MEDIA_TYPES[fmt],
                    headers={"Content-Disposition": f'attachment; filename="review-queue.{fmt}"'})


@router.post("/review/decisions", status_code=201)
def post_decisions(ctx: AnalystCtx, body: BulkDecisionIn) -> dict[str, Any]:
    """Confirm or dismiss one or many matches with one required note (all or none are recorded)."""
    ids = uc.decide(ctx, [sj.subject() for sj in body.subjects], body.verdict, body.note)
    return {"recorded": len(ids), "decision_ids": ids}


@router.post("/review/assign")
def post_assign(ctx: AnalystCtx, body: AssignIn) -> dict[str, Any]:
    n = uc.assign(ctx, [sj.subject() for sj in body.subjects], body.assignee)
    return {"assigned": n, "assignee": body.assignee}


@router.get("/runs")
def get_runs(user: Viewer, store: StoreDep, limit: Annotated[int, Query(ge=1, le=1000)] = 100) -> dict:
    return {"runs": [r.to_dict() for r in list_runs(store, limit)]}


@router.post("/runs/{run_id}/name")
def post_run_name(ctx: AnalystCtx, run_id: str, body: RunNameIn) -> dict[str, str]:
    return {"id": run_id, "name": uc.name_run(ctx, run_id, body.name)}


@router.get("/runs/{a}/diff/{b}")
def get_diff(user: Viewer, store: StoreDep, a: str, b: str) -> dict[str, Any]:
    """What changed from run ``a`` to run ``b`` (ids or names): new presumptions, cleared shipments,
    changed verdicts and reasons, each with why (decision, list edition, new data)."""
    (ra, res_a), (rb, res_b) = load_run_result(store, a), load_run_result(store, b)
    return diff_results(res_a, res_b, ra.label, rb.label).to_dict()


@router.get("/search")
def get_search(user: Viewer, store: StoreDep, q: Annotated[str, Query(max_length=200)] = "") -> dict:
    """Parties, list entities (any edition) and runs whose id, name, alias or local name contains ``q``."""
    from laborlens.review.search import search

    return search(store, q)


@router.get("/entities/{entity_id}")
def get_entity(user: Viewer, store: StoreDep, entity_id: str) -> dict:
    """One list entity: names, aliases, Chinese names, the editions it appears in, parties matched to it."""
    from laborlens.review.search import entity_page

    return entity_page(store, entity_id).to_dict()
