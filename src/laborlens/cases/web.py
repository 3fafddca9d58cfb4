"""Server-rendered pages for case work: ``make_router(get_user, get_store)`` returns routes under ``/cases``.

Read-only views over the same library calls as the API (writes go through ``/api/cases`` so that every
write carries a ``version``). Errors propagate to the application's handler, which renders pages. Pages
that may show a defender identity are sent with ``no-store`` so no browser or proxy keeps a copy.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import select

from laborlens.cases import defenders as dfn
from laborlens.cases import engagements as eng
from laborlens.cases import progress, rrm_board, safeguards
from laborlens.cases.api import store_from_app
from laborlens.cases.common import require_role
from laborlens.cases.crypto import KeyRing
from laborlens.cases.models import SafeguardReview
from laborlens.cases.render import TEMPLATES, render
from laborlens.store import Store

BASE = "/cases"
ROUTE_ROLES: dict[tuple[str, str], str] = {  # least role per page (the stylesheet is public)
    ("GET", f"{BASE}/cases.css"): "public",
    **{
        ("GET", f"{BASE}{p}"): "viewer"
        for p in (
            "/rrm",
            "/rrm/{case_id}",
            "/defenders",
            "/defenders/{pseudonym}",
            "/missions",
            "/safeguards",
            "/safeguards/{review_id}",
            "/review",
        )
    },
}
# The stylesheet is linked, not inline: the web app's Content-Security-Policy forbids inline styles.
PAGE: dict[str, Any] = {"base": BASE, "nav": True, "css_href": f"{BASE}/cases.css"}


def make_router(
    get_user: Callable[..., Any],
    get_store: Callable[..., Store] = store_from_app,
    require: Callable[[str], Callable[..., Any]] | None = None,
) -> APIRouter:
    """Page routes; ``require`` as in :func:`laborlens.cases.api.make_router` (every page needs viewer)."""
    r = APIRouter(prefix=BASE, tags=["case pages"], include_in_schema=False)
    User = Depends(require("viewer")) if require is not None else Depends(get_user)
    St = Depends(get_store)

    @r.get("/cases.css")
    def stylesheet() -> Response:
        return Response((TEMPLATES / "cases.css").read_text(encoding="utf-8"), media_type="text/css")

    def page(html: str, private: bool = False) -> HTMLResponse:
        headers = {"Cache-Control": "no-store"} if private else {}
        return HTMLResponse(html, headers=headers)

    @r.get("/rrm", response_class=HTMLResponse)
    def rrm_page(include_closed: bool = False, as_of: date | None = None, user=User, store: Store = St):
        require_role(user, "viewer")
        with store.session() as s:
            return page(rrm_board.board_html(s, as_of, include_closed, **PAGE))

    @r.get("/rrm/{case_id}", response_class=HTMLResponse)
    def rrm_case_page(case_id: str, as_of: date | None = None, user=User, store: Store = St):
        require_role(user, "viewer")
        with store.session() as s:
            return page(rrm_board.case_html(rrm_board.case_view(s, case_id, as_of), **PAGE))

    @r.get("/defenders", response_class=HTMLResponse)
    def defenders_page(q: str = "", user=User, store: Store = St):
        with store.session() as s:
            return page(render("defenders.html", cases=dfn.list_cases(s, user, q), q=q, **PAGE))

    @r.get("/defenders/{pseudonym}", response_class=HTMLResponse)
    def defender_page(pseudonym: str, request: Request, user=User, store: Store = St):
        with store.session() as s:
            v = dfn.get_case(s, KeyRing.load(store.settings.home), user, pseudonym)
            return page(render("defender.html", v=v, **PAGE), private=True)

    @r.get("/missions", response_class=HTMLResponse)
    def missions_page(as_of: date | None = None, user=User, store: Store = St):
        require_role(user, "viewer")
        with store.session() as s:
            gaps = eng.gaps_report(s, as_of, only_gaps=False)
            return page(
                render("missions.html", gaps=gaps, phases=eng.PHASES, as_of=as_of or date.today(), **PAGE)
            )

    @r.get("/safeguards", response_class=HTMLResponse)
    def safeguards_page(user=User, store: Store = St):
        require_role(user, "viewer")
        with store.session() as s:
            ids = s.execute(select(SafeguardReview.id).order_by(SafeguardReview.id)).scalars().all()
            return page(render("safeguards.html", reviews=[safeguards.summarise(s, i) for i in ids], **PAGE))

    @r.get("/safeguards/{review_id}", response_class=HTMLResponse)
    def safeguard_page(review_id: str, user=User, store: Store = St):
        require_role(user, "viewer")
        with store.session() as s:
            return page(safeguards.review_html(safeguards.summarise(s, review_id), **PAGE))

    @r.get("/review", response_class=HTMLResponse)
    def review_page(period: str | None = None, as_of: date | None = None, user=User, store: Store = St):
        require_role(user, "viewer")
        with store.session() as s:
            return page(progress.report_html(s, period, as_of, **PAGE))

    return r
