"""Role x route authorisation matrix over every route the app has.

``RULES`` names the least role each route needs. The test enumerates ``app.routes``: a route added without a
rule here fails, and so does a rule whose route is gone. Each route is then called as a stranger and as each
role: strangers get 401 (API) or a redirect to the sign-in page (pages), roles below the rule get 403, and
roles at or above it get past authorisation (any status but 401/403, and never a 5xx)."""

from __future__ import annotations

import itertools

import pytest
from fastapi.testclient import TestClient
from webapp_helpers import accounts_by_role, bearer, browser, demo_files, make_app, route_table, wait_done

from laborlens.accounts import ROLES

PUBLIC = "public"
RULES: dict[tuple[str, str], str] = {
    # API
    ("GET", "/api/me"): "viewer",
    ("POST", "/api/screen/name"): "viewer",
    ("POST", "/api/screen/batch"): "viewer",
    ("GET", "/api/lists"): "viewer",
    ("POST", "/api/lists/{list_name}/import"): "admin",
    ("POST", "/api/lists/{list_name}/rollback"): "admin",
    ("GET", "/api/jobs"): "viewer",
    ("POST", "/api/jobs"): "analyst",
    ("GET", "/api/jobs/{job_id}"): "viewer",
    ("GET", "/api/jobs/{job_id}/verdicts"): "viewer",
    ("GET", "/api/jobs/{job_id}/verdicts.{fmt}"): "viewer",
    ("GET", "/api/jobs/{job_id}/verdicts/{shipment_id}"): "viewer",
    ("GET", "/api/jobs/{job_id}/findings"): "viewer",
    ("GET", "/api/jobs/{job_id}/parties/{party_id}"): "viewer",
    ("GET", "/api/jobs/{job_id}/files/{name}"): "viewer",
    ("GET", "/api/jobs/{job_id}/evidence.zip"): "viewer",
    ("POST", "/api/decisions"): "analyst",
    ("GET", "/api/decisions"): "viewer",
    ("GET", "/api/audit"): "admin",
    ("GET", "/api/audit/export"): "admin",
    ("GET", "/api/users"): "admin",
    ("POST", "/api/users"): "admin",
    ("GET", "/api/jobs/{job_id}/findings.ftm.json"): "viewer",
    ("POST", "/api/jobs/{job_id}/cancel"): "analyst",
    ("POST", "/api/jobs/{job_id}/retry"): "analyst",
    ("POST", "/api/yente/match/{dataset}"): "viewer",
    ("GET", "/api/yente/search/{dataset}"): "viewer",
    ("GET", "/api/yente/entities/{entity_id}"): "viewer",
    ("GET", "/api/yente/datasets/{dataset}/entities.ftm.json"): "viewer",
    ("GET", "/openapi.json"): PUBLIC,
    ("POST", "/api/session"): PUBLIC,
    ("POST", "/api/session/totp"): PUBLIC,  # needs a pending session, not a role
    ("POST", "/api/session/signout"): "viewer",
    ("POST", "/api/session/password"): "viewer",
    # pages
    ("GET", "/signin"): PUBLIC,
    ("POST", "/signin"): PUBLIC,
    ("POST", "/signout"): PUBLIC,  # needs the session's CSRF token, not a role
    ("GET", "/signin/totp"): PUBLIC,  # answers only a pending session
    ("POST", "/signin/totp"): PUBLIC,
    ("GET", "/"): "viewer",
    ("GET", "/check"): "viewer",
    ("GET", "/upload"): "analyst",
    ("POST", "/upload"): "analyst",
    ("GET", "/jobs/{job_id}"): "viewer",
    ("GET", "/jobs/{job_id}/shipments/{shipment_id}"): "viewer",
    ("GET", "/jobs/{job_id}/parties/{party_id}"): "viewer",
    ("POST", "/decisions"): "analyst",
    ("GET", "/lists"): "viewer",
    ("POST", "/lists/import"): "admin",
    ("POST", "/lists/{list_name}/rollback"): "admin",
    ("GET", "/audit"): "admin",
    ("GET", "/users"): "admin",
    ("POST", "/users"): "admin",
    ("GET", "/static"): PUBLIC,  # the mount: CSS, JS, icon
}
# Case work: the same table its own tests hold the routes to.
from test_cases_api import EXPECTED_ROLES as _CASE_RULES  # noqa: E402

RULES.update(_CASE_RULES)
# The review loop declares its least role per route next to the routes.
from laborlens.api import routes_review as _review_api  # noqa: E402
from laborlens.web import pages_review as _review_web  # noqa: E402

RULES.update({**_review_api.ROUTE_ROLES, **_review_web.ROUTE_ROLES})
from laborlens.api import docs as _docs  # noqa: E402

RULES.update({k: PUBLIC for k in _docs.ROUTE_ROLES})
# Grievances too (staff API and pages; the public intake needs no role)
from laborlens.api import routes_grievances as _gr_api  # noqa: E402
from laborlens.web import pages_grievances as _gr_web  # noqa: E402
from laborlens.web import public_report as _gr_public  # noqa: E402

RULES.update({k: (PUBLIC if v == "public" else v) for k, v in
              {**_gr_api.ROUTE_ROLES, **_gr_web.ROUTE_ROLES, **_gr_public.ROUTE_ROLES}.items()})
_user_names = (f"user{i}" for i in itertools.count())


@pytest.fixture()
def world(settings):
    app = make_app(settings)
    users = accounts_by_role(app)
    with TestClient(app) as c:
        job_id = c.post("/api/jobs", files=demo_files(), headers=bearer(users, "analyst")).json()["id"]
        assert wait_done(c, job_id, bearer(users, "analyst"))["status"] == "done"
        yield app, users, job_id


def test_every_route_has_a_rule(settings):
    app = make_app(settings)
    routes = route_table(app)
    assert routes - RULES.keys() == set(), "routes without an authorisation rule: add them to RULES"
    assert RULES.keys() - routes == set(), "rules for routes that no longer exist"


def _request(path: str, method: str, job_id: str) -> dict:
    """A plausible request for the route: real ids, a small valid body."""
    url = (path.replace("{job_id}", job_id).replace("{shipment_id}", "SH1").replace("{party_id}", "S3")
           .replace("{name}", "verdicts.csv").replace("{list_name}", "uflpa")
           .replace("{dataset}", "default").replace("{entity_id}", "uflpa-001").replace("{fmt}", "csv"))
    if url == "/static":
        url = "/static/app.css"
    kw: dict = {}
    if method == "POST":
        bodies = {
            "/api/screen/name": {"json": {"name": "Hoshine Silicon"}},
            "/api/screen/batch": {"json": {"names": [{"name": "Hoshine Silicon"}]}},
            "/api/yente/match/default": {"json": {"queries": {"q": {"schema": "Company",
                                                                      "properties": {"name": ["Hoshine"]}}}}},
            "/api/decisions": {"json": {"party_name": "A", "entity_id": "uflpa-001", "list_name": "uflpa",
                                        "verdict": "dismissed"}},
            "/api/users": {"json": {"username": next(_user_names), "password": "a long password",
                                    "role": "viewer"}},
            "/api/jobs": {"files": demo_files()},
            "/upload": {"files": demo_files()},
            "/api/lists/uflpa/import": {"files": {"file": ("x.csv", b"name\nExample Co\n", "text/csv")}},
            "/lists/import": {"files": {"file": ("x.csv", b"name\nExample Co\n", "text/csv")},
                              "data": {"list_name": "acme"}},
            "/decisions": {"data": {"party_name": "A", "entity_id": "uflpa-001", "list_name": "uflpa",
                                    "verdict": "dismissed"}},
            "/users": {"data": {"username": next(_user_names), "password": "a long password", "role": "viewer"}},
            "/signin": {"data": {"username": "nobody", "password": "x"}},
        }
        kw = bodies.get(url, {"data": {}})
    return {"url": url, **kw}


@pytest.mark.parametrize("who", ("stranger",) + ROLES)
def test_role_by_route_matrix(world, who):
    app, users, job_id = world
    failures = []
    if who == "stranger":
        api = TestClient(app, follow_redirects=False)
        pages, token = api, ""
    else:
        api = TestClient(app, follow_redirects=False, headers=bearer(users, who))
        pages, token = browser(app, who, users)
    # Signing out ends the session the later page requests rely on, so it goes last.
    for (method, path), needed in sorted(RULES.items(), key=lambda kv: kv[0] == ("POST", "/signout")):
        is_api = path.startswith("/api") or path == "/openapi.json"
        client = api if is_api else pages
        req = _request(path, method, job_id)
        if method == "POST" and not is_api and token:
            req = {**req, "data": {**req.get("data", {}), "csrf": token}}
        r = client.request(method, **req)
        allowed = needed == PUBLIC or (who != "stranger" and ROLES.index(who) >= ROLES.index(needed))
        if r.status_code >= 500:
            failures.append(f"{method} {path}: {r.status_code}")
        elif needed == PUBLIC:
            continue
        elif who == "stranger":
            expected_ok = (r.status_code == 401) if is_api else (
                r.status_code == 303 and r.headers["location"].startswith("/signin"))
            if not expected_ok:
                failures.append(f"{method} {path}: stranger got {r.status_code}")
        elif not allowed and r.status_code != 403:
            failures.append(f"{method} {path}: {who} got {r.status_code}, expected 403 (needs {needed})")
        elif allowed and r.status_code in (401, 403):
            failures.append(f"{method} {path}: {who} got {r.status_code} but may use it ({needed})")
    assert not failures, "\n".join(failures)
