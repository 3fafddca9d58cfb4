"""Server-rendered pages for case work: ``make_router(get_user, get_store)`` returns routes under ``/cases``.

Pages read through the same library calls as the API, and their forms write through them too: every form
is a plain HTML POST (the Content-Security-Policy allows no inline script) that carries the session's CSRF
token and, for appends, the ``version`` the page was rendered with. A successful write answers with a
redirect (303) to the page that shows it, with a flash message; a refused one (:class:`InputError`, a stale
version's :class:`Conflict`, a :class:`NotFound` inside the form) re-renders the page with the message next
to the form and the values typed kept, except a defender's identity fields, which are never sent back.
Other errors (403, 404 of the page itself) propagate to the application's handler, which renders pages.

Roles: ``require(role)`` (the app passes :func:`laborlens.api.auth.require`) checks the role and, for
browser sessions, the ``csrf`` form field before anything else; the library checks the role again, and
need-to-know (defender writes: assigned staff or admins) is the library's alone. Pages that may show a
defender identity are sent with ``no-store``. Nothing identifying goes into a URL, a redirect, a flash
message (the session cookie is signed, not encrypted) or an error text: defender cases are addressed by
pseudonym, and identity fields travel only in POST bodies.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from laborlens import accounts
from laborlens.accounts import role_at_least
from laborlens.api.auth import check_csrf, csrf_token
from laborlens.cases import defenders as dfn
from laborlens.cases import engagements as eng
from laborlens.cases import progress, rrm, rrm_board, safeguards
from laborlens.cases.api import store_from_app
from laborlens.cases.common import Conflict, parse_day, require_role
from laborlens.cases.crypto import KeyRing
from laborlens.cases.deadlines import PRECISIONS
from laborlens.cases.models import SafeguardReview
from laborlens.cases.render import TEMPLATES, render
from laborlens.errors import InputError, LaborlensError, NotFound
from laborlens.store import Store
from laborlens.web.render import flash, redirect

BASE = "/cases"
_PAGES = (
    "/rrm",
    "/rrm/{case_id}",
    "/defenders",
    "/defenders/{pseudonym}",
    "/missions",
    "/missions/{mission_id}",
    "/safeguards",
    "/safeguards/{review_id}",
    "/review",
    "/review/directives/{no}",
)
# Least role per form. Defender events also need the caller to be assigned to the case (or an admin).
_FORMS = {
    "/rrm": "analyst",
    "/rrm/{case_id}/events": "analyst",
    "/defenders": "analyst",
    "/defenders/{pseudonym}/events": "analyst",
    "/defenders/{pseudonym}/assignments": "admin",
    "/defenders/{pseudonym}/assignments/end": "admin",
    "/missions": "analyst",
    "/missions/{mission_id}/engagements": "analyst",
    "/safeguards": "analyst",
    "/safeguards/{review_id}/scores": "analyst",
    "/review/directives/{no}/updates": "analyst",
}
ROUTE_ROLES: dict[tuple[str, str], str] = {  # least role per route (the stylesheet is public)
    ("GET", f"{BASE}/cases.css"): "public",
    **{("GET", f"{BASE}{p}"): "viewer" for p in _PAGES},
    **{("POST", f"{BASE}{p}"): role for p, role in _FORMS.items()},
}
# The stylesheet is linked, not inline: the web app's Content-Security-Policy forbids inline styles.
PAGE: dict[str, Any] = {"base": BASE, "nav": True, "css_href": f"{BASE}/cases.css"}

# Choices offered by the forms, all from the library (which checks them again).
RRM_EVENT_KINDS = {k: v for k, v in rrm.KINDS.items() if k not in ("filed", "evidence_added")}
RRM_RESULTS = tuple(dict.fromkeys(r for rs in rrm.RESULTS.values() for r in rs))
# Identity fields of a defender case: accepted in POST bodies only and never echoed back into a page.
NEVER_ECHOED = frozenset(dfn.IDENTITY_FIELDS)


@dataclass(frozen=True)
class Posted:
    """A form's fields (text values only; the CSRF token and file parts are left out)."""

    data: dict[str, list[str]]

    def get(self, name: str) -> str:
        values = self.data.get(name)
        return values[-1] if values else ""

    def getlist(self, name: str) -> list[str]:
        return [v for v in self.data.get(name, []) if v]

    def flag(self, name: str) -> bool:
        return self.get(name).lower() in ("1", "on", "true", "yes")

    def version(self) -> int:
        v = self.get("version").strip()
        if not v.isdigit():
            raise InputError("the form has no version: reload the page and try again", column="version")
        return int(v)

    def kept(self) -> dict[str, list[str]]:
        """What may be written back into the form after an error (never a defender's identity)."""
        return {k: v for k, v in self.data.items() if k not in NEVER_ECHOED and k not in ("csrf", "version")}


async def posted(request: Request) -> Posted:
    form = await request.form()
    data: dict[str, list[str]] = {}
    for k, v in form.multi_items():
        if isinstance(v, str) and k != "csrf":
            data.setdefault(k, []).append(v)
    return Posted(data)


def _message(exc: LaborlensError) -> str:
    """The error as the form shows it: the field's name, then what is wrong (never a value typed)."""
    column = getattr(exc, "column", None)
    detail = getattr(exc, "detail", None)
    if isinstance(exc, InputError) and column and detail and not getattr(exc, "file", None):
        return f"{str(column).replace('_', ' ')}: {detail}"
    return str(exc)


def _int(text: str, column: str) -> int:
    t = (text or "").strip()
    if not t.lstrip("-").isdigit():
        raise InputError("expected a whole number", column=column)
    return int(t)


def _directive_no(no: str) -> int:
    if not no.isdigit():
        raise NotFound(f"no such directive (the memorandum has {len(progress.directives())})")
    return int(no)


def _milestones(text: str) -> list[dict]:
    """One milestone a line, ``YYYY-MM-DD label`` (the library checks the date and the label)."""
    out = []
    for line in (text or "").splitlines():
        if line.strip():
            due, _, label = line.strip().partition(" ")
            out.append({"label": label.strip(), "due": due.strip()})
    return out


def make_router(
    get_user: Callable[..., Any],
    get_store: Callable[..., Store] = store_from_app,
    require: Callable[[str], Callable[..., Any]] | None = None,
) -> APIRouter:
    """Page and form routes; ``require`` as in :func:`laborlens.cases.api.make_router` (every page needs
    viewer; each form the role in :data:`ROUTE_ROLES`). Without ``require`` (a bare app in tests), forms
    check the role here and the CSRF field whenever the request has a session."""
    r = APIRouter(prefix=BASE, tags=["case pages"], include_in_schema=False)
    User = Depends(require("viewer")) if require is not None else Depends(get_user)
    St = Depends(get_store)
    Form = Depends(posted)
    Caller = Depends(get_user)

    def need(role: str) -> Any:
        if require is not None:
            return Depends(require(role))

        async def dep(request: Request, user=Caller) -> Any:
            require_role(user, role)
            if "session" in request.scope:
                check_csrf(request, (await request.form()).get("csrf"))  # type: ignore[arg-type]
            return user

        return Depends(dep)

    Analyst, Admin = need("analyst"), need("admin")

    def ring(store: Store) -> KeyRing:
        return KeyRing.load(store.settings.home)

    def ctx(request: Request, user: Any, failed: dict | None = None) -> dict[str, Any]:
        """Template context every page shares: links, the CSRF token, what the reader may write, messages."""
        session = "session" in request.scope
        role = getattr(user, "role", "")
        return {
            **PAGE,
            "user": user,
            "csrf": csrf_token(request) if session else "",
            "may": {"analyst": role_at_least(role, "analyst"), "admin": role_at_least(role, "admin")},
            "flash": request.session.pop("flash", None) if session and not failed else None,
            "failed": failed,
        }

    def page(html: str, private: bool = False, status_code: int = 200) -> HTMLResponse:
        headers = {"Cache-Control": "no-store"} if private else {}
        return HTMLResponse(html, status_code=status_code, headers=headers)

    def done(request: Request, message: str, url: str) -> Response:
        if "session" in request.scope:
            flash(request, message)
        return redirect(url)

    def attempt(
        request: Request,
        store: Store,
        form: str,
        f: Posted,
        write: Callable[[Session], Response],
        again: Callable[[Session, dict], str],
        private: bool = False,
    ) -> Response:
        """Run ``write`` in one unit of work; on a refusal the form can explain, re-render its page."""
        try:
            with store.session() as s:
                return write(s)
        except (InputError, Conflict, NotFound) as exc:
            failed = {"form": form, "message": _message(exc), "values": f.kept(), "status": exc.http_status}
            with store.session() as s:  # a fresh read: after a conflict the page shows what changed
                html = again(s, failed)
            return page(html, private=private, status_code=exc.http_status)

    # -- page builders (also used to re-render a page after a refused form) --------------------------------

    def rrm_board_html(
        s: Session,
        request: Request,
        user: Any,
        failed: dict | None = None,
        include_closed: bool = False,
        as_of: date | None = None,
    ) -> str:
        return rrm_board.board_html(
            s, as_of, include_closed, **ctx(request, user, failed), sectors=rrm.COVERED
        )

    def rrm_case_html(
        s: Session,
        request: Request,
        user: Any,
        case_id: str,
        failed: dict | None = None,
        as_of: date | None = None,
    ) -> str:
        return rrm_board.case_html(
            rrm_board.case_view(s, case_id, as_of),
            **ctx(request, user, failed),
            kinds=RRM_EVENT_KINDS,
            results=RRM_RESULTS,
            results_by_kind=rrm.RESULTS,
            precisions=[p for p in PRECISIONS if p != "unknown"],
        )

    def defenders_html(
        s: Session, request: Request, user: Any, failed: dict | None = None, q: str = ""
    ) -> str:
        return render(
            "defenders.html",
            cases=dfn.list_cases(s, user, q),
            q=q,
            threats=dfn.THREATS,
            risks=dfn.RISKS,
            roles=dfn.DEFENDER_ROLES,
            **ctx(request, user, failed),
        )

    def defender_html(
        s: Session, request: Request, user: Any, store: Store, pseudonym: str, failed: dict | None = None
    ) -> str:
        v = dfn.get_case(s, ring(store), user, pseudonym)
        c = ctx(request, user, failed)
        staff = []
        if c["may"]["admin"]:
            staff = [
                (u.username, u.role)
                for u in accounts.list_users(s)
                if not u.disabled and u.username not in v.assigned
            ]
        return render(
            "defender.html",
            v=v,
            kinds=dfn.EVENT_KINDS,
            threats=dfn.THREATS,
            perpetrators=dfn.PERPETRATORS,
            actions=dfn.ACTIONS,
            support=dfn.SUPPORT,
            risks=dfn.RISKS,
            staff=staff,
            **c,
        )

    def missions_html(
        s: Session, request: Request, user: Any, failed: dict | None = None, as_of: date | None = None
    ) -> str:
        return render(
            "missions.html",
            gaps=eng.gaps_report(s, as_of, only_gaps=False),
            phases=eng.PHASES,
            kinds=eng.MISSION_KINDS,
            as_of=as_of or date.today(),
            **ctx(request, user, failed),
        )

    def mission_html(
        s: Session,
        request: Request,
        user: Any,
        mission_id: str,
        failed: dict | None = None,
        as_of: date | None = None,
    ) -> str:
        m = eng.get_mission(s, mission_id)
        return render(
            "mission.html",
            g=eng.mission_gaps(s, m, as_of),
            events=eng.engagements(s, mission_id),
            phases=eng.PHASES,
            stakeholders=eng.STAKEHOLDERS,
            as_of=as_of or date.today(),
            **ctx(request, user, failed),
        )

    def safeguards_html(s: Session, request: Request, user: Any, failed: dict | None = None) -> str:
        ids = s.execute(select(SafeguardReview.id).order_by(SafeguardReview.id)).scalars().all()
        return render(
            "safeguards.html",
            reviews=[safeguards.summarise(s, i) for i in ids],
            frameworks=safeguards.FRAMEWORKS,
            **ctx(request, user, failed),
        )

    def safeguard_html(
        s: Session, request: Request, user: Any, review_id: str, failed: dict | None = None
    ) -> str:
        return safeguards.review_html(safeguards.summarise(s, review_id), **ctx(request, user, failed))

    def review_html(
        s: Session, request: Request, user: Any, period: str | None = None, as_of: date | None = None
    ) -> str:
        return progress.report_html(s, period, as_of, **ctx(request, user), links=True)

    def directive_html(
        s: Session,
        request: Request,
        user: Any,
        no: int,
        failed: dict | None = None,
        as_of: date | None = None,
    ) -> str:
        row = next((x for x in progress.tracker(s) if x.directive.no == no), None)
        if row is None:
            raise NotFound(f"no directive {no} (the memorandum has {len(progress.directives())})")
        return render(
            "directive.html",
            r=row,
            statuses=progress.STATUSES,
            today=as_of or date.today(),
            **ctx(request, user, failed),
        )

    # -- pages -----------------------------------------------------------------------------------------------

    @r.get("/cases.css")
    def stylesheet() -> Response:
        return Response((TEMPLATES / "cases.css").read_text(encoding="utf-8"), media_type="text/css")

    @r.get("/rrm", response_class=HTMLResponse)
    def rrm_page(
        request: Request,
        include_closed: bool = False,
        as_of: date | None = None,
        user=User,
        store: Store = St,
    ):
        require_role(user, "viewer")
        with store.session() as s:
            return page(rrm_board_html(s, request, user, None, include_closed, as_of))

    @r.get("/rrm/{case_id}", response_class=HTMLResponse)
    def rrm_case_page(
        case_id: str, request: Request, as_of: date | None = None, user=User, store: Store = St
    ):
        require_role(user, "viewer")
        with store.session() as s:
            return page(rrm_case_html(s, request, user, case_id, None, as_of))

    @r.get("/defenders", response_class=HTMLResponse)
    def defenders_page(request: Request, q: str = "", user=User, store: Store = St):
        with store.session() as s:
            return page(defenders_html(s, request, user, None, q))

    @r.get("/defenders/{pseudonym}", response_class=HTMLResponse)
    def defender_page(pseudonym: str, request: Request, user=User, store: Store = St):
        with store.session() as s:
            return page(defender_html(s, request, user, store, pseudonym), private=True)

    @r.get("/missions", response_class=HTMLResponse)
    def missions_page(request: Request, as_of: date | None = None, user=User, store: Store = St):
        require_role(user, "viewer")
        with store.session() as s:
            return page(missions_html(s, request, user, None, as_of))

    @r.get("/missions/{mission_id}", response_class=HTMLResponse)
    def mission_page(
        mission_id: str, request: Request, as_of: date | None = None, user=User, store: Store = St
    ):
        require_role(user, "viewer")
        with store.session() as s:
            return page(mission_html(s, request, user, mission_id, None, as_of))

    @r.get("/safeguards", response_class=HTMLResponse)
    def safeguards_page(request: Request, user=User, store: Store = St):
        require_role(user, "viewer")
        with store.session() as s:
            return page(safeguards_html(s, request, user))

    @r.get("/safeguards/{review_id}", response_class=HTMLResponse)
    def safeguard_page(review_id: str, request: Request, user=User, store: Store = St):
        require_role(user, "viewer")
        with store.session() as s:
            return page(safeguard_html(s, request, user, review_id))

    @r.get("/review", response_class=HTMLResponse)
    def review_page(
        request: Request, period: str | None = None, as_of: date | None = None, user=User, store: Store = St
    ):
        require_role(user, "viewer")
        with store.session() as s:
            return page(review_html(s, request, user, period, as_of))

    @r.get("/review/directives/{no}", response_class=HTMLResponse)
    def directive_page(no: str, request: Request, user=User, store: Store = St):
        require_role(user, "viewer")
        n = _directive_no(no)
        with store.session() as s:
            return page(directive_html(s, request, user, n))

    # -- forms: RRM ------------------------------------------------------------------------------------------

    @r.post("/rrm")
    def rrm_file(request: Request, f: Posted = Form, user=Analyst, store: Store = St) -> Response:
        def write(s: Session) -> Response:
            p = rrm.file_petition(
                s,
                user,
                facility=f.get("facility"),
                sector=f.get("sector"),
                filed_on=f.get("filed_on").strip(),
                company=f.get("company"),
                municipality=f.get("municipality").strip(),
                state=f.get("state").strip(),
                petitioner=f.get("petitioner").strip(),
                anonymous=f.flag("anonymous"),
                allegations=f.get("allegations").strip(),
                self_initiated=f.flag("self_initiated"),
            )
            return done(request, f"Filed {p.id}: its clocks have started.", f"{BASE}/rrm/{p.id}")

        return attempt(request, store, "petition", f, write, lambda s, e: rrm_board_html(s, request, user, e))

    @r.post("/rrm/{case_id}/events")
    def rrm_event(
        case_id: str, request: Request, f: Posted = Form, user=Analyst, store: Store = St
    ) -> Response:
        def write(s: Session) -> Response:
            version = f.version()
            kind = f.get("kind").strip()
            data: dict = {}
            if kind == "remediation_plan":
                data["milestones"] = _milestones(f.get("milestones"))
            if kind == "milestone_done":
                data["milestone"] = f.get("milestone").strip()
            ev = rrm.append_event(
                s,
                user,
                case_id,
                kind,
                on=f.get("on").strip() or None,
                precision=f.get("precision").strip() or None,
                result=f.get("result").strip() or None,
                note=f.get("note").strip(),
                data=data,
                expected_version=version,
            )
            label = rrm.KINDS.get(ev.kind, ev.kind)
            return done(request, f"{case_id}: recorded “{label}”.", f"{BASE}/rrm/{ev.petition_id}")

        return attempt(
            request, store, "event", f, write, lambda s, e: rrm_case_html(s, request, user, case_id, e)
        )

    # -- forms: defenders ------------------------------------------------------------------------------------

    @r.post("/defenders")
    def defender_open(request: Request, f: Posted = Form, user=Analyst, store: Store = St) -> Response:
        def write(s: Session) -> Response:
            ident = dfn.Identity(*(f.get(k) for k in dfn.IDENTITY_FIELDS))
            pid = dfn.open_case(
                s,
                ring(store),
                user,
                ident,
                country=f.get("country"),
                threats=f.getlist("threats"),
                risk=f.get("risk"),
                consent_to_publicity=f.flag("consent_to_publicity"),
                role=f.get("role") or "trade_unionist",
                sector=f.get("sector"),
            )
            return done(
                request, f"Opened defender case {pid}; you are assigned to it.", f"{BASE}/defenders/{pid}"
            )

        return attempt(
            request, store, "open", f, write, lambda s, e: defenders_html(s, request, user, e), private=True
        )

    @r.post("/defenders/{pseudonym}/events")
    def defender_event(
        pseudonym: str, request: Request, f: Posted = Form, user=Analyst, store: Store = St
    ) -> Response:
        def write(s: Session) -> Response:
            version = f.version()
            consent = {"yes": True, "no": False}.get(f.get("consent").strip().lower())
            dfn.add_event(
                s,
                ring(store),
                user,
                pseudonym,
                f.get("kind"),
                expected_version=version,
                on=parse_day(f.get("on").strip(), "on"),
                threat=f.get("threat"),
                perpetrator=f.get("perpetrator"),
                action=f.get("action"),
                support=f.getlist("support"),
                risk=f.get("risk"),
                consent=consent,
                status=f.get("status"),
                note=f.get("note"),
            )
            pid = pseudonym.strip().upper()
            return done(request, f"{pid}: event recorded.", f"{BASE}/defenders/{pid}")

        return attempt(
            request,
            store,
            "event",
            f,
            write,
            lambda s, e: defender_html(s, request, user, store, pseudonym, e),
            private=True,
        )

    def assignment(pseudonym: str, request: Request, f: Posted, user, store: Store, change, said: str
                   ) -> Response:
        """Start or end a staff assignment (admins); ``said`` words the flash message."""

        def write(s: Session) -> Response:
            username = f.get("username").strip()
            if not username:
                raise InputError("choose a staff member", column="username")
            change(s, user, pseudonym, username)
            pid = pseudonym.strip().upper()
            return done(request, f"{pid}: {said.format(username)}.", f"{BASE}/defenders/{pid}")

        return attempt(request, store, "assign", f, write,
                       lambda s, e: defender_html(s, request, user, store, pseudonym, e), private=True)

    @r.post("/defenders/{pseudonym}/assignments")
    def defender_assign(
        pseudonym: str, request: Request, f: Posted = Form, user=Admin, store: Store = St
    ) -> Response:
        return assignment(pseudonym, request, f, user, store, dfn.assign, "assigned {}")

    @r.post("/defenders/{pseudonym}/assignments/end")
    def defender_unassign(
        pseudonym: str, request: Request, f: Posted = Form, user=Admin, store: Store = St
    ) -> Response:
        return assignment(pseudonym, request, f, user, store, dfn.unassign, "ended {}'s assignment")

    # -- forms: missions -------------------------------------------------------------------------------------

    @r.post("/missions")
    def mission_add(request: Request, f: Posted = Form, user=Analyst, store: Store = St) -> Response:
        def write(s: Session) -> Response:
            m = eng.create_mission(
                s,
                user,
                title=f.get("title"),
                kind=f.get("kind") or "mission",
                starts_on=f.get("starts_on").strip(),
                ends_on=f.get("ends_on").strip(),
                country=f.get("country").strip(),
                agency=f.get("agency").strip(),
            )
            return done(request, f"Added {m.id}: {m.title}.", f"{BASE}/missions/{m.id}")

        return attempt(request, store, "mission", f, write, lambda s, e: missions_html(s, request, user, e))

    @r.post("/missions/{mission_id}/engagements")
    def mission_engage(
        mission_id: str, request: Request, f: Posted = Form, user=Analyst, store: Store = St
    ) -> Response:
        def write(s: Session) -> Response:
            e = eng.record_engagement(
                s,
                user,
                mission_id,
                stakeholder=f.get("stakeholder"),
                on=f.get("on").strip(),
                summary=f.get("summary").strip(),
                phase=f.get("phase").strip() or None,
                expected_version=f.version(),
            )
            who = e.stakeholder.replace("_", " ")
            return done(
                request,
                f"{mission_id}: recorded an engagement with {who} ({e.phase}).",
                f"{BASE}/missions/{e.mission_id}",
            )

        return attempt(
            request, store, "engagement", f, write, lambda s, e: mission_html(s, request, user, mission_id, e)
        )

    # -- forms: safeguard reviews ----------------------------------------------------------------------------

    @r.post("/safeguards")
    def review_start(request: Request, f: Posted = Form, user=Analyst, store: Store = St) -> Response:
        def write(s: Session) -> Response:
            rv = safeguards.create_review(
                s,
                user,
                project=f.get("project"),
                bank=f.get("bank"),
                framework=f.get("framework"),
                project_ref=f.get("project_ref").strip(),
                country=f.get("country").strip(),
            )
            return done(
                request,
                f"Started review {rv.id}: score each item with its evidence.",
                f"{BASE}/safeguards/{rv.id}",
            )

        return attempt(request, store, "review", f, write, lambda s, e: safeguards_html(s, request, user, e))

    @r.post("/safeguards/{review_id}/scores")
    def review_score(
        review_id: str, request: Request, f: Posted = Form, user=Analyst, store: Store = St
    ) -> Response:
        def write(s: Session) -> Response:
            version = f.version()
            row = safeguards.score_item(
                s, user, review_id, f.get("item"), _int(f.get("score"), "score"), f.get("evidence"), version
            )
            return done(
                request,
                f"{review_id}: scored {row.item} {row.score} ({safeguards.SCORE_LABELS[row.score]}).",
                f"{BASE}/safeguards/{row.review_id}",
            )

        return attempt(
            request, store, "score", f, write, lambda s, e: safeguard_html(s, request, user, review_id, e)
        )

    # -- forms: progress review ------------------------------------------------------------------------------

    @r.post("/review/directives/{no}/updates")
    def directive_update(
        no: str, request: Request, f: Posted = Form, user=Analyst, store: Store = St
    ) -> Response:
        n = _directive_no(no)

        def write(s: Session) -> Response:
            version = f.version()
            u = progress.update_directive(
                s, user, n, f.get("status"), f.get("evidence"), f.get("due_on").strip() or None, version
            )
            return done(
                request, f"Directive {n}: {u.status.replace('_', ' ')}.", f"{BASE}/review/directives/{n}"
            )

        return attempt(
            request, store, "directive", f, write, lambda s, e: directive_html(s, request, user, n, e)
        )

    return r
