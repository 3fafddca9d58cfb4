"""Case-work forms through TestClient, signed in through the sign-in form (session cookie + CSRF field).

Each form: works for its role (POST, then a 303 to the page that shows the write, with a flash message),
is refused without the CSRF field (403) and for a viewer (403), and answers a stale ``version`` with the
conflict message on the page (409). Opening a defender case through the form leaves the posted identity out
of the URL, the redirect, the session cookie, error pages and the raw SQLite file.
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
from collections.abc import Callable
from types import SimpleNamespace

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from webapp_helpers import PASSWORD, accounts_by_role, browser, make_app

from laborlens import __version__, accounts
from laborlens.accounts import Principal
from laborlens.api.deps import route_roles
from laborlens.cases import defenders as dfn
from laborlens.cases import engagements as eng
from laborlens.cases import safeguards
from laborlens.cases.crypto import KeyRing
from laborlens.cases.rrm import lifecycle as rrm

NAME = "Xochitl Verabrightwood-Amadi"
ORG = "Sindicato Independiente Ejemplo"
ADMIN = Principal(0, "admin", "admin", "test")


@pytest.fixture()
def app(settings) -> FastAPI:
    return make_app(settings)


@pytest.fixture()
def users(app: FastAPI) -> dict:
    u = accounts_by_role(app)
    with app.state.store.session() as s:  # a second analyst, not assigned to anything
        accounts.add_user(s, "analyst2", PASSWORD, "analyst")
    u["analyst2"] = {"username": "analyst2", "password": PASSWORD}
    return u


@pytest.fixture()
def world(app: FastAPI, users: dict) -> SimpleNamespace:
    """One of each record, made through the library: an RRM case, a defender case (assigned to the analyst),
    a mission and a safeguard review."""
    with app.state.store.session() as s:
        p = rrm.file_petition(s, ADMIN, facility="Planta Uno", sector="auto parts", filed_on="2025-02-03")
        pid = dfn.open_case(
            s,
            KeyRing.load(app.state.settings.home),
            ADMIN,
            dfn.Identity(NAME, ORG),
            country="Mexico",
            threats=["harassment"],
            risk="high",
        )
        dfn.assign(s, ADMIN, pid, "analyst")
        m = eng.create_mission(
            s, ADMIN, title="Ministerial visit", kind="mission", starts_on="2025-05-10", ends_on="2025-05-12"
        )
        rv = safeguards.create_review(s, ADMIN, project="Port expansion", bank="IFC", framework="ps2")
        item = safeguards.checklist("ps2")[0].key
    return SimpleNamespace(case=p.id, pid=pid, mission=m.id, review=rv.id, item=item)


def signed_in(app: FastAPI, users: dict, role: str) -> tuple[TestClient, str]:
    return browser(app, role, users)


def hidden(html: str, action: str, name: str = "version") -> str:
    """The value of a hidden field in the form posting to ``action``."""
    start = html.index(f'action="{action}"')
    m = re.compile(rf'name="{name}" value="([^"]*)"').search(html, start)
    assert m, f"no {name} field in the form for {action}"
    return m.group(1)


def posted_ok(r, location_prefix: str) -> str:
    assert r.status_code == 303, (r.status_code, r.text[:2000])
    assert r.headers["location"].startswith(location_prefix), r.headers["location"]
    return r.headers["location"]


def session_cookie(client: TestClient) -> str:
    """The decoded payload of the signed (not encrypted) session cookie."""
    raw = client.cookies.get("laborlens_session") or ""
    data = raw.split(".")[0]
    return base64.b64decode(data + "=" * (-len(data) % 4)).decode("utf-8", "replace")


# --- every form: the right role, the CSRF field, a viewer ---------------------------------------------------

# The evidence form is multipart (a file part): its body factory returns {"files": ...} beside the fields.
FORMS: dict[str, tuple[str, Callable[[SimpleNamespace], dict]]] = {
    "/cases/rrm": (
        "analyst",
        lambda w: {"facility": "Planta Dos", "sector": "manufacturing", "filed_on": "2025-06-02"},
    ),
    "/cases/rrm/{case_id}/events": (
        "analyst",
        lambda w: {"kind": "note", "note": "call with ILC", "version": "1"},
    ),
    "/cases/rrm/{case_id}/evidence": (
        "analyst",
        lambda w: {"version": "1", "files": {"file": ("minutes.txt", b"meeting minutes", "text/plain")}},
    ),
    "/cases/defenders": (
        "analyst",
        lambda w: {"name": NAME, "country": "Guatemala", "threats": ["arrest"], "risk": "medium"},
    ),
    "/cases/defenders/{pseudonym}/events": (
        "analyst",
        lambda w: {"kind": "risk", "risk": "critical", "version": "1"},
    ),
    "/cases/defenders/{pseudonym}/assignments": ("admin", lambda w: {"username": "analyst2"}),
    "/cases/defenders/{pseudonym}/assignments/end": ("admin", lambda w: {"username": "analyst"}),
    "/cases/missions": (
        "analyst",
        lambda w: {
            "title": "Trade round",
            "kind": "negotiation",
            "starts_on": "2025-07-01",
            "ends_on": "2025-07-03",
        },
    ),
    "/cases/missions/{mission_id}/engagements": (
        "analyst",
        lambda w: {"stakeholder": "workers", "on": "2025-05-01", "version": "0"},
    ),
    "/cases/safeguards": (
        "analyst",
        lambda w: {"project": "Road", "bank": "World Bank", "framework": "ess2"},
    ),
    "/cases/safeguards/{review_id}/scores": (
        "analyst",
        lambda w: {"item": w.item, "score": "1", "evidence": "ESMP p. 12", "version": "0"},
    ),
    "/cases/review/directives/{no}/updates": (
        "analyst",
        lambda w: {"status": "in_progress", "evidence": "cable sent", "version": "0"},
    ),
}


def _url(path: str, w: SimpleNamespace) -> str:
    return path.format(case_id=w.case, pseudonym=w.pid, mission_id=w.mission, review_id=w.review, no=3)


def test_every_form_route_is_in_the_role_table(app):
    roles = route_roles(app.routes, ("/cases",))
    posts = {p for (m, p), _ in roles.items() if m == "POST"}
    # the search and reveal forms write nothing (viewers; reveal's need-to-know is the library's)
    assert posts == set(FORMS) | {"/cases/defenders/search", "/cases/defenders/{pseudonym}/reveal"}
    assert roles[("POST", "/cases/defenders/search")] == "viewer"
    assert all(roles[("POST", p)] == role for p, (role, _) in FORMS.items())


@pytest.mark.parametrize("path", sorted(FORMS))
def test_form_works_for_its_role_and_is_refused_without_csrf_or_for_a_viewer(app, users, world, path):
    role, body = FORMS[path]
    url, data = _url(path, world), body(world)
    files = data.pop("files", None)
    client, token = signed_in(app, users, role)
    r = client.post(url, data=data, files=files)  # no csrf field
    assert r.status_code == 403 and "CSRF" in r.text
    r = client.post(url, data={**data, "csrf": "not-the-token"}, files=files)
    assert r.status_code == 403 and "CSRF" in r.text
    viewer, vtoken = signed_in(app, users, "viewer")
    r = viewer.post(url, data={**data, "csrf": vtoken}, files=files)
    assert r.status_code == 403 and f"needs the {role} role" in r.text
    if role == "admin":
        analyst, atoken = signed_in(app, users, "analyst")
        assert analyst.post(url, data={**data, "csrf": atoken}).status_code == 403
    r = client.post(url, data={**data, "csrf": token}, files=files)
    location = posted_ok(r, "/cases/")
    assert NAME not in location and ORG not in location
    page = client.get(location)
    assert page.status_code == 200 and 'class="flash flash-ok"' in page.text


# --- RRM ----------------------------------------------------------------------------------------------------


def test_file_a_petition_then_add_events_with_the_version(app, users):
    c, token = signed_in(app, users, "analyst")
    board = c.get("/cases/rrm")
    assert 'action="/cases/rrm"' in board.text and hidden(board.text, "/cases/rrm", "csrf") == token
    r = c.post(
        "/cases/rrm",
        data={
            "facility": "Minera Norte",
            "company": "Norte SA",
            "sector": "silver mine",
            "filed_on": "2025-03-03",
            "state": "Zacatecas",
            "anonymous": "on",
            "petitioner": "should not be kept",
            "csrf": token,
        },
    )
    case = posted_ok(r, "/cases/rrm/RRM-2025-").rsplit("/", 1)[1]
    page = c.get(f"/cases/rrm/{case}")
    assert (
        f"Filed {case}" in page.text and "Minera Norte" in page.text and "should not be kept" not in page.text
    )
    action = f"/cases/rrm/{case}/events"
    steps = [
        {"kind": "ilc_determination", "on": "2025-03-25", "result": "affirmative"},
        {"kind": "request_for_review", "on": "2025-04-01"},
        {
            "kind": "remediation_plan",
            "on": "2025-05-01",
            "milestones": "2025-06-30 Reinstate dismissed workers\n2025-07-31 Hold a free vote\n",
        },
        {"kind": "milestone_done", "on": "2025-06-20", "milestone": "M1"},
    ]
    for step in steps:
        v = hidden(c.get(f"/cases/rrm/{case}").text, action)
        posted_ok(c.post(action, data={**step, "version": v, "csrf": token}), f"/cases/rrm/{case}")
    page = c.get(f"/cases/rrm/{case}").text
    assert "Remediation milestone completed" in page and "remediation (1/2 milestones)" in page
    assert 'value="M2"' in page and 'value="M1"' not in page  # only open milestones are offered
    assert hidden(page, action) == "5"


def test_rrm_event_with_a_stale_version_shows_the_conflict(app, users, world):
    a, ta = signed_in(app, users, "analyst")
    b, tb = signed_in(app, users, "admin")
    action = f"/cases/rrm/{world.case}/events"
    v_a = hidden(a.get(f"/cases/rrm/{world.case}").text, action)
    v_b = hidden(b.get(f"/cases/rrm/{world.case}").text, action)
    posted_ok(b.post(action, data={"kind": "note", "note": "first", "version": v_b, "csrf": tb}), action[:-7])
    r = a.post(action, data={"kind": "note", "note": "my careful note", "version": v_a, "csrf": ta})
    assert r.status_code == 409
    assert "changed since you read it" in r.text and 'role="alert"' in r.text
    assert "my careful note" in r.text  # what was typed is kept...
    assert hidden(r.text, action) == str(int(v_a) + 1)  # ...and the form now carries the current version
    assert "first" in r.text  # the page shows what the other person wrote


def test_rrm_input_errors_are_explained_on_the_page(app, users, world):
    c, token = signed_in(app, users, "analyst")
    r = c.post(
        "/cases/rrm",
        data={"facility": "Finca Sol", "sector": "agriculture", "filed_on": "2025-01-02", "csrf": token},
    )
    assert r.status_code == 422 and "Priority Sector" in r.text and 'value="Finca Sol"' in r.text
    assert 'id="petition-form" open' in r.text
    action = f"/cases/rrm/{world.case}/events"
    r = c.post(
        action,
        data={"kind": "remedy", "on": "2025-04-01", "result": "penalties", "version": "1", "csrf": token},
    )
    assert r.status_code == 422 and "remedy not allowed now" in r.text
    r = c.post(action, data={"kind": "note", "note": "x", "csrf": token})
    assert r.status_code == 422 and "reload the page" in r.text
    assert (
        c.post("/cases/rrm/RRM-NOPE/events", data={"kind": "note", "version": "1", "csrf": token}).status_code
        == 404
    )


def test_a_3_mib_evidence_file_through_the_case_page_form(app, users, world, settings):
    c, token = signed_in(app, users, "analyst")
    url, action = f"/cases/rrm/{world.case}", f"/cases/rrm/{world.case}/evidence"
    page = c.get(url).text
    assert f'action="{action}" enctype="multipart/form-data"' in page
    body = os.urandom(3 * 1024 * 1024)
    r = c.post(action, data={"version": hidden(page, action), "csrf": token},
               files={"file": ("inspection report.pdf", body, "application/pdf")})
    posted_ok(r, url)
    page = c.get(url).text
    digest = hashlib.sha256(body).hexdigest()
    assert "kept inspection report.pdf" in page and digest in page  # flash, then the evidence table
    kept = list((settings.home / "evidence" / "rrm" / world.case).glob(f"{digest[:16]}-*"))
    assert len(kept) == 1 and kept[0].read_bytes() == body
    r = c.post(action, data={"version": "1", "csrf": token}, files={"file": ("x.txt", b"x", "text/plain")})
    assert r.status_code == 409 and "changed since you read it" in r.text and 'role="alert"' in r.text
    r = c.post(action, data={"version": hidden(c.get(url).text, action), "csrf": token})
    assert r.status_code == 422 and "expected a multipart/form-data upload" in r.text


# --- defenders ----------------------------------------------------------------------------------------------


def test_open_a_defender_case_keeps_the_identity_out_of_urls_cookies_and_the_database(app, users, settings):
    c, token = signed_in(app, users, "analyst")
    form = c.get("/cases/defenders").text
    assert 'action="/cases/defenders"' in form and 'name="name"' in form
    r = c.post(
        "/cases/defenders",
        data={
            "name": NAME,
            "organisation": ORG,
            "contact": "+52 55 0000 0000",
            "narrative": "followed after the vote",
            "country": "Mexico",
            "role": "trade_unionist",
            "sector": "auto parts",
            "threats": ["harassment", "blacklisting"],
            "risk": "high",
            "csrf": token,
        },
    )
    location = posted_ok(r, "/cases/defenders/DEF-")
    pid = location.rsplit("/", 1)[1]
    assert re.fullmatch(r"DEF-[0-9A-F]{4,12}", pid)
    for secret in (NAME, ORG):
        assert secret not in location and secret not in session_cookie(c)
    first = c.get(location)  # the redirect's page: the flash, the identity still sealed...
    assert NAME not in first.text and f"Opened defender case {pid}" in first.text
    page = c.post(f"{location}/reveal", data={"csrf": token})  # ...the opener is assigned, so may reveal
    assert page.status_code == 200 and NAME in page.text
    assert page.headers["cache-control"] == "no-store"
    other, _ = signed_in(app, users, "analyst2")
    assert NAME not in other.get(location).text and pid in other.get("/cases/defenders").text
    app.state.store.engine.dispose()  # flush SQLite's WAL into the main file (both are read anyway)
    raw = b"".join(p.read_bytes() for p in sorted(settings.home.glob("laborlens.db*")))
    assert pid.encode() in raw
    for secret in (NAME, ORG, "followed after the vote"):
        for enc in ("utf-8", "utf-16-le"):
            assert secret.encode(enc) not in raw, secret
        assert secret.lower().encode() not in raw


def test_defender_search_posts_so_nothing_typed_reaches_a_url(app, users, world):
    c, token = signed_in(app, users, "viewer")
    page = c.get("/cases/defenders").text
    assert 'action="/cases/defenders/search"' in page and 'method="get"' not in page
    r = c.post("/cases/defenders/search", data={"q": "mexi", "csrf": token})
    assert r.status_code == 200 and world.pid in r.text and "mexi" in r.text
    r = c.post("/cases/defenders/search", data={"q": NAME, "csrf": token})
    assert r.status_code == 200 and world.pid not in r.text.split("<table>", 1)[1].split("</table>", 1)[0]
    assert c.post("/cases/defenders/search", data={"q": "mexi"}).status_code == 403  # CSRF, as every form


def test_a_refused_defender_form_never_sends_the_identity_back(app, users):
    c, token = signed_in(app, users, "analyst")
    r = c.post(
        "/cases/defenders",
        data={"name": NAME, "organisation": ORG, "country": "Peru", "risk": "low", "csrf": token},
    )
    assert r.status_code == 422 and "name at least one threat" in r.text
    assert NAME not in r.text and ORG not in r.text and 'value="Peru"' in r.text
    assert r.headers["cache-control"] == "no-store"
    r = c.post(
        "/cases/defenders",
        data={"name": NAME, "country": "Peru", "threats": ["arrest"], "risk": "dire", "csrf": token},
    )
    assert r.status_code == 422 and "risk: must be one of" in r.text and NAME not in r.text


def test_defender_events_for_assigned_staff_and_admins_only(app, users, world):
    url, action = f"/cases/defenders/{world.pid}", f"/cases/defenders/{world.pid}/events"
    a, ta = signed_in(app, users, "analyst")  # assigned
    page = a.get(url).text
    assert NAME not in page and f'action="{url}/reveal"' in page
    assert NAME in a.post(f"{url}/reveal", data={"csrf": ta}).text
    assert 'name="threat"' in page and 'value="public_statement"' in page
    v = hidden(page, action)
    r = a.post(
        action,
        data={
            "kind": "threat",
            "threat": "violence",
            "perpetrator": "employer",
            "on": "2025-05-01",
            "note": "shots fired at the house",
            "version": v,
            "csrf": ta,
        },
    )
    posted_ok(r, url)
    page = a.post(f"{url}/reveal", data={"csrf": ta}).text  # notes are sealed like the identity
    assert "violence" in page and "shots fired at the house" in page
    # stale version: the conflict names the pseudonym, never the person
    r = a.post(action, data={"kind": "note", "note": "again", "version": v, "csrf": ta})
    assert r.status_code == 409 and "changed since you read it" in r.text and world.pid in r.text
    # an analyst who is not assigned sees no form and is refused
    b, tb = signed_in(app, users, "analyst2")
    page = b.get(url).text
    assert NAME not in page and f'action="{action}"' not in page and f'action="{url}/reveal"' not in page
    assert b.post(f"{url}/reveal", data={"csrf": tb}).status_code == 403
    r = b.post(
        action, data={"kind": "note", "note": "x", "version": hidden(a.get(url).text, action), "csrf": tb}
    )
    assert r.status_code == 403 and NAME not in r.text
    # an admin may add an action with support
    adm, tadm = signed_in(app, users, "admin")
    r = adm.post(
        action,
        data={
            "kind": "action",
            "action": "protection_support",
            "support": ["legal", "digital_security"],
            "version": hidden(adm.get(url).text, action),
            "csrf": tadm,
        },
    )
    posted_ok(r, url)
    assert "protection support" in adm.get(url).text
    r = adm.post(
        action,
        data={
            "kind": "threat",
            "threat": "gossip",
            "version": hidden(adm.get(url).text, action),
            "csrf": tadm,
        },
    )
    assert r.status_code == 422 and "threat: must be one of" in r.text


def test_admin_assigns_and_ends_assignments(app, users, world):
    url = f"/cases/defenders/{world.pid}"
    adm, token = signed_in(app, users, "admin")
    page = adm.get(url).text
    assert 'action="/cases/defenders/' in page and '<option value="analyst2">' in page
    posted_ok(adm.post(f"{url}/assignments", data={"username": "analyst2", "csrf": token}), url)
    b, tb = signed_in(app, users, "analyst2")
    assert NAME in b.post(f"{url}/reveal", data={"csrf": tb}).text
    r = adm.post(f"{url}/assignments", data={"username": "nobody-here", "csrf": token})
    assert r.status_code == 404 and "no user" in r.text and 'role="alert"' in r.text
    posted_ok(adm.post(f"{url}/assignments/end", data={"username": "analyst2", "csrf": token}), url)
    assert NAME not in b.get(url).text
    assert b.post(f"{url}/reveal", data={"csrf": tb}).status_code == 403
    a, _ = signed_in(app, users, "analyst")
    assert f'action="{url}/assignments"' not in a.get(url).text  # only admins see the assignment form


# --- missions, safeguards, progress review ------------------------------------------------------------------


def test_add_a_mission_and_record_engagements(app, users):
    c, token = signed_in(app, users, "analyst")
    assert 'action="/cases/missions"' in c.get("/cases/missions").text
    r = c.post(
        "/cases/missions",
        data={
            "title": "Labor dialogue",
            "kind": "mission",
            "starts_on": "2025-09-10",
            "ends_on": "2025-09-12",
            "country": "MX",
            "agency": "DOL",
            "csrf": token,
        },
    )
    url = posted_ok(r, "/cases/missions/MIS-")
    action = f"{url}/engagements"
    page = c.get(url).text
    assert "Labor dialogue" in page and hidden(page, action) == "0"
    r = c.post(
        action,
        data={
            "stakeholder": "elected_union_leaders",
            "on": "2025-09-01",
            "summary": "pre-brief",
            "version": "0",
            "csrf": token,
        },
    )
    posted_ok(r, url)
    page = c.get(url).text
    assert "elected union leaders" in page and "pre-brief" in page and hidden(page, action) == "1"
    r = c.post(action, data={"stakeholder": "workers", "on": "2025-09-11", "version": "0", "csrf": token})
    assert r.status_code == 409 and "changed since you read it" in r.text
    r = c.post(
        action,
        data={"stakeholder": "workers", "on": "2025-09-11", "phase": "after", "version": "1", "csrf": token},
    )
    assert r.status_code == 422 and "is during the mission" in r.text
    r = c.post(
        "/cases/missions",
        data={"title": "Backwards", "starts_on": "2025-09-12", "ends_on": "2025-09-10", "csrf": token},
    )
    assert r.status_code == 422 and "ends before it starts" in r.text and 'value="Backwards"' in r.text


def test_start_a_review_and_score_items(app, users):
    c, token = signed_in(app, users, "analyst")
    assert 'action="/cases/safeguards"' in c.get("/cases/safeguards").text
    r = c.post(
        "/cases/safeguards",
        data={"project": "Metro line", "bank": "World Bank", "framework": "ess2", "csrf": token},
    )
    url = posted_ok(r, "/cases/safeguards/SGR-")
    action = f"{url}/scores"
    item = safeguards.checklist("ess2")[0]
    page = c.get(url).text
    assert hidden(page, action) == "0" and f'value="{item.key}"' in page
    r = c.post(
        action,
        data={"item": item.key, "score": "2", "evidence": "LMP annex B, p. 4", "version": "0", "csrf": token},
    )
    posted_ok(r, url)
    page = c.get(url).text
    assert "LMP annex B, p. 4" in page and "2 (met)" in page
    r = c.post(action, data={"item": item.key, "score": "1", "evidence": "x", "version": "0", "csrf": token})
    assert r.status_code == 409 and "changed since you read it" in r.text
    r = c.post(action, data={"item": item.key, "score": "3", "evidence": "x", "version": "1", "csrf": token})
    assert r.status_code == 422 and "score must be 0 (absent), 1 (partial) or 2 (met)" in r.text
    r = c.post(action, data={"item": item.key, "score": "0", "evidence": " ", "version": "1", "csrf": token})
    assert r.status_code == 422 and "give the evidence" in r.text


def test_update_a_directive(app, users):
    c, token = signed_in(app, users, "analyst")
    report = c.get("/cases/review").text
    assert 'href="/cases/review/directives/3"' in report
    url, action = "/cases/review/directives/3", "/cases/review/directives/3/updates"
    assert hidden(c.get(url).text, action) == "0"
    r = c.post(
        action,
        data={
            "status": "in_progress",
            "evidence": "interagency cable",
            "due_on": "2026-12-31",
            "version": "0",
            "csrf": token,
        },
    )
    posted_ok(r, url)
    page = c.get(url).text
    assert "interagency cable" in page and "2026-12-31" in page and hidden(page, action) == "1"
    assert "interagency cable" in c.get("/cases/review").text
    r = c.post(action, data={"status": "blocked", "version": "0", "csrf": token})
    assert r.status_code == 409 and "changed since you read it" in r.text
    r = c.post(action, data={"status": "done", "evidence": "", "version": "1", "csrf": token})
    assert r.status_code == 422 and "marking a directive done needs evidence" in r.text
    assert c.get("/cases/review/directives/99").status_code == 404
    assert c.get("/cases/review/directives/x").status_code == 404


# --- what each role sees, and the page rules ----------------------------------------------------------------


def _forms_on(html: str) -> set[str]:
    return set(re.findall(r'<form[^>]*method="post"[^>]*action="(/cases/[^"]*)"', html))


def test_viewers_see_no_forms_and_pages_stay_within_the_csp(app, users, world):
    pages = [
        "/cases/rrm",
        f"/cases/rrm/{world.case}",
        "/cases/defenders",
        f"/cases/defenders/{world.pid}",
        "/cases/missions",
        f"/cases/missions/{world.mission}",
        "/cases/safeguards",
        f"/cases/safeguards/{world.review}",
        "/cases/review",
        "/cases/review/directives/1",
    ]
    viewer, _ = signed_in(app, users, "viewer")
    admin, _ = signed_in(app, users, "admin")
    seen = set()
    for url in pages:
        v, a = viewer.get(url), admin.get(url)
        assert v.status_code == a.status_code == 200, url
        assert _forms_on(v.text) - {"/cases/defenders/search"} == set(), url  # search writes nothing
        seen |= _forms_on(a.text)
        for html in (v.text, a.text):
            assert "<style" not in html and " style=" not in html, url
            # scripts only from /static (the app's own file): never inline
            app_js = f'<script src="/static/app.js?v={__version__}" defer>'
            assert re.findall(r"<script[^>]*>", html) == [app_js], url
            assert 'action="/signout"' in html  # the top bar's sign-out form carries the token too
    assert {_url(p, world) for p in FORMS if "{no}" not in p} <= seen | {"/cases/review/directives/3/updates"}
