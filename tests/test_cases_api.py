"""Case-work routes of the application (``api/routes_*``, ``web/pages_*``), called with each persona's API
token: role x route matrix, need-to-know, errors from the app's one table.

Personas: viewer, analyst, admin, ``assigned`` (analyst assigned to the defender case) and ``unassigned``
(analyst whose assignment was revoked). Writes send the current ``version`` so each can be repeated.
"""

from __future__ import annotations

import hashlib
import os
from types import SimpleNamespace

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from laborlens.accounts import Principal, add_user, create_token
from laborlens.api import create_app
from laborlens.api.deps import route_roles
from laborlens.cases import defenders as dfn
from laborlens.cases.crypto import KEY_ENV, KeyRing
from laborlens.cases.models import DefenderCase, Mission, RrmPetition, SafeguardReview
from laborlens.cases.rrm.real import load_real_cases
from laborlens.settings import Settings
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


ROOT = Principal(0, "admin", "admin", "test")
TOKENS: dict[str, str] = {}


def H(persona: str) -> dict[str, str]:
    """The persona's credentials: a bearer API token (as a script would send)."""
    return {"Authorization": f"Bearer {TOKENS[persona]}"}


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    with pytest.MonkeyPatch.context() as mp:
        mp.delenv(KEY_ENV, raising=False)
        home = tmp_path_factory.mktemp("api-home")
        app = create_app(Settings(home=home, db=None))
        store = app.state.store
        with store.session() as s:
            for n, r in ROLES.items():
                TOKENS[n] = create_token(s, add_user(s, n, "correct-horse-battery", r), "test")
            load_real_cases(s, ROOT)
            ring = KeyRing.load(home)
            pid = dfn.open_case(
                s,
                ring,
                ROOT,
                dfn.Identity(NAME, "Union Z"),
                country="Honduras",
                threats=["violence"],
                risk="high",
            )
            for n in ("assigned", "unassigned"):
                dfn.assign(s, ROOT, pid, n)
            dfn.unassign(s, ROOT, pid, "unassigned")
        client = TestClient(app, follow_redirects=False)
        # a mission and a review to address
        hdr = H("admin")
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
        yield SimpleNamespace(client=client, store=store, pid=pid, home=home, app=app)


def _version(env, model, key) -> int:
    with env.store.session() as s:
        return s.execute(select(model.version).where(model.id == key)).scalar_one()


def _defender_version(env) -> int:
    with env.store.session() as s:
        return s.execute(select(DefenderCase.version).where(DefenderCase.pseudonym == env.pid)).scalar_one()


def _directive_version(env) -> int:
    r = env.client.get("/api/cases/directives", headers=H("admin"))
    return r.json()[0]["version"]


def _ensure_spare(env) -> None:
    with env.store.session() as s:
        dfn.assign(s, ROOT, env.pid, "spare")


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
    ("defenders search", "POST", "/api/cases/defenders/search", lambda e: {"json": {"q": "hondu"}}, ALL),
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
    ("defender reveal", "POST", "/api/cases/defenders/{pid}/reveal", lambda e: {}, NEED_TO_KNOW),
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
    r = env.client.request(method, url, headers=H(persona), **kwargs(env))
    if persona in allowed:
        assert r.status_code in (200, 201), (r.status_code, r.text)
    else:
        assert r.status_code == 403, (r.status_code, r.text)
        if name.startswith("page"):
            assert "Not allowed" in r.text and "needs the" in r.text  # the app's error page
        else:
            assert r.json()["error"] == {
                "status": 403,
                "message": r.json()["error"]["message"],
                "kind": "Forbidden",
            }
    assert NAME not in r.text or (persona in NEED_TO_KNOW and "defender" in name and "export" not in name)


def test_pages_link_their_stylesheet(env) -> None:
    page = env.client.get("/cases/rrm", headers=H("viewer"))
    assert '<link rel="stylesheet" href="/static/app.css' in page.text and "<style>" not in page.text
    assert "cases.css" not in page.text  # one stylesheet for the whole app
    assert 'class="topbar"' in page.text and 'href="/cases/rrm" aria-current="page"' in page.text
    css = env.client.get("/static/app.css")
    assert css.status_code == 200 and css.headers["content-type"].startswith("text/css")


@pytest.mark.parametrize("persona", PERSONAS)
def test_identity_only_for_need_to_know(env, persona) -> None:
    with env.store.session() as s:
        before = len(
            s.execute(select(AuditEvent.id).where(AuditEvent.action == "defender.identity.read")).all()
        )
    plain = env.client.get(f"/api/cases/defenders/{env.pid}", headers=H(persona)).json()
    assert plain["identity"] is None and plain["may_see_identity"] is (persona in NEED_TO_KNOW)
    assert NAME not in env.client.get(f"/cases/defenders/{env.pid}", headers=H(persona)).text
    revealed = env.client.post(f"/api/cases/defenders/{env.pid}/reveal", headers=H(persona))
    api_r = revealed.json() if revealed.status_code == 200 else {"identity": None, "may_see_identity": False}
    page = env.client.post(f"/cases/defenders/{env.pid}/reveal", headers=H(persona))
    with env.store.session() as s:
        after = len(
            s.execute(select(AuditEvent.id).where(AuditEvent.action == "defender.identity.read")).all()
        )
    if persona in NEED_TO_KNOW:
        assert api_r["identity"]["name"] == NAME and NAME in page.text
        assert after - before == 2  # one audited read per reveal, none for the plain reads
    else:
        assert revealed.status_code == page.status_code == 403
        assert api_r["identity"] is None and api_r["may_see_identity"] is False and NAME not in page.text
        assert after == before
    assert page.headers["cache-control"] == "no-store"


# Least role per case-work route, as the routes must declare it (their ``*Ctx`` dependency, read back by
# ``route_roles``). Defender writes also need the caller assigned to the case (or an admin).
EXPECTED_ROLES = {
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
    ("POST", "/api/cases/defenders/search"): "viewer",
    ("POST", "/api/cases/defenders"): "analyst",
    ("GET", "/api/cases/defenders/export"): "analyst",
    ("GET", "/api/cases/defenders/{pseudonym}"): "viewer",
    ("POST", "/api/cases/defenders/{pseudonym}/reveal"): "viewer",  # need-to-know: the library's
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
    **{("GET", f"/cases{p}"): "viewer" for p in (
        "/rrm", "/rrm/{case_id}", "/defenders", "/defenders/{pseudonym}", "/missions",
        "/missions/{mission_id}", "/safeguards", "/safeguards/{review_id}", "/review",
        "/review/directives/{no}")},
    **{("POST", f"/cases{p}"): role for p, role in {
        "/rrm": "analyst", "/rrm/{case_id}/events": "analyst", "/rrm/{case_id}/evidence": "analyst",
        "/defenders": "analyst", "/defenders/search": "viewer", "/defenders/{pseudonym}/reveal": "viewer",
        "/defenders/{pseudonym}/events": "analyst",
        "/defenders/{pseudonym}/assignments": "admin", "/defenders/{pseudonym}/assignments/end": "admin",
        "/missions": "analyst", "/missions/{mission_id}/engagements": "analyst", "/safeguards": "analyst",
        "/safeguards/{review_id}/scores": "analyst", "/review/directives/{no}/updates": "analyst"}.items()},
}


def test_route_roles_list_every_route(env) -> None:
    assert route_roles(env.app.routes, ("/api/cases", "/cases")) == EXPECTED_ROLES


def test_unauthenticated_is_refused(env) -> None:
    assert env.client.get("/api/cases/rrm").status_code == 401


def test_stale_version_is_409(env) -> None:
    hdr = H("analyst")
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
    hdr = H("admin")
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
        headers=H("analyst"),
        json={"facility": "Mina Sur", "sector": "silver mine", "filed_on": "2026-11-20"},
    )
    body = r.json()
    assert r.status_code == 201 and body["sector"] == "mining" and body["version"] == 1
    ilc = next(d for d in body["deadlines"] if d["clock"] == "ilc_determination")
    assert ilc["due"] == "2026-12-20" and ilc["verified"] is True


def test_defender_search_is_a_post_and_never_reads_the_url(env) -> None:
    found = env.client.post("/api/cases/defenders/search", headers=H("viewer"), json={"q": "hondu"}).json()
    assert [c["pseudonym"] for c in found] == [env.pid]
    none = env.client.post("/api/cases/defenders/search", headers=H("viewer"), json={"q": NAME}).json()
    assert none == []  # identities are sealed: a name finds nothing
    everything = env.client.get("/api/cases/defenders", headers=H("viewer"), params={"q": "no-such-country"})
    assert [c["pseudonym"] for c in everything.json()] == [c["pseudonym"] for c in
                                                           env.client.get("/api/cases/defenders",
                                                                          headers=H("viewer")).json()]


def test_export_is_limited_to_the_callers_cases(env) -> None:
    unassigned = env.client.get("/api/cases/defenders/export", headers=H("unassigned")).json()
    assigned = env.client.get("/api/cases/defenders/export", headers=H("assigned")).json()
    assert env.pid not in {r["case"] for r in unassigned["cases"]}
    assert env.pid in {r["case"] for r in assigned["cases"]}


def test_redacted_export_over_api(env) -> None:
    r = env.client.get("/api/cases/defenders/export?format=csv", headers=H("admin"))
    assert r.status_code == 200 and env.pid in r.text and NAME not in r.text and "Union Z" not in r.text


def test_low_roles_get_403_before_body_validation(env) -> None:
    """The route's role dependency runs first: role, then the body."""
    c = env.client
    assert c.post("/api/cases/rrm", headers=H("viewer"), json={}).status_code == 403
    assert c.post("/api/cases/rrm", headers=H("analyst"), json={}).status_code == 422
    assert c.put("/api/cases/rrm/clocks/x", headers=H("analyst")).status_code == 403
    assert c.get("/api/cases/rrm/RRM-R01", headers=H("viewer")).status_code == 200


def test_a_3_mib_evidence_upload_over_the_api_is_kept_and_hashed(env) -> None:
    body = os.urandom(3 * 1024 * 1024)
    v = _version(env, RrmPetition, "RRM-R21")
    r = env.client.post("/api/cases/rrm/RRM-R21/evidence", headers=H("analyst"), data={"version": str(v)},
                        files={"file": ("payroll scan.pdf", body, "application/pdf")})
    assert r.status_code == 201, r.text
    kept = r.json()["evidence"][-1]
    digest = hashlib.sha256(body).hexdigest()
    assert kept["sha256"] == digest and kept["size"] == len(body) and kept["name"] == "payroll scan.pdf"
    with open(kept["path"], "rb") as fh:
        assert fh.read() == body and str(env.home) in kept["path"]
    assert not list((env.home / "evidence" / ".incoming").glob("*/*"))  # the streamed temp file was moved
    stale = env.client.post("/api/cases/rrm/RRM-R21/evidence", headers=H("analyst"), data={"version": str(v)},
                            files={"file": ("again.pdf", b"x", "application/pdf")})
    assert stale.status_code == 409 and stale.json()["error"]["kind"] == "Conflict"


def test_evidence_over_the_limit_is_413(env) -> None:
    v = _version(env, RrmPetition, "RRM-R21")
    big = b"\0" * (25 * 1024 * 1024 + 1)
    r = env.client.post("/api/cases/rrm/RRM-R21/evidence", headers=H("analyst"), data={"version": str(v)},
                        files={"file": ("big.bin", big, "application/octet-stream")})
    assert r.status_code == 413 and "limit" in r.json()["error"]["message"]
    assert _version(env, RrmPetition, "RRM-R21") == v  # nothing recorded
