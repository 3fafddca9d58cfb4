"""Case-work routers mounted on a bare FastAPI app with a fake ``get_user``: role x route matrix.

Personas: viewer, analyst, admin, ``assigned`` (analyst assigned to the defender case) and ``unassigned``
(analyst whose assignment was revoked). Writes send the current ``version`` so each can be repeated.
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from fastapi import FastAPI, Header, HTTPException
from fastapi.responses import PlainTextResponse
from fastapi.testclient import TestClient
from sqlalchemy import select

from laborlens.accounts import add_user
from laborlens.cases import api, web
from laborlens.cases import defenders as dfn
from laborlens.cases.crypto import KEY_ENV, KeyRing
from laborlens.cases.models import DefenderCase, Mission, RrmPetition, SafeguardReview
from laborlens.cases.rrm_real import load_real_cases
from laborlens.errors import LaborlensError
from laborlens.settings import Settings
from laborlens.store import open_store
from laborlens.store.models import AuditEvent

ROLES = {
    "viewer": "viewer",
    "analyst": "analyst",
    "admin": "admin",
    "assigned": "analyst",
    "unassigned": "analyst",
    "spare": "viewer",
}
PERSONAS = ("viewer", "analyst", "admin", "assigned", "unassigned")
NAME = "Quetzalli Brightwater-Oyelaran"


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    with pytest.MonkeyPatch.context() as mp:
        mp.delenv(KEY_ENV, raising=False)
        home = tmp_path_factory.mktemp("api-home")
        store = open_store(Settings(home=home, db=None))
        admin = SimpleNamespace(username="admin", role="admin")
        with store.session() as s:
            for n, r in ROLES.items():
                add_user(s, n, "correct-horse-battery", r)
            load_real_cases(s, admin)
            ring = KeyRing.load(home)
            pid = dfn.open_case(
                s,
                ring,
                admin,
                dfn.Identity(NAME, "Union Z"),
                country="Honduras",
                threats=["violence"],
                risk="high",
            )
            for n in ("assigned", "unassigned"):
                dfn.assign(s, admin, pid, n)
            dfn.unassign(s, admin, pid, "unassigned")
        app = FastAPI()

        @app.exception_handler(LaborlensError)
        async def _pages(request, exc: LaborlensError):  # stands in for the app-wide handler
            return PlainTextResponse(f"{type(exc).__name__}: {exc}", status_code=exc.http_status)

        def get_user(x_user: str | None = Header(default=None)):
            if x_user not in ROLES:
                raise HTTPException(401, "sign in")
            return SimpleNamespace(username=x_user, role=ROLES[x_user])

        app.include_router(api.make_router(get_user, lambda: store))
        app.include_router(web.make_router(get_user, lambda: store))
        client = TestClient(app)
        # a mission and a review to address
        hdr = {"X-User": "admin"}
        assert (
            client.post(
                "/api/cases/missions",
                headers=hdr,
                json={"title": "Ministerial", "starts_on": "2026-03-01", "ends_on": "2026-03-02"},
            ).status_code
            == 201
        )
        assert (
            client.post(
                "/api/cases/safeguards",
                headers=hdr,
                json={"project": "Port", "bank": "IFC", "framework": "PS2"},
            ).status_code
            == 201
        )
        yield SimpleNamespace(client=client, store=store, pid=pid, home=home)


def _version(env, model, key) -> int:
    with env.store.session() as s:
        return s.execute(select(model.version).where(model.id == key)).scalar_one()


def _defender_version(env) -> int:
    with env.store.session() as s:
        return s.execute(select(DefenderCase.version).where(DefenderCase.pseudonym == env.pid)).scalar_one()


def _directive_version(env) -> int:
    r = env.client.get("/api/cases/directives", headers={"X-User": "admin"})
    return r.json()[0]["version"]


def _ensure_spare(env) -> None:
    with env.store.session() as s:
        dfn.assign(s, SimpleNamespace(username="admin", role="admin"), env.pid, "spare")


ALL = set(PERSONAS)
ANALYSTS = {"analyst", "admin", "assigned", "unassigned"}
ADMIN = {"admin"}
NEED_TO_KNOW = {"admin", "assigned"}

# (name, method, path, request kwargs factory, personas allowed)
ROUTES = [
    ("rrm board", "GET", "/api/cases/rrm", lambda e: {}, ALL),
    ("rrm alerts", "GET", "/api/cases/rrm/alerts?as_of=2026-11-25", lambda e: {}, ALL),
    ("rrm clocks", "GET", "/api/cases/rrm/clocks", lambda e: {}, ALL),
    (
        "rrm clock set",
        "PUT",
        "/api/cases/rrm/clocks/panel_constitution",
        lambda e: {"json": {"days": 4}},
        ADMIN,
    ),
    (
        "rrm file",
        "POST",
        "/api/cases/rrm",
        lambda e: {"json": {"facility": "Planta", "sector": "mining", "filed_on": "2026-11-02"}},
        ANALYSTS,
    ),
    ("rrm load real", "POST", "/api/cases/rrm/load-real", lambda e: {}, ADMIN),
    ("rrm case", "GET", "/api/cases/rrm/RRM-R18", lambda e: {}, ALL),
    (
        "rrm event",
        "POST",
        "/api/cases/rrm/RRM-R18/events",
        lambda e: {
            "json": {"kind": "note", "note": "checked", "version": _version(e, RrmPetition, "RRM-R18")}
        },
        ANALYSTS,
    ),
    (
        "rrm evidence",
        "POST",
        "/api/cases/rrm/RRM-R18/evidence",
        lambda e: {
            "data": {"version": str(_version(e, RrmPetition, "RRM-R18"))},
            "files": {"file": ("statement.txt", b"worker statement", "text/plain")},
        },
        ANALYSTS,
    ),
    ("defenders list", "GET", "/api/cases/defenders", lambda e: {}, ALL),
    (
        "defender open",
        "POST",
        "/api/cases/defenders",
        lambda e: {
            "json": {"name": "Another Person", "country": "Peru", "threats": ["arrest"], "risk": "low"}
        },
        ANALYSTS,
    ),
    ("defenders export", "GET", "/api/cases/defenders/export", lambda e: {}, ANALYSTS),
    ("defender case", "GET", "/api/cases/defenders/{pid}", lambda e: {}, ALL),
    (
        "defender event",
        "POST",
        "/api/cases/defenders/{pid}/events",
        lambda e: {"json": {"kind": "action", "action": "demarche", "version": _defender_version(e)}},
        NEED_TO_KNOW,
    ),
    (
        "defender assign",
        "POST",
        "/api/cases/defenders/{pid}/assignments",
        lambda e: {"json": {"username": "spare"}},
        ADMIN,
    ),
    (
        "defender unassign",
        "DELETE",
        "/api/cases/defenders/{pid}/assignments/spare",
        lambda e: _ensure_spare(e) or {},
        ADMIN,
    ),
    ("missions", "GET", "/api/cases/missions", lambda e: {}, ALL),
    ("mission gaps", "GET", "/api/cases/missions/gaps", lambda e: {}, ALL),
    (
        "mission create",
        "POST",
        "/api/cases/missions",
        lambda e: {"json": {"title": "Talks", "starts_on": "2026-05-01", "ends_on": "2026-05-02"}},
        ANALYSTS,
    ),
    ("mission", "GET", "/api/cases/missions/MIS-0001", lambda e: {}, ALL),
    (
        "mission engage",
        "POST",
        "/api/cases/missions/MIS-0001/engagements",
        lambda e: {
            "json": {
                "stakeholder": "workers",
                "on": "2026-03-01",
                "version": _version(e, Mission, "MIS-0001"),
            }
        },
        ANALYSTS,
    ),
    ("safeguard checklist", "GET", "/api/cases/safeguards/checklist", lambda e: {}, ALL),
    ("safeguards", "GET", "/api/cases/safeguards", lambda e: {}, ALL),
    (
        "safeguard create",
        "POST",
        "/api/cases/safeguards",
        lambda e: {"json": {"project": "Dam", "bank": "World Bank", "framework": "ESS2"}},
        ANALYSTS,
    ),
    ("safeguard review", "GET", "/api/cases/safeguards/SGR-0001", lambda e: {}, ALL),
    (
        "safeguard score",
        "POST",
        "/api/cases/safeguards/SGR-0001/scores",
        lambda e: {
            "json": {
                "item": "retrenchment",
                "score": 1,
                "evidence": "plan p.4",
                "version": _version(e, SafeguardReview, "SGR-0001"),
            }
        },
        ANALYSTS,
    ),
    ("directives", "GET", "/api/cases/directives", lambda e: {}, ALL),
    (
        "directive update",
        "POST",
        "/api/cases/directives/1/updates",
        lambda e: {
            "json": {"status": "in_progress", "evidence": "cable sent", "version": _directive_version(e)}
        },
        ANALYSTS,
    ),
    ("page rrm", "GET", "/cases/rrm", lambda e: {}, ALL),
    ("page rrm case", "GET", "/cases/rrm/RRM-R17", lambda e: {}, ALL),
    ("page defenders", "GET", "/cases/defenders", lambda e: {}, ALL),
    ("page defender", "GET", "/cases/defenders/{pid}", lambda e: {}, ALL),
    ("page missions", "GET", "/cases/missions", lambda e: {}, ALL),
    ("page safeguards", "GET", "/cases/safeguards", lambda e: {}, ALL),
    ("page safeguard", "GET", "/cases/safeguards/SGR-0001", lambda e: {}, ALL),
    ("page review", "GET", "/cases/review", lambda e: {}, ALL),
]


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("name,method,path,kwargs,allowed", ROUTES, ids=[r[0] for r in ROUTES])
def test_role_route_matrix(env, persona, name, method, path, kwargs, allowed) -> None:
    url = path.format(pid=env.pid)
    r = env.client.request(method, url, headers={"X-User": persona}, **kwargs(env))
    if persona in allowed:
        assert r.status_code in (200, 201), (r.status_code, r.text)
    else:
        assert r.status_code == 403, (r.status_code, r.text)
        if name.startswith("page"):
            assert "Forbidden" in r.text
        else:
            assert r.json()["error"] == {
                "status": 403,
                "message": r.json()["error"]["message"],
                "kind": "Forbidden",
            }
    assert NAME not in r.text or (persona in NEED_TO_KNOW and "defender" in name and "export" not in name)


def test_pages_link_their_stylesheet(env) -> None:
    page = env.client.get("/cases/rrm", headers={"X-User": "viewer"})
    assert '<link rel="stylesheet" href="/cases/cases.css">' in page.text and "<style>" not in page.text
    css = env.client.get("/cases/cases.css")
    assert css.status_code == 200 and css.headers["content-type"].startswith("text/css")


@pytest.mark.parametrize("persona", PERSONAS)
def test_identity_only_for_need_to_know(env, persona) -> None:
    with env.store.session() as s:
        before = len(
            s.execute(select(AuditEvent.id).where(AuditEvent.action == "defender.identity.read")).all()
        )
    api_r = env.client.get(f"/api/cases/defenders/{env.pid}", headers={"X-User": persona}).json()
    page = env.client.get(f"/cases/defenders/{env.pid}", headers={"X-User": persona})
    with env.store.session() as s:
        after = len(
            s.execute(select(AuditEvent.id).where(AuditEvent.action == "defender.identity.read")).all()
        )
    if persona in NEED_TO_KNOW:
        assert api_r["identity"]["name"] == NAME and NAME in page.text
        assert after - before == 2  # one audited read per view
    else:
        assert api_r["identity"] is None and api_r["may_see_identity"] is False and NAME not in page.text
        assert after == before
    assert page.headers["cache-control"] == "no-store"


def test_route_roles_list_every_route() -> None:
    from fastapi.routing import iter_route_contexts

    app = FastAPI()
    app.include_router(api.make_router(lambda: None))
    app.include_router(web.make_router(lambda: None))
    routes = {
        (m, ctx.path)
        for ctx in iter_route_contexts(app.routes)
        if ctx.path.startswith(("/api/cases", "/cases"))
        for m in getattr(ctx.original_route, "methods", None) or ()
        if m != "HEAD"
    }
    assert routes == set(api.ROUTE_ROLES) | set(web.ROUTE_ROLES)


def test_unauthenticated_is_refused(env) -> None:
    assert env.client.get("/api/cases/rrm").status_code == 401


def test_stale_version_is_409(env) -> None:
    hdr = {"X-User": "analyst"}
    v = env.client.get("/api/cases/rrm/RRM-R20", headers=hdr).json()["version"]
    ok = env.client.post(
        "/api/cases/rrm/RRM-R20/events", headers=hdr, json={"kind": "note", "note": "a", "version": v}
    )
    assert ok.status_code == 201 and ok.json()["version"] == v + 1
    stale = env.client.post(
        "/api/cases/rrm/RRM-R20/events", headers=hdr, json={"kind": "note", "note": "b", "version": v}
    )
    assert stale.status_code == 409 and stale.json()["error"]["kind"] == "Conflict"


def test_errors_map_to_statuses(env) -> None:
    hdr = {"X-User": "admin"}
    c = env.client
    assert c.get("/api/cases/rrm/RRM-NOPE", headers=hdr).status_code == 404
    r = c.post(
        "/api/cases/rrm",
        headers=hdr,
        json={"facility": "Finca", "sector": "agriculture", "filed_on": "2026-11-02"},
    )
    assert r.status_code == 422 and "Priority Sector" in r.json()["error"]["message"]
    assert c.get("/api/cases/defenders/DEF-0000", headers=hdr).status_code == 404
    # a bad defender body never echoes the identity back
    r = c.post("/api/cases/defenders", headers=hdr, json={"name": NAME, "threats": ["arrest"], "risk": "low"})
    assert r.status_code == 422 and NAME not in r.text
    r = c.post(
        "/api/cases/defenders",
        headers=hdr,
        json={"name": NAME, "country": "Peru", "threats": "arrest", "risk": 5},
    )
    assert r.status_code == 422 and NAME not in r.text


def test_new_petition_over_api_shows_its_clock(env) -> None:
    r = env.client.post(
        "/api/cases/rrm",
        headers={"X-User": "analyst"},
        json={"facility": "Mina Sur", "sector": "silver mine", "filed_on": "2026-11-20"},
    )
    body = r.json()
    assert r.status_code == 201 and body["sector"] == "mining" and body["version"] == 1
    ilc = next(d for d in body["deadlines"] if d["clock"] == "ilc_determination")
    assert ilc["due"] == "2026-12-20" and ilc["verified"] is True


def test_redacted_export_over_api(env) -> None:
    r = env.client.get("/api/cases/defenders/export?format=csv", headers={"X-User": "admin"})
    assert r.status_code == 200 and env.pid in r.text and NAME not in r.text and "Union Z" not in r.text


def test_with_a_require_factory_low_roles_get_403_before_body_validation(env) -> None:
    """Mounted the way the app does (``require=laborlens.api.auth.require``): role first, then the body."""
    from laborlens.accounts import ROLES as ORDER
    from laborlens.accounts import Forbidden

    def require(role: str):
        def dep(x_user: str | None = Header(default=None)):
            if x_user not in ROLES:
                raise HTTPException(401, "sign in")
            if ORDER.index(ROLES[x_user]) < ORDER.index(role):
                raise Forbidden(f"this needs the {role} role")
            return SimpleNamespace(username=x_user, role=ROLES[x_user])

        return dep

    app = FastAPI()
    app.include_router(api.make_router(lambda: None, lambda: env.store, require=require))
    c = TestClient(app)
    assert c.post("/api/cases/rrm", headers={"X-User": "viewer"}, json={}).status_code == 403
    assert c.post("/api/cases/rrm", headers={"X-User": "analyst"}, json={}).status_code == 422
    assert c.put("/api/cases/rrm/clocks/x", headers={"X-User": "analyst"}).status_code == 403
    assert c.get("/api/cases/rrm/RRM-R01", headers={"X-User": "viewer"}).status_code == 200
