"""The pages through TestClient: sign-in (CSRF, throttling, safe redirects), what each role sees, forms that
write (decisions, uploads, list imports, users) and the page-level protections (escaping, headers, no CDN).

Fixtures: ``app`` (jobs run ``webapp_helpers.fake_screen``), ``users`` (one account per role), ``job`` (a
finished job id)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from webapp_helpers import (
    PASSWORD,
    accounts_by_role,
    bearer,
    browser,
    csrf_of,
    demo_files,
    fake_result,
    make_app,
    wait_done,
)

from laborlens import audit

WEB = Path(__file__).resolve().parents[1] / "src" / "laborlens" / "web"


@pytest.fixture()
def app(settings) -> FastAPI:
    return make_app(settings)


@pytest.fixture()
def users(app: FastAPI) -> dict:
    return accounts_by_role(app)


@pytest.fixture()
def job(app: FastAPI, users: dict) -> Iterator[str]:
    with TestClient(app) as c:
        job_id = c.post("/api/jobs", files=demo_files(), headers=bearer(users, "analyst")).json()["id"]
        assert wait_done(c, job_id, bearer(users, "analyst"))["status"] == "done"
        yield job_id


def _anonymous(app: FastAPI) -> tuple[TestClient, str]:
    c = TestClient(app, follow_redirects=False)
    return c, csrf_of(c.get("/signin").text)


# --- signing in and out ----------------------------------------------------------------------------------

def test_pages_send_strangers_to_the_sign_in_page(app):
    c = TestClient(app, follow_redirects=False)
    r = c.get("/jobs/0123456789abcdef?x=1")
    assert r.status_code == 303 and r.headers["location"] == "/signin?next=%2Fjobs%2F0123456789abcdef%3Fx%3D1"
    page = c.get("/signin")
    assert page.status_code == 200 and 'name="csrf"' in page.text and 'autocomplete="current-password"' in page.text


def test_sign_in_goes_to_next_and_records_it(app, users):
    c, token = _anonymous(app)
    r = c.post("/signin", data={"username": "viewer", "password": PASSWORD, "csrf": token, "next": "/lists"})
    assert r.status_code == 303 and r.headers["location"] == "/lists"
    cookie = r.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie
    assert c.get("/lists").status_code == 200
    with app.state.store.session() as s:
        assert audit.events(s, 1)[0].action == "signin"


@pytest.mark.parametrize("target", ["//evil.example/x", "https://evil.example/", "/\\evil.example", "javascript:x"])
def test_sign_in_never_redirects_off_site(app, users, target):
    c, token = _anonymous(app)
    r = c.post("/signin", data={"username": "viewer", "password": PASSWORD, "csrf": token, "next": target})
    assert r.status_code == 303 and r.headers["location"] == "/"


def test_wrong_password_is_refused_audited_and_throttled(app, users):
    c, token = _anonymous(app)
    for _ in range(3):  # signin_free_failures
        r = c.post("/signin", data={"username": "viewer", "password": "wrong password", "csrf": token})
        assert r.status_code == 401 and "wrong username or password" in r.text
    r = c.post("/signin", data={"username": "viewer", "password": PASSWORD, "csrf": token})
    assert r.status_code == 429 and "too many failed attempts" in r.text and r.headers["retry-after"] == "1"
    with app.state.store.session() as s:
        assert [e.action for e in audit.events(s, 4)] == ["signin.throttled"] + ["signin.failed"] * 3


def test_sign_in_without_the_csrf_token_is_refused(app, users):
    c = TestClient(app, follow_redirects=False)
    r = c.post("/signin", data={"username": "viewer", "password": PASSWORD})
    assert r.status_code == 403 and "CSRF" in r.text


def test_sign_out_needs_a_post_with_the_token(app, users):
    c, token = browser(app, "viewer", users)
    assert c.get("/signout").status_code == 405
    assert c.post("/signout", data={"csrf": "nope"}).status_code == 403
    r = c.post("/signout", data={"csrf": token})
    assert r.status_code == 303 and r.headers["location"] == "/signin"
    assert c.get("/").status_code == 303


# --- what each role sees ---------------------------------------------------------------------------------

def test_navigation_follows_the_role(app, users):
    viewer, _ = browser(app, "viewer", users)
    admin, _ = browser(app, "admin", users)
    assert 'href="/audit"' not in viewer.get("/").text and 'href="/upload"' not in viewer.get("/").text
    assert 'href="/audit"' in admin.get("/").text and 'href="/users"' in admin.get("/").text
    r = viewer.get("/upload")
    assert r.status_code == 403 and "analyst" in r.text
    assert viewer.get("/audit").status_code == 403


def test_results_shipment_and_party_pages(app, users, job):
    c, _ = browser(app, "viewer", users)
    dash = c.get("/")
    assert "Latest verdicts" in dash.text and '<svg class="chart"' in dash.text
    results = c.get(f"/jobs/{job}")
    assert results.status_code == 200 and 'data-verdict="presumption"' in results.text
    assert f"/api/jobs/{job}/evidence.zip" in results.text
    ship = c.get(f"/jobs/{job}/shipments/SH1")
    data = json.loads(re.search(r'<script type="application/json" id="tiermap-data">(.*?)</script>',
                                ship.text, re.DOTALL).group(1))
    assert {n["id"] for n in data["nodes"]} == {"S3", "S2", "EXP", "C1", "IMP"}
    assert "uflpa · bundled 2025-01 (partial)" in ship.text  # findings cite their list edition
    party = c.get(f"/jobs/{job}/parties/S3")
    assert party.status_code == 200 and "Explanation." in party.text
    assert 'action="/decisions"' not in party.text  # viewers read, analysts decide
    assert c.get(f"/jobs/{job}/shipments/NOPE").status_code == 404


def test_party_page_reads_stored_findings_and_never_rematches(app, users, job, monkeypatch):
    from laborlens.match.matcher import Matcher

    def boom(*_a, **_k):
        raise AssertionError("the party page must not run the matcher")

    monkeypatch.setattr(Matcher, "best", boom)
    monkeypatch.setattr(Matcher, "match", boom)
    c, _ = browser(app, "analyst", users)
    page = c.get(f"/jobs/{job}/parties/S3")
    assert page.status_code == 200
    assert "uflpa-001" in page.text and "matches UFLPA entity uflpa-001" in page.text  # the stored finding
    assert 'name="entity_id" value="uflpa-001"' in page.text  # the decision form decides on it
    other = c.get(f"/jobs/{job}/parties/C1")  # no list finding: no candidate, a link to check again
    assert other.status_code == 200 and "No watchlist candidate" in other.text and "/check?name=" in other.text
    ship = c.get(f"/jobs/{job}/shipments/SH1")
    assert "Hoshine Silicon Industry (Shanshan) Co" in ship.text.split('id="tiermap"')[0]  # names on the path


def test_running_job_page_polls(app, users, settings):
    import threading

    gate = threading.Event()

    def slow_screen(data_dir, out_dir, settings=None, progress=None, **kw):
        progress(0.3, "matching")
        gate.wait(10)
        raise RuntimeError("stopped")

    slow = make_app(settings, screen=slow_screen)
    with TestClient(slow) as api:
        job_id = api.post("/api/jobs", files=demo_files(), headers=bearer(users, "analyst")).json()["id"]
        c, _ = browser(slow, "viewer", users)
        page = c.get(f"/jobs/{job_id}")
        assert 'id="job-progress"' in page.text and "Screening" in page.text
        gate.set()
        assert wait_done(api, job_id, bearer(users, "viewer"))["status"] == "failed"
        assert "internal error: RuntimeError: stopped" in c.get(f"/jobs/{job_id}").text


def test_analyst_records_a_decision_from_the_party_page(app, users, job):
    c, token = browser(app, "analyst", users)
    page = c.get(f"/jobs/{job}/parties/S3").text
    assert 'action="/decisions"' in page
    fields = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', page))
    assert fields["entity_id"].startswith("uflpa-") and fields["csrf"] == token
    form = {**fields, "verdict": "confirmed", "note": "registration matches"}
    r = c.post("/decisions", data=form)
    assert r.status_code == 303 and r.headers["location"] == f"/jobs/{job}/parties/S3"
    after = c.get(r.headers["location"]).text
    assert "Recorded:" in after and "registration matches" in after
    assert c.post("/decisions", data={**form, "csrf": "forged"}).status_code == 403
    no_csrf = {k: v for k, v in form.items() if k != "csrf"}
    multipart = {k: (None, v) for k, v in no_csrf.items()}  # what a cross-site multipart form would send
    assert c.post("/decisions", files=multipart).status_code == 403
    assert c.post("/decisions", data={**form, "verdict": "maybe"}).status_code == 422


def test_upload_form_works_without_javascript(app, users):
    c, token = browser(app, "analyst", users)
    r = c.post("/upload", files=demo_files(), data={"csrf": token})
    assert r.status_code == 303 and r.headers["location"].startswith("/jobs/")
    started = {p.name for p in (app.state.settings.home / "jobs").iterdir()}
    no_token = c.post("/upload", files=demo_files())
    assert no_token.status_code == 403
    assert {p.name for p in (app.state.settings.home / "jobs").iterdir()} == started  # nothing left behind


@pytest.mark.parametrize("path", ["/upload", "/api/jobs", "/lists/import", "/api/lists/acme/import"])
def test_every_upload_route_checks_the_csrf_field(app, users, path):
    c, token = browser(app, "admin", users)
    files = {**demo_files(), "file": ("acme.csv", b"name\nExample Co\n", "text/csv")}
    files = {k: v for k, v in files.items() if ("list" in path) == (k == "file")}
    data = {"list_name": "acme"} if path == "/lists/import" else {}
    assert c.post(path, files=files, data=data).status_code == 403
    assert c.post(path, files=files, data={**data, "csrf": token}).status_code in (200, 202, 303)


def test_upload_page_reports_a_missing_file(app, users):
    c, token = browser(app, "analyst", users)
    files = {k: v for k, v in demo_files().items() if k != "shipments"}
    r = c.post("/upload", files=files, data={"csrf": token})
    assert r.status_code == 422 and "missing: shipments" in r.text


def test_lists_page_warns_about_partial_uflpa_and_admins_import(app, users):
    viewer, _ = browser(app, "viewer", users)
    page = viewer.get("/lists").text
    assert "is partial" in page and "75 of the 144" in page and 'id="import-form"' not in page
    admin, token = browser(app, "admin", users)
    assert 'id="import-form"' in admin.get("/lists").text
    csv_bytes = b"name,aliases,country\nExample Restricted Supplier 9,,ZZ\n"
    r = admin.post("/lists/import", data={"csrf": token, "list_name": "acme", "format": "csv", "label": "A1"},
                   files={"file": ("acme.csv", csv_bytes, "text/csv")})
    assert r.status_code == 303, r.text
    assert "recorded edition" in admin.get("/lists").text
    bad = admin.post("/lists/import", data={"csrf": token, "list_name": "Bad Name"},
                     files={"file": ("acme.csv", csv_bytes, "text/csv")})
    assert bad.status_code == 422


def test_audit_and_users_pages_for_admins(app, users):
    admin, token = browser(app, "admin", users)
    assert "Chain verified" in admin.get("/audit").text
    assert "signin" in admin.get("/audit", params={"action": "signin"}).text
    r = admin.post("/users", data={"csrf": token, "username": "new.analyst", "password": "ten chars!!",
                                   "role": "analyst"})
    assert r.status_code == 303 and "new.analyst" in admin.get("/users").text
    short = admin.post("/users", data={"csrf": token, "username": "x2", "password": "short", "role": "viewer"})
    assert short.status_code == 422 and "at least 10" in short.text


def test_check_a_name_page(app, users):
    c, _ = browser(app, "viewer", users)
    r = c.get("/check", params={"name": "Hoshine Silicon Industry (Shanshan)"})
    assert r.status_code == 200 and "Best candidate" in r.text and "uflpa-" in r.text


# --- page-level protections ------------------------------------------------------------------------------

def test_names_from_uploaded_data_are_escaped(settings, users):
    evil = "<script>alert(1)</script>"

    def screen(data_dir, out_dir, settings=None, progress=None, **kw):
        result = fake_result()
        result["parties"]["S3"] = {**result["parties"]["S3"], "name": evil, "address": evil}
        out_dir.mkdir(parents=True, exist_ok=True)
        (out_dir / "result.json").write_text(json.dumps(result))
        return result["summary"]

    app = make_app(settings, screen=screen)
    with TestClient(app) as api:
        job_id = api.post("/api/jobs", files=demo_files(), headers=bearer(users, "analyst")).json()["id"]
        wait_done(api, job_id, bearer(users, "analyst"))
    c, _ = browser(app, "viewer", users)
    for path in (f"/jobs/{job_id}/parties/S3", f"/jobs/{job_id}/shipments/SH1", f"/jobs/{job_id}"):
        body = c.get(path).text
        assert evil not in body, path
    assert "\\u003cscript\\u003e" in c.get(f"/jobs/{job_id}/shipments/SH1").text


def test_security_headers(app, users):
    c, _ = browser(app, "viewer", users)
    r = c.get("/")
    csp = r.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert r.headers["x-content-type-options"] == "nosniff" and r.headers["cache-control"] == "no-store"
    assert c.get("/static/app.css").headers["cache-control"].startswith("max-age")


def test_everything_is_served_locally():
    """No CDN: templates and static files reference no external host (only the SVG namespace URI)."""
    for path in list((WEB / "templates").rglob("*.html")) + list((WEB / "static").glob("*")):
        text = path.read_text(encoding="utf-8").replace("http://www.w3.org/2000/svg", "")
        assert not re.search(r"(https?:)?//[a-z0-9.-]+\.[a-z]{2,}", text, re.IGNORECASE), path.name


def test_pages_use_no_inline_scripts_or_styles():
    """The CSP forbids them, so they would silently not run."""
    for path in (WEB / "templates").rglob("*.html"):  # case-work pages (templates/cases/) too
        html = path.read_text(encoding="utf-8")
        assert not re.search(r"<script(?![^>]*(src=|application/json))", html), path.name
        assert " style=" not in html and "<style" not in html and " on" + "click=" not in html, path.name
