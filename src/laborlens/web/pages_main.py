"""Pages: sign in and out, the dashboard, and checking one name against the lists."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Query, Request
from starlette.responses import Response

from laborlens import jobs
from laborlens import signin as signin_
from laborlens.accounts import AuthError, Forbidden
from laborlens.api import auth, views
from laborlens.api.auth import Principal, check_csrf
from laborlens.api.deps import MatcherDep, StoreDep
from laborlens.web.render import flash, redirect, render, safe_next

router = APIRouter()
Viewer = Annotated[Principal, Depends(auth.viewer)]


def _client(request: Request) -> str:
    return request.client.host if request.client else "?"


@router.get("/signin")
def signin_page(request: Request, next: str | None = None) -> Response:
    if auth.optional_principal(request) is not None:
        return redirect(safe_next(next))
    return render(request, "signin.html", next=safe_next(next), username="")


@router.post("/signin")
def signin(request: Request, store: StoreDep, username: Annotated[str, Form(max_length=100)],
           password: Annotated[str, Form(max_length=1000)], csrf: Annotated[str, Form(max_length=200)] = "",
           next: Annotated[str, Form(max_length=2000)] = "/") -> Response:
    check_csrf(request, csrf)
    try:
        result = signin_.sign_in(store, username, password, _client(request))
    except (AuthError, Forbidden, signin_.TooManyAttempts) as exc:
        status = getattr(exc, "http_status", 401)
        return render(request, "signin.html", status_code=status, error=str(exc), next=safe_next(next),
                      username=username, headers=getattr(exc, "headers", None))
    auth.start_session(request, result.session_id, pending=result.second_factor)
    if result.second_factor:
        return redirect("/signin/totp?next=" + quote(safe_next(next), safe=""))
    return redirect(safe_next(next))


def _pending(request: Request, store: StoreDep) -> str | None:
    sid = request.session.get(auth.SESSION_PENDING)
    if not isinstance(sid, str):
        return None
    with store.session() as s:
        return signin_.pending_user(s, sid) and sid


@router.get("/signin/totp")
def totp_page(request: Request, store: StoreDep, next: str | None = None) -> Response:
    if _pending(request, store) is None:
        return redirect("/signin")
    return render(request, "signin_totp.html", next=safe_next(next))


@router.post("/signin/totp")
def totp_step(request: Request, store: StoreDep, code: Annotated[str, Form(max_length=40)],
              csrf: Annotated[str, Form(max_length=200)] = "",
              next: Annotated[str, Form(max_length=2000)] = "/") -> Response:
    check_csrf(request, csrf)
    sid = _pending(request, store)
    if sid is None:
        return redirect("/signin")
    try:
        result = signin_.second_factor(store, sid, code, _client(request))
    except (AuthError, signin_.TooManyAttempts) as exc:
        return render(request, "signin_totp.html", status_code=getattr(exc, "http_status", 401),
                      error=str(exc), next=safe_next(next), headers=getattr(exc, "headers", None))
    auth.start_session(request, result.session_id)
    return redirect(safe_next(next))


@router.post("/signout")
def signout(request: Request, store: StoreDep, csrf: Annotated[str, Form(max_length=200)] = "") -> Response:
    check_csrf(request, csrf)
    sid = auth.end_session(request)
    if sid:
        with store.session() as s:
            signin_.sign_out(s, sid)  # the server forgets it: a copy of the cookie is worth nothing now
    flash(request, "Signed out.")
    return redirect("/signin")


@router.get("/")
def dashboard(request: Request, user: Viewer, store: StoreDep) -> Response:
    recent = jobs.list_jobs(store, 12)
    latest = next((j for j in recent if j.done), None)
    counts = {k: int(latest.summary.get(k, 0)) for k in ("presumption", "review", "clear")} if latest else None
    return render(request, "dashboard.html", active="dashboard", jobs=recent, latest=latest, counts=counts,
                  lists=views.lists_overview(store)["watchlists"])


@router.get("/check")
def check(request: Request, user: Viewer, matcher: MatcherDep,
          name: Annotated[str, Query(max_length=500)] = "", country: Annotated[str, Query(max_length=100)] = "",
          address: Annotated[str, Query(max_length=1000)] = "") -> Response:
    result = matcher.best(name, country, address).to_dict() if name.strip() else None
    # the five nearest listed names, so an analyst sees what else came close and why
    candidates = [r.to_dict() for r in matcher.match(name, country, address, top=5)
                  if r.entity_id] if name.strip() else []
    return render(request, "check.html", active="check", name=name, country=country, address=address,
                  result=result, candidates=candidates, batch_max=2000)
