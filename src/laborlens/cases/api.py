"""HTTP API for case work: ``make_router(get_user, get_store)`` returns an ``APIRouter`` at ``/api/cases``.

Thin on purpose: each endpoint parses, opens one unit of work, calls one library function and shapes JSON.
Role and need-to-know rules live in the library, so the CLI and the API enforce the same ones.
``LaborlensError`` subclasses become JSON ``{"error": {"status", "message", "kind"}}`` (the app's shape)
with their ``http_status`` (404, 409 on a stale ``version``, 422, 403). Bodies: :mod:`.api_shapes`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import asdict
from datetime import date
from typing import Any

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import JSONResponse, PlainTextResponse
from fastapi.routing import APIRoute

from laborlens.cases import defenders as dfn
from laborlens.cases import engagements as eng
from laborlens.cases import progress, rrm, rrm_board, rrm_clocks, safeguards
from laborlens.cases.api_shapes import (
    AssignIn,
    ClockIn,
    DefenderEventIn,
    DefenderIn,
    DirectiveIn,
    EngagementIn,
    MissionIn,
    PetitionIn,
    ReviewIn,
    RrmEventIn,
    ScoreIn,
    case_json,
    deadline_json,
    mission_json,
    review_json,
)
from laborlens.cases.common import require_role
from laborlens.cases.crypto import KeyRing
from laborlens.cases.rrm_real import load_real_cases
from laborlens.errors import InputError, LaborlensError
from laborlens.fsutil import private_dir, write_private
from laborlens.store import Store

MAX_EVIDENCE = 25 * 1024 * 1024

# Least role per route, for the app-wide authorisation matrix. Defender writes also need the caller to be
# assigned to the case (or an admin); defender reads show identities only on the same condition.
ROUTE_ROLES: dict[tuple[str, str], str] = {
    ("GET", "/api/cases/rrm"): "viewer",
    ("GET", "/api/cases/rrm/alerts"): "viewer",
    ("GET", "/api/cases/rrm/clocks"): "viewer",
    ("PUT", "/api/cases/rrm/clocks/{key}"): "admin",
    ("POST", "/api/cases/rrm"): "analyst",
    ("POST", "/api/cases/rrm/load-real"): "admin",
    ("GET", "/api/cases/rrm/{case_id}"): "viewer",
    ("POST", "/api/cases/rrm/{case_id}/events"): "analyst",
    ("POST", "/api/cases/rrm/{case_id}/evidence"): "analyst",
    ("GET", "/api/cases/defenders"): "viewer",
    ("POST", "/api/cases/defenders"): "analyst",
    ("GET", "/api/cases/defenders/export"): "analyst",
    ("GET", "/api/cases/defenders/{pseudonym}"): "viewer",
    ("POST", "/api/cases/defenders/{pseudonym}/events"): "analyst",
    ("POST", "/api/cases/defenders/{pseudonym}/assignments"): "admin",
    ("DELETE", "/api/cases/defenders/{pseudonym}/assignments/{username}"): "admin",
    ("GET", "/api/cases/missions"): "viewer",
    ("GET", "/api/cases/missions/gaps"): "viewer",
    ("POST", "/api/cases/missions"): "analyst",
    ("GET", "/api/cases/missions/{mission_id}"): "viewer",
    ("POST", "/api/cases/missions/{mission_id}/engagements"): "analyst",
    ("GET", "/api/cases/safeguards/checklist"): "viewer",
    ("GET", "/api/cases/safeguards"): "viewer",
    ("POST", "/api/cases/safeguards"): "analyst",
    ("GET", "/api/cases/safeguards/{review_id}"): "viewer",
    ("POST", "/api/cases/safeguards/{review_id}/scores"): "analyst",
    ("GET", "/api/cases/directives"): "viewer",
    ("POST", "/api/cases/directives/{no}/updates"): "analyst",
}


class _ErrorsAsJson(APIRoute):
    """Maps library errors to their HTTP status here: the router behaves the same wherever it is mounted."""

    def get_route_handler(self) -> Callable:
        handler = super().get_route_handler()

        async def run(request: Request):
            try:
                return await handler(request)
            except LaborlensError as exc:
                return JSONResponse(error_body(exc), status_code=exc.http_status)

        return run


def error_body(exc: LaborlensError) -> dict:
    """The same shape as the app-wide handler in ``laborlens.api.errors``, plus the error's kind."""
    return {"error": {"status": exc.http_status, "message": str(exc), "kind": type(exc).__name__}}


def store_from_app(request: Request) -> Store:
    """Default store dependency: the application's ``app.state.store``."""
    return request.app.state.store


def _safe_name(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", name)[-80:] or "file"


# -- the router --------------------------------------------------------------------------------------------


def make_router(
    get_user: Callable[..., Any],
    get_store: Callable[..., Store] = store_from_app,
    require: Callable[[str], Callable[..., Any]] | None = None,
) -> APIRouter:
    """``get_user`` is the app's current-user dependency (anything with ``username`` and ``role``).

    With ``require`` (a factory ``role -> dependency``, e.g. ``laborlens.api.auth.require``) each route
    depends on ``require(ROUTE_ROLES[route])``, so a caller below the route's role gets 403 before its body
    is even validated; the library checks the role again either way."""
    r = APIRouter(prefix="/api/cases", tags=["cases"], route_class=_ErrorsAsJson)
    User = Depends(get_user)
    St = Depends(get_store)

    def need(role: str) -> Any:
        return Depends(require(role)) if require is not None else User

    def viewer(user: Any) -> Any:
        require_role(user, "viewer")
        return user

    # RRM
    @r.get("/rrm")
    def rrm_list(
        include_closed: bool = False,
        as_of: date | None = None,
        soon_days: int = 7,
        q: str = "",
        user=need("viewer"),
        store: Store = St,
    ) -> list[dict]:
        """Board of RRM cases, most urgent first (open cases unless ``include_closed``)."""
        viewer(user)
        with store.session() as s:
            return [case_json(v, full=False) for v in rrm_board.board(s, as_of, soon_days, include_closed, q)]

    @r.get("/rrm/alerts")
    def rrm_alerts(
        as_of: date | None = None, soon_days: int = 7, user=need("viewer"), store: Store = St
    ) -> list[dict]:
        """Overdue and due-soon clocks across open cases."""
        viewer(user)
        with store.session() as s:
            return [
                {"case": a.case_id, "facility": a.facility, **deadline_json(a.deadline)}
                for a in rrm_board.alerts(s, as_of, soon_days)
            ]

    @r.get("/rrm/clocks")
    def rrm_clock_list(user=need("viewer"), store: Store = St) -> list[dict]:
        """Every clock with its rule, verification status and source."""
        viewer(user)
        with store.session() as s:
            return [
                {
                    **asdict(row.clock),
                    "overridden": row.overridden,
                    "default_days": row.default.days,
                    "set_by": row.set_by,
                }
                for row in rrm_clocks.clock_table(s)
            ]

    @r.put("/rrm/clocks/{key}")
    def rrm_clock_set(key: str, body: ClockIn, user=need("admin"), store: Store = St) -> dict:
        """Override an unverified clock (admin)."""
        with store.session() as s:
            row = rrm_clocks.set_clock(s, user, key, body.days, body.business, body.holiday_calendar)
            return {**asdict(row.clock), "overridden": row.overridden}

    @r.post("/rrm", status_code=201)
    def rrm_file(body: PetitionIn, user=need("analyst"), store: Store = St) -> dict:
        """File a petition; its clocks start at once."""
        with store.session() as s:
            p = rrm.file_petition(s, user, **body.model_dump())
            return case_json(rrm_board.case_view(s, p.id))

    @r.post("/rrm/load-real")
    def rrm_load_real(user=need("admin"), store: Store = St) -> dict:
        """Load the 26 real cases shipped with laborlens (admin; idempotent)."""
        with store.session() as s:
            res = load_real_cases(s, user)
            return {"added": res.added, "skipped": res.skipped}

    @r.get("/rrm/{case_id}")
    def rrm_get(case_id: str, as_of: date | None = None, user=need("viewer"), store: Store = St) -> dict:
        """One case: facts, events, every clock and its status."""
        viewer(user)
        with store.session() as s:
            return case_json(rrm_board.case_view(s, case_id, as_of))

    @r.post("/rrm/{case_id}/events", status_code=201)
    def rrm_event(case_id: str, body: RrmEventIn, user=need("analyst"), store: Store = St) -> dict:
        """Append a lifecycle event; send the ``version`` you read (409 if someone wrote since)."""
        data: dict = {}
        if body.milestones:
            data["milestones"] = [m.model_dump() for m in body.milestones]
        if body.milestone:
            data["milestone"] = body.milestone
        with store.session() as s:
            rrm.append_event(
                s,
                user,
                case_id,
                body.kind,
                on=body.on,
                precision=body.precision,
                result=body.result,
                note=body.note,
                data=data,
                expected_version=body.version,
            )
            return case_json(rrm_board.case_view(s, case_id))

    @r.post("/rrm/{case_id}/evidence", status_code=201)
    def rrm_evidence(
        case_id: str,
        request: Request,
        version: int = Form(...),
        file: UploadFile = File(...),
        csrf: str | None = Form(None),
        user=need("analyst"),
        store: Store = St,
    ) -> dict:
        """Upload an evidence file; it is kept under the data folder and recorded by path and SHA-256."""
        require_role(user, "analyst")
        if getattr(request.state, "csrf_deferred", False):  # browser session: token travels in the form
            from laborlens.api.auth import check_csrf

            check_csrf(request, csrf)
        body = file.file.read(MAX_EVIDENCE + 1)
        if len(body) > MAX_EVIDENCE:
            raise InputError("evidence files are limited to 25 MB", column="file")
        import hashlib

        digest = hashlib.sha256(body).hexdigest()
        folder = store.settings.home / "evidence" / "rrm" / _safe_name(case_id)
        private_dir(folder)  # evidence copies: 0700 folders, 0600 files
        path = write_private(folder / f"{digest[:16]}-{_safe_name(file.filename or 'file')}", body)
        with store.session() as s:
            rrm.add_evidence(s, user, case_id, path, expected_version=version, name=file.filename or "")
            return case_json(rrm_board.case_view(s, case_id))

    # Defenders
    def ring(store: Store) -> KeyRing:
        return KeyRing.load(store.settings.home)

    def defender_json(v: dfn.DefenderView) -> dict:
        return {
            **asdict(v.summary),
            "identity": asdict(v.identity) if v.identity else None,
            "may_see_identity": v.may_see_identity,
            "assigned": v.assigned,
            "events": [asdict(e) for e in v.events],
        }

    @r.get("/defenders")
    def defenders_list(q: str = "", user=need("viewer"), store: Store = St) -> list[dict]:
        """Pseudonymous list; ``q`` searches pseudonym or country only."""
        with store.session() as s:
            return [asdict(c) for c in dfn.list_cases(s, user, q)]

    @r.post("/defenders", status_code=201)
    def defenders_open(body: DefenderIn, user=need("analyst"), store: Store = St) -> dict:
        """Open a case (analyst+); the caller is assigned to it. Returns the pseudonym only."""
        ident = dfn.Identity(
            body.name, body.organisation, body.contact, body.narrative, body.sex, body.age_group
        )
        with store.session() as s:
            pid = dfn.open_case(
                s,
                ring(store),
                user,
                ident,
                country=body.country,
                threats=body.threats,
                risk=body.risk,
                consent_to_publicity=body.consent_to_publicity,
                role=body.role,
                sector=body.sector,
            )
            return {"pseudonym": pid, "version": 1}

    @r.get("/defenders/export")
    def defenders_export(format: str = "json", user=need("analyst"), store: Store = St):
        """Redacted export for a partner government (identities only with consent to publicity)."""
        with store.session() as s:
            text = dfn.export_redacted(s, ring(store), user, format)
        media = "application/json" if format == "json" else "text/csv"
        return PlainTextResponse(text, media_type=media)

    @r.get("/defenders/{pseudonym}")
    def defenders_get(pseudonym: str, user=need("viewer"), store: Store = St) -> dict:
        """The case; identity and notes only for assigned staff and admins (each such read is audited)."""
        with store.session() as s:
            return defender_json(dfn.get_case(s, ring(store), user, pseudonym))

    @r.post("/defenders/{pseudonym}/events", status_code=201)
    def defenders_event(
        pseudonym: str, body: DefenderEventIn, user=need("analyst"), store: Store = St
    ) -> dict:
        """Record a threat, action, risk, consent or status change (assigned staff or admins)."""
        if body.version is None:
            raise InputError("send the version you read", column="version")
        with store.session() as s:
            v = dfn.add_event(
                s,
                ring(store),
                user,
                pseudonym,
                body.kind,
                expected_version=body.version,
                on=body.on,
                threat=body.threat,
                perpetrator=body.perpetrator,
                action=body.action,
                support=body.support,
                risk=body.risk,
                consent=body.consent,
                status=body.status,
                note=body.note,
            )
            return {"pseudonym": pseudonym.upper(), "version": v}

    @r.post("/defenders/{pseudonym}/assignments", status_code=201)
    def defenders_assign(pseudonym: str, body: AssignIn, user=need("admin"), store: Store = St) -> dict:
        """Assign a staff member to the case (admin)."""
        with store.session() as s:
            dfn.assign(s, user, pseudonym, body.username)
            return {"pseudonym": pseudonym.upper(), "assigned": body.username}

    @r.delete("/defenders/{pseudonym}/assignments/{username}")
    def defenders_unassign(pseudonym: str, username: str, user=need("admin"), store: Store = St) -> dict:
        """End a staff member's assignment (admin)."""
        with store.session() as s:
            dfn.unassign(s, user, pseudonym, username)
            return {"pseudonym": pseudonym.upper(), "unassigned": username}

    # Missions
    @r.get("/missions")
    def missions_list(as_of: date | None = None, user=need("viewer"), store: Store = St) -> list[dict]:
        """All missions with the engagement phases covered and missing."""
        viewer(user)
        with store.session() as s:
            return [mission_json(g) for g in eng.gaps_report(s, as_of, only_gaps=False)]

    @r.get("/missions/gaps")
    def missions_gaps(as_of: date | None = None, user=need("viewer"), store: Store = St) -> list[dict]:
        """Missions missing a phase of engagement or a key stakeholder group."""
        viewer(user)
        with store.session() as s:
            return [mission_json(g) for g in eng.gaps_report(s, as_of)]

    @r.post("/missions", status_code=201)
    def missions_create(body: MissionIn, user=need("analyst"), store: Store = St) -> dict:
        with store.session() as s:
            m = eng.create_mission(s, user, **body.model_dump())
            return mission_json(eng.mission_gaps(s, m), [])

    @r.get("/missions/{mission_id}")
    def missions_get(
        mission_id: str, as_of: date | None = None, user=need("viewer"), store: Store = St
    ) -> dict:
        viewer(user)
        with store.session() as s:
            m = eng.get_mission(s, mission_id)
            return mission_json(eng.mission_gaps(s, m, as_of), eng.engagements(s, mission_id))

    @r.post("/missions/{mission_id}/engagements", status_code=201)
    def missions_engage(mission_id: str, body: EngagementIn, user=need("analyst"), store: Store = St) -> dict:
        """Record an engagement; send the mission ``version`` you read."""
        with store.session() as s:
            eng.record_engagement(
                s,
                user,
                mission_id,
                stakeholder=body.stakeholder,
                on=body.on,
                summary=body.summary,
                phase=body.phase,
                expected_version=body.version,
            )
            m = eng.get_mission(s, mission_id)
            return mission_json(eng.mission_gaps(s, m), eng.engagements(s, mission_id))

    # Safeguard reviews
    @r.get("/safeguards/checklist")
    def safeguards_checklist(framework: str | None = None, user=need("viewer")) -> list[dict]:
        viewer(user)
        return [{**asdict(i), "weight": i.weight} for i in safeguards.checklist(framework)]

    @r.get("/safeguards")
    def safeguards_list(user=need("viewer"), store: Store = St) -> list[dict]:
        viewer(user)
        from sqlalchemy import select

        from laborlens.cases.models import SafeguardReview

        with store.session() as s:
            ids = s.execute(select(SafeguardReview.id).order_by(SafeguardReview.id)).scalars().all()
            return [review_json(safeguards.summarise(s, i)) for i in ids]

    @r.post("/safeguards", status_code=201)
    def safeguards_create(body: ReviewIn, user=need("analyst"), store: Store = St) -> dict:
        with store.session() as s:
            rv = safeguards.create_review(s, user, **body.model_dump())
            return review_json(safeguards.summarise(s, rv.id))

    @r.get("/safeguards/{review_id}")
    def safeguards_get(review_id: str, user=need("viewer"), store: Store = St) -> dict:
        viewer(user)
        with store.session() as s:
            return review_json(safeguards.summarise(s, review_id))

    @r.post("/safeguards/{review_id}/scores", status_code=201)
    def safeguards_score(review_id: str, body: ScoreIn, user=need("analyst"), store: Store = St) -> dict:
        """Score one checklist item 0-2 with evidence; send the review ``version`` you read."""
        with store.session() as s:
            safeguards.score_item(s, user, review_id, body.item, body.score, body.evidence, body.version)
            return review_json(safeguards.summarise(s, review_id))

    # Progress review
    @r.get("/directives")
    def directives_list(as_of: date | None = None, user=need("viewer"), store: Store = St) -> list[dict]:
        """The 22 directives with their current status, evidence, due date and version."""
        viewer(user)
        t = as_of or date.today()
        with store.session() as s:
            return [
                {
                    **asdict(row.directive),
                    "status": row.status,
                    "evidence": row.evidence,
                    "due_on": row.due_on.isoformat() if row.due_on else None,
                    "version": row.version,
                    "overdue": row.overdue(t),
                    "updated_by": row.actor,
                }
                for row in progress.tracker(s)
            ]

    @r.post("/directives/{no}/updates", status_code=201)
    def directives_update(no: int, body: DirectiveIn, user=need("analyst"), store: Store = St) -> dict:
        """Append a status update; send the directive ``version`` you read."""
        with store.session() as s:
            u = progress.update_directive(s, user, no, body.status, body.evidence, body.due_on, body.version)
            return {"no": no, "status": u.status, "version": u.seq}

    return r
