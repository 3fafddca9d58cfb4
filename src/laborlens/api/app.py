"""The application factory: API under ``/api`` (OpenAPI at ``/openapi.json``) and the web pages."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from starlette.middleware.sessions import SessionMiddleware
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from laborlens import __version__
from laborlens.api import errors
from laborlens.api.auth import secret_key
from laborlens.api.deps import MatcherCache
from laborlens.api.limits import BodyLimit
from laborlens.api.models import ErrorOut
from laborlens.jobs import ScreenFn, runner_for
from laborlens.settings import Settings
from laborlens.store import open_store

STATIC = Path(__file__).resolve().parents[1] / "web" / "static"
DEFAULT_UPLOAD_LIMIT = 200 * 1024 * 1024
BODY_LIMIT = 1024 * 1024  # JSON and form bodies; uploads stream under ``upload_limit``
LOOPBACK = ("127.", "::1", "localhost")
_CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
ERROR_RESPONSES: dict = {s: {"model": ErrorOut, "description": d} for s, d in (
    (401, "Not signed in, or the token is unknown or revoked"), (403, "The role is too low, or CSRF failed"),
    (404, "Not found"), (413, "Body larger than the limit"), (422, "Invalid input: the message says which"))}


class SecurityHeaders:
    """Headers every response carries; a route may set its own Content-Security-Policy (downloads do)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        static = scope["path"].startswith("/static/")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                names = {k.lower() for k, _ in headers}
                for k, v in ((b"content-security-policy", _CSP.encode()), (b"x-content-type-options", b"nosniff"),
                             (b"referrer-policy", b"same-origin"), (b"x-frame-options", b"DENY"),
                             (b"cache-control", b"max-age=300" if static else b"no-store")):
                    if k not in names:
                        headers.append((k, v))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


def create_app(settings: Settings, *, upload_limit: int = DEFAULT_UPLOAD_LIMIT, job_workers: int = 2,
               screen: ScreenFn | None = None, https_only: bool | None = None,
               host: str = "127.0.0.1") -> FastAPI:
    """Build the app over ``settings`` (store migrated, session key made on first use). ``screen`` replaces
    :func:`laborlens.screen.screen_dir` for jobs (tests). The session cookie is ``Secure`` when
    ``https_only`` says so, else when ``settings.secure_cookies`` does, else whenever ``host`` (where the
    server listens) is not a loopback address."""
    if https_only is None:
        https_only = settings.secure_cookies
    if https_only is None:
        https_only = not host.startswith(LOOPBACK)
    store = open_store(settings)
    runner = runner_for(store, settings, workers=job_workers, screen=screen)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        runner.shutdown(wait=False)

    app = FastAPI(title="laborlens", version=__version__, lifespan=lifespan, docs_url=None, redoc_url=None,
                  openapi_url="/openapi.json",
                  description="Forced-labor screening: match names against watchlists, screen supply-chain "
                              "files into shipment verdicts with evidence paths, record analyst decisions. "
                              "Authenticate with `Authorization: Bearer <token>` "
                              "(`laborlens users token NAME`).")
    app.state.settings, app.state.store, app.state.runner = settings, store, runner
    app.state.matchers = MatcherCache()
    app.state.upload_limit = upload_limit
    app.state.secure_cookies = https_only
    runner.recover()

    from laborlens.api import (
        routes_admin,
        routes_jobs,
        routes_review,
        routes_screen,
        routes_session,
        routes_yente,
    )
    from laborlens.web import pages_admin, pages_jobs, pages_main, pages_review

    for r in (routes_screen.router, routes_jobs.router, routes_admin.router, routes_session.router,
              routes_review.router):
        app.include_router(r, responses=ERROR_RESPONSES)
    app.include_router(routes_yente.router)  # its own error shape (yente's)
    for r in (pages_main.router, pages_jobs.router, pages_admin.router, pages_review.router):
        app.include_router(r, include_in_schema=False)
    # Case work (RRM petitions, defenders, missions, safeguards, progress review) on the same roles
    from laborlens.api import routes_casework, routes_defenders, routes_rrm
    from laborlens.web import pages_casework, pages_defenders, pages_rrm

    for r in (routes_rrm.router, routes_defenders.router, routes_casework.router):
        app.include_router(r, responses=ERROR_RESPONSES)
    for r in (pages_rrm.router, pages_defenders.router, pages_casework.router):
        app.include_router(r, include_in_schema=False)
    # Worker grievances: staff API and pages; the public /report page and SMS webhook in their own router
    from laborlens.api import routes_grievances
    from laborlens.web import pages_grievances, public_report

    app.include_router(routes_grievances.router, responses=ERROR_RESPONSES)
    app.include_router(pages_grievances.router, include_in_schema=False)
    app.include_router(public_report.router, include_in_schema=False)
    from laborlens.api import docs

    docs.install(app)  # /docs: Swagger UI served from the package, no CDN
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    errors.install(app)
    app.add_middleware(BodyLimit, limit=BODY_LIMIT)  # inside the session: its 413 page needs one
    app.add_middleware(SessionMiddleware, secret_key=secret_key(settings), session_cookie="laborlens_session",
                       max_age=int(settings.session_hours * 3600), same_site="lax", https_only=https_only)
    app.add_middleware(SecurityHeaders)

    def openapi() -> dict:
        if app.openapi_schema is None:
            schema = get_openapi(title=app.title, version=app.version, description=app.description,
                                 routes=app.routes)
            schema.setdefault("components", {})["securitySchemes"] = {
                "bearer": {"type": "http", "scheme": "bearer", "description": "API token"}}
            schema["security"] = [{"bearer": []}]
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
    return app
