"""Pages: sign in and out, the dashboard, and checking one name against the lists."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Query, Request
from starlette.responses import Response

from laborlens import accounts, jobs
from laborlens.accounts import AuthError
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
    throttle: auth.SigninThrottle = request.app.state.throttle
    throttle.check(username, _client(request))
    error = None
    with store.session() as s:  # commits the audit event of a failed sign-in too
        try:
            user = accounts.authenticate(s, username, password)
        except AuthError as exc:
            error = str(exc)
    if error:
        throttle.failed(username, _client(request))
        return render(request, "signin.html", status_code=401, error=error, next=safe_next(next),
                      username=username)
    throttle.succeeded(username)
    auth.start_session(request, user)
    return redirect(safe_next(next))


@router.post("/signout")
def signout(request: Request, csrf: Annotated[str, Form(max_length=200)] = "") -> Response:
    check_csrf(request, csrf)
    auth.end_session(request)
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
    return render(request, "check.html", active="check", name=name, country=country, address=address,
                  result=result)
