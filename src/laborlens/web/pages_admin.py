"""Pages: lists (editions, coverage, import for admins), the audit log and users (admins)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Path, Query, Request
from starlette.responses import Response

from laborlens import accounts
from laborlens.api import auth, views
from laborlens.api.auth import Principal
from laborlens.api.deps import AdminCtx, SessionDep, StoreDep
from laborlens.service import lists as lists_service
from laborlens.web.render import flash, redirect, render

router = APIRouter()
Viewer = Annotated[Principal, Depends(auth.viewer)]
Admin = Annotated[Principal, Depends(auth.admin)]
ListName = Annotated[str, Path(pattern=r"^[a-z0-9_]{1,60}$")]


@router.get("/lists")
def lists_page(request: Request, user: Viewer, store: StoreDep) -> Response:
    return render(request, "lists.html", active="lists", data=views.lists_overview(store),
                  formats=views.IMPORT_FORMATS)


@router.post("/lists/import")
async def import_list(request: Request, ctx: AdminCtx) -> Response:
    r = await views.import_uploaded_list(request, ctx, None)
    list_name = r.list_name
    if r.unchanged:
        flash(request, f"{list_name}: the file is identical to the current edition; nothing recorded.", "warn")
    else:
        flash(request, f"{list_name}: recorded edition {r.edition.label} with {r.edition.entities} entries "
                       f"(added {len(r.added)}, removed {len(r.removed)}, renamed {len(r.renamed)}).")
    return redirect("/lists")


@router.post("/lists/{list_name}/rollback")
def rollback(request: Request, ctx: AdminCtx, list_name: ListName) -> Response:
    r = lists_service.rollback(ctx, list_name)
    flash(request, f"{list_name}: rolled back {r.retired.label}; current edition is {r.current.label}.")
    return redirect("/lists")


@router.get("/audit")
def audit_page(request: Request, user: Admin, s: SessionDep,
               action: Annotated[str | None, Query(max_length=100)] = None,
               limit: Annotated[int, Query(ge=1, le=5000)] = 300) -> Response:
    return render(request, "audit.html", active="audit", data=views.audit_view(s, limit, action or None),
                  action=action or "")


@router.get("/users")
def users_page(request: Request, user: Admin, s: SessionDep) -> Response:
    return render(request, "users.html", active="users", users=accounts.list_users(s), roles=accounts.ROLES)


@router.post("/users")
def add_user(request: Request, user: Admin, s: SessionDep, username: Annotated[str, Form(max_length=100)],
             password: Annotated[str, Form(max_length=1000)],
             role: Annotated[str, Form(pattern="^(viewer|analyst|admin)$")]) -> Response:
    accounts.add_user(s, username, password, role, actor=user.username)
    flash(request, f"Added {username} as {role}.")
    return redirect("/users")
