"""The HTTP API through TestClient: auth (401/403), input errors (422 JSON), size limits (413), the job
lifecycle over a stand-in screen, append-only decisions and the tamper-evident audit log.

Fixtures: ``app`` (jobs run ``webapp_helpers.fake_screen``), ``users`` (one account per role, with tokens),
``client`` (a TestClient without a session)."""

from __future__ import annotations

import csv
import io
import json
import os
import stat
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select, text
from webapp_helpers import accounts_by_role as _accounts
from webapp_helpers import bearer, browser, demo_files, make_app, route_table, wait_done

from laborlens.errors import InputError
from laborlens.store.models import Decision

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture()
def app(settings) -> FastAPI:
    return make_app(settings)


@pytest.fixture()
def users(app: FastAPI) -> dict:
    return _accounts(app)


@pytest.fixture()
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app) as c:
        yield c


def _error(r) -> str:
    body = r.json()
    assert set(body) == {"error"} and body["error"]["status"] == r.status_code, body
    return body["error"]["message"]


def _done_job(client: TestClient, users: dict) -> str:
    r = client.post("/api/jobs", files=demo_files(), headers=bearer(users, "analyst"))
    assert r.status_code == 202, r.text
    job = wait_done(client, r.json()["id"], bearer(users, "analyst"))
    assert job["status"] == "done", job
    return job["id"]


# --- authentication and roles ----------------------------------------------------------------------------

@pytest.mark.parametrize("method,path", [("get", "/api/jobs"), ("get", "/api/lists"), ("get", "/api/me"),
                                         ("post", "/api/screen/name"), ("get", "/api/audit")])
def test_unauthenticated_calls_get_401_json(client, method, path):
    r = client.request(method.upper(), path, json={"name": "x"})
    assert r.status_code == 401
    assert r.headers["www-authenticate"] == "Bearer"
    assert "token" in _error(r)


def test_unknown_token_and_wrong_scheme_are_401(client, users):
    assert client.get("/api/me", headers={"Authorization": "Bearer llt_nope"}).status_code == 401
    r = client.get("/api/me", headers={"Authorization": f"Basic {users['admin']['token']}"})
    assert r.status_code == 401 and "Bearer" in _error(r)


def test_wrong_role_gets_403(client, users):
    r = client.post("/api/jobs", files=demo_files(), headers=bearer(users, "viewer"))
    assert r.status_code == 403 and "analyst" in _error(r)
    assert client.get("/api/audit", headers=bearer(users, "analyst")).status_code == 403
    assert client.post("/api/decisions", headers=bearer(users, "viewer"), json={}).status_code == 403
    assert client.get("/api/audit", headers=bearer(users, "admin")).status_code == 200


def test_me_reports_role_and_channel(client, users):
    assert client.get("/api/me", headers=bearer(users, "analyst")).json() == {
        "username": "analyst", "role": "analyst", "via": "token"}


def test_session_calls_need_the_csrf_header_for_writes(app, users):
    c, token = browser(app, "analyst", users)
    body = {"party_name": "Acme", "entity_id": "uflpa-001", "list_name": "uflpa", "verdict": "dismissed"}
    assert c.get("/api/me").json()["via"] == "session"
    r = c.post("/api/decisions", json=body)
    assert r.status_code == 403 and "CSRF" in _error(r)
    assert c.post("/api/decisions", json=body, headers={"X-CSRF-Token": "forged"}).status_code == 403
    assert c.post("/api/decisions", json=body, headers={"X-CSRF-Token": token}).status_code == 201


def test_session_key_is_private_to_the_owner(app, settings):
    mode = stat.S_IMODE(os.stat(settings.home / "secret_key").st_mode)
    assert mode == 0o600


# --- screening names -------------------------------------------------------------------------------------

def test_screen_name_explains_the_match(client, users):
    r = client.post("/api/screen/name", headers=bearer(users, "viewer"),
                    json={"name": "Hoshine Silicon Industry (Shanshan) Co., Ltd", "country": "CN"})
    assert r.status_code == 200
    body = r.json()
    assert body["decision"] == "match" and body["entity_id"].startswith("uflpa-")
    assert "hoshine" in body["explanation"]


def test_screen_batch_keeps_order(client, users):
    names = [{"name": "Hoshine Silicon Industry"}, {"name": "Completely Unrelated Bakery Ltd"}]
    r = client.post("/api/screen/batch", headers=bearer(users, "viewer"), json={"names": names})
    assert [x["query"] for x in r.json()["results"]] == [n["name"] for n in names]
    assert r.json()["results"][1]["decision"] == "clear"


@pytest.mark.parametrize("body,field", [({"name": ""}, "name"), ({}, "name"), ({"name": "x" * 501}, "name"),
                                        ({"names": []}, "names")])
def test_bad_input_is_422_with_a_message(client, users, body, field):
    path = "/api/screen/batch" if "names" in body else "/api/screen/name"
    r = client.post(path, headers=bearer(users, "viewer"), json=body)
    assert r.status_code == 422
    assert field in _error(r)


def test_malformed_json_is_422(client, users):
    r = client.post("/api/screen/name", headers={**bearer(users, "viewer"), "Content-Type": "application/json"},
                    content=b"{not json")
    assert r.status_code == 422 and "JSON" in _error(r)


def test_oversize_json_body_is_413(client, users):
    r = client.post("/api/screen/batch", headers=bearer(users, "viewer"),
                    json={"names": [{"name": "x" * 400}] * 3000})
    assert r.status_code == 413
    _error(r)


# --- jobs ------------------------------------------------------------------------------------------------

def test_job_lifecycle_verdicts_map_findings_and_downloads(client, users, app):
    job_id = _done_job(client, users)
    h = bearer(users, "viewer")
    job = client.get(f"/api/jobs/{job_id}", headers=h).json()
    assert job["summary"]["presumption"] == 1 and job["summary"]["files"]["parties"]["filename"] == "parties.csv"

    page = client.get(f"/api/jobs/{job_id}/verdicts", headers=h, params={"verdict": "presumption"}).json()
    assert page["total"] == 1 and page["items"][0]["shipment_id"] == "SH1"
    assert page["counts"] == {"presumption": 1, "review": 1, "clear": 1}
    assert client.get(f"/api/jobs/{job_id}/verdicts", headers=h, params={"q": "garments"}).json()["total"] == 1

    detail = client.get(f"/api/jobs/{job_id}/verdicts/SH1", headers=h).json()
    tiers = {n["id"]: n["tier"] for n in detail["map"]["nodes"]}
    assert tiers == {"S3": 3, "S2": 2, "EXP": 1, "C1": 2, "IMP": 0}
    on_path = {(e["source"], e["target"]) for e in detail["map"]["edges"] if e["on_path"] == 2}
    assert {("S3", "S2"), ("S2", "EXP"), ("EXP", "IMP")} <= on_path
    assert detail["findings"][0]["source"] == "uflpa" and detail["findings"][0]["edition"]

    assert client.get(f"/api/jobs/{job_id}/findings", headers=h, params={"party_id": "S3"}).json()["total"] == 1
    party = client.get(f"/api/jobs/{job_id}/parties/S2", headers=h).json()
    assert [p["party_id"] for p in party["suppliers"]] == ["S3"]
    assert client.get(f"/api/jobs/{job_id}/verdicts/NOPE", headers=h).status_code == 404

    report = client.get(f"/api/jobs/{job_id}/files/report.html", headers=h)
    assert report.status_code == 200 and report.headers["content-security-policy"].startswith("sandbox")
    pdf = client.get(f"/api/jobs/{job_id}/files/report.pdf", headers=h)
    assert pdf.headers["content-type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert client.get(f"/api/jobs/{job_id}/files/secrets.txt", headers=h).status_code == 422
    names = zipfile.ZipFile(io.BytesIO(client.get(f"/api/jobs/{job_id}/evidence.zip", headers=h).content)).namelist()
    assert f"laborlens-{job_id}/results/verdicts.csv" in names and f"laborlens-{job_id}/inputs/parties.csv" in names

    actions = [e["action"] for e in client.get("/api/audit", headers=bearer(users, "admin")).json()["events"]]
    assert "job.start" in actions and actions.count("export.download") == 3


def test_upload_over_the_limit_is_413_and_leaves_nothing(settings):
    app = make_app(settings, upload_limit=2000)
    users = _accounts(app)
    files = demo_files()
    files["links"] = ("links.csv", b"supplier_id,buyer_id,material\n" + b"A,B,cotton\n" * 500, "text/csv")
    with TestClient(app) as c:
        r = c.post("/api/jobs", files=files, headers=bearer(users, "analyst"))
        assert r.status_code == 413 and "limit" in _error(r)
        jobs_dir = settings.home / "jobs"
        assert not jobs_dir.exists() or not any(jobs_dir.iterdir())


def test_upload_limit_holds_without_content_length(settings):
    """A chunked body has no Content-Length to refuse up front: the limit is counted as the bytes arrive."""
    app = make_app(settings, upload_limit=2000)
    users = _accounts(app)
    boundary = "llboundary"
    head = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"parties\"; filename=\"parties.csv\"\r\n"
            "Content-Type: text/csv\r\n\r\n").encode()

    def body() -> Iterator[bytes]:
        yield head
        for _ in range(100):
            yield b"x" * 100

    with TestClient(app) as c:
        r = c.post("/api/jobs", content=body(), headers={**bearer(users, "analyst"),
                                                         "Content-Type": f"multipart/form-data; boundary={boundary}"})
    assert r.status_code == 413


@pytest.mark.parametrize("files,message", [
    (lambda f: {k: v for k, v in f.items() if k != "links"}, "missing: links"),
    (lambda f: {**f, "links": ("links.exe", b"x", "application/octet-stream")}, "expected a"),
    (lambda f: {**f, "other": ("x.csv", b"x", "text/csv")}, "unexpected file field"),
    (lambda f: {**f, "parties": ("parties.csv", b"", "text/csv")}, "empty file"),
])
def test_bad_uploads_are_422(client, users, files, message):
    r = client.post("/api/jobs", files=files(demo_files()), headers=bearer(users, "analyst"))
    assert r.status_code == 422 and message in _error(r)


def test_not_multipart_is_422(client, users):
    r = client.post("/api/jobs", json={"parties": "x"}, headers=bearer(users, "analyst"))
    assert r.status_code == 422 and "multipart" in _error(r)


def test_failed_job_reports_the_input_error_without_server_paths(settings):
    def broken_screen(data_dir, out_dir, settings=None, progress=None, **kw):
        raise InputError("unknown party 'X'", file=str(data_dir / "links.csv"), row=3, column="buyer_id")

    app = make_app(settings, screen=broken_screen)
    users = _accounts(app)
    with TestClient(app) as c:
        job_id = c.post("/api/jobs", files=demo_files(), headers=bearer(users, "analyst")).json()["id"]
        job = wait_done(c, job_id, bearer(users, "analyst"))
        assert job["status"] == "failed"
        assert job["message"] == "links.csv:3:buyer_id: unknown party 'X'"
        assert c.get(f"/api/jobs/{job_id}/verdicts", headers=bearer(users, "viewer")).status_code == 404


def test_unknown_and_malformed_job_ids(client, users):
    assert client.get("/api/jobs/0123456789abcdef", headers=bearer(users, "viewer")).status_code == 404
    assert client.get("/api/jobs/..%2F..%2Fetc", headers=bearer(users, "viewer")).status_code in (404, 422)
    assert client.get("/api/jobs/ZZZ", headers=bearer(users, "viewer")).status_code == 422


def test_jobs_left_running_by_a_previous_server_are_marked_failed(settings, app, users, client):
    from laborlens.jobs import JobRunner, get_job

    with app.state.store.session() as s:
        s.execute(text("INSERT INTO jobs (id, created_at, actor, status, progress, message, data_dir, out_dir, "
                       "summary) VALUES ('00000000000000aa', '2025-01-01', 'x', 'running', 0.4, '', '', '', '{}')"))
    assert JobRunner(app.state.store, settings).recover() == 1
    assert get_job(app.state.store, "00000000000000aa").status == "failed"


# --- lists -----------------------------------------------------------------------------------------------

def test_lists_show_editions_coverage_and_the_partial_uflpa_warning(client, users):
    body = client.get("/api/lists", headers=bearer(users, "viewer")).json()
    uflpa = next(w for w in body["watchlists"] if w["name"] == "uflpa")
    assert "PARTIAL" in uflpa["warning"] and uflpa["current"]["entities"] == 75
    assert {r["name"] for r in body["references"]} >= {"ilab", "xuar_admin", "sectors"}


def test_admin_imports_a_list_and_rolls_it_back(client, users):
    h = bearer(users, "admin")
    path = FIXTURES / "lists" / "acme_restricted_1.csv"
    files = {"file": (path.name, path.read_bytes(), "text/csv")}
    r = client.post("/api/lists/acme/import", headers=h, files=files, data={"label": "Acme 1"})
    assert r.status_code == 200, r.text
    assert "Acme 1" in r.json()["edition"]["label"] and r.json()["added"] >= 2
    assert client.post("/api/lists/acme/import", headers=bearer(users, "analyst"), files=files).status_code == 403
    assert client.post("/api/lists/BAD name/import", headers=h, files=files).status_code == 422
    r = client.post("/api/lists/acme/rollback", headers=h)
    assert r.status_code == 422, r.text  # the only edition cannot be rolled back
    actions = [e["action"] for e in client.get("/api/audit", headers=h).json()["events"]]
    assert "list.import" in actions


# --- decisions -------------------------------------------------------------------------------------------

def test_decisions_are_appended_never_edited(client, users, app):
    h = bearer(users, "analyst")
    body = {"party_name": "Hoshine Silicon", "entity_id": "uflpa-001", "list_name": "uflpa",
            "verdict": "confirmed", "note": "same address"}
    first = client.post("/api/decisions", headers=h, json=body)
    second = client.post("/api/decisions", headers=h, json={**body, "verdict": "dismissed", "note": "oops"})
    assert first.status_code == second.status_code == 201
    history = client.get("/api/decisions", headers=bearer(users, "viewer")).json()["decisions"]
    assert [d["verdict"] for d in history] == ["dismissed", "confirmed"]
    for method in ("PUT", "PATCH", "DELETE"):
        assert client.request(method, "/api/decisions", headers=h).status_code == 405
        assert client.request(method, f"/api/decisions/{first.json()['id']}", headers=h).status_code in (404, 405)
    with app.state.store.session() as s:
        assert s.scalar(select(func.count()).select_from(Decision)) == 2


def test_no_route_can_change_or_delete_a_record(app):
    # Records (decisions, audit events, jobs, case events) are only ever appended. The two exceptions are
    # not records: an admin's setting of an unverified RRM clock, and ending a staff assignment to a case.
    not_records = {("PUT", "/api/cases/rrm/clocks/{key}"),
                   ("DELETE", "/api/cases/defenders/{pseudonym}/assignments/{username}")}
    methods = {m for m, path in route_table(app) if (m, path) not in not_records}
    assert methods == {"GET", "POST"}


@pytest.mark.parametrize("patch,field", [({"verdict": "maybe"}, "verdict"), ({"entity_id": ""}, "entity_id"),
                                         ({"note": "x" * 2001}, "note")])
def test_bad_decisions_are_422(client, users, patch, field):
    body = {"party_name": "A", "entity_id": "uflpa-001", "list_name": "uflpa", "verdict": "confirmed", **patch}
    r = client.post("/api/decisions", headers=bearer(users, "analyst"), json=body)
    assert r.status_code == 422 and field in _error(r)


# --- audit -----------------------------------------------------------------------------------------------

def test_audit_chain_verifies_and_detects_an_edited_row(client, users, app):
    h = bearer(users, "admin")
    client.post("/api/decisions", headers=bearer(users, "analyst"),
                json={"party_name": "A", "entity_id": "uflpa-001", "list_name": "uflpa", "verdict": "confirmed"})
    log = client.get("/api/audit", headers=h).json()
    assert log["chain"]["ok"] and log["chain"]["events"] >= 7
    victim = next(e for e in log["events"] if e["action"] == "decision.confirmed")["id"]

    with app.state.store.engine.begin() as conn:  # someone with database access rewrites history
        conn.execute(text("UPDATE audit_log SET actor = 'nobody' WHERE id = :id"), {"id": victim})

    log = client.get("/api/audit", headers=h).json()
    assert not log["chain"]["ok"] and log["chain"]["first_bad_id"] == victim
    assert "changed" in log["chain"]["reason"]

    exported = client.get("/api/audit/export", headers=h, params={"format": "json"})
    assert exported.headers["content-disposition"].startswith("attachment")
    assert json.loads(exported.content)["chain"]["first_bad_id"] == victim
    rows = list(csv.DictReader(io.StringIO(client.get("/api/audit/export", headers=h,
                                                      params={"format": "csv"}).text)))
    head_row = rows.pop()  # the signed head closes the CSV export
    assert head_row["action"] == "audit.head" and int(head_row["seq"]) == len(rows)
    assert {r["chain"] for r in rows if int(r["id"]) < victim} == {"ok"}
    assert {r["chain"] for r in rows if int(r["id"]) >= victim} == {"broken"}
    assert client.get("/api/audit/export", headers=h, params={"format": "xml"}).status_code == 422
    actions = [e["action"] for e in client.get("/api/audit", headers=h).json()["events"]]
    assert actions.count("audit.export") == 2


def test_audit_export_neutralises_spreadsheet_formulas(client, users, app):
    from laborlens import audit

    with app.state.store.session() as s:
        audit.record(s, "=HYPERLINK(\"http://x\")", "signin.failed")
    text_ = client.get("/api/audit/export", headers=bearer(users, "admin"), params={"format": "csv"}).text
    assert "'=HYPERLINK" in text_


def test_users_api_for_admins(client, users):
    h = bearer(users, "admin")
    r = client.post("/api/users", headers=h, json={"username": "newbie", "password": "long enough pw",
                                                   "role": "viewer"})
    assert r.status_code == 201 and r.json()["role"] == "viewer"
    dup = client.post("/api/users", headers=h, json={"username": "newbie", "password": "long enough pw",
                                                     "role": "viewer"})
    assert dup.status_code == 422 and "exists" in _error(dup)
    assert "password_hash" not in client.get("/api/users", headers=h).text


def test_openapi_documents_endpoints_from_docstrings(client):
    spec = client.get("/openapi.json").json()
    op = spec["paths"]["/api/screen/name"]["post"]
    assert "calibrated decision" in op["description"]
    assert spec["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"
    assert "multipart/form-data" in spec["paths"]["/api/jobs"]["post"]["requestBody"]["content"]
    assert not any(p.startswith(("/jobs", "/signin")) for p in spec["paths"])  # pages stay out of the API


# --- CLI: users and serve (registered by importing laborlens.cli.serve) ----------------------------------

def test_cli_users_add_token_and_list(cli, tmp_path, monkeypatch, store):
    import laborlens.cli.serve  # noqa: F401 - registers `serve` and `users` on the shared app

    pw = tmp_path / "pw"
    pw.write_text("a strong password\n")
    r = cli("users", "add", "alice", "--role", "admin", "--password-file", pw)
    assert r.exit_code == 0 and "added alice (admin)" in r.output
    monkeypatch.setenv("LABORLENS_PASSWORD", "another strong one")
    assert cli("users", "add", "bob", "--role", "analyst").exit_code == 0
    monkeypatch.delenv("LABORLENS_PASSWORD")
    r = cli("users", "add", "carol", input="prompted password\nprompted password\n")
    assert r.exit_code == 0 and "prompted password" not in r.output  # the prompt hides what is typed
    assert cli("users", "add", "dave", "--password-file", tmp_path / "missing").exit_code == 2
    short = tmp_path / "short"
    short.write_text("short")
    r = cli("users", "add", "erin", "--password-file", short)
    assert r.exit_code == 2 and "at least 10" in r.output
    r = cli("users", "token", "alice", "--name", "ci")
    token = r.output.split()[0]
    assert r.exit_code == 0 and token.startswith("llt_")
    assert cli("users", "token", "nobody", "--name", "x").exit_code == 2
    listed = cli("users", "list").output
    assert "alice" in listed and "analyst" in listed and "carol" in listed

    app = make_app(store.settings)
    with TestClient(app) as c:
        assert c.get("/api/me", headers={"Authorization": f"Bearer {token}"}).json()["username"] == "alice"


def test_cli_serve_is_registered(cli):
    import laborlens.cli.serve  # noqa: F401

    r = cli("serve", "--help")
    assert r.exit_code == 0 and "--port" in r.output and "--max-upload-mb" in r.output


def test_a_decision_can_be_narrowed_to_a_country(client, users):
    h = bearer(users, "analyst")
    body = {"party_name": "Camel Group", "entity_id": "uflpa-011", "list_name": "uflpa",
            "verdict": "dismissed", "note": "Hanoi battery shop", "country": "Viet Nam"}
    r = client.post("/api/decisions", headers=h, json=body)
    assert r.status_code == 201 and r.json()["country"] == "VN"
