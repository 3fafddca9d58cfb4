"""Every error the app returns, mapped in one place.

Library errors carry their HTTP status (:class:`laborlens.errors.LaborlensError.http_status`); request
validation, routing and body-limit errors come from FastAPI/Starlette. API paths answer
``{"error": {"status": ..., "message": ...}}``; pages answer an HTML error page, or a redirect to the sign-in
page when the visitor is not signed in.
"""

from __future__ import annotations

import logging
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import JSONResponse, RedirectResponse, Response

from laborlens.accounts import Forbidden
from laborlens.errors import LaborlensError

log = logging.getLogger("laborlens.api")


class PayloadTooLarge(LaborlensError):
    exit_code = 2
    http_status = 413


class CsrfError(Forbidden):
    """A form or API call from a browser session without the session's CSRF token."""

    def __init__(self) -> None:
        super().__init__("missing or wrong CSRF token: reload the page and try again")


def is_api(request: Request) -> bool:
    path = request.url.path
    return path == "/api" or path.startswith("/api/") or path == "/openapi.json"


def _validation_message(exc: RequestValidationError) -> str:
    parts = []
    for err in exc.errors()[:10]:
        loc = ".".join(str(p) for p in err.get("loc", ()) if p not in ("body",)) or "request"
        parts.append(f"{loc}: {err.get('msg', 'invalid')}")
    return "; ".join(parts) or "invalid request"


def status_and_message(exc: Exception) -> tuple[int, str]:
    if isinstance(exc, LaborlensError):
        return exc.http_status, str(exc)
    if isinstance(exc, RequestValidationError):
        return 422, _validation_message(exc)
    if isinstance(exc, StarletteHTTPException):
        return exc.status_code, str(exc.detail)
    return 500, "internal error: the problem has been logged"


def _bad_path(exc: Exception) -> bool:
    """A malformed id in the URL (``/jobs/not-a-job``): for a person that page does not exist."""
    return isinstance(exc, RequestValidationError) and bool(exc.errors()) and all(
        (err.get("loc") or ("",))[0] == "path" for err in exc.errors())


async def handle(request: Request, exc: Exception) -> Response:
    status, message = status_and_message(exc)
    if _bad_path(exc) and not is_api(request):
        status, message = 404, f"There is no page at {request.url.path}: check the link or go back."
    if status >= 500:
        log.error("internal error on %s %s", request.method, request.url.path, exc_info=exc)
    headers = dict(getattr(exc, "headers", None) or {})
    if status == 401:
        headers.setdefault("WWW-Authenticate", "Bearer")
    if is_api(request):
        body: dict = {"status": status, "message": message}
        if isinstance(exc, LaborlensError):
            body["kind"] = type(exc).__name__
        return JSONResponse({"error": body}, status_code=status, headers=headers)
    if status == 401:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/signin?next={quote(target, safe='')}", status_code=303)
    from laborlens.web.render import render_error

    return render_error(request, status, message)


def install(app: FastAPI) -> None:
    for exc_type in (LaborlensError, RequestValidationError, StarletteHTTPException, Exception):
        app.add_exception_handler(exc_type, handle)
