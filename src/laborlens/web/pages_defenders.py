"""Pages: defender cases (pseudonymous list, one case) with the open, event and assignment forms.

Identity fields are accepted in POST bodies only and never echoed back into a refused form; need-to-know
(who sees identities, who may add to a case) is the library's, so the pages cannot get it wrong.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from starlette.responses import HTMLResponse, Response

from laborlens.api.deps import AdminCtx, AnalystCtx, ViewerCtx
from laborlens.cases import defenders as dfn
from laborlens.cases.common import parse_day
from laborlens.errors import InputError
from laborlens.service import Context
from laborlens.service import defenders as dfn_service
from laborlens.web.case_forms import BASE, Posted, attempt, done, posted, show

router = APIRouter(prefix=BASE)
Form = Annotated[Posted, Depends(posted)]


def list_page(request: Request, ctx: Context, failed: dict | None = None, q: str = "") -> HTMLResponse:
    return show(request, ctx, "cases/defenders.html", "defenders", failed, (failed or {}).get("status", 200),
                cases=dfn_service.list_cases(ctx, q), q=q, threats=dfn.THREATS, risks=dfn.RISKS,
                roles=dfn.DEFENDER_ROLES)


def case_page(request: Request, ctx: Context, pseudonym: str, failed: dict | None = None,
              reveal: bool = False) -> HTMLResponse:
    v, staff = dfn_service.case_page(ctx, pseudonym, reveal)
    return show(request, ctx, "cases/defender.html", "defenders", failed, (failed or {}).get("status", 200),
                v=v, kinds=dfn.EVENT_KINDS, threats=dfn.THREATS, perpetrators=dfn.PERPETRATORS,
                actions=dfn.ACTIONS, support=dfn.SUPPORT, risks=dfn.RISKS, staff=staff)


@router.get("/defenders")
def defenders(request: Request, ctx: ViewerCtx) -> Response:
    return list_page(request, ctx)


@router.post("/defenders/search")
def defenders_search(request: Request, f: Form, ctx: ViewerCtx) -> Response:
    """The search form posts (never ``?q=``): what is typed stays out of the address bar and the logs."""
    return list_page(request, ctx, None, f.text("q")[:200])


@router.get("/defenders/{pseudonym}")
def defender(pseudonym: str, request: Request, ctx: ViewerCtx) -> Response:
    return case_page(request, ctx, pseudonym)


@router.post("/defenders/{pseudonym}/reveal")
def defender_reveal(pseudonym: str, request: Request, ctx: ViewerCtx) -> Response:
    """The reveal button: the same page with identity and notes, decrypted and audited on this request only
    (answered directly, not redirected, so a reload does not reveal again)."""
    return case_page(request, ctx, pseudonym, reveal=True)


@router.post("/defenders")
def defender_open(request: Request, f: Form, ctx: AnalystCtx) -> Response:
    def write() -> Response:
        ident = dfn.Identity(*(f.get(k) for k in dfn.IDENTITY_FIELDS))
        pid = dfn_service.open_case(ctx, ident, country=f.get("country"), threats=f.getlist("threats"),
                                    risk=f.get("risk"), consent_to_publicity=f.flag("consent_to_publicity"),
                                    role=f.get("role") or "trade_unionist", sector=f.get("sector"))
        return done(request, f"Opened defender case {pid}; you are assigned to it.",
                    f"{BASE}/defenders/{pid}")

    return attempt(f, "open", write, lambda failed: list_page(request, ctx, failed))


@router.post("/defenders/{pseudonym}/events")
def defender_event(pseudonym: str, request: Request, f: Form, ctx: AnalystCtx) -> Response:
    def write() -> Response:
        version = f.version()
        consent = {"yes": True, "no": False}.get(f.text("consent").lower())
        dfn_service.record_event(
            ctx, pseudonym, f.get("kind"), version=version, on=parse_day(f.text("on"), "on"),
            threat=f.get("threat"), perpetrator=f.get("perpetrator"), action=f.get("action"),
            support=f.getlist("support"), risk=f.get("risk"), consent=consent, status=f.get("status"),
            note=f.get("note"))
        pid = pseudonym.strip().upper()
        return done(request, f"{pid}: event recorded.", f"{BASE}/defenders/{pid}")

    return attempt(f, "event", write, lambda failed: case_page(request, ctx, pseudonym, failed))


def _assignment(request: Request, f: Posted, ctx: Context, pseudonym: str, start: bool) -> Response:
    def write() -> Response:
        username = f.text("username")
        if not username:
            raise InputError("choose a staff member", column="username")
        (dfn_service.assign if start else dfn_service.unassign)(ctx, pseudonym, username)
        pid = pseudonym.strip().upper()
        said = f"assigned {username}" if start else f"ended {username}'s assignment"
        return done(request, f"{pid}: {said}.", f"{BASE}/defenders/{pid}")

    return attempt(f, "assign", write, lambda failed: case_page(request, ctx, pseudonym, failed))


@router.post("/defenders/{pseudonym}/assignments")
def defender_assign(pseudonym: str, request: Request, f: Form, ctx: AdminCtx) -> Response:
    return _assignment(request, f, ctx, pseudonym, start=True)


@router.post("/defenders/{pseudonym}/assignments/end")
def defender_unassign(pseudonym: str, request: Request, f: Form, ctx: AdminCtx) -> Response:
    return _assignment(request, f, ctx, pseudonym, start=False)
