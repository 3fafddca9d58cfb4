"""Helpers for the API/web tests: a stand-in ``screen_dir`` writing a small result of the documented shape,
one account per role with an API token, and a signed-in browser-like client.

Use ``make_app(settings)`` for an app whose jobs run ``fake_screen``; ``accounts_by_role(app)`` for users;
``browser(app, role, users)`` for a TestClient with a session cookie and its CSRF token.
"""

from __future__ import annotations

import copy
import json
import re
import time
from pathlib import Path

from fastapi import FastAPI
from fastapi.testclient import TestClient

from laborlens import accounts
from laborlens.api import create_app
from laborlens.settings import Settings

PASSWORD = "correct horse battery"
PARTIES = {
    "IMP": {"id": "IMP", "name": "Acme Imports Inc", "country": "US", "address": "1 Main St, Newark NJ",
            "name_local": ""},
    "EXP": {"id": "EXP", "name": "Saigon Solar Modules Co", "country": "VN", "address": "Bac Ninh",
            "name_local": ""},
    "S2": {"id": "S2", "name": "Jiangsu Wafer Works", "country": "CN", "address": "Wuxi, Jiangsu",
           "name_local": "江苏硅片厂"},
    "S3": {"id": "S3", "name": "Hoshine Silicon Industry (Shanshan) Co", "country": "CN",
           "address": "Shanshan County, Turpan, Xinjiang", "name_local": ""},
    "C1": {"id": "C1", "name": "Malaysia Glass Sdn Bhd", "country": "MY", "address": "Penang",
           "name_local": ""},
    "EXP2": {"id": "EXP2", "name": "Hanoi Garments JSC", "country": "VN", "address": "Hanoi", "name_local": ""},
}
LINKS = [
    {"supplier_id": "S3", "buyer_id": "S2", "material": "polysilicon", "quantity": 10.0, "unit": "t",
     "document": "INV-1"},
    {"supplier_id": "S2", "buyer_id": "EXP", "material": "wafers", "quantity": 9.0, "unit": "t",
     "document": "INV-2"},
    {"supplier_id": "C1", "buyer_id": "EXP", "material": "glass", "quantity": 5.0, "unit": "t",
     "document": "INV-3"},
]
FINDING = {"party_id": "S3", "rule": "list_match", "severity": "presumption",
           "summary": "matches UFLPA entity uflpa-001 Hoshine Silicon Industry (Shanshan) Co., Ltd.",
           "source": "uflpa", "edition": "bundled 2025-01 (partial)",
           "details": {"entity_id": "uflpa-001", "score": 0.97}}
VERDICTS = [
    {"shipment_id": "SH1", "importer_id": "IMP", "exporter_id": "EXP", "material": "solar panels",
     "hts": "8541.43", "description": "PV modules", "verdict": "presumption", "path": ["S3", "S2", "EXP"],
     "tier": 3, "reasons": ["S3 is on the UFLPA Entity List (tier 3)", "S3 is located in the XUAR"],
     "tainted": [{"party_id": "S3", "severity": "presumption", "tier": 3, "path": ["S3", "S2", "EXP"]}],
     "untraced": ["C1"], "upstream": 3},
    {"shipment_id": "SH2", "importer_id": "IMP", "exporter_id": "EXP2", "material": "cotton shirts",
     "hts": "6205.20", "description": "shirts", "verdict": "review", "path": [], "tier": None,
     "reasons": ["cotton is a UFLPA high-priority sector"], "tainted": [], "untraced": ["EXP2"], "upstream": 0},
    {"shipment_id": "SH3", "importer_id": "IMP", "exporter_id": "C1", "material": "glass", "hts": "7007.19",
     "description": "glass", "verdict": "clear", "path": [], "tier": None, "reasons": [], "tainted": [],
     "untraced": ["C1"], "upstream": 0},
]


def fake_result() -> dict:
    return {"summary": {"shipments": 3, "presumption": 1, "review": 1, "clear": 1, "parties": len(PARTIES),
                        "links": len(LINKS), "findings": 1,
                        "lists": [{"list": "uflpa", "edition": "bundled 2025-01 (partial)"}],
                        "generated_at": "2025-06-01T12:00:00"},
            # copies: a test that edits its result must not change the next test's
            "verdicts": copy.deepcopy(VERDICTS), "findings": [copy.deepcopy(FINDING)],
            "parties": copy.deepcopy(PARTIES), "links": copy.deepcopy(LINKS),
            "mass_balance": [{"party_id": "S2", "material": "wafers", "qty_in": 10.0, "qty_out": 9.0,
                              "ratio": 0.9, "explanation": "ok"}]}


def fake_screen(data_dir: Path, out_dir: Path, settings: Settings | None = None, progress=None, **_kw) -> dict:
    """Stands in for ``laborlens.screen.screen_dir`` with the same signature and outputs."""
    for name in ("parties", "links", "shipments"):
        assert any(data_dir.glob(f"{name}.*")), f"{name} not uploaded"
    if progress:
        progress(0.5, "tracing")
    out_dir.mkdir(parents=True, exist_ok=True)
    result = fake_result()
    (out_dir / "result.json").write_text(json.dumps(result), encoding="utf-8")
    (out_dir / "verdicts.csv").write_text("shipment_id,verdict,path,reasons\nSH1,presumption,S3>S2>EXP,listed\n")
    (out_dir / "findings.jsonl").write_text(json.dumps(FINDING) + "\n")
    (out_dir / "report.html").write_text("<html><body><h1>Report</h1></body></html>")
    (out_dir / "report.pdf").write_bytes(b"%PDF-1.4\n%fake\n")
    if progress:
        progress(1.0, "done")
    return result["summary"]


def route_table(app: FastAPI) -> set[tuple[str, str]]:
    """(method, path) of every route, included routers flattened; a mount counts as ("GET", its path)."""
    from fastapi.routing import iter_route_contexts
    from starlette.routing import Mount

    out = set()
    for ctx in iter_route_contexts(app.routes):
        route = ctx.original_route
        if isinstance(route, Mount):
            out.add(("GET", ctx.path))
        else:
            out.update((m, ctx.path) for m in getattr(route, "methods", None) or () if m != "HEAD")
    return out


def make_app(settings: Settings, **kwargs) -> FastAPI:
    kwargs.setdefault("screen", fake_screen)
    return create_app(settings, **kwargs)


def accounts_by_role(app: FastAPI) -> dict[str, dict[str, str]]:
    """One user per role (named after it) with an API token: {role: {"username", "password", "token"}}. The
    admin is enrolled in two-factor sign-in (required for admins); :func:`browser` answers its second step."""
    out = {}
    with app.state.store.session() as s:
        for role in accounts.ROLES:
            u = accounts.add_user(s, role, PASSWORD, role)
            out[role] = {"username": role, "password": PASSWORD, "token": accounts.create_token(s, u, "test")}
    enrol_totp(app, "admin")
    return out


def enrol_totp(app: FastAPI, username: str) -> None:
    """Enrol ``username`` in TOTP through the library, as `laborlens users totp` does."""
    from sqlalchemy import select

    from laborlens import totp
    from laborlens.store.models import User

    with app.state.store.session() as s:
        u = s.execute(select(User).where(User.username == username)).scalar_one()
        totp.begin_enrolment(s, u, "test")
        totp.confirm_enrolment(s, u, totp.current_code(s, u), "test")


def second_factor_code(app: FastAPI, username: str) -> str:
    """A code that the second step accepts now: the app's code for the current or next time step (each is
    accepted once), else a fresh recovery code (several sign-ins within one 30-second step)."""
    import time

    import pyotp
    from sqlalchemy import select

    from laborlens import totp
    from laborlens.store.models import User

    with app.state.store.session() as s:
        u = s.execute(select(User).where(User.username == username)).scalar_one()
        secret = totp._unseal(s, u)
        t = pyotp.TOTP(secret)
        for ahead in (0, 1):
            step = int(time.time() // t.interval) + ahead
            if step > u.totp_last_step:
                return t.at(step * t.interval)
        return totp.new_recovery_codes(s, u)[0]


def bearer(users: dict, role: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {users[role]['token']}"}


def csrf_of(html: str) -> str:
    m = re.search(r'name="csrf" value="([^"]+)"', html)
    assert m, "no CSRF field in the page"
    return m.group(1)


def browser(app: FastAPI, role: str, users: dict) -> tuple[TestClient, str]:
    """A client signed in through the sign-in form, and the session's CSRF token."""
    c = TestClient(app, follow_redirects=False)
    token = csrf_of(c.get("/signin").text)
    r = c.post("/signin", data={"username": users[role]["username"], "password": users[role]["password"],
                                "csrf": token, "next": "/"})
    if r.status_code == 403 and "two-factor" in r.text:  # e.g. staff newly assigned to a defender case
        enrol_totp(app, users[role]["username"])
        r = c.post("/signin", data={"username": users[role]["username"], "password": users[role]["password"],
                                    "csrf": token, "next": "/"})
    assert r.status_code == 303, r.text
    if r.headers["location"].startswith("/signin/totp"):
        token = csrf_of(c.get(r.headers["location"]).text)
        r = c.post("/signin/totp", data={"code": second_factor_code(app, users[role]["username"]),
                                         "csrf": token, "next": "/"})
        assert r.status_code == 303 and r.headers["location"] == "/", r.text
    return c, csrf_of(c.get("/").text)


def demo_files() -> dict[str, tuple[str, bytes, str]]:
    return {"parties": ("parties.csv", b"id,name,country,address\nIMP,Acme,US,x\n", "text/csv"),
            "links": ("links.csv", b"supplier_id,buyer_id,material\n", "text/csv"),
            "shipments": ("shipments.csv", b"id,importer_id,exporter_id,material,hts,description\n", "text/csv")}


def wait_done(client: TestClient, job_id: str, headers: dict | None = None, timeout: float = 60) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = client.get(f"/api/jobs/{job_id}", headers=headers or {}).json()
        if job["status"] in ("done", "failed"):
            return job
        time.sleep(0.05)
    raise AssertionError(f"job {job_id} did not finish in {timeout}s")
