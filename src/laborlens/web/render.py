"""Jinja2 rendering for the pages: one environment, the signed-in user, CSRF token and flash messages."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from fastapi import Request
from fastapi.templating import Jinja2Templates
from starlette.responses import HTMLResponse, RedirectResponse

from laborlens import __version__
from laborlens.api.auth import csrf_token, optional_principal
from laborlens.web.chart import verdict_bars

TEMPLATES = Path(__file__).parent / "templates"
templates = Jinja2Templates(directory=str(TEMPLATES))
templates.env.globals.update(version=__version__, verdict_bars=verdict_bars)
templates.env.filters["when"] = lambda d: (d.strftime("%Y-%m-%d %H:%M") if isinstance(d, datetime)
                                           else str(d or "")[:16].replace("T", " "))
templates.env.filters["pct"] = lambda x: f"{100 * float(x or 0):.0f}%"
templates.env.filters["label"] = lambda v: str(v).replace("_", " ")

NAV = (("dashboard", "/", "Dashboard", "viewer"), ("check", "/check", "Check a name", "viewer"),
       ("upload", "/upload", "Screen files", "analyst"), ("review", "/review", "Review queue", "viewer"),
       ("runs", "/runs", "Runs", "viewer"), ("search", "/search", "Search", "viewer"),
       ("lists", "/lists", "Lists", "viewer"),
       ("cases", "/cases/rrm", "Case work", "viewer"),
       ("grievances", "/grievances", "Grievances", "viewer"),
       ("audit", "/audit", "Audit log", "admin"), ("users", "/users", "Users", "admin"))


def flash(request: Request, message: str, kind: str = "ok") -> None:
    request.session["flash"] = {"message": message, "kind": kind}


def safe_next(target: str | None, default: str = "/") -> str:
    """A redirect target on this site only (no scheme, no host, no protocol-relative //)."""
    if not target:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return default
    return target


def redirect(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def render(request: Request, template: str, /, status_code: int = 200, **context: Any) -> HTMLResponse:
    user = optional_principal(request)
    nav = [item for item in NAV if user is not None and user.can(item[3])]
    message = request.session.pop("flash", None) if "session" in request.scope else None
    headers = context.pop("headers", None)  # e.g. Retry-After on a throttled sign-in
    ctx = {"user": user, "nav": nav, "flash": message, "csrf": csrf_token(request),
           "active": context.pop("active", ""), **context}
    return templates.TemplateResponse(request, template, ctx, status_code=status_code, headers=headers)


def render_error(request: Request, status: int, message: str) -> HTMLResponse:
    titles = {403: "Not allowed", 404: "Not found", 405: "Method not allowed", 413: "Upload too large",
              422: "Check the input", 429: "Slow down"}
    return render(request, "error.html", status_code=status, status=status,
                  title=titles.get(status, "Something went wrong"), message=message)
