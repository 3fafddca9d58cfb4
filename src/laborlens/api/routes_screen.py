"""Screen names against the watchlists, and show the lists with their editions and coverage."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request

from laborlens.api import auth, views
from laborlens.api.auth import Principal
from laborlens.api.deps import AdminCtx, MatcherDep, StoreDep
from laborlens.api.models import BatchOut, BatchQuery, ImportOut, ListsOut, MatchOut, Me, NameQuery
from laborlens.service import lists as lists_service

router = APIRouter(prefix="/api", tags=["screening"])
Viewer = Annotated[Principal, Depends(auth.viewer)]
Admin = Annotated[Principal, Depends(auth.admin)]


@router.get("/me", response_model=Me)
def me(user: Viewer) -> Me:
    """The caller's user name and role, and whether they came by token or browser session."""
    return Me(username=user.username, role=user.role, via=user.via)


@router.post("/screen/name", response_model=MatchOut)
async def screen_name(user: Viewer, query: NameQuery, matcher: MatcherDep) -> dict:
    """Screen one party name against the current edition of every watchlist.

    Returns the best candidate with its score, the calibrated decision (``match``, ``review`` or ``clear``)
    and an explanation: which words matched, which were missing, how the name was read."""
    # async: one name scores in about a millisecond, less than the two thread-pool hops a plain def costs
    # (the endpoint and its response validation); the batch endpoint below stays in the pool.
    return matcher.best(query.name, query.country, query.address).to_dict()


@router.post("/screen/batch", response_model=BatchOut)
def screen_batch(user: Viewer, batch: BatchQuery, matcher: MatcherDep) -> dict:
    """Screen up to 1,000 names at once; results come back in the order of the request."""
    return {"results": [matcher.best(q.name, q.country, q.address).to_dict() for q in batch.names]}


@router.get("/lists", response_model=ListsOut)
def lists(user: Viewer, store: StoreDep) -> dict:
    """Every watchlist with its current edition, edition history and coverage (including the warning that
    the bundled UFLPA Entity List is partial), and the reference tables shipped with laborlens."""
    return views.lists_overview(store)


@router.post("/lists/{list_name}/import", response_model=ImportOut,
             openapi_extra={"requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
                 "type": "object", "required": ["file"],
                 "properties": {"file": {"type": "string", "format": "binary"},
                                "format": {"type": "string", "enum": list(views.IMPORT_FORMATS)},
                                "label": {"type": "string", "maxLength": 200}}}}}}})
async def import_list(ctx: AdminCtx, list_name: str, request: Request) -> dict:
    """Record an uploaded file (CSV, CBP WRO CSV, FollowTheMoney JSON lines or the DHS page saved as HTML) as
    a new edition of a watchlist, keeping entity ids stable. Admins only."""
    report = await views.import_uploaded_list(request, ctx, list_name)
    return views.import_summary(report)


@router.post("/lists/{list_name}/rollback", response_model=ListsOut)
def rollback_list(ctx: AdminCtx, list_name: str) -> dict:
    """Retire the current edition of a watchlist so that the one before it is current again. Admins only."""
    lists_service.rollback(ctx, list_name)
    return views.lists_overview(ctx.store)
