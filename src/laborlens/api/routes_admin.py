"""Analyst decisions (append-only), the audit log with its chain check, and user accounts."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response

from laborlens import accounts, decisions
from laborlens.api import auth, views
from laborlens.api.auth import Principal
from laborlens.api.deps import SessionDep
from laborlens.api.models import AuditOut, DecisionIn, DecisionList, DecisionOut, UserIn, UserList, UserOut

router = APIRouter(prefix="/api", tags=["decisions, audit, users"])
Viewer = Annotated[Principal, Depends(auth.viewer)]
Analyst = Annotated[Principal, Depends(auth.analyst)]
Admin = Annotated[Principal, Depends(auth.admin)]


@router.post("/decisions", response_model=DecisionOut, status_code=201)
def add_decision(user: Analyst, body: DecisionIn, s: SessionDep) -> DecisionOut:
    """Confirm or dismiss a list match for a screened name. Decisions are appended, never edited: the
    latest per (name, entity) wins and later screenings cite it."""
    d = decisions.record_decision(s, user.username, body.party_name, body.entity_id, body.list_name,
                                  body.verdict, body.note, body.country)
    return DecisionOut.model_validate(d, from_attributes=True)


@router.get("/decisions", response_model=DecisionList)
def list_decisions(user: Viewer, s: SessionDep, limit: Annotated[int, Query(ge=1, le=5000)] = 500) -> dict:
    """Decision history, newest first."""
    return {"decisions": [DecisionOut.model_validate(d, from_attributes=True)
                          for d in decisions.history(s, limit)]}


@router.get("/audit", response_model=AuditOut)
def audit_log(user: Admin, s: SessionDep, limit: Annotated[int, Query(ge=1, le=10000)] = 200,
              action: Annotated[str | None, Query(max_length=100)] = None) -> dict:
    """Recent audit events, newest first, with the result of re-computing the whole hash chain. Admins."""
    return views.audit_view(s, limit, action)


@router.get("/audit/export", response_class=Response,
            responses={200: {"content": {"text/csv": {}, "application/json": {}}}})
def audit_export(user: Admin, s: SessionDep, format: Literal["csv", "json"] = "json") -> Response:
    """The whole audit log as CSV or JSON, with the chain check and the signed head (count and last hash,
    HMAC-signed) that `laborlens audit verify --export FILE` checks offline. JSON: ``chain``, ``head``,
    ``events``; CSV: a ``chain`` column that reads ``broken`` from the first event that fails, and a last row
    ``audit.head``. The export is itself audited. Admins."""
    fmt, body = views.audit_export(s, user.username, format)
    media = "application/json" if fmt == "json" else "text/csv; charset=utf-8"
    return Response(body, media_type=media,
                    headers={"Content-Disposition": f'attachment; filename="laborlens-audit.{fmt}"'})


@router.get("/users", response_model=UserList)
def list_users(user: Admin, s: SessionDep) -> dict:
    """Every account with its role. Admins."""
    return {"users": [UserOut.model_validate(u, from_attributes=True) for u in accounts.list_users(s)]}


@router.post("/users", response_model=UserOut, status_code=201)
def add_user(user: Admin, body: UserIn, s: SessionDep) -> UserOut:
    """Create an account (passwords: at least 10 characters, stored as argon2id). Admins."""
    u = accounts.add_user(s, body.username, body.password, body.role, actor=user.username)
    return UserOut.model_validate(u, from_attributes=True)
